import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startBroker } from '../../src/broker/broker.js';
import type { Broker } from '../../src/broker/broker.js';
import { ApiKey } from '../../src/protocol/generated/api-table.js';
import { ErrorCode } from '../../src/protocol/generated/error-codes.js';
import { buildRecordBatch, decodeRecordBatches } from '../../src/protocol/records/index.js';
import { decodeResponse, encodeRequest } from '../../src/protocol/request-frame.js';
import { KafkaTestClient } from '../../src/testkit/kafka-test-client.js';

const text = (b: Uint8Array | null): string | null => (b === null ? null : Buffer.from(b).toString('utf8'));

function batch(values: string[], opts: { producerId?: bigint; baseSequence?: number } = {}): Uint8Array {
  return buildRecordBatch(
    values.map((v, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.from(v), headers: [{ key: 'h', value: Buffer.from(v) }], timestamp: 1_700_000_000_000n + BigInt(i) })),
    { producerId: opts.producerId ?? -1n, producerEpoch: opts.producerId === undefined ? -1 : 0, baseSequence: opts.baseSequence ?? -1 },
  );
}

async function produce(client: KafkaTestClient, topic: string, partition: number, records: Uint8Array, version = 9) {
  const res = await client.send(ApiKey.Produce, version, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: partition, records }] }] });
  return res.responses[0]!.partitionResponses[0]!;
}

async function fetchFrom(client: KafkaTestClient, topic: string, partition: number, offset: bigint, maxWaitMs = 0) {
  const res = await client.send(ApiKey.Fetch, 12, {
    replicaId: -1, maxWaitMs, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
    topics: [{ topic, partitions: [{ partition, currentLeaderEpoch: -1, fetchOffset: offset, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }],
    forgottenTopicsData: [], rackId: '',
  });
  return res.responses[0]!.partitions[0]!;
}

describe('single broker over TCP', () => {
  let dir: string;
  let broker: Broker;
  let client: KafkaTestClient;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'samsa-broker-'));
    broker = await startBroker({ port: 0, host: '127.0.0.1', logDirs: [dir], properties: { 'num.partitions': '2' } });
    client = await KafkaTestClient.connect('127.0.0.1', broker.port);
  });

  after(async () => {
    client?.close();
    await broker?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('advertises exactly the implemented versions and answers an unknown ApiVersions version in v0 layout', async () => {
    const res = await client.send(ApiKey.ApiVersions, 3, { clientSoftwareName: 'test', clientSoftwareVersion: '1' });
    assert.equal(res.errorCode, ErrorCode.NONE);
    const produceRange = res.apiKeys.find((k) => k.apiKey === ApiKey.Produce);
    assert.deepStrictEqual({ min: produceRange?.minVersion, max: produceRange?.maxVersion }, { min: 0, max: 11 });
    assert.equal(res.apiKeys.find((k) => k.apiKey === ApiKey.Fetch)?.minVersion, 4, 'Fetch starts where message format v2 does');
    assert.equal(res.apiKeys.find((k) => k.apiKey === ApiKey.Vote), undefined, 'KRaft-only APIs are not advertised');
    assert.equal(res.apiKeys.find((k) => k.apiKey === ApiKey.EndTxn), undefined, 'no transaction APIs before the transactions issue');

    const raw = await KafkaTestClient.connect('127.0.0.1', broker.port);
    try {
      const frame = encodeRequest({ apiKey: ApiKey.ApiVersions, apiVersion: 3, correlationId: 77, clientId: 'future', body: { clientSoftwareName: 'x', clientSoftwareVersion: '1' } });
      frame.writeInt16BE(99, 6); // claim version 99
      const response = await new Promise<Buffer>((resolve) => {
        const chunks: Buffer[] = [];
        const socket = (raw as unknown as { socket: import('node:net').Socket }).socket;
        socket.removeAllListeners('data');
        socket.on('data', (c: Buffer) => {
          chunks.push(c);
          const all = Buffer.concat(chunks);
          if (all.length >= 4 && all.length >= 4 + all.readInt32BE(0)) resolve(all);
        });
        raw.writeRaw(frame);
      });
      const decoded = decodeResponse(ApiKey.ApiVersions, 0, response.subarray(4));
      assert.equal(decoded.correlationId, 77);
      assert.equal(decoded.body.errorCode, ErrorCode.UNSUPPORTED_VERSION);
      assert.deepStrictEqual(decoded.body.apiKeys.map((k) => k.apiKey), [ApiKey.ApiVersions]);
    } finally {
      raw.close();
    }
  });

  it('auto-creates a topic from Metadata and describes it', async () => {
    const first = await client.send(ApiKey.Metadata, 12, { topics: [{ topicId: 'AAAAAAAAAAAAAAAAAAAAAA', name: 'orders' }], allowAutoTopicCreation: true, includeTopicAuthorizedOperations: false });
    assert.equal(first.topics[0]!.errorCode, ErrorCode.LEADER_NOT_AVAILABLE);
    const again = await client.send(ApiKey.Metadata, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    const orders = again.topics.find((t) => t.name === 'orders')!;
    assert.equal(orders.errorCode, ErrorCode.NONE);
    assert.equal(orders.partitions.length, 2);
    assert.equal(orders.partitions[0]!.leaderId, broker.nodeId);
    assert.equal(again.brokers[0]!.port, broker.port);
    assert.equal(again.clusterId, broker.clusterId);
    const missing = await client.send(ApiKey.Metadata, 12, { topics: [{ topicId: 'AAAAAAAAAAAAAAAAAAAAAA', name: 'nope' }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    assert.equal(missing.topics[0]!.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });

  it('appends produced batches and serves the same records back', async () => {
    const a = await produce(client, 'orders', 0, batch(['one', 'two', 'three']));
    assert.equal(a.errorCode, ErrorCode.NONE);
    assert.equal(a.baseOffset, 0n);
    const b = await produce(client, 'orders', 0, batch(['four']));
    assert.equal(b.baseOffset, 3n);
    const fetched = await fetchFrom(client, 'orders', 0, 0n);
    assert.equal(fetched.errorCode, ErrorCode.NONE);
    assert.equal(fetched.highWatermark, 4n);
    const records = decodeRecordBatches(fetched.records!).flatMap((bt) => bt.records);
    assert.deepStrictEqual(records.map((r) => [Number(r.offset), text(r.key), text(r.value), text(r.headers[0]!.value)]), [
      [0, 'k0', 'one', 'one'], [1, 'k1', 'two', 'two'], [2, 'k2', 'three', 'three'], [3, 'k0', 'four', 'four'],
    ]);
    const fromMiddle = await fetchFrom(client, 'orders', 0, 3n);
    assert.deepStrictEqual(decodeRecordBatches(fromMiddle.records!).flatMap((bt) => bt.records).map((r) => text(r.value)), ['four']);
    const outOfRange = await fetchFrom(client, 'orders', 0, 99n);
    assert.equal(outOfRange.errorCode, ErrorCode.OFFSET_OUT_OF_RANGE);
  });

  it('reports unknown partitions and corrupt batches with Kafka error codes', async () => {
    const unknown = await produce(client, 'orders', 7, batch(['x']));
    assert.equal(unknown.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    const corrupt = Buffer.from(batch(['y']));
    corrupt[corrupt.length - 1]! ^= 0xff;
    const bad = await produce(client, 'orders', 1, corrupt);
    assert.equal(bad.errorCode, ErrorCode.CORRUPT_MESSAGE);
    const after = await fetchFrom(client, 'orders', 1, 0n);
    assert.equal(after.highWatermark, 0n, 'nothing was appended');
  });

  it('accepts record batches in Produce v0-2 requests and refuses message format v0/v1', async () => {
    const v2 = await produce(client, 'orders', 1, batch(['via-v2']), 2);
    assert.equal(v2.errorCode, ErrorCode.NONE);
    // A magic 1 message: offset, size, crc, magic=1, attributes, timestamp, null key, value.
    const legacy = Buffer.alloc(8 + 4 + 4 + 1 + 1 + 8 + 4 + 4 + 3);
    legacy.writeInt32BE(legacy.length - 12, 8);
    legacy[16] = 1;
    legacy.writeInt32BE(-1, 26);
    legacy.writeInt32BE(3, 30);
    const old = await produce(client, 'orders', 1, legacy, 2);
    assert.equal(old.errorCode, ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT);
  });

  it('long-polls a fetch until data arrives', async () => {
    const start = await fetchFrom(client, 'orders', 1, 0n);
    const next = start.highWatermark;
    const producer = await KafkaTestClient.connect('127.0.0.1', broker.port);
    try {
      const pending = fetchFrom(client, 'orders', 1, next, 10_000);
      setTimeout(() => void produce(producer, 'orders', 1, batch(['late'])), 50);
      const got = await pending;
      assert.deepStrictEqual(decodeRecordBatches(got.records!).flatMap((bt) => bt.records).map((r) => text(r.value)), ['late']);
    } finally {
      producer.close();
    }
  });

  it('lists earliest and latest offsets', async () => {
    const res = await client.send(ApiKey.ListOffsets, 7, {
      replicaId: -1, isolationLevel: 0,
      topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -2n }, { partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n }, { partitionIndex: 0, currentLeaderEpoch: -1, timestamp: 1_700_000_000_001n }] }],
    });
    // By timestamp: the first record whose timestamp is at least the target (k1 of the first batch).
    assert.deepStrictEqual(res.topics[0]!.partitions.map((p) => p.offset), [0n, 4n, 1n]);
  });

  it('hands out producer ids and acknowledges a retried idempotent batch without appending it twice', async () => {
    const init = await client.send(ApiKey.InitProducerId, 4, { transactionalId: null, transactionTimeoutMs: 60000, producerId: -1n, producerEpoch: -1 });
    assert.equal(init.errorCode, ErrorCode.NONE);
    const records = batch(['idem-1', 'idem-2'], { producerId: init.producerId, baseSequence: 0 });
    const first = await produce(client, 'orders', 0, Buffer.from(records));
    const retry = await produce(client, 'orders', 0, Buffer.from(records));
    assert.equal(retry.errorCode, ErrorCode.NONE);
    assert.equal(retry.baseOffset, first.baseOffset);
    const gap = await produce(client, 'orders', 0, batch(['gap'], { producerId: init.producerId, baseSequence: 5 }));
    assert.equal(gap.errorCode, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    const end = await fetchFrom(client, 'orders', 0, 0n);
    assert.equal(end.highWatermark, first.baseOffset + 2n);
  });

  it('is a group coordinator out of the box (internal topics with one replica) and refuses writes to internal topics', async () => {
    const found = await client.send(ApiKey.FindCoordinator, 4, { keyType: 0, coordinatorKeys: ['g1'] });
    assert.equal(found.coordinators![0]!.errorCode, ErrorCode.NONE);
    assert.equal(found.coordinators![0]!.nodeId, broker.nodeId);
    const res = await produce(client, '__consumer_offsets', 0, batch(['sneaky']));
    assert.equal(res.errorCode, ErrorCode.INVALID_TOPIC_EXCEPTION);
  });

  it('closes a connection that sends garbage and keeps serving the others', async () => {
    const bad = await KafkaTestClient.connect('127.0.0.1', broker.port);
    bad.writeRaw(Buffer.from([0, 0, 0, 8, 0x7f, 0x7f, 0, 0, 0, 0, 0, 1]));
    await bad.waitForClose();
    const huge = await KafkaTestClient.connect('127.0.0.1', broker.port);
    huge.writeRaw(Buffer.from([0x7f, 0xff, 0xff, 0xff]));
    await huge.waitForClose();
    const res = await client.send(ApiKey.Metadata, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    assert.ok(res.topics.some((t) => t.name === 'orders'));
  });
});

describe('shutdown', () => {
  it('answers long-polling fetches at once, empty, when the broker shuts down', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'samsa-shutdown-'));
    try {
      const broker = await startBroker({ port: 0, host: '127.0.0.1', logDirs: [dir] });
      const clients = [await KafkaTestClient.connect('127.0.0.1', broker.port), await KafkaTestClient.connect('127.0.0.1', broker.port)];
      await clients[0]!.send(ApiKey.Metadata, 12, { topics: [{ topicId: 'AAAAAAAAAAAAAAAAAAAAAA', name: 'idle' }], allowAutoTopicCreation: true, includeTopicAuthorizedOperations: false });
      await fetchFrom(clients[0]!, 'idle', 0, 0n);
      // Waits far longer than the shutdown allows: only the shutdown signal can end them in time
      // (a connection cut by the shutdown timeout would fail these requests instead).
      const pending = clients.map((c) => fetchFrom(c, 'idle', 0, 0n, 0x7fffffff));
      await new Promise((r) => setTimeout(r, 50));
      const closed = broker.close();
      const answers = await Promise.all(pending);
      for (const a of answers) {
        assert.equal(a.errorCode, ErrorCode.NONE);
        assert.equal(a.records?.length ?? 0, 0);
      }
      await closed;
      for (const c of clients) c.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('restart', () => {
  it('keeps topics and records across a clean restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'samsa-restart-'));
    try {
      let broker = await startBroker({ port: 0, host: '127.0.0.1', logDirs: [dir] });
      let client = await KafkaTestClient.connect('127.0.0.1', broker.port);
      await client.send(ApiKey.Metadata, 12, { topics: [{ topicId: 'AAAAAAAAAAAAAAAAAAAAAA', name: 'kept' }], allowAutoTopicCreation: true, includeTopicAuthorizedOperations: false });
      assert.equal((await produce(client, 'kept', 0, batch(['a', 'b']))).baseOffset, 0n);
      const clusterId = broker.clusterId;
      client.close();
      await broker.close();

      broker = await startBroker({ port: 0, host: '127.0.0.1', logDirs: [dir] });
      client = await KafkaTestClient.connect('127.0.0.1', broker.port);
      assert.equal(broker.clusterId, clusterId);
      const got = await fetchFrom(client, 'kept', 0, 0n);
      assert.deepStrictEqual(decodeRecordBatches(got.records!).flatMap((bt) => bt.records).map((r) => text(r.value)), ['a', 'b']);
      assert.equal((await produce(client, 'kept', 0, batch(['c']))).baseOffset, 2n);
      client.close();
      await broker.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
