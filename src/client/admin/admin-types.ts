/** The admin client's public types, shaped as KafkaJS's. */
import type { KafkaProtocolError } from '../client-errors.js';

/** KafkaJS's config resource types (Kafka's ConfigResource.Type ids). */
export const ConfigResourceTypes = {
  UNKNOWN: 0,
  TOPIC: 2,
  BROKER: 4,
  BROKER_LOGGER: 8,
} as const;
export type ConfigResourceTypes = (typeof ConfigResourceTypes)[keyof typeof ConfigResourceTypes];

/** KafkaJS's config sources (Kafka's DescribeConfigs source ids). */
export const ConfigSource = {
  UNKNOWN: 0,
  TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
  DYNAMIC_BROKER_LOGGER_CONFIG: 6,
} as const;

export interface ITopicConfig {
  topic: string;
  numPartitions?: number;
  replicationFactor?: number;
  replicaAssignment?: Array<{ partition: number; replicas: number[] }>;
  configEntries?: Array<{ name: string; value: string }>;
}

export interface CreateTopicsOptions {
  topics: ITopicConfig[];
  validateOnly?: boolean;
  waitForLeaders?: boolean;
  timeout?: number;
}

export interface CreatePartitionsOptions {
  topicPartitions: Array<{ topic: string; count: number; assignments?: number[][] }>;
  validateOnly?: boolean;
  timeout?: number;
}

export interface PartitionMetadata {
  partitionErrorCode: number;
  partitionId: number;
  leader: number;
  replicas: number[];
  isr: number[];
  offlineReplicas: number[];
}

export interface ITopicMetadata {
  name: string;
  /** Not in KafkaJS: the topic id (Kafka's UUID text, all zeros from brokers before Kafka 2.8). */
  topicId?: string;
  /** Not in KafkaJS: whether the broker marks the topic internal (__consumer_offsets). */
  isInternal?: boolean;
  partitions: PartitionMetadata[];
}

export interface SeekEntry {
  partition: number;
  offset: string;
}

export interface PartitionOffset {
  partition: number;
  offset: string;
}

export interface TopicOffsets {
  partition: number;
  offset: string;
  high: string;
  low: string;
}

export interface FetchOffsetsOptions {
  groupId: string;
  topics?: string[];
}

export interface ResourceConfigQuery {
  type: number;
  name: string;
  configNames?: string[];
}

export interface DescribeConfigsOptions {
  resources: ResourceConfigQuery[];
  includeSynonyms?: boolean;
}

export interface ConfigEntry {
  configName: string;
  configValue: string | null;
  isDefault: boolean;
  configSource: number;
  isSensitive: boolean;
  readOnly: boolean;
  configSynonyms: Array<{ configName: string; configValue: string | null; configSource: number }>;
}

export interface DescribeConfigsResult {
  resources: Array<{ errorCode: number; errorMessage: string | null; resourceType: number; resourceName: string; configEntries: ConfigEntry[] }>;
  throttleTime: number;
}

export interface AlterConfigsOptions {
  validateOnly?: boolean;
  resources: Array<{ type: number; name: string; configEntries: Array<{ name: string; value: string | null }> }>;
}

/** IncrementalAlterConfigs operations (Kafka's AlterConfigOp.OpType ids). */
export const AlterConfigOpTypes = {
  SET: 0,
  DELETE: 1,
  APPEND: 2,
  SUBTRACT: 3,
} as const;
export type AlterConfigOpType = (typeof AlterConfigOpTypes)[keyof typeof AlterConfigOpTypes];

export interface IncrementalAlterConfigsOptions {
  validateOnly?: boolean;
  /** Per resource, the operations on its configs: SET a value, DELETE an override (value ignored), APPEND to or SUBTRACT from a list value. */
  resources: Array<{ type: number; name: string; configEntries: Array<{ name: string; value?: string | null; operation: AlterConfigOpType }> }>;
}

export interface AlterConfigsResult {
  resources: Array<{ errorCode: number; errorMessage: string | null; resourceType: number; resourceName: string }>;
  throttleTime: number;
}

export interface GroupOverview {
  groupId: string;
  protocolType: string;
}

export interface MemberDescription {
  memberId: string;
  /** Not in KafkaJS: the static member's group.instance.id (KIP-345), null for a dynamic member. */
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  memberMetadata: Buffer;
  memberAssignment: Buffer;
}

export interface GroupDescription {
  groupId: string;
  errorCode: number;
  state: string;
  protocolType: string;
  protocol: string;
  members: MemberDescription[];
}

export interface GroupDescriptions {
  groups: GroupDescription[];
}

export interface DeleteGroupsResult {
  groupId: string;
  errorCode: number;
  error?: KafkaProtocolError;
}

/** One partition's outcome of deleteGroupOffsets. */
export interface DeleteGroupOffsetsResult {
  topic: string;
  partition: number;
  errorCode: number;
  error?: KafkaProtocolError;
}

/** One topic's part of alterPartitionReassignments: target replicas per partition (null cancels a move). */
export interface PartitionReassignment {
  topic: string;
  partitionAssignment: Array<{ partition: number; replicas: number[] | null }>;
}

/** A partition's outcome of alterPartitionReassignments. */
export interface PartitionReassignmentResult {
  topic: string;
  partition: number;
  error: KafkaProtocolError | null;
}

/** A partition being moved: all replicas (target first), and those being added and removed. */
export interface OngoingPartitionReassignment {
  topic: string;
  partition: number;
  replicas: number[];
  addingReplicas: number[];
  removingReplicas: number[];
}
