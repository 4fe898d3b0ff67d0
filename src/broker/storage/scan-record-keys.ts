/**
 * A lean walk over the records of one stored batch that reports, for each record, its offset
 * delta and where its key lies, and whether it has a value, without building record objects
 * (no timestamps, no headers, no copies). Compressed batches are decompressed first (bounded).
 *
 * Used where compaction needs keys: the key check of appends to compacted topics, and the log
 * cleaner (offset map and retention decisions). Malformed records throw RecordBatchError.
 */
import {
  ATTRIBUTES_OFFSET,
  COMPRESSION_CODEC_MASK,
  decompress,
  DEFAULT_MAX_DECOMPRESSED_BYTES,
  LOG_OVERHEAD,
  RECORD_BATCH_OVERHEAD,
  RECORDS_COUNT_OFFSET,
  RecordBatchError,
  VarintCursor,
} from '../../protocol/records/index.js';

/**
 * Told about each record: `data[keyStart, keyStart + keyLength)` is the key (`keyLength` -1 for
 * a null key), `valueLength` is -1 for a null value (a tombstone). Return false to stop the walk.
 */
export type RecordKeyVisitor = (offsetDelta: number, data: Uint8Array, keyStart: number, keyLength: number, valueLength: number) => boolean | void;

function readInt32(buf: Uint8Array, pos: number): number {
  return (buf[pos]! << 24) | (buf[pos + 1]! << 16) | (buf[pos + 2]! << 8) | buf[pos + 3]!;
}

/**
 * Walks the records of the (whole, magic 2) batch at `batchPos` in `buf`. Returns the number of
 * records visited. The header's framing is trusted (the caller checked it); every record's
 * lengths are checked against its declared size.
 */
export function scanRecordKeys(buf: Uint8Array, batchPos: number, visit: RecordKeyVisitor, maxDecompressedBytes = DEFAULT_MAX_DECOMPRESSED_BYTES): number {
  const size = readInt32(buf, batchPos + 8) + LOG_OVERHEAD;
  const count = readInt32(buf, batchPos + RECORDS_COUNT_OFFSET);
  const codec = ((buf[batchPos + ATTRIBUTES_OFFSET]! << 8) | buf[batchPos + ATTRIBUTES_OFFSET + 1]!) & COMPRESSION_CODEC_MASK;
  let data = buf;
  let pos = batchPos + RECORD_BATCH_OVERHEAD;
  let end = batchPos + size;
  if (count === 0) return 0;
  if (codec !== 0) {
    data = decompress(codec, buf.subarray(pos, end), maxDecompressedBytes);
    pos = 0;
    end = data.length;
  }
  return scanRecordKeysIn(data, pos, end, count, visit);
}

/** The walk of `scanRecordKeys` over `count` records already decompressed in `data[pos, end)`. */
export function scanRecordKeysIn(data: Uint8Array, pos: number, end: number, count: number, visit: RecordKeyVisitor): number {
  const c = new VarintCursor(data, pos, end);
  for (let i = 0; i < count; i++) {
    const recordPos = c.pos;
    if (recordPos >= end) throw new RecordBatchError('RECORD_COUNT_MISMATCH', `data ends after ${i} of ${count} records`, { position: recordPos });
    const length = c.varint();
    if (length < 1 || length > end - c.pos) throw new RecordBatchError('BAD_LENGTH', `record length ${length} is invalid`, { position: recordPos });
    const recordEnd = c.pos + length;
    c.end = recordEnd;
    c.pos++; // attributes
    // timestampDelta: a varlong, skipped without decoding.
    let n = 0;
    while (c.pos < recordEnd && data[c.pos]! >= 0x80 && n < 9) {
      c.pos++;
      n++;
    }
    c.pos++;
    const offsetDelta = c.varint();
    const keyLength = c.varint();
    if (keyLength < -1 || keyLength > recordEnd - c.pos) throw new RecordBatchError('BAD_LENGTH', `key length ${keyLength} is invalid`, { position: c.pos });
    const keyStart = c.pos;
    if (keyLength > 0) c.pos += keyLength;
    const valueLength = c.varint();
    if (valueLength < -1 || valueLength > recordEnd - c.pos) throw new RecordBatchError('BAD_LENGTH', `value length ${valueLength} is invalid`, { position: c.pos });
    c.pos = recordEnd;
    c.end = end;
    if (visit(offsetDelta, data, keyStart, keyLength, valueLength) === false) return i + 1;
  }
  if (c.pos !== end) throw new RecordBatchError('RECORD_COUNT_MISMATCH', `${end - c.pos} bytes remain after the declared ${count} records`, { position: c.pos });
  return count;
}

/** The index of the first record without a key in the batch at `batchPos`, or -1 when every record has one. */
export function firstKeylessRecord(buf: Uint8Array, batchPos: number): number {
  let index = -1;
  let i = 0;
  scanRecordKeys(buf, batchPos, (_delta, _data, _start, keyLength) => {
    if (keyLength < 0) {
      index = i;
      return false;
    }
    i++;
    return true;
  });
  return index;
}
