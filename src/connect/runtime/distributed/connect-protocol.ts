/**
 * The bytes Kafka Connect workers exchange through the group coordinator (protocol type
 * `connect`): a worker's state in JoinGroup metadata and a worker's assignment in SyncGroup, in
 * Kafka's ConnectProtocol (version 0, protocol `default`, eager) and
 * IncrementalCooperativeConnectProtocol (version 1 `compatible`, version 2 `sessioned`) formats.
 *
 * Types follow Kafka's protocol types: int16/int32/int64 big-endian, STRING = int16 length +
 * UTF-8, ARRAY = int32 count + items (-1 for a null array), NULLABLE_BYTES = int32 length + bytes
 * (-1 for null).
 *
 *   Worker state v0:     version int16, url STRING, config offset int64
 *   Worker state v1/v2:  version int16, url STRING, config offset int64, allocation NULLABLE_BYTES
 *                        (the worker's current assignment, encoded as below with the same
 *                        version; null when it has none)
 *   Assignment v0:       version int16, error int16, leader STRING, leader url STRING,
 *                        config offset int64, assignment ARRAY of (connector STRING, tasks ARRAY of int32)
 *   Assignment v1/v2:    v0 fields, then revoked ARRAY (same shape, nullable), delay int32
 *
 * A task id of -1 (CONNECTOR_TASK) stands for the connector itself. Within an array, a connector's
 * entry lists the connector (if any) first, then its tasks; connectors appear in the order first
 * seen (assigned connectors, then the connectors of the tasks). As Kafka, decoders accept any
 * version >= 0 and read the fields they know; v1 fields missing at the end read as defaults.
 */
import { Buffer } from 'node:buffer';

/** The sentinel task id for the connector instance itself. */
export const CONNECTOR_TASK = -1;
export const CONNECT_PROTOCOL_V0 = 0;
export const CONNECT_PROTOCOL_V1 = 1;
export const CONNECT_PROTOCOL_V2 = 2;

/** Kafka's `connect.protocol` values. */
export type ConnectProtocolCompatibility = 'eager' | 'compatible' | 'sessioned';

/** The JoinGroup protocol name of each mode (Kafka's ConnectProtocolCompatibility.protocol()). */
export const CONNECT_PROTOCOL_NAMES: Readonly<Record<ConnectProtocolCompatibility, string>> = { eager: 'default', compatible: 'compatible', sessioned: 'sessioned' };

/** The protocol version of each mode. */
export const CONNECT_PROTOCOL_VERSIONS: Readonly<Record<ConnectProtocolCompatibility, number>> = { eager: CONNECT_PROTOCOL_V0, compatible: CONNECT_PROTOCOL_V1, sessioned: CONNECT_PROTOCOL_V2 };

/** The mode of a JoinGroup protocol name (`default` → eager, ...); throws on an unknown name. */
export function compatibilityOfProtocol(name: string): ConnectProtocolCompatibility {
  for (const [mode, n] of Object.entries(CONNECT_PROTOCOL_NAMES)) if (n === name) return mode as ConnectProtocolCompatibility;
  throw new ConnectProtocolError(`Not found Connect protocol compatibility mode for protocol: ${name}`);
}

/** Assignment error codes (Kafka's ConnectProtocol.Assignment). */
export const AssignmentError = {
  NONE: 0,
  /** The leader is behind the newest config offset a member reported: read the config topic to the end and rejoin. */
  CONFIG_MISMATCH: 1,
} as const;

/** A task of a connector (Kafka's ConnectorTaskId). */
export interface ConnectorTaskId {
  connector: string;
  task: number;
}

/**
 * An assignment of connectors and tasks to one worker (Kafka's ExtendedAssignment; a v0
 * assignment has no revocations and no delay).
 */
export interface ConnectAssignment {
  /** The protocol version it is encoded with (0, 1 or 2). */
  version: number;
  /** AssignmentError.NONE or AssignmentError.CONFIG_MISMATCH. */
  error: number;
  /** The leader's member id. */
  leader: string;
  /** The leader's REST URL. */
  leaderUrl: string;
  /** The config topic offset the assignment was computed at. */
  configOffset: bigint;
  connectors: string[];
  tasks: ConnectorTaskId[];
  /** Cooperative only: what this worker must stop running. */
  revokedConnectors: string[];
  revokedTasks: ConnectorTaskId[];
  /** Cooperative only: ms after which the worker should rejoin (scheduled.rebalance.max.delay.ms), 0 for none. */
  delay: number;
}

/** What a worker tells the group in JoinGroup (Kafka's WorkerState / ExtendedWorkerState). */
export interface WorkerState {
  url: string;
  configOffset: bigint;
  /** v1/v2: the assignment it runs now (null when none). */
  assignment: ConnectAssignment | null;
}

/** Malformed Connect protocol bytes (Kafka's SchemaException). */
export class ConnectProtocolError extends Error {
  override name = 'ConnectProtocolError';
}

/** An assignment with nothing in it. */
export function emptyAssignment(fields: Partial<ConnectAssignment> = {}): ConnectAssignment {
  return { version: CONNECT_PROTOCOL_V1, error: AssignmentError.NONE, leader: '', leaderUrl: '', configOffset: -1n, connectors: [], tasks: [], revokedConnectors: [], revokedTasks: [], delay: 0, ...fields };
}

/** Whether the assignment carries an error (the worker must not run it). */
export function assignmentFailed(assignment: ConnectAssignment): boolean {
  return assignment.error !== AssignmentError.NONE;
}

// ---- worker state ----

/** Encodes a worker's JoinGroup metadata in the given protocol version (0: no allocation). */
export function encodeWorkerState(state: WorkerState, version: number): Uint8Array {
  const w = new ByteWriter();
  w.int16(version);
  w.string(state.url);
  w.int64(state.configOffset);
  if (version >= CONNECT_PROTOCOL_V1) {
    const allocation = state.assignment === null || isEmptyAssignment(state.assignment) ? null : encodeAssignment({ ...state.assignment, version });
    w.nullableBytes(allocation);
  }
  return w.bytes();
}

/** Decodes JoinGroup metadata of any version (a v0 worker has no allocation). */
export function decodeWorkerState(bytes: Uint8Array): WorkerState {
  const r = new ByteReader(bytes);
  const version = r.int16();
  checkVersion(version);
  const url = r.string();
  const configOffset = r.int64();
  let assignment: ConnectAssignment | null = null;
  if (version >= CONNECT_PROTOCOL_V1 && r.remaining > 0) {
    const allocation = r.nullableBytes();
    if (allocation !== null) assignment = decodeAssignment(allocation);
  }
  return { url, configOffset, assignment };
}

// ---- assignment ----

/** Encodes an assignment with its `version` (0: Kafka's ConnectProtocol; 1/2: with revocations and delay). */
export function encodeAssignment(assignment: ConnectAssignment): Uint8Array {
  const w = new ByteWriter();
  w.int16(assignment.version);
  w.int16(assignment.error);
  w.string(assignment.leader);
  w.string(assignment.leaderUrl);
  w.int64(assignment.configOffset);
  writeConnectorAssignments(w, assignment.connectors, assignment.tasks);
  if (assignment.version >= CONNECT_PROTOCOL_V1) {
    writeConnectorAssignments(w, assignment.revokedConnectors, assignment.revokedTasks);
    w.int32(assignment.delay);
  }
  return w.bytes();
}

/** Decodes an assignment of any version; fields a v0 assignment lacks read as empty / 0. */
export function decodeAssignment(bytes: Uint8Array): ConnectAssignment {
  const r = new ByteReader(bytes);
  const version = r.int16();
  checkVersion(version);
  const error = r.int16();
  const leader = r.string();
  const leaderUrl = r.string();
  const configOffset = r.int64();
  const assigned = readConnectorAssignments(r);
  let revoked = { connectors: [] as string[], tasks: [] as ConnectorTaskId[] };
  let delay = 0;
  if (version >= CONNECT_PROTOCOL_V1) {
    if (r.remaining > 0) revoked = readConnectorAssignments(r);
    if (r.remaining > 0) delay = r.int32();
  }
  return { version, error, leader, leaderUrl, configOffset, connectors: assigned.connectors, tasks: assigned.tasks, revokedConnectors: revoked.connectors, revokedTasks: revoked.tasks, delay };
}

function isEmptyAssignment(a: ConnectAssignment): boolean {
  return a.leader === '' && a.connectors.length === 0 && a.tasks.length === 0 && a.revokedConnectors.length === 0 && a.revokedTasks.length === 0;
}

function writeConnectorAssignments(w: ByteWriter, connectors: readonly string[], tasks: readonly ConnectorTaskId[]): void {
  const byConnector = new Map<string, number[]>();
  for (const c of new Set(connectors)) byConnector.set(c, [CONNECTOR_TASK]);
  for (const t of tasks) {
    const list = byConnector.get(t.connector);
    if (list === undefined) byConnector.set(t.connector, [t.task]);
    else list.push(t.task);
  }
  w.int32(byConnector.size);
  for (const [connector, ids] of byConnector) {
    w.string(connector);
    w.int32(ids.length);
    for (const id of ids) w.int32(id);
  }
}

function readConnectorAssignments(r: ByteReader): { connectors: string[]; tasks: ConnectorTaskId[] } {
  const connectors: string[] = [];
  const tasks: ConnectorTaskId[] = [];
  const count = r.int32();
  if (count < 0) return { connectors, tasks }; // a null array
  for (let i = 0; i < count; i++) {
    const connector = r.string();
    const n = r.int32();
    if (n < 0) throw new ConnectProtocolError('null tasks array in a connector assignment');
    for (let j = 0; j < n; j++) {
      const task = r.int32();
      if (task === CONNECTOR_TASK) connectors.push(connector);
      else tasks.push({ connector, task });
    }
  }
  return { connectors, tasks };
}

function checkVersion(version: number): void {
  if (version < CONNECT_PROTOCOL_V0) throw new ConnectProtocolError(`Unsupported subscription version: ${version}`);
}

// ---- primitives ----

class ByteWriter {
  private readonly chunks: Buffer[] = [];

  int16(v: number): void {
    const b = Buffer.alloc(2);
    b.writeInt16BE(v);
    this.chunks.push(b);
  }

  int32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeInt32BE(v);
    this.chunks.push(b);
  }

  int64(v: bigint): void {
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(v);
    this.chunks.push(b);
  }

  string(s: string): void {
    const b = Buffer.from(s, 'utf8');
    if (b.length > 0x7fff) throw new ConnectProtocolError(`string of ${b.length} bytes is longer than 32767`);
    this.int16(b.length);
    this.chunks.push(b);
  }

  nullableBytes(bytes: Uint8Array | null): void {
    if (bytes === null) {
      this.int32(-1);
      return;
    }
    this.int32(bytes.length);
    this.chunks.push(Buffer.from(bytes));
  }

  bytes(): Uint8Array {
    return Buffer.concat(this.chunks);
  }
}

class ByteReader {
  private readonly buf: Buffer;
  private pos = 0;

  constructor(bytes: Uint8Array) {
    this.buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  private need(n: number, what: string): void {
    if (this.remaining < n) throw new ConnectProtocolError(`Error reading field '${what}': ${n} bytes needed, ${this.remaining} left`);
  }

  int16(): number {
    this.need(2, 'int16');
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  int32(): number {
    this.need(4, 'int32');
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  int64(): bigint {
    this.need(8, 'int64');
    const v = this.buf.readBigInt64BE(this.pos);
    this.pos += 8;
    return v;
  }

  string(): string {
    const n = this.int16();
    if (n < 0) throw new ConnectProtocolError('null string in a non-nullable field');
    this.need(n, 'string');
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  nullableBytes(): Uint8Array | null {
    const n = this.int32();
    if (n < 0) return null;
    this.need(n, 'bytes');
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return new Uint8Array(b);
  }
}
