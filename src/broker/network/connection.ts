import type { Socket } from 'node:net';
import type { Logger } from '../../logging/logger.js';
import { FrameReader } from '../../net/frame-reader.js';
import type { FrameSizeError } from '../../net/frame-reader.js';
import { FrameWriter } from '../../net/frame-writer.js';
import { readIntoReusedBuffer } from '../../net/socket-reads.js';
import type { ConnectionContext, RequestChannel, RequestOutcome } from './request-channel.js';

/**
 * One accepted TCP connection of the broker: cuts request frames, hands them to the
 * RequestChannel strictly one at a time in arrival order, writes the responses in that order, and
 * applies backpressure both ways.
 *
 * States: `open` (reading and handling) → `draining` (no more reading; the frames already read
 * are handled, then the connection closes: broker shutdown or an invalid size prefix) →
 * `closing` (nothing more is handled; our FIN is sent or the socket destroyed) → `closed` (the
 * socket's 'close' event).
 */
export type ConnectionState = 'open' | 'draining' | 'closing' | 'closed';

export interface ConnectionOptions {
  socket: Socket;
  context: ConnectionContext;
  channel: RequestChannel;
  /** The connection's logger; its bindings should name the connection. */
  logger: Logger;
  /** socket.request.max.bytes */
  maxFrameBytes: number;
  /** Frames read ahead of the one being handled; reading pauses at this many. */
  maxQueuedRequests: number;
  /** Bytes of frames read ahead; reading pauses at this many. */
  maxQueuedBytes: number;
  /** User-space bytes of responses waiting for the kernel before handling pauses; default Node's. */
  sendBufferBytes?: number;
  /** After our FIN has been sent, how long the peer gets to close before the socket is destroyed. */
  closeLingerMs: number;
  now: () => number;
  /**
   * Where the socket's reads go (shared by the connections of a server; the bytes are copied out
   * during each read): no Node stream machinery per read. Without it, or where Node's `onread`
   * cannot be switched on (see net/socket-reads.ts), the connection reads 'data' events.
   */
  readBuffer?: Buffer;
}

/** A snapshot of a connection's buffers, for diagnostics and tests. */
export interface ConnectionStats {
  connectionId: string;
  listenerName: string;
  state: ConnectionState;
  /** Frames read and waiting behind the one in flight. */
  queuedRequests: number;
  queuedBytes: number;
  /** Bytes held by the frame reader (a partial frame, or complete frames left while the queue is full). */
  readerBufferedBytes: number;
  inFlight: boolean;
  /** Handling is paused until written responses drain below the send buffer size. */
  awaitingDrain: boolean;
  readingPaused: boolean;
  /** Reads go into the server's reused buffer (Node's `onread`), not through 'data' events. */
  readsReusedBuffer: boolean;
  /** Bytes delivered by the socket so far. */
  bytesRead: number;
  /** Response bytes written but not yet handed to the kernel. */
  pendingWriteBytes: number;
  requestsHandled: number;
}

type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const QUIET_SOCKET_ERRORS = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'EHOSTUNREACH', 'ENETUNREACH']);

export class Connection {
  readonly context: ConnectionContext;
  /** Resolves once the socket has closed. */
  readonly closed: Promise<void>;

  private readonly socket: Socket;
  private readonly channel: RequestChannel;
  private readonly logger: Logger;
  private readonly reader: FrameReader;
  private readonly writer: FrameWriter;
  private readonly maxQueuedRequests: number;
  private readonly maxQueuedBytes: number;
  private readonly closeLingerMs: number;
  private readonly now: () => number;

  private state: ConnectionState = 'open';
  private queue: Buffer[] = [];
  private queuedBytes = 0;
  private pumping = false;
  private inFlight = false;
  private awaitingDrain = false;
  private readingPaused = false;
  private bytesRead = 0;
  private requestsHandled = 0;
  /** Reads go into the server's reused buffer (`onread`) rather than through 'data' events. */
  readonly readsReusedBuffer: boolean;
  private lastActivityAt: number;
  /** What to log when the draining connection finally closes. */
  private drainReason = '';
  private lingerTimer: NodeJS.Timeout | undefined;
  private resolveClosed!: () => void;

  constructor(options: ConnectionOptions) {
    this.socket = options.socket;
    this.context = options.context;
    this.channel = options.channel;
    this.logger = options.logger;
    this.maxQueuedRequests = options.maxQueuedRequests;
    this.maxQueuedBytes = options.maxQueuedBytes;
    this.closeLingerMs = options.closeLingerMs;
    this.now = options.now;
    this.lastActivityAt = this.now();
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    this.reader = new FrameReader({ maxFrameBytes: options.maxFrameBytes });
    this.writer = new FrameWriter(this.socket, {
      ...(options.sendBufferBytes !== undefined ? { highWaterMark: options.sendBufferBytes } : {}),
      onProgress: () => this.touch(),
    });

    const s = this.socket;
    s.setNoDelay(true);
    s.setKeepAlive(true);
    this.readsReusedBuffer = options.readBuffer !== undefined && readIntoReusedBuffer(s, options.readBuffer, (n, into) => this.onRead(n, into));
    if (!this.readsReusedBuffer) s.on('data', (chunk: Buffer) => this.onData(chunk));
    s.on('end', () => this.onPeerEnd());
    s.on('error', (err: NodeJS.ErrnoException) => this.onSocketError(err));
    s.on('finish', () => this.onFinish());
    s.on('close', () => this.onClose());
  }

  get currentState(): ConnectionState {
    return this.state;
  }

  stats(): ConnectionStats {
    return {
      connectionId: this.context.connectionId,
      listenerName: this.context.listenerName,
      state: this.state,
      queuedRequests: this.queue.length,
      queuedBytes: this.queuedBytes,
      readerBufferedBytes: this.reader.bufferedBytes,
      inFlight: this.inFlight,
      awaitingDrain: this.awaitingDrain,
      readingPaused: this.readingPaused,
      readsReusedBuffer: this.readsReusedBuffer,
      bytesRead: this.bytesRead,
      pendingWriteBytes: this.writer.pendingBytes,
      requestsHandled: this.requestsHandled,
    };
  }

  /** Broker shutdown: stop reading, handle the complete frames already read, then close. */
  beginShutdown(): void {
    this.startDraining('debug', 'broker shutting down');
  }

  /**
   * Closes the connection when nothing is in flight and nothing was read or written for `idleMs`
   * (Kafka's connections.max.idle.ms; a response stuck behind a peer that does not read counts as
   * no activity). Returns true when it closed the connection.
   */
  closeIfIdle(now: number, idleMs: number): boolean {
    if (this.state === 'closed' || this.inFlight) return false;
    const idle = now - this.lastActivityAt;
    if (idle < idleMs) return false;
    this.destroy('debug', `idle for ${idle} ms (connections.max.idle.ms is ${idleMs})`);
    return true;
  }

  /** Destroys the socket at once (shutdown timeout, idle); logs `reason` at `level`. */
  destroy(level: LogLevel, reason: string, err?: unknown): void {
    if (this.state === 'closed') return;
    this.log(level, reason, err);
    this.state = 'closing';
    this.dropQueue();
    this.socket.destroy();
  }

  // --- reading ---------------------------------------------------------------------------

  /** `n` bytes read into the start of the reused `into`: copied out (the next read overwrites them). */
  private onRead(n: number, into: Buffer): void {
    // While draining, nothing more is read; while closing, input is discarded until EOF.
    if (this.state !== 'open') return;
    this.bytesRead += n;
    this.touch();
    this.reader.pushCopy(into, n);
    this.afterRead();
  }

  private onData(chunk: Buffer): void {
    if (this.state !== 'open') return;
    this.bytesRead += chunk.length;
    this.touch();
    this.reader.push(chunk);
    this.afterRead();
  }

  private afterRead(): void {
    // The reader checks the size prefix of the frame being assembled as soon as it arrives; a bad
    // one is reported even when the queue is full and fillQueue() does not look at the reader.
    this.fillQueue();
    if (this.reader.error !== undefined) this.onFrameSizeError(this.reader.error);
    this.updateReading();
    this.pump();
  }

  /** Moves complete frames from the reader to the queue while below the bounds (all of them when draining). */
  private fillQueue(): void {
    while (this.state === 'draining' || (this.queue.length < this.maxQueuedRequests && this.queuedBytes < this.maxQueuedBytes)) {
      const frame = this.reader.nextFrame();
      if (frame === null) {
        if (this.reader.error !== undefined) this.onFrameSizeError(this.reader.error);
        return;
      }
      this.queue.push(frame);
      this.queuedBytes += frame.length;
    }
  }

  private onFrameSizeError(error: FrameSizeError): void {
    // Kafka's InvalidReceiveException. The frames read before the bad prefix are still answered.
    this.startDraining('warn', `${error.message}; socket.request.max.bytes is ${error.maxFrameBytes}`);
  }

  private updateReading(): void {
    if (this.state === 'closing' || this.state === 'closed') return;
    const shouldRead = this.state === 'open' && this.queue.length < this.maxQueuedRequests && this.queuedBytes < this.maxQueuedBytes;
    if (shouldRead && this.readingPaused) {
      this.readingPaused = false;
      this.socket.resume();
    } else if (!shouldRead && !this.readingPaused) {
      this.readingPaused = true;
      this.socket.pause();
    }
  }

  // --- handling ---------------------------------------------------------------------------

  /**
   * Handles queued frames one at a time until the queue is empty. An outcome the channel returns
   * synchronously is acted on at once (no promise per request on the hot path); a promised one,
   * or a full send buffer, suspends the pump, and its continuation resumes it. `pumping` stays set
   * while suspended, so that frames arriving meanwhile only queue. Never throws.
   */
  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    this.runPump();
  }

  /** The pump proper (`pumping` is set); clears `pumping` unless a continuation will resume it. */
  private runPump(): void {
    try {
      for (;;) {
        if (this.state !== 'open' && this.state !== 'draining') break;
        const frame = this.dequeue();
        if (frame === undefined) {
          if (this.state === 'draining') this.closeGracefully('debug', `${this.drainReason}: requests read before it are answered`);
          break;
        }
        this.inFlight = true;
        let result: RequestOutcome | PromiseLike<RequestOutcome>;
        try {
          result = this.channel.handle(frame, this.context);
        } catch (err) {
          this.handlerFailed(err);
          break;
        }
        if (isPromiseLike(result)) {
          result.then(this.onPromisedOutcome, this.onPromisedFailure);
          return;
        }
        const next = this.afterHandled(result);
        if (next === 'suspended') return;
        if (next === 'stop') break;
      }
    } catch (err) {
      this.destroy('error', 'internal error in the connection pipeline', err);
    }
    this.pumping = false;
  }

  /** The continuations of a promised outcome, made once (not two closures per long poll). */
  private readonly onPromisedOutcome = (outcome: RequestOutcome): void => this.resume(outcome);
  private readonly onPromisedFailure = (err: unknown): void => {
    this.handlerFailed(err);
    this.pumping = false;
  };

  /** Continues the pump with an outcome that was promised. */
  private resume(outcome: RequestOutcome): void {
    let next: 'continue' | 'stop' | 'suspended';
    try {
      next = this.afterHandled(outcome);
    } catch (err) {
      this.destroy('error', 'internal error in the connection pipeline', err);
      next = 'stop';
    }
    if (next === 'suspended') return;
    if (next === 'stop') this.pumping = false;
    else this.runPump();
  }

  /** The channel threw or rejected: the connection closes (a bug, logged). */
  private handlerFailed(err: unknown): void {
    this.inFlight = false;
    this.touch();
    if (this.state === 'open' || this.state === 'draining') this.closeGracefully('error', 'request handler failed', err);
    else this.logger.error({ err }, 'request handler failed (the connection had already closed)');
  }

  /**
   * Acts on the outcome of the request in flight: `continue` with the next frame, `stop` handling
   * (the connection is closing), or `suspended` until the send buffer drains (the drain resumes
   * the pump).
   */
  private afterHandled(outcome: RequestOutcome): 'continue' | 'stop' | 'suspended' {
    this.inFlight = false;
    this.requestsHandled++;
    this.touch();
    if (this.state !== 'open' && this.state !== 'draining') {
      this.logger.debug({ outcome: outcome?.kind }, 'connection closed while its request was handled; outcome dropped');
      if (outcome?.kind === 'response') outcome.onWritten?.();
      return 'stop';
    }
    switch (outcome?.kind) {
      case 'response':
        if (!Array.isArray(outcome.chunks)) break;
        if (!this.writer.write(outcome.chunks, outcome.onWritten)) {
          this.awaitingDrain = true;
          this.writer.drained().then(() => {
            this.awaitingDrain = false;
            this.runPump();
          });
          return 'suspended';
        }
        return 'continue';
      case 'noResponse':
        return 'continue';
      case 'close':
        this.closeGracefully('info', `request channel closed the connection: ${outcome.reason}`);
        return 'stop';
    }
    this.closeGracefully('error', `request channel returned an invalid outcome: ${describe(outcome)}`);
    return 'stop';
  }

  private dequeue(): Buffer | undefined {
    const frame = this.queue.shift();
    if (frame === undefined) return undefined;
    this.queuedBytes -= frame.length;
    this.fillQueue();
    this.updateReading();
    return frame;
  }

  // --- closing ----------------------------------------------------------------------------

  /** Stops reading; the frames already read are handled, then the connection closes. */
  private startDraining(level: LogLevel, reason: string): void {
    if (this.state !== 'open') return;
    this.state = 'draining';
    this.drainReason = reason;
    this.log(level, reason, undefined, this.queue.length);
    this.fillQueue();
    this.updateReading();
    this.pump();
  }

  /** Answers nothing more: sends our FIN after the responses already written, then waits for the peer (bounded). */
  private closeGracefully(level: LogLevel, reason: string, err?: unknown): void {
    if (this.state === 'closing' || this.state === 'closed') return;
    this.log(level, reason, err);
    this.state = 'closing';
    this.dropQueue();
    this.socket.end();
    // Read (and discard) until the peer's FIN so that the socket can close.
    if (this.readingPaused) {
      this.readingPaused = false;
      this.socket.resume();
    }
  }

  private onFinish(): void {
    // Our FIN is out; a peer that never closes its side is cut off after the linger.
    if (this.lingerTimer !== undefined || this.state === 'closed') return;
    this.lingerTimer = setTimeout(() => this.socket.destroy(), this.closeLingerMs);
    this.lingerTimer.unref();
  }

  private onPeerEnd(): void {
    if (this.state === 'open' || this.state === 'draining') {
      this.logger.debug({ queuedRequests: this.queue.length, inFlight: this.inFlight }, 'connection closed by the peer');
      this.state = 'closing';
      this.dropQueue();
    }
  }

  private onSocketError(err: NodeJS.ErrnoException): void {
    const level = err.code !== undefined && QUIET_SOCKET_ERRORS.has(err.code) ? 'debug' : 'info';
    this.logger[level]({ err, code: err.code }, 'socket error');
  }

  private onClose(): void {
    this.state = 'closed';
    if (this.lingerTimer !== undefined) clearTimeout(this.lingerTimer);
    this.dropQueue();
    this.logger.debug({ bytesRead: this.bytesRead, requestsHandled: this.requestsHandled }, 'connection closed');
    this.resolveClosed();
  }

  private dropQueue(): void {
    this.queue = [];
    this.queuedBytes = 0;
  }

  private touch(): void {
    this.lastActivityAt = this.now();
  }

  private log(level: LogLevel, reason: string, err?: unknown, queuedRequests?: number): void {
    const fields: Record<string, unknown> = { reason };
    if (err !== undefined) fields.err = err;
    if (queuedRequests !== undefined) fields.queuedRequests = queuedRequests;
    this.logger[level](fields, 'closing connection');
  }
}

function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

function describe(value: unknown): string {
  try {
    return JSON.stringify(value)?.slice(0, 200) ?? String(value);
  } catch {
    return String(value);
  }
}
