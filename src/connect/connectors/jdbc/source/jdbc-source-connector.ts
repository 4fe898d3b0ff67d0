/**
 * JdbcSourceConnector (Confluent's io.confluent.connect.jdbc.JdbcSourceConnector; aliases
 * JdbcSourceConnector, JdbcSource): copies MySQL/MariaDB or PostgreSQL tables, or one custom
 * query, to Kafka topics named `topic.prefix` + table name (query mode: `topic.prefix`).
 *
 * `start` checks the settings, connects once (failing with the cause after
 * `connection.attempts`) and reads the table list; a TableMonitor re-reads it every
 * `table.poll.interval.ms` and asks for task reconfiguration when tables appear or disappear.
 * `taskConfigs` spreads the tables over at most `tasks.max` tasks (ConnectorUtils.groupPartitions);
 * a custom query runs in one task.
 */
import { SourceConnector } from '../../../api/connector.js';
import type { ConfigValidation, ConnectorProps, Task } from '../../../api/connector.js';
import type { ConfigDef } from '../../../api/config-def.js';
import { ConnectException } from '../../../api/errors.js';
import type { Logger } from '../../../../logging/logger.js';
import { DbConnectionProvider } from '../db-connection-provider.js';
import { parseJdbcUrl } from '../jdbc-url.js';
import { groupPartitions } from './group-partitions.js';
import { JDBC_SOURCE_CONFIG_DEF, TABLES_CONFIG, TABLES_FETCHED_CONFIG, TASK_ID_CONFIG, parseSourceConfig, validateMultiConfigs } from './jdbc-source-config.js';
import type { JdbcSourceConfig } from './jdbc-source-config.js';
import { JdbcSourceTask } from './jdbc-source-task.js';
import { formatTableList } from './table-id-list.js';
import { TableMonitor } from './table-monitor.js';
import { JDBC_SOURCE_VERSION, jdbcSourceLogger } from './version.js';

export const JDBC_SOURCE_CONNECTOR_CLASS = 'io.confluent.connect.jdbc.JdbcSourceConnector';

export class JdbcSourceConnector extends SourceConnector {
  private props: Record<string, string> = {};
  private settings: JdbcSourceConfig | null = null;
  private provider: DbConnectionProvider | null = null;
  private monitor: TableMonitor | null = null;
  private readonly logger: Logger;

  constructor(logger?: Logger) {
    super();
    this.logger = (logger ?? jdbcSourceLogger()).child({ plugin: 'JdbcSourceConnector' });
  }

  version(): string {
    return JDBC_SOURCE_VERSION;
  }

  async start(props: ConnectorProps): Promise<void> {
    this.logger.info('Starting JDBC Source Connector');
    const config = parseSourceConfig(props);
    this.settings = config;
    this.props = { ...props };
    this.provider = new DbConnectionProvider({
      url: config.connectionUrl, user: config.user, password: config.password,
      attempts: config.connectionAttempts, backoffMs: config.connectionBackoffMs,
    }, this.logger);
    try {
      this.logger.info('Initial connection attempt with the database.');
      await this.provider.connection();
      if (config.query === '') {
        this.monitor = new TableMonitor(this.provider, config, () => this.requestReconfiguration(), this.logger);
        await this.monitor.start();
      }
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  private requestReconfiguration(): void {
    const context = this.context as { requestTaskReconfiguration?: () => void } | null;
    if (typeof context?.requestTaskReconfiguration === 'function') context.requestTaskReconfiguration();
    else this.logger.warn('The tables changed but the runtime cannot reconfigure tasks; restart the connector to copy the new set');
  }

  /** The table monitor (null in query mode), for tests and diagnostics. */
  tableMonitor(): TableMonitor | null {
    return this.monitor;
  }

  taskClass(): new () => Task {
    return JdbcSourceTask;
  }

  taskConfigs(maxTasks: number): Array<Record<string, string>> {
    const config = this.settings;
    if (config === null) throw new ConnectException('JdbcSourceConnector was not started');
    if (config.query !== '') {
      return [{ ...this.props, [TABLES_CONFIG]: '', [TABLES_FETCHED_CONFIG]: 'true' }];
    }
    const tables = this.monitor?.tables() ?? null;
    if (tables === null || tables.length === 0) {
      if (tables === null) this.logger.warn('The connector has not been able to read the list of tables from the database yet.');
      else this.logger.warn("No tables were found so there's no work to be done.");
      return [{ ...this.props, [TABLES_CONFIG]: '', [TABLES_FETCHED_CONFIG]: String(tables !== null) }];
    }
    const dialect = parseJdbcUrl(config.connectionUrl).dialect;
    return groupPartitions(tables, Math.min(tables.length, maxTasks)).map((group, index) => ({
      ...this.props,
      [TABLES_CONFIG]: formatTableList(dialect, group),
      [TABLES_FETCHED_CONFIG]: 'true',
      [TASK_ID_CONFIG]: String(index),
    }));
  }

  async stop(): Promise<void> {
    this.logger.info('Stopping table monitoring thread');
    this.monitor?.stop();
    this.monitor = null;
    const provider = this.provider;
    this.provider = null;
    await provider?.close().catch(() => undefined);
  }

  config(): ConfigDef {
    return JDBC_SOURCE_CONFIG_DEF;
  }

  override validate(props: ConnectorProps): ConfigValidation {
    const result = super.validate(props);
    validateMultiConfigs(props, result.configValues);
    return result;
  }
}
