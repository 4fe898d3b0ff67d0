/**
 * The end-to-end latency loops' TCP connection: writes request frames and hands each response
 * frame, in order, to one handler as a byte range, without allocating per response. The socket
 * reads into one reused buffer (`onread`: no stream machinery, no Buffer per read); a frame
 * lying inside one read is handed over in place, a frame split across reads is assembled in a
 * reused buffer. Both are overwritten by the next read: the handler consumes the frame
 * synchronously. The handler also gets the monotonic time (ns, `process.hrtime.bigint()`) at
 * which the read that completed the frame returned.
 *
 * Written for the latency benchmark's loops, not as a client: no request matching beyond
 * order, no retries. (The other workers use the promise-based `PipelinedConnection` of wire.ts.)
 */
import { connect } from 'node:net';
import type { Socket } from 'node:net';

/** Told about one response frame: `buf[start, end)` is the frame after its size prefix. */
export type ResponseFrameHandler = (buf: Buffer, start: number, end: number, receivedAtNs: bigint) => void;

const READ_BUFFER_BYTES = 1 << 20;

export class LatencyConnection {
  /** Set by the loop that owns the connection; a response before that is a protocol error. */
  onFrame: ResponseFrameHandler = () => this.fail(new Error('response without a request'));
  /** Told once when the connection fails or closes. */
  onFailure: (err: Error) => void = () => {};
  private failure: Error | null = null;
  private socket!: Socket;
  /** A frame split across reads: its bytes so far (size prefix included), `filled` of `needed`. */
  private assembly = Buffer.allocUnsafe(64 * 1024);
  private filled = 0;
  private needed = 0;

  private constructor() {}

  static open(host: string, port: number): Promise<LatencyConnection> {
    const conn = new LatencyConnection();
    return new Promise((resolve, reject) => {
      const socket = connect({
        host,
        port,
        onread: { buffer: Buffer.allocUnsafe(READ_BUFFER_BYTES), callback: (n: number, buf: Uint8Array) => conn.onRead(n, buf as Buffer) },
      });
      conn.socket = socket;
      socket.setNoDelay(true);
      socket.once('connect', () => {
        socket.off('error', reject);
        socket.on('error', (err) => conn.fail(err));
        socket.on('close', () => conn.fail(new Error('connection closed')));
        resolve(conn);
      });
      socket.once('error', reject);
    });
  }

  /** Writes a whole request frame (size prefix included); the caller keeps it unchanged until its response has arrived. */
  send(frame: Uint8Array): void {
    if (this.failure !== null) throw this.failure;
    this.socket.write(frame);
  }

  close(): void {
    this.failure ??= new Error('connection closed');
    this.socket.destroy();
  }

  private fail(err: Error): void {
    if (this.failure !== null) return;
    this.failure = err;
    this.socket.destroy();
    this.onFailure(err);
  }

  private onRead(n: number, buf: Buffer): boolean {
    let pos = 0;
    let now: bigint | undefined;
    while (pos < n && this.failure === null) {
      if (this.filled > 0) {
        // Continue the frame being assembled: first its size prefix, then its body.
        if (this.filled < 4) {
          const k = Math.min(4 - this.filled, n - pos);
          buf.copy(this.assembly, this.filled, pos, pos + k);
          this.filled += k;
          pos += k;
          if (this.filled < 4) break;
          if (!this.startAssembly(this.assembly.readInt32BE(0))) break;
        }
        const k = Math.min(this.needed - this.filled, n - pos);
        buf.copy(this.assembly, this.filled, pos, pos + k);
        this.filled += k;
        pos += k;
        if (this.filled === this.needed) {
          this.filled = 0;
          this.onFrame(this.assembly, 4, this.needed, (now ??= process.hrtime.bigint()));
        }
        continue;
      }
      if (n - pos < 4) {
        buf.copy(this.assembly, 0, pos, n);
        this.filled = n - pos;
        break;
      }
      const size = buf.readInt32BE(pos);
      if (size >= 0 && n - pos - 4 >= size) {
        this.onFrame(buf, pos + 4, pos + 4 + size, (now ??= process.hrtime.bigint()));
        pos += 4 + size;
        continue;
      }
      if (!this.startAssembly(size)) break;
      buf.copy(this.assembly, 0, pos, n);
      this.filled = n - pos;
      pos = n;
    }
    return true;
  }

  /** Makes room for a frame of `size` bytes after the prefix; false (and the connection failed) for a negative size. */
  private startAssembly(size: number): boolean {
    if (size < 0) {
      this.fail(new Error(`invalid response frame size ${size}`));
      return false;
    }
    this.needed = 4 + size;
    if (this.assembly.length < this.needed) {
      const bigger = Buffer.allocUnsafe(Math.max(this.needed, 2 * this.assembly.length));
      this.assembly.copy(bigger, 0, 0, this.filled);
      this.assembly = bigger;
    }
    return true;
  }
}
