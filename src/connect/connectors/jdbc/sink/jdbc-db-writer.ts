/**
 * Writes one put() of records into the database (Confluent's JdbcDbWriter): records are grouped
 * by destination table (`table.name.format` with `${topic}`), each table's BufferedRecords
 * creates or amends its table first, then every table's rows are written in ONE transaction:
 * either the whole put() is in the database or none of it. A put() that is a single statement
 * (upserts or deletes of one table, at most one statement's rows) is sent on its own: a statement
 * is atomic by itself, so the transaction's two extra round trips would add nothing. The connection comes from a
 * DbConnectionProvider (reconnects when it broke).
 */
import type { Logger } from '../../../../logging/logger.js';
import type { SinkRecord } from '../../../api/data/connect-record.js';
import { ConnectException } from '../../../api/errors.js';
import type { DbConnectionProvider } from '../db-connection-provider.js';
import type { DbConnection } from '../db-connection.js';
import type { TableId } from '../table-metadata.js';
import { BufferedRecords, type PreparedSchemas } from './buffered-records.js';
import { DbStructure } from './db-structure.js';
import type { JdbcSinkConfig } from './jdbc-sink-config.js';
import type { SinkDialect } from './sink-dialect.js';
import { tableIdText } from './table-definitions.js';

/** The database could not be reached (after `connection.attempts`): the task fails; its records are not to blame. */
export class DatabaseUnavailableException extends ConnectException {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConnectException';
  }
}

export class JdbcDbWriter {
  readonly structure: DbStructure;
  private readonly prepared = new Map<string, PreparedSchemas | null>();

  constructor(
    private readonly config: JdbcSinkConfig,
    private readonly dialect: SinkDialect,
    private readonly provider: DbConnectionProvider,
    private readonly logger: Logger,
  ) {
    this.structure = new DbStructure(dialect, logger);
  }

  /** The table a topic's records go to. */
  destinationTable(topic: string): TableId {
    const name = this.config.tableNameFormat.split('${topic}').join(topic);
    if (name === '') throw new ConnectException(`Destination table name for topic '${topic}' is empty using the format string '${this.config.tableNameFormat}'`);
    return this.dialect.parseTableId(name);
  }

  async write(records: readonly SinkRecord[]): Promise<void> {
    if (records.length === 0) return;
    let conn: DbConnection;
    try {
      conn = await this.provider.connection();
    } catch (err) {
      throw new DatabaseUnavailableException((err as Error).message, { cause: err });
    }
    const byTable = new Map<string, { id: TableId; records: SinkRecord[] }>();
    let lastTopic: string | null = null;
    let id: TableId | null = null;
    let key = '';
    for (const record of records) {
      if (record.topic !== lastTopic) {
        // Records come in runs of one topic: its table is worked out once per run.
        id = this.destinationTable(record.topic);
        key = tableIdText(id);
        lastTopic = record.topic;
      }
      let entry = byTable.get(key);
      if (entry === undefined) byTable.set(key, (entry = { id: id!, records: [] }));
      entry.records.push(record);
    }
    const buffers: BufferedRecords[] = [];
    try {
      for (const [key, { id, records: tableRecords }] of byTable) {
        const buffer = new BufferedRecords(this.config, id, this.dialect, this.structure, this.prepared.get(key) ?? null);
        await buffer.prepare(conn, tableRecords);
        this.prepared.set(key, buffer.preparedSchemas());
        buffers.push(buffer);
      }
      if (buffers.length === 1 && buffers[0]!.singleStatement()) {
        // One statement: atomic by itself, without the two round trips of a transaction.
        await buffers[0]!.execute(conn);
      } else {
        await conn.transaction(async (tx) => {
          for (const buffer of buffers) await buffer.execute(tx);
        });
      }
    } catch (err) {
      this.provider.used(false);
      throw err;
    }
    this.provider.used(true);
    this.logger.debug({ records: records.length, tables: buffers.length }, 'wrote records');
  }

  /** Forgets cached table definitions and schemas (after an error, the table may have changed). */
  reset(): void {
    this.prepared.clear();
    this.structure.definitions.clear();
  }
}
