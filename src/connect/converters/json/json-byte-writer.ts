/**
 * Writes JSON text as UTF-8 bytes straight into large shared buffers ("slabs"), one record after
 * the other, and hands each record out as a view of its slab: no intermediate strings for the
 * usual values (plain strings, integers, base64 of small byte arrays), no buffer per record.
 *
 * A record is written between `begin()` and `end()` (or `abandon()` after a failure). When a
 * record does not fit the rest of the slab, a new slab is taken and the part already written is
 * moved there, so a record is always contiguous; records handed out earlier keep their bytes (a
 * slab is never written again below its last record's end).
 *
 * The bytes are those of the same JSON text written as a string and encoded as UTF-8 (Jackson's
 * escaping, see json-node.ts's quote(); a lone surrogate becomes EF BF BD as Buffer.from(string)
 * writes it).
 */
import { Buffer } from 'node:buffer';
import { quote } from './json-node.js';

/** The size of the buffers records are written into. */
const SLAB_BYTES = 256 * 1024;
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE64_CODES = Uint8Array.from(BASE64, (c) => c.charCodeAt(0));
const TRUE_BYTES = Uint8Array.from('true', (c) => c.charCodeAt(0));
const FALSE_BYTES = Uint8Array.from('false', (c) => c.charCodeAt(0));
const NULL_BYTES = Uint8Array.from('null', (c) => c.charCodeAt(0));

export class JsonByteWriter {
  private slab: Buffer = Buffer.alloc(0);
  /** Where the record being written starts in the slab. */
  private start = 0;
  /** Where the next byte goes. */
  private pos = 0;

  /** Starts a record. */
  begin(): void {
    this.start = this.pos;
  }

  /** The record written since begin(), as a view of the slab. */
  end(): Buffer {
    return this.slab.subarray(this.start, this.pos);
  }

  /** Drops what was written since begin() (after a failure). */
  abandon(): void {
    this.pos = this.start;
  }

  /** Makes room for `n` more bytes of the current record. */
  private ensure(n: number): void {
    if (this.slab.length - this.pos >= n) return;
    const written = this.pos - this.start;
    const slab = Buffer.allocUnsafeSlow(Math.max(SLAB_BYTES, 2 * (written + n)));
    this.slab.copy(slab, 0, this.start, this.pos);
    this.slab = slab;
    this.start = 0;
    this.pos = written;
  }

  byte(c: number): void {
    this.ensure(1);
    this.slab[this.pos++] = c;
  }

  bytes(b: Uint8Array): void {
    const n = b.length;
    this.ensure(n);
    if (n <= 64) {
      // A short run (a field's key): a loop costs less than TypedArray.set's call.
      const slab = this.slab;
      let p = this.pos;
      for (let i = 0; i < n; i++) slab[p++] = b[i]!;
      this.pos = p;
      return;
    }
    this.slab.set(b, this.pos);
    this.pos += n;
  }

  /** A text known to be ASCII (numbers' text, base64), as is. */
  ascii(s: string): void {
    const n = s.length;
    this.ensure(n);
    const slab = this.slab;
    let p = this.pos;
    for (let i = 0; i < n; i++) slab[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  /** A text of any characters, as UTF-8. */
  utf8(s: string): void {
    this.ensure(s.length < 1024 ? 3 * s.length : Buffer.byteLength(s, 'utf8'));
    this.pos += this.slab.write(s, this.pos, 'utf8');
  }

  boolean(value: boolean): void {
    this.bytes(value ? TRUE_BYTES : FALSE_BYTES);
  }

  null(): void {
    this.bytes(NULL_BYTES);
  }

  /** An integer whose magnitude is below 2^53, as decimal digits (-0 as 0, as String(-0)). */
  integer(value: number): void {
    this.ensure(17);
    let v = value;
    if (v < 0) {
      this.slab[this.pos++] = 0x2d;
      v = -v;
    }
    if (v <= 0x7fffffff) {
      this.digits(v | 0, 0);
      return;
    }
    // Above 2^31: the digits above the last 8, then those 8 (int32 arithmetic for each part).
    const high = Math.floor(v / 100_000_000);
    this.digits(high, 0);
    this.digits(v - high * 100_000_000, 8);
  }

  /** The digits of a non-negative int32, padded with zeros to `width`. */
  private digits(v: number, width: number): void {
    let n = 1;
    for (let t = v; t >= 10; t = (t / 10) | 0) n++;
    if (n < width) n = width;
    const slab = this.slab;
    let p = this.pos + n;
    this.pos = p;
    for (let i = 0; i < n; i++) {
      const q = (v / 10) | 0;
      slab[--p] = 0x30 + (v - q * 10);
      v = q;
    }
  }

  /** A JSON string literal of `s` (Jackson's escaping). */
  string(s: string): void {
    const n = s.length;
    this.ensure(n + 2);
    const slab = this.slab;
    const begin = this.pos;
    let p = begin;
    slab[p++] = 0x22;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80 || c < 0x20 || c === 0x22 || c === 0x5c) {
        // Not plain ASCII: the rest (from the start, for simplicity) as escaped text in UTF-8.
        this.pos = begin;
        this.stringSlow(s);
        return;
      }
      slab[p++] = c;
    }
    slab[p++] = 0x22;
    this.pos = p;
  }

  private stringSlow(s: string): void {
    let escapes = false;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x20 || c === 0x22 || c === 0x5c) {
        escapes = true;
        break;
      }
    }
    if (escapes) {
      this.utf8(quote(s));
      return;
    }
    this.ensure((s.length < 1024 ? 3 * s.length : Buffer.byteLength(s, 'utf8')) + 2);
    this.slab[this.pos++] = 0x22;
    this.pos += this.slab.write(s, this.pos, 'utf8');
    this.slab[this.pos++] = 0x22;
  }

  /**
   * A JSON string of the base64 text (standard, padded) of Java's BigInteger.toByteArray() of
   * `unscaled` (the minimal big-endian two's complement), for an integer in [-2^47, 2^47).
   */
  twosComplementBase64(unscaled: number): void {
    // The 6 bytes of the two's complement, in two 24-bit halves (int32 arithmetic from there).
    const low = ((unscaled % 0x1000000) + 0x1000000) % 0x1000000;
    const high = (unscaled - low) / 0x1000000;
    const six = SIX_BYTES;
    six[0] = high >> 16; six[1] = high >> 8; six[2] = high;
    six[3] = low >> 16; six[4] = low >> 8; six[5] = low;
    // The fewest bytes that keep the sign: drop leading bytes equal to the sign's fill while the next keeps the sign bit.
    let first = 0;
    const fill = unscaled < 0 ? 0xff : 0;
    while (first < 5 && six[first] === fill && (six[first + 1]! & 0x80) === (fill & 0x80)) first++;
    const n = 6 - first;
    this.ensure(4 * Math.ceil(n / 3) + 2);
    const slab = this.slab;
    let p = this.pos;
    slab[p++] = 0x22;
    for (let i = first; i < 6; i += 3) {
      const b0 = six[i]!;
      const b1 = i + 1 < 6 ? six[i + 1]! : -1;
      const b2 = i + 2 < 6 ? six[i + 2]! : -1;
      slab[p++] = BASE64_CODES[b0 >> 2]!;
      slab[p++] = BASE64_CODES[((b0 & 3) << 4) | (b1 < 0 ? 0 : b1 >> 4)]!;
      slab[p++] = b1 < 0 ? 0x3d : BASE64_CODES[((b1 & 15) << 2) | (b2 < 0 ? 0 : b2 >> 6)]!;
      slab[p++] = b2 < 0 ? 0x3d : BASE64_CODES[b2 & 63]!;
    }
    slab[p++] = 0x22;
    this.pos = p;
  }
}

/** Scratch space of twosComplementBase64. */
const SIX_BYTES = new Uint8Array(6);
