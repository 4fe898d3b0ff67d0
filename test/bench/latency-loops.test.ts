/**
 * The end-to-end latency benchmark's lean client pieces: the Produce request writer gives the
 * generic encoder's exact bytes, the connection cuts response frames however the bytes arrive,
 * and the producing and consuming loops run against a real broker and see every record.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runConsumeLoop } from '../../bench/broker/latency/consume-loop.js';
import { LatencyConnection } from '../../bench/broker/latency/latency-connection.js';
import { ProduceRequestWriter } from '../../bench/broker/latency/produce-request-writer.js';
import { runProduceLoop } from '../../bench/broker/latency/produce-loop.js';
import { createTopic, produceFrame } from '../../bench/broker/wire.js';
import { startBroker } from '../../src/broker/broker.js';
import { ApiKey } from '../../src/protocol/generated/api-table.js';
import { buildRecordBatch, decodeRecordBatches } from '../../src/protocol/records/index.js';
import { decodeRequest } from '../../src/protocol/request-frame.js';

describe('ProduceRequestWriter', () => {
  const value = Buffer.alloc(1024, 'x');
  // 1 record; 10 (the usual tick); 64 and 65 (the offset delta varint grows to 2 bytes); 512 (the records length uvarint takes 3 bytes).
  for (const n of [1, 10, 64, 65, 512]) {
    it(`writes the bytes produceFrame + buildRecordBatch give for ${n} records`, () => {
      const writer = new ProduceRequestWriter('lat-topic', 0, 1, value);
      const stamp = 123_456_789_012_345;
      const timestampMs = 1_764_000_000_123;
      const key = Buffer.alloc(8);
      key.writeBigInt64BE(BigInt(stamp));
      const records = Array.from({ length: n }, () => ({ key, value }));
      const expected = produceFrame('lat-topic', 0, 1, buildRecordBatch(records, { timestamp: BigInt(timestampMs) }));
      const out = Buffer.alloc(writer.frameBytes(n) + 7, 0xee); // reused buffers are larger than the frame
      out.fill(0xaa, 0, 100); // and hold an earlier request
      const length = writer.write(out, n, stamp, timestampMs);
      assert.equal(length, expected.length);
      assert.equal(writer.frameBytes(n), expected.length);
      assert.deepEqual(out.subarray(0, length), expected);
      // And the broker's decoder reads it back: one batch of n records, CRC checked.
      const req = decodeRequest(out.subarray(4, length));
      assert.equal(req.header.requestApiKey, ApiKey.Produce);
      const batch = (req.body as { topicData: { partitionData: { records: Uint8Array }[] }[] }).topicData[0]!.partitionData[0]!.records;
      const decoded = decodeRecordBatches(batch, { verifyCrc: true });
      assert.equal(decoded.length, 1);
      assert.equal(decoded[0]!.records.length, n);
      assert.deepEqual(Buffer.from(decoded[0]!.records[n - 1]!.key!), key);
    });
  }
});

describe('LatencyConnection', () => {
  it('hands over every response frame in order, whole, however the bytes are split across reads', async () => {
    const frames = [Buffer.from('a'), Buffer.alloc(0), Buffer.alloc(70_000, 7), Buffer.from('hello'), Buffer.alloc(200_000, 9), Buffer.from('end')];
    const stream = Buffer.concat(frames.flatMap((f) => [Buffer.from([f.length >>> 24, (f.length >>> 16) & 255, (f.length >>> 8) & 255, f.length & 255]), f]));
    // Cut points: every byte of the first 40, then a few big pieces (prefixes split too).
    const cuts = [...Array.from({ length: 40 }, (_, i) => i + 1), 41, 42, 9_000, 70_050, 70_051, 70_052, 150_000, stream.length];
    let peer: Socket | undefined;
    const server = createServer((s) => {
      peer = s;
      s.setNoDelay(true);
      let from = 0;
      const next = (): void => {
        const to = cuts.shift();
        if (to === undefined) return;
        s.write(stream.subarray(from, to), () => setTimeout(next, 2));
        from = to;
      };
      next();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const conn = await LatencyConnection.open('127.0.0.1', (server.address() as AddressInfo).port);
    const got: Buffer[] = [];
    await new Promise<void>((resolve, reject) => {
      conn.onFailure = reject;
      conn.onFrame = (buf, start, end, at) => {
        assert.equal(typeof at, 'bigint');
        got.push(Buffer.from(buf.subarray(start, end))); // copied: the buffer is reused
        if (got.length === frames.length) resolve();
      };
    });
    assert.deepEqual(got, frames);
    conn.close();
    peer?.destroy();
    await new Promise((r) => server.close(r));
  });

  it('reports a closed connection to the loop', async () => {
    const server = createServer((s) => s.end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const conn = await LatencyConnection.open('127.0.0.1', (server.address() as AddressInfo).port);
    const err = await new Promise<Error>((resolve) => (conn.onFailure = resolve));
    assert.match(err.message, /closed/);
    assert.throws(() => conn.send(Buffer.alloc(4)), /closed/);
    await new Promise((r) => server.close(r));
  });
});

describe('latency loops against a broker', () => {
  it('the consuming loop sees every record the producing loop sent, each with an 8-byte stamp', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'samsa-latency-loops-'));
    const broker = await startBroker({ port: 0, host: '127.0.0.1', logDirs: [dir] });
    try {
      await createTopic('127.0.0.1', broker.port, 'lat');
      const fetchConn = await LatencyConnection.open('127.0.0.1', broker.port);
      const produceConn = await LatencyConnection.open('127.0.0.1', broker.port);
      let firstFetchSent!: () => void;
      const produced = new Promise<void>((r) => (firstFetchSent = r)).then(() =>
        runProduceLoop(produceConn, { topic: 'lat', rate: 4000, durationMs: 500, valueBytes: 1024, maxInFlight: 5 }),
      );
      const [c, p] = await Promise.all([runConsumeLoop(fetchConn, { topic: 'lat', expected: 2000, warmupRecords: 200, timeoutMs: 30_000 }, () => firstFetchSent()), produced]);
      fetchConn.close();
      produceConn.close();
      assert.equal(p.records, 2000);
      assert.equal(c.received, 2000);
      assert.equal(c.measured, 1800);
      assert.ok(c.fetches >= 1 && c.fetches <= 2000);
      assert.ok(p.requests >= 1 && p.maxBatch >= 1);
      assert.ok(c.p50 > 0 && c.p50 <= c.p99 && c.p99 <= c.max, `p50 ${c.p50} p99 ${c.p99} max ${c.max}`);
    } finally {
      await broker.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the producing loop fails on a produce error (unknown topic)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'samsa-latency-loops-'));
    const broker = await startBroker({ port: 0, host: '127.0.0.1', logDirs: [dir], properties: { 'auto.create.topics.enable': 'false' } });
    try {
      const conn = await LatencyConnection.open('127.0.0.1', broker.port);
      await assert.rejects(runProduceLoop(conn, { topic: 'missing', rate: 1000, durationMs: 100, valueBytes: 16, maxInFlight: 1 }), /produce failed with error code 3/);
      conn.close();
    } finally {
      await broker.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
