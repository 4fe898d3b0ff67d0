/** gzip codec (codec id 1): the standard gzip stream, via node:zlib. */
import { gunzipSync, gzipSync } from 'node:zlib';
import { constants as bufferConstants } from 'node:buffer';
import { toPlainBytes } from './byte-views.js';
import { describeError, RecordBatchError } from './record-batch-error.js';

const MAX_OUTPUT_LENGTH = bufferConstants.MAX_LENGTH;

export function gzipCompress(data: Uint8Array, level?: number): Uint8Array {
  return toPlainBytes(gzipSync(data, level === undefined ? undefined : { level }));
}

/**
 * Decompresses a gzip stream (concatenated members allowed). zlib stops as
 * soon as the output would exceed `maxBytes`, so memory stays bounded.
 */
export function gzipDecompress(data: Uint8Array, maxBytes: number): Uint8Array {
  const limit = Math.max(1, Math.min(maxBytes, MAX_OUTPUT_LENGTH));
  let out: Uint8Array;
  try {
    out = toPlainBytes(gunzipSync(data, { maxOutputLength: limit }));
  } catch (error) {
    if (isBufferTooLarge(error)) {
      throw new RecordBatchError('DECOMPRESSION_LIMIT', `gzip data decompresses to more than ${maxBytes} bytes`, { cause: error });
    }
    throw new RecordBatchError('CORRUPT_COMPRESSED_DATA', `invalid gzip data: ${describeError(error)}`, { cause: error });
  }
  if (out.length > maxBytes) {
    throw new RecordBatchError('DECOMPRESSION_LIMIT', `gzip data decompresses to more than ${maxBytes} bytes`);
  }
  return out;
}

function isBufferTooLarge(error: unknown): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
}
