/**
 * The SELECT statements the queriers run, as Confluent's TimestampIncrementingCriteria builds
 * them, each ending with a LIMIT so one page holds at most a known number of rows:
 *
 *   incrementing            <base> WHERE inc > ? ORDER BY inc ASC
 *   timestamp               <base> WHERE ts > ? AND ts < ? ORDER BY ts ASC
 *   timestamp+incrementing  <base> WHERE ts < ? AND ((ts = ? AND inc > ?) OR ts > ?) ORDER BY ts,inc ASC
 *
 * where ts is the timestamp column or COALESCE(ts1, ts2, ...) and <base> `SELECT * FROM table`
 * or the custom query. `query.suffix` goes last. Identifiers are quoted unless
 * `quote.sql.identifiers=never`.
 */
import type { DbConnection } from '../db-connection.js';
import type { TableId } from '../table-metadata.js';

export class SqlNames {
  constructor(private readonly conn: DbConnection, private readonly quote: boolean) {}

  identifier(name: string): string {
    return this.quote ? this.conn.quoteIdentifier(name) : name;
  }

  /** MySQL `db`.`t`, PostgreSQL "schema"."t". */
  table(table: TableId): string {
    const parts = this.conn.dialect === 'mysql' ? [table.catalog, table.name] : [table.schema, table.name];
    return parts.filter((p): p is string => p !== undefined && p !== '').map((p) => this.identifier(p)).join('.');
  }

  /** The timestamp expression: one column, or COALESCE of several. */
  timestampExpression(columns: readonly string[]): string {
    const quoted = columns.map((c) => this.identifier(c));
    return quoted.length === 1 ? quoted[0]! : `COALESCE(${quoted.join(',')})`;
  }
}

export interface PageStatement {
  sql: string;
  params: unknown[];
}

function finish(sql: string, limit: number | null, suffix: string): string {
  let text = sql;
  if (limit !== null) text += ` LIMIT ${limit}`;
  if (suffix !== '') text += ` ${suffix}`;
  return text;
}

export function incrementingPage(conn: DbConnection, base: string, inc: string, after: bigint, limit: number, suffix: string): PageStatement {
  return { sql: finish(`${base} WHERE ${inc} > ${conn.placeholder(1)} ORDER BY ${inc} ASC`, limit, suffix), params: [after] };
}

export function timestampPage(conn: DbConnection, base: string, ts: string, after: string, before: string, limit: number, suffix: string): PageStatement {
  return { sql: finish(`${base} WHERE ${ts} > ${conn.placeholder(1)} AND ${ts} < ${conn.placeholder(2)} ORDER BY ${ts} ASC`, limit, suffix), params: [after, before] };
}

/** Every row of one timestamp (a group larger than a page). */
export function timestampGroup(conn: DbConnection, base: string, ts: string, at: string, suffix: string): PageStatement {
  return { sql: finish(`${base} WHERE ${ts} = ${conn.placeholder(1)} ORDER BY ${ts} ASC`, null, suffix), params: [at] };
}

export function timestampIncrementingPage(
  conn: DbConnection, base: string, ts: string, inc: string, afterTs: string, afterInc: bigint, before: string, limit: number, suffix: string,
): PageStatement {
  const p = (i: number): string => conn.placeholder(i);
  return {
    sql: finish(`${base} WHERE ${ts} < ${p(1)} AND ((${ts} = ${p(2)} AND ${inc} > ${p(3)}) OR ${ts} > ${p(4)}) ORDER BY ${ts},${inc} ASC`, limit, suffix),
    params: [before, afterTs, afterInc, afterTs],
  };
}

export function bulkPage(base: string, orderBy: readonly string[], limit: number, offset: number, suffix: string): PageStatement {
  const order = orderBy.length > 0 ? ` ORDER BY ${orderBy.join(',')}` : '';
  return { sql: finish(`${base}${order}`, limit, '') + ` OFFSET ${offset}` + (suffix !== '' ? ` ${suffix}` : ''), params: [] };
}
