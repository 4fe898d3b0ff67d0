/** The producer's public types, shaped as KafkaJS's. */

/** Header values as KafkaJS takes them: a string or Buffer, or several for a repeated key. */
export type IHeaders = Record<string, string | Buffer | Uint8Array | Array<string | Buffer | Uint8Array> | undefined>;

export interface Message {
  key?: Buffer | Uint8Array | string | null;
  value: Buffer | Uint8Array | string | null;
  partition?: number;
  headers?: IHeaders;
  /** Milliseconds since the epoch, as a string (KafkaJS) or number; default: now. */
  timestamp?: string | number;
}

/** KafkaJS's compression codec ids (equal to Kafka's attribute values). */
export const CompressionTypes = {
  None: 0,
  GZIP: 1,
  Snappy: 2,
  LZ4: 3,
  ZSTD: 4,
} as const;
export type CompressionTypes = (typeof CompressionTypes)[keyof typeof CompressionTypes];

export interface ProducerRecord {
  topic: string;
  messages: Message[];
  /** -1 (all in-sync replicas, default), 1 (leader), 0 (no response). */
  acks?: number;
  /** The broker's wait for acknowledgements (the Produce request's timeoutMs), default 30000. */
  timeout?: number;
  compression?: CompressionTypes;
}

export interface TopicMessages {
  topic: string;
  messages: Message[];
}

export interface ProducerBatch {
  topicMessages?: TopicMessages[];
  acks?: number;
  timeout?: number;
  compression?: CompressionTypes;
}

/**
 * One per topic-partition a send wrote to. `baseOffset` is the offset of the first of this
 * send's messages in that partition (KafkaJS: the batch's base offset; the same unless sends were
 * batched together); "-1" for acks=0.
 */
export interface RecordMetadata {
  topicName: string;
  partition: number;
  errorCode: number;
  baseOffset: string;
  logAppendTime: string;
  logStartOffset: string;
}

export interface PartitionerArgs {
  topic: string;
  partitionMetadata: Array<{ partitionId: number; leader: number }>;
  message: Message;
}

/** KafkaJS's custom partitioner shape: `createPartitioner: () => ({ topic, partitionMetadata, message }) => partition`. */
export type ICustomPartitioner = () => (args: PartitionerArgs) => number;
