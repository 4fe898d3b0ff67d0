import { Buffer } from 'node:buffer';
import type { Socket } from 'node:net';
import { FrameReader } from '../../net/frame-reader.js';
import { FrameWriter } from '../../net/frame-writer.js';
import { API_DEFINITIONS, ApiKey } from '../../protocol/generated/api-definitions.js';
import type { ApiRequestTypes, ApiResponseTypes } from '../../protocol/generated/api-definitions.js';
import { decodeApiVersionsResponse } from '../../protocol/generated/api-versions.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { ProtocolReader } from '../../protocol/primitives/protocol-reader.js';
import { decodeResponse, encodeRequestChunks } from '../../protocol/request-frame.js';
import type { ApiKeyNumber } from '../../protocol/request-frame.js';
import { codecApiVersions } from '../../protocol/supported-api-versions.js';
import { KafkaClientError, KafkaConnectionError, KafkaProtocolError, KafkaRequestTimeoutError } from '../client-errors.js';
import { provideClientCodecs } from './client-codecs.js';
import { ResponseAssembler } from './response-assembler.js';
import { connectPlain } from './socket-factory.js';
import type { SocketFactory } from './socket-factory.js';

/** A frame missing at least this many bytes is read into directly (smaller rests are copied from the read buffer). */
const DIRECT_READ_MIN_BYTES = 64 * 1024;

/** The version range of one API. */
export interface VersionRange {
  minVersion: number;
  maxVersion: number;
}

/** Runs after ApiVersions and before the connection is handed out: the SASL hook. */
export type ConnectionAuthenticator = (connection: BrokerConnection) => Promise<void>;

export interface BrokerConnectionOptions {
  host: string;
  port: number;
  clientId: string;
  /** Node id from metadata, or -1 for a bootstrap connection. */
  nodeId?: number;
  socketFactory?: SocketFactory;
  /** Time allowed for the TCP (and TLS) connect, default 1000 ms (KafkaJS's connectionTimeout). */
  connectionTimeoutMs?: number;
  /** Default time allowed for a response, default 30000 ms (request.timeout.ms). */
  requestTimeoutMs?: number;
  /** Largest response frame accepted, default 512 MiB. */
  maxResponseBytes?: number;
  authenticate?: ConnectionAuthenticator;
  /** Called once when the connection closes, for whatever reason. */
  onClose?: (connection: BrokerConnection, error: Error) => void;
}

export interface RequestOptions {
  /** Overrides the connection's request timeout. */
  timeoutMs?: number;
  /** Highest version this call can use (e.g. a caller that relies on a field's semantics). */
  maxVersion?: number;
  /** Lowest version this call can use. */
  minVersion?: number;
  /** False for requests without a response (Produce with acks=0): resolves once written. */
  expectResponse?: boolean;
}

interface Pending {
  correlationId: number;
  apiKey: ApiKeyNumber;
  apiVersion: number;
  resolve: (body: unknown) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout | undefined;
  /** Timed out: the response, when it comes, is read and dropped. */
  abandoned: boolean;
  /** Resolve with the raw frame instead of a decoded body. */
  raw: boolean;
}

/** Versions the client's code is written for, per API (lower versions lack what the client relies on). */
const CLIENT_MIN_VERSIONS: Partial<Record<number, number>> = {
  [ApiKey.Produce]: 3, // record batches (magic 2)
  [ApiKey.Fetch]: 4,
  [ApiKey.ListOffsets]: 1,
  [ApiKey.Metadata]: 1,
  [ApiKey.CreateTopics]: 1,
  [ApiKey.OffsetFetch]: 1,
  [ApiKey.OffsetCommit]: 2,
};

/** The ApiVersions version we ask with first; a broker that knows fewer answers with its range in v0 layout. */
const API_VERSIONS_FIRST_TRY = 3;

const CODEC_VERSIONS = new Map(codecApiVersions().map((r) => [r.apiKey, r]));

/**
 * One TCP connection to one broker: requests are written as soon as they are made (pipelined,
 * no per-connection in-flight limit), responses come back in request order and are matched by
 * correlation id; each request has its own timeout. After connecting it runs ApiVersions and then
 * uses, per API, the highest version both sides support.
 */
export class BrokerConnection {
  readonly host: string;
  readonly port: number;
  readonly nodeId: number;
  readonly clientId: string;
  private readonly requestTimeoutMs: number;
  private readonly socket: Socket;
  private readonly reader: FrameReader;
  private readonly assembler: ResponseAssembler;
  private readonly writer: FrameWriter;
  /** Requests awaiting a response, oldest first (Kafka answers in order). */
  private readonly inFlight: Pending[] = [];
  private nextCorrelationId = 0;
  private closedError: Error | undefined;
  private readonly onClose: BrokerConnectionOptions['onClose'];
  private brokerVersions = new Map<number, VersionRange>();

  private constructor(socket: Socket, options: BrokerConnectionOptions, ownReads: boolean) {
    provideClientCodecs();
    this.socket = socket;
    this.host = options.host;
    this.port = options.port;
    this.nodeId = options.nodeId ?? -1;
    this.clientId = options.clientId;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.onClose = options.onClose;
    this.reader = new FrameReader({ maxFrameBytes: options.maxResponseBytes ?? 512 * 1024 * 1024 });
    this.assembler = new ResponseAssembler(options.maxResponseBytes ?? 512 * 1024 * 1024);
    this.writer = new FrameWriter(socket);
    if (!ownReads) socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.close(new KafkaConnectionError(`connection error: ${err.message}`, this.address, err)));
    socket.on('close', () => this.close(new KafkaConnectionError('connection closed', this.address)));
  }

  /** Connects, negotiates API versions and runs the authenticator. Rejects with a KafkaConnectionError. */
  static async connect(options: BrokerConnectionOptions): Promise<BrokerConnection> {
    const address = `${options.host}:${options.port}`;
    // Without a custom factory, reads go into one reused buffer (onread) and straight into frames.
    let connection: BrokerConnection | undefined;
    const early: Buffer[] = [];
    const factory =
      options.socketFactory ??
      ((args: Parameters<SocketFactory>[0]) =>
        connectPlain(args, {
          target: () => connection?.readTarget(),
          headOnly: () => connection?.wantsHeadRead() === true,
          onRead: (n, into, reused) => {
            if (connection === undefined) early.push(Buffer.from(into.subarray(0, n)));
            else if (reused) connection.onRead(into.subarray(0, n));
            else connection.onReadIntoFrame(n);
          },
        }));
    const timeoutMs = options.connectionTimeoutMs ?? 1000;
    const socket = await new Promise<Socket>((resolve, reject) => {
      let settled = false;
      const fail = (err: Error): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        s.destroy();
        reject(new KafkaConnectionError(`cannot connect: ${err.message}`, address, err));
      };
      const timer = setTimeout(() => fail(new Error(`connection timeout after ${timeoutMs} ms`)), timeoutMs);
      const s = factory({
        host: options.host,
        port: options.port,
        onConnect: () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          s.off('error', fail);
          resolve(s);
        },
      });
      s.once('error', fail);
    });
    const created = new BrokerConnection(socket, options, options.socketFactory === undefined);
    if (options.socketFactory === undefined) {
      connection = created;
      for (const b of early.splice(0)) created.onRead(b);
    }
    try {
      await created.negotiateApiVersions();
      if (options.authenticate !== undefined) await options.authenticate(created);
    } catch (err) {
      created.close(err as Error);
      throw err;
    }
    return created;
  }

  get address(): string {
    return `${this.host}:${this.port}`;
  }

  get isConnected(): boolean {
    return this.closedError === undefined;
  }

  /** Requests waiting for their response. */
  get inFlightCount(): number {
    return this.inFlight.length;
  }

  /** The broker's version range per API key, from ApiVersions. */
  get apiVersions(): ReadonlyMap<number, VersionRange> {
    return this.brokerVersions;
  }

  /**
   * The version to use for an API: the highest supported by the broker, the codec and the
   * client's code (and `limits`). Throws UNSUPPORTED_VERSION when there is none.
   */
  versionFor(apiKey: number, limits: { minVersion?: number; maxVersion?: number } = {}): number {
    const broker = this.brokerVersions.get(apiKey);
    const codec = CODEC_VERSIONS.get(apiKey);
    const name = API_DEFINITIONS[apiKey]?.name ?? `api ${apiKey}`;
    if (broker === undefined || codec === undefined) {
      throw new KafkaProtocolError(ErrorCode.UNSUPPORTED_VERSION, `${this.address} does not support ${name}`);
    }
    const min = Math.max(broker.minVersion, codec.minVersion, CLIENT_MIN_VERSIONS[apiKey] ?? 0, limits.minVersion ?? 0);
    const max = Math.min(broker.maxVersion, codec.maxVersion, limits.maxVersion ?? Number.MAX_SAFE_INTEGER);
    if (max < min) {
      throw new KafkaProtocolError(ErrorCode.UNSUPPORTED_VERSION, `no common version of ${name} with ${this.address} (broker ${broker.minVersion}-${broker.maxVersion}, client ${min}-${max})`);
    }
    return max;
  }

  /** Sends a request at the negotiated version and resolves with the decoded response body. */
  request<K extends ApiKeyNumber>(
    apiKey: K,
    body: ApiRequestTypes[K] | ((version: number) => ApiRequestTypes[K]),
    options: RequestOptions = {},
  ): Promise<ApiResponseTypes[K]> {
    let version: number;
    try {
      version = this.versionFor(apiKey, options);
    } catch (err) {
      return Promise.reject(err);
    }
    const value = typeof body === 'function' ? (body as (v: number) => ApiRequestTypes[K])(version) : body;
    return this.requestAtVersion(apiKey, version, value, options);
  }

  /** Sends a request at an explicit version. */
  requestAtVersion<K extends ApiKeyNumber>(apiKey: K, apiVersion: number, body: ApiRequestTypes[K], options: RequestOptions = {}): Promise<ApiResponseTypes[K]> {
    if (this.closedError !== undefined) return Promise.reject(this.closedError);
    const correlationId = this.takeCorrelationId();
    let chunks: Uint8Array[];
    try {
      chunks = encodeRequestChunks({ apiKey, apiVersion, correlationId, clientId: this.clientId, body });
    } catch (err) {
      return Promise.reject(err);
    }
    return this.send(apiKey, apiVersion, correlationId, chunks, options);
  }

  /**
   * A whole request frame (size prefix, header, body) for `requestPrepared`, which sends it again
   * and again: for a request that changes little from one send to the next (a consumer's Fetch),
   * the caller patches the few changed fields into a copy rather than encoding anew. Throws what
   * the encoder throws.
   */
  prepareRequest<K extends ApiKeyNumber>(apiKey: K, apiVersion: number, body: ApiRequestTypes[K]): Buffer {
    return Buffer.concat(encodeRequestChunks({ apiKey, apiVersion, correlationId: 0, clientId: this.clientId, body }));
  }

  /**
   * Sends a frame made from `prepareRequest(apiKey, apiVersion, ...)` on this connection (or one
   * with the same client id), its correlation id written in here. The frame is the connection's
   * from now on: the caller must not change it.
   */
  requestPrepared<K extends ApiKeyNumber>(apiKey: K, apiVersion: number, frame: Buffer, options: RequestOptions = {}): Promise<ApiResponseTypes[K]> {
    if (this.closedError !== undefined) return Promise.reject(this.closedError);
    const correlationId = this.takeCorrelationId();
    // Every request header starts with int16 api key, int16 version, int32 correlation id (after the size).
    frame.writeInt32BE(correlationId, 8);
    return this.send(apiKey, apiVersion, correlationId, [frame], options);
  }

  private takeCorrelationId(): number {
    const correlationId = this.nextCorrelationId;
    this.nextCorrelationId = (this.nextCorrelationId + 1) & 0x7fffffff;
    return correlationId;
  }

  private send<K extends ApiKeyNumber>(apiKey: K, apiVersion: number, correlationId: number, chunks: Uint8Array[], options: RequestOptions): Promise<ApiResponseTypes[K]> {
    if (options.expectResponse === false) {
      this.writer.write(chunks);
      return this.writer.drained().then(() => undefined as unknown as ApiResponseTypes[K]);
    }
    return new Promise<ApiResponseTypes[K]>((resolve, reject) => {
      const timeoutMs = options.timeoutMs ?? this.requestTimeoutMs;
      const pending: Pending = { correlationId, apiKey, apiVersion, resolve: resolve as (b: unknown) => void, reject, timer: undefined, abandoned: false, raw: false };
      pending.timer = setTimeout(() => {
        pending.abandoned = true;
        pending.timer = undefined;
        reject(new KafkaRequestTimeoutError(API_DEFINITIONS[apiKey]?.name ?? String(apiKey), apiKey, this.address, timeoutMs));
      }, timeoutMs);
      this.inFlight.push(pending);
      this.writer.write(chunks);
    });
  }

  /** Closes the socket; pending requests reject with `error` (default: a KafkaConnectionError). */
  close(error?: Error): void {
    if (this.closedError !== undefined) return;
    const err = error ?? new KafkaConnectionError('connection closed by the client', this.address);
    this.closedError = err;
    for (const p of this.inFlight.splice(0)) {
      if (p.timer !== undefined) clearTimeout(p.timer);
      if (!p.abandoned) p.reject(err);
    }
    this.socket.destroy();
    this.onClose?.(this, err);
  }

  /** Each response frame gets memory of its own: decoded responses (a Fetch's records) are views of it. */
  private readonly allocateFrame = (size: number): Buffer => Buffer.allocUnsafe(size);
  private readonly frameSink = (frame: Buffer): boolean => {
    this.lastFrameWasLarge = frame.length >= DIRECT_READ_MIN_BYTES;
    return this.onFrame(frame);
  };
  /** The last response was large enough to be read mostly straight into its buffer (default socket). */
  private lastFrameWasLarge = false;

  /**
   * Between frames after a large one: the next read should take only the head of the next frame
   * (the rest of a large frame is then read straight into it). In the middle of a frame, the
   * rest is read whole.
   */
  private wantsHeadRead(): boolean {
    return this.lastFrameWasLarge && !this.assembler.assembling;
  }

  /**
   * Where the next socket read goes (default socket): the rest of a large frame being assembled,
   * so the kernel copies its bytes straight into it; else the reused read buffer (undefined).
   */
  private readTarget(): Buffer | undefined {
    return this.closedError === undefined ? this.assembler.remainingFrame(DIRECT_READ_MIN_BYTES) : undefined;
  }

  /** `n` bytes were read straight into the frame `readTarget` gave. */
  private onReadIntoFrame(n: number): void {
    if (this.closedError !== undefined) return;
    this.assembler.pushedInto(n, this.frameSink);
  }

  /** Bytes read into the reused read buffer (default socket): copied into frames at once. */
  private onRead(bytes: Buffer): void {
    if (this.closedError !== undefined) return;
    const error = this.assembler.push(bytes, this.allocateFrame, this.frameSink);
    if (error !== undefined) this.close(new KafkaConnectionError(`bad response frame: ${error}`, this.address));
  }

  private onData(chunk: Buffer): void {
    if (this.reader.push(chunk) !== undefined) {
      this.close(new KafkaConnectionError(`bad response frame: ${this.reader.error!.message}`, this.address));
      return;
    }
    for (;;) {
      const r = this.reader.next();
      if (r.kind === 'incomplete') return;
      if (r.kind === 'invalid') {
        this.close(new KafkaConnectionError(`bad response frame: ${r.error.message}`, this.address));
        return;
      }
      if (!this.onFrame(r.frame)) return;
    }
  }

  /** Handles one response frame; false when the connection was closed because of it. */
  private onFrame(frame: Buffer): boolean {
    const pending = this.inFlight.shift();
    const correlationId = frame.length >= 4 ? frame.readInt32BE(0) : -1;
    if (pending === undefined || pending.correlationId !== correlationId) {
      const expected = pending === undefined ? 'none' : String(pending.correlationId);
      if (pending !== undefined) this.inFlight.unshift(pending);
      this.close(new KafkaConnectionError(`response correlation id ${correlationId} out of order (expected ${expected})`, this.address));
      return false;
    }
    if (pending.timer !== undefined) clearTimeout(pending.timer);
    if (pending.abandoned) return true;
    try {
      // No copy: the frame is a view of a socket chunk (never reused by Node) or FrameReader's own
      // copy; decoded bytes fields (records, assignments) stay views of it and keep it alive.
      if (pending.raw) pending.resolve(frame);
      else pending.resolve(decodeResponse(pending.apiKey, pending.apiVersion, frame).body);
    } catch (err) {
      pending.reject(new KafkaClientError(`cannot decode ${API_DEFINITIONS[pending.apiKey]?.name} v${pending.apiVersion} response: ${(err as Error).message}`, { cause: err }));
    }
    return true;
  }

  /**
   * ApiVersions: asks at v3; a broker that does not know v3 answers UNSUPPORTED_VERSION in the v0
   * layout with its own ApiVersions range, and we ask again at its highest version.
   */
  private async negotiateApiVersions(): Promise<void> {
    const codecMax = CODEC_VERSIONS.get(ApiKey.ApiVersions)!.maxVersion;
    let version = Math.min(API_VERSIONS_FIRST_TRY, codecMax);
    for (let attempt = 0; attempt < 2; attempt++) {
      const raw = await this.rawApiVersions(version);
      if (raw.errorCode === ErrorCode.UNSUPPORTED_VERSION) {
        const own = raw.apiKeys.find((k) => k.apiKey === ApiKey.ApiVersions);
        if (own === undefined || own.maxVersion >= version) break;
        version = own.maxVersion;
        continue;
      }
      if (raw.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(raw.errorCode, 'ApiVersions');
      this.brokerVersions = new Map(raw.apiKeys.map((k) => [k.apiKey, { minVersion: k.minVersion, maxVersion: k.maxVersion }]));
      return;
    }
    throw new KafkaProtocolError(ErrorCode.UNSUPPORTED_VERSION, `ApiVersions negotiation with ${this.address} failed`);
  }

  /** ApiVersions at `version`, reading an UNSUPPORTED_VERSION answer in its v0 layout. */
  private async rawApiVersions(version: number): Promise<{ errorCode: number; apiKeys: Array<{ apiKey: number; minVersion: number; maxVersion: number }> }> {
    // The frame is decoded here rather than by requestAtVersion: an error answer uses v0 layout.
    const body = { clientSoftwareName: 'samsa', clientSoftwareVersion: '0.1.0' };
    const frame = await this.requestRaw(ApiKey.ApiVersions, version, body);
    const errorCode = frame.length >= 6 ? frame.readInt16BE(4) : -1;
    const bodyVersion = errorCode === ErrorCode.UNSUPPORTED_VERSION ? 0 : version;
    return decodeApiVersionsResponse(new ProtocolReader(frame, 4), bodyVersion);
  }

  /** Sends a request and resolves with the raw response frame (header included). */
  private requestRaw<K extends ApiKeyNumber>(apiKey: K, apiVersion: number, body: ApiRequestTypes[K]): Promise<Buffer> {
    if (this.closedError !== undefined) return Promise.reject(this.closedError);
    const correlationId = this.nextCorrelationId++;
    const chunks = encodeRequestChunks({ apiKey, apiVersion, correlationId, clientId: this.clientId, body });
    return new Promise<Buffer>((resolve, reject) => {
      const pending: Pending = { correlationId, apiKey, apiVersion, resolve: resolve as (b: unknown) => void, reject, timer: undefined, abandoned: false, raw: true };
      pending.timer = setTimeout(() => {
        pending.timer = undefined;
        this.close(new KafkaRequestTimeoutError(API_DEFINITIONS[apiKey]?.name ?? String(apiKey), apiKey, this.address, this.requestTimeoutMs));
      }, this.requestTimeoutMs);
      this.inFlight.push(pending);
      this.writer.write(chunks);
    });
  }
}
