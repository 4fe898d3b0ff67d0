import { Buffer } from 'node:buffer';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { FrameReader } from '../net/frame-reader.js';
import { provideAllCodecs } from '../protocol/generated/api-table.js';
import type { ApiRequestTypes, ApiResponseTypes } from '../protocol/generated/api-table.js';
import { decodeResponse, encodeRequest } from '../protocol/request-frame.js';
import type { ApiKeyNumber } from '../protocol/request-frame.js';

interface Pending {
  apiKey: ApiKeyNumber;
  apiVersion: number;
  resolve: (body: unknown) => void;
  reject: (err: Error) => void;
}

/**
 * A minimal Kafka client for tests: one connection, typed requests at explicit versions,
 * responses matched by correlation id. Not the product's client library (that comes with the
 * client issue); it exists so broker tests can speak the protocol exactly as written.
 */
export class KafkaTestClient {
  private correlationId = 0;
  private readonly pending = new Map<number, Pending>();
  private readonly reader = new FrameReader({ maxFrameBytes: 0x7fffffff });
  private closedError: Error | null = null;
  private readonly closeWaiters: (() => void)[] = [];

  private constructor(private readonly socket: Socket, private readonly clientId: string) {
    // Any API (this client speaks them all, unlike the library's, which provides only its own).
    provideAllCodecs();
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.fail(err));
    socket.on('close', () => {
      this.fail(new Error('connection closed'));
      for (const w of this.closeWaiters.splice(0)) w();
    });
  }

  static connect(host: string, port: number, clientId = 'samsa-test'): Promise<KafkaTestClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port });
      socket.setNoDelay(true);
      socket.once('connect', () => resolve(new KafkaTestClient(socket, clientId)));
      socket.once('error', reject);
    });
  }

  private onData(chunk: Buffer): void {
    this.reader.push(chunk);
    for (;;) {
      const r = this.reader.next();
      if (r.kind !== 'frame') break;
      const correlationId = r.frame.readInt32BE(0);
      const p = this.pending.get(correlationId);
      if (p === undefined) {
        this.fail(new Error(`response with unknown correlation id ${correlationId}`));
        return;
      }
      this.pending.delete(correlationId);
      try {
        // Copy: the frame may be a view of a socket chunk; tests keep responses around.
        p.resolve(decodeResponse(p.apiKey, p.apiVersion, Buffer.from(r.frame)).body);
      } catch (err) {
        p.reject(err as Error);
      }
    }
  }

  private fail(err: Error): void {
    this.closedError ??= err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  /** Sends a request and resolves with the decoded response body. */
  send<K extends ApiKeyNumber>(apiKey: K, apiVersion: number, body: ApiRequestTypes[K]): Promise<ApiResponseTypes[K]> {
    if (this.closedError !== null) return Promise.reject(this.closedError);
    const correlationId = ++this.correlationId;
    const frame = encodeRequest({ apiKey, apiVersion, correlationId, clientId: this.clientId, body });
    return new Promise((resolve, reject) => {
      this.pending.set(correlationId, { apiKey, apiVersion, resolve: resolve as (b: unknown) => void, reject });
      this.socket.write(frame);
    });
  }

  /** Sends a request that gets no response (Produce with acks=0). */
  sendNoResponse<K extends ApiKeyNumber>(apiKey: K, apiVersion: number, body: ApiRequestTypes[K]): void {
    this.socket.write(encodeRequest({ apiKey, apiVersion, correlationId: ++this.correlationId, clientId: this.clientId, body }));
  }

  /** Writes raw bytes (for malformed-input tests). */
  writeRaw(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  /** Resolves when the broker closes the connection, or rejects after `timeoutMs`. */
  waitForClose(timeoutMs = 5000): Promise<void> {
    if (this.socket.destroyed || this.socket.readableEnded) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`connection still open after ${timeoutMs} ms`)), timeoutMs);
      this.closeWaiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  get closed(): boolean {
    return this.closedError !== null;
  }

  close(): void {
    this.socket.destroy();
  }
}
