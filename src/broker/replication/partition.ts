import type { Logger } from '../../logging/logger.js';
import type { PartitionState } from '../metadata/metadata-store.js';
import type { AppendResult, Log, ReadResult } from '../storage/log.js';
import type { ReadAllocator } from '../storage/read-buffer-pool.js';

/** Fetch isolation: consumers read up to the high watermark; followers (later) to the log end. */
export type FetchIsolation = 'highWatermark' | 'logEnd';

export type PartitionError = 'NOT_LEADER_OR_FOLLOWER' | 'FENCED_LEADER_EPOCH' | 'UNKNOWN_LEADER_EPOCH';

export interface PartitionReadResult {
  read: ReadResult;
  highWatermark: number;
  lastStableOffset: number;
  logStartOffset: number;
}

/**
 * One topic-partition hosted by this broker: its log plus replication state (leader epoch, high
 * watermark, ISR). In a single broker the leader is always this broker and the high watermark
 * follows the log end offset on every append; the cluster issue moves the high watermark with
 * follower fetches instead, behind the same methods.
 */
export class Partition {
  leaderEpoch: number;
  leader: number;
  replicas: number[];
  isr: number[];
  highWatermark: number;
  private readonly waiters = new Set<() => void>();

  constructor(
    readonly topic: string,
    readonly index: number,
    public topicId: string,
    readonly log: Log,
    state: PartitionState,
    private readonly nodeId: number,
    highWatermark: number,
    private readonly logger: Logger,
  ) {
    this.leaderEpoch = state.leaderEpoch;
    this.leader = state.leader;
    this.replicas = state.replicas;
    this.isr = state.isr;
    // A checkpointed high watermark can never be beyond the recovered log.
    this.highWatermark = Math.min(highWatermark, log.logEndOffset);
    if (this.isLeader() && this.isr.length === 1) this.highWatermark = log.logEndOffset;
    log.onAppend = () => this.wakeWaiters();
  }

  isLeader(): boolean {
    return this.leader === this.nodeId;
  }

  updateState(state: PartitionState): void {
    this.leaderEpoch = state.leaderEpoch;
    this.leader = state.leader;
    this.replicas = state.replicas;
    this.isr = state.isr;
  }

  /** Checks a client's view of the leader epoch (-1 = not given), as Kafka does for Fetch/ListOffsets. */
  checkLeaderEpoch(currentLeaderEpoch: number): PartitionError | null {
    if (currentLeaderEpoch < 0) return null;
    if (currentLeaderEpoch < this.leaderEpoch) return 'FENCED_LEADER_EPOCH';
    if (currentLeaderEpoch > this.leaderEpoch) return 'UNKNOWN_LEADER_EPOCH';
    return null;
  }

  appendRecordsToLeader(records: Uint8Array): AppendResult | { ok: false; error: PartitionError; message: string } {
    if (!this.isLeader()) return { ok: false, error: 'NOT_LEADER_OR_FOLLOWER', message: `broker ${this.nodeId} is not the leader of ${this.topic}-${this.index}` };
    const result = this.log.appendAsLeader(records, this.leaderEpoch);
    if (result.ok) this.maybeIncrementHighWatermark();
    return result;
  }

  /** With this broker as the only in-sync replica, everything appended is committed. */
  private maybeIncrementHighWatermark(): void {
    if (this.isr.length === 1 && this.isr[0] === this.nodeId && this.log.logEndOffset > this.highWatermark) {
      this.highWatermark = this.log.logEndOffset;
      this.wakeWaiters();
    }
  }

  read(fetchOffset: number, maxBytes: number, isolation: FetchIsolation, minOneMessage: boolean, allocate?: ReadAllocator): PartitionReadResult {
    const maxOffset = isolation === 'highWatermark' ? this.highWatermark : this.log.logEndOffset;
    return {
      read: this.log.read(fetchOffset, maxBytes, maxOffset, minOneMessage, allocate),
      highWatermark: this.highWatermark,
      lastStableOffset: this.highWatermark,
      logStartOffset: this.log.logStartOffset,
    };
  }

  /** Registers a callback for the next change a fetcher may care about (new committed data). */
  onNextChange(callback: () => void): () => void {
    this.waiters.add(callback);
    return () => this.waiters.delete(callback);
  }

  private wakeWaiters(): void {
    if (this.waiters.size === 0) return;
    const list = [...this.waiters];
    this.waiters.clear();
    for (const w of list) {
      try {
        w();
      } catch (err) {
        this.logger.error({ err, topic: this.topic, partition: this.index }, 'fetch waiter failed');
      }
    }
  }
}
