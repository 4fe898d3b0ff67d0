import { Buffer } from 'node:buffer';
import type { Logger } from '../../logging/logger.js';
import { systemClock } from '../clock.js';
import type { Clock } from '../clock.js';
import type { AlterPartitionIsrResult, PartitionState } from '../metadata/metadata-store.js';
import type { AppendResult, Log, ReadResult } from '../storage/log.js';
import type { ReadAllocator } from '../storage/read-buffer-pool.js';

/** Fetch isolation: consumers read up to the high watermark; followers to the log end. */
export type FetchIsolation = 'highWatermark' | 'logEnd';

export type PartitionError = 'NOT_LEADER_OR_FOLLOWER' | 'FENCED_LEADER_EPOCH' | 'UNKNOWN_LEADER_EPOCH' | 'NOT_ENOUGH_REPLICAS';

export interface PartitionReadResult {
  read: ReadResult;
  highWatermark: number;
  lastStableOffset: number;
  logStartOffset: number;
}

/** What the leader knows of a follower (Kafka's Replica / ReplicaState), from its fetches. */
export interface FollowerState {
  /** The follower's log end offset: the offset of its last fetch; -1 until it fetched under this leadership. */
  logEndOffset: number;
  /** The last time the follower had fetched up to the leader's log end offset then (or was made ISR member). */
  lastCaughtUpTimeMs: number;
  /** The leader's log end offset at the follower's previous fetch, and its time. */
  lastFetchLeaderLogEndOffset: number;
  lastFetchTimeMs: number;
}

/** Writes an ISR change (MetadataStore.alterPartitionIsr). */
export type AlterIsr = (topic: string, partition: number, request: { leaderEpoch: number; isr: number[]; partitionEpoch: number }) => Promise<AlterPartitionIsrResult>;

export interface PartitionOptions {
  clock: Clock;
  /** replica.lag.time.max.ms: a follower that has not caught up for longer leaves the ISR. */
  replicaLagTimeMaxMs: number;
  /** Writes ISR changes; without it (a store that cannot) the ISR only changes by metadata. */
  alterIsr?: AlterIsr;
}

/** What changed in `updateState`: whether the replication role (who this broker follows) changed. */
export interface StateTransition {
  /** The leader or the leader epoch changed (the fetcher must follow the new leader, or stop). */
  roleChanged: boolean;
}

/**
 * One topic-partition hosted by this broker: its log plus replication state (leader epoch, high
 * watermark, ISR). As leader it tracks each follower's log end offset from its fetches, moves the
 * high watermark to the smallest log end offset of the ISR (never backwards), shrinks the ISR
 * when a follower has not caught up for replica.lag.time.max.ms and expands it when a follower
 * reaches the high watermark (Kafka's Partition). With this broker as the only ISR member (a
 * single broker), the high watermark follows every append. As follower its log is written by
 * the replica fetcher and its high watermark follows the leader's.
 */
export class Partition {
  leaderEpoch: number;
  leader: number;
  replicas: number[];
  isr: number[];
  partitionEpoch: number;
  /**
   * Counts the times this broker became leader (an epoch bump that keeps it leader, such as an ISR
   * change by the controller, does not count): a waiting acks=all produce fails with
   * NOT_LEADER_OR_FOLLOWER only when leadership was lost in between, as Kafka's DelayedProduce.
   */
  leadershipTerm = 0;
  highWatermark: number;
  /** min.insync.replicas of the topic (acks=all); set by the ReplicaManager. */
  minInsyncReplicas = 1;
  /** The log end offset when this broker became leader in the current epoch (ISR expansion needs followers past it). */
  leaderEpochStartOffset: number;
  /** An ISR change being written (Kafka's pending ISR); null when none. */
  pendingIsr: number[] | null = null;
  private readonly followers = new Map<number, FollowerState>();
  /**
   * Woken by appends (follower fetches read to the log end). Plain arrays, replaced (not cleared)
   * at each wake-up: a long-lived Set emptied with clear() keeps a link from its old hash table to
   * the new one (for live iterators), and once an old table is promoted that chain makes every
   * later table and every callback in it survive young-generation collections until a full GC;
   * with a wake-up per produce request that was most of the broker's garbage-collection cost.
   */
  private logEndWaiters: (() => void)[] = NO_WAITERS;
  /** Woken by high watermark moves and state changes (consumer fetches, acks=all produces). */
  private highWatermarkWaiters: (() => void)[] = NO_WAITERS;
  private readonly clock: Clock;

  constructor(
    readonly topic: string,
    readonly index: number,
    public topicId: string,
    readonly log: Log,
    state: PartitionState,
    private readonly nodeId: number,
    highWatermark: number,
    private readonly logger: Logger,
    private readonly options: PartitionOptions = { clock: systemClock, replicaLagTimeMaxMs: 30_000 },
  ) {
    this.clock = options.clock;
    this.leaderEpoch = state.leaderEpoch;
    this.leader = state.leader;
    this.replicas = state.replicas;
    this.isr = state.isr;
    this.partitionEpoch = state.partitionEpoch;
    // A checkpointed high watermark can never be beyond the recovered log.
    this.highWatermark = Math.min(highWatermark, log.logEndOffset);
    this.leaderEpochStartOffset = log.logEndOffset;
    if (this.isLeader()) this.resetFollowers();
    this.maybeIncrementHighWatermark();
    log.onAppend = () => this.wakeLogEnd();
  }

  isLeader(): boolean {
    return this.leader === this.nodeId;
  }

  /** This broker replicates from another broker. */
  isFollower(): boolean {
    return this.leader >= 0 && this.leader !== this.nodeId;
  }

  /**
   * Applies the partition state from the metadata. A state older than what this partition knows
   * (a lower leader epoch, or the same epoch with a lower partition epoch: a cache that has not
   * seen this leader's own ISR write yet) is ignored.
   */
  updateState(state: PartitionState): StateTransition {
    if (state.leaderEpoch < this.leaderEpoch || (state.leaderEpoch === this.leaderEpoch && state.partitionEpoch < this.partitionEpoch)) {
      return { roleChanged: false };
    }
    const roleChanged = state.leader !== this.leader || state.leaderEpoch !== this.leaderEpoch;
    if (state.leader === this.nodeId && this.leader !== this.nodeId) this.leadershipTerm++;
    this.leader = state.leader;
    this.leaderEpoch = state.leaderEpoch;
    this.replicas = state.replicas;
    this.isr = state.isr;
    this.partitionEpoch = state.partitionEpoch;
    if (roleChanged) {
      this.pendingIsr = null;
      if (this.isLeader()) {
        // Kafka's makeLeader: the epoch starts at the log end; ISR members count as caught up now.
        this.leaderEpochStartOffset = this.log.logEndOffset;
        this.resetFollowers();
      } else {
        this.followers.clear();
      }
    } else if (this.isLeader()) {
      // The replica list may change under the same leader epoch (a reassignment's new replicas
      // can reach this cache after the epoch bump): track new followers, forget removed ones.
      for (const r of this.replicas) {
        if (r !== this.nodeId && !this.followers.has(r)) this.followers.set(r, { logEndOffset: -1, lastCaughtUpTimeMs: 0, lastFetchLeaderLogEndOffset: -1, lastFetchTimeMs: 0 });
      }
      for (const r of [...this.followers.keys()]) if (!this.replicas.includes(r)) this.followers.delete(r);
    }
    this.maybeIncrementHighWatermark();
    // Waiting acks=all produces re-check (leadership lost, ISR shrank below min.insync.replicas).
    this.wakeHighWatermark();
    return { roleChanged };
  }

  private resetFollowers(): void {
    this.followers.clear();
    const now = this.clock.now();
    for (const r of this.replicas) {
      if (r === this.nodeId) continue;
      this.followers.set(r, { logEndOffset: -1, lastCaughtUpTimeMs: this.isr.includes(r) ? now : 0, lastFetchLeaderLogEndOffset: -1, lastFetchTimeMs: 0 });
    }
  }

  /** What the leader knows of follower `replicaId` (tests, logs). */
  followerState(replicaId: number): Readonly<FollowerState> | undefined {
    return this.followers.get(replicaId);
  }

  /** Checks a client's view of the leader epoch (-1 = not given), as Kafka does for Fetch/ListOffsets. */
  checkLeaderEpoch(currentLeaderEpoch: number): PartitionError | null {
    if (currentLeaderEpoch < 0) return null;
    if (currentLeaderEpoch < this.leaderEpoch) return 'FENCED_LEADER_EPOCH';
    if (currentLeaderEpoch > this.leaderEpoch) return 'UNKNOWN_LEADER_EPOCH';
    return null;
  }

  /**
   * Produce path. With acks=all (`requiredAcks` -1) an ISR smaller than min.insync.replicas
   * refuses the append (NOT_ENOUGH_REPLICAS), as Kafka does before writing.
   */
  appendRecordsToLeader(records: Uint8Array, requiredAcks = 1): AppendResult | { ok: false; error: PartitionError; message: string } {
    if (!this.isLeader()) return { ok: false, error: 'NOT_LEADER_OR_FOLLOWER', message: `broker ${this.nodeId} is not the leader of ${this.topic}-${this.index}` };
    if (requiredAcks === -1 && this.isr.length < this.minInsyncReplicas) {
      return {
        ok: false,
        error: 'NOT_ENOUGH_REPLICAS',
        message: `The size of the current ISR [${this.isr.join(',')}] is insufficient to satisfy the min.isr requirement of ${this.minInsyncReplicas} for partition ${this.topic}-${this.index}`,
      };
    }
    const result = this.log.appendAsLeader(records, this.leaderEpoch);
    if (result.ok) this.maybeIncrementHighWatermark();
    return result;
  }

  /** Replica fetcher path: the leader's batches, stored as they are. */
  appendRecordsAsFollower(records: Uint8Array): AppendResult | { ok: false; error: PartitionError; message: string } {
    if (this.isLeader()) return { ok: false, error: 'NOT_LEADER_OR_FOLLOWER', message: `broker ${this.nodeId} leads ${this.topic}-${this.index}: it does not append as follower` };
    const log = this.log;
    // An empty log restarted at the leader's log start offset may receive the batch holding that
    // offset, which begins before it: the log then restarts at the batch (Kafka's handling of
    // UnexpectedAppendOffsetException), and the leader's log start offset applies afterwards.
    if (log.logStartOffset === log.logEndOffset && records.length >= 8) {
      const baseOffset = Number(Buffer.from(records.buffer, records.byteOffset, 8).readBigInt64BE(0));
      if (baseOffset < log.logEndOffset && baseOffset >= 0) {
        this.logger.info({ topic: this.topic, partition: this.index, from: log.logEndOffset, to: baseOffset }, 'empty follower log restarts at the first fetched batch');
        log.truncateFullyAndStartAt(baseOffset);
      }
    }
    return log.appendAsFollower(records);
  }

  /** A follower's high watermark: the leader's, capped at its own log end; it never moves backwards here. */
  updateFollowerHighWatermark(leaderHighWatermark: number): void {
    const hw = Math.min(leaderHighWatermark, this.log.logEndOffset);
    if (hw > this.highWatermark) {
      this.highWatermark = hw;
      this.wakeHighWatermark();
    }
  }

  /** After a follower truncation: the high watermark cannot stay beyond the log end. */
  clampHighWatermark(): void {
    if (this.highWatermark > this.log.logEndOffset) this.highWatermark = this.log.logEndOffset;
  }

  /**
   * Leader: records a follower's fetch at `fetchOffset` (its log end offset), made when the
   * leader's log ended at `leaderLogEndOffset` (Kafka's updateFollowerFetchState): the follower
   * was caught up now if it fetched from the leader's end, or at its previous fetch if it has now
   * reached what the leader had then. Then the ISR may expand and the high watermark advance.
   */
  updateFollowerFetchState(replicaId: number, fetchOffset: number, leaderLogEndOffset: number): void {
    const f = this.followers.get(replicaId);
    if (f === undefined || !this.isLeader()) return;
    const now = this.clock.now();
    if (fetchOffset >= leaderLogEndOffset) f.lastCaughtUpTimeMs = Math.max(f.lastCaughtUpTimeMs, now);
    else if (fetchOffset >= f.lastFetchLeaderLogEndOffset) f.lastCaughtUpTimeMs = Math.max(f.lastCaughtUpTimeMs, f.lastFetchTimeMs);
    f.logEndOffset = fetchOffset;
    f.lastFetchLeaderLogEndOffset = leaderLogEndOffset;
    f.lastFetchTimeMs = now;
    this.maybeExpandIsr(replicaId, f);
    this.maybeIncrementHighWatermark();
  }

  /** The ISR used for the high watermark: the committed one plus members being added (Kafka's maximal ISR). */
  private maximalIsr(): readonly number[] {
    if (this.pendingIsr === null) return this.isr;
    return [...new Set([...this.isr, ...this.pendingIsr])];
  }

  /** Leader: high watermark = smallest log end offset over the ISR, moved forward only. Returns true when it moved. */
  maybeIncrementHighWatermark(): boolean {
    if (!this.isLeader()) return false;
    let hw = this.log.logEndOffset;
    for (const r of this.maximalIsr()) {
      if (r === this.nodeId) continue;
      const f = this.followers.get(r);
      // A member not heard from under this leadership holds the high watermark where it is.
      if (f === undefined || f.logEndOffset < 0) return false;
      hw = Math.min(hw, f.logEndOffset);
    }
    if (hw <= this.highWatermark) return false;
    this.highWatermark = hw;
    this.wakeHighWatermark();
    return true;
  }

  private maybeExpandIsr(replicaId: number, f: FollowerState): void {
    if (this.pendingIsr !== null || this.isr.includes(replicaId) || !this.replicas.includes(replicaId)) return;
    if (f.logEndOffset >= this.highWatermark && f.logEndOffset >= this.leaderEpochStartOffset) {
      this.submitIsr([...this.isr, replicaId], 'expand');
    }
  }

  /** Leader: removes ISR members that have not caught up within replica.lag.time.max.ms (Kafka's isr-expiration task). */
  maybeShrinkIsr(): void {
    if (!this.isLeader() || this.pendingIsr !== null) return;
    const now = this.clock.now();
    const leo = this.log.logEndOffset;
    const outOfSync = this.isr.filter((r) => {
      if (r === this.nodeId) return false;
      const f = this.followers.get(r);
      if (f === undefined) return true;
      return f.logEndOffset !== leo && now - f.lastCaughtUpTimeMs > this.options.replicaLagTimeMaxMs;
    });
    if (outOfSync.length === 0) return;
    this.logger.info({ topic: this.topic, partition: this.index, outOfSync, lagTimeMaxMs: this.options.replicaLagTimeMaxMs }, 'shrinking ISR: followers out of sync');
    this.submitIsr(this.isr.filter((r) => !outOfSync.includes(r)), 'shrink');
  }

  private submitIsr(isr: number[], kind: 'expand' | 'shrink'): void {
    const alter = this.options.alterIsr;
    if (alter === undefined) return;
    this.pendingIsr = isr;
    const leaderEpoch = this.leaderEpoch;
    const partitionEpoch = this.partitionEpoch;
    const settle = (result: AlterPartitionIsrResult | null): void => {
      // Leadership moved while the write was in flight: the metadata decides, not this answer.
      if (this.leaderEpoch !== leaderEpoch || this.pendingIsr !== isr) return;
      this.pendingIsr = null;
      if (result !== null && result.ok) {
        if (this.partitionEpoch <= result.partitionEpoch) {
          this.isr = isr;
          this.partitionEpoch = result.partitionEpoch;
        }
        this.logger.info({ topic: this.topic, partition: this.index, isr, partitionEpoch: result.partitionEpoch, kind }, 'ISR updated');
      } else if (result !== null) {
        this.logger.info({ topic: this.topic, partition: this.index, isr, error: result.error, message: result.message }, 'ISR update refused; waiting for the metadata');
      }
      this.maybeIncrementHighWatermark();
      this.wakeHighWatermark();
    };
    alter(this.topic, this.index, { leaderEpoch, isr, partitionEpoch }).then(settle, (err: unknown) => {
      this.logger.error({ err, topic: this.topic, partition: this.index, isr }, 'ISR update failed');
      settle(null);
    });
  }

  read(fetchOffset: number, maxBytes: number, isolation: FetchIsolation, minOneMessage: boolean, allocate?: ReadAllocator): PartitionReadResult {
    return {
      read: this.readRecords(fetchOffset, maxBytes, isolation, minOneMessage, allocate),
      highWatermark: this.highWatermark,
      lastStableOffset: this.highWatermark,
      logStartOffset: this.log.logStartOffset,
    };
  }

  /**
   * `read()` without the offsets around it (the fetch path takes `highWatermark` and
   * `log.logStartOffset` itself): the log's records up to the high watermark or the log end.
   */
  readRecords(fetchOffset: number, maxBytes: number, isolation: FetchIsolation, minOneMessage: boolean, allocate?: ReadAllocator): ReadResult {
    const maxOffset = isolation === 'highWatermark' ? this.highWatermark : this.log.logEndOffset;
    return this.log.read(fetchOffset, maxBytes, maxOffset, minOneMessage, allocate);
  }

  /**
   * Registers a callback for the next change a fetch may care about: for `highWatermark`
   * isolation (consumers, acks=all) a move of the high watermark or of the partition state, for
   * `logEnd` (followers) an append.
   */
  onNextChange(callback: () => void, isolation: FetchIsolation = 'highWatermark'): () => void {
    this.waitForNextChange(callback, isolation);
    return () => this.cancelWaitForNextChange(callback, isolation);
  }

  /** `onNextChange` without a cancel function: `cancelWaitForNextChange` with the same arguments cancels. */
  waitForNextChange(callback: () => void, isolation: FetchIsolation): void {
    // After a wake-up the list is the shared empty one: the first waiter gets a one-slot array
    // (an array grown by push starts at 17 slots; a long poll registers after every wake-up).
    if (isolation === 'logEnd') {
      if (this.logEndWaiters === NO_WAITERS) this.logEndWaiters = [callback];
      else this.logEndWaiters.push(callback);
    } else if (this.highWatermarkWaiters === NO_WAITERS) {
      this.highWatermarkWaiters = [callback];
    } else {
      this.highWatermarkWaiters.push(callback);
    }
  }

  /** Takes `callback` off the waiters of `isolation` (a no-op once it has been woken). */
  cancelWaitForNextChange(callback: () => void, isolation: FetchIsolation): void {
    removeWaiter(isolation === 'logEnd' ? this.logEndWaiters : this.highWatermarkWaiters, callback);
  }

  /** Wakes every waiter (the partition is going away). */
  wakeAll(): void {
    this.wakeLogEnd();
    this.wakeHighWatermark();
  }

  private wakeLogEnd(): void {
    const waiters = this.logEndWaiters;
    if (waiters.length === 0) return;
    this.logEndWaiters = NO_WAITERS;
    this.runWaiters(waiters);
  }

  private wakeHighWatermark(): void {
    const waiters = this.highWatermarkWaiters;
    if (waiters.length === 0) return;
    this.highWatermarkWaiters = NO_WAITERS;
    this.runWaiters(waiters);
  }

  /** Runs waiters taken off their list (those they register meanwhile wait for the next change). */
  private runWaiters(waiters: readonly (() => void)[]): void {
    for (let i = 0; i < waiters.length; i++) {
      try {
        waiters[i]!();
      } catch (err) {
        this.logger.error({ err, topic: this.topic, partition: this.index }, 'fetch waiter failed');
      }
    }
  }
}

/** The waiter list after a wake-up, until the next registration (never modified: removeWaiter finds nothing in it). */
const NO_WAITERS: (() => void)[] = Object.freeze([]) as unknown as (() => void)[];

/** Takes `callback` off `waiters` (the list it is on now; a no-op once it has been woken). */
function removeWaiter(waiters: (() => void)[], callback: () => void): void {
  const i = waiters.indexOf(callback);
  if (i >= 0) waiters.splice(i, 1);
}
