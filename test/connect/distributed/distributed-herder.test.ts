/**
 * Three DistributedHerders (each with its REST server on a free port) on one in-process broker:
 * a FileStreamSource → FileStreamSink pipeline created through one worker's REST API and read
 * through another's; writes sent to a worker that does not lead are forwarded to the leader;
 * Kafka's 409 and 404 through a follower; pause, resume, stop and delete; the offsets of a STOPPED
 * connector read and altered (the source then resumes where it was told); restarts forwarded to
 * the worker that runs the task.
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { silentLogger } from '../../../src/logging/logger.js';
import { startDistributedWorker, type Distributed } from '../../../src/connect/runtime/distributed.js';
import { startTestBroker, type TestBroker } from '../../client/client-test-support.js';
import { fileText, http, httpSettled, lines, until, workerProps } from './distributed-test-support.js';

interface Status {
  connector: { state: string; worker_id: string };
  tasks: Array<{ id: number; state: string; worker_id: string }>;
}

describe('DistributedHerder: three workers, one broker, REST', () => {
  let broker: TestBroker;
  let dir: string;
  const workers: Distributed[] = [];
  before(async () => {
    broker = await startTestBroker();
    dir = mkdtempSync(join(tmpdir(), 'samsa-distributed-'));
    for (let i = 0; i < 3; i++) workers.push(await startDistributedWorker(workerProps(broker.bootstrap, 'inproc'), silentLogger()));
  });
  after(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const leader = (): Distributed => {
    const l = workers.find((w) => w.herder.isLeader);
    assert.ok(l, 'a leader');
    return l;
  };
  const followers = (): Distributed[] => workers.filter((w) => !w.herder.isLeader);
  const status = async (w: Distributed, name: string): Promise<Status> => {
    const answer = await httpSettled('GET', `${w.url}connectors/${name}/status`);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return answer.body as Status;
  };
  const running = async (w: Distributed, name: string, tasks: number, state = 'RUNNING'): Promise<boolean> => {
    const answer = await http('GET', `${w.url}connectors/${name}/status`);
    if (answer.status !== 200) return false;
    const s = answer.body as Status;
    return s.connector.state === state && s.tasks.length === tasks && s.tasks.every((t) => t.state === state);
  };

  it('every worker joined one group with one leader; the workers’ ids are their REST host:port', () => {
    assert.equal(workers.filter((w) => w.herder.isLeader).length, 1);
    for (const w of workers) assert.equal(w.herder.workerId, new URL(w.url).host);
    assert.equal(new Set(workers.map((w) => w.herder.member.leaderUrl)).size, 1);
    assert.equal(leader().herder.member.leaderUrl, leader().url);
  });

  it('a pipeline created through a follower runs; configs, statuses and tasks read through another worker; 409 and 404 through a follower', async () => {
    const [a, b] = followers();
    assert.ok(a && b);
    const source = join(dir, 'pipeline.txt');
    const sink = join(dir, 'pipeline.sink.txt');
    writeFileSync(source, lines(0, 10));
    const sourceConfig = { 'connector.class': 'FileStreamSource', file: source, topic: 'pipeline-lines', 'tasks.max': '1' };
    const created = await httpSettled('POST', `${a.url}connectors`, { name: 'pipe-source', config: sourceConfig });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual(created.body, { name: 'pipe-source', config: { ...sourceConfig, name: 'pipe-source' }, tasks: [], type: 'source' });
    const sinkCreated = await httpSettled('POST', `${a.url}connectors`, { name: 'pipe-sink', config: { 'connector.class': 'FileStreamSink', file: sink, topics: 'pipeline-lines' } });
    assert.equal(sinkCreated.status, 201, JSON.stringify(sinkCreated.body));

    await until('the 10 lines in the sink file', () => fileText(sink) === lines(0, 10));
    appendFileSync(source, lines(10, 15));
    await until('15 lines in the sink file', () => fileText(sink) === lines(0, 15));

    // Read through the other follower (and the leader): every worker sees the same configs.
    for (const w of [b, leader()]) {
      assert.deepEqual((await httpSettled('GET', `${w.url}connectors`)).body, ['pipe-sink', 'pipe-source']);
      assert.deepEqual((await httpSettled('GET', `${w.url}connectors/pipe-source/config`)).body, { ...sourceConfig, name: 'pipe-source' });
      const tasks = (await httpSettled('GET', `${w.url}connectors/pipe-source/tasks`)).body as Array<{ id: unknown; config: Record<string, string> }>;
      assert.deepEqual(tasks.map((t) => t.id), [{ connector: 'pipe-source', task: 0 }]);
      assert.equal(tasks[0]!.config['file'], source);
    }
    await until('both connectors and their tasks RUNNING, seen from b', async () => (await running(b, 'pipe-source', 1)) && (await running(b, 'pipe-sink', 1)));
    const ids = new Set(workers.map((w) => w.herder.workerId));
    const s = await status(b, 'pipe-source');
    assert.ok(ids.has(s.connector.worker_id) && ids.has(s.tasks[0]!.worker_id), JSON.stringify(s));
    // The status names the worker that runs the task.
    const owner = workers.find((w) => w.herder.workerId === s.tasks[0]!.worker_id)!;
    assert.ok(owner.herder.currentAssignment!.tasks.some((t) => t.connector === 'pipe-source' && t.task === 0));

    const duplicate = await http('POST', `${a.url}connectors`, { name: 'pipe-source', config: sourceConfig });
    assert.equal(duplicate.status, 409);
    assert.deepEqual(duplicate.body, { error_code: 409, message: 'Connector pipe-source already exists' });
    const unknown = await http('GET', `${a.url}connectors/nope`);
    assert.equal(unknown.status, 404);
    assert.deepEqual(unknown.body, { error_code: 404, message: 'Connector nope not found' });
    const unknownDelete = await http('DELETE', `${a.url}connectors/nope`);
    assert.equal(unknownDelete.status, 404);
    const invalid = await http('POST', `${a.url}connectors`, { name: 'bad', config: { 'connector.class': 'FileStreamSink', file: sink } });
    assert.equal(invalid.status, 400);
    assert.match((invalid.body as { message: string }).message, /Must configure one of topics or topics.regex/);
  });

  it('pause and resume through a follower take effect on the workers that run the connector', async () => {
    const [a] = followers();
    const source = join(dir, 'pipeline.txt');
    const sink = join(dir, 'pipeline.sink.txt');
    assert.equal((await httpSettled('PUT', `${a!.url}connectors/pipe-source/pause`)).status, 202);
    await until('the source PAUSED', () => running(a!, 'pipe-source', 1, 'PAUSED'));
    assert.equal((await httpSettled('PUT', `${a!.url}connectors/pipe-source/resume`)).status, 202);
    await until('the source RUNNING again', () => running(a!, 'pipe-source', 1));
    appendFileSync(source, lines(15, 20));
    await until('20 lines in the sink file', () => fileText(sink) === lines(0, 20));
  });

  it('a STOPPED source: no tasks; its offsets read and altered through a follower; resumed, it starts where it was told', async () => {
    const [a, b] = followers();
    const source = join(dir, 'pipeline.txt');
    const sink = join(dir, 'pipeline.sink.txt');
    const notStopped = await http('PATCH', `${a!.url}connectors/pipe-source/offsets`, { offsets: [{ partition: { filename: source }, offset: { position: 0 } }] });
    assert.equal(notStopped.status, 400);
    assert.match((notStopped.body as { message: string }).message, /^Connectors must be in the STOPPED state before their offsets can be modified/);

    assert.equal((await httpSettled('PUT', `${a!.url}connectors/pipe-source/stop`)).status, 204);
    await until('the source STOPPED with no tasks', async () => {
      const answer = await http('GET', `${b!.url}connectors/pipe-source/status`);
      const s = answer.body as Status;
      return answer.status === 200 && s.connector.state === 'STOPPED' && s.tasks.length === 0;
    });
    assert.deepEqual((await httpSettled('GET', `${b!.url}connectors/pipe-source/tasks`)).body, []);
    const offsets = await httpSettled('GET', `${b!.url}connectors/pipe-source/offsets`);
    assert.deepEqual(offsets.body, { offsets: [{ partition: { filename: source }, offset: { position: Buffer.byteLength(lines(0, 20)) } }] });

    // Back to the start of line 18: those two lines are read again when it resumes.
    const position = Buffer.byteLength(lines(0, 18));
    const altered = await httpSettled('PATCH', `${b!.url}connectors/pipe-source/offsets`, { offsets: [{ partition: { filename: source }, offset: { position } }] });
    assert.equal(altered.status, 200, JSON.stringify(altered.body));
    assert.deepEqual(altered.body, { message: 'The offsets for this connector have been altered successfully' });
    assert.deepEqual((await httpSettled('GET', `${a!.url}connectors/pipe-source/offsets`)).body, { offsets: [{ partition: { filename: source }, offset: { position } }] });

    assert.equal((await httpSettled('PUT', `${b!.url}connectors/pipe-source/resume`)).status, 202);
    await until('the source RUNNING with its task', () => running(a!, 'pipe-source', 1));
    await until('lines 18 and 19 copied again', () => fileText(sink) === lines(0, 20) + lines(18, 20));
  });

  it('restarting a task through a follower reaches the worker that runs it', async () => {
    const [a] = followers();
    const before = await status(a!, 'pipe-sink');
    const restarted = await httpSettled('POST', `${a!.url}connectors/pipe-sink/tasks/0/restart`);
    assert.equal(restarted.status, 204, JSON.stringify(restarted.body));
    const unknownTask = await http('POST', `${a!.url}connectors/pipe-sink/tasks/7/restart`);
    assert.equal(unknownTask.status, 404);
    await until('the sink task RUNNING again', () => running(a!, 'pipe-sink', 1));
    assert.equal((await status(a!, 'pipe-sink')).tasks[0]!.worker_id, before.tasks[0]!.worker_id);
    // The connector alone (Kafka's old restart): done by the worker that runs it.
    const restartConnector = await httpSettled('POST', `${a!.url}connectors/pipe-sink/restart`);
    assert.equal(restartConnector.status, 204, JSON.stringify(restartConnector.body));
    await until('the sink RUNNING after the connector restart', () => running(a!, 'pipe-sink', 1));
    // KIP-745: nothing has failed, so onlyFailed restarts nothing.
    const onlyFailed = await httpSettled('POST', `${a!.url}connectors/pipe-sink/restart?includeTasks=true&onlyFailed=true`);
    assert.equal(onlyFailed.status, 202);
    assert.equal((onlyFailed.body as Status).connector.state, 'RUNNING');
    assert.equal((onlyFailed.body as Status).tasks[0]!.state, 'RUNNING');
    const restartAll = await httpSettled('POST', `${a!.url}connectors/pipe-sink/restart?includeTasks=true`);
    assert.equal(restartAll.status, 202, JSON.stringify(restartAll.body));
    assert.equal((restartAll.body as Status).connector.state, 'RESTARTING');
    assert.equal((restartAll.body as Status).tasks[0]!.state, 'RESTARTING');
    await until('the sink RUNNING after its restart', () => running(a!, 'pipe-sink', 1));
  });

  it('a config updated through a follower: the owner restarts the connector and its tasks get the new config', async () => {
    const [a, b] = followers();
    const source = join(dir, 'pipeline.txt');
    const sink = join(dir, 'pipeline.sink.txt');
    const config = { 'connector.class': 'FileStreamSource', file: source, topic: 'pipeline-lines', 'tasks.max': '1', 'batch.size': '7' };
    const updated = await httpSettled('PUT', `${a!.url}connectors/pipe-source/config`, config);
    assert.equal(updated.status, 200, JSON.stringify(updated.body));
    assert.deepEqual((updated.body as { config: unknown }).config, { ...config, name: 'pipe-source' });
    await until('the new task config, seen from another worker', async () => {
      const tasks = (await http('GET', `${b!.url}connectors/pipe-source/tasks`)).body as Array<{ config: Record<string, string> }>;
      return Array.isArray(tasks) && tasks.length === 1 && tasks[0]!.config['batch.size'] === '7';
    });
    await until('the source RUNNING with its task', () => running(b!, 'pipe-source', 1));
    appendFileSync(source, lines(20, 25));
    await until('lines 20-24 in the sink', () => fileText(sink) === lines(0, 20) + lines(18, 25));
  });

  it('delete through a follower: gone from every worker, its work stopped', async () => {
    const [a, b] = followers();
    // A STOPPED sink's offsets are its group's (connect-<name>): every record of the topic consumed.
    assert.equal((await httpSettled('PUT', `${b!.url}connectors/pipe-sink/stop`)).status, 204);
    const records = (lines(0, 20) + lines(18, 25)).split('\n').length - 1;
    const sinkOffsets = { offsets: [{ partition: { kafka_topic: 'pipeline-lines', kafka_partition: 0 }, offset: { kafka_offset: records } }] };
    await until('the sink group’s committed offsets', async () => JSON.stringify((await http('GET', `${a!.url}connectors/pipe-sink/offsets`)).body) === JSON.stringify(sinkOffsets));
    assert.equal((await httpSettled('DELETE', `${a!.url}connectors/pipe-sink`)).status, 204);
    for (const w of workers) {
      assert.deepEqual((await httpSettled('GET', `${w.url}connectors`)).body, ['pipe-source']);
    }
    assert.equal((await http('GET', `${b!.url}connectors/pipe-sink/status`)).status, 404);
    await until('no worker runs the sink', () => workers.every((w) => !w.worker.connectorNames().includes('pipe-sink') && w.worker.taskIds('pipe-sink').length === 0));
  });
});
