/**
 * snappy codec (codec id 2).
 *
 * Kafka's Java client writes the stream format of xerial snappy-java's
 * SnappyOutputStream:
 *
 *   header: 0x82 'S' 'N' 'A' 'P' 'P' 'Y' 0x00, int32 version (1), int32 compatible version (1)
 *   then blocks: int32 big-endian compressed length, raw snappy block
 *
 * Every raw snappy block starts with its uncompressed length as an unsigned
 * varint, which is checked against the limit before anything is allocated.
 * On decompression plain raw snappy (no xerial header) is accepted too, as
 * snappy-java's own input stream does; so are concatenated xerial streams.
 */
import { lazyModule } from './lazy-module.js';
import { toBuffer } from './byte-views.js';
import { describeError, RecordBatchError } from './record-batch-error.js';

const snappy = lazyModule<typeof import('snappy')>('snappy');

const XERIAL_MAGIC = [0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00] as const;
const XERIAL_HEADER_SIZE = 16;
/** snappy-java's default block size, used by Kafka's producer. */
const XERIAL_BLOCK_SIZE = 32 * 1024;
/** A snappy element never expands more than 64 bytes out of 3 (copy with a 2-byte offset). */
const MAX_EXPANSION = 22;

function hasXerialMagic(data: Uint8Array, pos: number): boolean {
  if (data.length - pos < XERIAL_HEADER_SIZE) return false;
  for (let i = 0; i < XERIAL_MAGIC.length; i++) {
    if (data[pos + i] !== XERIAL_MAGIC[i]) return false;
  }
  return true;
}

/** Compresses into the xerial stream format with 32 KiB blocks. */
export function snappyCompress(data: Uint8Array): Uint8Array {
  const input = toBuffer(data);
  const blocks: Buffer[] = [];
  let total = XERIAL_HEADER_SIZE;
  for (let pos = 0; pos < input.length; pos += XERIAL_BLOCK_SIZE) {
    const block = snappy().compressSync(input.subarray(pos, Math.min(input.length, pos + XERIAL_BLOCK_SIZE)));
    blocks.push(block);
    total += 4 + block.length;
  }
  const out = new Uint8Array(total);
  out.set(XERIAL_MAGIC, 0);
  const view = new DataView(out.buffer);
  view.setInt32(8, 1);
  view.setInt32(12, 1);
  let pos = XERIAL_HEADER_SIZE;
  for (const block of blocks) {
    view.setInt32(pos, block.length);
    out.set(block, pos + 4);
    pos += 4 + block.length;
  }
  return out;
}

interface SnappyBlock {
  readonly start: number;
  readonly end: number;
  readonly uncompressedLength: number;
  /** Compressed bytes after the preamble. */
  readonly bodyLength: number;
}

/** Reads a raw block's uncompressed-length preamble and checks it is plausible. */
function describeBlock(data: Uint8Array, start: number, end: number): SnappyBlock {
  let value = 0;
  let pos = start;
  for (let shift = 0; ; shift += 7) {
    if (pos >= end) throw corrupt('block ends inside its length preamble', start);
    if (shift > 28) throw corrupt('block length preamble is longer than 5 bytes', start);
    const b = data[pos++]!;
    value += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) break;
  }
  if (value > 0xffffffff) throw corrupt('block length preamble exceeds 32 bits', start);
  return { start, end, uncompressedLength: value, bodyLength: end - pos };
}

/** Decompresses xerial-framed or raw snappy data, producing at most `maxBytes` bytes. */
export function snappyDecompress(data: Uint8Array, maxBytes: number): Uint8Array {
  const blocks: SnappyBlock[] = [];
  let total = 0;
  const add = (block: SnappyBlock): void => {
    total += block.uncompressedLength;
    if (total > maxBytes) {
      throw new RecordBatchError('DECOMPRESSION_LIMIT', `snappy data decompresses to more than ${maxBytes} bytes`, { position: block.start });
    }
    if (block.uncompressedLength > block.bodyLength * MAX_EXPANSION) {
      throw corrupt(`block claims ${block.uncompressedLength} bytes from ${block.bodyLength} compressed bytes`, block.start);
    }
    blocks.push(block);
  };
  if (hasXerialMagic(data, 0)) {
    let pos = 0;
    while (pos < data.length) {
      if (hasXerialMagic(data, pos)) {
        pos += XERIAL_HEADER_SIZE;
        continue;
      }
      if (data.length - pos < 4) throw corrupt('stream ends inside a block length', pos);
      const length = ((data[pos]! << 24) | (data[pos + 1]! << 16) | (data[pos + 2]! << 8) | data[pos + 3]!) | 0;
      pos += 4;
      if (length < 0 || length > data.length - pos) throw corrupt(`block length ${length} exceeds the remaining ${data.length - pos} bytes`, pos - 4);
      if (length > 0) add(describeBlock(data, pos, pos + length));
      pos += length;
    }
  } else {
    add(describeBlock(data, 0, data.length));
  }

  const out = new Uint8Array(total);
  let outPos = 0;
  for (const block of blocks) {
    let chunk: Buffer;
    try {
      chunk = snappy().uncompressSync(toBuffer(data).subarray(block.start, block.end), { asBuffer: true }) as Buffer;
    } catch (error) {
      throw corrupt(`invalid snappy block: ${describeError(error)}`, block.start, error);
    }
    if (chunk.length !== block.uncompressedLength) {
      throw corrupt(`block decompressed to ${chunk.length} bytes, its preamble says ${block.uncompressedLength}`, block.start);
    }
    out.set(chunk, outPos);
    outPos += chunk.length;
  }
  return out;
}

function corrupt(message: string, position: number, cause?: unknown): RecordBatchError {
  return new RecordBatchError('CORRUPT_COMPRESSED_DATA', `snappy: ${message}`, { position, cause });
}
