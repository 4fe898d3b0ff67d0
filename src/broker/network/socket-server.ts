import { performance } from 'node:perf_hooks';
import { Buffer } from 'node:buffer';
import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import type { Logger } from '../../logging/logger.js';
import { Connection } from './connection.js';
import type { ConnectionStats } from './connection.js';
import type { RequestChannel } from './request-channel.js';

export type { ConnectionContext, RequestChannel, RequestOutcome } from './request-channel.js';
export type { ConnectionStats } from './connection.js';

/**
 * The broker's listeners: accepts TCP connections and runs one `Connection` pipeline per socket
 * (frames in, requests handled one at a time per connection, responses out in order). Knows
 * nothing of the Kafka protocol beyond the size prefix: the `RequestChannel` does the rest.
 */

/** One listener. `host` '' or '0.0.0.0' binds all interfaces; port 0 lets the OS choose. */
export interface ListenerSpec {
  name: string;
  host: string;
  port: number;
}

export interface BoundListener {
  listenerName: string;
  /** The address the OS reports for the bound socket ('::' or '0.0.0.0' for all interfaces). */
  host: string;
  /** The real port, also when 0 was asked. */
  port: number;
}

export interface SocketServerOptions {
  listeners: ListenerSpec[];
  channel: RequestChannel;
  /** socket.request.max.bytes: larger (or negative) size prefixes close the connection. */
  socketRequestMaxBytes: number;
  /** connections.max.idle.ms: connections with nothing in flight and no I/O for this long are closed. */
  connectionsMaxIdleMs: number;
  logger: Logger;
  /** Frames read ahead of the one being handled, per connection; reading pauses beyond. Default 32. */
  maxQueuedRequestsPerConnection?: number;
  /**
   * socket.send.buffer.bytes. Node cannot set SO_SNDBUF on TCP sockets, so this bounds the
   * response bytes waiting in user space before a connection stops handling requests until they
   * drain. Default (or -1) 64 KiB.
   */
  socketSendBufferBytes?: number;
  /**
   * socket.receive.buffer.bytes. Node cannot set SO_RCVBUF on TCP sockets, so this is the
   * high-water mark of each socket's stream buffers (how much Node reads ahead while a
   * connection is paused). Default (or -1) Node's.
   */
  socketReceiveBufferBytes?: number;
  /**
   * Size of the one buffer every connection's socket reads go into (Node's `onread`; the bytes
   * are copied out at once): a read allocates only the copy, instead of Node's stream machinery
   * per read. 0 reads through 'data' events (then `socketReceiveBufferBytes` is how much Node
   * reads ahead of a paused connection; with the reused buffer a paused connection reads nothing).
   * Default 64 KiB.
   */
  readBufferBytes?: number;
}

const DEFAULT_MAX_QUEUED_REQUESTS = 32;
const DEFAULT_SEND_BUFFER_BYTES = 64 * 1024;
const DEFAULT_READ_BUFFER_BYTES = 64 * 1024;
const DEFAULT_SHUTDOWN_TIMEOUT_MS = 30_000;
/** After our FIN, how long a peer gets to close its side before the socket is destroyed. */
const CLOSE_LINGER_MS = 1_000;

type ServerState = 'new' | 'starting' | 'running' | 'stopping' | 'stopped';

export class SocketServer {
  private readonly opts: SocketServerOptions;
  private readonly logger: Logger;
  private readonly maxQueuedRequests: number;
  private readonly sendBufferBytes: number;
  private readonly receiveBufferBytes: number | undefined;
  /** The reads of every connection land here (null: 'data' events). */
  private readonly readBuffer: Buffer | null;
  private readonly servers: Array<{ spec: ListenerSpec; server: Server }> = [];
  private readonly connections = new Map<string, Connection>();
  private state: ServerState = 'new';
  private nextConnectionIndex = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private shutdownPromise: Promise<void> | undefined;
  private startPromise: Promise<BoundListener[]> | undefined;

  constructor(opts: SocketServerOptions) {
    validate(opts);
    this.opts = opts;
    this.logger = opts.logger;
    this.maxQueuedRequests = opts.maxQueuedRequestsPerConnection ?? DEFAULT_MAX_QUEUED_REQUESTS;
    this.sendBufferBytes = positiveOr(opts.socketSendBufferBytes, DEFAULT_SEND_BUFFER_BYTES);
    this.receiveBufferBytes = positiveOr(opts.socketReceiveBufferBytes, undefined);
    const readBufferBytes = opts.readBufferBytes ?? DEFAULT_READ_BUFFER_BYTES;
    this.readBuffer = readBufferBytes > 0 ? Buffer.allocUnsafeSlow(readBufferBytes) : null;
  }

  /** Binds every listener; rejects (having closed those already bound) when one cannot be bound. */
  start(): Promise<BoundListener[]> {
    if (this.state !== 'new') return Promise.reject(new Error(`SocketServer.start() called in state ${this.state}`));
    this.state = 'starting';
    this.startPromise = this.bindAll();
    return this.startPromise;
  }

  private async bindAll(): Promise<BoundListener[]> {
    const bound: BoundListener[] = [];
    try {
      for (const spec of this.opts.listeners) bound.push(await this.listen(spec));
    } catch (err) {
      if (this.state === 'starting') this.state = 'stopped';
      await Promise.all(this.servers.map(({ server }) => closeServer(server)));
      throw err;
    }
    // A shutdown() during start() leaves the servers to it.
    if (this.state !== 'starting') return bound;
    this.state = 'running';
    const period = Math.min(1_000, Math.max(5, Math.floor(this.opts.connectionsMaxIdleMs / 4)));
    this.idleTimer = setInterval(() => this.closeIdleConnections(), period);
    this.idleTimer.unref();
    for (const b of bound) this.logger.info(b, 'listening');
    return bound;
  }

  /**
   * Stops accepting, lets every connection finish the requests it has already read (responses
   * written), then closes them; after `timeoutMs` the remaining connections are destroyed.
   * Idempotent: later calls return the first call's promise.
   */
  shutdown(timeoutMs = DEFAULT_SHUTDOWN_TIMEOUT_MS): Promise<void> {
    this.shutdownPromise ??= this.doShutdown(timeoutMs);
    return this.shutdownPromise;
  }

  connectionCount(): number {
    return this.connections.size;
  }

  /** Buffer and queue sizes of every open connection (diagnostics, tests). */
  connectionStats(): ConnectionStats[] {
    return [...this.connections.values()].map((c) => c.stats());
  }

  private async doShutdown(timeoutMs: number): Promise<void> {
    const previous = this.state;
    this.state = 'stopping';
    if (previous === 'starting') await this.startPromise?.catch(() => undefined);
    if (previous === 'new' || previous === 'stopped') {
      this.state = 'stopped';
      return;
    }
    if (this.idleTimer !== undefined) clearInterval(this.idleTimer);
    this.logger.info({ connections: this.connections.size, timeoutMs }, 'shutting down the socket server');
    const serversClosed = Promise.all(this.servers.map(({ server }) => closeServer(server)));
    const conns = [...this.connections.values()];
    for (const c of conns) c.beginShutdown();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      Promise.all(conns.map((c) => c.closed)).then(() => false),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), timeoutMs))),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      const left = [...this.connections.values()];
      this.logger.warn({ connections: left.length, timeoutMs }, 'shutdown timeout: closing the remaining connections');
      for (const c of left) c.destroy('info', 'shutdown timeout');
      await Promise.all(left.map((c) => c.closed));
    }
    await serversClosed;
    this.state = 'stopped';
    this.logger.info('socket server stopped');
  }

  private listen(spec: ListenerSpec): Promise<BoundListener> {
    const server = createServer({
      noDelay: true,
      keepAlive: true,
      ...(this.receiveBufferBytes !== undefined ? { highWaterMark: this.receiveBufferBytes } : {}),
    });
    this.servers.push({ spec, server });
    server.on('connection', (socket: Socket) => this.accept(spec, socket));
    return new Promise((resolve, reject) => {
      const onListenError = (err: Error): void => {
        reject(new Error(`cannot bind listener ${spec.name} on ${spec.host === '' ? '*' : spec.host}:${spec.port}: ${err.message}`, { cause: err }));
      };
      server.once('error', onListenError);
      server.listen({ port: spec.port, ...(spec.host === '' ? {} : { host: spec.host }) }, () => {
        server.off('error', onListenError);
        // After binding, an 'error' (say EMFILE on accept) is logged; it must not crash the process.
        server.on('error', (err) => this.logger.error({ err, listener: spec.name }, 'listener error'));
        const addr = server.address() as AddressInfo;
        resolve({ listenerName: spec.name, host: addr.address, port: addr.port });
      });
    });
  }

  private accept(spec: ListenerSpec, socket: Socket): void {
    const remoteAddress = socket.remoteAddress;
    const remotePort = socket.remotePort;
    // Accepted while the other listeners are still binding is fine; while stopping it is not.
    if (this.state === 'stopping' || this.state === 'stopped' || remoteAddress === undefined || remotePort === undefined) {
      // Accepted while stopping, or already reset by the peer.
      socket.on('error', () => {});
      socket.destroy();
      return;
    }
    const localPort = socket.localPort ?? 0;
    const connectionId = `${socket.localAddress ?? ''}:${localPort}-${remoteAddress}:${remotePort}-${this.nextConnectionIndex++}`;
    const context = { connectionId, listenerName: spec.name, remoteAddress, remotePort, localPort };
    const logger = this.logger.child({ connectionId, listener: spec.name, remoteAddress, remotePort });
    const conn = new Connection({
      socket,
      context,
      channel: this.opts.channel,
      logger,
      maxFrameBytes: this.opts.socketRequestMaxBytes,
      maxQueuedRequests: this.maxQueuedRequests,
      maxQueuedBytes: this.opts.socketRequestMaxBytes,
      sendBufferBytes: this.sendBufferBytes,
      closeLingerMs: CLOSE_LINGER_MS,
      now: () => performance.now(),
      ...(this.readBuffer !== null ? { readBuffer: this.readBuffer } : {}),
    });
    this.connections.set(connectionId, conn);
    void conn.closed.then(() => this.connections.delete(connectionId));
    logger.debug('accepted connection');
  }

  private closeIdleConnections(): void {
    const now = performance.now();
    for (const c of this.connections.values()) c.closeIfIdle(now, this.opts.connectionsMaxIdleMs);
  }
}

function validate(opts: SocketServerOptions): void {
  if (!Array.isArray(opts.listeners) || opts.listeners.length === 0) throw new RangeError('at least one listener is required');
  const names = new Set<string>();
  for (const l of opts.listeners) {
    if (typeof l.name !== 'string' || l.name === '') throw new RangeError('a listener needs a name');
    if (names.has(l.name)) throw new RangeError(`duplicate listener name ${l.name}`);
    names.add(l.name);
    if (typeof l.host !== 'string') throw new RangeError(`listener ${l.name}: host must be a string`);
    if (!Number.isInteger(l.port) || l.port < 0 || l.port > 65535) throw new RangeError(`listener ${l.name}: invalid port ${l.port}`);
  }
  positiveInt('socketRequestMaxBytes', opts.socketRequestMaxBytes, 0x7fffffff);
  positiveInt('connectionsMaxIdleMs', opts.connectionsMaxIdleMs, Number.MAX_SAFE_INTEGER);
  if (opts.readBufferBytes !== undefined && opts.readBufferBytes !== 0) positiveInt('readBufferBytes', opts.readBufferBytes, 0x7fffffff);
  if (opts.maxQueuedRequestsPerConnection !== undefined) positiveInt('maxQueuedRequestsPerConnection', opts.maxQueuedRequestsPerConnection, 1_000_000);
  for (const key of ['socketSendBufferBytes', 'socketReceiveBufferBytes'] as const) {
    const v = opts[key];
    if (v !== undefined && v !== -1) positiveInt(key, v, 0x7fffffff);
  }
}

function positiveInt(name: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 1 || value > max) throw new RangeError(`${name} must be an integer in [1, ${max}], got ${value}`);
}

function positiveOr<T extends number | undefined>(value: number | undefined, fallback: T): number | T {
  return value !== undefined && value > 0 ? value : fallback;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
  });
}
