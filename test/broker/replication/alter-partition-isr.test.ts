import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Controller } from '../../../src/broker/controller/controller.js';
import { LocalMetadataStore } from '../../../src/broker/metadata/local-metadata-store.js';
import type { MetadataEvent } from '../../../src/broker/metadata/metadata-store.js';
import { ControllerElection } from '../../../src/broker/metadata/zookeeper/controller-election.js';
import { readPartitionState } from '../../../src/broker/metadata/zookeeper/topic-znodes.js';
import { ZooKeeperClient } from '../../../src/broker/metadata/zookeeper/zookeeper-client.js';
import { ZooKeeperMetadataStore } from '../../../src/broker/metadata/zookeeper/zookeeper-metadata-store.js';
import { silentLogger } from '../../../src/logging/logger.js';
import { ZooKeeperCluster } from '../../../src/testkit/zookeeper-server.js';

const available = ZooKeeperCluster.available();
const skip = available.ok || process.env.CI === 'true' ? false : `ZooKeeper is not installed: ${available.ok ? '' : available.message}`;

describe('MetadataStore.alterPartitionIsr', () => {
  it('LocalMetadataStore: checks both epochs, stores the ISR, bumps the partition epoch and reports the change', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'samsa-alter-isr-'));
    try {
      const store = new LocalMetadataStore({ dir, nodeId: 0, clusterId: 'c', endpoints: [], logger: silentLogger() });
      assert.ok((await store.createTopic({ name: 't', numPartitions: 1, replicationFactor: 1, configs: {} })).ok);
      const events: MetadataEvent[] = [];
      store.subscribe((e) => events.push(e));
      assert.equal((await store.alterPartitionIsr('t', 0, { leaderEpoch: 1, isr: [0], partitionEpoch: 0 })).ok, false);
      const stale = await store.alterPartitionIsr('t', 0, { leaderEpoch: 0, isr: [0], partitionEpoch: 3 });
      assert.deepEqual(stale.ok ? null : stale.error, 'INVALID_UPDATE_VERSION');
      assert.deepEqual(await store.alterPartitionIsr('t', 0, { leaderEpoch: 0, isr: [0], partitionEpoch: 0 }), { ok: true, partitionEpoch: 1 });
      assert.equal(store.topic('t')!.partitions[0]!.partitionEpoch, 1);
      assert.deepEqual(events.map((e) => e.kind), ['partitionStatesChanged']);
      const missing = await store.alterPartitionIsr('nope', 0, { leaderEpoch: 0, isr: [0], partitionEpoch: 0 });
      assert.equal(missing.ok ? null : missing.error, 'UNKNOWN_TOPIC_OR_PARTITION');
      // Reopened, the partition epoch is kept.
      assert.equal(new LocalMetadataStore({ dir, nodeId: 0, clusterId: 'c', endpoints: [], logger: silentLogger() }).topic('t')!.partitions[0]!.partitionEpoch, 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('ZooKeeperMetadataStore over a real ZooKeeper', { skip }, () => {
    let zk: ZooKeeperCluster;
    const sessions: ZooKeeperClient[] = [];
    const stores: ZooKeeperMetadataStore[] = [];
    let controller: Controller;

    before(async () => {
      zk = await ZooKeeperCluster.start({ servers: 1 });
      for (const id of [1, 2]) {
        const session = await ZooKeeperClient.connect({ connectString: zk.connectString, sessionTimeoutMs: 4000 });
        sessions.push(session);
        const store = await ZooKeeperMetadataStore.open({ zk: session, nodeId: id, clusterId: 'c', logger: silentLogger(), propagationTimeoutMs: 5000 });
        await store.register({ nodeId: id, rack: null, endpoints: [{ listenerName: 'PLAINTEXT', host: '127.0.0.1', port: 9000 + id, securityProtocol: 'PLAINTEXT' }] });
        stores.push(store);
      }
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

    it('writes the ISR under the version check, refreshes the cache, and refuses stale epochs and non-leaders', async () => {
      const created = await stores[0]!.createTopic({ name: 't', numPartitions: 1, replicationFactor: 2, assignments: [[2, 1]], configs: {} });
      assert.ok(created.ok);
      const state = created.value.partitions[0]!;
      assert.equal(state.leader, 2);
      const leaderStore = stores[1]!;
      const at = { leaderEpoch: state.leaderEpoch, partitionEpoch: state.partitionEpoch };

      const fenced = await leaderStore.alterPartitionIsr('t', 0, { ...at, leaderEpoch: at.leaderEpoch + 1, isr: [2] });
      assert.equal(fenced.ok ? null : fenced.error, 'FENCED_LEADER_EPOCH');
      const stale = await leaderStore.alterPartitionIsr('t', 0, { ...at, partitionEpoch: at.partitionEpoch - 1, isr: [2] });
      assert.equal(stale.ok ? null : stale.error, 'INVALID_UPDATE_VERSION');
      const notLeader = await stores[0]!.alterPartitionIsr('t', 0, { ...at, isr: [1] });
      assert.equal(notLeader.ok ? null : notLeader.error, 'NOT_LEADER_OR_FOLLOWER');
      const missing = await leaderStore.alterPartitionIsr('missing', 0, { ...at, isr: [2] });
      assert.equal(missing.ok ? null : missing.error, 'UNKNOWN_TOPIC_OR_PARTITION');
      assert.deepEqual((await readPartitionState(sessions[1]!, 't', 0))!.state.isr, [2, 1], 'nothing written');

      const done = await leaderStore.alterPartitionIsr('t', 0, { ...at, isr: [2] });
      assert.deepEqual(done, { ok: true, partitionEpoch: at.partitionEpoch + 1 });
      const node = (await readPartitionState(sessions[1]!, 't', 0))!;
      assert.deepEqual([node.state.isr, node.state.leader, node.state.leaderEpoch, node.zkVersion], [[2], 2, at.leaderEpoch, at.partitionEpoch + 1]);
      assert.deepEqual(leaderStore.topic('t')!.partitions[0]!.isr, [2], 'the cache shows it at once');
      assert.equal(leaderStore.topic('t')!.partitions[0]!.partitionEpoch, at.partitionEpoch + 1);
      // The same request again is now stale.
      const again = await leaderStore.alterPartitionIsr('t', 0, { ...at, isr: [2, 1] });
      assert.equal(again.ok ? null : again.error, 'INVALID_UPDATE_VERSION');
    });
  });
});
