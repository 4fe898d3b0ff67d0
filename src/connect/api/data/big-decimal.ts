/**
 * An exact decimal number: an unscaled bigint and a scale, value = unscaled × 10^-scale — the
 * JavaScript stand-in for java.math.BigDecimal, which Kafka uses for the Decimal logical type.
 * Like Java's BigDecimal, equality includes the scale (1.5 and 1.50 are not equal) while
 * compareTo compares numerically.
 */
export class BigDecimal {
  readonly unscaled: bigint;
  readonly scale: number;

  constructor(unscaled: bigint | number, scale = 0) {
    if (typeof unscaled === 'number' && !Number.isSafeInteger(unscaled)) throw new RangeError(`unscaled value must be an exact integer, got ${unscaled}`);
    if (!Number.isInteger(scale) || scale < -2147483648 || scale > 2147483647) throw new RangeError(`scale must be a 32-bit integer, got ${scale}`);
    this.unscaled = BigInt(unscaled);
    this.scale = scale;
    Object.freeze(this);
  }

  /**
   * Parses decimal text the way `new BigDecimal(String)` does: an optional sign, digits with an
   * optional point, an optional exponent. The scale is the number of fraction digits minus the
   * exponent, so "1.50" has scale 2 and "1E+3" scale -3.
   */
  static parse(text: string): BigDecimal {
    const plain = parsePlain(text);
    if (plain !== undefined) return plain;
    const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
    if (m === null || (m[2] === '' && (m[3] === undefined || m[3] === ''))) throw new SyntaxError(`not a decimal number: ${JSON.stringify(text)}`);
    const intDigits = m[2]!;
    const fraction = m[3] ?? '';
    const exponent = m[4] === undefined ? 0 : Number(m[4]);
    const digits = (intDigits + fraction).replace(/^0+(?=\d)/, '') || '0';
    const unscaled = BigInt(digits) * (m[1] === '-' ? -1n : 1n);
    return new BigDecimal(unscaled, fraction.length - exponent);
  }

  /** The same value with another scale; throws RangeError if that would need rounding. */
  setScale(scale: number): BigDecimal {
    if (scale === this.scale) return this;
    if (scale > this.scale) return new BigDecimal(this.unscaled * 10n ** BigInt(scale - this.scale), scale);
    const divisor = 10n ** BigInt(this.scale - scale);
    if (this.unscaled % divisor !== 0n) throw new RangeError(`Rounding necessary to set scale ${scale} on ${this.toString()}`);
    return new BigDecimal(this.unscaled / divisor, scale);
  }

  /** Java's BigDecimal.equals: same unscaled value and same scale. */
  equals(other: unknown): boolean {
    return other instanceof BigDecimal && other.unscaled === this.unscaled && other.scale === this.scale;
  }

  /** Numeric comparison ignoring scale: -1, 0 or 1. */
  compareTo(other: BigDecimal): number {
    const s = Math.max(this.scale, other.scale);
    const a = this.unscaled * 10n ** BigInt(s - this.scale);
    const b = other.unscaled * 10n ** BigInt(s - other.scale);
    return a < b ? -1 : a > b ? 1 : 0;
  }

  /** The nearest double. */
  toNumber(): number {
    return Number(this.toString());
  }

  /** Java's BigDecimal.toString: plain unless the scale is negative or the value is tiny, then E notation. */
  toString(): string {
    const negative = this.unscaled < 0n;
    const digits = (negative ? -this.unscaled : this.unscaled).toString();
    const sign = negative ? '-' : '';
    const adjusted = -this.scale + (digits.length - 1);
    if (this.scale === 0) return sign + digits;
    if (this.scale > 0 && adjusted >= -6) {
      if (digits.length > this.scale) return `${sign}${digits.slice(0, digits.length - this.scale)}.${digits.slice(digits.length - this.scale)}`;
      return `${sign}0.${'0'.repeat(this.scale - digits.length)}${digits}`;
    }
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${mantissa}E${adjusted > 0 ? '+' : ''}${adjusted}`;
  }

  /** Java's BigDecimal.toPlainString: never E notation. */
  toPlainString(): string {
    const negative = this.unscaled < 0n;
    const digits = (negative ? -this.unscaled : this.unscaled).toString();
    const sign = negative ? '-' : '';
    if (this.scale <= 0) return sign + digits + (this.unscaled === 0n ? '' : '0'.repeat(-this.scale));
    const padded = digits.padStart(this.scale + 1, '0');
    return `${sign}${padded.slice(0, padded.length - this.scale)}.${padded.slice(padded.length - this.scale)}`;
  }
}

/**
 * BigDecimal.parse of the usual text (an optional sign, digits with at most one point, no
 * exponent, at most 15 digits: exact as a double) without a regular expression or BigInt text
 * parsing; undefined for anything else, which the general parse reads.
 */
function parsePlain(text: string): BigDecimal | undefined {
  const n = text.length;
  if (n === 0 || n > 17) return undefined;
  let i = 0;
  const first = text.charCodeAt(0);
  if (first === 0x2d || first === 0x2b) i = 1;
  let value = 0;
  let digits = 0;
  let scale = 0;
  let point = false;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) {
      value = value * 10 + (c - 0x30);
      digits++;
      if (point) scale++;
    } else if (c === 0x2e && !point) {
      point = true;
    } else {
      return undefined;
    }
  }
  if (digits === 0 || digits > 15) return undefined;
  return new BigDecimal(BigInt(first === 0x2d ? -value : value), scale);
}

const SMALL = 1n << 48n;

/** Java's BigInteger.toByteArray: the minimal big-endian two's-complement bytes (at least one). */
export function twosComplementBytes(value: bigint): Uint8Array {
  if (value > -SMALL && value < SMALL) {
    // |value| < 2^48: the same bytes with number arithmetic (exact below 2^53).
    let v = Number(value);
    let n = 1;
    while (v < -(2 ** (8 * n - 1)) || v >= 2 ** (8 * n - 1)) n++;
    const small = new Uint8Array(n);
    for (let i = n - 1; i >= 0; i--) {
      small[i] = ((v % 256) + 256) % 256;
      v = Math.floor(v / 256);
    }
    return small;
  }
  let n = 1;
  while (value < -(1n << BigInt(8 * n - 1)) || value >= 1n << BigInt(8 * n - 1)) n++;
  let u = BigInt.asUintN(8 * n, value);
  const out = new Uint8Array(n);
  for (let i = n - 1; i >= 0; i--) {
    out[i] = Number(u & 0xffn);
    u >>= 8n;
  }
  return out;
}

/** Java's `new BigInteger(byte[])`: big-endian two's complement; empty input is an error as in Java. */
export function fromTwosComplementBytes(bytes: Uint8Array): bigint {
  if (bytes.length === 0) throw new RangeError('Zero length BigInteger');
  if (bytes.length <= 6) {
    // At most 48 bits: number arithmetic is exact.
    let v = 0;
    for (let i = 0; i < bytes.length; i++) v = v * 256 + bytes[i]!;
    if ((bytes[0]! & 0x80) !== 0) v -= 2 ** (8 * bytes.length);
    return BigInt(v);
  }
  let u = 0n;
  for (const b of bytes) u = (u << 8n) | BigInt(b);
  return BigInt.asIntN(8 * bytes.length, u);
}
