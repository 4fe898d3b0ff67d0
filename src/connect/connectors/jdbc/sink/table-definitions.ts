/**
 * A cache of the sink's target tables as the database describes them (Confluent's
 * TableDefinitions): columns from information_schema (table-metadata.ts) and whether the table
 * is a TABLE or a VIEW. `get` reads a table once and then answers from the cache; `refresh`
 * re-reads it after a CREATE or ALTER. A table that does not exist is not cached.
 */
import type { DbConnection } from '../db-connection.js';
import { describeColumns } from '../table-metadata.js';
import type { TableColumn, TableId } from '../table-metadata.js';

export interface TableDefinition {
  readonly id: TableId;
  readonly type: 'TABLE' | 'VIEW';
  readonly columns: ReadonlyMap<string, TableColumn>;
}

export function tableIdText(id: TableId): string {
  return [id.catalog, id.schema, id.name].filter((p) => p !== undefined && p !== '').map((p) => `"${p}"`).join('.');
}

export class TableDefinitions {
  private readonly cache = new Map<string, TableDefinition>();

  async get(conn: DbConnection, id: TableId): Promise<TableDefinition | null> {
    return this.cache.get(tableIdText(id)) ?? this.refresh(conn, id);
  }

  async refresh(conn: DbConnection, id: TableId): Promise<TableDefinition | null> {
    const key = tableIdText(id);
    const columns = await describeColumns(conn, id);
    if (columns.length === 0) {
      this.cache.delete(key);
      return null;
    }
    const definition: TableDefinition = { id, type: await tableType(conn, id), columns: new Map(columns.map((c) => [c.name, c])) };
    this.cache.set(key, definition);
    return definition;
  }

  clear(): void {
    this.cache.clear();
  }
}

async function tableType(conn: DbConnection, id: TableId): Promise<'TABLE' | 'VIEW'> {
  const { rows } = conn.dialect === 'mysql'
    ? await conn.query(`SELECT TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_NAME = ? AND TABLE_SCHEMA = ${id.catalog !== undefined ? '?' : 'DATABASE()'}`, id.catalog !== undefined ? [id.name, id.catalog] : [id.name])
    : await conn.query(`SELECT table_type FROM information_schema.tables WHERE table_name = $1 AND table_schema = ${id.schema !== undefined ? '$2' : 'current_schema()'}`, id.schema !== undefined ? [id.name, id.schema] : [id.name]);
  return rows.length > 0 && String(rows[0]![0]).toUpperCase().includes('VIEW') ? 'VIEW' : 'TABLE';
}
