/**
 * The first steps of a broker with `zookeeper.connect`, before its logs are opened: a ZooKeeper
 * session (creating the chroot of the connect string when it is missing, as Kafka does), the
 * cluster id from /cluster/id (a new one written by the first broker ever to start; the log dirs'
 * meta.properties is then checked against it, so a broker whose logs belong to another cluster
 * refuses to start), and the broker id
 * (configured, else the one recorded in meta.properties, else a new one generated from
 * /brokers/seqid above reserved.broker.max.id).
 */
import { Buffer } from 'node:buffer';
import type { Logger } from '../../../logging/logger.js';
import { randomKafkaUuid } from '../../storage/log-manager.js';
import { getOrCreateClusterId } from './cluster-id.js';
import { PERSISTENT_PATHS } from './kafka-znodes.js';
import { ZooKeeperClient } from './zookeeper-client.js';

export interface ClusterJoinOptions {
  connectString: string;
  sessionTimeoutMs: number;
  connectionTimeoutMs: number;
  /** node.id / broker.id from the configuration; -1 asks for one (the stored one, else a generated one). */
  configuredNodeId: number;
  /** The node id recorded in the log dirs' meta.properties, if any. */
  storedNodeId: number | null;
  reservedBrokerMaxId: number;
  logger: Logger;
}

export interface ClusterJoin {
  zk: ZooKeeperClient;
  clusterId: string;
  nodeId: number;
}

/** Splits `host:port,host:port/chroot` into the servers and the chroot ('' when none). */
export function splitChroot(connectString: string): { servers: string; chroot: string } {
  const slash = connectString.indexOf('/');
  if (slash === -1) return { servers: connectString, chroot: '' };
  const chroot = connectString.slice(slash).replace(/\/+$/, '');
  return { servers: connectString.slice(0, slash), chroot };
}

/**
 * Connects to ZooKeeper, creating the chroot path first when the connect string names one that
 * does not exist yet (ZooKeeper-mode Kafka does the same).
 */
export async function connectWithChroot(options: Pick<ClusterJoinOptions, 'connectString' | 'sessionTimeoutMs' | 'connectionTimeoutMs'>): Promise<ZooKeeperClient> {
  const { servers, chroot } = splitChroot(options.connectString);
  if (chroot !== '' && chroot !== '/') {
    const root = await ZooKeeperClient.connect({ connectString: servers, sessionTimeoutMs: options.sessionTimeoutMs, connectionTimeoutMs: options.connectionTimeoutMs });
    try {
      await root.ensurePath(chroot);
    } finally {
      root.close();
    }
  }
  return ZooKeeperClient.connect({ connectString: options.connectString, sessionTimeoutMs: options.sessionTimeoutMs, connectionTimeoutMs: options.connectionTimeoutMs });
}

/**
 * A generated broker id (broker.id.generation.enable): every write of /brokers/seqid bumps its
 * version, and the id is reserved.broker.max.id plus that version — unique across the cluster and
 * never below the range kept for configured ids.
 */
export async function generateBrokerId(zk: ZooKeeperClient, reservedBrokerMaxId: number): Promise<number> {
  await zk.ensurePath('/brokers/seqid');
  const version = await zk.setData('/brokers/seqid', Buffer.alloc(0));
  return reservedBrokerMaxId + version;
}

/** Session, cluster id and broker id for a broker joining the cluster at `zookeeper.connect`. */
export async function joinCluster(options: ClusterJoinOptions): Promise<ClusterJoin> {
  const zk = await connectWithChroot(options);
  try {
    for (const p of PERSISTENT_PATHS) await zk.ensurePath(p);
    const clusterId = await getOrCreateClusterId(zk, randomKafkaUuid());
    let nodeId = options.configuredNodeId;
    if (nodeId < 0) nodeId = options.storedNodeId ?? (await generateBrokerId(zk, options.reservedBrokerMaxId));
    options.logger.info({ zookeeper: options.connectString, clusterId, nodeId, session: zk.sessionId }, 'joined the cluster in ZooKeeper');
    return { zk, clusterId, nodeId };
  } catch (err) {
    zk.close();
    throw err;
  }
}
