import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../../logging/logger.js';
import type {
  AlterPartitionIsrRequest,
  AlterPartitionIsrResult,
  BrokerRegistration,
  CreateTopicSpec,
  MetadataEvent,
  MetadataResult,
  MetadataStore,
  MetadataWriteOptions,
  PartitionState,
  TopicMetadata,
} from './metadata-store.js';
import { writeFileAtomically } from '../storage/checkpoint-file.js';
import { StorageError } from '../storage/storage-error.js';
import { INTERNAL_TOPICS } from './topic-name.js';
import { assignmentProblem, newTopicProblem, partitionCountProblem, partitionIncreaseProblem, UNKNOWN_TOPIC } from './topic-validation.js';

/** File (in the first log dir) where a broker without ZooKeeper keeps its cluster metadata. */
export const LOCAL_METADATA_FILE = 'samsa-local-metadata.json';

interface PersistedState {
  version: 1;
  clusterId: string;
  nextProducerId: string;
  topics: TopicMetadata[];
  /** Dynamic broker configs by broker id, '<default>' for the cluster default (absent in older files). */
  brokerConfigs?: Record<string, Record<string, string>>;
}

/** Kafka's entity name for the cluster-wide default broker configs. */
const DEFAULT_BROKER_ENTITY = '<default>';

export function newTopicId(): string {
  for (;;) {
    const id = randomBytes(16);
    // Kafka reserves the all-zero UUID and ids whose base64 starts with '-'.
    if (!id.every((b) => b === 0) && !id.toString('base64url').startsWith('-')) return id.toString('base64url');
  }
}

export function newClusterId(): string {
  return newTopicId();
}

function fail<T>(error: MetadataResult<T> & { ok: false }): MetadataResult<T> {
  return error;
}

function storageFailure<T>(failure: StorageError): MetadataResult<T> {
  return { ok: false, error: 'KAFKA_STORAGE_ERROR', message: failure.message };
}

export interface LocalMetadataStoreOptions {
  /** Folder for the metadata file (the broker's first log dir). */
  dir: string;
  nodeId: number;
  clusterId: string;
  /** This broker's advertised endpoints. */
  endpoints: BrokerRegistration['endpoints'];
  rack?: string | null;
  logger: Logger;
}

/**
 * Metadata of a single broker that runs without ZooKeeper: every partition is led by this broker,
 * with itself as the only replica and the whole ISR. State is written atomically (temporary file,
 * fsync, rename, directory fsync) on every change, before the change is made in memory: a change
 * that cannot be stored (a full disk) is refused with KAFKA_STORAGE_ERROR and leaves no trace.
 */
export class LocalMetadataStore implements MetadataStore {
  private state: PersistedState;
  private readonly byName = new Map<string, TopicMetadata>();
  private readonly listeners = new Set<(event: MetadataEvent) => void>();
  private readonly path: string;
  private registration: BrokerRegistration;

  constructor(private readonly opts: LocalMetadataStoreOptions) {
    this.path = join(opts.dir, LOCAL_METADATA_FILE);
    this.registration = { nodeId: opts.nodeId, endpoints: opts.endpoints, rack: opts.rack ?? null };
    if (existsSync(this.path)) {
      const parsed = JSON.parse(readFileSync(this.path, 'utf8')) as PersistedState;
      if (parsed.version !== 1) throw new Error(`${this.path}: unsupported metadata version ${String(parsed.version)}`);
      if (parsed.clusterId !== opts.clusterId) {
        throw new Error(`${this.path} belongs to cluster ${parsed.clusterId}, but the log dirs belong to ${opts.clusterId}`);
      }
      this.state = parsed;
    } else {
      // Not written until the first change: an empty state is what a missing file means anyway,
      // and a fresh broker starts without an fsync for it.
      this.state = { version: 1, clusterId: opts.clusterId, nextProducerId: '0', topics: [] };
    }
    for (const t of this.state.topics) this.byName.set(t.name, t);
  }

  /** Updates the endpoints advertised for this broker (they are known only once listeners are bound). */
  setEndpoints(endpoints: BrokerRegistration['endpoints']): void {
    this.registration = { ...this.registration, endpoints };
  }

  clusterId(): string {
    return this.state.clusterId;
  }

  controllerId(): number {
    return this.opts.nodeId;
  }

  brokers(): BrokerRegistration[] {
    return [this.registration];
  }

  topics(): TopicMetadata[] {
    return this.state.topics;
  }

  topic(name: string): TopicMetadata | undefined {
    return this.byName.get(name);
  }

  topicById(topicId: string): TopicMetadata | undefined {
    return this.state.topics.find((t) => t.topicId === topicId);
  }

  /**
   * Writes `next`, the whole state after a change; null once it is stored, else the reason. The
   * caller makes the change in memory only after that, so a failed write changes nothing.
   */
  private store(next: PersistedState, change: string): StorageError | null {
    try {
      // A failed write leaves the old file as it was and removes its temporary file.
      writeFileAtomically(this.path, JSON.stringify(next, null, 1));
      return null;
    } catch (err) {
      const failure = new StorageError(`could not store the cluster metadata (${change}) in ${this.path}`, err);
      this.opts.logger.error({ err, file: this.path, change }, 'could not store the cluster metadata: the change is refused');
      return failure;
    }
  }

  /** The state with `topic` replaced by `replacement` (for writing before the in-place change). */
  private withTopic(topic: TopicMetadata, replacement: TopicMetadata): PersistedState {
    return { ...this.state, topics: this.state.topics.map((t) => (t === topic ? replacement : t)) };
  }

  private emit(event: MetadataEvent): void {
    for (const l of this.listeners) l(event);
  }

  private assign(count: number, replicationFactor: number, from: number): MetadataResult<PartitionState[]> {
    const countProblem = partitionCountProblem(count);
    if (countProblem !== null) return countProblem;
    if (replicationFactor !== 1 && replicationFactor !== -1) {
      return fail({ ok: false, error: 'INVALID_REPLICATION_FACTOR', message: `Replication factor: ${replicationFactor} larger than available brokers: 1.` });
    }
    const out: PartitionState[] = [];
    for (let p = from; p < from + count; p++) {
      out.push({ partition: p, leader: this.opts.nodeId, leaderEpoch: 0, replicas: [this.opts.nodeId], isr: [this.opts.nodeId], partitionEpoch: 0 });
    }
    return { ok: true, value: out };
  }

  private explicit(assignments: number[][], from: number): MetadataResult<PartitionState[]> {
    const problem = assignmentProblem(assignments, from, new Set([this.opts.nodeId]));
    if (problem !== null) return problem;
    return { ok: true, value: assignments.map((replicas, i) => ({ partition: from + i, leader: replicas[0]!, leaderEpoch: 0, replicas, isr: [...replicas], partitionEpoch: 0 })) };
  }

  async createTopic(spec: CreateTopicSpec, options: MetadataWriteOptions = {}): Promise<MetadataResult<TopicMetadata>> {
    const problem = newTopicProblem(spec.name, this.byName.keys());
    if (problem !== null) return problem;
    const partitions = spec.assignments !== undefined ? this.explicit(spec.assignments, 0) : this.assign(spec.numPartitions, spec.replicationFactor, 0);
    if (!partitions.ok) return partitions;
    const topic: TopicMetadata = {
      name: spec.name,
      topicId: newTopicId(),
      internal: INTERNAL_TOPICS.has(spec.name),
      partitions: partitions.value,
      configs: { ...spec.configs },
    };
    if (options.validateOnly === true) return { ok: true, value: topic };
    const failure = this.store({ ...this.state, topics: [...this.state.topics, topic] }, `create topic ${topic.name}`);
    if (failure !== null) return storageFailure(failure);
    this.state.topics.push(topic);
    this.byName.set(topic.name, topic);
    this.opts.logger.info({ topic: topic.name, partitions: topic.partitions.length, topicId: topic.topicId }, 'created topic');
    this.emit({ kind: 'topicCreated', topic });
    return { ok: true, value: topic };
  }

  async deleteTopic(name: string): Promise<MetadataResult<TopicMetadata>> {
    const topic = this.byName.get(name);
    if (topic === undefined) return UNKNOWN_TOPIC;
    const next = { ...this.state, topics: this.state.topics.filter((t) => t !== topic) };
    const failure = this.store(next, `delete topic ${name}`);
    if (failure !== null) return storageFailure(failure);
    this.state = next;
    this.byName.delete(name);
    this.opts.logger.info({ topic: name }, 'deleted topic');
    this.emit({ kind: 'topicDeleted', topic });
    return { ok: true, value: topic };
  }

  async createPartitions(name: string, totalCount: number, assignments?: number[][], options: MetadataWriteOptions = {}): Promise<MetadataResult<TopicMetadata>> {
    const topic = this.byName.get(name);
    if (topic === undefined) return UNKNOWN_TOPIC;
    const from = topic.partitions.length;
    const problem = partitionIncreaseProblem(from, totalCount, assignments);
    if (problem !== null) return problem;
    const added = assignments !== undefined ? this.explicit(assignments, from) : this.assign(totalCount - from, topic.partitions[0]?.replicas.length ?? 1, from);
    if (!added.ok) return added;
    if (options.validateOnly === true) return { ok: true, value: { ...topic, partitions: [...topic.partitions, ...added.value] } };
    const failure = this.store(this.withTopic(topic, { ...topic, partitions: [...topic.partitions, ...added.value] }), `add partitions to ${name}`);
    if (failure !== null) return storageFailure(failure);
    topic.partitions.push(...added.value);
    this.emit({ kind: 'partitionsCreated', topic, from });
    return { ok: true, value: topic };
  }

  async setTopicConfigs(name: string, configs: Record<string, string>): Promise<MetadataResult<TopicMetadata>> {
    const topic = this.byName.get(name);
    if (topic === undefined) return UNKNOWN_TOPIC;
    const failure = this.store(this.withTopic(topic, { ...topic, configs: { ...configs } }), `configs of ${name}`);
    if (failure !== null) return storageFailure(failure);
    topic.configs = { ...configs };
    this.emit({ kind: 'topicConfigChanged', topic });
    return { ok: true, value: topic };
  }

  brokerConfigs(brokerId: number | null): Record<string, string> {
    return { ...(this.state.brokerConfigs?.[brokerId === null ? DEFAULT_BROKER_ENTITY : String(brokerId)] ?? {}) };
  }

  async setBrokerConfigs(brokerId: number | null, configs: Record<string, string>): Promise<void> {
    const entity = brokerId === null ? DEFAULT_BROKER_ENTITY : String(brokerId);
    const all = { ...(this.state.brokerConfigs ?? {}) };
    if (Object.keys(configs).length === 0) delete all[entity];
    else all[entity] = { ...configs };
    const failure = this.store({ ...this.state, brokerConfigs: all }, `configs of broker ${entity}`);
    if (failure !== null) throw failure;
    this.state.brokerConfigs = all;
    this.emit({ kind: 'brokerConfigChanged', brokerId });
  }

  async allocateProducerIds(count: number): Promise<{ firstProducerId: bigint; count: number }> {
    const first = BigInt(this.state.nextProducerId);
    const nextProducerId = String(first + BigInt(count));
    const failure = this.store({ ...this.state, nextProducerId }, 'a block of producer ids');
    if (failure !== null) throw failure;
    this.state.nextProducerId = nextProducerId;
    return { firstProducerId: first, count };
  }

  /**
   * The ISR of a single broker's partition (it can only ever be [this broker]): checked like
   * ZooKeeper's version check, stored, and reported as a partition state change.
   */
  async alterPartitionIsr(topic: string, partition: number, request: AlterPartitionIsrRequest): Promise<AlterPartitionIsrResult> {
    const t = this.byName.get(topic);
    const state = t?.partitions[partition];
    if (t === undefined || state === undefined) return { ok: false, error: 'UNKNOWN_TOPIC_OR_PARTITION', message: `${topic}-${partition} does not exist` };
    if (state.leaderEpoch !== request.leaderEpoch) return { ok: false, error: 'FENCED_LEADER_EPOCH', message: `leader epoch ${request.leaderEpoch} is not the current ${state.leaderEpoch}` };
    if (state.partitionEpoch !== request.partitionEpoch) return { ok: false, error: 'INVALID_UPDATE_VERSION', message: `partition epoch ${request.partitionEpoch} is not the current ${state.partitionEpoch}` };
    const changed: PartitionState = { ...state, isr: [...request.isr], partitionEpoch: state.partitionEpoch + 1 };
    const failure = this.store(this.withTopic(t, { ...t, partitions: t.partitions.map((p) => (p === state ? changed : p)) }), `ISR of ${topic}-${partition}`);
    if (failure !== null) return { ok: false, error: 'KAFKA_STORAGE_ERROR', message: failure.message };
    state.isr = changed.isr;
    state.partitionEpoch = changed.partitionEpoch;
    this.emit({ kind: 'partitionStatesChanged', topic: t });
    return { ok: true, partitionEpoch: state.partitionEpoch };
  }

  subscribe(listener: (event: MetadataEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}
