/**
 * Writes the latency benchmark's Produce v9 requests into reused buffers: one partition, one
 * uncompressed magic-2 record batch of `n` records whose keys are all the same 8-byte stamp and
 * whose values are all `value`, CRC-32C computed, exactly the bytes `produceFrame` +
 * `buildRecordBatch` give for those records (the test checks it) but without the record objects,
 * BigInt arithmetic and encoder buffers those allocate per request.
 *
 * The request up to the records field is encoded once with the generic codec; what follows is
 * the records' length, the batch and the closing tagged fields.
 */
import { crc32c } from '../../../src/protocol/records/index.js';
import {
  ATTRIBUTES_OFFSET,
  BASE_TIMESTAMP_OFFSET,
  BATCH_LENGTH_OFFSET,
  CRC_OFFSET,
  LAST_OFFSET_DELTA_OFFSET,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  MAGIC_V2,
  MAX_TIMESTAMP_OFFSET,
  NO_PARTITION_LEADER_EPOCH,
  PARTITION_LEADER_EPOCH_OFFSET,
  PRODUCER_EPOCH_OFFSET,
  PRODUCER_ID_OFFSET,
  BASE_SEQUENCE_OFFSET,
  RECORD_BATCH_OVERHEAD,
  RECORDS_COUNT_OFFSET,
} from '../../../src/protocol/records/record-batch-header.js';
import { produceFrame } from '../wire.js';

/** The three closing tagged-field counts (partition data, topic data, request body). */
const TRAILER = 3;

function uvarintSize(v: number): number {
  let n = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

function writeUvarint(buf: Buffer, pos: number, v: number): number {
  while (v >= 0x80) {
    buf[pos++] = (v & 0x7f) | 0x80;
    v = Math.floor(v / 128);
  }
  buf[pos++] = v;
  return pos;
}

/** Zig-zag varint of a non-negative int32 (record fields). */
function writeVarint(buf: Buffer, pos: number, v: number): number {
  return writeUvarint(buf, pos, v * 2);
}

export class ProduceRequestWriter {
  /** The request after its size prefix, up to (not including) the records' length. */
  private readonly prefix: Buffer;
  private readonly value: Uint8Array;
  /** Bytes of one record after its length varint: attributes, timestamp delta 0, offset delta, key, value, no headers. */
  private readonly bodyBytesWithoutOffsetDelta: number;

  constructor(topic: string, partition: number, acks: number, value: Uint8Array) {
    const empty = produceFrame(topic, partition, acks, new Uint8Array(0));
    // ... records as a compact byte array of length 0 (uvarint 1), then three empty tagged-field sets.
    const tail = empty.subarray(empty.length - 1 - TRAILER);
    if (tail[0] !== 1 || tail[1] !== 0 || tail[2] !== 0 || tail[3] !== 0) throw new Error('unexpected layout of the Produce v9 request');
    this.prefix = Buffer.from(empty.subarray(4, empty.length - 1 - TRAILER));
    this.value = value;
    this.bodyBytesWithoutOffsetDelta = 1 + 1 + (1 + 8) + uvarintSize(2 * value.length) + value.length + 1;
  }

  private recordBytes(offsetDelta: number): number {
    const body = this.bodyBytesWithoutOffsetDelta + uvarintSize(2 * offsetDelta);
    return uvarintSize(2 * body) + body;
  }

  /** Bytes of the whole frame (size prefix included) for `n` records: what `write` needs. */
  frameBytes(n: number): number {
    const batch = this.batchBytes(n);
    return 4 + this.prefix.length + uvarintSize(batch + 1) + batch + TRAILER;
  }

  private batchBytes(n: number): number {
    let bytes = RECORD_BATCH_OVERHEAD;
    for (let i = 0; i < n; i++) bytes += this.recordBytes(i);
    return bytes;
  }

  /**
   * Writes the frame for `n` records stamped `stampNs` (the key, as an int64; a non-negative
   * integer below 2^53), with create time `timestampMs`, at the start of `out` (at least
   * `frameBytes(n)` long). Returns its length.
   */
  write(out: Buffer, n: number, stampNs: number, timestampMs: number): number {
    const batch = this.batchBytes(n);
    const frameLength = 4 + this.prefix.length + uvarintSize(batch + 1) + batch + TRAILER;
    let pos = 4 + this.prefix.copy(out, 4);
    pos = writeUvarint(out, pos, batch + 1);
    const b = pos;
    out.writeInt32BE(0, b); // base offset
    out.writeInt32BE(0, b + 4);
    out.writeInt32BE(batch - LOG_OVERHEAD, b + BATCH_LENGTH_OFFSET);
    out.writeInt32BE(NO_PARTITION_LEADER_EPOCH, b + PARTITION_LEADER_EPOCH_OFFSET);
    out[b + MAGIC_OFFSET] = MAGIC_V2;
    out.writeInt16BE(0, b + ATTRIBUTES_OFFSET);
    out.writeInt32BE(n - 1, b + LAST_OFFSET_DELTA_OFFSET);
    const hi = Math.floor(timestampMs / 0x100000000);
    const lo = timestampMs % 0x100000000;
    out.writeInt32BE(hi, b + BASE_TIMESTAMP_OFFSET);
    out.writeUInt32BE(lo, b + BASE_TIMESTAMP_OFFSET + 4);
    out.writeInt32BE(hi, b + MAX_TIMESTAMP_OFFSET);
    out.writeUInt32BE(lo, b + MAX_TIMESTAMP_OFFSET + 4);
    out.writeInt32BE(-1, b + PRODUCER_ID_OFFSET);
    out.writeInt32BE(-1, b + PRODUCER_ID_OFFSET + 4);
    out.writeInt16BE(-1, b + PRODUCER_EPOCH_OFFSET);
    out.writeInt32BE(-1, b + BASE_SEQUENCE_OFFSET);
    out.writeInt32BE(n, b + RECORDS_COUNT_OFFSET);
    pos = b + RECORD_BATCH_OVERHEAD;
    let keyAt = -1;
    for (let i = 0; i < n; i++) {
      pos = writeVarint(out, pos, this.bodyBytesWithoutOffsetDelta + uvarintSize(2 * i));
      out[pos++] = 0; // attributes
      out[pos++] = 0; // timestamp delta
      pos = writeVarint(out, pos, i);
      out[pos++] = 16; // key length 8
      if (keyAt < 0) {
        keyAt = pos;
        out.writeUInt32BE(Math.floor(stampNs / 0x100000000), pos);
        out.writeUInt32BE(stampNs % 0x100000000, pos + 4);
      } else {
        out.copyWithin(pos, keyAt, keyAt + 8);
      }
      pos += 8;
      pos = writeVarint(out, pos, this.value.length);
      out.set(this.value, pos);
      pos += this.value.length;
      out[pos++] = 0; // headers
    }
    out.writeUInt32BE(crc32c(out.subarray(b + ATTRIBUTES_OFFSET, pos)), b + CRC_OFFSET);
    out[pos++] = 0;
    out[pos++] = 0;
    out[pos++] = 0;
    if (pos !== frameLength) throw new Error(`Produce request length ${pos}, expected ${frameLength}`);
    out.writeInt32BE(frameLength - 4, 0);
    return frameLength;
  }
}
