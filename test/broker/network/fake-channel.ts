/**
 * Test support for the socket server: a tiny request format, a fake RequestChannel that acts on
 * it, a test client reading responses with the FrameReader, a capturing logger and bounded waits.
 *
 * Request frame (after the size prefix): int32 correlationId, int8 action, int32 delayMs,
 * int32 responseBytes, then any padding. Response frame: int32 correlationId, then responseBytes
 * zero bytes (written as a separate chunk).
 */
import { once } from 'node:events';
import { createConnection } from 'node:net';
import type { Socket } from 'node:net';
import { pino } from 'pino';
import type { Logger } from '../../../src/logging/logger.js';
import { FrameReader } from '../../../src/net/frame-reader.js';
import type { ConnectionContext, RequestChannel, RequestOutcome } from '../../../src/broker/network/socket-server.js';

export const Action = { respond: 0, noResponse: 1, close: 2, throw: 3, hang: 4, invalid: 5, syncThrow: 6, syncRespond: 7, syncNoResponse: 8 } as const;
export type ActionName = keyof typeof Action;

export interface RequestSpec {
  action?: ActionName;
  delayMs?: number;
  responseBytes?: number;
  paddingBytes?: number;
}

const HEADER_BYTES = 13;
const ZEROS = Buffer.alloc(4 << 20);

/** The chunks of one request frame (size prefix, header, shared padding: not copied per request). */
export function requestChunks(correlationId: number, spec: RequestSpec = {}): Buffer[] {
  const padding = spec.paddingBytes ?? 0;
  const head = Buffer.alloc(4 + HEADER_BYTES);
  head.writeInt32BE(HEADER_BYTES + padding, 0);
  head.writeInt32BE(correlationId, 4);
  head.writeInt8(Action[spec.action ?? 'respond'], 8);
  head.writeInt32BE(spec.delayMs ?? 0, 9);
  head.writeInt32BE(spec.responseBytes ?? 0, 13);
  return padding > 0 ? [head, ZEROS.subarray(0, padding)] : [head];
}

export function requestFrame(correlationId: number, spec: RequestSpec = {}): Buffer {
  return Buffer.concat(requestChunks(correlationId, spec));
}

export function sizePrefix(size: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(size, 0);
  return b;
}

export interface HandledRequest {
  connectionId: string;
  correlationId: number;
  listenerName: string;
}

export class FakeChannel implements RequestChannel {
  readonly started: HandledRequest[] = [];
  readonly contexts: ConnectionContext[] = [];
  /** Broken promises: two requests of one connection in flight at once. */
  readonly violations: string[] = [];
  maxInFlightOverall = 0;
  private inFlightOverall = 0;
  private readonly inFlight = new Map<string, number>();

  handle(frame: Buffer, ctx: ConnectionContext): RequestOutcome | Promise<RequestOutcome> {
    const correlationId = frame.readInt32BE(0);
    const action = frame.readInt8(4);
    if (action === Action.syncThrow) throw new Error(`sync boom ${correlationId}`);
    // Outcomes returned without a promise (the broker's hot paths answer so).
    if (action === Action.syncNoResponse || action === Action.syncRespond) {
      this.started.push({ connectionId: ctx.connectionId, correlationId, listenerName: ctx.listenerName });
      if ((this.inFlight.get(ctx.connectionId) ?? 0) > 0) this.violations.push(`${ctx.connectionId}: synchronous request ${correlationId} started while another was in flight`);
      return action === Action.syncNoResponse ? { kind: 'noResponse' } : responseOutcome(correlationId, frame.readInt32BE(9));
    }
    return this.handleAsync(frame, ctx, correlationId, action);
  }

  private async handleAsync(frame: Buffer, ctx: ConnectionContext, correlationId: number, action: number): Promise<RequestOutcome> {
    const delayMs = frame.readInt32BE(5);
    const responseBytes = frame.readInt32BE(9);
    this.started.push({ connectionId: ctx.connectionId, correlationId, listenerName: ctx.listenerName });
    if (!this.contexts.some((c) => c.connectionId === ctx.connectionId)) this.contexts.push(ctx);
    const n = (this.inFlight.get(ctx.connectionId) ?? 0) + 1;
    if (n > 1) this.violations.push(`${ctx.connectionId} had ${n} requests in flight (correlation id ${correlationId})`);
    this.inFlight.set(ctx.connectionId, n);
    this.inFlightOverall++;
    this.maxInFlightOverall = Math.max(this.maxInFlightOverall, this.inFlightOverall);
    try {
      if (action === Action.hang) await new Promise(() => {});
      if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
    } finally {
      this.inFlight.set(ctx.connectionId, this.inFlight.get(ctx.connectionId)! - 1);
      this.inFlightOverall--;
    }
    switch (action) {
      case Action.noResponse:
        return { kind: 'noResponse' };
      case Action.close:
        return { kind: 'close', reason: `asked to close at ${correlationId}` };
      case Action.throw:
        throw new Error(`boom ${correlationId}`);
      case Action.invalid:
        return { kind: 'bogus' } as unknown as RequestOutcome;
    }
    return responseOutcome(correlationId, responseBytes);
  }
}

function responseOutcome(correlationId: number, responseBytes: number): RequestOutcome {
  const head = Buffer.alloc(8);
  head.writeInt32BE(4 + responseBytes, 0);
  head.writeInt32BE(correlationId, 4);
  const chunks: Uint8Array[] = [head];
  for (let left = responseBytes; left > 0; left -= ZEROS.length) chunks.push(ZEROS.subarray(0, Math.min(left, ZEROS.length)));
  return { kind: 'response', chunks };
}

/** A client speaking the test format: records the correlation ids of responses in arrival order. */
export class TestClient {
  readonly responses: number[] = [];
  readonly responseSizes: number[] = [];
  readonly closed: Promise<void>;
  isClosed = false;
  errors: Error[] = [];
  /** The client's port (the server's remotePort), kept after the socket closes. */
  readonly localPort: number;
  private readonly reader = new FrameReader({ maxFrameBytes: 64 << 20 });

  private constructor(readonly socket: Socket) {
    this.localPort = socket.localPort!;
    socket.on('data', (chunk: Buffer) => {
      this.reader.push(chunk);
      for (let r = this.reader.next(); r.kind === 'frame'; r = this.reader.next()) {
        this.responses.push(r.frame.readInt32BE(0));
        this.responseSizes.push(r.frame.length - 4);
      }
    });
    socket.on('error', (err) => this.errors.push(err));
    this.closed = once(socket, 'close').then(() => {
      this.isClosed = true;
    });
  }

  static async connect(port: number, host = '127.0.0.1'): Promise<TestClient> {
    const socket = createConnection({ port, host, noDelay: true });
    await withTimeout(once(socket, 'connect'), 2_000, 'connect');
    return new TestClient(socket);
  }

  /** Writes one request; returns socket.write's answer. */
  send(correlationId: number, spec: RequestSpec = {}): boolean {
    let ok = true;
    for (const c of requestChunks(correlationId, spec)) ok = this.socket.write(c);
    return ok;
  }

  sendRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  waitForResponses(n: number, timeoutMs = 3_000): Promise<void> {
    return waitUntil(() => this.responses.length >= n, timeoutMs, `${n} responses (have ${this.responses.length})`);
  }

  waitForClose(timeoutMs = 3_000): Promise<void> {
    return withTimeout(this.closed, timeoutMs, 'connection close');
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** Polls `condition` every 5 ms; rejects after `timeoutMs`. */
export async function waitUntil(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export async function withTimeout<T>(p: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** A debug-level pino logger that keeps its lines in memory. */
export function capturingLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = pino({ level: 'debug' }, { write: (s: string) => lines.push(JSON.parse(s) as LogLine) });
  return { logger, lines };
}

export const LEVEL = { debug: 20, info: 30, warn: 40, error: 50 } as const;
