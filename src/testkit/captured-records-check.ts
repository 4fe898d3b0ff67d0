import { Buffer } from 'node:buffer';
import assert from 'node:assert/strict';
import type { ProduceRequest } from '../protocol/generated/index.js';
import { CompressionCodec, decodeRecordBatches } from '../protocol/records/index.js';
import type { InteropCodec, InteropProduceSpec } from './interop-produce-spec.js';

export interface ProducedRecordsExpectation {
  spec: InteropProduceSpec;
  codec: InteropCodec;
  idempotent: boolean;
  /** The producer id the capture server handed out (checked on idempotent batches). */
  producerId?: bigint;
}

const CODEC_BY_NAME: Record<InteropCodec, number> = {
  none: CompressionCodec.NONE,
  gzip: CompressionCodec.GZIP,
  snappy: CompressionCodec.SNAPPY,
  lz4: CompressionCodec.LZ4,
  zstd: CompressionCodec.ZSTD,
};

const text = (bytes: Uint8Array | null): string | null => (bytes === null ? null : Buffer.from(bytes).toString('utf8'));

/**
 * Decodes every record batch of a Produce request with protocol/records (CRC checked, payload
 * decompressed) and asserts the records are exactly the spec's keys, values and headers, in order.
 */
export function assertProducedRecords(body: ProduceRequest, expect: ProducedRecordsExpectation, label: string): void {
  const records = [];
  for (const topic of body.topicData) {
    for (const partition of topic.partitionData) {
      assert.ok(partition.records !== null, `${label}: null records`);
      for (const batch of decodeRecordBatches(partition.records, { verifyCrc: true })) {
        const h = batch.header;
        assert.equal(h.magic, 2, `${label}: magic`);
        assert.equal(h.compressionCodec, CODEC_BY_NAME[expect.codec], `${label}: compression codec`);
        assert.equal(h.timestampType, 'CreateTime', `${label}: timestamp type`);
        assert.equal(h.isTransactional, false, `${label}: transactional`);
        assert.equal(h.isControl, false, `${label}: control`);
        // The Java producer sends -1 here; librdkafka 2.0.2 and kafkajs 2.2.4 send 0. The broker overwrites it.
        assert.ok(h.partitionLeaderEpoch === -1 || h.partitionLeaderEpoch === 0, `${label}: partitionLeaderEpoch ${h.partitionLeaderEpoch}`);
        assert.equal(h.lastOffsetDelta, h.recordsCount - 1, `${label}: lastOffsetDelta`);
        if (expect.idempotent) {
          assert.equal(h.producerId, expect.producerId ?? h.producerId, `${label}: producerId`);
          assert.equal(h.producerEpoch, 0, `${label}: producerEpoch`);
          assert.equal(h.baseSequence, records.length, `${label}: baseSequence`);
        } else {
          assert.equal(h.producerId, -1n, `${label}: producerId`);
          // Without a producer id the Java client and librdkafka send epoch -1 and sequence -1;
          // kafkajs 2.2.4 sends epoch 0 and sequence 0. Only producerId >= 0 makes a batch idempotent.
          assert.ok(
            (h.producerEpoch === -1 && h.baseSequence === -1) || (h.producerEpoch === 0 && h.baseSequence === 0),
            `${label}: producerEpoch ${h.producerEpoch}, baseSequence ${h.baseSequence} without a producer id`,
          );
        }
        assert.equal(batch.records.length, h.recordsCount, `${label}: records decoded vs recordsCount`);
        batch.records.forEach((r, i) => {
          assert.equal(r.offsetDelta, i, `${label}: offsetDelta`);
          assert.ok(r.timestamp >= h.baseTimestamp && r.timestamp <= h.maxTimestamp, `${label}: record timestamp within the batch's range`);
        });
        records.push(...batch.records);
      }
    }
  }
  assert.deepEqual(
    records.map((r) => ({
      key: text(r.key),
      value: text(r.value),
      headers: r.headers.map((hd): [string, string | null] => [hd.key, text(hd.value)]),
    })),
    expect.spec.messages.map((m) => ({ key: m.key, value: m.value, headers: expect.spec.headers })),
    `${label}: records`,
  );
}
