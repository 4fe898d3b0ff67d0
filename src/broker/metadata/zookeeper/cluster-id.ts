import { decodeClusterId, encodeClusterId, ZNODES } from './kafka-znodes.js';
import { ZooKeeperError } from './zookeeper-client.js';
import type { ZooKeeperClient } from './zookeeper-client.js';

/**
 * The cluster id kept in /cluster/id: the first broker to start writes `proposed` (a new random
 * id), every later broker reads it. Two brokers racing both end with the one that was created.
 * Throws when /cluster/id holds something that is not a cluster id.
 */
export async function getOrCreateClusterId(zk: ZooKeeperClient, proposed: string): Promise<string> {
  await zk.ensurePath('/cluster');
  for (;;) {
    const existing = await zk.getData(ZNODES.clusterId);
    if (existing !== null) {
      const id = decodeClusterId(existing.data);
      if (id === null) throw new Error(`${ZNODES.clusterId} in ZooKeeper does not hold a cluster id: ${existing.data.toString('utf8').slice(0, 200)}`);
      return id;
    }
    try {
      await zk.create(ZNODES.clusterId, encodeClusterId(proposed));
      return proposed;
    } catch (err) {
      // Another broker created it in between: read theirs.
      if (!(err instanceof ZooKeeperError && err.code === 'NODE_EXISTS')) throw err;
    }
  }
}
