/**
 * Table metadata both JDBC connectors need, read from information_schema: the tables a source
 * may copy (`listTables`, JDBC getTables semantics: `catalog.pattern`/`schema.pattern` are SQL
 * LIKE patterns, `table.types` TABLE/VIEW), and a table's columns with nullability, primary key
 * and auto-increment (`describeColumns`), for the source's schemas and the sink's auto.create /
 * auto.evolve. MySQL has catalogs (databases) and no schemas, as Connector/J reports them;
 * PostgreSQL has one catalog (the connected database) holding schemas.
 */
import type { ColumnInfo, DbConnection } from './db-connection.js';

/** A table's name, qualified as far as the dialect has levels: MySQL `catalog`, PostgreSQL `schema` (and `catalog` = the database). */
export interface TableId {
  catalog?: string;
  schema?: string;
  name: string;
}

export interface TableColumn extends ColumnInfo {
  table: string;
  nullable: boolean;
  primaryKey: boolean;
  autoIncrement: boolean;
  /** 1-based position in the table. */
  position: number;
  /** The column's default as the database writes it (an expression), or null. */
  defaultValue: string | null;
  /** Declared length of character and binary string types. */
  length?: number;
}

export interface ListTablesOptions {
  /** SQL LIKE pattern on the catalog (MySQL database). Default: MySQL the connected database (every non-system database when the URL has none); PostgreSQL the connected database. */
  catalogPattern?: string | null;
  /** SQL LIKE pattern on the schema (PostgreSQL). Default: every schema except the system ones. */
  schemaPattern?: string | null;
  /** JDBC table types: TABLE, VIEW. Default ['TABLE']. */
  tableTypes?: readonly string[];
}

const MYSQL_SYSTEM = ['information_schema', 'mysql', 'performance_schema', 'sys'];
const POSTGRES_SYSTEM = ['information_schema', 'pg_catalog', 'pg_toast'];

function informationSchemaTypes(tableTypes: readonly string[]): string[] {
  const types: string[] = [];
  for (const t of tableTypes.map((x) => x.trim().toUpperCase())) {
    if (t === 'TABLE') types.push('BASE TABLE');
    else if (t === 'VIEW') types.push('VIEW', 'SYSTEM VIEW');
    else if (t === 'SYSTEM VIEW' || t === 'SYSTEM TABLE') types.push('SYSTEM VIEW');
    else if (t !== '') types.push(t);
  }
  return types;
}

function placeholders(conn: DbConnection, from: number, count: number): string {
  return Array.from({ length: count }, (_, i) => conn.placeholder(from + i)).join(', ');
}

/** The tables (and views when asked) matching the patterns, sorted by catalog/schema and name. */
export async function listTables(conn: DbConnection, options: ListTablesOptions = {}): Promise<TableId[]> {
  const types = informationSchemaTypes(options.tableTypes ?? ['TABLE']);
  if (types.length === 0) return [];
  const params: unknown[] = [...types];
  let sql: string;
  if (conn.dialect === 'mysql') {
    sql = `SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES WHERE TABLE_TYPE IN (${placeholders(conn, 1, types.length)})`;
    if (options.catalogPattern !== undefined && options.catalogPattern !== null) {
      params.push(options.catalogPattern);
      sql += ` AND TABLE_SCHEMA LIKE ${conn.placeholder(params.length)}`;
    } else if (conn.database !== undefined) {
      params.push(conn.database);
      sql += ` AND TABLE_SCHEMA = ${conn.placeholder(params.length)}`;
    } else {
      sql += ` AND TABLE_SCHEMA NOT IN (${placeholders(conn, params.length + 1, MYSQL_SYSTEM.length)})`;
      params.push(...MYSQL_SYSTEM);
    }
    sql += ' ORDER BY TABLE_SCHEMA, TABLE_NAME';
    const { rows } = await conn.query(sql, params);
    return rows.map((r) => ({ catalog: String(r[0]), name: String(r[1]) }));
  }
  sql = `SELECT table_catalog, table_schema, table_name FROM information_schema.tables WHERE table_type IN (${placeholders(conn, 1, types.length)})`;
  if (options.catalogPattern !== undefined && options.catalogPattern !== null) {
    params.push(options.catalogPattern);
    sql += ` AND table_catalog LIKE ${conn.placeholder(params.length)}`;
  }
  if (options.schemaPattern !== undefined && options.schemaPattern !== null) {
    params.push(options.schemaPattern);
    sql += ` AND table_schema LIKE ${conn.placeholder(params.length)}`;
  } else {
    sql += ` AND table_schema NOT IN (${placeholders(conn, params.length + 1, POSTGRES_SYSTEM.length)}) AND table_schema NOT LIKE 'pg\\_temp\\_%' AND table_schema NOT LIKE 'pg\\_toast\\_temp\\_%'`;
    params.push(...POSTGRES_SYSTEM);
  }
  sql += ' ORDER BY table_schema, table_name';
  const { rows } = await conn.query(sql, params);
  return rows.map((r) => ({ catalog: String(r[0]), schema: String(r[1]), name: String(r[2]) }));
}

/** The table's name quoted and qualified for SQL: MySQL `db`.`t`, PostgreSQL "schema"."t" (the catalog is implicit: the connected database). */
export function quoteTable(conn: DbConnection, table: TableId): string {
  const parts = conn.dialect === 'mysql' ? [table.catalog, table.name] : [table.schema, table.name];
  return parts.filter((p): p is string => p !== undefined && p !== '').map((p) => conn.quoteIdentifier(p)).join('.');
}

/** The table's columns in order; an empty array when the table does not exist. */
export async function describeColumns(conn: DbConnection, table: TableId): Promise<TableColumn[]> {
  return conn.dialect === 'mysql' ? describeMysqlColumns(conn, table) : describePostgresColumns(conn, table);
}

function toNumber(value: unknown): number | undefined {
  if (value === null || value === undefined) return undefined;
  return Number(value);
}

async function describeMysqlColumns(conn: DbConnection, table: TableId): Promise<TableColumn[]> {
  const params: unknown[] = [table.name];
  let catalogCondition = 'TABLE_SCHEMA = DATABASE()';
  if (table.catalog !== undefined) {
    params.push(table.catalog);
    catalogCondition = 'TABLE_SCHEMA = ?';
  }
  const { rows } = await conn.query(
    `SELECT COLUMN_NAME, ORDINAL_POSITION, COLUMN_DEFAULT, IS_NULLABLE, DATA_TYPE, COLUMN_TYPE, CHARACTER_MAXIMUM_LENGTH,
            NUMERIC_PRECISION, NUMERIC_SCALE, DATETIME_PRECISION, COLUMN_KEY, EXTRA, TABLE_NAME
       FROM information_schema.COLUMNS WHERE TABLE_NAME = ? AND ${catalogCondition} ORDER BY ORDINAL_POSITION`,
    params,
  );
  return rows.map((r) => {
    const dataType = String(r[4]).toUpperCase();
    const columnType = String(r[5]).toLowerCase();
    const unsigned = /\bunsigned\b/.test(columnType);
    const column: TableColumn = {
      name: String(r[0]),
      table: String(r[12]),
      type: unsigned ? `${dataType} UNSIGNED` : dataType,
      position: Number(r[1]),
      defaultValue: r[2] === null ? null : String(r[2]),
      nullable: r[3] === 'YES',
      primaryKey: r[10] === 'PRI',
      autoIncrement: /auto_increment/i.test(String(r[11] ?? '')),
    };
    if (unsigned) column.unsigned = true;
    const length = toNumber(r[6]);
    if (length !== undefined) column.length = length;
    if (dataType === 'DECIMAL' || dataType === 'NUMERIC') {
      column.precision = toNumber(r[7]);
      column.scale = toNumber(r[8]);
    } else if (r[9] !== null && r[9] !== undefined) {
      column.scale = Number(r[9]);
    }
    return column;
  });
}

async function describePostgresColumns(conn: DbConnection, table: TableId): Promise<TableColumn[]> {
  const schemaCondition = table.schema !== undefined ? 'c.table_schema = $2' : 'c.table_schema = current_schema()';
  const params: unknown[] = table.schema !== undefined ? [table.name, table.schema] : [table.name];
  const { rows } = await conn.query(
    `SELECT c.column_name, c.ordinal_position, c.column_default, c.is_nullable, c.udt_name, c.character_maximum_length,
            c.numeric_precision, c.numeric_scale, c.datetime_precision, c.is_identity, c.data_type,
            EXISTS (SELECT 1 FROM information_schema.table_constraints tc
                      JOIN information_schema.key_column_usage k
                        ON k.constraint_name = tc.constraint_name AND k.constraint_schema = tc.constraint_schema
                       AND k.table_name = tc.table_name
                     WHERE tc.constraint_type = 'PRIMARY KEY' AND tc.table_schema = c.table_schema
                       AND tc.table_name = c.table_name AND k.column_name = c.column_name) AS is_pk
       FROM information_schema.columns c
      WHERE c.table_name = $1 AND ${schemaCondition}
      ORDER BY c.ordinal_position`,
    params,
  );
  return rows.map((r) => {
    const udt = String(r[4]);
    const defaultValue = r[2] === null ? null : String(r[2]);
    const column: TableColumn = {
      name: String(r[0]),
      table: table.name,
      type: udt,
      position: Number(r[1]),
      defaultValue,
      nullable: r[3] === 'YES',
      primaryKey: r[11] === true,
      autoIncrement: r[9] === 'YES' || (defaultValue !== null && defaultValue.startsWith('nextval(')),
    };
    const length = toNumber(r[5]);
    if (length !== undefined) column.length = length;
    if (udt === 'numeric') {
      const precision = toNumber(r[6]);
      const scale = toNumber(r[7]);
      if (precision !== undefined) column.precision = precision;
      if (scale !== undefined) column.scale = scale;
    } else if (r[8] !== null && r[8] !== undefined && /^(time|timestamp|timetz|timestamptz)$/.test(udt)) {
      column.scale = Number(r[8]);
    }
    return column;
  });
}
