/**
 * The SQL a JDBC sink writes, per database (Confluent's GenericDatabaseDialect with its MySQL
 * and PostgreSQL subclasses): column types for CREATE TABLE / ALTER TABLE from Connect schemas,
 * the INSERT / upsert / UPDATE / DELETE statements, literal defaults, and how Connect values
 * become bind parameters (Decimal exact as text, Date/Time/Timestamp in `db.timezone`, INT64 as
 * bigint, BYTES as Buffer). Statements are multi-row: `rows` placeholders groups in one
 * statement, so the caller can write a batch in few round trips (a statement holds at most
 * 65,535 parameters). The subclasses are mysql-sink-dialect.ts and postgres-sink-dialect.ts.
 */
import { Buffer } from 'node:buffer';
import { BigDecimal } from '../../../api/data/big-decimal.js';
import { ConnectDate, Decimal, Time, Timestamp } from '../../../api/data/logical.js';
import type { Schema } from '../../../api/data/schema.js';
import { ConnectException } from '../../../api/errors.js';
import { epochDaysToDate, epochMicrosToWallClock, microsToTime, utcWallClockMillis, zoneOffsetMillis } from '../db-time.js';
import type { TableId } from '../table-metadata.js';
import type { SinkRecordField } from './fields-metadata.js';
import type { QuoteMethod } from './jdbc-sink-config.js';

/** The most parameters one statement may bind (both MySQL's and PostgreSQL's protocol limit). */
export const MAX_BIND_PARAMETERS = 65_535;

/** A multi-row statement's text before and after its list of row tuples `(..),(..)`. */
export interface MultiRowParts {
  readonly head: string;
  readonly tail: string;
}

const MS_PER_DAY = 86_400_000;

export abstract class SinkDialect {
  /** Confluent's dialect class name, e.g. `MySqlDatabaseDialect`. */
  abstract readonly name: string;

  constructor(
    protected readonly quoteMethod: QuoteMethod,
    /** `db.timezone`. */
    readonly timeZone: string,
  ) {}

  protected abstract quoteChar(): string;
  /** The bind placeholder of the `index`-th (1-based) parameter. */
  abstract placeholder(index: number): string;
  /** The column type of a field (Confluent's getSqlType). */
  abstract sqlType(field: SinkRecordField): string;
  /**
   * The text of a multi-row upsert around its VALUES list (`head` + `(..),(..)` + `tail`), or a
   * ConnectException when the dialect has none.
   */
  abstract upsertParts(table: TableId, keyColumns: readonly string[], nonKeyColumns: readonly string[]): MultiRowParts;
  /** A literal for a Timestamp parameter (instant in epoch milliseconds). */
  protected abstract timestampText(epochMillis: number): string;
  /** A literal for a boolean in DDL. */
  protected abstract booleanLiteral(value: boolean): string;
  /** A literal for bytes in DDL. */
  protected abstract bytesLiteral(value: Uint8Array): string;
  /** A string literal in DDL. */
  protected abstract stringLiteral(value: string): string;

  /** One identifier, quoted unless `quote.sql.identifiers=never`. */
  quote(identifier: string): string {
    if (this.quoteMethod === 'never') return identifier;
    const q = this.quoteChar();
    return `${q}${identifier.split(q).join(q + q)}${q}`;
  }

  /** A table name as written in SQL (MySQL `catalog`.`t`, PostgreSQL "schema"."t"). */
  abstract table(table: TableId): string;

  /** `table.name.format` applied to a topic, parsed into catalog/schema/name as the dialect reads dotted names. */
  abstract parseTableId(name: string): TableId;

  protected columns(names: readonly string[]): string {
    return names.map((n) => this.quote(n)).join(',');
  }

  /** `(?,?,?),(?,?,?)` for `rows` rows of `width` parameters, numbered from 1. */
  protected valuesList(width: number, rows: number): string {
    const groups: string[] = [];
    let index = 1;
    for (let r = 0; r < rows; r++) {
      const ps: string[] = [];
      for (let c = 0; c < width; c++) ps.push(this.placeholder(index++));
      groups.push(`(${ps.join(',')})`);
    }
    return groups.join(',');
  }

  /** Confluent's buildCreateTableStatement: one line per column, then the primary key. */
  buildCreateTable(table: TableId, fields: readonly SinkRecordField[]): string {
    const lines = fields.map((f) => this.columnSpec(f));
    const pk = fields.filter((f) => f.isPrimaryKey).map((f) => f.name);
    if (pk.length > 0) lines.push(`PRIMARY KEY(${this.columns(pk)})`);
    return `CREATE TABLE ${this.table(table)} (\n${lines.join(',\n')})`;
  }

  /** Confluent's buildAlterTable: one ALTER TABLE adding every missing column. */
  buildAlterTable(table: TableId, fields: readonly SinkRecordField[]): string[] {
    return [`ALTER TABLE ${this.table(table)} ${fields.map((f) => `ADD ${this.columnSpec(f)}`).join(',\n')}`];
  }

  /** `"name" TYPE [DEFAULT x] NULL|NOT NULL`. Key columns are always NOT NULL. */
  protected columnSpec(field: SinkRecordField): string {
    let spec = `${this.quote(field.name)} ${this.sqlType(field)}`;
    if (field.schema.defaultValue !== null && field.schema.defaultValue !== undefined) spec += ` DEFAULT ${this.formatLiteral(field.schema, field.schema.defaultValue)}`;
    spec += field.schema.optional && !field.isPrimaryKey ? ' NULL' : ' NOT NULL';
    return spec;
  }

  /** A Connect value as an SQL literal (for DEFAULT clauses). */
  formatLiteral(schema: Schema, value: unknown): string {
    const param = this.bindParameter(schema, value);
    if (param === null) return 'NULL';
    switch (schema.name) {
      case Decimal.LOGICAL_NAME:
        return String(param);
      case ConnectDate.LOGICAL_NAME:
      case Time.LOGICAL_NAME:
      case Timestamp.LOGICAL_NAME:
        return this.stringLiteral(String(param));
      default:
        break;
    }
    switch (schema.type) {
      case 'BOOLEAN': return this.booleanLiteral(value as boolean);
      case 'STRING': return this.stringLiteral(value as string);
      case 'BYTES': return this.bytesLiteral(value as Uint8Array);
      default: return String(param);
    }
  }

  /** Confluent's "type doesn't have a mapping" error for a field without a column type. */
  protected noMapping(field: SinkRecordField): never {
    throw new ConnectException(`${field.schema.name ?? field.name} (${field.schema.type}) type doesn't have a mapping to the SQL database column type`);
  }

  /** The bind parameter for a Connect value of `schema` (Confluent's PreparedStatementBinder / bindField). */
  bindParameter(schema: Schema, value: unknown): unknown {
    if (value === null || value === undefined) return null;
    switch (schema.name) {
      case Decimal.LOGICAL_NAME:
        return (value as BigDecimal).toPlainString();
      case ConnectDate.LOGICAL_NAME:
        return epochDaysToDate(Math.floor((value as Date).getTime() / MS_PER_DAY));
      case Time.LOGICAL_NAME: {
        // java.sql.Time written with a Calendar in db.timezone: the wall-clock time of that instant.
        const ms = (value as Date).getTime();
        const local = ms + zoneOffsetMillis(ms, this.timeZone);
        const ofDay = ((local % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY;
        return microsToTime(BigInt(ofDay) * 1000n, 3);
      }
      case Timestamp.LOGICAL_NAME:
        return this.timestampText((value as Date).getTime());
      default:
        break;
    }
    switch (schema.type) {
      case 'INT8': case 'INT16': case 'INT32': case 'FLOAT32': case 'FLOAT64':
        return value as number;
      case 'INT64':
        return value as bigint;
      case 'BOOLEAN':
        return value as boolean;
      case 'STRING':
        return value as string;
      case 'BYTES': {
        if (value instanceof BigDecimal) return value.toPlainString();
        const bytes = value as Uint8Array;
        return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      }
      default:
        throw new ConnectException(`Unsupported source data type: ${schema.type}`);
    }
  }

  /**
   * `bindParameter` for one field's schema, decided once: the function a writer calls per value.
   * Returns exactly what `bindParameter(schema, value)` returns (and throws what it throws).
   */
  parameterBinder(schema: Schema): (value: unknown) => unknown {
    switch (schema.name) {
      case Timestamp.LOGICAL_NAME:
        return (value) => (value === null || value === undefined ? null : this.timestampText((value as Date).getTime()));
      case Decimal.LOGICAL_NAME:
        return (value) => (value === null || value === undefined ? null : (value as BigDecimal).toPlainString());
      case ConnectDate.LOGICAL_NAME:
      case Time.LOGICAL_NAME:
        return (value) => this.bindParameter(schema, value);
      default:
        break;
    }
    switch (schema.type) {
      case 'INT8': case 'INT16': case 'INT32': case 'FLOAT32': case 'FLOAT64': case 'INT64': case 'BOOLEAN': case 'STRING':
        return (value) => (value === undefined ? null : value);
      default:
        return (value) => this.bindParameter(schema, value);
    }
  }

  /** The wall-clock text of an instant in `db.timezone`, milliseconds precision. */
  protected wallClock(epochMillis: number): string {
    if ((this.timeZone === 'UTC' || this.timeZone === 'Etc/UTC' || this.timeZone === 'Z') && Number.isInteger(epochMillis)) {
      // The usual case without BigInt arithmetic.
      const text = utcWallClockMillis(epochMillis);
      if (text !== undefined) return text;
    }
    return epochMicrosToWallClock(BigInt(epochMillis) * 1000n, this.timeZone, 3);
  }

  /** `INSERT INTO t(a,b) VALUES(?,?),(?,?)`. */
  buildInsert(table: TableId, keyColumns: readonly string[], nonKeyColumns: readonly string[], rows: number): string {
    const { head, tail } = this.insertParts(table, keyColumns, nonKeyColumns);
    return `${head}${this.valuesList(keyColumns.length + nonKeyColumns.length, rows)}${tail}`;
  }

  /** The multi-row INSERT around its VALUES list: `INSERT INTO t(a,b) VALUES` and nothing after. */
  insertParts(table: TableId, keyColumns: readonly string[], nonKeyColumns: readonly string[]): MultiRowParts {
    return { head: `INSERT INTO ${this.table(table)}(${this.columns([...keyColumns, ...nonKeyColumns])}) VALUES`, tail: '' };
  }

  /** A multi-row upsert of `rows` rows, or a ConnectException when the dialect has none. */
  buildUpsert(table: TableId, keyColumns: readonly string[], nonKeyColumns: readonly string[], rows: number): string {
    const { head, tail } = this.upsertParts(table, keyColumns, nonKeyColumns);
    return `${head}${this.valuesList(keyColumns.length + nonKeyColumns.length, rows)}${tail}`;
  }

  /** `UPDATE t SET a = ?, b = ? WHERE k1 = ? AND k2 = ?` (one row; non-key parameters first). */
  buildUpdate(table: TableId, keyColumns: readonly string[], nonKeyColumns: readonly string[]): string {
    let index = 1;
    const set = nonKeyColumns.map((c) => `${this.quote(c)} = ${this.placeholder(index++)}`).join(', ');
    const where = keyColumns.map((c) => `${this.quote(c)} = ${this.placeholder(index++)}`).join(' AND ');
    return `UPDATE ${this.table(table)} SET ${set}${where === '' ? '' : ` WHERE ${where}`}`;
  }

  /** `DELETE FROM t WHERE k = ?` for one row; several rows: `WHERE k IN (?,?)` / `WHERE (k1,k2) IN ((?,?),(?,?))`. */
  buildDelete(table: TableId, keyColumns: readonly string[], rows: number): string {
    if (keyColumns.length === 0) throw new ConnectException('Require primary keys to support delete');
    if (rows === 1) {
      let index = 1;
      return `DELETE FROM ${this.table(table)} WHERE ${keyColumns.map((c) => `${this.quote(c)} = ${this.placeholder(index++)}`).join(' AND ')}`;
    }
    if (keyColumns.length === 1) {
      const ps = Array.from({ length: rows }, (_, i) => this.placeholder(i + 1)).join(',');
      return `DELETE FROM ${this.table(table)} WHERE ${this.quote(keyColumns[0]!)} IN (${ps})`;
    }
    return `DELETE FROM ${this.table(table)} WHERE (${this.columns(keyColumns)}) IN (${this.valuesList(keyColumns.length, rows)})`;
  }
}
