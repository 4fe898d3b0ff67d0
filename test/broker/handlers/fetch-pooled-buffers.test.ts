import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startBroker } from '../../../src/broker/broker.js';
import type { Broker } from '../../../src/broker/broker.js';
import { ReadBufferPool } from '../../../src/broker/storage/read-buffer-pool.js';
import { FrameReader } from '../../../src/net/frame-reader.js';
import { ApiKey } from '../../../src/protocol/generated/api-table.js';
import { ErrorCode } from '../../../src/protocol/generated/error-codes.js';
import { buildRecordBatch, decodeRecordBatches } from '../../../src/protocol/records/index.js';
import { decodeResponse, encodeRequest } from '../../../src/protocol/request-frame.js';
import { KafkaTestClient } from '../../../src/testkit/kafka-test-client.js';

const TOPIC = 'pooled';
const BATCHES = 24;
const RECORDS_PER_BATCH = 4;
const VALUE_BYTES = 30_000;

/** The value of record `r` of batch `b`: distinct bytes, so a buffer reused too early shows. */
function value(b: number, r: number): Buffer {
  const v = Buffer.alloc(VALUE_BYTES);
  for (let i = 0; i < v.length; i += 4) v.writeUInt32BE(((b * 7919 + r * 104729 + i) >>> 0) % 0xffffffff, i);
  return v;
}

function fetchRequest(correlationId: number, offset: bigint, maxBytes: number): Buffer {
  return encodeRequest({
    apiKey: ApiKey.Fetch,
    apiVersion: 12,
    correlationId,
    clientId: 'pool-test',
    body: {
      replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
      topics: [{ topic: TOPIC, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: offset, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: maxBytes }] }],
      forgottenTopicsData: [], rackId: '',
    },
  });
}

/** Checks that a fetch from `offset` returned whole batches in order with exactly the produced keys and values. */
function checkRecords(what: string, offset: bigint, p: { errorCode: number; records: Uint8Array | null }): void {
  assert.equal(p.errorCode, ErrorCode.NONE, what);
  const batches = decodeRecordBatches(p.records!, { verifyCrc: true });
  let expectedBatch = Number(offset) / RECORDS_PER_BATCH;
  assert.ok(batches.length >= Math.min(2, BATCHES - expectedBatch), `${what} returned ${batches.length} batches`);
  for (const batch of batches) {
    assert.equal(batch.header.baseOffset, BigInt(expectedBatch * RECORDS_PER_BATCH), what);
    batch.records.forEach((rec, r) => {
      assert.equal(Buffer.from(rec.key!).toString(), `b${expectedBatch}r${r}`, what);
      assert.ok(Buffer.from(rec.value!).equals(value(expectedBatch, r)), `${what}: value of batch ${expectedBatch} record ${r}`);
    });
    expectedBatch++;
  }
}

describe('Fetch with pooled read buffers', () => {
  let dir: string;
  let broker: Broker;
  const pool = new ReadBufferPool({ minPooledBytes: 64 * 1024, maxPooledBytes: 8 << 20 });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'samsa-pool-'));
    broker = await startBroker({ port: 0, host: '127.0.0.1', logDirs: [dir], readBuffers: pool, properties: { 'num.partitions': '1' } });
    const client = await KafkaTestClient.connect('127.0.0.1', broker.port);
    try {
      const created = await client.send(ApiKey.CreateTopics, 5, { topics: [{ name: TOPIC, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
      assert.equal(created.topics[0]!.errorCode, ErrorCode.NONE);
      for (let b = 0; b < BATCHES; b++) {
        const records = Array.from({ length: RECORDS_PER_BATCH }, (_, r) => ({ key: Buffer.from(`b${b}r${r}`), value: value(b, r) }));
        const res = await client.send(ApiKey.Produce, 9, {
          transactionalId: null, acks: 1, timeoutMs: 5000,
          topicData: [{ name: TOPIC, partitionData: [{ index: 0, records: buildRecordBatch(records) }] }],
        });
        assert.equal(res.responses[0]!.partitionResponses[0]!.errorCode, ErrorCode.NONE);
      }
    } finally {
      client.close();
    }
  });

  after(async () => {
    await broker?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps a slab until its response is written: a slow reader gets intact data while another connection fetches', async () => {
    const slow = connect({ host: '127.0.0.1', port: broker.port });
    await new Promise<void>((resolve, reject) => slow.once('connect', resolve).once('error', reject));
    // The slow client sends many fetches and does not read: the responses that the kernel does
    // not take wait in the broker's user space, holding their slabs. Meanwhile another connection
    // fetches at other offsets and borrows slabs: one given back before its bytes were written
    // would be overwritten and show up in the slow client's responses as other records.
    const requests = 30;
    const slowOffsets = Array.from({ length: requests }, (_, i) => BigInt(((i * 7) % BATCHES) * RECORDS_PER_BATCH));
    const maxBytes = 400_000;
    slow.pause();
    for (let i = 0; i < requests; i++) slow.write(fetchRequest(i + 1, slowOffsets[i]!, maxBytes));
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(pool.stats().lent > 0, 'a response waiting for its client holds its slab');

    const fast = await KafkaTestClient.connect('127.0.0.1', broker.port);
    try {
      for (let i = 0; i < 40; i++) {
        const offset = BigInt(((i * 5 + 3) % BATCHES) * RECORDS_PER_BATCH);
        const res = await fast.send(ApiKey.Fetch, 12, {
          replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
          topics: [{ topic: TOPIC, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: offset, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: maxBytes }] }],
          forgottenTopicsData: [], rackId: '',
        });
        checkRecords(`fast fetch ${i}`, offset, res.responses[0]!.partitions[0]!);
      }
    } finally {
      fast.close();
    }

    const reader = new FrameReader({ maxFrameBytes: 1 << 30 });
    const frames: Buffer[] = [];
    await new Promise<void>((resolve, reject) => {
      slow.on('data', (chunk: Buffer) => {
        reader.push(chunk);
        for (let r = reader.next(); r.kind === 'frame'; r = reader.next()) frames.push(r.frame);
        if (frames.length === requests) resolve();
      });
      slow.on('error', reject);
      slow.resume();
    });
    slow.destroy();
    for (let i = 0; i < requests; i++) {
      const { correlationId, body } = decodeResponse(ApiKey.Fetch, 12, frames[i]!);
      assert.equal(correlationId, i + 1);
      checkRecords(`slow fetch ${i}`, slowOffsets[i]!, body.responses[0]!.partitions[0]!);
    }
    const stats = pool.stats();
    assert.ok(stats.reused > 0, `slabs were reused (${JSON.stringify(stats)})`);
    assert.equal(stats.lent, 0, 'every slab came back once its response was written');
  });

  it('gives the slabs back when the client disconnects before reading its responses', async () => {
    const socket = connect({ host: '127.0.0.1', port: broker.port });
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    socket.pause();
    for (let i = 0; i < 40; i++) socket.write(fetchRequest(i + 1, 0n, 900_000));
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(pool.stats().lent > 0);
    socket.destroy();
    for (let i = 0; i < 100 && pool.stats().lent > 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(pool.stats().lent, 0);
  });
});
