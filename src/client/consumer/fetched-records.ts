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
function view(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * The records of one partition of a Fetch response, as KafkaJS messages: control batches are
 * skipped, and so are records before `position` (a batch may start earlier). Under read_committed
 * the records of aborted transactions are skipped too, as the Java consumer does: the response
 * lists each aborted transaction (producer id, first offset); from that offset on, the producer's
 * transactional batches are dropped until its ABORT marker.
 */
export function decodeFetchedRecords(data: FetchResponsePartitionData, position: bigint, readCommitted: boolean): FetchedRecords {
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
