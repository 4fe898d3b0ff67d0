/**
 * JdbcSourceTask (Confluent's io.confluent.connect.jdbc.source.JdbcSourceTask): copies the
 * tables in its `tables` setting (or the custom `query`) to Kafka. One querier per table, taken
 * round-robin: a querier whose cycle ended waits `poll.interval.ms`; `poll()` returns at most
 * `batch.max.rows` records of one table at a time.
 *
 * Start: reads the committed offsets (protocol-1 partition first, then the older protocol-0 one)
 * and, with `validate.non.null`, checks that the offset columns exist and are NOT NULL
 * (Confluent's messages). SQL errors while querying are logged and the table is retried after
 * its poll interval, as Confluent does; a database that cannot be reached after
 * `connection.attempts` fails the task with the cause.
 */
import { SourceTask } from '../../../api/connector.js';
import type { ConnectorProps } from '../../../api/connector.js';
import type { SourceRecord } from '../../../api/data/connect-record.js';
import { ConnectException } from '../../../api/errors.js';
import type { Logger } from '../../../../logging/logger.js';
import { DbConnectionProvider } from '../db-connection-provider.js';
import { describeError } from '../driver-values.js';
import { parseJdbcUrl } from '../jdbc-url.js';
import type { TableId } from '../table-metadata.js';
import { BulkTableQuerier } from './bulk-table-querier.js';
import { JDBC_SOURCE_VERSION, jdbcSourceLogger } from './version.js';
import { MODE_BULK, MODE_INCREMENTING, MODE_TIMESTAMP, MODE_TIMESTAMP_INCREMENTING, parseSourceConfig } from './jdbc-source-config.js';
import type { JdbcSourceConfig } from './jdbc-source-config.js';
import { describeSourceColumns } from './schema-mapping.js';
import { QUERY_PARTITION, offsetFromMap, partitionForProtocolV0, partitionForProtocolV1, tableFullName } from './source-offsets.js';
import type { SourcePartition } from './source-offsets.js';
import { parseTableList } from './table-id-list.js';
import type { TableQuerier } from './table-querier.js';
import { TimestampIncrementingTableQuerier } from './timestamp-incrementing-table-querier.js';

/** The longest a poll sleeps before checking whether the task is stopping (Confluent: 100 ms). */
const MAX_SLEEP_MS = 100;

export class JdbcSourceTask extends SourceTask {
  private config!: JdbcSourceConfig;
  private provider: DbConnectionProvider | null = null;
  private queue: TableQuerier[] = [];
  private running = false;
  private logger: Logger;
  private wake: (() => void) | null = null;

  constructor(logger?: Logger) {
    super();
    this.logger = (logger ?? jdbcSourceLogger()).child({ plugin: 'JdbcSourceTask' });
  }

  version(): string {
    return JDBC_SOURCE_VERSION;
  }

  /** The queriers, for tests and diagnostics. */
  queriers(): readonly TableQuerier[] {
    return this.queue;
  }

  async start(props: ConnectorProps): Promise<void> {
    this.logger.info('Starting JDBC source task');
    this.config = parseSourceConfig(props);
    const config = this.config;
    const dialect = parseJdbcUrl(config.connectionUrl).dialect;
    const tables = parseTableList(dialect, config.tables);
    const queryMode = config.query !== '';
    if (!queryMode && tables.length === 0 && config.tablesFetched) {
      throw new ConnectException('Invalid configuration: each JdbcSourceTask must have at least one table assigned to it or one query specified');
    }
    this.provider = new DbConnectionProvider({
      url: config.connectionUrl, user: config.user, password: config.password,
      attempts: config.connectionAttempts, backoffMs: config.connectionBackoffMs,
    }, this.logger);
    this.queue = [];
    if (queryMode) {
      this.queue.push(this.createQuerier({ query: config.query }, [QUERY_PARTITION]));
    } else {
      for (const table of tables) {
        if (config.validateNonNull && config.mode !== MODE_BULK) await this.validateOffsetColumns(table);
        this.queue.push(this.createQuerier({ table }, [partitionForProtocolV1(table), partitionForProtocolV0(table)]));
      }
    }
    this.running = true;
    this.logger.info({ tables: tables.map(tableFullName), query: queryMode }, 'Started JDBC source task');
  }

  private createQuerier(target: { table?: TableId; query?: string }, partitions: SourcePartition[]): TableQuerier {
    if (this.config.mode === MODE_BULK) return new BulkTableQuerier(target, this.config, this.logger);
    let stored: Record<string, unknown> | null = null;
    for (const partition of partitions) {
      stored = this.context?.offsetStorageReader().offset(partition) ?? null;
      if (stored !== null) {
        this.logger.info({ partition, offset: stored }, 'Found offset for partition');
        break;
      }
    }
    return new TimestampIncrementingTableQuerier(target, this.config, this.logger, offsetFromMap(stored));
  }

  /** Confluent's validateNonNullable, plus a clear error when a named offset column does not exist. */
  private async validateOffsetColumns(table: TableId): Promise<void> {
    const { mode, incrementingColumn, timestampColumns } = this.config;
    const conn = await this.provider!.connection();
    const columns = await describeSourceColumns(conn, table);
    const name = tableFullName(table);
    if (columns.length === 0) return; // a table dropped since the connector listed it: its queries report that
    const find = (col: string) => columns.find((c) => c.name.toLowerCase() === col.toLowerCase());
    const usesIncrementing = mode === MODE_INCREMENTING || mode === MODE_TIMESTAMP_INCREMENTING;
    const usesTimestamp = mode === MODE_TIMESTAMP || mode === MODE_TIMESTAMP_INCREMENTING;
    if (usesIncrementing && incrementingColumn !== '') {
      const column = find(incrementingColumn);
      if (column === undefined) throw new ConnectException(`Cannot make incremental queries using incrementing column ${incrementingColumn} on ${name} because this column does not exist.`);
      if (column.nullable !== false) throw new ConnectException(`Cannot make incremental queries using incrementing column ${incrementingColumn} on ${name} because this column is nullable.`);
    }
    if (usesTimestamp) {
      const found = timestampColumns.map(find);
      const missing = timestampColumns.filter((_, i) => found[i] === undefined);
      if (missing.length > 0) throw new ConnectException(`Cannot make incremental queries using timestamp columns [${missing.join(', ')}] on ${name} because ${missing.length === 1 ? 'this column does' : 'these columns do'} not exist.`);
      if (!found.some((c) => c!.nullable === false)) {
        throw new ConnectException(`Cannot make incremental queries using timestamp columns [${timestampColumns.join(', ')}] on ${name} because all of these columns nullable.`);
      }
    }
  }

  async poll(): Promise<SourceRecord[] | null> {
    while (this.running) {
      const querier = this.queue[0];
      if (querier === undefined) {
        await this.sleep(MAX_SLEEP_MS); // no tables yet (the connector could not list them)
        return null;
      }
      if (!querier.querying()) {
        const nextUpdate = querier.lastUpdate + this.config.pollIntervalMs;
        const sleepMs = Math.min(nextUpdate - Date.now(), MAX_SLEEP_MS);
        if (sleepMs > 0) {
          // Nothing due yet: wait a little and hand control back to the worker (Confluent loops here).
          await this.sleep(sleepMs);
          return null;
        }
      }
      let records: SourceRecord[];
      let conn;
      try {
        conn = await this.provider!.connection(); // ConnectException after connection.attempts: the task fails
      } catch (err) {
        if (!this.running) return null;
        throw err;
      }
      try {
        records = await querier.next(conn, this.config.batchMaxRows);
      } catch (err) {
        if (!this.running) return null;
        // A value that cannot be converted fails the task; a failed statement or a lost connection is retried.
        if (err instanceof ConnectException && (await conn.isValid().catch(() => false))) {
          this.resetAndRequeueHead(querier);
          throw err;
        }
        this.logger.error({ err: describeError(err), querier: querier.toString() }, `Failed to run query for table ${querier.describeTarget()}: ${describeError(err)}`);
        this.resetAndRequeueHead(querier);
        return null;
      }
      if (querier.done()) this.resetAndRequeueHead(querier);
      if (records.length === 0) continue;
      return records;
    }
    return null;
  }

  private resetAndRequeueHead(querier: TableQuerier): void {
    const head = this.queue.shift();
    if (head !== querier) throw new Error('the querier at the head of the queue changed');
    querier.reset(Date.now());
    this.queue.push(querier);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = null;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
    });
  }

  async stop(): Promise<void> {
    this.logger.info('Stopping JDBC source task');
    this.running = false;
    this.wake?.();
    const provider = this.provider;
    this.provider = null;
    await provider?.close().catch(() => undefined);
  }
}
