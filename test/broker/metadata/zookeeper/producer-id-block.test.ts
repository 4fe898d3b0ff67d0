import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { claimProducerIdBlock, decodeProducerIdBlock, encodeProducerIdBlock } from '../../../../src/broker/metadata/zookeeper/producer-id-block.js';
import { ZooKeeperClient } from '../../../../src/broker/metadata/zookeeper/zookeeper-client.js';
import { ZooKeeperCluster } from '../../../../src/testkit/zookeeper-server.js';

const available = ZooKeeperCluster.available();
const skip = available.ok || process.env.CI === 'true' ? false : `ZooKeeper is not installed: ${available.ok ? '' : available.message}`;

it('producer id blocks use Kafka’s JSON', () => {
  const b = { brokerId: 2, start: 1000n, end: 1999n };
  assert.deepEqual(JSON.parse(encodeProducerIdBlock(b).toString()), { version: 1, broker: 2, block_start: '1000', block_end: '1999' });
  assert.deepEqual(decodeProducerIdBlock(encodeProducerIdBlock(b)), b);
  assert.equal(decodeProducerIdBlock(Buffer.from('{"block_start":1}')), null);
});

describe('producer id blocks in a real ZooKeeper', { skip }, () => {
  let zk: ZooKeeperCluster;
  const clients: ZooKeeperClient[] = [];

  before(async () => {
    zk = await ZooKeeperCluster.start({ servers: 1 });
    for (let i = 0; i < 3; i++) clients.push(await ZooKeeperClient.connect({ connectString: zk.connectString, sessionTimeoutMs: 4000 }));
  });

  after(async () => {
    for (const c of clients) c.close();
    await zk?.close();
  });

  it('hands out consecutive, never overlapping blocks to brokers claiming at the same time', async () => {
    const claims = await Promise.all(Array.from({ length: 30 }, (_, i) => claimProducerIdBlock(clients[i % 3]!, (i % 3) + 1, 1000)));
    const sorted = claims.map((c) => c.start).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    assert.deepEqual(sorted, Array.from({ length: 30 }, (_, i) => BigInt(i * 1000)), 'blocks 0, 1000, 2000, ... each once');
    for (const c of claims) assert.equal(c.end - c.start, 999n);
    const last = await clients[0]!.getData('/latest_producer_id_block');
    assert.equal(decodeProducerIdBlock(last!.data)?.end, 29_999n);
  });
});
