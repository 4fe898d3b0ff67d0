/**
 * The distributed worker's storage settings (Kafka's DistributedConfig keys for the three internal
 * topics) as a ConfigDef fragment, and a factory that builds the Kafka-backed stores from a
 * worker's properties.
 *
 * | key | default | |
 * |---|---|---|
 * | `config.storage.topic` | (required) | connector and task configurations (1 partition) |
 * | `config.storage.replication.factor` | 3 | -1: broker default |
 * | `offset.storage.topic` | (required) | source offsets |
 * | `offset.storage.partitions` | 25 | -1: broker default |
 * | `offset.storage.replication.factor` | 3 | |
 * | `status.storage.topic` | (required) | statuses |
 * | `status.storage.partitions` | 5 | |
 * | `status.storage.replication.factor` | 3 | |
 *
 * Any other `config.storage.*`, `offset.storage.*` and `status.storage.*` setting is a topic config
 * used when the topic is created (e.g. `config.storage.min.insync.replicas=2`), as Kafka's
 * `*StorageTopicSettings()`; `cleanup.policy` there is ignored with a warning (always compact), and
 * so is `config.storage.partitions` (always 1). `offset.storage.file.filename` (standalone) is not a
 * topic setting.
 *
 * Replication factors keep Kafka's default of 3. Unlike Kafka, which then fails to create the
 * topics on a cluster of fewer brokers, Samsa creates them with as many replicas as there are
 * brokers and logs a warning (a single-broker development cluster works without settings).
 */
import type { Kafka } from '../../client/kafka.js';
import { silentLogger } from '../../logging/logger.js';
import type { Logger } from '../../logging/logger.js';
import { ConfigDef } from '../api/config-def.js';
import type { Validator } from '../api/config-def.js';
import { KafkaConfigBackingStore } from './kafka-config-backing-store.js';
import { KafkaOffsetBackingStore } from './kafka-offset-backing-store.js';
import { KafkaStatusBackingStore } from './kafka-status-backing-store.js';

export const CONFIG_TOPIC_CONFIG = 'config.storage.topic';
export const CONFIG_STORAGE_REPLICATION_FACTOR_CONFIG = 'config.storage.replication.factor';
export const OFFSET_STORAGE_TOPIC_CONFIG = 'offset.storage.topic';
export const OFFSET_STORAGE_PARTITIONS_CONFIG = 'offset.storage.partitions';
export const OFFSET_STORAGE_REPLICATION_FACTOR_CONFIG = 'offset.storage.replication.factor';
export const STATUS_STORAGE_TOPIC_CONFIG = 'status.storage.topic';
export const STATUS_STORAGE_PARTITIONS_CONFIG = 'status.storage.partitions';
export const STATUS_STORAGE_REPLICATION_FACTOR_CONFIG = 'status.storage.replication.factor';

/** Kafka's TopicCreationConfig.REPLICATION_FACTOR_VALIDATOR (a SHORT: at most 32767). */
const REPLICATION_FACTOR_VALIDATOR: Validator = {
  ensureValid(name: string, value: unknown): void {
    const n = value as number;
    if (n > 32767 || n < -32768) throw ConfigDef.invalid(name, value, 'Not a number of type SHORT');
    if (n !== -1 && n < 1) throw ConfigDef.invalid(name, value, "Replication factor must be positive and not larger than the number of brokers in the Kafka cluster, or -1 to use the broker's default");
  },
  toString: () => "Positive number not larger than the number of brokers in the Kafka cluster, or -1 to use the broker's default",
};

/** Kafka's TopicCreationConfig.PARTITIONS_VALIDATOR. */
const PARTITIONS_VALIDATOR: Validator = {
  ensureValid(name: string, value: unknown): void {
    const n = value as number;
    if (n !== -1 && n < 1) throw ConfigDef.invalid(name, value, "Number of partitions must be positive, or -1 to use the broker's default");
  },
  toString: () => "Positive number, or -1 to use the broker's default",
};

/** Adds the storage keys to a worker ConfigDef (for merging into the distributed worker's); returns it. */
export function defineDistributedStorageConfigs(def: ConfigDef): ConfigDef {
  return def
    .define(OFFSET_STORAGE_TOPIC_CONFIG, 'STRING', { importance: 'HIGH', documentation: 'The name of the Kafka topic where source connector offsets are stored' })
    .define(OFFSET_STORAGE_PARTITIONS_CONFIG, 'INT', { defaultValue: 25, validator: PARTITIONS_VALIDATOR, importance: 'LOW', documentation: 'The number of partitions used when creating the offset storage topic' })
    .define(OFFSET_STORAGE_REPLICATION_FACTOR_CONFIG, 'INT', { defaultValue: 3, validator: REPLICATION_FACTOR_VALIDATOR, importance: 'LOW', documentation: 'Replication factor used when creating the offset storage topic (lowered, with a warning, to the number of brokers when the cluster has fewer)' })
    .define(CONFIG_TOPIC_CONFIG, 'STRING', { importance: 'HIGH', documentation: 'The name of the Kafka topic where connector configurations are stored' })
    .define(CONFIG_STORAGE_REPLICATION_FACTOR_CONFIG, 'INT', { defaultValue: 3, validator: REPLICATION_FACTOR_VALIDATOR, importance: 'LOW', documentation: 'Replication factor used when creating the configuration storage topic (lowered, with a warning, to the number of brokers when the cluster has fewer)' })
    .define(STATUS_STORAGE_TOPIC_CONFIG, 'STRING', { importance: 'HIGH', documentation: 'The name of the Kafka topic where connector and task status are stored' })
    .define(STATUS_STORAGE_PARTITIONS_CONFIG, 'INT', { defaultValue: 5, validator: PARTITIONS_VALIDATOR, importance: 'LOW', documentation: 'The number of partitions used when creating the status storage topic' })
    .define(STATUS_STORAGE_REPLICATION_FACTOR_CONFIG, 'INT', { defaultValue: 3, validator: REPLICATION_FACTOR_VALIDATOR, importance: 'LOW', documentation: 'Replication factor used when creating the status storage topic (lowered, with a warning, to the number of brokers when the cluster has fewer)' });
}

/** The storage keys alone. */
export const DISTRIBUTED_STORAGE_CONFIG_DEF: ConfigDef = defineDistributedStorageConfigs(new ConfigDef());

export interface DistributedStorageSettings {
  config: { topic: string; replicationFactor: number; topicConfigs: Record<string, string> };
  offset: { topic: string; partitions: number; replicationFactor: number; topicConfigs: Record<string, string> };
  status: { topic: string; partitions: number; replicationFactor: number; topicConfigs: Record<string, string> };
}

/** Parses the storage keys of worker properties (Kafka's messages for a missing or bad key). */
export function parseDistributedStorageSettings(props: Readonly<Record<string, string>>, logger: Logger = silentLogger()): DistributedStorageSettings {
  // An empty topic name is refused by each store's constructor, with Kafka's message.
  const v = DISTRIBUTED_STORAGE_CONFIG_DEF.parse(props);
  return {
    config: { topic: v[CONFIG_TOPIC_CONFIG] as string, replicationFactor: v[CONFIG_STORAGE_REPLICATION_FACTOR_CONFIG] as number, topicConfigs: topicSettings(props, 'config.storage.', logger) },
    offset: { topic: v[OFFSET_STORAGE_TOPIC_CONFIG] as string, partitions: v[OFFSET_STORAGE_PARTITIONS_CONFIG] as number, replicationFactor: v[OFFSET_STORAGE_REPLICATION_FACTOR_CONFIG] as number, topicConfigs: topicSettings(props, 'offset.storage.', logger) },
    status: { topic: v[STATUS_STORAGE_TOPIC_CONFIG] as string, partitions: v[STATUS_STORAGE_PARTITIONS_CONFIG] as number, replicationFactor: v[STATUS_STORAGE_REPLICATION_FACTOR_CONFIG] as number, topicConfigs: topicSettings(props, 'status.storage.', logger) },
  };
}

/** Kafka's DistributedConfig.topicSettings(prefix): the prefixed settings that are topic configs. */
export function topicSettings(props: Readonly<Record<string, string>>, prefix: string, logger: Logger = silentLogger()): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, value] of Object.entries(props)) {
    if (!k.startsWith(prefix)) continue;
    const name = k.slice(prefix.length);
    if (name === 'topic' || name === 'replication.factor' || name === 'file.filename' || name === '') continue;
    if (name === 'partitions') {
      if (prefix === 'config.storage.') logger.warn(`Ignoring '${k}=${value}' setting, since config topic partitions is always 1`);
      continue;
    }
    if (name === 'cleanup.policy') {
      logger.warn(`Ignoring '${k}=${value}' setting, since compaction is always used`);
      continue;
    }
    out[name] = value;
  }
  return out;
}

export interface KafkaBackingStores {
  configStore: KafkaConfigBackingStore;
  statusStore: KafkaStatusBackingStore;
  offsetStore: KafkaOffsetBackingStore;
}

/** The three Kafka-backed stores of a distributed worker, from its properties (not started). */
export function createKafkaBackingStores(props: Readonly<Record<string, string>>, options: { kafka: Kafka; logger?: Logger }): KafkaBackingStores {
  const logger = options.logger ?? silentLogger();
  const s = parseDistributedStorageSettings(props, logger);
  return {
    configStore: new KafkaConfigBackingStore({ kafka: options.kafka, logger, ...s.config }),
    statusStore: new KafkaStatusBackingStore({ kafka: options.kafka, logger, ...s.status }),
    offsetStore: new KafkaOffsetBackingStore({ kafka: options.kafka, logger, ...s.offset }),
  };
}
