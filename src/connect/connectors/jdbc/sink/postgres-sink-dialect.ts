/**
 * The JDBC sink's SQL for PostgreSQL (Confluent's PostgreSqlDatabaseDialect): double-quote
 * quoting, `$n` placeholders, `INSERT .. ON CONFLICT (pk) DO UPDATE SET c=EXCLUDED.c` upserts
 * (`DO NOTHING` when every column is a key column), and column types SMALLINT (INT8 and INT16) /
 * INT / BIGINT / REAL / DOUBLE PRECISION / BOOLEAN / TEXT / BYTEA / DECIMAL / DATE / TIME /
 * TIMESTAMP. Timestamps bind as wall-clock text in `db.timezone` with its offset, which a
 * `timestamp` column ignores and a `timestamptz` column uses, so both hold the right value.
 */
import { Buffer } from 'node:buffer';
import { ConnectDate, Decimal, Time, Timestamp } from '../../../api/data/logical.js';
import { zoneOffsetMillis } from '../db-time.js';
import type { TableId } from '../table-metadata.js';
import type { SinkRecordField } from './fields-metadata.js';
import { SinkDialect, type MultiRowParts } from './sink-dialect.js';

function offsetText(offsetMillis: number): string {
  const sign = offsetMillis < 0 ? '-' : '+';
  const total = Math.abs(Math.round(offsetMillis / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${sign}${pad(h)}:${pad(m)}${s > 0 ? `:${pad(s)}` : ''}`;
}

export class PostgresSinkDialect extends SinkDialect {
  readonly name = 'PostgreSqlDatabaseDialect';

  protected quoteChar(): string {
    return '"';
  }

  placeholder(index: number): string {
    return `$${index}`;
  }

  table(table: TableId): string {
    return [table.schema, table.name].filter((p): p is string => p !== undefined && p !== '').map((p) => this.quote(p)).join('.');
  }

  parseTableId(name: string): TableId {
    const parts = name.split('.');
    if (parts.length >= 3) return { catalog: parts[parts.length - 3]!, schema: parts[parts.length - 2]!, name: parts[parts.length - 1]! };
    if (parts.length === 2) return { schema: parts[0]!, name: parts[1]! };
    return { name };
  }

  sqlType(field: SinkRecordField): string {
    const schema = field.schema;
    switch (schema.name) {
      case Decimal.LOGICAL_NAME: return 'DECIMAL';
      case ConnectDate.LOGICAL_NAME: return 'DATE';
      case Time.LOGICAL_NAME: return 'TIME';
      case Timestamp.LOGICAL_NAME: return 'TIMESTAMP';
      default: break;
    }
    switch (schema.type) {
      case 'INT8': return 'SMALLINT';
      case 'INT16': return 'SMALLINT';
      case 'INT32': return 'INT';
      case 'INT64': return 'BIGINT';
      case 'FLOAT32': return 'REAL';
      case 'FLOAT64': return 'DOUBLE PRECISION';
      case 'BOOLEAN': return 'BOOLEAN';
      case 'STRING': return 'TEXT';
      case 'BYTES': return 'BYTEA';
      default: return this.noMapping(field);
    }
  }

  upsertParts(table: TableId, keyColumns: readonly string[], nonKeyColumns: readonly string[]): MultiRowParts {
    const cols = [...keyColumns, ...nonKeyColumns];
    let tail = ` ON CONFLICT (${this.columns(keyColumns)}) `;
    if (nonKeyColumns.length === 0) tail += 'DO NOTHING';
    else tail += `DO UPDATE SET ${nonKeyColumns.map((c) => `${this.quote(c)}=EXCLUDED.${this.quote(c)}`).join(',')}`;
    return { head: `INSERT INTO ${this.table(table)} (${this.columns(cols)}) VALUES `, tail };
  }

  protected timestampText(epochMillis: number): string {
    return `${this.wallClock(epochMillis)}${offsetText(zoneOffsetMillis(epochMillis, this.timeZone))}`;
  }

  protected booleanLiteral(value: boolean): string {
    return value ? 'TRUE' : 'FALSE';
  }

  protected bytesLiteral(value: Uint8Array): string {
    return `'\\x${Buffer.from(value).toString('hex')}'`;
  }

  protected stringLiteral(value: string): string {
    return `'${value.replace(/'/g, "''")}'`;
  }
}
