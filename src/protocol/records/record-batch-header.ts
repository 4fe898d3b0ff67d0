/**
 * Header-only access to record batches (magic 2): fixed-offset reads that
 * never touch the records, plus the in-place rewrites a broker performs on
 * append (base offset, partition leader epoch, LogAppendTime).
 *
 * Layout (all big-endian), see RECORDS.md section 2:
 *   0 baseOffset int64 | 8 batchLength int32 | 12 partitionLeaderEpoch int32
 *  16 magic int8 | 17 crc uint32 | 21 attributes int16 | 23 lastOffsetDelta int32
 *  27 baseTimestamp int64 | 35 maxTimestamp int64 | 43 producerId int64
 *  51 producerEpoch int16 | 53 baseSequence int32 | 57 recordsCount int32 | 61 records
 */
import { crc32c } from './crc32c.js';
import { RecordBatchError } from './record-batch-error.js';

export const BASE_OFFSET_OFFSET = 0;
export const BATCH_LENGTH_OFFSET = 8;
export const PARTITION_LEADER_EPOCH_OFFSET = 12;
export const MAGIC_OFFSET = 16;
export const CRC_OFFSET = 17;
export const ATTRIBUTES_OFFSET = 21;
export const LAST_OFFSET_DELTA_OFFSET = 23;
export const BASE_TIMESTAMP_OFFSET = 27;
export const MAX_TIMESTAMP_OFFSET = 35;
export const PRODUCER_ID_OFFSET = 43;
export const PRODUCER_EPOCH_OFFSET = 51;
export const BASE_SEQUENCE_OFFSET = 53;
export const RECORDS_COUNT_OFFSET = 57;
export const RECORDS_OFFSET = 61;

/** Size of the batch header: every batch is at least this long. */
export const RECORD_BATCH_OVERHEAD = 61;
/** baseOffset + batchLength: the part of a batch not counted by batchLength. */
export const LOG_OVERHEAD = 12;
/** Bytes up to and including the magic byte. */
export const HEADER_SIZE_UP_TO_MAGIC = 17;
export const MAGIC_V2 = 2;

export const COMPRESSION_CODEC_MASK = 0x07;
export const TIMESTAMP_TYPE_MASK = 0x08;
export const TRANSACTIONAL_FLAG_MASK = 0x10;
export const CONTROL_FLAG_MASK = 0x20;
export const DELETE_HORIZON_FLAG_MASK = 0x40;

export const NO_PRODUCER_ID = -1n;
export const NO_PRODUCER_EPOCH = -1;
export const NO_SEQUENCE = -1;
export const NO_PARTITION_LEADER_EPOCH = -1;
export const NO_TIMESTAMP = -1n;

export type TimestampType = 'CreateTime' | 'LogAppendTime';

/** Every header field of a magic-2 batch, decoded. */
export interface RecordBatchHeader {
  readonly baseOffset: bigint;
  /** Bytes after the batchLength field: the whole batch is batchLength + 12 bytes. */
  readonly batchLength: number;
  readonly partitionLeaderEpoch: number;
  readonly magic: number;
  /** Stored CRC-32C, unsigned. */
  readonly crc: number;
  /** The raw 16-bit attributes field. */
  readonly attributes: number;
  /** Attribute bits 0-2: 0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd (5-7 are invalid). */
  readonly compressionCodec: number;
  readonly timestampType: TimestampType;
  readonly isTransactional: boolean;
  readonly isControl: boolean;
  readonly hasDeleteHorizon: boolean;
  readonly lastOffsetDelta: number;
  readonly baseTimestamp: bigint;
  readonly maxTimestamp: bigint;
  readonly producerId: bigint;
  readonly producerEpoch: number;
  readonly baseSequence: number;
  readonly recordsCount: number;
}

function dataView(buf: Uint8Array): DataView {
  return new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
}

function int32At(buf: Uint8Array, pos: number): number {
  return (buf[pos]! << 24) | (buf[pos + 1]! << 16) | (buf[pos + 2]! << 8) | buf[pos + 3]!;
}

function int16At(buf: Uint8Array, pos: number): number {
  return ((buf[pos]! << 24) | (buf[pos + 1]! << 16)) >> 16;
}

function writeInt32At(buf: Uint8Array, pos: number, value: number): void {
  buf[pos] = value >>> 24;
  buf[pos + 1] = value >>> 16;
  buf[pos + 2] = value >>> 8;
  buf[pos + 3] = value;
}

function ensureAvailable(buf: Uint8Array, batchPos: number, size: number): void {
  if (batchPos < 0 || batchPos + size > buf.length) {
    throw new RecordBatchError('TRUNCATED', `need ${size} bytes at position ${batchPos}, have ${Math.max(0, buf.length - batchPos)}`, {
      position: batchPos,
    });
  }
}

// ---------------------------------------------------------------------------
// Single-field accessors. They check nothing except (through the typed-array
// semantics) that they stay inside `buf`: callers are expected to have
// checked that a whole header is present, e.g. with iterateBatches.

export function readBaseOffset(buf: Uint8Array, batchPos: number): bigint {
  return dataView(buf).getBigInt64(batchPos + BASE_OFFSET_OFFSET);
}
export function readBatchLength(buf: Uint8Array, batchPos: number): number {
  return int32At(buf, batchPos + BATCH_LENGTH_OFFSET);
}
export function readPartitionLeaderEpoch(buf: Uint8Array, batchPos: number): number {
  return int32At(buf, batchPos + PARTITION_LEADER_EPOCH_OFFSET);
}
export function readMagic(buf: Uint8Array, batchPos: number): number {
  return (buf[batchPos + MAGIC_OFFSET]! << 24) >> 24;
}
export function readCrc(buf: Uint8Array, batchPos: number): number {
  return int32At(buf, batchPos + CRC_OFFSET) >>> 0;
}
export function readAttributes(buf: Uint8Array, batchPos: number): number {
  return int16At(buf, batchPos + ATTRIBUTES_OFFSET);
}
export function readLastOffsetDelta(buf: Uint8Array, batchPos: number): number {
  return int32At(buf, batchPos + LAST_OFFSET_DELTA_OFFSET);
}
export function readBaseTimestamp(buf: Uint8Array, batchPos: number): bigint {
  return dataView(buf).getBigInt64(batchPos + BASE_TIMESTAMP_OFFSET);
}
export function readMaxTimestamp(buf: Uint8Array, batchPos: number): bigint {
  return dataView(buf).getBigInt64(batchPos + MAX_TIMESTAMP_OFFSET);
}
export function readProducerId(buf: Uint8Array, batchPos: number): bigint {
  return dataView(buf).getBigInt64(batchPos + PRODUCER_ID_OFFSET);
}
export function readProducerEpoch(buf: Uint8Array, batchPos: number): number {
  return int16At(buf, batchPos + PRODUCER_EPOCH_OFFSET);
}
export function readBaseSequence(buf: Uint8Array, batchPos: number): number {
  return int32At(buf, batchPos + BASE_SEQUENCE_OFFSET);
}
export function readRecordsCount(buf: Uint8Array, batchPos: number): number {
  return int32At(buf, batchPos + RECORDS_COUNT_OFFSET);
}

/** Attribute helpers (they look only at the low byte, as Kafka does). */
export function compressionCodecOf(attributes: number): number {
  return attributes & COMPRESSION_CODEC_MASK;
}
export function timestampTypeOf(attributes: number): TimestampType {
  return (attributes & TIMESTAMP_TYPE_MASK) !== 0 ? 'LogAppendTime' : 'CreateTime';
}

/**
 * Reads every header field of the batch starting at `batchPos`.
 *
 * Checks that 61 bytes are present (TRUNCATED), that the magic is 2
 * (BAD_MAGIC) and that batchLength covers at least the header (BAD_LENGTH).
 * It checks neither the CRC nor that the whole batch is present: use
 * iterateBatches / validateBatches for that.
 */
export function readBatchHeader(buf: Uint8Array, batchPos = 0): RecordBatchHeader {
  ensureAvailable(buf, batchPos, HEADER_SIZE_UP_TO_MAGIC);
  const magic = readMagic(buf, batchPos);
  if (magic !== MAGIC_V2) {
    throw new RecordBatchError('BAD_MAGIC', `unsupported magic ${magic} (only 2 is supported)`, { position: batchPos + MAGIC_OFFSET });
  }
  ensureAvailable(buf, batchPos, RECORD_BATCH_OVERHEAD);
  const batchLength = readBatchLength(buf, batchPos);
  if (batchLength < RECORD_BATCH_OVERHEAD - LOG_OVERHEAD) {
    throw new RecordBatchError('BAD_LENGTH', `batch length ${batchLength} is smaller than the header`, {
      position: batchPos + BATCH_LENGTH_OFFSET,
    });
  }
  const view = dataView(buf);
  const attributes = view.getInt16(batchPos + ATTRIBUTES_OFFSET);
  return {
    baseOffset: view.getBigInt64(batchPos + BASE_OFFSET_OFFSET),
    batchLength,
    partitionLeaderEpoch: view.getInt32(batchPos + PARTITION_LEADER_EPOCH_OFFSET),
    magic,
    crc: view.getUint32(batchPos + CRC_OFFSET),
    attributes,
    compressionCodec: attributes & COMPRESSION_CODEC_MASK,
    timestampType: (attributes & TIMESTAMP_TYPE_MASK) !== 0 ? 'LogAppendTime' : 'CreateTime',
    isTransactional: (attributes & TRANSACTIONAL_FLAG_MASK) !== 0,
    isControl: (attributes & CONTROL_FLAG_MASK) !== 0,
    hasDeleteHorizon: (attributes & DELETE_HORIZON_FLAG_MASK) !== 0,
    lastOffsetDelta: view.getInt32(batchPos + LAST_OFFSET_DELTA_OFFSET),
    baseTimestamp: view.getBigInt64(batchPos + BASE_TIMESTAMP_OFFSET),
    maxTimestamp: view.getBigInt64(batchPos + MAX_TIMESTAMP_OFFSET),
    producerId: view.getBigInt64(batchPos + PRODUCER_ID_OFFSET),
    producerEpoch: view.getInt16(batchPos + PRODUCER_EPOCH_OFFSET),
    baseSequence: view.getInt32(batchPos + BASE_SEQUENCE_OFFSET),
    recordsCount: view.getInt32(batchPos + RECORDS_COUNT_OFFSET),
  };
}

/** Offset of the batch's last record: baseOffset + lastOffsetDelta. */
export function lastOffsetOf(header: Pick<RecordBatchHeader, 'baseOffset' | 'lastOffsetDelta'>): bigint {
  return header.baseOffset + BigInt(header.lastOffsetDelta);
}

/**
 * CRC-32C of the batch at `batchPos` as it should be stored: over bytes 21
 * to the end of the batch. Needs the whole batch (TRUNCATED otherwise).
 */
export function computeBatchCrc(buf: Uint8Array, batchPos = 0): number {
  ensureAvailable(buf, batchPos, RECORD_BATCH_OVERHEAD);
  const size = readBatchLength(buf, batchPos) + LOG_OVERHEAD;
  if (size < RECORD_BATCH_OVERHEAD) {
    throw new RecordBatchError('BAD_LENGTH', `batch length ${size - LOG_OVERHEAD} is smaller than the header`, { position: batchPos });
  }
  ensureAvailable(buf, batchPos, size);
  return crc32c(buf.subarray(batchPos + ATTRIBUTES_OFFSET, batchPos + size));
}

/** Recomputes and stores the CRC of the batch at `batchPos`; returns it. */
export function updateBatchCrc(buf: Uint8Array, batchPos = 0): number {
  const crc = computeBatchCrc(buf, batchPos);
  writeInt32At(buf, batchPos + CRC_OFFSET, crc);
  return crc;
}

/** Overwrites the base offset in place. It is outside the CRC: no recompute. */
export function setBaseOffset(buf: Uint8Array, batchPos: number, baseOffset: bigint): void {
  ensureAvailable(buf, batchPos, LOG_OVERHEAD);
  dataView(buf).setBigInt64(batchPos + BASE_OFFSET_OFFSET, baseOffset);
}

/** Overwrites the partition leader epoch in place. It is outside the CRC: no recompute. */
export function setPartitionLeaderEpoch(buf: Uint8Array, batchPos: number, epoch: number): void {
  ensureAvailable(buf, batchPos, PARTITION_LEADER_EPOCH_OFFSET + 4);
  writeInt32At(buf, batchPos + PARTITION_LEADER_EPOCH_OFFSET, epoch);
}

/**
 * Applies LogAppendTime in place: sets the timestamp-type attribute bit and
 * maxTimestamp to `timestamp`, then recomputes the CRC (both fields are
 * covered by it). Readers then give every record this timestamp.
 */
export function setLogAppendTime(buf: Uint8Array, batchPos: number, timestamp: bigint): void {
  ensureAvailable(buf, batchPos, RECORD_BATCH_OVERHEAD);
  const view = dataView(buf);
  view.setInt16(batchPos + ATTRIBUTES_OFFSET, view.getInt16(batchPos + ATTRIBUTES_OFFSET) | TIMESTAMP_TYPE_MASK);
  view.setBigInt64(batchPos + MAX_TIMESTAMP_OFFSET, timestamp);
  updateBatchCrc(buf, batchPos);
}
