import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ZooKeeperClient } from '../../src/broker/metadata/zookeeper/zookeeper-client.js';
import { ZooKeeperCluster } from '../../src/testkit/zookeeper-server.js';
import type { ZooKeeperMode } from '../../src/testkit/zookeeper-server.js';

const available = ZooKeeperCluster.available();
const skip = available.ok || process.env.CI === 'true' ? false : `ZooKeeper is not installed: ${available.ok ? '' : available.message}`;

describe('ZooKeeperCluster: a real 3-node ensemble on loopback', { skip }, () => {
  let zk: ZooKeeperCluster;

  before(async () => {
    zk = await ZooKeeperCluster.start({ servers: 3 });
  });

  after(async () => {
    await zk?.close();
  });

  async function modes(): Promise<ZooKeeperMode[]> {
    return Promise.all(zk.servers.map((s) => zk.mode(s.id)));
  }

  it('elects one leader, keeps serving when the leader dies, and takes the old leader back as a follower', async () => {
    const before = await modes();
    assert.deepEqual([...before].sort(), ['follower', 'follower', 'leader']);
    const client = await ZooKeeperClient.connect({ connectString: zk.connectString, sessionTimeoutMs: 4000 });
    try {
      await client.create('/before', Buffer.from('1'));
      const leader = before.indexOf('leader') + 1;
      await zk.kill(leader);
      let after: ZooKeeperMode[] = [];
      for (let i = 0; i < 100; i++) {
        after = await modes();
        if (after.filter((m) => m === 'leader').length === 1) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(after[leader - 1], null, 'the killed server does not answer');
      assert.deepEqual(after.filter((m) => m !== null).sort(), ['follower', 'leader'], 'the two others elected a new leader');
      // The client moves to a live server with the same session.
      await client.create('/after', Buffer.from('2'));
      assert.equal((await client.getData('/before'))?.data.toString(), '1');
      await zk.start(leader);
      assert.equal(await zk.mode(leader), 'follower');
    } finally {
      client.close();
    }
  });
});
