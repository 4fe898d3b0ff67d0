import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startBroker } from '../../../src/broker/broker.js';

const require = createRequire(import.meta.url);
const { Kafka, logLevel } = require('kafkajs') as typeof import('kafkajs');

const KEYS = 1000;
const UPDATES = 100_000;

interface Seen {
  offsets: number[];
  latest: Map<string, string>;
}

/** Reads the topic from the beginning up to `end` (exclusive) with a kafkajs consumer. */
async function consumeAll(kafka: InstanceType<typeof Kafka>, topic: string, end: number, group: string, onBatch?: () => void): Promise<Seen> {
  const consumer = kafka.consumer({ groupId: group, maxWaitTimeInMs: 100, maxBytesPerPartition: 64 * 1024 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const seen: Seen = { offsets: [], latest: new Map() };
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      for (const m of batch.messages) {
        const offset = Number(m.offset);
        const prev = seen.offsets[seen.offsets.length - 1];
        assert.ok(prev === undefined || offset > prev, `offset ${offset} after ${prev}`);
        seen.offsets.push(offset);
        seen.latest.set(m.key!.toString(), m.value!.toString());
        if (offset >= end - 1) done();
      }
      onBatch?.();
    },
  });
  await finished;
  await consumer.disconnect();
  return seen;
}

test('kafkajs: 100,000 updates over 1,000 keys on a compacted topic; a consumer reading while the cleaner runs sees every latest value; then exactly one record per key is left; keyless records are refused', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'samsa-compaction-kafkajs-'));
  const broker = await startBroker({
    port: 0,
    host: '127.0.0.1',
    logDirs: [dir],
    properties: { 'auto.create.topics.enable': 'false', 'log.cleaner.backoff.ms': '100', 'offsets.topic.replication.factor': '1' },
  });
  try {
    const kafka = new Kafka({ clientId: 'compaction', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 0 } });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [
        {
          topic: 'compacted',
          numPartitions: 1,
          configEntries: [
            { name: 'cleanup.policy', value: 'compact' },
            { name: 'segment.bytes', value: String(64 * 1024) },
            { name: 'min.cleanable.dirty.ratio', value: '0.01' },
            { name: 'segment.ms', value: '2000' },
          ],
        },
      ],
    });
    await admin.disconnect();

    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const expected = new Map<string, string>();
    for (let b = 0; b < UPDATES / 1000; b++) {
      const messages = Array.from({ length: 1000 }, (_, i) => {
        const n = b * 1000 + i;
        return { key: `k${(n * 7919) % KEYS}`, value: `v${n}` };
      });
      await producer.send({ topic: 'compacted', messages });
      for (const m of messages) expected.set(m.key, m.value);
    }
    await assert.rejects(producer.send({ topic: 'compacted', messages: [{ key: null, value: 'no key' }] }), (err: Error & { type?: string }) => {
      assert.equal(err.type ?? (err as { cause?: { type?: string } }).cause?.type, 'INVALID_RECORD', String(err));
      return true;
    });

    // A consumer from the beginning while the background cleaner works on what was just written.
    const during = await consumeAll(kafka, 'compacted', UPDATES, 'during');
    assert.deepEqual(during.latest, expected);

    // After segment.ms, a record of another key rolls the last segment of updates (the active
    // segment is never compacted); the cleaner then leaves exactly one record per key.
    await new Promise((r) => setTimeout(r, 2100));
    await producer.send({ topic: 'compacted', messages: [{ key: 'roll', value: 'roll' }] });
    await producer.disconnect();
    let after: Seen | undefined;
    const started = Date.now();
    while (Date.now() - started < 30_000) {
      after = await consumeAll(kafka, 'compacted', UPDATES + 1, `after-${Date.now()}`);
      if (after.offsets.length === KEYS + 1) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.equal(after!.offsets.length, KEYS + 1, `${after!.offsets.length} records left`);
    assert.deepEqual(after!.latest, new Map([...expected, ['roll', 'roll']]));
    assert.equal(after!.offsets[after!.offsets.length - 1], UPDATES);
  } finally {
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
