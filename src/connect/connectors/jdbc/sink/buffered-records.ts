/**
 * The records of one put() for one table, turned into statements (Confluent's BufferedRecords):
 * records are split where the key or value schema changes (each run gets its FieldsMetadata and
 * the table is created/amended for it before any row is written), then written run by run in
 * order, consecutive writes and deletes each as multi-row statements:
 *
 *   insert  `INSERT INTO t(..) VALUES(..),(..)`; the affected-row count must match
 *   upsert  the dialect's multi-row upsert; a key written twice in one statement keeps its last
 *           record (what applying them one after the other leaves), which PostgreSQL's ON CONFLICT
 *           requires
 *   update  one `UPDATE .. WHERE pk = ..` per record
 *   delete  tombstones with `delete.enabled`: `DELETE .. WHERE pk IN (..)`
 *
 * A statement holds at most `batch.size` rows and 65,535 parameters. `prepare` does the DDL
 * (outside any transaction: MySQL commits DDL implicitly); `execute` writes, inside the
 * caller's transaction.
 */
import { Buffer } from 'node:buffer';
import type { SinkRecord } from '../../../api/data/connect-record.js';
import { schemasEqual, type Schema } from '../../../api/data/schema.js';
import { ConnectException } from '../../../api/errors.js';
import type { DbConnection } from '../db-connection.js';
import type { TableId } from '../table-metadata.js';
import type { DbStructure } from './db-structure.js';
import { extractFieldsMetadata, type FieldsMetadata } from './fields-metadata.js';
import type { JdbcSinkConfig } from './jdbc-sink-config.js';
import { createRowReaders, type RowReaders } from './row-readers.js';
import { MAX_BIND_PARAMETERS, type MultiRowParts, type SinkDialect } from './sink-dialect.js';
import { tableIdText } from './table-definitions.js';

interface Run {
  fields: FieldsMetadata;
  records: SinkRecord[];
}

/** The schemas the table was last prepared for, kept across puts so unchanged schemas cost nothing. */
export interface PreparedSchemas {
  keySchema: Schema | null;
  valueSchema: Schema | null;
  fields: FieldsMetadata;
}

const NO_PARAMS: readonly unknown[] = [];

/** Row readers by the FieldsMetadata they read (which lives as long as its table's prepared schemas). */
const rowReaders = new WeakMap<FieldsMetadata, RowReaders>();

function sameSchema(a: Schema | null, b: Schema | null): boolean {
  return a === b || schemasEqual(a, b);
}

export class BufferedRecords {
  private readonly runs: Run[] = [];

  constructor(
    private readonly config: JdbcSinkConfig,
    readonly tableId: TableId,
    private readonly dialect: SinkDialect,
    private readonly structure: DbStructure,
    /** The schemas from the previous put, updated as schemas change. */
    private prepared: PreparedSchemas | null,
  ) {}

  /** The schemas this table is prepared for after `prepare`. */
  preparedSchemas(): PreparedSchemas | null {
    return this.prepared;
  }

  /** Splits `records` into runs of one schema, creating/amending the table for each new schema. */
  async prepare(conn: DbConnection, records: readonly SinkRecord[]): Promise<void> {
    for (const record of records) {
      const isDelete = record.value === null;
      if (isDelete && !this.config.deleteEnabled) continue; // a tombstone without delete.enabled: nothing to write
      let current = this.prepared;
      const keyChanged = current === null || !sameSchema(current.keySchema, record.keySchema);
      // A delete carries no value schema; it is not a schema change.
      const valueChanged = current === null || (!isDelete && !sameSchema(current.valueSchema, record.valueSchema));
      if (keyChanged || valueChanged) {
        const valueSchema = isDelete ? current?.valueSchema ?? null : record.valueSchema;
        const fields = extractFieldsMetadata(this.tableId.name, this.config.pkMode, this.config.pkFields, this.config.fieldsWhitelist, record.keySchema, valueSchema);
        // A delete before any write of this table: there is no value schema to create it from, and nothing to delete if it is missing.
        if (isDelete && valueSchema === null && (await this.structure.tableDefinition(conn, this.tableId)) === null) continue;
        await this.structure.createOrAmendIfNecessary(this.config, conn, this.tableId, fields);
        current = { keySchema: record.keySchema, valueSchema, fields };
        this.prepared = current;
      }
      const last = this.runs[this.runs.length - 1];
      if (last !== undefined && last.fields === current!.fields) last.records.push(record);
      else this.runs.push({ fields: current!.fields, records: [record] });
    }
  }

  /**
   * Whether `execute` sends exactly one statement whose success is all there is to check: one run
   * of upserts (insert.mode=upsert) or of deletes that fits in one statement. Such a statement is
   * atomic on its own (the database applies all of its rows or none), so it needs no transaction.
   */
  singleStatement(): boolean {
    if (this.runs.length !== 1) return false;
    const { fields, records } = this.runs[0]!;
    const deletes = records[0]!.value === null;
    for (const r of records) if ((r.value === null) !== deletes) return false;
    if (deletes) return records.length <= this.rowsPerStatement(fields.keyFieldNames.length);
    return this.config.insertMode === 'upsert' && records.length <= this.rowsPerStatement(fields.keyFieldNames.length + fields.nonKeyFieldNames.length);
  }

  /** Writes every run in order; call inside a transaction (or alone, when `singleStatement()`). */
  async execute(conn: DbConnection): Promise<void> {
    for (const run of this.runs) {
      let i = 0;
      while (i < run.records.length) {
        const isDelete = run.records[i]!.value === null;
        let j = i;
        while (j < run.records.length && (run.records[j]!.value === null) === isDelete) j++;
        const group = run.records.slice(i, j);
        if (isDelete) await this.deleteRows(conn, run.fields, group);
        else await this.writeRows(conn, run.fields, group);
        i = j;
      }
    }
  }

  private rowsPerStatement(width: number): number {
    return Math.max(1, Math.min(this.config.batchSize > 0 ? this.config.batchSize : 1, Math.floor(MAX_BIND_PARAMETERS / Math.max(1, width))));
  }

  /** How the run's columns are read from a record and bound (decided once per FieldsMetadata). */
  private readers(fields: FieldsMetadata): RowReaders {
    let readers = rowReaders.get(fields);
    if (readers === undefined || readers.dialect !== this.dialect || readers.pkMode !== this.config.pkMode) {
      readers = createRowReaders(fields, this.config.pkMode, this.dialect);
      rowReaders.set(fields, readers);
    }
    return readers;
  }

  private async writeRows(conn: DbConnection, fields: FieldsMetadata, records: SinkRecord[]): Promise<void> {
    const keys = fields.keyFieldNames;
    const nonKeys = fields.nonKeyFieldNames;
    const mode = this.config.insertMode;
    if (mode === 'upsert' && keys.length === 0) {
      throw new ConnectException(`Write to table '${tableIdText(this.tableId)}' in UPSERT mode requires key field names to be known, check the primary key configuration`);
    }
    const readers = this.readers(fields);
    if (conn.sqlLiteral !== undefined && mode !== 'update') {
      await this.writeRowsAsText(conn, conn.sqlLiteral, readers, fields, records);
      return;
    }
    const rows = records.map((r) => ({ key: readers.keyParams(r), rest: readers.nonKeyParams(r) }));
    switch (mode) {
      case 'update': {
        if (nonKeys.length === 0) return; // nothing to set
        const sql = this.dialect.buildUpdate(this.tableId, keys, nonKeys);
        for (const row of rows) await conn.execute(sql, [...row.rest, ...row.key]);
        return;
      }
      case 'upsert': {
        // Last record per key wins, in the order the keys were last written.
        const byKey = new Map<string, { key: unknown[]; rest: unknown[] }>();
        for (const row of rows) {
          const k = keyText(row.key);
          byKey.delete(k);
          byKey.set(k, row);
        }
        await this.chunked(conn, [...byKey.values()], keys.length + nonKeys.length, (n) => this.dialect.buildUpsert(this.tableId, keys, nonKeys, n));
        return;
      }
      case 'insert': {
        const expected = rows.length;
        const affected = await this.chunked(conn, rows, keys.length + nonKeys.length, (n) => this.dialect.buildInsert(this.tableId, keys, nonKeys, n));
        if (affected !== expected) throw new ConnectException(`Update count (${affected}) did not sum up to total number of records inserted (${expected})`);
        return;
      }
    }
  }

  /**
   * Inserts and upserts on a connection that inlines parameters (MySQL): each row is written
   * straight into its `(..)` text with the connection's literals, and statements are the
   * dialect's head, the rows and its tail: the same text the general path has the connection
   * build from placeholders and parameters, without the parameter arrays and placeholder scan.
   */
  private async writeRowsAsText(conn: DbConnection, literal: (value: unknown) => string, readers: RowReaders, fields: FieldsMetadata, records: SinkRecord[]): Promise<void> {
    const keys = fields.keyFieldNames;
    const nonKeys = fields.nonKeyFieldNames;
    let rows: string[];
    let parts: MultiRowParts;
    if (this.config.insertMode === 'upsert') {
      // Last record per key wins, in the order the keys were last written. A key's literals
      // identify it as its parameters do (SQL literals read back unambiguously).
      const byKey = new Map<string, string>();
      for (const record of records) {
        const key = readers.keyText(record, literal);
        const rest = readers.nonKeyText(record, literal);
        byKey.delete(key);
        byKey.set(key, rest === null ? `(${key})` : `(${key},${rest})`);
      }
      rows = [...byKey.values()];
      parts = this.dialect.upsertParts(this.tableId, keys, nonKeys);
    } else {
      rows = new Array<string>(records.length);
      for (let i = 0; i < records.length; i++) {
        const record = records[i]!;
        const key = keys.length > 0 ? readers.keyText(record, literal) : null;
        const rest = readers.nonKeyText(record, literal);
        rows[i] = key === null ? `(${rest ?? ''})` : rest === null ? `(${key})` : `(${key},${rest})`;
      }
      parts = this.dialect.insertParts(this.tableId, keys, nonKeys);
    }
    const per = this.rowsPerStatement(keys.length + nonKeys.length);
    const affected = await this.queued(conn, Math.ceil(rows.length / per), (i) => {
      const chunk = rows.length <= per ? rows : rows.slice(i * per, i * per + per);
      // The head and tail joined with the rows: one flat string, not a concatenation the driver
      // would flatten (copy) again before encoding it.
      chunk[0] = parts.head + chunk[0]!;
      chunk[chunk.length - 1] += parts.tail;
      return [chunk.join(','), NO_PARAMS];
    });
    if (this.config.insertMode === 'insert' && affected !== records.length) {
      throw new ConnectException(`Update count (${affected}) did not sum up to total number of records inserted (${records.length})`);
    }
  }

  private async chunked(conn: DbConnection, rows: Array<{ key: unknown[]; rest: unknown[] }>, width: number, sql: (rows: number) => string): Promise<number> {
    const per = this.rowsPerStatement(width);
    return this.queued(conn, Math.ceil(rows.length / per), (i) => {
      const chunk = rows.slice(i * per, i * per + per);
      const params: unknown[] = [];
      for (const row of chunk) params.push(...row.key, ...row.rest);
      return [sql(chunk.length), params];
    });
  }

  /**
   * Runs `count` statements made by `statement(i)`, in order; resolves with the affected rows.
   * Each statement is handed to the connection while the one before it still runs: the driver
   * queues it and sends it when that one completes (statements run in order, in the caller's
   * transaction), so building it overlaps the database's work. The first failure is reported
   * (the caller rolls back); a statement queued behind it runs into the same rollback.
   */
  private async queued(conn: DbConnection, count: number, statement: (i: number) => [string, readonly unknown[]]): Promise<number> {
    let affected = 0;
    let running: Promise<number> | null = null;
    for (let i = 0; i < count; i++) {
      const [sql, params] = statement(i);
      const next = conn.execute(sql, params);
      next.catch(() => undefined); // awaited below; not an unhandled rejection if an earlier statement fails first
      if (running !== null) affected += await running;
      running = next;
    }
    if (running !== null) affected += await running;
    return affected;
  }

  private async deleteRows(conn: DbConnection, fields: FieldsMetadata, records: SinkRecord[]): Promise<void> {
    if (this.config.pkMode !== 'record_key') throw new ConnectException('Deletes are only supported for pk.mode record_key');
    const keys = fields.keyFieldNames;
    if (keys.length === 0) throw new ConnectException('Require primary keys to support delete');
    const readers = this.readers(fields);
    const rows = records.map((r) => readers.keyParams(r));
    const per = this.rowsPerStatement(keys.length);
    for (let i = 0; i < rows.length; i += per) {
      const chunk = rows.slice(i, i + per);
      await conn.execute(this.dialect.buildDelete(this.tableId, keys, chunk.length), chunk.flat());
    }
  }
}

/** A stable text for a key's bind parameters (for de-duplicating upserts). */
function keyText(params: readonly unknown[]): string {
  return params.map((p) => {
    if (p === null) return 'N';
    if (typeof p === 'bigint') return `b${p}`;
    if (Buffer.isBuffer(p)) return `x${p.toString('hex')}`;
    return `${typeof p}:${String(p)}`;
  }).join('\u0000');
}
