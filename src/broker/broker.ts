import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { createLogger, silentLogger } from '../logging/logger.js';
import type { Logger } from '../logging/logger.js';
import { RepeatedFailureLog } from '../logging/repeated-failure-log.js';
import { codecApiVersions } from '../protocol/supported-api-versions.js';
import { systemClock, timerScheduler } from './clock.js';
import type { Clock, Scheduler } from './clock.js';
import { parseBrokerConfig } from './config/broker-config.js';
import type { BrokerConfig } from './config/broker-config.js';
import { resolveLogConfig } from './config/topic-config.js';
import type { BrokerServices } from './handlers/api-handler.js';
import { GroupCoordinator } from './group/group-coordinator.js';
import { HANDLERS } from './handlers/handler-registry.js';
import { requestControlledShutdown } from './controller/controlled-shutdown-request.js';
import { ControllerRole } from './controller/controller-role.js';
import { LocalMetadataStore } from './metadata/local-metadata-store.js';
import { joinCluster } from './metadata/zookeeper/cluster-join.js';
import type { ClusterJoin } from './metadata/zookeeper/cluster-join.js';
import { ZooKeeperMetadataStore } from './metadata/zookeeper/zookeeper-metadata-store.js';
import type { BrokerEndpoint } from './metadata/metadata-store.js';
import { SocketServer } from './network/socket-server.js';
import type { RequestChannel, RequestOutcome } from './network/socket-server.js';
import { ProducerIdManager } from './producer-id-manager.js';
import { ReplicaFetcherManager, replicaFetcherConfig } from './replication/replica-fetcher-manager.js';
import { ReplicaManager } from './replication/replica-manager.js';
import { RequestDispatcher } from './request-dispatcher.js';
import { LogManager, readMetaProperties } from './storage/log-manager.js';
import { ReadBufferPool } from './storage/read-buffer-pool.js';

export interface StartBrokerOptions {
  /** server.properties entries (Kafka's keys); the options below override them. */
  properties?: Record<string, string>;
  /** Port of the PLAINTEXT listener; 0 picks a free port. */
  port?: number;
  /** Host to bind; default all interfaces. */
  host?: string;
  logDirs?: string[];
  nodeId?: number;
  logger?: Logger;
  clock?: Clock;
  scheduler?: Scheduler;
  /** The pool Fetch reads record bytes into (tests pass one to watch it); default a new one. */
  readBuffers?: ReadBufferPool;
}

export interface BoundListener {
  listenerName: string;
  host: string;
  port: number;
}

export interface Broker {
  readonly nodeId: number;
  readonly clusterId: string;
  /** The first listener's advertised host and port. */
  readonly host: string;
  readonly port: number;
  /** `host:port` to give clients as bootstrap servers. */
  readonly bootstrap: string;
  readonly listeners: readonly BoundListener[];
  readonly config: BrokerConfig;
  /** Stops accepting, finishes in-flight requests, flushes and closes every file. */
  close(): Promise<void>;
}

/**
 * Defaults that differ from Kafka's for a broker running alone (no zookeeper.connect): it can
 * only hold one replica of the internal topics (Kafka's default of 3 would leave groups without a
 * coordinator). Explicit properties win. A broker in a cluster keeps Kafka's defaults.
 */
const SINGLE_BROKER_DEFAULTS: Readonly<Record<string, string>> = {
  'offsets.topic.replication.factor': '1',
  'transaction.state.log.replication.factor': '1',
  'transaction.state.log.min.isr': '1',
};

function buildConfig(options: StartBrokerOptions): { config: BrokerConfig; warnings: string[] } {
  const given = options.properties ?? {};
  const clusterMode = given['zookeeper.connect'] !== undefined && given['zookeeper.connect'].trim() !== '';
  const props: Record<string, string> = clusterMode ? { ...given } : { ...SINGLE_BROKER_DEFAULTS, ...given };
  if (options.port !== undefined || options.host !== undefined) {
    const host = options.host ?? '';
    const port = options.port ?? 9092;
    const bracketed = host.includes(':') ? `[${host}]` : host;
    props.listeners = `PLAINTEXT://${bracketed}:${port}`;
    if (options.properties?.['advertised.listeners'] === undefined) delete props['advertised.listeners'];
  }
  if (options.logDirs !== undefined) {
    props['log.dirs'] = options.logDirs.join(',');
    delete props['log.dir'];
  }
  if (options.nodeId !== undefined) {
    props['node.id'] = String(options.nodeId);
    delete props['broker.id'];
  }
  const parsed = parseBrokerConfig(props);
  return { config: parsed.config, warnings: parsed.warnings };
}

/** The endpoint clients should use for a bound listener: the advertised one, with the real port when 0 was configured. */
function advertisedEndpoints(config: BrokerConfig, bound: BoundListener[]): BrokerEndpoint[] {
  return bound.map((b) => {
    const adv = config.advertisedListeners.find((a) => a.name === b.listenerName);
    const bindHost = b.host === '' || b.host === '0.0.0.0' || b.host === '::' ? 'localhost' : b.host;
    const host = adv === undefined || adv.host === '' || adv.host === '0.0.0.0' ? bindHost : adv.host;
    const port = adv === undefined || adv.port === 0 ? b.port : adv.port;
    return { listenerName: b.listenerName, host, port, securityProtocol: config.listenerSecurityProtocolMap[b.listenerName] ?? 'PLAINTEXT' };
  });
}

/**
 * Starts a single broker in this process: storage recovery, metadata, partitions, then the
 * listeners. `await broker.close()` shuts it down cleanly.
 */
export async function startBroker(options: StartBrokerOptions = {}): Promise<Broker> {
  const { config, warnings } = buildConfig(options);
  // Embedded brokers (tests) are quiet unless SAMSA_LOG_LEVEL asks otherwise; the CLI passes its own logger.
  const logger = options.logger ?? (process.env.SAMSA_LOG_LEVEL !== undefined ? createLogger() : silentLogger());
  for (const w of warnings) logger.warn(w);

  // The listeners are bound first, so that clients can connect as soon as possible (Kafka's KRaft
  // broker does the same): requests read before storage and services are ready wait for them.
  let dispatcher: RequestDispatcher | null = null;
  let settle!: (d: RequestDispatcher | null) => void;
  const ready = new Promise<RequestDispatcher | null>((resolveReady) => (settle = resolveReady));
  const channel: RequestChannel = {
    handle: (frame, ctx) =>
      dispatcher !== null
        ? dispatcher.handle(frame, ctx)
        : ready.then((d): PromiseLike<RequestOutcome> | RequestOutcome => (d === null ? { kind: 'close', reason: 'the broker failed to start' } : d.handle(frame, ctx))),
  };
  const server = new SocketServer({
    listeners: config.listeners.map((l) => ({ name: l.name, host: l.host, port: l.port })),
    channel,
    socketRequestMaxBytes: config.socketRequestMaxBytes,
    connectionsMaxIdleMs: config.connectionsMaxIdleMs,
    logger: logger.child({ component: 'network' }),
  });
  const bound: BoundListener[] = (await server.start()).map((b) => ({ listenerName: b.listenerName, host: b.host, port: b.port }));
  const activate = (d: RequestDispatcher): void => {
    dispatcher = d;
    settle(d);
  };

  let cluster: ClusterJoin | null = null;
  try {
    const logDirs = config.logDirs.map((d) => resolve(d));
    for (const d of logDirs) mkdirSync(d, { recursive: true });
    // Cluster mode: a ZooKeeper session, the cluster id and this broker's id come first (the log
    // dirs are checked against both).
    cluster = config.zookeeperConnect === null ? null : await joinCluster({
      connectString: config.zookeeperConnect,
      sessionTimeoutMs: config.zookeeperSessionTimeoutMs,
      connectionTimeoutMs: config.zookeeperConnectionTimeoutMs,
      configuredNodeId: config.nodeId,
      storedNodeId: readMetaProperties(logDirs).nodeId,
      reservedBrokerMaxId: config.reservedBrokerMaxId,
      logger: logger.child({ component: 'zookeeper' }),
    });
    const nodeId = cluster?.nodeId ?? config.nodeId;
    return await startServices(options, config, logger, logDirs, cluster, nodeId, server, bound, activate);
  } catch (err) {
    settle(null);
    await server.shutdown(0);
    cluster?.zk.close();
    throw err;
  }
}

async function startServices(
  options: StartBrokerOptions,
  config: BrokerConfig,
  logger: Logger,
  logDirs: string[],
  cluster: ClusterJoin | null,
  nodeId: number,
  server: SocketServer,
  bound: BoundListener[],
  activate: (dispatcher: RequestDispatcher) => void,
): Promise<Broker> {
  const clock = options.clock ?? systemClock;
  const scheduler = options.scheduler ?? timerScheduler();
  const logManager = LogManager.open({
    logDirs,
    nodeId,
    ...(cluster === null ? {} : { clusterId: cluster.clusterId }),
    defaultConfig: config.logConfig,
    clock,
    scheduler,
    logger: logger.child({ component: 'log-manager' }),
    retentionCheckIntervalMs: config.logRetentionCheckIntervalMs,
    flushCheckpointIntervalMs: config.logFlushOffsetCheckpointIntervalMs,
    cleanerEnable: config.logCleanerEnable && config.logCleanerThreads > 0,
    cleanerBackoffMs: config.logCleanerBackoffMs,
    cleanerDedupeBufferSize: config.logCleanerDedupeBufferSize,
  });
  let metadata: LocalMetadataStore | ZooKeeperMetadataStore;
  try {
    metadata =
      cluster === null
        ? new LocalMetadataStore({ dir: logDirs[0]!, nodeId, clusterId: logManager.clusterId, endpoints: [], logger: logger.child({ component: 'metadata' }) })
        : await ZooKeeperMetadataStore.open({ zk: cluster.zk, nodeId, clusterId: cluster.clusterId, defaultReplicationFactor: config.defaultReplicationFactor, logger: logger.child({ component: 'metadata' }) });
  } catch (err) {
    logManager.close();
    throw err;
  }
  const replicaManager = new ReplicaManager(
    nodeId,
    logManager,
    metadata,
    // Topic overrides, then dynamic broker configs (this broker, cluster default), then server.properties.
    (topic) => resolveLogConfig(config, topic.configs, { broker: metadata.brokerConfigs(nodeId), clusterDefault: metadata.brokerConfigs(null) }),
    logManager.loadHighWatermarks(),
    logger.child({ component: 'replica-manager' }),
    { clock, scheduler, brokerConfig: config },
  );
  replicaManager.start();
  // Retention never deletes data consumers cannot have read yet (above the high watermark).
  logManager.highWatermarkProvider = (topic, partition) => replicaManager.getPartition(topic, partition)?.highWatermark;
  const hwCheckpointFailures = new RepeatedFailureLog(logger, 'checkpoint high watermarks');
  const cancelHwCheckpoint = scheduler.schedule('high-watermark-checkpoint', 5000, () => {
    try {
      logManager.checkpointHighWatermarks(replicaManager.highWatermarkSnapshot());
      hwCheckpointFailures.succeeded();
    } catch (err) {
      hwCheckpointFailures.failed(err);
    }
  });

  const shutdown = new AbortController();
  const producerIds = new ProducerIdManager(metadata);
  const groupCoordinator = new GroupCoordinator({ nodeId, config, metadata, replicaManager, clock, scheduler, logger: logger.child({ component: 'group-coordinator' }) });
  const supported = new Map(codecApiVersions({ unstable: config.unstableApiVersionsEnable }).map((r) => [r.apiKey, r]));
  let services: BrokerServices | null = null;
  let controllerRole: ControllerRole | null = null;
  let fetchers: ReplicaFetcherManager | null = null;
  const dispatcher = new RequestDispatcher(HANDLERS, () => services!, logger.child({ component: 'request' }));
  const advertised = dispatcher.apiVersions().filter((h) => supported.has(h.apiKey)).map((h) => ({
    apiKey: h.apiKey,
    minVersion: Math.max(h.minVersion, supported.get(h.apiKey)!.minVersion),
    maxVersion: Math.min(h.maxVersion, supported.get(h.apiKey)!.maxVersion),
  }));
  services = {
    nodeId,
    config,
    metadata,
    replicaManager,
    logManager,
    producerIds,
    groupCoordinator,
    clock,
    logger,
    shutdownSignal: shutdown.signal,
    readBuffers: options.readBuffers ?? new ReadBufferPool(),
    apiVersions: () => advertised,
    controller: () => controllerRole,
  };

  activate(dispatcher);
  const endpoints = advertisedEndpoints(config, bound);
  if (metadata instanceof ZooKeeperMetadataStore) {
    // Registered once it can serve: other brokers and the controller see it from now on.
    await metadata.register({ nodeId, endpoints, rack: config.brokerRack });
    controllerRole = new ControllerRole({
      zk: cluster!.zk,
      nodeId,
      uncleanLeaderElection: (_topic, configs) => (configs['unclean.leader.election.enable'] ?? String(config.uncleanLeaderElectionEnable)) === 'true',
      autoLeaderRebalance: config.autoLeaderRebalanceEnable ? { intervalMs: config.leaderImbalanceCheckIntervalSeconds * 1000, imbalancePercentage: config.leaderImbalancePerBrokerPercentage } : null,
      logger: logger.child({ component: 'controller' }),
    });
    await controllerRole.start();
    // Followers fetch from their leaders (the fetchers follow the partitions' roles from now on).
    fetchers = new ReplicaFetcherManager({ nodeId, metadata, replicaManager, ...replicaFetcherConfig(config), logger: logger.child({ component: 'replica-fetcher' }) });
    fetchers.start();
    const zk = cluster!.zk;
    const role = controllerRole;
    zk.onSessionExpired(() => {
      logger.warn({ nodeId }, 'ZooKeeper session expired: this broker is no longer registered; opening a new session to register again');
      void zk
        .renewSession()
        .then(async (renewed) => {
          if (!renewed) return;
          await metadata.register({ nodeId, endpoints, rack: config.brokerRack });
          logger.info({ nodeId, session: zk.sessionId }, 'registered again with a new ZooKeeper session');
          await role.rejoin();
        })
        .catch((err: unknown) => logger.error({ err, nodeId }, 'registering again after the ZooKeeper session expired failed'));
    });
  } else {
    metadata.setEndpoints(endpoints);
  }
  groupCoordinator.start();
  const first = endpoints[0]!;
  logger.info({ nodeId, clusterId: logManager.clusterId, listeners: endpoints.map((e) => `${e.listenerName}://${e.host}:${e.port}`), logDirs }, 'broker started');

  let closing: Promise<void> | null = null;
  return {
    nodeId,
    clusterId: logManager.clusterId,
    host: first.host,
    port: first.port,
    bootstrap: `${first.host.includes(':') ? `[${first.host}]` : first.host}:${first.port}`,
    listeners: bound,
    config,
    close(): Promise<void> {
      closing ??= (async () => {
        logger.info('broker shutting down');
        // While still serving: the controller moves this broker's leaderships to other replicas.
        if (controllerRole !== null && config.controlledShutdownEnable) {
          await requestControlledShutdown({
            nodeId,
            metadata,
            role: controllerRole,
            listenerName: config.interBrokerListenerName,
            maxRetries: config.controlledShutdownMaxRetries,
            retryBackoffMs: config.controlledShutdownRetryBackoffMs,
            requestTimeoutMs: config.requestTimeoutMs,
            logger: logger.child({ component: 'controlled-shutdown' }),
          });
        }
        shutdown.abort();
        // Waiting JoinGroup/SyncGroup requests are answered (NOT_COORDINATOR) so connections can drain.
        groupCoordinator.close();
        // Another broker takes over as controller at once rather than after the session timeout.
        await controllerRole?.close();
        await fetchers?.close();
        await server.shutdown(10_000);
        cancelHwCheckpoint();
        replicaManager.close();
        try {
          logManager.checkpointHighWatermarks(replicaManager.highWatermarkSnapshot());
        } catch (err) {
          // A full disk, say: the logs are still flushed and closed below. The next start takes an
          // older checkpoint, and a leader's high watermark catches up with its log end.
          logger.error({ err }, 'could not checkpoint high watermarks at shutdown');
        }
        logManager.close();
        await metadata.close();
        // Ends the session: ZooKeeper removes this broker's registration, and the controller
        // moves the leadership of its partitions.
        cluster?.zk.close();
        logger.info('broker stopped');
      })();
      return closing;
    },
  };
}
