/**
 * The `tables` task setting: the tables a task copies, each quoted as the dialect quotes
 * identifiers and qualified as far as the dialect has levels, comma-separated — what Confluent's
 * connector writes (e.g. MySQL `` `mydb`.`users`,`mydb`.`orders` ``, PostgreSQL
 * `"public"."users"`). Parsing accepts backticks, double quotes and bare names.
 */
import { ConfigException } from '../../../api/errors.js';
import type { JdbcDialect } from '../jdbc-url.js';
import type { TableId } from '../table-metadata.js';

function quote(dialect: JdbcDialect, name: string): string {
  return dialect === 'mysql' ? `\`${name.replace(/`/g, '``')}\`` : `"${name.replace(/"/g, '""')}"`;
}

function levels(dialect: JdbcDialect, table: TableId): string[] {
  const parts = dialect === 'mysql' ? [table.catalog, table.name] : [table.schema, table.name];
  return parts.filter((p): p is string => p !== undefined && p !== '');
}

export function formatTableList(dialect: JdbcDialect, tables: readonly TableId[]): string {
  return tables.map((t) => levels(dialect, t).map((p) => quote(dialect, p)).join('.')).join(',');
}

/** Splits `a.b,c` into [['a','b'],['c']], honouring quotes (a doubled quote is a literal one). */
function tokenize(text: string): string[][] {
  const tables: string[][] = [];
  let parts: string[] = [];
  let current = '';
  let quoteChar: string | null = null;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoteChar !== null) {
      if (c === quoteChar) {
        if (text[i + 1] === quoteChar) {
          current += c;
          i++;
        } else {
          quoteChar = null;
        }
      } else {
        current += c;
      }
      continue;
    }
    if (c === '`' || c === '"') {
      quoteChar = c;
      quoted = true;
    } else if (c === '.') {
      parts.push(quoted ? current : current.trim());
      current = '';
      quoted = false;
    } else if (c === ',') {
      parts.push(quoted ? current : current.trim());
      tables.push(parts);
      parts = [];
      current = '';
      quoted = false;
    } else if (!(quoted && /\s/.test(c))) {
      current += c;
    }
  }
  if (quoteChar !== null) throw new ConfigException(`Invalid table list (unterminated quote): ${text}`);
  if (current !== '' || parts.length > 0 || quoted) {
    parts.push(quoted ? current : current.trim());
    tables.push(parts);
  }
  return tables.filter((p) => !(p.length === 1 && p[0] === ''));
}

export function parseTableList(dialect: JdbcDialect, text: string): TableId[] {
  return tokenize(text).map((parts) => {
    const name = parts[parts.length - 1]!;
    if (dialect === 'mysql') {
      return parts.length >= 2 ? { catalog: parts[parts.length - 2]!, name } : { name };
    }
    if (parts.length >= 3) return { catalog: parts[parts.length - 3]!, schema: parts[parts.length - 2]!, name };
    return parts.length === 2 ? { schema: parts[0]!, name } : { name };
  });
}
