/** Record batch v2, control records and compression: the public API of protocol/records. */
export * from './compression.js';
export * from './control-record.js';
export * from './crc32c.js';
export * from './decode-records.js';
export * from './iterate-batches.js';
export * from './record.js';
export * from './record-batch.js';
export * from './record-batch-builder.js';
export * from './record-batch-error.js';
export * from './record-batch-header.js';
export * from './validate-batches.js';
export * from './varint.js';
export * from './xxhash32.js';
