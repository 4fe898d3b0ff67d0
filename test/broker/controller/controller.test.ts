import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Controller } from '../../../src/broker/controller/controller.js';
import { silentLogger } from '../../../src/logging/logger.js';
import type { BrokerRegistration } from '../../../src/broker/metadata/metadata-store.js';
import { registerBroker } from '../../../src/broker/metadata/zookeeper/broker-registration.js';
import { ControllerElection } from '../../../src/broker/metadata/zookeeper/controller-election.js';
import { ZNODES } from '../../../src/broker/metadata/zookeeper/kafka-znodes.js';
import { createTopicZnodes, markTopicForDeletion, readPartitionState } from '../../../src/broker/metadata/zookeeper/topic-znodes.js';
import { ZooKeeperClient } from '../../../src/broker/metadata/zookeeper/zookeeper-client.js';
import { pollUntil } from '../../../src/testkit/poll-until.js';
import { ZooKeeperCluster } from '../../../src/testkit/zookeeper-server.js';

const available = ZooKeeperCluster.available();
const skip = available.ok || process.env.CI === 'true' ? false : `ZooKeeper is not installed: ${available.ok ? '' : available.message}`;

const registration = (nodeId: number): BrokerRegistration => ({ nodeId, rack: null, endpoints: [{ listenerName: 'PLAINTEXT', host: '127.0.0.1', port: 9000 + nodeId, securityProtocol: 'PLAINTEXT' }] });


describe('Controller against a real ZooKeeper (brokers as registrations)', { skip }, () => {
  let zk: ZooKeeperCluster;
  let admin: ZooKeeperClient;
  const sessions = new Map<number, ZooKeeperClient>();

  const state = async (topic: string, p: number) => (await readPartitionState(admin, topic, p))?.state ?? null;
  const join = async (id: number): Promise<ZooKeeperClient> => {
    const c = await ZooKeeperClient.connect({ connectString: zk.connectString, sessionTimeoutMs: 2000 });
    await registerBroker(c, registration(id));
    sessions.set(id, c);
    return c;
  };
  const leave = (id: number): void => {
    sessions.get(id)?.close();
    sessions.delete(id);
  };

  before(async () => {
    zk = await ZooKeeperCluster.start({ servers: 1 });
    admin = await ZooKeeperClient.connect({ connectString: zk.connectString, sessionTimeoutMs: 4000 });
  });

  after(async () => {
    for (const c of sessions.values()) c.close();
    admin?.close();
    await zk?.close();
  });

  it('elects leaders for new topics, moves them off failed brokers, brings offline partitions back, deletes topics, and stops once fenced', { timeout: 60_000 }, async () => {
    for (const id of [1, 2, 3]) await join(id);
    const election = new ControllerElection(sessions.get(1)!, 1);
    await election.start();
    assert.ok(election.isController);
    const controller = new Controller({ zk: sessions.get(1)!, lease: election.currentLease!, logger: silentLogger() });
    await controller.start();

    await createTopicZnodes(admin, 'orders', { topicId: 'b2Yb1mKkQ5O6d0cE0kZt9w', partitions: [[1, 2, 3], [2, 3, 1], [3, 1, 2]] }, {});
    await createTopicZnodes(admin, 'single', { topicId: 'c2Yb1mKkQ5O6d0cE0kZt9w', partitions: [[3]] }, {});
    await pollUntil('first leaders', () => state('single', 0), (s) => s !== null);
    await controller.idle();
    assert.deepEqual(await state('orders', 0), { leader: 1, leaderEpoch: 0, isr: [1, 2, 3], controllerEpoch: 1 });
    assert.deepEqual(await state('orders', 1), { leader: 2, leaderEpoch: 0, isr: [2, 3, 1], controllerEpoch: 1 });
    assert.deepEqual(await state('single', 0), { leader: 3, leaderEpoch: 0, isr: [3], controllerEpoch: 1 });

    // Broker 2's session ends: it leaves every ISR, and partition 1 gets a new leader from its ISR.
    leave(2);
    await pollUntil('partition 1 to move', () => state('orders', 1), (s) => s?.leader === 3);
    await controller.idle();
    assert.deepEqual(await state('orders', 1), { leader: 3, leaderEpoch: 1, isr: [3, 1], controllerEpoch: 1 });
    assert.deepEqual(await state('orders', 0), { leader: 1, leaderEpoch: 1, isr: [1, 3], controllerEpoch: 1 });

    // Broker 3 goes too: the single-replica partition is offline and keeps 3 in its ISR; it leads again on return.
    leave(3);
    await pollUntil('single offline', () => state('single', 0), (s) => s?.leader === -1);
    await controller.idle();
    assert.deepEqual((await state('single', 0))?.isr, [3]);
    assert.equal((await state('orders', 2))?.leader, 1, 'partition 2 moved to the last live ISR member');
    await join(3);
    await pollUntil('single back', () => state('single', 0), (s) => s?.leader === 3);

    // Deletion: the controller removes the topic's znodes and the mark.
    await markTopicForDeletion(admin, 'single');
    await pollUntil('topic gone', async () => [await admin.exists(ZNODES.topic('single')), await admin.exists(ZNODES.deleteTopic('single'))], (v) => v.every((x) => x === null));
    assert.equal(await admin.exists(ZNODES.topicConfig('single')), null);
    assert.equal(controller.stats().topicsDeleted, 1);

    // Another broker becomes controller; the old one's next write is refused and it stops.
    const b2 = await join(2);
    const second = new ControllerElection(b2, 2);
    await second.start();
    await election.resign();
    await pollUntil('broker 2 to be controller', async () => second.isController, (v) => v);
    const controller2 = new Controller({ zk: b2, lease: second.currentLease!, logger: silentLogger() });
    await controller2.start();
    await createTopicZnodes(admin, 'later', { topicId: 'd2Yb1mKkQ5O6d0cE0kZt9w', partitions: [[2, 1]] }, {});
    await pollUntil('later led', () => state('later', 0), (s) => s !== null);
    await controller.idle();
    assert.equal(controller.isActive, false, 'the fenced controller stopped');
    assert.deepEqual(await state('later', 0), { leader: 2, leaderEpoch: 0, isr: [2, 1], controllerEpoch: second.currentLease!.epoch });
    controller2.stop();
  });
});
