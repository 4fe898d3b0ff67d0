import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { API_DEFINITIONS, ApiKey, ErrorCode } from '../protocol/generated/index.js';
import type {
  ApiVersionsResponse,
  ApiVersionsResponseApiVersion,
  InitProducerIdResponse,
  MetadataRequest,
  MetadataResponse,
  MetadataResponseMetadataResponseTopic,
  ProduceRequest,
  ProduceResponse,
} from '../protocol/generated/index.js';
import { decodeRequest, decodeRequestFrameHeader, encodeResponse } from '../protocol/request-frame.js';
import { summarizeRecordBatches } from './record-batch-summary.js';

/** One request frame as a client sent it, in arrival order. */
export interface CapturedFrame {
  /** Position among all frames this server received (0-based, across connections). */
  sequence: number;
  /** Which TCP connection it arrived on (0-based, in accept order). */
  connectionId: number;
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
  /** The raw frame: everything after the 4-byte size prefix. */
  frame: Buffer;
}

export interface FrameCaptureServerOptions {
  /** Interface to listen on; default 127.0.0.1. The port is always chosen by the OS. */
  host?: string;
  /** The node id this fake broker gives itself in Metadata; default 1. */
  nodeId?: number;
  /** Cluster id reported in Metadata v2+; default "samsa-frame-capture". */
  clusterId?: string;
  /** Largest frame accepted before the connection is closed; default 16 MiB. */
  maxFrameBytes?: number;
  /** Producer id handed out by InitProducerId; default 1000. */
  producerId?: bigint;
}

/** Something that went wrong while serving; the tests assert this stays empty. */
export interface CaptureServerProblem {
  connectionId: number;
  message: string;
}

interface FrameWaiter {
  predicate: (frame: CapturedFrame) => boolean;
  resolve: (frame: CapturedFrame) => void;
}

const APIS_ANSWERED = new Set<number>([ApiKey.ApiVersions, ApiKey.Metadata, ApiKey.Produce, ApiKey.InitProducerId]);

/**
 * The API versions a KRaft broker built from the same schemas would advertise: every API with a
 * `broker` listener, over its stable range. Advertising the whole table (not only the handful this
 * server answers) matters: librdkafka derives features from it (for example record batch v2 needs
 * Produce v3 *and* Fetch v4), so a short list would make it fall back to old message formats.
 */
export function brokerApiVersions(): ApiVersionsResponseApiVersion[] {
  const out: ApiVersionsResponseApiVersion[] = [];
  for (const def of API_DEFINITIONS) {
    if (!def.listeners.includes('broker')) continue;
    const maxVersion = def.latestVersionUnstable ? def.maxVersion - 1 : def.maxVersion;
    if (maxVersion < def.minVersion) continue;
    out.push({ apiKey: def.apiKey, minVersion: def.minVersion, maxVersion });
  }
  return out;
}

/** A stable, non-zero topic id for a topic name (22-character URL-safe base64, as Kafka prints UUIDs). */
function topicIdFor(name: string): string {
  return createHash('sha256').update(name).digest().subarray(0, 16).toString('base64url');
}

/**
 * A tiny TCP listener that plays just enough of a Kafka broker for a producer to reach its first
 * Produce: it answers ApiVersions, Metadata (one broker, itself; every requested topic exists with
 * one partition it leads), InitProducerId and Produce (success), and records every request frame
 * byte for byte. Any other request is recorded, reported as a problem, and its connection closed.
 *
 * It decodes requests and encodes responses with the project's codec, so it is also a small
 * end-to-end check that real clients accept what the codec writes.
 */
export class FrameCaptureServer {
  readonly host: string;
  readonly port: number;
  readonly problems: CaptureServerProblem[] = [];

  private readonly server: Server;
  private readonly nodeId: number;
  private readonly clusterId: string;
  private readonly maxFrameBytes: number;
  private readonly producerId: bigint;
  private readonly captured: CapturedFrame[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly topics = new Set<string>();
  private readonly nextOffset = new Map<string, bigint>();
  private waiters: FrameWaiter[] = [];
  private connections = 0;

  private constructor(server: Server, options: FrameCaptureServerOptions) {
    this.server = server;
    const address = server.address() as AddressInfo;
    this.host = address.address;
    this.port = address.port;
    this.nodeId = options.nodeId ?? 1;
    this.clusterId = options.clusterId ?? 'samsa-frame-capture';
    this.maxFrameBytes = options.maxFrameBytes ?? 16 * 1024 * 1024;
    this.producerId = options.producerId ?? 1000n;
    server.on('connection', (socket) => this.accept(socket));
  }

  /** Starts listening on an OS-chosen port. */
  static async start(options: FrameCaptureServerOptions = {}): Promise<FrameCaptureServer> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    return new FrameCaptureServer(server, options);
  }

  /** `host:port`, as a client's bootstrap address. */
  get bootstrap(): string {
    return `${this.host}:${this.port}`;
  }

  /** Every frame received so far, in arrival order. */
  frames(): readonly CapturedFrame[] {
    return this.captured;
  }

  /** Resolves with the first frame (already received or still to come) that matches; rejects after `timeoutMs`. */
  waitForFrame(predicate: (frame: CapturedFrame) => boolean, timeoutMs: number): Promise<CapturedFrame> {
    const existing = this.captured.find(predicate);
    if (existing !== undefined) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const waiter: FrameWaiter = {
        predicate,
        resolve: (frame) => {
          clearTimeout(timer);
          resolve(frame);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no matching request frame within ${timeoutMs} ms (received: ${this.describeFrames()})`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** A short summary such as "ApiVersions v3, Metadata v4, Produce v7", for failure messages. */
  describeFrames(): string {
    if (this.captured.length === 0) return 'nothing';
    return this.captured.map((f) => `${API_DEFINITIONS[f.apiKey]?.name ?? `key ${f.apiKey}`} v${f.apiVersion}`).join(', ');
  }

  /** Stops listening and destroys every open connection. */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    const connectionId = this.connections++;
    this.sockets.add(socket);
    socket.setNoDelay(true);
    let pending: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      while (pending.length >= 4) {
        const size = pending.readInt32BE(0);
        if (size < 4 || size > this.maxFrameBytes) {
          this.problems.push({ connectionId, message: `bad frame size ${size}` });
          socket.destroy();
          return;
        }
        if (pending.length < 4 + size) break;
        const frame = Buffer.from(pending.subarray(4, 4 + size));
        pending = pending.subarray(4 + size);
        if (!this.handleFrame(connectionId, socket, frame)) {
          socket.destroy();
          return;
        }
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.sockets.delete(socket));
  }

  /** Records and answers one frame; returns false when the connection should be closed. */
  private handleFrame(connectionId: number, socket: Socket, frame: Buffer): boolean {
    let headerInfo;
    try {
      headerInfo = decodeRequestFrameHeader(frame);
    } catch (err) {
      this.problems.push({ connectionId, message: `undecodable request header: ${(err as Error).message}` });
      return false;
    }
    const { header } = headerInfo;
    const record: CapturedFrame = {
      sequence: this.captured.length,
      connectionId,
      apiKey: header.requestApiKey,
      apiVersion: header.requestApiVersion,
      correlationId: header.correlationId,
      clientId: header.clientId ?? null,
      frame,
    };
    this.captured.push(record);
    const ready = this.waiters.filter((w) => w.predicate(record));
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve(record);

    const def = API_DEFINITIONS[header.requestApiKey]!;
    if (header.requestApiKey === ApiKey.ApiVersions && header.requestApiVersion > def.maxVersion) {
      // What Kafka does for a newer ApiVersions: answer at v0 with UNSUPPORTED_VERSION and the list,
      // so the client can retry at a version both sides know.
      const body: ApiVersionsResponse = { errorCode: ErrorCode.UNSUPPORTED_VERSION, apiKeys: brokerApiVersions() };
      socket.write(encodeResponse(ApiKey.ApiVersions, 0, header.correlationId, body));
      return true;
    }
    if (!APIS_ANSWERED.has(header.requestApiKey)) {
      this.problems.push({ connectionId, message: `${def.name} v${header.requestApiVersion} is not played by the capture server` });
      return false;
    }

    let request;
    try {
      request = decodeRequest(frame);
    } catch (err) {
      this.problems.push({ connectionId, message: `undecodable ${def.name} v${header.requestApiVersion}: ${(err as Error).message}` });
      return false;
    }
    const version = header.requestApiVersion;
    const correlationId = header.correlationId;
    try {
      switch (header.requestApiKey) {
        case ApiKey.ApiVersions: {
          const body: ApiVersionsResponse = { errorCode: ErrorCode.NONE, apiKeys: brokerApiVersions(), throttleTimeMs: 0 };
          socket.write(encodeResponse(ApiKey.ApiVersions, version, correlationId, body));
          return true;
        }
        case ApiKey.Metadata: {
          const body = this.metadataResponse(request.body as MetadataRequest);
          socket.write(encodeResponse(ApiKey.Metadata, version, correlationId, body));
          return true;
        }
        case ApiKey.InitProducerId: {
          const body: InitProducerIdResponse = { throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId: this.producerId, producerEpoch: 0 };
          socket.write(encodeResponse(ApiKey.InitProducerId, version, correlationId, body));
          return true;
        }
        case ApiKey.Produce: {
          const produce = request.body as ProduceRequest;
          const body = this.produceResponse(produce);
          // acks=0: the client expects no response at all.
          if (produce.acks !== 0) socket.write(encodeResponse(ApiKey.Produce, version, correlationId, body));
          return true;
        }
        default:
          return false;
      }
    } catch (err) {
      this.problems.push({ connectionId, message: `cannot answer ${def.name} v${version}: ${(err as Error).message}` });
      return false;
    }
  }

  private metadataResponse(request: MetadataRequest): MetadataResponse {
    let names: string[];
    if (request.topics === null) {
      names = [...this.topics];
    } else {
      names = [];
      for (const t of request.topics) {
        if (t.name === null || t.name === '') continue;
        this.topics.add(t.name);
        names.push(t.name);
      }
    }
    const topics: MetadataResponseMetadataResponseTopic[] = names.map((name) => ({
      errorCode: ErrorCode.NONE,
      name,
      topicId: topicIdFor(name),
      isInternal: false,
      partitions: [
        {
          errorCode: ErrorCode.NONE,
          partitionIndex: 0,
          leaderId: this.nodeId,
          leaderEpoch: 0,
          replicaNodes: [this.nodeId],
          isrNodes: [this.nodeId],
          offlineReplicas: [],
        },
      ],
      topicAuthorizedOperations: -2147483648,
    }));
    return {
      throttleTimeMs: 0,
      brokers: [{ nodeId: this.nodeId, host: this.host, port: this.port, rack: null }],
      clusterId: this.clusterId,
      controllerId: this.nodeId,
      topics,
      clusterAuthorizedOperations: -2147483648,
    };
  }

  private produceResponse(request: ProduceRequest): ProduceResponse {
    return {
      throttleTimeMs: 0,
      responses: request.topicData.map((topic) => ({
        name: topic.name,
        partitionResponses: topic.partitionData.map((partition) => {
          const key = `${topic.name}\u0000${partition.index}`;
          const baseOffset = this.nextOffset.get(key) ?? 0n;
          const count = summarizeRecordBatches(partition.records).reduce((n, b) => n + Math.max(b.recordsCount, 0), 0);
          this.nextOffset.set(key, baseOffset + BigInt(count));
          return {
            index: partition.index,
            errorCode: ErrorCode.NONE,
            baseOffset,
            logAppendTimeMs: -1n,
            logStartOffset: 0n,
            recordErrors: [],
            errorMessage: null,
          };
        }),
      })),
    };
  }
}
