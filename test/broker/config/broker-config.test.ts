import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { brokerConfigDefinitions } from '../../../src/broker/config/broker-config-definitions.js';
import { loadBrokerConfigFile, parseBrokerConfig, parseOverrides } from '../../../src/broker/config/broker-config.js';
import { ConfigError } from '../../../src/broker/config/config-error.js';
import { parseServerProperties, readServerProperties } from '../../../src/broker/config/server-properties-file.js';
import { DEFAULT_LOG_CONFIG } from '../../../src/broker/storage/log-config.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const samplePath = join(root, 'config', 'server.properties');

/** The settings of Kafka 3.x's shipped config/server.properties (ZooKeeper mode), comments left out. */
const KAFKA_ZK_SAMPLE = `
broker.id=0
num.network.threads=3
num.io.threads=8
socket.send.buffer.bytes=102400
socket.receive.buffer.bytes=102400
socket.request.max.bytes=104857600
log.dirs=/tmp/kafka-logs
num.partitions=1
num.recovery.threads.per.data.dir=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
log.retention.hours=168
log.retention.check.interval.ms=300000
zookeeper.connect=localhost:2181
zookeeper.connection.timeout.ms=18000
group.initial.rebalance.delay.ms=0
`;

/** The settings of Kafka 3.x's config/kraft/server.properties (combined mode). */
const KAFKA_KRAFT_SAMPLE = `
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@localhost:9093
listeners=PLAINTEXT://:9092,CONTROLLER://:9093
inter.broker.listener.name=PLAINTEXT
advertised.listeners=PLAINTEXT://localhost:9092
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL
num.network.threads=3
num.io.threads=8
socket.send.buffer.bytes=102400
socket.receive.buffer.bytes=102400
socket.request.max.bytes=104857600
log.dirs=/tmp/kraft-combined-logs
num.partitions=1
num.recovery.threads.per.data.dir=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
log.retention.hours=168
log.segment.bytes=1073741824
log.retention.check.interval.ms=300000
`;

function throwsConfigError(fn: () => unknown, key: string, ...fragments: string[]): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    assert.equal(err.key, key);
    for (const f of fragments) assert.ok(err.message.includes(f), `${JSON.stringify(err.message)} lacks ${JSON.stringify(f)}`);
    return true;
  });
}

const tmp = mkdtempSync(join(tmpdir(), 'samsa-config-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('sample files', () => {
  it('config/server.properties parses with no warnings into a working single broker', async () => {
    const { config, warnings } = await loadBrokerConfigFile(samplePath);
    assert.deepEqual(warnings, []);
    assert.equal(config.nodeId, 0);
    assert.deepEqual(config.listeners, [{ name: 'PLAINTEXT', host: '', port: 9092, securityProtocol: 'PLAINTEXT' }]);
    assert.deepEqual(config.advertisedListeners, [{ name: 'PLAINTEXT', host: 'localhost', port: 9092, securityProtocol: 'PLAINTEXT' }]);
    assert.deepEqual(config.logDirs, ['./data']);
    assert.equal(config.numPartitions, 1);
    assert.equal(config.offsetsTopicReplicationFactor, 1);
    assert.equal(config.transactionStateLogReplicationFactor, 1);
    assert.equal(config.transactionStateLogMinIsr, 1);
    assert.equal(config.groupInitialRebalanceDelayMs, 0);
    assert.equal(config.zookeeperConnect, null);
    assert.equal(config.logConfig.retentionMs, 168 * 3_600_000);
  });

  it('Kafka\'s shipped ZooKeeper-mode server.properties parses with no warnings', () => {
    const { config, warnings } = parseBrokerConfig(parseServerProperties(KAFKA_ZK_SAMPLE).properties);
    assert.deepEqual(warnings, []);
    assert.equal(config.zookeeperConnect, 'localhost:2181');
    assert.equal(config.zookeeperConnectionTimeoutMs, 18000);
    assert.deepEqual(config.logDirs, ['/tmp/kafka-logs']);
  });

  it('Kafka\'s KRaft server.properties parses with no unknown keys; the KRaft keys are ignored with a warning', () => {
    const { config, warnings } = parseBrokerConfig(parseServerProperties(KAFKA_KRAFT_SAMPLE).properties);
    assert.ok(!warnings.some((w) => w.includes("isn't a known")), warnings.join('\n'));
    for (const key of ['process.roles', 'controller.quorum.voters', 'controller.listener.names']) {
      assert.ok(warnings.some((w) => w.startsWith(`${key}=`)), `no warning for ${key}`);
    }
    assert.ok(warnings.some((w) => w.includes('Listener CONTROLLER')));
    assert.equal(config.nodeId, 1);
    assert.deepEqual(config.listeners.map((l) => l.name), ['PLAINTEXT']);
    assert.equal(config.interBrokerListenerName, 'PLAINTEXT');
  });

  it('every key of both Kafka samples is in the table', () => {
    for (const text of [KAFKA_ZK_SAMPLE, KAFKA_KRAFT_SAMPLE]) {
      for (const key of Object.keys(parseServerProperties(text).properties)) assert.ok(brokerConfigDefinitions.has(key), key);
    }
  });
});

describe('defaults', () => {
  const { config, warnings } = parseBrokerConfig({});

  it('an empty configuration is a working broker: node 0, PLAINTEXT://:9092, data in ./data', () => {
    assert.deepEqual(warnings, []);
    assert.equal(config.nodeId, 0);
    assert.deepEqual(config.listeners, [{ name: 'PLAINTEXT', host: '', port: 9092, securityProtocol: 'PLAINTEXT' }]);
    assert.deepEqual(config.advertisedListeners.map((l) => l.host), ['localhost']);
    assert.deepEqual(config.logDirs, ['./data']);
    assert.equal(config.interBrokerListenerName, 'PLAINTEXT');
    assert.equal(config.raw.size, 0);
  });

  it('every typed field has Kafka\'s default', () => {
    const expected: Record<string, unknown> = {
      brokerRack: null,
      clusterId: null,
      zookeeperConnect: null,
      zookeeperSessionTimeoutMs: 18000,
      zookeeperConnectionTimeoutMs: 18000,
      zookeeperMaxInFlightRequests: 10,
      brokerIdGenerationEnable: true,
      reservedBrokerMaxId: 1000,
      unstableApiVersionsEnable: false,
      listenerSecurityProtocolMap: { PLAINTEXT: 'PLAINTEXT', SSL: 'SSL', SASL_PLAINTEXT: 'SASL_PLAINTEXT', SASL_SSL: 'SASL_SSL' },
      numRecoveryThreadsPerDataDir: 1,
      logRetentionCheckIntervalMs: 300000,
      logFlushSchedulerIntervalMs: Number.MAX_SAFE_INTEGER,
      logFlushOffsetCheckpointIntervalMs: 60000,
      logFlushStartOffsetCheckpointIntervalMs: 60000,
      logCleanerEnable: true,
      logCleanerThreads: 1,
      logCleanerBackoffMs: 15000,
      logCleanerDedupeBufferSize: 134217728,
      numPartitions: 1,
      defaultReplicationFactor: 1,
      autoCreateTopicsEnable: true,
      deleteTopicEnable: true,
      minInsyncReplicas: 1,
      uncleanLeaderElectionEnable: false,
      autoLeaderRebalanceEnable: true,
      leaderImbalanceCheckIntervalSeconds: 300,
      leaderImbalancePerBrokerPercentage: 10,
      messageMaxBytes: 1048588,
      compressionType: 'producer',
      controlledShutdownEnable: true,
      controlledShutdownMaxRetries: 3,
      controlledShutdownRetryBackoffMs: 5000,
      numNetworkThreads: 3,
      numIoThreads: 8,
      backgroundThreads: 10,
      queuedMaxRequests: 500,
      queuedMaxRequestBytes: -1,
      socketSendBufferBytes: 102400,
      socketReceiveBufferBytes: 102400,
      socketRequestMaxBytes: 104857600,
      socketListenBacklogSize: 50,
      connectionsMaxIdleMs: 600000,
      maxConnections: 2147483647,
      maxConnectionsPerIp: 2147483647,
      requestTimeoutMs: 30000,
      fetchMaxBytes: 57671680,
      maxIncrementalFetchSessionCacheSlots: 1000,
      numReplicaFetchers: 1,
      replicaFetchMaxBytes: 1048576,
      replicaFetchMinBytes: 1,
      replicaFetchWaitMaxMs: 500,
      replicaFetchBackoffMs: 1000,
      replicaFetchResponseMaxBytes: 10485760,
      replicaLagTimeMaxMs: 30000,
      replicaSocketTimeoutMs: 30000,
      replicaHighWatermarkCheckpointIntervalMs: 5000,
      offsetsTopicNumPartitions: 50,
      offsetsTopicReplicationFactor: 3,
      offsetsTopicSegmentBytes: 104857600,
      offsetsLoadBufferSize: 5242880,
      offsetsRetentionMs: 10080 * 60_000,
      offsetsRetentionCheckIntervalMs: 600000,
      offsetsCommitTimeoutMs: 5000,
      groupInitialRebalanceDelayMs: 3000,
      groupMinSessionTimeoutMs: 6000,
      groupMaxSessionTimeoutMs: 1800000,
      groupMaxSize: 2147483647,
      transactionStateLogNumPartitions: 50,
      transactionStateLogReplicationFactor: 3,
      transactionStateLogMinIsr: 2,
      transactionStateLogSegmentBytes: 104857600,
      transactionStateLogLoadBufferSize: 5242880,
      transactionMaxTimeoutMs: 900000,
      transactionalIdExpirationMs: 604800000,
      transactionAbortTimedOutTransactionCleanupIntervalMs: 10000,
      transactionRemoveExpiredTransactionCleanupIntervalMs: 3600000,
      producerIdExpirationMs: 86400000,
      producerIdExpirationCheckIntervalMs: 600000,
    };
    const actual = config as unknown as Record<string, unknown>;
    for (const [field, value] of Object.entries(expected)) assert.deepEqual(actual[field], value, field);
  });

  it('the broker-level LogConfig is storage\'s DEFAULT_LOG_CONFIG', () => {
    assert.deepEqual(config.logConfig, DEFAULT_LOG_CONFIG);
  });
});

describe('log.retention.*, log.roll.* and log.roll.jitter.* precedence', () => {
  const retention = (props: Record<string, string>) => parseBrokerConfig(props).config.logConfig.retentionMs;

  it('ms wins over minutes, which wins over hours', () => {
    assert.equal(retention({}), 168 * 3_600_000);
    assert.equal(retention({ 'log.retention.hours': '1' }), 3_600_000);
    assert.equal(retention({ 'log.retention.hours': '1', 'log.retention.minutes': '5' }), 300_000);
    assert.equal(retention({ 'log.retention.hours': '1', 'log.retention.minutes': '5', 'log.retention.ms': '1234' }), 1234);
    assert.equal(retention({ 'log.retention.minutes': '5', 'log.retention.ms': '1234' }), 1234);
  });

  it('any negative retention time means keep forever (-1)', () => {
    assert.equal(retention({ 'log.retention.ms': '-1' }), -1);
    assert.equal(retention({ 'log.retention.hours': '-5' }), -1);
  });

  it('log.roll.ms wins over log.roll.hours; log.roll.jitter.ms over log.roll.jitter.hours', () => {
    const lc = (p: Record<string, string>) => parseBrokerConfig(p).config.logConfig;
    assert.equal(lc({ 'log.roll.hours': '2' }).segmentMs, 7_200_000);
    assert.equal(lc({ 'log.roll.hours': '2', 'log.roll.ms': '5000' }).segmentMs, 5000);
    assert.equal(lc({ 'log.roll.jitter.hours': '1' }).segmentJitterMs, 3_600_000);
    assert.equal(lc({ 'log.roll.jitter.hours': '1', 'log.roll.jitter.ms': '10' }).segmentJitterMs, 10);
  });

  it('log.flush.interval.ms falls back to log.flush.scheduler.interval.ms', () => {
    const lc = (p: Record<string, string>) => parseBrokerConfig(p).config.logConfig;
    assert.equal(lc({ 'log.flush.scheduler.interval.ms': '2000' }).flushMs, 2000);
    assert.equal(lc({ 'log.flush.scheduler.interval.ms': '2000', 'log.flush.interval.ms': '100' }).flushMs, 100);
  });

  it('the other log.* keys land in logConfig', () => {
    const { logConfig } = parseBrokerConfig({
      'log.segment.bytes': '1048576',
      'log.index.size.max.bytes': '4096',
      'log.index.interval.bytes': '100',
      'log.retention.bytes': '99999',
      'log.flush.interval.messages': '10',
      'message.max.bytes': '2000000',
      'log.message.timestamp.type': 'LogAppendTime',
      'log.cleanup.policy': 'compact,delete',
      'log.segment.delete.delay.ms': '0',
      'log.preallocate': 'true',
    }).config;
    assert.deepEqual(logConfig, {
      ...DEFAULT_LOG_CONFIG,
      segmentBytes: 1048576,
      segmentIndexBytes: 4096,
      indexIntervalBytes: 100,
      retentionBytes: 99999,
      flushMessages: 10,
      maxMessageBytes: 2000000,
      messageTimestampType: 'LogAppendTime',
      cleanupPolicy: ['compact', 'delete'],
      fileDeleteDelayMs: 0,
      preallocate: true,
    });
  });
});

describe('bad values throw ConfigError naming the key', () => {
  it('a value of the wrong type or out of range', () => {
    throwsConfigError(() => parseBrokerConfig({ 'num.partitions': 'abc' }), 'num.partitions', 'abc', 'INT');
    throwsConfigError(() => parseBrokerConfig({ 'num.partitions': '0' }), 'num.partitions', 'at least 1');
    throwsConfigError(() => parseBrokerConfig({ 'log.segment.bytes': '10' }), 'log.segment.bytes', '10', 'at least 14');
    throwsConfigError(() => parseBrokerConfig({ 'auto.create.topics.enable': 'yes' }), 'auto.create.topics.enable', 'yes', 'true or false');
    throwsConfigError(() => parseBrokerConfig({ 'log.message.timestamp.type': 'BrokerTime' }), 'log.message.timestamp.type', 'BrokerTime', 'CreateTime, LogAppendTime');
    throwsConfigError(() => parseBrokerConfig({ 'log.cleanup.policy': 'delete,archive' }), 'log.cleanup.policy', 'archive');
    throwsConfigError(() => parseBrokerConfig({ 'compression.type': 'brotli' }), 'compression.type', 'brotli');
    throwsConfigError(() => parseBrokerConfig({ 'zookeeper.connect': 'a:1, b:2' }), 'zookeeper.connect');
  });

  it('listeners that do not parse', () => {
    throwsConfigError(() => parseBrokerConfig({ listeners: 'nonsense' }), 'listeners', 'nonsense', 'NAME://host:port');
    throwsConfigError(() => parseBrokerConfig({ listeners: 'PLAINTEXT://:99999' }), 'listeners', 'out of range');
    throwsConfigError(() => parseBrokerConfig({ listeners: 'FOO://:9092' }), 'listeners', 'No security protocol defined for listener FOO');
    throwsConfigError(() => parseBrokerConfig({ listeners: 'PLAINTEXT://:9092,PLAINTEXT://:9093' }), 'listeners', 'different name');
    throwsConfigError(
      () => parseBrokerConfig({ listeners: 'PLAINTEXT://:9092,SSL://:9092' }),
      'listeners',
      'different port',
    );
    throwsConfigError(() => parseBrokerConfig({ listeners: '' }), 'listeners');
    throwsConfigError(() => parseBrokerConfig({ 'listener.security.protocol.map': 'A:QUIC' }), 'listener.security.protocol.map', 'QUIC');
  });

  it('advertised.listeners: no wildcard address, names among the listeners', () => {
    throwsConfigError(() => parseBrokerConfig({ 'advertised.listeners': 'PLAINTEXT://0.0.0.0:9092' }), 'advertised.listeners', 'nonroutable');
    throwsConfigError(() => parseBrokerConfig({ 'advertised.listeners': 'SSL://host:9093' }), 'advertised.listeners', 'subset');
  });

  it('inter-broker listener: one of the two keys, naming an advertised listener', () => {
    throwsConfigError(
      () => parseBrokerConfig({ 'inter.broker.listener.name': 'PLAINTEXT', 'security.inter.broker.protocol': 'PLAINTEXT' }),
      'inter.broker.listener.name',
      'Only one of',
    );
    throwsConfigError(() => parseBrokerConfig({ 'inter.broker.listener.name': 'INTERNAL' }), 'inter.broker.listener.name', 'advertised.listeners');
    throwsConfigError(
      () => parseBrokerConfig({ listeners: 'INTERNAL://:9092', 'listener.security.protocol.map': 'INTERNAL:PLAINTEXT' }),
      'security.inter.broker.protocol',
    );
  });

  it('node.id and broker.id must agree; ids below -1 or above reserved.broker.max.id are refused', () => {
    throwsConfigError(() => parseBrokerConfig({ 'node.id': '1', 'broker.id': '2' }), 'node.id', 'must be equal');
    throwsConfigError(() => parseBrokerConfig({ 'broker.id': '-2' }), 'broker.id');
    throwsConfigError(() => parseBrokerConfig({ 'broker.id': '1001' }), 'broker.id', 'reserved.broker.max.id');
    assert.equal(parseBrokerConfig({ 'broker.id': '1001', 'broker.id.generation.enable': 'false' }).config.nodeId, 1001);
  });

  it('replica timeouts that Kafka refuses together', () => {
    throwsConfigError(() => parseBrokerConfig({ 'replica.fetch.wait.max.ms': '40000' }), 'replica.socket.timeout.ms');
    throwsConfigError(
      () => parseBrokerConfig({ 'replica.fetch.wait.max.ms': '40000', 'replica.socket.timeout.ms': '50000' }),
      'replica.fetch.wait.max.ms',
    );
  });
});

describe('listeners', () => {
  const parse = (props: Record<string, string>) => parseBrokerConfig(props).config;

  it('accepts empty, IPv4, host name and bracketed IPv6 hosts, several at once', () => {
    const config = parse({
      listeners: 'PLAINTEXT://0.0.0.0:9092, internal://[::1]:9093,EXTERNAL://broker.example:0',
      'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,INTERNAL:PLAINTEXT,EXTERNAL:SSL',
    });
    assert.deepEqual(config.listeners, [
      { name: 'PLAINTEXT', host: '0.0.0.0', port: 9092, securityProtocol: 'PLAINTEXT' },
      { name: 'INTERNAL', host: '::1', port: 9093, securityProtocol: 'PLAINTEXT' },
      { name: 'EXTERNAL', host: 'broker.example', port: 0, securityProtocol: 'SSL' },
    ]);
    assert.deepEqual(config.advertisedListeners.map((l) => l.host), ['localhost', '::1', 'broker.example']);
  });

  it('advertised.listeners when set, an empty host advertised as localhost', () => {
    const config = parse({
      listeners: 'PLAINTEXT://:9092,SSL://:9093',
      'advertised.listeners': 'PLAINTEXT://kafka.example:19092,SSL://:9093',
    });
    assert.deepEqual(config.advertisedListeners, [
      { name: 'PLAINTEXT', host: 'kafka.example', port: 19092, securityProtocol: 'PLAINTEXT' },
      { name: 'SSL', host: 'localhost', port: 9093, securityProtocol: 'SSL' },
    ]);
  });

  it('inter.broker.listener.name picks a named listener', () => {
    const config = parse({
      listeners: 'INTERNAL://:9092,EXTERNAL://:9093',
      'listener.security.protocol.map': 'INTERNAL:PLAINTEXT,EXTERNAL:PLAINTEXT',
      'inter.broker.listener.name': 'internal',
    });
    assert.equal(config.interBrokerListenerName, 'INTERNAL');
  });
});

describe('node.id, broker.id and ZooKeeper', () => {
  it('either key sets the id; both must be equal', () => {
    assert.equal(parseBrokerConfig({ 'node.id': '3' }).config.nodeId, 3);
    assert.equal(parseBrokerConfig({ 'broker.id': '4' }).config.nodeId, 4);
    assert.equal(parseBrokerConfig({ 'broker.id': '5', 'node.id': '5' }).config.nodeId, 5);
  });

  it('without an id: 0 alone, -1 (to be generated) with ZooKeeper, an error if generation is off', () => {
    assert.equal(parseBrokerConfig({}).config.nodeId, 0);
    assert.equal(parseBrokerConfig({ 'zookeeper.connect': 'zk1:2181,zk2:2181/samsa' }).config.nodeId, -1);
    throwsConfigError(
      () => parseBrokerConfig({ 'zookeeper.connect': 'zk:2181', 'broker.id.generation.enable': 'false' }),
      'broker.id',
      'must be set',
    );
  });

  it('zookeeper.connection.timeout.ms defaults to the session timeout', () => {
    const { config } = parseBrokerConfig({ 'zookeeper.connect': 'zk:2181', 'broker.id': '0', 'zookeeper.session.timeout.ms': '9000' });
    assert.equal(config.zookeeperConnect, 'zk:2181');
    assert.equal(config.zookeeperConnectionTimeoutMs, 9000);
  });
});

describe('warnings and raw values', () => {
  it('an unknown key warns and is ignored; listener.name.* keys are kept', () => {
    const { config, warnings } = parseBrokerConfig({
      'log.retention.hourz': '5',
      'listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config': 'x',
    });
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /'log\.retention\.hourz'.*isn't a known broker config/);
    assert.equal(config.raw.has('log.retention.hourz'), false);
    assert.equal(config.raw.get('listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config'), 'x');
  });

  it('process.roles is accepted with a warning: Samsa is ZooKeeper-mode', () => {
    const { warnings } = parseBrokerConfig({ 'process.roles': 'broker' });
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /^process\.roles=broker: .*ZooKeeper mode/);
    assert.deepEqual(parseBrokerConfig({ 'process.roles': '' }).warnings, []);
  });

  it('raw holds exactly what was set', () => {
    const { config } = parseBrokerConfig({ 'num.partitions': ' 3 ', 'cluster.id': 'abc' });
    assert.deepEqual([...config.raw], [['num.partitions', ' 3 '], ['cluster.id', 'abc']]);
    assert.equal(config.numPartitions, 3);
    assert.equal(config.clusterId, 'abc');
  });
});

describe('loadBrokerConfigFile and overrides', () => {
  it('overrides (key=value) win over the file; a value may contain "="', async () => {
    const path = join(tmp, 'a.properties');
    writeFileSync(path, '# comment\nnum.partitions = 4\nlog.dirs=/var/a,/var/b\nzookeeper.connect: zk:2181/x\nbroker.id 7\n');
    const { config, warnings } = await loadBrokerConfigFile(path, ['num.partitions=6', 'cluster.id=a=b']);
    assert.deepEqual(warnings, []);
    assert.equal(config.numPartitions, 6);
    assert.equal(config.clusterId, 'a=b');
    assert.deepEqual(config.logDirs, ['/var/a', '/var/b']);
    assert.equal(config.zookeeperConnect, 'zk:2181/x');
    assert.equal(config.nodeId, 7);
  });

  it('an override that is not key=value is a ConfigError', async () => {
    await assert.rejects(loadBrokerConfigFile(samplePath, ['num.partitions']), (err: unknown) => err instanceof ConfigError && err.key === 'num.partitions');
    assert.throws(() => parseOverrides(['=3']), ConfigError);
    assert.deepEqual(parseOverrides(['a=', 'b=c']), { a: '', b: 'c' });
  });

  it('a key written twice warns; the last one wins', async () => {
    const path = join(tmp, 'dup.properties');
    writeFileSync(path, 'num.partitions=2\nnum.partitions=3\n');
    const { config, warnings } = await loadBrokerConfigFile(path);
    assert.equal(config.numPartitions, 3);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /'num\.partitions' is set on lines 1, 2; line 2 wins/);
  });

  it('readServerProperties handles continuations and escapes', () => {
    const path = join(tmp, 'cont.properties');
    writeFileSync(path, 'listeners=PLAINTEXT://:9092,\\\n    SSL://:9093\nlog.dirs=C\\:\\\\data\n');
    assert.deepEqual(readServerProperties(path), { listeners: 'PLAINTEXT://:9092,SSL://:9093', 'log.dirs': 'C:\\data' });
  });
});
