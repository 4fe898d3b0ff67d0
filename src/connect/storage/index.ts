/** Kafka-topic-backed Connect state for distributed mode: the log, the three stores and their worker settings. */
export { internalConverter } from './internal-converter.js';
export { KafkaBasedLog, partitionForKeyBytes } from './kafka-based-log.js';
export type { KafkaBasedLogOptions, KafkaBasedLogRecord } from './kafka-based-log.js';
export { KafkaConfigBackingStore } from './kafka-config-backing-store.js';
export type { KafkaClusterConfigState, KafkaConfigBackingStoreOptions } from './kafka-config-backing-store.js';
export { KafkaStatusBackingStore } from './kafka-status-backing-store.js';
export type { KafkaStatusBackingStoreOptions, TopicStatus } from './kafka-status-backing-store.js';
export { KafkaOffsetBackingStore } from './kafka-offset-backing-store.js';
export type { KafkaOffsetBackingStoreOptions } from './kafka-offset-backing-store.js';
export {
  DISTRIBUTED_STORAGE_CONFIG_DEF,
  createKafkaBackingStores,
  defineDistributedStorageConfigs,
  parseDistributedStorageSettings,
  topicSettings,
} from './distributed-storage-config.js';
export type { DistributedStorageSettings, KafkaBackingStores } from './distributed-storage-config.js';
