import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KafkaClientStateError } from '../../../src/client/client-errors.js';
import { Kafka } from '../../../src/client/kafka.js';
import { partitionForKey } from '../../../src/client/producer/default-partitioner.js';
import { CompressionTypes } from '../../../src/client/producer/producer-types.js';
import { dumpTopic } from '../../../src/testkit/topic-dump.js';
import { startTestBroker } from '../client-test-support.js';
import type { TestBroker } from '../client-test-support.js';

describe('Producer against the in-process broker', () => {
  let tb: TestBroker;
  let kafka: Kafka;
  before(async () => {
    tb = await startTestBroker({ properties: { 'num.partitions': '3' } });
    kafka = new Kafka({ clientId: 'producer-test', brokers: [tb.bootstrap], retry: { initialRetryTime: 50 } });
  });
  after(async () => {
    await tb?.close();
  });

  for (const [name, codec] of Object.entries(CompressionTypes)) {
    it(`sends with ${name}: keys, values, headers, timestamps and partitions read back intact, stored with that codec`, async () => {
      const producer = kafka.producer();
      await producer.connect();
      try {
        const topic = `codec-${name.toLowerCase()}`;
        const messages = Array.from({ length: 200 }, (_, i) => ({
          key: i % 10 === 0 ? null : `key-${i % 37}`,
          value: i % 25 === 0 ? null : `value-${i}-${'x'.repeat(i % 50)}`,
          headers: i % 3 === 0 ? { h1: `one-${i}`, rep: ['a', Buffer.from([0, 255])] } : undefined,
          timestamp: String(1_700_000_000_000 + i),
        }));
        const result = await producer.send({ topic, messages, compression: codec });
        assert.ok(result.length >= 1 && result.every((r) => r.topicName === topic && r.errorCode === 0 && Number(r.baseOffset) >= 0));
        const dump = await dumpTopic('127.0.0.1', tb.broker.port, topic);
        assert.equal(dump.records.length, messages.length);
        assert.ok(dump.batches.every((b) => b.codec === codec), `codec ${codec}: ${dump.batches.map((b) => b.codec)}`);
        const byValue = new Map(dump.records.map((r) => [`${r.key}|${r.value}|${r.timestamp}`, r]));
        for (const m of messages) {
          const r = byValue.get(`${m.key}|${m.value}|${m.timestamp}`);
          assert.ok(r !== undefined, `record ${m.value} is missing`);
          if (m.key !== null) assert.equal(r.partition, partitionForKey(Buffer.from(m.key), 3), 'keyed records use murmur2');
          const expectedHeaders: Array<[string, string | null]> = m.headers === undefined ? [] : [['h1', m.headers.h1], ['rep', 'a'], ['rep', Buffer.from([0, 255]).toString('utf8')]];
          assert.deepStrictEqual(r.headers, expectedHeaders);
        }
        // Records of one partition keep the order they were sent in.
        for (const p of [0, 1, 2]) {
          const stored = dump.records.filter((r) => r.partition === p).map((r) => r.timestamp);
          assert.deepStrictEqual(stored, [...stored].sort((a, b) => a - b));
        }
      } finally {
        await producer.disconnect();
      }
    });
  }

  it('returns KafkaJS-shaped RecordMetadata: one entry per partition, baseOffset of this send\'s first record there', async () => {
    const producer = kafka.producer();
    await producer.connect();
    try {
      const first = await producer.send({ topic: 'meta', messages: [{ value: 'a', partition: 1 }, { value: 'b', partition: 1 }, { value: 'c', partition: 2 }] });
      assert.deepStrictEqual(first.map((r) => [r.partition, r.baseOffset]).sort(), [[1, '0'], [2, '0']]);
      assert.deepStrictEqual(Object.keys(first[0]!).sort(), ['baseOffset', 'errorCode', 'logAppendTime', 'logStartOffset', 'partition', 'topicName']);
      const second = await producer.send({ topic: 'meta', messages: [{ value: 'd', partition: 1 }] });
      assert.deepStrictEqual(second.map((r) => [r.topicName, r.partition, r.baseOffset, r.logStartOffset]), [['meta', 1, '2', '0']]);
    } finally {
      await producer.disconnect();
    }
  });

  it('sendBatch sends to several topics in one call', async () => {
    const producer = kafka.producer();
    await producer.connect();
    try {
      const result = await producer.sendBatch({ topicMessages: [{ topic: 'sb-a', messages: [{ key: 'x', value: '1' }] }, { topic: 'sb-b', messages: [{ key: 'y', value: '2' }, { key: 'z', value: '3' }] }] });
      assert.deepStrictEqual([...new Set(result.map((r) => r.topicName))].sort(), ['sb-a', 'sb-b']);
      assert.equal((await dumpTopic('127.0.0.1', tb.broker.port, 'sb-b')).records.length, 2);
    } finally {
      await producer.disconnect();
    }
  });

  it('acks=0 and acks=1 (non-idempotent) deliver; an idempotent producer refuses acks other than -1', async () => {
    const plain = kafka.producer({ idempotent: false });
    await plain.connect();
    try {
      const r0 = await plain.send({ topic: 'acks', acks: 0, messages: [{ value: 'zero', partition: 0 }] });
      assert.deepStrictEqual(r0.map((r) => r.baseOffset), ['-1']);
      const r1 = await plain.send({ topic: 'acks', acks: 1, messages: [{ value: 'one', partition: 0 }] });
      assert.deepStrictEqual(r1.map((r) => r.baseOffset), ['1'], 'the acks=0 record was written first');
      const dump = await dumpTopic('127.0.0.1', tb.broker.port, 'acks');
      assert.deepStrictEqual(dump.records.map((r) => r.value), ['zero', 'one']);
      assert.ok(dump.batches.every((b) => b.producerId === -1n), 'no producer id without idempotence');
    } finally {
      await plain.disconnect();
    }
    const idempotent = kafka.producer();
    await idempotent.connect();
    try {
      await assert.rejects(idempotent.send({ topic: 'acks', acks: 1, messages: [{ value: 'x' }] }), KafkaClientStateError);
    } finally {
      await idempotent.disconnect();
    }
  });

  it('is idempotent by default: a producer id and contiguous sequences per partition', async () => {
    const producer = kafka.producer({ batchSize: 200 });
    await producer.connect();
    try {
      const { producerId, producerEpoch } = producer.producerIdAndEpoch;
      assert.ok(producerId >= 0n && producerEpoch >= 0);
      await producer.send({ topic: 'idem', messages: Array.from({ length: 30 }, (_, i) => ({ value: `v${i}`, partition: 0 })) });
      // A later send continues the partition's sequence (it is not reset when the queue empties).
      await producer.send({ topic: 'idem', messages: [{ value: 'v30', partition: 0 }] });
      const dump = await dumpTopic('127.0.0.1', tb.broker.port, 'idem');
      assert.ok(dump.batches.length > 1, 'batch.size split the records');
      let expected = 0;
      for (const b of dump.batches) {
        assert.equal(b.producerId, producerId);
        assert.equal(b.baseSequence, expected);
        expected += b.records;
      }
      assert.equal(expected, 31);
      assert.deepStrictEqual(dump.records.map((r) => r.value), Array.from({ length: 31 }, (_, i) => `v${i}`));
    } finally {
      await producer.disconnect();
    }
  });

  it('linger.ms gathers the records of separate sends into one batch; without linger each send has its own', async () => {
    const lingering = kafka.producer({ lingerMs: 100 });
    await lingering.connect();
    try {
      const sends = Array.from({ length: 5 }, (_, i) => lingering.send({ topic: 'linger', messages: [{ value: `l${i}`, partition: 0 }] }));
      const results = await Promise.all(sends);
      assert.deepStrictEqual(results.map((r) => r[0]!.baseOffset), ['0', '1', '2', '3', '4']);
      const dump = await dumpTopic('127.0.0.1', tb.broker.port, 'linger');
      assert.equal(dump.batches.length, 1, 'one batch for five sends within linger.ms');
    } finally {
      await lingering.disconnect();
    }
    const eager = kafka.producer({ lingerMs: 0 });
    await eager.connect();
    try {
      for (let i = 0; i < 3; i++) await eager.send({ topic: 'no-linger', messages: [{ value: `e${i}`, partition: 0 }] });
      assert.equal((await dumpTopic('127.0.0.1', tb.broker.port, 'no-linger')).batches.length, 3);
    } finally {
      await eager.disconnect();
    }
  });

  it('flush() sends the records of earlier send() calls at once, even those still waiting for the topic’s metadata', async () => {
    const producer = kafka.producer({ lingerMs: 600_000 });
    await producer.connect();
    try {
      // The topic is new to this producer: each send() first waits for metadata, then lingers.
      let settled = 0;
      const sends = Array.from({ length: 3 }, (_, i) => producer.send({ topic: 'flush-new-topic', messages: [{ value: `f${i}`, partition: 0 }] }).then((r) => (settled++, r)));
      await producer.flush();
      assert.equal(settled, 3, 'every earlier send() was delivered by the time flush() resolved (linger.ms is 10 minutes)');
      assert.deepStrictEqual((await Promise.all(sends)).map((r) => r[0]!.baseOffset), ['0', '1', '2']);
    } finally {
      await producer.disconnect();
    }
  });

  it('a send to an invalid topic name fails with INVALID_TOPIC_EXCEPTION, not retried as an unknown topic', async () => {
    const producer = kafka.producer({ retry: { retries: 100, initialRetryTime: 1000 } });
    await producer.connect();
    try {
      await assert.rejects(producer.send({ topic: 'bad name!', messages: [{ value: 'x' }] }), (e: Error & { type?: string; retriable?: boolean }) => e.type === 'INVALID_TOPIC_EXCEPTION' && e.retriable === false);
    } finally {
      await producer.disconnect();
    }
  });

  it('keyless records stick to one partition per batch', async () => {
    const producer = kafka.producer();
    await producer.connect();
    try {
      const result = await producer.send({ topic: 'sticky', messages: Array.from({ length: 50 }, (_, i) => ({ value: `s${i}` })) });
      assert.equal(result.length, 1, 'all 50 keyless records of one send went to one partition');
      const dump = await dumpTopic('127.0.0.1', tb.broker.port, 'sticky');
      assert.equal(new Set(dump.records.map((r) => r.partition)).size, 1);
    } finally {
      await producer.disconnect();
    }
  });

  it('survives a broker restart: the next send reconnects and delivers, with the same producer id', async () => {
    const producer = kafka.producer();
    await producer.connect();
    try {
      await producer.send({ topic: 'restart', messages: [{ value: 'before', partition: 0 }] });
      const pid = producer.producerIdAndEpoch.producerId;
      await tb.restart();
      const r = await producer.send({ topic: 'restart', messages: [{ value: 'after', partition: 0 }] });
      assert.equal(r[0]!.baseOffset, '1');
      assert.equal(producer.producerIdAndEpoch.producerId, pid);
      const dump = await dumpTopic('127.0.0.1', tb.broker.port, 'restart');
      assert.deepStrictEqual(dump.records.map((x) => x.value), ['before', 'after']);
    } finally {
      await producer.disconnect();
    }
  });

  it('refuses a record larger than maxRequestSize before sending anything', async () => {
    const producer = kafka.producer({ maxRequestSize: 1000 });
    await producer.connect();
    try {
      await assert.rejects(
        producer.send({ topic: 'too-large', messages: [{ value: 'ok', partition: 0 }, { value: 'x'.repeat(2000), partition: 0 }] }),
        (e: unknown) => (e as { type?: string }).type === 'MESSAGE_TOO_LARGE' && (e as { retriable?: boolean }).retriable === false,
      );
      await producer.send({ topic: 'too-large', messages: [{ value: 'fits', partition: 0 }] });
      const dump = await dumpTopic('127.0.0.1', tb.broker.port, 'too-large');
      assert.deepStrictEqual(dump.records.map((r) => r.value), ['fits'], 'nothing of the refused send was written');
    } finally {
      await producer.disconnect();
    }
  });

  it('gives up after the delivery timeout when the broker is gone', async () => {
    const producer = kafka.producer({ deliveryTimeoutMs: 600 });
    await producer.connect();
    try {
      await producer.send({ topic: 'gone', messages: [{ value: 'x', partition: 0 }] });
      await tb.stop();
      const t0 = Date.now();
      await assert.rejects(producer.send({ topic: 'gone', messages: [{ value: 'y', partition: 0 }] }), (e: unknown) => e instanceof Error);
      const took = Date.now() - t0;
      assert.ok(took >= 500 && took < 5000, `failed after ${took} ms`);
    } finally {
      await producer.disconnect();
      await tb.restart();
    }
  });
});
