/**
 * Big-endian int64 fields read and written as JS numbers, without a BigInt: offsets and
 * timestamps in the broker stay below 2^53, and the append path reads or writes several of them
 * per batch (a BigInt, and the intermediates Node's readBigInt64BE builds, is garbage each time).
 * Values beyond 2^53 read as the nearest double, exactly as Number(readBigInt64BE) would.
 */

const TWO_POW_32 = 4294967296;
const TWO_POW_63 = 2 ** 63;

/** The int64 at `pos` as a number (exact below 2^53 in magnitude). */
export function readInt64AsNumber(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos) * TWO_POW_32 + buf.readUInt32BE(pos + 4);
}

/** Writes the integer `value` as an int64 at `pos` (what `writeBigInt64BE(BigInt(value))` writes). */
export function writeInt64FromNumber(buf: Buffer, pos: number, value: number): void {
  if (!Number.isInteger(value) || value < -TWO_POW_63 || value >= TWO_POW_63) throw new RangeError(`not an int64: ${value}`);
  const hi = Math.floor(value / TWO_POW_32);
  buf.writeInt32BE(hi, pos);
  buf.writeUInt32BE(value - hi * TWO_POW_32, pos + 4);
}

/** True when the int64 at `pos` is -1 (no producer id, no timestamp...). */
export function isInt64MinusOne(buf: Buffer, pos: number): boolean {
  return buf.readInt32BE(pos) === -1 && buf.readInt32BE(pos + 4) === -1;
}
