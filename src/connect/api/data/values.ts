/**
 * Value equality for Connect data, following what Java's equals does for the classes Kafka uses:
 * numbers compare like Double.equals (NaN equals NaN, 0 and -0 differ), bytes by content, Dates by
 * instant, BigDecimal with its scale, arrays by element, Maps by entries regardless of order,
 * Structs by schema and values.
 */
import { BigDecimal } from './big-decimal.js';

interface Equatable {
  equals(other: unknown): boolean;
}

export function valuesEqual(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return Object.is(a, b);
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return (a ?? null) === (b ?? null);
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (a instanceof Uint8Array) {
    if (!(b instanceof Uint8Array) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  if (a instanceof Date) return b instanceof Date && a.getTime() === b.getTime();
  if (a instanceof BigDecimal) return a.equals(b);
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => valuesEqual(x, b[i]));
  }
  if (a instanceof Map) {
    if (!(b instanceof Map) || a.size !== b.size) return false;
    for (const [k, v] of a) {
      if (b.has(k)) {
        if (!valuesEqual(v, b.get(k))) return false;
        continue;
      }
      let found = false;
      for (const [k2, v2] of b) {
        if (valuesEqual(k, k2) && valuesEqual(v, v2)) {
          found = true;
          break;
        }
      }
      if (!found) return false;
    }
    return true;
  }
  if (typeof (a as Equatable).equals === 'function') return (a as Equatable).equals(b);
  if (Object.getPrototypeOf(a) === Object.prototype && Object.getPrototypeOf(b) === Object.prototype) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    if (ka.length !== kb.length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && valuesEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return false;
}

/** A short Java-toString-like rendering used in Struct.toString and messages. */
export function valueToString(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (v instanceof Uint8Array) return `[${Array.from(v, (b) => (b << 24) >> 24).join(', ')}]`;
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return `[${v.map(valueToString).join(', ')}]`;
  if (v instanceof Map) return `{${Array.from(v, ([k, x]) => `${valueToString(k)}=${valueToString(x)}`).join(', ')}}`;
  return String(v);
}
