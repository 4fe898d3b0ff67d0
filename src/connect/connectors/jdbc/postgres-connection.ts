/**
 * DbConnection over pg (pure JavaScript; pg-native is never loaded) for PostgreSQL. Type parsers
 * are set per connection for lossless values: int8 as bigint, numeric and every date/time type
 * as the server's text, json/jsonb as text, bytea as Buffer (pg's default). The session runs in
 * UTC (`TimeZone=UTC`) with ISO dates, and in `currentSchema` when the URL names one. Rows come
 * as arrays; result columns are described from pg_type/pg_class/pg_attribute, cached.
 */
import * as pg from 'pg';
import type { FieldDef } from 'pg';
import type { Logger } from '../../../logging/logger.js';
import { ConnectException } from '../../api/errors.js';
import { bindValue, describeError } from './driver-values.js';
import type { ColumnInfo, DbConnection, QueryResult, ResolvedConnectionOptions } from './db-connection.js';
import type { JdbcUrl } from './jdbc-url.js';

const TYPE_NAMES: Record<number, string> = {
  16: 'bool', 17: 'bytea', 18: 'char', 19: 'name', 20: 'int8', 21: 'int2', 23: 'int4', 25: 'text', 26: 'oid',
  114: 'json', 142: 'xml', 700: 'float4', 701: 'float8', 790: 'money', 1042: 'bpchar', 1043: 'varchar',
  1082: 'date', 1083: 'time', 1114: 'timestamp', 1184: 'timestamptz', 1186: 'interval', 1266: 'timetz',
  1560: 'bit', 1562: 'varbit', 1700: 'numeric', 2950: 'uuid', 3802: 'jsonb',
};

const INT8 = 20;
const AS_TEXT = new Set([114, 1082, 1083, 1114, 1184, 1186, 1266, 1700, 3802, 790]);
const identity = (value: string): string => value;
const toBigInt = (value: string): bigint => BigInt(value);

/** pg's type parsers with the lossless overrides above. */
const TYPE_PARSERS = {
  getTypeParser(oid: number, format?: 'text' | 'binary'): (value: string) => unknown {
    if (format === undefined || format === 'text') {
      if (oid === INT8) return toBigInt;
      if (AS_TEXT.has(oid)) return identity;
    }
    return pg.types.getTypeParser(oid, format as 'text') as (value: string) => unknown;
  },
} as unknown as pg.CustomTypesConfig;

/** `-c name=value` for the startup `options`, with spaces and backslashes escaped as PostgreSQL wants. */
function startupOption(name: string, value: string): string {
  return `-c ${name}=${value.replace(/\\/g, '\\\\').replace(/ /g, '\\ ')}`;
}

export async function openPostgresConnection(options: ResolvedConnectionOptions, logger: Logger): Promise<DbConnection> {
  const { url } = options;
  const startup = [startupOption('TimeZone', 'UTC'), startupOption('DateStyle', 'ISO, YMD'), startupOption('extra_float_digits', '3')];
  if (url.currentSchema !== undefined) startup.push(startupOption('search_path', url.currentSchema));
  const database = url.database ?? options.user;
  const client = new pg.Client({
    host: url.host,
    port: url.port,
    user: options.user,
    // pg would fall back to PGPASSWORD or ~/.pgpass; an explicit empty password keeps it to what the config says.
    password: options.password ?? '',
    database,
    ssl: url.ssl === 'disable' ? false : { rejectUnauthorized: url.ssl === 'verify' },
    connectionTimeoutMillis: options.connectTimeoutMs,
    options: startup.join(' '),
    types: TYPE_PARSERS,
    application_name: url.params.ApplicationName ?? 'samsa-connect-jdbc',
  });
  // Errors after connecting (the server went away) arrive as events; without a listener they would crash the process.
  let failure: Error | null = null;
  client.on('error', (err: Error) => {
    failure = err;
  });
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => undefined);
    throw err;
  }
  return new PostgresDbConnection(client, url, database, logger, () => failure);
}

interface ColumnSource {
  table: string;
  nullable: boolean;
}

class PostgresDbConnection implements DbConnection {
  readonly dialect = 'postgresql' as const;
  private closed = false;
  private inTransaction = false;
  private readonly typeNames = new Map<number, string>(Object.entries(TYPE_NAMES).map(([k, v]) => [Number(k), v]));
  /** `tableOid:attnum` -> the column's table and nullability. */
  private readonly sources = new Map<string, ColumnSource>();

  constructor(
    private readonly client: pg.Client,
    readonly url: JdbcUrl,
    readonly database: string | undefined,
    private readonly logger: Logger,
    private readonly failure: () => Error | null,
  ) {}

  async query(sql: string, params: readonly unknown[] = []): Promise<QueryResult> {
    const result = await this.run(sql, params);
    const fields = result.fields ?? [];
    await this.describeFields(fields);
    return { rows: (result.rows ?? []) as unknown[][], columns: fields.map((f) => this.columnInfo(f)) };
  }

  async execute(sql: string, params: readonly unknown[] = []): Promise<number> {
    const result = await this.run(sql, params);
    return result.rowCount ?? 0;
  }

  async transaction<T>(fn: (tx: DbConnection) => Promise<T>): Promise<T> {
    if (this.inTransaction) throw new Error('transaction() is not nestable');
    this.inTransaction = true;
    try {
      await this.run('BEGIN', []);
      let result: T;
      try {
        result = await fn(this);
      } catch (err) {
        await this.client.query('ROLLBACK').catch((rollbackError: unknown) => {
          this.logger.warn({ err: describeError(rollbackError) }, 'rollback failed');
        });
        throw err;
      }
      await this.run('COMMIT', []);
      return result;
    } finally {
      this.inTransaction = false;
    }
  }

  quoteIdentifier(name: string): string {
    return `"${name.replace(/"/g, '""')}"`;
  }

  placeholder(index: number): string {
    return `$${index}`;
  }

  async isValid(timeoutMs = 5000): Promise<boolean> {
    if (this.closed || this.failure() !== null) return false;
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
      });
      await Promise.race([this.client.query('SELECT 1'), timeout]);
      return true;
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.client.end().catch(() => undefined);
  }

  private async run(sql: string, params: readonly unknown[]): Promise<pg.QueryArrayResult> {
    if (this.closed) throw new ConnectException('the database connection is closed');
    const failure = this.failure();
    if (failure !== null) throw new ConnectException(`the database connection failed: ${describeError(failure)}`, { cause: failure });
    return this.client.query({ text: sql, values: params.map(bindValue), rowMode: 'array' });
  }

  /** Looks up type names, tables and nullability not seen before, in one query. */
  private async describeFields(fields: readonly FieldDef[]): Promise<void> {
    const types = [...new Set(fields.map((f) => f.dataTypeID).filter((t) => !this.typeNames.has(t)))];
    const columns = fields.filter((f) => f.tableID !== 0 && f.columnID > 0 && !this.sources.has(`${f.tableID}:${f.columnID}`));
    if (types.length > 0) {
      const found = await this.client.query<{ oid: number; typname: string }>('SELECT oid::int AS oid, typname FROM pg_catalog.pg_type WHERE oid = ANY($1::oid[])', [types]);
      for (const row of found.rows) this.typeNames.set(Number(row.oid), row.typname);
    }
    if (columns.length > 0) {
      const found = await this.client.query<{ relid: number; attnum: number; relname: string; attnotnull: boolean }>(
        `SELECT a.attrelid::int AS relid, a.attnum::int AS attnum, c.relname, a.attnotnull
           FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
          WHERE (a.attrelid::int, a.attnum::int) IN (SELECT * FROM unnest($1::int[], $2::int[]))`,
        [columns.map((c) => c.tableID), columns.map((c) => c.columnID)],
      );
      for (const row of found.rows) this.sources.set(`${row.relid}:${row.attnum}`, { table: row.relname, nullable: !row.attnotnull });
    }
  }

  private columnInfo(field: FieldDef): ColumnInfo {
    const type = this.typeNames.get(field.dataTypeID) ?? `oid${field.dataTypeID}`;
    const info: ColumnInfo = { name: field.name, type };
    const source = this.sources.get(`${field.tableID}:${field.columnID}`);
    if (source !== undefined) {
      info.table = source.table;
      info.nullable = source.nullable;
    }
    const mod = field.dataTypeModifier;
    if (type === 'numeric' && mod >= 4) {
      info.precision = ((mod - 4) >> 16) & 0xffff;
      info.scale = (mod - 4) & 0xffff;
    } else if ((type === 'timestamp' || type === 'timestamptz' || type === 'time' || type === 'timetz') && mod >= 0) {
      info.scale = mod;
    } else if ((type === 'varchar' || type === 'bpchar') && mod >= 4) {
      info.precision = mod - 4;
    }
    return info;
  }
}
