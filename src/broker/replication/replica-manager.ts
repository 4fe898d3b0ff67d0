import type { Logger } from '../../logging/logger.js';
import type { MetadataEvent, MetadataStore, TopicMetadata } from '../metadata/metadata-store.js';
import type { LogConfig } from '../storage/log-config.js';
import type { LogManager } from '../storage/log-manager.js';
import type { AppendResult } from '../storage/log.js';
import { Partition } from './partition.js';
import type { FetchIsolation, PartitionError } from './partition.js';
import type { ReadBufferLease } from '../storage/read-buffer-pool.js';

export type ReplicaError = PartitionError | 'UNKNOWN_TOPIC_OR_PARTITION' | 'OFFSET_OUT_OF_RANGE' | 'KAFKA_STORAGE_ERROR';

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
  /** Aborts a waiting fetch (broker shutdown). */
  signal?: AbortSignal;
  /**
   * Where the records read go: buffers borrowed from the broker's read-buffer pool, which the
   * caller releases once the response is written. Without it every read allocates.
   */
  buffers?: ReadBufferLease;
}

export type AppendOutcome = AppendResult | { ok: false; error: ReplicaError; message: string };

function key(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

/**
 * The partitions this broker hosts, kept in step with the metadata store: creates their logs when
 * topics appear, deletes them when topics go. Serves appends and fetches (with long polling).
 */
export class ReplicaManager {
  private readonly partitions = new Map<string, Partition>();
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly nodeId: number,
    private readonly logs: LogManager,
    private readonly metadata: MetadataStore,
    private readonly logConfigFor: (topic: TopicMetadata) => LogConfig,
    private readonly highWatermarks: ReadonlyMap<string, number>,
    private readonly logger: Logger,
  ) {}

  start(): void {
    for (const topic of this.metadata.topics()) this.hostTopic(topic, 0);
    this.unsubscribe = this.metadata.subscribe((event) => this.onMetadata(event));
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
        for (const state of event.topic.partitions) this.partitions.get(key(event.topic.name, state.partition))?.updateState(state);
        break;
      case 'brokerConfigChanged':
        // A broker-level default may change what every topic without its own override uses.
        for (const topic of this.metadata.topics()) this.applyLogConfig(topic);
        break;
    }
  }

  private applyLogConfig(topic: TopicMetadata): void {
    const config = this.logConfigFor(topic);
    for (const p of topic.partitions) this.partitions.get(key(topic.name, p.partition))?.log.updateConfig(config);
  }

  private hostTopic(topic: TopicMetadata, from: number): void {
    const config = this.logConfigFor(topic);
    for (const state of topic.partitions) {
      if (state.partition < from || !state.replicas.includes(this.nodeId)) continue;
      const k = key(topic.name, state.partition);
      const existing = this.partitions.get(k);
      if (existing !== undefined) {
        existing.updateState(state);
        continue;
      }
      const log = this.logs.createLog(topic.name, state.partition, config, topic.topicId);
      const hw = this.highWatermarks.get(`${topic.name}-${state.partition}`) ?? 0;
      this.partitions.set(k, new Partition(topic.name, state.partition, topic.topicId, log, state, this.nodeId, hw, this.logger));
    }
  }

  private removePartition(topic: string, partition: number): void {
    const k = key(topic, partition);
    if (!this.partitions.delete(k)) return;
    try {
      this.logs.deleteLog(topic, partition);
    } catch (err) {
      this.logger.error({ err, topic, partition }, 'failed to delete log of deleted topic');
    }
  }

  getPartition(topic: string, partition: number): Partition | undefined {
    return this.partitions.get(key(topic, partition));
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

  appendRecords(topic: string, partition: number, records: Uint8Array): AppendOutcome {
    const p = this.partitions.get(key(topic, partition));
    if (p === undefined) {
      return { ok: false, error: 'UNKNOWN_TOPIC_OR_PARTITION', message: 'This server does not host this topic-partition.' };
    }
    try {
      return p.appendRecordsToLeader(records);
    } catch (err) {
      this.logger.error({ err, topic, partition }, 'append failed with an I/O error');
      return { ok: false, error: 'KAFKA_STORAGE_ERROR', message: 'Disk error when trying to access log file on the disk.' };
    }
  }

  private readOnce(params: FetchParams): { results: FetchPartitionResult[]; bytes: number; hasError: boolean } {
    let remaining = params.maxBytes;
    let bytes = 0;
    let hasError = false;
    const results: FetchPartitionResult[] = [];
    for (const req of params.partitions) {
      const p = this.partitions.get(key(req.topic, req.partition));
      const base = { topic: req.topic, partition: req.partition, highWatermark: -1, lastStableOffset: -1, logStartOffset: -1, records: null };
      if (p === undefined) {
        results.push({ ...base, error: 'UNKNOWN_TOPIC_OR_PARTITION' });
        hasError = true;
        continue;
      }
      const epochError = p.checkLeaderEpoch(req.currentLeaderEpoch) ?? (p.isLeader() ? null : 'NOT_LEADER_OR_FOLLOWER');
      if (epochError !== null) {
        results.push({ ...base, error: epochError });
        hasError = true;
        continue;
      }
      const maxBytes = Math.max(0, Math.min(req.partitionMaxBytes, remaining));
      // Kafka returns at least one whole batch for the first partition with data, even past max bytes.
      const minOneMessage = bytes === 0;
      let read;
      try {
        read = p.read(req.fetchOffset, maxBytes, params.isolation, minOneMessage, params.buffers?.allocate);
      } catch (err) {
        this.logger.error({ err, topic: req.topic, partition: req.partition }, 'read failed with an I/O error');
        results.push({ ...base, error: 'KAFKA_STORAGE_ERROR' });
        hasError = true;
        continue;
      }
      const common = { topic: req.topic, partition: req.partition, highWatermark: read.highWatermark, lastStableOffset: read.lastStableOffset, logStartOffset: read.logStartOffset };
      if (!read.read.ok) {
        results.push({ ...common, error: read.read.error, records: null });
        hasError = true;
        continue;
      }
      const records = read.read.records;
      bytes += records.length;
      remaining -= records.length;
      results.push({ ...common, error: null, records });
    }
    return { results, bytes, hasError };
  }

  /**
   * Reads every requested partition; when fewer than minBytes are available, waits up to maxWaitMs
   * for new data on any of them (woken by appends, not by polling), then reads again.
   */
  async fetch(params: FetchParams): Promise<FetchPartitionResult[]> {
    const first = this.readOnce(params);
    if (params.maxWaitMs <= 0 || first.bytes >= params.minBytes || first.hasError || params.partitions.length === 0) return first.results;
    // What was read is thrown away: the fetch waits, then reads again.
    params.buffers?.releaseAndReuse();
    await new Promise<void>((resolve) => {
      const cancels: (() => void)[] = [];
      let done = false;
      const finish = (): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        for (const c of cancels) c();
        params.signal?.removeEventListener('abort', finish);
        resolve();
      };
      const timer = setTimeout(finish, params.maxWaitMs);
      params.signal?.addEventListener('abort', finish);
      let accumulated = first.bytes;
      const check = (p: Partition, req: FetchPartitionRequest): void => {
        if (done) return;
        // Any new data satisfies min.bytes of 1 (the usual case): no need to read it twice.
        if (params.minBytes <= 1) {
          finish();
          return;
        }
        // Count what became readable for this partition; register again if still short.
        const again = p.read(req.fetchOffset, req.partitionMaxBytes, params.isolation, false, params.buffers?.allocate);
        accumulated = again.read.ok ? Math.max(accumulated, again.read.records.length) : params.minBytes;
        params.buffers?.releaseAndReuse();
        if (accumulated >= params.minBytes) finish();
        else cancels.push(p.onNextChange(() => check(p, req)));
      };
      for (const req of params.partitions) {
        const p = this.partitions.get(key(req.topic, req.partition));
        if (p !== undefined) cancels.push(p.onNextChange(() => check(p, req)));
      }
    });
    return this.readOnce(params).results;
  }

  close(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }
}
