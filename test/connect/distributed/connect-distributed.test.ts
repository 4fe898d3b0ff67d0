/**
 * The distributed-mode acceptance test with real processes: three `connect-distributed` workers
 * (the installed bin) on a broker in this process. Connectors are created through one worker's
 * REST API and inspected through another's. The worker running the source task is killed
 * (SIGKILL): its work moves to the others and lines keep flowing to the sink file with nothing
 * lost — duplicates are allowed there, as at-least-once delivery permits (the new owner resumes at
 * the last flushed offset). Then every worker is stopped (SIGTERM) and started again: connectors,
 * configs and offsets are back, and after that clean stop no line is copied twice.
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runBin } from '../../cli/cli-test-support.js';
import { startTestBroker, type TestBroker } from '../../client/client-test-support.js';
import { fileText, http, httpSettled, lines, startWorkerProcess, until, workerProps, type WorkerProcess } from './distributed-test-support.js';


interface Status {
  connector: { state: string; worker_id: string };
  tasks: Array<{ id: number; state: string; worker_id: string }>;
}


describe('connect-distributed: three worker processes', () => {
  let broker: TestBroker;
  let dir: string;
  const all: WorkerProcess[] = [];
  before(async () => {
    broker = await startTestBroker();
    dir = mkdtempSync(join(tmpdir(), 'samsa-connect-distributed-'));
  });
  after(async () => {
    for (const w of all) if (!w.exited) w.child.kill('SIGKILL');
    await Promise.all(all.map((w) => w.result.catch(() => undefined)));
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('bad properties: exit 1 with a message naming the missing key', async () => {
    const file = join(dir, 'bad.properties');
    const props = workerProps(broker.bootstrap, 'bad');
    delete props['group.id'];
    writeFileSync(file, Object.entries(props).map(([k, v]) => `${k}=${v}`).join('\n'));
    const r = await runBin('connect-distributed', [file]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Missing required configuration "group\.id" which has no default value\./);
    const noTopic = { ...workerProps(broker.bootstrap, 'bad') };
    delete noTopic['config.storage.topic'];
    writeFileSync(file, Object.entries(noTopic).map(([k, v]) => `${k}=${v}`).join('\n'));
    const r2 = await runBin('connect-distributed', [file]);
    assert.equal(r2.code, 1);
    assert.match(r2.stderr, /config\.storage\.topic/);
  });

  it('connectors survive a killed worker (no loss) and a full restart (configs, offsets; nothing copied twice)', async () => {
    const workerFile = join(dir, 'connect-distributed.properties');
    writeFileSync(workerFile, Object.entries(workerProps(broker.bootstrap, 'accept')).map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
    const source = join(dir, 'source.txt');
    const sink = join(dir, 'sink.txt');
    writeFileSync(source, lines(0, 500));

    let workers = [startWorkerProcess(workerFile), startWorkerProcess(workerFile), startWorkerProcess(workerFile)];
    all.push(...workers);
    const urls = await Promise.all(workers.map((w) => w.url));

    const sourceConfig = { 'connector.class': 'FileStreamSource', 'tasks.max': '1', file: source, topic: 'accept-lines' };
    const sinkConfig = { 'connector.class': 'FileStreamSink', 'tasks.max': '1', file: sink, topics: 'accept-lines' };
    assert.equal((await httpSettled('POST', `${urls[0]}connectors`, { name: 'file-source', config: sourceConfig })).status, 201);
    assert.equal((await httpSettled('POST', `${urls[0]}connectors`, { name: 'file-sink', config: sinkConfig })).status, 201);
    await until('the first 500 lines in the sink', () => fileText(sink) === lines(0, 500), 90_000);
    assert.deepEqual((await httpSettled('GET', `${urls[1]}connectors`)).body, ['file-sink', 'file-source']);
    assert.deepEqual((await httpSettled('GET', `${urls[2]}connectors/file-sink/config`)).body, { ...sinkConfig, name: 'file-sink' });
    let status: Status | undefined;
    await until('the source task RUNNING, seen from the second worker', async () => {
      const answer = await http('GET', `${urls[1]}connectors/file-source/status`);
      status = answer.body as Status;
      return answer.status === 200 && status.tasks.length === 1 && status.tasks[0]!.state === 'RUNNING';
    });

    // Kill the worker that runs the source task; lines written afterwards still arrive.
    const ownerId = status!.tasks[0]!.worker_id;
    const victim = urls.findIndex((u) => new URL(u).host === ownerId);
    assert.ok(victim >= 0, `the source task's worker ${ownerId} is one of ${urls.join(', ')}`);
    workers[victim]!.child.kill('SIGKILL');
    await workers[victim]!.result;
    const survivors = urls.filter((_, i) => i !== victim);
    appendFileSync(source, lines(500, 800));
    await until('the source task RUNNING on another worker', async () => {
      const answer = await http('GET', `${survivors[0]}connectors/file-source/status`);
      const s = answer.body as Status;
      return answer.status === 200 && s.tasks.length === 1 && s.tasks[0]!.state === 'RUNNING' && s.tasks[0]!.worker_id !== ownerId;
    }, 90_000);
    appendFileSync(source, lines(800, 1000));
    const expected = lines(0, 1000).split('\n').filter((l) => l !== '');
    await until('every line up to 999 in the sink', () => fileText(sink).endsWith(lines(999, 1000)) && new Set(fileText(sink).split('\n')).size >= expected.length + 1, 120_000);
    const copied = fileText(sink).split('\n').filter((l) => l !== '');
    const seen = new Set(copied);
    for (const line of expected) assert.ok(seen.has(line), `${line} reached the sink`);
    assert.ok(copied.every((l) => expected.includes(l)), 'the sink holds only source lines');
    // At-least-once: a line may be copied twice (re-read from the last flushed offset), but in order per run.
    assert.ok(copied.length >= expected.length);

    // Stop every worker cleanly and start three again.
    const running = workers.filter((_, i) => i !== victim);
    for (const w of running) w.child.kill('SIGTERM');
    for (const w of running) assert.equal((await w.result).code, 0);
    const beforeRestart = fileText(sink);
    workers = [startWorkerProcess(workerFile), startWorkerProcess(workerFile), startWorkerProcess(workerFile)];
    all.push(...workers);
    const newUrls = await Promise.all(workers.map((w) => w.url));
    assert.deepEqual((await httpSettled('GET', `${newUrls[2]}connectors`)).body, ['file-sink', 'file-source']);
    assert.deepEqual((await httpSettled('GET', `${newUrls[1]}connectors/file-source/config`)).body, { ...sourceConfig, name: 'file-source' });
    await until('both connectors RUNNING again', async () => {
      for (const name of ['file-source', 'file-sink']) {
        const answer = await http('GET', `${newUrls[0]}connectors/${name}/status`);
        const s = answer.body as Status;
        if (answer.status !== 200 || s.connector.state !== 'RUNNING' || s.tasks.length !== 1 || s.tasks[0]!.state !== 'RUNNING') return false;
      }
      return true;
    }, 90_000);
    appendFileSync(source, lines(1000, 1200));
    await until('lines 1000-1199 in the sink', () => fileText(sink).length >= beforeRestart.length + lines(1000, 1200).length, 90_000);
    assert.equal(fileText(sink), beforeRestart + lines(1000, 1200), 'after a clean stop the source resumed at its stored offset');
    // The source's offset, read through another worker, reaches the end of the file once flushed.
    const end = { offsets: [{ partition: { filename: source }, offset: { position: Buffer.byteLength(lines(0, 1200)) } }] };
    await until('the stored source offset at the end of the file', async () => JSON.stringify((await httpSettled('GET', `${newUrls[1]}connectors/file-source/offsets`)).body) === JSON.stringify(end));

    for (const w of workers) w.child.kill('SIGTERM');
    for (const w of workers) {
      const r = await w.result;
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /Kafka Connect stopped/);
    }
  });
});
