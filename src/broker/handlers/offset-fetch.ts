import { ApiKey } from '../../protocol/generated/api-table.js';
import type { OffsetFetchResponseOffsetFetchResponseTopics } from '../../protocol/generated/offset-fetch.js';
import type { FetchedOffset } from '../group/group-coordinator-shard.js';
import { groupErrorCode } from '../group/group-error-code.js';
import { defineHandler } from './api-handler.js';

function partitionsOf(topics: { name: string; partitionIndexes: number[] }[] | null | undefined): { topic: string; partition: number }[] | null {
  if (topics === null || topics === undefined) return null;
  return topics.flatMap((t) => t.partitionIndexes.map((partition) => ({ topic: t.name, partition })));
}

function byTopic(offsets: FetchedOffset[], errorCode?: number): OffsetFetchResponseOffsetFetchResponseTopics[] {
  const topics = new Map<string, OffsetFetchResponseOffsetFetchResponseTopics>();
  for (const o of offsets) {
    let t = topics.get(o.topic);
    if (t === undefined) topics.set(o.topic, (t = { name: o.topic, partitions: [] }));
    t.partitions.push({
      partitionIndex: o.partition,
      committedOffset: o.offset,
      committedLeaderEpoch: o.leaderEpoch,
      metadata: o.metadata,
      errorCode: errorCode ?? groupErrorCode(o.error),
    });
  }
  return [...topics.values()];
}

/**
 * OffsetFetch: a group's committed offsets (-1 where there is none), for given partitions or all
 * (null topics, v2+); one group (v0-7) or a batch (v8+). require_stable (v7+) never finds a pending
 * commit: commits are applied once appended, and there are no transactional commits yet.
 */
export const offsetFetchHandler = defineHandler({
  apiKey: ApiKey.OffsetFetch,
  minVersion: 0,
  maxVersion: 9,
  async handle(request, ctx) {
    const v = ctx.apiVersion;
    const gc = ctx.services.groupCoordinator;
    if (v >= 8) {
      const groups = [];
      for (const g of request.groups ?? []) {
        const out = await gc.fetchOffsets(g.groupId, partitionsOf(g.topics));
        groups.push({ groupId: g.groupId, errorCode: groupErrorCode(out.error), topics: out.error === null ? byTopic(out.offsets) : [] });
      }
      return { throttleTimeMs: 0, groups };
    }
    const wanted = partitionsOf(v >= 2 ? request.topics : request.topics ?? []);
    const out = await gc.fetchOffsets(request.groupId ?? '', wanted);
    if (out.error !== null) {
      if (v < 2) {
        // No top-level error before v2: each requested partition carries it.
        const failed = (wanted ?? []).map((tp) => ({ ...tp, offset: -1n, leaderEpoch: -1, metadata: '', error: null }));
        return { throttleTimeMs: 0, topics: byTopic(failed, groupErrorCode(out.error)) };
      }
      return { throttleTimeMs: 0, errorCode: groupErrorCode(out.error), topics: [] };
    }
    return { throttleTimeMs: 0, errorCode: 0, topics: byTopic(out.offsets) };
  },
});
