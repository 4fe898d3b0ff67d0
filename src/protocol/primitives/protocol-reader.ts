import { Buffer } from 'node:buffer';
import { ProtocolDecodeError } from './protocol-error.js';

/** 128 ** i for the i-th byte of an unsigned varint. */
const VARINT_SCALE = [1, 0x80, 0x4000, 0x200000, 0x10000000] as const;

/** A tagged field the decoder did not recognise, kept so it can be written out again. */
export interface RawTaggedField {
  tag: number;
  data: Uint8Array;
}

/** Kafka caps string lengths at Short.MAX_VALUE even where a varint could say more. */
const MAX_STRING_LENGTH = 0x7fff;

/**
 * Short ASCII strings (topic names, client ids, group ids, listener names) come again in every
 * request; they are decoded once and then taken from this direct-mapped table, so decoding one
 * allocates nothing. Bounded (a slot holds the last string hashed to it); strings are values, so
 * sharing one is unobservable.
 */
const INTERN_MAX_BYTES = 64;
const INTERN_SLOTS = 1024;
const interned: string[] = new Array<string>(INTERN_SLOTS).fill('');

function decodeUtf8(buf: Buffer, at: number, n: number): string {
  if (n === 0) return '';
  if (n > INTERN_MAX_BYTES) return buf.toString('utf8', at, at + n);
  let h = n;
  for (let i = at; i < at + n; i++) {
    const c = buf[i]!;
    if (c >= 0x80) return buf.toString('utf8', at, at + n);
    h = (Math.imul(h, 31) + c) | 0;
  }
  const slot = (h ^ (h >>> 15)) & (INTERN_SLOTS - 1);
  const cached = interned[slot]!;
  if (cached.length === n) {
    let i = 0;
    while (i < n && cached.charCodeAt(i) === buf[at + i]) i++;
    if (i === n) return cached;
  }
  // ASCII: the latin1 decoding is the UTF-8 one.
  const fresh = buf.toString('latin1', at, at + n);
  interned[slot] = fresh;
  return fresh;
}

/**
 * A bounds-checked cursor over untrusted bytes. Every length is compared with the bytes that
 * remain before anything is read or allocated. `bytes`/`records` values are views into the
 * input, not copies: they stay valid as long as the input buffer is not reused.
 *
 * Each method takes the dotted field path so that a failure can name it.
 */
export class ProtocolReader {
  readonly buf: Buffer;
  pos: number;
  /** Exclusive end of the readable window; narrowed temporarily while reading a tagged field. */
  end: number;

  constructor(bytes: Uint8Array, offset = 0, end = bytes.length) {
    this.buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = offset;
    this.end = end;
  }

  remaining(): number {
    return this.end - this.pos;
  }

  private need(n: number, field: string): number {
    const at = this.pos;
    if (n > this.end - at) {
      throw new ProtocolDecodeError('BUFFER_UNDERFLOW', field, `need ${n} bytes at offset ${at}, ${this.end - at} remain`);
    }
    this.pos = at + n;
    return at;
  }

  bool(field: string): boolean {
    return this.buf[this.need(1, field)] !== 0;
  }

  int8(field: string): number {
    return (this.buf[this.need(1, field)]! << 24) >> 24;
  }

  int16(field: string): number {
    const at = this.need(2, field);
    const b = this.buf;
    return ((b[at]! << 24) | (b[at + 1]! << 16)) >> 16;
  }

  uint16(field: string): number {
    const at = this.need(2, field);
    const b = this.buf;
    return (b[at]! << 8) | b[at + 1]!;
  }

  int32(field: string): number {
    const at = this.need(4, field);
    const b = this.buf;
    return (b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!;
  }

  uint32(field: string): number {
    const at = this.need(4, field);
    const b = this.buf;
    return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
  }

  int64(field: string): bigint {
    return this.buf.readBigInt64BE(this.need(8, field));
  }

  float64(field: string): number {
    return this.buf.readDoubleBE(this.need(8, field));
  }

  /** A UUID in Kafka's text form: URL-safe base64 of the 16 bytes, no padding. */
  uuid(field: string): string {
    const at = this.need(16, field);
    return this.buf.toString('base64url', at, at + 16);
  }

  /** The 32-bit unsigned varint of flexible versions: at most 5 bytes. */
  unsignedVarint(field: string): number {
    let result = 0;
    for (let i = 0; i < 5; i++) {
      if (this.pos >= this.end) {
        throw new ProtocolDecodeError('BUFFER_UNDERFLOW', field, 'varint runs past the end of the data');
      }
      const b = this.buf[this.pos++]!;
      if (i === 4 && b > 0x0f) {
        throw new ProtocolDecodeError('INVALID_VARINT', field, 'unsigned varint does not fit in 32 bits');
      }
      // A table, not 2 ** (7 * i): V8 compiles a variable power to a call of pow().
      result += (b & 0x7f) * VARINT_SCALE[i]!;
      if ((b & 0x80) === 0) return result;
    }
    throw new ProtocolDecodeError('INVALID_VARINT', field, 'unsigned varint longer than 5 bytes');
  }

  /** Length prefix of a string: -1 for null. int16 in classic versions, varint N+1 in compact ones. */
  private stringLength(field: string, compact: boolean): number {
    let n: number;
    if (compact) {
      n = this.unsignedVarint(field) - 1;
    } else {
      n = this.int16(field);
    }
    if (n < -1) throw new ProtocolDecodeError('INVALID_LENGTH', field, `negative string length ${n}`);
    if (n > MAX_STRING_LENGTH) throw new ProtocolDecodeError('INVALID_LENGTH', field, `string length ${n} exceeds ${MAX_STRING_LENGTH}`);
    return n;
  }

  nullableString(field: string, compact: boolean): string | null {
    const n = this.stringLength(field, compact);
    if (n === -1) return null;
    const at = this.need(n, field);
    return decodeUtf8(this.buf, at, n);
  }

  string(field: string, compact: boolean): string {
    const s = this.nullableString(field, compact);
    if (s === null) throw new ProtocolDecodeError('UNEXPECTED_NULL', field, 'null string in a non-nullable field');
    return s;
  }

  private bytesLength(field: string, compact: boolean): number {
    const n = compact ? this.unsignedVarint(field) - 1 : this.int32(field);
    if (n < -1) throw new ProtocolDecodeError('INVALID_LENGTH', field, `negative bytes length ${n}`);
    return n;
  }

  nullableBytes(field: string, compact: boolean): Uint8Array | null {
    const n = this.bytesLength(field, compact);
    if (n === -1) return null;
    const at = this.need(n, field);
    return this.buf.subarray(at, at + n);
  }

  bytes(field: string, compact: boolean): Uint8Array {
    const b = this.nullableBytes(field, compact);
    if (b === null) throw new ProtocolDecodeError('UNEXPECTED_NULL', field, 'null bytes in a non-nullable field');
    return b;
  }

  /**
   * Element count of an array, -1 for null. A count larger than the bytes that remain is refused
   * before anything is allocated (every element takes at least one byte, except empty structs,
   * which no Kafka schema has).
   */
  arrayLength(field: string, compact: boolean, nullable: boolean): number {
    const n = compact ? this.unsignedVarint(field) - 1 : this.int32(field);
    if (n === -1) {
      if (!nullable) throw new ProtocolDecodeError('UNEXPECTED_NULL', field, 'null array in a non-nullable field');
      return -1;
    }
    if (n < -1) throw new ProtocolDecodeError('INVALID_LENGTH', field, `negative array length ${n}`);
    if (n > this.end - this.pos) {
      throw new ProtocolDecodeError('INVALID_LENGTH', field, `array of ${n} elements but only ${this.end - this.pos} bytes remain`);
    }
    return n;
  }

  /**
   * Starts reading one tagged field: returns its size and narrows the window to its payload.
   * The caller reads the payload and then calls `endTaggedField`.
   */
  beginTaggedField(field: string): { size: number; savedEnd: number; payloadEnd: number } {
    const size = this.unsignedVarint(field);
    if (size > this.end - this.pos) {
      throw new ProtocolDecodeError('INVALID_LENGTH', field, `tagged field of ${size} bytes but only ${this.end - this.pos} remain`);
    }
    const savedEnd = this.end;
    const payloadEnd = this.pos + size;
    this.end = payloadEnd;
    return { size, savedEnd, payloadEnd };
  }

  endTaggedField(field: string, savedEnd: number, payloadEnd: number): void {
    if (this.pos !== payloadEnd) {
      throw new ProtocolDecodeError('INVALID_TAGGED_FIELD', field, `tagged field payload has ${payloadEnd - this.pos} unread bytes`);
    }
    this.end = savedEnd;
  }

  /** Reads the payload of an unknown tag as a view, to be written back unchanged. */
  rawTaggedField(tag: number, field: string): RawTaggedField {
    const size = this.unsignedVarint(field);
    const at = this.need(size, field);
    return { tag, data: this.buf.subarray(at, at + size) };
  }
}
