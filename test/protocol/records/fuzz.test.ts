/**
 * Mutation fuzzing: thousands of damaged batches through validateBatches and
 * decodeRecordBatch. Each must either decode or throw RecordBatchError;
 * any other exception (RangeError, TypeError, a codec's own error) fails.
 * Half the mutations recompute the CRC so that they reach the record parser
 * and the decompressors instead of stopping at the CRC check.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compress, COMPRESSION_CODEC_NAMES, CompressionCodec, decompress } from '../../../src/protocol/records/compression.js';
import { zstdDecompressStreaming } from '../../../src/protocol/records/zstd.js';
import { decodeRecordBatch, decodeRecordBatches } from '../../../src/protocol/records/record-batch.js';
import { RecordBatchError } from '../../../src/protocol/records/record-batch-error.js';
import { buildRecordBatch } from '../../../src/protocol/records/record-batch-builder.js';
import { validateBatches } from '../../../src/protocol/records/validate-batches.js';
import { bytes, fixCrc, prng, randomBytes, textLike } from './record-test-helpers.js';

const ITERATIONS_PER_CODEC = 1200;

function seedBatch(codec: number, random: () => number): Uint8Array {
  const count = 1 + Math.floor(random() * 6);
  return buildRecordBatch(
    Array.from({ length: count }, (_, i) => ({
      key: random() < 0.3 ? null : bytes(`key-${i}`),
      value: random() < 0.1 ? null : textLike(random, Math.floor(random() * 400)),
      headers: random() < 0.5 ? [{ key: `h${i}`, value: random() < 0.5 ? null : bytes('v') }] : [],
      timestamp: 1_700_000_000_000n + BigInt(i),
    })),
    { compression: codec, producerId: 7n, producerEpoch: 1, baseSequence: 0 },
  );
}

function mutate(batch: Uint8Array, random: () => number): Uint8Array {
  const kind = Math.floor(random() * 6);
  let out: Uint8Array;
  switch (kind) {
    case 0: {
      // flip 1-4 random bytes, mostly after the header
      out = Uint8Array.from(batch);
      const flips = 1 + Math.floor(random() * 4);
      for (let i = 0; i < flips; i++) {
        const pos = random() < 0.8 ? 61 + Math.floor(random() * (out.length - 61)) : Math.floor(random() * out.length);
        out[pos] = Math.floor(random() * 256);
      }
      break;
    }
    case 1: {
      // truncate, keeping the declared length or fixing it up
      const cut = Math.floor(random() * batch.length);
      out = Uint8Array.from(batch.subarray(0, cut));
      if (random() < 0.5 && out.length >= 12) new DataView(out.buffer).setInt32(8, out.length - 12);
      break;
    }
    case 2: {
      // insert random bytes somewhere after the header and fix the length
      const pos = 61 + Math.floor(random() * (batch.length - 61));
      const extra = randomBytes(random, 1 + Math.floor(random() * 8));
      out = new Uint8Array(batch.length + extra.length);
      out.set(batch.subarray(0, pos));
      out.set(extra, pos);
      out.set(batch.subarray(pos), pos + extra.length);
      new DataView(out.buffer).setInt32(8, out.length - 12);
      break;
    }
    case 3: {
      // change the records count
      out = Uint8Array.from(batch);
      const view = new DataView(out.buffer);
      view.setInt32(57, view.getInt32(57) + Math.floor(random() * 5) - 2 + (random() < 0.1 ? 0x7ffffff0 : 0));
      break;
    }
    case 4: {
      // overwrite a run in the payload with varint-ish bytes (0x80 continuation, 0xff...)
      out = Uint8Array.from(batch);
      const pos = 61 + Math.floor(random() * (out.length - 61));
      const run = 1 + Math.floor(random() * 12);
      const fill = [0x80, 0xff, 0x01, 0x7f, 0x00][Math.floor(random() * 5)]!;
      for (let i = pos; i < Math.min(out.length, pos + run); i++) out[i] = fill;
      break;
    }
    default: {
      // change attributes (codec bits included) or the magic
      out = Uint8Array.from(batch);
      if (random() < 0.8) out[22] = Math.floor(random() * 256);
      else out[16] = Math.floor(random() * 4);
      break;
    }
  }
  if (random() < 0.5 && out.length >= 61) fixCrc(out);
  return out;
}

function expectDecodeOrRecordBatchError(fn: () => unknown, context: string): 'ok' | string {
  try {
    fn();
    return 'ok';
  } catch (error) {
    if (error instanceof RecordBatchError) return error.reason;
    assert.fail(`${context}: threw ${error instanceof Error ? `${error.name}: ${error.message}\n${error.stack}` : String(error)}`);
  }
}

describe('fuzz: mutated batches', () => {
  const codecs = [CompressionCodec.NONE, CompressionCodec.GZIP, CompressionCodec.SNAPPY, CompressionCodec.LZ4, CompressionCodec.ZSTD];
  for (const codec of codecs) {
    test(`${COMPRESSION_CODEC_NAMES[codec]}: ${ITERATIONS_PER_CODEC} mutations decode or throw RecordBatchError`, () => {
      const random = prng(0xc0de + codec);
      const outcomes = new Map<string, number>();
      for (let i = 0; i < ITERATIONS_PER_CODEC; i++) {
        const original = seedBatch(codec, random);
        const mutated = mutate(original, random);
        const context = `${COMPRESSION_CODEC_NAMES[codec]} iteration ${i}`;
        const validated = expectDecodeOrRecordBatchError(() => validateBatches(mutated), context);
        expectDecodeOrRecordBatchError(() => validateBatches(mutated, { trailingPartial: 'ignore' }), context);
        const decoded = expectDecodeOrRecordBatchError(() => decodeRecordBatch(mutated, 0, { maxDecompressedBytes: 1 << 20 }), context);
        expectDecodeOrRecordBatchError(() => decodeRecordBatches(mutated, { trailingPartial: 'ignore', maxDecompressedBytes: 1 << 20 }), context);
        if (validated !== 'ok') assert.notEqual(decoded, 'ok', `${context}: decoded what validation rejected`);
        outcomes.set(decoded, (outcomes.get(decoded) ?? 0) + 1);
      }
      // The mutations reach deep enough to produce several kinds of rejection.
      assert.ok(outcomes.size >= 4, `outcomes: ${JSON.stringify([...outcomes])}`);
    });
  }

  test('random bytes as a records field', () => {
    const random = prng(99);
    for (let i = 0; i < 2000; i++) {
      const data = randomBytes(random, Math.floor(random() * 200));
      if (data.length >= 17 && random() < 0.7) {
        // make it look like a v2 batch of the right length
        new DataView(data.buffer).setInt32(8, data.length - 12);
        data[16] = 2;
        if (data.length >= 61) fixCrc(data);
      }
      expectDecodeOrRecordBatchError(() => validateBatches(data), `random ${i}`);
      expectDecodeOrRecordBatchError(() => decodeRecordBatches(data, { trailingPartial: 'ignore' }), `random ${i}`);
    }
  });

  test('damaged compressed streams through every decompressor (fzstd included)', () => {
    const random = prng(2024);
    for (const codec of codecs.slice(1)) {
      for (let i = 0; i < 400; i++) {
        const original = compress(codec, textLike(random, 1 + Math.floor(random() * 5000)));
        const damaged = Uint8Array.from(original);
        const flips = 1 + Math.floor(random() * 3);
        for (let f = 0; f < flips; f++) damaged[Math.floor(random() * damaged.length)] = Math.floor(random() * 256);
        const cut = random() < 0.2 ? damaged.subarray(0, Math.floor(random() * damaged.length)) : damaged;
        const context = `${COMPRESSION_CODEC_NAMES[codec]} stream ${i}`;
        expectDecodeOrRecordBatchError(() => decompress(codec, cut, 1 << 20), context);
        if (codec === CompressionCodec.ZSTD) expectDecodeOrRecordBatchError(() => zstdDecompressStreaming(cut, 1 << 20), context);
      }
    }
  });
});
