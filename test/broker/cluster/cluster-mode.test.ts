import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startBroker } from '../../../src/broker/broker.js';
import { META_PROPERTIES_FILE } from '../../../src/broker/storage/log-manager.js';
import { ApiKey } from '../../../src/protocol/generated/api-table.js';
import { ErrorCode } from '../../../src/protocol/generated/error-codes.js';
import { pollUntil } from '../../../src/testkit/poll-until.js';
import { SamsaCluster } from '../../../src/testkit/samsa-cluster.js';
import { ZooKeeperCluster } from '../../../src/testkit/zookeeper-server.js';
import { batch, fetchFrom, metadataOf, produce } from '../handlers/handler-test-helpers.js';
import { produceAtLeader } from './cluster-test-helpers.js';

const available = ZooKeeperCluster.available();
const skip = available.ok || process.env.CI === 'true' ? false : `ZooKeeper is not installed: ${available.ok ? '' : available.message}`;

async function createTopic(cluster: SamsaCluster, via: number, name: string, numPartitions: number, replicationFactor: number): Promise<void> {
  const client = await cluster.client(via);
  try {
    const res = await client.send(ApiKey.CreateTopics, 7, {
      topics: [{ name, numPartitions, replicationFactor, assignments: [], configs: [] }],
      timeoutMs: 10_000,
      validateOnly: false,
    });
    assert.equal(res.topics[0]!.errorCode, ErrorCode.NONE, res.topics[0]!.errorMessage ?? '');
  } finally {
    client.close();
  }
}

describe('cluster mode: brokers with zookeeper.connect form one cluster through a real ZooKeeper', { skip }, () => {
  let zookeeper: ZooKeeperCluster;
  let cluster: SamsaCluster;

  before(async () => {
    zookeeper = await ZooKeeperCluster.start();
    cluster = await SamsaCluster.start({ zookeeper, brokers: 3, properties: { 'offsets.topic.replication.factor': '1', 'offsets.topic.num.partitions': '6' } });
  });

  after(async () => {
    await cluster?.close();
    await zookeeper?.close();
  });

  it('every broker answers Metadata with all three brokers, one cluster id and the same controller', async () => {
    const views = [];
    for (const id of cluster.nodeIds) {
      const client = await cluster.client(id);
      try {
        // Each broker learns the others from ZooKeeper in its own time.
        views.push(await pollUntil(`broker ${id} sees three brokers and a controller`, () => metadataOf(client, null), (m) => m.brokers.length === 3 && (m.controllerId ?? -1) >= 0));
      } finally {
        client.close();
      }
    }
    for (const v of views) {
      assert.deepEqual(v.brokers.map((b) => b.nodeId).sort(), [1, 2, 3]);
      assert.deepEqual(
        v.brokers.map((b) => b.port).sort(),
        cluster.nodeIds.map((id) => cluster.portOf(id)).sort(),
        'each broker advertises its own listener',
      );
      assert.equal(v.clusterId, views[0]!.clusterId);
      assert.equal(v.controllerId, views[0]!.controllerId);
    }
    assert.ok([1, 2, 3].includes(views[0]!.controllerId!), `controller ${views[0]!.controllerId}`);
    assert.match(views[0]!.clusterId!, /^[A-Za-z0-9_-]{22}$/);
    for (const id of cluster.nodeIds) assert.equal(cluster.broker(id).clusterId, views[0]!.clusterId, 'the cluster id from /cluster/id is the one in meta.properties');
  });

  it('a topic created through any broker gets replicas on all brokers, leaders spread, and each partition is served by its leader', async () => {
    await createTopic(cluster, 2, 'spread', 6, 1);
    const client = await cluster.client(1);
    let md;
    try {
      md = await pollUntil('leaders for every partition of spread', () => metadataOf(client, ['spread']), (m) => m.topics[0]!.partitions.length === 6 && m.topics[0]!.partitions.every((p) => p.leaderId >= 0));
    } finally {
      client.close();
    }
    const partitions = md.topics[0]!.partitions;
    const leaders = new Set(partitions.map((p) => p.leaderId));
    assert.deepEqual([...leaders].sort(), [1, 2, 3], 'six single-replica partitions over three brokers: every broker leads some');
    for (const p of partitions) {
      assert.deepEqual(p.replicaNodes, [p.leaderId]);
      assert.deepEqual(p.isrNodes, [p.leaderId]);
      const leader = await cluster.client(p.leaderId);
      const other = await cluster.client(p.leaderId === 1 ? 2 : 1);
      try {
        const produced = await produceAtLeader(leader, 'spread', p.partitionIndex, batch([`v${p.partitionIndex}`]));
        assert.equal(produced.errorCode, ErrorCode.NONE, `produce to partition ${p.partitionIndex} at its leader ${p.leaderId}`);
        const fetched = await fetchFrom(leader, 'spread', p.partitionIndex, 0n);
        assert.equal(fetched.errorCode, ErrorCode.NONE);
        assert.ok(fetched.records !== null && Buffer.from(fetched.records).includes(Buffer.from(`v${p.partitionIndex}`)));
        const refused = await produce(other, 'spread', p.partitionIndex, batch(['elsewhere']));
        assert.equal(refused.errorCode, ErrorCode.NOT_LEADER_OR_FOLLOWER, 'a broker that does not lead the partition refuses the write');
      } finally {
        leader.close();
        other.close();
      }
    }
  });

  it('FindCoordinator gives the same coordinator from every broker: the leader of the group’s __consumer_offsets partition', async () => {
    const answers = [];
    for (const id of cluster.nodeIds) {
      const client = await cluster.client(id);
      try {
        const res = await pollUntil('a coordinator for g1', () => client.send(ApiKey.FindCoordinator, 3, { key: 'g1', keyType: 0 }), (r) => r.errorCode === ErrorCode.NONE);
        answers.push(res);
      } finally {
        client.close();
      }
    }
    assert.equal(new Set(answers.map((a) => a.nodeId)).size, 1, JSON.stringify(answers));
    const coordinator = answers[0]!.nodeId ?? -1;
    assert.equal(answers[0]!.port, cluster.portOf(coordinator));
    const client = await cluster.client(1);
    try {
      const md = await metadataOf(client, ['__consumer_offsets']);
      const leaders = md.topics[0]!.partitions.map((p) => p.leaderId);
      assert.ok(leaders.includes(coordinator));
      assert.deepEqual([...new Set(leaders)].sort(), [1, 2, 3], 'the offsets topic is spread too');
    } finally {
      client.close();
    }
  });

  it('when the controller shuts down another broker takes over, and partitions of a stopped broker go offline, then come back', async () => {
    await createTopic(cluster, 1, 'failover', 3, 1);
    const first = await cluster.controllerId(1);
    await cluster.stopBroker(first);
    const survivor = cluster.nodeIds.find((id) => id !== first)!;
    const client = await cluster.client(survivor);
    try {
      const md = await pollUntil(
        'a new controller and the stopped broker gone',
        () => metadataOf(client, ['failover']),
        (m) => m.controllerId !== first && (m.controllerId ?? -1) >= 0 && m.brokers.length === 2,
        { timeoutMs: 20_000 },
      );
      assert.notEqual(md.controllerId, first);
      const offline = await pollUntil(
        'the stopped broker’s partitions offline',
        () => metadataOf(client, ['failover']),
        (m) => m.topics[0]!.partitions.every((p) => (p.replicaNodes.includes(first) ? p.errorCode === ErrorCode.LEADER_NOT_AVAILABLE && p.leaderId === -1 : p.leaderId >= 0)),
      );
      for (const p of offline.topics[0]!.partitions) if (p.replicaNodes.includes(first)) assert.deepEqual(p.offlineReplicas, [first]);
      await cluster.startBroker(first);
      await cluster.waitForBrokers([1, 2, 3], survivor);
      await pollUntil('every partition led again', () => metadataOf(client, ['failover']), (m) => m.topics[0]!.partitions.every((p) => p.leaderId >= 0 && p.errorCode === ErrorCode.NONE), { timeoutMs: 20_000 });
    } finally {
      client.close();
    }
  });
});

describe('cluster mode: joining', { skip }, () => {
  let zookeeper: ZooKeeperCluster;
  const dirs: string[] = [];
  const tempDir = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'samsa-join-'));
    dirs.push(d);
    return d;
  };

  before(async () => {
    zookeeper = await ZooKeeperCluster.start();
  });

  after(async () => {
    await zookeeper?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('creates the chroot, generates a broker id above reserved.broker.max.id and keeps it across restarts', async () => {
    const dir = tempDir();
    const properties = { 'zookeeper.connect': `${zookeeper.connectString}/deep/chroot`, 'reserved.broker.max.id': '500' };
    const broker = await startBroker({ host: '127.0.0.1', port: 0, logDirs: [dir], properties });
    const id = broker.nodeId;
    await broker.close();
    assert.ok(id > 500, `generated id ${id}`);
    assert.match(readFileSync(join(dir, META_PROPERTIES_FILE), 'utf8'), new RegExp(`node.id=${id}\\n`));
    const again = await startBroker({ host: '127.0.0.1', port: 0, logDirs: [dir], properties });
    try {
      assert.equal(again.nodeId, id, 'the id recorded in meta.properties is reused');
    } finally {
      await again.close();
    }
    const other = await startBroker({ host: '127.0.0.1', port: 0, logDirs: [tempDir()], properties });
    try {
      assert.ok(other.nodeId > id, `a second broker gets a new id (${other.nodeId})`);
      assert.equal(other.clusterId, again.clusterId);
    } finally {
      await other.close();
    }
  });

  it('a broker whose log dir belongs to another cluster refuses to start', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, META_PROPERTIES_FILE), 'version=1\ncluster.id=AAAAAAAAAAAAAAAAAAAAAQ\nnode.id=7\n');
    await assert.rejects(
      startBroker({ host: '127.0.0.1', port: 0, logDirs: [dir], nodeId: 7, properties: { 'zookeeper.connect': `${zookeeper.connectString}/other` } }),
      /belongs to cluster AAAAAAAAAAAAAAAAAAAAAQ/,
    );
  });

  it('without a reachable ZooKeeper the broker fails to start after zookeeper.connection.timeout.ms, naming the connect string', async () => {
    await assert.rejects(
      startBroker({ host: '127.0.0.1', port: 0, logDirs: [tempDir()], nodeId: 1, properties: { 'zookeeper.connect': '127.0.0.1:1', 'zookeeper.connection.timeout.ms': '1500' } }),
      /127\.0\.0\.1:1/,
    );
  });
});
