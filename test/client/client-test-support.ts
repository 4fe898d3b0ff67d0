import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBroker } from '../../src/broker/broker.js';
import type { Broker, StartBrokerOptions } from '../../src/broker/broker.js';
import { FrameReader } from '../../src/net/frame-reader.js';
import { decodeRequest, encodeResponse } from '../../src/protocol/request-frame.js';
import type { DecodedRequest } from '../../src/protocol/request-frame.js';

/** An in-process broker in a fresh temporary directory; `close()` stops it and removes the directory. */
export interface TestBroker {
  broker: Broker;
  dir: string;
  bootstrap: string;
  /** Stops the broker, keeping its files. */
  stop(): Promise<void>;
  /** Starts it again on the same port and files. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startTestBroker(options: StartBrokerOptions = {}): Promise<TestBroker> {
  const dir = mkdtempSync(join(tmpdir(), 'samsa-client-'));
  const start = (port: number) => startBroker({ host: '127.0.0.1', ...options, port, logDirs: [dir] });
  let broker = await start(0);
  let running = true;
  const port = broker.port;
  const tb: TestBroker = {
    get broker() {
      return broker;
    },
    dir,
    bootstrap: `127.0.0.1:${port}`,
    async stop() {
      if (running) await broker.close();
      running = false;
    },
    async restart() {
      if (running) await broker.close();
      broker = await start(port);
      running = true;
    },
    async close() {
      if (running) await broker.close();
      running = false;
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return tb;
}

/** What a fake broker's handler returns: a response body, raw bytes to write, or nothing (no answer). */
export type FakeReply = { body: object; correlationId?: number; version?: number } | { raw: Buffer } | undefined;

/**
 * A scripted broker for connection-layer tests: decodes each request and answers what the
 * handler says, in the order requests arrived.
 */
export async function startFakeBroker(handler: (request: DecodedRequest, socket: Socket) => FakeReply | Promise<FakeReply>): Promise<{ server: Server; port: number; requests: DecodedRequest[]; close(): Promise<void> }> {
  const requests: DecodedRequest[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const reader = new FrameReader({ maxFrameBytes: 1 << 24 });
    let chain = Promise.resolve();
    socket.on('data', (chunk: Buffer) => {
      reader.push(chunk);
      for (;;) {
        const r = reader.next();
        if (r.kind !== 'frame') break;
        const request = decodeRequest(Buffer.from(r.frame));
        requests.push(request);
        chain = chain.then(async () => {
          const reply = await handler(request, socket);
          if (reply === undefined || socket.destroyed) return;
          if ('raw' in reply) socket.write(reply.raw);
          else socket.write(encodeResponse(request.header.requestApiKey, reply.version ?? request.header.requestApiVersion, reply.correlationId ?? request.header.correlationId, reply.body as never));
        });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    server,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
