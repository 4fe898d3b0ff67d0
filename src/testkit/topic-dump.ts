import { Buffer } from 'node:buffer';
import { ApiKey } from '../protocol/generated/api-table.js';
import { ErrorCode } from '../protocol/generated/error-codes.js';
import { decodeRecordBatches } from '../protocol/records/index.js';
import type { ConsumedRecord } from './interop-dataset.js';
import { KafkaTestClient } from './kafka-test-client.js';

const text = (b: Uint8Array | null): string | null => (b === null ? null : Buffer.from(b).toString('utf8'));

/** Partition count of `topic` from a Metadata request (no auto-creation); null when it does not exist. */
export async function partitionCount(client: KafkaTestClient, topic: string): Promise<number | null> {
  const res = await client.send(ApiKey.Metadata, 12, { topics: [{ topicId: 'AAAAAAAAAAAAAAAAAAAAAA', name: topic }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
  const t = res.topics[0];
  if (t === undefined || t.errorCode !== ErrorCode.NONE) return null;
  return t.partitions.length;
}

/** A stored record batch, as Fetch returned it. */
export interface StoredBatch {
  partition: number;
  baseOffset: number;
  records: number;
  /** Compression codec id (0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd). */
  codec: number;
  producerId: bigint;
  baseSequence: number;
}

export interface TopicDump {
  records: ConsumedRecord[];
  batches: StoredBatch[];
}

/**
 * Reads every record of `topic` from offset 0 to the high watermark with Fetch v12 through the
 * project's own codec: the broker's view, in the same shape the real clients dump. Each batch's
 * CRC is checked. Bounded: gives up after `timeoutMs`.
 */
export async function dumpTopic(host: string, port: number, topic: string, timeoutMs = 30_000): Promise<TopicDump> {
  const deadline = Date.now() + timeoutMs;
  const client = await KafkaTestClient.connect(host, port, 'samsa-topic-dump');
  try {
    const partitions = await partitionCount(client, topic);
    if (partitions === null) throw new Error(`topic ${topic} does not exist`);
    const out: ConsumedRecord[] = [];
    const batchesOut: StoredBatch[] = [];
    for (let partition = 0; partition < partitions; partition++) {
      // From the log start offset, which DeleteRecords and retention move past 0.
      const earliest = await client.send(ApiKey.ListOffsets, 5, { replicaId: -1, isolationLevel: 0, topics: [{ name: topic, partitions: [{ partitionIndex: partition, currentLeaderEpoch: -1, timestamp: -2n }] }] });
      const start = earliest.topics[0]?.partitions[0];
      if (start === undefined || start.errorCode !== ErrorCode.NONE) throw new Error(`ListOffsets earliest of ${topic}-${partition}: error ${start?.errorCode}`);
      let offset = start.offset ?? 0n;
      for (;;) {
        if (Date.now() > deadline) throw new Error(`dumping ${topic} took longer than ${timeoutMs} ms`);
        const res = await client.send(ApiKey.Fetch, 12, {
          replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes: 8 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
          topics: [{ topic, partitions: [{ partition, currentLeaderEpoch: -1, fetchOffset: offset, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 4 << 20 }] }],
          forgottenTopicsData: [], rackId: '',
        });
        const p = res.responses[0]!.partitions[0]!;
        if (p.errorCode !== ErrorCode.NONE) throw new Error(`Fetch ${topic}-${partition} at ${offset}: error ${p.errorCode}`);
        if (offset >= p.highWatermark) break;
        const batches = decodeRecordBatches(p.records ?? new Uint8Array(0), { trailingPartial: 'ignore', verifyCrc: true });
        let progressed = false;
        for (const batch of batches) {
          const h = batch.header;
          if (h.baseOffset + BigInt(h.lastOffsetDelta) >= offset) {
            batchesOut.push({ partition, baseOffset: Number(h.baseOffset), records: h.recordsCount, codec: h.compressionCodec, producerId: h.producerId, baseSequence: h.baseSequence });
          }
          for (const r of batch.records) {
            if (r.offset < offset || r.offset >= p.highWatermark) continue;
            out.push({
              partition,
              offset: Number(r.offset),
              key: text(r.key),
              value: text(r.value),
              headers: r.headers.map((h) => [h.key, text(h.value)]),
              timestamp: Number(r.timestamp),
              timestampType: batch.header.timestampType === 'LogAppendTime' ? 1 : 0,
            });
            offset = r.offset + 1n;
            progressed = true;
          }
          // A batch whose records all lie below `offset` (or an empty one): skip past it.
          const next = batch.header.baseOffset + BigInt(batch.header.lastOffsetDelta) + 1n;
          if (next > offset) {
            offset = next;
            progressed = true;
          }
        }
        if (!progressed) throw new Error(`Fetch ${topic}-${partition} at ${offset} returned no records below the high watermark ${p.highWatermark}`);
      }
    }
    return { records: out, batches: batchesOut };
  } finally {
    client.close();
  }
}
