/**
 * Cluster metadata kept in ZooKeeper (cluster mode): the `MetadataStore` a broker with
 * `zookeeper.connect` uses. Reads come from a cache of Kafka's znodes that watches keep current
 * (one serial refresh at a time; each refresh re-reads brokers, the controller, topics with their
 * configs and partition states, and dynamic broker configs, and reports what changed to the
 * subscribers as MetadataEvents). Writes go to ZooKeeper the way ZooKeeper-mode Kafka's admin
 * path makes them (topic config and assignment in one multi, deletion marks, assignment updates
 * with a version check); the controller (`../../controller/controller.ts`) then writes the
 * partition states, and the write resolves once the cache shows the result or the propagation
 * timeout passes.
 */
import type { Logger } from '../../../logging/logger.js';
import { assignReplicas } from '../../../common/replica-assignment.js';
import { newTopicId } from '../local-metadata-store.js';
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
} from '../metadata-store.js';
import { INTERNAL_TOPICS } from '../topic-name.js';
import { assignmentProblem, newTopicProblem, partitionCountProblem, partitionIncreaseProblem, UNKNOWN_TOPIC } from '../topic-validation.js';
import { registerBroker } from './broker-registration.js';
import { decodeBrokerRegistration, decodeController, decodeTopicConfig, encodeTopicAssignment, encodeTopicConfig, ZNODES } from './kafka-znodes.js';
import { claimProducerIdBlock } from './producer-id-block.js';
import { createTopicZnodes, markTopicForDeletion, readPartitionState, readTopic, readTopicNames, updateIsr } from './topic-znodes.js';
import { ZooKeeperError } from './zookeeper-client.js';
import type { ZooKeeperClient } from './zookeeper-client.js';

export interface ZooKeeperMetadataStoreOptions {
  /** A connected client (its chroot is the cluster's root). */
  zk: ZooKeeperClient;
  nodeId: number;
  /** The cluster id read from (or written to) /cluster/id. */
  clusterId: string;
  /** default.replication.factor, for topics created with replication factor -1. Default 1. */
  defaultReplicationFactor?: number;
  /** How long a write waits for the controller's result to show in the cache. Default 10 s. */
  propagationTimeoutMs?: number;
  logger: Logger;
}

/** Kafka's entity name for the cluster-wide default broker configs (/config/brokers/<default>). */
const DEFAULT_BROKER_ENTITY = '<default>';

function fail<T>(error: MetadataResult<T> & { ok: false }): MetadataResult<T> {
  return error;
}

export class ZooKeeperMetadataStore implements MetadataStore {
  private brokersById = new Map<number, BrokerRegistration>();
  private byName = new Map<string, TopicMetadata>();
  private controller = -1;
  private dynamicConfigs = new Map<string, Record<string, string>>();
  private readonly listeners = new Set<(event: MetadataEvent) => void>();
  private refreshing: Promise<void> = Promise.resolve();
  private closed = false;
  /** One stable callback for every watch (the client registers a function once per path). */
  private readonly onChange = (): void => {
    if (!this.closed) void this.refresh();
  };

  private constructor(private readonly opts: ZooKeeperMetadataStoreOptions) {}

  /** Reads the current metadata and keeps watching it. */
  static async open(opts: ZooKeeperMetadataStoreOptions): Promise<ZooKeeperMetadataStore> {
    const store = new ZooKeeperMetadataStore(opts);
    await store.refresh();
    return store;
  }

  /** Registers this broker (the ephemeral /brokers/ids/<id>) with its endpoints and rack. */
  async register(registration: BrokerRegistration): Promise<void> {
    await registerBroker(this.opts.zk, registration);
    await this.refresh();
  }

  clusterId(): string {
    return this.opts.clusterId;
  }

  controllerId(): number {
    return this.controller;
  }

  brokers(): BrokerRegistration[] {
    return [...this.brokersById.values()].sort((a, b) => a.nodeId - b.nodeId);
  }

  topics(): TopicMetadata[] {
    return [...this.byName.values()];
  }

  topic(name: string): TopicMetadata | undefined {
    return this.byName.get(name);
  }

  topicById(topicId: string): TopicMetadata | undefined {
    for (const t of this.byName.values()) if (t.topicId === topicId) return t;
    return undefined;
  }

  async createTopic(spec: CreateTopicSpec, options: MetadataWriteOptions = {}): Promise<MetadataResult<TopicMetadata>> {
    const problem = newTopicProblem(spec.name, this.byName.keys());
    if (problem !== null) return problem;
    const replicas = this.plan(spec.assignments, spec.numPartitions, spec.replicationFactor, 0);
    if (!replicas.ok) return replicas;
    const planned = this.topicFrom(spec.name, newTopicId(), replicas.value, { ...spec.configs });
    if (options.validateOnly === true) return { ok: true, value: planned };
    const written = await createTopicZnodes(this.opts.zk, spec.name, { topicId: planned.topicId, partitions: replicas.value }, spec.configs);
    if (!written.ok) return fail(written);
    this.opts.logger.info({ topic: spec.name, partitions: replicas.value.length, topicId: planned.topicId }, 'created topic in ZooKeeper');
    const led = await this.awaitCache((t) => t.get(spec.name)?.partitions.every((p) => p.leader >= 0) === true);
    return { ok: true, value: led ? this.byName.get(spec.name)! : planned };
  }

  async deleteTopic(name: string): Promise<MetadataResult<TopicMetadata>> {
    const topic = this.byName.get(name);
    if (topic === undefined) return UNKNOWN_TOPIC;
    const marked = await markTopicForDeletion(this.opts.zk, name);
    if (!marked.ok) return fail(marked);
    await this.awaitCache((t) => !t.has(name));
    return { ok: true, value: topic };
  }

  async createPartitions(name: string, totalCount: number, assignments?: number[][], options: MetadataWriteOptions = {}): Promise<MetadataResult<TopicMetadata>> {
    const topic = this.byName.get(name);
    if (topic === undefined) return UNKNOWN_TOPIC;
    const from = topic.partitions.length;
    const problem = partitionIncreaseProblem(from, totalCount, assignments);
    if (problem !== null) return problem;
    const added = this.plan(assignments, totalCount - from, topic.partitions[0]?.replicas.length ?? 1, from);
    if (!added.ok) return added;
    const all = [...topic.partitions.map((p) => p.replicas), ...added.value];
    if (options.validateOnly === true) return { ok: true, value: this.topicFrom(name, topic.topicId, all, topic.configs) };
    const node = await this.opts.zk.getData(ZNODES.topic(name));
    if (node === null) return UNKNOWN_TOPIC;
    try {
      await this.opts.zk.setData(ZNODES.topic(name), encodeTopicAssignment({ topicId: topic.topicId, partitions: all }), node.version);
    } catch (err) {
      // The assignment changed since it was read (another CreatePartitions): Kafka answers the same way.
      if (err instanceof ZooKeeperError && err.code === 'BAD_VERSION') return fail({ ok: false, error: 'INVALID_PARTITIONS', message: `The partitions of topic '${name}' changed concurrently; retry.` });
      throw err;
    }
    await this.awaitCache((t) => t.get(name)?.partitions.length === totalCount && t.get(name)!.partitions.every((p) => p.leader >= 0));
    return { ok: true, value: this.byName.get(name) ?? this.topicFrom(name, topic.topicId, all, topic.configs) };
  }

  async setTopicConfigs(name: string, configs: Record<string, string>): Promise<MetadataResult<TopicMetadata>> {
    if (!this.byName.has(name)) return UNKNOWN_TOPIC;
    await this.writeConfigNode(ZNODES.topicConfig(name), configs, false);
    await this.refresh();
    return { ok: true, value: this.byName.get(name)! };
  }

  brokerConfigs(brokerId: number | null): Record<string, string> {
    return { ...(this.dynamicConfigs.get(brokerId === null ? DEFAULT_BROKER_ENTITY : String(brokerId)) ?? {}) };
  }

  async setBrokerConfigs(brokerId: number | null, configs: Record<string, string>): Promise<void> {
    await this.writeConfigNode(`/config/brokers/${brokerId === null ? DEFAULT_BROKER_ENTITY : String(brokerId)}`, configs, true);
    await this.refresh();
  }

  async allocateProducerIds(count: number): Promise<{ firstProducerId: bigint; count: number }> {
    const block = await claimProducerIdBlock(this.opts.zk, this.opts.nodeId, count);
    return { firstProducerId: block.start, count };
  }

  /**
   * The leader's ISR change, as ZooKeeper-mode Kafka makes it: the partition state znode is
   * rewritten with the new ISR only if it is still at the zkVersion the leader knows (its
   * partition epoch) and in its leader epoch; then the cache is refreshed.
   */
  async alterPartitionIsr(topic: string, partition: number, request: AlterPartitionIsrRequest): Promise<AlterPartitionIsrResult> {
    const current = await readPartitionState(this.opts.zk, topic, partition);
    if (current === null) return { ok: false, error: 'UNKNOWN_TOPIC_OR_PARTITION', message: `${topic}-${partition} has no partition state` };
    if (current.state.leaderEpoch !== request.leaderEpoch) {
      return { ok: false, error: 'FENCED_LEADER_EPOCH', message: `leader epoch ${request.leaderEpoch} of ${topic}-${partition} is not the current ${current.state.leaderEpoch}` };
    }
    if (current.state.leader !== this.opts.nodeId) {
      return { ok: false, error: 'NOT_LEADER_OR_FOLLOWER', message: `broker ${this.opts.nodeId} does not lead ${topic}-${partition} (leader ${current.state.leader})` };
    }
    if (current.zkVersion !== request.partitionEpoch) {
      return { ok: false, error: 'INVALID_UPDATE_VERSION', message: `partition epoch ${request.partitionEpoch} of ${topic}-${partition} is not the current ${current.zkVersion}` };
    }
    // Only replicas may be in the ISR: a leader whose view of the assignment is stale (a
    // reassignment just removed a replica) must not add it back. Read after the state, so a
    // reassignment completing in between changes the state's version and the write below fails.
    const replicas = (await readTopic(this.opts.zk, topic))?.assignment.partitions[partition] ?? [];
    const outsider = request.isr.find((r) => !replicas.includes(r));
    if (outsider !== undefined) return { ok: false, error: 'INVALID_UPDATE_VERSION', message: `broker ${outsider} is not a replica of ${topic}-${partition} (replicas ${replicas.join(',')})` };
    const version = await updateIsr(this.opts.zk, topic, partition, current, [...request.isr]);
    if (version === null) return { ok: false, error: 'INVALID_UPDATE_VERSION', message: `the state of ${topic}-${partition} changed concurrently` };
    this.opts.logger.info({ topic, partition, isr: request.isr, partitionEpoch: version }, 'updated ISR in ZooKeeper');
    await this.refresh();
    return { ok: true, partitionEpoch: version };
  }

  subscribe(listener: (event: MetadataEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    await this.refreshing;
  }

  /** Replica lists for new partitions `from`...: explicit ones checked, else Kafka's placement over the registered brokers. */
  private plan(assignments: number[][] | undefined, count: number, replicationFactor: number, from: number): MetadataResult<number[][]> {
    const live = this.brokers();
    if (assignments !== undefined) {
      const problem = assignmentProblem(assignments, from, new Set(live.map((b) => b.nodeId)));
      return problem ?? { ok: true, value: assignments };
    }
    const countProblem = partitionCountProblem(count);
    if (countProblem !== null) return countProblem;
    const rf = replicationFactor === -1 ? (this.opts.defaultReplicationFactor ?? 1) : replicationFactor;
    const placed = assignReplicas(live.map((b) => ({ id: b.nodeId, rack: b.rack })), { partitions: count, replicationFactor: rf, firstPartitionId: from });
    return placed.ok ? { ok: true, value: placed.assignment } : fail({ ok: false, error: placed.error, message: placed.message });
  }

  private topicFrom(name: string, topicId: string, replicas: readonly number[][], configs: Record<string, string>, states?: readonly (PartitionState | null)[]): TopicMetadata {
    return {
      name,
      topicId,
      internal: INTERNAL_TOPICS.has(name),
      configs,
      partitions: replicas.map((r, p) => states?.[p] ?? { partition: p, leader: -1, leaderEpoch: 0, replicas: [...r], isr: [], partitionEpoch: 0 }),
    };
  }

  /** Writes a `{"version":1,"config":{...}}` node; with `deleteWhenEmpty`, no configs removes it. */
  private async writeConfigNode(path: string, configs: Record<string, string>, deleteWhenEmpty: boolean): Promise<void> {
    const zk = this.opts.zk;
    const exists = (await zk.exists(path)) !== null;
    if (deleteWhenEmpty && Object.keys(configs).length === 0) {
      if (exists) await zk.delete(path);
      return;
    }
    if (exists) await zk.setData(path, encodeTopicConfig(configs));
    else {
      await zk.ensurePath(path.slice(0, path.lastIndexOf('/')));
      await zk.create(path, encodeTopicConfig(configs));
    }
  }

  /** Refreshes until `done(topics)` holds or the propagation timeout passes; true when it held. */
  private async awaitCache(done: (topics: ReadonlyMap<string, TopicMetadata>) => boolean): Promise<boolean> {
    const deadline = Date.now() + (this.opts.propagationTimeoutMs ?? 10_000);
    for (;;) {
      await this.refresh();
      if (done(this.byName)) return true;
      if (Date.now() >= deadline) return false;
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Re-reads everything (serialised with other refreshes) and reports the differences. */
  private refresh(): Promise<void> {
    this.refreshing = this.refreshing
      .then(() => (this.closed ? undefined : this.reload()))
      .catch((err: unknown) => this.opts.logger.error({ err }, 'reading cluster metadata from ZooKeeper failed'));
    return this.refreshing;
  }

  private async reload(): Promise<void> {
    const zk = this.opts.zk;
    await zk.ensurePath(ZNODES.brokerIds);
    const brokers = new Map<number, BrokerRegistration>();
    for (const child of (await zk.getChildren(ZNODES.brokerIds, this.onChange)) ?? []) {
      if (!/^\d+$/.test(child)) continue;
      const node = await zk.getData(ZNODES.brokerId(Number(child)));
      const registration = node === null ? null : decodeBrokerRegistration(Number(child), node.data);
      if (registration !== null) brokers.set(registration.nodeId, registration);
    }
    const controllerNode = await zk.getData(ZNODES.controller, this.onChange);
    const controller = controllerNode === null ? -1 : (decodeController(controllerNode.data) ?? -1);

    const topics = new Map<string, TopicMetadata>();
    for (const name of await readTopicNames(zk, this.onChange)) {
      const topic = await readTopic(zk, name, this.onChange);
      if (topic === null) continue;
      const config = await zk.getData(ZNODES.topicConfig(name), this.onChange);
      const states: (PartitionState | null)[] = [];
      for (let p = 0; p < topic.assignment.partitions.length; p++) {
        const node = await readPartitionState(zk, name, p, this.onChange);
        const adding = topic.assignment.addingReplicas?.[p] ?? [];
        const removing = topic.assignment.removingReplicas?.[p] ?? [];
        const reassigning = adding.length > 0 || removing.length > 0 ? { addingReplicas: adding, removingReplicas: removing } : {};
        states.push(node === null ? null : { partition: p, leader: node.state.leader, leaderEpoch: node.state.leaderEpoch, replicas: [...topic.assignment.partitions[p]!], isr: node.state.isr, partitionEpoch: node.zkVersion, ...reassigning });
      }
      topics.set(name, this.topicFrom(name, topic.assignment.topicId, topic.assignment.partitions, (config === null ? null : decodeTopicConfig(config.data)) ?? {}, states));
    }

    await zk.ensurePath('/config/brokers');
    const dynamic = new Map<string, Record<string, string>>();
    for (const entity of (await zk.getChildren('/config/brokers', this.onChange)) ?? []) {
      const node = await zk.getData(`/config/brokers/${entity}`, this.onChange);
      const configs = node === null ? null : decodeTopicConfig(node.data);
      if (configs !== null) dynamic.set(entity, configs);
    }

    const before = this.byName;
    const beforeConfigs = this.dynamicConfigs;
    this.brokersById = brokers;
    this.controller = controller;
    this.byName = topics;
    this.dynamicConfigs = dynamic;
    this.emitChanges(before, topics, beforeConfigs, dynamic);
  }

  private emitChanges(before: ReadonlyMap<string, TopicMetadata>, after: ReadonlyMap<string, TopicMetadata>, beforeConfigs: ReadonlyMap<string, Record<string, string>>, afterConfigs: ReadonlyMap<string, Record<string, string>>): void {
    const events: MetadataEvent[] = [];
    for (const [name, old] of before) if (!after.has(name)) events.push({ kind: 'topicDeleted', topic: old });
    for (const [name, topic] of after) {
      const old = before.get(name);
      if (old === undefined || old.topicId !== topic.topicId) {
        if (old !== undefined) events.push({ kind: 'topicDeleted', topic: old });
        events.push({ kind: 'topicCreated', topic });
        continue;
      }
      if (topic.partitions.length > old.partitions.length) events.push({ kind: 'partitionsCreated', topic, from: old.partitions.length });
      if (JSON.stringify(topic.configs) !== JSON.stringify(old.configs)) events.push({ kind: 'topicConfigChanged', topic });
      const changed = old.partitions.some((p, i) => {
        const q = topic.partitions[i]!;
        return p.leader !== q.leader || p.leaderEpoch !== q.leaderEpoch || p.partitionEpoch !== q.partitionEpoch || p.isr.join() !== q.isr.join() || p.replicas.join() !== q.replicas.join();
      });
      if (changed) events.push({ kind: 'partitionStatesChanged', topic });
    }
    for (const entity of new Set([...beforeConfigs.keys(), ...afterConfigs.keys()])) {
      if (JSON.stringify(beforeConfigs.get(entity) ?? {}) === JSON.stringify(afterConfigs.get(entity) ?? {})) continue;
      events.push({ kind: 'brokerConfigChanged', brokerId: entity === DEFAULT_BROKER_ENTITY ? null : Number(entity) });
    }
    for (const event of events) {
      for (const l of this.listeners) {
        try {
          l(event);
        } catch (err) {
          this.opts.logger.error({ err, event: event.kind }, 'metadata listener failed');
        }
      }
    }
  }
}
