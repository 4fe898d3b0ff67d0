import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseBrokerConfig } from '../../../src/broker/config/broker-config.js';
import { ConfigError } from '../../../src/broker/config/config-error.js';
import { resolveLogConfig, resolveTopicConfig, validateTopicConfigs } from '../../../src/broker/config/topic-config.js';
import { topicConfigDefinitions } from '../../../src/broker/config/topic-config-definitions.js';
import { DEFAULT_LOG_CONFIG } from '../../../src/broker/storage/log-config.js';

const defaults = parseBrokerConfig({}).config;

describe('validateTopicConfigs', () => {
  it('accepts valid overrides of every kind', () => {
    assert.deepEqual(validateTopicConfigs({}), { ok: true });
    assert.deepEqual(
      validateTopicConfigs({
        'retention.ms': '-1',
        'cleanup.policy': 'compact,delete',
        'compression.type': 'zstd',
        'min.cleanable.dirty.ratio': '0.1',
        'message.timestamp.type': 'LogAppendTime',
        'leader.replication.throttled.replicas': '*',
        'follower.replication.throttled.replicas': '0:1, 1:2',
        'segment.bytes': '14',
        preallocate: 'TRUE',
      }),
      { ok: true },
    );
  });

  it('an unknown key, as Kafka words it', () => {
    assert.deepEqual(validateTopicConfigs({ 'retention.hours': '1' }), {
      ok: false,
      key: 'retention.hours',
      message: 'Unknown topic config name: retention.hours',
    });
    // A broker key is not a topic key.
    assert.equal(validateTopicConfigs({ 'log.retention.ms': '1' }).ok, false);
  });

  it('a null value', () => {
    assert.deepEqual(validateTopicConfigs({ 'retention.ms': null }), {
      ok: false,
      key: 'retention.ms',
      message: 'Null value not supported for topic configs: retention.ms',
    });
  });

  it('bad values name the key, the value and what is expected', () => {
    const cases: [Record<string, string>, string, string][] = [
      [{ 'segment.bytes': '10' }, 'segment.bytes', 'Invalid value 10 for configuration segment.bytes: Value must be at least 14'],
      [{ 'retention.ms': '-2' }, 'retention.ms', 'Value must be at least -1'],
      [{ 'retention.ms': 'week' }, 'retention.ms', 'Not a number of type LONG'],
      [{ 'cleanup.policy': 'delete,forever' }, 'cleanup.policy', 'forever'],
      [{ 'message.timestamp.type': 'createtime' }, 'message.timestamp.type', 'String must be one of: CreateTime, LogAppendTime'],
      [{ 'min.cleanable.dirty.ratio': '1.5' }, 'min.cleanable.dirty.ratio', 'no more than 1'],
      [{ 'min.insync.replicas': '0' }, 'min.insync.replicas', 'at least 1'],
      [{ 'unclean.leader.election.enable': 'maybe' }, 'unclean.leader.election.enable', 'true or false'],
      [{ 'leader.replication.throttled.replicas': 'all' }, 'leader.replication.throttled.replicas', "literal '*'"],
      [{ 'compression.gzip.level': '0' }, 'compression.gzip.level', '-1 or between 1 and 9'],
    ];
    for (const [overrides, key, fragment] of cases) {
      const result = validateTopicConfigs(overrides);
      assert.equal(result.ok, false, key);
      if (result.ok) continue;
      assert.equal(result.key, key);
      assert.ok(result.message.includes(fragment), `${result.message} lacks ${fragment}`);
    }
  });

  it('tiered storage is refused, as by a Kafka broker without it', () => {
    const result = validateTopicConfigs({ 'remote.storage.enable': 'true' });
    assert.equal(result.ok, false);
    assert.equal(validateTopicConfigs({ 'remote.storage.enable': 'false' }).ok, true);
  });

  it('min.compaction.lag.ms may not exceed max.compaction.lag.ms (against the broker\'s values too)', () => {
    assert.equal(validateTopicConfigs({ 'min.compaction.lag.ms': '10', 'max.compaction.lag.ms': '5' }).ok, false);
    const broker = parseBrokerConfig({ 'log.cleaner.max.compaction.lag.ms': '100' }).config;
    assert.equal(validateTopicConfigs({ 'min.compaction.lag.ms': '200' }, broker).ok, false);
    assert.equal(validateTopicConfigs({ 'min.compaction.lag.ms': '200' }).ok, true);
  });
});

describe('resolveTopicConfig and resolveLogConfig', () => {
  it('with no overrides and a default broker: Kafka\'s defaults, storage\'s DEFAULT_LOG_CONFIG', () => {
    assert.deepEqual(resolveLogConfig(defaults, {}), DEFAULT_LOG_CONFIG);
    const t = resolveTopicConfig(defaults, {});
    assert.equal(t.compressionType, 'producer');
    assert.equal(t.minInsyncReplicas, 1);
    assert.equal(t.uncleanLeaderElectionEnable, false);
    assert.equal(t.deleteRetentionMs, 86400000);
    assert.equal(t.minCleanableDirtyRatio, 0.5);
    assert.equal(t.messageTimestampBeforeMaxMs, Number.MAX_SAFE_INTEGER);
    assert.equal(t.localRetentionMs, -2);
    assert.deepEqual(t.leaderReplicationThrottledReplicas, []);
    assert.equal(t.remoteStorageEnable, false);
  });

  it('covers every topic config', () => {
    assert.equal(Object.keys(resolveTopicConfig(defaults, {})).length, topicConfigDefinitions.size);
  });

  it('a topic override wins over the broker\'s synonyms, which win over the default', () => {
    const broker = parseBrokerConfig({ 'log.retention.hours': '24', 'log.segment.bytes': '1000', 'compression.type': 'lz4', 'min.insync.replicas': '2' }).config;
    const noOverride = resolveTopicConfig(broker, {});
    assert.equal(noOverride.retentionMs, 86_400_000);
    assert.equal(noOverride.segmentBytes, 1000);
    assert.equal(noOverride.compressionType, 'lz4');
    assert.equal(noOverride.minInsyncReplicas, 2);
    const overridden = resolveTopicConfig(broker, { 'retention.ms': '5000', 'segment.bytes': '2000', 'compression.type': 'gzip' });
    assert.equal(overridden.retentionMs, 5000);
    assert.equal(overridden.segmentBytes, 2000);
    assert.equal(overridden.compressionType, 'gzip');
    assert.equal(overridden.minInsyncReplicas, 2);
  });

  it('dynamic broker configs: per-broker over cluster default over static', () => {
    const broker = parseBrokerConfig({ 'log.retention.ms': '1000' }).config;
    assert.equal(resolveLogConfig(broker, {}).retentionMs, 1000);
    assert.equal(resolveLogConfig(broker, {}, { clusterDefault: { 'log.retention.ms': '2000' } }).retentionMs, 2000);
    assert.equal(
      resolveLogConfig(broker, {}, { clusterDefault: { 'log.retention.ms': '2000' }, broker: { 'log.retention.ms': '3000' } }).retentionMs,
      3000,
    );
    assert.equal(resolveLogConfig(broker, { 'retention.ms': '4000' }, { broker: { 'log.retention.ms': '3000' } }).retentionMs, 4000);
  });

  it('a bad override throws ConfigError', () => {
    assert.throws(() => resolveLogConfig(defaults, { 'segment.bytes': '1' }), (err: unknown) => err instanceof ConfigError && err.key === 'segment.bytes');
  });
});
