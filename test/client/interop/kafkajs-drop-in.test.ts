import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import { Kafka as SamsaKafka } from '../../../src/index.js';
import { skipUnlessTools } from '../../../src/testkit/interop-tools.js';
import { startTestBroker } from '../client-test-support.js';
import type { TestBroker } from '../client-test-support.js';

const require = createRequire(import.meta.url);

/**
 * One application, written against KafkaJS's API, run twice: with kafkajs's `Kafka` and with
 * Samsa's. What it observes must be the same — the claim that switching is a change of import.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyKafka = new (config: { clientId: string; brokers: string[]; logLevel?: number }) => any;

async function application(Kafka: AnyKafka, bootstrap: string, prefix: string): Promise<unknown> {
  const kafka = new Kafka({ clientId: 'drop-in', brokers: [bootstrap], logLevel: 0 });
  const admin = kafka.admin();
  await admin.connect();
  const topic = `${prefix}-orders`;
  const created = await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] });
  const again = await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] });
  const metadata = await admin.fetchTopicMetadata({ topics: [topic] });

  const producer = kafka.producer();
  await producer.connect();
  const sent = await producer.send({
    topic,
    messages: [
      { key: 'alice', value: 'order-1', headers: { source: 'web' } },
      { key: 'bob', value: 'order-2' },
      { key: 'alice', value: 'order-3', partition: 2 },
    ],
  });
  await producer.disconnect();
  const offsets = await admin.fetchTopicOffsets(topic);

  const consumer = kafka.consumer({ groupId: `${prefix}-billing`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const seen: string[] = [];
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: async ({ partition, message }: { partition: number; message: { key: Buffer; value: Buffer; offset: string; headers: Record<string, Buffer> } }) => {
        seen.push(`${partition}/${message.offset} ${message.key.toString()}=${message.value.toString()} ${message.headers.source?.toString() ?? '-'}`);
        if (seen.length === 3) resolve();
      },
    });
  });
  await consumer.disconnect();
  const committed = await admin.fetchOffsets({ groupId: `${prefix}-billing`, topics: [topic] });
  await admin.disconnect();
  return {
    created,
    again,
    partitions: metadata.topics[0].partitions.map((p: { partitionId: number }) => p.partitionId).sort(),
    sent: sent.map((r: { topicName: string; partition: number; errorCode: number; baseOffset: string }) => ({ topicName: r.topicName.replace(prefix, ''), partition: r.partition, errorCode: r.errorCode, baseOffset: r.baseOffset })).sort((a: { partition: number }, b: { partition: number }) => a.partition - b.partition),
    offsets: offsets.map((o: { partition: number; high: string; low: string; offset: string }) => ({ partition: o.partition, high: o.high, low: o.low, offset: o.offset })).sort((a: { partition: number }, b: { partition: number }) => a.partition - b.partition),
    seen: seen.sort(),
    committed: committed.map((t: { topic: string; partitions: Array<{ partition: number; offset: string }> }) => ({ topic: t.topic.replace(prefix, ''), partitions: t.partitions.map((p) => ({ partition: p.partition, offset: p.offset })).sort((a, b) => a.partition - b.partition) })),
  };
}

describe('KafkaJS drop-in: the same application with kafkajs and with Samsa', { skip: skipUnlessTools(['kafkajs']) }, () => {
  let tb: TestBroker;
  before(async () => {
    tb = await startTestBroker({ properties: { 'group.initial.rebalance.delay.ms': '0' } });
  });
  after(async () => {
    await tb?.close();
  });

  it('observes the same results (topics, RecordMetadata, offsets, consumed messages, commits)', { timeout: 90_000 }, async () => {
    const { Kafka: KafkaJS } = require('kafkajs') as { Kafka: AnyKafka };
    const theirs = await application(KafkaJS, tb.bootstrap, 'kjs');
    const ours = await application(SamsaKafka as unknown as AnyKafka, tb.bootstrap, 'samsa');
    assert.deepStrictEqual(ours, theirs);
    assert.equal((theirs as { seen: string[] }).seen.length, 3);
    assert.equal((theirs as { committed: Array<{ partitions: unknown[] }> }).committed[0]!.partitions.length, 3);
    assert.equal((ours as { created: boolean }).created, true);
  });
});
