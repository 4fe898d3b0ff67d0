import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ControllerElection } from '../../../../src/broker/metadata/zookeeper/controller-election.js';
import { decodePartitionState, decodeTopicAssignment, decodeTopicConfig, encodePartitionState, encodeTopicAssignment } from '../../../../src/broker/metadata/zookeeper/kafka-znodes.js';
import {
  createTopicZnodes,
  markTopicForDeletion,
  readPartitionState,
  readTopic,
  readTopicNames,
  updateIsr,
  writePartitionStates,
} from '../../../../src/broker/metadata/zookeeper/topic-znodes.js';
import { ZooKeeperClient, ZooKeeperError } from '../../../../src/broker/metadata/zookeeper/zookeeper-client.js';
import { ZooKeeperCluster } from '../../../../src/testkit/zookeeper-server.js';

const available = ZooKeeperCluster.available();
const skip = available.ok || process.env.CI === 'true' ? false : `ZooKeeper is not installed: ${available.ok ? '' : available.message}`;

it('topic assignments, partition states and topic configs use Kafka JSON and decode back', () => {
  const a = { topicId: 'AAAAAAAAAAAAAAAAAAAAAA', partitions: [[1, 2], [2, 3], [3, 1]] };
  const json = JSON.parse(encodeTopicAssignment(a).toString()) as Record<string, unknown>;
  assert.deepEqual(json, { version: 3, topic_id: a.topicId, partitions: { 0: [1, 2], 1: [2, 3], 2: [3, 1] }, adding_replicas: {}, removing_replicas: {} });
  assert.deepEqual(decodeTopicAssignment(encodeTopicAssignment(a)), { ...a, addingReplicas: {}, removingReplicas: {} });
  // A reassignment in progress (KIP-455): partition 0 moving from [1, 2] to [3, 2].
  const moving = { topicId: a.topicId, partitions: [[3, 2, 1], [2, 3]], addingReplicas: { 0: [3] }, removingReplicas: { 0: [1] } };
  const movingJson = JSON.parse(encodeTopicAssignment(moving).toString()) as Record<string, unknown>;
  assert.deepEqual(movingJson.adding_replicas, { 0: [3] });
  assert.deepEqual(movingJson.removing_replicas, { 0: [1] });
  assert.deepEqual(decodeTopicAssignment(encodeTopicAssignment(moving)), moving);
  assert.equal(decodeTopicAssignment(Buffer.from('{"version":3,"topic_id":"x","partitions":{"0":[1]},"adding_replicas":{"0":"x"}}')), null, 'adding_replicas that are not replica lists');
  assert.equal(decodeTopicAssignment(Buffer.from('{"version":3,"topic_id":"x","partitions":{"0":[1],"2":[1]}}')), null, 'a gap in partition ids');
  const s = { leader: 2, leaderEpoch: 4, isr: [2, 3], controllerEpoch: 7 };
  assert.deepEqual(JSON.parse(encodePartitionState(s).toString()), { controller_epoch: 7, leader: 2, version: 1, leader_epoch: 4, isr: [2, 3] });
  assert.deepEqual(decodePartitionState(encodePartitionState(s)), s);
  assert.deepEqual(decodeTopicConfig(Buffer.from('{"version":1,"config":{"cleanup.policy":"compact"}}')), { 'cleanup.policy': 'compact' });
});

describe('topics and partition states in a real ZooKeeper', { skip }, () => {
  let zk: ZooKeeperCluster;
  let admin: ZooKeeperClient;

  before(async () => {
    zk = await ZooKeeperCluster.start({ servers: 1 });
    admin = await ZooKeeperClient.connect({ connectString: zk.connectString, sessionTimeoutMs: 4000 });
  });

  after(async () => {
    admin?.close();
    await zk?.close();
  });

  it('creates a topic atomically with its configs, refuses a duplicate, and reports it to watchers', async () => {
    let changed!: () => void;
    const change = new Promise<void>((resolve) => (changed = resolve));
    assert.deepEqual(await readTopicNames(admin, () => changed()), []);
    const assignment = { topicId: 'q2Yb1mKkQ5O6d0cE0kZt9w', partitions: [[1, 2], [2, 1]] };
    assert.deepEqual(await createTopicZnodes(admin, 'orders', assignment, { 'retention.ms': '1000' }), { ok: true });
    await change;
    assert.deepEqual(await readTopicNames(admin), ['orders']);
    assert.deepEqual(await readTopic(admin, 'orders'), { assignment: { ...assignment, addingReplicas: {}, removingReplicas: {} }, configs: { 'retention.ms': '1000' } });
    const again = await createTopicZnodes(admin, 'orders', assignment, {});
    assert.equal(again.ok ? 'ok' : again.error, 'TOPIC_ALREADY_EXISTS');
    assert.equal(await readTopic(admin, 'missing'), null);

    assert.deepEqual(await markTopicForDeletion(admin, 'orders'), { ok: true });
    const pending = await createTopicZnodes(admin, 'orders', assignment, {});
    assert.match(pending.ok ? '' : pending.message, /marked for deletion/);
    const unknown = await markTopicForDeletion(admin, 'nope');
    assert.equal(unknown.ok ? 'ok' : unknown.error, 'UNKNOWN_TOPIC_OR_PARTITION');
  });

  it('writes partition states under the controller lease, fences a stale controller, and lets the leader change the ISR conditionally', async () => {
    await createTopicZnodes(admin, 'payments', { topicId: 'a2Yb1mKkQ5O6d0cE0kZt9w', partitions: [[1, 2, 3], [2, 3, 1]] }, {});
    const c1 = await ZooKeeperClient.connect({ connectString: zk.connectString, sessionTimeoutMs: 2000 });
    const c2 = await ZooKeeperClient.connect({ connectString: zk.connectString, sessionTimeoutMs: 2000 });
    try {
      const e1 = new ControllerElection(c1, 1);
      await e1.start();
      const lease1 = e1.currentLease!;
      const versions = await writePartitionStates(c1, lease1, [
        { topic: 'payments', partition: 0, state: { leader: 1, leaderEpoch: 0, isr: [1, 2, 3] }, expectedZkVersion: null },
        { topic: 'payments', partition: 1, state: { leader: 2, leaderEpoch: 0, isr: [2, 3, 1] }, expectedZkVersion: null },
      ]);
      assert.deepEqual(versions, [0, 0]);
      const p0 = await readPartitionState(admin, 'payments', 0);
      assert.deepEqual(p0, { state: { leader: 1, leaderEpoch: 0, isr: [1, 2, 3], controllerEpoch: lease1.epoch }, zkVersion: 0 });

      // The leader shrinks the ISR; a second update from the same stale read is refused.
      assert.equal(await updateIsr(admin, 'payments', 0, p0!, [1, 2]), 1);
      assert.equal(await updateIsr(admin, 'payments', 0, p0!, [1]), null);
      assert.deepEqual((await readPartitionState(admin, 'payments', 0))?.state.isr, [1, 2]);

      // A new controller: the old one's write is refused, the new one's goes through.
      const e2 = new ControllerElection(c2, 2);
      await e2.start();
      await e1.resign();
      for (let i = 0; i < 100 && !e2.isController; i++) await new Promise((r) => setTimeout(r, 50));
      const lease2 = e2.currentLease!;
      assert.ok(lease2 !== null && lease2.epoch === lease1.epoch + 1);
      await assert.rejects(
        writePartitionStates(c1, lease1, [{ topic: 'payments', partition: 0, state: { leader: 3, leaderEpoch: 1, isr: [3] }, expectedZkVersion: 1 }]),
        (err: unknown) => err instanceof ZooKeeperError && err.code === 'BAD_VERSION',
      );
      assert.deepEqual(await writePartitionStates(c2, lease2, [{ topic: 'payments', partition: 0, state: { leader: 2, leaderEpoch: 1, isr: [2] }, expectedZkVersion: 1 }]), [2]);
      assert.deepEqual((await readPartitionState(admin, 'payments', 0))?.state, { leader: 2, leaderEpoch: 1, isr: [2], controllerEpoch: lease2.epoch });
    } finally {
      c1.close();
      c2.close();
    }
  });
});
