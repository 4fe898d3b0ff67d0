/**
 * The records connectors and transforms exchange (Kafka's ConnectRecord, SourceRecord,
 * SinkRecord). Records are immutable; `newRecord(...)` makes a modified copy of the same kind,
 * keeping the kind-specific fields (source partition/offset, Kafka offset/timestamp type), which
 * is what single message transforms build on.
 *
 * Representations: `timestamp` is epoch milliseconds as a number (or null); `kafkaOffset` is a
 * bigint like every offset in Samsa; source partition/offset maps are plain objects.
 */
import type { TimestampType } from '../../../protocol/records/record-batch-header.js';
import { ConnectHeaders } from './headers.js';
import type { Header } from './headers.js';
import type { Schema } from './schema.js';

export type { TimestampType };

export interface ConnectRecordInit {
  topic: string;
  kafkaPartition?: number | null;
  keySchema?: Schema | null;
  key?: unknown;
  valueSchema?: Schema | null;
  value?: unknown;
  timestamp?: number | null;
  headers?: Iterable<Header> | null;
}

export abstract class ConnectRecord<R extends ConnectRecord<R>> {
  readonly topic: string;
  readonly kafkaPartition: number | null;
  readonly keySchema: Schema | null;
  readonly key: unknown;
  readonly valueSchema: Schema | null;
  readonly value: unknown;
  readonly timestamp: number | null;
  readonly headers: ConnectHeaders;

  protected constructor(init: ConnectRecordInit) {
    this.topic = init.topic;
    this.kafkaPartition = init.kafkaPartition ?? null;
    this.keySchema = init.keySchema ?? null;
    this.key = init.key ?? null;
    this.valueSchema = init.valueSchema ?? null;
    this.value = init.value ?? null;
    this.timestamp = init.timestamp ?? null;
    this.headers = new ConnectHeaders(init.headers ?? undefined);
  }

  /**
   * A copy with the given topic, partition, key, value and timestamp (Kafka's newRecord). Headers
   * are copied from this record unless given.
   */
  abstract newRecord(
    topic: string, kafkaPartition: number | null, keySchema: Schema | null, key: unknown,
    valueSchema: Schema | null, value: unknown, timestamp: number | null, headers?: Iterable<Header>,
  ): R;

  /** A copy with some fields replaced (a keyword form of newRecord). */
  with(changes: Partial<ConnectRecordInit>): R {
    return this.newRecord(
      hasOwn(changes, 'topic') ? changes.topic! : this.topic,
      hasOwn(changes, 'kafkaPartition') ? changes.kafkaPartition ?? null : this.kafkaPartition,
      hasOwn(changes, 'keySchema') ? changes.keySchema ?? null : this.keySchema,
      hasOwn(changes, 'key') ? changes.key : this.key,
      hasOwn(changes, 'valueSchema') ? changes.valueSchema ?? null : this.valueSchema,
      hasOwn(changes, 'value') ? changes.value : this.value,
      hasOwn(changes, 'timestamp') ? changes.timestamp ?? null : this.timestamp,
      hasOwn(changes, 'headers') && changes.headers ? changes.headers : this.headers, // copied by the new record
    );
  }
}

function hasOwn(changes: Partial<ConnectRecordInit>, key: keyof ConnectRecordInit): boolean {
  return Object.prototype.hasOwnProperty.call(changes, key);
}

export interface SourceRecordInit extends ConnectRecordInit {
  sourcePartition?: Readonly<Record<string, unknown>> | null;
  sourceOffset?: Readonly<Record<string, unknown>> | null;
}

/** A record produced by a source connector, with where it came from in the source system. */
export class SourceRecord extends ConnectRecord<SourceRecord> {
  readonly sourcePartition: Readonly<Record<string, unknown>> | null;
  readonly sourceOffset: Readonly<Record<string, unknown>> | null;

  constructor(init: SourceRecordInit) {
    super(init);
    this.sourcePartition = init.sourcePartition ?? null;
    this.sourceOffset = init.sourceOffset ?? null;
  }

  newRecord(
    topic: string, kafkaPartition: number | null, keySchema: Schema | null, key: unknown,
    valueSchema: Schema | null, value: unknown, timestamp: number | null, headers?: Iterable<Header>,
  ): SourceRecord {
    return new SourceRecord({
      topic, kafkaPartition, keySchema, key, valueSchema, value, timestamp,
      headers: headers ?? this.headers, // copied by the constructor
      sourcePartition: this.sourcePartition, sourceOffset: this.sourceOffset,
    });
  }
}

export interface SinkRecordInit extends ConnectRecordInit {
  kafkaPartition: number;
  kafkaOffset: bigint;
  timestampType?: TimestampType | 'NoTimestampType';
}

/** A record consumed from Kafka for a sink connector, with its offset and timestamp type. */
export class SinkRecord extends ConnectRecord<SinkRecord> {
  readonly kafkaOffset: bigint;
  readonly timestampType: TimestampType | 'NoTimestampType';

  constructor(init: SinkRecordInit) {
    super(init);
    this.kafkaOffset = init.kafkaOffset;
    this.timestampType = init.timestampType ?? 'NoTimestampType';
  }

  newRecord(
    topic: string, kafkaPartition: number | null, keySchema: Schema | null, key: unknown,
    valueSchema: Schema | null, value: unknown, timestamp: number | null, headers?: Iterable<Header>,
  ): SinkRecord {
    return new SinkRecord({
      topic, kafkaPartition: kafkaPartition ?? this.kafkaPartition ?? 0, keySchema, key, valueSchema, value, timestamp,
      headers: headers ?? this.headers, // copied by the constructor
      kafkaOffset: this.kafkaOffset, timestampType: this.timestampType,
    });
  }
}
