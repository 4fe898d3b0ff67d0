import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { COMPRESSION_CODEC_NAMES, CompressionCodec } from '../../../src/protocol/records/compression.js';
import { crc32c } from '../../../src/protocol/records/crc32c.js';
import type { RecordInput } from '../../../src/protocol/records/record.js';
import { decodeRecordBatch, decodeRecordBatches } from '../../../src/protocol/records/record-batch.js';
import { buildRecordBatch, RecordBatchBuilder } from '../../../src/protocol/records/record-batch-builder.js';
import {
  computeBatchCrc,
  readAttributes,
  readBaseOffset,
  readBaseSequence,
  readBaseTimestamp,
  readBatchHeader,
  readBatchLength,
  readCrc,
  readLastOffsetDelta,
  readMagic,
  readMaxTimestamp,
  readPartitionLeaderEpoch,
  readProducerEpoch,
  readProducerId,
  readRecordsCount,
  setBaseOffset,
  setLogAppendTime,
  setPartitionLeaderEpoch,
} from '../../../src/protocol/records/record-batch-header.js';
import { iterateBatches } from '../../../src/protocol/records/iterate-batches.js';
import { validateBatches } from '../../../src/protocol/records/validate-batches.js';
import { bytes, prng, text, textLike } from './record-test-helpers.js';

const CODECS = [CompressionCodec.NONE, CompressionCodec.GZIP, CompressionCodec.SNAPPY, CompressionCodec.LZ4, CompressionCodec.ZSTD] as const;
const T0 = 1_700_000_000_000n;

function sampleRecords(): RecordInput[] {
  return [
    { key: bytes('k1'), value: bytes('v1'), timestamp: T0 },
    { key: null, value: bytes('value with a null key'), timestamp: T0 + 5n },
    { key: bytes('tombstone'), value: null, timestamp: T0 - 3n },
    { key: null, value: null, timestamp: T0 + 1000n },
    { key: bytes('ключ 🔑'), value: bytes('значение ✓ 値'), timestamp: T0 + 2n, headers: [{ key: 'ünïcødé-hdr 🎉', value: bytes('ü') }] },
    {
      key: new Uint8Array(0),
      value: new Uint8Array(0),
      timestamp: T0,
      headers: [
        { key: 'a', value: bytes('1') },
        { key: 'a', value: bytes('2') },
        { key: 'null-value', value: null },
        { key: '', value: new Uint8Array(0) },
        { key: 'long-'.repeat(20), value: textLike(prng(9), 3000) },
      ],
    },
    { key: textLike(prng(10), 70_000), value: textLike(prng(11), 90_000), timestamp: T0 + (1n << 40n) },
  ];
}

function assertRecordsEqual(actual: ReturnType<typeof decodeRecordBatch>['records'], expected: RecordInput[], baseOffset: bigint): void {
  assert.equal(actual.length, expected.length);
  expected.forEach((want, i) => {
    const got = actual[i]!;
    assert.equal(got.offsetDelta, i);
    assert.equal(got.offset, baseOffset + BigInt(i));
    assert.equal(got.timestamp, want.timestamp);
    assert.deepEqual(got.key === null ? null : Uint8Array.from(got.key), want.key ?? null, `key of record ${i}`);
    assert.deepEqual(got.value === null ? null : Uint8Array.from(got.value), want.value ?? null, `value of record ${i}`);
    assert.deepEqual(
      got.headers.map((h) => ({ key: h.key, value: h.value === null ? null : Uint8Array.from(h.value) })),
      (want.headers ?? []).map((h) => ({ key: h.key, value: h.value })),
      `headers of record ${i}`,
    );
  });
}

describe('record batch round trips', () => {
  for (const codec of CODECS) {
    test(`${COMPRESSION_CODEC_NAMES[codec]}: headers, null keys and values, unicode, large records`, () => {
      const records = sampleRecords();
      const batch = buildRecordBatch(records, {
        compression: codec,
        baseOffset: 1000n,
        producerId: 4242n,
        producerEpoch: 7,
        baseSequence: 123,
        partitionLeaderEpoch: 3,
      });
      const decoded = decodeRecordBatch(batch);
      const h = decoded.header;
      assert.equal(decoded.size, batch.length);
      assert.equal(h.baseOffset, 1000n);
      assert.equal(h.batchLength, batch.length - 12);
      assert.equal(h.partitionLeaderEpoch, 3);
      assert.equal(h.magic, 2);
      assert.equal(h.crc, crc32c(batch.subarray(21)));
      assert.equal(h.compressionCodec, codec);
      assert.equal(h.timestampType, 'CreateTime');
      assert.equal(h.isTransactional, false);
      assert.equal(h.isControl, false);
      assert.equal(h.hasDeleteHorizon, false);
      assert.equal(h.lastOffsetDelta, records.length - 1);
      assert.equal(h.baseTimestamp, T0);
      assert.equal(h.maxTimestamp, T0 + (1n << 40n));
      assert.equal(h.producerId, 4242n);
      assert.equal(h.producerEpoch, 7);
      assert.equal(h.baseSequence, 123);
      assert.equal(h.recordsCount, records.length);
      assertRecordsEqual(decoded.records, records, 1000n);
    });
  }

  test('uncompressed keys and values are views into the input, not copies', () => {
    const batch = buildRecordBatch([{ key: bytes('key'), value: bytes('value'), timestamp: 1n }]);
    const [record] = decodeRecordBatch(batch).records;
    assert.ok(record !== undefined && record.key !== null && record.value !== null);
    assert.equal(record.key.buffer, batch.buffer);
    assert.equal(record.value.buffer, batch.buffer);
    batch[record.value.byteOffset] = 0x56; // 'V'
    assert.equal(text(record.value), 'Value');
  });

  test('flags: transactional, control, LogAppendTime, delete horizon', () => {
    const batch = buildRecordBatch([{ value: bytes('x'), timestamp: 10n }, { value: bytes('y'), timestamp: 20n }], {
      isTransactional: true,
      isControl: true,
      timestampType: 'LogAppendTime',
      logAppendTime: 99n,
      deleteHorizon: 5n,
    });
    const { header, records } = decodeRecordBatch(batch);
    assert.equal(header.isTransactional, true);
    assert.equal(header.isControl, true);
    assert.equal(header.timestampType, 'LogAppendTime');
    assert.equal(header.hasDeleteHorizon, true);
    assert.equal(header.baseTimestamp, 5n);
    assert.equal(header.maxTimestamp, 99n);
    assert.equal(header.attributes, 0x08 | 0x10 | 0x20 | 0x40);
    // LogAppendTime: every record gets maxTimestamp.
    assert.deepEqual(records.map((r) => r.timestamp), [99n, 99n]);
  });

  test('negative timestamp deltas and explicit offset deltas (compacted batch)', () => {
    const batch = buildRecordBatch(
      [
        { value: bytes('a'), timestamp: 100n, offsetDelta: 0 },
        { value: bytes('b'), timestamp: 50n, offsetDelta: 4 },
        { value: bytes('c'), timestamp: -5n, offsetDelta: 9 },
      ],
      { baseOffset: 500n },
    );
    const { header, records } = decodeRecordBatch(batch);
    assert.equal(header.lastOffsetDelta, 9);
    assert.equal(header.maxTimestamp, 100n);
    assert.deepEqual(records.map((r) => [r.offset, r.timestamp]), [[500n, 100n], [504n, 50n], [509n, -5n]]);
  });

  test('records without timestamps take the builder default, or -1', () => {
    assert.deepEqual(decodeRecordBatch(buildRecordBatch([{ value: bytes('a') }], { timestamp: 77n })).records.map((r) => r.timestamp), [77n]);
    assert.deepEqual(decodeRecordBatch(buildRecordBatch([{ value: bytes('a') }])).records.map((r) => r.timestamp), [-1n]);
  });

  test('an empty batch', () => {
    for (const codec of CODECS) {
      const batch = buildRecordBatch([], { compression: codec });
      const { header, records } = decodeRecordBatch(batch);
      assert.equal(records.length, 0);
      assert.equal(header.recordsCount, 0);
      assert.equal(header.baseTimestamp, -1n);
      assert.equal(header.lastOffsetDelta, -1);
    }
  });

  test('the builder reports its size and can be appended to incrementally', () => {
    const builder = new RecordBatchBuilder({ timestamp: 1n });
    assert.equal(builder.uncompressedSizeInBytes, 61);
    builder.append({ value: new Uint8Array(100) });
    builder.append({ value: new Uint8Array(100) });
    assert.equal(builder.recordCount, 2);
    const batch = builder.build();
    assert.equal(batch.length, builder.uncompressedSizeInBytes);
    assert.equal(decodeRecordBatch(batch).records.length, 2);
  });

  test('int64 extremes survive', () => {
    const max = (1n << 63n) - 1n;
    const min = -(1n << 63n);
    const batch = buildRecordBatch([{ value: bytes('a'), timestamp: min }, { value: bytes('b'), timestamp: max }], { baseOffset: max - 10n, producerId: max });
    const { header, records } = decodeRecordBatch(batch);
    assert.equal(header.producerId, max);
    assert.deepEqual(records.map((r) => r.timestamp), [min, max]);
    assert.deepEqual(records.map((r) => r.offset), [max - 10n, max - 9n]);
  });
});

describe('header-only access and in-place rewrites', () => {
  const batch = buildRecordBatch(sampleRecords(), { baseOffset: 42n, producerId: 9n, producerEpoch: 2, baseSequence: 17, partitionLeaderEpoch: -1 });

  test('single-field accessors agree with readBatchHeader', () => {
    const h = readBatchHeader(batch, 0);
    assert.equal(readBaseOffset(batch, 0), h.baseOffset);
    assert.equal(readBatchLength(batch, 0), h.batchLength);
    assert.equal(readPartitionLeaderEpoch(batch, 0), h.partitionLeaderEpoch);
    assert.equal(readMagic(batch, 0), 2);
    assert.equal(readCrc(batch, 0), h.crc);
    assert.equal(readAttributes(batch, 0), h.attributes);
    assert.equal(readLastOffsetDelta(batch, 0), h.lastOffsetDelta);
    assert.equal(readBaseTimestamp(batch, 0), h.baseTimestamp);
    assert.equal(readMaxTimestamp(batch, 0), h.maxTimestamp);
    assert.equal(readProducerId(batch, 0), 9n);
    assert.equal(readProducerEpoch(batch, 0), 2);
    assert.equal(readBaseSequence(batch, 0), 17);
    assert.equal(readRecordsCount(batch, 0), h.recordsCount);
  });

  test('accessors work at an offset inside a larger buffer', () => {
    const big = new Uint8Array(batch.length + 100);
    big.set(batch, 37);
    assert.deepEqual(readBatchHeader(big, 37), readBatchHeader(batch, 0));
    assert.equal(computeBatchCrc(big, 37), readCrc(batch, 0));
  });

  test('setBaseOffset and setPartitionLeaderEpoch keep the CRC valid', () => {
    const copy = Uint8Array.from(batch);
    setBaseOffset(copy, 0, 123456789012345n);
    setPartitionLeaderEpoch(copy, 0, 77);
    const { header, records } = decodeRecordBatch(copy);
    assert.equal(header.baseOffset, 123456789012345n);
    assert.equal(header.partitionLeaderEpoch, 77);
    assert.equal(records[1]!.offset, 123456789012346n);
    assert.equal(header.crc, readCrc(batch, 0));
  });

  test('setLogAppendTime sets the bit and maxTimestamp and recomputes the CRC', () => {
    const copy = Uint8Array.from(batch);
    setLogAppendTime(copy, 0, 5555n);
    const { header, records } = decodeRecordBatch(copy);
    assert.equal(header.timestampType, 'LogAppendTime');
    assert.equal(header.maxTimestamp, 5555n);
    assert.ok(records.every((r) => r.timestamp === 5555n));
    assert.notEqual(header.crc, readCrc(batch, 0));
  });
});

describe('iterating and validating batches in a records range', () => {
  const batches = [0, 1, 2].map((i) =>
    buildRecordBatch([{ value: bytes(`r${i}a`), timestamp: 10n + BigInt(i) }, { value: bytes(`r${i}b`), timestamp: 20n + BigInt(i) }], {
      baseOffset: BigInt(i * 2),
      compression: CODECS[i]!,
    }),
  );
  const records = new Uint8Array(batches.reduce((n, b) => n + b.length, 0));
  let pos = 0;
  for (const b of batches) {
    records.set(b, pos);
    pos += b.length;
  }

  test('validateBatches summarizes without decoding', () => {
    assert.deepEqual(validateBatches(records), {
      batchCount: 3,
      recordCount: 6,
      firstOffset: 0n,
      lastOffset: 5n,
      maxTimestamp: 22n,
      validBytes: records.length,
      trailingBytes: 0,
    });
    assert.deepEqual(validateBatches(new Uint8Array(0)), {
      batchCount: 0,
      recordCount: 0,
      firstOffset: null,
      lastOffset: null,
      maxTimestamp: -1n,
      validBytes: 0,
      trailingBytes: 0,
    });
  });

  test('iterateBatches yields positions, sizes, views and headers', () => {
    const slices = [...iterateBatches(records)];
    assert.deepEqual(slices.map((s) => s.position), [0, batches[0]!.length, batches[0]!.length + batches[1]!.length]);
    assert.deepEqual(slices.map((s) => s.size), batches.map((b) => b.length));
    assert.deepEqual(slices.map((s) => s.header.compressionCodec), [0, 1, 2]);
    assert.equal(slices[1]!.bytes.buffer, records.buffer);
  });

  test('decodeRecordBatches decodes all of them', () => {
    const decoded = decodeRecordBatches(records);
    assert.deepEqual(decoded.flatMap((b) => b.records.map((r) => [r.offset, text(r.value)])), [
      [0n, 'r0a'],
      [1n, 'r0b'],
      [2n, 'r1a'],
      [3n, 'r1b'],
      [4n, 'r2a'],
      [5n, 'r2b'],
    ]);
  });

  test("a trailing partial batch: 'ignore' stops quietly at every cut point, 'reject' throws TRUNCATED", () => {
    const fullEnd = batches[0]!.length + batches[1]!.length;
    for (let cut = fullEnd + 1; cut < records.length; cut++) {
      const partial = records.subarray(0, cut);
      const summary = validateBatches(partial, { trailingPartial: 'ignore' });
      assert.equal(summary.batchCount, 2, `cut at ${cut}`);
      assert.equal(summary.validBytes, fullEnd);
      assert.equal(summary.trailingBytes, cut - fullEnd);
      assert.equal([...iterateBatches(partial, { trailingPartial: 'ignore' })].length, 2);
      assert.equal(decodeRecordBatches(partial, { trailingPartial: 'ignore' }).length, 2);
      assert.throws(() => validateBatches(partial), { name: 'RecordBatchError', reason: 'TRUNCATED' });
      assert.throws(() => [...iterateBatches(partial)], { name: 'RecordBatchError', reason: 'TRUNCATED' });
    }
  });
});
