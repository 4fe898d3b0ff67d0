import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiKey } from '../../../src/protocol/generated/api-table.js';
import { ErrorCode } from '../../../src/protocol/generated/error-codes.js';
import { pollUntil } from '../../../src/testkit/poll-until.js';
import { SamsaCluster } from '../../../src/testkit/samsa-cluster.js';
import { ZooKeeperCluster } from '../../../src/testkit/zookeeper-server.js';
import { metadataOf } from '../handlers/handler-test-helpers.js';

const available = ZooKeeperCluster.available();
const skip = available.ok || process.env.CI === 'true' ? false : `ZooKeeper is not installed: ${available.ok ? '' : available.message}`;

describe('cluster mode: requests only the controller serves (ControlledShutdown, ElectLeaders)', { skip }, () => {
  let cluster: SamsaCluster;
  let controller: number;

  before(async () => {
    cluster = await SamsaCluster.start({ brokers: 3, properties: { 'offsets.topic.replication.factor': '1' } });
    controller = await cluster.controllerId(1);
    const client = await cluster.client(1);
    try {
      const res = await client.send(ApiKey.CreateTopics, 7, { topics: [{ name: 'r3', numPartitions: 3, replicationFactor: 3, assignments: [], configs: [] }], timeoutMs: 10_000, validateOnly: false });
      assert.equal(res.topics[0]!.errorCode, ErrorCode.NONE);
      await pollUntil('r3 led', () => metadataOf(client, ['r3']), (m) => m.topics[0]!.partitions.length === 3 && m.topics[0]!.partitions.every((p) => p.leaderId >= 0));
    } finally {
      client.close();
    }
  });

  after(async () => {
    await cluster?.close();
  });

  it('ElectLeaders: NOT_CONTROLLER away from the controller; at the controller, ELECTION_NOT_NEEDED where the preferred replica leads and UNKNOWN_TOPIC_OR_PARTITION for what does not exist', async () => {
    const other = cluster.nodeIds.find((id) => id !== controller)!;
    const elsewhere = await cluster.client(other);
    const at = await cluster.client(controller);
    try {
      const refused = await elsewhere.send(ApiKey.ElectLeaders, 2, { electionType: 0, topicPartitions: [{ topic: 'r3', partitions: [0] }], timeoutMs: 5000 });
      assert.equal(refused.errorCode, ErrorCode.NOT_CONTROLLER);
      const res = await at.send(ApiKey.ElectLeaders, 2, { electionType: 0, topicPartitions: [{ topic: 'r3', partitions: [0, 1, 2, 9] }], timeoutMs: 5000 });
      assert.equal(res.errorCode, ErrorCode.NONE);
      const codes = res.replicaElectionResults[0]!.partitionResult.map((p) => [p.partitionId, p.errorCode]);
      assert.deepEqual(codes, [[0, ErrorCode.ELECTION_NOT_NEEDED], [1, ErrorCode.ELECTION_NOT_NEEDED], [2, ErrorCode.ELECTION_NOT_NEEDED], [9, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]]);
      const unclean = await at.send(ApiKey.ElectLeaders, 2, { electionType: 1, topicPartitions: [{ topic: 'r3', partitions: [1] }], timeoutMs: 5000 });
      assert.equal(unclean.replicaElectionResults[0]!.partitionResult[0]!.errorCode, ErrorCode.ELECTION_NOT_NEEDED, 'a partition with a live leader needs no unclean election');
    } finally {
      elsewhere.close();
      at.close();
    }
  });

  it('ControlledShutdown moves every leadership of the broker to another in-sync replica and takes it out of the ISRs', async () => {
    const leaving = cluster.nodeIds.find((id) => id !== controller)!;
    const elsewhere = await cluster.client(cluster.nodeIds.find((id) => id !== controller && id !== leaving)!);
    const at = await cluster.client(controller);
    try {
      const before = await metadataOf(at, ['r3']);
      assert.ok(before.topics[0]!.partitions.some((p) => p.leaderId === leaving), 'the leaving broker leads a partition of r3');
      const refused = await elsewhere.send(ApiKey.ControlledShutdown, 3, { brokerId: leaving, brokerEpoch: -1n });
      assert.equal(refused.errorCode, ErrorCode.NOT_CONTROLLER);
      const res = await at.send(ApiKey.ControlledShutdown, 3, { brokerId: leaving, brokerEpoch: -1n });
      assert.equal(res.errorCode, ErrorCode.NONE);
      assert.deepEqual(res.remainingPartitions, []);
      const after = await pollUntil('leadership moved', () => metadataOf(elsewhere, ['r3']), (m) => m.topics[0]!.partitions.every((p) => p.leaderId !== leaving && !p.isrNodes.includes(leaving)));
      for (const p of after.topics[0]!.partitions) {
        assert.ok(p.leaderId >= 0);
        assert.equal(p.isrNodes.length, 2);
        const was = before.topics[0]!.partitions[p.partitionIndex]!;
        assert.ok((p.leaderEpoch ?? -1) > (was.leaderEpoch ?? -1), 'every change bumps the leader epoch');
      }
      // While it is shutting down it is not elected: a preferred election for its partitions fails.
      const preferredOfLeaving = before.topics[0]!.partitions.find((p) => p.replicaNodes[0] === leaving)!;
      const election = await at.send(ApiKey.ElectLeaders, 2, { electionType: 0, topicPartitions: [{ topic: 'r3', partitions: [preferredOfLeaving.partitionIndex] }], timeoutMs: 5000 });
      assert.equal(election.replicaElectionResults[0]!.partitionResult[0]!.errorCode, ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE);
      const unknown = await at.send(ApiKey.ControlledShutdown, 3, { brokerId: 42, brokerEpoch: -1n });
      assert.equal(unknown.errorCode, ErrorCode.BROKER_NOT_AVAILABLE);
    } finally {
      elsewhere.close();
      at.close();
    }
  });
});
