import type { Logger } from '../../logging/logger.js';
import { systemClock } from '../clock.js';
import type { Clock, Scheduler } from '../clock.js';
import type { BrokerConfig } from '../config/broker-config.js';
import { resolveTopicConfig } from '../config/topic-config.js';
import type { MetadataEvent, MetadataStore, PartitionState, TopicMetadata } from '../metadata/metadata-store.js';
import type { LogConfig } from '../storage/log-config.js';
import type { LogManager } from '../storage/log-manager.js';
import type { AppendResult, Log } from '../storage/log.js';
import { OneShotResult } from '../one-shot-result.js';
import { FetchWaitDeadlines } from './fetch-wait-deadlines.js';
import type { DeadlineQueue, DeadlineWait } from './fetch-wait-deadlines.js';
import { Partition } from './partition.js';
import type { FetchIsolation, PartitionError } from './partition.js';
import type { ReadBufferLease } from '../storage/read-buffer-pool.js';

export type ReplicaError = PartitionError | 'UNKNOWN_TOPIC_OR_PARTITION' | 'OFFSET_OUT_OF_RANGE' | 'KAFKA_STORAGE_ERROR';

/** How an acks=all produce ends once appended (null: replicated). */
export type AcksError = 'NOT_LEADER_OR_FOLLOWER' | 'NOT_ENOUGH_REPLICAS_AFTER_APPEND' | 'REQUEST_TIMED_OUT';

export interface ReplicaManagerOptions {
  /** For follower lag (ISR shrink); default the system clock. */
  clock?: Clock;
  /** Runs the ISR expiration check every replica.lag.time.max.ms / 2 (Kafka's isr-expiration task); none without it. */
  scheduler?: Scheduler;
  /**
   * The broker's config: replica.lag.time.max.ms, and min.insync.replicas of each topic (its
   * override, else the dynamic broker configs, else server.properties). Without it: 30000 and 1.
   */
  brokerConfig?: BrokerConfig;
  /** Overrides brokerConfig's replica.lag.time.max.ms. */
  replicaLagTimeMaxMs?: number;
  /** Overrides how min.insync.replicas of a topic is found. */
  minInsyncReplicasFor?: (topic: TopicMetadata) => number;
}

/**
 * Told when a hosted partition starts or stops following another broker: the replica fetcher
 * manager (Kafka's makeFollower / makeLeader hand-off).
 */
export interface PartitionRoleListener {
  /** `p` follows `p.leader` in `p.leaderEpoch`: new, or the leader or its epoch changed. */
  becameFollower(p: Partition): void;
  /** `p` no longer follows anyone: it leads, has no leader, or is no longer hosted (`removed`). */
  stoppedFollowing(p: Partition, removed: boolean): void;
}

export interface FetchPartitionRequest {
  topic: string;
  partition: number;
  fetchOffset: number;
  partitionMaxBytes: number;
  currentLeaderEpoch: number;
}

export interface FetchPartitionResult {
  topic: string;
  partition: number;
  error: ReplicaError | null;
  highWatermark: number;
  lastStableOffset: number;
  logStartOffset: number;
  records: Uint8Array | null;
}

export interface FetchParams {
  partitions: FetchPartitionRequest[];
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
  isolation: FetchIsolation;
  /**
   * The follower broker fetching (Fetch's replica id, >= 0), or -1 for a consumer. A follower's
   * fetch reads to the log end and records its fetch offset as its log end offset.
   */
  replicaId?: number;
  /** Aborts a waiting fetch (broker shutdown). */
  signal?: AbortSignal;
  /**
   * Where the records read go: buffers borrowed from the broker's read-buffer pool, which the
   * caller releases once the response is written. Without it every read allocates.
   */
  buffers?: ReadBufferLease;
}

export type AppendOutcome = AppendResult | { ok: false; error: ReplicaError; message: string };

/** A partition's fetch result that is only an error. */
function failedRead(req: FetchPartitionRequest, error: FetchPartitionResult['error']): FetchPartitionResult {
  return { topic: req.topic, partition: req.partition, highWatermark: -1, lastStableOffset: -1, logStartOffset: -1, records: null, error };
}

/** Schedules microtasks: `RESOLVED.then(f)` (Node's queueMicrotask makes an AsyncResource and a bound function per call). */
const RESOLVED: Promise<void> = Promise.resolve();

function key(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

/**
 * The partitions this broker hosts, kept in step with the metadata store: creates their logs when
 * topics appear, deletes them when topics go. Serves appends and fetches (with long polling).
 */
export class ReplicaManager {
  private readonly partitions = new Map<string, Partition>();
  /** The same partitions by topic, then index: the lookup of the produce and fetch paths (no key string built per request). */
  private readonly byTopic = new Map<string, Map<number, Partition>>();
  /**
   * Partitions this broker should host whose log could not be created (a full disk, say), keyed
   * like `partitions`, with the reason: answered KAFKA_STORAGE_ERROR (as Kafka's offline log dirs
   * are), created again at the next start or when the partition's state changes (cluster mode).
   */
  private readonly offline = new Map<string, string>();
  /**
   * Long-polling fetches waiting with a shutdown signal: a list linked through the waits
   * themselves, so that a wait joins and leaves it without allocating (a Set's hash table is
   * rebuilt as entries come and go, one long poll at a time).
   */
  private fetchWaits: FetchWait | null = null;
  /** The long polls' max waits, on one timer. */
  private readonly fetchWaitDeadlines = new FetchWaitDeadlines();
  private readonly watchedSignals = new WeakSet<AbortSignal>();
  private unsubscribe: (() => void) | null = null;
  private cancelIsrExpiration: (() => void) | null = null;
  private readonly roleListeners = new Set<PartitionRoleListener>();
  private readonly clock: Clock;
  private readonly replicaLagTimeMaxMs: number;

  constructor(
    private readonly nodeId: number,
    private readonly logs: LogManager,
    private readonly metadata: MetadataStore,
    private readonly logConfigFor: (topic: TopicMetadata) => LogConfig,
    private readonly highWatermarks: ReadonlyMap<string, number>,
    private readonly logger: Logger,
    private readonly options: ReplicaManagerOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.replicaLagTimeMaxMs = options.replicaLagTimeMaxMs ?? options.brokerConfig?.replicaLagTimeMaxMs ?? 30_000;
  }

  private minInsyncReplicasFor(topic: TopicMetadata): number {
    if (this.options.minInsyncReplicasFor !== undefined) return this.options.minInsyncReplicasFor(topic);
    const config = this.options.brokerConfig;
    if (config === undefined) return 1;
    return resolveTopicConfig(config, topic.configs, { broker: this.metadata.brokerConfigs(this.nodeId), clusterDefault: this.metadata.brokerConfigs(null) }).minInsyncReplicas;
  }

  start(): void {
    for (const topic of this.metadata.topics()) this.hostTopic(topic, 0);
    this.unsubscribe = this.metadata.subscribe((event) => this.onMetadata(event));
    this.cancelIsrExpiration = this.options.scheduler?.schedule('isr-expiration', Math.max(1, Math.floor(this.replicaLagTimeMaxMs / 2)), () => this.maybeShrinkIsr()) ?? null;
  }

  /** Adds a listener told of follower partitions, at once for those that already follow. */
  addRoleListener(listener: PartitionRoleListener): () => void {
    this.roleListeners.add(listener);
    for (const p of this.partitions.values()) if (p.isFollower()) listener.becameFollower(p);
    return () => this.roleListeners.delete(listener);
  }

  private tellRole(p: Partition, removed = false): void {
    for (const l of this.roleListeners) {
      try {
        if (!removed && p.isFollower()) l.becameFollower(p);
        else l.stoppedFollowing(p, removed);
      } catch (err) {
        this.logger.error({ err, topic: p.topic, partition: p.index }, 'partition role listener failed');
      }
    }
  }

  /** Shrinks the ISR of every partition this broker leads whose followers lag (the isr-expiration task). */
  maybeShrinkIsr(): void {
    for (const p of this.partitions.values()) {
      try {
        p.maybeShrinkIsr();
      } catch (err) {
        this.logger.error({ err, topic: p.topic, partition: p.index }, 'ISR expiration check failed');
      }
    }
  }

  private applyState(p: Partition, state: PartitionState): void {
    if (p.updateState(state).roleChanged) {
      this.logger.info({ topic: p.topic, partition: p.index, leader: p.leader, leaderEpoch: p.leaderEpoch, isr: p.isr }, p.isLeader() ? 'became leader' : 'became follower');
      this.tellRole(p);
    }
  }

  private onMetadata(event: MetadataEvent): void {
    switch (event.kind) {
      case 'topicCreated':
        this.hostTopic(event.topic, 0);
        break;
      case 'partitionsCreated':
        this.hostTopic(event.topic, event.from);
        break;
      case 'topicDeleted':
        for (const p of event.topic.partitions) this.removePartition(event.topic.name, p.partition);
        break;
      case 'topicConfigChanged':
        this.applyLogConfig(event.topic);
        break;
      case 'partitionStatesChanged':
        // A reassignment may add this broker as a replica (host it: it starts following) or
        // remove it once the move completed (drop the replica and its log).
        this.hostTopic(event.topic, 0);
        for (const state of event.topic.partitions) {
          if (!state.replicas.includes(this.nodeId) && this.partitions.has(key(event.topic.name, state.partition))) {
            this.logger.info({ topic: event.topic.name, partition: state.partition, replicas: state.replicas }, 'no longer a replica: removing the partition');
            this.removePartition(event.topic.name, state.partition);
          }
        }
        break;
      case 'brokerConfigChanged':
        // A broker-level default may change what every topic without its own override uses.
        for (const topic of this.metadata.topics()) this.applyLogConfig(topic);
        break;
    }
  }

  private applyLogConfig(topic: TopicMetadata): void {
    const config = this.logConfigFor(topic);
    const minIsr = this.minInsyncReplicasFor(topic);
    for (const p of topic.partitions) {
      const partition = this.partitions.get(key(topic.name, p.partition));
      if (partition === undefined) continue;
      partition.log.updateConfig(config);
      partition.minInsyncReplicas = minIsr;
    }
  }

  private hostTopic(topic: TopicMetadata, from: number): void {
    const config = this.logConfigFor(topic);
    const minIsr = this.minInsyncReplicasFor(topic);
    const partitionOptions = {
      clock: this.clock,
      replicaLagTimeMaxMs: this.replicaLagTimeMaxMs,
      alterIsr: (t: string, partition: number, request: { leaderEpoch: number; isr: number[]; partitionEpoch: number }) => this.metadata.alterPartitionIsr(t, partition, request),
    };
    for (const state of topic.partitions) {
      if (state.partition < from || !state.replicas.includes(this.nodeId)) continue;
      const k = key(topic.name, state.partition);
      const existing = this.partitions.get(k);
      if (existing !== undefined) {
        this.applyState(existing, state);
        continue;
      }
      let log: Log;
      try {
        log = this.logs.createLog(topic.name, state.partition, config, topic.topicId);
      } catch (err) {
        this.offline.set(k, (err as Error).message);
        this.logger.error({ err, topic: topic.name, partition: state.partition }, 'could not create the log of a partition: it is offline (KAFKA_STORAGE_ERROR)');
        continue;
      }
      this.offline.delete(k);
      const hw = this.highWatermarks.get(`${topic.name}-${state.partition}`) ?? 0;
      const p = new Partition(topic.name, state.partition, topic.topicId, log, state, this.nodeId, hw, this.logger, partitionOptions);
      p.minInsyncReplicas = minIsr;
      this.partitions.set(k, p);
      let indexes = this.byTopic.get(topic.name);
      if (indexes === undefined) this.byTopic.set(topic.name, (indexes = new Map()));
      indexes.set(state.partition, p);
      if (p.isFollower()) this.tellRole(p);
    }
  }

  private removePartition(topic: string, partition: number): void {
    const k = key(topic, partition);
    this.offline.delete(k);
    const p = this.partitions.get(k);
    if (p === undefined) return;
    this.partitions.delete(k);
    const indexes = this.byTopic.get(topic);
    indexes?.delete(partition);
    if (indexes?.size === 0) this.byTopic.delete(topic);
    // The fetcher lets go of it before its log goes; waiting fetches and produces re-check.
    this.tellRole(p, true);
    p.wakeAll();
    try {
      this.logs.deleteLog(topic, partition);
    } catch (err) {
      this.logger.error({ err, topic, partition }, 'failed to delete the log of a partition no longer hosted here');
    }
  }

  getPartition(topic: string, partition: number): Partition | undefined {
    return this.byTopic.get(topic)?.get(partition);
  }

  allPartitions(): Partition[] {
    return [...this.partitions.values()];
  }

  /** High watermarks to checkpoint, keyed `<topic>-<partition>`. */
  highWatermarkSnapshot(): Map<string, number> {
    const out = new Map<string, number>();
    for (const p of this.partitions.values()) out.set(`${p.topic}-${p.index}`, p.highWatermark);
    return out;
  }

  /**
   * A partition this broker does not host: KAFKA_STORAGE_ERROR when it should but its log could
   * not be created; NOT_LEADER_OR_FOLLOWER when the topic has it (another broker does: the
   * client's metadata is stale), else UNKNOWN_TOPIC_OR_PARTITION.
   */
  notHosted(topic: string, partition: number): { error: 'NOT_LEADER_OR_FOLLOWER' | 'UNKNOWN_TOPIC_OR_PARTITION' | 'KAFKA_STORAGE_ERROR'; message: string } {
    const offline = this.offline.get(key(topic, partition));
    if (offline !== undefined) return { error: 'KAFKA_STORAGE_ERROR', message: `the log of ${topic}-${partition} could not be created: ${offline}` };
    const known = this.metadata.topic(topic)?.partitions.some((s) => s.partition === partition) === true;
    return known
      ? { error: 'NOT_LEADER_OR_FOLLOWER', message: `broker ${this.nodeId} is not a replica of ${topic}-${partition}` }
      : { error: 'UNKNOWN_TOPIC_OR_PARTITION', message: 'This server does not host this topic-partition.' };
  }

  /** Appends to a partition this broker leads; `requiredAcks` -1 (acks=all) checks min.insync.replicas first. */
  appendRecords(topic: string, partition: number, records: Uint8Array, requiredAcks = 1): AppendOutcome {
    const p = this.getPartition(topic, partition);
    if (p === undefined) return { ok: false, ...this.notHosted(topic, partition) };
    try {
      return p.appendRecordsToLeader(records, requiredAcks);
    } catch (err) {
      this.logger.error({ err, topic, partition }, 'append failed with an I/O error');
      return { ok: false, error: 'KAFKA_STORAGE_ERROR', message: 'Disk error when trying to access log file on the disk.' };
    }
  }

  /**
   * acks=all: resolves once the high watermark has passed `requiredOffset` (the appended batch's
   * last offset + 1) with null, or NOT_ENOUGH_REPLICAS_AFTER_APPEND when the ISR has meanwhile
   * shrunk below min.insync.replicas (Kafka's DelayedProduce); NOT_LEADER_OR_FOLLOWER when this
   * broker stops leading (or hosting) the partition; REQUEST_TIMED_OUT after `timeoutMs`.
   * Answers at once, without a promise, when the high watermark is already there (a single broker).
   */
  waitForAcks(topic: string, partition: number, requiredOffset: number, timeoutMs: number, signal?: AbortSignal): AcksError | null | Promise<AcksError | null> {
    const p = this.partitions.get(key(topic, partition));
    if (p === undefined) return 'NOT_LEADER_OR_FOLLOWER';
    const term = p.leadershipTerm;
    const outcome = (): AcksError | null | undefined => {
      // An epoch bump that keeps this broker leader (the controller shrinking the ISR) does not
      // fail the wait; losing leadership, or the appended records being truncated, does.
      if (this.partitions.get(key(topic, partition)) !== p || !p.isLeader() || p.leadershipTerm !== term || p.log.logEndOffset < requiredOffset) return 'NOT_LEADER_OR_FOLLOWER';
      if (p.highWatermark >= requiredOffset) return p.isr.length >= p.minInsyncReplicas ? null : 'NOT_ENOUGH_REPLICAS_AFTER_APPEND';
      return undefined;
    };
    const now = outcome();
    if (now !== undefined) return now;
    return new Promise((resolve) => {
      let cancel: () => void = () => {};
      const finish = (result: AcksError | null): void => {
        clearTimeout(timer);
        cancel();
        signal?.removeEventListener('abort', onAbort);
        resolve(result);
      };
      const onAbort = (): void => finish('REQUEST_TIMED_OUT');
      const timer = setTimeout(() => finish('REQUEST_TIMED_OUT'), Math.max(0, timeoutMs));
      signal?.addEventListener('abort', onAbort);
      const check = (): void => {
        const result = outcome();
        if (result !== undefined) finish(result);
        else cancel = p.onNextChange(check, 'highWatermark');
      };
      cancel = p.onNextChange(check, 'highWatermark');
    });
  }

  /** What the last `readOnce` read: its bytes, and whether a partition failed (fields, not a result object per read). */
  private lastReadBytes = 0;
  private lastReadHasError = false;

  private readOnce(params: FetchParams, recordFollowerFetch: boolean): FetchPartitionResult[] {
    // The hot path of every fetch: one result object per partition, nothing else per partition.
    const replicaId = params.replicaId ?? -1;
    let remaining = params.maxBytes;
    let bytes = 0;
    let hasError = false;
    // Allocated at its final size, as the fetch handler's arrays are.
    const results: FetchPartitionResult[] = new Array(params.partitions.length);
    let n = 0;
    for (const req of params.partitions) {
      const p = this.getPartition(req.topic, req.partition);
      if (p === undefined) {
        results[n++] = failedRead(req, this.notHosted(req.topic, req.partition).error);
        hasError = true;
        continue;
      }
      const epochError = p.checkLeaderEpoch(req.currentLeaderEpoch) ?? (p.isLeader() ? null : 'NOT_LEADER_OR_FOLLOWER');
      if (epochError !== null) {
        results[n++] = failedRead(req, epochError);
        hasError = true;
        continue;
      }
      const maxBytes = Math.max(0, Math.min(req.partitionMaxBytes, remaining));
      // Kafka returns at least one whole batch for the first partition with data, even past max bytes.
      const minOneMessage = bytes === 0;
      let read;
      // What the leader's log end was when this follower fetched (its catch-up reference).
      const leaderLogEndOffset = p.log.logEndOffset;
      try {
        read = p.readRecords(req.fetchOffset, maxBytes, replicaId >= 0 ? 'logEnd' : params.isolation, minOneMessage, params.buffers?.allocate);
      } catch (err) {
        this.logger.error({ err, topic: req.topic, partition: req.partition }, 'read failed with an I/O error');
        results[n++] = failedRead(req, 'KAFKA_STORAGE_ERROR');
        hasError = true;
        continue;
      }
      const result: FetchPartitionResult = {
        topic: req.topic,
        partition: req.partition,
        highWatermark: p.highWatermark,
        lastStableOffset: p.highWatermark,
        logStartOffset: p.log.logStartOffset,
        records: null,
        error: null,
      };
      results[n++] = result;
      if (!read.ok) {
        result.error = read.error;
        hasError = true;
        continue;
      }
      if (replicaId >= 0 && recordFollowerFetch) {
        p.updateFollowerFetchState(replicaId, req.fetchOffset, leaderLogEndOffset);
        // The high watermark may have moved with this fetch: answer with the new one.
        result.highWatermark = p.highWatermark;
        result.lastStableOffset = p.highWatermark;
      }
      const records = read.records;
      result.records = records;
      bytes += records.length;
      remaining -= records.length;
    }
    this.lastReadBytes = bytes;
    this.lastReadHasError = hasError;
    return results;
  }

  /**
   * Reads every requested partition; when fewer than minBytes are available, waits up to maxWaitMs
   * for new data on any of them (woken by appends, not by polling), then reads again.
   */
  async fetch(params: FetchParams): Promise<FetchPartitionResult[]> {
    return await this.fetchNowOrLater(params);
  }

  /**
   * `fetch`, answering synchronously (no promise) when the fetch need not wait: enough bytes, an
   * error, or no max wait. Only a long poll returns a promise.
   */
  fetchNowOrLater(params: FetchParams): FetchPartitionResult[] | OneShotResult<FetchPartitionResult[]> {
    const first = this.readOnce(params, true);
    const bytes = this.lastReadBytes;
    if (params.maxWaitMs <= 0 || bytes >= params.minBytes || this.lastReadHasError || params.partitions.length === 0) return first;
    // What was read is thrown away: the fetch waits, then reads again.
    params.buffers?.releaseAndReuse();
    return this.waitThenRead(params, bytes);
  }

  /** Waits for data (or the timer, or shutdown), then reads again. */
  private waitThenRead(params: FetchParams, firstBytes: number): OneShotResult<FetchPartitionResult[]> {
    const isolation: FetchIsolation = (params.replicaId ?? -1) >= 0 ? 'logEnd' : params.isolation;
    const result = new OneShotResult<FetchPartitionResult[]>();
    const wait = new FetchWait(this, params, isolation, firstBytes, result);
    const signal = params.signal;
    if (signal !== undefined) {
      if (signal.aborted) {
        wait.finish();
        return result;
      }
      this.watchShutdown(signal);
      this.addFetchWait(wait);
    }
    this.fetchWaitDeadlines.add(wait, params.maxWaitMs);
    for (const req of params.partitions) {
      const p = this.getPartition(req.topic, req.partition);
      if (p !== undefined) wait.register(p, req);
    }
    return result;
  }

  /** One abort listener per shutdown signal (not one per waiting fetch): it ends every wait using it. */
  private watchShutdown(signal: AbortSignal): void {
    if (this.watchedSignals.has(signal)) return;
    this.watchedSignals.add(signal);
    signal.addEventListener(
      'abort',
      () => {
        const ending: FetchWait[] = [];
        for (let w = this.fetchWaits; w !== null; w = w.nextWait) if (w.params.signal === signal) ending.push(w);
        for (const w of ending) w.finish();
      },
      { once: true },
    );
  }

  private addFetchWait(wait: FetchWait): void {
    wait.nextWait = this.fetchWaits;
    if (this.fetchWaits !== null) this.fetchWaits.prevWait = wait;
    this.fetchWaits = wait;
    wait.listed = true;
  }

  /** @internal A wait is over: forget it (FetchWait calls this). */
  fetchWaitDone(wait: FetchWait): void {
    this.fetchWaitDeadlines.remove(wait);
    if (!wait.listed) return;
    wait.listed = false;
    const { prevWait, nextWait } = wait;
    if (prevWait === null) this.fetchWaits = nextWait;
    else prevWait.nextWait = nextWait;
    if (nextWait !== null) nextWait.prevWait = prevWait;
    // A finished wait links to nothing (nor is linked to): nothing it points at outlives it through it.
    wait.prevWait = null;
    wait.nextWait = null;
  }

  /** Long-polling fetches waiting now with a shutdown signal (diagnostics, tests). */
  get waitingFetches(): number {
    let n = 0;
    for (let w = this.fetchWaits; w !== null; w = w.nextWait) n++;
    return n;
  }

  /** Finished waits whose read is due, in finish order: `readsDue` of them from index 0. */
  private readonly dueReads: (FetchWait | undefined)[] = [];
  private readsDue = 0;
  /** Runs the due reads; one microtask for all the waits one append (or timer) finished. */
  private readonly runDueReads = (): void => {
    const q = this.dueReads;
    // Waits finished while these reads run are appended and read in this same loop.
    for (let i = 0; i < this.readsDue; i++) {
      const wait = q[i]!;
      q[i] = undefined;
      // readAndResolve settles the fetch (its errors reject it); this only guards the loop, so
      // that one continuation's bug cannot leave the other waits unread.
      try {
        wait.readAndResolve();
      } catch (err) {
        this.logger.error({ err }, 'answering a waiting fetch failed');
      }
    }
    this.readsDue = 0;
  };

  /**
   * @internal A finished wait reads again in a microtask, after the append that woke it is done
   * (one microtask per batch of waits: no closure or task object per wait).
   */
  readSoon(wait: FetchWait): void {
    if (this.readsDue === 0) void RESOLVED.then(this.runDueReads);
    this.dueReads[this.readsDue++] = wait;
  }

  /** @internal The read that ends a wait (FetchWait calls this). */
  readAfterWait(params: FetchParams): FetchPartitionResult[] {
    return this.readOnce(params, false);
  }

  close(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.cancelIsrExpiration?.();
    this.cancelIsrExpiration = null;
  }
}

/**
 * A long-polling fetch waiting for data: ended by an append that gives it enough bytes, its
 * timer, or shutdown; then it reads again (in a microtask, after the append that woke it is done).
 */
class FetchWait implements DeadlineWait {
  /** Links of the max-wait deadlines (see FetchWaitDeadlines). */
  deadline = 0;
  deadlineQueue: DeadlineQueue | null = null;
  prevByDeadline: DeadlineWait | null = null;
  nextByDeadline: DeadlineWait | null = null;
  /** Links of the manager's list of waits (see ReplicaManager.fetchWaits). */
  listed = false;
  prevWait: FetchWait | null = null;
  nextWait: FetchWait | null = null;
  private done = false;
  /**
   * The partition registrations, to cancel: the first (a fetch usually names one partition) in
   * fields, any others in an array of (partition, callback) pairs.
   */
  private firstPartition: Partition | undefined;
  private firstCallback: (() => void) | undefined;
  private more: (Partition | (() => void))[] | undefined;

  constructor(
    private readonly manager: ReplicaManager,
    readonly params: FetchParams,
    private readonly isolation: FetchIsolation,
    private accumulated: number,
    private readonly result: OneShotResult<FetchPartitionResult[]>,
  ) {}

  register(p: Partition, req: FetchPartitionRequest): void {
    const callback = (): void => this.check(p, req);
    p.waitForNextChange(callback, this.isolation);
    if (this.firstPartition === undefined) {
      this.firstPartition = p;
      this.firstCallback = callback;
    } else {
      (this.more ??= []).push(p, callback);
    }
  }

  private check(p: Partition, req: FetchPartitionRequest): void {
    if (this.done) return;
    const params = this.params;
    // Any new data satisfies min.bytes of 1 (the usual case): no need to read it twice.
    if (params.minBytes <= 1) {
      this.finish();
      return;
    }
    // Count what became readable for this partition; register again if still short.
    const again = p.readRecords(req.fetchOffset, req.partitionMaxBytes, this.isolation, false, params.buffers?.allocate);
    this.accumulated = again.ok ? Math.max(this.accumulated, again.records.length) : params.minBytes;
    params.buffers?.releaseAndReuse();
    if (this.accumulated >= params.minBytes) this.finish();
    else this.register(p, req);
  }

  /** The max wait is over (FetchWaitDeadlines). */
  expire(): void {
    this.finish();
  }

  finish(): void {
    if (this.done) return;
    this.done = true;
    this.firstPartition?.cancelWaitForNextChange(this.firstCallback!, this.isolation);
    const more = this.more;
    if (more !== undefined) for (let i = 0; i < more.length; i += 2) (more[i] as Partition).cancelWaitForNextChange(more[i + 1] as () => void, this.isolation);
    this.manager.fetchWaitDone(this);
    this.manager.readSoon(this);
  }

  /** The read that ends the wait (in a microtask after `finish`): resolves the fetch with it. */
  readAndResolve(): void {
    let results: FetchPartitionResult[];
    try {
      results = this.manager.readAfterWait(this.params);
    } catch (err) {
      this.result.reject(err);
      return;
    }
    // The fetch's continuations (response, encoding, write) run now, synchronously.
    this.result.resolve(results);
  }
}
