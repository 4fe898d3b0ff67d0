/**
 * Tasks on threads of their own (WorkerOptions.taskThreads, what the Connect bins use): a
 * FileStreamSource and a FileStreamSink each on its own thread copy a file through a topic, with the
 * source's offsets going through the worker's offset store, topics reported to its status store,
 * pause and resume relayed, and failures (at start and later) reported with their errors.
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Kafka } from '../../../src/client/kafka.js';
import { silentLogger } from '../../../src/logging/logger.js';
import { MemoryStatusBackingStore } from '../../../src/connect/runtime/memory-status-store.js';
import { MemoryOffsetBackingStore } from '../../../src/connect/runtime/offset-store.js';
import { Worker } from '../../../src/connect/runtime/worker.js';
import { startTestBroker, type TestBroker } from '../../client/client-test-support.js';

async function until(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function lines(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
  } catch {
    return [];
  }
}

describe('Connect tasks on threads of their own', () => {
  let broker: TestBroker;
  let dir: string;
  /** Every worker made, stopped again at the end: a failed assertion must not leave task threads keeping the process alive. */
  const workers: Worker[] = [];
  const newWorker = (options: ConstructorParameters<typeof Worker>[0]): Worker => {
    const w = new Worker(options);
    workers.push(w);
    return w;
  };
  before(async () => {
    broker = await startTestBroker();
    dir = mkdtempSync(join(tmpdir(), 'samsa-task-thread-'));
  });
  after(async () => {
    for (const w of workers) await w.stop().catch(() => undefined);
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const workerConfig = () => ({
    'bootstrap.servers': broker.bootstrap, 'key.converter': 'org.apache.kafka.connect.storage.StringConverter', 'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
    'offset.storage.file.filename': 'unused', 'offset.flush.interval.ms': '500',
  });

  async function run(worker: Worker, props: Record<string, string>): Promise<void> {
    const name = props['name']!;
    await worker.startConnector(name, props, 'STARTED');
    for (const [task, config] of worker.connectorTaskConfigs(name, 1).entries()) await worker.startTask({ connector: name, task }, props, config, 'STARTED');
  }

  it('copy a file through a topic; source offsets reach the worker’s store; pause and resume reach the threads; a new worker resumes after the stored offsets', async () => {
    const input = join(dir, 'in.txt');
    const output = join(dir, 'out.txt');
    writeFileSync(input, Array.from({ length: 1000 }, (_, i) => `line ${i}`).join('\n') + '\n');
    const offsets = new MemoryOffsetBackingStore();
    const statuses = new MemoryStatusBackingStore();
    const worker = newWorker({ workerConfig: workerConfig(), offsetStore: offsets, statusStore: statuses, logger: silentLogger(), taskThreads: true });
    await run(worker, { name: 'src', 'connector.class': 'FileStreamSource', file: input, topic: 'thread-copy' });
    await run(worker, { name: 'sink', 'connector.class': 'FileStreamSink', file: output, topics: 'thread-copy' });
    assert.equal(statuses.getTask({ connector: 'src', task: 0 })?.state, 'RUNNING');
    assert.equal(statuses.getTask({ connector: 'sink', task: 0 })?.state, 'RUNNING');
    await until('1,000 lines copied', () => lines(output).length >= 1000);
    assert.deepEqual(lines(output), Array.from({ length: 1000 }, (_, i) => `line ${i}`));
    assert.deepEqual(statuses.getAllTopics('src'), ['thread-copy']);
    assert.deepEqual(statuses.getAllTopics('sink'), ['thread-copy']);

    // Paused: lines appended meanwhile are not copied until the connectors resume.
    await worker.setTargetState('src', 'PAUSED');
    await worker.setTargetState('sink', 'PAUSED');
    await new Promise((r) => setTimeout(r, 300));
    appendFileSync(input, 'while paused\n');
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(lines(output).length, 1000, 'nothing copied while paused');
    await worker.setTargetState('src', 'STARTED');
    await worker.setTargetState('sink', 'STARTED');
    await until('the line appended while paused', () => lines(output).length >= 1001);
    await worker.stop();
    const stored = offsets.connectorOffsets('src');
    assert.equal(stored.length, 1, 'the source partition’s offset is in the worker’s store');

    // Another worker with the same store starts the source after the stored offset: only new lines follow.
    appendFileSync(input, 'after restart\n');
    const again = newWorker({ workerConfig: workerConfig(), offsetStore: offsets, logger: silentLogger(), taskThreads: true });
    await run(again, { name: 'src', 'connector.class': 'FileStreamSource', file: input, topic: 'thread-copy' });
    await run(again, { name: 'sink', 'connector.class': 'FileStreamSink', file: output, topics: 'thread-copy' });
    await until('the line appended after the restart', () => lines(output).includes('after restart'));
    await new Promise((r) => setTimeout(r, 500));
    await again.stop();
    const out = lines(output);
    assert.equal(out.length, 1002, 'no line copied twice');
    assert.deepEqual(out.slice(1000), ['while paused', 'after restart']);
  });

  it('a task that cannot start on its thread, or fails on it later, is FAILED with its error; the worker goes on', async () => {
    const statuses = new MemoryStatusBackingStore();
    const failures: string[] = [];
    const worker = newWorker({ workerConfig: workerConfig(), offsetStore: new MemoryOffsetBackingStore(), statusStore: statuses, logger: silentLogger(), taskThreads: true });
    worker.onTaskFailure((task, e) => failures.push(`${task}: ${e.message}`));
    try {
      const missing = join(dir, 'no-such-dir', 'out.txt');
      await run(worker, { name: 'bad-sink', 'connector.class': 'FileStreamSink', file: missing, topics: 'thread-bad' });
      const status = statuses.getTask({ connector: 'bad-sink', task: 0 });
      assert.equal(status?.state, 'FAILED');
      assert.match(status?.trace ?? '', new RegExp(`Couldn't find or create file '${missing.replaceAll('\\', '\\\\')}' for FileStreamSinkTask`));
      assert.match(status?.trace ?? '', /Caused by: .*ENOENT/);
      assert.deepEqual(failures, [], 'a task that never started is not a failure of a running task');

      // A task failing on its thread after it started: a JDBC sink given a record without a Struct value.
      const producer = new Kafka({ clientId: 'task-thread-test', brokers: [broker.bootstrap] }).producer();
      await producer.connect();
      await producer.send({ topic: 'thread-not-a-struct', messages: [{ value: 'just text' }] });
      await producer.disconnect();
      await run(worker, { name: 'jdbc-sink', 'connector.class': 'JdbcSink', 'connection.url': 'jdbc:mysql://127.0.0.1:1/none', topics: 'thread-not-a-struct' });
      await until('the sink task failure', () => failures.length > 0);
      assert.equal(failures.length, 1);
      assert.match(failures[0]!, /^jdbc-sink-0: .*requires record values to be structs, but found record at \(topic='thread-not-a-struct',partition=0,offset=0,.*with a String value/);
      assert.equal(statuses.getTask({ connector: 'jdbc-sink', task: 0 })?.state, 'FAILED');
      assert.match(statuses.getTask({ connector: 'jdbc-sink', task: 0 })?.trace ?? '', /requires record values to be structs/);
    } finally {
      await worker.stop();
    }
  });
});
