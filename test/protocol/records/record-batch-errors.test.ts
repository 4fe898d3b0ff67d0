import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compress, CompressionCodec } from '../../../src/protocol/records/compression.js';
import { crc32c } from '../../../src/protocol/records/crc32c.js';
import { validateBatches } from '../../../src/protocol/records/validate-batches.js';
import { decodeRecordBatch } from '../../../src/protocol/records/record-batch.js';
import { RecordBatchError, type RecordBatchErrorReason } from '../../../src/protocol/records/record-batch-error.js';
import { buildRecordBatch } from '../../../src/protocol/records/record-batch-builder.js';
import { readBatchHeader } from '../../../src/protocol/records/record-batch-header.js';
import { batchAround, bytes, fixCrc, prng, RawWriter, randomBytes, recordBody, recordWithLength, referenceCrc32c } from './record-test-helpers.js';

function rejects(fn: () => unknown, reason: RecordBatchErrorReason): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof RecordBatchError, `expected RecordBatchError, got ${String(e)}`);
    assert.equal(e.reason, reason, e.message);
    return true;
  });
}

const decode = (batch: Uint8Array, maxDecompressedBytes?: number) => () => decodeRecordBatch(batch, 0, { maxDecompressedBytes });
const good = recordWithLength(recordBody(bytes('key'), bytes('value')));

describe('the reference CRC used by these tests', () => {
  test('agrees with crc32c', () => {
    const data = randomBytes(prng(3), 10_000);
    assert.equal(referenceCrc32c(data), crc32c(data));
    assert.equal(referenceCrc32c(bytes('123456789')), 0xe3069283);
  });
});

describe('batch framing errors', () => {
  const batch = buildRecordBatch([{ key: bytes('k'), value: bytes('hello'), timestamp: 1n }]);

  test('a flipped bit anywhere in the CRC-covered range is CORRUPT_CRC', () => {
    for (let pos = 21; pos < batch.length; pos++) {
      const bad = Uint8Array.from(batch);
      bad[pos]! ^= 0x10;
      rejects(decode(bad), 'CORRUPT_CRC');
      rejects(() => validateBatches(bad), 'CORRUPT_CRC');
    }
    const badCrc = Uint8Array.from(batch);
    badCrc[20]! ^= 1;
    rejects(decode(badCrc), 'CORRUPT_CRC');
  });

  test('the CRC check can be skipped', () => {
    const bad = Uint8Array.from(batch);
    bad[20]! ^= 1;
    assert.equal(decodeRecordBatch(bad, 0, { verifyCrc: false }).records.length, 1);
    assert.equal(validateBatches(bad, { verifyCrc: false }).batchCount, 1);
  });

  test('magic other than 2 is BAD_MAGIC', () => {
    for (const magic of [0, 1, 3, -1]) {
      const bad = Uint8Array.from(batch);
      bad[16] = magic & 0xff;
      rejects(decode(bad), 'BAD_MAGIC');
      rejects(() => validateBatches(bad), 'BAD_MAGIC');
      rejects(() => readBatchHeader(bad), 'BAD_MAGIC');
    }
  });

  test('a batch length below the header size, or negative, is BAD_LENGTH', () => {
    for (const length of [-1, -2147483648, 0, 13, 14, 48]) {
      const bad = Uint8Array.from(batch);
      new DataView(bad.buffer).setInt32(8, length);
      rejects(() => validateBatches(bad), 'BAD_LENGTH');
      rejects(() => validateBatches(bad, { trailingPartial: 'ignore' }), 'BAD_LENGTH');
    }
  });

  test('a batch length past the end is TRUNCATED (or a quiet stop when ignoring partial batches)', () => {
    const bad = Uint8Array.from(batch);
    new DataView(bad.buffer).setInt32(8, 0x7fffffff);
    rejects(decode(bad), 'TRUNCATED');
    rejects(() => validateBatches(bad), 'TRUNCATED');
    assert.equal(validateBatches(bad, { trailingPartial: 'ignore' }).batchCount, 0);
    rejects(() => readBatchHeader(batch.subarray(0, 60)), 'TRUNCATED');
    rejects(() => validateBatches(batch.subarray(0, 11)), 'TRUNCATED');
  });

  test('codec bits 5-7 are UNSUPPORTED_CODEC', () => {
    for (const codec of [5, 6, 7]) rejects(decode(batchAround(good, 1, codec)), 'UNSUPPORTED_CODEC');
  });

  test('a negative records count is BAD_LENGTH', () => {
    rejects(decode(batchAround(good, -1)), 'BAD_LENGTH');
  });
});

describe('record errors (Kafka DefaultRecord rules)', () => {
  test('the hand-made good record decodes', () => {
    const { records } = decodeRecordBatch(batchAround(good, 1));
    assert.equal(records.length, 1);
  });

  test('record count mismatch either way is RECORD_COUNT_MISMATCH', () => {
    rejects(decode(batchAround(good, 2)), 'RECORD_COUNT_MISMATCH');
    rejects(decode(batchAround(new Uint8Array([...good, ...good]), 1)), 'RECORD_COUNT_MISMATCH');
    rejects(decode(batchAround(good, 0)), 'RECORD_COUNT_MISMATCH');
  });

  test('an absurd record count is refused before allocating', () => {
    rejects(decode(batchAround(good, 0x7fffffff)), 'RECORD_COUNT_MISMATCH');
  });

  test('a record length that does not match its fields is RECORD_LENGTH_MISMATCH', () => {
    const body = recordBody(bytes('key'), bytes('value'));
    rejects(decode(batchAround(new Uint8Array([...recordWithLength(body, body.length + 1), 0]), 1)), 'RECORD_LENGTH_MISMATCH');
    rejects(decode(batchAround(new Uint8Array([...recordWithLength(body, body.length - 1)]), 1)), 'RECORD_LENGTH_MISMATCH');
  });

  test('a record length beyond the remaining bytes, or negative, is BAD_LENGTH', () => {
    const body = recordBody(bytes('key'), bytes('value'));
    rejects(decode(batchAround(recordWithLength(body, 1000), 1)), 'BAD_LENGTH');
    rejects(decode(batchAround(recordWithLength(body, -1), 1)), 'BAD_LENGTH');
  });

  test('key, value and header lengths: beyond what remains or below -1 are BAD_LENGTH', () => {
    const make = (build: (w: RawWriter) => void): Uint8Array => {
      const w = new RawWriter().raw(0).varint(0).varint(0);
      build(w);
      const body = w.finish();
      return batchAround(recordWithLength(body), 1);
    };
    rejects(decode(make((w) => w.varint(100).bytes(bytes('abc')))), 'BAD_LENGTH'); // key too long
    rejects(decode(make((w) => w.varint(-2))), 'BAD_LENGTH'); // key length -2
    rejects(decode(make((w) => w.varint(-1).varint(50).raw(1, 2))), 'BAD_LENGTH'); // value too long
    rejects(decode(make((w) => w.varint(-1).varint(-5).varint(0))), 'BAD_LENGTH'); // value length -5
    rejects(decode(make((w) => w.varint(-1).varint(-1).varint(-1))), 'BAD_LENGTH'); // negative header count
    rejects(decode(make((w) => w.varint(-1).varint(-1).varint(0x7fffffff))), 'BAD_LENGTH'); // huge header count
    rejects(decode(make((w) => w.varint(-1).varint(-1).varint(1).varint(-1).varint(-1))), 'BAD_LENGTH'); // null header key
    rejects(decode(make((w) => w.varint(-1).varint(-1).varint(1).varint(40).raw(0x61, 0x62))), 'BAD_LENGTH'); // header key too long
    rejects(decode(make((w) => w.varint(-1).varint(-1).varint(1).varint(1).raw(0x61).varint(40))), 'BAD_LENGTH'); // header value too long
    rejects(decode(make((w) => w.varint(-1).varint(-1).varint(1).varint(1).raw(0x61).varint(-3))), 'BAD_LENGTH'); // header value -3
  });

  test('over-long varints and varlongs are BAD_VARINT', () => {
    // Record length as a 6-byte varint.
    rejects(decode(batchAround(new Uint8Array([0x80, 0x80, 0x80, 0x80, 0x80, 0x00, ...recordBody(null, null)]), 1)), 'BAD_VARINT');
    // timestampDelta as an 11-byte varlong.
    const body = new RawWriter().raw(0).raw(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00).varint(0).varint(-1).varint(-1).varint(0).finish();
    rejects(decode(batchAround(recordWithLength(body), 1)), 'BAD_VARINT');
    // Key length as a 6-byte varint.
    const body2 = new RawWriter().raw(0).varint(0).varint(0).raw(0xff, 0xff, 0xff, 0xff, 0xff, 0x01).varint(-1).varint(0).finish();
    rejects(decode(batchAround(recordWithLength(body2), 1)), 'BAD_VARINT');
  });

  test('data ending inside a record is rejected', () => {
    const full = recordWithLength(recordBody(bytes('key'), bytes('value')));
    for (let cut = 1; cut < full.length; cut++) {
      assert.throws(decode(batchAround(full.subarray(0, cut), 1)), RecordBatchError, `cut at ${cut}`);
    }
  });

  test('the same rules apply inside compressed payloads', () => {
    const body = recordBody(bytes('key'), bytes('value'));
    for (const codec of [CompressionCodec.GZIP, CompressionCodec.SNAPPY, CompressionCodec.LZ4, CompressionCodec.ZSTD]) {
      rejects(decode(batchAround(compress(codec, good), 2, codec)), 'RECORD_COUNT_MISMATCH');
      rejects(decode(batchAround(compress(codec, recordWithLength(body, body.length - 1)), 1, codec)), 'RECORD_LENGTH_MISMATCH');
      rejects(decode(batchAround(compress(codec, new Uint8Array([0x80, 0x80, 0x80, 0x80, 0x80, 0x01])), 1, codec)), 'BAD_VARINT');
      rejects(decode(batchAround(randomBytes(prng(codec), 100), 1, codec)), 'CORRUPT_COMPRESSED_DATA');
    }
  });

  test('a compressed batch decompressing past maxDecompressedBytes is DECOMPRESSION_LIMIT', () => {
    const records = Array.from({ length: 100 }, () => ({ value: new Uint8Array(10_000), timestamp: 1n }));
    for (const codec of [CompressionCodec.GZIP, CompressionCodec.SNAPPY, CompressionCodec.LZ4, CompressionCodec.ZSTD]) {
      const batch = buildRecordBatch(records, { compression: codec });
      assert.ok(batch.length < 100_000);
      rejects(decode(batch, 500_000), 'DECOMPRESSION_LIMIT');
      assert.equal(decodeRecordBatch(batch, 0, { maxDecompressedBytes: 2_000_000 }).records.length, 100);
    }
  });

  test('CRC is checked before anything else inside the batch', () => {
    const bad = batchAround(new Uint8Array([0x80, 0x80, 0x80, 0x80, 0x80, 0x00]), 1);
    bad[bad.length - 1]! ^= 1;
    rejects(decode(bad), 'CORRUPT_CRC');
    fixCrc(bad);
    rejects(decode(bad), 'BAD_VARINT');
  });
});
