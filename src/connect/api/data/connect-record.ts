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
    const has = (k: keyof ConnectRecordInit): boolean => Object.prototype.hasOwnProperty.call(changes, k);
    return this.newRecord(
      has('topic') ? changes.topic! : this.topic,
      has('kafkaPartition') ? changes.kafkaPartition ?? null : this.kafkaPartition,
      has('keySchema') ? changes.keySchema ?? null : this.keySchema,
      has('key') ? changes.key : this.key,
      has('valueSchema') ? changes.valueSchema ?? null : this.valueSchema,
      has('value') ? changes.value : this.value,
      has('timestamp') ? changes.timestamp ?? null : this.timestamp,
      has('headers') && changes.headers ? changes.headers : this.headers.duplicate(),
    );
  }
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
      headers: headers ?? this.headers.duplicate(),
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
      headers: headers ?? this.headers.duplicate(),
      kafkaOffset: this.kafkaOffset, timestampType: this.timestampType,
    });
  }
}
