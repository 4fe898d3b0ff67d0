/** The Kafka wire protocol: generated message codecs, frames, record batches. Pure, no I/O. */
export * from './generated/index.js';
export * from './primitives/protocol-error.js';
export * from './primitives/protocol-reader.js';
export * from './primitives/protocol-writer.js';
export * from './records/index.js';
export * from './request-frame.js';
export * from './supported-api-versions.js';
export { errorName, isRetriable } from './error-codes.js';
