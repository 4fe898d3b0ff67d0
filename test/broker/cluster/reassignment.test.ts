import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ApiKey } from '../../../src/protocol/generated/api-table.js';
import { ErrorCode } from '../../../src/protocol/generated/error-codes.js';
import { decodeRecordBatches } from '../../../src/protocol/records/index.js';
import { pollUntil } from '../../../src/testkit/poll-until.js';
import { SamsaCluster } from '../../../src/testkit/samsa-cluster.js';
import { ZooKeeperCluster } from '../../../src/testkit/zookeeper-server.js';
import { batch, fetchFrom, metadataOf, produce } from '../handlers/handler-test-helpers.js';
import { produceAtLeader } from './cluster-test-helpers.js';

const available = ZooKeeperCluster.available();
const skip = available.ok || process.env.CI === 'true' ? false : `ZooKeeper is not installed: ${available.ok ? '' : available.message}`;

describe('cluster mode: partition reassignment (AlterPartitionReassignments, ListPartitionReassignments)', { skip }, () => {
  let cluster: SamsaCluster;
  let controller: number;

  before(async () => {
    cluster = await SamsaCluster.start({ brokers: 3, properties: { 'offsets.topic.replication.factor': '1' } });
    controller = await cluster.controllerId(1);
  });

  after(async () => {
    await cluster?.close();
  });

  it('moves a partition to another broker with its data, then removes the old replica', async () => {
    const admin = await cluster.client(controller);
    try {
      const created = await admin.send(ApiKey.CreateTopics, 7, { topics: [{ name: 'moving', numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [1] }], configs: [] }], timeoutMs: 10_000, validateOnly: false });
      assert.equal(created.topics[0]!.errorCode, ErrorCode.NONE, created.topics[0]!.errorMessage ?? '');
      await pollUntil('moving led by 1', () => metadataOf(admin, ['moving']), (m) => m.topics[0]!.partitions[0]?.leaderId === 1);
      const leader = await cluster.client(1);
      try {
        for (let i = 0; i < 3; i++) assert.equal((await produceAtLeader(leader, 'moving', 0, batch([`m${i}`]))).errorCode, ErrorCode.NONE);
      } finally {
        leader.close();
      }
      const res = await admin.send(ApiKey.AlterPartitionReassignments, 0, { timeoutMs: 10_000, topics: [{ name: 'moving', partitions: [{ partitionIndex: 0, replicas: [2] }] }] });
      assert.equal(res.errorCode, ErrorCode.NONE);
      assert.equal(res.responses[0]!.partitions[0]!.errorCode, ErrorCode.NONE, res.responses[0]!.partitions[0]!.errorMessage ?? '');
      const moved = await pollUntil('the move completed', () => metadataOf(admin, ['moving']), (m) => m.topics[0]!.partitions[0]!.leaderId === 2 && m.topics[0]!.partitions[0]!.replicaNodes.join() === '2', { timeoutMs: 30_000 });
      assert.deepEqual(moved.topics[0]!.partitions[0]!.isrNodes, [2]);
      const listed = await admin.send(ApiKey.ListPartitionReassignments, 0, { timeoutMs: 5000, topics: null });
      assert.deepEqual(listed.topics, [], 'nothing in progress once done');
      const at2 = await cluster.client(2);
      try {
        // Broker 2's own cache follows ZooKeeper on its own and may still say NOT_LEADER_OR_FOLLOWER for a moment (clients retry it).
        const fetched = await pollUntil('broker 2 serving the moved partition', () => fetchFrom(at2, 'moving', 0, 0n), (f) => f.errorCode !== ErrorCode.NOT_LEADER_OR_FOLLOWER);
        assert.equal(fetched.errorCode, ErrorCode.NONE);
        assert.deepEqual(decodeRecordBatches(fetched.records!).flatMap((b) => b.records).map((r) => Buffer.from(r.value!).toString()), ['m0', 'm1', 'm2']);
      } finally {
        at2.close();
      }
      await pollUntil('broker 1 dropped its replica', () => !existsSync(join(cluster.logDirOf(1), 'moving-0')));
    } finally {
      admin.close();
    }
  });

  it('refuses bad target replica lists, unknown partitions, a cancel with nothing in progress, and requests away from the controller', async () => {
    const admin = await cluster.client(controller);
    const other = await cluster.client(cluster.nodeIds.find((id) => id !== controller)!);
    try {
      const res = await admin.send(ApiKey.AlterPartitionReassignments, 0, {
        timeoutMs: 10_000,
        topics: [
          { name: 'moving', partitions: [{ partitionIndex: 0, replicas: [2, 2] }, { partitionIndex: 1, replicas: [1] }] },
          { name: 'moving', partitions: [] },
        ],
      });
      const codes = res.responses[0]!.partitions.map((p) => p.errorCode);
      assert.deepEqual(codes, [ErrorCode.INVALID_REPLICA_ASSIGNMENT, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]);
      const unknownBroker = await admin.send(ApiKey.AlterPartitionReassignments, 0, { timeoutMs: 10_000, topics: [{ name: 'moving', partitions: [{ partitionIndex: 0, replicas: [9] }] }] });
      assert.equal(unknownBroker.responses[0]!.partitions[0]!.errorCode, ErrorCode.INVALID_REPLICA_ASSIGNMENT);
      const cancel = await admin.send(ApiKey.AlterPartitionReassignments, 0, { timeoutMs: 10_000, topics: [{ name: 'moving', partitions: [{ partitionIndex: 0, replicas: null }] }] });
      assert.equal(cancel.responses[0]!.partitions[0]!.errorCode, ErrorCode.NO_REASSIGNMENT_IN_PROGRESS);
      const missing = await admin.send(ApiKey.AlterPartitionReassignments, 0, { timeoutMs: 10_000, topics: [{ name: 'no-such-topic', partitions: [{ partitionIndex: 0, replicas: [1] }] }] });
      assert.equal(missing.responses[0]!.partitions[0]!.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      const away = await other.send(ApiKey.AlterPartitionReassignments, 0, { timeoutMs: 10_000, topics: [{ name: 'moving', partitions: [{ partitionIndex: 0, replicas: [3] }] }] });
      assert.equal(away.errorCode, ErrorCode.NOT_CONTROLLER);
      const list = await other.send(ApiKey.ListPartitionReassignments, 0, { timeoutMs: 5000, topics: null });
      assert.equal(list.errorCode, ErrorCode.NOT_CONTROLLER);
    } finally {
      admin.close();
      other.close();
    }
  });
});
