import type { LogConfig } from '../storage/log-config.js';
import { brokerConfigDefinitions } from './broker-config-definitions.js';
import { ConfigSource, canonicalConfigString, parseConfigValue, parseType } from './config-definition.js';
import type { ConfigValue } from './config-definition.js';
import { ConfigError } from './config-error.js';
import { brokerValueLayers } from './dynamic-broker-configs.js';
import type { BrokerValueSources, DynamicBrokerConfigs } from './dynamic-broker-configs.js';
import { topicConfigDefinitions } from './topic-config-definitions.js';
import type { TopicConfigDefinition } from './topic-config-definitions.js';

/**
 * Every topic-level config of one topic, resolved: the topic's override, else the broker's
 * synonym keys (dynamic, then static, in precedence order), else Kafka's default. Times in ms,
 * sizes in bytes; "unlimited" longs are Number.MAX_SAFE_INTEGER (see config-definition.ts).
 */
export interface TopicConfig {
  cleanupPolicy: ReadonlyArray<'delete' | 'compact'>;
  compressionType: 'uncompressed' | 'zstd' | 'lz4' | 'snappy' | 'gzip' | 'producer';
  compressionGzipLevel: number;
  compressionLz4Level: number;
  compressionZstdLevel: number;
  deleteRetentionMs: number;
  fileDeleteDelayMs: number;
  flushMessages: number;
  flushMs: number;
  followerReplicationThrottledReplicas: readonly string[];
  indexIntervalBytes: number;
  leaderReplicationThrottledReplicas: readonly string[];
  localRetentionBytes: number;
  localRetentionMs: number;
  maxCompactionLagMs: number;
  maxMessageBytes: number;
  messageDownconversionEnable: boolean;
  messageFormatVersion: string;
  messageTimestampAfterMaxMs: number;
  messageTimestampBeforeMaxMs: number;
  messageTimestampDifferenceMaxMs: number;
  messageTimestampType: 'CreateTime' | 'LogAppendTime';
  minCleanableDirtyRatio: number;
  minCompactionLagMs: number;
  minInsyncReplicas: number;
  preallocate: boolean;
  remoteStorageEnable: boolean;
  retentionBytes: number;
  retentionMs: number;
  segmentBytes: number;
  segmentIndexBytes: number;
  segmentJitterMs: number;
  segmentMs: number;
  uncleanLeaderElectionEnable: boolean;
}

export type TopicValidation = { ok: true } | { ok: false; key: string; message: string };

/**
 * Checks topic overrides as CreateTopics / AlterConfigs / IncrementalAlterConfigs get them: an
 * unknown key, a null value or a bad value fails with the message Kafka would give, for the
 * handler to return as INVALID_CONFIG. With `broker`, cross-key rules are checked against the
 * resolved values (min.compaction.lag.ms ≤ max.compaction.lag.ms).
 */
export function validateTopicConfigs(
  overrides: Readonly<Record<string, string | null>>,
  broker?: BrokerValueSources,
): TopicValidation {
  for (const [key, value] of Object.entries(overrides)) {
    const def = topicConfigDefinitions.get(key);
    if (def === undefined) return { ok: false, key, message: `Unknown topic config name: ${key}` };
    if (value === null) return { ok: false, key, message: `Null value not supported for topic configs: ${key}` };
    try {
      parseConfigValue(def, value);
    } catch (err) {
      if (err instanceof ConfigError) return { ok: false, key, message: err.message };
      throw err;
    }
  }
  const remote = overrides['remote.storage.enable'];
  if (remote !== undefined && remote !== null && remote.trim().toLowerCase() === 'true') {
    return {
      ok: false,
      key: 'remote.storage.enable',
      message: 'Tiered Storage functionality is disabled in the broker. Topic cannot be configured with remote log storage.',
    };
  }
  const resolved = resolveTopicConfig(broker ?? { raw: new Map() }, overrides as Record<string, string>);
  if (resolved.minCompactionLagMs > resolved.maxCompactionLagMs) {
    return {
      ok: false,
      key: 'min.compaction.lag.ms',
      message: `conflict topic config setting min.compaction.lag.ms (${resolved.minCompactionLagMs}) > max.compaction.lag.ms (${resolved.maxCompactionLagMs})`,
    };
  }
  return { ok: true };
}

/** The text of a topic config's value in force, and where it came from. */
export interface ResolvedTopicValue {
  /** Canonical text in the topic config's unit (retention.ms from log.retention.hours=168 is 604800000). */
  readonly value: string;
  readonly source: ConfigSource;
  /** The key that supplied it: the topic key itself, a broker synonym, or the topic key's default. */
  readonly from: string;
}

/**
 * Resolves one topic config's text: the topic override, else the first broker synonym (in
 * precedence order) that has a value in any layer — dynamic per-broker, dynamic cluster default,
 * static, then the broker key's own default — else the topic config's default. This is Kafka's
 * ms > minutes > hours rule for log.retention.*, log.roll.* and log.roll.jitter.*.
 */
export function resolveTopicValue(
  def: TopicConfigDefinition,
  broker: BrokerValueSources,
  overrides: Readonly<Record<string, string>>,
  dynamic?: DynamicBrokerConfigs,
): ResolvedTopicValue {
  const override = overrides[def.name];
  if (override !== undefined) {
    parseConfigValue(def, override); // throws ConfigError on a bad value
    return { value: canonicalConfigString(def, override), source: ConfigSource.DYNAMIC_TOPIC_CONFIG, from: def.name };
  }
  for (const synonym of def.brokerSynonyms) {
    const layer = brokerValueLayers(broker, dynamic, synonym.name)[0];
    if (layer === undefined) continue;
    const brokerDef = brokerConfigDefinitions.get(synonym.name);
    const text = brokerDef === undefined ? layer.value.trim() : canonicalConfigString(brokerDef, layer.value);
    let value = text;
    if (synonym.multiplier !== undefined) value = (BigInt(text) * BigInt(synonym.multiplier)).toString();
    // Kafka: any negative broker retention time means "keep forever" (-1).
    if (def.name === 'retention.ms' && value.startsWith('-')) value = '-1';
    return { value, source: layer.source, from: synonym.name };
  }
  return { value: def.default ?? '', source: ConfigSource.DEFAULT_CONFIG, from: def.name };
}

/** Every topic config of a topic with these overrides, typed. Throws ConfigError on a bad override. */
export function resolveTopicConfig(
  broker: BrokerValueSources,
  overrides: Readonly<Record<string, string>>,
  dynamic?: DynamicBrokerConfigs,
): TopicConfig {
  const values = new Map<string, ConfigValue>();
  for (const def of topicConfigDefinitions.values()) {
    const resolved = resolveTopicValue(def, broker, overrides, dynamic);
    // Overrides are validated here too; broker values were validated under their own keys.
    values.set(def.name, resolved.source === ConfigSource.DYNAMIC_TOPIC_CONFIG ? parseConfigValue(def, resolved.value) : parseType(def, resolved.value));
  }
  const num = (k: string) => values.get(k) as number;
  const bool = (k: string) => values.get(k) as boolean;
  const list = (k: string) => values.get(k) as readonly string[];
  return {
    cleanupPolicy: list('cleanup.policy') as ReadonlyArray<'delete' | 'compact'>,
    compressionType: values.get('compression.type') as TopicConfig['compressionType'],
    compressionGzipLevel: num('compression.gzip.level'),
    compressionLz4Level: num('compression.lz4.level'),
    compressionZstdLevel: num('compression.zstd.level'),
    deleteRetentionMs: num('delete.retention.ms'),
    fileDeleteDelayMs: num('file.delete.delay.ms'),
    flushMessages: num('flush.messages'),
    flushMs: num('flush.ms'),
    followerReplicationThrottledReplicas: list('follower.replication.throttled.replicas'),
    indexIntervalBytes: num('index.interval.bytes'),
    leaderReplicationThrottledReplicas: list('leader.replication.throttled.replicas'),
    localRetentionBytes: num('local.retention.bytes'),
    localRetentionMs: num('local.retention.ms'),
    maxCompactionLagMs: num('max.compaction.lag.ms'),
    maxMessageBytes: num('max.message.bytes'),
    messageDownconversionEnable: bool('message.downconversion.enable'),
    messageFormatVersion: values.get('message.format.version') as string,
    messageTimestampAfterMaxMs: num('message.timestamp.after.max.ms'),
    messageTimestampBeforeMaxMs: num('message.timestamp.before.max.ms'),
    messageTimestampDifferenceMaxMs: num('message.timestamp.difference.max.ms'),
    messageTimestampType: values.get('message.timestamp.type') as TopicConfig['messageTimestampType'],
    minCleanableDirtyRatio: num('min.cleanable.dirty.ratio'),
    minCompactionLagMs: num('min.compaction.lag.ms'),
    minInsyncReplicas: num('min.insync.replicas'),
    preallocate: bool('preallocate'),
    remoteStorageEnable: bool('remote.storage.enable'),
    retentionBytes: num('retention.bytes'),
    retentionMs: num('retention.ms'),
    segmentBytes: num('segment.bytes'),
    segmentIndexBytes: num('segment.index.bytes'),
    segmentJitterMs: num('segment.jitter.ms'),
    segmentMs: num('segment.ms'),
    uncleanLeaderElectionEnable: bool('unclean.leader.election.enable'),
  };
}

/** The storage layer's view of a topic's configs (see storage/log-config.ts). */
export function resolveLogConfig(
  broker: BrokerValueSources,
  overrides: Readonly<Record<string, string>>,
  dynamic?: DynamicBrokerConfigs,
): LogConfig {
  return toLogConfig(resolveTopicConfig(broker, overrides, dynamic));
}

export function toLogConfig(t: TopicConfig): LogConfig {
  return {
    segmentBytes: t.segmentBytes,
    segmentMs: t.segmentMs,
    segmentJitterMs: t.segmentJitterMs,
    segmentIndexBytes: t.segmentIndexBytes,
    indexIntervalBytes: t.indexIntervalBytes,
    retentionMs: t.retentionMs,
    retentionBytes: t.retentionBytes,
    flushMessages: t.flushMessages,
    flushMs: t.flushMs,
    maxMessageBytes: t.maxMessageBytes,
    messageTimestampType: t.messageTimestampType,
    cleanupPolicy: t.cleanupPolicy,
    fileDeleteDelayMs: t.fileDeleteDelayMs,
    preallocate: t.preallocate,
    deleteRetentionMs: t.deleteRetentionMs,
    minCleanableDirtyRatio: t.minCleanableDirtyRatio,
    minCompactionLagMs: t.minCompactionLagMs,
    maxCompactionLagMs: t.maxCompactionLagMs,
  };
}
