import { ApiKey } from '../../protocol/generated/api-table.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { tpKey } from '../group/group-coordinator-shard.js';
import type { OffsetCommitParams } from '../group/group-coordinator-shard.js';
import { groupErrorCode } from '../group/group-error-code.js';
import { defineHandler } from './api-handler.js';

/**
 * OffsetCommit: offsets of a group member (generation and member checked) or of a consumer outside
 * group management (generation -1). v1 carries a per-partition commit timestamp, v2-4 a retention
 * time, v6+ the leader epoch, v7+ group.instance.id. Every version stores in __consumer_offsets
 * (Kafka stored v0 commits in ZooKeeper).
 */
export const offsetCommitHandler = defineHandler({
  apiKey: ApiKey.OffsetCommit,
  minVersion: 0,
  maxVersion: 9,
  async handle(request, ctx) {
    const v = ctx.apiVersion;
    const { metadata, groupCoordinator } = ctx.services;
    const unknown = new Set<string>();
    const offsets: OffsetCommitParams['offsets'] = [];
    for (const t of request.topics) {
      const topic = metadata.topic(t.name);
      for (const p of t.partitions) {
        if (topic === undefined || p.partitionIndex < 0 || p.partitionIndex >= topic.partitions.length) {
          unknown.add(tpKey(t.name, p.partitionIndex));
          continue;
        }
        offsets.push({
          topic: t.name,
          partition: p.partitionIndex,
          offset: p.committedOffset,
          leaderEpoch: v >= 6 ? p.committedLeaderEpoch ?? -1 : -1,
          metadata: p.committedMetadata,
          commitTimestamp: v === 1 ? Number(p.commitTimestamp ?? -1n) : -1,
        });
      }
    }
    const result =
      offsets.length === 0
        ? { errors: new Map() }
        : await groupCoordinator.commitOffsets({
            groupId: request.groupId,
            memberId: v >= 1 ? request.memberId ?? '' : '',
            groupInstanceId: v >= 7 ? request.groupInstanceId ?? null : null,
            generationId: v >= 1 ? request.generationIdOrMemberEpoch ?? -1 : -1,
            retentionTimeMs: v >= 2 && v <= 4 ? Number(request.retentionTimeMs ?? -1n) : -1,
            offsets,
          });
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => {
          const key = tpKey(t.name, p.partitionIndex);
          const errorCode = unknown.has(key) ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : groupErrorCode(result.errors.get(key) ?? null);
          return { partitionIndex: p.partitionIndex, errorCode };
        }),
      })),
    };
  },
});
