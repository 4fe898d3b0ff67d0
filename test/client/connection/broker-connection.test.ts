import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connect } from 'node:net';
import { KafkaConnectionError, KafkaProtocolError, KafkaRequestTimeoutError } from '../../../src/client/client-errors.js';
import { BrokerConnection } from '../../../src/client/connection/broker-connection.js';
import { ResponseAssembler } from '../../../src/client/connection/response-assembler.js';
import { ApiKey } from '../../../src/protocol/generated/api-table.js';
import { ErrorCode } from '../../../src/protocol/generated/error-codes.js';
import { encodeResponse } from '../../../src/protocol/request-frame.js';
import { startFakeBroker, startTestBroker } from '../client-test-support.js';
import type { TestBroker } from '../client-test-support.js';

describe('BrokerConnection against the in-process broker', () => {
  let tb: TestBroker;
  let conn: BrokerConnection;
  before(async () => {
    tb = await startTestBroker();
    conn = await BrokerConnection.connect({ host: '127.0.0.1', port: tb.broker.port, clientId: 'conn-test' });
  });
  after(async () => {
    conn?.close();
    await tb?.close();
  });

  it('negotiates the highest version both sides support per API', () => {
    const broker = conn.apiVersions;
    assert.deepStrictEqual(broker.get(ApiKey.Produce), { minVersion: 0, maxVersion: 11 });
    assert.equal(conn.versionFor(ApiKey.Produce), 11);
    assert.equal(conn.versionFor(ApiKey.Fetch), broker.get(ApiKey.Fetch)!.maxVersion);
    assert.equal(conn.versionFor(ApiKey.Produce, { maxVersion: 7 }), 7);
    // Produce below v3 cannot carry record batches: the client never picks it.
    assert.throws(() => conn.versionFor(ApiKey.Produce, { maxVersion: 2 }), (e: unknown) => e instanceof KafkaProtocolError && e.type === 'UNSUPPORTED_VERSION');
    // KRaft-only APIs are not advertised by the broker.
    assert.throws(() => conn.versionFor(ApiKey.Vote), (e: unknown) => e instanceof KafkaProtocolError && e.code === ErrorCode.UNSUPPORTED_VERSION);
  });

  it('pipelines requests on one connection and matches each response to its request', async () => {
    const names = Array.from({ length: 40 }, (_, i) => `pipelined-${i}`);
    const pending = names.map((name) => conn.request(ApiKey.Metadata, { topics: [{ name }], allowAutoTopicCreation: false }));
    assert.ok(conn.inFlightCount >= 2, `requests were in flight together (${conn.inFlightCount})`);
    const responses = await Promise.all(pending);
    assert.deepStrictEqual(responses.map((r) => r.topics[0]!.name), names);
    for (const r of responses) assert.equal(r.topics[0]!.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    assert.equal(conn.inFlightCount, 0);
  });

  it('assembles large responses read straight into their frames, back to back', async () => {
    // ~600 KB responses (2400 topic names of ~250 bytes), larger than the 256 KiB read buffer: the rest of each frame is read into directly.
    const names = (r: number) => Array.from({ length: 2400 }, (_, i) => `${r}-${i}-`.padEnd(249, String.fromCharCode(97 + ((r + i) % 26))));
    const pending = Array.from({ length: 6 }, (_, r) => conn.request(ApiKey.Metadata, { topics: names(r).map((name) => ({ name })), allowAutoTopicCreation: false }));
    const responses = await Promise.all(pending);
    for (const [r, response] of responses.entries()) assert.deepStrictEqual(response.topics.map((t) => t.name), names(r), `response ${r}`);
    const small = await conn.request(ApiKey.Metadata, { topics: [{ name: 'after' }], allowAutoTopicCreation: false });
    assert.equal(small.topics[0]!.name, 'after');
  });

  it('reads only the head of the frame after a large one, and still assembles bursts of small frames after it', async () => {
    // After a large response the next read takes 16 KiB (most of a large frame then goes straight
    // into its buffer). Here a large response is followed by 300 small pipelined ones (~40 KB in
    // all, so they span head-only and full reads), then by a large one again.
    const big = Array.from({ length: 1200 }, (_, i) => `big-${i}-`.padEnd(200, 'q'));
    const first = conn.request(ApiKey.Metadata, { topics: big.map((name) => ({ name })), allowAutoTopicCreation: false });
    const smalls = Array.from({ length: 300 }, (_, i) => conn.request(ApiKey.Metadata, { topics: [{ name: `small-${i}` }], allowAutoTopicCreation: false }));
    const last = conn.request(ApiKey.Metadata, { topics: big.map((name) => ({ name: `${name}z` })), allowAutoTopicCreation: false });
    assert.deepStrictEqual((await first).topics.map((t) => t.name), big);
    assert.deepStrictEqual((await Promise.all(smalls)).map((r) => r.topics[0]!.name), Array.from({ length: 300 }, (_, i) => `small-${i}`));
    assert.deepStrictEqual((await last).topics.map((t) => t.name), big.map((name) => `${name}z`));
  });
});

describe('BrokerConnection against scripted brokers', () => {
  it('falls back to the ApiVersions version the broker names, then uses its ranges', async () => {
    const fake = await startFakeBroker((req) => {
      if (req.header.requestApiKey !== ApiKey.ApiVersions) return undefined;
      if (req.header.requestApiVersion > 2) {
        // An older broker: UNSUPPORTED_VERSION in the v0 layout with its ApiVersions range.
        return { raw: encodeResponse(ApiKey.ApiVersions, 0, req.header.correlationId, { errorCode: ErrorCode.UNSUPPORTED_VERSION, apiKeys: [{ apiKey: ApiKey.ApiVersions, minVersion: 0, maxVersion: 2 }] }) };
      }
      return { body: { errorCode: 0, apiKeys: [{ apiKey: ApiKey.ApiVersions, minVersion: 0, maxVersion: 2 }, { apiKey: ApiKey.Produce, minVersion: 0, maxVersion: 7 }, { apiKey: ApiKey.Metadata, minVersion: 0, maxVersion: 5 }], throttleTimeMs: 0 } };
    });
    try {
      const c = await BrokerConnection.connect({ host: '127.0.0.1', port: fake.port, clientId: 'old' });
      assert.deepStrictEqual(fake.requests.map((r) => r.header.requestApiVersion), [3, 2]);
      assert.equal(c.versionFor(ApiKey.Produce), 7);
      assert.equal(c.versionFor(ApiKey.Metadata), 5);
      await assert.rejects(c.request(ApiKey.Fetch, {} as never), (e: unknown) => e instanceof KafkaProtocolError && e.code === ErrorCode.UNSUPPORTED_VERSION);
      c.close();
    } finally {
      await fake.close();
    }
  });

  it('times a request out with a retriable KafkaRequestTimeoutError; the connection stays usable', async () => {
    let metadataCalls = 0;
    const fake = await startFakeBroker((req) => {
      if (req.header.requestApiKey === ApiKey.ApiVersions) return { body: { errorCode: 0, apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 3 }, { apiKey: 3, minVersion: 0, maxVersion: 12 }] } };
      metadataCalls++;
      if (metadataCalls === 1) return new Promise((resolve) => setTimeout(() => resolve({ body: { brokers: [], topics: [] } }), 300));
      return { body: { brokers: [], topics: [], clusterId: 'second' } };
    });
    try {
      const c = await BrokerConnection.connect({ host: '127.0.0.1', port: fake.port, clientId: 't' });
      const started = Date.now();
      await assert.rejects(c.request(ApiKey.Metadata, { topics: [] }, { timeoutMs: 100 }), (e: unknown) => e instanceof KafkaRequestTimeoutError && e.retriable);
      assert.ok(Date.now() - started < 290, 'rejected at the timeout, not when the late answer came');
      // The late answer is read and dropped; the next request gets its own response.
      const second = await c.request(ApiKey.Metadata, { topics: [] });
      assert.equal(second.clusterId, 'second');
      c.close();
    } finally {
      await fake.close();
    }
  });

  it('closes the connection when a response comes with an unexpected correlation id', async () => {
    const fake = await startFakeBroker((req) => {
      if (req.header.requestApiKey === ApiKey.ApiVersions) return { body: { errorCode: 0, apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 3 }, { apiKey: 3, minVersion: 0, maxVersion: 12 }] } };
      return { body: { brokers: [], topics: [] }, correlationId: req.header.correlationId + 1000 };
    });
    try {
      let closedWith: Error | undefined;
      const c = await BrokerConnection.connect({ host: '127.0.0.1', port: fake.port, clientId: 't', onClose: (_c, e) => (closedWith = e) });
      await assert.rejects(c.request(ApiKey.Metadata, { topics: [] }), (e: unknown) => e instanceof KafkaConnectionError && /out of order/.test(e.message));
      assert.equal(c.isConnected, false);
      assert.ok(closedWith instanceof KafkaConnectionError);
    } finally {
      await fake.close();
    }
  });

  it('reports a refused connection as a retriable KafkaConnectionError and uses the socket factory', async () => {
    const fake = await startFakeBroker(() => undefined);
    const port = fake.port;
    await fake.close();
    const used: string[] = [];
    await assert.rejects(
      BrokerConnection.connect({
        host: '127.0.0.1', port, clientId: 't',
        socketFactory: ({ host, port: p, onConnect }) => {
          used.push(`${host}:${p}`);
          return connect({ host, port: p }, onConnect);
        },
      }),
      (e: unknown) => e instanceof KafkaConnectionError && e.retriable && e.broker === `127.0.0.1:${port}`,
    );
    assert.deepStrictEqual(used, [`127.0.0.1:${port}`]);
  });

  it('runs the authenticate hook after ApiVersions and fails the connect when it throws', async () => {
    const fake = await startFakeBroker((req) => (req.header.requestApiKey === ApiKey.ApiVersions ? { body: { errorCode: 0, apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 3 }, { apiKey: 17, minVersion: 0, maxVersion: 1 }] } } : undefined));
    try {
      let sawVersions = -1;
      await assert.rejects(
        BrokerConnection.connect({
          host: '127.0.0.1', port: fake.port, clientId: 't',
          authenticate: async (c) => {
            sawVersions = c.versionFor(ApiKey.SaslHandshake);
            throw new KafkaProtocolError(ErrorCode.SASL_AUTHENTICATION_FAILED, 'bad password');
          },
        }),
        (e: unknown) => e instanceof KafkaProtocolError && e.type === 'SASL_AUTHENTICATION_FAILED' && !e.retriable,
      );
      assert.equal(sawVersions, 1);
    } finally {
      await fake.close();
    }
  });
});

describe('ResponseAssembler', () => {
  it('mixes copied reads with reads straight into the rest of a frame, and hands frames out whole and in order', () => {
    const a = new ResponseAssembler(1 << 20);
    const out: string[] = [];
    const sink = (f: Buffer) => (out.push(f.toString()), true);
    const allocate = (size: number) => Buffer.alloc(size);
    const frame = (text: string) => Buffer.concat([Buffer.from([0, 0, 0, text.length]), Buffer.from(text)]);
    assert.equal(a.remainingFrame(1), undefined, 'no frame started');
    // A prefix and 3 bytes of a 100-byte frame, copied; then the rest read into it directly.
    const first = 'x'.repeat(40) + 'y'.repeat(60);
    a.push(frame(first).subarray(0, 7), allocate, sink);
    assert.equal(a.remainingFrame(98), undefined, 'fewer bytes missing than asked');
    const rest = a.remainingFrame(97)!;
    assert.equal(rest.length, 97);
    Buffer.from(first.slice(3, 50)).copy(rest);
    a.pushedInto(47, sink);
    assert.deepStrictEqual(out, []);
    Buffer.from(first.slice(50)).copy(a.remainingFrame(1)!);
    a.pushedInto(50, sink);
    assert.deepStrictEqual(out, [first]);
    assert.equal(a.remainingFrame(1), undefined, 'frame done');
    // Then two whole frames in one copied read.
    a.push(Buffer.concat([frame('second'), frame('third')]), allocate, sink);
    assert.deepStrictEqual(out, [first, 'second', 'third']);
  });

  it('says whether a frame is partly read: after part of a size prefix, inside a frame, not between frames', () => {
    const a = new ResponseAssembler(1 << 20);
    const sink = () => true;
    const allocate = (size: number) => Buffer.alloc(size);
    assert.equal(a.assembling, false);
    a.push(Buffer.from([0, 0]), allocate, sink);
    assert.equal(a.assembling, true, 'half a size prefix');
    a.push(Buffer.from([0, 3, 0x61]), allocate, sink);
    assert.equal(a.assembling, true, 'one byte of three');
    a.push(Buffer.from([0x62, 0x63]), allocate, sink);
    assert.equal(a.assembling, false, 'frame done');
  });
});
