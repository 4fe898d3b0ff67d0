/**
 * The idempotent producer through a broker crash: the broker runs as its own process and is
 * killed with SIGKILL while produce requests are in flight, then restarted on the same log dir.
 * The producer retries what was not acknowledged; afterwards every record sent is stored exactly
 * once (nothing lost, nothing written twice) and each partition holds its records in send order.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Kafka } from '../../../src/client/kafka.js';
import { RestartableBrokerProcess } from '../../../src/testkit/broker-process.js';
import { dumpTopic } from '../../../src/testkit/topic-dump.js';

const TOPIC = 'through-a-crash';
const PARTITIONS = 3;
const TOTAL = 6000;
const PER_SEND = 20;
/** Sends outstanding at once (several batches in flight per partition). */
const CONCURRENT_SENDS = 12;

describe('idempotent producer across a broker killed with SIGKILL', { timeout: 120_000 }, () => {
  let broker: RestartableBrokerProcess | undefined;

  before(async () => {
    broker = await RestartableBrokerProcess.start({ 'num.partitions': String(PARTITIONS) }, 'samsa-producer-crash-');
  });

  after(async () => {
    await broker?.close();
  });

  it('loses nothing and duplicates nothing when the broker dies with requests in flight', { timeout: 110_000 }, async () => {
    const kafka = new Kafka({ clientId: 'crash-test', brokers: [broker!.bootstrap], retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 30_000 } });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: PARTITIONS }] });
    await admin.disconnect();
    const producer = kafka.producer({ deliveryTimeoutMs: 60_000, retryBackoffMs: 50, retryBackoffMaxMs: 500 });
    await producer.connect();
    let next = 0;
    let acked = 0;
    let killed = false;
    let inFlightAtKill = 0;
    let restarted: Promise<void> | null = null;
    const sendLoop = async (): Promise<void> => {
      while (next < TOTAL) {
        const from = next;
        next += PER_SEND;
        const messages = [];
        for (let i = from; i < Math.min(from + PER_SEND, TOTAL); i++) messages.push({ key: `key-${i % 30}`, value: String(i) });
        await producer.send({ topic: TOPIC, messages });
        acked += messages.length;
        if (!killed && acked >= TOTAL / 3) {
          // Crash while the other sends are in flight, then come back on the same files.
          killed = true;
          inFlightAtKill = next - acked;
          broker!.process.kill('SIGKILL');
          restarted = (async () => {
            await broker!.process.waitForExit(10_000);
            await new Promise((r) => setTimeout(r, 300));
            await broker!.restart();
          })();
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: CONCURRENT_SENDS }, () => sendLoop()));
    } finally {
      await restarted;
      await producer.disconnect();
    }
    assert.equal(killed, true, 'the broker was killed during the run');
    assert.ok(inFlightAtKill > 0, `records were in flight when the broker died (${inFlightAtKill})`);
    assert.equal(acked, TOTAL, 'every send was acknowledged in the end');

    const stored = await dumpTopic('127.0.0.1', broker!.port, TOPIC);
    const values = stored.records.map((r) => Number(r.value));
    const seen = new Map<number, number>();
    for (const v of values) seen.set(v, (seen.get(v) ?? 0) + 1);
    const duplicated = [...seen.entries()].filter(([, n]) => n > 1).map(([v]) => v);
    const missing = Array.from({ length: TOTAL }, (_, i) => i).filter((i) => !seen.has(i));
    assert.deepEqual(duplicated.slice(0, 10), [], `${duplicated.length} records stored twice`);
    assert.deepEqual(missing.slice(0, 10), [], `${missing.length} records lost`);
    assert.equal(values.length, TOTAL);
    // Per key (one partition each) the records are in the order they were sent.
    const lastByKey = new Map<string, number>();
    for (const r of stored.records) {
      const v = Number(r.value);
      const before = lastByKey.get(r.key!) ?? -1;
      assert.ok(v > before, `key ${r.key}: ${v} stored after ${before}`);
      lastByKey.set(r.key!, v);
    }
  });
});
