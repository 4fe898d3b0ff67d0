/**
 * Control records (RECORDS.md section 4): the fixed key layout, the
 * transaction marker value, and COMMIT/ABORT marker batches.
 */
import type { KafkaRecord } from './record.js';
import { RecordBatchError } from './record-batch-error.js';
import { buildRecordBatch } from './record-batch-builder.js';

/** Control record types (Kafka's ControlRecordType). Unknown types must be ignored by clients. */
export const ControlRecordType = {
  ABORT: 0,
  COMMIT: 1,
  LEADER_CHANGE: 2,
  SNAPSHOT_HEADER: 3,
  SNAPSHOT_FOOTER: 4,
  KRAFT_VERSION: 5,
  KRAFT_VOTERS: 6,
} as const;
export type ControlRecordType = (typeof ControlRecordType)[keyof typeof ControlRecordType];

export const CONTROL_RECORD_KEY_SIZE = 4;
export const CURRENT_CONTROL_RECORD_KEY_VERSION = 0;
export const END_TXN_MARKER_VALUE_SIZE = 6;
export const CURRENT_END_TXN_MARKER_VERSION = 0;

export interface ControlRecordKey {
  readonly version: number;
  /** A ControlRecordType, or any other int16 for types this code does not know. */
  readonly type: number;
}

export interface EndTxnMarkerValue {
  readonly version: number;
  readonly coordinatorEpoch: number;
}

export interface EndTxnMarker extends EndTxnMarkerValue {
  readonly type: typeof ControlRecordType.ABORT | typeof ControlRecordType.COMMIT;
}

function badControlRecord(message: string): RecordBatchError {
  return new RecordBatchError('BAD_CONTROL_RECORD', message);
}

export function encodeControlRecordKey(type: number, version: number = CURRENT_CONTROL_RECORD_KEY_VERSION): Uint8Array {
  const key = new Uint8Array(CONTROL_RECORD_KEY_SIZE);
  const view = new DataView(key.buffer);
  view.setInt16(0, version);
  view.setInt16(2, type);
  return key;
}

/**
 * Reads a control record key. An unknown (higher) version still yields the
 * type from bytes 2-3; a negative version, a null key or fewer than 4 bytes
 * are BAD_CONTROL_RECORD.
 */
export function decodeControlRecordKey(key: Uint8Array | null): ControlRecordKey {
  if (key === null || key.length < CONTROL_RECORD_KEY_SIZE) {
    throw badControlRecord(`control record key must have at least ${CONTROL_RECORD_KEY_SIZE} bytes, got ${key === null ? 'null' : key.length}`);
  }
  const view = new DataView(key.buffer, key.byteOffset, key.byteLength);
  const version = view.getInt16(0);
  if (version < 0) throw badControlRecord(`negative control record key version ${version}`);
  return { version, type: view.getInt16(2) };
}

export function encodeEndTxnMarkerValue(coordinatorEpoch: number, version: number = CURRENT_END_TXN_MARKER_VERSION): Uint8Array {
  const value = new Uint8Array(END_TXN_MARKER_VALUE_SIZE);
  const view = new DataView(value.buffer);
  view.setInt16(0, version);
  view.setInt32(2, coordinatorEpoch);
  return value;
}

/** Reads a transaction marker value; any version >= 0 is read as version 0. */
export function decodeEndTxnMarkerValue(value: Uint8Array | null): EndTxnMarkerValue {
  if (value === null || value.length < END_TXN_MARKER_VALUE_SIZE) {
    throw badControlRecord(`transaction marker value must have at least ${END_TXN_MARKER_VALUE_SIZE} bytes, got ${value === null ? 'null' : value.length}`);
  }
  const view = new DataView(value.buffer, value.byteOffset, value.byteLength);
  const version = view.getInt16(0);
  if (version < 0) throw badControlRecord(`negative transaction marker version ${version}`);
  return { version, coordinatorEpoch: view.getInt32(2) };
}

/**
 * The transaction marker carried by a control record, or null when the
 * record is another kind of control record (LEADER_CHANGE, unknown, ...).
 */
export function decodeEndTxnMarker(record: Pick<KafkaRecord, 'key' | 'value'>): EndTxnMarker | null {
  const { type } = decodeControlRecordKey(record.key);
  if (type !== ControlRecordType.ABORT && type !== ControlRecordType.COMMIT) return null;
  return { type, ...decodeEndTxnMarkerValue(record.value) };
}

export interface EndTxnMarkerBatchOptions {
  readonly type: typeof ControlRecordType.ABORT | typeof ControlRecordType.COMMIT;
  readonly producerId: bigint;
  readonly producerEpoch: number;
  readonly coordinatorEpoch: number;
  readonly timestamp: bigint;
  readonly baseOffset?: bigint;
  readonly partitionLeaderEpoch?: number;
}

/**
 * A COMMIT or ABORT marker batch: control + transactional, uncompressed,
 * CreateTime, baseSequence -1, exactly one record.
 */
export function buildEndTxnMarkerBatch(options: EndTxnMarkerBatchOptions): Uint8Array {
  return buildRecordBatch(
    [{ key: encodeControlRecordKey(options.type), value: encodeEndTxnMarkerValue(options.coordinatorEpoch), timestamp: options.timestamp }],
    {
      baseOffset: options.baseOffset,
      partitionLeaderEpoch: options.partitionLeaderEpoch,
      producerId: options.producerId,
      producerEpoch: options.producerEpoch,
      isTransactional: true,
      isControl: true,
    },
  );
}
