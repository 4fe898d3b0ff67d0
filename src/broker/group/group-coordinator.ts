import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Logger } from '../../logging/logger.js';
import { buildRecordBatch, decodeRecordBatches } from '../../protocol/records/index.js';
import type { Clock, Scheduler } from '../clock.js';
import type { BrokerConfig } from '../config/broker-config.js';
import type { MetadataStore } from '../metadata/metadata-store.js';
import type { ReplicaManager } from '../replication/replica-manager.js';
import { GroupCoordinatorShard } from './group-coordinator-shard.js';
import type {
  CoordinatorResult,
  FetchedOffset,
  GroupCoordinatorConfig,
  GroupDescription,
  GroupError,
  GroupOverview,
  HeartbeatParams,
  JoinGroupOutcome,
  JoinGroupParams,
  LeaveGroupOutcome,
  LeaveGroupParams,
  OffsetCommitParams,
  PartitionErrors,
  Reply,
  SyncGroupOutcome,
  SyncGroupParams,
} from './group-coordinator-shard.js';
import { tpKey } from './group-coordinator-shard.js';
import { GROUP_METADATA_TOPIC_NAME, decodeGroupRecord, encodeGroupRecord } from './group-records.js';
import type { GroupRecord } from './group-records.js';
import { partitionForGroup } from './partition-for-group.js';

export interface GroupCoordinatorOptions {
  nodeId: number;
  config: BrokerConfig;
  metadata: MetadataStore;
  replicaManager: ReplicaManager;
  clock: Clock;
  scheduler: Scheduler;
  logger: Logger;
  /** How often due deadlines (sessions, rebalance timeouts) are looked for; default 100 ms. */
  tickIntervalMs?: number;
  /** For tests: deterministic member ids. */
  newMemberId?: (prefix: string) => string;
}

/** Kafka's offset.metadata.max.bytes default (not a Samsa config key yet). */
export const OFFSET_METADATA_MAX_BYTES = 4096;

interface ShardEntry {
  partition: number;
  shard: GroupCoordinatorShard;
  loaded: boolean;
}

type Lookup = { ok: true; entry: ShardEntry } | { ok: false; error: GroupError };

/** Kafka's mapping of append errors for offset commits (GroupMetadataManager.storeOffsets) and group writes (storeGroup). */
function mapAppendError(error: string, forCommit: boolean): GroupError {
  switch (error) {
    case 'UNKNOWN_TOPIC_OR_PARTITION':
    case 'NOT_ENOUGH_REPLICAS':
    case 'NOT_ENOUGH_REPLICAS_AFTER_APPEND':
      return 'COORDINATOR_NOT_AVAILABLE';
    case 'NOT_LEADER_OR_FOLLOWER':
    case 'KAFKA_STORAGE_ERROR':
      return 'NOT_COORDINATOR';
    case 'MESSAGE_TOO_LARGE':
    case 'RECORD_LIST_TOO_LARGE':
    case 'INVALID_FETCH_SIZE':
      return forCommit ? 'INVALID_COMMIT_OFFSET_SIZE' : 'UNKNOWN_SERVER_ERROR';
    default:
      return 'UNKNOWN_SERVER_ERROR';
  }
}

/**
 * The runtime around the group state machines: one GroupCoordinatorShard per hosted
 * __consumer_offsets partition. Creates the topic on first use, loads a partition by replaying its
 * log (answering COORDINATOR_LOAD_IN_PROGRESS meanwhile), appends each operation's records and only
 * then answers, completes waiting JoinGroup/SyncGroup requests, and drives time (`tick`) and offset
 * expiry from the injected scheduler.
 */
export class GroupCoordinator {
  private readonly shards = new Map<number, ShardEntry>();
  /** End offset of the last successful append to __consumer_offsets (-1: none since reset). */
  private lastAppendEnd = -1;
  private readonly waiting = new Map<number, (reply: Reply) => void>();
  private nextReplyId = 1;
  private creating: Promise<GroupError | null> | null = null;
  private readonly cancels: (() => void)[] = [];
  private closed = false;
  private readonly shardConfig: GroupCoordinatorConfig;
  /** offsets.topic.compression.codec (0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd). */
  private readonly compression: number;

  constructor(private readonly opts: GroupCoordinatorOptions) {
    const c = opts.config;
    this.shardConfig = {
      groupMinSessionTimeoutMs: c.groupMinSessionTimeoutMs,
      groupMaxSessionTimeoutMs: c.groupMaxSessionTimeoutMs,
      groupInitialRebalanceDelayMs: c.groupInitialRebalanceDelayMs,
      groupMaxSize: c.groupMaxSize,
      offsetsRetentionMs: c.offsetsRetentionMs,
      offsetMetadataMaxBytes: OFFSET_METADATA_MAX_BYTES,
    };
    // Not a typed BrokerConfig field: read from the validated properties (an int key).
    const codec = Number(c.raw.get('offsets.topic.compression.codec') ?? '0');
    this.compression = Number.isInteger(codec) && codec >= 0 && codec <= 4 ? codec : 0;
  }

  /** Loads the hosted partitions of an existing __consumer_offsets and starts the timers. */
  start(): void {
    const topic = this.opts.metadata.topic(GROUP_METADATA_TOPIC_NAME);
    if (topic !== undefined) for (const p of topic.partitions) if (this.isLeaderHere(p.partition)) this.load(p.partition);
    this.cancels.push(this.opts.scheduler.schedule('group-coordinator-tick', this.opts.tickIntervalMs ?? 100, () => this.tickAll()));
    this.cancels.push(this.opts.scheduler.schedule('group-offsets-expiry', this.opts.config.offsetsRetentionCheckIntervalMs, () => this.expireOffsets()));
    this.cancels.push(
      this.opts.metadata.subscribe((event) => {
        if (event.kind === 'topicDeleted') {
          if (event.topic.name === GROUP_METADATA_TOPIC_NAME) this.unloadAll('NOT_COORDINATOR');
          else this.removeOffsetsOfTopic(event.topic.name);
        } else if (event.kind !== 'brokerConfigChanged' && event.topic.name === GROUP_METADATA_TOPIC_NAME && !this.closed) {
          this.followLeadership();
        }
      }),
    );
  }

  /** Answers every waiting request with NOT_COORDINATOR and stops the timers. */
  close(): void {
    this.closed = true;
    for (const c of this.cancels) c();
    this.cancels.length = 0;
    this.unloadAll('NOT_COORDINATOR');
  }

  /**
   * The coordinator moves with the leadership of its __consumer_offsets partition (cluster mode):
   * a partition led here is loaded by replaying its log, one led elsewhere now is unloaded (its
   * waiting requests answered NOT_COORDINATOR, so members look the coordinator up again).
   */
  private followLeadership(): void {
    for (const [partition, entry] of this.shards) {
      if (this.isLeaderHere(partition)) continue;
      this.shards.delete(partition);
      this.deliver(entry.shard.unload('NOT_COORDINATOR'));
      this.opts.logger.info({ partition }, 'unloaded group metadata partition: no longer its leader');
    }
    const topic = this.opts.metadata.topic(GROUP_METADATA_TOPIC_NAME);
    if (topic !== undefined) for (const p of topic.partitions) if (!this.shards.has(p.partition) && this.isLeaderHere(p.partition)) this.load(p.partition);
  }

  private unloadAll(error: GroupError): void {
    for (const e of this.shards.values()) this.deliver(e.shard.unload(error));
    this.shards.clear();
  }

  private now(): number {
    return this.opts.clock.now();
  }

  /** Partitions of __consumer_offsets: the existing topic's count, else offsets.topic.num.partitions. */
  numPartitions(): number {
    return this.opts.metadata.topic(GROUP_METADATA_TOPIC_NAME)?.partitions.length ?? this.opts.config.offsetsTopicNumPartitions;
  }

  partitionFor(groupId: string): number {
    return partitionForGroup(groupId, this.numPartitions());
  }

  private isLeaderHere(partition: number): boolean {
    return this.opts.replicaManager.getPartition(GROUP_METADATA_TOPIC_NAME, partition)?.isLeader() === true;
  }

  /** Creates __consumer_offsets when missing (Kafka does so on the first FindCoordinator). */
  ensureTopic(): Promise<GroupError | null> {
    if (this.opts.metadata.topic(GROUP_METADATA_TOPIC_NAME) !== undefined) return Promise.resolve(null);
    this.creating ??= (async (): Promise<GroupError | null> => {
      const c = this.opts.config;
      const brokers = this.opts.metadata.brokers().length;
      if (brokers < c.offsetsTopicReplicationFactor) {
        this.opts.logger.warn(
          `Number of alive brokers '${brokers}' does not meet the required replication factor '${c.offsetsTopicReplicationFactor}' for the offsets topic (configured via 'offsets.topic.replication.factor').`,
        );
        return 'COORDINATOR_NOT_AVAILABLE';
      }
      const created = await this.opts.metadata.createTopic({
        name: GROUP_METADATA_TOPIC_NAME,
        numPartitions: c.offsetsTopicNumPartitions,
        replicationFactor: c.offsetsTopicReplicationFactor,
        configs: { 'cleanup.policy': 'compact', 'segment.bytes': String(c.offsetsTopicSegmentBytes), 'compression.type': 'producer' },
      });
      if (!created.ok && created.error !== 'TOPIC_ALREADY_EXISTS') {
        this.opts.logger.warn({ error: created.error, message: created.message }, 'could not create __consumer_offsets');
        return 'COORDINATOR_NOT_AVAILABLE';
      }
      this.opts.logger.info({ partitions: c.offsetsTopicNumPartitions }, 'created __consumer_offsets');
      return null;
    })().finally(() => {
      this.creating = null;
    });
    return this.creating;
  }

  /**
   * The broker coordinating `groupId`'s group: the leader of its __consumer_offsets partition
   * (creating the topic when needed). When that is this broker, the partition is loaded.
   */
  async findCoordinator(groupId: string): Promise<{ ok: true; nodeId: number } | { ok: false; error: GroupError }> {
    const created = await this.ensureTopic();
    if (created !== null) return { ok: false, error: created };
    const p = this.partitionFor(groupId);
    if (this.isLeaderHere(p)) {
      if (!this.shards.has(p)) this.load(p);
      return { ok: true, nodeId: this.opts.nodeId };
    }
    const leader = this.opts.metadata.topic(GROUP_METADATA_TOPIC_NAME)?.partitions[p]?.leader ?? -1;
    if (leader < 0 || leader === this.opts.nodeId) return { ok: false, error: 'COORDINATOR_NOT_AVAILABLE' };
    return { ok: true, nodeId: leader };
  }

  private async lookup(groupId: string): Promise<Lookup> {
    if (this.closed) return { ok: false, error: 'COORDINATOR_NOT_AVAILABLE' };
    const created = await this.ensureTopic();
    if (created !== null) return { ok: false, error: created };
    const p = this.partitionFor(groupId);
    if (!this.isLeaderHere(p)) return { ok: false, error: 'NOT_COORDINATOR' };
    const entry = this.shards.get(p) ?? this.load(p);
    if (!entry.loaded) return { ok: false, error: 'COORDINATOR_LOAD_IN_PROGRESS' };
    return { ok: true, entry };
  }

  // ---------------------------------------------------------------- loading

  /** Replays the partition's log into a new shard; an empty log loads at once, a longer one in chunks. */
  private load(partition: number): ShardEntry {
    const entry: ShardEntry = { partition, shard: new GroupCoordinatorShard(this.shardConfig, this.opts.newMemberId), loaded: false };
    this.shards.set(partition, entry);
    const log = this.opts.replicaManager.getPartition(GROUP_METADATA_TOPIC_NAME, partition)?.log;
    if (log === undefined || log.logEndOffset <= log.logStartOffset) {
      this.finishLoad(entry);
      return entry;
    }
    const started = Date.now();
    void (async () => {
      let offset = log.logStartOffset;
      let records = 0;
      while (offset < log.logEndOffset) {
        if (this.shards.get(partition) !== entry) return;
        const read = log.read(offset, this.opts.config.offsetsLoadBufferSize, log.logEndOffset, true);
        if (!read.ok || read.records.length === 0) break;
        const before = offset;
        for (const batch of decodeRecordBatches(read.records, { trailingPartial: 'ignore' })) {
          const next = Number(batch.header.baseOffset) + batch.header.lastOffsetDelta + 1;
          if (next <= offset) continue;
          offset = next;
          if (batch.header.isControl) continue;
          for (const r of batch.records) {
            let rec: GroupRecord | null;
            try {
              rec = decodeGroupRecord(r.key, r.value);
            } catch (err) {
              this.opts.logger.warn({ err, partition, offset: Number(r.offset) }, 'skipping undecodable record of __consumer_offsets');
              continue;
            }
            if (rec !== null) {
              entry.shard.replay(rec, this.now());
              records++;
            }
          }
        }
        if (offset === before) break;
        await yieldToLoop();
      }
      if (this.shards.get(partition) !== entry) return;
      this.finishLoad(entry);
      this.opts.logger.info({ partition, records, ms: Date.now() - started }, 'loaded group metadata partition');
    })().catch((err: unknown) => {
      this.opts.logger.error({ err, partition }, 'loading __consumer_offsets partition failed');
      this.shards.delete(partition);
    });
    return entry;
  }

  private finishLoad(entry: ShardEntry): void {
    entry.loaded = true;
    this.complete(entry, entry.shard.onLoaded(this.now()), false);
  }

  // ---------------------------------------------------------------- running operations

  private append(partition: number, records: GroupRecord[], forCommit: boolean): GroupError | null {
    const batch = buildRecordBatch(
      records.map((r) => encodeGroupRecord(r)),
      { timestamp: BigInt(this.now()), producerId: -1n, producerEpoch: -1, baseSequence: -1, compression: this.compression },
    );
    const out = this.opts.replicaManager.appendRecords(GROUP_METADATA_TOPIC_NAME, partition, batch);
    if (out.ok) {
      this.lastAppendEnd = out.lastOffset + 1;
      return null;
    }
    this.opts.logger.warn({ partition, error: out.error, message: out.message }, 'append to __consumer_offsets failed');
    return mapAppendError(out.error, forCommit);
  }

  /**
   * Appends the result's records, then applies them (when asked) and delivers replies; returns the
   * response. Deadlines the operation made due (an initial rebalance delay of 0) run right after,
   * once (a tick never triggers another tick here, whatever deadlines it sets).
   */
  private complete<T>(entry: ShardEntry, result: CoordinatorResult<T>, forCommit: boolean, runDue = true): T {
    let outcome = result;
    if (result.records.length > 0) {
      const error = this.append(entry.partition, result.records, forCommit);
      if (error !== null) {
        if (result.onAppendFailure !== undefined) outcome = result.onAppendFailure(error);
      } else if (result.replay) {
        const now = this.now();
        for (const r of result.records) entry.shard.replay(r, now);
      }
    }
    this.deliver(outcome.replies);
    if (runDue && entry.shard.nextDeadline() <= this.now()) this.tick(entry);
    return outcome.response;
  }

  private deliver(replies: Reply[]): void {
    for (const r of replies) {
      const resolve = this.waiting.get(r.replyId);
      if (resolve === undefined) continue;
      this.waiting.delete(r.replyId);
      resolve(r);
    }
  }

  private awaitReply(): { replyId: number; reply: Promise<Reply> } {
    const replyId = this.nextReplyId++;
    const reply = new Promise<Reply>((resolve) => this.waiting.set(replyId, resolve));
    return { replyId, reply };
  }

  private tick(entry: ShardEntry): void {
    this.complete(entry, entry.shard.tick(this.now()), false, false);
  }

  private tickAll(): void {
    const now = this.now();
    for (const e of this.shards.values()) {
      if (!e.loaded || e.shard.nextDeadline() > now) continue;
      try {
        this.tick(e);
      } catch (err) {
        this.opts.logger.error({ err, partition: e.partition }, 'group coordinator tick failed');
      }
    }
  }

  /** A deleted topic's committed offsets go too (tombstones in every loaded partition). */
  private removeOffsetsOfTopic(topic: string): void {
    let removed = 0;
    for (const e of this.shards.values()) if (e.loaded) removed += this.complete(e, e.shard.removeOffsetsOfTopics(new Set([topic])), false);
    if (removed > 0) this.opts.logger.info({ topic, removed }, 'removed offsets of a deleted topic');
  }

  /** Kafka's periodic offset expiry (offsets.retention.check.interval.ms). */
  expireOffsets(): number {
    let removed = 0;
    for (const e of this.shards.values()) if (e.loaded) removed += this.complete(e, e.shard.expireOffsets(this.now()), false);
    if (removed > 0) this.opts.logger.info({ removed }, 'removed expired offsets');
    return removed;
  }

  // ---------------------------------------------------------------- the group APIs

  async joinGroup(params: Omit<JoinGroupParams, 'replyId'>): Promise<JoinGroupOutcome> {
    const fail = (error: GroupError): JoinGroupOutcome => ({ error, memberId: params.memberId, generationId: -1, protocolType: null, protocolName: null, leaderId: '', skipAssignment: false, members: [] });
    if (params.groupId === '') return fail('INVALID_GROUP_ID');
    const found = await this.lookup(params.groupId);
    if (!found.ok) return fail(found.error);
    const { replyId, reply } = this.awaitReply();
    this.complete(found.entry, found.entry.shard.joinGroup({ ...params, replyId }, this.now()), false);
    const r = await reply;
    return 'join' in r ? r.join : fail('UNKNOWN_SERVER_ERROR');
  }

  async syncGroup(params: Omit<SyncGroupParams, 'replyId'>): Promise<SyncGroupOutcome> {
    const fail = (error: GroupError): SyncGroupOutcome => ({ error, protocolType: null, protocolName: null, assignment: new Uint8Array(0) });
    if (params.groupId === '') return fail('INVALID_GROUP_ID');
    const found = await this.lookup(params.groupId);
    // A loading coordinator lost the rebalance in progress: REBALANCE_IN_PROGRESS makes the member rejoin.
    if (!found.ok) return fail(found.error === 'COORDINATOR_LOAD_IN_PROGRESS' ? 'REBALANCE_IN_PROGRESS' : found.error);
    const { replyId, reply } = this.awaitReply();
    this.complete(found.entry, found.entry.shard.syncGroup({ ...params, replyId }, this.now()), false);
    const r = await reply;
    return 'sync' in r ? r.sync : fail('UNKNOWN_SERVER_ERROR');
  }

  async heartbeat(params: HeartbeatParams): Promise<GroupError | null> {
    if (params.groupId === '') return 'INVALID_GROUP_ID';
    const found = await this.lookup(params.groupId);
    // Kafka answers heartbeats blindly while loading.
    if (!found.ok) return found.error === 'COORDINATOR_LOAD_IN_PROGRESS' ? null : found.error;
    return this.complete(found.entry, found.entry.shard.heartbeat(params, this.now()), false);
  }

  async leaveGroup(params: LeaveGroupParams): Promise<LeaveGroupOutcome> {
    if (params.groupId === '') return { error: 'INVALID_GROUP_ID', members: [] };
    const found = await this.lookup(params.groupId);
    if (!found.ok) return { error: found.error, members: [] };
    return this.complete(found.entry, found.entry.shard.leaveGroup(params, this.now()), false);
  }

  async commitOffsets(params: OffsetCommitParams): Promise<PartitionErrors> {
    const found = await this.lookup(params.groupId);
    if (!found.ok) return { errors: new Map(params.offsets.map((o) => [tpKey(o.topic, o.partition), found.error])) };
    this.lastAppendEnd = -1;
    const response = this.complete(found.entry, found.entry.shard.commitOffsets(params, this.now()), true);
    const appendedEnd = this.lastAppendEnd;
    if (appendedEnd < 0) return response;
    // As Kafka's coordinator: a commit is answered once the ISR has it (acks=all on
    // __consumer_offsets), so it survives a failover of the coordinator. A single broker's ISR is
    // itself: no wait.
    const acked = await this.opts.replicaManager.waitForAcks(GROUP_METADATA_TOPIC_NAME, found.entry.partition, appendedEnd, this.opts.config.offsetsCommitTimeoutMs);
    if (acked === null) return response;
    // Kafka's mapping: leadership lost -> NOT_COORDINATOR; not replicated in time or too few replicas -> COORDINATOR_NOT_AVAILABLE.
    const error: GroupError = acked === 'NOT_LEADER_OR_FOLLOWER' ? 'NOT_COORDINATOR' : 'COORDINATOR_NOT_AVAILABLE';
    this.opts.logger.warn({ groupId: params.groupId, partition: found.entry.partition, error: acked }, 'offset commit not replicated to the ISR');
    return { errors: new Map([...response.errors].map(([k, e]) => [k, e ?? error])) };
  }

  async fetchOffsets(groupId: string, partitions: { topic: string; partition: number }[] | null): Promise<{ error: GroupError | null; offsets: FetchedOffset[] }> {
    const found = await this.lookup(groupId);
    if (!found.ok) return { error: found.error, offsets: [] };
    // Commits are applied as soon as their append returns (appends are synchronous), so no offset
    // is ever pending: require_stable needs no UNSTABLE_OFFSET_COMMIT until transactions exist.
    return { error: null, offsets: found.entry.shard.fetchOffsets(groupId, partitions) };
  }

  async describeGroup(groupId: string): Promise<{ error: GroupError | null; group: GroupDescription }> {
    const found = await this.lookup(groupId);
    if (!found.ok) return { error: found.error, group: { groupId, state: 'Dead', protocolType: '', protocolName: '', members: [] } };
    return { error: null, group: found.entry.shard.describeGroup(groupId) };
  }

  /** Groups of every loaded partition; COORDINATOR_LOAD_IN_PROGRESS while one is loading. */
  listGroups(): { error: GroupError | null; groups: GroupOverview[] } {
    const groups: GroupOverview[] = [];
    let loading = false;
    for (const e of this.shards.values()) {
      if (!e.loaded) loading = true;
      else groups.push(...e.shard.listGroups());
    }
    return { error: loading ? 'COORDINATOR_LOAD_IN_PROGRESS' : null, groups };
  }

  async deleteGroups(groupIds: string[]): Promise<Map<string, GroupError | null>> {
    const out = new Map<string, GroupError | null>();
    const byShard = new Map<ShardEntry, string[]>();
    for (const id of groupIds) {
      const found = await this.lookup(id);
      if (!found.ok) out.set(id, found.error);
      else byShard.set(found.entry, [...(byShard.get(found.entry) ?? []), id]);
    }
    for (const [entry, ids] of byShard) for (const [id, e] of this.complete(entry, entry.shard.deleteGroups(ids), false)) out.set(id, e);
    return out;
  }

  async deleteOffsets(groupId: string, partitions: { topic: string; partition: number }[]): Promise<{ error: GroupError | null; partitions: Map<string, GroupError | null> }> {
    const found = await this.lookup(groupId);
    if (!found.ok) return { error: found.error, partitions: new Map() };
    return this.complete(found.entry, found.entry.shard.deleteOffsets(groupId, partitions), false);
  }
}
