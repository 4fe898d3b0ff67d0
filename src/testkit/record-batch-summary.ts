import { codecName } from './interop-produce-spec.js';

/** The fixed-size header fields of one record batch, read without decompressing anything. */
export interface RecordBatchSummary {
  baseOffset: bigint;
  /** Total bytes of the batch, including the 12-byte offset and length prefix. */
  sizeInBytes: number;
  magic: number;
  /** Codec name from the attributes' low 3 bits (only meaningful for magic 2). */
  codec: string;
  attributes: number;
  lastOffsetDelta: number;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  recordsCount: number;
}

/**
 * Lists the v2 record batches in a `records` field by reading their 61-byte headers. A test helper
 * for tools that must not depend on the full record decoder; a trailing partial batch is ignored,
 * as Kafka's reader does.
 */
export function summarizeRecordBatches(records: Uint8Array | null): RecordBatchSummary[] {
  if (records === null) return [];
  const view = new DataView(records.buffer, records.byteOffset, records.byteLength);
  const out: RecordBatchSummary[] = [];
  let pos = 0;
  while (pos + 17 <= records.byteLength) {
    const batchLength = view.getInt32(pos + 8);
    const sizeInBytes = 12 + batchLength;
    if (batchLength < 0 || pos + sizeInBytes > records.byteLength) break;
    const magic = view.getInt8(pos + 16);
    if (magic !== 2 || sizeInBytes < 61) {
      out.push({
        baseOffset: view.getBigInt64(pos), sizeInBytes, magic, codec: 'unknown', attributes: -1, lastOffsetDelta: -1,
        producerId: -1n, producerEpoch: -1, baseSequence: -1, recordsCount: -1,
      });
    } else {
      const attributes = view.getInt16(pos + 21);
      out.push({
        baseOffset: view.getBigInt64(pos),
        sizeInBytes,
        magic,
        codec: codecName(attributes & 0x07),
        attributes,
        lastOffsetDelta: view.getInt32(pos + 23),
        producerId: view.getBigInt64(pos + 43),
        producerEpoch: view.getInt16(pos + 51),
        baseSequence: view.getInt32(pos + 53),
        recordsCount: view.getInt32(pos + 57),
      });
    }
    pos += sizeInBytes;
  }
  return out;
}
