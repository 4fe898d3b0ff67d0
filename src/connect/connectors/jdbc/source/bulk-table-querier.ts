/**
 * Bulk mode (Confluent's BulkTableQuerier): every cycle copies the whole table (or the whole
 * custom query's result) again. Records carry the table's source partition and no offset. A
 * table with a primary key is read in pages after the last key seen (keyset paging, cheap at any
 * depth); one without in LIMIT/OFFSET pages; a custom query runs as it is.
 */
import { SourceRecord } from '../../../api/data/connect-record.js';
import type { DbConnection } from '../db-connection.js';
import type { SourceColumn } from './column-mapping.js';
import { bulkPage } from './query-criteria.js';
import { TableQuerier } from './table-querier.js';

export class BulkTableQuerier extends TableQuerier {
  private columns: SourceColumn[] = [];
  private offset = 0;
  /** The primary key of the last row read this cycle (keyset paging), null before the first page. */
  private lastKey: unknown[] | null = null;

  protected async startCycle(conn: DbConnection): Promise<void> {
    this.columns = await this.describe(conn);
    this.offset = 0;
    this.lastKey = null;
  }

  protected async fetchPage(conn: DbConnection): Promise<{ records: SourceRecord[]; last: boolean }> {
    const names = this.names(conn);
    const base = this.baseQuery(conn);
    let statement: { sql: string; params: unknown[] };
    let paged = false;
    const keyColumns = this.columns.filter((c) => c.primaryKey === true).map((c) => c.name);
    if (this.target.table !== undefined && keyColumns.length > 0) {
      const keys = keyColumns.map((c) => names.identifier(c));
      const tuple = (items: string[]): string => (items.length === 1 ? items[0]! : `(${items.join(', ')})`);
      const where = this.lastKey === null ? '' : ` WHERE ${tuple(keys)} > ${tuple(keys.map((_, i) => conn.placeholder(i + 1)))}`;
      let sql = `${base}${where} ORDER BY ${keys.join(',')} LIMIT ${this.pageRows}`;
      if (this.config.querySuffix !== '') sql += ` ${this.config.querySuffix}`;
      statement = { sql, params: this.lastKey ?? [] };
      paged = true;
    } else if (this.target.table !== undefined) {
      statement = bulkPage(base, [], this.pageRows, this.offset, this.config.querySuffix);
      paged = true;
    } else {
      statement = { sql: this.config.querySuffix !== '' ? `${base} ${this.config.querySuffix}` : base, params: [] };
    }
    const result = await this.pageQuery(conn, statement.sql, statement.params);
    const mapping = this.schemaMapping(conn, result, this.columns);
    const records = result.rows.map((row) => new SourceRecord({
      sourcePartition: this.partition,
      sourceOffset: null,
      topic: this.topic,
      valueSchema: mapping.schema,
      value: mapping.toStruct(row),
    }));
    this.offset += result.rows.length;
    if (keyColumns.length > 0 && result.rows.length > 0) {
      const last = result.rows[result.rows.length - 1]!;
      this.lastKey = keyColumns.map((name) => last[mapping.columnIndex(name)]);
    }
    return { records, last: !paged || result.rows.length < this.pageRows };
  }
}
