import { ApiKey } from '../../protocol/generated/api-table.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import type { ListOffsetsResponseListOffsetsPartitionResponse, ListOffsetsResponseListOffsetsTopicResponse } from '../../protocol/generated/list-offsets.js';
import { defineHandler } from './api-handler.js';

/** Special timestamps of ListOffsets. */
const LATEST = -1n;
const EARLIEST = -2n;
const MAX_TIMESTAMP = -3n;
const EARLIEST_LOCAL = -4n;
const LATEST_TIERED = -5n;

/** ListOffsets: earliest, latest, by timestamp, max timestamp (KIP-734), earliest local, latest tiered. */
export const listOffsetsHandler = defineHandler({
  apiKey: ApiKey.ListOffsets,
  minVersion: 1,
  maxVersion: 10,
  async handle(request, ctx) {
    const { replicaManager } = ctx.services;
    const topics: ListOffsetsResponseListOffsetsTopicResponse[] = [];
    for (const t of request.topics) {
      const partitions: ListOffsetsResponseListOffsetsPartitionResponse[] = [];
      for (const req of t.partitions) {
        const answer = (errorCode: number, offset = -1n, timestamp = -1n, leaderEpoch = -1): ListOffsetsResponseListOffsetsPartitionResponse => ({
          partitionIndex: req.partitionIndex,
          errorCode,
          oldStyleOffsets: [],
          timestamp,
          offset,
          // LeaderEpoch exists from v4; older versions must leave it at its default.
          leaderEpoch: ctx.apiVersion >= 4 ? leaderEpoch : -1,
        });
        const p = replicaManager.getPartition(t.name, req.partitionIndex);
        if (p === undefined) {
          partitions.push(answer(ErrorCode[replicaManager.notHosted(t.name, req.partitionIndex).error]));
          continue;
        }
        const epochError = p.checkLeaderEpoch(req.currentLeaderEpoch ?? -1) ?? (p.isLeader() ? null : 'NOT_LEADER_OR_FOLLOWER');
        if (epochError !== null) {
          partitions.push(answer(ErrorCode[epochError]));
          continue;
        }
        const epoch = p.leaderEpoch;
        const ts = req.timestamp;
        if (ts === LATEST) {
          // Consumers see up to the high watermark (the last stable offset for read_committed; equal here).
          const end = request.replicaId >= 0 ? p.log.logEndOffset : p.highWatermark;
          partitions.push(answer(ErrorCode.NONE, BigInt(end), -1n, epoch));
        } else if (ts === EARLIEST || ts === EARLIEST_LOCAL) {
          partitions.push(answer(ErrorCode.NONE, BigInt(p.log.logStartOffset), -1n, epoch));
        } else if (ts === LATEST_TIERED) {
          partitions.push(answer(ErrorCode.NONE, -1n, -1n, -1));
        } else if (ts === MAX_TIMESTAMP) {
          const found = p.log.maxTimestampAndOffset();
          partitions.push(found === null ? answer(ErrorCode.NONE) : answer(ErrorCode.NONE, BigInt(found.offset), BigInt(found.timestamp), epoch));
        } else if (ts < 0n) {
          partitions.push(answer(ErrorCode.INVALID_REQUEST));
        } else {
          const found = p.log.fetchOffsetByTimestamp(Number(ts));
          // Only committed data is visible to consumers.
          if (found === null || (request.replicaId < 0 && found.offset >= p.highWatermark)) partitions.push(answer(ErrorCode.NONE));
          else partitions.push(answer(ErrorCode.NONE, BigInt(found.offset), BigInt(found.timestamp), epoch));
        }
      }
      topics.push({ name: t.name, partitions });
    }
    return { throttleTimeMs: 0, topics };
  },
});
