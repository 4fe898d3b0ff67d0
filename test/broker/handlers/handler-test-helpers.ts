import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBroker } from '../../../src/broker/broker.js';
import type { Broker } from '../../../src/broker/broker.js';
import { ApiKey } from '../../../src/protocol/generated/api-table.js';
import { ErrorCode } from '../../../src/protocol/generated/error-codes.js';
import { buildRecordBatch } from '../../../src/protocol/records/index.js';
import { KafkaTestClient } from '../../../src/testkit/kafka-test-client.js';

/** One broker on a fresh temporary log dir, with a connected test client. */
export interface HandlerTestBroker {
  dir: string;
  broker: Broker;
  client: KafkaTestClient;
  close(): Promise<void>;
}

export async function startHandlerTestBroker(properties: Record<string, string> = {}): Promise<HandlerTestBroker> {
  const dir = mkdtempSync(join(tmpdir(), 'samsa-handlers-'));
  const broker = await startBroker({ port: 0, host: '127.0.0.1', logDirs: [dir], properties: { 'auto.create.topics.enable': 'false', ...properties } });
  const client = await KafkaTestClient.connect('127.0.0.1', broker.port);
  return {
    dir,
    broker,
    client,
    async close() {
      client.close();
      await broker.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';

export function batch(values: string[], valueBytes = 0): Uint8Array {
  return buildRecordBatch(
    values.map((v, i) => ({
      key: Buffer.from(`k${i}`),
      value: valueBytes > 0 ? Buffer.alloc(valueBytes, v) : Buffer.from(v),
      headers: [],
      timestamp: 1_700_000_000_000n + BigInt(i),
    })),
    { producerId: -1n, producerEpoch: -1, baseSequence: -1 },
  );
}

export async function createTopic(
  client: KafkaTestClient,
  name: string,
  numPartitions = 1,
  configs: Record<string, string> = {},
  version = 7,
) {
  const res = await client.send(ApiKey.CreateTopics, version, {
    topics: [{ name, numPartitions, replicationFactor: -1, assignments: [], configs: Object.entries(configs).map(([k, v]) => ({ name: k, value: v })) }],
    timeoutMs: 5000,
    validateOnly: false,
  });
  const result = res.topics[0]!;
  assert.equal(result.errorCode, ErrorCode.NONE, `creating ${name}: ${result.errorMessage ?? ''}`);
  return result;
}

export async function produce(client: KafkaTestClient, topic: string, partition: number, records: Uint8Array) {
  const res = await client.send(ApiKey.Produce, 9, {
    transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: partition, records }] }],
  });
  return res.responses[0]!.partitionResponses[0]!;
}

export async function fetchFrom(client: KafkaTestClient, topic: string, partition: number, offset: bigint) {
  const res = await client.send(ApiKey.Fetch, 12, {
    replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
    topics: [{ topic, partitions: [{ partition, currentLeaderEpoch: -1, fetchOffset: offset, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }],
    forgottenTopicsData: [], rackId: '',
  });
  return res.responses[0]!.partitions[0]!;
}

/** ListOffsets v7 for one partition: -2 earliest, -1 latest. */
export async function listOffset(client: KafkaTestClient, topic: string, partition: number, timestamp: bigint) {
  const res = await client.send(ApiKey.ListOffsets, 7, {
    replicaId: -1, isolationLevel: 0,
    topics: [{ name: topic, partitions: [{ partitionIndex: partition, currentLeaderEpoch: -1, timestamp, maxNumOffsets: 1 }] }],
  });
  const p = res.topics[0]!.partitions[0]!;
  assert.equal(p.errorCode, ErrorCode.NONE);
  return p.offset;
}

/** Metadata v12 for the given topics (null: all). */
export async function metadataOf(client: KafkaTestClient, topics: string[] | null) {
  return client.send(ApiKey.Metadata, 12, {
    topics: topics === null ? null : topics.map((name) => ({ name, topicId: ZERO_UUID })),
    allowAutoTopicCreation: false,
    includeTopicAuthorizedOperations: false,
  });
}
