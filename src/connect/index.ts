/**
 * Kafka Connect for Samsa: the data model, the connector/converter/transformation SPIs and the
 * built-in plugins, and what embedding a worker needs: the Worker, the StandaloneHerder and its
 * stores, the Kafka-backed stores of distributed mode, plugin.path loading, topic creation and the
 * REST API (`startStandalone` wires them together as connect-standalone does).
 */
export { ConnectException, DataException, SchemaBuilderException, ConfigException } from './api/errors.js';
export { ConnectSchema, Field, Schema, SCHEMA_TYPES, isPrimitiveType, validateValue, schemasEqual, NULL_SCHEMA_AND_VALUE } from './api/data/schema.js';
export type { SchemaType, SchemaAndValue } from './api/data/schema.js';
export { SchemaBuilder } from './api/data/schema-builder.js';
export { Struct } from './api/data/struct.js';
export { BigDecimal } from './api/data/big-decimal.js';
export { Decimal, ConnectDate, Time, Timestamp } from './api/data/logical.js';
export { ConnectHeaders } from './api/data/headers.js';
export type { Header } from './api/data/headers.js';
export { ConnectRecord, SourceRecord, SinkRecord } from './api/data/connect-record.js';
export { valuesEqual } from './api/data/values.js';
export type { Converter, HeaderConverter, ConverterConfigs } from './api/converter.js';
export { JsonConverter, JsonConverterConfig } from './converters/json/json-converter.js';
export { StringConverter } from './converters/string-converter.js';
export { ByteArrayConverter } from './converters/byte-array-converter.js';
export { SimpleHeaderConverter } from './converters/simple-header-converter.js';
export { ConverterRegistry, defaultConverterRegistry, converterSetting, newConverters } from './converters/registry.js';
export type { Transformation, Predicate, AnyConnectRecord } from './api/transformation.js';
export * from './transforms/index.js';
export { ConfigDef, Password, Range, ValidString, ValidList, NonEmptyString, NonNullValidator, CompositeValidator, NonEmptyListValidator, LambdaValidator, invalidConfigValue, NO_DEFAULT_VALUE } from './api/config-def.js';
export type { ConfigType, Importance, ConfigKey, ConfigValue, ConfigValueType, Validator } from './api/config-def.js';
export { Connector, SourceConnector, SinkConnector, SourceTask, SinkTask, topicPartitionKey } from './api/connector.js';
export type { Task, ConnectorContext, ConnectorProps, OffsetStorageReader, SourceTaskContext, SinkTaskContext, SinkOffsets, TopicPartition } from './api/connector.js';
export { RetriableException } from './api/errors.js';
export { FileStreamSourceConnector, FileStreamSourceTask } from './connectors/file/file-stream-source.js';
export { FileStreamSinkConnector, FileStreamSinkTask } from './connectors/file/file-stream-sink.js';
export { ConnectorPluginRegistry, defaultConnectorRegistry } from './connectors/registry.js';
export { FileOffsetBackingStore, MemoryOffsetBackingStore } from './runtime/offset-store.js';
export type { OffsetBackingStore } from './runtime/offset-store.js';
export { Worker, validateWorkerConfig } from './runtime/worker.js';
export type { WorkerOptions, StartTaskOptions } from './runtime/worker.js';
export type { RecordTransform, TopicCreationHook } from './runtime/worker-tasks.js';
export { WORKER_CONFIG_DEF, COMMON_WORKER_CONFIG_DEF, STANDALONE_CONFIG_DEF, CONNECTOR_CONFIG_DEF, SINK_CONNECTOR_CONFIG_DEF } from './runtime/config.js';

// Herders and their stores.
export {
  NotFoundException, AlreadyExistsException, BadRequestException, RebalanceInProgressException, NotLeaderException, httpStatusFor,
} from './runtime/herder.js';
export type {
  Herder, ConnectorConfig, ConnectorType, TargetState, ConnectState, ConnectorTaskId, ConnectorInfo, TaskInfo,
  ConnectorStateEntry, TaskStateEntry, ConnectorStateInfo, ConnectorOffsets, PluginInfo, ConfigInfos, RestartRequest, PutConnectorOptions,
} from './runtime/herder.js';
export { StandaloneHerder } from './runtime/standalone-herder.js';
export type { StandaloneHerderOptions } from './runtime/standalone-herder.js';
export type { ConfigBackingStore, StatusBackingStore, ClusterConfigState, ConfigUpdateListener, ConnectorStatus, TaskStatus } from './runtime/storage.js';
export { MemoryConfigBackingStore } from './runtime/memory-config-store.js';
export { MemoryStatusBackingStore } from './runtime/memory-status-store.js';
export * from './storage/index.js';

// plugin.path, topic creation, the REST API, and standalone mode.
export { loadPlugins, pluginAliases, PLUGIN_PATH_CONFIG, MANIFEST_EXPORT } from './runtime/plugins.js';
export type { PluginRegistries, PluginDescription, PluginType, SamsaConnectPluginManifest } from './runtime/plugins.js';
export { TopicCreation, TopicCreationGroup, validateTopicCreationConfig, topicCreationEnabled, usesTopicCreation } from './runtime/topic-creation.js';
export type { TopicCreationSettings } from './runtime/topic-creation.js';
export { startRestServer } from './rest/rest-server.js';
export type { RestServer, RestServerOptions } from './rest/rest-server.js';
export { restServerPlacement, parseListener, DEFAULT_REST_PORT } from './rest/rest-config.js';
export type { RestServerPlacement, RestListener } from './rest/rest-config.js';
export { LoggerLevels, ROOT_LOGGER } from './rest/logger-levels.js';
export type { LoggerLevel } from './rest/logger-levels.js';
export { RestError } from './rest/rest-error.js';
export { prepareWorkerPlugins, startRestFor, deferredHerder, workerIdFor, samsaCommitId, pluginPathEntries } from './runtime/worker-setup.js';
export type { WorkerPlugins, DeferredHerder } from './runtime/worker-setup.js';
export { startStandalone, readProperties } from './runtime/standalone.js';
export type { Standalone, StandaloneOptions } from './runtime/standalone.js';

// Distributed mode.
export { AbstractHerder } from './runtime/abstract-herder.js';
export { DistributedHerder, GroupStatusStore } from './runtime/distributed-herder.js';
export type { DistributedHerderOptions } from './runtime/distributed-herder.js';
export { DISTRIBUTED_CONFIG_DEF, parseDistributedConfig } from './runtime/distributed-config.js';
export type { DistributedGroupSettings } from './runtime/distributed-config.js';
export { startDistributed, startDistributedWorker } from './runtime/distributed.js';
export type { Distributed, DistributedOptions } from './runtime/distributed.js';
export { WorkerGroupMember } from './runtime/distributed/worker-group-member.js';
