/**
 * What Samsa's producer writes, confluent-kafka-python (librdkafka) reads back exactly: keys,
 * values, headers (UTF-8 included), timestamps and partitions, with every codec. (That keyed
 * records land where librdkafka's `murmur2_random` puts them is checked with kcat, the same
 * library, in kcat-interop.test.ts.)
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Kafka } from '../../../src/client/kafka.js';
import { CompressionTypes } from '../../../src/client/producer/producer-types.js';
import { buildInteropDataset, compareConsumed, INTEROP_NOTE } from '../../../src/testkit/interop-dataset.js';
import { assertToolsPresent, skipUnlessTools } from '../../../src/testkit/interop-tools.js';
import { dumpTopic } from '../../../src/testkit/topic-dump.js';
import { readTopic, startInteropContext } from '../../interop/interop-support.js';
import type { InteropContext } from '../../interop/interop-support.js';

const PARTITIONS = 4;
const CODECS = [
  ['none', CompressionTypes.None],
  ['gzip', CompressionTypes.GZIP],
  ['snappy', CompressionTypes.Snappy],
  ['lz4', CompressionTypes.LZ4],
  ['zstd', CompressionTypes.ZSTD],
] as const;

describe('confluent-kafka-python reads what the Samsa producer wrote', { skip: skipUnlessTools(['confluent-kafka']), timeout: 180_000 }, () => {
  let ctx: InteropContext | undefined;

  before(async () => {
    assertToolsPresent(['confluent-kafka']);
    ctx = await startInteropContext();
  });

  after(async () => {
    await ctx?.close();
  });

  for (const [name, codec] of CODECS) {
    it(`identical keys, values, headers, timestamps and partitions (${name})`, { timeout: 90_000 }, async () => {
      const topic = `samsa-to-confluent-${name}`;
      const records = buildInteropDataset({ producer: `samsa-${name}`, count: 2000, partitions: PARTITIONS, baseTimestamp: 1_700_000_000_000 });
      const kafka = new Kafka({ clientId: 'samsa-interop', brokers: [ctx!.broker.bootstrap] });
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }] });
      await admin.disconnect();
      const producer = kafka.producer({ lingerMs: 5 });
      await producer.connect();
      try {
        // Several sends in flight, as an application would; idempotence keeps each partition in order.
        const chunks: Promise<unknown>[] = [];
        for (let i = 0; i < records.length; i += 250) {
          chunks.push(producer.send({
            topic,
            compression: codec,
            messages: records.slice(i, i + 250).map((r) => ({ key: r.key, value: r.value, partition: r.partition, timestamp: String(r.timestamp), headers: Object.fromEntries(r.headers) })),
          }));
        }
        await Promise.all(chunks);
      } finally {
        await producer.disconnect();
      }
      const consumed = await readTopic(ctx!, 'confluent-kafka', topic);
      assert.deepStrictEqual(compareConsumed(records, consumed), []);
      assert.ok(consumed.some((r) => r.headers.some(([k, v]) => k === 'note' && v === INTEROP_NOTE)), 'UTF-8 header values survive');
      const stored = await dumpTopic('127.0.0.1', ctx!.broker.port, topic);
      assert.ok(stored.batches.length > 0 && stored.batches.every((b) => b.codec === codec), `the batches are stored with codec ${name}`);
    });
  }
});

