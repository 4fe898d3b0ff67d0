import { readFile } from 'node:fs/promises';
import type { LogConfig } from '../storage/log-config.js';
import { brokerConfigDefinitions } from './broker-config-definitions.js';
import { defaultConfigValue, parseConfigValue, splitList } from './config-definition.js';
import type { ConfigValue } from './config-definition.js';
import { ConfigError } from './config-error.js';
import { parseListenerEndpoints, parseSecurityProtocolMap } from './listener-endpoint.js';
import type { ListenerEndpoint, SecurityProtocol } from './listener-endpoint.js';
import { parseServerProperties } from './server-properties-file.js';
import { resolveTopicConfig, toLogConfig } from './topic-config.js';
import type { TopicConfig } from './topic-config.js';

/**
 * The broker's configuration: server.properties (plus command-line overrides) parsed, validated
 * and turned into typed fields for the parts of Samsa that use them. Keys keep Kafka's names in
 * files; fields are their camelCase. `raw` keeps exactly what was set, for DescribeConfigs.
 */
export interface BrokerConfig {
  /** node.id or broker.id (equal when both are set). -1 only with zookeeper.connect and id generation. */
  readonly nodeId: number;
  readonly brokerRack: string | null;
  /** Samsa's optional cluster.id. */
  readonly clusterId: string | null;
  readonly zookeeperConnect: string | null;
  readonly zookeeperSessionTimeoutMs: number;
  /** zookeeper.connection.timeout.ms, defaulting to the session timeout as in Kafka. */
  readonly zookeeperConnectionTimeoutMs: number;
  readonly zookeeperMaxInFlightRequests: number;
  readonly brokerIdGenerationEnable: boolean;
  readonly reservedBrokerMaxId: number;
  readonly interBrokerProtocolVersion: string;
  readonly unstableApiVersionsEnable: boolean;

  /** Where to listen (KRaft controller listeners removed). */
  readonly listeners: readonly ListenerEndpoint[];
  /** What to tell clients: advertised.listeners, or the listeners with wildcard hosts as localhost. */
  readonly advertisedListeners: readonly ListenerEndpoint[];
  /** listener.security.protocol.map, listener name (upper case) → protocol. */
  readonly listenerSecurityProtocolMap: Readonly<Record<string, SecurityProtocol>>;
  /** inter.broker.listener.name, or the listener named after security.inter.broker.protocol. */
  readonly interBrokerListenerName: string;

  /** log.dirs, or log.dir ('./data' by default in Samsa; Kafka: /tmp/kafka-logs). */
  readonly logDirs: readonly string[];
  readonly numRecoveryThreadsPerDataDir: number;
  readonly logRetentionCheckIntervalMs: number;
  readonly logFlushSchedulerIntervalMs: number;
  readonly logFlushOffsetCheckpointIntervalMs: number;
  readonly logFlushStartOffsetCheckpointIntervalMs: number;
  readonly logCleanerEnable: boolean;
  readonly logCleanerThreads: number;
  readonly logCleanerBackoffMs: number;
  readonly logCleanerDedupeBufferSize: number;
  /** The broker-level defaults of the topic configs that storage uses (log.segment.bytes, ...). */
  readonly logConfig: LogConfig;
  /** The broker-level defaults of every topic config. */
  readonly topicDefaults: TopicConfig;

  readonly numPartitions: number;
  readonly defaultReplicationFactor: number;
  readonly autoCreateTopicsEnable: boolean;
  readonly deleteTopicEnable: boolean;
  readonly minInsyncReplicas: number;
  readonly uncleanLeaderElectionEnable: boolean;
  readonly autoLeaderRebalanceEnable: boolean;
  readonly leaderImbalanceCheckIntervalSeconds: number;
  readonly leaderImbalancePerBrokerPercentage: number;
  readonly messageMaxBytes: number;
  readonly compressionType: TopicConfig['compressionType'];
  readonly controlledShutdownEnable: boolean;
  readonly controlledShutdownMaxRetries: number;
  readonly controlledShutdownRetryBackoffMs: number;

  readonly numNetworkThreads: number;
  readonly numIoThreads: number;
  readonly backgroundThreads: number;
  readonly queuedMaxRequests: number;
  readonly queuedMaxRequestBytes: number;
  readonly socketSendBufferBytes: number;
  readonly socketReceiveBufferBytes: number;
  readonly socketRequestMaxBytes: number;
  readonly socketListenBacklogSize: number;
  readonly connectionsMaxIdleMs: number;
  readonly maxConnections: number;
  readonly maxConnectionsPerIp: number;
  readonly requestTimeoutMs: number;
  readonly fetchMaxBytes: number;
  readonly maxIncrementalFetchSessionCacheSlots: number;

  readonly numReplicaFetchers: number;
  readonly replicaFetchMaxBytes: number;
  readonly replicaFetchMinBytes: number;
  readonly replicaFetchWaitMaxMs: number;
  readonly replicaFetchBackoffMs: number;
  readonly replicaFetchResponseMaxBytes: number;
  readonly replicaLagTimeMaxMs: number;
  readonly replicaSocketTimeoutMs: number;
  readonly replicaHighWatermarkCheckpointIntervalMs: number;

  readonly offsetsTopicNumPartitions: number;
  readonly offsetsTopicReplicationFactor: number;
  readonly offsetsTopicSegmentBytes: number;
  readonly offsetsLoadBufferSize: number;
  /** offsets.retention.minutes, in milliseconds. */
  readonly offsetsRetentionMs: number;
  readonly offsetsRetentionCheckIntervalMs: number;
  readonly offsetsCommitTimeoutMs: number;
  readonly groupInitialRebalanceDelayMs: number;
  readonly groupMinSessionTimeoutMs: number;
  readonly groupMaxSessionTimeoutMs: number;
  readonly groupMaxSize: number;

  readonly transactionStateLogNumPartitions: number;
  readonly transactionStateLogReplicationFactor: number;
  readonly transactionStateLogMinIsr: number;
  readonly transactionStateLogSegmentBytes: number;
  readonly transactionStateLogLoadBufferSize: number;
  readonly transactionMaxTimeoutMs: number;
  readonly transactionalIdExpirationMs: number;
  readonly transactionAbortTimedOutTransactionCleanupIntervalMs: number;
  readonly transactionRemoveExpiredTransactionCleanupIntervalMs: number;
  readonly producerIdExpirationMs: number;
  readonly producerIdExpirationCheckIntervalMs: number;

  /** Every key that was set (known keys and listener.name.* keys), value as written. */
  readonly raw: ReadonlyMap<string, string>;
}

export interface ParsedBrokerConfig {
  config: BrokerConfig;
  /** Unknown keys, ignored KRaft keys, repeated keys: worth a log line, not worth refusing to start. */
  warnings: string[];
}

/** Hosts that mean "every interface": advertised as localhost when advertised.listeners is unset. */
const WILDCARD_HOSTS = ['', '0.0.0.0', '::'];

/**
 * Parses server.properties key/values. Unknown keys give a warning; a bad value throws
 * ConfigError naming the key, the value and what is expected.
 */
export function parseBrokerConfig(props: Readonly<Record<string, string>>): ParsedBrokerConfig {
  const warnings: string[] = [];
  const raw = new Map<string, string>();
  const values = new Map<string, ConfigValue>();
  for (const [key, value] of Object.entries(props)) {
    const def = brokerConfigDefinitions.get(key);
    if (def === undefined) {
      if (key.startsWith('listener.name.')) {
        // Per-listener overrides (listener.name.<name>.<config>): kept for the network layer, not validated here.
        raw.set(key, value);
      } else {
        warnings.push(`The configuration '${key}' was supplied but isn't a known broker config; it is ignored.`);
      }
      continue;
    }
    const parsed = parseConfigValue(def, value);
    raw.set(key, value);
    values.set(key, parsed);
    const isEmpty = parsed === '' || (Array.isArray(parsed) && parsed.length === 0);
    if (def.ignoredReason !== undefined && !isEmpty) warnings.push(`${key}=${value.trim()}: ${def.ignoredReason}.`);
  }
  // Keys not given take their default when read (about a third of the ~300 are).
  const value = (k: string): ConfigValue => (values.has(k) ? values.get(k)! : defaultConfigValue(brokerConfigDefinitions.get(k)!));
  const int = (k: string): number => value(k) as number;
  const bool = (k: string): boolean => value(k) as boolean;
  const str = (k: string): string | null => value(k) as string | null;

  const zookeeperConnect = str('zookeeper.connect');
  const nodeId = resolveNodeId(raw, int, bool, zookeeperConnect);

  // ---- listeners
  const protocolMap = parseSecurityProtocolMap('listener.security.protocol.map', str('listener.security.protocol.map')!);
  const controllerNames = splitList(str('controller.listener.names') ?? '').map((n) => n.toUpperCase());
  const allListeners = parseListenerEndpoints('listeners', str('listeners')!, protocolMap, true);
  const listeners = allListeners.filter((l) => !controllerNames.includes(l.name));
  for (const l of allListeners) {
    if (controllerNames.includes(l.name)) {
      warnings.push(`Listener ${l.name} is named in controller.listener.names and is not opened: Samsa has no KRaft controller.`);
    }
  }
  if (listeners.length === 0) {
    throw new ConfigError('listeners', `Invalid value ${str('listeners')} for configuration listeners: no listener left once the KRaft controller listeners are removed`);
  }
  const advertisedListeners = resolveAdvertisedListeners(str('advertised.listeners'), listeners, protocolMap);
  const interBrokerListenerName = resolveInterBrokerListenerName(raw, str, advertisedListeners);

  // ---- log directories
  const logDirs = splitList(str('log.dirs') ?? str('log.dir') ?? '').filter((d) => d !== '');
  if (logDirs.length === 0) {
    const k = raw.has('log.dirs') ? 'log.dirs' : 'log.dir';
    throw new ConfigError(k, `Invalid value ${raw.get(k) ?? ''} for configuration ${k}: at least one log directory is required`);
  }

  // ---- cross-key rules Kafka enforces at startup
  if (int('replica.fetch.wait.max.ms') > int('replica.socket.timeout.ms')) {
    throw new ConfigError('replica.socket.timeout.ms', 'replica.socket.timeout.ms should always be at least replica.fetch.wait.max.ms to prevent unnecessary socket timeouts');
  }
  if (int('replica.fetch.wait.max.ms') > int('replica.lag.time.max.ms')) {
    throw new ConfigError('replica.fetch.wait.max.ms', 'replica.fetch.wait.max.ms should always be less than or equal to replica.lag.time.max.ms to prevent frequent changes in ISR');
  }

  const topicDefaults = resolveTopicConfig({ raw }, {});
  const zookeeperSessionTimeoutMs = int('zookeeper.session.timeout.ms');
  const config: BrokerConfig = {
    nodeId,
    brokerRack: str('broker.rack'),
    clusterId: str('cluster.id'),
    zookeeperConnect,
    zookeeperSessionTimeoutMs,
    zookeeperConnectionTimeoutMs: (value('zookeeper.connection.timeout.ms') as number | null) ?? zookeeperSessionTimeoutMs,
    zookeeperMaxInFlightRequests: int('zookeeper.max.in.flight.requests'),
    brokerIdGenerationEnable: bool('broker.id.generation.enable'),
    reservedBrokerMaxId: int('reserved.broker.max.id'),
    interBrokerProtocolVersion: str('inter.broker.protocol.version')!,
    unstableApiVersionsEnable: bool('unstable.api.versions.enable'),

    listeners,
    advertisedListeners,
    listenerSecurityProtocolMap: Object.fromEntries(protocolMap),
    interBrokerListenerName,

    logDirs,
    numRecoveryThreadsPerDataDir: int('num.recovery.threads.per.data.dir'),
    logRetentionCheckIntervalMs: int('log.retention.check.interval.ms'),
    logFlushSchedulerIntervalMs: int('log.flush.scheduler.interval.ms'),
    logFlushOffsetCheckpointIntervalMs: int('log.flush.offset.checkpoint.interval.ms'),
    logFlushStartOffsetCheckpointIntervalMs: int('log.flush.start.offset.checkpoint.interval.ms'),
    logCleanerEnable: bool('log.cleaner.enable'),
    logCleanerThreads: int('log.cleaner.threads'),
    logCleanerBackoffMs: int('log.cleaner.backoff.ms'),
    logCleanerDedupeBufferSize: int('log.cleaner.dedupe.buffer.size'),
    logConfig: toLogConfig(topicDefaults),
    topicDefaults,

    numPartitions: int('num.partitions'),
    defaultReplicationFactor: int('default.replication.factor'),
    autoCreateTopicsEnable: bool('auto.create.topics.enable'),
    deleteTopicEnable: bool('delete.topic.enable'),
    minInsyncReplicas: int('min.insync.replicas'),
    uncleanLeaderElectionEnable: bool('unclean.leader.election.enable'),
    autoLeaderRebalanceEnable: bool('auto.leader.rebalance.enable'),
    leaderImbalanceCheckIntervalSeconds: int('leader.imbalance.check.interval.seconds'),
    leaderImbalancePerBrokerPercentage: int('leader.imbalance.per.broker.percentage'),
    messageMaxBytes: int('message.max.bytes'),
    compressionType: str('compression.type') as TopicConfig['compressionType'],
    controlledShutdownEnable: bool('controlled.shutdown.enable'),
    controlledShutdownMaxRetries: int('controlled.shutdown.max.retries'),
    controlledShutdownRetryBackoffMs: int('controlled.shutdown.retry.backoff.ms'),

    numNetworkThreads: int('num.network.threads'),
    numIoThreads: int('num.io.threads'),
    backgroundThreads: int('background.threads'),
    queuedMaxRequests: int('queued.max.requests'),
    queuedMaxRequestBytes: int('queued.max.request.bytes'),
    socketSendBufferBytes: int('socket.send.buffer.bytes'),
    socketReceiveBufferBytes: int('socket.receive.buffer.bytes'),
    socketRequestMaxBytes: int('socket.request.max.bytes'),
    socketListenBacklogSize: int('socket.listen.backlog.size'),
    connectionsMaxIdleMs: int('connections.max.idle.ms'),
    maxConnections: int('max.connections'),
    maxConnectionsPerIp: int('max.connections.per.ip'),
    requestTimeoutMs: int('request.timeout.ms'),
    fetchMaxBytes: int('fetch.max.bytes'),
    maxIncrementalFetchSessionCacheSlots: int('max.incremental.fetch.session.cache.slots'),

    numReplicaFetchers: int('num.replica.fetchers'),
    replicaFetchMaxBytes: int('replica.fetch.max.bytes'),
    replicaFetchMinBytes: int('replica.fetch.min.bytes'),
    replicaFetchWaitMaxMs: int('replica.fetch.wait.max.ms'),
    replicaFetchBackoffMs: int('replica.fetch.backoff.ms'),
    replicaFetchResponseMaxBytes: int('replica.fetch.response.max.bytes'),
    replicaLagTimeMaxMs: int('replica.lag.time.max.ms'),
    replicaSocketTimeoutMs: int('replica.socket.timeout.ms'),
    replicaHighWatermarkCheckpointIntervalMs: int('replica.high.watermark.checkpoint.interval.ms'),

    offsetsTopicNumPartitions: int('offsets.topic.num.partitions'),
    offsetsTopicReplicationFactor: int('offsets.topic.replication.factor'),
    offsetsTopicSegmentBytes: int('offsets.topic.segment.bytes'),
    offsetsLoadBufferSize: int('offsets.load.buffer.size'),
    offsetsRetentionMs: int('offsets.retention.minutes') * 60_000,
    offsetsRetentionCheckIntervalMs: int('offsets.retention.check.interval.ms'),
    offsetsCommitTimeoutMs: int('offsets.commit.timeout.ms'),
    groupInitialRebalanceDelayMs: int('group.initial.rebalance.delay.ms'),
    groupMinSessionTimeoutMs: int('group.min.session.timeout.ms'),
    groupMaxSessionTimeoutMs: int('group.max.session.timeout.ms'),
    groupMaxSize: int('group.max.size'),

    transactionStateLogNumPartitions: int('transaction.state.log.num.partitions'),
    transactionStateLogReplicationFactor: int('transaction.state.log.replication.factor'),
    transactionStateLogMinIsr: int('transaction.state.log.min.isr'),
    transactionStateLogSegmentBytes: int('transaction.state.log.segment.bytes'),
    transactionStateLogLoadBufferSize: int('transaction.state.log.load.buffer.size'),
    transactionMaxTimeoutMs: int('transaction.max.timeout.ms'),
    transactionalIdExpirationMs: int('transactional.id.expiration.ms'),
    transactionAbortTimedOutTransactionCleanupIntervalMs: int('transaction.abort.timed.out.transaction.cleanup.interval.ms'),
    transactionRemoveExpiredTransactionCleanupIntervalMs: int('transaction.remove.expired.transaction.cleanup.interval.ms'),
    producerIdExpirationMs: int('producer.id.expiration.ms'),
    producerIdExpirationCheckIntervalMs: int('producer.id.expiration.check.interval.ms'),

    raw,
  };
  return { config, warnings };
}

/**
 * node.id and broker.id are two names for one id: either may be set, both must agree. Unset, a
 * ZooKeeper-backed broker with broker.id.generation.enable gets -1 (its id is generated through
 * ZooKeeper at startup, as in Kafka); a broker without ZooKeeper uses 0 (Samsa's default, so
 * that a bare `npm start` works).
 */
function resolveNodeId(
  raw: ReadonlyMap<string, string>,
  int: (k: string) => number,
  bool: (k: string) => boolean,
  zookeeperConnect: string | null,
): number {
  const hasNodeId = raw.has('node.id');
  const hasBrokerId = raw.has('broker.id');
  if (hasNodeId && hasBrokerId && int('node.id') !== int('broker.id')) {
    throw new ConfigError('node.id', `node.id (${int('node.id')}) and broker.id (${int('broker.id')}) must be equal when both are set`);
  }
  const key = hasNodeId ? 'node.id' : 'broker.id';
  const id = hasNodeId ? int('node.id') : int('broker.id');
  const generation = bool('broker.id.generation.enable');
  const maxReserved = int('reserved.broker.max.id');
  if (id < -1) throw ConfigError.invalidValue(key, String(id), 'Value must be at least -1 (-1: not set)');
  if (generation && id > maxReserved) {
    throw ConfigError.invalidValue(key, String(id), `${key} must not be greater than reserved.broker.max.id (${maxReserved}) while broker.id.generation.enable is true`);
  }
  if (id >= 0) return id;
  if (zookeeperConnect === null) return 0;
  if (!generation) {
    throw ConfigError.invalidValue(key, String(id), `${key} must be set (at least 0) when broker.id.generation.enable is false`);
  }
  return -1;
}

/**
 * advertised.listeners when set (names must be among the listeners', no 0.0.0.0), else the
 * listeners themselves. Kafka advertises an empty host as the machine's canonical host name;
 * Samsa advertises 'localhost' for an empty or wildcard host instead, so that a default broker
 * works for clients on the same machine without DNS set up — set advertised.listeners for
 * anything else.
 */
function resolveAdvertisedListeners(
  text: string | null,
  listeners: readonly ListenerEndpoint[],
  protocols: ReadonlyMap<string, SecurityProtocol>,
): ListenerEndpoint[] {
  if (text === null) {
    return listeners.map((l) => (WILDCARD_HOSTS.includes(l.host) ? { ...l, host: 'localhost' } : l));
  }
  const advertised = parseListenerEndpoints('advertised.listeners', text, protocols, false);
  for (const a of advertised) {
    if (a.host === '0.0.0.0' || a.host === '::') {
      throw ConfigError.invalidValue('advertised.listeners', text, `advertised.listeners cannot use the nonroutable meta-address ${a.host}. Use a routable IP address.`);
    }
    if (!listeners.some((l) => l.name === a.name)) {
      throw ConfigError.invalidValue('advertised.listeners', text,
        `advertised.listeners listener names must be equal to or a subset of the ones defined in listeners (${listeners.map((l) => l.name).join(', ')}); ${a.name} is not`);
    }
  }
  return advertised.map((a) => (a.host === '' ? { ...a, host: 'localhost' } : a));
}

function resolveInterBrokerListenerName(
  raw: ReadonlyMap<string, string>,
  str: (k: string) => string | null,
  advertised: readonly ListenerEndpoint[],
): string {
  const explicit = raw.has('inter.broker.listener.name');
  if (explicit && raw.has('security.inter.broker.protocol')) {
    throw new ConfigError('inter.broker.listener.name', 'Only one of inter.broker.listener.name and security.inter.broker.protocol should be set.');
  }
  const key = explicit ? 'inter.broker.listener.name' : 'security.inter.broker.protocol';
  const name = (explicit ? str('inter.broker.listener.name')! : str('security.inter.broker.protocol')!).toUpperCase();
  if (!advertised.some((a) => a.name === name)) {
    throw ConfigError.invalidValue(key, str(key) ?? '',
      `inter.broker.listener.name must be a listener name defined in advertised.listeners. The valid options based on currently configured listeners are ${advertised.map((a) => a.name).join(',')}`);
  }
  return name;
}

/**
 * Reads a server.properties file (Java properties syntax) and applies `overrides` ("key=value",
 * like kafka-server-start's --override), which win over the file. A key written twice in the
 * file gives a warning (the last one wins, as in Java).
 */
export async function loadBrokerConfigFile(path: string, overrides: readonly string[] = []): Promise<ParsedBrokerConfig> {
  const { properties, duplicates } = parseServerProperties(await readFile(path, 'utf8'));
  const warnings = duplicates.map((d) => `${path}: ${d}.`);
  const props: Record<string, string> = { ...properties, ...parseOverrides(overrides) };
  const parsed = parseBrokerConfig(props);
  return { config: parsed.config, warnings: [...warnings, ...parsed.warnings] };
}

/** "key=value" arguments into an object; the value may itself contain '='. */
export function parseOverrides(overrides: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const arg of overrides) {
    const eq = arg.indexOf('=');
    if (eq <= 0) throw new ConfigError(arg, `Invalid override '${arg}': expected key=value`);
    out[arg.slice(0, eq).trim()] = arg.slice(eq + 1);
  }
  return out;
}
