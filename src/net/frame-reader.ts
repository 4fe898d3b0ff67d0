/**
 * Cuts a TCP byte stream into Kafka frames: an int32 big-endian size, then that many bytes.
 * Used by the broker (request frames) and the client (response frames).
 *
 * - The size prefix is checked against `maxFrameBytes` as soon as its 4 bytes have arrived,
 *   before any of the frame is assembled: a negative or larger size is reported as a
 *   `FrameSizeError` value and nothing of the claimed size is ever allocated. The error is
 *   sticky: once reported, the reader refuses everything (the caller closes the connection).
 * - A frame lying entirely inside one pushed chunk is returned as a `subarray` of that chunk
 *   (no copy). Only a frame split across chunks is copied, once, into a buffer of its exact size
 *   (by default a new one; `next(allocate)` lets the caller supply it, e.g. from a pool).
 * - Frames are extracted lazily with `next()`, so a caller with a full request queue can leave
 *   complete frames in the reader (and stop reading the socket) instead of growing a queue.
 */
import { Buffer } from 'node:buffer';

/** Why a size prefix was refused. */
export type FrameSizeError =
  | { reason: 'FRAME_TOO_LARGE'; size: number; maxFrameBytes: number; message: string }
  | { reason: 'NEGATIVE_FRAME_SIZE'; size: number; maxFrameBytes: number; message: string };

export type FrameReadResult =
  | { kind: 'frame'; frame: Buffer }
  | { kind: 'incomplete' }
  | { kind: 'invalid'; error: FrameSizeError };

export interface FrameReaderOptions {
  /** Largest frame accepted (bytes after the size prefix); Kafka's `socket.request.max.bytes` on the broker. */
  maxFrameBytes: number;
}

const SIZE_PREFIX_BYTES = 4;
const INCOMPLETE: FrameReadResult = Object.freeze({ kind: 'incomplete' });
const EMPTY_FRAME = Buffer.alloc(0);

export class FrameReader {
  readonly maxFrameBytes: number;
  /** Pushed chunks not fully consumed; `chunks[0]` is read from `offset`. */
  private chunks: Buffer[] = [];
  private offset = 0;
  /** Unconsumed bytes across `chunks` (after `offset`). */
  private buffered = 0;
  /** Size of the frame being assembled once its prefix has been consumed, else -1. */
  private pendingSize = -1;
  private failure: FrameSizeError | undefined;

  constructor(options: FrameReaderOptions) {
    if (!Number.isInteger(options.maxFrameBytes) || options.maxFrameBytes < 0 || options.maxFrameBytes > 0x7fffffff) {
      throw new RangeError(`maxFrameBytes must be an integer in [0, 2^31-1], got ${options.maxFrameBytes}`);
    }
    this.maxFrameBytes = options.maxFrameBytes;
  }

  /**
   * Appends bytes read from the stream. Returns the error when the size prefix of the frame being
   * assembled is invalid (as `next()` will also report), else undefined. The chunk is kept by
   * reference: do not modify it afterwards.
   */
  push(chunk: Buffer): FrameSizeError | undefined {
    if (this.failure !== undefined) return this.failure;
    if (chunk.length === 0) return undefined;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    if (this.pendingSize < 0 && this.buffered >= SIZE_PREFIX_BYTES) this.consumePrefix();
    return this.failure;
  }

  /**
   * `push()` for bytes in memory that will be reused (a socket's reused read buffer): copies the
   * first `n` bytes of `source`. When they are exactly one whole frame and nothing else is
   * buffered (a request per read, the usual case), only the frame is copied, into a buffer of its
   * own that `next()` returns as it is; otherwise all `n` bytes are copied and pushed.
   */
  pushCopy(source: Uint8Array, n: number): FrameSizeError | undefined {
    if (this.failure !== undefined) return this.failure;
    if (n <= 0) return undefined;
    if (n > source.length) throw new RangeError(`pushCopy of ${n} bytes from ${source.length}`);
    if (this.buffered === 0 && this.pendingSize < 0 && n > SIZE_PREFIX_BYTES) {
      const size = ((source[0]! << 24) | (source[1]! << 16) | (source[2]! << 8) | source[3]!) | 0;
      if (size === n - SIZE_PREFIX_BYTES && size <= this.maxFrameBytes) {
        const frame = Buffer.allocUnsafe(size);
        frame.set(new Uint8Array(source.buffer, source.byteOffset + SIZE_PREFIX_BYTES, size));
        this.chunks.push(frame);
        this.offset = 0;
        this.buffered = size;
        this.pendingSize = size;
        return undefined;
      }
    }
    const chunk = Buffer.allocUnsafe(n);
    chunk.set(n === source.length ? source : new Uint8Array(source.buffer, source.byteOffset, n));
    return this.push(chunk);
  }

  /**
   * The next complete frame (without its size prefix), `incomplete` when more bytes are needed, or
   * the sticky size error. `allocate(size)` is called for a frame split across chunks and must
   * return a buffer of exactly `size` bytes to copy it into (default: `Buffer.allocUnsafe`).
   */
  next(allocate?: (size: number) => Buffer): FrameReadResult {
    if (this.failure !== undefined) return { kind: 'invalid', error: this.failure };
    if (this.pendingSize < 0) {
      if (this.buffered < SIZE_PREFIX_BYTES) return INCOMPLETE;
      this.consumePrefix();
      if (this.failure !== undefined) return { kind: 'invalid', error: this.failure };
    }
    const size = this.pendingSize;
    if (this.buffered < size) return INCOMPLETE;
    this.pendingSize = -1;
    return { kind: 'frame', frame: this.take(size, allocate) };
  }

  /**
   * `next()` without a result object per frame (for a per-request hot path): the next complete
   * frame, or null when more bytes are needed or a size prefix was refused (then `error` is set).
   */
  nextFrame(allocate?: (size: number) => Buffer): Buffer | null {
    if (this.failure !== undefined) return null;
    if (this.pendingSize < 0) {
      if (this.buffered < SIZE_PREFIX_BYTES) return null;
      this.consumePrefix();
      if (this.failure !== undefined) return null;
    }
    const size = this.pendingSize;
    if (this.buffered < size) return null;
    this.pendingSize = -1;
    return this.take(size, allocate);
  }

  /** Bytes held: the unconsumed part of the pushed chunks (size prefixes already read are not counted). */
  get bufferedBytes(): number {
    return this.buffered;
  }

  /** True when `next()` would return a frame right now. */
  get hasCompleteFrame(): boolean {
    if (this.failure !== undefined) return false;
    if (this.pendingSize >= 0) return this.buffered >= this.pendingSize;
    if (this.buffered < SIZE_PREFIX_BYTES) return false;
    const size = this.peekInt32();
    return size >= 0 && size <= this.maxFrameBytes && this.buffered - SIZE_PREFIX_BYTES >= size;
  }

  /** The sticky error, once a size prefix has been refused. */
  get error(): FrameSizeError | undefined {
    return this.failure;
  }

  private consumePrefix(): void {
    const size = this.peekInt32();
    this.skip(SIZE_PREFIX_BYTES);
    if (size < 0) {
      this.fail({ reason: 'NEGATIVE_FRAME_SIZE', size, maxFrameBytes: this.maxFrameBytes, message: `invalid frame size ${size} (negative)` });
    } else if (size > this.maxFrameBytes) {
      this.fail({
        reason: 'FRAME_TOO_LARGE',
        size,
        maxFrameBytes: this.maxFrameBytes,
        message: `invalid frame size ${size} (larger than ${this.maxFrameBytes})`,
      });
    } else {
      this.pendingSize = size;
    }
  }

  private fail(error: FrameSizeError): void {
    this.failure = error;
    this.chunks = [];
    this.offset = 0;
    this.buffered = 0;
    this.pendingSize = -1;
  }

  /** Reads the int32 at the read position; the caller has checked that 4 bytes are buffered. */
  private peekInt32(): number {
    const head = this.chunks[0]!;
    if (head.length - this.offset >= SIZE_PREFIX_BYTES) return head.readInt32BE(this.offset);
    const bytes = Buffer.allocUnsafe(SIZE_PREFIX_BYTES);
    let filled = 0;
    let offset = this.offset;
    for (let i = 0; filled < SIZE_PREFIX_BYTES; i++) {
      const c = this.chunks[i]!;
      const n = Math.min(c.length - offset, SIZE_PREFIX_BYTES - filled);
      c.copy(bytes, filled, offset, offset + n);
      filled += n;
      offset = 0;
    }
    return bytes.readInt32BE(0);
  }

  /** Removes `n` buffered bytes from the front; the caller has checked that they are buffered. */
  private skip(n: number): void {
    this.buffered -= n;
    while (n > 0) {
      const head = this.chunks[0]!;
      const left = head.length - this.offset;
      if (n < left) {
        this.offset += n;
        return;
      }
      n -= left;
      this.chunks.shift();
      this.offset = 0;
    }
  }

  /** Removes and returns `n` buffered bytes: a view when they lie in one chunk, else one copy. */
  private take(n: number, allocate?: (size: number) => Buffer): Buffer {
    if (n === 0) return EMPTY_FRAME;
    const head = this.chunks[0]!;
    if (this.offset === 0 && head.length === n) {
      // The frame is the whole chunk: returned as it is.
      this.chunks.shift();
      this.buffered -= n;
      return head;
    }
    if (head.length - this.offset >= n) {
      const frame = head.subarray(this.offset, this.offset + n);
      this.skip(n);
      return frame;
    }
    const frame = allocate !== undefined ? allocate(n) : Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const c = this.chunks[0]!;
      const count = Math.min(c.length - this.offset, n - filled);
      c.copy(frame, filled, this.offset, this.offset + count);
      filled += count;
      this.skip(count);
    }
    return frame;
  }
}
