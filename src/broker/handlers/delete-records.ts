import { ApiKey } from '../../protocol/generated/api-table.js';
import type { DeleteRecordsResponseDeleteRecordsPartitionResult, DeleteRecordsResponseDeleteRecordsTopicResult } from '../../protocol/generated/delete-records.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { defineHandler } from './api-handler.js';
import type { RequestContext } from './api-handler.js';

/** DeleteRecords' "up to the high watermark". */
const HIGH_WATERMARK = -1n;

type ErrorName = keyof typeof ErrorCode;

function deleteBefore(topic: string, partitionIndex: number, requested: bigint, ctx: RequestContext): { error: ErrorName; lowWatermark: number } {
  const p = ctx.services.replicaManager.getPartition(topic, partitionIndex);
  if (p === undefined) return { error: 'UNKNOWN_TOPIC_OR_PARTITION', lowWatermark: -1 };
  if (!p.isLeader()) return { error: 'NOT_LEADER_OR_FOLLOWER', lowWatermark: -1 };
  // Kafka: records of a compacted-only topic cannot be deleted this way.
  if (!p.log.config.cleanupPolicy.includes('delete')) return { error: 'POLICY_VIOLATION', lowWatermark: -1 };
  const hw = BigInt(p.highWatermark);
  const offset = requested === HIGH_WATERMARK ? hw : requested;
  if (offset < 0n || offset > hw) return { error: 'OFFSET_OUT_OF_RANGE', lowWatermark: -1 };
  try {
    p.log.deleteRecordsBefore(Number(offset));
  } catch (err) {
    ctx.logger.error({ err, topic, partition: partitionIndex }, 'DeleteRecords failed with an I/O error');
    return { error: 'KAFKA_STORAGE_ERROR', lowWatermark: -1 };
  }
  return { error: 'NONE', lowWatermark: p.log.logStartOffset };
}

/**
 * DeleteRecords: moves partitions' log start offsets up to the given offsets (-1: the high
 * watermark), deleting the segments wholly below; answers each partition's new low watermark.
 * An offset beyond the high watermark is OFFSET_OUT_OF_RANGE.
 */
export const deleteRecordsHandler = defineHandler({
  apiKey: ApiKey.DeleteRecords,
  minVersion: 0,
  maxVersion: 2,
  async handle(request, ctx) {
    const topics: DeleteRecordsResponseDeleteRecordsTopicResult[] = request.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((req): DeleteRecordsResponseDeleteRecordsPartitionResult => {
        const r = deleteBefore(t.name, req.partitionIndex, req.offset, ctx);
        if (r.error === 'NONE') ctx.logger.info({ topic: t.name, partition: req.partitionIndex, logStartOffset: r.lowWatermark }, 'deleted records on request');
        return { partitionIndex: req.partitionIndex, errorCode: ErrorCode[r.error], lowWatermark: BigInt(r.lowWatermark) };
      }),
    }));
    return { throttleTimeMs: 0, topics };
  },
});
