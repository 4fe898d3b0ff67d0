import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Controller } from '../../../../src/broker/controller/controller.js';
import type { BrokerRegistration, MetadataEvent } from '../../../../src/broker/metadata/metadata-store.js';
import { ControllerElection } from '../../../../src/broker/metadata/zookeeper/controller-election.js';
import { ZooKeeperClient } from '../../../../src/broker/metadata/zookeeper/zookeeper-client.js';
import { ZooKeeperMetadataStore } from '../../../../src/broker/metadata/zookeeper/zookeeper-metadata-store.js';
import { silentLogger } from '../../../../src/logging/logger.js';
import { pollUntil } from '../../../../src/testkit/poll-until.js';
import { ZooKeeperCluster } from '../../../../src/testkit/zookeeper-server.js';

const available = ZooKeeperCluster.available();
const skip = available.ok || process.env.CI === 'true' ? false : `ZooKeeper is not installed: ${available.ok ? '' : available.message}`;

const registration = (nodeId: number, rack: string | null = null): BrokerRegistration => ({
  nodeId,
  rack,
  endpoints: [{ listenerName: 'PLAINTEXT', host: '127.0.0.1', port: 9100 + nodeId, securityProtocol: 'PLAINTEXT' }],
});

describe('ZooKeeperMetadataStore: three brokers’ views of one cluster in a real ZooKeeper', { skip }, () => {
  let zk: ZooKeeperCluster;
  const sessions: ZooKeeperClient[] = [];
  const stores: ZooKeeperMetadataStore[] = [];
  const events: MetadataEvent[] = [];
  let controller: Controller;

  before(async () => {
    zk = await ZooKeeperCluster.start({ servers: 1 });
    for (const id of [1, 2, 3]) {
      const session = await ZooKeeperClient.connect({ connectString: zk.connectString, sessionTimeoutMs: 2000 });
      sessions.push(session);
      const store = await ZooKeeperMetadataStore.open({ zk: session, nodeId: id, clusterId: 'test-cluster', logger: silentLogger(), propagationTimeoutMs: 5000 });
      await store.register(registration(id, `rack-${id}`));
      stores.push(store);
    }
    stores[2]!.subscribe((e) => events.push(e));
    const election = new ControllerElection(sessions[0]!, 1);
    await election.start();
    controller = new Controller({ zk: sessions[0]!, lease: election.currentLease!, logger: silentLogger() });
    await controller.start();
  });

  after(async () => {
    controller?.stop();
    for (const s of stores) await s.close();
    for (const s of sessions) s.close();
    await zk?.close();
  });

  it('lists every registered broker and the controller', async () => {
    await pollUntil('all brokers seen', () => stores[2]!.brokers().length, (n) => n === 3);
    assert.deepEqual(stores[2]!.brokers(), [registration(1, 'rack-1'), registration(2, 'rack-2'), registration(3, 'rack-3')]);
    await pollUntil('controller seen', () => stores[2]!.controllerId(), (id) => id === 1);
  });

  it('creates a topic spread over the brokers with leaders from the controller, seen by every broker', async () => {
    const created = await stores[1]!.createTopic({ name: 'orders', numPartitions: 6, replicationFactor: 3, configs: { 'retention.ms': '60000' } });
    assert.ok(created.ok, created.ok ? '' : created.message);
    const topic = created.value;
    assert.equal(topic.partitions.length, 6);
    for (const p of topic.partitions) {
      assert.equal(new Set(p.replicas).size, 3);
      assert.equal(p.leader, p.replicas[0], 'the first replica leads a new partition');
      assert.deepEqual(p.isr, p.replicas);
    }
    assert.deepEqual(new Set(topic.partitions.map((p) => p.leader)), new Set([1, 2, 3]), 'leaders spread over the brokers');
    await pollUntil('broker 3 sees the topic with leaders', () => stores[2]!.topic('orders'), (t) => t?.partitions.every((p) => p.leader >= 0) === true);
    assert.deepEqual(stores[2]!.topic('orders')?.configs, { 'retention.ms': '60000' });
    assert.equal(stores[0]!.topicById(topic.topicId)?.name, 'orders');
    assert.ok(events.some((e) => e.kind === 'topicCreated' && e.topic.name === 'orders'));
  });

  it('refuses what Kafka refuses', async () => {
    const dup = await stores[0]!.createTopic({ name: 'orders', numPartitions: 1, replicationFactor: 1, configs: {} });
    assert.equal(dup.ok ? 'ok' : dup.error, 'TOPIC_ALREADY_EXISTS');
    const rf = await stores[0]!.createTopic({ name: 'too-many', numPartitions: 1, replicationFactor: 4, configs: {} });
    assert.equal(rf.ok ? 'ok' : rf.error, 'INVALID_REPLICATION_FACTOR');
    const unknown = await stores[0]!.createTopic({ name: 'bad-assignment', numPartitions: 0, replicationFactor: 0, assignments: [[1, 9]], configs: {} });
    assert.equal(unknown.ok ? 'ok' : unknown.error, 'INVALID_REPLICA_ASSIGNMENT');
    const validateOnly = await stores[0]!.createTopic({ name: 'dry-run', numPartitions: 2, replicationFactor: 2, configs: {} }, { validateOnly: true });
    assert.ok(validateOnly.ok);
    assert.equal(stores[0]!.topic('dry-run'), undefined, 'validate-only writes nothing');
  });

  it('adds partitions, changes configs, and reports both to the other brokers', async () => {
    const more = await stores[0]!.createPartitions('orders', 8);
    assert.ok(more.ok, more.ok ? '' : more.message);
    assert.equal(more.value.partitions.length, 8);
    await pollUntil('partitionsCreated at broker 3', () => events.some((e) => e.kind === 'partitionsCreated' && e.from === 6), Boolean);
    const changed = await stores[0]!.setTopicConfigs('orders', { 'cleanup.policy': 'compact' });
    assert.ok(changed.ok);
    await pollUntil('topicConfigChanged at broker 3', () => stores[2]!.topic('orders')?.configs, (c) => c?.['cleanup.policy'] === 'compact');
    assert.ok(events.some((e) => e.kind === 'topicConfigChanged'));
  });

  it('keeps dynamic broker configs and hands out distinct producer id blocks', async () => {
    await stores[0]!.setBrokerConfigs(2, { 'log.retention.ms': '1000' });
    await stores[0]!.setBrokerConfigs(null, { 'log.cleaner.threads': '2' });
    await pollUntil('broker configs at broker 3', () => stores[2]!.brokerConfigs(2), (c) => c['log.retention.ms'] === '1000');
    assert.deepEqual(stores[2]!.brokerConfigs(null), { 'log.cleaner.threads': '2' });
    await stores[0]!.setBrokerConfigs(2, {});
    await pollUntil('broker 2 configs removed', () => stores[2]!.brokerConfigs(2), (c) => Object.keys(c).length === 0);
    const blocks = await Promise.all(stores.map((s) => s.allocateProducerIds(1000)));
    assert.equal(new Set(blocks.map((b) => b.firstProducerId)).size, 3);
  });

  it('reports leadership moving off a broker whose session ended, and deletes topics', async () => {
    const before = stores[2]!.topic('orders')!;
    const ledBy2 = before.partitions.filter((p) => p.leader === 2).map((p) => p.partition);
    assert.ok(ledBy2.length > 0);
    await stores[1]!.close();
    sessions[1]!.close();
    await pollUntil('new leaders for broker 2’s partitions', () => stores[2]!.topic('orders')!, (t) => ledBy2.every((p) => t.partitions[p]!.leader !== 2 && t.partitions[p]!.leader >= 0));
    // The controller writes each partition's new state on its own, and broker 3 sees each write
    // through its own watch: the ISRs of partitions broker 2 only followed may arrive a moment later.
    await pollUntil('broker 2 out of every ISR', () => stores[2]!.topic('orders')!, (t) => t.partitions.every((p) => !p.isr.includes(2)));
    assert.ok(events.some((e) => e.kind === 'partitionStatesChanged'));
    assert.deepEqual(stores[2]!.brokers().map((b) => b.nodeId), [1, 3]);

    const deleted = await stores[0]!.deleteTopic('orders');
    assert.ok(deleted.ok, deleted.ok ? '' : deleted.message);
    await pollUntil('topic gone at broker 3', () => stores[2]!.topic('orders'), (t) => t === undefined);
    assert.ok(events.some((e) => e.kind === 'topicDeleted' && e.topic.name === 'orders'));
  });
});
