/**
 * Cluster metadata behind one interface: brokers, the controller, topics with their ids,
 * partition assignments, leaders, leader epochs, ISR, and topic config overrides. The first
 * implementation (LocalMetadataStore) keeps it in a file of a single broker; the cluster issue
 * adds a ZooKeeper implementation with the same shape.
 */

export interface BrokerEndpoint {
  listenerName: string;
  host: string;
  port: number;
  securityProtocol: string;
}

export interface BrokerRegistration {
  nodeId: number;
  endpoints: BrokerEndpoint[];
  rack: string | null;
}

export interface PartitionState {
  partition: number;
  leader: number;
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
  /** Bumped on every change of this partition's state (Kafka's partition epoch / ZK version). */
  partitionEpoch: number;
  /** During a reassignment (KIP-455): replicas being added; `replicas` holds target then original ones. */
  addingReplicas?: number[];
  /** During a reassignment: replicas leaving once the added ones are in sync. */
  removingReplicas?: number[];
}

export interface TopicMetadata {
  name: string;
  /** Kafka's UUID text form (URL-safe base64, 22 characters). */
  topicId: string;
  internal: boolean;
  partitions: PartitionState[];
  /** Topic-level config overrides (the DYNAMIC_TOPIC_CONFIG entries). */
  configs: Record<string, string>;
}

export interface CreateTopicSpec {
  name: string;
  numPartitions: number;
  replicationFactor: number;
  /** Explicit replica lists, one per partition; overrides numPartitions/replicationFactor. */
  assignments?: number[][];
  configs: Record<string, string>;
}

export type MetadataError =
  | 'TOPIC_ALREADY_EXISTS'
  | 'UNKNOWN_TOPIC_OR_PARTITION'
  | 'INVALID_TOPIC_EXCEPTION'
  | 'INVALID_PARTITIONS'
  | 'INVALID_REPLICATION_FACTOR'
  | 'INVALID_REPLICA_ASSIGNMENT'
  | 'TOPIC_DELETION_DISABLED'
  /** The change could not be stored (a full disk, say): nothing changed. */
  | 'KAFKA_STORAGE_ERROR';

export type MetadataResult<T> = { ok: true; value: T } | { ok: false; error: MetadataError; message: string };

export type MetadataEvent =
  | { kind: 'topicCreated'; topic: TopicMetadata }
  | { kind: 'topicDeleted'; topic: TopicMetadata }
  | { kind: 'partitionsCreated'; topic: TopicMetadata; from: number }
  | { kind: 'topicConfigChanged'; topic: TopicMetadata }
  /** Dynamic broker configs changed, for `brokerId` or (null) the cluster-wide default. */
  | { kind: 'brokerConfigChanged'; brokerId: number | null }
  /** Leaders, leader epochs or ISRs of some of the topic's partitions changed (cluster mode). */
  | { kind: 'partitionStatesChanged'; topic: TopicMetadata };

/** A leader's ISR change (Kafka's AlterPartition / ZooKeeper-mode ISR update). */
export interface AlterPartitionIsrRequest {
  /** The leader epoch the leader acts in: a different current epoch refuses the change. */
  leaderEpoch: number;
  isr: number[];
  /** The partition epoch the change is based on: a stale one is refused (INVALID_UPDATE_VERSION). */
  partitionEpoch: number;
}

export type AlterPartitionIsrResult =
  | { ok: true; partitionEpoch: number }
  | { ok: false; error: 'UNKNOWN_TOPIC_OR_PARTITION' | 'FENCED_LEADER_EPOCH' | 'INVALID_UPDATE_VERSION' | 'NOT_LEADER_OR_FOLLOWER' | 'KAFKA_STORAGE_ERROR'; message: string };

/** `validateOnly`: run every check and return what would be created, changing nothing. */
export interface MetadataWriteOptions {
  validateOnly?: boolean;
}

export interface MetadataStore {
  clusterId(): string;
  controllerId(): number;
  brokers(): BrokerRegistration[];
  topics(): TopicMetadata[];
  topic(name: string): TopicMetadata | undefined;
  topicById(topicId: string): TopicMetadata | undefined;
  createTopic(spec: CreateTopicSpec, options?: MetadataWriteOptions): Promise<MetadataResult<TopicMetadata>>;
  deleteTopic(name: string): Promise<MetadataResult<TopicMetadata>>;
  createPartitions(name: string, totalCount: number, assignments?: number[][], options?: MetadataWriteOptions): Promise<MetadataResult<TopicMetadata>>;
  setTopicConfigs(name: string, configs: Record<string, string>): Promise<MetadataResult<TopicMetadata>>;
  /**
   * Dynamic broker configs (Kafka's /config/brokers/<id> and /config/brokers/<default>): those of
   * broker `brokerId`, or with null the cluster-wide default. Empty when none were set.
   */
  brokerConfigs(brokerId: number | null): Record<string, string>;
  /**
   * Replaces the dynamic configs of broker `brokerId` (null: the cluster-wide default). Rejects
   * with a StorageError (storage/storage-error.ts), changing nothing, when the change cannot be stored.
   */
  setBrokerConfigs(brokerId: number | null, configs: Record<string, string>): Promise<void>;
  /**
   * Allocates a block of producer ids (Kafka's ZK-era /latest_producer_id_block). Rejects with a
   * StorageError, allocating nothing, when the new block cannot be stored.
   */
  allocateProducerIds(count: number): Promise<{ firstProducerId: bigint; count: number }>;
  /**
   * The leader's ISR change for one partition, made only when `leaderEpoch` and `partitionEpoch`
   * are still the current ones (Kafka refuses a stale partition epoch); on success the state's
   * new partition epoch, and the store's own view shows the new ISR.
   */
  alterPartitionIsr(topic: string, partition: number, request: AlterPartitionIsrRequest): Promise<AlterPartitionIsrResult>;
  subscribe(listener: (event: MetadataEvent) => void): () => void;
  close(): Promise<void>;
}
