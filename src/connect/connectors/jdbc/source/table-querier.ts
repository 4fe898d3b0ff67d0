/**
 * A TableQuerier reads one table (or the custom query) in cycles, as Confluent's TableQuerier:
 * a cycle starts when the task finds it due (`poll.interval.ms` after the previous cycle ended),
 * runs page queries until the rows are exhausted, and hands the rows out as SourceRecords in
 * batches of at most `batch.max.rows`. Pages are bounded (LIMIT), so memory stays bounded
 * however large the table is, while every record's source offset is exact.
 */
import type { SourceRecord } from '../../../api/data/connect-record.js';
import type { Logger } from '../../../../logging/logger.js';
import type { DbConnection } from '../db-connection.js';
import type { TableId } from '../table-metadata.js';
import type { JdbcSourceConfig } from './jdbc-source-config.js';
import { SqlNames } from './query-criteria.js';
import type { QueryOptions, QueryResult } from '../db-connection.js';
import { createSchemaMapping, describeSourceColumns, resultColumns } from './schema-mapping.js';
import type { SchemaMapping } from './schema-mapping.js';
import type { SourceColumn } from './column-mapping.js';
import type { SourcePartition } from './source-offsets.js';
import { QUERY_PARTITION, partitionForProtocolV1 } from './source-offsets.js';

/** Table mode (`table` set) or query mode (`query` set). */
export interface QuerierTarget {
  table?: TableId;
  query?: string;
}

/**
 * MySQL result column types whose values mysql2 reads the same through the text protocol as
 * through the binary one (FLOAT and DOUBLE are not: the text protocol carries the server's
 * rounded decimal text).
 */
const TEXT_PROTOCOL_TYPES = new Set([
  'TINYINT', 'SMALLINT', 'MEDIUMINT', 'INT', 'BIGINT', 'DECIMAL', 'BIT', 'YEAR', 'DATE', 'TIME', 'DATETIME', 'TIMESTAMP',
  'CHAR', 'VARCHAR', 'TINYTEXT', 'TEXT', 'MEDIUMTEXT', 'LONGTEXT', 'ENUM', 'SET', 'JSON',
  'BINARY', 'VARBINARY', 'TINYBLOB', 'BLOB', 'MEDIUMBLOB', 'LONGBLOB',
]);
const INLINE_PARAMETERS: QueryOptions = { inlineParameters: true };

/** Rows per page query: at least batch.max.rows, and not so few that large copies need a query per 100 rows. */
export const MIN_PAGE_ROWS = 1000;

export abstract class TableQuerier {
  /** When the last cycle ended (ms); 0 before the first. */
  lastUpdate = 0;
  protected cycleActive = false;
  /** Records fetched and not handed out yet. */
  protected pending: SourceRecord[] = [];
  /** No page left in this cycle. */
  protected exhausted = false;
  readonly partition: SourcePartition;
  readonly topic: string;
  protected readonly pageRows: number;
  /** The last page's mapping, reused while the columns stay the same (one Schema object for a cycle's records, as Confluent's one per query). */
  /** Page queries may use MySQL's text protocol (no column read differently there was seen). */
  private textProtocol = true;
  private lastMapping: { described: readonly SourceColumn[]; signature: string; mapping: SchemaMapping } | null = null;

  constructor(
    readonly target: QuerierTarget,
    protected readonly config: JdbcSourceConfig,
    protected readonly logger: Logger,
  ) {
    this.partition = target.table !== undefined ? partitionForProtocolV1(target.table) : QUERY_PARTITION;
    this.topic = target.table !== undefined ? config.topicPrefix + target.table.name : config.topicPrefix;
    this.pageRows = Math.max(config.batchMaxRows, MIN_PAGE_ROWS);
  }

  /** In the middle of a cycle (Confluent's `querying()`): the task keeps reading without waiting. */
  querying(): boolean {
    return this.cycleActive;
  }

  /** Up to `max` records; starts a cycle when none is active. Sets `done()` when the cycle has nothing more. */
  async next(conn: DbConnection, max: number): Promise<SourceRecord[]> {
    if (!this.cycleActive) {
      this.cycleActive = true;
      this.exhausted = false;
      this.pending = [];
      await this.startCycle(conn);
    }
    while (this.pending.length === 0 && !this.exhausted) {
      const page = await this.fetchPage(conn);
      this.pending = page.records;
      this.exhausted = page.last;
    }
    return this.pending.splice(0, max);
  }

  /** The cycle has handed out everything. */
  done(): boolean {
    return this.cycleActive && this.exhausted && this.pending.length === 0;
  }

  /** Ends the cycle (also after an error: the rows not handed out are read again next cycle). */
  reset(now: number): void {
    this.cycleActive = false;
    this.pending = [];
    this.exhausted = false;
    this.lastUpdate = now;
    this.afterReset();
  }

  protected names(conn: DbConnection): SqlNames {
    return new SqlNames(conn, this.config.quoteIdentifiers);
  }

  /** `SELECT * FROM table` or the custom query. */
  protected baseQuery(conn: DbConnection): string {
    return this.target.table !== undefined ? `SELECT * FROM ${this.names(conn).table(this.target.table)}` : this.target.query!;
  }

  /** The table's columns (table mode); [] in query mode. Fails when the table is gone. */
  protected async describe(conn: DbConnection): Promise<SourceColumn[]> {
    if (this.target.table === undefined) return [];
    const columns = await describeSourceColumns(conn, this.target.table);
    if (columns.length === 0) throw new Error(`Table ${this.describeTarget()} does not exist or has no columns`);
    return columns;
  }

  /**
   * Runs a page query. On MySQL it goes through the text protocol (cheaper rows), unless the
   * result has a column read differently there (FLOAT, DOUBLE, ...): then that page is read again
   * through the binary protocol, as are all later pages of this querier.
   */
  protected async pageQuery(conn: DbConnection, sql: string, params: readonly unknown[]): Promise<QueryResult> {
    // (Without parameters the MySQL connection uses the text protocol anyway.)
    if (conn.dialect === 'mysql' && this.textProtocol && params.length > 0) {
      const result = await conn.query(sql, params, INLINE_PARAMETERS);
      if (result.columns.every((c) => TEXT_PROTOCOL_TYPES.has(c.type.replace(/ UNSIGNED$/, '')))) return result;
      this.textProtocol = false;
    }
    return conn.query(sql, params);
  }

  /** The mapping of a page's result: the previous page's while the described and the result columns are unchanged. */
  protected schemaMapping(conn: DbConnection, result: QueryResult, described: readonly SourceColumn[]): SchemaMapping {
    const signature = JSON.stringify(result.columns);
    const last = this.lastMapping;
    if (last !== null && last.described === described && last.signature === signature) return last.mapping;
    const mapping = createSchemaMapping(
      this.schemaName(), result.columns.map((c) => c.name), described, resultColumns(result.columns),
      conn.dialect, this.config.numericMapping, this.config.dbTimeZone, this.logger,
    );
    this.lastMapping = { described, signature, mapping };
    return mapping;
  }

  /** The schema's name: the unqualified table name, null in query mode. */
  protected schemaName(): string | null {
    return this.target.table?.name ?? null;
  }

  describeTarget(): string {
    return this.target.table !== undefined ? [this.target.table.catalog ?? this.target.table.schema, this.target.table.name].filter((x) => x !== undefined).join('.') : `query '${this.target.query}'`;
  }

  toString(): string {
    return `${this.constructor.name}{${this.describeTarget()}}`;
  }

  protected abstract startCycle(conn: DbConnection): Promise<void>;
  protected abstract fetchPage(conn: DbConnection): Promise<{ records: SourceRecord[]; last: boolean }>;
  protected afterReset(): void {}
}
