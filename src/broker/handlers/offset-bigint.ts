/**
 * `BigInt(n)` for the offsets and timestamps that responses carry as int64, without a new BigInt
 * each time a value repeats: a fetch answer's high watermark and last stable offset are usually
 * equal, log start offsets and "no timestamp" (-1) repeat in every answer. A small direct-mapped
 * table keyed by the value keeps the last BigInt made for each slot (BigInts are values, so
 * handing out the same one is unobservable).
 */

const SLOTS = 256;
const numbers = new Float64Array(SLOTS).fill(NaN);
const bigints: bigint[] = new Array<bigint>(SLOTS).fill(0n);

/** Exactly `BigInt(n)` (throws as it does for a non-integer). */
export function offsetBigInt(n: number): bigint {
  const slot = n & (SLOTS - 1);
  if (numbers[slot] === n) return bigints[slot]!;
  const b = BigInt(n);
  numbers[slot] = n;
  bigints[slot] = b;
  return b;
}
