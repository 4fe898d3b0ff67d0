/**
 * Assembles response frames (int32 size, then that many bytes) from reads into one reused
 * buffer (`net.connect`'s `onread`): each read's bytes are copied at once into the frame they
 * belong to, so no buffer is allocated per socket read, and a large frame goes straight into a
 * buffer of its own: once its size is known, the socket reads
 * into the rest of it directly (`remainingFrame`, `pushedInto`), without the copy. Frames are
 * handed out whole, in order.
 */
import { Buffer } from 'node:buffer';

export type FrameSink = (frame: Buffer) => boolean;

const EMPTY = Buffer.alloc(0);

export class ResponseAssembler {
  private readonly prefix = Buffer.alloc(4);
  private prefixFill = 0;
  private frame: Buffer | undefined;
  private fill = 0;
  private failed = false;

  constructor(private readonly maxFrameBytes: number) {}

  /** A frame (or its size prefix) has been partly read. */
  get assembling(): boolean {
    return this.frame !== undefined || this.prefixFill > 0;
  }

  /**
   * The rest of the frame being assembled when at least `minBytes` of it are missing (a socket
   * read can go straight into it, then `pushedInto`), else undefined.
   */
  remainingFrame(minBytes: number): Buffer | undefined {
    const frame = this.frame;
    if (frame === undefined || this.failed || frame.length - this.fill < minBytes) return undefined;
    return frame.subarray(this.fill);
  }

  /** `n` bytes were read into the start of `remainingFrame()`: the frame is handed to `sink` once whole. */
  pushedInto(n: number, sink: FrameSink): void {
    const frame = this.frame!;
    this.fill += n;
    if (this.fill === frame.length) {
      this.frame = undefined;
      sink(frame);
    }
  }

  /**
   * Consumes `bytes` (valid only during the call). `allocate(size)` gives the buffer for the next
   * frame (exactly `size` bytes); `sink` receives each complete frame and returns false to stop
   * (connection closed). Returns an error message when a size prefix is refused.
   */
  push(bytes: Buffer, allocate: (size: number) => Buffer, sink: FrameSink): string | undefined {
    if (this.failed) return 'the connection failed earlier';
    let at = 0;
    while (at < bytes.length) {
      if (this.frame === undefined) {
        const n = Math.min(4 - this.prefixFill, bytes.length - at);
        bytes.copy(this.prefix, this.prefixFill, at, at + n);
        this.prefixFill += n;
        at += n;
        if (this.prefixFill < 4) return undefined;
        this.prefixFill = 0;
        const size = this.prefix.readInt32BE(0);
        if (size < 0 || size > this.maxFrameBytes) {
          this.failed = true;
          return `invalid frame size ${size} (${size < 0 ? 'negative' : `larger than ${this.maxFrameBytes}`})`;
        }
        if (size === 0) {
          if (!sink(EMPTY)) return undefined;
          continue;
        }
        this.frame = allocate(size);
        this.fill = 0;
      }
      const frame = this.frame;
      const n = Math.min(frame.length - this.fill, bytes.length - at);
      bytes.copy(frame, this.fill, at, at + n);
      this.fill += n;
      at += n;
      if (this.fill === frame.length) {
        this.frame = undefined;
        if (!sink(frame)) return undefined;
      }
    }
    return undefined;
  }
}
