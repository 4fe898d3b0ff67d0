import { checkBatchAt, type IterateBatchesOptions } from './iterate-batches.js';
import {
  readBaseOffset,
  readLastOffsetDelta,
  readMaxTimestamp,
  readRecordsCount,
} from './record-batch-header.js';

/** What validateBatches found in a records byte range. */
export interface BatchesSummary {
  readonly batchCount: number;
  /** Sum of the batches' recordsCount fields. */
  readonly recordCount: number;
  /** Base offset of the first batch, or null when there is none. */
  readonly firstOffset: bigint | null;
  /** baseOffset + lastOffsetDelta of the last batch, or null when there is none. */
  readonly lastOffset: bigint | null;
  /** Largest maxTimestamp of the batches (-1 when there is none). */
  readonly maxTimestamp: bigint;
  /** Bytes taken by complete, valid batches. */
  readonly validBytes: number;
  /** Bytes of a trailing partial batch that was ignored (0 unless trailingPartial is 'ignore'). */
  readonly trailingBytes: number;
}

/**
 * Header-only validation of every batch in `records`: each batch's length
 * against what remains, magic 2, and CRC-32C; records are not decoded.
 * Throws RecordBatchError on the first bad batch; a trailing partial batch
 * is an error unless `trailingPartial: 'ignore'`.
 */
export function validateBatches(records: Uint8Array, options: IterateBatchesOptions = {}): BatchesSummary {
  let pos = 0;
  let batchCount = 0;
  let recordCount = 0;
  let firstOffset: bigint | null = null;
  let lastOffset: bigint | null = null;
  let maxTimestamp = -1n;
  let lastBatchPos = -1;
  while (pos < records.length) {
    const size = checkBatchAt(records, pos, options);
    if (size < 0) break;
    if (batchCount === 0) firstOffset = readBaseOffset(records, pos);
    const ts = readMaxTimestamp(records, pos);
    if (ts > maxTimestamp) maxTimestamp = ts;
    recordCount += readRecordsCount(records, pos);
    batchCount++;
    lastBatchPos = pos;
    pos += size;
  }
  if (lastBatchPos >= 0) {
    lastOffset = readBaseOffset(records, lastBatchPos) + BigInt(readLastOffsetDelta(records, lastBatchPos));
  }
  return { batchCount, recordCount, firstOffset, lastOffset, maxTimestamp, validBytes: pos, trailingBytes: records.length - pos };
}
