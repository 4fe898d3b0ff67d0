/**
 * Bulk mode (Confluent's BulkTableQuerier): every cycle copies the whole table (or the whole
 * custom query's result) again. Records carry the table's source partition and no offset. A
 * table is read in pages ordered by its primary key (LIMIT/OFFSET); a custom query runs as it is.
 */
import { SourceRecord } from '../../../api/data/connect-record.js';
import type { DbConnection } from '../db-connection.js';
import type { SourceColumn } from './column-mapping.js';
import { bulkPage } from './query-criteria.js';
import { createSchemaMapping, resultColumns } from './schema-mapping.js';
import { TableQuerier } from './table-querier.js';

export class BulkTableQuerier extends TableQuerier {
  private columns: SourceColumn[] = [];
  private offset = 0;

  protected async startCycle(conn: DbConnection): Promise<void> {
    this.columns = await this.describe(conn);
    this.offset = 0;
  }

  protected async fetchPage(conn: DbConnection): Promise<{ records: SourceRecord[]; last: boolean }> {
    const names = this.names(conn);
    const base = this.baseQuery(conn);
    let statement: { sql: string; params: unknown[] };
    let paged = false;
    if (this.target.table !== undefined) {
      const order = this.columns.filter((c) => c.primaryKey === true).map((c) => names.identifier(c.name));
      statement = bulkPage(base, order, this.pageRows, this.offset, this.config.querySuffix);
      paged = true;
    } else {
      statement = { sql: this.config.querySuffix !== '' ? `${base} ${this.config.querySuffix}` : base, params: [] };
    }
    const result = await conn.query(statement.sql, statement.params);
    const mapping = createSchemaMapping(
      this.schemaName(), result.columns.map((c) => c.name), this.columns, resultColumns(result.columns),
      conn.dialect, this.config.numericMapping, this.config.dbTimeZone, this.logger,
    );
    const records = result.rows.map((row) => new SourceRecord({
      sourcePartition: this.partition,
      sourceOffset: null,
      topic: this.topic,
      valueSchema: mapping.schema,
      value: mapping.toStruct(row),
    }));
    this.offset += result.rows.length;
    return { records, last: !paged || result.rows.length < this.pageRows };
  }
}
