/**
 * Protocol plumbing shared by the benchmark's Node workers: a pipelined connection that sends
 * pre-encoded request frames and hands back raw response frames in order (the broker answers
 * each connection's requests in order), and helpers to build Produce/Fetch frames and to walk
 * the record batches of a Fetch response without decoding records.
 *
 * It is written for the benchmark, not as a client library: no retries, no metadata handling.
 */
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { FrameReader } from '../../src/net/frame-reader.js';
import { ApiKey } from '../../src/protocol/generated/api-table.js';
import type { ApiKeyNumber } from '../../src/protocol/request-frame.js';
import { decodeResponse, encodeRequest } from '../../src/protocol/request-frame.js';
import type { ApiRequestTypes, ApiResponseTypes } from '../../src/protocol/generated/api-table.js';
import { buildRecordBatch } from '../../src/protocol/records/index.js';
import type { RecordInput } from '../../src/protocol/records/index.js';
import { LAST_OFFSET_DELTA_OFFSET, LOG_OVERHEAD, RECORDS_COUNT_OFFSET } from '../../src/protocol/records/record-batch-header.js';

export const CLIENT_ID = 'samsa-bench';
export const PRODUCE_VERSION = 9;
export const FETCH_VERSION = 12;

/** A frame received, with the monotonic time (ns) at which its last byte was read. */
export interface ReceivedFrame {
  frame: Buffer;
  receivedAtNs: bigint;
}

/**
 * One TCP connection; `send(frame)` resolves with the response frame (size prefix removed).
 * Any number of requests may be in flight: responses are matched in order.
 */
export class PipelinedConnection {
  private readonly reader = new FrameReader({ maxFrameBytes: 0x7fffffff });
  private readonly waiting: { resolve: (f: ReceivedFrame) => void; reject: (e: Error) => void }[] = [];
  private failure: Error | null = null;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.reader.push(chunk);
      let now: bigint | null = null;
      for (;;) {
        const r = this.reader.next();
        if (r.kind !== 'frame') break;
        now ??= process.hrtime.bigint();
        const w = this.waiting.shift();
        if (w === undefined) {
          this.fail(new Error('response without a request'));
          return;
        }
        w.resolve({ frame: r.frame, receivedAtNs: now });
      }
    });
    socket.on('error', (err) => this.fail(err));
    socket.on('close', () => this.fail(new Error('connection closed')));
  }

  static open(host: string, port: number): Promise<PipelinedConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port });
      socket.setNoDelay(true);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new PipelinedConnection(socket));
      });
      socket.once('error', reject);
    });
  }

  get inFlight(): number {
    return this.waiting.length;
  }

  /** Writes a whole request frame (size prefix included). Returns false when the socket buffer is full. */
  send(frame: Uint8Array): Promise<ReceivedFrame> {
    if (this.failure !== null) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.socket.write(frame);
    });
  }

  /** Encodes, sends and decodes one request (for setup calls; not for the measured paths). */
  async call<K extends ApiKeyNumber>(apiKey: K, apiVersion: number, body: ApiRequestTypes[K]): Promise<ApiResponseTypes[K]> {
    const frame = encodeRequest({ apiKey, apiVersion, correlationId: 1, clientId: CLIENT_ID, body });
    const { frame: response } = await this.send(frame);
    return decodeResponse(apiKey, apiVersion, response).body;
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const w of this.waiting.splice(0)) w.reject(err);
  }

  close(): void {
    this.socket.destroy();
  }
}

/** A record batch of `count` records with `valueBytes`-byte values filled from `seed` (no key, uncompressed). */
export function buildValueBatch(count: number, valueBytes: number, seed: number): Uint8Array {
  const records: RecordInput[] = [];
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < count; i++) {
    const value = new Uint8Array(valueBytes);
    for (let j = 0; j < valueBytes; j++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      value[j] = 32 + ((x >>> 0) % 95);
    }
    records.push({ value });
  }
  return buildRecordBatch(records, { timestamp: BigInt(Date.now()) });
}

/** A complete Produce v9 request frame (size prefix included) for one partition. */
export function produceFrame(topic: string, partition: number, acks: number, batches: Uint8Array, correlationId = 1): Buffer {
  return encodeRequest({
    apiKey: ApiKey.Produce,
    apiVersion: PRODUCE_VERSION,
    correlationId,
    clientId: CLIENT_ID,
    body: { transactionalId: null, acks, timeoutMs: 30_000, topicData: [{ name: topic, partitionData: [{ index: partition, records: batches }] }] },
  });
}

/** Returns the first error code found in a Produce response frame, or 0. */
export function produceError(frame: Buffer): { errorCode: number; baseOffset: bigint } {
  const body = decodeResponse(ApiKey.Produce, PRODUCE_VERSION, frame).body;
  for (const t of body.responses) {
    for (const p of t.partitionResponses) {
      if (p.errorCode !== 0) return { errorCode: p.errorCode, baseOffset: -1n };
      return { errorCode: 0, baseOffset: p.baseOffset };
    }
  }
  return { errorCode: -1, baseOffset: -1n };
}

/**
 * The error code of the first partition of a Produce v9 response frame starting at `start` of
 * `frame`, read in place (what `produceError` decodes with the generic codec); -1 when the
 * response names no partition.
 */
export function produceErrorCodeInPlace(frame: Buffer, start = 0): number {
  const c = cursor.at(frame, start + 4); // after the correlation id
  c.skipTaggedFields(); // response header v1
  if (c.uvarint() - 1 < 1) return -1; // responses
  const nameLength = c.uvarint() - 1; // (not `c.pos += c.uvarint()`: that adds to pos as it was before the read)
  c.pos += nameLength; // topic name
  if (c.uvarint() - 1 < 1) return -1; // partition responses
  return frame.readInt16BE(c.pos + 4); // after the partition index
}

/** Reads a response frame in place: unsigned varints and tagged fields. One reused cursor, so a frame costs no allocation. */
class FrameCursor {
  frame: Buffer = Buffer.alloc(0);
  pos = 0;

  at(frame: Buffer, pos: number): this {
    this.frame = frame;
    this.pos = pos;
    return this;
  }

  uvarint(): number {
    let v = 0;
    let shift = 0;
    for (;;) {
      const byte = this.frame[this.pos++]!;
      v += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return v;
      shift += 7;
    }
  }

  skipTaggedFields(): void {
    for (let n = this.uvarint(); n > 0; n--) {
      this.uvarint(); // tag
      const size = this.uvarint();
      this.pos += size;
    }
  }
}

const cursor = new FrameCursor();

/** A complete Fetch v12 request frame for one partition. */
export function fetchFrame(topic: string, partition: number, offset: bigint, options: { maxWaitMs: number; minBytes: number; maxBytes: number; partitionMaxBytes: number }): Buffer {
  return encodeRequest({
    apiKey: ApiKey.Fetch,
    apiVersion: FETCH_VERSION,
    correlationId: 1,
    clientId: CLIENT_ID,
    body: {
      replicaId: -1,
      maxWaitMs: options.maxWaitMs,
      minBytes: options.minBytes,
      maxBytes: options.maxBytes,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [{ topic, partitions: [{ partition, currentLeaderEpoch: -1, fetchOffset: offset, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: options.partitionMaxBytes }] }],
      forgottenTopicsData: [],
      rackId: '',
    },
  });
}

/**
 * A Fetch v12 request frame for one partition, encoded once; `setOffset` rewrites its fetch
 * offset in place. For a worker with one fetch in flight: the frame is written again only after
 * the previous one has been answered, so the socket no longer holds it.
 */
export class ReusableFetchFrame {
  readonly frame: Buffer;
  private readonly offsetAt: number;

  constructor(topic: string, partition: number, options: { maxWaitMs: number; minBytes: number; maxBytes: number; partitionMaxBytes: number }) {
    // The fetch offset is where a frame for offset 0 and one for offset -1 differ (all 8 bytes).
    const a = fetchFrame(topic, partition, 0n, options);
    const b = fetchFrame(topic, partition, -1n, options);
    let at = 0;
    while (at < a.length && a[at] === b[at]) at++;
    if (a.length !== b.length || at + 8 > a.length || a.readBigInt64BE(at) !== 0n || b.readBigInt64BE(at) !== -1n) {
      throw new Error('cannot locate the fetch offset in the Fetch request frame');
    }
    this.frame = a;
    this.offsetAt = at;
  }

  /** Sets the fetch offset (a non-negative offset below 2^53). */
  setOffset(offset: number): Buffer {
    this.frame.writeUInt32BE(Math.floor(offset / 0x100000000), this.offsetAt);
    this.frame.writeUInt32BE(offset % 0x100000000, this.offsetAt + 4);
    return this.frame;
  }
}

/** What `readFetchInPlace` finds: the error code and where the records field lies in the frame's buffer. */
export interface FetchedInPlace {
  errorCode: number;
  /** `[recordsStart, recordsEnd)` of the frame's buffer (empty when there are no records). */
  recordsStart: number;
  recordsEnd: number;
}

/**
 * The first partition of a Fetch v12 response frame starting at `start` of `frame`, read in
 * place: no object tree, no copy. `out` is filled and returned (a worker reuses one).
 */
export function readFetchInPlace(frame: Buffer, start: number, out: FetchedInPlace): FetchedInPlace {
  const c = cursor.at(frame, start + 4); // after the correlation id
  c.skipTaggedFields(); // response header v1
  c.pos += 4; // throttle time
  const topLevelError = frame.readInt16BE(c.pos);
  c.pos += 2 + 4; // error code, session id
  out.recordsStart = out.recordsEnd = 0;
  if (topLevelError !== 0) {
    out.errorCode = topLevelError;
    return out;
  }
  if (c.uvarint() - 1 < 1) {
    out.errorCode = -1;
    return out;
  }
  const nameLength = c.uvarint() - 1; // (not `c.pos += c.uvarint()`: that adds to pos as it was before the read)
  c.pos += nameLength; // topic name
  if (c.uvarint() - 1 < 1) {
    out.errorCode = -1;
    return out;
  }
  c.pos += 4; // partition index
  out.errorCode = frame.readInt16BE(c.pos);
  c.pos += 2 + 8 + 8 + 8; // error code, high watermark, last stable offset, log start offset
  const aborted = c.uvarint() - 1;
  for (let i = 0; i < aborted; i++) {
    c.pos += 16; // producer id, first offset
    c.skipTaggedFields();
  }
  c.pos += 4; // preferred read replica
  const size = c.uvarint() - 1;
  if (size > 0) {
    out.recordsStart = c.pos;
    out.recordsEnd = c.pos + size;
  }
  return out;
}

export interface FetchedPartition {
  errorCode: number;
  highWatermark: bigint;
  records: Uint8Array;
}

export function decodeFetch(frame: Buffer): FetchedPartition {
  const body = decodeResponse(ApiKey.Fetch, FETCH_VERSION, frame).body;
  if ((body.errorCode ?? 0) !== 0) return { errorCode: body.errorCode ?? -1, highWatermark: -1n, records: new Uint8Array(0) };
  const p = body.responses[0]?.partitions[0];
  if (p === undefined) return { errorCode: -1, highWatermark: -1n, records: new Uint8Array(0) };
  return { errorCode: p.errorCode, highWatermark: p.highWatermark, records: p.records ?? new Uint8Array(0) };
}

export interface BatchWalk {
  /** Offset after the last complete batch, or -1n when there is none. */
  nextOffset: bigint;
  records: number;
  /** Bytes of the complete batches. */
  bytes: number;
  /** [position, size] of each complete batch. */
  batches: [number, number][];
}

/** Walks the complete v2 batches of a records field (a trailing partial batch is ignored, as clients do). */
export function walkBatches(records: Uint8Array, keepPositions = false): BatchWalk {
  const view = new DataView(records.buffer, records.byteOffset, records.byteLength);
  let pos = 0;
  let nextOffset = -1n;
  let count = 0;
  const batches: [number, number][] = [];
  while (records.length - pos >= LOG_OVERHEAD) {
    const size = view.getInt32(pos + 8) + LOG_OVERHEAD;
    if (size > records.length - pos) break;
    const base = view.getBigInt64(pos);
    nextOffset = base + BigInt(view.getInt32(pos + LAST_OFFSET_DELTA_OFFSET)) + 1n;
    count += view.getInt32(pos + RECORDS_COUNT_OFFSET);
    if (keepPositions) batches.push([pos, size]);
    pos += size;
  }
  return { nextOffset, records: count, bytes: pos, batches };
}

/** Creates a topic (ignoring TOPIC_ALREADY_EXISTS) and waits until a Produce to partition 0 would be accepted. */
export async function createTopic(host: string, port: number, topic: string, partitions = 1, replicationFactor = 1, configs: Record<string, string> = {}): Promise<void> {
  const conn = await PipelinedConnection.open(host, port);
  try {
    const res = await conn.call(ApiKey.CreateTopics, 5, {
      topics: [{ name: topic, numPartitions: partitions, replicationFactor, assignments: [], configs: Object.entries(configs).map(([name, value]) => ({ name, value })) }],
      timeoutMs: 10_000,
      validateOnly: false,
    });
    const code = res.topics[0]?.errorCode ?? -1;
    if (code !== 0 && code !== 36) throw new Error(`CreateTopics ${topic} failed with error code ${code}`);
    // Wait for the leader to be known (Metadata without error for partition 0).
    for (let i = 0; i < 200; i++) {
      const md = await conn.call(ApiKey.Metadata, 9, { topics: [{ name: topic }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
      const t = md.topics[0];
      if (t !== undefined && t.errorCode === 0 && t.partitions.length === partitions && t.partitions.every((p) => p.errorCode === 0)) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`topic ${topic} has no leader after 5 s`);
  } finally {
    conn.close();
  }
}

/** Deletes a topic; errors are ignored (disk space is reclaimed at the end anyway). */
export async function deleteTopic(host: string, port: number, topic: string): Promise<void> {
  let conn: PipelinedConnection | null = null;
  try {
    conn = await PipelinedConnection.open(host, port);
    await conn.call(ApiKey.DeleteTopics, 5, { topicNames: [topic], timeoutMs: 10_000 });
  } catch {
    // best effort
  } finally {
    conn?.close();
  }
}
