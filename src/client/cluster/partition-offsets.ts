import { ApiKey } from '../../protocol/generated/api-definitions.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { KafkaProtocolError } from '../client-errors.js';
import type { Cluster } from './cluster.js';

/** ListOffsets timestamps with a special meaning. */
export const LATEST_TIMESTAMP = -1n;
export const EARLIEST_TIMESTAMP = -2n;

export interface PartitionTimestamp {
  topic: string;
  partition: number;
  /** A time in ms, or LATEST_TIMESTAMP / EARLIEST_TIMESTAMP. */
  timestamp: bigint;
}

/**
 * ListOffsets for the given partitions, one request per leader: `topic\0partition` -> offset
 * (-1 when no record has a timestamp at or after the one asked). A partition without a known
 * leader throws a retriable error (the caller refreshes metadata and retries).
 */
export async function listPartitionOffsets(cluster: Cluster, wanted: readonly PartitionTimestamp[], isolationLevel = 0): Promise<Map<string, bigint>> {
  await cluster.refreshMetadataIfNecessary([...new Set(wanted.map((w) => w.topic))]);
  const byLeader = new Map<number, PartitionTimestamp[]>();
  for (const w of wanted) {
    const leader = cluster.leaderFor(w.topic, w.partition);
    if (leader === undefined) {
      const known = cluster.metadata.topics.has(w.topic);
      throw new KafkaProtocolError(known ? ErrorCode.LEADER_NOT_AVAILABLE : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `${w.topic}-${w.partition}`);
    }
    byLeader.set(leader, [...(byLeader.get(leader) ?? []), w]);
  }
  const out = new Map<string, bigint>();
  await Promise.all(
    [...byLeader].map(async ([leader, list]) => {
      const topics = new Map<string, PartitionTimestamp[]>();
      for (const w of list) topics.set(w.topic, [...(topics.get(w.topic) ?? []), w]);
      const response = await cluster.request(leader, ApiKey.ListOffsets, {
        replicaId: -1,
        isolationLevel,
        timeoutMs: 5000,
        topics: [...topics].map(([name, ps]) => ({ name, partitions: ps.map((p) => ({ partitionIndex: p.partition, currentLeaderEpoch: -1, timestamp: p.timestamp })) })),
      });
      for (const t of response.topics) {
        for (const p of t.partitions) {
          if (p.errorCode !== 0) throw new KafkaProtocolError(p.errorCode, `${t.name}-${p.partitionIndex}`);
          out.set(`${t.name}\0${p.partitionIndex}`, p.offset ?? -1n);
        }
      }
    }),
  );
  return out;
}

export interface CommittedOffset {
  topic: string;
  partition: number;
  /** -1 when the group has no offset for the partition. */
  offset: bigint;
  metadata: string | null;
}

/** OffsetFetch from the group's coordinator: the given topics' partitions, or (null) everything the group committed. */
export async function fetchCommittedOffsets(cluster: Cluster, groupId: string, topics: Array<{ name: string; partitionIndexes: number[] }> | null): Promise<CommittedOffset[]> {
  const node = await cluster.coordinatorFor(groupId);
  const response = await cluster.groupRequest(node, ApiKey.OffsetFetch, (version) =>
    version >= 8 ? { groups: [{ groupId, topics }], requireStable: false } : { groupId, topics, requireStable: false },
  );
  const group = response.groups !== undefined && response.groups.length > 0 ? response.groups[0]! : { errorCode: response.errorCode ?? 0, topics: response.topics ?? [] };
  if (group.errorCode !== 0) throw new KafkaProtocolError(group.errorCode, `group ${groupId}`);
  const out: CommittedOffset[] = [];
  for (const t of group.topics) {
    for (const p of t.partitions) {
      if (p.errorCode !== 0) throw new KafkaProtocolError(p.errorCode, `${t.name}-${p.partitionIndex}`);
      out.push({ topic: t.name, partition: p.partitionIndex, offset: p.committedOffset, metadata: p.metadata });
    }
  }
  return out;
}
