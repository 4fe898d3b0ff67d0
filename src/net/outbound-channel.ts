import { connect as netConnect } from 'node:net';
import type { Socket } from 'node:net';
import { ApiKey } from '../protocol/generated/api-table.js';
import type { ApiRequestTypes, ApiResponseTypes } from '../protocol/generated/api-table.js';
import { ErrorCode } from '../protocol/generated/error-codes.js';
import { decodeResponse, encodeRequestChunks } from '../protocol/request-frame.js';
import type { ApiKeyNumber } from '../protocol/request-frame.js';
import { FrameReader } from './frame-reader.js';
import { FrameWriter } from './frame-writer.js';

/**
 * One outbound connection that sends Kafka requests and matches their responses by correlation
 * id: what a broker uses to talk to another broker (the replica fetcher). Requests are pipelined
 * (several in flight, answered in order by Kafka brokers, matched by id regardless). A request
 * that gets no answer within its timeout closes the connection, failing every other request in
 * flight (the stream can no longer be trusted), as Kafka's NetworkClient does on
 * request.timeout.ms. It is not a client: no metadata, no retries, no reconnects.
 */

export type OutboundChannelErrorReason = 'CONNECT_FAILED' | 'TIMED_OUT' | 'CLOSED' | 'BAD_RESPONSE';

export class OutboundChannelError extends Error {
  constructor(
    readonly reason: OutboundChannelErrorReason,
    message: string,
  ) {
    super(message);
    this.name = 'OutboundChannelError';
  }
}

export interface OutboundChannelOptions {
  host: string;
  port: number;
  /** The request header's client id (Kafka's replica fetcher: `broker-<id>-fetcher-<n>`). */
  clientId: string | null;
  /** Time allowed for each response unless a request says otherwise (request.timeout.ms / replica.socket.timeout.ms). */
  requestTimeoutMs: number;
  /** Time allowed for the TCP connect; default the request timeout. */
  connectTimeoutMs?: number;
  /** Largest response frame accepted; default 512 MiB. */
  maxResponseBytes?: number;
}

export interface SendOptions {
  /** Overrides the channel's request timeout for this request. */
  timeoutMs?: number;
}

export interface VersionRange {
  minVersion: number;
  maxVersion: number;
}

interface Pending {
  apiKey: ApiKeyNumber;
  apiVersion: number;
  resolve: (body: unknown) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

const DEFAULT_MAX_RESPONSE_BYTES = 512 * 1024 * 1024;

export class OutboundChannel {
  private readonly pending = new Map<number, Pending>();
  private nextCorrelationId = 0;
  private closedError: OutboundChannelError | null = null;
  private readonly reader: FrameReader;
  private readonly writer: FrameWriter;
  private readonly closeListeners: ((err: OutboundChannelError) => void)[] = [];

  private constructor(
    private readonly socket: Socket,
    private readonly opts: OutboundChannelOptions,
  ) {
    this.reader = new FrameReader({ maxFrameBytes: opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES });
    this.writer = new FrameWriter(socket);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.fail(new OutboundChannelError('CLOSED', `connection to ${this.address} failed: ${err.message}`)));
    socket.on('close', () => this.fail(new OutboundChannelError('CLOSED', `connection to ${this.address} closed`)));
  }

  /** Opens a TCP connection to host:port; rejects with CONNECT_FAILED (or TIMED_OUT). */
  static connect(opts: OutboundChannelOptions): Promise<OutboundChannel> {
    return new Promise((resolve, reject) => {
      const socket = netConnect({ host: opts.host, port: opts.port });
      socket.setNoDelay(true);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new OutboundChannelError('TIMED_OUT', `connecting to ${opts.host}:${opts.port} timed out after ${opts.connectTimeoutMs ?? opts.requestTimeoutMs} ms`));
      }, opts.connectTimeoutMs ?? opts.requestTimeoutMs);
      const onError = (err: Error): void => {
        clearTimeout(timer);
        socket.destroy();
        reject(new OutboundChannelError('CONNECT_FAILED', `cannot connect to ${opts.host}:${opts.port}: ${err.message}`));
      };
      socket.once('error', onError);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.off('error', onError);
        resolve(new OutboundChannel(socket, opts));
      });
    });
  }

  get address(): string {
    return `${this.opts.host}:${this.opts.port}`;
  }

  get isClosed(): boolean {
    return this.closedError !== null;
  }

  /** Requests sent and not yet answered. */
  get inFlight(): number {
    return this.pending.size;
  }

  /** Called once when the channel closes, for whatever reason (close(), timeout, peer, error). */
  onClose(listener: (err: OutboundChannelError) => void): void {
    if (this.closedError !== null) listener(this.closedError);
    else this.closeListeners.push(listener);
  }

  /**
   * Sends one request and resolves with the decoded response body. Rejects with an
   * OutboundChannelError: CLOSED (the connection went away, before or while waiting), TIMED_OUT
   * (which also closes the connection), BAD_RESPONSE (an undecodable response, which closes it too).
   */
  send<K extends ApiKeyNumber>(apiKey: K, apiVersion: number, body: ApiRequestTypes[K], options: SendOptions = {}): Promise<ApiResponseTypes[K]> {
    if (this.closedError !== null) return Promise.reject(this.closedError);
    const correlationId = this.nextCorrelationId;
    this.nextCorrelationId = (this.nextCorrelationId + 1) & 0x7fffffff;
    let chunks: Uint8Array[];
    try {
      chunks = encodeRequestChunks({ apiKey, apiVersion, correlationId, clientId: this.opts.clientId, body });
    } catch (err) {
      return Promise.reject(err);
    }
    const timeoutMs = options.timeoutMs ?? this.opts.requestTimeoutMs;
    return new Promise<ApiResponseTypes[K]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(new OutboundChannelError('TIMED_OUT', `no response from ${this.address} to API ${apiKey} v${apiVersion} (correlation id ${correlationId}) within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(correlationId, { apiKey, apiVersion, resolve: resolve as (body: unknown) => void, reject, timer });
      // Backpressure is not needed here: a fetcher has one or two requests in flight.
      this.writer.write(chunks);
    });
  }

  /**
   * ApiVersions (v3, falling back to v0 when the peer answers UNSUPPORTED_VERSION): the version
   * range the peer serves for each API key.
   */
  async apiVersions(): Promise<Map<number, VersionRange>> {
    let response = await this.send(ApiKey.ApiVersions, 3, { clientSoftwareName: 'samsa-broker', clientSoftwareVersion: '1' });
    if (response.errorCode === ErrorCode.UNSUPPORTED_VERSION) response = await this.send(ApiKey.ApiVersions, 0, {});
    if (response.errorCode !== ErrorCode.NONE) throw new OutboundChannelError('BAD_RESPONSE', `ApiVersions to ${this.address} failed with error code ${response.errorCode}`);
    return new Map(response.apiKeys.map((k) => [k.apiKey, { minVersion: k.minVersion, maxVersion: k.maxVersion }]));
  }

  /** Closes the connection; requests in flight fail with CLOSED. */
  close(): void {
    this.fail(new OutboundChannelError('CLOSED', `connection to ${this.address} closed locally`));
  }

  private onData(chunk: Buffer): void {
    if (this.closedError !== null) return;
    const invalid = this.reader.push(chunk);
    if (invalid !== undefined) {
      this.fail(new OutboundChannelError('BAD_RESPONSE', `response frame from ${this.address} refused: ${invalid.message}`));
      return;
    }
    for (;;) {
      const next = this.reader.next();
      if (next.kind === 'incomplete') return;
      if (next.kind === 'invalid') {
        this.fail(new OutboundChannelError('BAD_RESPONSE', `response frame from ${this.address} refused: ${next.error.message}`));
        return;
      }
      const frame = next.frame;
      if (frame.length < 4) {
        this.fail(new OutboundChannelError('BAD_RESPONSE', `response frame of ${frame.length} bytes from ${this.address}`));
        return;
      }
      const correlationId = frame.readInt32BE(0);
      const p = this.pending.get(correlationId);
      if (p === undefined) {
        this.fail(new OutboundChannelError('BAD_RESPONSE', `response from ${this.address} with unknown correlation id ${correlationId}`));
        return;
      }
      this.pending.delete(correlationId);
      clearTimeout(p.timer);
      let body: unknown;
      try {
        body = decodeResponse(p.apiKey, p.apiVersion, frame).body;
      } catch (err) {
        const error = new OutboundChannelError('BAD_RESPONSE', `undecodable response from ${this.address} to API ${p.apiKey} v${p.apiVersion}: ${(err as Error).message}`);
        p.reject(error);
        this.fail(error);
        return;
      }
      p.resolve(body);
    }
  }

  private fail(err: OutboundChannelError): void {
    if (this.closedError !== null) return;
    this.closedError = err;
    this.socket.destroy();
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) {
      clearTimeout(p.timer);
      p.reject(err);
    }
    for (const l of this.closeListeners.splice(0)) l(err);
  }
}
