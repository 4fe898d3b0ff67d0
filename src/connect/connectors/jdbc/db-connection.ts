/**
 * One connection to a MySQL/MariaDB or PostgreSQL database, the same interface over both Node
 * drivers (mysql2, pg), for the JDBC source and sink connectors. Values arrive losslessly:
 *
 *   - BIGINT / int8 (signed and unsigned) as `bigint`; smaller integers and floats as `number`
 *   - DECIMAL / NUMERIC as the database's exact decimal text (`'-12.3400'`)
 *   - DATE, TIME, DATETIME/TIMESTAMP, timestamp[tz] as the database's text (`'2024-02-29'`,
 *     `'23:59:59.123456'`, `'2024-02-29 23:59:59.123456'`, PostgreSQL timestamptz with its offset
 *     `'2024-02-29 23:59:59.123456+00'`). Every session runs in UTC (MySQL `time_zone='+00:00'`,
 *     PostgreSQL `TimeZone=UTC`), so values of zone-aware types (MySQL TIMESTAMP, timestamptz)
 *     are UTC; zone-less types (DATETIME, timestamp) are wall-clock text for the caller to read
 *     in `db.timezone` (see db-time.ts).
 *   - binary (BLOB, VARBINARY, BIT, bytea) as Buffer; text as string; SQL NULL as null
 *
 * Parameters: bigint, number, string, Buffer, boolean, null; a Date is sent as its UTC text.
 * `openDbConnection` retries as Confluent's connection provider does (`connection.attempts`
 * tries, `connection.backoff.ms` apart) and fails with a ConnectException naming the cause.
 */
import { ConnectException } from '../../api/errors.js';
import type { Logger } from '../../../logging/logger.js';
import { parseJdbcUrl, redactJdbcUrl } from './jdbc-url.js';
import type { JdbcDialect, JdbcUrl } from './jdbc-url.js';
import { openMysqlConnection } from './mysql-connection.js';
import { openPostgresConnection } from './postgres-connection.js';
import { describeError } from './driver-values.js';

export { bindValue, describeError } from './driver-values.js';

/** A result column as the database describes it. */
export interface ColumnInfo {
  /** The column's label in the result. */
  name: string;
  /** The table the column comes from, when it is a plain column of one. */
  table?: string;
  /**
   * The database's type name: MySQL's upper case (`INT`, `BIGINT UNSIGNED`, `DECIMAL`,
   * `VARCHAR`, `DATETIME`, `TIMESTAMP`, `BLOB`, `TEXT`, ...), PostgreSQL's internal names
   * (`int4`, `int8`, `numeric`, `varchar`, `timestamp`, `timestamptz`, `bytea`, `text`, ...).
   */
  type: string;
  /** DECIMAL/NUMERIC digits; absent when the database does not say (unconstrained numeric). */
  precision?: number;
  /** DECIMAL/NUMERIC digits after the point; fractional-second digits of temporal types. */
  scale?: number;
  /** Whether the column may hold NULL, when known. */
  nullable?: boolean;
  /** MySQL's UNSIGNED integer and decimal types. */
  unsigned?: boolean;
  /** Part of the table's primary key, when known. */
  primaryKey?: boolean;
  /** AUTO_INCREMENT, SERIAL or IDENTITY, when known. */
  autoIncrement?: boolean;
}

export interface QueryResult {
  /** Rows as arrays in column order. */
  rows: unknown[][];
  columns: ColumnInfo[];
}

export interface QueryOptions {
  /**
   * MySQL: send the statement with its parameters inlined as literals, through the text protocol
   * (no server-side prepared statement), whose rows the driver reads with less work. Values are
   * the same as through the binary protocol except FLOAT and DOUBLE, which then arrive as the
   * server's decimal text rounded to its display precision: callers set this only for results
   * without such columns. PostgreSQL ignores it.
   */
  inlineParameters?: boolean;
}

export interface DbConnection {
  readonly dialect: JdbcDialect;
  /** The database the connection uses (from the URL; PostgreSQL's default is the user name). */
  readonly database: string | undefined;
  /** The parsed `connection.url`. */
  readonly url: JdbcUrl;
  /** Runs a statement that returns rows. `params` bind to `placeholder(1..n)`. */
  query(sql: string, params?: readonly unknown[], options?: QueryOptions): Promise<QueryResult>;
  /** Runs a statement that returns no rows; resolves with the affected row count. */
  execute(sql: string, params?: readonly unknown[]): Promise<number>;
  /**
   * Where the connection inlines parameters into the statement text (MySQL): the SQL literal a
   * parameter becomes there, exactly what `execute(sql, params)` puts in place of its `?`, so a
   * caller may build the statement text itself and run it with `execute(text)`. Absent where the
   * protocol binds parameters (PostgreSQL).
   */
  readonly sqlLiteral?: (value: unknown) => string;
  /** Runs `fn` in a transaction: committed when it resolves, rolled back when it rejects (and the error rethrown). Not nestable. */
  transaction<T>(fn: (tx: DbConnection) => Promise<T>): Promise<T>;
  /** One identifier quoted for this dialect (backticks for MySQL, double quotes for PostgreSQL). */
  quoteIdentifier(name: string): string;
  /** The bind placeholder for the `index`-th (1-based) parameter: `?` or `$index`. */
  placeholder(index: number): string;
  /** Whether the connection still works (a short round trip). */
  isValid(timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
}

export interface DbConnectionOptions {
  /** `connection.url`. */
  url: string;
  /** `connection.user`; the URL's `user` when absent or empty. */
  user?: string | null;
  /** `connection.password`; the URL's `password` when absent. */
  password?: string | null;
  /** `connection.attempts`: tries before giving up. Default 3. */
  attempts?: number;
  /** `connection.backoff.ms`: wait between tries. Default 10000. */
  backoffMs?: number;
  /** How long one connection attempt may take. Default 30000. */
  connectTimeoutMs?: number;
  /** Stops retrying (the task is stopping). */
  signal?: AbortSignal;
}

/** What the dialect-specific openers take: the URL parsed and the credentials resolved. */
export interface ResolvedConnectionOptions {
  url: JdbcUrl;
  user: string | undefined;
  password: string | undefined;
  connectTimeoutMs: number;
}

export const DEFAULT_CONNECTION_ATTEMPTS = 3;
export const DEFAULT_CONNECTION_BACKOFF_MS = 10_000;

/** Parses the URL (ConfigException when bad) and connects, retrying; ConnectException naming the cause when every attempt failed. */
export async function openDbConnection(options: DbConnectionOptions, logger: Logger): Promise<DbConnection> {
  const url = parseJdbcUrl(options.url);
  const attempts = options.attempts ?? DEFAULT_CONNECTION_ATTEMPTS;
  const backoffMs = options.backoffMs ?? DEFAULT_CONNECTION_BACKOFF_MS;
  if (!Number.isInteger(attempts) || attempts < 1) throw new RangeError(`connection.attempts must be an integer >= 1, got ${attempts}`);
  if (!(backoffMs >= 0)) throw new RangeError(`connection.backoff.ms must be >= 0, got ${backoffMs}`);
  const resolved: ResolvedConnectionOptions = {
    url,
    user: options.user !== undefined && options.user !== null && options.user !== '' ? options.user : url.user,
    password: options.password !== undefined && options.password !== null ? options.password : url.password,
    connectTimeoutMs: options.connectTimeoutMs ?? 30_000,
  };
  const redacted = redactJdbcUrl(options.url);
  const log = logger.child({ url: redacted, user: resolved.user });
  if (url.ignoredHosts.length > 0) {
    log.warn({ ignoredHosts: url.ignoredHosts }, `connection.url lists several hosts; connecting to the first only (${url.host}:${url.port})`);
  }
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    options.signal?.throwIfAborted();
    try {
      const conn = url.dialect === 'mysql' ? await openMysqlConnection(resolved, log) : await openPostgresConnection(resolved, log);
      log.debug({ attempt }, 'connected to the database');
      return conn;
    } catch (err) {
      lastError = err;
      if (attempt < attempts) {
        log.info({ err: describeError(err), attempt, attempts, backoffMs }, `Unable to connect to database on attempt ${attempt}/${attempts}. Will retry in ${backoffMs} ms.`);
        await sleep(backoffMs, options.signal);
      }
    }
  }
  throw new ConnectException(`Could not connect to ${redacted} as ${resolved.user ?? '(no user)'} after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${describeError(lastError)}`, { cause: lastError });
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
