/** Helpers for the Kafka-backed store tests: a broker per suite, raw reads and writes of a topic, next to the stores' own. */
import { after, before } from 'node:test';
import type { Admin } from '../../../src/client/admin/admin.js';
import { Kafka } from '../../../src/client/kafka.js';
import { pollUntil } from '../../../src/testkit/poll-until.js';
import { startTestBroker, type TestBroker } from '../../client/client-test-support.js';

/** The broker, client and admin of one store suite, and the stores its tests started (stopped after the suite). */
export interface StoreTestBroker {
  tb: TestBroker;
  kafka: Kafka;
  admin: Admin;
  readonly stores: Array<{ stop(): Promise<void> }>;
}

/**
 * Registers the suite's before/after hooks: starts an in-process broker, a client named clientId and a
 * connected admin before the tests; stops every store in `stores`, the admin and the broker after them.
 * The fields are set once the before hook has run.
 */
export function useStoreTestBroker(clientId: string): StoreTestBroker {
  const env = { stores: [] } as unknown as StoreTestBroker;
  before(async () => {
    env.tb = await startTestBroker();
    env.kafka = new Kafka({ clientId, brokers: [env.tb.bootstrap], retry: { initialRetryTime: 50 } });
    env.admin = env.kafka.admin();
    await env.admin.connect();
  });
  after(async () => {
    for (const s of env.stores) await s.stop().catch(() => undefined);
    await env.admin?.disconnect();
    await env.tb?.close();
  });
  return env;
}

export interface RawRecord {
  partition: number;
  offset: bigint;
  key: string | null;
  value: string | null;
}

/** Every record of a topic, read with a group-less consumer up to the end offsets at the call. */
export async function readRaw(kafka: Kafka, admin: Admin, topic: string): Promise<RawRecord[]> {
  const ends = await admin.listTopicOffsets(topic, -1);
  const consumer = kafka.consumer({ autoOffsetReset: 'earliest', readUncommitted: true, maxWaitTimeInMs: 100 });
  await consumer.connect();
  const out: RawRecord[] = [];
  try {
    consumer.assign([{ topic, partitions: ends.map((e) => e.partition) }]);
    await consumer.run({
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) out.push({ partition: batch.partition, offset: BigInt(m.offset), key: m.key?.toString('utf8') ?? null, value: m.value?.toString('utf8') ?? null });
      },
    });
    await pollUntil(`the end of ${topic}`, () => ends.every((e) => BigInt(consumer.position({ topic, partition: e.partition }) ?? '-1') >= BigInt(e.offset)), Boolean, { timeoutMs: 10_000, intervalMs: 20 });
  } finally {
    await consumer.disconnect();
  }
  return out.sort((a, b) => a.partition - b.partition || (a.offset < b.offset ? -1 : 1));
}

/** Writes raw records (as another worker would), in order, acks=all. */
export async function writeRaw(kafka: Kafka, topic: string, records: Array<{ key: string; value: string | null; partition?: number }>): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: records.map((r) => ({ key: r.key, value: r.value, partition: r.partition })) });
  } finally {
    await producer.disconnect();
  }
}
