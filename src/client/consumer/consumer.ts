import { ApiKey } from '../../protocol/generated/api-definitions.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import type { FetchRequest, FetchResponse, FetchResponsePartitionData } from '../../protocol/generated/fetch.js';
import { silentClientLogger } from '../../logging/client-logger.js';
import type { ClientLogger } from '../../logging/client-logger.js';
import { KafkaClientError, KafkaClientStateError, KafkaProtocolError } from '../client-errors.js';
import type { Cluster } from '../cluster/cluster.js';
import { isMetadataError } from '../cluster/cluster.js';
import { EARLIEST_TIMESTAMP, fetchCommittedOffsets, LATEST_TIMESTAMP, listPartitionOffsets } from '../cluster/partition-offsets.js';
import { backoff } from '../connection/backoff.js';
import type { BrokerConnection, RequestOptions } from '../connection/broker-connection.js';
import { retainFreedMemory } from '../connection/freed-memory-retention.js';
import { sleep, withRetry } from '../retry.js';
import type { RetryOptions } from '../retry.js';
import { decodeAssignment, decodeSubscription, encodeAssignment, encodeSubscription } from './consumer-protocol.js';
import { decodeFetchedRecords, nextFetchOffset } from './fetched-records.js';
import type { FetchedRecords } from './fetched-records.js';
import { PreparedFetch } from './prepared-fetch.js';
import type { Batch, ConsumedMessage, ConsumerRunConfig, ConsumerSubscribeTopics, EachMessagePayload, KafkaMessage, TopicPartitionOffset, TopicPartitions } from './consumer-types.js';
import type { AssignorMember, PartitionAssignor } from './partition-assignor.js';
import { rangeAssignor } from './range-assignor.js';
import { roundRobinAssignor } from './round-robin-assignor.js';

export interface ConsumerOptions {
  /**
   * group.id. Required for subscribe() (group management) and for committing offsets; a consumer
   * that only assign()s partitions may leave it out (Java's consumer without group.id).
   */
  groupId?: string;
  /** Assignors offered in JoinGroup, preferred first; default range, then roundrobin (the Java names). */
  partitionAssigners?: PartitionAssignor[];
  /** session.timeout.ms, default 30000. */
  sessionTimeout?: number;
  /** max.poll.interval.ms / rebalance timeout, default 60000. */
  rebalanceTimeout?: number;
  /** heartbeat.interval.ms, default 3000. Heartbeats run on a timer, also while handlers run. */
  heartbeatInterval?: number;
  metadataMaxAge?: number;
  allowAutoTopicCreation?: boolean;
  /** max.partition.fetch.bytes, default 1 MiB. */
  maxBytesPerPartition?: number;
  /** fetch.min.bytes, default 1. */
  minBytes?: number;
  /** fetch.max.bytes, default 10 MiB. */
  maxBytes?: number;
  /** fetch.max.wait.ms, default 5000. */
  maxWaitTimeInMs?: number;
  retry?: RetryOptions;
  /**
   * check.crcs: verify each fetched batch's CRC-32C before decoding it (a mismatch fails the
   * fetch). Default false, as librdkafka (KafkaJS never checks; the Java client defaults to true):
   * TCP already checksums the bytes, and the check costs a pass over every fetched byte.
   */
  checkCrcs?: boolean;
  /** isolation.level read_uncommitted when true; default read_committed (KafkaJS's default too). */
  readUncommitted?: boolean;
  /** group.instance.id: static membership. */
  groupInstanceId?: string;
  /**
   * auto.offset.reset for partitions without a committed offset (and after OFFSET_OUT_OF_RANGE):
   * `earliest`, `latest`, or `none` (fail). Default: `earliest` when subscribed `fromBeginning`, else `latest`.
   */
  autoOffsetReset?: 'earliest' | 'latest' | 'none';
  /** Rebalance listener (Java's ConsumerRebalanceListener): revoked runs after the commit before a rejoin, assigned once positions are set (seek from it). */
  rebalanceListener?: {
    onPartitionsRevoked?: (partitions: TopicPartitions[]) => void | Promise<void>;
    onPartitionsAssigned?: (partitions: TopicPartitions[]) => void | Promise<void>;
  };
  /** Called when the consumer stops on a non-retriable error (KafkaJS's crash event). */
  onCrash?: (error: Error) => void;
  logger?: ClientLogger;
}

interface Assigned {
  topic: string;
  partition: number;
}

const key = (topic: string, partition: number): string => `${topic}\0${partition}`;

/** Java's InvalidGroupIdException text: group management or commits without a group.id. */
const NO_GROUP_ID = 'To use the group management or offset commit APIs, you must provide a valid group.id in the consumer configuration.';

/** Errors of group requests after which the member must join again. */
const REJOIN_ERRORS: ReadonlySet<number> = new Set([ErrorCode.REBALANCE_IN_PROGRESS, ErrorCode.ILLEGAL_GENERATION, ErrorCode.UNKNOWN_MEMBER_ID, ErrorCode.FENCED_INSTANCE_ID]);
const COORDINATOR_ERRORS: ReadonlySet<number> = new Set([ErrorCode.NOT_COORDINATOR, ErrorCode.COORDINATOR_NOT_AVAILABLE, ErrorCode.COORDINATOR_LOAD_IN_PROGRESS]);

/**
 * A group consumer over the classic protocol with eager assignors (KafkaJS's API: subscribe, run
 * with eachMessage / eachBatch, commitOffsets, seek, pause / resume, stop, disconnect; plus an
 * async iterator).
 *
 * Or, instead of subscribe(), Java's manual assignment: `assign([{ topic, partitions }])` reads
 * exactly those partitions without joining a group (no groupId needed). Positions come from
 * seek(), else the group's committed offsets (when a groupId is set), else autoOffsetReset
 * (default latest); commits need a groupId and are sent as a non-member (generation -1).
 *
 * One loop per consumer: join (JoinGroup with the member id the broker requires, the leader runs
 * the assignor, SyncGroup), initialise positions from committed offsets (else earliest/latest),
 * then fetch from every leader in parallel and hand the records to the handler, one partition at
 * a time, committing resolved offsets every `autoCommitInterval`. Heartbeats run on their own
 * timer; a heartbeat answered REBALANCE_IN_PROGRESS (or a lost membership) makes the loop stop
 * after the current message, commit, and join again.
 */
export class Consumer {
  private readonly cluster: Cluster;
  private readonly options: ConsumerOptions;
  private readonly assignors: PartitionAssignor[];
  private readonly logger: ClientLogger;
  private readonly subscription = new Set<string>();
  /** subscribe() (group management) or assign() (manual partitions); they exclude each other, as in Java. */
  private mode: 'none' | 'subscribe' | 'assign' = 'none';
  private fromBeginning = false;
  private connected = false;
  private running = false;
  private loopDone: Promise<void> | undefined;
  private runConfig: ConsumerRunConfig = {};

  private memberId = '';
  private generationId = -1;
  private needsRejoin = true;
  private joined = false;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private heartbeatInFlight = false;
  /** The next fetch, sent while the handler processes the current one. */
  private prefetched: Promise<FetchedPartition[]> | undefined;
  /** An auto commit is in flight (concurrent partitions do not send a second). */
  private committing = false;
  /** The group coordinator of the last join. */
  private coordinatorId: number | undefined;
  /** Leaders with a Fetch of ours in flight (how many), so that stop() need not wait out a long poll. */
  private readonly fetchingFrom = new Map<number, number>();
  /** Per leader, the last Fetch request encoded for it (see PreparedFetch). */
  private readonly preparedFetches = new Map<number, PreparedFetch>();
  /** A JoinGroup or SyncGroup is in flight. */
  private joining = false;
  /** The coordinator no longer knows this member or generation: its partitions count as lost. */
  private membershipLost = false;

  private assignment: Assigned[] = [];
  /** Next offset to fetch per partition. */
  private readonly positions = new Map<string, bigint>();
  /** Offsets processed and not yet committed: the next offset to consume. */
  private readonly resolved = new Map<string, bigint>();
  /** Bumped on every seek of a partition: fetched data of an older seek is dropped. */
  private readonly seekEpochs = new Map<string, number>();
  private readonly pendingSeeks = new Map<string, bigint>();
  private readonly pausedTopics = new Map<string, Set<number> | 'all'>();
  private lastCommitAt = Date.now();
  private resolvedSinceCommit = 0;
  /** As leader: the partition counts the assignment was computed from (a change triggers a rebalance). */
  private assignedPartitionCounts: Map<string, number> | undefined;
  private firstJoin: { resolve: () => void; reject: (e: Error) => void } | undefined;

  constructor(cluster: Cluster, options: ConsumerOptions) {
    if (options === null || typeof options !== 'object') throw new KafkaClientStateError('consumer options are required');
    if (options.groupId !== undefined && (typeof options.groupId !== 'string' || options.groupId === '')) throw new KafkaClientStateError('groupId must be a non-empty string (or left out for a consumer that only assign()s partitions)');
    this.cluster = cluster;
    this.options = options;
    this.assignors = options.partitionAssigners ?? [rangeAssignor, roundRobinAssignor];
    if (this.assignors.length === 0) throw new KafkaClientStateError('at least one partition assignor is needed');
    this.logger = options.logger ?? silentClientLogger();
    // Java's rule: the cooperative protocol only when every configured assignor supports it.
    this.cooperative = this.assignors.every((a) => a.rebalanceProtocol === 'cooperative');
  }

  /** The group id, for group requests (only reached with a groupId: subscribe() and commits check first). */
  private get groupId(): string {
    if (this.options.groupId === undefined) throw new KafkaClientStateError(NO_GROUP_ID);
    return this.options.groupId;
  }

  /** Whether this member follows the cooperative rebalance protocol (KIP-429). */
  readonly cooperative: boolean;

  async connect(): Promise<void> {
    // Fetch responses are fresh buffers the messages view, freed by the GC in bulk: keep that
    // memory for the next responses rather than faulting it in again (see the module).
    retainFreedMemory();
    await this.cluster.connect();
    this.connected = true;
  }

  /** Subscribes to topics (before `run`). KafkaJS's `{ topic }` form is accepted too; regular expressions are not yet. */
  async subscribe(subscription: ConsumerSubscribeTopics | { topic: string; fromBeginning?: boolean }): Promise<void> {
    if (this.running) throw new KafkaClientStateError('subscribe before run()');
    if (this.options.groupId === undefined) throw new KafkaClientStateError(NO_GROUP_ID);
    if (this.mode === 'assign') throw new KafkaClientStateError('subscribe() and assign() are mutually exclusive');
    this.mode = 'subscribe';
    const topics = 'topics' in subscription ? subscription.topics : [subscription.topic];
    for (const t of topics) {
      if (typeof t !== 'string') throw new KafkaClientStateError('topics must be strings (regular expressions are not supported yet)');
      this.subscription.add(t);
    }
    this.fromBeginning = subscription.fromBeginning ?? false;
    this.cluster.addTargetTopics(topics);
  }

  /**
   * Java's assign(): consume exactly these partitions, without a group (replacing any earlier
   * assignment; partitions no longer listed lose their positions). May be called while running.
   * Cannot be combined with subscribe().
   */
  assign(partitions: ReadonlyArray<{ topic: string; partitions: readonly number[] }>): void {
    if (this.mode === 'subscribe') throw new KafkaClientStateError('subscribe() and assign() are mutually exclusive');
    const next: Assigned[] = [];
    const seen = new Set<string>();
    for (const t of partitions) {
      if (typeof t?.topic !== 'string' || t.topic === '') throw new KafkaClientStateError('assign() needs topic names');
      if (!Array.isArray(t.partitions)) throw new KafkaClientStateError(`assign() needs the partitions of ${t.topic}`);
      for (const partition of t.partitions) {
        if (!Number.isInteger(partition) || partition < 0) throw new KafkaClientStateError(`invalid partition ${String(partition)} of ${t.topic}`);
        const k = key(t.topic, partition);
        if (seen.has(k)) continue;
        seen.add(k);
        next.push({ topic: t.topic, partition });
      }
    }
    this.mode = 'assign';
    for (const a of this.assignment) {
      const k = key(a.topic, a.partition);
      if (seen.has(k)) continue;
      this.positions.delete(k);
      this.resolved.delete(k);
    }
    this.assignment = next;
    this.prefetched = undefined;
    this.cluster.addTargetTopics([...new Set(next.map((a) => a.topic))]);
  }

  /** The next offset this consumer will read from a partition (Java's position()), or null while unknown. */
  position(target: { topic: string; partition: number }): string | null {
    return this.positions.get(key(target.topic, target.partition))?.toString() ?? null;
  }

  /** Starts consuming; resolves once the consumer has joined the group and has its assignment (with assign(): once its positions are known). */
  async run(config: ConsumerRunConfig = {}): Promise<void> {
    if (!this.connected) throw new KafkaClientStateError('the consumer is not connected');
    if (this.running) throw new KafkaClientStateError('the consumer is already running');
    if (this.mode === 'assign' ? this.assignment.length === 0 : this.subscription.size === 0) throw new KafkaClientStateError('subscribe to topics (or assign partitions) before run()');
    if (config.eachMessage === undefined && config.eachBatch === undefined) throw new KafkaClientStateError('run() needs eachMessage or eachBatch');
    this.runConfig = config;
    this.running = true;
    this.needsRejoin = this.mode === 'subscribe';
    const joined = new Promise<void>((resolve, reject) => (this.firstJoin = { resolve, reject }));
    this.loopDone = this.loop();
    await joined;
  }

  /** Stops fetching, commits what was processed and leaves the group. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    // A JoinGroup can wait for other members for up to the rebalance timeout, and the coordinator
    // answers a connection's requests in order: drop that connection (the pending join fails) and
    // leave over a new one, unless this is a static member.
    if (this.joining && this.memberId !== '' && this.options.groupInstanceId === undefined) {
      if (this.coordinatorId !== undefined) this.cluster.closeConnection(this.coordinatorId, 'group');
      await this.leaveGroup().catch(() => undefined);
    }
    // A long-polling Fetch would hold the stop for up to maxWaitTimeInMs: drop the connections it
    // waits on (the group's requests below use their own connection; see Cluster.connectionTo).
    for (const leader of this.fetchingFrom.keys()) this.cluster.closeConnection(leader);
    await this.loopDone?.catch(() => undefined);
    this.stopHeartbeats();
    if (this.joined) {
      if (this.runConfig.autoCommit !== false) await this.commitResolved().catch((err: Error) => this.logger.warn({ err: err.message }, 'commit on stop failed'));
      // A static member (group.instance.id) does not leave: it keeps its partitions until its
      // session times out, so a restart within the session causes no rebalance (KIP-345).
      if (this.options.groupInstanceId === undefined) await this.leaveGroup().catch(() => undefined);
    }
    if (this.mode === 'assign' && this.options.groupId !== undefined && this.runConfig.autoCommit !== false) {
      await this.commitResolved().catch((err: Error) => this.logger.warn({ err: err.message }, 'commit on stop failed'));
    }
    this.joined = false;
    // Manually assigned partitions stay assigned (with their positions) for the next run().
    if (this.mode !== 'assign') this.assignment = [];
  }

  async disconnect(): Promise<void> {
    await this.stop();
    this.connected = false;
    await this.cluster.disconnect();
  }

  /** The partitions assigned to this member. */
  assignments(): TopicPartitions[] {
    const byTopic = new Map<string, number[]>();
    for (const a of this.assignment) byTopic.set(a.topic, [...(byTopic.get(a.topic) ?? []), a.partition]);
    return [...byTopic].map(([topic, partitions]) => ({ topic, partitions: partitions.sort((x, y) => x - y) }));
  }

  /** Commits offsets (the next offsets to consume) for the current generation. */
  async commitOffsets(offsets: TopicPartitionOffset[]): Promise<void> {
    const map = new Map<string, { topic: string; partition: number; offset: bigint }>();
    for (const o of offsets) map.set(key(o.topic, o.partition), { topic: o.topic, partition: o.partition, offset: BigInt(o.offset) });
    await this.commit([...map.values()]);
    for (const [k, o] of map) if (this.resolved.get(k) === o.offset) this.resolved.delete(k);
  }

  /** Moves a partition's position; the next fetch reads from `offset` (committed at the next commit). */
  seek(target: { topic: string; partition: number; offset: string }): void {
    const k = key(target.topic, target.partition);
    const offset = BigInt(target.offset);
    if (!this.assignment.some((a) => key(a.topic, a.partition) === k)) {
      this.pendingSeeks.set(k, offset);
      return;
    }
    this.applySeek(k, offset);
  }

  pause(topics: TopicPartitions[]): void {
    for (const t of topics) {
      if (t.partitions === undefined) this.pausedTopics.set(t.topic, 'all');
      else {
        const current = this.pausedTopics.get(t.topic);
        if (current === 'all') continue;
        const set = current ?? new Set<number>();
        for (const p of t.partitions) set.add(p);
        this.pausedTopics.set(t.topic, set);
      }
    }
  }

  resume(topics: TopicPartitions[]): void {
    for (const t of topics) {
      const current = this.pausedTopics.get(t.topic);
      if (current === undefined) continue;
      if (t.partitions === undefined || current === 'all') {
        if (t.partitions === undefined) this.pausedTopics.delete(t.topic);
        else {
          // Resuming some partitions of a wholly paused topic: keep the others paused.
          const all = this.cluster.metadata.topics.get(t.topic)?.partitions.map((p) => p.partitionId) ?? [];
          this.pausedTopics.set(t.topic, new Set(all.filter((p) => !t.partitions!.includes(p))));
        }
      } else {
        for (const p of t.partitions) current.delete(p);
        if (current.size === 0) this.pausedTopics.delete(t.topic);
      }
    }
  }

  paused(): TopicPartitions[] {
    return [...this.pausedTopics].map(([topic, v]) => (v === 'all' ? { topic } : { topic, partitions: [...v].sort((a, b) => a - b) }));
  }

  private isPaused(topic: string, partition: number): boolean {
    const p = this.pausedTopics.get(topic);
    return p === 'all' || (p !== undefined && p.has(partition));
  }

  /**
   * `for await (const { topic, partition, message } of consumer)`: runs the consumer (subscribe
   * first) and yields messages one by one; a message counts as processed when the next one is
   * asked for. Leaving the loop stops the consumer (committing what was processed).
   */
  [Symbol.asyncIterator](): AsyncIterator<ConsumedMessage> {
    let pending: { item: ConsumedMessage; done: () => void } | undefined;
    let taker: ((item: ConsumedMessage) => void) | undefined;
    let inUser: (() => void) | undefined;
    let started: Promise<void> | undefined;
    const finish = async (): Promise<IteratorResult<ConsumedMessage>> => {
      inUser?.();
      inUser = undefined;
      await this.stop();
      return { done: true, value: undefined };
    };
    return {
      next: async () => {
        inUser?.();
        inUser = undefined;
        started ??= this.run({
          eachMessage: (p: EachMessagePayload) =>
            new Promise<void>((done) => {
              const item = { topic: p.topic, partition: p.partition, message: p.message };
              if (taker !== undefined) {
                const t = taker;
                taker = undefined;
                inUser = done;
                t(item);
              } else pending = { item, done };
            }),
        });
        await started;
        if (pending !== undefined) {
          const { item, done } = pending;
          pending = undefined;
          inUser = done;
          return { done: false, value: item };
        }
        const value = await new Promise<ConsumedMessage>((resolve) => (taker = resolve));
        return { done: false, value };
      },
      return: finish,
    };
  }

  // ---- the loop ----

  private async loop(): Promise<void> {
    let failures = 0;
    while (this.running) {
      try {
        if (this.needsRejoin) {
          await this.rejoin();
          if (!this.needsRejoin) {
            const first = this.firstJoin;
            this.firstJoin = undefined;
            first?.resolve();
          }
          continue;
        }
        if (this.mode === 'assign') await this.prepareAssigned();
        await this.fetchOnce();
        failures = 0;
      } catch (err) {
        if (!this.running) break;
        const error = err as Error;
        const retriable = error instanceof KafkaClientError ? error.retriable : true; // a handler's error is retried
        if (!retriable) {
          await this.crash(error);
          break;
        }
        if (isMetadataError(error)) this.cluster.markStale();
        if (this.mode === 'subscribe' && error instanceof KafkaProtocolError && (REJOIN_ERRORS.has(error.code) || COORDINATOR_ERRORS.has(error.code))) this.needsRejoin = true;
        failures++;
        this.logger.warn({ err: error.message }, 'consumer loop error, retrying');
        await sleep(backoff(failures, { initialMs: this.options.retry?.initialRetryTime ?? 300, maxMs: 10_000 }));
      }
    }
    // stop() before the first join completed: run() resolves rather than waiting forever.
    const first = this.firstJoin;
    this.firstJoin = undefined;
    first?.resolve();
  }

  /** assign() mode: positions for newly assigned partitions; the first time, run() resolves. */
  private async prepareAssigned(): Promise<void> {
    const missing = this.assignment.filter((a) => !this.positions.has(key(a.topic, a.partition)));
    if (missing.length > 0) {
      await this.initializePositions(missing, false);
      // assign() may have changed the assignment meanwhile: keep positions of assigned partitions only.
      const assigned = new Set(this.assignment.map((a) => key(a.topic, a.partition)));
      for (const k of [...this.positions.keys()]) if (!assigned.has(k)) this.positions.delete(k);
    }
    const first = this.firstJoin;
    this.firstJoin = undefined;
    first?.resolve();
  }

  /** Stops on a non-retriable error: no commit, leaves the group, rejects a pending run(). */
  private async crash(error: Error): Promise<void> {
    this.logger.error({ err: error.message }, 'consumer crashed');
    this.running = false;
    this.stopHeartbeats();
    if (this.joined) await this.leaveGroup().catch(() => undefined);
    this.joined = false;
    this.assignment = [];
    const first = this.firstJoin;
    this.firstJoin = undefined;
    first?.reject(error);
    this.options.onCrash?.(error);
  }

  private async rejoin(): Promise<void> {
    this.stopHeartbeats();
    this.prefetched = undefined;
    if (this.joined && this.runConfig.autoCommit !== false) {
      await this.commitResolved().catch((err: Error) => this.logger.warn({ err: err.message }, 'commit before rejoining failed'));
    }
    // Eager: everything is revoked before joining. Cooperative after a lost membership
    // (UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION): the partitions may already be someone else's.
    const revokeAll = !this.cooperative || this.membershipLost;
    // As Java's onPartitionsRevoked, the listener runs while this is still a member, so that it can
    // commit what it processed (a Connect sink task does).
    if (revokeAll && this.joined) await this.options.rebalanceListener?.onPartitionsRevoked?.(this.assignments());
    this.joined = false;
    if (revokeAll) {
      this.positions.clear();
      this.resolved.clear();
      this.assignment = [];
    }
    this.membershipLost = false;
    const owned = this.cooperative ? this.assignments().map((t) => ({ topic: t.topic, partitions: t.partitions ?? [] })) : [];
    this.joining = true;
    try {
      await this.joinAndSync(owned);
    } finally {
      this.joining = false;
    }
  }

  private async joinAndSync(owned: Array<{ topic: string; partitions: number[] }>): Promise<void> {
    const coordinator = await this.cluster.coordinatorFor(this.groupId);
    this.coordinatorId = coordinator;
    const topics = [...this.subscription];
    const rebalanceTimeout = this.options.rebalanceTimeout ?? 60_000;
    let join;
    for (;;) {
      if (!this.running) throw new KafkaClientStateError('the consumer stopped while joining');
      join = await this.cluster.groupRequest(
        coordinator,
        ApiKey.JoinGroup,
        (version) => ({
          groupId: this.groupId,
          sessionTimeoutMs: this.options.sessionTimeout ?? 30_000,
          rebalanceTimeoutMs: rebalanceTimeout,
          memberId: this.memberId,
          groupInstanceId: version >= 5 ? (this.options.groupInstanceId ?? null) : null,
          protocolType: 'consumer',
          protocols: this.assignors.map((a) => ({ name: a.name, metadata: encodeSubscription(topics, owned) })),
          reason: null,
        }),
        { timeoutMs: rebalanceTimeout + 5000 },
      );
      if (join.errorCode === ErrorCode.MEMBER_ID_REQUIRED) {
        this.memberId = join.memberId;
        continue;
      }
      if (join.errorCode === ErrorCode.UNKNOWN_MEMBER_ID) {
        this.memberId = '';
        continue;
      }
      if (join.errorCode !== 0) throw new KafkaProtocolError(join.errorCode, 'JoinGroup');
      break;
    }
    if (!this.running) throw new KafkaClientStateError('the consumer stopped while joining');
    this.memberId = join.memberId;
    this.generationId = join.generationId;
    const protocolName = join.protocolName ?? this.assignors[0]!.name;
    let assignments: Array<{ memberId: string; assignment: Uint8Array }> = [];
    this.assignedPartitionCounts = undefined;
    if (join.leader === join.memberId) {
      const assignor = this.assignors.find((a) => a.name === protocolName);
      if (assignor === undefined) throw new KafkaClientError(`the group chose assignor ${protocolName}, which this member does not have`);
      const members: AssignorMember[] = join.members.map((m) => {
        const subscription = decodeSubscription(m.metadata);
        return { memberId: m.memberId, groupInstanceId: m.groupInstanceId ?? null, topics: subscription.topics, ownedPartitions: subscription.ownedPartitions ?? [] };
      });
      const allTopics = [...new Set(members.flatMap((m) => m.topics))];
      this.cluster.addTargetTopics(allTopics);
      await this.cluster.refreshMetadata();
      const partitionsPerTopic = new Map<string, number>();
      for (const t of allTopics) {
        const n = this.cluster.metadata.partitionCount(t);
        if (n !== undefined && n > 0) partitionsPerTopic.set(t, n);
      }
      this.assignedPartitionCounts = new Map(allTopics.map((t) => [t, partitionsPerTopic.get(t) ?? 0]));
      const result = assignor.assign(members, partitionsPerTopic);
      assignments = [...result].map(([memberId, a]) => ({ memberId, assignment: encodeAssignment(a) }));
      this.logger.debug({ groupId: this.groupId, generationId: this.generationId, assignor: protocolName }, 'assigned partitions as leader');
    }
    const sync = await this.cluster.groupRequest(coordinator, ApiKey.SyncGroup, (version) => ({
      groupId: this.groupId,
      generationId: this.generationId,
      memberId: this.memberId,
      groupInstanceId: version >= 3 ? (this.options.groupInstanceId ?? null) : null,
      protocolType: version >= 5 ? 'consumer' : null,
      protocolName: version >= 5 ? protocolName : null,
      assignments,
    }), { timeoutMs: rebalanceTimeout + 5000 });
    if (sync.errorCode !== 0) {
      if (sync.errorCode === ErrorCode.UNKNOWN_MEMBER_ID) this.memberId = '';
      if (sync.errorCode === ErrorCode.UNKNOWN_MEMBER_ID || sync.errorCode === ErrorCode.ILLEGAL_GENERATION) this.membershipLost = true;
      throw new KafkaProtocolError(sync.errorCode, 'SyncGroup');
    }
    const assigned = decodeAssignment(sync.assignment);
    const next = assigned.assignedPartitions.flatMap((t) => t.partitions.map((partition) => ({ topic: t.topic, partition })));
    const nextKeys = new Set(next.map((a) => key(a.topic, a.partition)));
    const previousKeys = new Set(this.assignment.map((a) => key(a.topic, a.partition)));
    const revoked = this.assignment.filter((a) => !nextKeys.has(key(a.topic, a.partition)));
    const added = next.filter((a) => !previousKeys.has(key(a.topic, a.partition)));
    this.assignment = next;
    this.joined = true;
    this.needsRejoin = false;
    this.startHeartbeats(coordinator);
    if (revoked.length > 0) {
      // Cooperative: give up what moves to another member (its offsets were committed before
      // joining), then join again at once so the next round can hand it over (KIP-429).
      for (const r of revoked) {
        const k = key(r.topic, r.partition);
        this.positions.delete(k);
        this.resolved.delete(k);
      }
      await this.options.rebalanceListener?.onPartitionsRevoked?.(groupByTopic(revoked));
      this.needsRejoin = true;
    }
    try {
      await this.initializePositions(added);
    } catch (err) {
      this.needsRejoin = true; // start over: committed offsets are read again after the next join
      throw err;
    }
    if (!this.cooperative || added.length > 0) await this.options.rebalanceListener?.onPartitionsAssigned?.(groupByTopic(added));
    this.logger.debug({ groupId: this.groupId, memberId: this.memberId, generationId: this.generationId, assignment: this.assignments() }, 'joined group');
  }

  /** Positions from committed offsets, else auto.offset.reset (earliest with fromBeginning, else latest); pending seeks win. */
  private async initializePositions(partitions: Assigned[], clearFirst = !this.cooperative): Promise<void> {
    if (clearFirst) {
      this.positions.clear();
      this.resolved.clear();
    }
    if (partitions.length === 0) return;
    await this.cluster.refreshMetadataIfNecessary([...new Set(partitions.map((a) => a.topic))]);
    const byTopic = new Map<string, number[]>();
    for (const a of partitions) byTopic.set(a.topic, [...(byTopic.get(a.topic) ?? []), a.partition]);
    const committed = this.options.groupId === undefined ? [] : await withRetry(() => fetchCommittedOffsets(this.cluster, this.groupId, [...byTopic].map(([name, partitionIndexes]) => ({ name, partitionIndexes }))), this.options.retry);
    for (const c of committed) if (c.offset >= 0n) this.positions.set(key(c.topic, c.partition), c.offset);
    const missing = partitions.filter((a) => !this.positions.has(key(a.topic, a.partition)));
    if (missing.length > 0) await this.resetPositions(missing);
    for (const a of partitions) {
      const k = key(a.topic, a.partition);
      const seek = this.pendingSeeks.get(k);
      if (seek !== undefined) {
        this.applySeek(k, seek);
        this.pendingSeeks.delete(k);
      }
    }
  }

  private async resetPositions(partitions: Assigned[]): Promise<void> {
    const policy = this.options.autoOffsetReset ?? (this.fromBeginning ? 'earliest' : 'latest');
    if (policy === 'none') {
      throw new KafkaClientError(`no committed offset for ${partitions.map((p) => `${p.topic}-${p.partition}`).join(', ')} and autoOffsetReset is none`);
    }
    const timestamp = policy === 'earliest' ? EARLIEST_TIMESTAMP : LATEST_TIMESTAMP;
    const offsets = await withRetry(() => listPartitionOffsets(this.cluster, partitions.map((p) => ({ ...p, timestamp })), this.isolationLevel), this.options.retry, () => this.cluster.refreshMetadata().catch(() => undefined));
    for (const p of partitions) this.positions.set(key(p.topic, p.partition), offsets.get(key(p.topic, p.partition)) ?? 0n);
  }

  private applySeek(k: string, offset: bigint): void {
    this.positions.set(k, offset);
    this.resolved.set(k, offset);
    this.seekEpochs.set(k, (this.seekEpochs.get(k) ?? 0) + 1);
  }

  private get isolationLevel(): number {
    return this.options.readUncommitted === true ? 0 : 1;
  }

  // ---- heartbeats and commits ----

  private startHeartbeats(coordinator: number): void {
    this.stopHeartbeats();
    this.heartbeatTimer = setInterval(() => void this.heartbeat(coordinator), this.options.heartbeatInterval ?? 3000);
  }

  private stopHeartbeats(): void {
    if (this.heartbeatTimer !== undefined) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
  }

  private async heartbeat(coordinator: number): Promise<void> {
    if (this.heartbeatInFlight || !this.joined) return;
    this.heartbeatInFlight = true;
    try {
      const response = await this.cluster.groupRequest(coordinator, ApiKey.Heartbeat, (version) => ({
        groupId: this.groupId,
        generationId: this.generationId,
        memberId: this.memberId,
        groupInstanceId: version >= 3 ? (this.options.groupInstanceId ?? null) : null,
      }));
      if (response.errorCode === 0) return;
      if (response.errorCode === ErrorCode.UNKNOWN_MEMBER_ID) this.memberId = '';
      if (response.errorCode === ErrorCode.UNKNOWN_MEMBER_ID || response.errorCode === ErrorCode.ILLEGAL_GENERATION || response.errorCode === ErrorCode.FENCED_INSTANCE_ID) this.membershipLost = true;
      this.logger.debug({ error: response.errorCode }, 'heartbeat asks to rejoin');
      this.needsRejoin = true;
    } catch (err) {
      this.logger.debug({ err: (err as Error).message }, 'heartbeat failed');
      if (err instanceof KafkaClientError && !err.retriable) this.needsRejoin = true;
    } finally {
      this.heartbeatInFlight = false;
    }
  }

  private async commit(offsets: Array<{ topic: string; partition: number; offset: bigint }>): Promise<void> {
    if (offsets.length === 0) return;
    if (this.options.groupId === undefined) throw new KafkaClientStateError(NO_GROUP_ID);
    // With assign() the commit is a non-member's (generation -1, no member id), as Java's standalone consumer sends.
    const standalone = this.mode === 'assign';
    if (!standalone && !this.joined) throw new KafkaClientStateError('not a member of the group: cannot commit');
    const byTopic = new Map<string, Array<{ partition: number; offset: bigint }>>();
    for (const o of offsets) byTopic.set(o.topic, [...(byTopic.get(o.topic) ?? []), o]);
    const coordinator = await this.cluster.coordinatorFor(this.groupId);
    const response = await this.cluster.groupRequest(coordinator, ApiKey.OffsetCommit, (version) => ({
      groupId: this.groupId,
      generationIdOrMemberEpoch: standalone ? -1 : this.generationId,
      memberId: standalone ? '' : this.memberId,
      groupInstanceId: version >= 7 && !standalone ? (this.options.groupInstanceId ?? null) : null,
      retentionTimeMs: -1n,
      topics: [...byTopic].map(([name, ps]) => ({ name, partitions: ps.map((p) => ({ partitionIndex: p.partition, committedOffset: p.offset, committedLeaderEpoch: -1, committedMetadata: null })) })),
    }));
    for (const t of response.topics) {
      for (const p of t.partitions) {
        if (p.errorCode === 0) continue;
        if (!standalone && REJOIN_ERRORS.has(p.errorCode)) this.needsRejoin = true;
        if (!standalone && (p.errorCode === ErrorCode.UNKNOWN_MEMBER_ID || p.errorCode === ErrorCode.ILLEGAL_GENERATION)) this.membershipLost = true;
        throw new KafkaProtocolError(p.errorCode, `commit ${t.name}-${p.partitionIndex}`);
      }
    }
  }

  private async commitResolved(): Promise<void> {
    const offsets = [...this.resolved].map(([k, offset]) => {
      const [topic, partition] = k.split('\0') as [string, string];
      return { topic, partition: Number(partition), offset };
    });
    if (offsets.length === 0) return;
    await this.commit(offsets);
    for (const o of offsets) if (this.resolved.get(key(o.topic, o.partition)) === o.offset) this.resolved.delete(key(o.topic, o.partition));
    this.lastCommitAt = Date.now();
    this.resolvedSinceCommit = 0;
  }

  private async commitIfNecessary(): Promise<void> {
    const c = this.runConfig;
    if (c.autoCommit === false || this.resolved.size === 0 || this.committing || this.options.groupId === undefined) return;
    const interval = c.autoCommitInterval === undefined ? 5000 : c.autoCommitInterval;
    const threshold = c.autoCommitThreshold ?? null;
    const due = (interval !== null && Date.now() - this.lastCommitAt >= interval) || (threshold !== null && this.resolvedSinceCommit >= threshold);
    if (!due) return;
    this.committing = true;
    try {
      await this.commitResolved();
    } finally {
      this.committing = false;
    }
  }

  private async leaveGroup(): Promise<void> {
    const coordinator = await this.cluster.coordinatorFor(this.groupId);
    await this.cluster.groupRequest(coordinator, ApiKey.LeaveGroup, (version) =>
      version >= 3
        ? { groupId: this.groupId, members: [{ memberId: this.memberId, groupInstanceId: this.options.groupInstanceId ?? null, reason: null }] }
        : { groupId: this.groupId, memberId: this.memberId },
    );
  }

  // ---- fetching ----

  /** The leader rejoins (so the group rebalances) when a subscribed topic's partition count changed since it assigned. */
  private checkPartitionCounts(): void {
    if (this.assignedPartitionCounts === undefined) return;
    for (const [topic, count] of this.assignedPartitionCounts) {
      if ((this.cluster.metadata.partitionCount(topic) ?? 0) !== count) {
        this.logger.debug({ topic }, 'partition count changed: rebalancing');
        this.needsRejoin = true;
        return;
      }
    }
  }

  /**
   * One turn of the fetch loop: the pending (pipelined) fetch's answer, the next fetch sent, the
   * records decoded and handed to the handler. Kept small, its steps in methods of their own (see
   * `sendFetches`).
   */
  private async fetchOnce(): Promise<void> {
    this.checkPartitionCounts();
    if (this.needsRejoin) {
      this.prefetched = undefined;
      return;
    }
    let pending = this.prefetched;
    this.prefetched = undefined;
    if (pending === undefined) {
      pending = this.fetchFromPositions();
      if (pending === undefined) {
        await sleep(50);
        await this.commitIfNecessary();
        return;
      }
    }
    const fetched = await pending;
    this.prefetchAfter(fetched);
    const results = this.decodeFetched(fetched);
    if (results.length === 1 && (this.runConfig.partitionsConsumedConcurrently ?? 1) <= 1) {
      const r = results[0]!;
      if (!this.running || this.needsRejoin) return;
      await this.handleFetched(r.asked, r.data, r.decoded);
      await this.commitIfNecessary();
      return;
    }
    await this.handleAll(results);
  }

  /** A fetch of every assigned partition that is not paused and has a position; undefined when there is none. */
  private fetchFromPositions(): Promise<FetchedPartition[]> | undefined {
    const active = this.assignment.filter((a) => !this.isPaused(a.topic, a.partition) && this.positions.has(key(a.topic, a.partition)));
    if (active.length === 0) return undefined;
    return this.fetchPartitions(active.map((a) => ({ ...a, offset: this.positions.get(key(a.topic, a.partition))! })));
  }

  /**
   * Pipelining: the next fetch (from where these records end, read from the batch headers) is on
   * its way while these are decoded and handled. Its answer is used only if the positions are
   * still where it asked from.
   */
  private prefetchAfter(fetched: FetchedPartition[]): void {
    const nextOffsets = fetched.map((r) => (r.data.errorCode === 0 ? nextFetchOffset(r.data.records, r.asked.offset) : r.asked.offset));
    if (!this.running || this.needsRejoin || !fetched.some((r, i) => nextOffsets[i]! > r.asked.offset)) return;
    const next = new Map(fetched.map((r, i) => [key(r.asked.topic, r.asked.partition), nextOffsets[i]!]));
    const ask = this.assignment
      .filter((a) => !this.isPaused(a.topic, a.partition) && this.positions.has(key(a.topic, a.partition)))
      .map((a) => ({ ...a, offset: next.get(key(a.topic, a.partition)) ?? this.positions.get(key(a.topic, a.partition))! }));
    if (ask.length === 0) return;
    this.prefetched = this.fetchPartitions(ask);
    this.prefetched.catch(() => undefined); // observed by the next fetchOnce
  }

  /** Each response is a buffer of its own, and the messages are views of it (no copy). */
  private decodeFetched(fetched: FetchedPartition[]): DecodedPartition[] {
    const options = { readCommitted: this.isolationLevel === 1, checkCrcs: this.options.checkCrcs ?? false };
    return fetched.map((r) => ({ asked: r.asked, data: r.data, decoded: r.data.errorCode === 0 ? decodeFetchedRecords(r.data, r.asked.offset, options) : undefined }));
  }

  /**
   * Partitions are handed to the handler one at a time, or up to `partitionsConsumedConcurrently`
   * at once (each partition's records stay in order).
   */
  private async handleAll(results: DecodedPartition[]): Promise<void> {
    const queue = [...results];
    const worker = async (): Promise<void> => {
      for (let r = queue.shift(); r !== undefined; r = queue.shift()) {
        if (!this.running || this.needsRejoin) return;
        await this.handleFetched(r.asked, r.data, r.decoded);
        await this.commitIfNecessary();
      }
    };
    const concurrency = Math.max(1, Math.min(this.runConfig.partitionsConsumedConcurrently ?? 1, queue.length));
    // Every worker finishes before an error is rethrown, so no partition is still being handled
    // when the loop fetches again.
    const settled = await Promise.allSettled(Array.from({ length: concurrency }, worker));
    const failed = settled.find((x): x is PromiseRejectedResult => x.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  }

  private async handleFetched(asked: FetchedPartition['asked'], data: FetchResponsePartitionData, decoded: FetchedRecords | undefined): Promise<void> {
    const k = key(asked.topic, asked.partition);
    if ((this.seekEpochs.get(k) ?? 0) !== asked.seekEpoch || this.positions.get(k) !== asked.offset) return; // seeked, or not where this fetch started
    if (this.isPaused(asked.topic, asked.partition)) return;
    if (data.currentLeader !== undefined && data.currentLeader.leaderEpoch >= 0) this.cluster.metadata.observeLeader(asked.topic, asked.partition, data.currentLeader.leaderId, data.currentLeader.leaderEpoch);
    if (data.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE) {
      this.prefetched = undefined;
      await this.resetPositions([asked]);
      return;
    }
    if (data.errorCode !== 0) {
      const error = new KafkaProtocolError(data.errorCode, `fetch ${asked.topic}-${asked.partition}`);
      if (isMetadataError(error)) this.cluster.markStale();
      if (!error.retriable) throw error;
      return;
    }
    await this.deliver(asked.topic, asked.partition, asked.offset, data, decoded!);
  }

  /**
   * One Fetch per leader for the given partitions and offsets, in parallel. When the metadata is
   * fresh and the leaders' connections are open, the requests are written before this returns:
   * the pipelined fetch is on its way while the caller decodes the previous response and runs the
   * handler, rather than after (which left the broker idle meanwhile).
   */
  private fetchPartitions(partitions: Array<Assigned & { offset: bigint }>): Promise<FetchedPartition[]> {
    const topics = this.mode === 'assign' ? [...new Set(this.assignment.map((a) => a.topic))] : [...this.subscription];
    if (this.cluster.needsMetadataRefresh(topics)) return this.cluster.refreshMetadataIfNecessary(topics).then(() => this.sendFetches(partitions));
    return this.sendFetches(partitions);
  }

  /**
   * One Fetch per leader. The per-fetch path is split into small functions without `async`: it
   * runs a few hundred times a second, and V8 compiles it (on a helper thread, while the consumer
   * reads) in a fraction of the time a large async closure took (~90 ms).
   */
  private sendFetches(partitions: Array<Assigned & { offset: bigint }>): Promise<FetchedPartition[]> {
    // Whatever goes wrong is the returned promise's rejection, as from an async function (a
    // prefetch's failure is observed by the next fetchOnce, not by the one that sent it).
    try {
      return this.sendFetchesNow(partitions);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  private sendFetchesNow(partitions: Array<Assigned & { offset: bigint }>): Promise<FetchedPartition[]> {
    const byLeader = new Map<number, FetchAsked[]>();
    for (const a of partitions) {
      const leader = this.cluster.leaderFor(a.topic, a.partition);
      if (leader === undefined) {
        this.cluster.markStale();
        continue;
      }
      let asked = byLeader.get(leader);
      if (asked === undefined) byLeader.set(leader, (asked = []));
      asked.push({ ...a, seekEpoch: this.seekEpochs.get(key(a.topic, a.partition)) ?? 0 });
    }
    if (byLeader.size === 1) {
      for (const [leader, asked] of byLeader) return this.fetchFromLeader(leader, asked);
    }
    return Promise.all(Array.from(byLeader, ([leader, asked]) => this.fetchFromLeader(leader, asked))).then((results) => results.flat());
  }

  private fetchFromLeader(leader: number, asked: FetchAsked[]): Promise<FetchedPartition[]> {
    const byTopic = new Map<string, FetchAsked[]>();
    for (const a of asked) {
      const ps = byTopic.get(a.topic);
      if (ps === undefined) byTopic.set(a.topic, [a]);
      else ps.push(a);
    }
    const maxWaitMs = this.options.maxWaitTimeInMs ?? 5000;
    const options = { timeoutMs: maxWaitMs + 30_000 };
    this.fetchingFrom.set(leader, (this.fetchingFrom.get(leader) ?? 0) + 1);
    let sent: Promise<FetchResponse>;
    try {
      const open = this.cluster.openConnectionTo(leader);
      sent = open === undefined ? this.cluster.request(leader, ApiKey.Fetch, this.fetchRequest(byTopic), options) : this.sendFetchOn(open, leader, byTopic, options);
    } catch (err) {
      sent = Promise.reject(err);
    }
    return sent.then(
      (response) => {
        this.fetchDone(leader);
        return this.fetchedPartitions(response, asked);
      },
      (err: unknown) => {
        this.fetchDone(leader);
        throw err;
      },
    );
  }

  /**
   * Sends a leader's Fetch on an open connection. The same partitions as last time (same version,
   * epochs and limits) are asked with the request encoded then, the new offsets written in.
   */
  private sendFetchOn(open: BrokerConnection, leader: number, byTopic: Map<string, FetchAsked[]>, options: RequestOptions): Promise<FetchResponse> {
    const o = this.options;
    const version = open.versionFor(ApiKey.Fetch);
    let signature = `${version} ${open.clientId} ${o.maxWaitTimeInMs} ${o.minBytes} ${o.maxBytes} ${o.maxBytesPerPartition} ${this.isolationLevel}`;
    const offsets: bigint[] = [];
    for (const [topic, ps] of byTopic) {
      signature += `|${topic} ${this.topicIdOf(topic)}`;
      for (const p of ps) {
        signature += ` ${p.partition}:${this.leaderEpochOf(topic, p.partition)}`;
        offsets.push(p.offset);
      }
    }
    let prepared = this.preparedFetches.get(leader);
    if (prepared?.signature !== signature) {
      prepared = PreparedFetch.prepare(signature, version, this.fetchRequest(byTopic), (r) => open.prepareRequest(ApiKey.Fetch, version, r));
      if (prepared === undefined) this.preparedFetches.delete(leader);
      else this.preparedFetches.set(leader, prepared);
    }
    if (prepared === undefined) return open.requestAtVersion(ApiKey.Fetch, version, this.fetchRequest(byTopic), options);
    return open.requestPrepared(ApiKey.Fetch, version, prepared.frameFor(offsets), options);
  }

  private fetchRequest(byTopic: Map<string, FetchAsked[]>): FetchRequest {
    const o = this.options;
    const partitionMaxBytes = o.maxBytesPerPartition ?? 1024 * 1024;
    return {
      replicaId: -1,
      maxWaitMs: o.maxWaitTimeInMs ?? 5000,
      minBytes: o.minBytes ?? 1,
      maxBytes: o.maxBytes ?? 10 * 1024 * 1024,
      isolationLevel: this.isolationLevel,
      sessionId: 0,
      sessionEpoch: -1,
      topics: Array.from(byTopic, ([topic, ps]) => ({
        topic,
        topicId: this.topicIdOf(topic),
        partitions: ps.map((p) => ({ partition: p.partition, currentLeaderEpoch: this.leaderEpochOf(topic, p.partition), fetchOffset: p.offset, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes })),
      })),
      forgottenTopicsData: [],
      rackId: '',
    };
  }

  private topicIdOf(topic: string): string {
    return this.cluster.metadata.topics.get(topic)?.topicId ?? 'AAAAAAAAAAAAAAAAAAAAAA';
  }

  /** KIP-320: the leader epoch we believe in; a broker with a newer one answers FENCED_LEADER_EPOCH (refresh). */
  private leaderEpochOf(topic: string, partition: number): number {
    return this.cluster.metadata.topics.get(topic)?.partitions[partition]?.leaderEpoch ?? -1;
  }

  private fetchDone(leader: number): void {
    const left = this.fetchingFrom.get(leader)! - 1;
    if (left === 0) this.fetchingFrom.delete(leader);
    else this.fetchingFrom.set(leader, left);
  }

  private fetchedPartitions(response: FetchResponse, asked: FetchAsked[]): FetchedPartition[] {
    if (response.errorCode !== undefined && response.errorCode !== 0) throw new KafkaProtocolError(response.errorCode, 'Fetch');
    const out: FetchedPartition[] = [];
    for (const t of response.responses) {
      const topicName = t.topic !== undefined && t.topic !== '' ? t.topic : [...this.cluster.metadata.topics.values()].find((m) => m.topicId === t.topicId)?.name;
      for (const p of t.partitions) {
        const a = asked.find((x) => x.topic === topicName && x.partition === p.partitionIndex);
        if (a !== undefined) out.push({ asked: a, data: p });
      }
    }
    return out;
  }

  /** Decodes a partition's records (control batches and records before the position skipped) and runs the handler. */
  private async deliver(topic: string, partition: number, position: bigint, data: FetchResponsePartitionData, decoded: FetchedRecords): Promise<void> {
    const k = key(topic, partition);
    const { messages, next } = decoded;
    if (messages.length === 0) {
      if (next > position) this.positions.set(k, next);
      return;
    }
    const seekEpoch = this.seekEpochs.get(k) ?? 0;
    const stale = (): boolean => !this.running || this.needsRejoin || (this.seekEpochs.get(k) ?? 0) !== seekEpoch || this.isPaused(topic, partition);
    const resolve = (offset: bigint): void => {
      this.positions.set(k, offset + 1n);
      this.resolved.set(k, offset + 1n);
      this.resolvedSinceCommit++;
    };
    const pause = () => {
      this.pause([{ topic, partitions: [partition] }]);
      return () => this.resume([{ topic, partitions: [partition] }]);
    };
    const heartbeat = async (): Promise<void> => undefined; // heartbeats run on their own timer
    const config = this.runConfig;
    if (config.eachBatch !== undefined) {
      const highWatermark = data.highWatermark;
      const lastOffset = BigInt(messages[messages.length - 1]!.offset);
      const batch: Batch = {
        topic,
        partition,
        highWatermark: highWatermark.toString(),
        messages,
        isEmpty: () => messages.length === 0,
        firstOffset: () => messages[0]?.offset ?? null,
        lastOffset: () => lastOffset.toString(),
        offsetLag: () => (highWatermark - 1n - lastOffset).toString(),
        offsetLagLow: () => (highWatermark - 1n - BigInt(messages[0]!.offset)).toString(),
      };
      await config.eachBatch({
        batch,
        resolveOffset: (offset) => {
          if ((this.seekEpochs.get(k) ?? 0) === seekEpoch) resolve(BigInt(offset));
        },
        heartbeat,
        pause,
        commitOffsetsIfNecessary: async (offsets) => (offsets === undefined ? this.commitIfNecessary() : this.commitOffsets(offsets)),
        uncommittedOffsets: () => [...this.resolved].map(([rk, offset]) => {
          const [t, p] = rk.split('\0') as [string, string];
          return { topic: t, partition: Number(p), offset: offset.toString() };
        }),
        isRunning: () => this.running,
        isStale: stale,
      });
      if (config.eachBatchAutoResolve !== false && !stale()) resolve(lastOffset);
      return;
    }
    for (const message of messages) {
      if (stale()) return;
      await config.eachMessage!({ topic, partition, message, heartbeat, pause });
      if ((this.seekEpochs.get(k) ?? 0) === seekEpoch) resolve(BigInt(message.offset));
    }
  }
}

function groupByTopic(partitions: readonly Assigned[]): TopicPartitions[] {
  const byTopic = new Map<string, number[]>();
  for (const a of partitions) byTopic.set(a.topic, [...(byTopic.get(a.topic) ?? []), a.partition]);
  return [...byTopic].sort(([a], [b]) => (a < b ? -1 : 1)).map(([topic, ps]) => ({ topic, partitions: ps.sort((x, y) => x - y) }));
}

/** A fetched partition with its records decoded (undefined when the partition's answer is an error). */
interface DecodedPartition {
  asked: FetchAsked;
  data: FetchResponsePartitionData;
  decoded: FetchedRecords | undefined;
}

/** A partition a Fetch asks for: where from, and the seek it was asked under. */
type FetchAsked = Assigned & { offset: bigint; seekEpoch: number };

interface FetchedPartition {
  asked: FetchAsked;
  data: FetchResponsePartitionData;
}
