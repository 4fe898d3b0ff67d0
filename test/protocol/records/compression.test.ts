import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { describe, test } from 'node:test';
import { Encoder as ZstdEncoder } from '@toondepauw/node-zstd';
import { compressFrameSync, decompressFrameSync, compressSync as lz4BlockCompress } from 'lz4-napi';
import { compressSync as snappyRawCompress } from 'snappy';
import {
  compress,
  COMPRESSION_CODEC_NAMES,
  CompressionCodec,
  compressionCodecFromName,
  decompress,
} from '../../../src/protocol/records/compression.js';
import { RecordBatchError, type RecordBatchErrorReason } from '../../../src/protocol/records/record-batch-error.js';
import { xxhash32 } from '../../../src/protocol/records/xxhash32.js';
import { zstdDecompressStreaming } from '../../../src/protocol/records/zstd.js';
import { prng, randomBytes, textLike } from './record-test-helpers.js';

const CODECS = [CompressionCodec.NONE, CompressionCodec.GZIP, CompressionCodec.SNAPPY, CompressionCodec.LZ4, CompressionCodec.ZSTD] as const;
const MiB = 1024 * 1024;

function rejects(fn: () => unknown, reason: RecordBatchErrorReason): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof RecordBatchError, `expected RecordBatchError, got ${String(e)}`);
    assert.equal(e.reason, reason, e.message);
    return true;
  });
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

describe('compression codecs', () => {
  const random = prng(42);
  const samples: Record<string, Uint8Array> = {
    empty: new Uint8Array(0),
    'one byte': new Uint8Array([7]),
    'random 10 KiB': randomBytes(random, 10_000),
    'text 300 KiB': textLike(random, 300_000),
    'zeros 1 MiB': new Uint8Array(MiB),
  };

  for (const codec of CODECS) {
    const name = COMPRESSION_CODEC_NAMES[codec];
    test(`${name}: round trip of assorted inputs`, () => {
      for (const [label, data] of Object.entries(samples)) {
        const compressed = compress(codec, data);
        assert.deepEqual(decompress(codec, compressed, data.length), data, `${name} / ${label}`);
      }
    });

    test(`${name}: output above the limit is DECOMPRESSION_LIMIT`, () => {
      const data = samples['text 300 KiB']!;
      rejects(() => decompress(codec, compress(codec, data), data.length - 1), 'DECOMPRESSION_LIMIT');
    });

    if (codec !== CompressionCodec.NONE) {
      test(`${name}: a decompression bomb (1 GiB of zeros claimed or produced) is stopped at the limit`, () => {
        // 64 MiB of zeros compress to a few KiB; the limit is 1 MiB.
        const bomb = compress(codec, new Uint8Array(64 * MiB));
        assert.ok(bomb.length < 4 * MiB, `${name} bomb is ${bomb.length} bytes`);
        const before = process.memoryUsage().arrayBuffers;
        rejects(() => decompress(codec, bomb, MiB), 'DECOMPRESSION_LIMIT');
        const grown = process.memoryUsage().arrayBuffers - before;
        assert.ok(grown < 32 * MiB, `${name}: array buffers grew by ${grown} bytes`);
      });

      test(`${name}: garbage is CORRUPT_COMPRESSED_DATA`, () => {
        rejects(() => decompress(codec, randomBytes(prng(codec), 200), MiB), 'CORRUPT_COMPRESSED_DATA');
        if (codec !== CompressionCodec.SNAPPY) rejects(() => decompress(codec, new Uint8Array(0), MiB), 'CORRUPT_COMPRESSED_DATA');
      });

      test(`${name}: a truncated stream is rejected`, () => {
        const compressed = compress(codec, samples['text 300 KiB']!);
        rejects(() => decompress(codec, compressed.subarray(0, compressed.length - 7), MiB), 'CORRUPT_COMPRESSED_DATA');
      });
    }
  }

  test('codec 5-7 is UNSUPPORTED_CODEC', () => {
    for (const codec of [5, 6, 7]) {
      rejects(() => compress(codec, new Uint8Array(1)), 'UNSUPPORTED_CODEC');
      rejects(() => decompress(codec, new Uint8Array(1), 10), 'UNSUPPORTED_CODEC');
    }
  });

  test('codec names', () => {
    assert.equal(compressionCodecFromName('zstd'), CompressionCodec.ZSTD);
    assert.equal(compressionCodecFromName('none'), CompressionCodec.NONE);
    assert.equal(compressionCodecFromName('producer'), undefined);
  });
});

describe('gzip', () => {
  test('decodes concatenated members written by zlib itself', () => {
    const a = textLike(prng(3), 5000);
    const b = textLike(prng(4), 7000);
    assert.deepEqual(decompress(CompressionCodec.GZIP, concat(gzipSync(a), gzipSync(b)), MiB), concat(a, b));
  });
});

describe('snappy (xerial framing)', () => {
  const data = textLike(prng(5), 100_000);

  test('writes the xerial header and 32 KiB blocks with big-endian lengths', () => {
    const out = compress(CompressionCodec.SNAPPY, data);
    assert.deepEqual([...out.subarray(0, 16)], [0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1]);
    let pos = 16;
    let blocks = 0;
    while (pos < out.length) {
      const length = new DataView(out.buffer, out.byteOffset + pos).getInt32(0);
      pos += 4 + length;
      blocks++;
    }
    assert.equal(pos, out.length);
    assert.equal(blocks, Math.ceil(data.length / 32768));
  });

  test('accepts plain raw snappy (no xerial header)', () => {
    assert.deepEqual(decompress(CompressionCodec.SNAPPY, snappyRawCompress(data), MiB), data);
  });

  test('accepts concatenated xerial streams', () => {
    const a = data.subarray(0, 40_000);
    const b = data.subarray(40_000);
    assert.deepEqual(decompress(CompressionCodec.SNAPPY, concat(compress(CompressionCodec.SNAPPY, a), compress(CompressionCodec.SNAPPY, b)), MiB), data);
  });

  test('an uncompressed-length preamble above the limit is refused before decompressing', () => {
    // A raw block claiming 2^31 bytes: varint 0x80 0x80 0x80 0x80 0x08, then a few bytes.
    const claim = new Uint8Array([0x80, 0x80, 0x80, 0x80, 0x08, 0, 1, 2, 3]);
    rejects(() => decompress(CompressionCodec.SNAPPY, claim, MiB), 'DECOMPRESSION_LIMIT');
  });

  test('an implausible preamble (more than 22x the block) is corrupt', () => {
    const raw = snappyRawCompress(new Uint8Array(1000));
    const claim = new Uint8Array([0xc0, 0x3e, ...raw.subarray(2)]); // claims 8000 bytes
    rejects(() => decompress(CompressionCodec.SNAPPY, claim, MiB), 'CORRUPT_COMPRESSED_DATA');
  });

  test('a xerial block length past the end is corrupt', () => {
    const out = compress(CompressionCodec.SNAPPY, data);
    const bad = Uint8Array.from(out);
    new DataView(bad.buffer).setInt32(16, 0x7fffffff);
    rejects(() => decompress(CompressionCodec.SNAPPY, bad, MiB), 'CORRUPT_COMPRESSED_DATA');
  });
});

describe('lz4 (frame format)', () => {
  const data = textLike(prng(6), 200_000);

  test('writes Kafka-style frames: version 1, independent 64 KiB blocks, valid header checksum', () => {
    const out = compress(CompressionCodec.LZ4, data);
    assert.deepEqual([...out.subarray(0, 6)], [0x04, 0x22, 0x4d, 0x18, 0x60, 0x40]);
    assert.equal(out[6], (xxhash32(out, 0, 4, 6) >>> 8) & 0xff);
    assert.deepEqual([...out.subarray(out.length - 4)], [0, 0, 0, 0]);
  });

  test('lz4-napi (lz4_flex) reads our frames, and we read its frames (larger blocks)', () => {
    assert.deepEqual(new Uint8Array(decompressFrameSync(Buffer.from(compress(CompressionCodec.LZ4, data)))), data);
    const theirs = compressFrameSync(Buffer.from(data));
    assert.notEqual(theirs[5], 0x40, 'lz4-napi does not use 64 KiB blocks');
    assert.deepEqual(decompress(CompressionCodec.LZ4, theirs, MiB), data);
  });

  test('verifies block and content checksums when present', () => {
    const theirs = compressFrameSync(Buffer.from(data), { blockChecksums: true, contentChecksum: true });
    assert.deepEqual(decompress(CompressionCodec.LZ4, theirs, MiB), data);
    const badContent = Uint8Array.from(theirs);
    badContent[badContent.length - 1]! ^= 1;
    rejects(() => decompress(CompressionCodec.LZ4, badContent, MiB), 'CORRUPT_COMPRESSED_DATA');
    const badBlock = Uint8Array.from(theirs);
    badBlock[badBlock.length - 9]! ^= 1; // last byte of the block checksum before the end mark
    rejects(() => decompress(CompressionCodec.LZ4, badBlock, MiB), 'CORRUPT_COMPRESSED_DATA');
  });

  test('a wrong header checksum is corrupt', () => {
    const out = compress(CompressionCodec.LZ4, data);
    out[6]! ^= 0xff;
    rejects(() => decompress(CompressionCodec.LZ4, out, MiB), 'CORRUPT_COMPRESSED_DATA');
  });

  test('decodes overlapping matches (runs) and linked blocks', () => {
    const runs = new Uint8Array(150_000);
    for (let i = 0; i < runs.length; i++) runs[i] = (i >> 9) % 3 === 0 ? 0x61 : (i * 7) & 0xff;
    assert.deepEqual(decompress(CompressionCodec.LZ4, compress(CompressionCodec.LZ4, runs), MiB), runs);
    // Hand-made frame with linked blocks: the second block is one match into the first.
    const first = new Uint8Array([0x80, ...'abcdefgh'.split('').map((c) => c.charCodeAt(0))]); // 8 literals, then the end
    const second = new Uint8Array([0x04, 0x08, 0x00, 0x50]); // no literals, offset 8, match 4+4 = 8; then 5 literals
    const tail = new Uint8Array([0x31, 0x32, 0x33, 0x34, 0x35]);
    const header = new Uint8Array([0x04, 0x22, 0x4d, 0x18, 0x40, 0x40, 0]); // FLG 0x40: linked blocks
    header[6] = (xxhash32(header, 0, 4, 6) >>> 8) & 0xff;
    const le = (n: number): Uint8Array => new Uint8Array([n, n >> 8, n >> 16, n >> 24]);
    const secondBlock = concat(second, tail);
    const frame = concat(header, le(first.length), first, le(secondBlock.length), secondBlock, le(0));
    assert.equal(new TextDecoder().decode(decompress(CompressionCodec.LZ4, frame, 100)), 'abcdefghabcdefgh12345');
    // The same blocks declared independent: the match reaches outside its block.
    header[4] = 0x60;
    header[6] = (xxhash32(header, 0, 4, 6) >>> 8) & 0xff;
    rejects(() => decompress(CompressionCodec.LZ4, concat(header, le(first.length), first, le(secondBlock.length), secondBlock, le(0)), 100), 'CORRUPT_COMPRESSED_DATA');
  });

  test('a block declaring more than its frame maximum is corrupt; a content size above the limit is refused', () => {
    const out = compress(CompressionCodec.LZ4, data);
    const bad = Uint8Array.from(out);
    new DataView(bad.buffer).setUint32(7, 0x20000, true); // 128 KiB in a 64 KiB frame
    rejects(() => decompress(CompressionCodec.LZ4, bad, MiB), 'CORRUPT_COMPRESSED_DATA');
    // A frame with a content-size field claiming 1 TiB.
    const header = new Uint8Array([0x04, 0x22, 0x4d, 0x18, 0x68, 0x40, 0, 0, 0, 0, 0, 1, 0, 0, 0]);
    header[14] = (xxhash32(header, 0, 4, 14) >>> 8) & 0xff;
    rejects(() => decompress(CompressionCodec.LZ4, concat(header, new Uint8Array(4)), MiB), 'DECOMPRESSION_LIMIT');
  });

  test('blocks from the raw block compressor with an offset of zero are corrupt', () => {
    const block = lz4BlockCompress(Buffer.from(data.subarray(0, 60_000))).subarray(4);
    const header = new Uint8Array([0x04, 0x22, 0x4d, 0x18, 0x60, 0x40, 0]);
    header[6] = (xxhash32(header, 0, 4, 6) >>> 8) & 0xff;
    const le = (n: number): Uint8Array => new Uint8Array([n, n >> 8, n >> 16, n >> 24]);
    const good = concat(header, le(block.length), block, le(0));
    assert.deepEqual(decompress(CompressionCodec.LZ4, good, MiB), data.subarray(0, 60_000));
    // Find the first match offset and zero it.
    const bad = Uint8Array.from(good);
    let ip = 11;
    const token = bad[ip++]!;
    let literals = token >>> 4;
    if (literals === 15) {
      let b: number;
      do {
        b = bad[ip++]!;
        literals += b;
      } while (b === 255);
    }
    ip += literals;
    bad[ip] = 0;
    bad[ip + 1] = 0;
    rejects(() => decompress(CompressionCodec.LZ4, bad, MiB), 'CORRUPT_COMPRESSED_DATA');
  });
});

describe('zstd', () => {
  const data = textLike(prng(7), 300_000);

  test('libzstd output decodes with both decoders (native and fzstd)', () => {
    const compressed = compress(CompressionCodec.ZSTD, data);
    assert.deepEqual(decompress(CompressionCodec.ZSTD, compressed, MiB), data);
    assert.deepEqual(zstdDecompressStreaming(compressed, MiB), data);
  });

  test('compression levels', () => {
    for (const level of [1, 3, 9, 19]) {
      assert.deepEqual(decompress(CompressionCodec.ZSTD, compress(CompressionCodec.ZSTD, data, { level }), MiB), data);
    }
  });

  test('many small frames whose block bound exceeds the limit go through the streaming decoder', () => {
    const encoder = new ZstdEncoder(3);
    const parts: Uint8Array[] = [];
    const frames: Uint8Array[] = [];
    for (let i = 0; i < 8; i++) {
      const part = data.subarray(i * 16_000, (i + 1) * 16_000);
      parts.push(part);
      frames.push(encoder.encodeSync(Buffer.from(part)));
    }
    const joined = concat(...frames);
    // Bound: 8 blocks x 128 KiB = 1 MiB; real size 128 000 bytes.
    assert.deepEqual(decompress(CompressionCodec.ZSTD, joined, 200_000), concat(...parts));
    rejects(() => decompress(CompressionCodec.ZSTD, joined, 100_000), 'DECOMPRESSION_LIMIT');
  });

  test('skippable frames are skipped', () => {
    const skippable = new Uint8Array([0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 9, 9, 9]);
    assert.deepEqual(decompress(CompressionCodec.ZSTD, concat(skippable, compress(CompressionCodec.ZSTD, data)), MiB), data);
  });

  test('a declared content size above the limit, or a huge window, is refused up front', () => {
    // Single-segment frame declaring 2^32 bytes (8-byte content size), one empty raw block.
    const huge = new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 0xe0, 0, 0, 0, 0, 1, 0, 0, 0, 0x01, 0, 0]);
    rejects(() => decompress(CompressionCodec.ZSTD, huge, MiB), 'DECOMPRESSION_LIMIT');
    // Window descriptor 0xf8: 2^41 bytes; no content size.
    const window = new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0xf8, 0x01, 0, 0]);
    rejects(() => decompress(CompressionCodec.ZSTD, window, MiB), 'DECOMPRESSION_LIMIT');
  });

  test('dictionaries, reserved bits and reserved block types are corrupt', () => {
    rejects(() => decompress(CompressionCodec.ZSTD, new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 0x01, 0x58, 0x07, 0x01, 0, 0]), MiB), 'CORRUPT_COMPRESSED_DATA');
    rejects(() => decompress(CompressionCodec.ZSTD, new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 0x08, 0x58, 0x01, 0, 0]), MiB), 'CORRUPT_COMPRESSED_DATA');
    rejects(() => decompress(CompressionCodec.ZSTD, new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x58, 0x07, 0, 0]), MiB), 'CORRUPT_COMPRESSED_DATA');
  });
});
