/**
 * A result's columns as a Connect STRUCT schema and its rows as Structs (Confluent's
 * SchemaMapping + DataConverter). The schema is named after the table (unqualified, as
 * Confluent's `tableId.tableName()`); query mode's schema has no name. A table's columns come
 * from information_schema (exact nullability, TINYINT(1) and BIT widths); a query's from the
 * result metadata. Fields follow the result's column order; unsupported columns are left out.
 */
import type { Schema } from '../../../api/data/schema.js';
import { SchemaBuilder } from '../../../api/data/schema-builder.js';
import { Struct } from '../../../api/data/struct.js';
import type { Logger } from '../../../../logging/logger.js';
import type { ColumnInfo, DbConnection } from '../db-connection.js';
import { describeColumns } from '../table-metadata.js';
import type { TableId } from '../table-metadata.js';
import { mapColumn } from './column-mapping.js';
import type { ColumnMapping, SourceColumn } from './column-mapping.js';
import type { NumericMapping } from './jdbc-source-config.js';

export interface SchemaMapping {
  readonly schema: Schema;
  /** The result column index of each field, in field order. */
  readonly fieldColumns: readonly number[];
  readonly mappings: readonly ColumnMapping[];
  /** A result row as a Struct. */
  toStruct(row: readonly unknown[]): Struct;
  /** The result column index named `name` (case-insensitive), or -1. */
  columnIndex(name: string): number;
}

/** A table's columns as the mapping needs them; [] when the table does not exist. */
export async function describeSourceColumns(conn: DbConnection, table: TableId): Promise<SourceColumn[]> {
  const columns = await describeColumns(conn, table);
  const widths = new Map<string, number>();
  if (conn.dialect === 'mysql' && columns.length > 0) {
    // COLUMN_TYPE carries what DATA_TYPE drops: tinyint(1) (Connector/J's BIT) and bit(n).
    const { rows } = await conn.query(
      `SELECT COLUMN_NAME, COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_NAME = ? AND TABLE_SCHEMA = ${table.catalog !== undefined ? '?' : 'DATABASE()'}`,
      table.catalog !== undefined ? [table.name, table.catalog] : [table.name],
    );
    for (const [name, type] of rows) {
      const m = /^(tinyint|bit)\((\d+)\)/i.exec(String(type));
      if (m !== null) widths.set(String(name), Number(m[2]));
    }
  }
  return columns.map((c) => {
    const column: SourceColumn = { name: c.name, type: c.type, nullable: c.nullable };
    if (c.precision !== undefined) column.precision = c.precision;
    if (c.scale !== undefined) column.scale = c.scale;
    if (c.unsigned === true) column.unsigned = true;
    if (c.primaryKey) column.primaryKey = true;
    if (c.autoIncrement) column.autoIncrement = true;
    const width = widths.get(c.name) ?? (c.type === 'bit' || c.type === 'varbit' ? c.length : undefined);
    if (width !== undefined) column.length = width;
    return column;
  });
}

/** Result metadata as SourceColumns (query mode). */
export function resultColumns(columns: readonly ColumnInfo[]): SourceColumn[] {
  return columns.map((c) => {
    const column: SourceColumn = { name: c.name, type: c.type };
    if (c.nullable !== undefined) column.nullable = c.nullable;
    if (c.precision !== undefined) column.precision = c.precision;
    if (c.scale !== undefined) column.scale = c.scale;
    if (c.unsigned === true) column.unsigned = true;
    return column;
  });
}

/**
 * The mapping of a result whose columns are `resultNames`, typed by `described` (matched by name;
 * a result column with no description uses `fallback`, its result metadata).
 */
export function createSchemaMapping(
  schemaName: string | null,
  resultNames: readonly string[],
  described: readonly SourceColumn[],
  fallback: readonly SourceColumn[],
  dialect: DbConnection['dialect'],
  numericMapping: NumericMapping,
  timeZone: string,
  logger: Logger,
): SchemaMapping {
  const byName = new Map(described.map((c) => [c.name, c]));
  const builder = SchemaBuilder.struct();
  if (schemaName !== null) builder.name(schemaName);
  const fieldColumns: number[] = [];
  const mappings: ColumnMapping[] = [];
  resultNames.forEach((name, index) => {
    const column = byName.get(name) ?? fallback[index];
    if (column === undefined) return;
    const mapping = mapColumn(dialect, column, numericMapping, timeZone);
    if (mapping === null) {
      logger.warn({ column: name, type: column.type }, `JDBC type ${column.type} of column ${name} not currently supported; the column is left out`);
      return;
    }
    builder.field(name, mapping.schema);
    fieldColumns.push(index);
    mappings.push(mapping);
  });
  const schema = builder.build();
  const fields = schema.fields();
  const lowerNames = resultNames.map((n) => n.toLowerCase());
  return {
    schema,
    fieldColumns,
    mappings,
    toStruct(row) {
      const struct = new Struct(schema);
      for (let i = 0; i < fields.length; i++) struct.put(fields[i]!, mappings[i]!.convert(row[fieldColumns[i]!]));
      return struct;
    },
    columnIndex(name) {
      const exact = resultNames.indexOf(name);
      return exact >= 0 ? exact : lowerNames.indexOf(name.toLowerCase());
    },
  };
}
