import type { FetchResponsePartitionData } from '../../protocol/generated/fetch.js';
import { ControlRecordType, decodeEndTxnMarker } from '../../protocol/records/control-record.js';
import { decodeRecordBatches } from '../../protocol/records/record-batch.js';
import type { KafkaMessage } from './consumer-types.js';

export interface FetchedRecords {
  messages: KafkaMessage[];
  /** The offset after the last complete batch (control and skipped batches included): where the next fetch starts. */
  next: bigint;
}

/** A Buffer over the same memory (no copy): record bytes are views of the response, or of a decompressed payload, which nothing reuses. */
function viewOf(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A copy in memory of its own (small ones from Node's shared Buffer pool), for records of a frame that will be reused. */
function copy(bytes: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(bytes.byteLength);
  out.set(bytes);
  return out;
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
 * transactional batches are dropped until its ABORT marker.
 *
 * Keys, values and header values are views of `data.records` (or of a decompressed payload),
 * or copies when `copyRecords` is set (the response's memory is about to be reused).
 */
export function decodeFetchedRecords(data: FetchResponsePartitionData, position: bigint, readCommitted: boolean, copyRecords = false): FetchedRecords {
  const view = copyRecords ? copy : viewOf;
  const messages: KafkaMessage[] = [];
  let next = position;
  if (data.records === null || data.records.length === 0) return { messages, next };
  const aborted = readCommitted ? [...(data.abortedTransactions ?? [])].sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0)) : [];
  const abortedProducers = new Set<bigint>();
  for (const b of decodeRecordBatches(data.records, { trailingPartial: 'ignore' })) {
    const h = b.header;
    const last = h.baseOffset + BigInt(h.lastOffsetDelta);
    if (last + 1n > next) next = last + 1n;
    while (aborted.length > 0 && aborted[0]!.firstOffset <= last) abortedProducers.add(aborted.shift()!.producerId);
    if (h.isControl) {
      // An ABORT marker ends the producer's aborted transaction.
      const marker = b.records.length > 0 ? decodeEndTxnMarker(b.records[0]!) : null;
      if (marker?.type === ControlRecordType.ABORT) abortedProducers.delete(h.producerId);
      continue;
    }
    if (readCommitted && h.isTransactional && abortedProducers.has(h.producerId)) continue;
    for (const r of b.records) {
      if (r.offset < position) continue;
      const headers: Record<string, Buffer | Buffer[] | undefined> = {};
      for (const hd of r.headers) {
        const v = hd.value === null ? undefined : view(hd.value);
        const existing = headers[hd.key];
        if (existing === undefined) headers[hd.key] = v;
        else if (v !== undefined) headers[hd.key] = Array.isArray(existing) ? [...existing, v] : [existing, v];
      }
      messages.push({
        key: r.key === null ? null : view(r.key),
        value: r.value === null ? null : view(r.value),
        timestamp: r.timestamp.toString(),
        attributes: h.attributes,
        offset: r.offset.toString(),
        headers,
      });
    }
  }
  return { messages, next };
}
