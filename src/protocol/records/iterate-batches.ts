/**
 * Walks the record batches in a `records` byte range (the content of a
 * Produce/Fetch `records` field, or a stretch of a segment file) checking
 * each batch's framing, magic and CRC without decoding its records.
 */
import { crc32c } from './crc32c.js';
import { RecordBatchError } from './record-batch-error.js';
import {
  ATTRIBUTES_OFFSET,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  MAGIC_V2,
  RECORD_BATCH_OVERHEAD,
  readBatchHeader,
  readBatchLength,
  readCrc,
  readMagic,
  type RecordBatchHeader,
} from './record-batch-header.js';

/** Smallest batchLength any message format allows (Kafka's RECORD_OVERHEAD_V0). */
const MIN_LEGACY_BATCH_LENGTH = 14;

export interface IterateBatchesOptions {
  /**
   * What to do with a trailing partial batch (fewer bytes left than the next
   * batch's declared size, or fewer than 12):
   * - 'reject' (default): throw RecordBatchError('TRUNCATED'), as a broker does for a Produce;
   * - 'ignore': stop quietly, as a fetch reader does.
   */
  readonly trailingPartial?: 'reject' | 'ignore';
  /** Check each batch's CRC-32C (default true). */
  readonly verifyCrc?: boolean;
}

/** One batch found in a records byte range. */
export interface RecordBatchSlice {
  /** Position of the batch's first byte in the input. */
  readonly position: number;
  /** Total size of the batch in bytes (batchLength + 12). */
  readonly size: number;
  /** A view of exactly the batch's bytes (no copy). */
  readonly bytes: Uint8Array;
  readonly header: RecordBatchHeader;
}

/**
 * Checks the framing of the batch at `pos` and returns its total size, or -1
 * when only a trailing partial batch remains and `trailingPartial` is
 * 'ignore'. The order of the checks follows Kafka's ByteBufferLogInputStream.
 */
export function checkBatchAt(records: Uint8Array, pos: number, options: IterateBatchesOptions = {}): number {
  const remaining = records.length - pos;
  const ignorePartial = options.trailingPartial === 'ignore';
  if (remaining < LOG_OVERHEAD) {
    if (ignorePartial) return -1;
    throw new RecordBatchError('TRUNCATED', `trailing partial batch: ${remaining} bytes left, a batch needs at least ${RECORD_BATCH_OVERHEAD}`, {
      position: pos,
    });
  }
  const batchLength = readBatchLength(records, pos);
  if (batchLength < MIN_LEGACY_BATCH_LENGTH) {
    throw new RecordBatchError('BAD_LENGTH', `batch length ${batchLength} is below the minimum`, { position: pos });
  }
  const size = batchLength + LOG_OVERHEAD;
  if (remaining < size) {
    if (ignorePartial) return -1;
    throw new RecordBatchError('TRUNCATED', `trailing partial batch: declared size ${size}, ${remaining} bytes left`, { position: pos });
  }
  const magic = readMagic(records, pos);
  if (magic !== MAGIC_V2) {
    throw new RecordBatchError('BAD_MAGIC', `unsupported magic ${magic} (only 2 is supported)`, { position: pos + MAGIC_OFFSET });
  }
  if (size < RECORD_BATCH_OVERHEAD) {
    throw new RecordBatchError('BAD_LENGTH', `batch size ${size} is smaller than the ${RECORD_BATCH_OVERHEAD}-byte header`, { position: pos });
  }
  if (options.verifyCrc !== false) {
    const stored = readCrc(records, pos);
    const computed = crc32c(records.subarray(pos + ATTRIBUTES_OFFSET, pos + size));
    if (stored !== computed) {
      throw new RecordBatchError('CORRUPT_CRC', `stored CRC ${stored.toString(16)} != computed ${computed.toString(16)}`, { position: pos });
    }
  }
  return size;
}

/**
 * Yields every complete batch in `records`, after checking its length,
 * magic and (by default) CRC. Throws RecordBatchError on the first bad batch.
 */
export function* iterateBatches(records: Uint8Array, options: IterateBatchesOptions = {}): Generator<RecordBatchSlice, void, undefined> {
  let pos = 0;
  while (pos < records.length) {
    const size = checkBatchAt(records, pos, options);
    if (size < 0) return;
    yield { position: pos, size, bytes: records.subarray(pos, pos + size), header: readBatchHeader(records, pos) };
    pos += size;
  }
}
