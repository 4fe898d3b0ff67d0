import type { Logger } from '../../logging/logger.js';
import { OutboundChannel } from '../../net/outbound-channel.js';
import { ApiKey } from '../../protocol/generated/api-table.js';
import { errorName } from '../../protocol/error-codes.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import type { FetchRequest, FetchRequestFetchTopic } from '../../protocol/generated/fetch.js';
import type { MetadataStore } from '../metadata/metadata-store.js';
import type { Partition } from './partition.js';

/** The replica fetcher settings (Kafka's replica.* broker configs). */

/** Retry delay when the leader has not caught up with its own leadership yet (see `delay`). */
const LEADER_BEHIND_RETRY_MS = 25;
export interface ReplicaFetcherSettings {
  /** replica.fetch.max.bytes: per partition, default 1 MiB. */
  fetchMaxBytes: number;
  /** replica.fetch.response.max.bytes: per fetch, default 10 MiB. */
  fetchResponseMaxBytes: number;
  /** replica.fetch.min.bytes, default 1. */
  fetchMinBytes: number;
  /** replica.fetch.wait.max.ms, default 500. */
  fetchWaitMaxMs: number;
  /** replica.fetch.backoff.ms: pause after an error, default 1000. */
  fetchBackoffMs: number;
  /** replica.socket.timeout.ms: response timeout, default 30000. */
  socketTimeoutMs: number;
}

export interface ReplicaFetcherOptions extends ReplicaFetcherSettings {
  nodeId: number;
  /** The broker fetched from. */
  leaderId: number;
  fetcherId: number;
  metadata: MetadataStore;
  /** The listener whose endpoint of the leader is used (inter.broker.listener.name). */
  listenerName: string;
  logger: Logger;
}

/** A followed partition inside a fetcher. */
interface FetchEntry {
  p: Partition;
  /** The leader epoch this follower is in: sent as current leader epoch; a change re-adds the partition. */
  leaderEpoch: number;
  /** First the log is truncated to where it agrees with the leader (KIP-101), then it fetches. */
  state: 'truncating' | 'fetching';
  fetchOffset: number;
  /** No request for this partition before this time (after an error). */
  delayedUntil: number;
}

/** Versions this fetcher's requests are written for (the highest Samsa serves). */
const MAX_FETCH_VERSION = 17;
const MAX_OFFSET_FOR_LEADER_EPOCH_VERSION = 4;
const MAX_LIST_OFFSETS_VERSION = 8;
const LATEST_TIMESTAMP = -1n;
const EARLIEST_TIMESTAMP = -2n;

const key = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

/** Offset of the batch length in a record batch header; the length counts the bytes after it. */
const BATCH_LENGTH_OFFSET = 8;
const BATCH_LENGTH_END = 12;

/**
 * The whole batches at the start of `records`: a leader may end a fetch response with a partial
 * batch (cut at the partition's max bytes), which the follower drops and fetches again.
 */
export function wholeBatches(records: Uint8Array): Uint8Array {
  const view = new DataView(records.buffer, records.byteOffset, records.byteLength);
  let pos = 0;
  while (pos + BATCH_LENGTH_END <= records.length) {
    const size = BATCH_LENGTH_END + view.getInt32(pos + BATCH_LENGTH_OFFSET);
    if (size < BATCH_LENGTH_END || pos + size > records.length) break;
    pos += size;
  }
  return pos === records.length ? records : records.subarray(0, pos);
}

/**
 * One replica fetcher (Kafka's ReplicaFetcherThread): a loop that replicates a set of partitions
 * from one leader broker over one connection. Each partition added first truncates its log using
 * OffsetForLeaderEpoch (its latest epoch; the leader answers where that epoch ends on its side),
 * then fetches from its log end: the leader's record batches are appended as they are
 * (appendAsFollower), the follower's high watermark follows the leader's (capped at its own log
 * end), and OFFSET_OUT_OF_RANGE is resolved with the leader's log start and end offsets. Errors
 * delay the partition (or, for connection errors, the whole fetcher) by replica.fetch.backoff.ms.
 */
export class ReplicaFetcher {
  private readonly entries = new Map<string, FetchEntry>();
  private channel: OutboundChannel | null = null;
  private versions = { fetch: 4, offsetForLeaderEpoch: 2, listOffsets: 1 };
  private stopped = false;
  private running: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;

  constructor(private readonly opts: ReplicaFetcherOptions) {}

  get leaderId(): number {
    return this.opts.leaderId;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The followed partitions and their fetch state (tests, logs). */
  partitionStates(): { topic: string; partition: number; state: 'truncating' | 'fetching'; fetchOffset: number }[] {
    return [...this.entries.values()].map((e) => ({ topic: e.p.topic, partition: e.p.index, state: e.state, fetchOffset: e.fetchOffset }));
  }

  start(): void {
    this.running ??= this.run();
  }

  addPartition(p: Partition): void {
    this.entries.set(key(p.topic, p.index), { p, leaderEpoch: p.leaderEpoch, state: 'truncating', fetchOffset: p.log.logEndOffset, delayedUntil: 0 });
    this.wake();
  }

  removePartition(p: Partition): void {
    const k = key(p.topic, p.index);
    if (this.entries.get(k)?.p === p) this.entries.delete(k);
    this.wake();
  }

  /** Stops the loop and closes the connection (a request in flight is abandoned). */
  async close(): Promise<void> {
    this.stopped = true;
    this.channel?.close();
    this.wake();
    await this.running;
  }

  private wake(): void {
    const w = this.wakeUp;
    this.wakeUp = null;
    w?.();
  }

  /** Waits `ms`, or until a partition is added or removed, or the fetcher closes. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wakeUp = null;
        resolve();
      }, ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const now = Date.now();
      const ready = [...this.entries.values()].filter((e) => e.delayedUntil <= now);
      if (ready.length === 0) {
        const next = Math.min(...[...this.entries.values()].map((e) => e.delayedUntil));
        await this.sleep(Number.isFinite(next) ? Math.max(1, next - now) : 60_000);
        continue;
      }
      try {
        const channel = await this.connect();
        const truncating = ready.filter((e) => e.state === 'truncating');
        if (truncating.length > 0) {
          await this.truncate(channel, truncating);
          continue;
        }
        await this.fetch(channel, ready);
      } catch (err) {
        if (this.stopped) break;
        this.opts.logger.warn({ err, leader: this.opts.leaderId, fetcherId: this.opts.fetcherId }, 'replica fetcher failed; backing off');
        this.channel?.close();
        this.channel = null;
        await this.sleep(this.opts.fetchBackoffMs);
      }
    }
    this.channel?.close();
    this.channel = null;
  }

  private async connect(): Promise<OutboundChannel> {
    if (this.channel !== null && !this.channel.isClosed) return this.channel;
    const broker = this.opts.metadata.brokers().find((b) => b.nodeId === this.opts.leaderId);
    const endpoint = broker?.endpoints.find((e) => e.listenerName === this.opts.listenerName);
    if (endpoint === undefined) throw new Error(`leader ${this.opts.leaderId} has no registered endpoint for listener ${this.opts.listenerName}`);
    const channel = await OutboundChannel.connect({
      host: endpoint.host,
      port: endpoint.port,
      clientId: `broker-${this.opts.nodeId}-fetcher-${this.opts.fetcherId}`,
      requestTimeoutMs: this.opts.socketTimeoutMs,
    });
    if (this.stopped) {
      channel.close();
      throw new Error('fetcher closed');
    }
    try {
      const versions = await channel.apiVersions();
      const pick = (apiKey: number, max: number, min: number): number => {
        const range = versions.get(apiKey);
        if (range === undefined || range.maxVersion < min) throw new Error(`leader ${this.opts.leaderId} does not serve API ${apiKey} v${min}+`);
        return Math.min(max, range.maxVersion);
      };
      // OffsetForLeaderEpoch v3 and ListOffsets v1 are the first with a replica id.
      this.versions = {
        fetch: pick(ApiKey.Fetch, MAX_FETCH_VERSION, 4),
        offsetForLeaderEpoch: pick(ApiKey.OffsetForLeaderEpoch, MAX_OFFSET_FOR_LEADER_EPOCH_VERSION, 3),
        listOffsets: pick(ApiKey.ListOffsets, MAX_LIST_OFFSETS_VERSION, 1),
      };
    } catch (err) {
      channel.close();
      throw err;
    }
    this.channel = channel;
    return channel;
  }

  private current(e: FetchEntry): boolean {
    return this.entries.get(key(e.p.topic, e.p.index)) === e && !this.stopped;
  }

  private delay(e: FetchEntry, reason: string, errorCode?: number): void {
    // The leader answering NOT_LEADER_OR_FOLLOWER or UNKNOWN_LEADER_EPOCH has not yet seen the
    // state that made it leader (both learn it from ZooKeeper, each in its own time): it will in
    // a moment, and a whole replica.fetch.backoff.ms would hold acks=all produces up that long.
    const leaderBehind = errorCode === ErrorCode.NOT_LEADER_OR_FOLLOWER || errorCode === ErrorCode.UNKNOWN_LEADER_EPOCH;
    e.delayedUntil = Date.now() + (leaderBehind ? Math.min(LEADER_BEHIND_RETRY_MS, this.opts.fetchBackoffMs) : this.opts.fetchBackoffMs);
    this.opts.logger.info({ topic: e.p.topic, partition: e.p.index, leader: this.opts.leaderId, error: errorCode === undefined ? undefined : errorName(errorCode) }, reason);
  }

  /**
   * KIP-101 truncation: asks the leader where the follower's latest epoch ends and cuts the log
   * there (Kafka's getOffsetTruncationState). A follower without epochs truncates to its high
   * watermark, as does one whose leader answers without epochs.
   */
  private async truncate(channel: OutboundChannel, entries: FetchEntry[]): Promise<void> {
    const asking: FetchEntry[] = [];
    for (const e of entries) {
      if (e.p.log.latestEpoch < 0) this.truncateTo(e, e.p.highWatermark, true);
      else asking.push(e);
    }
    if (asking.length === 0) return;
    const byTopic = new Map<string, FetchEntry[]>();
    for (const e of asking) byTopic.set(e.p.topic, [...(byTopic.get(e.p.topic) ?? []), e]);
    const requested = new Map(asking.map((e) => [key(e.p.topic, e.p.index), e.p.log.latestEpoch]));
    const response = await channel.send(ApiKey.OffsetForLeaderEpoch, this.versions.offsetForLeaderEpoch, {
      replicaId: this.opts.nodeId,
      topics: [...byTopic].map(([topic, list]) => ({
        topic,
        partitions: list.map((e) => ({ partition: e.p.index, currentLeaderEpoch: e.leaderEpoch, leaderEpoch: requested.get(key(topic, e.p.index))! })),
      })),
    });
    for (const t of response.topics) {
      for (const r of t.partitions) {
        const e = this.entries.get(key(t.topic, r.partition));
        if (e === undefined || !asking.includes(e) || !this.current(e) || e.state !== 'truncating') continue;
        if (r.errorCode !== ErrorCode.NONE) {
          this.delay(e, 'OffsetForLeaderEpoch refused; retrying after backoff', r.errorCode);
          continue;
        }
        const log = e.p.log;
        const leo = log.logEndOffset;
        const leaderEnd = Number(r.endOffset);
        const leaderEpoch = r.leaderEpoch ?? -1;
        if (r.endOffset < 0n) {
          // The leader has no epochs (or none at or below ours): Kafka's fallback is the high watermark.
          this.truncateTo(e, Math.min(e.p.highWatermark, leo), true);
        } else if (leaderEpoch < 0) {
          this.truncateTo(e, Math.min(leaderEnd, leo), true);
        } else {
          const own = log.endOffsetForEpoch(leaderEpoch);
          if (own.epoch < 0) this.truncateTo(e, Math.min(leaderEnd, leo), true);
          else if (own.epoch !== leaderEpoch) this.truncateTo(e, own.endOffset, false); // ask again with an older epoch
          else this.truncateTo(e, Math.min(own.endOffset, leaderEnd, leo), true);
        }
      }
    }
  }

  private truncateTo(e: FetchEntry, offset: number, completed: boolean): void {
    const log = e.p.log;
    if (offset < log.logEndOffset) {
      this.opts.logger.info({ topic: e.p.topic, partition: e.p.index, from: log.logEndOffset, to: offset, leader: this.opts.leaderId }, 'truncating follower log to the leader');
      log.truncateTo(offset);
      e.p.clampHighWatermark();
    }
    e.fetchOffset = log.logEndOffset;
    if (completed) e.state = 'fetching';
  }

  private async fetch(channel: OutboundChannel, entries: FetchEntry[]): Promise<void> {
    const version = this.versions.fetch;
    const byId = version >= 13;
    const topics = new Map<string, FetchRequestFetchTopic>();
    const requestedOffsets = new Map<FetchEntry, number>();
    for (const e of entries) {
      let t = topics.get(e.p.topic);
      if (t === undefined) {
        t = byId ? { topicId: e.p.topicId, partitions: [] } : { topic: e.p.topic, partitions: [] };
        topics.set(e.p.topic, t);
      }
      requestedOffsets.set(e, e.fetchOffset);
      t.partitions.push({
        partition: e.p.index,
        currentLeaderEpoch: e.leaderEpoch,
        fetchOffset: BigInt(e.fetchOffset),
        lastFetchedEpoch: -1,
        logStartOffset: BigInt(e.p.log.logStartOffset),
        partitionMaxBytes: this.opts.fetchMaxBytes,
      });
    }
    const request: FetchRequest = {
      replicaId: version <= 14 ? this.opts.nodeId : -1,
      maxWaitMs: this.opts.fetchWaitMaxMs,
      minBytes: this.opts.fetchMinBytes,
      maxBytes: this.opts.fetchResponseMaxBytes,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [...topics.values()],
      forgottenTopicsData: [],
      rackId: '',
    };
    if (version >= 15) request.replicaState = { replicaId: this.opts.nodeId, replicaEpoch: -1n };
    const response = await channel.send(ApiKey.Fetch, version, request, { timeoutMs: this.opts.socketTimeoutMs + this.opts.fetchWaitMaxMs });
    if (response.errorCode !== ErrorCode.NONE) {
      for (const e of entries) this.delay(e, 'Fetch refused; retrying after backoff', response.errorCode);
      return;
    }
    const entryByTopic = new Map<string, string>();
    for (const e of entries) entryByTopic.set(byId ? e.p.topicId : e.p.topic, e.p.topic);
    for (const t of response.responses) {
      const topic = entryByTopic.get((byId ? t.topicId : t.topic) ?? '');
      if (topic === undefined) continue;
      for (const r of t.partitions) {
        const e = this.entries.get(key(topic, r.partitionIndex));
        if (e === undefined || !this.current(e) || e.state !== 'fetching' || requestedOffsets.get(e) !== e.fetchOffset) continue;
        if (r.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE) {
          await this.handleOutOfRange(channel, e);
          continue;
        }
        if (r.errorCode !== ErrorCode.NONE) {
          this.delay(e, 'fetch of partition refused; retrying after backoff', r.errorCode);
          continue;
        }
        this.processPartitionData(e, r.records, Number(r.highWatermark), Number(r.logStartOffset ?? -1n));
      }
    }
  }

  private processPartitionData(e: FetchEntry, fetched: Uint8Array | null, leaderHighWatermark: number, leaderLogStartOffset: number): void {
    const p = e.p;
    const records = fetched === null ? null : wholeBatches(fetched);
    if (fetched !== null && fetched.length > 0 && records!.length === 0) {
      this.delay(e, 'fetch returned no whole batch; retrying after backoff');
      return;
    }
    if (records !== null && records.length > 0) {
      let appended;
      try {
        appended = p.appendRecordsAsFollower(records);
      } catch (err) {
        this.opts.logger.error({ err, topic: p.topic, partition: p.index }, 'follower append failed');
        this.delay(e, 'follower append failed; retrying after backoff');
        return;
      }
      if (!appended.ok) {
        this.opts.logger.warn({ topic: p.topic, partition: p.index, error: appended.error, message: appended.message }, 'follower append refused');
        e.delayedUntil = Date.now() + this.opts.fetchBackoffMs;
        return;
      }
    }
    e.fetchOffset = p.log.logEndOffset;
    // Kafka's follower moves its log start offset with the leader's (DeleteRecords, retention).
    if (leaderLogStartOffset > p.log.logStartOffset && leaderLogStartOffset <= p.log.logEndOffset) p.log.deleteRecordsBefore(leaderLogStartOffset);
    p.updateFollowerHighWatermark(leaderHighWatermark);
  }

  /**
   * OFFSET_OUT_OF_RANGE (Kafka's fetchOffsetAndTruncate): when the leader ends below this log,
   * truncate to its end; else start from the leader's log start offset when this log ends before
   * it (the data was deleted on the leader: this log restarts empty there).
   */
  private async handleOutOfRange(channel: OutboundChannel, e: FetchEntry): Promise<void> {
    const p = e.p;
    const leaderEnd = await this.listOffset(channel, e, LATEST_TIMESTAMP);
    if (leaderEnd === null || !this.current(e)) return;
    const leo = p.log.logEndOffset;
    if (leaderEnd < leo) {
      this.opts.logger.warn({ topic: p.topic, partition: p.index, leaderEnd, leo }, 'leader ends below this follower: truncating');
      p.log.truncateTo(leaderEnd);
      p.clampHighWatermark();
      e.fetchOffset = p.log.logEndOffset;
      return;
    }
    const leaderStart = await this.listOffset(channel, e, EARLIEST_TIMESTAMP);
    if (leaderStart === null || !this.current(e)) return;
    if (leaderStart > p.log.logEndOffset) {
      this.opts.logger.info({ topic: p.topic, partition: p.index, leaderStart, leo: p.log.logEndOffset }, 'follower is behind the leader log start: restarting its log there');
      p.log.truncateFullyAndStartAt(leaderStart);
      p.clampHighWatermark();
      if (p.highWatermark < leaderStart) p.highWatermark = leaderStart;
    }
    e.fetchOffset = Math.max(leaderStart, p.log.logEndOffset);
  }

  private async listOffset(channel: OutboundChannel, e: FetchEntry, timestamp: bigint): Promise<number | null> {
    const response = await channel.send(ApiKey.ListOffsets, this.versions.listOffsets, {
      replicaId: this.opts.nodeId,
      isolationLevel: 0,
      topics: [{ name: e.p.topic, partitions: [{ partitionIndex: e.p.index, currentLeaderEpoch: this.versions.listOffsets >= 4 ? e.leaderEpoch : -1, timestamp }] }],
    });
    const r = response.topics[0]?.partitions[0];
    if (r === undefined || r.errorCode !== ErrorCode.NONE) {
      this.delay(e, 'ListOffsets to resolve an out-of-range fetch refused; retrying after backoff', r?.errorCode);
      return null;
    }
    return Number(r.offset);
  }
}
