/**
 * DbConnection over mysql2 for MySQL and MariaDB. Driver options chosen for lossless values:
 * `supportBigNumbers` (BIGINT as a number when exact, else as text; either is turned into bigint
 * here), DECIMAL as text, `dateStrings` (temporal values as the server's text), `timezone: 'Z'` and a UTC
 * session (`time_zone = '+00:00'`), `rowsAsArray`. Queries with parameters run as server-side
 * prepared statements (mysql2's `execute`, cached per connection), or, with `inlineParameters`,
 * as text with the parameters inlined (the text protocol's rows cost mysql2 less to read, e.g.
 * DATETIME text as sent instead of formatted from binary fields); writes with parameters (the
 * sink's multi-row statements, thousands of parameters whose row count varies from put to put)
 * go through the text protocol with the values escaped into the SQL here, as mysql2's own
 * `query(sql, values)` does, which costs the server no prepare (and mysql2 no parameter metadata)
 * per statement shape and is faster in the JDBC benchmark (bench/README.md); the session's
 * NO_BACKSLASH_ESCAPES is honoured. Statements without parameters use the text protocol too,
 * which accepts every statement.
 */
import * as mysql from 'mysql2/promise';
import type { FieldPacket } from 'mysql2/promise';
import type { Logger } from '../../../logging/logger.js';
import { ConnectException } from '../../api/errors.js';
import { bindValue, describeError } from './driver-values.js';
import type { ColumnInfo, DbConnection, QueryOptions, QueryResult, ResolvedConnectionOptions } from './db-connection.js';
import type { JdbcUrl } from './jdbc-url.js';

// Column flags of the MySQL protocol.
const NOT_NULL = 1;
const PRI_KEY = 2;
const UNSIGNED = 32;
const ENUM = 256;
const AUTO_INCREMENT = 512;
const SET = 2048;
const BINARY_CHARSET = 63;

const TYPE_NAMES: Record<number, string> = {
  0: 'DECIMAL', 1: 'TINYINT', 2: 'SMALLINT', 3: 'INT', 4: 'FLOAT', 5: 'DOUBLE', 6: 'NULL', 7: 'TIMESTAMP',
  8: 'BIGINT', 9: 'MEDIUMINT', 10: 'DATE', 11: 'TIME', 12: 'DATETIME', 13: 'YEAR', 14: 'DATE', 15: 'VARCHAR',
  16: 'BIT', 245: 'JSON', 246: 'DECIMAL', 247: 'ENUM', 248: 'SET', 255: 'GEOMETRY',
};
const LONGLONG = 8;
const NUMERIC_TYPES = new Set([0, 1, 2, 3, 4, 5, 8, 9, 13, 246]);

export async function openMysqlConnection(options: ResolvedConnectionOptions, logger: Logger): Promise<DbConnection> {
  const { url } = options;
  const ssl = url.ssl === 'disable' ? undefined : { rejectUnauthorized: url.ssl === 'verify' };
  const conn = await mysql.createConnection({
    host: url.host,
    port: url.port,
    user: options.user,
    password: options.password,
    database: url.database,
    connectTimeout: options.connectTimeoutMs,
    ssl,
    charset: 'UTF8MB4_UNICODE_CI',
    supportBigNumbers: true,
    // BIGINT values as numbers where exact: cheaper than mysql2's text for every value (Long's toString).
    bigNumberStrings: false,
    decimalNumbers: false,
    dateStrings: true,
    timezone: 'Z',
    rowsAsArray: true,
    multipleStatements: false,
    // Evicted statements are closed on the server, whose max_prepared_stmt_count (16382) all connections share.
    maxPreparedStatements: 256,
    // query() is only given finished SQL (parameters inlined by inlineParameters): mysql2's own
    // formatting would scan every statement (some of them hundreds of kilobytes) for placeholders.
    queryFormat: (sql: string, values: unknown) => {
      if (Array.isArray(values) && values.length > 0) throw new Error('query() takes no parameters here; use inlineParameters');
      return sql;
    },
  });
  let noBackslashEscapes: boolean;
  try {
    await conn.query("SET time_zone = '+00:00'");
    const [rows] = await conn.query('SELECT @@SESSION.sql_mode');
    noBackslashEscapes = /(^|,)NO_BACKSLASH_ESCAPES(,|$)/i.test(String((rows as unknown[][])[0]?.[0] ?? ''));
  } catch (err) {
    await conn.end().catch(() => undefined);
    throw err;
  }
  return new MysqlDbConnection(conn, url, logger, noBackslashEscapes);
}

class MysqlDbConnection implements DbConnection {
  readonly dialect = 'mysql' as const;
  readonly database: string | undefined;
  private broken: Error | null = null;
  private closed = false;
  private inTransaction = false;

  constructor(
    private readonly conn: mysql.Connection,
    readonly url: JdbcUrl,
    private readonly logger: Logger,
    /** The session's sql_mode has NO_BACKSLASH_ESCAPES: string literals are escaped by doubling quotes only. */
    private readonly noBackslashEscapes = false,
  ) {
    this.database = url.database;
    conn.on('error', (err: Error) => {
      this.broken = err;
      if (!this.closed) this.logger.warn({ err: describeError(err) }, 'database connection failed');
    });
  }

  async query(sql: string, params: readonly unknown[] = [], options?: QueryOptions): Promise<QueryResult> {
    const [rows, fields] = options?.inlineParameters === true && params.length > 0 ? await this.run(this.inlineParameters(sql, params), []) : await this.run(sql, params);
    if (!Array.isArray(rows)) return { rows: [], columns: [] };
    const packets = (fields ?? []) as FieldPacket[];
    const columns = packets.map(columnInfo);
    const bigintColumns = packets.flatMap((f, i) => ((f.columnType ?? f.type) === LONGLONG ? [i] : []));
    const out = rows as unknown[][];
    if (bigintColumns.length > 0) {
      for (const row of out) {
        for (const i of bigintColumns) {
          const v = row[i];
          if (v !== null && v !== undefined) row[i] = BigInt(v as string | number);
        }
      }
    }
    return { rows: out, columns };
  }

  async execute(sql: string, params: readonly unknown[] = []): Promise<number> {
    const [result] = await this.run(params.length === 0 ? sql : this.inlineParameters(sql, params), []);
    if (Array.isArray(result)) return 0;
    return (result as mysql.ResultSetHeader).affectedRows ?? 0;
  }

  async transaction<T>(fn: (tx: DbConnection) => Promise<T>): Promise<T> {
    if (this.inTransaction) throw new Error('transaction() is not nestable');
    this.inTransaction = true;
    try {
      await this.conn.query('START TRANSACTION');
      let result: T;
      try {
        result = await fn(this);
      } catch (err) {
        await this.conn.query('ROLLBACK').catch((rollbackError: unknown) => {
          this.logger.warn({ err: describeError(rollbackError) }, 'rollback failed');
        });
        throw err;
      }
      await this.conn.query('COMMIT');
      return result;
    } finally {
      this.inTransaction = false;
    }
  }

  quoteIdentifier(name: string): string {
    return `\`${name.replace(/`/g, '``')}\``;
  }

  placeholder(_index: number): string {
    return '?';
  }

  async isValid(timeoutMs = 5000): Promise<boolean> {
    if (this.broken !== null || this.closed) return false;
    try {
      await this.conn.query({ sql: 'SELECT 1', timeout: timeoutMs });
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.conn.end();
    } catch {
      this.conn.destroy();
    }
  }

  readonly sqlLiteral = (value: unknown): string => mysqlLiteral(value, this.noBackslashEscapes);

  /** `sql` with its parameters inlined (see the function inlineParameters). */
  inlineParameters(sql: string, params: readonly unknown[]): string {
    return inlineParameters(sql, params, this.noBackslashEscapes);
  }

  private async run(sql: string, params: readonly unknown[]): Promise<[unknown, unknown]> {
    if (this.closed) throw new ConnectException('the database connection is closed');
    if (this.broken !== null) throw new ConnectException(`the database connection failed: ${describeError(this.broken)}`, { cause: this.broken });
    if (params.length === 0) return (await this.conn.query(sql)) as [unknown, unknown];
    return (await this.conn.execute(sql, params.map(bindValue) as never)) as [unknown, unknown];
  }
}

const escapeValue = mysql.escape as (value: unknown, stringifyObjects: boolean, timeZone: string, mode: { noBackslashEscapes: boolean }) => string;
const BACKSLASH_MODE = { noBackslashEscapes: false };
const NO_BACKSLASH_MODE = { noBackslashEscapes: true };
/** Characters mysql2's escaping rewrites in a string literal, per mode; a string without any is just quoted. */
const ESCAPED_CHARS = /[\0\b\t\n\r\x1a"'\\]/;
const ESCAPED_CHARS_NO_BACKSLASH = /['\\]/;

/**
 * A parameter as the SQL literal mysql2's `escape` makes of it (a Date as its UTC text, see
 * bindValue), with the common cases (numbers, bigints, strings that need no escaping) done here
 * without the general dispatch: the same text either way.
 */
export function mysqlLiteral(value: unknown, noBackslashEscapes: boolean): string {
  switch (typeof value) {
    case 'string':
      if (!(noBackslashEscapes ? ESCAPED_CHARS_NO_BACKSLASH : ESCAPED_CHARS).test(value)) return `'${value}'`;
      break;
    case 'number':
    case 'bigint':
      return `${value}`;
    default:
      if (value === null || value === undefined) return 'NULL';
      break;
  }
  return escapeValue(bindValue(value), false, 'Z', noBackslashEscapes ? NO_BACKSLASH_MODE : BACKSLASH_MODE);
}

/** `sql` with each `?` placeholder (outside quotes) replaced by its parameter as an escaped SQL literal (the SQL is the dialect's own: no comments). */
export function inlineParameters(sql: string, params: readonly unknown[], noBackslashEscapes: boolean): string {
  let out = '';
  let from = 0;
  let next = 0;
  for (let i = 0; i < sql.length; i++) {
    const c = sql.charCodeAt(i);
    if (c === 0x3f) { // ?
      if (next >= params.length) throw new Error(`more placeholders than the ${params.length} parameters in: ${sql.slice(0, 200)}`);
      out += sql.slice(from, i) + mysqlLiteral(params[next++], noBackslashEscapes);
      from = i + 1;
    } else if (c === 0x60 || c === 0x27 || c === 0x22) { // ` ' ": skip the quoted part (a doubled quote stays inside)
      for (i++; i < sql.length && sql.charCodeAt(i) !== c; i++) {
        if (c !== 0x60 && !noBackslashEscapes && sql.charCodeAt(i) === 0x5c) i++;
      }
    }
  }
  if (next !== params.length) throw new Error(`${params.length} parameters for ${next} placeholders in: ${sql.slice(0, 200)}`);
  return out + sql.slice(from);
}

function columnInfo(field: FieldPacket): ColumnInfo {
  const code = field.columnType ?? field.type ?? -1;
  const flags = typeof field.flags === 'number' ? field.flags : 0;
  const binary = (field.characterSet ?? field.charsetNr) === BINARY_CHARSET;
  const length = field.columnLength ?? field.length ?? 0;
  const unsigned = NUMERIC_TYPES.has(code) && (flags & UNSIGNED) !== 0;
  let type = typeName(code, flags, binary, length);
  if (unsigned) type += ' UNSIGNED';
  const info: ColumnInfo = { name: field.name, type, nullable: (flags & NOT_NULL) === 0 };
  const table = field.orgTable || field.table;
  if (table) info.table = table;
  if (unsigned) info.unsigned = true;
  if ((flags & PRI_KEY) !== 0) info.primaryKey = true;
  if ((flags & AUTO_INCREMENT) !== 0) info.autoIncrement = true;
  if (code === 246 || code === 0) {
    info.scale = field.decimals;
    info.precision = length - (field.decimals > 0 ? 1 : 0) - (unsigned ? 0 : 1);
  } else if ((code === 7 || code === 11 || code === 12) && field.decimals <= 6) {
    info.scale = field.decimals;
  }
  return info;
}

function typeName(code: number, flags: number, binary: boolean, length: number): string {
  switch (code) {
    case 253:
      return binary ? 'VARBINARY' : 'VARCHAR';
    case 254:
      if ((flags & ENUM) !== 0) return 'ENUM';
      if ((flags & SET) !== 0) return 'SET';
      return binary ? 'BINARY' : 'CHAR';
    case 249:
    case 250:
    case 251:
    case 252:
      if (binary) return length <= 255 ? 'TINYBLOB' : length <= 65_535 ? 'BLOB' : length <= 16_777_215 ? 'MEDIUMBLOB' : 'LONGBLOB';
      // Text lengths are in bytes: characters x the character set's widest character (up to 4).
      return length <= 1020 ? 'TINYTEXT' : length <= 262_140 ? 'TEXT' : length <= 67_108_860 ? 'MEDIUMTEXT' : 'LONGTEXT';
    default:
      return TYPE_NAMES[code] ?? `UNKNOWN(${code})`;
  }
}
