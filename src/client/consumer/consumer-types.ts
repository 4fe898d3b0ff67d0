/** The consumer's public types, shaped as KafkaJS's. */

export interface KafkaMessage {
  key: Buffer | null;
  value: Buffer | null;
  /** Milliseconds since the epoch, as a string. */
  timestamp: string;
  /** The record batch's attributes (codec, timestamp type, transactional, control bits). */
  attributes: number;
  offset: string;
  headers: Record<string, Buffer | Buffer[] | undefined>;
  size?: number;
}

export interface EachMessagePayload {
  topic: string;
  partition: number;
  message: KafkaMessage;
  heartbeat(): Promise<void>;
  /** Pauses this message's partition (KafkaJS). */
  pause(): () => void;
}

export interface Batch {
  topic: string;
  partition: number;
  highWatermark: string;
  messages: KafkaMessage[];
  isEmpty(): boolean;
  firstOffset(): string | null;
  lastOffset(): string;
  offsetLag(): string;
  offsetLagLow(): string;
}

export interface EachBatchPayload {
  batch: Batch;
  /** Marks `offset` as processed: the next commit will be `offset + 1`. */
  resolveOffset(offset: string): void;
  heartbeat(): Promise<void>;
  pause(): () => void;
  commitOffsetsIfNecessary(offsets?: TopicPartitionOffset[]): Promise<void>;
  uncommittedOffsets(): TopicPartitionOffset[];
  isRunning(): boolean;
  isStale(): boolean;
}

export interface ConsumerRunConfig {
  autoCommit?: boolean;
  /** Commit at most every this many ms (default 5000). */
  autoCommitInterval?: number | null;
  /** Commit after this many resolved messages. */
  autoCommitThreshold?: number | null;
  /** eachBatch: resolve the whole batch when the handler returns (default true). */
  eachBatchAutoResolve?: boolean;
  /** How many partitions' records the handler may process at once (default 1); each partition stays in order. */
  partitionsConsumedConcurrently?: number;
  eachMessage?: (payload: EachMessagePayload) => Promise<void>;
  eachBatch?: (payload: EachBatchPayload) => Promise<void>;
}

export interface TopicPartitionOffset {
  topic: string;
  partition: number;
  /** The next offset to consume (last processed + 1), as a string. */
  offset: string;
}

export interface TopicPartitions {
  topic: string;
  /** All partitions of the topic when omitted. */
  partitions?: number[];
}

export interface ConsumerSubscribeTopics {
  topics: string[];
  /** auto.offset.reset for partitions without a committed offset: earliest when true, latest otherwise. */
  fromBeginning?: boolean;
}

/** What the async iterator yields. */
export interface ConsumedMessage {
  topic: string;
  partition: number;
  message: KafkaMessage;
}
