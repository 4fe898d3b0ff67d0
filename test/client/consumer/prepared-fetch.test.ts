import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { after, before, describe, it } from 'node:test';
import { BrokerConnection } from '../../../src/client/connection/broker-connection.js';
import { PreparedFetch } from '../../../src/client/consumer/prepared-fetch.js';
import { Kafka } from '../../../src/client/kafka.js';
import { ApiKey } from '../../../src/protocol/generated/api-table.js';
import type { FetchRequest, FetchResponse } from '../../../src/protocol/generated/fetch.js';
import { encodeRequest } from '../../../src/protocol/request-frame.js';
import { startTestBroker } from '../client-test-support.js';
import type { TestBroker } from '../client-test-support.js';

function fetchRequest(topics: Array<{ topic: string; partitions: Array<{ partition: number; offset: bigint }> }>): FetchRequest {
  return {
    replicaId: -1,
    maxWaitMs: 500,
    minBytes: 1,
    maxBytes: 10 << 20,
    isolationLevel: 1,
    sessionId: 0,
    sessionEpoch: -1,
    topics: topics.map((t, ti) => ({
      topic: t.topic,
      topicId: `AAAAAAAAAAAAAAAAAAAAA${'ABCDEFGH'[ti]}`,
      partitions: t.partitions.map((p) => ({ partition: p.partition, currentLeaderEpoch: 3, fetchOffset: p.offset, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20 })),
    })),
    forgottenTopicsData: [],
    rackId: '',
  };
}

const encodeAt = (version: number) => (r: FetchRequest) => encodeRequest({ apiKey: ApiKey.Fetch, apiVersion: version, correlationId: 0, clientId: 'prepared', body: r });

describe('PreparedFetch', () => {
  it('writes the offsets where the encoder puts them, at every Fetch version the client uses', () => {
    const shape = [
      { topic: 'orders', partitions: [{ partition: 0, offset: 0n }, { partition: 5, offset: 0n }] },
      { topic: 'payments', partitions: [{ partition: 2, offset: 0n }] },
    ];
    // Offsets of every size: one byte, four bytes, past 2^32, near the int64 limit.
    const offsets = [7n, 0x12345678n, 0x1_0000_0001n, 0x7fff_ffff_ffff_fff0n];
    for (let version = 4; version <= 17; version++) {
      const prepared = PreparedFetch.prepare(`v${version}`, version, fetchRequest(shape), encodeAt(version));
      assert.ok(prepared !== undefined, `v${version} prepared`);
      assert.equal(prepared.partitionCount, 3);
      for (let i = 0; i + 3 <= offsets.length; i++) {
        const asked = offsets.slice(i, i + 3);
        let n = 0;
        const expected = encodeAt(version)(fetchRequest(shape.map((t) => ({ ...t, partitions: t.partitions.map((p) => ({ ...p, offset: asked[n++]! })) }))));
        assert.deepStrictEqual(prepared.frameFor(asked), expected, `v${version} offsets ${asked.join(',')}`);
      }
    }
  });

  it('gives a new frame each time, leaving earlier frames as they were', () => {
    const prepared = PreparedFetch.prepare('s', 12, fetchRequest([{ topic: 't', partitions: [{ partition: 0, offset: 0n }] }]), encodeAt(12))!;
    const first = prepared.frameFor([1n]);
    const copy = Buffer.from(first);
    const second = prepared.frameFor([2n]);
    assert.notEqual(first, second);
    assert.deepStrictEqual(first, copy);
    assert.throws(() => prepared.frameFor([1n, 2n]), /1 partitions given 2 offsets/);
  });

  it('declines a request whose other bytes contain a marker offset', () => {
    // A topic name holding the 8 bytes of partition 0's marker: the marker is found twice.
    const topic = `SAMS${'\u0000'.repeat(4)}`;
    assert.equal(PreparedFetch.prepare('x', 12, fetchRequest([{ topic, partitions: [{ partition: 0, offset: 0n }] }]), encodeAt(12)), undefined);
  });
});

describe('BrokerConnection.requestPrepared against the in-process broker', () => {
  let tb: TestBroker;
  let conn: BrokerConnection;
  before(async () => {
    tb = await startTestBroker();
    const kafka = new Kafka({ clientId: 'prepared-test', brokers: [`127.0.0.1:${tb.broker.port}`] });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'prepared', numPartitions: 2 }] });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    for (let i = 0; i < 6; i++) await producer.send({ topic: 'prepared', messages: [{ value: `v${i}`, partition: i % 2 }] });
    await producer.disconnect();
    conn = await BrokerConnection.connect({ host: '127.0.0.1', port: tb.broker.port, clientId: 'prepared-test' });
  });
  after(async () => {
    conn?.close();
    await tb?.close();
  });

  it('answers a prepared Fetch as it answers the same Fetch encoded anew, interleaved with other requests', async () => {
    const version = conn.versionFor(ApiKey.Fetch);
    const metadata = await conn.request(ApiKey.Metadata, { topics: [{ name: 'prepared' }], allowAutoTopicCreation: false });
    const topicId = metadata.topics[0]!.topicId;
    const request = (o0: bigint, o1: bigint): FetchRequest => {
      const r = fetchRequest([{ topic: 'prepared', partitions: [{ partition: 0, offset: o0 }, { partition: 1, offset: o1 }] }]);
      r.topics[0]!.topicId = topicId;
      r.topics[0]!.partitions.forEach((p) => (p.currentLeaderEpoch = -1));
      r.maxWaitMs = 0;
      return r;
    };
    const prepared = PreparedFetch.prepare('p', version, request(0n, 0n), (r) => conn.prepareRequest(ApiKey.Fetch, version, r))!;
    assert.ok(prepared !== undefined);
    const pairs: Array<[bigint, bigint]> = [[0n, 0n], [1n, 2n], [2n, 0n], [3n, 3n]];
    // Prepared and plain requests pipelined on one connection: correlation ids keep them apart.
    const answers = await Promise.all(
      pairs.flatMap(([a, b]) => [
        conn.requestPrepared(ApiKey.Fetch, version, prepared.frameFor([a, b])),
        conn.requestAtVersion(ApiKey.Fetch, version, request(a, b)),
        conn.request(ApiKey.Metadata, { topics: [{ name: 'prepared' }], allowAutoTopicCreation: false }),
      ]),
    );
    for (let i = 0; i < pairs.length; i++) {
      const viaPrepared = answers[3 * i] as FetchResponse;
      const viaPlain = answers[3 * i + 1] as FetchResponse;
      const records = (r: FetchResponse) => r.responses[0]!.partitions.map((p) => [p.partitionIndex, p.errorCode, Buffer.from(p.records ?? []).toString('hex')]);
      assert.deepStrictEqual(records(viaPrepared), records(viaPlain), `offsets ${pairs[i]!.join(',')}`);
    }
    // The offsets were honoured: partition 0 from 3 holds fewer bytes than from 0; past the end (3) nothing.
    const bytes = (i: number, p: number) => ((answers[3 * i] as FetchResponse).responses[0]!.partitions[p]!.records ?? new Uint8Array(0)).length;
    assert.ok(bytes(0, 0) > bytes(2, 0) && bytes(2, 0) > 0, 'partition 0 read from 0, then from 2');
    assert.equal(bytes(3, 1), 0, 'partition 1 from its end');
  });
});
