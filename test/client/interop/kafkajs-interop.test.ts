import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import { Kafka } from '../../../src/client/kafka.js';
import { CompressionTypes } from '../../../src/client/producer/producer-types.js';
import { skipUnlessTools } from '../../../src/testkit/interop-tools.js';
import { startTestBroker } from '../client-test-support.js';
import type { TestBroker } from '../client-test-support.js';

const require = createRequire(import.meta.url);

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('interop with kafkajs', { skip: skipUnlessTools(['kafkajs']) }, () => {
  let tb: TestBroker;
  before(async () => {
    tb = await startTestBroker({ properties: { 'num.partitions': '3', 'group.initial.rebalance.delay.ms': '0' } });
  });
  after(async () => {
    await tb?.close();
  });

  it('a kafkajs consumer reads what the Samsa producer wrote (none and gzip): keys, values, headers, partitions, timestamps', { timeout: 60_000 }, async () => {
    const { Kafka: KafkaJS, logLevel } = require('kafkajs') as typeof import('kafkajs');
    const samsa = new Kafka({ brokers: [tb.bootstrap] });
    const producer = samsa.producer();
    await producer.connect();
    const sent: Array<{ key: string; value: string; headers: { h: string }; timestamp: string; codec: number }> = [];
    for (const codec of [CompressionTypes.None, CompressionTypes.GZIP]) {
      const messages = Array.from({ length: 30 }, (_, i) => ({ key: `k${i % 7}`, value: `v${codec}-${i}`, headers: { h: `h${i}` }, timestamp: String(1_700_000_000_000 + i) }));
      await producer.send({ topic: 'samsa-to-kafkajs', messages, compression: codec });
      sent.push(...messages.map((m) => ({ ...m, codec })));
    }
    await producer.disconnect();
    const partitionOf = new Map<string, number>();
    const kjs = new KafkaJS({ brokers: [tb.bootstrap], logLevel: logLevel.NOTHING });
    const consumer = kjs.consumer({ groupId: 'kafkajs-reader', maxWaitTimeInMs: 100 });
    const got: Array<{ partition: number; key: string; value: string; h: string; timestamp: string }> = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: 'samsa-to-kafkajs', fromBeginning: true });
      await consumer.run({ eachMessage: async ({ partition, message }) => void got.push({ partition, key: message.key!.toString(), value: message.value!.toString(), h: message.headers!.h!.toString(), timestamp: message.timestamp }) });
      await until(() => got.length >= sent.length, 30_000, 'kafkajs to read everything');
    } finally {
      await consumer.disconnect();
    }
    for (const g of got) {
      const prev = partitionOf.get(g.key);
      assert.ok(prev === undefined || prev === g.partition, 'one key, one partition');
      partitionOf.set(g.key, g.partition);
    }
    assert.deepStrictEqual(got.map((g) => `${g.key}|${g.value}|${g.h}|${g.timestamp}`).sort(), sent.map((s) => `${s.key}|${s.value}|${s.headers.h}|${s.timestamp}`).sort());
  });

  it('the Samsa consumer reads what a kafkajs producer wrote (gzip)', { timeout: 60_000 }, async () => {
    const { Kafka: KafkaJS, CompressionTypes: KJSCompression, logLevel } = require('kafkajs') as typeof import('kafkajs');
    const kjs = new KafkaJS({ brokers: [tb.bootstrap], logLevel: logLevel.NOTHING });
    const producer = kjs.producer();
    await producer.connect();
    const messages = Array.from({ length: 40 }, (_, i) => ({ key: `k${i}`, value: `from-kafkajs-${i}`, headers: { n: String(i) } }));
    await producer.send({ topic: 'kafkajs-to-samsa', messages, compression: KJSCompression.GZIP });
    await producer.disconnect();
    const samsa = new Kafka({ brokers: [tb.bootstrap] });
    const consumer = samsa.consumer({ groupId: 'samsa-reader', maxWaitTimeInMs: 100 });
    const got: string[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: ['kafkajs-to-samsa'], fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void got.push(`${message.key}|${message.value}|${message.headers.n}`) });
      await until(() => got.length >= messages.length, 30_000, 'Samsa to read everything');
    } finally {
      await consumer.disconnect();
    }
    assert.deepStrictEqual(got.sort(), messages.map((m) => `${m.key}|${m.value}|${m.headers.n}`).sort());
  });
});
