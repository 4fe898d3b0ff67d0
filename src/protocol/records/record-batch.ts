/**
 * Full decoding of record batches: header, CRC, decompression (bounded) and
 * every record.
 */
import { decompress } from './compression.js';
import { decodeRecords } from './decode-records.js';
import { checkBatchAt, type IterateBatchesOptions } from './iterate-batches.js';
import type { KafkaRecord } from './record.js';
import { RecordBatchError } from './record-batch-error.js';
import { RECORDS_OFFSET, readBatchHeader, type RecordBatchHeader } from './record-batch-header.js';

/** Default bound on the decompressed records of one batch: 64 MiB. */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024;

export interface DecodeRecordBatchOptions {
  /** Check the CRC-32C before decoding (default true). */
  readonly verifyCrc?: boolean;
  /** Most bytes a compressed batch may decompress to (default 64 MiB). */
  readonly maxDecompressedBytes?: number;
}

/** A fully decoded batch. */
export interface RecordBatch {
  readonly header: RecordBatchHeader;
  /** Position of the batch in the input and its total size in bytes. */
  readonly position: number;
  readonly size: number;
  readonly records: KafkaRecord[];
}

/**
 * Decodes the batch starting at `position` in `buf` (which may hold more
 * after it). Bytes of uncompressed batches are returned as views of `buf`;
 * those of compressed batches as views of the decompressed payload.
 */
export function decodeRecordBatch(buf: Uint8Array, position = 0, options: DecodeRecordBatchOptions = {}): RecordBatch {
  const size = checkBatchAt(buf, position, { trailingPartial: 'reject', verifyCrc: options.verifyCrc });
  const header = readBatchHeader(buf, position);
  const codec = header.compressionCodec;
  const start = position + RECORDS_OFFSET;
  const end = position + size;
  const context = {
    baseOffset: header.baseOffset,
    baseTimestamp: header.baseTimestamp,
    logAppendTime: header.timestampType === 'LogAppendTime' ? header.maxTimestamp : null,
  };
  if (codec > 4) {
    throw new RecordBatchError('UNSUPPORTED_CODEC', `unknown compression codec ${codec}`, { position });
  }
  if (header.recordsCount < 0) {
    throw new RecordBatchError('BAD_LENGTH', `negative records count ${header.recordsCount}`, { position });
  }
  let records: KafkaRecord[];
  if (codec === 0 || (header.recordsCount === 0 && start === end)) {
    records = decodeRecords(buf, start, end, header.recordsCount, context);
  } else {
    const data = decompress(codec, buf.subarray(start, end), options.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES);
    records = decodeRecords(data, 0, data.length, header.recordsCount, context);
  }
  return { header, position, size, records };
}

export interface DecodeRecordBatchesOptions extends DecodeRecordBatchOptions {
  /** See IterateBatchesOptions.trailingPartial (default 'reject'). */
  readonly trailingPartial?: IterateBatchesOptions['trailingPartial'];
}

/** Decodes every batch in a records byte range. */
export function decodeRecordBatches(records: Uint8Array, options: DecodeRecordBatchesOptions = {}): RecordBatch[] {
  const batches: RecordBatch[] = [];
  let pos = 0;
  while (pos < records.length) {
    const size = checkBatchAt(records, pos, { trailingPartial: options.trailingPartial, verifyCrc: false });
    if (size < 0) break;
    const batch = decodeRecordBatch(records, pos, options);
    batches.push(batch);
    pos += size;
  }
  return batches;
}
