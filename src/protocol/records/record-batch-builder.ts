/**
 * Building magic-2 record batches: records are encoded straight into the
 * final buffer (or into one payload buffer that is then compressed), the
 * header is filled in and the CRC-32C computed.
 */
import { compress, CompressionCodec } from './compression.js';
import { crc32c } from './crc32c.js';
import type { RecordHeader, RecordInput } from './record.js';
import {
  ATTRIBUTES_OFFSET,
  BASE_OFFSET_OFFSET,
  BASE_SEQUENCE_OFFSET,
  BASE_TIMESTAMP_OFFSET,
  BATCH_LENGTH_OFFSET,
  COMPRESSION_CODEC_MASK,
  CONTROL_FLAG_MASK,
  CRC_OFFSET,
  DELETE_HORIZON_FLAG_MASK,
  LAST_OFFSET_DELTA_OFFSET,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  MAGIC_V2,
  MAX_TIMESTAMP_OFFSET,
  NO_PARTITION_LEADER_EPOCH,
  NO_PRODUCER_EPOCH,
  NO_PRODUCER_ID,
  NO_SEQUENCE,
  NO_TIMESTAMP,
  PARTITION_LEADER_EPOCH_OFFSET,
  PRODUCER_EPOCH_OFFSET,
  PRODUCER_ID_OFFSET,
  RECORD_BATCH_OVERHEAD,
  RECORDS_COUNT_OFFSET,
  TIMESTAMP_TYPE_MASK,
  TRANSACTIONAL_FLAG_MASK,
  type TimestampType,
} from './record-batch-header.js';
import { sizeOfVarint, sizeOfVarlong, writeVarint, writeVarlong } from './varint.js';

export interface RecordBatchBuilderOptions {
  readonly baseOffset?: bigint;
  readonly partitionLeaderEpoch?: number;
  /** Codec id (CompressionCodec), default NONE. */
  readonly compression?: number;
  readonly compressionLevel?: number;
  readonly timestampType?: TimestampType;
  /** For LogAppendTime batches: the maxTimestamp to store (default: the largest record timestamp). */
  readonly logAppendTime?: bigint;
  /** Timestamp of records that have none (default -1). */
  readonly timestamp?: bigint;
  readonly producerId?: bigint;
  readonly producerEpoch?: number;
  readonly baseSequence?: number;
  readonly isTransactional?: boolean;
  readonly isControl?: boolean;
  /** Sets the delete-horizon flag and stores this value as baseTimestamp. */
  readonly deleteHorizon?: bigint;
}

interface PendingRecord {
  readonly key: Uint8Array | null;
  readonly value: Uint8Array | null;
  readonly headers: readonly RecordHeader[];
  /** UTF-8 header keys, encoded once at append time. */
  readonly headerKeys: readonly Uint8Array[];
  readonly timestampDelta: bigint;
  readonly offsetDelta: number;
  /** Bytes after the record's length varint. */
  readonly bodySize: number;
}

const utf8 = new TextEncoder();
const NO_HEADER_KEYS: readonly Uint8Array[] = [];

function sizeOfBytes(bytes: Uint8Array | null): number {
  return bytes === null ? 1 : sizeOfVarint(bytes.length) + bytes.length;
}

/**
 * Accumulates records and builds one batch. Offset deltas default to the
 * record index; baseTimestamp is the first record's timestamp (or the delete
 * horizon) and maxTimestamp the largest one.
 */
export class RecordBatchBuilder {
  private readonly options: RecordBatchBuilderOptions;
  private readonly records: PendingRecord[] = [];
  private uncompressedRecordsSize = 0;
  private baseTimestamp: bigint = NO_TIMESTAMP;
  private maxTimestamp: bigint = NO_TIMESTAMP;

  constructor(options: RecordBatchBuilderOptions = {}) {
    this.options = options;
    if (options.deleteHorizon !== undefined) this.baseTimestamp = options.deleteHorizon;
  }

  get recordCount(): number {
    return this.records.length;
  }

  /** Size of the batch if it were built now without compression. */
  get uncompressedSizeInBytes(): number {
    return RECORD_BATCH_OVERHEAD + this.uncompressedRecordsSize;
  }

  append(record: RecordInput): this {
    const timestamp = record.timestamp ?? this.options.timestamp ?? NO_TIMESTAMP;
    if (this.records.length === 0) {
      if (this.options.deleteHorizon === undefined) this.baseTimestamp = timestamp;
      this.maxTimestamp = timestamp;
    } else if (timestamp > this.maxTimestamp) {
      this.maxTimestamp = timestamp;
    }
    const key = record.key ?? null;
    const value = record.value ?? null;
    const offsetDelta = record.offsetDelta ?? this.records.length;
    // int64 arithmetic, wrapping like Kafka's (a delta between the int64 extremes wraps round). A
    // record stamped like the first (a producer's send() call stamps all of its records alike)
    // needs no BigInt arithmetic.
    const timestampDelta = timestamp === this.baseTimestamp ? 0n : BigInt.asIntN(64, timestamp - this.baseTimestamp);
    const headers = record.headers ?? [];
    let bodySize = 1 + sizeOfVarlong(timestampDelta) + sizeOfVarint(offsetDelta) + sizeOfBytes(key) + sizeOfBytes(value);
    bodySize += sizeOfVarint(headers.length);
    let headerKeys = NO_HEADER_KEYS;
    if (headers.length > 0) {
      const keys: Uint8Array[] = [];
      for (const header of headers) {
        const keyBytes = utf8.encode(header.key);
        keys.push(keyBytes);
        bodySize += sizeOfVarint(keyBytes.length) + keyBytes.length + sizeOfBytes(header.value);
      }
      headerKeys = keys;
    }
    this.uncompressedRecordsSize += sizeOfVarint(bodySize) + bodySize;
    this.records.push({ key, value, headers, headerKeys, timestampDelta, offsetDelta, bodySize });
    return this;
  }

  private writeRecords(out: Uint8Array, pos: number): number {
    for (const r of this.records) {
      pos = writeVarint(out, pos, r.bodySize);
      out[pos++] = 0;
      pos = writeVarlong(out, pos, r.timestampDelta);
      pos = writeVarint(out, pos, r.offsetDelta);
      pos = writeBytes(out, pos, r.key);
      pos = writeBytes(out, pos, r.value);
      pos = writeVarint(out, pos, r.headers.length);
      for (let h = 0; h < r.headers.length; h++) {
        const keyBytes = r.headerKeys[h]!;
        pos = writeVarint(out, pos, keyBytes.length);
        out.set(keyBytes, pos);
        pos += keyBytes.length;
        pos = writeBytes(out, pos, r.headers[h]!.value);
      }
    }
    return pos;
  }

  /** Encodes the batch. The builder can be built again (e.g. with more records appended). */
  build(): Uint8Array {
    const o = this.options;
    const codec = o.compression ?? CompressionCodec.NONE;
    let out: Uint8Array;
    if (codec === CompressionCodec.NONE) {
      out = new Uint8Array(RECORD_BATCH_OVERHEAD + this.uncompressedRecordsSize);
      this.writeRecords(out, RECORD_BATCH_OVERHEAD);
    } else {
      const payload = new Uint8Array(this.uncompressedRecordsSize);
      this.writeRecords(payload, 0);
      const compressed = compress(codec, payload, { level: o.compressionLevel });
      out = new Uint8Array(RECORD_BATCH_OVERHEAD + compressed.length);
      out.set(compressed, RECORD_BATCH_OVERHEAD);
    }

    let attributes = codec & COMPRESSION_CODEC_MASK;
    if (o.timestampType === 'LogAppendTime') attributes |= TIMESTAMP_TYPE_MASK;
    if (o.isTransactional === true) attributes |= TRANSACTIONAL_FLAG_MASK;
    if (o.isControl === true) attributes |= CONTROL_FLAG_MASK;
    if (o.deleteHorizon !== undefined) attributes |= DELETE_HORIZON_FLAG_MASK;
    const last = this.records[this.records.length - 1];
    const maxTimestamp = o.timestampType === 'LogAppendTime' && o.logAppendTime !== undefined ? o.logAppendTime : this.maxTimestamp;

    const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
    view.setBigInt64(BASE_OFFSET_OFFSET, o.baseOffset ?? 0n);
    view.setInt32(BATCH_LENGTH_OFFSET, out.length - LOG_OVERHEAD);
    view.setInt32(PARTITION_LEADER_EPOCH_OFFSET, o.partitionLeaderEpoch ?? NO_PARTITION_LEADER_EPOCH);
    view.setInt8(MAGIC_OFFSET, MAGIC_V2);
    view.setInt16(ATTRIBUTES_OFFSET, attributes);
    view.setInt32(LAST_OFFSET_DELTA_OFFSET, last === undefined ? -1 : last.offsetDelta);
    view.setBigInt64(BASE_TIMESTAMP_OFFSET, this.baseTimestamp);
    view.setBigInt64(MAX_TIMESTAMP_OFFSET, maxTimestamp);
    view.setBigInt64(PRODUCER_ID_OFFSET, o.producerId ?? NO_PRODUCER_ID);
    view.setInt16(PRODUCER_EPOCH_OFFSET, o.producerEpoch ?? NO_PRODUCER_EPOCH);
    view.setInt32(BASE_SEQUENCE_OFFSET, o.baseSequence ?? NO_SEQUENCE);
    view.setInt32(RECORDS_COUNT_OFFSET, this.records.length);
    view.setUint32(CRC_OFFSET, crc32c(out.subarray(ATTRIBUTES_OFFSET)));
    return out;
  }
}

function writeBytes(out: Uint8Array, pos: number, bytes: Uint8Array | null): number {
  if (bytes === null) {
    out[pos] = 1; // zig-zag of -1
    return pos + 1;
  }
  pos = writeVarint(out, pos, bytes.length);
  out.set(bytes, pos);
  return pos + bytes.length;
}

/** Builds one batch holding `records`. */
export function buildRecordBatch(records: readonly RecordInput[], options: RecordBatchBuilderOptions = {}): Uint8Array {
  const builder = new RecordBatchBuilder(options);
  for (const record of records) builder.append(record);
  return builder.build();
}
