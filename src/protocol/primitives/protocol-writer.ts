import { Buffer } from 'node:buffer';
import type { RawTaggedField } from './protocol-reader.js';

const INITIAL_CAPACITY = 256;
/** Byte arrays at least this large are referenced as their own chunk instead of copied. */
const ZERO_COPY_THRESHOLD = 4096;
/**
 * Scratch space for 64-bit values: they are encoded here (DataView semantics: bigints wrap to
 * 64 bits) and copied, so a writer needs no DataView of its own (one object less per message).
 */
const SCRATCH = new DataView(new ArrayBuffer(8));
const SCRATCH_BYTES = new Uint8Array(SCRATCH.buffer);

/**
 * A growable big-endian writer. Output is kept as a list of chunks: small values are packed into
 * the current chunk, large byte arrays (record batches) are referenced, not copied, so a Fetch
 * response can be written to a socket with the log's bytes as they are (`toChunks`).
 */
export class ProtocolWriter {
  /** Null until the first chunk: most messages are one chunk, held in a one-slot array (`[]` grown by push has 17). */
  private chunks: Uint8Array[] | null = null;
  private buf: Buffer;
  private pos = 0;
  /** Where the bytes of `buf` not yet in `chunks` begin (`buf` is shared with a chunk before it after `raw`). */
  private start = 0;
  /** Bytes in `chunks` (not counting the current buffer). */
  private flushed = 0;

  constructor(capacity = INITIAL_CAPACITY) {
    this.buf = Buffer.allocUnsafe(capacity);
  }

  /** Total bytes written so far. */
  get length(): number {
    return this.flushed + this.pos - this.start;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    this.flush();
    const capacity = Math.max(n, this.buf.length * 2, INITIAL_CAPACITY);
    this.buf = Buffer.allocUnsafe(capacity);
    this.pos = 0;
    this.start = 0;
  }

  private addChunk(c: Uint8Array): void {
    if (this.chunks === null) this.chunks = [c];
    else this.chunks.push(c);
  }

  /** Moves the bytes written into `buf` since the last chunk into `chunks`. */
  private flush(): void {
    if (this.pos > this.start) {
      this.addChunk(this.buf.subarray(this.start, this.pos));
      this.flushed += this.pos - this.start;
      this.start = this.pos;
    }
  }

  bool(v: boolean): void {
    this.ensure(1);
    this.buf[this.pos++] = v ? 1 : 0;
  }

  int8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v & 0xff;
  }

  int16(v: number): void {
    this.ensure(2);
    const b = this.buf;
    const at = this.pos;
    b[at] = (v >>> 8) & 0xff;
    b[at + 1] = v & 0xff;
    this.pos = at + 2;
  }

  uint16(v: number): void {
    this.ensure(2);
    const b = this.buf;
    const at = this.pos;
    b[at] = (v >>> 8) & 0xff;
    b[at + 1] = v & 0xff;
    this.pos = at + 2;
  }

  int32(v: number): void {
    this.ensure(4);
    const b = this.buf;
    const at = this.pos;
    b[at] = v >>> 24;
    b[at + 1] = (v >>> 16) & 0xff;
    b[at + 2] = (v >>> 8) & 0xff;
    b[at + 3] = v & 0xff;
    this.pos = at + 4;
  }

  uint32(v: number): void {
    // The same four bytes: the shifts and masks read v's low 32 bits either way.
    this.int32(v);
  }

  int64(v: bigint): void {
    this.ensure(8);
    SCRATCH.setBigInt64(0, v);
    this.copyScratch();
  }

  float64(v: number): void {
    this.ensure(8);
    SCRATCH.setFloat64(0, v);
    this.copyScratch();
  }

  private copyScratch(): void {
    const b = this.buf;
    const at = this.pos;
    for (let i = 0; i < 8; i++) b[at + i] = SCRATCH_BYTES[i]!;
    this.pos = at + 8;
  }

  /** Writes a UUID given in Kafka's text form (URL-safe base64, 22 characters). */
  uuid(v: string): void {
    this.ensure(16);
    const n = this.buf.write(v, this.pos, 16, 'base64url');
    if (n !== 16 || v.length !== 22) throw new RangeError(`not a Kafka UUID (22 base64url characters): ${JSON.stringify(v)}`);
    this.pos += 16;
  }

  unsignedVarint(v: number): void {
    this.ensure(5);
    let n = v >>> 0;
    while (n >= 0x80) {
      this.buf[this.pos++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    this.buf[this.pos++] = n;
  }

  nullableString(v: string | null, compact: boolean): void {
    if (v === null) {
      if (compact) this.unsignedVarint(0);
      else this.int16(-1);
      return;
    }
    const n = Buffer.byteLength(v, 'utf8');
    if (n > 0x7fff) throw new RangeError(`string of ${n} bytes exceeds the protocol limit of 32767`);
    if (compact) this.unsignedVarint(n + 1);
    else this.int16(n);
    this.ensure(n);
    this.buf.write(v, this.pos, n, 'utf8');
    this.pos += n;
  }

  nullableBytes(v: Uint8Array | null, compact: boolean): void {
    if (v === null) {
      if (compact) this.unsignedVarint(0);
      else this.int32(-1);
      return;
    }
    if (compact) this.unsignedVarint(v.length + 1);
    else this.int32(v.length);
    this.raw(v);
  }

  /** Array element count, or null for a null array. */
  arrayLength(n: number | null, compact: boolean): void {
    if (n === null) {
      if (compact) this.unsignedVarint(0);
      else this.int32(-1);
    } else if (compact) {
      this.unsignedVarint(n + 1);
    } else {
      this.int32(n);
    }
  }

  /** Appends bytes as they are; large arrays become their own chunk (no copy). */
  raw(v: Uint8Array): void {
    if (v.length >= ZERO_COPY_THRESHOLD) {
      // The rest of `buf` stays in use after this chunk (no new view of it).
      this.flush();
      this.addChunk(v);
      this.flushed += v.length;
      return;
    }
    this.ensure(v.length);
    this.buf.set(v, this.pos);
    this.pos += v.length;
  }

  /** Writes a tagged-field section: the known fields already encoded by the caller, plus unknown ones. */
  taggedFields(known: RawTaggedField[] | null, unknown: RawTaggedField[] | undefined): void {
    if (known === null && unknown === undefined) {
      this.unsignedVarint(0);
      return;
    }
    const all = known === null ? unknown! : unknown === undefined ? known : [...known, ...unknown];
    if (known !== null && unknown !== undefined) all.sort((a, b) => a.tag - b.tag);
    this.unsignedVarint(all.length);
    for (const f of all) {
      this.unsignedVarint(f.tag);
      this.unsignedVarint(f.data.length);
      this.raw(f.data);
    }
  }

  /**
   * Reserves a frame's int32 size prefix: the first thing written; `toFrameChunks` fills it in
   * (no separate 4-byte buffer per frame).
   */
  reserveSizePrefix(): void {
    if (this.length !== 0) throw new Error('reserveSizePrefix must come before anything else');
    this.int32(0);
  }

  /**
   * The output as chunks (like `toChunks`), with the size prefix reserved by `reserveSizePrefix`
   * set to the number of bytes after it. The writer is finished: nothing may be written after.
   */
  toFrameChunks(): Uint8Array[] {
    this.flush();
    // The prefix sits at the start of the first chunk (a view of the writer's own first buffer).
    const chunks = this.chunks;
    if (chunks === null) throw new Error('toFrameChunks without reserveSizePrefix');
    const first = chunks[0]!;
    const size = this.flushed - 4;
    first[0] = size >>> 24;
    first[1] = (size >>> 16) & 0xff;
    first[2] = (size >>> 8) & 0xff;
    first[3] = size & 0xff;
    return chunks;
  }

  /** The output as chunks, without copying large referenced arrays. */
  toChunks(): Uint8Array[] {
    const out = this.chunks === null ? [] : this.chunks.slice();
    if (this.pos > this.start) out.push(this.buf.subarray(this.start, this.pos));
    return out;
  }

  /** The output as one contiguous buffer. */
  toBytes(): Buffer {
    const chunks = this.toChunks();
    if (chunks.length === 1) return Buffer.from(chunks[0]!.buffer, chunks[0]!.byteOffset, chunks[0]!.byteLength);
    return Buffer.concat(chunks, this.length);
  }
}
