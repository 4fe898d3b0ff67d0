import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RestartableBrokerProcess } from '../../../src/testkit/broker-process.js';
import { KafkaTestClient } from '../../../src/testkit/kafka-test-client.js';
import { pollUntil } from '../../../src/testkit/poll-until.js';
import { SamsaCluster } from '../../../src/testkit/samsa-cluster.js';
import { ZooKeeperCluster } from '../../../src/testkit/zookeeper-server.js';
import { metadataOf } from '../handlers/handler-test-helpers.js';

const available = ZooKeeperCluster.available();
const skip = available.ok || process.env.CI === 'true' ? false : `ZooKeeper is not installed: ${available.ok ? '' : available.message}`;

describe('cluster mode: a broker whose ZooKeeper session expires', { skip }, () => {
  let zookeeper: ZooKeeperCluster;
  let frozen: RestartableBrokerProcess;
  let cluster: SamsaCluster;
  const chroot = '/expiry';

  before(async () => {
    // tickTime 200 ms: ZooKeeper caps session timeouts at 20 ticks, so sessions expire after 4 s.
    zookeeper = await ZooKeeperCluster.start({ tickTimeMs: 200 });
    // Broker 2 starts first, as a separate process (so it can be frozen), and becomes controller.
    frozen = await RestartableBrokerProcess.start({ 'zookeeper.connect': `${zookeeper.connectString}${chroot}`, 'broker.id': '2', 'zookeeper.session.timeout.ms': '4000' }, 'samsa-expiry-');
    cluster = await SamsaCluster.start({ zookeeper, brokers: 1, chroot, otherBrokers: [2], properties: { 'zookeeper.session.timeout.ms': '4000' } });
  });

  after(async () => {
    if (frozen?.process.running) frozen.process.kill('SIGCONT');
    await frozen?.close();
    await cluster?.close();
    await zookeeper?.close();
  });

  it('loses its registration and the controllership, then registers again with a new session once it runs again', async () => {
    assert.equal(await cluster.controllerId(1), 2, 'the broker that started first is the controller');
    frozen.process.kill('SIGSTOP');
    const client = await cluster.client(1);
    try {
      const without = await pollUntil(
        'broker 2 gone and broker 1 controller',
        () => metadataOf(client, null),
        (m) => m.brokers.length === 1 && m.controllerId === 1,
        { timeoutMs: 20_000 },
      );
      assert.deepEqual(without.brokers.map((b) => b.nodeId), [1]);
      frozen.process.kill('SIGCONT');
      const back = await pollUntil('broker 2 registered again', () => metadataOf(client, null), (m) => m.brokers.length === 2, { timeoutMs: 20_000 });
      assert.deepEqual(back.brokers.map((b) => b.nodeId).sort(), [1, 2]);
      assert.equal(back.controllerId, 1, 'the ex-controller does not take the controllership back');
      await pollUntil('broker 2 logs its new registration', () => frozen.process.log.includes('registered again with a new ZooKeeper session')).catch((err: unknown) => {
        throw new Error(`${String(err)}\n--- broker 2 log tail ---\n${frozen.process.log.slice(-3000)}`);
      });
      assert.ok(frozen.process.log.includes('no longer the controller'), 'the ex-controller stopped acting as controller');
    } finally {
      client.close();
    }
    // Broker 2 itself sees the cluster as it is now.
    const direct = await KafkaTestClient.connect('127.0.0.1', frozen.port);
    try {
      const seen = await pollUntil('broker 2’s view', () => metadataOf(direct, null), (m) => m.brokers.length === 2 && m.controllerId === 1);
      assert.equal(seen.controllerId, 1);
    } finally {
      direct.close();
    }
  });
});
