import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { silentLogger } from '../../../src/logging/logger.js';
import { SocketServer } from '../../../src/broker/network/socket-server.js';
import type { SocketServerOptions } from '../../../src/broker/network/socket-server.js';
import { FakeChannel, LEVEL, TestClient, capturingLogger, requestFrame, sizePrefix, waitUntil, withTimeout } from './fake-channel.js';
import type { LogLine } from './fake-channel.js';
import { seededRng } from '../../support/random-message.js';

const servers: SocketServer[] = [];
const clients: TestClient[] = [];
const unhandled: unknown[] = [];
process.on('unhandledRejection', (reason) => unhandled.push(reason));

after(async () => {
  for (const c of clients) c.destroy();
  await Promise.all(servers.map((s) => s.shutdown(500)));
  assert.deepEqual(unhandled, [], 'no unhandled promise rejections');
});

async function startServer(overrides: Partial<SocketServerOptions> = {}) {
  const channel = new FakeChannel();
  const { logger, lines } = capturingLogger();
  const server = new SocketServer({
    listeners: [{ name: 'PLAINTEXT', host: '127.0.0.1', port: 0 }],
    channel,
    socketRequestMaxBytes: 1 << 20,
    connectionsMaxIdleMs: 60_000,
    logger,
    ...overrides,
  });
  servers.push(server);
  const bound = await server.start();
  const port = bound[0]!.port;
  const connect = async (): Promise<TestClient> => {
    const c = await TestClient.connect(port);
    clients.push(c);
    return c;
  };
  return { server, channel, lines, port, bound, connect };
}

function closeLines(lines: LogLine[]): LogLine[] {
  return lines.filter((l) => l.msg === 'closing connection');
}

describe('SocketServer', () => {
  it('binds the listeners (real port for 0) and answers a request with the connection context', async () => {
    const { server, channel, bound, connect } = await startServer({
      listeners: [
        { name: 'PLAINTEXT', host: '127.0.0.1', port: 0 },
        { name: 'INTERNAL', host: '', port: 0 },
      ],
    });
    assert.equal(bound.length, 2);
    assert.equal(bound[0]!.listenerName, 'PLAINTEXT');
    assert.equal(bound[0]!.host, '127.0.0.1');
    assert.ok(bound[0]!.port > 0);
    assert.equal(bound[1]!.listenerName, 'INTERNAL');
    assert.ok(bound[1]!.port > 0 && bound[1]!.port !== bound[0]!.port);

    const c = await connect();
    c.send(7, { responseBytes: 10 });
    await c.waitForResponses(1);
    assert.deepEqual(c.responses, [7]);
    assert.deepEqual(c.responseSizes, [10]);
    assert.equal(server.connectionCount(), 1);
    const ctx = channel.contexts[0]!;
    assert.equal(ctx.listenerName, 'PLAINTEXT');
    assert.equal(ctx.remoteAddress, '127.0.0.1');
    assert.equal(ctx.remotePort, c.localPort);
    assert.equal(ctx.localPort, bound[0]!.port);
    assert.equal(ctx.connectionId, `127.0.0.1:${bound[0]!.port}-127.0.0.1:${c.localPort}-0`);

    // The all-interfaces listener answers too, and names itself.
    const c2 = await TestClient.connect(bound[1]!.port);
    clients.push(c2);
    c2.send(8);
    await c2.waitForResponses(1);
    assert.equal(channel.contexts[1]!.listenerName, 'INTERNAL');
    assert.notEqual(channel.contexts[1]!.connectionId, ctx.connectionId);
  });

  it('answers pipelined requests strictly in order, one at a time per connection, connections concurrently', async () => {
    const { channel, connect } = await startServer({ maxQueuedRequestsPerConnection: 8 });
    const rng = seededRng(42);
    const conns = await Promise.all([connect(), connect(), connect()]);
    const perConn = 40;
    for (const [i, c] of conns.entries()) {
      // Random delays and sizes; every request written at once (pipelined), some split across writes.
      const all = Buffer.concat(Array.from({ length: perConn }, (_, k) => requestFrame(i * 1000 + k, { delayMs: Math.floor(rng() * 4), responseBytes: Math.floor(rng() * 3000) })));
      let pos = 0;
      while (pos < all.length) {
        const n = 1 + Math.floor(rng() * 700);
        c.sendRaw(all.subarray(pos, pos + n));
        pos += n;
      }
    }
    await Promise.all(conns.map((c) => c.waitForResponses(perConn, 5_000)));
    for (const [i, c] of conns.entries()) assert.deepEqual(c.responses, Array.from({ length: perConn }, (_, k) => i * 1000 + k));
    assert.deepEqual(channel.violations, []);
    assert.ok(channel.maxInFlightOverall > 1, 'different connections are handled concurrently');
  });

  it('reads into the reused buffer by default and through data events with readBufferBytes 0: both answer random chunking and refuse a bad prefix', async () => {
    for (const readBufferBytes of [undefined, 0, 7]) {
      const { server, lines, connect } = await startServer({ socketRequestMaxBytes: 4096, ...(readBufferBytes !== undefined ? { readBufferBytes } : {}) });
      const rng = seededRng(1234);
      const c = await connect();
      const bad = await connect();
      await waitUntil(() => server.connectionStats().length === 2, 2_000, 'both connections accepted');
      for (const s of server.connectionStats()) assert.equal(s.readsReusedBuffer, readBufferBytes !== 0, `readBufferBytes ${readBufferBytes}`);
      // Frames of random sizes (all but the smallest larger than a 7-byte read buffer), written in random pieces.
      const count = 60;
      const all = Buffer.concat(Array.from({ length: count }, (_, k) => requestFrame(k, { paddingBytes: Math.floor(rng() * 3000), responseBytes: Math.floor(rng() * 100) })));
      for (let pos = 0; pos < all.length; ) {
        const n = 1 + Math.floor(rng() * (rng() < 0.5 ? 9 : 2000));
        c.sendRaw(all.subarray(pos, pos + n));
        pos += n;
        if (rng() < 0.1) await new Promise((r) => setTimeout(r, 1));
      }
      await c.waitForResponses(count, 5_000);
      assert.deepEqual(c.responses, Array.from({ length: count }, (_, k) => k));
      bad.sendRaw(Buffer.concat([requestFrame(1), sizePrefix(4097), Buffer.alloc(50)]));
      await bad.waitForClose();
      assert.deepEqual(bad.responses, [1]);
      assert.ok(closeLines(lines).some((l) => String(l.reason).includes('larger than 4096')));
    }
  });

  it('keeps order and completeness with tiny send and receive buffers and large responses', async () => {
    const { channel, connect } = await startServer({ socketSendBufferBytes: 1024, socketReceiveBufferBytes: 1024, maxQueuedRequestsPerConnection: 2 });
    const c = await connect();
    const sizes = [300_000, 0, 5, 70_000, 1, 1_500_000, 2048];
    c.sendRaw(Buffer.concat(sizes.map((responseBytes, i) => requestFrame(i, { responseBytes, paddingBytes: i * 1000 }))));
    await c.waitForResponses(sizes.length, 5_000);
    assert.deepEqual(c.responses, sizes.map((_, i) => i));
    assert.deepEqual(c.responseSizes, sizes);
    assert.deepEqual(channel.violations, []);
  });

  it('sends nothing for a noResponse outcome and keeps the order of the others', async () => {
    const { connect } = await startServer();
    const c = await connect();
    c.send(1);
    c.send(2, { action: 'noResponse', delayMs: 5 });
    c.send(3);
    c.send(4, { action: 'noResponse' });
    c.send(5);
    await c.waitForResponses(3);
    assert.deepEqual(c.responses, [1, 3, 5]);
  });

  it('keeps order across outcomes returned synchronously and promised ones, with a send buffer that fills', async () => {
    const { channel, connect } = await startServer({ socketSendBufferBytes: 1024, maxQueuedRequestsPerConnection: 4 });
    const c = await connect();
    const rng = seededRng(7);
    const actions = ['syncRespond', 'respond', 'syncNoResponse', 'noResponse'] as const;
    const specs = Array.from({ length: 60 }, () => ({
      action: actions[Math.floor(rng() * actions.length)]!,
      delayMs: Math.floor(rng() * 3),
      responseBytes: rng() < 0.2 ? 200_000 : Math.floor(rng() * 500),
    }));
    c.sendRaw(Buffer.concat(specs.map((spec, i) => requestFrame(i, spec))));
    const answered = specs.flatMap((spec, i) => (spec.action === 'syncRespond' || spec.action === 'respond' ? [i] : []));
    await c.waitForResponses(answered.length, 5_000);
    assert.deepEqual(c.responses, answered);
    assert.deepEqual(c.responseSizes, answered.map((i) => specs[i]!.responseBytes));
    assert.deepEqual(channel.started.map((s) => s.correlationId), specs.map((_, i) => i));
    assert.deepEqual(channel.violations, []);
  });

  it('stops reading a client that does not read its responses; buffers stay bounded; all is answered once it reads', async () => {
    const maxQueued = 4;
    const sendBuffer = 64 * 1024;
    const { server, connect } = await startServer({ maxQueuedRequestsPerConnection: maxQueued, socketSendBufferBytes: sendBuffer, socketRequestMaxBytes: 1 << 20 });
    const c = await connect();
    c.socket.pause(); // the slow reader
    const bigResponse = 1 << 20;
    const bigResponses = 40;
    const padding = 64 * 1024;
    const smallRequests = 400;
    let written = 0;
    let corr = 0;
    for (let i = 0; i < bigResponses; i++) {
      c.send(corr++, { responseBytes: bigResponse });
      written += 17;
    }
    for (let i = 0; i < smallRequests; i++) {
      c.send(corr++, { paddingBytes: padding });
      written += 17 + padding;
    }
    const stats = () => {
      const s = server.connectionStats();
      assert.equal(s.length, 1);
      return s[0]!;
    };
    await waitUntil(() => stats().readingPaused && stats().awaitingDrain && stats().queuedRequests === maxQueued, 5_000, 'the server to pause');
    const first = stats();
    for (let sample = 0; sample < 5; sample++) {
      const s = stats();
      assert.ok(s.readingPaused && s.awaitingDrain);
      assert.ok(s.queuedRequests <= maxQueued, `queued ${s.queuedRequests}`);
      assert.ok(s.queuedBytes <= maxQueued * (13 + padding), `queued bytes ${s.queuedBytes}`);
      // What the reader holds beyond the queue: at most what Node delivered before the pause took effect.
      assert.ok(s.readerBufferedBytes <= 256 * 1024, `reader holds ${s.readerBufferedBytes}`);
      // Responses waiting in user space: under the send buffer plus the one response that crossed it.
      assert.ok(s.pendingWriteBytes <= sendBuffer + bigResponse + 8, `pending writes ${s.pendingWriteBytes}`);
      assert.equal(s.bytesRead, first.bytesRead, 'nothing more is read while paused');
      assert.equal(s.requestsHandled, first.requestsHandled);
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.ok(first.bytesRead < written / 2, `server read ${first.bytesRead} of ${written} bytes`);
    assert.ok(c.socket.writableLength > 0, 'the client has requests it cannot send');

    c.socket.resume();
    await c.waitForResponses(corr, 10_000);
    assert.deepEqual(c.responses, Array.from({ length: corr }, (_, i) => i));
    assert.equal(stats().readingPaused, false);
  });

  it('closes only the connection whose size prefix is too large, after answering the requests before it', async () => {
    const { server, lines, connect } = await startServer({ socketRequestMaxBytes: 1024 });
    const bad = await connect();
    const good = await connect();
    good.send(1);
    await good.waitForResponses(1);
    bad.sendRaw(Buffer.concat([requestFrame(10), requestFrame(11, { paddingBytes: 1024 - 13 }), sizePrefix(1025), Buffer.alloc(100)]));
    await bad.waitForClose();
    assert.deepEqual(bad.responses, [10, 11]);
    const line = closeLines(lines).find((l) => typeof l.reason === 'string' && l.reason.includes('larger than 1024'));
    assert.ok(line, 'a log line names the reason');
    assert.equal(line.level, LEVEL.warn);
    assert.match(String(line.connectionId), /-127\.0\.0\.1:\d+-\d+$/);
    assert.equal(line.remoteAddress, '127.0.0.1');
    assert.equal(line.remotePort, bad.localPort);

    good.send(2);
    await good.waitForResponses(2);
    assert.deepEqual(good.responses, [1, 2]);
    await waitUntil(() => server.connectionCount() === 1, 2_000, 'the bad connection to be forgotten');
  });

  it('closes a connection sending a negative size prefix, even split across writes', async () => {
    const { lines, connect } = await startServer();
    const bad = await connect();
    const good = await connect();
    const p = sizePrefix(-5);
    bad.sendRaw(p.subarray(0, 1));
    await new Promise((r) => setTimeout(r, 10));
    bad.sendRaw(p.subarray(1));
    await bad.waitForClose();
    assert.deepEqual(bad.responses, []);
    assert.ok(closeLines(lines).some((l) => String(l.reason).includes('invalid frame size -5')));
    good.send(3);
    await good.waitForResponses(1);
  });

  for (const action of ['throw', 'syncThrow'] as const) {
    it(`closes only the connection whose channel ${action === 'throw' ? 'rejects' : 'throws synchronously'}, with an error log line`, async () => {
      const { server, lines, connect } = await startServer();
      const bad = await connect();
      const good = await connect();
      bad.send(1);
      bad.send(2, { action, delayMs: 5 });
      bad.send(3);
      good.send(100, { delayMs: 30 });
      await bad.waitForClose();
      assert.deepEqual(bad.responses, [1]);
      const line = closeLines(lines).find((l) => l.reason === 'request handler failed');
      assert.ok(line);
      assert.equal(line.level, LEVEL.error);
      assert.match(String((line.err as { message: string }).message), /boom 2/);
      assert.equal(line.remoteAddress, '127.0.0.1');
      assert.ok(String(line.connectionId).endsWith(`-127.0.0.1:${bad.localPort}-0`));
      await good.waitForResponses(1);
      good.send(101);
      await good.waitForResponses(2);
      assert.equal(good.isClosed, false);
      await waitUntil(() => server.connectionCount() === 1, 2_000, 'one connection left');
    });
  }

  it('closes only the connection whose channel returns close, or an invalid outcome', async () => {
    const { lines, connect } = await startServer();
    const closing = await connect();
    const invalid = await connect();
    const good = await connect();
    closing.send(1);
    closing.send(2, { action: 'close' });
    closing.send(3);
    invalid.send(1, { action: 'invalid' });
    await closing.waitForClose();
    await invalid.waitForClose();
    assert.deepEqual(closing.responses, [1]);
    assert.deepEqual(invalid.responses, []);
    const closeLine = closeLines(lines).find((l) => String(l.reason).includes('asked to close at 2'));
    assert.ok(closeLine);
    assert.equal(closeLine.level, LEVEL.info);
    assert.equal(closeLine.remotePort, closing.localPort);
    assert.ok(closeLines(lines).some((l) => l.level === LEVEL.error && String(l.reason).includes('invalid outcome')));
    good.send(5);
    await good.waitForResponses(1);
  });

  it('survives a client resetting the connection while its request is in flight', async () => {
    const { server, lines, connect } = await startServer();
    const c = await connect();
    c.send(1, { delayMs: 50 });
    await waitUntil(() => server.connectionStats()[0]?.inFlight === true, 2_000, 'request in flight');
    c.socket.resetAndDestroy();
    await waitUntil(() => server.connectionCount() === 0, 2_000, 'the connection to be cleaned up');
    // The handler finishes later; its outcome is dropped quietly.
    await waitUntil(() => lines.some((l) => String(l.msg).includes('outcome dropped')), 2_000, 'the dropped outcome');
    const other = await connect();
    other.send(2);
    await other.waitForResponses(1);
  });

  it('closes idle connections but not busy ones', async () => {
    const idleMs = 150;
    const { server, connect } = await startServer({ connectionsMaxIdleMs: idleMs });
    const idle = await connect();
    const slow = await connect();
    const chatty = await connect();
    slow.send(1, { delayMs: idleMs * 3 }); // in flight longer than the idle timeout
    let sent = 0;
    const chatter = setInterval(() => chatty.send(sent++), idleMs / 4);
    try {
      await idle.waitForClose(3_000);
      await slow.waitForResponses(1, 3_000);
      assert.equal(slow.isClosed, false, 'busy connection kept');
      await waitUntil(() => sent >= 12, 3_000, 'chatter');
      assert.equal(chatty.isClosed, false, 'active connection kept');
    } finally {
      clearInterval(chatter);
    }
    await chatty.waitForResponses(sent);
    // Once quiet, they go too.
    await slow.waitForClose(3_000);
    await chatty.waitForClose(3_000);
    await waitUntil(() => server.connectionCount() === 0, 2_000, 'no connections');
  });

  it('shuts down after answering the requests already read, then refuses connections', async () => {
    const { server, channel, port, connect } = await startServer();
    const c = await connect();
    const idle = await connect();
    c.sendRaw(Buffer.concat([requestFrame(1, { delayMs: 40 }), requestFrame(2, { delayMs: 20 }), requestFrame(3, { delayMs: 20 })]));
    await waitUntil(() => server.connectionStats().some((s) => s.inFlight && s.queuedRequests === 2), 2_000, 'three requests read');
    const done = server.shutdown(5_000);
    assert.equal(server.shutdown(), done, 'shutdown is idempotent');
    c.send(4); // after shutdown began: not read, not answered
    await withTimeout(done, 3_000, 'shutdown');
    assert.deepEqual(c.responses, [1, 2, 3]);
    await c.waitForClose(1_000);
    await idle.waitForClose(1_000);
    assert.equal(server.connectionCount(), 0);
    assert.ok(!channel.started.some((r) => r.correlationId === 4));
    await assert.rejects(TestClient.connect(port), /ECONNREFUSED/);
  });

  it('force-closes connections whose requests do not finish within the shutdown timeout', async () => {
    const { server, lines, connect } = await startServer();
    const c = await connect();
    c.send(1, { action: 'hang' });
    await waitUntil(() => server.connectionStats()[0]?.inFlight === true, 2_000, 'request in flight');
    const started = Date.now();
    await withTimeout(server.shutdown(100), 3_000, 'shutdown');
    assert.ok(Date.now() - started >= 90);
    await c.waitForClose(1_000);
    assert.equal(server.connectionCount(), 0);
    assert.ok(lines.some((l) => l.msg === 'shutdown timeout: closing the remaining connections'));
  });

  it('shutdown before start resolves; start after shutdown rejects', async () => {
    const server = new SocketServer({
      listeners: [{ name: 'PLAINTEXT', host: '127.0.0.1', port: 0 }],
      channel: new FakeChannel(),
      socketRequestMaxBytes: 1024,
      connectionsMaxIdleMs: 1000,
      logger: silentLogger(),
    });
    await server.shutdown();
    await assert.rejects(server.start(), /state stopped/);
  });

  it('rejects start when a port is taken, leaving nothing bound', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const taken = (blocker.address() as AddressInfo).port;
    try {
      const server = new SocketServer({
        listeners: [
          { name: 'A', host: '127.0.0.1', port: 0 },
          { name: 'B', host: '127.0.0.1', port: taken },
        ],
        channel: new FakeChannel(),
        socketRequestMaxBytes: 1024,
        connectionsMaxIdleMs: 1000,
        logger: silentLogger(),
      });
      await assert.rejects(server.start(), /cannot bind listener B on 127\.0\.0\.1:\d+: .*EADDRINUSE/);
      assert.equal(server.connectionCount(), 0);
      await server.shutdown();
    } finally {
      blocker.close();
    }
  });

  it('validates its options', () => {
    const base: SocketServerOptions = {
      listeners: [{ name: 'PLAINTEXT', host: '127.0.0.1', port: 0 }],
      channel: new FakeChannel(),
      socketRequestMaxBytes: 1024,
      connectionsMaxIdleMs: 1000,
      logger: silentLogger(),
    };
    assert.throws(() => new SocketServer({ ...base, listeners: [] }), RangeError);
    assert.throws(() => new SocketServer({ ...base, listeners: [base.listeners[0]!, base.listeners[0]!] }), /duplicate/);
    assert.throws(() => new SocketServer({ ...base, listeners: [{ name: 'X', host: '', port: 70000 }] }), /invalid port/);
    assert.throws(() => new SocketServer({ ...base, socketRequestMaxBytes: 0 }), /socketRequestMaxBytes/);
    assert.throws(() => new SocketServer({ ...base, connectionsMaxIdleMs: -1 }), /connectionsMaxIdleMs/);
    assert.throws(() => new SocketServer({ ...base, maxQueuedRequestsPerConnection: 0 }), /maxQueuedRequestsPerConnection/);
    assert.throws(() => new SocketServer({ ...base, socketSendBufferBytes: 0 }), /socketSendBufferBytes/);
    assert.throws(() => new SocketServer({ ...base, readBufferBytes: -1 }), /readBufferBytes/);
    assert.doesNotThrow(() => new SocketServer({ ...base, socketSendBufferBytes: -1, socketReceiveBufferBytes: -1 }));
  });
});
