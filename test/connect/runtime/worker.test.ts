/**
 * The worker's task pipelines against an in-process broker: source records → converters →
 * Kafka with offsets committed after acknowledgement; Kafka → converters → put(), with consumer
 * offsets committed only after a successful flush.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Kafka } from '../../../src/client/kafka.js';
import { silentLogger } from '../../../src/logging/logger.js';
import { ConfigDef } from '../../../src/connect/api/config-def.js';
import { SinkConnector, SinkTask, SourceConnector, SourceTask, type ErrantRecordReporter, type SinkOffsets, type Task } from '../../../src/connect/api/connector.js';
import { SourceRecord, type SinkRecord } from '../../../src/connect/api/data/connect-record.js';
import { ConnectHeaders } from '../../../src/connect/api/data/headers.js';
import { RetriableException } from '../../../src/connect/api/errors.js';
import { Schema } from '../../../src/connect/api/data/schema.js';
import { ConnectorPluginRegistry } from '../../../src/connect/connectors/registry.js';
import { MemoryOffsetBackingStore } from '../../../src/connect/runtime/offset-store.js';
import { Worker } from '../../../src/connect/runtime/worker.js';
import { MemoryStatusBackingStore } from '../../../src/connect/runtime/memory-status-store.js';
import { startTestBroker, type TestBroker } from '../../client/client-test-support.js';

const events: string[] = [];

class CountingSourceTask extends SourceTask {
  private next = 0;
  private total = 0;
  version(): string {
    return '1';
  }
  start(props: Record<string, string>): void {
    const stored = this.context.offsetStorageReader().offset({ p: 'x' });
    this.next = stored === null ? 0 : Number(stored['n']);
    this.total = Number(props['count']);
    events.push(`source start at ${this.next}`);
  }
  async poll(): Promise<SourceRecord[] | null> {
    if (this.next >= this.total) {
      await new Promise((r) => setTimeout(r, 20));
      return null;
    }
    const records: SourceRecord[] = [];
    for (let i = 0; i < 3 && this.next < this.total; i++, this.next++) {
      records.push(new SourceRecord({ sourcePartition: { p: 'x' }, sourceOffset: { n: this.next + 1 }, topic: 'worker-src', kafkaPartition: 0, keySchema: Schema.STRING_SCHEMA, key: `k${this.next}`, valueSchema: Schema.STRING_SCHEMA, value: `v${this.next}`, timestamp: 1_700_000_000_000 + this.next, headers: new ConnectHeaders().addString('h', `x${this.next}`) }));
    }
    return records;
  }
  override commit(): void {
    events.push('source commit');
  }
  stop(): void {
    events.push('source stop');
  }
}

/** A source whose start() waits for the test. */
const slowStart = { release: null as (() => void) | null };

class SlowStartSourceTask extends CountingSourceTask {
  override async start(props: Record<string, string>): Promise<void> {
    events.push('slow start begins');
    await new Promise<void>((resolve) => (slowStart.release = resolve));
    super.start(props);
  }
}

class CountingSourceConnector extends SourceConnector {
  private props: Record<string, string> = {};
  version(): string {
    return '1';
  }
  start(props: Record<string, string>): void {
    this.props = { ...props };
  }
  taskClass(): new () => Task {
    return CountingSourceTask;
  }
  taskConfigs(): Array<Record<string, string>> {
    return [this.props];
  }
  stop(): void {}
  config(): ConfigDef {
    return new ConfigDef().define('count', 'INT');
  }
}

/** Polls scripted batches (one per poll), then nothing; records each commitRecord call. */
const scripted = { batches: [] as Array<Array<{ n: number; value: string; p?: unknown }>>, committedRecords: [] as string[] };

class ScriptedSourceTask extends SourceTask {
  private next = 0;
  version(): string {
    return '1';
  }
  start(): void {
    this.next = 0;
  }
  async poll(): Promise<SourceRecord[] | null> {
    const batch = scripted.batches[this.next++];
    if (batch === undefined) {
      await new Promise((r) => setTimeout(r, 20));
      return null;
    }
    return batch.map(({ n, value, p }) => new SourceRecord({ sourcePartition: { p: p ?? 'scripted' }, sourceOffset: { n }, topic: 'worker-src-scripted', kafkaPartition: 0, valueSchema: Schema.STRING_SCHEMA, value }));
  }
  override commitRecord(record: SourceRecord): void {
    scripted.committedRecords.push(String(record.value).slice(0, 10));
  }
  stop(): void {}
}

class ScriptedSourceConnector extends CountingSourceConnector {
  override taskClass(): new () => Task {
    return ScriptedSourceTask;
  }
}

const sinkState = { failFlush: false, failPut: null as Error | null, put: [] as SinkRecord[], flushed: [] as string[] };

class RecordingSinkTask extends SinkTask {
  version(): string {
    return '1';
  }
  start(): void {}
  put(records: SinkRecord[]): void {
    if (sinkState.failPut !== null) {
      const e = sinkState.failPut;
      if (e instanceof RetriableException) sinkState.failPut = null;
      throw e;
    }
    sinkState.put.push(...records);
  }
  override flush(offsets: SinkOffsets): void {
    if (sinkState.failFlush) throw new Error('flush failed');
    sinkState.flushed.push(...[...offsets.values()].map((o) => `${o.topic}-${o.partition}@${o.offset}`));
  }
  stop(): void {}
}

/** Puts the records whose value does not start with "bad"; reports the others through the errant record reporter (asked for at start, as Kafka's tasks do). */
class ErrantSinkTask extends SinkTask {
  private report: ErrantRecordReporter | null = null;
  version(): string {
    return '1';
  }
  start(): void {
    this.report = this.context.errantRecordReporter!();
  }
  async put(records: SinkRecord[]): Promise<void> {
    for (const r of records) {
      if (String(r.value).startsWith('bad')) await this.report!(r, new Error(`cannot write ${String(r.value)}`));
      else sinkState.put.push(r);
    }
  }
  stop(): void {}
}

class RecordingSinkConnector extends SinkConnector {
  private props: Record<string, string> = {};
  version(): string {
    return '1';
  }
  start(props: Record<string, string>): void {
    this.props = { ...props };
  }
  taskClass(): new () => Task {
    return RecordingSinkTask;
  }
  taskConfigs(): Array<Record<string, string>> {
    return [this.props];
  }
  stop(): void {}
  config(): ConfigDef {
    return new ConfigDef();
  }
}

/** A sink whose first put() waits for the test (and may ask to rewind); records each put's offsets and how many puts ran at once. */
const slowState = { puts: [] as bigint[][], running: 0, maxRunning: 0, firstPutStarted: false, release: null as (() => void) | null, rewindTo: null as bigint | null };

class SlowSinkTask extends SinkTask {
  version(): string {
    return '1';
  }
  start(): void {}
  async put(records: SinkRecord[]): Promise<void> {
    slowState.running++;
    slowState.maxRunning = Math.max(slowState.maxRunning, slowState.running);
    try {
      slowState.puts.push(records.map((r) => r.kafkaOffset));
      if (!slowState.firstPutStarted) {
        slowState.firstPutStarted = true;
        await new Promise<void>((resolve) => (slowState.release = resolve));
        if (slowState.rewindTo !== null) this.context.offset([{ topic: records[0]!.topic, partition: 0, offset: slowState.rewindTo }]);
      }
    } finally {
      slowState.running--;
    }
  }
  stop(): void {}
}

class SlowSinkConnector extends RecordingSinkConnector {
  override taskClass(): new () => Task {
    return SlowSinkTask;
  }
}

class SlowStartSourceConnector extends CountingSourceConnector {
  override taskClass(): new () => Task {
    return SlowStartSourceTask;
  }
}

class ErrantSinkConnector extends RecordingSinkConnector {
  override taskClass(): new () => Task {
    return ErrantSinkTask;
  }
}

/** Starts a connector and its tasks on the worker, as a herder would. */
async function runConnector(worker: Worker, props: Record<string, string>): Promise<void> {
  const name = props['name']!;
  await worker.startConnector(name, props, 'STARTED');
  assert.ok(worker.isRunning(name), `connector ${name} running`);
  for (const [task, config] of worker.connectorTaskConfigs(name, 1).entries()) await worker.startTask({ connector: name, task }, props, config, 'STARTED');
}

async function until(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('Worker task pipelines', () => {
  let broker: TestBroker;
  let kafka: Kafka;
  const plugins = new ConnectorPluginRegistry().register('test.CountingSourceConnector', CountingSourceConnector).register('test.ScriptedSourceConnector', ScriptedSourceConnector).register('test.RecordingSinkConnector', RecordingSinkConnector)
    .register('test.ErrantSinkConnector', ErrantSinkConnector).register('test.SlowSinkConnector', SlowSinkConnector)
    .register('test.SlowStartSourceConnector', SlowStartSourceConnector);
  const workerConfig = () => ({ 'bootstrap.servers': broker.bootstrap, 'key.converter': 'org.apache.kafka.connect.storage.StringConverter', 'value.converter': 'StringConverter', 'offset.storage.file.filename': 'unused', 'offset.flush.interval.ms': '0' });
  before(async () => {
    broker = await startTestBroker();
    kafka = new Kafka({ clientId: 'worker-test', brokers: [broker.bootstrap] });
  });
  after(async () => {
    await broker.close();
  });

  it('source: converted records reach Kafka; offsets are stored after acknowledgement and on stop, then commit() runs', async () => {
    const store = new MemoryOffsetBackingStore();
    const worker = new Worker({ workerConfig: workerConfig(), offsetStore: store, logger: silentLogger(), connectors: plugins });
    events.length = 0;
    await runConnector(worker, { name: 'counting', 'connector.class': 'CountingSource', count: '10' });
    const consumer = kafka.consumer({ groupId: 'worker-test-reader' });
    await consumer.connect();
    await consumer.subscribe({ topics: ['worker-src'], fromBeginning: true });
    const seen: string[] = [];
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(`${message.key!.toString()}=${message.value!.toString()} h=${message.headers['h']!.toString()} t=${message.timestamp}`) });
    await until('10 records in Kafka', () => seen.length >= 10);
    await consumer.disconnect();
    assert.deepEqual(seen, Array.from({ length: 10 }, (_, i) => `k${i}=v${i} h=x${i} t=${1_700_000_000_000 + i}`));
    await worker.stop();
    assert.deepEqual(store.get(['counting', { p: 'x' }]), { n: 10 });
    assert.deepEqual(events, ['source start at 0', 'source commit', 'source stop']);

    // A new worker with the same store resumes after the committed offset.
    events.length = 0;
    const again = new Worker({ workerConfig: workerConfig(), offsetStore: store, logger: silentLogger(), connectors: plugins });
    await runConnector(again, { name: 'counting', 'connector.class': 'CountingSource', count: '10' });
    await again.stop();
    assert.deepEqual(events, ['source start at 10', 'source stop']);
  });

  it('a task stopped while it is still starting is stopped once its start is done (not left running)', async () => {
    const worker = new Worker({ workerConfig: workerConfig(), offsetStore: new MemoryOffsetBackingStore(), logger: silentLogger(), connectors: plugins });
    events.length = 0;
    slowStart.release = null;
    const props = { name: 'slow-start', 'connector.class': 'test.SlowStartSourceConnector', count: '0' };
    await worker.startConnector('slow-start', props, 'STARTED');
    const config = worker.connectorTaskConfigs('slow-start', 1)[0]!;
    const starting = worker.startTask({ connector: 'slow-start', task: 0 }, props, config, 'STARTED');
    await until('the task’s start() waiting', () => slowStart.release !== null);
    const stopping = worker.stopTasks([{ connector: 'slow-start', task: 0 }]);
    slowStart.release!();
    await Promise.all([starting, stopping]);
    assert.deepEqual(events, ['slow start begins', 'source start at 0', 'source stop']);
    assert.deepEqual(worker.taskIds(), []);
    await worker.stop();
  });

  it('source: the connector’s transforms chain (RegexRouter, InsertHeader) runs before the converters; a bad transform setting refuses the connector, naming the key', async () => {
    const worker = new Worker({ workerConfig: workerConfig(), offsetStore: new MemoryOffsetBackingStore(), logger: silentLogger(), connectors: plugins });
    assert.throws(
      () => worker.validateConnector({ name: 'bad-transform', 'connector.class': 'CountingSource', count: '3', transforms: 'route', 'transforms.route.type': 'org.apache.kafka.connect.transforms.NoSuchTransform' }),
      /transforms\.route\.type/,
    );
    await runConnector(worker, {
      name: 'transformed',
      'connector.class': 'CountingSource',
      count: '3',
      transforms: 'route,tag',
      'transforms.route.type': 'org.apache.kafka.connect.transforms.RegexRouter',
      'transforms.route.regex': 'worker-(.*)',
      'transforms.route.replacement': 'routed-$1',
      'transforms.tag.type': 'org.apache.kafka.connect.transforms.InsertHeader',
      'transforms.tag.header': 'via',
      'transforms.tag.value.literal': 'samsa',
    });
    const consumer = kafka.consumer({ groupId: 'worker-test-routed' });
    await consumer.connect();
    await consumer.subscribe({ topics: ['routed-src'], fromBeginning: true });
    const seen: string[] = [];
    await consumer.run({ eachMessage: async ({ topic, message }) => void seen.push(`${topic} ${message.key!.toString()}=${message.value!.toString()} via=${message.headers['via']!.toString()}`) });
    await until('3 routed records', () => seen.length >= 3);
    await consumer.disconnect();
    await worker.stop();
    assert.deepEqual(seen, ['routed-src k0=v0 via=samsa', 'routed-src k1=v1 via=samsa', 'routed-src k2=v2 via=samsa']);
  });

  it('source: a failed send fails the task; only the offsets of batches polled before it are committed, commitRecord only for their records', async () => {
    // Batch 2 holds a record larger than the producer's max request size: its send fails. Batch 3,
    // polled after it (possibly sent and acknowledged while batch 2 was in flight), must not move the offset.
    scripted.batches = [
      [{ n: 1, value: 'a1' }, { n: 2, value: 'a2' }, { n: 3, value: 'a3' }],
      [{ n: 4, value: 'b'.repeat(2_000_000) }],
      [{ n: 5, value: 'c5' }, { n: 6, value: 'c6' }],
    ];
    scripted.committedRecords = [];
    const store = new MemoryOffsetBackingStore();
    const failures: string[] = [];
    const worker = new Worker({ workerConfig: workerConfig(), offsetStore: store, logger: silentLogger(), connectors: plugins });
    worker.onTaskFailure((task, e) => failures.push(`${task}: ${e.message}`));
    await runConnector(worker, { name: 'scripted', 'connector.class': 'test.ScriptedSourceConnector' });
    await until('the task failure', () => failures.length > 0);
    await worker.stop();
    assert.equal(failures.length, 1);
    assert.match(failures[0]!, /^scripted-0: .*larger than maxRequestSize/);
    assert.deepEqual(store.get(['scripted', { p: 'scripted' }]), { n: 3 });
    assert.deepEqual(scripted.committedRecords, ['a1', 'a2', 'a3']);
  });

  it('source: a source partition that is not a JSON value fails the task once its batch is acknowledged; earlier offsets are kept', async () => {
    scripted.batches = [[{ n: 1, value: 'ok' }], [{ n: 2, value: 'bad partition', p: Number.NaN }], [{ n: 3, value: 'after' }]];
    scripted.committedRecords = [];
    const store = new MemoryOffsetBackingStore();
    const failures: string[] = [];
    const worker = new Worker({ workerConfig: workerConfig(), offsetStore: store, logger: silentLogger(), connectors: plugins });
    worker.onTaskFailure((task, e) => failures.push(`${task}: ${e.message}`));
    await runConnector(worker, { name: 'scripted-nan', 'connector.class': 'test.ScriptedSourceConnector' });
    await until('the task failure', () => failures.length > 0);
    await worker.stop();
    assert.deepEqual(failures, ['scripted-nan-0: Offsets must be finite numbers, got NaN']);
    assert.deepEqual(store.get(['scripted-nan', { p: 'scripted' }]), { n: 1 });
    assert.deepEqual(scripted.committedRecords, ['ok']);
  });

  it('sink: records are converted and put; consumer offsets are committed only after a successful flush', async () => {
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'worker-sink', messages: Array.from({ length: 5 }, (_, i) => ({ key: `k${i}`, value: `v${i}`, partition: 0 })) });
    await producer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    const committed = async () => (await admin.fetchOffsets({ groupId: 'connect-recording', topics: ['worker-sink'] }))[0]!.partitions.map((p) => `${p.partition}@${p.offset}`);

    sinkState.failFlush = true;
    sinkState.put = [];
    const worker = new Worker({ workerConfig: workerConfig(), offsetStore: new MemoryOffsetBackingStore(), logger: silentLogger(), connectors: plugins });
    await runConnector(worker, { name: 'recording', 'connector.class': 'test.RecordingSinkConnector', topics: 'worker-sink' });
    await until('5 records put', () => sinkState.put.length >= 5);
    assert.deepEqual(sinkState.put.map((r) => [r.topic, r.kafkaPartition, r.kafkaOffset, r.key, r.value, r.valueSchema]), Array.from({ length: 5 }, (_, i) => ['worker-sink', 0, BigInt(i), `k${i}`, `v${i}`, Schema.OPTIONAL_STRING_SCHEMA]));
    await worker.stop();
    assert.deepEqual(await committed(), ['0@-1'], 'a failed flush commits nothing');

    sinkState.failFlush = false;
    sinkState.put = [];
    const again = new Worker({ workerConfig: workerConfig(), offsetStore: new MemoryOffsetBackingStore(), logger: silentLogger(), connectors: plugins });
    await runConnector(again, { name: 'recording', 'connector.class': 'RecordingSinkConnector', topics: 'worker-sink' });
    await until('the 5 uncommitted records put again', () => sinkState.put.length >= 5);
    await again.stop();
    assert.deepEqual(sinkState.put.map((r) => r.kafkaOffset), [0n, 1n, 2n, 3n, 4n]);
    assert.deepEqual(sinkState.flushed, ['worker-sink-0@5']);
    assert.deepEqual(await committed(), ['0@5']);
    await admin.disconnect();
  });

  it('sink: put() failing fails the task without committing; a RetriableException is retried', async () => {
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'worker-sink-fail', messages: [{ value: 'a', partition: 0 }, { value: 'b', partition: 0 }] });
    await producer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    const committed = async () => (await admin.fetchOffsets({ groupId: 'connect-failing', topics: ['worker-sink-fail'] }))[0]!.partitions.map((p) => `${p.partition}@${p.offset}`);

    sinkState.failPut = new Error('disk on fire');
    sinkState.put = [];
    const failures: string[] = [];
    const worker = new Worker({ workerConfig: workerConfig(), offsetStore: new MemoryOffsetBackingStore(), logger: silentLogger(), connectors: plugins });
    worker.onTaskFailure((task, e) => failures.push(`${task}: ${e.message}`));
    await runConnector(worker, { name: 'failing', 'connector.class': 'RecordingSinkConnector', topics: 'worker-sink-fail' });
    await until('the task failure', () => failures.length > 0);
    assert.deepEqual(failures, ['failing-0: disk on fire']);
    await worker.stop();
    assert.deepEqual(await committed(), ['0@-1']);

    sinkState.failPut = new RetriableException('try again');
    const again = new Worker({ workerConfig: workerConfig(), offsetStore: new MemoryOffsetBackingStore(), logger: silentLogger(), connectors: plugins });
    await runConnector(again, { name: 'failing', 'connector.class': 'RecordingSinkConnector', topics: 'worker-sink-fail' });
    await until('the batch put after the retry', () => sinkState.put.length >= 2);
    await again.stop();
    assert.deepEqual(sinkState.put.map((r) => r.value), ['a', 'b']);
    assert.deepEqual(await committed(), ['0@2']);
    await admin.disconnect();
  });

  it('sink: batches consumed while a put() runs wait for it (one put at a time, in order); a rewind asked for during a put() replays from there', async () => {
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'worker-slow', messages: [{ value: 'a0', partition: 0 }, { value: 'a1', partition: 0 }] });
    Object.assign(slowState, { puts: [], running: 0, maxRunning: 0, firstPutStarted: false, release: null, rewindTo: 1n });
    const worker = new Worker({ workerConfig: workerConfig(), offsetStore: new MemoryOffsetBackingStore(), logger: silentLogger(), connectors: plugins });
    await runConnector(worker, { name: 'slow', 'connector.class': 'test.SlowSinkConnector', topics: 'worker-slow' });
    await until('the first put() waiting', () => slowState.release !== null);
    // Consumed while the first put() waits: converted, then held until it returns.
    await producer.send({ topic: 'worker-slow', messages: [{ value: 'b2', partition: 0 }, { value: 'b3', partition: 0 }] });
    await producer.disconnect();
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(slowState.puts, [[0n, 1n]], 'no second put() while the first runs');
    slowState.release!();
    await until('offset 3 put', () => slowState.puts.flat().includes(3n));
    await worker.stop();
    // The rewind to offset 1 replaced what was consumed after the first batch.
    assert.deepEqual(slowState.puts, [[0n, 1n], [1n, 2n, 3n]]);
    assert.equal(slowState.maxRunning, 1);
    const admin = kafka.admin();
    await admin.connect();
    const offsets = (await admin.fetchOffsets({ groupId: 'connect-slow', topics: ['worker-slow'] }))[0]!.partitions.map((p) => `${p.partition}@${p.offset}`);
    await admin.disconnect();
    assert.deepEqual(offsets, ['0@4']);
  });

  it('sink: records the task reports as errant go to the dead letter queue with what was consumed for each', async () => {
    const producer = kafka.producer();
    await producer.connect();
    const values = ['good0', 'bad1', 'good2', 'bad3', 'good4'];
    await producer.send({ topic: 'worker-errant', messages: values.map((value, i) => ({ key: `k${i}`, value, partition: 0, headers: { n: String(i) } })) });
    await producer.disconnect();
    sinkState.put = [];
    const worker = new Worker({ workerConfig: workerConfig(), offsetStore: new MemoryOffsetBackingStore(), logger: silentLogger(), connectors: plugins });
    await runConnector(worker, {
      name: 'errant', 'connector.class': 'test.ErrantSinkConnector', topics: 'worker-errant',
      'errors.tolerance': 'all', 'errors.deadletterqueue.topic.name': 'worker-errant-dlq', 'errors.deadletterqueue.topic.replication.factor': '1',
      'errors.deadletterqueue.context.headers.enable': 'true',
    });
    await until('the good records put', () => sinkState.put.length >= 3);
    const consumer = kafka.consumer({ groupId: 'worker-errant-reader' });
    await consumer.connect();
    await consumer.subscribe({ topics: ['worker-errant-dlq'], fromBeginning: true });
    const dead: string[] = [];
    await consumer.run({
      eachMessage: async ({ message }) => {
        const h = (k: string): string => String(message.headers[k]);
        dead.push(`${message.key!.toString()}=${message.value!.toString()} n=${h('n')} offset=${h('__connect.errors.offset')} stage=${h('__connect.errors.stage')} ${h('__connect.errors.exception.message')}`);
      },
    });
    await until('two records in the dead letter queue', () => dead.length >= 2);
    await consumer.disconnect();
    await worker.stop();
    assert.deepEqual(sinkState.put.map((r) => r.value), ['good0', 'good2', 'good4']);
    assert.deepEqual(dead, ['k1=bad1 n=1 offset=1 stage=TASK_PUT cannot write bad1', 'k3=bad3 n=3 offset=3 stage=TASK_PUT cannot write bad3']);
  });

  it('reports each transition to the status store (generation counts starts); STOPPED leaves no tasks; active topics', async () => {
    const statuses = new MemoryStatusBackingStore();
    const worker = new Worker({ workerConfig: workerConfig(), offsetStore: new MemoryOffsetBackingStore(), logger: silentLogger(), connectors: plugins, statusStore: statuses, workerId: 'w1:8083' });
    const props = { name: 'lifecycle', 'connector.class': 'CountingSource', count: '4', 'tasks.max': '1' };
    const id = { connector: 'lifecycle', task: 0 };
    const state = () => [statuses.getConnector('lifecycle')?.state, statuses.getTask(id)?.state, statuses.getTask(id)?.generation];
    await worker.startConnector('lifecycle', props, 'STARTED');
    const [taskConfig] = worker.connectorTaskConfigs('lifecycle', 1);
    assert.equal(taskConfig!['count'], '4');
    await worker.startTask(id, props, taskConfig!, 'STARTED');
    assert.deepEqual(state(), ['RUNNING', 'RUNNING', 0]);
    assert.equal(statuses.getTask(id)!.workerId, 'w1:8083');
    await until('the active topic', () => statuses.getAllTopics('lifecycle').length > 0);
    assert.deepEqual(statuses.getAllTopics('lifecycle'), ['worker-src']);

    await worker.stopTasks([id]);
    assert.deepEqual(state(), ['RUNNING', 'UNASSIGNED', 0]);
    await worker.startTask(id, props, taskConfig!, 'PAUSED');
    assert.deepEqual(state(), ['RUNNING', 'PAUSED', 1]);
    await worker.setTargetState('lifecycle', 'PAUSED');
    assert.deepEqual(state(), ['PAUSED', 'PAUSED', 1]);
    await worker.setTargetState('lifecycle', 'STARTED');
    assert.deepEqual(state(), ['RUNNING', 'RUNNING', 1]);
    await worker.setTargetState('lifecycle', 'STOPPED');
    assert.deepEqual(state(), ['STOPPED', undefined, undefined]);
    assert.equal(worker.isRunning('lifecycle'), false);
    assert.deepEqual(worker.taskIds('lifecycle'), []);
    await worker.setTargetState('lifecycle', 'STARTED');
    assert.equal(worker.isRunning('lifecycle'), true);
    await worker.stop();
    assert.deepEqual(state(), ['UNASSIGNED', undefined, undefined]);
  });

  it('a topic.creation hook makes the topic before the first record is sent to it', async () => {
    const admin = kafka.admin();
    await admin.connect();
    const ensured: string[] = [];
    const topicCreation = {
      ensure: async (topic: string) => {
        ensured.push(topic);
        await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] });
      },
    };
    const worker = new Worker({ workerConfig: workerConfig(), offsetStore: new MemoryOffsetBackingStore(), logger: silentLogger(), connectors: plugins, topicCreationFor: () => topicCreation });
    await runConnector(worker, {
      name: 'created', 'connector.class': 'CountingSource', count: '3',
      transforms: 'route', 'transforms.route.type': 'org.apache.kafka.connect.transforms.RegexRouter', 'transforms.route.regex': '.*', 'transforms.route.replacement': 'made-by-hook',
    });
    await until('the records sent', async () => (await admin.fetchTopicOffsets('made-by-hook').catch(() => [])).reduce((n, p) => n + Number(p.high), 0) >= 3);
    await worker.stop();
    assert.deepEqual(ensured, ['made-by-hook']);
    assert.equal((await admin.fetchTopicMetadata({ topics: ['made-by-hook'] })).topics[0]!.partitions.length, 3, 'the topic has the hook’s 3 partitions, not an auto-created one');
    await admin.disconnect();
  });
});
