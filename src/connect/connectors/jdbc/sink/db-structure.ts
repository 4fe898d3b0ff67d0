/**
 * Makes the target table fit the records (Confluent's DbStructure): CREATE TABLE when it is
 * missing and `auto.create` is on; ALTER TABLE ADD for fields the table lacks when
 * `auto.evolve` is on, provided each such field is optional or has a default (a required field
 * without one cannot be added to a table with rows). Errors are Confluent's messages, e.g.
 * `Table "t" is missing and auto-creation is disabled`. A CREATE that fails because another task
 * created the table at the same moment is tolerated; a failed ALTER is retried after re-reading
 * the table, up to `max.retries` times.
 */
import type { Logger } from '../../../../logging/logger.js';
import { ConnectException } from '../../../api/errors.js';
import type { DbConnection } from '../db-connection.js';
import type { TableId } from '../table-metadata.js';
import type { FieldsMetadata, SinkRecordField } from './fields-metadata.js';
import type { JdbcSinkConfig } from './jdbc-sink-config.js';
import type { SinkDialect } from './sink-dialect.js';
import { TableDefinitions, tableIdText, type TableDefinition } from './table-definitions.js';

/** A DDL problem (Confluent's TableAlterOrCreateException): not retried; with an errant record reporter, the records go there. */
export class TableAlterOrCreateException extends ConnectException {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TableAlterOrCreateException';
  }
}

function fieldText(f: SinkRecordField): string {
  return `SinkRecordField{schema=${f.schema.toString()}, name='${f.name}', isPrimaryKey=${f.isPrimaryKey}}`;
}

export class DbStructure {
  readonly definitions = new TableDefinitions();

  constructor(
    private readonly dialect: SinkDialect,
    private readonly logger: Logger,
  ) {}

  async tableDefinition(conn: DbConnection, id: TableId): Promise<TableDefinition | null> {
    return this.definitions.get(conn, id);
  }

  /** Creates or amends the table when needed; true when DDL ran. */
  async createOrAmendIfNecessary(config: JdbcSinkConfig, conn: DbConnection, id: TableId, fields: FieldsMetadata): Promise<boolean> {
    let created = false;
    const existing = await this.definitions.get(conn, id);
    if (existing !== null && !config.tableTypes.includes(existing.type)) {
      throw new TableAlterOrCreateException(`${existing.type === 'VIEW' ? 'View' : 'Table'} ${tableIdText(id)} is a ${existing.type}, which table.types (${config.tableTypes.join(', ')}) does not include`);
    }
    if (existing === null) {
      if (!config.autoCreate) throw new TableAlterOrCreateException(`Table ${tableIdText(id)} is missing and auto-creation is disabled`);
      const sql = this.dialect.buildCreateTable(id, [...fields.allFields.values()]);
      this.logger.info({ table: tableIdText(id), sql }, 'Creating table');
      try {
        await conn.execute(sql);
        created = true;
      } catch (err) {
        this.logger.warn({ table: tableIdText(id), err: (err as Error).message }, 'Create failed, will attempt amend if table already exists');
        if ((await this.definitions.refresh(conn, id)) === null) throw err;
      }
      await this.definitions.refresh(conn, id);
    }
    return (await this.amendIfNecessary(config, conn, id, fields, config.maxRetries)) || created;
  }

  private async amendIfNecessary(config: JdbcSinkConfig, conn: DbConnection, id: TableId, fields: FieldsMetadata, retries: number): Promise<boolean> {
    const definition = await this.definitions.get(conn, id);
    if (definition === null) throw new TableAlterOrCreateException(`Table ${tableIdText(id)} is missing`);
    const missing = missingFields([...fields.allFields.values()], definition);
    if (missing.length === 0) return false;
    const missingText = `[${missing.map(fieldText).join(', ')}]`;
    if (definition.type === 'VIEW') {
      throw new TableAlterOrCreateException(`View ${tableIdText(id)} is missing fields (${missingText}) and ALTER VIEW is unsupported`);
    }
    for (const field of missing) {
      if (!field.schema.optional && (field.schema.defaultValue === null || field.schema.defaultValue === undefined)) {
        throw new TableAlterOrCreateException(`Cannot ALTER TABLE ${tableIdText(id)} to add missing field ${fieldText(field)}, as the field is not optional and does not have a default value`);
      }
    }
    if (!config.autoEvolve) throw new TableAlterOrCreateException(`Table ${tableIdText(id)} is missing fields (${missingText}) and auto-evolution is disabled`);
    const statements = this.dialect.buildAlterTable(id, missing);
    this.logger.info({ table: tableIdText(id), statements }, 'Amending table to add missing fields');
    try {
      for (const sql of statements) await conn.execute(sql);
    } catch (err) {
      if (retries <= 0) throw new TableAlterOrCreateException(`Failed to amend TABLE '${tableIdText(id)}' to add missing fields: ${missingText}`, { cause: err });
      this.logger.warn({ table: tableIdText(id), err: (err as Error).message }, 'Amend failed, re-attempting');
      await this.definitions.refresh(conn, id);
      return this.amendIfNecessary(config, conn, id, fields, retries - 1);
    }
    await this.definitions.refresh(conn, id);
    return true;
  }
}

/** The fields without a column of the same name (case-insensitively, as Confluent falls back to). */
function missingFields(fields: readonly SinkRecordField[], definition: TableDefinition): SinkRecordField[] {
  const names = new Set(definition.columns.keys());
  const lower = new Set([...names].map((n) => n.toLowerCase()));
  return fields.filter((f) => !names.has(f.name) && !lower.has(f.name.toLowerCase()));
}
