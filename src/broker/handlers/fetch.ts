import { ApiKey } from '../../protocol/generated/api-table.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import type {
  FetchResponse,
  FetchResponseEpochEndOffset,
  FetchResponseFetchableTopicResponse,
  FetchResponseLeaderIdAndEpoch,
  FetchResponseNodeEndpoint,
  FetchResponsePartitionData,
  FetchResponseSnapshotId,
} from '../../protocol/generated/fetch.js';
import type { FetchPartitionRequest, FetchPartitionResult } from '../replication/replica-manager.js';
import { defineHandler } from './api-handler.js';
import { offsetBigInt } from './offset-bigint.js';

const EMPTY = new Uint8Array(0);
const READ_COMMITTED = 1;
// The default values of fields this broker never sets, shared by every answer (frozen: the encoder
// only reads them). Left out, the encoder would make a new default object for each partition.
const NO_DIVERGING_EPOCH: FetchResponseEpochEndOffset = Object.freeze({ epoch: -1, endOffset: -1n });
const NO_CURRENT_LEADER: FetchResponseLeaderIdAndEpoch = Object.freeze({ leaderId: -1, leaderEpoch: -1 });
const NO_SNAPSHOT_ID: FetchResponseSnapshotId = Object.freeze({ endOffset: -1n, epoch: -1 });
const NO_NODE_ENDPOINTS: FetchResponseNodeEndpoint[] = Object.freeze([]) as unknown as FetchResponseNodeEndpoint[];

/**
 * Fetch: serves the log's bytes as they are stored. Long polls up to max.wait.ms for min.bytes.
 * Consumers read up to the high watermark; a follower (replica id >= 0) reads up to the log end,
 * and its fetch offset tells the leader how far it has replicated (high watermark, ISR).
 * Fetch sessions (KIP-227): no session is ever created (the response's session id is 0, which
 * clients take as "keep sending full fetches", exactly what Kafka answers when its session cache
 * is full); an incremental fetch naming a session gets FETCH_SESSION_ID_NOT_FOUND.
 */
export const fetchHandler = defineHandler({
  apiKey: ApiKey.Fetch,
  minVersion: 4,
  maxVersion: 17,
  handle(request, ctx) {
    const { replicaManager, metadata } = ctx.services;
    const version = ctx.apiVersion;
    if ((request.sessionId ?? 0) !== 0) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND, sessionId: 0, responses: [] };
    }
    const readCommitted = (request.isolationLevel ?? 0) === READ_COMMITTED;
    // A follower broker names itself (v15+: in ReplicaState); it reads to the log end.
    const replicaId = version >= 15 ? (request.replicaState?.replicaId ?? -1) : (request.replicaId ?? -1);
    const byId = version >= 13;
    const topics = request.topics;
    // Every array below is allocated at its final size (a fetch is answered thousands of times a
    // second; arrays grown by push start at 17 slots): first how many partitions will be read,
    // then the response skeleton and the reads. A wanted partition's answer is left PENDING in the
    // skeleton; the reads come back in the same order, so they fill the PENDING slots in order.
    let known = 0;
    for (let ti = 0; ti < topics.length; ti++) {
      const t = topics[ti]!;
      if (!byId || metadata.topicById(t.topicId ?? '') !== undefined) known += t.partitions.length;
    }
    const wanted: FetchPartitionRequest[] = new Array(known);
    const responses: FetchResponseFetchableTopicResponse[] = new Array(topics.length);
    let w = 0;
    for (let ti = 0; ti < topics.length; ti++) {
      const t = topics[ti]!;
      // By name every topic is looked up by the read (an unknown one gets UNKNOWN_TOPIC_OR_PARTITION there).
      const topicName = byId ? metadata.topicById(t.topicId ?? '')?.name : t.topic;
      const partitions = t.partitions;
      const answers: FetchResponsePartitionData[] = new Array(partitions.length);
      responses[ti] = byId ? { topicId: t.topicId ?? '', partitions: answers } : { topic: t.topic ?? '', partitions: answers };
      for (let pi = 0; pi < partitions.length; pi++) {
        const p = partitions[pi]!;
        if (topicName === undefined) {
          answers[pi] = errorPartition(p.partition, ErrorCode.UNKNOWN_TOPIC_ID);
          continue;
        }
        answers[pi] = PENDING;
        wanted[w++] = {
          topic: topicName,
          partition: p.partition,
          fetchOffset: Number(p.fetchOffset),
          partitionMaxBytes: p.partitionMaxBytes,
          currentLeaderEpoch: p.currentLeaderEpoch ?? -1,
        };
      }
    }
    // The records are read into pooled buffers that go back to the pool once the response is written.
    const buffers = ctx.services.readBuffers.lease();
    ctx.afterResponse(() => buffers.release());
    const results = replicaManager.fetchNowOrLater({
      buffers,
      partitions: wanted,
      maxWaitMs: request.maxWaitMs,
      minBytes: request.minBytes,
      maxBytes: request.maxBytes ?? 0x7fffffff,
      isolation: 'highWatermark',
      replicaId,
      signal: ctx.services.shutdownSignal,
    });
    // A fetch with data at once (or an error) is answered synchronously; a long poll later.
    if (!Array.isArray(results)) return results.then((r) => fetchResponse(r, responses, readCommitted));
    return fetchResponse(results, responses, readCommitted);
  },
});

function fetchResponse(results: readonly FetchPartitionResult[], responses: FetchResponseFetchableTopicResponse[], readCommitted: boolean): FetchResponse {
  // The i-th result answers the i-th PENDING slot (in topic, then partition order).
  let i = 0;
  for (let ti = 0; ti < responses.length && i < results.length; ti++) {
    const answers = responses[ti]!.partitions;
    for (let pi = 0; pi < answers.length && i < results.length; pi++) {
      if (answers[pi] !== PENDING) continue;
      const r = results[i++]!;
      answers[pi] = {
        partitionIndex: r.partition,
        errorCode: r.error === null ? ErrorCode.NONE : ErrorCode[r.error],
        highWatermark: offsetBigInt(r.highWatermark),
        lastStableOffset: offsetBigInt(r.lastStableOffset),
        logStartOffset: offsetBigInt(r.logStartOffset),
        abortedTransactions: readCommitted ? [] : null,
        preferredReadReplica: -1,
        records: r.records ?? EMPTY,
        divergingEpoch: NO_DIVERGING_EPOCH,
        currentLeader: NO_CURRENT_LEADER,
        snapshotId: NO_SNAPSHOT_ID,
      };
    }
  }
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: 0, responses, nodeEndpoints: NO_NODE_ENDPOINTS };
}

/** Stands for a wanted partition's answer until the read fills it in (never sent). */
const PENDING: FetchResponsePartitionData = Object.freeze(errorPartition(-1, ErrorCode.UNKNOWN_SERVER_ERROR));

function errorPartition(partitionIndex: number, errorCode: number): FetchResponsePartitionData {
  return {
    partitionIndex,
    errorCode,
    highWatermark: -1n,
    lastStableOffset: -1n,
    logStartOffset: -1n,
    abortedTransactions: null,
    preferredReadReplica: -1,
    records: EMPTY,
    divergingEpoch: NO_DIVERGING_EPOCH,
    currentLeader: NO_CURRENT_LEADER,
    snapshotId: NO_SNAPSHOT_ID,
  };
}
