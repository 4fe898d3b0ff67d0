/**
 * The incrementing, timestamp and timestamp+incrementing modes (Confluent's
 * TimestampIncrementingTableQuerier): each cycle reads the rows after the last offset, in
 * offset order, and every record carries the offset just after it, so a task restarted from
 * the committed offsets continues with the next row — nothing twice, nothing lost.
 *
 *   incrementing            rows with inc > offset; offset {"incrementing": n}
 *   timestamp               rows with offset < ts < now - timestamp.delay.interval.ms
 *   timestamp+incrementing  rows after (ts, inc) and before that bound; updated rows reappear
 *
 * "now" is the database's clock at the start of the cycle. Timestamp-only pages never end in the
 * middle of a group of rows with the same timestamp (the offset `ts > t` could not resume inside
 * one): a full page gives back its trailing group, and a group larger than a page is read whole.
 * Inside a group every record but the last carries the offset before the group.
 */
import { SourceRecord } from '../../../api/data/connect-record.js';
import { ConnectException } from '../../../api/errors.js';
import type { DbConnection, QueryResult } from '../db-connection.js';
import { epochMicrosToWallClock, wallClockToEpochMicros } from '../db-time.js';
import type { SourceColumn } from './column-mapping.js';
import { isZoneAwareTimestamp } from './column-mapping.js';
import { MODE_INCREMENTING, MODE_TIMESTAMP, MODE_TIMESTAMP_INCREMENTING, TIMESTAMP_INITIAL_CURRENT } from './jdbc-source-config.js';
import type { JdbcSourceConfig } from './jdbc-source-config.js';
import { incrementingPage, timestampGroup, timestampIncrementingPage, timestampPage } from './query-criteria.js';
import type { SchemaMapping } from './schema-mapping.js';
import { offsetToMap } from './source-offsets.js';
import type { TimestampIncrementingOffset } from './source-offsets.js';
import { TableQuerier } from './table-querier.js';
import type { QuerierTarget } from './table-querier.js';
import type { Logger } from '../../../../logging/logger.js';

/** Where the next row starts, as far as this querier handed rows out. */
export class TimestampIncrementingTableQuerier extends TableQuerier {
  private offset: TimestampIncrementingOffset;
  private incrementingColumn: string | null;
  private readonly timestampColumns: readonly string[];
  private columns: SourceColumn[] = [];
  /** Zone of the timestamp bind values: UTC for zone-aware columns, else db.timezone. */
  private bindZone: string | null = null;
  private endMicros = 0n;

  constructor(target: QuerierTarget, config: JdbcSourceConfig, logger: Logger, storedOffset: TimestampIncrementingOffset) {
    super(target, config, logger);
    this.offset = { ...storedOffset };
    const usesIncrementing = config.mode === MODE_INCREMENTING || config.mode === MODE_TIMESTAMP_INCREMENTING;
    const usesTimestamp = config.mode === MODE_TIMESTAMP || config.mode === MODE_TIMESTAMP_INCREMENTING;
    this.incrementingColumn = usesIncrementing ? config.incrementingColumn : null;
    this.timestampColumns = usesTimestamp ? config.timestampColumns : [];
  }

  /** The offset after the last record handed out. */
  currentOffset(): TimestampIncrementingOffset {
    return { ...this.offset };
  }

  private get usesTimestamp(): boolean {
    return this.timestampColumns.length > 0;
  }

  protected async startCycle(conn: DbConnection): Promise<void> {
    this.columns = await this.describe(conn);
    if (this.incrementingColumn === '') this.incrementingColumn = this.detectIncrementingColumn();
    if (this.usesTimestamp && this.bindZone === null) this.bindZone = await this.timestampZone(conn);
    if (this.incrementingColumn !== null && this.offset.incrementing === null) this.offset.incrementing = -1n;
    if (this.usesTimestamp) {
      const now = await databaseNowMicros(conn);
      if (this.offset.timestampMicros === null) {
        const initial = this.config.timestampInitial;
        this.offset.timestampMicros = initial === TIMESTAMP_INITIAL_CURRENT ? now : initial !== null ? initial * 1000n : 0n;
      }
      this.endMicros = now - BigInt(this.config.timestampDelayMs) * 1000n;
    }
  }

  /** The table's auto-increment column, for an empty incrementing.column.name. */
  private detectIncrementingColumn(): string {
    if (this.target.table === undefined) {
      throw new ConnectException(`Cannot detect the incrementing column of a custom query; set incrementing.column.name`);
    }
    const found = this.columns.filter((c) => c.autoIncrement === true);
    if (found.length !== 1) {
      throw new ConnectException(`Cannot make incremental queries on ${this.describeTarget()}: incrementing.column.name is empty and the table has ${found.length === 0 ? 'no auto-increment column' : 'several auto-increment columns'}`);
    }
    return found[0]!.name;
  }

  /** UTC when the first timestamp column is zone-aware (MySQL TIMESTAMP, timestamptz), else db.timezone. */
  private async timestampZone(conn: DbConnection): Promise<string> {
    const first = this.timestampColumns[0]!;
    let type: string | undefined = this.columns.find((c) => c.name === first)?.type;
    if (type === undefined && this.target.query !== undefined) {
      const probe = await conn.query(`SELECT * FROM (${this.target.query}) samsa_probe WHERE 1 = 0`);
      type = probe.columns.find((c) => c.name === first)?.type;
    }
    return type !== undefined && isZoneAwareTimestamp(conn.dialect, type) ? 'UTC' : this.config.dbTimeZone;
  }

  private tsText(micros: bigint): string {
    return epochMicrosToWallClock(micros, this.bindZone ?? this.config.dbTimeZone, 6);
  }

  protected async fetchPage(conn: DbConnection): Promise<{ records: SourceRecord[]; last: boolean }> {
    const names = this.names(conn);
    const base = this.baseQuery(conn);
    const suffix = this.config.querySuffix;
    const inc = this.incrementingColumn !== null ? names.identifier(this.incrementingColumn) : '';
    const ts = this.usesTimestamp ? names.timestampExpression(this.timestampColumns) : '';
    if (!this.usesTimestamp) {
      const page = incrementingPage(conn, base, inc, this.offset.incrementing!, this.pageRows, suffix);
      const result = await this.pageQuery(conn, page.sql, page.params);
      return { records: this.toRecords(conn, result, result.rows, null), last: result.rows.length < this.pageRows };
    }
    if (this.incrementingColumn !== null) {
      const page = timestampIncrementingPage(conn, base, ts, inc, this.tsText(this.offset.timestampMicros!), this.offset.incrementing!, this.tsText(this.endMicros), this.pageRows, suffix);
      const result = await this.pageQuery(conn, page.sql, page.params);
      return { records: this.toRecords(conn, result, result.rows, null), last: result.rows.length < this.pageRows };
    }
    if (this.offset.timestampMicros! >= this.endMicros) return { records: [], last: true };
    const page = timestampPage(conn, base, ts, this.tsText(this.offset.timestampMicros!), this.tsText(this.endMicros), this.pageRows, suffix);
    const result = await this.pageQuery(conn, page.sql, page.params);
    if (result.rows.length < this.pageRows) return { records: this.toRecords(conn, result, result.rows, groupEnds(result.rows.map((r) => this.rowTimestamp(conn, result, r)))), last: true };
    const stamps = result.rows.map((r) => this.rowTimestamp(conn, result, r));
    const lastStamp = stamps[stamps.length - 1]!;
    const firstOfLastGroup = stamps.indexOf(lastStamp);
    if (firstOfLastGroup > 0) {
      const rows = result.rows.slice(0, firstOfLastGroup);
      return { records: this.toRecords(conn, result, rows, groupEnds(stamps.slice(0, firstOfLastGroup))), last: false };
    }
    // One timestamp fills the page: read its whole group.
    const group = timestampGroup(conn, base, ts, this.tsText(lastStamp), suffix);
    const all = await this.pageQuery(conn, group.sql, group.params);
    const groupStamps = all.rows.map((r) => this.rowTimestamp(conn, all, r));
    return { records: this.toRecords(conn, all, all.rows, groupEnds(groupStamps)), last: false };
  }

  /** The row's COALESCE(ts...) as epoch µs. */
  private rowTimestamp(conn: DbConnection, result: QueryResult, row: readonly unknown[]): bigint {
    for (const name of this.timestampColumns) {
      const index = columnIndex(result, name);
      const value = row[index];
      if (value === null || value === undefined) continue;
      const zone = isZoneAwareTimestamp(conn.dialect, result.columns[index]!.type) ? 'UTC' : this.config.dbTimeZone;
      return wallClockToEpochMicros(String(value), zone);
    }
    throw new ConnectException(`Cannot read the timestamp of a row of ${this.describeTarget()}: every timestamp column (${this.timestampColumns.join(', ')}) is NULL`);
  }

  private rowIncrementing(result: QueryResult, row: readonly unknown[], index = columnIndex(result, this.incrementingColumn!)): bigint {
    const value = row[index];
    if (typeof value === 'bigint') return value;
    if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
    if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value);
    if (value === null || value === undefined) throw new ConnectException(`Null value for incrementing column ${this.incrementingColumn} of ${this.describeTarget()}`);
    throw new ConnectException(`Invalid type for incrementing column: ${result.columns[index]!.type}`);
  }

  /**
   * Records of `rows`, advancing the offset. `groupLast[i]` says whether row i ends its timestamp
   * group (timestamp-only mode); other rows keep the offset from before their group.
   */
  private toRecords(conn: DbConnection, result: QueryResult, rows: readonly (readonly unknown[])[], groupLast: boolean[] | null): SourceRecord[] {
    if (rows.length === 0) return [];
    const mapping: SchemaMapping = this.schemaMapping(conn, result, this.columns);
    const records: SourceRecord[] = [];
    let incrementingIndex = -1; // looked up at the first row
    rows.forEach((row, i) => {
      const value = mapping.toStruct(row);
      const next: TimestampIncrementingOffset = { incrementing: this.offset.incrementing, timestampMicros: this.offset.timestampMicros };
      if (this.incrementingColumn !== null) {
        if (incrementingIndex < 0) incrementingIndex = columnIndex(result, this.incrementingColumn);
        next.incrementing = this.rowIncrementing(result, row, incrementingIndex);
      }
      if (this.usesTimestamp) next.timestampMicros = this.rowTimestamp(conn, result, row);
      if (groupLast === null || groupLast[i] === true) this.offset = next;
      records.push(new SourceRecord({ sourcePartition: this.partition, sourceOffset: offsetToMap(this.offset), topic: this.topic, valueSchema: mapping.schema, value }));
    });
    return records;
  }
}

function columnIndex(result: QueryResult, name: string): number {
  let index = result.columns.findIndex((c) => c.name === name);
  if (index < 0) index = result.columns.findIndex((c) => c.name.toLowerCase() === name.toLowerCase());
  if (index < 0) throw new ConnectException(`${name} is not a valid field name`);
  return index;
}

/** For sorted timestamps: whether each is the last of its run of equal values. */
function groupEnds(stamps: readonly bigint[]): boolean[] {
  return stamps.map((s, i) => i === stamps.length - 1 || stamps[i + 1] !== s);
}

/** The database's clock as epoch µs. */
export async function databaseNowMicros(conn: DbConnection): Promise<bigint> {
  const sql = conn.dialect === 'mysql' ? 'SELECT UTC_TIMESTAMP(6)' : 'SELECT CURRENT_TIMESTAMP';
  const { rows } = await conn.query(sql);
  return wallClockToEpochMicros(String(rows[0]![0]), 'UTC');
}
