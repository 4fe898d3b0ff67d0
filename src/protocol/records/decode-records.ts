/**
 * Decoding of the records inside a batch (RECORDS.md section 3), with the
 * checks of Kafka's DefaultRecord.readFrom and DefaultRecordBatch:
 * every length is checked against what remains before it is used, each
 * record must consume exactly its declared length, and the batch must hold
 * exactly recordsCount records. Keys, values and header values are subarray
 * views of `data`; nothing is copied.
 */
import type { KafkaRecord, RecordHeader } from './record.js';
import { RecordBatchError } from './record-batch-error.js';
import { VarintCursor } from './varint.js';

/** The smallest possible header: key length and value length. */
const MIN_HEADER_SIZE = 2;

const utf8 = new TextDecoder('utf-8');

export interface DecodeRecordsContext {
  readonly baseOffset: bigint;
  readonly baseTimestamp: bigint;
  /** When set (LogAppendTime batches), every record gets this timestamp. */
  readonly logAppendTime: bigint | null;
}

function decodeUtf8(buf: Uint8Array, start: number, end: number): string {
  if (end - start <= 32) {
    let s = '';
    for (let i = start; i < end; i++) {
      const b = buf[i]!;
      if (b >= 0x80) return utf8.decode(buf.subarray(start, end));
      s += String.fromCharCode(b);
    }
    return s;
  }
  return utf8.decode(buf.subarray(start, end));
}

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

/** a + b with int64 wrap-around, as Kafka computes record timestamps. */
function addInt64(a: bigint, b: bigint): bigint {
  const sum = a + b;
  return sum > INT64_MAX || sum < INT64_MIN ? BigInt.asIntN(64, sum) : sum;
}

function badLength(what: string, length: number, remaining: number, position: number): RecordBatchError {
  return new RecordBatchError('BAD_LENGTH', `${what} length ${length} is invalid (${remaining} bytes remain)`, { position });
}

/**
 * Decodes exactly `count` records from data[start, end).
 * Throws RecordBatchError on any inconsistency.
 */
export function decodeRecords(data: Uint8Array, start: number, end: number, count: number, context: DecodeRecordsContext): KafkaRecord[] {
  if (count < 0) throw new RecordBatchError('BAD_LENGTH', `negative record count ${count}`, { position: start });
  // Every record takes at least one byte (its length varint): a larger count
  // is impossible, and nothing is allocated for it.
  if (count > end - start) {
    throw new RecordBatchError('RECORD_COUNT_MISMATCH', `${count} records cannot fit in ${end - start} bytes`, { position: start });
  }
  const { baseOffset, baseTimestamp, logAppendTime } = context;
  const records: KafkaRecord[] = [];
  const c = new VarintCursor(data, start, end);
  for (let i = 0; i < count; i++) {
    const recordPos = c.pos;
    if (recordPos >= end) {
      throw new RecordBatchError('RECORD_COUNT_MISMATCH', `data ends after ${i} of ${count} records`, { position: recordPos });
    }
    const length = c.varint();
    if (length < 0 || length > end - c.pos) throw badLength('record', length, end - c.pos, recordPos);
    const recordEnd = c.pos + length;
    if (c.pos >= end) throw new RecordBatchError('TRUNCATED', 'data ends inside a record', { position: c.pos });
    c.pos++; // attributes: no bits are defined
    const timestampDelta = c.varlong();
    const offsetDelta = c.varint();

    let key: Uint8Array | null = null;
    const keyLength = c.varint();
    if (keyLength >= 0) {
      if (keyLength > end - c.pos) throw badLength('key', keyLength, end - c.pos, c.pos);
      key = data.subarray(c.pos, c.pos + keyLength);
      c.pos += keyLength;
    } else if (keyLength !== -1) {
      throw badLength('key', keyLength, end - c.pos, c.pos);
    }

    let value: Uint8Array | null = null;
    const valueLength = c.varint();
    if (valueLength >= 0) {
      if (valueLength > end - c.pos) throw badLength('value', valueLength, end - c.pos, c.pos);
      value = data.subarray(c.pos, c.pos + valueLength);
      c.pos += valueLength;
    } else if (valueLength !== -1) {
      throw badLength('value', valueLength, end - c.pos, c.pos);
    }

    const headerCount = c.varint();
    if (headerCount < 0 || headerCount > (end - c.pos) / MIN_HEADER_SIZE) {
      throw badLength('header count', headerCount, end - c.pos, c.pos);
    }
    const headers: RecordHeader[] = [];
    for (let h = 0; h < headerCount; h++) {
      const headerKeyLength = c.varint();
      if (headerKeyLength < 0 || headerKeyLength > end - c.pos) throw badLength('header key', headerKeyLength, end - c.pos, c.pos);
      const headerKey = decodeUtf8(data, c.pos, c.pos + headerKeyLength);
      c.pos += headerKeyLength;
      const headerValueLength = c.varint();
      let headerValue: Uint8Array | null = null;
      if (headerValueLength >= 0) {
        if (headerValueLength > end - c.pos) throw badLength('header value', headerValueLength, end - c.pos, c.pos);
        headerValue = data.subarray(c.pos, c.pos + headerValueLength);
        c.pos += headerValueLength;
      } else if (headerValueLength !== -1) {
        throw badLength('header value', headerValueLength, end - c.pos, c.pos);
      }
      headers.push({ key: headerKey, value: headerValue });
    }

    if (c.pos !== recordEnd) {
      const consumed = c.pos - (recordEnd - length);
      throw new RecordBatchError('RECORD_LENGTH_MISMATCH', `record declares ${length} bytes but its fields take ${consumed}`, {
        position: recordPos,
      });
    }
    records.push({
      offset: offsetDelta === 0 ? baseOffset : baseOffset + BigInt(offsetDelta),
      offsetDelta,
      timestamp: logAppendTime ?? (timestampDelta === 0n ? baseTimestamp : addInt64(baseTimestamp, timestampDelta)),
      key,
      value,
      headers,
    });
  }
  if (c.pos !== end) {
    throw new RecordBatchError('RECORD_COUNT_MISMATCH', `${end - c.pos} bytes remain after the declared ${count} records`, { position: c.pos });
  }
  return records;
}
