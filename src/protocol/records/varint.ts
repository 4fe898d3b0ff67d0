/**
 * Signed zig-zag varints as used inside record batches (not the unsigned
 * varints of flexible protocol messages).
 *
 * varint: a 32-bit value written in at most 5 bytes; varlong: a 64-bit value
 * in at most 10 bytes. Like Kafka's ByteUtils, the reader rejects longer
 * encodings and ignores overflowing bits in the last allowed byte.
 */
import { RecordBatchError } from './record-batch-error.js';

const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;
const BIG_INT32_MIN = -0x80000000n;
const BIG_INT32_MAX = 0x7fffffffn;

/** Bytes needed for the zig-zag varint encoding of an int32. */
export function sizeOfVarint(value: number): number {
  const z = ((value << 1) ^ (value >> 31)) >>> 0;
  if (z < 0x80) return 1;
  if (z < 0x4000) return 2;
  if (z < 0x200000) return 3;
  if (z < 0x10000000) return 4;
  return 5;
}

/** Bytes needed for the zig-zag varlong encoding of an int64. */
export function sizeOfVarlong(value: bigint): number {
  if (value >= BIG_INT32_MIN && value <= BIG_INT32_MAX) return sizeOfVarint(Number(value));
  let z = BigInt.asUintN(64, (value << 1n) ^ (value >> 63n));
  let size = 1;
  while (z >= 0x80n) {
    z >>= 7n;
    size++;
  }
  return size;
}

/** Writes the zig-zag varint of an int32 at `pos`; returns the position after it. */
export function writeVarint(buf: Uint8Array, pos: number, value: number): number {
  let z = ((value << 1) ^ (value >> 31)) >>> 0;
  while (z >= 0x80) {
    buf[pos++] = (z & 0x7f) | 0x80;
    z >>>= 7;
  }
  buf[pos++] = z;
  return pos;
}

/** Writes the zig-zag varlong of an int64 at `pos`; returns the position after it. */
export function writeVarlong(buf: Uint8Array, pos: number, value: bigint): number {
  if (value >= BIG_INT32_MIN && value <= BIG_INT32_MAX) return writeVarint(buf, pos, Number(value));
  let z = BigInt.asUintN(64, (value << 1n) ^ (value >> 63n));
  while (z >= 0x80n) {
    buf[pos++] = Number(z & 0x7fn) | 0x80;
    z >>= 7n;
  }
  buf[pos++] = Number(z);
  return pos;
}

/** True when `value` is an integer that fits in a signed 32-bit int. */
export function isInt32(value: number): boolean {
  return Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX;
}

/**
 * A read cursor over `buf[pos, end)` for zig-zag varints. Reading past `end`
 * throws RecordBatchError('TRUNCATED'); an over-long encoding throws
 * RecordBatchError('BAD_VARINT').
 */
export class VarintCursor {
  buf: Uint8Array;
  pos: number;
  end: number;

  constructor(buf: Uint8Array, pos = 0, end = buf.length) {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
  }

  /** Reads a zig-zag varint (at most 5 bytes) as an int32. */
  varint(): number {
    const buf = this.buf;
    const end = this.end;
    let pos = this.pos;
    if (pos >= end) throw truncated(pos);
    let b = buf[pos++]!;
    let raw = b & 0x7f;
    if (b >= 0x80) {
      if (pos >= end) throw truncated(pos);
      b = buf[pos++]!;
      raw |= (b & 0x7f) << 7;
      if (b >= 0x80) {
        if (pos >= end) throw truncated(pos);
        b = buf[pos++]!;
        raw |= (b & 0x7f) << 14;
        if (b >= 0x80) {
          if (pos >= end) throw truncated(pos);
          b = buf[pos++]!;
          raw |= (b & 0x7f) << 21;
          if (b >= 0x80) {
            if (pos >= end) throw truncated(pos);
            b = buf[pos++]!;
            if (b >= 0x80) throw new RecordBatchError('BAD_VARINT', 'varint is longer than 5 bytes', { position: this.pos });
            raw |= b << 28;
          }
        }
      }
    }
    this.pos = pos;
    return (raw >>> 1) ^ -(raw & 1);
  }

  /** Reads a zig-zag varlong (at most 10 bytes) as an int64. */
  varlong(): bigint {
    const buf = this.buf;
    const end = this.end;
    const start = this.pos;
    let pos = start;
    // Fast path: up to 4 bytes (28 bits) fit in int32 arithmetic.
    let raw = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      if (pos >= end) throw truncated(pos);
      const b = buf[pos++]!;
      raw |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.pos = pos;
        return BigInt((raw >>> 1) ^ -(raw & 1));
      }
    }
    let big = BigInt(raw);
    for (let shift = 28n; ; shift += 7n) {
      if (pos >= end) throw truncated(pos);
      const b = buf[pos++]!;
      if (shift === 63n) {
        if (b >= 0x80) throw new RecordBatchError('BAD_VARINT', 'varlong is longer than 10 bytes', { position: start });
        big |= BigInt(b) << shift;
        break;
      }
      big |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) break;
    }
    this.pos = pos;
    big = BigInt.asUintN(64, big);
    return BigInt.asIntN(64, (big >> 1n) ^ -(big & 1n));
  }
}

function truncated(pos: number): RecordBatchError {
  return new RecordBatchError('TRUNCATED', 'data ends inside a varint', { position: pos });
}
