/**
 * The settings of Confluent's JDBC sink connector (io.confluent.connect.jdbc.sink.JdbcSinkConfig):
 * keys, types, defaults, validators and documentation as Confluent declares them, and
 * `JdbcSinkConfig`, the parsed form the connector and its task use. `topics` / `topics.regex`
 * belong to the framework (runtime/config.ts). Parsing a configuration with
 * `delete.enabled=true` and a `pk.mode` other than `record_key` fails with Confluent's message.
 */
import { ConfigDef, LambdaValidator, NonEmptyString, Range, invalidConfigValue } from '../../../api/config-def.js';
import type { Password } from '../../../api/config-def.js';
import { ConfigException } from '../../../api/errors.js';
import { DEFAULT_DB_TIMEZONE, validateTimeZone } from '../db-time.js';

export type InsertMode = 'insert' | 'upsert' | 'update';
export type PrimaryKeyMode = 'none' | 'kafka' | 'record_key' | 'record_value';
export type QuoteMethod = 'always' | 'never';

export const CONNECTION_URL = 'connection.url';
export const CONNECTION_USER = 'connection.user';
export const CONNECTION_PASSWORD = 'connection.password';
export const CONNECTION_ATTEMPTS = 'connection.attempts';
export const CONNECTION_BACKOFF = 'connection.backoff.ms';
export const DIALECT_NAME = 'dialect.name';
export const INSERT_MODE = 'insert.mode';
export const BATCH_SIZE = 'batch.size';
export const DELETE_ENABLED = 'delete.enabled';
export const TABLE_NAME_FORMAT = 'table.name.format';
export const PK_MODE = 'pk.mode';
export const PK_FIELDS = 'pk.fields';
export const FIELDS_WHITELIST = 'fields.whitelist';
export const DB_TIMEZONE = 'db.timezone';
export const AUTO_CREATE = 'auto.create';
export const AUTO_EVOLVE = 'auto.evolve';
export const QUOTE_SQL_IDENTIFIERS = 'quote.sql.identifiers';
export const TABLE_TYPES = 'table.types';
export const MAX_RETRIES = 'max.retries';
export const RETRY_BACKOFF_MS = 'retry.backoff.ms';
export const MSSQL_USE_MERGE_HOLDLOCK = 'mssql.use.merge.holdlock';

/** The Kafka coordinates used as the primary key with `pk.mode=kafka` and no `pk.fields`. */
export const DEFAULT_KAFKA_PK_NAMES: readonly string[] = ['__connect_topic', '__connect_partition', '__connect_offset'];

/** The dialects this sink speaks (Confluent's names for `dialect.name`). */
export const SUPPORTED_DIALECTS: readonly string[] = ['MySqlDatabaseDialect', 'PostgreSqlDatabaseDialect'];

/** Confluent's EnumValidator: the lower- or upper-case name of one of `values`, else "Invalid enumerator". */
function enumValidator(values: readonly string[]): LambdaValidator {
  return LambdaValidator.with((name, value) => {
    if (typeof value !== 'string' || !(values.includes(value.toLowerCase()) && (value === value.toLowerCase() || value === value.toUpperCase()))) {
      throw invalidConfigValue(name, value, 'Invalid enumerator');
    }
  }, () => `[${values.join(', ')}]`);
}

const TABLE_TYPE_NAMES = ['TABLE', 'VIEW', 'PARTITIONED TABLE'];

export const JDBC_SINK_CONFIG_DEF = new ConfigDef()
  .define(CONNECTION_URL, 'STRING', { importance: 'HIGH', documentation: 'JDBC connection URL.\nFor example: ``jdbc:mysql://localhost/db_name``, ``jdbc:mariadb://localhost:3306/db_name``, ``jdbc:postgresql://localhost:5432/db_name``' })
  .define(CONNECTION_USER, 'STRING', { defaultValue: null, importance: 'HIGH', documentation: 'JDBC connection user.' })
  .define(CONNECTION_PASSWORD, 'PASSWORD', { defaultValue: null, importance: 'HIGH', documentation: 'JDBC connection password.' })
  .define(DIALECT_NAME, 'STRING', {
    defaultValue: '',
    validator: LambdaValidator.with((name, value) => {
      if (typeof value === 'string' && value.trim() !== '' && !SUPPORTED_DIALECTS.includes(value.trim())) throw invalidConfigValue(name, value, `String must be one of: ${['', ...SUPPORTED_DIALECTS].join(', ')}`);
    }, () => `[, ${SUPPORTED_DIALECTS.join(', ')}]`),
    importance: 'LOW',
    documentation: 'The name of the database dialect that should be used for this connector. By default this is empty, and the connector automatically determines the dialect based upon the JDBC connection URL.',
  })
  .define(CONNECTION_ATTEMPTS, 'INT', { defaultValue: 3, validator: Range.atLeast(1), importance: 'LOW', documentation: 'Maximum number of attempts to retrieve a valid JDBC connection. Must be a positive integer.' })
  .define(CONNECTION_BACKOFF, 'LONG', { defaultValue: 10000n, importance: 'LOW', documentation: 'Backoff time in milliseconds between connection attempts.' })
  .define(INSERT_MODE, 'STRING', {
    defaultValue: 'insert',
    validator: enumValidator(['insert', 'upsert', 'update']),
    importance: 'HIGH',
    documentation: 'The insertion mode to use. Supported modes are:\n``insert``\n    Use standard SQL ``INSERT`` statements.\n``upsert``\n    Use the appropriate upsert semantics for the target database if it is supported by the connector, e.g. ``INSERT .. ON DUPLICATE KEY UPDATE`` (MySQL), ``INSERT .. ON CONFLICT .. DO UPDATE`` (PostgreSQL).\n``update``\n    Use the appropriate update semantics for the target database if it is supported by the connector, e.g. ``UPDATE``.',
  })
  .define(BATCH_SIZE, 'INT', { defaultValue: 3000, validator: Range.atLeast(0), importance: 'MEDIUM', documentation: 'Specifies how many records to attempt to batch together for insertion into the destination table, when possible.' })
  .define(DELETE_ENABLED, 'BOOLEAN', { defaultValue: false, importance: 'MEDIUM', documentation: 'Whether to treat ``null`` record values as deletes. Requires ``pk.mode`` to be ``record_key``.' })
  .define(TABLE_NAME_FORMAT, 'STRING', { defaultValue: '${topic}', validator: new NonEmptyString(), importance: 'MEDIUM', documentation: "A format string for the destination table name, which may contain '${topic}' as a placeholder for the originating topic name.\nFor example, ``kafka_${topic}`` for the topic 'orders' will map to the table name 'kafka_orders'." })
  .define(PK_MODE, 'STRING', {
    defaultValue: 'none',
    validator: enumValidator(['none', 'kafka', 'record_key', 'record_value']),
    importance: 'HIGH',
    documentation: 'The primary key mode, also refer to ``pk.fields`` documentation for interplay. Supported modes are:\n``none``\n    No keys utilized.\n``kafka``\n    Kafka coordinates are used as the PK.\n``record_key``\n    Field(s) from the record key are used, which may be a primitive or a struct.\n``record_value``\n    Field(s) from the record value are used, which must be a struct.',
  })
  .define(PK_FIELDS, 'LIST', { defaultValue: '', importance: 'MEDIUM', documentation: 'List of comma-separated primary key field names. The runtime interpretation of this config depends on the ``pk.mode``:\n``none``\n    Ignored as no fields are used as primary key in this mode.\n``kafka``\n    Must be a trio representing the Kafka coordinates, defaults to ``__connect_topic,__connect_partition,__connect_offset`` if empty.\n``record_key``\n    If empty, all fields from the key struct will be used, otherwise used to extract the desired fields - for primitive key only a single field name must be configured.\n``record_value``\n    If empty, all fields from the value struct will be used, otherwise used to extract the desired fields.' })
  .define(FIELDS_WHITELIST, 'LIST', { defaultValue: '', importance: 'MEDIUM', documentation: 'List of comma-separated record value field names. If empty, all fields from the record value are utilized, otherwise used to filter to the desired fields.\nNote that ``pk.fields`` is applied independently in the context of which field(s) form the primary key columns in the destination database, while this configuration is applicable for the other columns.' })
  .define(DB_TIMEZONE, 'STRING', {
    defaultValue: DEFAULT_DB_TIMEZONE,
    validator: LambdaValidator.with((name, value) => void validateTimeZone(String(value), name), () => 'Any valid JDK time zone'),
    importance: 'MEDIUM',
    documentation: 'Name of the JDBC timezone that should be used in the connector when inserting time-based values. Defaults to UTC.',
  })
  .define(AUTO_CREATE, 'BOOLEAN', { defaultValue: false, importance: 'MEDIUM', documentation: 'Whether to automatically create the destination table based on record schema if it is found to be missing by issuing ``CREATE``.' })
  .define(AUTO_EVOLVE, 'BOOLEAN', { defaultValue: false, importance: 'MEDIUM', documentation: 'Whether to automatically add columns in the table schema when found to be missing relative to the record schema by issuing ``ALTER``.' })
  .define(QUOTE_SQL_IDENTIFIERS, 'STRING', {
    defaultValue: 'always',
    validator: LambdaValidator.with((name, value) => {
      if (typeof value !== 'string' || !['always', 'never'].includes(value.toLowerCase())) throw invalidConfigValue(name, value, 'String must be one of: always, never');
    }, () => '[always, never]'),
    importance: 'MEDIUM',
    documentation: 'When to quote table names, column names, and other identifiers in SQL statements. For backward compatibility, the default is ``always``.',
  })
  .define(TABLE_TYPES, 'LIST', {
    defaultValue: 'TABLE',
    validator: LambdaValidator.with((name, value) => {
      for (const t of (value as string[] | null) ?? []) {
        if (!TABLE_TYPE_NAMES.includes(t.toUpperCase().replace(/_/g, ' '))) throw invalidConfigValue(name, value, `Unsupported table type: ${t}`);
      }
    }, () => '[TABLE, VIEW, PARTITIONED TABLE]'),
    importance: 'LOW',
    documentation: 'The comma-separated types of database tables to which the sink connector can write. By default this is ``TABLE``, but any combination of ``TABLE``, ``PARTITIONED TABLE`` and ``VIEW`` is allowed.',
  })
  .define(MSSQL_USE_MERGE_HOLDLOCK, 'BOOLEAN', { defaultValue: true, importance: 'LOW', documentation: 'Whether to use HOLDLOCK when performing a MERGE INTO upsert statement. Note that it is only applicable to SQL Server (accepted and ignored here).' })
  .define(MAX_RETRIES, 'INT', { defaultValue: 10, validator: Range.atLeast(0), importance: 'MEDIUM', documentation: 'The maximum number of times to retry on errors before failing the task.' })
  .define(RETRY_BACKOFF_MS, 'INT', { defaultValue: 3000, validator: Range.atLeast(0), importance: 'MEDIUM', documentation: 'The time in milliseconds to wait following an error before a retry attempt is made.' });

/** The message Confluent's JdbcSinkConfig throws for `delete.enabled=true` without `pk.mode=record_key`. */
export const DELETE_REQUIRES_RECORD_KEY = "Primary key mode must be 'record_key' when delete support is enabled";
/** The message Confluent's JdbcSinkConnector.validate attaches to `delete.enabled` and `pk.mode`. */
export const DELETES_ONLY_WITH_RECORD_KEY = 'Deletes are only supported for pk.mode record_key';

/** A parsed JDBC sink configuration (Confluent's JdbcSinkConfig fields). */
export class JdbcSinkConfig {
  readonly connectorName: string;
  readonly connectionUrl: string;
  readonly connectionUser: string | null;
  readonly connectionPassword: string | null;
  readonly connectionAttempts: number;
  readonly connectionBackoffMs: number;
  readonly dialectName: string;
  readonly tableNameFormat: string;
  readonly batchSize: number;
  readonly deleteEnabled: boolean;
  readonly maxRetries: number;
  readonly retryBackoffMs: number;
  readonly autoCreate: boolean;
  readonly autoEvolve: boolean;
  readonly insertMode: InsertMode;
  readonly pkMode: PrimaryKeyMode;
  readonly pkFields: readonly string[];
  readonly fieldsWhitelist: ReadonlySet<string>;
  readonly timeZone: string;
  readonly quoteIdentifiers: QuoteMethod;
  readonly tableTypes: readonly string[];

  constructor(props: Readonly<Record<string, string>>) {
    const v = JDBC_SINK_CONFIG_DEF.parse(props);
    this.connectorName = props['name'] ?? '';
    this.connectionUrl = v[CONNECTION_URL] as string;
    this.connectionUser = v[CONNECTION_USER] as string | null;
    this.connectionPassword = (v[CONNECTION_PASSWORD] as Password | null)?.value() ?? null;
    this.connectionAttempts = v[CONNECTION_ATTEMPTS] as number;
    this.connectionBackoffMs = Number(v[CONNECTION_BACKOFF] as bigint);
    this.dialectName = (v[DIALECT_NAME] as string).trim();
    this.tableNameFormat = (v[TABLE_NAME_FORMAT] as string).trim();
    this.batchSize = v[BATCH_SIZE] as number;
    this.deleteEnabled = v[DELETE_ENABLED] as boolean;
    this.maxRetries = v[MAX_RETRIES] as number;
    this.retryBackoffMs = v[RETRY_BACKOFF_MS] as number;
    this.autoCreate = v[AUTO_CREATE] as boolean;
    this.autoEvolve = v[AUTO_EVOLVE] as boolean;
    this.insertMode = (v[INSERT_MODE] as string).toLowerCase() as InsertMode;
    this.pkMode = (v[PK_MODE] as string).toLowerCase() as PrimaryKeyMode;
    this.pkFields = v[PK_FIELDS] as string[];
    this.fieldsWhitelist = new Set(v[FIELDS_WHITELIST] as string[]);
    this.timeZone = v[DB_TIMEZONE] as string;
    this.quoteIdentifiers = (v[QUOTE_SQL_IDENTIFIERS] as string).toLowerCase() as QuoteMethod;
    this.tableTypes = (v[TABLE_TYPES] as string[]).map((t) => t.toUpperCase().replace(/_/g, ' '));
    if (this.deleteEnabled && this.pkMode !== 'record_key') throw new ConfigException(DELETE_REQUIRES_RECORD_KEY);
  }
}
