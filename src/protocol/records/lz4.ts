/**
 * lz4 codec (codec id 3): the LZ4 frame format, as Kafka writes it for
 * magic 2 (correct header checksum; 64 KiB independent blocks, no
 * checksums by default).
 *
 * Compression frames the output of lz4-napi's block compressor ourselves,
 * so the block size matches Kafka's. Decompression is done here: the frame
 * is parsed, every block's exact decompressed size is computed by scanning
 * its sequences (cheap: literals are skipped, nothing is copied), the total
 * is checked against the limit, and only then is one output buffer of the
 * exact size allocated and filled. Any frame is accepted (any block size,
 * linked or independent blocks, block and content checksums, content size,
 * concatenated and skippable frames); preset dictionaries are not.
 */
import { skippableFrameEnd, uint32LE } from './frame-bytes.js';
import { lazyModule } from './lazy-module.js';
import { toBuffer } from './byte-views.js';
import { RecordBatchError } from './record-batch-error.js';
import { xxhash32 } from './xxhash32.js';

const lz4Native = lazyModule<typeof import('lz4-napi')>('lz4-napi');

const LZ4_FRAME_MAGIC = 0x184d2204;
const KAFKA_BLOCK_SIZE = 64 * 1024;
/** FLG: version 01, independent blocks, no checksums, no content size, no dictionary. */
const KAFKA_FLG = 0x60;
/** BD: block maximum size id 4 (64 KiB). */
const KAFKA_BD = 0x40;
const UNCOMPRESSED_BLOCK_FLAG = 0x80000000;

function writeUint32LE(d: Uint8Array, p: number, v: number): void {
  d[p] = v;
  d[p + 1] = v >>> 8;
  d[p + 2] = v >>> 16;
  d[p + 3] = v >>> 24;
}

function corrupt(message: string, position: number): RecordBatchError {
  return new RecordBatchError('CORRUPT_COMPRESSED_DATA', `lz4: ${message}`, { position });
}

/** Compresses into one LZ4 frame with 64 KiB independent blocks. */
export function lz4Compress(data: Uint8Array): Uint8Array {
  const input = toBuffer(data);
  const blocks: Uint8Array[] = [];
  const raw: boolean[] = [];
  let total = 7 + 4;
  for (let pos = 0; pos < input.length; pos += KAFKA_BLOCK_SIZE) {
    const chunk = input.subarray(pos, Math.min(input.length, pos + KAFKA_BLOCK_SIZE));
    // lz4-napi prefixes the block with its uncompressed size (4 bytes, little-endian).
    const compressed = lz4Native().compressSync(chunk).subarray(4);
    const storeRaw = compressed.length >= chunk.length;
    blocks.push(storeRaw ? chunk : compressed);
    raw.push(storeRaw);
    total += 4 + (storeRaw ? chunk.length : compressed.length);
  }
  const out = new Uint8Array(total);
  writeUint32LE(out, 0, LZ4_FRAME_MAGIC);
  out[4] = KAFKA_FLG;
  out[5] = KAFKA_BD;
  out[6] = (xxhash32(out, 0, 4, 6) >>> 8) & 0xff;
  let pos = 7;
  for (let i = 0; i < blocks.length; i++) {
    const block = blocks[i]!;
    writeUint32LE(out, pos, raw[i] ? (block.length | UNCOMPRESSED_BLOCK_FLAG) >>> 0 : block.length);
    out.set(block, pos + 4);
    pos += 4 + block.length;
  }
  writeUint32LE(out, pos, 0);
  return out;
}

interface Lz4Block {
  readonly start: number;
  readonly end: number;
  readonly raw: boolean;
  readonly size: number;
}

interface Lz4ContentChecksum {
  readonly outStart: number;
  readonly outEnd: number;
  readonly expected: number;
  readonly position: number;
}

/**
 * Decompressed size of the LZ4 block src[ip, end), validating its structure
 * (lengths within the block, match offsets within the window). `op` is the
 * output position the block starts at, `windowStart` the lowest position a
 * match may reach.
 */
function scanBlock(src: Uint8Array, ip: number, end: number, op: number, windowStart: number): number {
  const start = op;
  for (;;) {
    if (ip >= end) throw corrupt('block ends before its last literals', ip);
    const token = src[ip++]!;
    let literals = token >>> 4;
    if (literals === 15) {
      let b: number;
      do {
        if (ip >= end) throw corrupt('block ends inside a literal length', ip);
        b = src[ip++]!;
        literals += b;
      } while (b === 255);
    }
    if (literals > end - ip) throw corrupt('literals run past the end of the block', ip);
    ip += literals;
    op += literals;
    if (ip === end) return op - start;
    if (end - ip < 2) throw corrupt('block ends inside a match offset', ip);
    const offset = src[ip]! | (src[ip + 1]! << 8);
    ip += 2;
    if (offset === 0 || offset > op - windowStart) throw corrupt(`match offset ${offset} reaches before the window`, ip - 2);
    let matchLength = (token & 15) + 4;
    if (matchLength === 19) {
      let b: number;
      do {
        if (ip >= end) throw corrupt('block ends inside a match length', ip);
        b = src[ip++]!;
        matchLength += b;
      } while (b === 255);
    }
    op += matchLength;
    if (ip === end) return op - start;
  }
}

/** Decodes a block already checked by scanBlock into `out` at `op`. */
function decodeBlock(src: Uint8Array, ip: number, end: number, out: Uint8Array, op: number): number {
  for (;;) {
    const token = src[ip++]!;
    let literals = token >>> 4;
    if (literals === 15) {
      let b: number;
      do {
        b = src[ip++]!;
        literals += b;
      } while (b === 255);
    }
    if (literals > 0) {
      if (literals < 32) {
        for (let i = 0; i < literals; i++) out[op + i] = src[ip + i]!;
      } else {
        out.set(src.subarray(ip, ip + literals), op);
      }
      ip += literals;
      op += literals;
    }
    if (ip === end) return op;
    const offset = src[ip]! | (src[ip + 1]! << 8);
    ip += 2;
    let matchLength = (token & 15) + 4;
    if (matchLength === 19) {
      let b: number;
      do {
        b = src[ip++]!;
        matchLength += b;
      } while (b === 255);
    }
    let from = op - offset;
    if (offset >= matchLength && matchLength >= 32) {
      out.copyWithin(op, from, from + matchLength);
      op += matchLength;
    } else {
      const stop = op + matchLength;
      while (op < stop) out[op++] = out[from++]!;
    }
    if (ip === end) return op;
  }
}

const BLOCK_MAX_SIZE: Readonly<Record<number, number>> = { 4: 64 * 1024, 5: 256 * 1024, 6: 1024 * 1024, 7: 4 * 1024 * 1024 };

/** Decompresses LZ4 frame data, producing at most `maxBytes` bytes. */
export function lz4Decompress(data: Uint8Array, maxBytes: number): Uint8Array {
  const blocks: Lz4Block[] = [];
  const checksums: Lz4ContentChecksum[] = [];
  let total = 0;
  let pos = 0;
  if (data.length === 0) throw corrupt('empty input', 0);
  while (pos < data.length) {
    if (data.length - pos < 4) throw corrupt('data ends inside a frame magic', pos);
    const magic = uint32LE(data, pos);
    const skippedTo = skippableFrameEnd(data, pos, magic, corrupt);
    if (skippedTo >= 0) {
      pos = skippedTo;
      continue;
    }
    if (magic !== LZ4_FRAME_MAGIC) throw corrupt(`bad frame magic 0x${magic.toString(16)}`, pos);
    const frameStart = pos;
    pos += 4;
    if (data.length - pos < 3) throw corrupt('data ends inside the frame descriptor', pos);
    const flg = data[pos]!;
    const bd = data[pos + 1]!;
    if (flg >>> 6 !== 1) throw corrupt(`unsupported frame version ${flg >>> 6}`, pos);
    if ((flg & 0x02) !== 0 || (bd & 0x8f) !== 0) throw corrupt('reserved frame descriptor bits are set', pos);
    const independent = (flg & 0x20) !== 0;
    const blockChecksum = (flg & 0x10) !== 0;
    const hasContentSize = (flg & 0x08) !== 0;
    const contentChecksum = (flg & 0x04) !== 0;
    if ((flg & 0x01) !== 0) throw corrupt('preset dictionaries are not supported', pos);
    const blockMaxSize = BLOCK_MAX_SIZE[(bd >>> 4) & 7];
    if (blockMaxSize === undefined) throw corrupt(`invalid block maximum size id ${(bd >>> 4) & 7}`, pos + 1);
    const descriptorLength = 2 + (hasContentSize ? 8 : 0);
    if (data.length - pos < descriptorLength + 1) throw corrupt('data ends inside the frame descriptor', pos);
    let contentSize = -1;
    if (hasContentSize) {
      const low = uint32LE(data, pos + 2);
      const high = uint32LE(data, pos + 6);
      contentSize = high >= 0x200000 ? Number.MAX_SAFE_INTEGER : high * 0x100000000 + low;
      if (total + contentSize > maxBytes) {
        throw new RecordBatchError('DECOMPRESSION_LIMIT', `lz4 frame declares ${contentSize} bytes, more than the limit ${maxBytes}`, {
          position: pos,
        });
      }
    }
    const hc = data[pos + descriptorLength]!;
    if (hc !== ((xxhash32(data, 0, pos, pos + descriptorLength) >>> 8) & 0xff)) {
      throw corrupt('frame descriptor checksum mismatch', pos + descriptorLength);
    }
    pos += descriptorLength + 1;

    const frameOutStart = total;
    for (;;) {
      if (data.length - pos < 4) throw corrupt('data ends inside a block size', pos);
      const word = uint32LE(data, pos);
      pos += 4;
      if (word === 0) break;
      const raw = (word & UNCOMPRESSED_BLOCK_FLAG) !== 0;
      const length = word & 0x7fffffff;
      if (length > blockMaxSize) throw corrupt(`block of ${length} bytes exceeds the frame's maximum ${blockMaxSize}`, pos - 4);
      if (length + (blockChecksum ? 4 : 0) > data.length - pos) throw corrupt('block runs past the end of the data', pos - 4);
      if (blockChecksum && uint32LE(data, pos + length) !== xxhash32(data, 0, pos, pos + length)) {
        throw corrupt('block checksum mismatch', pos);
      }
      const windowStart = independent ? total : frameOutStart;
      const size = raw ? length : scanBlock(data, pos, pos + length, total, windowStart);
      if (size > blockMaxSize) throw corrupt(`block decompresses to ${size} bytes, more than the frame's maximum ${blockMaxSize}`, pos);
      total += size;
      if (total > maxBytes) {
        throw new RecordBatchError('DECOMPRESSION_LIMIT', `lz4 data decompresses to more than ${maxBytes} bytes`, { position: pos });
      }
      blocks.push({ start: pos, end: pos + length, raw, size });
      pos += length + (blockChecksum ? 4 : 0);
    }
    if (contentChecksum) {
      if (data.length - pos < 4) throw corrupt('data ends inside the content checksum', pos);
      checksums.push({ outStart: frameOutStart, outEnd: total, expected: uint32LE(data, pos), position: pos });
      pos += 4;
    }
    if (hasContentSize && total - frameOutStart !== contentSize) {
      throw corrupt(`frame declares ${contentSize} bytes but holds ${total - frameOutStart}`, frameStart);
    }
  }

  const out = new Uint8Array(total);
  let op = 0;
  for (const block of blocks) {
    if (block.raw) {
      out.set(data.subarray(block.start, block.end), op);
      op += block.size;
    } else {
      op = decodeBlock(data, block.start, block.end, out, op);
    }
  }
  for (const c of checksums) {
    if (xxhash32(out, 0, c.outStart, c.outEnd) !== c.expected) throw corrupt('content checksum mismatch', c.position);
  }
  return out;
}
