/**
 * Column types → Connect schemas and driver values → Connect values, as Confluent's
 * GenericDatabaseDialect / MySqlDatabaseDialect / PostgreSqlDatabaseDialect map the JDBC types
 * that MySQL Connector/J and pgjdbc report:
 *
 *   MySQL/MariaDB                               PostgreSQL                 Connect
 *   TINYINT, TINYINT(1)/BOOLEAN, BIT(1)         -                          INT8
 *   TINYINT UNSIGNED, SMALLINT                  int2                       INT16
 *   SMALLINT UNSIGNED, MEDIUMINT (±UNSIGNED), INT  int4                    INT32 (MEDIUMINT UNSIGNED INT64)
 *   INT UNSIGNED, BIGINT, BIGINT UNSIGNED       int8                       INT64 (UNSIGNED > 2^63-1 is a DataException)
 *   FLOAT                                       float4                     FLOAT32
 *   DOUBLE                                      float8                     FLOAT64
 *   DECIMAL/NUMERIC (JDBC DECIMAL: always)      numeric (JDBC NUMERIC)     Decimal(scale); numeric.mapping applies to NUMERIC only:
 *                                                                          precision_only: scale 0 and precision < 19 → INT8/16/32/64;
 *                                                                          best_fit: also scale > 0 and precision < 19 → FLOAT64;
 *                                                                          best_fit_eager_double: scale > 0 → FLOAT64 at any precision
 *   -                                           bool, bit(1)               BOOLEAN; bit(2..8) INT8; longer bit BYTES
 *   CHAR, VARCHAR, *TEXT, ENUM, SET, JSON       char, varchar, text, json, jsonb, uuid, xml, name   STRING
 *   BINARY, VARBINARY, *BLOB, BIT(n>1)          bytea                      BYTES
 *   DATE, YEAR (1 January)                      date                       Date
 *   TIME                                        time, timetz               Time (wall-clock time of day)
 *   DATETIME (in db.timezone), TIMESTAMP (UTC)  timestamp (in db.timezone), timestamptz   Timestamp
 *
 * Integer widths follow the JDBC rule (TINYINT 8 bits, SMALLINT 16, INTEGER 32 — one wider when
 * unsigned — BIGINT 64). Unsupported types (geometry, interval, arrays, money, ...) are left out
 * of the record with a warning, as Confluent does. An unconstrained PostgreSQL numeric has no
 * fixed scale: it maps to Decimal with scale 127 (Confluent's NUMERIC_TYPE_SCALE_HIGH), losslessly.
 */
import { Buffer } from 'node:buffer';
import type { Schema } from '../../../api/data/schema.js';
import { SchemaBuilder } from '../../../api/data/schema-builder.js';
import { ConnectDate, Decimal, Time, Timestamp } from '../../../api/data/logical.js';
import { BigDecimal } from '../../../api/data/big-decimal.js';
import { DataException } from '../../../api/errors.js';
import type { JdbcDialect } from '../jdbc-url.js';
import { dateToEpochDays, timeToMicros, wallClockToEpochMillis } from '../db-time.js';
import type { NumericMapping } from './jdbc-source-config.js';

/** What the mapping needs to know about a column (from information_schema or the result metadata). */
export interface SourceColumn {
  name: string;
  /** MySQL's upper-case type (`INT`, `BIGINT UNSIGNED`, ...) or PostgreSQL's udt name (`int4`, `timestamptz`, ...). */
  type: string;
  /** Unknown nullability counts as nullable. */
  nullable?: boolean;
  precision?: number;
  scale?: number;
  unsigned?: boolean;
  /** Bit count of BIT / bit(n) columns; display width 1 of MySQL TINYINT(1). */
  length?: number;
  /** Part of the table's primary key (table mode). */
  primaryKey?: boolean;
  /** AUTO_INCREMENT / SERIAL / IDENTITY (table mode). */
  autoIncrement?: boolean;
}

export const NUMERIC_TYPE_SCALE_HIGH = 127;
const MAX_INT64 = (1n << 63n) - 1n;

/** A column's place in the record: its field schema and how to turn a driver value into the Connect value. */
export interface ColumnMapping {
  readonly column: SourceColumn;
  readonly schema: Schema;
  convert(value: unknown): unknown;
}

type Kind = 'INT8' | 'INT16' | 'INT32' | 'INT64' | 'FLOAT32' | 'FLOAT64' | 'BOOLEAN' | 'STRING' | 'BYTES' | 'DECIMAL' | 'DATE' | 'TIME' | 'TIMESTAMP';

interface Resolved {
  kind: Kind;
  /** Decimal scale. */
  scale?: number;
  /** How to read timestamps: zone-less text in db.timezone, or zone-aware (UTC / with offset). */
  zoneAware?: boolean;
  /** bool-ish bit strings and Buffers. */
  bits?: boolean;
}

function numericKind(precision: number | undefined, scale: number | undefined, mapping: NumericMapping): Resolved {
  const p = precision ?? 0;
  const s = scale ?? 0;
  const known = precision !== undefined && precision > 0;
  const integral = (): Kind => (p > 9 ? 'INT64' : p > 4 ? 'INT32' : p > 2 ? 'INT16' : 'INT8');
  if (known) {
    if (mapping === 'precision_only' && s === 0 && p < 19) return { kind: integral() };
    if (mapping === 'best_fit' && p < 19) {
      if (s < 1) return { kind: integral() };
      return { kind: 'FLOAT64' };
    }
    if (mapping === 'best_fit_eager_double') {
      if (s > 0) return { kind: 'FLOAT64' };
      if (p < 19) return { kind: integral() };
    }
    return { kind: 'DECIMAL', scale: s };
  }
  if (mapping === 'best_fit_eager_double') return { kind: 'FLOAT64' };
  return { kind: 'DECIMAL', scale: NUMERIC_TYPE_SCALE_HIGH };
}

function resolveMysql(column: SourceColumn): Resolved | null {
  const base = column.type.toUpperCase().replace(/ UNSIGNED$/, '');
  const unsigned = column.unsigned === true || / UNSIGNED$/i.test(column.type);
  switch (base) {
    case 'TINYINT':
      if (column.length === 1) return { kind: 'INT8' }; // Connector/J reports TINYINT(1) as BIT
      return { kind: unsigned ? 'INT16' : 'INT8' };
    case 'BOOL':
    case 'BOOLEAN':
      return { kind: 'INT8' };
    case 'SMALLINT':
      return { kind: unsigned ? 'INT32' : 'INT16' };
    case 'MEDIUMINT':
    case 'INT':
    case 'INTEGER':
      return { kind: unsigned ? 'INT64' : 'INT32' };
    case 'BIGINT':
      return { kind: 'INT64' };
    case 'FLOAT':
      return { kind: 'FLOAT32' };
    case 'DOUBLE':
    case 'REAL':
      return { kind: 'FLOAT64' };
    case 'DECIMAL':
    case 'NUMERIC':
      return { kind: 'DECIMAL', scale: column.scale ?? 0 };
    case 'BIT':
      return (column.length ?? 1) <= 1 ? { kind: 'INT8', bits: true } : { kind: 'BYTES' };
    case 'CHAR':
    case 'VARCHAR':
    case 'TINYTEXT':
    case 'TEXT':
    case 'MEDIUMTEXT':
    case 'LONGTEXT':
    case 'ENUM':
    case 'SET':
    case 'JSON':
      return { kind: 'STRING' };
    case 'BINARY':
    case 'VARBINARY':
    case 'TINYBLOB':
    case 'BLOB':
    case 'MEDIUMBLOB':
    case 'LONGBLOB':
      return { kind: 'BYTES' };
    case 'DATE':
    case 'YEAR':
      return { kind: 'DATE' };
    case 'TIME':
      return { kind: 'TIME' };
    case 'DATETIME':
      return { kind: 'TIMESTAMP', zoneAware: false };
    case 'TIMESTAMP':
      return { kind: 'TIMESTAMP', zoneAware: true };
    default:
      return null;
  }
}

function resolvePostgres(column: SourceColumn, mapping: NumericMapping): Resolved | null {
  switch (column.type.toLowerCase()) {
    case 'int2':
      return { kind: 'INT16' };
    case 'int4':
    case 'oid':
      return { kind: 'INT32' };
    case 'int8':
      return { kind: 'INT64' };
    case 'float4':
      return { kind: 'FLOAT32' };
    case 'float8':
      return { kind: 'FLOAT64' };
    case 'numeric':
      return numericKind(column.precision, column.scale, mapping);
    case 'bool':
      return { kind: 'BOOLEAN' };
    case 'bit': {
      const n = column.length ?? 1;
      return n <= 1 ? { kind: 'BOOLEAN', bits: true } : n <= 8 ? { kind: 'INT8', bits: true } : { kind: 'BYTES', bits: true };
    }
    case 'char':
    case 'bpchar':
    case 'varchar':
    case 'text':
    case 'name':
    case 'json':
    case 'jsonb':
    case 'uuid':
    case 'xml':
      return { kind: 'STRING' };
    case 'bytea':
      return { kind: 'BYTES' };
    case 'date':
      return { kind: 'DATE' };
    case 'time':
    case 'timetz':
      return { kind: 'TIME' };
    case 'timestamp':
      return { kind: 'TIMESTAMP', zoneAware: false };
    case 'timestamptz':
      return { kind: 'TIMESTAMP', zoneAware: true };
    default:
      return null;
  }
}

function schemaFor(resolved: Resolved, optional: boolean): Schema {
  let builder: SchemaBuilder;
  switch (resolved.kind) {
    case 'DECIMAL':
      builder = Decimal.builder(resolved.scale ?? 0);
      break;
    case 'DATE':
      builder = ConnectDate.builder();
      break;
    case 'TIME':
      builder = Time.builder();
      break;
    case 'TIMESTAMP':
      builder = Timestamp.builder();
      break;
    default:
      builder = SchemaBuilder.type(resolved.kind);
  }
  if (optional) builder.optional();
  return builder.build();
}

/** Bits as a string ('1011') or MySQL's big-endian Buffer, as an unsigned bigint. */
function bitsValue(value: unknown): bigint {
  if (typeof value === 'string') return value === '' ? 0n : BigInt(`0b${value}`);
  if (value instanceof Uint8Array) return value.reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);
  if (typeof value === 'boolean') return value ? 1n : 0n;
  return BigInt(value as number);
}

function bitStringBytes(bits: string): Uint8Array {
  const padded = bits.padStart(Math.ceil(bits.length / 8) * 8, '0');
  const out = new Uint8Array(padded.length / 8);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(padded.slice(i * 8, i * 8 + 8), 2);
  return out;
}

function integer(value: unknown, column: SourceColumn): number {
  const n = typeof value === 'number' ? value : Number(value as string | bigint);
  if (!Number.isFinite(n)) throw new DataException(`Column ${column.name}: ${String(value)} is not an integer`);
  return n;
}

function toConverter(resolved: Resolved, column: SourceColumn, timeZone: string): (value: unknown) => unknown {
  switch (resolved.kind) {
    case 'INT8':
      if (resolved.bits === true) return (v) => Number(BigInt.asIntN(8, bitsValue(v)));
      return (v) => (typeof v === 'boolean' ? (v ? 1 : 0) : integer(v, column));
    case 'INT16':
    case 'INT32':
      return (v) => integer(v, column);
    case 'INT64':
      return (v) => {
        const n = typeof v === 'bigint' ? v : typeof v === 'number' ? BigInt(v) : BigInt(String(v));
        if (n > MAX_INT64) throw new DataException(`Column ${column.name}: ${n} does not fit in a 64-bit signed integer (INT64)`);
        return n;
      };
    case 'FLOAT32':
      return (v) => Math.fround(Number(v));
    case 'FLOAT64':
      return (v) => Number(v);
    case 'BOOLEAN':
      if (resolved.bits === true) return (v) => bitsValue(v) !== 0n;
      return (v) => (typeof v === 'boolean' ? v : Number(v) !== 0);
    case 'STRING':
      return (v) => (typeof v === 'string' ? v : v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : typeof v === 'object' ? JSON.stringify(v) : String(v));
    case 'BYTES':
      if (resolved.bits === true) return (v) => (typeof v === 'string' ? bitStringBytes(v) : (v as Uint8Array));
      return (v) => (v instanceof Uint8Array ? v : Buffer.from(String(v), 'utf8'));
    case 'DECIMAL': {
      const scale = resolved.scale ?? 0;
      return (v) => {
        if (typeof v === 'string') {
          const fast = plainDecimal(v, scale);
          if (fast !== undefined) return fast;
        }
        try {
          return BigDecimal.parse(String(v)).setScale(scale);
        } catch (e) {
          throw new DataException(`Column ${column.name}: cannot read ${String(v)} as a decimal with scale ${scale}: ${(e as Error).message}`, { cause: e });
        }
      };
    }
    case 'DATE':
      return (v) => {
        if (typeof v === 'number') return ConnectDate.toLogical(ConnectDate.SCHEMA, dateToEpochDays(`${String(v).padStart(4, '0')}-01-01`)); // MySQL YEAR
        return ConnectDate.toLogical(ConnectDate.SCHEMA, dateToEpochDays(String(v)));
      };
    case 'TIME':
      return (v) => {
        const micros = timeToMicros(String(v));
        const millis = Number(micros / 1000n);
        if (micros < 0n || millis >= 86_400_000) throw new DataException(`Column ${column.name}: ${String(v)} is not a time of day (Connect's Time holds 00:00:00 to 23:59:59.999)`);
        return new Date(millis);
      };
    case 'TIMESTAMP': {
      const zone = resolved.zoneAware === true ? 'UTC' : timeZone;
      return (v) => new Date(wallClockToEpochMillis(String(v), zone));
    }
  }
}

/**
 * The usual decimal text (`-123.45`: digits, at most one point, exactly `scale` digits after it,
 * 15 digits at most, so exact in a double) as the BigDecimal `BigDecimal.parse(text).setScale(scale)`
 * gives, without its regular expressions and BigInt string parsing; undefined for anything else.
 */
export function plainDecimal(text: string, scale: number): BigDecimal | undefined {
  const length = text.length;
  if (length === 0 || length > 17) return undefined;
  let i = 0;
  let negative = false;
  if (text.charCodeAt(0) === 0x2d) {
    negative = true;
    i = 1;
  }
  let unscaled = 0;
  let digits = 0;
  let fractionDigits = -1;
  for (; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x2e && fractionDigits < 0) {
      fractionDigits = 0;
      continue;
    }
    const d = c - 0x30;
    if (d < 0 || d > 9) return undefined;
    unscaled = unscaled * 10 + d;
    digits++;
    if (fractionDigits >= 0) fractionDigits++;
  }
  if (digits === 0 || digits > 15 || (fractionDigits < 0 ? 0 : fractionDigits) !== scale) return undefined;
  return new BigDecimal(negative ? -unscaled : unscaled, scale);
}

/** The column's mapping, or null when Confluent has none for its type (the column is left out). */
export function mapColumn(dialect: JdbcDialect, column: SourceColumn, numericMapping: NumericMapping, timeZone: string): ColumnMapping | null {
  const resolved = dialect === 'mysql' ? resolveMysql(column) : resolvePostgres(column, numericMapping);
  if (resolved === null) return null;
  const schema = schemaFor(resolved, column.nullable !== false);
  const convert = toConverter(resolved, column, timeZone);
  return { column, schema, convert: (v) => (v === null || v === undefined ? null : convert(v)) };
}

/** Whether the column's timestamps are zone-aware (MySQL TIMESTAMP, timestamptz): bound and read as UTC instead of db.timezone. */
export function isZoneAwareTimestamp(dialect: JdbcDialect, type: string): boolean {
  const t = type.toLowerCase();
  return dialect === 'mysql' ? t === 'timestamp' : t === 'timestamptz';
}
