import { ApiKey } from '../../protocol/generated/api-table.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import type { OffsetForLeaderEpochResponseEpochEndOffset, OffsetForLeaderEpochResponseOffsetForLeaderTopicResult } from '../../protocol/generated/offset-for-leader-epoch.js';
import type { Partition } from '../replication/partition.js';
import { defineHandler } from './api-handler.js';

const UNDEFINED = { epoch: -1, endOffset: -1 };

/**
 * The largest epoch <= `requested` this partition's log knows and the offset where the next epoch
 * starts (the log end offset for the latest epoch); (-1, -1) when there is none.
 *
 * Kafka records a new leader epoch in the epoch cache at the log end offset as soon as a replica
 * becomes leader; Samsa's cache learns an epoch from the first batch appended in it. A leader
 * whose current epoch has no batch yet answers as if the epoch had been recorded, so an empty
 * partition answers epoch 0 with end offset 0, as Kafka does.
 */
function endOffsetFor(p: Partition, requested: number): { epoch: number; endOffset: number } {
  if (requested < 0) return UNDEFINED;
  const log = p.log;
  const cachedLatest = log.latestEpoch;
  if (p.isLeader() && cachedLatest < p.leaderEpoch && requested <= p.leaderEpoch && requested >= cachedLatest) {
    return { epoch: requested === p.leaderEpoch || cachedLatest < 0 ? requested : cachedLatest, endOffset: log.logEndOffset };
  }
  return log.endOffsetForEpoch(requested);
}

/**
 * OffsetForLeaderEpoch: for each partition, the end offset of the requested leader epoch (where
 * a follower or a consumer that saw that epoch must truncate to), from the log's leader-epoch
 * cache. The client's current leader epoch is checked first (FENCED_LEADER_EPOCH /
 * UNKNOWN_LEADER_EPOCH); only the leader answers.
 */
export const offsetForLeaderEpochHandler = defineHandler({
  apiKey: ApiKey.OffsetForLeaderEpoch,
  minVersion: 2,
  maxVersion: 4,
  async handle(request, ctx) {
    const { replicaManager } = ctx.services;
    const topics: OffsetForLeaderEpochResponseOffsetForLeaderTopicResult[] = request.topics.map((t) => ({
      topic: t.topic,
      partitions: t.partitions.map((req): OffsetForLeaderEpochResponseEpochEndOffset => {
        const answer = (errorCode: number, found = UNDEFINED): OffsetForLeaderEpochResponseEpochEndOffset => ({
          errorCode,
          partition: req.partition,
          leaderEpoch: found.epoch,
          endOffset: BigInt(found.endOffset),
        });
        const p = replicaManager.getPartition(t.topic, req.partition);
        if (p === undefined) return answer(ErrorCode[replicaManager.notHosted(t.topic, req.partition).error]);
        const epochError = p.checkLeaderEpoch(req.currentLeaderEpoch ?? -1) ?? (p.isLeader() ? null : 'NOT_LEADER_OR_FOLLOWER');
        if (epochError !== null) return answer(ErrorCode[epochError]);
        return answer(ErrorCode.NONE, endOffsetFor(p, req.leaderEpoch));
      }),
    }));
    return { throttleTimeMs: 0, topics };
  },
});
