import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startBroker } from '../../src/broker/broker.js';
import type { Broker } from '../../src/broker/broker.js';
import { OutboundChannel, OutboundChannelError } from '../../src/net/outbound-channel.js';
import { ApiKey } from '../../src/protocol/generated/api-table.js';
import { ErrorCode } from '../../src/protocol/generated/error-codes.js';

describe('OutboundChannel against a real broker', () => {
  let dir: string;
  let broker: Broker;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'samsa-channel-'));
    broker = await startBroker({ port: 0, host: '127.0.0.1', logDirs: [dir] });
  });

  after(async () => {
    await broker?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const connect = () => OutboundChannel.connect({ host: '127.0.0.1', port: broker.port, clientId: 'broker-9-fetcher-0', requestTimeoutMs: 5000 });

  it('negotiates versions and matches pipelined responses (flexible and non-flexible headers) by correlation id', async () => {
    const channel = await connect();
    try {
      const versions = await channel.apiVersions();
      assert.deepEqual(versions.get(ApiKey.Fetch), { minVersion: 4, maxVersion: 17 });
      // Metadata v12 is flexible (header v2), v4 is not (header v1); both in flight at once.
      const [flexible, classic, epochs] = await Promise.all([
        channel.send(ApiKey.Metadata, 12, { topics: [], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false }),
        channel.send(ApiKey.Metadata, 4, { topics: [], allowAutoTopicCreation: false }),
        channel.send(ApiKey.OffsetForLeaderEpoch, 3, { replicaId: 1, topics: [{ topic: 'missing', partitions: [{ partition: 0, currentLeaderEpoch: -1, leaderEpoch: 0 }] }] }),
      ]);
      assert.equal(flexible.brokers[0]!.port, broker.port);
      assert.equal(classic.brokers[0]!.port, broker.port);
      assert.equal(epochs.topics[0]!.partitions[0]!.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      assert.equal(channel.inFlight, 0);
    } finally {
      channel.close();
    }
  });

  it('fails requests in flight and later ones with CLOSED once closed', async () => {
    const channel = await connect();
    let closedWith: OutboundChannelError | null = null;
    channel.onClose((err) => (closedWith = err));
    // A long-polling fetch that would wait 10 s is in flight when the channel closes.
    const waiting = channel.send(ApiKey.Fetch, 12, {
      replicaId: -1, maxWaitMs: 10_000, minBytes: 1, maxBytes: 1024, isolationLevel: 0, sessionId: 0, sessionEpoch: -1, topics: [], forgottenTopicsData: [], rackId: '',
    });
    channel.close();
    await assert.rejects(waiting, (err: unknown) => err instanceof OutboundChannelError && err.reason === 'CLOSED');
    await assert.rejects(channel.send(ApiKey.ApiVersions, 3, {}), (err: unknown) => err instanceof OutboundChannelError && err.reason === 'CLOSED');
    assert.equal(closedWith!.reason, 'CLOSED');
    assert.ok(channel.isClosed);
  });

  it('rejects with CONNECT_FAILED when nothing listens', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((r) => server.close(() => r()));
    await assert.rejects(
      OutboundChannel.connect({ host: '127.0.0.1', port, clientId: null, requestTimeoutMs: 2000 }),
      (err: unknown) => err instanceof OutboundChannelError && err.reason === 'CONNECT_FAILED',
    );
  });
});

describe('OutboundChannel against a silent peer', () => {
  let server: Server;
  const sockets: Socket[] = [];

  before(async () => {
    server = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  });

  after(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('times out a request without an answer and closes the connection, failing the others', async () => {
    const port = (server.address() as { port: number }).port;
    const channel = await OutboundChannel.connect({ host: '127.0.0.1', port, clientId: null, requestTimeoutMs: 5000 });
    const other = channel.send(ApiKey.ApiVersions, 3, {});
    const short = channel.send(ApiKey.ApiVersions, 3, {}, { timeoutMs: 50 });
    await assert.rejects(short, (err: unknown) => err instanceof OutboundChannelError && err.reason === 'TIMED_OUT');
    await assert.rejects(other, (err: unknown) => err instanceof OutboundChannelError && err.reason === 'TIMED_OUT');
    assert.ok(channel.isClosed);
  });

  it('closes on a response with an unknown correlation id', async () => {
    const port = (server.address() as { port: number }).port;
    const channel = await OutboundChannel.connect({ host: '127.0.0.1', port, clientId: null, requestTimeoutMs: 5000 });
    const waiting = channel.send(ApiKey.ApiVersions, 3, {});
    while (sockets.length === 0 || sockets[sockets.length - 1]!.bytesRead === 0) await new Promise((r) => setTimeout(r, 5));
    const frame = Buffer.alloc(8);
    frame.writeInt32BE(4, 0);
    frame.writeInt32BE(12345, 4);
    sockets[sockets.length - 1]!.write(frame);
    await assert.rejects(waiting, (err: unknown) => err instanceof OutboundChannelError && err.reason === 'BAD_RESPONSE');
  });
});
