/**
 * The one error type thrown by the record batch code for bad input.
 *
 * Anything else escaping from src/protocol/records is a bug.
 */

/** Why a record batch (or its compressed payload) was rejected. */
export type RecordBatchErrorReason =
  /** The data ends before a batch, a record or a field is complete. */
  | 'TRUNCATED'
  /** A length field is negative (other than -1 where null is allowed), too small, or larger than what remains. */
  | 'BAD_LENGTH'
  /** The magic byte is not 2. */
  | 'BAD_MAGIC'
  /** The stored CRC-32C does not match the batch content. */
  | 'CORRUPT_CRC'
  /** A varint is longer than 5 bytes, or a varlong longer than 10. */
  | 'BAD_VARINT'
  /** A record's fields did not consume exactly its declared length. */
  | 'RECORD_LENGTH_MISMATCH'
  /** The batch holds more or fewer records than its recordsCount says. */
  | 'RECORD_COUNT_MISMATCH'
  /** The compression codec bits are 5, 6 or 7. */
  | 'UNSUPPORTED_CODEC'
  /** The compressed payload is malformed (bad framing, bad checksum, codec error). */
  | 'CORRUPT_COMPRESSED_DATA'
  /** Decompressing would produce more than the allowed number of bytes. */
  | 'DECOMPRESSION_LIMIT'
  /** A control record's key or value does not follow its fixed layout. */
  | 'BAD_CONTROL_RECORD';

export interface RecordBatchErrorOptions {
  /** Byte position in the input at which the problem was found, when known. */
  readonly position?: number;
  readonly cause?: unknown;
}

export class RecordBatchError extends Error {
  override readonly name = 'RecordBatchError';
  readonly reason: RecordBatchErrorReason;
  readonly position: number | undefined;

  constructor(reason: RecordBatchErrorReason, message: string, options: RecordBatchErrorOptions = {}) {
    super(`${reason}: ${message}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.reason = reason;
    this.position = options.position;
  }
}

/** The message of a caught value, for wrapping third-party errors. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
