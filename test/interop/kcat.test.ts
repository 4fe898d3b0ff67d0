import assert from 'node:assert/strict';
import { it } from 'node:test';
import { buildInteropDataset } from '../../src/testkit/interop-dataset.js';
import { dumpTopic } from '../../src/testkit/topic-dump.js';
import { CODEC_NAMES, clientSuite, createTopic, produceDataset } from './interop-support.js';

// librdkafka (kcat, confluent-kafka) compresses only with zstd against this broker: see the last test below.
clientSuite({
  client: 'kcat',
  reader: 'confluent-kafka',
  compression: 'zstd',
  more(context) {
    // librdkafka up to 2.11.0 sends gzip, snappy and lz4 only to brokers whose Produce range
    // reaches down to v0: rd_kafka_msgset_writer_select_MsgVersion asks whether the broker
    // supports Produce in [0, 0] for these codecs (and [0, 7] for zstd). The broker advertises
    // Produce 3-11, as Kafka 4.0 does, so librdkafka logs "Broker does not support compression
    // type ...: not compressing batch" and sends them uncompressed. The records still arrive
    // intact; only the codec is lost. (Later librdkafka releases changed this check.)
    it('kcat -z gzip|snappy|lz4: the records arrive intact (librdkafka <= 2.11.0 sends them uncompressed here)', { timeout: 60_000 }, async (t) => {
      const ctx = context();
      for (const codec of ['gzip', 'snappy', 'lz4'] as const) {
        const topic = `kcat-codec-${codec}`;
        const created = await createTopic(ctx, 'kcat', topic);
        const records = buildInteropDataset({ producer: 'kcat', count: 300, partitions: created.partitions, baseTimestamp: null, perRecordHeaders: false });
        await produceDataset(ctx, 'kcat', topic, records, codec);
        const dump = await dumpTopic('127.0.0.1', ctx.broker.port, topic);
        assert.equal(dump.records.length, records.length);
        assert.deepStrictEqual(dump.records.map((r) => r.value).sort(), records.map((r) => r.value).sort());
        const stored = [...new Set(dump.batches.map((b) => CODEC_NAMES[b.codec]))];
        t.diagnostic(`kcat -z ${codec}: stored as ${stored.join(', ')}${stored.includes(codec) ? '' : ' (librdkafka dropped the codec)'}`);
      }
    });
  },
});
