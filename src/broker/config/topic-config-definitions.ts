import { atLeast, between, listOf, oneOf, validator } from './config-definition.js';
import type { ConfigDefinition, ConfigValidator } from './config-definition.js';

/**
 * Kafka's topic-level configs (Kafka 3.x), with the broker keys that supply their defaults.
 * Facts (names, defaults, valid values, importance) follow Kafka's documentation; the doc lines
 * are Samsa's own words.
 */
export interface TopicConfigDefinition extends ConfigDefinition {
  /**
   * The broker keys that give this config its broker-level default, in precedence order (the
   * first one set wins): e.g. retention.ms ← log.retention.ms, log.retention.minutes,
   * log.retention.hours. Empty when the config has no broker-level default.
   */
  readonly brokerSynonyms: readonly BrokerSynonym[];
}

export interface BrokerSynonym {
  readonly name: string;
  /** Converts the broker key's unit to the topic config's (hours → ms: 3600000). Default 1. */
  readonly multiplier?: number;
}

export const LONG_MAX = '9223372036854775807';
export const INT_MAX = '2147483647';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

/** Kafka's ThrottledReplicaListValidator: `*`, or `partition:broker` pairs. */
const throttledReplicas: ConfigValidator = validator('[partitionId]:[brokerId],[partitionId]:[brokerId],...', (v) => {
  const items = v as readonly string[];
  if (items.length === 1 && items[0] === '*') return undefined;
  if (items.every((item) => /^\d+:\d+$/.test(item))) return undefined;
  return "must be the literal '*' or a list of replicas in the following format: [partitionId]:[brokerId],[partitionId]:[brokerId],...";
});

/** message.format.version and friends: `0.10.2`, `2.8-IV1`, `3.0`. */
export const metadataVersionValidator: ConfigValidator = validator('[0.8.0, ..., 3.x-IVn]', (v) =>
  /^\d+\.\d+(\.\d+)?(-IV\d+)?$/.test(v as string) ? undefined : 'Expected a Kafka version such as 3.0 or 3.0-IV1',
);

export const COMPRESSION_TYPES = ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'] as const;

/** gzip: -1 (the codec's default) or 1..9. */
export const gzipLevelValidator: ConfigValidator = validator('[1,...,9] or -1', (v) =>
  v === -1 || ((v as number) >= 1 && (v as number) <= 9) ? undefined : 'Value must be -1 or between 1 and 9',
);

function topic(
  name: string,
  type: ConfigDefinition['type'],
  defaultValue: string | null,
  brokerSynonyms: readonly (string | BrokerSynonym)[],
  doc: string,
  extra: { validator?: ConfigValidator; importance?: ConfigDefinition['importance'] } = {},
): TopicConfigDefinition {
  return {
    name,
    type,
    default: defaultValue,
    importance: extra.importance ?? 'medium',
    doc,
    brokerSynonyms: brokerSynonyms.map((s) => (typeof s === 'string' ? { name: s } : s)),
    ...(extra.validator === undefined ? {} : { validator: extra.validator }),
  };
}

const DEFINITIONS: TopicConfigDefinition[] = [
  topic('cleanup.policy', 'list', 'delete', ['log.cleanup.policy'],
    'What happens to old segments: "delete" removes them past retention, "compact" keeps the latest record per key; both may be listed.',
    { validator: listOf('compact', 'delete') }),
  topic('compression.type', 'string', 'producer', ['compression.type'],
    'Final compression of the topic\'s batches: a codec, "uncompressed", or "producer" to keep what the producer sent.',
    { validator: oneOf(...COMPRESSION_TYPES) }),
  topic('compression.gzip.level', 'int', '-1', ['compression.gzip.level'],
    'Compression level when compression.type is gzip.', { validator: gzipLevelValidator }),
  topic('compression.lz4.level', 'int', '9', ['compression.lz4.level'],
    'Compression level when compression.type is lz4.', { validator: between(1, 17) }),
  topic('compression.zstd.level', 'int', '3', ['compression.zstd.level'],
    'Compression level when compression.type is zstd.', { validator: between(-131072, 22) }),
  topic('delete.retention.ms', 'long', '86400000', ['log.cleaner.delete.retention.ms'],
    'How long tombstones stay in a compacted topic, so that a consumer reading from the start sees them.',
    { validator: atLeast(0) }),
  topic('file.delete.delay.ms', 'long', '60000', ['log.segment.delete.delay.ms'],
    'How long a deleted segment\'s files linger before removal from the file system.', { validator: atLeast(0) }),
  topic('flush.messages', 'long', LONG_MAX, ['log.flush.interval.messages'],
    'Force an fsync after this many messages (the default leaves flushing to the OS and replication).',
    { validator: atLeast(1) }),
  topic('flush.ms', 'long', LONG_MAX, ['log.flush.interval.ms', 'log.flush.scheduler.interval.ms'],
    'Force an fsync when the oldest unflushed message is this old.', { validator: atLeast(0) }),
  topic('follower.replication.throttled.replicas', 'list', '', [],
    'Replicas whose log replication is throttled on the follower side, as partition:broker pairs or "*".',
    { validator: throttledReplicas }),
  topic('index.interval.bytes', 'int', '4096', ['log.index.interval.bytes'],
    'How many bytes of records lie between two offset-index entries.', { validator: atLeast(0) }),
  topic('leader.replication.throttled.replicas', 'list', '', [],
    'Replicas whose log replication is throttled on the leader side, as partition:broker pairs or "*".',
    { validator: throttledReplicas }),
  topic('local.retention.bytes', 'long', '-2', ['log.local.retention.bytes'],
    'With tiered storage, the local size limit per partition; -2 means retention.bytes.', { validator: atLeast(-2) }),
  topic('local.retention.ms', 'long', '-2', ['log.local.retention.ms'],
    'With tiered storage, how long segments stay local; -2 means retention.ms.', { validator: atLeast(-2) }),
  topic('max.compaction.lag.ms', 'long', LONG_MAX, ['log.cleaner.max.compaction.lag.ms'],
    'The longest a record may stay uncompacted in a compacted topic.', { validator: atLeast(1) }),
  topic('max.message.bytes', 'int', '1048588', ['message.max.bytes'],
    'The largest record batch the topic accepts, after compression.', { validator: atLeast(0) }),
  topic('message.downconversion.enable', 'boolean', 'true', ['log.message.downconversion.enable'],
    'Whether fetches from old clients may be answered with down-converted batches.', { importance: 'low' }),
  topic('message.format.version', 'string', '3.0-IV1', ['log.message.format.version'],
    'Deprecated: ignored from inter.broker.protocol.version 3.0 on.', { validator: metadataVersionValidator }),
  topic('message.timestamp.after.max.ms', 'long', LONG_MAX, ['log.message.timestamp.after.max.ms'],
    'With CreateTime, how far in the future a batch timestamp may be before the batch is rejected.',
    { validator: atLeast(0) }),
  topic('message.timestamp.before.max.ms', 'long', LONG_MAX, ['log.message.timestamp.before.max.ms'],
    'With CreateTime, how far in the past a batch timestamp may be before the batch is rejected.',
    { validator: atLeast(0) }),
  topic('message.timestamp.difference.max.ms', 'long', LONG_MAX, ['log.message.timestamp.difference.max.ms'],
    'Deprecated: the largest difference between a batch timestamp and the broker clock (CreateTime).',
    { validator: atLeast(0) }),
  topic('message.timestamp.type', 'string', 'CreateTime', ['log.message.timestamp.type'],
    'Whether record timestamps are the producer\'s (CreateTime) or the broker\'s append time (LogAppendTime).',
    { validator: oneOf('CreateTime', 'LogAppendTime') }),
  topic('min.cleanable.dirty.ratio', 'double', '0.5', ['log.cleaner.min.cleanable.ratio'],
    'The least share of uncompacted log that makes the cleaner compact a log.', { validator: between(0, 1) }),
  topic('min.compaction.lag.ms', 'long', '0', ['log.cleaner.min.compaction.lag.ms'],
    'The least time a record stays uncompacted.', { validator: atLeast(0) }),
  topic('min.insync.replicas', 'int', '1', ['min.insync.replicas'],
    'With acks=all, the fewest in-sync replicas that must hold a write for it to succeed.', { validator: atLeast(1) }),
  topic('preallocate', 'boolean', 'false', ['log.preallocate'],
    'Whether a new segment file is preallocated on disk.'),
  topic('remote.storage.enable', 'boolean', 'false', [],
    'Whether the topic uses tiered storage (not supported by Samsa: always false in effect).'),
  topic('retention.bytes', 'long', '-1', ['log.retention.bytes'],
    'The most bytes a partition keeps under the delete policy before old segments go; -1 for no limit.'),
  topic('retention.ms', 'long', '604800000',
    ['log.retention.ms', { name: 'log.retention.minutes', multiplier: MINUTE_MS }, { name: 'log.retention.hours', multiplier: HOUR_MS }],
    'How long a segment is kept under the delete policy; -1 for no limit.', { validator: atLeast(-1) }),
  topic('segment.bytes', 'int', '1073741824', ['log.segment.bytes'],
    'The size at which a segment file is rolled.', { validator: atLeast(14) }),
  topic('segment.index.bytes', 'int', '10485760', ['log.index.size.max.bytes'],
    'The size of a segment\'s offset and time index files.', { validator: atLeast(4) }),
  topic('segment.jitter.ms', 'long', '0',
    ['log.roll.jitter.ms', { name: 'log.roll.jitter.hours', multiplier: HOUR_MS }],
    'The most random time subtracted from segment.ms, so that segments do not all roll at once.',
    { validator: atLeast(0) }),
  topic('segment.ms', 'long', '604800000', ['log.roll.ms', { name: 'log.roll.hours', multiplier: HOUR_MS }],
    'The age at which a segment is rolled even when not full.', { validator: atLeast(1) }),
  topic('unclean.leader.election.enable', 'boolean', 'false', ['unclean.leader.election.enable'],
    'Whether a replica out of the ISR may become leader as a last resort, at the cost of losing data.'),
];

/** Every topic-level config, by name. */
export const topicConfigDefinitions: ReadonlyMap<string, TopicConfigDefinition> = new Map(
  DEFINITIONS.map((d) => [d.name, d]),
);
