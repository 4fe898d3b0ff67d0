import { ManualClock, systemClock, timerScheduler } from '../../../src/broker/clock.js';
import { parseBrokerConfig } from '../../../src/broker/config/broker-config.js';
import type { BrokerConfig } from '../../../src/broker/config/broker-config.js';
import { resolveLogConfig } from '../../../src/broker/config/topic-config.js';
import type { BrokerServices } from '../../../src/broker/handlers/api-handler.js';
import { HANDLERS } from '../../../src/broker/handlers/handler-registry.js';
import { ZooKeeperClient } from '../../../src/broker/metadata/zookeeper/zookeeper-client.js';
import { ZooKeeperMetadataStore } from '../../../src/broker/metadata/zookeeper/zookeeper-metadata-store.js';
import { SocketServer } from '../../../src/broker/network/socket-server.js';
import type { Partition } from '../../../src/broker/replication/partition.js';
import { ReplicaFetcherManager, replicaFetcherConfig } from '../../../src/broker/replication/replica-fetcher-manager.js';
import { ReplicaManager } from '../../../src/broker/replication/replica-manager.js';
import { RequestDispatcher } from '../../../src/broker/request-dispatcher.js';
import { LogManager } from '../../../src/broker/storage/log-manager.js';
import { ReadBufferPool } from '../../../src/broker/storage/read-buffer-pool.js';
import { silentLogger, createLogger } from '../../../src/logging/logger.js';
import type { Logger } from '../../../src/logging/logger.js';

/**
 * The replication-relevant core of one cluster-mode broker, composed the way startBroker composes
 * a broker (until startBroker runs cluster mode itself): its log dir, a ZooKeeper session with a
 * ZooKeeperMetadataStore and the broker registration, a ReplicaManager, the request handlers
 * behind a SocketServer (the leader side of Fetch, OffsetForLeaderEpoch, ListOffsets, Produce), and
 * a ReplicaFetcherManager (the follower side). Follower lag runs on `clock` (a ManualClock the
 * test advances); everything else on real time.
 */
export interface BrokerCore {
  nodeId: number;
  dir: string;
  port: number;
  clock: ManualClock;
  config: BrokerConfig;
  zk: ZooKeeperClient;
  metadata: ZooKeeperMetadataStore;
  logManager: LogManager;
  replicaManager: ReplicaManager;
  fetchers: ReplicaFetcherManager | null;
  partition(topic: string, index?: number): Partition;
  /** Stops replicating (every fetcher of this broker closes). */
  stopFetchers(): Promise<void>;
  startFetchers(): void;
  /** Shuts the broker down: fetchers, listener, logs (high watermarks checkpointed), metadata, ZooKeeper session. */
  close(): Promise<void>;
}

export interface BrokerCoreOptions {
  nodeId: number;
  dir: string;
  zookeeperConnect: string;
  properties?: Record<string, string>;
  clock?: ManualClock;
}

export async function startBrokerCore(opts: BrokerCoreOptions): Promise<BrokerCore> {
  const logger: Logger = process.env.SAMSA_LOG_LEVEL !== undefined ? createLogger().child({ node: opts.nodeId }) : silentLogger();
  const { config } = parseBrokerConfig({
    'node.id': String(opts.nodeId),
    'log.dirs': opts.dir,
    listeners: 'PLAINTEXT://127.0.0.1:0',
    'zookeeper.connect': opts.zookeeperConnect,
    'replica.fetch.wait.max.ms': '100',
    'replica.fetch.backoff.ms': '50',
    'replica.socket.timeout.ms': '5000',
    ...opts.properties,
  });
  const clock = opts.clock ?? new ManualClock(1_000_000);
  const logManager = LogManager.open({
    logDirs: [opts.dir],
    nodeId: opts.nodeId,
    clusterId: 'replication-test',
    defaultConfig: config.logConfig,
    clock: systemClock,
    scheduler: timerScheduler(),
    logger,
  });
  const zk = await ZooKeeperClient.connect({ connectString: opts.zookeeperConnect, sessionTimeoutMs: 4000 });
  const metadata = await ZooKeeperMetadataStore.open({ zk, nodeId: opts.nodeId, clusterId: 'replication-test', logger, propagationTimeoutMs: 10_000 });
  const replicaManager = new ReplicaManager(
    opts.nodeId,
    logManager,
    metadata,
    (topic) => resolveLogConfig(config, topic.configs),
    logManager.loadHighWatermarks(),
    logger,
    { clock, scheduler: clock, brokerConfig: config },
  );
  let services: BrokerServices | null = null;
  const dispatcher = new RequestDispatcher(HANDLERS, () => services!, logger);
  const shutdown = new AbortController();
  services = {
    nodeId: opts.nodeId,
    config,
    metadata,
    replicaManager,
    logManager,
    producerIds: undefined as never,
    groupCoordinator: undefined as never,
    clock: systemClock,
    logger,
    shutdownSignal: shutdown.signal,
    readBuffers: new ReadBufferPool(),
    controller: () => null,
    apiVersions: () => dispatcher.apiVersions(),
  };
  const server = new SocketServer({
    listeners: [{ name: 'PLAINTEXT', host: '127.0.0.1', port: 0 }],
    channel: dispatcher,
    socketRequestMaxBytes: config.socketRequestMaxBytes,
    connectionsMaxIdleMs: config.connectionsMaxIdleMs,
    logger,
  });
  const [bound] = await server.start();
  replicaManager.start();
  await metadata.register({ nodeId: opts.nodeId, rack: null, endpoints: [{ listenerName: 'PLAINTEXT', host: '127.0.0.1', port: bound!.port, securityProtocol: 'PLAINTEXT' }] });

  const core: BrokerCore = {
    nodeId: opts.nodeId,
    dir: opts.dir,
    port: bound!.port,
    clock,
    config,
    zk,
    metadata,
    logManager,
    replicaManager,
    fetchers: null,
    partition(topic, index = 0) {
      const p = replicaManager.getPartition(topic, index);
      if (p === undefined) throw new Error(`broker ${opts.nodeId} does not host ${topic}-${index}`);
      return p;
    },
    async stopFetchers() {
      const f = core.fetchers;
      core.fetchers = null;
      await f?.close();
    },
    startFetchers() {
      if (core.fetchers !== null) return;
      core.fetchers = new ReplicaFetcherManager({ nodeId: opts.nodeId, metadata, replicaManager, ...replicaFetcherConfig(config), logger });
      core.fetchers.start();
    },
    async close() {
      await core.stopFetchers();
      shutdown.abort();
      await server.shutdown(5000);
      replicaManager.close();
      logManager.checkpointHighWatermarks(replicaManager.highWatermarkSnapshot());
      logManager.close();
      await metadata.close();
      zk.close();
    },
  };
  core.startFetchers();
  return core;
}
