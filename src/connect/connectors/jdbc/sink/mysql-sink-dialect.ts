/**
 * The JDBC sink's SQL for MySQL and MariaDB (Confluent's MySqlDatabaseDialect): backtick
 * quoting, `INSERT .. ON DUPLICATE KEY UPDATE c=VALUES(c)` upserts, and column types
 * TINYINT / SMALLINT / INT / BIGINT / FLOAT / DOUBLE / TINYINT (boolean) / TEXT (VARCHAR(256) as
 * a key) / BLOB (VARBINARY(1024) as a key) / DECIMAL(65,scale) / DATE / TIME(3) / DATETIME(3).
 */
import { Buffer } from 'node:buffer';
import { ConnectDate, Decimal, Time, Timestamp } from '../../../api/data/logical.js';
import type { TableId } from '../table-metadata.js';
import type { SinkRecordField } from './fields-metadata.js';
import { SinkDialect, type MultiRowParts } from './sink-dialect.js';

export class MySqlSinkDialect extends SinkDialect {
  readonly name = 'MySqlDatabaseDialect';

  protected quoteChar(): string {
    return '`';
  }

  placeholder(_index: number): string {
    return '?';
  }

  table(table: TableId): string {
    return [table.catalog, table.name].filter((p): p is string => p !== undefined && p !== '').map((p) => this.quote(p)).join('.');
  }

  parseTableId(name: string): TableId {
    const parts = name.split('.');
    if (parts.length >= 2) return { catalog: parts[parts.length - 2]!, name: parts[parts.length - 1]! };
    return { name };
  }

  sqlType(field: SinkRecordField): string {
    const schema = field.schema;
    switch (schema.name) {
      case Decimal.LOGICAL_NAME: return `DECIMAL(65,${Decimal.scale(schema)})`;
      case ConnectDate.LOGICAL_NAME: return 'DATE';
      case Time.LOGICAL_NAME: return 'TIME(3)';
      case Timestamp.LOGICAL_NAME: return 'DATETIME(3)';
      default: break;
    }
    switch (schema.type) {
      case 'INT8': return 'TINYINT';
      case 'INT16': return 'SMALLINT';
      case 'INT32': return 'INT';
      case 'INT64': return 'BIGINT';
      case 'FLOAT32': return 'FLOAT';
      case 'FLOAT64': return 'DOUBLE';
      case 'BOOLEAN': return 'TINYINT';
      case 'STRING': return field.isPrimaryKey ? 'VARCHAR(256)' : 'TEXT';
      case 'BYTES': return field.isPrimaryKey ? 'VARBINARY(1024)' : 'BLOB';
      default: return this.noMapping(field);
    }
  }

  upsertParts(table: TableId, keyColumns: readonly string[], nonKeyColumns: readonly string[]): MultiRowParts {
    const cols = [...keyColumns, ...nonKeyColumns];
    // With only key columns there is nothing to update; re-setting a key column keeps the row.
    const update = (nonKeyColumns.length > 0 ? nonKeyColumns : keyColumns).map((c) => `${this.quote(c)}=VALUES(${this.quote(c)})`).join(',');
    return { head: `insert into ${this.table(table)}(${this.columns(cols)}) values`, tail: ` on duplicate key update ${update}` };
  }

  protected timestampText(epochMillis: number): string {
    return this.wallClock(epochMillis);
  }

  protected booleanLiteral(value: boolean): string {
    return value ? '1' : '0';
  }

  protected bytesLiteral(value: Uint8Array): string {
    return `X'${Buffer.from(value).toString('hex')}'`;
  }

  protected stringLiteral(value: string): string {
    return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
  }
}
