/**
 * WorkerSinkTask's put pipeline against an in-process broker: the next fetched batch is converted
 * while a put is still running, but puts run one at a time in delivery order, and a commit
 * (preCommit/flush), like the stop, waits for the put in flight, so committed offsets never cover
 * records whose put has not completed; a put failing with a RetriableException after the next
 * batch was converted has its batch put again before anything after it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Kafka } from '../../../src/client/kafka.js';
import { ConfigDef } from '../../../src/connect/api/config-def.js';
import { SinkTask, type SinkOffsets } from '../../../src/connect/api/connector.js';
import type { SinkRecord } from '../../../src/connect/api/data/connect-record.js';
import { RetriableException } from '../../../src/connect/api/errors.js';
import type { Transformation } from '../../../src/connect/api/transformation.js';
import { SimpleHeaderConverter } from '../../../src/connect/converters/simple-header-converter.js';
import { StringConverter } from '../../../src/connect/converters/string-converter.js';
import { RetryWithToleranceOperator } from '../../../src/connect/runtime/errors/retry-with-tolerance.js';
import { WorkerSinkTask } from '../../../src/connect/runtime/worker-tasks.js';
import { TransformationChain, TransformationStage } from '../../../src/connect/transforms/transform-chain.js';
import { silentLogger } from '../../../src/logging/logger.js';
import { startTestBroker, type TestBroker } from '../../client/client-test-support.js';

/** A sink task whose put can be held at a gate or made to fail once; it records what it was given and when flush ran. */
class GatedSinkTask extends SinkTask {
  /** The offsets of every put call, failed ones included. */
  readonly puts: bigint[][] = [];
  /** The offsets of the records of completed puts, in order. */
  readonly written: bigint[] = [];
  readonly flushes: string[] = [];
  active = 0;
  maxActive = 0;
  flushDuringPut = false;
  gate: { promise: Promise<void>; open: () => void } | null = null;
  failNext: Error | null = null;

  version(): string {
    return '1';
  }
  start(): void {}
  async put(records: SinkRecord[]): Promise<void> {
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    this.puts.push(records.map((r) => r.kafkaOffset));
    try {
      if (this.gate !== null) await this.gate.promise;
      if (this.failNext !== null) {
        const e = this.failNext;
        this.failNext = null;
        throw e;
      }
      this.written.push(...records.map((r) => r.kafkaOffset));
    } finally {
      this.active--;
    }
  }
  override flush(offsets: SinkOffsets): void {
    if (this.active > 0) this.flushDuringPut = true;
    this.flushes.push(...[...offsets.values()].map((o) => `${o.partition}@${o.offset}`));
  }
  stop(): void {}

  closeGate(): void {
    let open!: () => void;
    const promise = new Promise<void>((resolve) => (open = resolve));
    this.gate = { promise, open };
  }
  openGate(): void {
    const gate = this.gate;
    this.gate = null;
    gate?.open();
  }
}

/** A transformation that passes records through and notes each offset it converted. */
function recorder(seen: bigint[]): Transformation<SinkRecord> {
  return {
    configure: () => undefined,
    apply: (record) => {
      seen.push(record.kafkaOffset);
      return record;
    },
    config: () => new ConfigDef(),
    close: () => undefined,
  };
}

async function until(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('WorkerSinkTask put pipeline', () => {
  let broker: TestBroker;
  let kafka: Kafka;
  before(async () => {
    broker = await startTestBroker();
    kafka = new Kafka({ clientId: 'sink-pipeline-test', brokers: [broker.bootstrap] });
  });
  after(async () => {
    await broker.close();
  });

  async function produce(topic: string, values: string[]): Promise<void> {
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: values.map((value) => ({ value, partition: 0 })) });
    await producer.disconnect();
  }

  async function committed(name: string, topic: string): Promise<string[]> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      return (await admin.fetchOffsets({ groupId: `connect-${name}`, topics: [topic] }))[0]!.partitions.map((p) => `${p.partition}@${p.offset}`);
    } finally {
      await admin.disconnect();
    }
  }

  function sinkTask(name: string, topic: string, task: GatedSinkTask, converted: bigint[]): WorkerSinkTask {
    const keyConverter = new StringConverter();
    keyConverter.configure({}, true);
    const valueConverter = new StringConverter();
    valueConverter.configure({}, false);
    const headerConverter = new SimpleHeaderConverter();
    headerConverter.configure({});
    return new WorkerSinkTask({
      id: `${name}-0`, connectorName: name, task, taskConfig: { topics: topic }, kafka, topics: [topic],
      converters: { keyConverter, valueConverter, headerConverter },
      converterClasses: { key: 'StringConverter', value: 'StringConverter', header: 'SimpleHeaderConverter' },
      chain: new TransformationChain<SinkRecord>([new TransformationStage('record', recorder(converted))]),
      errors: new RetryWithToleranceOperator({ retryTimeoutMs: 0, retryDelayMaxMs: 60_000, tolerance: 'none' }),
      offsetFlushIntervalMs: 20,
      logger: silentLogger(),
    });
  }

  it('converts the next batch while a put runs; the next put and every commit wait for it', async () => {
    const topic = 'pipeline-overlap';
    const task = new GatedSinkTask();
    const converted: bigint[] = [];
    task.closeGate();
    await produce(topic, ['a0', 'a1']);
    const runner = sinkTask('overlap', topic, task, converted);
    await runner.start();
    await until('the first put', () => task.puts.length === 1);
    await produce(topic, ['b2', 'b3']);
    await until('the second batch converted while the first put is held', () => converted.includes(3n));
    assert.deepEqual(task.puts, [[0n, 1n]], 'no second put while the first runs');
    assert.deepEqual(task.flushes, [], 'no flush while the put runs (the commit timer waits for it)');
    assert.deepEqual(await committed('overlap', topic), ['0@-1']);
    task.openGate();
    await until('both batches written and committed', async () => task.written.length === 4 && (await committed('overlap', topic))[0] === '0@4');
    await runner.stop();
    assert.deepEqual(task.puts, [[0n, 1n], [2n, 3n]]);
    assert.deepEqual(task.written, [0n, 1n, 2n, 3n]);
    assert.equal(task.maxActive, 1, 'one put at a time');
    assert.equal(task.flushDuringPut, false);
    assert.equal(task.flushes.at(-1), '0@4');
  });

  it('a put failing with a RetriableException after the next batch was converted: its records are put again first, nothing lost or reordered', async () => {
    const topic = 'pipeline-retry';
    const task = new GatedSinkTask();
    const converted: bigint[] = [];
    task.closeGate();
    task.failNext = new RetriableException('database busy');
    await produce(topic, ['a0', 'a1']);
    const runner = sinkTask('retry', topic, task, converted);
    await runner.start();
    await until('the first put', () => task.puts.length === 1);
    await produce(topic, ['b2', 'b3']);
    await until('the second batch converted while the first put is held', () => converted.includes(3n));
    task.openGate(); // the held put now fails
    await until('every record written and committed', async () => task.written.length >= 4 && (await committed('retry', topic))[0] === '0@4');
    await runner.stop();
    assert.deepEqual(task.puts[0], [0n, 1n]);
    assert.deepEqual(task.puts[1]!.slice(0, 2), [0n, 1n], 'the failed batch is put again before anything after it');
    assert.deepEqual(task.written, [0n, 1n, 2n, 3n]);
    assert.equal(task.maxActive, 1);
    assert.equal(task.flushDuringPut, false);
  });

  it('stop waits for the put in flight, then flushes and commits its offsets', async () => {
    const topic = 'pipeline-stop';
    const task = new GatedSinkTask();
    task.closeGate();
    await produce(topic, ['a0', 'a1', 'a2']);
    const runner = sinkTask('stopping', topic, task, []);
    await runner.start();
    await until('the first put', () => task.puts.length === 1);
    let stopped = false;
    const stopping = runner.stop().then(() => void (stopped = true));
    await new Promise((r) => setImmediate(r));
    assert.equal(stopped, false);
    task.openGate();
    await stopping;
    assert.deepEqual(task.written, [0n, 1n, 2n]);
    assert.deepEqual(task.flushes.at(-1), '0@3');
    assert.equal(task.flushDuringPut, false);
    assert.deepEqual(await committed('stopping', topic), ['0@3']);
  });
});
