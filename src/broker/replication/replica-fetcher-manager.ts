import type { Logger } from '../../logging/logger.js';
import type { BrokerConfig } from '../config/broker-config.js';
import type { MetadataStore } from '../metadata/metadata-store.js';
import type { Partition } from './partition.js';
import { ReplicaFetcher } from './replica-fetcher.js';
import type { ReplicaFetcherSettings } from './replica-fetcher.js';
import type { PartitionRoleListener, ReplicaManager } from './replica-manager.js';

export interface ReplicaFetcherManagerOptions extends Partial<ReplicaFetcherSettings> {
  nodeId: number;
  metadata: MetadataStore;
  replicaManager: ReplicaManager;
  /** inter.broker.listener.name (default PLAINTEXT): whose endpoint of a leader the fetchers connect to. */
  listenerName?: string;
  /** num.replica.fetchers: fetchers per source broker, default 1. */
  numFetchers?: number;
  logger: Logger;
}

/** The fetcher settings from a broker's config (replica.fetch.*, replica.socket.timeout.ms, num.replica.fetchers, the inter-broker listener). */
export function replicaFetcherConfig(config: BrokerConfig): Partial<ReplicaFetcherManagerOptions> {
  return {
    listenerName: config.interBrokerListenerName,
    numFetchers: config.numReplicaFetchers,
    fetchMaxBytes: config.replicaFetchMaxBytes,
    fetchResponseMaxBytes: config.replicaFetchResponseMaxBytes,
    fetchMinBytes: config.replicaFetchMinBytes,
    fetchWaitMaxMs: config.replicaFetchWaitMaxMs,
    fetchBackoffMs: config.replicaFetchBackoffMs,
    socketTimeoutMs: config.replicaSocketTimeoutMs,
  };
}

const DEFAULT_SETTINGS: ReplicaFetcherSettings = {
  fetchMaxBytes: 1024 * 1024,
  fetchResponseMaxBytes: 10 * 1024 * 1024,
  fetchMinBytes: 1,
  fetchWaitMaxMs: 500,
  fetchBackoffMs: 1000,
  socketTimeoutMs: 30_000,
};

/** Java's String.hashCode, for Kafka's choice of fetcher per partition. */
function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/**
 * The follower side of replication (Kafka's ReplicaFetcherManager): the ReplicaManager tells it
 * when a hosted partition starts following a leader (new topic, leader change, new leader epoch)
 * or stops (became leader, no leader, deleted); it keeps each such partition in exactly one
 * ReplicaFetcher, the one for (leader broker, fetcher id = hash(topic, partition) mod
 * num.replica.fetchers), starting fetchers as needed and closing those left without partitions.
 *
 * Lifecycle: `start()` after `replicaManager.start()` (it takes the partitions that already
 * follow), `await close()` before the ReplicaManager and the logs close.
 */
export class ReplicaFetcherManager implements PartitionRoleListener {
  private readonly fetchers = new Map<string, ReplicaFetcher>();
  /** Which fetcher each followed partition is in. */
  private readonly assigned = new Map<Partition, ReplicaFetcher>();
  private readonly settings: ReplicaFetcherSettings;
  private unsubscribe: (() => void) | null = null;
  private closed = false;

  constructor(private readonly opts: ReplicaFetcherManagerOptions) {
    this.settings = {
      fetchMaxBytes: opts.fetchMaxBytes ?? DEFAULT_SETTINGS.fetchMaxBytes,
      fetchResponseMaxBytes: opts.fetchResponseMaxBytes ?? DEFAULT_SETTINGS.fetchResponseMaxBytes,
      fetchMinBytes: opts.fetchMinBytes ?? DEFAULT_SETTINGS.fetchMinBytes,
      fetchWaitMaxMs: opts.fetchWaitMaxMs ?? DEFAULT_SETTINGS.fetchWaitMaxMs,
      fetchBackoffMs: opts.fetchBackoffMs ?? DEFAULT_SETTINGS.fetchBackoffMs,
      socketTimeoutMs: opts.socketTimeoutMs ?? DEFAULT_SETTINGS.socketTimeoutMs,
    };
  }

  start(): void {
    this.unsubscribe ??= this.opts.replicaManager.addRoleListener(this);
  }

  becameFollower(p: Partition): void {
    if (this.closed) return;
    const numFetchers = Math.max(1, this.opts.numFetchers ?? 1);
    // Kafka: Utils.abs(31 * topic.hashCode() + partition) % num.replica.fetchers (abs: the sign bit dropped).
    const fetcherId = ((Math.imul(31, javaStringHash(p.topic)) + p.index) & 0x7fffffff) % numFetchers;
    const k = `${p.leader}:${fetcherId}`;
    let fetcher = this.fetchers.get(k);
    // Same leader, new epoch: the partition starts over (truncation first) in the same fetcher.
    if (fetcher === undefined || this.assigned.get(p) !== fetcher) this.detach(p);
    fetcher = this.fetchers.get(k);
    if (fetcher === undefined) {
      fetcher = new ReplicaFetcher({
        ...this.settings,
        nodeId: this.opts.nodeId,
        leaderId: p.leader,
        fetcherId,
        metadata: this.opts.metadata,
        listenerName: this.opts.listenerName ?? 'PLAINTEXT',
        logger: this.opts.logger.child({ fetcher: `${p.leader}-${fetcherId}` }),
      });
      this.fetchers.set(k, fetcher);
      fetcher.start();
    }
    fetcher.addPartition(p);
    this.assigned.set(p, fetcher);
  }

  stoppedFollowing(p: Partition): void {
    this.detach(p);
  }

  private detach(p: Partition): void {
    const fetcher = this.assigned.get(p);
    if (fetcher === undefined) return;
    this.assigned.delete(p);
    fetcher.removePartition(p);
    if (fetcher.size === 0) {
      for (const [k, f] of this.fetchers) if (f === fetcher) this.fetchers.delete(k);
      void fetcher.close();
    }
  }

  /** The fetcher a partition is in (tests, logs). */
  fetcherOf(p: Partition): ReplicaFetcher | undefined {
    return this.assigned.get(p);
  }

  /** The running fetchers, keyed `<leader id>:<fetcher id>`. */
  fetcherKeys(): string[] {
    return [...this.fetchers.keys()].sort();
  }

  /** Stops every fetcher and waits for them to end (nothing is appended afterwards). */
  async close(): Promise<void> {
    this.closed = true;
    this.unsubscribe?.();
    this.unsubscribe = null;
    const all = [...this.fetchers.values()];
    this.fetchers.clear();
    this.assigned.clear();
    await Promise.all(all.map((f) => f.close()));
  }
}
