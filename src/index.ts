/**
 * Samsa's public surface: what users may rely on. Everything not exported here is internal.
 */
export * as protocol from './protocol/index.js';
export { startBroker } from './broker/broker.js';
export type { Broker, BoundListener, StartBrokerOptions } from './broker/broker.js';
export { createLogger, silentLogger } from './logging/logger.js';
export type { Logger } from './logging/logger.js';
