/**
 * Samsa's public surface: what users may rely on. Everything not exported here is internal.
 */
export * as protocol from './protocol/index.js';
/** Kafka Connect: the connector SPI, data model, converters, transforms and the worker (see src/connect/README.md). */
export * as connect from './connect/index.js';
export { startBroker } from './broker/broker.js';
export type { Broker, BoundListener, StartBrokerOptions } from './broker/broker.js';
export { createLogger, silentLogger } from './logging/logger.js';
export type { Logger } from './logging/logger.js';

// The client library (KafkaJS-shaped): see src/client/README.md.
export { Kafka } from './client/kafka.js';
export type { KafkaConfig } from './client/kafka.js';
export { Producer } from './client/producer/producer.js';
export type { ProducerOptions } from './client/producer/producer.js';
export { CompressionTypes } from './client/producer/producer-types.js';
export type { IHeaders, Message, ProducerRecord, ProducerBatch, TopicMessages, RecordMetadata, PartitionerArgs, ICustomPartitioner } from './client/producer/producer-types.js';
export { DefaultPartitioner, partitionForKey } from './client/producer/default-partitioner.js';
export { murmur2, toPositive } from './client/producer/murmur2.js';
export { Consumer } from './client/consumer/consumer.js';
export type { ConsumerOptions } from './client/consumer/consumer.js';
export type * from './client/consumer/consumer-types.js';
export { rangeAssignor } from './client/consumer/range-assignor.js';
export { roundRobinAssignor } from './client/consumer/round-robin-assignor.js';
export { cooperativeStickyAssignor } from './client/consumer/cooperative-sticky-assignor.js';
export type { PartitionAssignor, AssignorMember, GroupAssignment } from './client/consumer/partition-assignor.js';
export { Admin, KafkaDeleteGroupsError } from './client/admin/admin.js';
export type { AdminOptions } from './client/admin/admin.js';
export { ConfigResourceTypes, ConfigSource } from './client/admin/admin-types.js';
export type * from './client/admin/admin-types.js';
export {
  KafkaClientError,
  KafkaProtocolError,
  KafkaConnectionError,
  KafkaRequestTimeoutError,
  KafkaRetriesExhaustedError,
  KafkaClientStateError,
} from './client/client-errors.js';
export type { RetryOptions } from './client/retry.js';
export type { SocketFactory, SocketFactoryArgs } from './client/connection/socket-factory.js';
export type { BrokerConnection, ConnectionAuthenticator } from './client/connection/broker-connection.js';
