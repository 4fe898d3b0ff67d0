/**
 * The records of a Fetch response, decoded straight into KafkaJS-shaped messages in one pass
 * over each batch: no intermediate record objects, keys / values / header values as views of the
 * response (or of a decompressed payload), offset and timestamp strings built without a BigInt per
 * record.
 */
import { Buffer } from 'node:buffer';
import type { FetchResponsePartitionData } from '../../protocol/generated/fetch.js';
import { decompress } from '../../protocol/records/compression.js';
import { ControlRecordType, decodeEndTxnMarker } from '../../protocol/records/control-record.js';
import { checkBatchAt } from '../../protocol/records/iterate-batches.js';
import { decodeRecordBatch, DEFAULT_MAX_DECOMPRESSED_BYTES } from '../../protocol/records/record-batch.js';
import { RecordBatchError } from '../../protocol/records/record-batch-error.js';
import { readBatchHeader, RECORDS_COUNT_OFFSET, RECORDS_OFFSET } from '../../protocol/records/record-batch-header.js';
import type { KafkaMessage } from './consumer-types.js';

export interface FetchedRecords {
  messages: KafkaMessage[];
  /** The offset after the last complete batch (control and skipped batches included): where the next fetch starts. */
  next: bigint;
}

export interface DecodeFetchedOptions {
  /** Skip the records of aborted transactions (isolation level read_committed). */
  readCommitted?: boolean;
  /** Check each batch's CRC-32C (Java's check.crcs; default false, as librdkafka). */
  checkCrcs?: boolean;
  /** Most bytes a compressed batch may decompress to (default 64 MiB). */
  maxDecompressedBytes?: number;
}

/** Batch header offsets (v2 record batch): base offset, batch length, last offset delta. */
const BATCH_LENGTH_AT = 8;
const LAST_OFFSET_DELTA_AT = 23;
const LOG_OVERHEAD = 12;

/**
 * Where the next fetch starts: after the last complete batch of `records` (read from the batch
 * headers only, records not decoded), or `position` when there is none past it. The same offset
 * `decodeFetchedRecords` reports as `next`, available before the records are decoded.
 */
export function nextFetchOffset(records: Uint8Array | null, position: bigint): bigint {
  let next = position;
  if (records === null) return next;
  const view = new DataView(records.buffer, records.byteOffset, records.byteLength);
  let at = 0;
  while (at + LAST_OFFSET_DELTA_AT + 4 <= records.byteLength) {
    const size = LOG_OVERHEAD + view.getInt32(at + BATCH_LENGTH_AT);
    if (size < LAST_OFFSET_DELTA_AT + 4 || at + size > records.byteLength) break;
    const last = view.getBigInt64(at) + BigInt(view.getInt32(at + LAST_OFFSET_DELTA_AT));
    if (last + 1n > next) next = last + 1n;
    at += size;
  }
  return next;
}

/**
 * The records of one partition of a Fetch response, as KafkaJS messages: control batches are
 * skipped, and so are records before `position` (a batch may start earlier). Under read_committed
 * the records of aborted transactions are skipped too, as the Java consumer does: the response
 * lists each aborted transaction (producer id, first offset); from that offset on, the producer's
 * transactional batches are dropped until its ABORT marker. A trailing partial batch (cut by the
 * fetch size) is left for the next fetch.
 *
 * Keys, values and header values are views of `data.records` or of a decompressed payload: the
 * caller must not reuse that memory (the consumer reads each response into a buffer of its own).
 */
export function decodeFetchedRecords(data: FetchResponsePartitionData, position: bigint, readCommittedOrOptions: boolean | DecodeFetchedOptions): FetchedRecords {
  const o: DecodeFetchedOptions = typeof readCommittedOrOptions === 'boolean' ? { readCommitted: readCommittedOrOptions } : readCommittedOrOptions;
  const readCommitted = o.readCommitted ?? false;
  let next = position;
  const records = data.records;
  if (records === null || records.length === 0) return { messages: [], next };
  const whole = asBuffer(records);
  // Sized once for the batches' records (an array grown by push is copied at every growth); the
  // records before the position, of control batches and of aborted transactions leave it shorter.
  const messages: KafkaMessage[] = new Array<KafkaMessage>(recordCountHint(whole));
  let filled = 0;
  const aborted = readCommitted ? [...(data.abortedTransactions ?? [])].sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0)) : [];
  const abortedProducers = new Set<bigint>();
  const check = { trailingPartial: 'ignore', verifyCrc: o.checkCrcs ?? false } as const;
  let at = 0;
  while (at < whole.length) {
    const size = checkBatchAt(whole, at, check);
    if (size < 0) break;
    const batchAt = at;
    at += size;
    const h = readBatchHeader(whole, batchAt);
    const last = h.baseOffset + BigInt(h.lastOffsetDelta);
    if (last + 1n > next) next = last + 1n;
    while (aborted.length > 0 && aborted[0]!.firstOffset <= last) abortedProducers.add(aborted.shift()!.producerId);
    if (h.isControl) {
      // An ABORT marker ends the producer's aborted transaction.
      const b = decodeRecordBatch(whole, batchAt, { verifyCrc: false, maxDecompressedBytes: o.maxDecompressedBytes });
      const marker = b.records.length > 0 ? decodeEndTxnMarker(b.records[0]!) : null;
      if (marker?.type === ControlRecordType.ABORT) abortedProducers.delete(h.producerId);
      continue;
    }
    if (readCommitted && h.isTransactional && abortedProducers.has(h.producerId)) continue;
    const codec = h.compressionCodec;
    if (codec > 4) throw new RecordBatchError('UNSUPPORTED_CODEC', `unknown compression codec ${codec}`, { position: batchAt });
    const count = h.recordsCount;
    if (count < 0) throw new RecordBatchError('BAD_LENGTH', `negative records count ${count}`, { position: batchAt });
    if (last < position) continue; // every record is before the position
    const ctx = batchContext(h.attributes, h.baseOffset, h.lastOffsetDelta, position, h.baseTimestamp, h.timestampType === 'LogAppendTime' ? h.maxTimestamp : null);
    const start = batchAt + RECORDS_OFFSET;
    const end = batchAt + size;
    if (codec !== 0 && !(count === 0 && start === end)) {
      const payload = asBuffer(decompress(codec, whole.subarray(start, end), o.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES));
      filled = decodeRun(payload, 0, payload.length, count, ctx, messages, filled);
    } else {
      filled = decodeRun(whole, start, end, count, ctx, messages, filled);
    }
  }
  if (filled < messages.length) messages.length = filled;
  return { messages, next };
}

/** A record needs at least 7 bytes (length, attributes, deltas, key and value lengths, header count: a byte each). */
const MIN_RECORD_BYTES = 7;
/**
 * The most slots an array is made with up front (512 KiB of them): what batch headers claim costs
 * at most that before the batches are checked; past it the array grows as with push.
 */
const MAX_PRESIZED_MESSAGES = 65_536;

/**
 * The records of `whole`'s complete batches as their headers count them: what the messages array
 * is sized to. At most one per 7 bytes (a header that claims more is refused when its batch is
 * decoded; a compressed batch that holds more grows the array) and MAX_PRESIZED_MESSAGES.
 */
function recordCountHint(whole: Buffer): number {
  let hint = 0;
  let at = 0;
  while (at + RECORDS_OFFSET <= whole.length) {
    const size = LOG_OVERHEAD + whole.readInt32BE(at + BATCH_LENGTH_AT);
    if (size < RECORDS_OFFSET || at + size > whole.length) break;
    const count = whole.readInt32BE(at + RECORDS_COUNT_OFFSET);
    if (count > 0) hint += count;
    at += size;
  }
  return Math.min(hint, Math.floor(whole.length / MIN_RECORD_BYTES), MAX_PRESIZED_MESSAGES);
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** What every record of a batch shares. */
interface BatchContext {
  attributes: number;
  baseOffset: bigint;
  /** baseOffset as a number when every offset of the batch is a safe integer, else -1. */
  baseOffsetNumber: number;
  /** Records with a smaller offset delta are before the position (decoded, not delivered). */
  minDelta: number;
  baseTimestamp: bigint;
  /** baseTimestamp as a number when it is a safe integer, else NaN. */
  baseTimestampNumber: number;
  /** LogAppendTime batches: every record's timestamp. */
  logAppendTime: string | null;
  /** The last timestamp delta seen and its string (records of a batch often share one). */
  lastDelta: number;
  lastTimestamp: string;
}

function batchContext(attributes: number, baseOffset: bigint, lastOffsetDelta: number, position: bigint, baseTimestamp: bigint, logAppendTime: bigint | null): BatchContext {
  const lastOffset = baseOffset + BigInt(lastOffsetDelta);
  const offsetsSafe = baseOffset >= 0n && lastOffset <= BigInt(Number.MAX_SAFE_INTEGER) && lastOffsetDelta >= 0;
  const skip = position - baseOffset;
  const timestampSafe = baseTimestamp >= BigInt(Number.MIN_SAFE_INTEGER) && baseTimestamp <= BigInt(Number.MAX_SAFE_INTEGER);
  return {
    attributes,
    baseOffset,
    baseOffsetNumber: offsetsSafe ? Number(baseOffset) : -1,
    minDelta: skip <= 0n ? -Infinity : Number(skip),
    baseTimestamp,
    baseTimestampNumber: timestampSafe ? Number(baseTimestamp) : NaN,
    logAppendTime: logAppendTime === null ? null : logAppendTime.toString(),
    lastDelta: NaN,
    lastTimestamp: '',
  };
}

/** Read position of readVarint / readVarlong (one decode runs at a time; nothing awaits inside). */
let cursor = 0;

function truncated(pos: number): RecordBatchError {
  return new RecordBatchError('TRUNCATED', 'data ends inside a varint', { position: pos });
}

function badLength(what: string, length: number, remaining: number, position: number): RecordBatchError {
  return new RecordBatchError('BAD_LENGTH', `${what} length ${length} is invalid (${remaining} bytes remain)`, { position });
}

/** A zig-zag varint (at most 5 bytes) at `cursor`, as an int32. */
function readVarint(buf: Buffer, end: number): number {
  let pos = cursor;
  if (pos >= end) throw truncated(pos);
  let b = buf[pos++]!;
  let raw = b & 0x7f;
  if (b >= 0x80) {
    if (pos >= end) throw truncated(pos);
    b = buf[pos++]!;
    raw |= (b & 0x7f) << 7;
    if (b >= 0x80) {
      if (pos >= end) throw truncated(pos);
      b = buf[pos++]!;
      raw |= (b & 0x7f) << 14;
      if (b >= 0x80) {
        if (pos >= end) throw truncated(pos);
        b = buf[pos++]!;
        raw |= (b & 0x7f) << 21;
        if (b >= 0x80) {
          if (pos >= end) throw truncated(pos);
          b = buf[pos++]!;
          if (b >= 0x80) throw new RecordBatchError('BAD_VARINT', 'varint is longer than 5 bytes', { position: cursor });
          raw |= b << 28;
        }
      }
    }
  }
  cursor = pos;
  return (raw >>> 1) ^ -(raw & 1);
}

/**
 * readVarint with its one- and two-byte forms (every length below 8 KiB, most deltas) read here:
 * small enough for the compiler to inline at each of decodeRun's call sites, which readVarint is not.
 */
function varint(buf: Buffer, end: number): number {
  const pos = cursor;
  if (pos + 1 < end) {
    const b0 = buf[pos]!;
    if (b0 < 0x80) {
      cursor = pos + 1;
      return (b0 >>> 1) ^ -(b0 & 1);
    }
    const b1 = buf[pos + 1]!;
    if (b1 < 0x80) {
      cursor = pos + 2;
      const raw = (b0 & 0x7f) | (b1 << 7);
      return (raw >>> 1) ^ -(raw & 1);
    }
  }
  return readVarint(buf, end);
}

/** A zig-zag varlong at `cursor`: a number when it takes at most 4 bytes, else a bigint. */
function readVarlong(buf: Buffer, end: number): number | bigint {
  const start = cursor;
  let pos = start;
  let raw = 0;
  for (let shift = 0; shift < 28; shift += 7) {
    if (pos >= end) throw truncated(pos);
    const b = buf[pos++]!;
    raw |= (b & 0x7f) << shift;
    if (b < 0x80) {
      cursor = pos;
      return (raw >>> 1) ^ -(raw & 1);
    }
  }
  let big = BigInt(raw);
  for (let shift = 28n; ; shift += 7n) {
    if (pos >= end) throw truncated(pos);
    const b = buf[pos++]!;
    if (shift === 63n) {
      if (b >= 0x80) throw new RecordBatchError('BAD_VARINT', 'varlong is longer than 10 bytes', { position: start });
      big |= BigInt(b) << shift;
      break;
    }
    big |= BigInt(b & 0x7f) << shift;
    if (b < 0x80) break;
  }
  cursor = pos;
  big = BigInt.asUintN(64, big);
  return BigInt.asIntN(64, (big >> 1n) ^ -(big & 1n));
}

/** '000' to '999'. */
const THREE_DIGITS = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
let thousandsValue = -1;
let thousandsString = '';

/**
 * The decimal string of a safe non-negative integer. Consecutive offsets share all but their
 * last three digits: that prefix is converted once per thousand, the rest comes from a table.
 */
function offsetString(n: number): string {
  if (n < 1000) return THREE_DIGITS[n]!.slice(n < 10 ? 2 : n < 100 ? 1 : 0);
  const thousands = Math.floor(n / 1000);
  if (thousands !== thousandsValue) {
    thousandsValue = thousands;
    thousandsString = String(thousands);
  }
  return thousandsString + THREE_DIGITS[n - thousands * 1000]!;
}

/** a + b with int64 wrap-around, as Kafka computes record timestamps. */
function addInt64(a: bigint, b: bigint): bigint {
  return BigInt.asIntN(64, a + b);
}

function timestampString(ctx: BatchContext, delta: number | bigint): string {
  if (typeof delta === 'bigint') return addInt64(ctx.baseTimestamp, delta).toString();
  if (delta === ctx.lastDelta) return ctx.lastTimestamp;
  const t = ctx.baseTimestampNumber + delta;
  const s = Number.isSafeInteger(t) ? String(t) : addInt64(ctx.baseTimestamp, BigInt(delta)).toString();
  ctx.lastDelta = delta;
  ctx.lastTimestamp = s;
  return s;
}

type BufferViewConstructor = new (memory: ArrayBufferLike, byteOffset: number, length: number) => Buffer;

/**
 * What makes the views: Buffer's species, the class Node itself uses for a Buffer's `subarray`
 * (its FastBuffer). `new BufferView(memory, offset, length)` is a Buffer like
 * `Buffer.from(memory, offset, length)`, ~10 ns cheaper (no argument checks: the decoder has
 * checked the range), once or twice per record. Where the species does not make Buffers (not
 * Node), `Buffer.from`.
 */
const BufferView: BufferViewConstructor = ((): BufferViewConstructor => {
  const species = (Buffer as unknown as Record<symbol, unknown>)[Symbol.species];
  if (typeof species === 'function') {
    try {
      const probe = new (species as BufferViewConstructor)(new ArrayBuffer(2), 1, 1);
      if (Buffer.isBuffer(probe) && probe.byteOffset === 1 && probe.length === 1) return species as BufferViewConstructor;
    } catch {
      // fall through to Buffer.from
    }
  }
  return function BufferFrom(memory: ArrayBufferLike, byteOffset: number, length: number): Buffer {
    return Buffer.from(memory, byteOffset, length);
  } as unknown as BufferViewConstructor;
})();

/**
 * Decodes exactly `count` records from buf[start, end) into messages (those before the position
 * are checked, not delivered), with the checks of Kafka's DefaultRecord.readFrom: every length is
 * checked against what remains before it is used, each record must take exactly its declared
 * length, and the range must hold exactly `count` records.
 *
 * Keys, values and header values are views of `buf`. The messages go to `messages` from index
 * `filled` on; returns the index after the last.
 */
function decodeRun(buf: Buffer, start: number, end: number, count: number, ctx: BatchContext, messages: KafkaMessage[], filled: number): number {
  if (count > end - start) throw new RecordBatchError('RECORD_COUNT_MISMATCH', `${count} records cannot fit in ${end - start} bytes`, { position: start });
  // A view of buf[p, p + n) is new BufferView(memory, base + p, n).
  const memory = buf.buffer;
  const base = buf.byteOffset;
  const { attributes, baseOffsetNumber, minDelta, logAppendTime } = ctx;
  cursor = start;
  for (let i = 0; i < count; i++) {
    const recordAt = cursor;
    if (recordAt >= end) throw new RecordBatchError('RECORD_COUNT_MISMATCH', `data ends after ${i} of ${count} records`, { position: recordAt });
    const length = varint(buf, end);
    if (length < 0 || length > end - cursor) throw badLength('record', length, end - cursor, recordAt);
    const recordEnd = cursor + length;
    if (cursor >= end) throw new RecordBatchError('TRUNCATED', 'data ends inside a record', { position: cursor });
    cursor++; // attributes: no bits are defined
    // A varlong of one or two bytes is read as a varint (the same value). One of the two bytes
    // lacks the continuation bit: tested with one `&` rather than `||`, so that V8 has seen the
    // second byte's test from the first record on (timestamp deltas of two bytes often appear only
    // batches later, and a test without type feedback then deoptimizes the decoder).
    const timestampDelta = cursor + 1 < end && (buf[cursor]! & buf[cursor + 1]! & 0x80) === 0 ? varint(buf, end) : readVarlong(buf, end);
    const offsetDelta = varint(buf, end);

    let key: Buffer | null = null;
    const keyLength = varint(buf, end);
    if (keyLength >= 0) {
      if (keyLength > end - cursor) throw badLength('key', keyLength, end - cursor, cursor);
      key = new BufferView(memory, base + cursor, keyLength);
      cursor += keyLength;
    } else if (keyLength !== -1) {
      throw badLength('key', keyLength, end - cursor, cursor);
    }

    let value: Buffer | null = null;
    const valueLength = varint(buf, end);
    if (valueLength >= 0) {
      if (valueLength > end - cursor) throw badLength('value', valueLength, end - cursor, cursor);
      value = new BufferView(memory, base + cursor, valueLength);
      cursor += valueLength;
    } else if (valueLength !== -1) {
      throw badLength('value', valueLength, end - cursor, cursor);
    }

    const headerCount = varint(buf, end);
    if (headerCount < 0 || headerCount > (end - cursor) / 2) throw badLength('header count', headerCount, end - cursor, cursor);
    const headers: Record<string, Buffer | Buffer[] | undefined> = {};
    for (let n = 0; n < headerCount; n++) {
      const keyLen = readVarint(buf, end);
      if (keyLen < 0 || keyLen > end - cursor) throw badLength('header key', keyLen, end - cursor, cursor);
      const headerKey = buf.toString('utf8', cursor, cursor + keyLen);
      cursor += keyLen;
      const valueLen = readVarint(buf, end);
      let headerValue: Buffer | undefined;
      if (valueLen >= 0) {
        if (valueLen > end - cursor) throw badLength('header value', valueLen, end - cursor, cursor);
        headerValue = new BufferView(memory, base + cursor, valueLen);
        cursor += valueLen;
      } else if (valueLen !== -1) {
        throw badLength('header value', valueLen, end - cursor, cursor);
      }
      // A repeated key gives an array; a null value counts only when it comes first.
      const existing = headers[headerKey];
      if (existing === undefined) headers[headerKey] = headerValue;
      else if (headerValue !== undefined) headers[headerKey] = Array.isArray(existing) ? [...existing, headerValue] : [existing, headerValue];
    }

    if (cursor !== recordEnd) {
      throw new RecordBatchError('RECORD_LENGTH_MISMATCH', `record declares ${length} bytes but its fields take ${cursor - (recordEnd - length)}`, { position: recordAt });
    }
    if (offsetDelta < minDelta) continue;
    const offsetNumber = baseOffsetNumber + offsetDelta;
    messages[filled++] = {
      key,
      value,
      timestamp: logAppendTime ?? timestampString(ctx, timestampDelta),
      attributes,
      offset: baseOffsetNumber >= 0 && offsetDelta >= 0 && Number.isSafeInteger(offsetNumber) ? offsetString(offsetNumber) : (ctx.baseOffset + BigInt(offsetDelta)).toString(),
      headers,
    };
  }
  if (cursor !== end) throw new RecordBatchError('RECORD_COUNT_MISMATCH', `${end - cursor} bytes remain after the declared ${count} records`, { position: cursor });
  return filled;
}
