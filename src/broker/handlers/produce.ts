import { ApiKey } from '../../protocol/generated/api-table.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import type {
  ProduceResponseLeaderIdAndEpoch,
  ProduceResponseNodeEndpoint,
  ProduceResponsePartitionProduceResponse,
  ProduceResponseTopicProduceResponse,
} from '../../protocol/generated/produce.js';
import type { AcksError } from '../replication/replica-manager.js';
import { defineHandler } from './api-handler.js';
import { offsetBigInt } from './offset-bigint.js';

// Values shared by every answer (frozen: the encoder only reads them): no record errors, and the
// defaults of fields this broker never sets (left out, the encoder would make a new default each time).
const NO_RECORD_ERRORS: ProduceResponsePartitionProduceResponse['recordErrors'] = Object.freeze([]) as unknown as ProduceResponsePartitionProduceResponse['recordErrors'];
const NO_CURRENT_LEADER: ProduceResponseLeaderIdAndEpoch = Object.freeze({ leaderId: -1, leaderEpoch: -1 });
const NO_NODE_ENDPOINTS: ProduceResponseNodeEndpoint[] = Object.freeze([]) as unknown as ProduceResponseNodeEndpoint[];

function partitionError(index: number, errorCode: number, errorMessage: string | null): ProduceResponsePartitionProduceResponse {
  return { index, errorCode, baseOffset: -1n, logAppendTimeMs: -1n, logStartOffset: -1n, recordErrors: NO_RECORD_ERRORS, errorMessage, currentLeader: NO_CURRENT_LEADER };
}

/** Offset of the magic byte in a record batch (and in a v0/v1 message). */
const MAGIC_OFFSET = 16;

/**
 * Produce: each partition's record batches go to its log as opaque bytes (validated, offsets
 * assigned in place, appended). Every request version is served, but only record batches
 * (magic 2): v0-2 requests carrying message format v0/v1 get UNSUPPORTED_FOR_MESSAGE_FORMAT.
 * acks=all (-1) refuses the append when the ISR is smaller than min.insync.replicas
 * (NOT_ENOUGH_REPLICAS) and answers once the high watermark has passed the appended batches
 * (the followers have them), or with REQUEST_TIMED_OUT after the request's timeoutMs.
 */
export const produceHandler = defineHandler({
  apiKey: ApiKey.Produce,
  minVersion: 0,
  maxVersion: 11,
  handle(request, ctx) {
    const { replicaManager } = ctx.services;
    const acks = request.acks;
    // Arrays are allocated at their final size (one grown by push starts at 17 slots).
    const topicData = request.topicData;
    const responses: ProduceResponseTopicProduceResponse[] = new Array(topicData.length);
    // acks=all: the partitions whose append must reach the high watermark before the answer.
    let waits: Promise<void>[] | undefined;
    for (let ti = 0; ti < topicData.length; ti++) {
      const topic = topicData[ti]!;
      // Every partition gets exactly one answer, in request order.
      const partitionResponses: ProduceResponsePartitionProduceResponse[] = new Array(topic.partitionData.length);
      let answered = 0;
      // Clients may not write to internal topics (__consumer_offsets): Kafka refuses it.
      const internal = ctx.services.metadata.topic(topic.name)?.internal === true;
      for (const p of topic.partitionData) {
        if (internal) {
          partitionResponses[answered++] = partitionError(p.index, ErrorCode.INVALID_TOPIC_EXCEPTION, `Cannot append to internal topic ${topic.name}`);
          continue;
        }
        if (acks !== 0 && acks !== 1 && acks !== -1) {
          partitionResponses[answered++] = partitionError(p.index, ErrorCode.INVALID_REQUIRED_ACKS, `Invalid required acks ${acks}`);
          continue;
        }
        if (p.records === null || p.records.length === 0) {
          partitionResponses[answered++] = partitionError(p.index, ErrorCode.CORRUPT_MESSAGE, 'Produce request with no record batches');
          continue;
        }
        // Versions 0-2 are served for magic 2 batches only (librdkafka enables gzip/snappy/lz4 only
        // when Produce v0 is advertised); message formats v0/v1 are refused.
        if (p.records.length > MAGIC_OFFSET && p.records[MAGIC_OFFSET]! < 2) {
          partitionResponses[answered++] = partitionError(p.index, ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT, 'Message format v0/v1 is not supported: use record batches (magic 2)');
          continue;
        }
        const result = replicaManager.appendRecords(topic.name, p.index, p.records, acks);
        if (!result.ok) {
          if (result.error !== 'UNKNOWN_TOPIC_OR_PARTITION') {
            ctx.logger.debug({ topic: topic.name, partition: p.index, error: result.error, message: result.message }, 'produce rejected');
          }
          partitionResponses[answered++] = partitionError(p.index, ErrorCode[result.error], result.message);
          continue;
        }
        const response: ProduceResponsePartitionProduceResponse = {
          index: p.index,
          errorCode: ErrorCode.NONE,
          baseOffset: offsetBigInt(result.firstOffset),
          logAppendTimeMs: offsetBigInt(result.logAppendTime),
          logStartOffset: offsetBigInt(result.logStartOffset),
          recordErrors: NO_RECORD_ERRORS,
          errorMessage: null,
          currentLeader: NO_CURRENT_LEADER,
        };
        partitionResponses[answered++] = response;
        if (acks === -1) {
          const setError = (error: AcksError | null): void => {
            if (error === null) return;
            response.errorCode = ErrorCode[error];
            response.errorMessage = error === 'REQUEST_TIMED_OUT' ? `acks=all: not replicated to the in-sync replicas within ${request.timeoutMs} ms` : null;
          };
          const acked = replicaManager.waitForAcks(topic.name, p.index, result.lastOffset + 1, request.timeoutMs, ctx.services.shutdownSignal);
          if (acked instanceof Promise) (waits ??= []).push(acked.then(setError));
          else setError(acked);
        }
      }
      responses[ti] = { name: topic.name, partitionResponses };
    }
    // Only acks=all appends that the followers still lack wait (never in a single broker, ISR = [self]);
    // everything else is answered synchronously, without a promise.
    const response = acks === 0 ? null : { responses, throttleTimeMs: 0, nodeEndpoints: NO_NODE_ENDPOINTS };
    if (waits !== undefined) return Promise.all(waits).then(() => response);
    return response;
  },
});
