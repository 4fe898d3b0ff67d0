/**
 * zstd codec (codec id 4): standard zstd frames.
 *
 * Compression and the usual decompression go through @toondepauw/node-zstd
 * (libzstd via napi-rs, prebuilt binaries as npm optional dependencies).
 * Its decoder has no output limit, so the frames are walked here first: the
 * frame headers and the 3-byte block headers give an upper bound of the
 * output (raw and RLE blocks state their size, a compressed block yields at
 * most min(window, 128 KiB)). A compressor fills every block but the last,
 * so for honest data the bound exceeds the real size by less than one block.
 *
 * - declared content sizes above the limit, or windows larger than
 *   max(limit, 8 MiB), are rejected (DECOMPRESSION_LIMIT) up front;
 * - if the bound is within limit + 128 KiB, libzstd decodes the data;
 * - otherwise (many tiny frames, flushed blocks, or a bomb) fzstd's streaming
 *   decoder (pure JS) runs with a running byte count and stops as soon as the
 *   limit is passed.
 */
import { skippableFrameEnd, uint32LE } from './frame-bytes.js';
import type { Decoder, Encoder } from '@toondepauw/node-zstd';
import { lazyModule } from './lazy-module.js';
import { toBuffer, toPlainBytes } from './byte-views.js';
import { describeError, RecordBatchError } from './record-batch-error.js';

const zstdNative = lazyModule<typeof import('@toondepauw/node-zstd')>('@toondepauw/node-zstd');
const fzstd = lazyModule<typeof import('fzstd')>('fzstd');

const ZSTD_MAGIC = 0xfd2fb528;
const MAX_BLOCK_SIZE = 128 * 1024;
/** Windows up to this size are always accepted (zstd level 19 uses 8 MiB). */
const MIN_WINDOW_ALLOWANCE = 8 * 1024 * 1024;
export const ZSTD_DEFAULT_LEVEL = 3;

const encoders = new Map<number, Encoder>();
let decoder: Decoder | undefined;

function corrupt(message: string, position?: number, cause?: unknown): RecordBatchError {
  return new RecordBatchError('CORRUPT_COMPRESSED_DATA', `zstd: ${message}`, { position, cause });
}

function limitExceeded(message: string, position?: number): RecordBatchError {
  return new RecordBatchError('DECOMPRESSION_LIMIT', `zstd: ${message}`, { position });
}

export function zstdCompress(data: Uint8Array, level = ZSTD_DEFAULT_LEVEL): Uint8Array {
  let encoder = encoders.get(level);
  if (encoder === undefined) {
    encoder = new (zstdNative().Encoder)(level);
    encoders.set(level, encoder);
  }
  return toPlainBytes(encoder.encodeSync(toBuffer(data)));
}

interface ZstdFramesSummary {
  /** Upper bound of the decompressed size from the block headers. */
  readonly outputBound: number;
}

/** Reads a little-endian unsigned field of 1, 2, 4 or 8 bytes (8 saturates above 2^53). */
function readLE(d: Uint8Array, p: number, size: number): number {
  switch (size) {
    case 1:
      return d[p]!;
    case 2:
      return d[p]! | (d[p + 1]! << 8);
    case 4:
      return uint32LE(d, p);
    default: {
      const high = uint32LE(d, p + 4);
      return high >= 0x200000 ? Number.MAX_SAFE_INTEGER : high * 0x100000000 + uint32LE(d, p);
    }
  }
}

/** Walks every frame header and block header; checks sizes against the limit. */
function walkFrames(data: Uint8Array, maxBytes: number): ZstdFramesSummary {
  const windowAllowance = Math.max(maxBytes, MIN_WINDOW_ALLOWANCE);
  let pos = 0;
  let outputBound = 0;
  let declared = 0;
  if (data.length === 0) throw corrupt('empty input', 0);
  while (pos < data.length) {
    if (data.length - pos < 4) throw corrupt('data ends inside a frame magic', pos);
    const magic = uint32LE(data, pos);
    const skippedTo = skippableFrameEnd(data, pos, magic, corrupt);
    if (skippedTo >= 0) {
      pos = skippedTo;
      continue;
    }
    if (magic !== ZSTD_MAGIC) throw corrupt(`bad frame magic 0x${magic.toString(16)}`, pos);
    const frameStart = pos;
    pos += 4;
    if (pos >= data.length) throw corrupt('data ends inside a frame header', pos);
    const descriptor = data[pos++]!;
    const fcsFlag = descriptor >>> 6;
    const singleSegment = (descriptor & 0x20) !== 0;
    const hasChecksum = (descriptor & 0x04) !== 0;
    const dictionaryIdSize = [0, 1, 2, 4][descriptor & 3]!;
    const contentSizeSize = [singleSegment ? 1 : 0, 2, 4, 8][fcsFlag]!;
    if ((descriptor & 0x08) !== 0) throw corrupt('reserved frame header bit is set', frameStart + 4);
    const headerRest = (singleSegment ? 0 : 1) + dictionaryIdSize + contentSizeSize;
    if (data.length - pos < headerRest) throw corrupt('data ends inside a frame header', pos);
    let windowSize = 0;
    if (!singleSegment) {
      const wd = data[pos++]!;
      const base = 2 ** (10 + (wd >>> 3));
      windowSize = base + (base / 8) * (wd & 7);
    }
    if (dictionaryIdSize > 0) {
      if (readLE(data, pos, dictionaryIdSize) !== 0) throw corrupt('dictionaries are not supported', pos);
      pos += dictionaryIdSize;
    }
    let contentSize = -1;
    if (contentSizeSize > 0) {
      contentSize = readLE(data, pos, contentSizeSize) + (contentSizeSize === 2 ? 256 : 0);
      pos += contentSizeSize;
      declared += contentSize;
      if (declared > maxBytes) throw limitExceeded(`frames declare more than ${maxBytes} bytes`, frameStart);
    }
    if (singleSegment) windowSize = contentSize;
    if (windowSize > windowAllowance) {
      throw limitExceeded(`frame window of ${windowSize} bytes exceeds the allowance of ${windowAllowance}`, frameStart);
    }
    const blockMaximum = Math.min(windowSize, MAX_BLOCK_SIZE);
    for (;;) {
      if (data.length - pos < 3) throw corrupt('data ends inside a block header', pos);
      const header = data[pos]! | (data[pos + 1]! << 8) | (data[pos + 2]! << 16);
      pos += 3;
      const last = (header & 1) !== 0;
      const type = (header >>> 1) & 3;
      const size = header >>> 3;
      if (type === 3) throw corrupt('reserved block type', pos - 3);
      if (size > blockMaximum) throw corrupt(`block size ${size} exceeds the maximum ${blockMaximum}`, pos - 3);
      const consumed = type === 1 ? 1 : size;
      if (consumed > data.length - pos) throw corrupt('block runs past the end of the data', pos - 3);
      pos += consumed;
      outputBound += type === 2 ? blockMaximum : size;
      if (last) break;
    }
    if (hasChecksum) {
      if (data.length - pos < 4) throw corrupt('data ends inside the content checksum', pos);
      pos += 4;
    }
  }
  return { outputBound };
}

/** Decompresses zstd frames, producing at most `maxBytes` bytes. */
export function zstdDecompress(data: Uint8Array, maxBytes: number): Uint8Array {
  const { outputBound } = walkFrames(data, maxBytes);
  let out: Uint8Array;
  if (outputBound <= maxBytes + MAX_BLOCK_SIZE) {
    try {
      decoder ??= new (zstdNative().Decoder)();
      out = toPlainBytes(decoder.decodeSync(toBuffer(data)));
    } catch (error) {
      throw corrupt(`invalid data: ${describeError(error)}`, undefined, error);
    }
  } else {
    out = streamingDecompress(data, maxBytes);
  }
  if (out.length > maxBytes) throw limitExceeded(`data decompresses to more than ${maxBytes} bytes`);
  return out;
}

/** fzstd's streaming decoder with a running count: never holds more than maxBytes + one block. */
function streamingDecompress(data: Uint8Array, maxBytes: number): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const stream = new (fzstd().Decompress)((chunk) => {
    total += chunk.length;
    if (total > maxBytes) throw limitExceeded(`data decompresses to more than ${maxBytes} bytes`);
    chunks.push(chunk);
  });
  try {
    stream.push(data, true);
  } catch (error) {
    if (error instanceof RecordBatchError) throw error;
    throw corrupt(`invalid data: ${describeError(error)}`, undefined, error);
  }
  const out = new Uint8Array(total);
  let pos = 0;
  for (const chunk of chunks) {
    out.set(chunk, pos);
    pos += chunk.length;
  }
  return out;
}

/** For tests: decompress with fzstd only (the independent pure-JS decoder). */
export function zstdDecompressStreaming(data: Uint8Array, maxBytes: number): Uint8Array {
  walkFrames(data, maxBytes);
  return streamingDecompress(data, maxBytes);
}
