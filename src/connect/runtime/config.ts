/**
 * The worker's and connectors' own settings (Kafka's WorkerConfig / StandaloneConfig and
 * ConnectorConfig / SinkConnectorConfig), as ConfigDefs: COMMON_WORKER_CONFIG_DEF holds the keys
 * of every worker, STANDALONE_CONFIG_DEF adds standalone's `offset.storage.file.filename`
 * (required there only); distributed-config.ts adds distributed mode's keys. Converter settings (`key.converter`,
 * `value.converter`, `header.converter` and their `.`-prefixed options) are resolved by
 * ../converters/registry.ts; they are declared here so that a missing one is reported by key.
 */
import { CompositeValidator, ConfigDef, NonEmptyString, NonNullValidator, Range, ValidString } from '../api/config-def.js';
import { ConfigException } from '../api/errors.js';

/** Adds the keys every worker (standalone or distributed) reads to `def`; returns it. */
export function defineCommonWorkerConfigs(def: ConfigDef): ConfigDef {
  return def
    .define('bootstrap.servers', 'LIST', { defaultValue: 'localhost:9092', importance: 'HIGH', documentation: 'host:port pairs of the Kafka cluster the worker connects to' })
    .define('client.id', 'STRING', { defaultValue: '', importance: 'LOW', documentation: 'The client id prefix of the worker\'s producers and consumers' })
    .define('key.converter', 'CLASS', { importance: 'HIGH', documentation: 'Converter for record keys (e.g. org.apache.kafka.connect.json.JsonConverter)' })
    .define('value.converter', 'CLASS', { importance: 'HIGH', documentation: 'Converter for record values' })
    .define('header.converter', 'CLASS', { defaultValue: 'org.apache.kafka.connect.storage.SimpleHeaderConverter', importance: 'LOW', documentation: 'Converter for record headers' })
    .define('offset.flush.interval.ms', 'LONG', { defaultValue: 60000, validator: Range.atLeast(0), importance: 'LOW', documentation: 'Interval at which to commit offsets of tasks' })
    .define('offset.flush.timeout.ms', 'LONG', { defaultValue: 5000, validator: Range.atLeast(0), importance: 'LOW', documentation: 'Accepted; offset commits are awaited in full' })
    .define('task.shutdown.graceful.timeout.ms', 'LONG', { defaultValue: 5000, validator: Range.atLeast(0), importance: 'LOW', documentation: 'Accepted; tasks are awaited in full on shutdown' })
    .define('plugin.path', 'LIST', { defaultValue: null, importance: 'LOW', documentation: 'Directories (comma-separated) where connector, converter and transformation packages are looked for; the built-in plugins are always available' })
    .define('listeners', 'LIST', { defaultValue: null, importance: 'LOW', documentation: 'The REST API listener, e.g. http://:8083 (default http://:8083; Samsa serves one http listener)' })
    .define('rest.port', 'INT', { defaultValue: 8083, importance: 'LOW', documentation: 'The REST API port when listeners is not set (deprecated in Kafka in favour of listeners)' })
    .define('topic.creation.enable', 'BOOLEAN', { defaultValue: true, importance: 'LOW', documentation: 'Whether source connectors may create the topics they write to with their topic.creation.* settings (KIP-158)' });
}

/** The keys of every worker. */
export const COMMON_WORKER_CONFIG_DEF: ConfigDef = defineCommonWorkerConfigs(new ConfigDef());

/** A standalone worker's keys (Kafka's StandaloneConfig): the common ones and the offsets file. */
export const STANDALONE_CONFIG_DEF: ConfigDef = defineCommonWorkerConfigs(new ConfigDef())
  .define('offset.storage.file.filename', 'STRING', { validator: CompositeValidator.of(new NonNullValidator(), new NonEmptyString()), importance: 'HIGH', documentation: 'File to store source connector offsets in (standalone mode)' });

/** Standalone's worker ConfigDef under its former name (standalone startup and validateWorkerConfig use it). */
export const WORKER_CONFIG_DEF: ConfigDef = STANDALONE_CONFIG_DEF;

export const CONNECTOR_CONFIG_DEF = new ConfigDef()
  .define('name', 'STRING', { validator: CompositeValidator.of(new NonNullValidator(), new NonEmptyString()), importance: 'HIGH', documentation: 'Globally unique name to use for this connector' })
  .define('connector.class', 'STRING', { validator: new NonNullValidator(), importance: 'HIGH', documentation: 'Name or alias of the connector class' })
  .define('tasks.max', 'INT', { defaultValue: 1, validator: Range.atLeast(1), importance: 'HIGH', documentation: 'Maximum number of tasks to use for this connector' })
  .define('key.converter', 'CLASS', { defaultValue: null, importance: 'LOW', documentation: 'Overrides the worker\'s key.converter' })
  .define('value.converter', 'CLASS', { defaultValue: null, importance: 'LOW', documentation: 'Overrides the worker\'s value.converter' })
  .define('header.converter', 'CLASS', { defaultValue: null, importance: 'LOW', documentation: 'Overrides the worker\'s header.converter' })
  .define('transforms', 'LIST', { defaultValue: '', importance: 'LOW', documentation: 'Aliases of the transformations to apply to records' })
  .define('errors.retry.timeout.ms', 'LONG', { defaultValue: 0, importance: 'MEDIUM', documentation: 'Maximum duration in milliseconds that a failed operation will be reattempted; 0 means no retries, -1 infinite retries' })
  .define('errors.retry.delay.max.ms', 'LONG', { defaultValue: 60000, importance: 'MEDIUM', documentation: 'Maximum duration in milliseconds between consecutive retry attempts' })
  .define('errors.tolerance', 'STRING', { defaultValue: 'none', validator: ValidString.in('none', 'all'), importance: 'MEDIUM', documentation: 'none: an error fails the task; all: problematic records are skipped' })
  .define('errors.log.enable', 'BOOLEAN', { defaultValue: false, importance: 'MEDIUM', documentation: 'Log each error and the failed operation' })
  .define('errors.log.include.messages', 'BOOLEAN', { defaultValue: false, importance: 'MEDIUM', documentation: 'Include the record that caused the failure in the log' });

export const SINK_CONNECTOR_CONFIG_DEF = new ConfigDef()
  .define('topics', 'LIST', { defaultValue: '', importance: 'HIGH', documentation: 'List of topics to consume, separated by commas' })
  .define('topics.regex', 'STRING', { defaultValue: '', importance: 'HIGH', documentation: 'Regular expression giving topics to consume' })
  .define('errors.deadletterqueue.topic.name', 'STRING', { defaultValue: '', importance: 'MEDIUM', documentation: 'The topic to write records that failed in conversion or transformation to; empty disables the dead letter queue' })
  .define('errors.deadletterqueue.topic.replication.factor', 'INT', { defaultValue: 3, importance: 'MEDIUM', documentation: 'Replication factor of the dead letter queue topic when it is created (capped at the number of brokers)' })
  .define('errors.deadletterqueue.context.headers.enable', 'BOOLEAN', { defaultValue: false, importance: 'MEDIUM', documentation: 'Add __connect.errors.* headers describing the failure to dead letter queue records' });

/** Kafka's SinkConnectorConfig.validate: exactly one of `topics` / `topics.regex`, a valid regex. */
export function sinkTopics(props: Readonly<Record<string, string>>): { topics: string[] } | { regex: RegExp } {
  const parsed = SINK_CONNECTOR_CONFIG_DEF.parse(props);
  const topics = parsed['topics'] as string[];
  const regex = parsed['topics.regex'] as string;
  if (topics.length > 0 && regex !== '') throw new ConfigException('topics and topics.regex are mutually exclusive options, but both are set.');
  if (topics.length === 0 && regex === '') throw new ConfigException('Must configure one of topics or topics.regex');
  if (topics.length > 0) return { topics };
  try {
    return { regex: new RegExp(`^(?:${regex})$`) };
  } catch (e) {
    throw new ConfigException(`Invalid value ${regex} for configuration topics.regex: ${(e as Error).message}`);
  }
}
