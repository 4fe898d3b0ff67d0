import { Buffer } from 'node:buffer';
import { Socket } from 'node:net';
import type { Writable } from 'node:stream';

/**
 * Writes size-prefixed frames given as chunks (the protocol layer's `encode*Chunks` output) to a
 * socket, with backpressure. Shared by the broker (responses) and the client (requests).
 *
 * The chunks of one frame are written between `cork()` and `uncork()`, so Node hands them to the
 * kernel in one `writev` call without concatenating them: large record data is never copied.
 * `write()` says whether the caller may write more now; when it says no, the caller awaits
 * `drained()`, which resolves once fewer than `highWaterMark` bytes wait in user space (or the
 * stream is gone, since nothing would ever drain then).
 *
 * A small frame (up to `COPY_FRAME_BYTES`) is instead copied into a reused scratch buffer and
 * written as one buffer: one write instead of a corked writev, and no garbage per frame. The
 * scratch is reused only when the stream handed the previous frame to the kernel during the
 * write call (nothing left in user space); otherwise the stream still refers to it, and the next
 * small frame gets a new scratch. Only plain TCP sockets get this: their synchronous writes go to
 * the kernel at once, whereas other streams (a TLS socket, a PassThrough) may keep the buffer
 * after reporting the write done. On a plain TCP socket a frame of one chunk is written as it is
 * (not corked), and a frame written while nothing waits in user space goes without a write
 * callback: when the kernel takes it whole during `write()`, the frame is done at once (no
 * `process.nextTick` per frame); see `writeNow`.
 */
export interface FrameWriterOptions {
  /**
   * Bytes that may wait in user space before `write()` asks the caller to wait; default the
   * stream's own `writableHighWaterMark`.
   */
  highWaterMark?: number;
  /** Called whenever written bytes have been handed to the kernel (progress, for idle tracking). */
  onProgress?: () => void;
}

/** Frames up to this size are copied into the scratch buffer and written as one buffer. */
export const COPY_FRAME_BYTES = 64 * 1024;
/** Written behind a partly flushed frame to learn when it is out (its callback runs after the frame's). */
const EMPTY_CHUNK = Buffer.alloc(0);

export class FrameWriter {
  readonly highWaterMark: number;
  private readonly waiters: Array<() => void> = [];
  private readonly onProgress: (() => void) | undefined;
  /** Where small frames are assembled; null when the stream may still refer to the last one. */
  private scratch: Buffer | null = null;
  private readonly copySmallFrames: boolean;
  private readonly flushed = (): void => {
    this.onProgress?.();
    this.wake();
  };

  constructor(
    private readonly stream: Writable,
    options: FrameWriterOptions = {},
  ) {
    const hwm = options.highWaterMark ?? stream.writableHighWaterMark;
    if (!Number.isInteger(hwm) || hwm < 1) throw new RangeError(`highWaterMark must be a positive integer, got ${hwm}`);
    this.highWaterMark = hwm;
    this.onProgress = options.onProgress;
    this.copySmallFrames = stream instanceof Socket && (stream as { encrypted?: boolean }).encrypted !== true;
    stream.on('drain', this.flushed);
    stream.on('close', () => this.wake());
  }

  /**
   * Writes one frame (its chunks, size prefix included) without copying. Returns true when the
   * caller may go on writing, false when it should await `drained()` first. Writing to a stream
   * that is destroyed or ended drops the frame and returns true: nothing will ever drain it.
   * `onWritten` runs once the frame has been handed to the kernel, failed, or been dropped; after
   * it the stream holds no reference to the chunks.
   */
  write(chunks: readonly Uint8Array[], onWritten?: () => void): boolean {
    const s = this.stream;
    if (this.isGone()) {
      onWritten?.();
      return true;
    }
    let last = -1;
    for (let i = 0; i < chunks.length; i++) if (chunks[i]!.length > 0) last = i;
    if (last < 0) {
      onWritten?.();
      return this.hasRoom();
    }
    if (this.copySmallFrames) {
      // One chunk is written as it is; a small frame of several is copied into the scratch buffer.
      if (last === 0) return this.writeNow(chunks[0]!, onWritten, null);
      let total = 0;
      for (let i = 0; i <= last; i++) total += chunks[i]!.length;
      if (total <= COPY_FRAME_BYTES) return this.writeCopy(chunks, last, total, onWritten);
    }
    const done = this.doneCallback(onWritten);
    s.cork();
    try {
      for (let i = 0; i <= last; i++) {
        const c = chunks[i]!;
        if (c.length === 0) continue;
        // The callback of the frame's last chunk runs once the whole frame has been flushed
        // (or failed): that is when waiting writers may have room again, and when the memory
        // of the chunks may be reused.
        if (i === last) s.write(c, done);
        else s.write(c);
      }
    } finally {
      s.uncork();
    }
    return this.hasRoom();
  }

  /** Writes chunks [0, last] (`total` bytes) as one copy in the scratch buffer. */
  private writeCopy(chunks: readonly Uint8Array[], last: number, total: number, onWritten: (() => void) | undefined): boolean {
    const scratch = this.scratch ?? Buffer.allocUnsafeSlow(COPY_FRAME_BYTES);
    let at = 0;
    for (let i = 0; i <= last; i++) {
      scratch.set(chunks[i]!, at);
      at += chunks[i]!.length;
    }
    // Only a write that left nothing queued in user space lets go of the scratch (writeNow gives
    // it back then): a corked, buffered or partially written frame is still referenced until it
    // is flushed, and the next frame takes a new scratch.
    this.scratch = null;
    return this.writeNow(scratch.subarray(0, total), onWritten, scratch);
  }

  /**
   * Writes a whole frame as one buffer on a plain TCP socket. When nothing waits in user space,
   * the write goes without a callback: Node hands the frame to the kernel at once and, that done,
   * schedules nothing (a write with a callback that completes at once costs a `process.nextTick`,
   * and in Node 20 each turn of that queue allocates a Map). The frame is then known to be flushed
   * when `write()` returns with nothing left in user space. A frame the kernel took only in part,
   * or one queued behind others, gets the callback (for a part-written one, on an empty write
   * behind it, which completes once the frame is out). `scratch` is handed back once free.
   */
  private writeNow(frame: Uint8Array, onWritten: (() => void) | undefined, scratch: Buffer | null): boolean {
    const s = this.stream;
    if (s.writableLength > 0 || s.writableCorked) {
      s.write(frame, this.doneCallback(onWritten));
      return this.hasRoom();
    }
    s.write(frame);
    if (s.writableLength === 0) {
      if (scratch !== null) this.scratch = scratch;
      onWritten?.();
      this.flushed();
    } else {
      s.write(EMPTY_CHUNK, this.doneCallback(onWritten));
    }
    return this.hasRoom();
  }

  /** The write callback of a frame's last chunk: `onWritten`, then progress. */
  private doneCallback(onWritten: (() => void) | undefined): () => void {
    if (onWritten === undefined) return this.flushed;
    return (): void => {
      onWritten();
      this.flushed();
    };
  }

  /** Resolves when the caller may write again: below the high-water mark, or the stream is gone. */
  drained(): Promise<void> {
    if (this.hasRoom()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Bytes written but not yet handed to the kernel. */
  get pendingBytes(): number {
    return this.stream.writableLength;
  }

  private hasRoom(): boolean {
    return this.isGone() || this.stream.writableLength < this.highWaterMark;
  }

  private isGone(): boolean {
    return this.stream.destroyed || this.stream.writableEnded;
  }

  private wake(): void {
    if (this.waiters.length === 0 || !this.hasRoom()) return;
    const waiters = this.waiters.splice(0);
    for (const w of waiters) w();
  }
}
