/**
 * Source partitions and offsets of the JDBC source, in Confluent's formats so offsets written by
 * one interoperate with the other's tools (and survive upgrades the same way):
 *
 *   partition, table mode (protocol 1, written):  {"protocol":"1","table":"mydb.users"}
 *     the table's fully qualified name without quotes: MySQL `database.table`, PostgreSQL
 *     `schema.table`
 *   partition, table mode (protocol 0, read too): {"table":"users"}
 *   partition, query mode:                       {"query":"query"}
 *   offset: {"incrementing": n} and/or {"timestamp": epochMillis, "timestamp_nanos": nanosOfSecond}
 *     (java.sql.Timestamp's getTime() and getNanos(): the nanos repeat the millisecond digits)
 *
 * Timestamps are kept internally as bigint epoch microseconds (the databases' precision).
 */
import type { TableId } from '../table-metadata.js';

export const TABLE_NAME_KEY = 'table';
export const QUERY_NAME_KEY = 'query';
export const QUERY_NAME_VALUE = 'query';
export const OFFSET_PROTOCOL_VERSION_KEY = 'protocol';
export const PROTOCOL_VERSION_ONE = '1';
export const INCREMENTING_FIELD = 'incrementing';
export const TIMESTAMP_FIELD = 'timestamp';
export const TIMESTAMP_NANOS_FIELD = 'timestamp_nanos';

export type SourcePartition = Readonly<Record<string, string>>;

/** `mydb.users` (MySQL) or `public.users` (PostgreSQL): the levels the dialect has, unquoted. */
export function tableFullName(table: TableId): string {
  return [table.catalog !== undefined && table.schema === undefined ? table.catalog : undefined, table.schema, table.name]
    .filter((p): p is string => p !== undefined && p !== '')
    .join('.');
}

export function partitionForProtocolV1(table: TableId): SourcePartition {
  return { [TABLE_NAME_KEY]: tableFullName(table), [OFFSET_PROTOCOL_VERSION_KEY]: PROTOCOL_VERSION_ONE };
}

export function partitionForProtocolV0(table: TableId): SourcePartition {
  return { [TABLE_NAME_KEY]: table.name };
}

export const QUERY_PARTITION: SourcePartition = Object.freeze({ [QUERY_NAME_KEY]: QUERY_NAME_VALUE });

/** Where a table's copy stands: the last incrementing value and/or the last timestamp (µs). */
export interface TimestampIncrementingOffset {
  incrementing: bigint | null;
  timestampMicros: bigint | null;
}

function toBigInt(value: unknown, what: string): bigint | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value);
  throw new TypeError(`the stored offset's ${what} is not an integer: ${String(value)}`);
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && (a < 0n) !== (b < 0n) ? q - 1n : q;
}

/** A stored offset map (null or {} for none) as a TimestampIncrementingOffset. */
export function offsetFromMap(map: Readonly<Record<string, unknown>> | null | undefined): TimestampIncrementingOffset {
  if (map === null || map === undefined) return { incrementing: null, timestampMicros: null };
  const incrementing = toBigInt(map[INCREMENTING_FIELD], INCREMENTING_FIELD);
  const millis = toBigInt(map[TIMESTAMP_FIELD], TIMESTAMP_FIELD);
  let timestampMicros: bigint | null = null;
  if (millis !== null) {
    const nanos = toBigInt(map[TIMESTAMP_NANOS_FIELD], TIMESTAMP_NANOS_FIELD);
    const seconds = floorDiv(millis, 1000n);
    timestampMicros = nanos === null ? millis * 1000n : seconds * 1_000_000n + nanos / 1000n;
  }
  return { incrementing, timestampMicros };
}

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** A JSON-friendly number: a plain number when exact, else the bigint (the offset store keeps every digit). */
function jsonInteger(n: bigint): number | bigint {
  return n >= MIN_SAFE && n <= MAX_SAFE ? Number(n) : n;
}

/** The offset as Confluent writes it. */
export function offsetToMap(offset: TimestampIncrementingOffset): Record<string, unknown> {
  const map: Record<string, unknown> = {};
  if (offset.incrementing !== null) map[INCREMENTING_FIELD] = jsonInteger(offset.incrementing);
  if (offset.timestampMicros !== null) {
    const micros = offset.timestampMicros;
    map[TIMESTAMP_FIELD] = jsonInteger(floorDiv(micros, 1000n));
    map[TIMESTAMP_NANOS_FIELD] = jsonInteger((micros - floorDiv(micros, 1_000_000n) * 1_000_000n) * 1000n);
  }
  return map;
}
