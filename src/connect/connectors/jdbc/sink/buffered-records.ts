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
import type { SinkRecord } from '../../../api/data/connect-record.js';
import { schemasEqual, type Schema } from '../../../api/data/schema.js';
import { Struct } from '../../../api/data/struct.js';
import { ConnectException } from '../../../api/errors.js';
import type { DbConnection } from '../db-connection.js';
import type { TableId } from '../table-metadata.js';
import type { DbStructure } from './db-structure.js';
import { extractFieldsMetadata, type FieldsMetadata, type SinkRecordField } from './fields-metadata.js';
import type { JdbcSinkConfig } from './jdbc-sink-config.js';
import { MAX_BIND_PARAMETERS, type SinkDialect } from './sink-dialect.js';
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

  private keyParams(fields: FieldsMetadata, record: SinkRecord): unknown[] {
    const out: unknown[] = [];
    const [topicName, partitionName] = fields.keyFieldNames;
    for (const name of fields.keyFieldNames) {
      const field = fields.allFields.get(name)!;
      let value: unknown;
      switch (this.config.pkMode) {
        case 'kafka':
          value = name === topicName ? record.topic : name === partitionName ? record.kafkaPartition : record.kafkaOffset;
          break;
        case 'record_key':
          value = record.keySchema !== null && record.keySchema.type === 'STRUCT' ? (record.key as Struct).get(name) : record.key;
          break;
        case 'record_value':
          value = (record.value as Struct).get(name);
          break;
        default:
          throw new ConnectException(`Unknown primary key mode: ${this.config.pkMode}`);
      }
      out.push(this.bind(field, value));
    }
    return out;
  }

  private nonKeyParams(fields: FieldsMetadata, record: SinkRecord): unknown[] {
    const value = record.value;
    if (!(value instanceof Struct)) throw new ConnectException(`Value of record at (topic='${record.topic}',partition=${record.kafkaPartition},offset=${record.kafkaOffset}) is not a Struct`);
    return fields.nonKeyFieldNames.map((name) => this.bind(fields.allFields.get(name)!, value.get(name)));
  }

  private bind(field: SinkRecordField, value: unknown): unknown {
    return this.dialect.bindParameter(field.schema, value);
  }

  private async writeRows(conn: DbConnection, fields: FieldsMetadata, records: SinkRecord[]): Promise<void> {
    const keys = fields.keyFieldNames;
    const nonKeys = fields.nonKeyFieldNames;
    const rows = records.map((r) => ({ key: this.keyParams(fields, r), rest: this.nonKeyParams(fields, r) }));
    switch (this.config.insertMode) {
      case 'update': {
        if (nonKeys.length === 0) return; // nothing to set
        const sql = this.dialect.buildUpdate(this.tableId, keys, nonKeys);
        for (const row of rows) await conn.execute(sql, [...row.rest, ...row.key]);
        return;
      }
      case 'upsert': {
        if (keys.length === 0) {
          throw new ConnectException(`Write to table '${tableIdText(this.tableId)}' in UPSERT mode requires key field names to be known, check the primary key configuration`);
        }
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

  private async chunked(conn: DbConnection, rows: Array<{ key: unknown[]; rest: unknown[] }>, width: number, sql: (rows: number) => string): Promise<number> {
    const per = this.rowsPerStatement(width);
    let affected = 0;
    // Each statement is handed to the connection while the one before it still runs: the driver
    // queues it and sends it when that one completes (statements run in order, in the caller's
    // transaction), so building it overlaps the database's work. The first failure is reported
    // (the caller rolls back); a statement queued behind it runs into the same rollback.
    let running: Promise<number> | null = null;
    for (let i = 0; i < rows.length; i += per) {
      const chunk = rows.slice(i, i + per);
      const params: unknown[] = [];
      for (const row of chunk) params.push(...row.key, ...row.rest);
      const next = conn.execute(sql(chunk.length), params);
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
    const rows = records.map((r) => this.keyParams(fields, r));
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
