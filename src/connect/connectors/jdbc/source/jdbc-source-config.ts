/**
 * The settings of Confluent's JDBC source connector (io.confluent.connect.jdbc.source.
 * JdbcSourceConnectorConfig): keys, types, defaults and the checks that span several keys
 * (whitelist vs blacklist, query vs table lists, the columns each mode needs). `parseSourceConfig`
 * turns connector or task properties into a typed JdbcSourceConfig, throwing a ConfigException
 * that names the key.
 *
 * `table.include.list` / `table.exclude.list` are the newer names of `table.whitelist` /
 * `table.blacklist`; either name of a pair may be used (not both with different values).
 */
import { ConfigDef, LambdaValidator, Password, Range, ValidString, invalidConfigValue } from '../../../api/config-def.js';
import type { ConfigValue } from '../../../api/config-def.js';
import type { ConnectorProps } from '../../../api/connector.js';
import { ConfigException } from '../../../api/errors.js';
import { parseJdbcUrl } from '../jdbc-url.js';
import { validateTimeZone } from '../db-time.js';

export const CONNECTION_URL_CONFIG = 'connection.url';
export const CONNECTION_USER_CONFIG = 'connection.user';
export const CONNECTION_PASSWORD_CONFIG = 'connection.password';
export const CONNECTION_ATTEMPTS_CONFIG = 'connection.attempts';
export const CONNECTION_BACKOFF_CONFIG = 'connection.backoff.ms';
export const POLL_INTERVAL_MS_CONFIG = 'poll.interval.ms';
export const BATCH_MAX_ROWS_CONFIG = 'batch.max.rows';
export const NUMERIC_PRECISION_MAPPING_CONFIG = 'numeric.precision.mapping';
export const NUMERIC_MAPPING_CONFIG = 'numeric.mapping';
export const DIALECT_NAME_CONFIG = 'dialect.name';
export const MODE_CONFIG = 'mode';
export const INCREMENTING_COLUMN_NAME_CONFIG = 'incrementing.column.name';
export const TIMESTAMP_COLUMN_NAME_CONFIG = 'timestamp.column.name';
export const TIMESTAMP_INITIAL_CONFIG = 'timestamp.initial';
export const VALIDATE_NON_NULL_CONFIG = 'validate.non.null';
export const TABLE_POLL_INTERVAL_MS_CONFIG = 'table.poll.interval.ms';
export const TABLE_WHITELIST_CONFIG = 'table.whitelist';
export const TABLE_INCLUDE_LIST_CONFIG = 'table.include.list';
export const TABLE_BLACKLIST_CONFIG = 'table.blacklist';
export const TABLE_EXCLUDE_LIST_CONFIG = 'table.exclude.list';
export const SCHEMA_PATTERN_CONFIG = 'schema.pattern';
export const CATALOG_PATTERN_CONFIG = 'catalog.pattern';
export const QUERY_CONFIG = 'query';
export const QUERY_SUFFIX_CONFIG = 'query.suffix';
export const TOPIC_PREFIX_CONFIG = 'topic.prefix';
export const TIMESTAMP_DELAY_INTERVAL_MS_CONFIG = 'timestamp.delay.interval.ms';
export const DB_TIMEZONE_CONFIG = 'db.timezone';
export const TABLE_TYPE_CONFIG = 'table.types';
export const QUOTE_SQL_IDENTIFIERS_CONFIG = 'quote.sql.identifiers';
/** Task-only keys the connector adds (Confluent's JdbcSourceTaskConfig). */
export const TABLES_CONFIG = 'tables';
export const TABLES_FETCHED_CONFIG = 'tables.fetched';
export const TASK_ID_CONFIG = 'task.id';

export const MODE_UNSPECIFIED = '';
export const MODE_BULK = 'bulk';
export const MODE_TIMESTAMP = 'timestamp';
export const MODE_INCREMENTING = 'incrementing';
export const MODE_TIMESTAMP_INCREMENTING = 'timestamp+incrementing';
export type SourceMode = typeof MODE_BULK | typeof MODE_TIMESTAMP | typeof MODE_INCREMENTING | typeof MODE_TIMESTAMP_INCREMENTING;

export type NumericMapping = 'none' | 'precision_only' | 'best_fit' | 'best_fit_eager_double';

/** `timestamp.initial` value meaning "the database's current time". */
export const TIMESTAMP_INITIAL_CURRENT = -1n;

const TIME_ZONE_VALIDATOR = LambdaValidator.with(
  (name, value) => {
    if (typeof value === 'string') validateTimeZone(value, name);
  },
  () => 'Any valid JDK time zone',
);

const URL_VALIDATOR = LambdaValidator.with(
  (_name, value) => {
    if (typeof value === 'string') parseJdbcUrl(value);
  },
  () => 'jdbc:mysql://, jdbc:mariadb:// or jdbc:postgresql:// URL',
);

export const JDBC_SOURCE_CONFIG_DEF = new ConfigDef()
  .define(CONNECTION_URL_CONFIG, 'STRING', { validator: URL_VALIDATOR, importance: 'HIGH', documentation: 'JDBC connection URL. For example: jdbc:mysql://localhost:3306/mydb, jdbc:postgresql://localhost:5432/mydb' })
  .define(CONNECTION_USER_CONFIG, 'STRING', { defaultValue: null, importance: 'HIGH', documentation: 'JDBC connection user.' })
  .define(CONNECTION_PASSWORD_CONFIG, 'PASSWORD', { defaultValue: null, importance: 'HIGH', documentation: 'JDBC connection password.' })
  .define(CONNECTION_ATTEMPTS_CONFIG, 'INT', { defaultValue: 3, validator: Range.atLeast(1), importance: 'LOW', documentation: 'Maximum number of attempts to retrieve a valid JDBC connection. Must be a positive integer.' })
  .define(CONNECTION_BACKOFF_CONFIG, 'LONG', { defaultValue: 10000n, importance: 'LOW', documentation: 'Backoff time in milliseconds between connection attempts.' })
  .define(CATALOG_PATTERN_CONFIG, 'STRING', { defaultValue: null, importance: 'MEDIUM', documentation: 'Catalog pattern to fetch table metadata from the database.' })
  .define(TABLE_WHITELIST_CONFIG, 'LIST', { defaultValue: '', importance: 'MEDIUM', documentation: 'List of tables to include in copying. If specified, table.blacklist may not be set. Use a comma-separated list to specify multiple tables.' })
  .define(TABLE_INCLUDE_LIST_CONFIG, 'LIST', { defaultValue: '', importance: 'MEDIUM', documentation: 'The newer name of table.whitelist.' })
  .define(TABLE_BLACKLIST_CONFIG, 'LIST', { defaultValue: '', importance: 'MEDIUM', documentation: 'List of tables to exclude from copying. If specified, table.whitelist may not be set.' })
  .define(TABLE_EXCLUDE_LIST_CONFIG, 'LIST', { defaultValue: '', importance: 'MEDIUM', documentation: 'The newer name of table.blacklist.' })
  .define(SCHEMA_PATTERN_CONFIG, 'STRING', { defaultValue: null, importance: 'MEDIUM', documentation: 'Schema pattern to fetch table metadata from the database.' })
  .define(NUMERIC_PRECISION_MAPPING_CONFIG, 'BOOLEAN', { defaultValue: false, importance: 'LOW', documentation: 'Deprecated: use numeric.mapping=precision_only.' })
  .define(NUMERIC_MAPPING_CONFIG, 'STRING', { defaultValue: null, validator: LambdaValidator.with((name, value) => {
    if (value !== null && !['none', 'precision_only', 'best_fit', 'best_fit_eager_double'].includes(String(value))) throw invalidConfigValue(name, value, 'Value must be one of: none, precision_only, best_fit, best_fit_eager_double');
  }, () => '[none, precision_only, best_fit, best_fit_eager_double]'), importance: 'LOW', documentation: 'Map NUMERIC values by precision and optionally scale to integral or decimal types.' })
  .define(DIALECT_NAME_CONFIG, 'STRING', { defaultValue: '', validator: ValidString.in('', 'MySqlDatabaseDialect', 'PostgreSqlDatabaseDialect'), importance: 'LOW', documentation: 'The database dialect; empty to choose it from the URL.' })
  .define(MODE_CONFIG, 'STRING', { defaultValue: MODE_UNSPECIFIED, validator: ValidString.in(MODE_UNSPECIFIED, MODE_BULK, MODE_TIMESTAMP, MODE_INCREMENTING, MODE_TIMESTAMP_INCREMENTING), importance: 'HIGH', documentation: 'The mode for updating a table each time it is polled: bulk, timestamp, incrementing, timestamp+incrementing.' })
  .define(INCREMENTING_COLUMN_NAME_CONFIG, 'STRING', { defaultValue: '', importance: 'MEDIUM', documentation: 'The name of the strictly incrementing column to use to detect new rows. An empty value autodetects the auto-increment column.' })
  .define(TIMESTAMP_COLUMN_NAME_CONFIG, 'LIST', { defaultValue: '', importance: 'MEDIUM', documentation: 'Comma separated list of one or more timestamp columns to detect new or modified rows using the COALESCE SQL function.' })
  .define(TIMESTAMP_INITIAL_CONFIG, 'LONG', { defaultValue: null, importance: 'LOW', documentation: 'The epoch timestamp (ms) used for initial queries in timestamp mode; -1 for the current time. Ignored once offsets exist.' })
  .define(VALIDATE_NON_NULL_CONFIG, 'BOOLEAN', { defaultValue: true, importance: 'LOW', documentation: 'By default, the JDBC connector will validate that all incrementing and timestamp tables have NOT NULL set for the columns being used as their ID/timestamp.' })
  .define(QUERY_CONFIG, 'STRING', { defaultValue: '', importance: 'MEDIUM', documentation: 'If specified, the query to perform to select new or updated rows.' })
  .define(QUERY_SUFFIX_CONFIG, 'STRING', { defaultValue: '', importance: 'LOW', documentation: 'Suffix to append at the end of the generated query.' })
  .define(QUOTE_SQL_IDENTIFIERS_CONFIG, 'STRING', { defaultValue: 'always', validator: ValidString.in('always', 'never'), importance: 'MEDIUM', documentation: 'When to quote table names, column names, and other identifiers in SQL statements.' })
  .define(TABLE_TYPE_CONFIG, 'LIST', { defaultValue: 'TABLE', importance: 'LOW', documentation: 'By default, the JDBC connector will only detect tables with type TABLE from the source Database. This config allows a command separated list of table types to extract.' })
  .define(POLL_INTERVAL_MS_CONFIG, 'INT', { defaultValue: 5000, validator: Range.atLeast(1), importance: 'HIGH', documentation: 'Frequency in ms to poll for new data in each table.' })
  .define(BATCH_MAX_ROWS_CONFIG, 'INT', { defaultValue: 100, validator: Range.atLeast(1), importance: 'LOW', documentation: 'Maximum number of rows to include in a single batch when polling for new data.' })
  .define(TABLE_POLL_INTERVAL_MS_CONFIG, 'LONG', { defaultValue: 60000n, validator: Range.atLeast(1), importance: 'LOW', documentation: 'Frequency in ms to poll for new or removed tables, which may result in updated task configurations to start polling for data in added tables or stop polling for data in removed tables.' })
  .define(TOPIC_PREFIX_CONFIG, 'STRING', { importance: 'HIGH', documentation: 'Prefix to prepend to table names to generate the name of the Kafka topic to publish data to, or in the case of a custom query, the full name of the topic to publish to.' })
  .define(TIMESTAMP_DELAY_INTERVAL_MS_CONFIG, 'LONG', { defaultValue: 0n, validator: Range.atLeast(0), importance: 'HIGH', documentation: 'How long to wait after a row with certain timestamp appears before we include it in the result.' })
  .define(DB_TIMEZONE_CONFIG, 'STRING', { defaultValue: 'UTC', validator: TIME_ZONE_VALIDATOR, importance: 'MEDIUM', documentation: 'Name of the JDK timezone used by the connector when querying with time-based criteria.' })
  .define(TABLES_CONFIG, 'STRING', { defaultValue: '', importance: 'LOW', documentation: 'Task only: the tables this task copies, quoted and comma-separated.' })
  .define(TABLES_FETCHED_CONFIG, 'BOOLEAN', { defaultValue: false, importance: 'LOW', documentation: 'Task only: whether the connector could read the table list.' })
  .define(TASK_ID_CONFIG, 'STRING', { defaultValue: null, importance: 'LOW', documentation: 'Task only: the task number.' });

export interface JdbcSourceConfig {
  connectionUrl: string;
  user: string | null;
  password: string | null;
  connectionAttempts: number;
  connectionBackoffMs: number;
  catalogPattern: string | null;
  schemaPattern: string | null;
  /** table.whitelist or table.include.list. */
  whitelist: string[];
  /** table.blacklist or table.exclude.list. */
  blacklist: string[];
  tableTypes: string[];
  numericMapping: NumericMapping;
  mode: SourceMode;
  incrementingColumn: string;
  timestampColumns: string[];
  /** Epoch ms; -1n for the current time; null when unset. */
  timestampInitial: bigint | null;
  validateNonNull: boolean;
  query: string;
  querySuffix: string;
  quoteIdentifiers: boolean;
  pollIntervalMs: number;
  batchMaxRows: number;
  tablePollIntervalMs: number;
  topicPrefix: string;
  timestampDelayMs: number;
  dbTimeZone: string;
  /** Task only. */
  tables: string;
  tablesFetched: boolean;
}

function listOf(values: Record<string, unknown>, oldKey: string, newKey: string): string[] {
  const oldList = values[oldKey] as string[];
  const newList = values[newKey] as string[];
  if (oldList.length > 0 && newList.length > 0 && oldList.join(',') !== newList.join(',')) {
    throw new ConfigException(`${oldKey} and ${newKey} are the same setting under two names; set only one of them.`);
  }
  return oldList.length > 0 ? oldList : newList;
}

/**
 * Typed settings; ConfigException naming the key for a bad value, and for Confluent's checks
 * across keys (Confluent reports these as ConnectExceptions from `start`; the messages are theirs).
 */
export function parseSourceConfig(props: ConnectorProps): JdbcSourceConfig {
  const v = JDBC_SOURCE_CONFIG_DEF.parse(props);
  const whitelist = listOf(v, TABLE_WHITELIST_CONFIG, TABLE_INCLUDE_LIST_CONFIG);
  const blacklist = listOf(v, TABLE_BLACKLIST_CONFIG, TABLE_EXCLUDE_LIST_CONFIG);
  if (whitelist.length > 0 && blacklist.length > 0) throw new ConfigException(`${TABLE_WHITELIST_CONFIG} and ${TABLE_BLACKLIST_CONFIG} are exclusive.`);
  const query = (v[QUERY_CONFIG] as string | null) ?? '';
  if (query !== '' && (whitelist.length > 0 || blacklist.length > 0)) throw new ConfigException(`${QUERY_CONFIG} may not be combined with whole-table copying settings.`);
  const mode = v[MODE_CONFIG] as string;
  if (mode === MODE_UNSPECIFIED) throw invalidConfigValue(MODE_CONFIG, mode, `String must be one of: ${MODE_BULK}, ${MODE_TIMESTAMP}, ${MODE_INCREMENTING}, ${MODE_TIMESTAMP_INCREMENTING}`);
  const timestampColumns = v[TIMESTAMP_COLUMN_NAME_CONFIG] as string[];
  if ((mode === MODE_TIMESTAMP || mode === MODE_TIMESTAMP_INCREMENTING) && timestampColumns.length === 0) {
    throw new ConfigException(`Invalid value for configuration ${TIMESTAMP_COLUMN_NAME_CONFIG}: mode ${mode} needs at least one timestamp column`);
  }
  const incrementingColumn = (v[INCREMENTING_COLUMN_NAME_CONFIG] as string | null) ?? '';
  if (mode === MODE_TIMESTAMP_INCREMENTING && incrementingColumn === '') {
    throw new ConfigException(`Invalid value for configuration ${INCREMENTING_COLUMN_NAME_CONFIG}: mode ${mode} needs an incrementing column`);
  }
  let numericMapping = v[NUMERIC_MAPPING_CONFIG] as NumericMapping | null;
  if (numericMapping === null) numericMapping = v[NUMERIC_PRECISION_MAPPING_CONFIG] === true ? 'precision_only' : 'none';
  const password = v[CONNECTION_PASSWORD_CONFIG] as Password | null;
  return {
    connectionUrl: v[CONNECTION_URL_CONFIG] as string,
    user: (v[CONNECTION_USER_CONFIG] as string | null) || null,
    password: password === null ? null : password.value(),
    connectionAttempts: v[CONNECTION_ATTEMPTS_CONFIG] as number,
    connectionBackoffMs: Number(v[CONNECTION_BACKOFF_CONFIG] as bigint),
    catalogPattern: (v[CATALOG_PATTERN_CONFIG] as string | null) || null,
    schemaPattern: (v[SCHEMA_PATTERN_CONFIG] as string | null) || null,
    whitelist,
    blacklist,
    tableTypes: v[TABLE_TYPE_CONFIG] as string[],
    numericMapping,
    mode: mode as SourceMode,
    incrementingColumn,
    timestampColumns,
    timestampInitial: v[TIMESTAMP_INITIAL_CONFIG] as bigint | null,
    validateNonNull: v[VALIDATE_NON_NULL_CONFIG] as boolean,
    query,
    querySuffix: (v[QUERY_SUFFIX_CONFIG] as string | null) ?? '',
    quoteIdentifiers: v[QUOTE_SQL_IDENTIFIERS_CONFIG] === 'always',
    pollIntervalMs: v[POLL_INTERVAL_MS_CONFIG] as number,
    batchMaxRows: v[BATCH_MAX_ROWS_CONFIG] as number,
    tablePollIntervalMs: Number(v[TABLE_POLL_INTERVAL_MS_CONFIG] as bigint),
    topicPrefix: v[TOPIC_PREFIX_CONFIG] as string,
    timestampDelayMs: Number(v[TIMESTAMP_DELAY_INTERVAL_MS_CONFIG] as bigint),
    dbTimeZone: v[DB_TIMEZONE_CONFIG] as string,
    tables: (v[TABLES_CONFIG] as string | null) ?? '',
    tablesFetched: v[TABLES_FETCHED_CONFIG] as boolean,
  };
}

/** Connector.validate's extra step: the cross-key checks reported on the keys they concern (Confluent's validateMultiConfigs). */
export function validateMultiConfigs(props: ConnectorProps, values: ConfigValue[]): void {
  const byName = new Map(values.map((c) => [c.name, c]));
  try {
    parseSourceConfig(props);
  } catch (e) {
    if (!(e instanceof ConfigException)) throw e;
    const keys = [MODE_CONFIG, TIMESTAMP_COLUMN_NAME_CONFIG, INCREMENTING_COLUMN_NAME_CONFIG, QUERY_CONFIG, TABLE_WHITELIST_CONFIG, TABLE_BLACKLIST_CONFIG, TABLE_INCLUDE_LIST_CONFIG];
    const key = keys.find((k) => e.message.includes(k));
    const target = key === undefined ? undefined : byName.get(key);
    if (target !== undefined && !target.errorMessages.includes(e.message)) target.errorMessages.push(e.message);
  }
}
