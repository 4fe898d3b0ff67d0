/**
 * The record batch compression codecs, behind one synchronous API.
 *
 * Every decompressor is bounded: asking for more than `maxBytes` of output
 * throws RecordBatchError('DECOMPRESSION_LIMIT') before (or as soon as)
 * that much is produced, never after allocating an unbounded buffer.
 */
import { gzipCompress, gzipDecompress } from './gzip.js';
import { lz4Compress, lz4Decompress } from './lz4.js';
import { RecordBatchError } from './record-batch-error.js';
import { snappyCompress, snappyDecompress } from './snappy.js';
import { zstdCompress, zstdDecompress } from './zstd.js';

/** Codec ids as stored in attribute bits 0-2. */
export const CompressionCodec = {
  NONE: 0,
  GZIP: 1,
  SNAPPY: 2,
  LZ4: 3,
  ZSTD: 4,
} as const;
export type CompressionCodec = (typeof CompressionCodec)[keyof typeof CompressionCodec];

/** Kafka's names for the codecs (compression.type values), indexed by id. */
export const COMPRESSION_CODEC_NAMES = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
export type CompressionCodecName = (typeof COMPRESSION_CODEC_NAMES)[number];

export function compressionCodecFromName(name: string): CompressionCodec | undefined {
  const index = (COMPRESSION_CODEC_NAMES as readonly string[]).indexOf(name);
  return index < 0 ? undefined : (index as CompressionCodec);
}

export function isCompressionCodec(value: number): value is CompressionCodec {
  return Number.isInteger(value) && value >= 0 && value <= 4;
}

export interface CompressOptions {
  /** Compression level for gzip (1-9) and zstd (-7 to 22); ignored by the other codecs. */
  readonly level?: number;
}

function unsupported(codec: number): RecordBatchError {
  return new RecordBatchError('UNSUPPORTED_CODEC', `unknown compression codec ${codec}`);
}

/** Compresses `data` in the framing Kafka uses for `codec`. NONE returns `data` itself. */
export function compress(codec: number, data: Uint8Array, options: CompressOptions = {}): Uint8Array {
  switch (codec) {
    case CompressionCodec.NONE:
      return data;
    case CompressionCodec.GZIP:
      return gzipCompress(data, options.level);
    case CompressionCodec.SNAPPY:
      return snappyCompress(data);
    case CompressionCodec.LZ4:
      return lz4Compress(data);
    case CompressionCodec.ZSTD:
      return zstdCompress(data, options.level);
    default:
      throw unsupported(codec);
  }
}

/**
 * Decompresses `data` produced with `codec`, producing at most `maxBytes`
 * bytes. NONE returns `data` itself (still subject to the limit).
 */
export function decompress(codec: number, data: Uint8Array, maxBytes: number): Uint8Array {
  switch (codec) {
    case CompressionCodec.NONE:
      if (data.length > maxBytes) {
        throw new RecordBatchError('DECOMPRESSION_LIMIT', `${data.length} bytes exceed the limit of ${maxBytes}`);
      }
      return data;
    case CompressionCodec.GZIP:
      return gzipDecompress(data, maxBytes);
    case CompressionCodec.SNAPPY:
      return snappyDecompress(data, maxBytes);
    case CompressionCodec.LZ4:
      return lz4Decompress(data, maxBytes);
    case CompressionCodec.ZSTD:
      return zstdDecompress(data, maxBytes);
    default:
      throw unsupported(codec);
  }
}
