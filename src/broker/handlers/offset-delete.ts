import { ApiKey } from '../../protocol/generated/api-table.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { tpKey } from '../group/group-coordinator-shard.js';
import { groupErrorCode } from '../group/group-error-code.js';
import { defineHandler } from './api-handler.js';

/** OffsetDelete: removes a group's committed offsets of partitions it does not consume (any, when the group is Empty). */
export const offsetDeleteHandler = defineHandler({
  apiKey: ApiKey.OffsetDelete,
  minVersion: 0,
  maxVersion: 0,
  async handle(request, ctx) {
    const { metadata, groupCoordinator } = ctx.services;
    const unknown = new Set<string>();
    const partitions: { topic: string; partition: number }[] = [];
    for (const t of request.topics) {
      const topic = metadata.topic(t.name);
      for (const p of t.partitions) {
        if (topic === undefined || p.partitionIndex < 0 || p.partitionIndex >= topic.partitions.length) unknown.add(tpKey(t.name, p.partitionIndex));
        else partitions.push({ topic: t.name, partition: p.partitionIndex });
      }
    }
    const out = await groupCoordinator.deleteOffsets(request.groupId, partitions);
    if (out.error !== null) return { errorCode: groupErrorCode(out.error), throttleTimeMs: 0, topics: [] };
    return {
      errorCode: ErrorCode.NONE,
      throttleTimeMs: 0,
      topics: request.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => {
          const key = tpKey(t.name, p.partitionIndex);
          return { partitionIndex: p.partitionIndex, errorCode: unknown.has(key) ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : groupErrorCode(out.partitions.get(key) ?? null) };
        }),
      })),
    };
  },
});
