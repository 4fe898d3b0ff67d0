import { isRetriable } from '../../protocol/error-codes.js';
import type { MetadataResponse } from '../../protocol/generated/metadata.js';

export interface BrokerMetadata {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

export interface PartitionMetadata {
  partitionErrorCode: number;
  partitionId: number;
  leader: number;
  /** -1 when the broker does not send it (Metadata < v7). */
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
  offlineReplicas: number[];
}

export interface TopicMetadata {
  name: string;
  topicId: string;
  isInternal: boolean;
  errorCode: number;
  /** Sorted by partition id. */
  partitions: PartitionMetadata[];
}

/**
 * The client's view of the cluster: brokers, controller, topics with their partitions' leaders
 * and leader epochs. Updated from Metadata responses; a partition whose cached leader epoch is
 * newer than the response's keeps its cached leader (the response came from a broker that is
 * behind: Java's rule). Pure data, no I/O; `now` is passed in.
 */
export class MetadataCache {
  clusterId: string | null = null;
  controllerId = -1;
  readonly brokers = new Map<number, BrokerMetadata>();
  readonly topics = new Map<string, TopicMetadata>();
  /** Topics the last metadata answered with a non-retriable error (INVALID_TOPIC_EXCEPTION, TOPIC_AUTHORIZATION_FAILED, ...): asking again will not help. */
  readonly topicErrors = new Map<string, number>();
  /** When each topic was last refreshed (ms). */
  private readonly topicUpdatedAt = new Map<string, number>();
  /** When the last full or partial refresh happened (ms), 0 before the first. */
  updatedAt = 0;
  /** Set when something showed the cache to be wrong; the next access refreshes. */
  stale = true;

  update(response: MetadataResponse, now: number): void {
    this.clusterId = response.clusterId ?? null;
    this.controllerId = response.controllerId ?? -1;
    this.brokers.clear();
    for (const b of response.brokers) this.brokers.set(b.nodeId, { nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack ?? null });
    for (const t of response.topics) {
      if (t.name === null) continue;
      const previous = this.topics.get(t.name);
      const partitions: PartitionMetadata[] = t.partitions
        .map((p) => {
          const next: PartitionMetadata = {
            partitionErrorCode: p.errorCode,
            partitionId: p.partitionIndex,
            leader: p.leaderId,
            leaderEpoch: p.leaderEpoch ?? -1,
            replicas: p.replicaNodes,
            isr: p.isrNodes,
            offlineReplicas: p.offlineReplicas ?? [],
          };
          const cached = previous?.partitions[p.partitionIndex];
          if (cached !== undefined && cached.leaderEpoch >= 0 && next.leaderEpoch >= 0 && cached.leaderEpoch > next.leaderEpoch) return cached;
          return next;
        })
        .sort((a, b) => a.partitionId - b.partitionId);
      if (t.errorCode !== 0 && partitions.length === 0) {
        this.topics.delete(t.name);
        if (isRetriable(t.errorCode)) this.topicErrors.delete(t.name);
        else this.topicErrors.set(t.name, t.errorCode);
      } else {
        this.topicErrors.delete(t.name);
        this.topics.set(t.name, { name: t.name, topicId: t.topicId ?? '', isInternal: t.isInternal ?? false, errorCode: t.errorCode, partitions });
      }
      this.topicUpdatedAt.set(t.name, now);
    }
    this.updatedAt = now;
    this.stale = false;
  }

  /**
   * Records a leader learned from a response (Produce v10+ / Fetch v12+ `currentLeader`). A newer
   * epoch than cached updates the leader at once and marks the cache stale; returns whether it did.
   */
  observeLeader(topic: string, partition: number, leaderId: number, leaderEpoch: number): boolean {
    const p = this.topics.get(topic)?.partitions[partition];
    if (p === undefined || leaderEpoch < 0 || leaderEpoch <= p.leaderEpoch) return false;
    if (leaderId >= 0) p.leader = leaderId;
    p.leaderEpoch = leaderEpoch;
    this.stale = true;
    return true;
  }

  leaderFor(topic: string, partition: number): number | undefined {
    const leader = this.topics.get(topic)?.partitions[partition]?.leader;
    return leader === undefined || leader < 0 ? undefined : leader;
  }

  partitionCount(topic: string): number | undefined {
    return this.topics.get(topic)?.partitions.length;
  }

  /** Topics missing from the cache or refreshed before `now - maxAgeMs`. */
  needsRefresh(topics: Iterable<string>, now: number, maxAgeMs: number): boolean {
    if (this.stale || now - this.updatedAt >= maxAgeMs) return true;
    for (const t of topics) {
      const at = this.topicUpdatedAt.get(t);
      if (at === undefined || !this.topics.has(t) || now - at >= maxAgeMs) return true;
    }
    return false;
  }

  forgetTopic(topic: string): void {
    this.topics.delete(topic);
    this.topicUpdatedAt.delete(topic);
  }
}
