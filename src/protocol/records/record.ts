/** The record types shared by the decoder and the builder. */

/** A record header. The key cannot be null; the value can. */
export interface RecordHeader {
  readonly key: string;
  readonly value: Uint8Array | null;
}

/**
 * A decoded record. `key`, `value` and header values are views into the
 * batch bytes (or into the decompressed payload): copy them to keep them
 * beyond the life of that buffer.
 */
export interface KafkaRecord {
  /** Absolute offset: the batch's baseOffset + offsetDelta. */
  readonly offset: bigint;
  readonly offsetDelta: number;
  /** baseTimestamp + timestampDelta, or the batch's maxTimestamp under LogAppendTime. */
  readonly timestamp: bigint;
  readonly key: Uint8Array | null;
  readonly value: Uint8Array | null;
  readonly headers: RecordHeader[];
}

/** A record to put in a batch. */
export interface RecordInput {
  readonly key?: Uint8Array | null;
  readonly value?: Uint8Array | null;
  readonly headers?: readonly RecordHeader[];
  /** Defaults to the builder's `timestamp` option. */
  readonly timestamp?: bigint;
  /** Defaults to the record's index in the batch. */
  readonly offsetDelta?: number;
}
