import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { after, before, beforeEach, describe, it } from 'node:test';
import { ApiKey } from '../../../src/protocol/generated/api-table.js';
import { ErrorCode } from '../../../src/protocol/generated/error-codes.js';
import { decodeRecordBatches } from '../../../src/protocol/records/index.js';
import type { KafkaTestClient } from '../../../src/testkit/kafka-test-client.js';
import { pollUntil } from '../../../src/testkit/poll-until.js';
import { SamsaCluster } from '../../../src/testkit/samsa-cluster.js';
import { ZooKeeperCluster } from '../../../src/testkit/zookeeper-server.js';
import { batch, fetchFrom, metadataOf, produce } from '../handlers/handler-test-helpers.js';
import { fetchAtLeader, produceAtLeader } from './cluster-test-helpers.js';

const available = ZooKeeperCluster.available();
const skip = available.ok || process.env.CI === 'true' ? false : `ZooKeeper is not installed: ${available.ok ? '' : available.message}`;

/** Runs `fn` with a connection to a running broker other than those in `not`. */
async function withBroker<T>(cluster: SamsaCluster, not: readonly number[], fn: (client: KafkaTestClient, id: number) => Promise<T>): Promise<T> {
  const id = cluster.nodeIds.find((n) => cluster.isRunning(n) && !not.includes(n));
  if (id === undefined) throw new Error('no running broker');
  const client = await cluster.client(id);
  try {
    return await fn(client, id);
  } finally {
    client.close();
  }
}

async function partitionView(cluster: SamsaCluster, topic: string, partition = 0) {
  return withBroker(cluster, [], async (c) => (await metadataOf(c, [topic])).topics[0]!.partitions[partition]!);
}

async function createTopic(cluster: SamsaCluster, name: string, partitions: number, rf: number, configs: Record<string, string> = {}): Promise<void> {
  await withBroker(cluster, [], async (c) => {
    const res = await c.send(ApiKey.CreateTopics, 7, { topics: [{ name, numPartitions: partitions, replicationFactor: rf, assignments: [], configs: Object.entries(configs).map(([k, v]) => ({ name: k, value: v })) }], timeoutMs: 10_000, validateOnly: false });
    assert.equal(res.topics[0]!.errorCode, ErrorCode.NONE, res.topics[0]!.errorMessage ?? '');
  });
  await pollUntil(`${name} with full ISRs`, () => withBroker(cluster, [], async (c) => (await metadataOf(c, [name])).topics[0]!), (t) => t.partitions.length === partitions && t.partitions.every((p) => p.leaderId >= 0 && p.isrNodes.length === rf), { timeoutMs: 20_000 });
}

function values(records: Uint8Array | null): string[] {
  return records === null ? [] : decodeRecordBatches(records).flatMap((b) => b.records).map((r) => Buffer.from(r.value ?? []).toString());
}

describe('cluster mode with replication: three brokers, replication factor 3', { skip }, () => {
  let cluster: SamsaCluster;

  before(async () => {
    cluster = await SamsaCluster.start({ brokers: 3, properties: { 'replica.lag.time.max.ms': '5000' } });
  });

  after(async () => {
    await cluster?.close();
  });

  // Each test stops brokers and starts them again at its end; one that failed half-way must not
  // leave the next with fewer brokers than its replication factor.
  beforeEach(async () => {
    for (const id of cluster.nodeIds) await cluster.startBroker(id);
    await cluster.waitForBrokers(cluster.nodeIds);
  });

  it('acks=all records are on every replica: after the leader stops, the new leader serves all of them', async () => {
    await createTopic(cluster, 'replicated', 1, 3);
    const leader = (await partitionView(cluster, 'replicated')).leaderId;
    const client = await cluster.client(leader);
    try {
      for (let i = 0; i < 5; i++) assert.equal((await produceAtLeader(client, 'replicated', 0, batch([`a${i}`, `b${i}`]))).errorCode, ErrorCode.NONE);
    } finally {
      client.close();
    }
    await cluster.stopBroker(leader);
    const next = await pollUntil('a new leader', () => partitionView(cluster, 'replicated'), (p) => p.leaderId >= 0 && p.leaderId !== leader, { timeoutMs: 20_000 });
    // The new leader may learn of its election after the broker that named it, and its high
    // watermark moves up to the acknowledged end once the remaining follower fetches again.
    const c = await cluster.client(next.leaderId);
    let served: Awaited<ReturnType<typeof fetchFrom>>;
    try {
      served = await fetchAtLeader(c, 'replicated', 0, 0n, (r) => r.errorCode !== ErrorCode.NONE || r.highWatermark >= 10n);
    } finally {
      c.close();
    }
    assert.equal(served.errorCode, ErrorCode.NONE);
    assert.deepEqual(values(served.records), [0, 1, 2, 3, 4].flatMap((i) => [`a${i}`, `b${i}`]));
    assert.equal(served.highWatermark, 10n);
    await cluster.startBroker(leader);
    await pollUntil('the old leader back in the ISR', () => partitionView(cluster, 'replicated'), (p) => p.isrNodes.length === 3, { timeoutMs: 30_000 });
  });

  it('with min.insync.replicas=2 and two brokers down, acks=all fails with NOT_ENOUGH_REPLICAS and nothing is written', async () => {
    await createTopic(cluster, 'strict', 1, 3, { 'min.insync.replicas': '2' });
    const leader = (await partitionView(cluster, 'strict')).leaderId;
    const others = cluster.nodeIds.filter((id) => id !== leader);
    for (const id of others) await cluster.stopBroker(id);
    await pollUntil('ISR down to the leader', () => partitionView(cluster, 'strict'), (p) => p.isrNodes.length === 1, { timeoutMs: 30_000 });
    const client = await cluster.client(leader);
    try {
      const refused = await produce(client, 'strict', 0, batch(['x']));
      assert.equal(refused.errorCode, ErrorCode.NOT_ENOUGH_REPLICAS);
      const after = await fetchFrom(client, 'strict', 0, 0n);
      assert.equal(after.highWatermark, 0n, 'nothing was appended');
      const ok = await client.send(ApiKey.Produce, 9, { transactionalId: null, acks: 1, timeoutMs: 5000, topicData: [{ name: 'strict', partitionData: [{ index: 0, records: batch(['acks1']) }] }] });
      assert.equal(ok.responses[0]!.partitionResponses[0]!.errorCode, ErrorCode.NONE, 'acks=1 does not need the ISR');
    } finally {
      client.close();
    }
    for (const id of others) await cluster.startBroker(id);
    await pollUntil('ISR back to 3', () => partitionView(cluster, 'strict'), (p) => p.isrNodes.length === 3, { timeoutMs: 30_000 });
  });

  it('a consumer group keeps its committed offsets across a failover of its coordinator', async () => {
    await createTopic(cluster, 'orders', 2, 3);
    const group = 'durable-group';
    const coordinator = await pollUntil('a coordinator', () => withBroker(cluster, [], (c) => c.send(ApiKey.FindCoordinator, 3, { key: group, keyType: 0 })), (r) => r.errorCode === ErrorCode.NONE, { timeoutMs: 20_000 });
    const first = coordinator.nodeId!;
    const at = await cluster.client(first);
    try {
      // The coordinator's own view may lag the broker that named it (NOT_COORDINATOR, or still
      // loading): retried, as clients do; a refused commit changes nothing.
      const res = await pollUntil(
        'the commit accepted',
        () => at.send(ApiKey.OffsetCommit, 8, {
          groupId: group, generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1n,
          topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: 42n, committedLeaderEpoch: -1, commitTimestamp: -1n, committedMetadata: 'm0' }, { partitionIndex: 1, committedOffset: 7n, committedLeaderEpoch: -1, commitTimestamp: -1n, committedMetadata: null }] }],
        }),
        (r) => !r.topics[0]!.partitions.some((p) => p.errorCode === ErrorCode.NOT_COORDINATOR || p.errorCode === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS),
      );
      assert.deepEqual(res.topics[0]!.partitions.map((p) => p.errorCode), [ErrorCode.NONE, ErrorCode.NONE]);
    } finally {
      at.close();
    }
    await cluster.stopBroker(first);
    const moved = await pollUntil('a new coordinator', () => withBroker(cluster, [first], (c) => c.send(ApiKey.FindCoordinator, 3, { key: group, keyType: 0 })), (r) => r.errorCode === ErrorCode.NONE && r.nodeId !== first, { timeoutMs: 30_000 });
    const c = await cluster.client(moved.nodeId!);
    try {
      const fetched = await pollUntil(
        'the offsets from the new coordinator',
        () => c.send(ApiKey.OffsetFetch, 7, { groupId: group, topics: [{ name: 'orders', partitionIndexes: [0, 1] }], requireStable: true }),
        (r) => r.errorCode === ErrorCode.NONE,
      );
      assert.deepEqual(fetched.topics![0]!.partitions.map((p) => [p.partitionIndex, p.committedOffset, p.metadata]), [[0, 42n, 'm0'], [1, 7n, '']]);
    } finally {
      c.close();
    }
    await cluster.startBroker(first);
  });
});

describe('cluster mode: a clean shutdown is a controlled shutdown', { skip }, () => {
  let cluster: SamsaCluster;
  const lines = new Map<number, string[]>();

  before(async () => {
    cluster = await SamsaCluster.start({
      brokers: 3,
      logger: (nodeId) => {
        const sink: string[] = [];
        lines.set(nodeId, sink);
        return pino({ level: 'info' }, new Writable({ write(chunk: Buffer, _enc, done) { sink.push(chunk.toString()); done(); } }));
      },
    });
  });

  after(async () => {
    await cluster?.close();
  });

  it('moves the leadership away through the controller before the broker stops serving', async () => {
    await createTopic(cluster, 'handover', 3, 3);
    const view = await withBroker(cluster, [], async (c) => (await metadataOf(c, ['handover'])).topics[0]!);
    const leader = view.partitions[0]!.leaderId;
    const controller = await cluster.controllerId(leader);
    await cluster.stopBroker(leader);
    assert.ok(lines.get(leader)!.some((l) => l.includes('controlled shutdown succeeded')), lines.get(leader)!.join('').slice(-2000));
    if (controller !== leader) assert.ok(lines.get(controller)!.some((l) => l.includes('controlled shutdown of a broker')), 'the controller served the ControlledShutdown request');
    const after = await pollUntil('the new leaders', () => withBroker(cluster, [leader], async (c) => (await metadataOf(c, ['handover'])).topics[0]!), (t) => t.partitions.every((p) => p.leaderId !== leader));
    for (const p of after.partitions) {
      assert.notEqual(p.leaderId, leader, `partition ${p.partitionIndex} moved`);
      assert.ok(!p.isrNodes.includes(leader));
    }
  });
});

describe('cluster mode: preferred leaders (ElectLeaders, auto.leader.rebalance.enable)', { skip }, () => {
  let cluster: SamsaCluster;

  before(async () => {
    cluster = await SamsaCluster.start({ brokers: 3, properties: { 'leader.imbalance.check.interval.seconds': '1', 'replica.lag.time.max.ms': '5000' } });
  });

  after(async () => {
    await cluster?.close();
  });

  it('after a broker returns and catches up, the controller gives its preferred partitions back', async () => {
    await createTopic(cluster, 'preferred', 3, 3);
    const before = await withBroker(cluster, [], async (c) => (await metadataOf(c, ['preferred'])).topics[0]!);
    for (const p of before.partitions) assert.equal(p.leaderId, p.replicaNodes[0], 'new partitions are led by their preferred replica');
    const victim = before.partitions[0]!.leaderId;
    await cluster.stopBroker(victim);
    await pollUntil('leadership moved off the stopped broker', () => withBroker(cluster, [victim], async (c) => (await metadataOf(c, ['preferred'])).topics[0]!), (t) => t.partitions.every((p) => p.leaderId !== victim && p.leaderId >= 0));
    await cluster.startBroker(victim);
    const back = await pollUntil(
      'the preferred leader leading again (auto rebalance)',
      () => withBroker(cluster, [], async (c) => (await metadataOf(c, ['preferred'])).topics[0]!),
      (t) => t.partitions.every((p) => p.leaderId === p.replicaNodes[0] && p.isrNodes.length === 3),
      { timeoutMs: 30_000 },
    );
    assert.equal(back.partitions[0]!.leaderId, victim);
  });
});

describe('cluster mode: ElectLeaders moves leadership to the preferred replica', { skip }, () => {
  let cluster: SamsaCluster;

  before(async () => {
    cluster = await SamsaCluster.start({ brokers: 3, properties: { 'auto.leader.rebalance.enable': 'false', 'replica.lag.time.max.ms': '5000' } });
  });

  after(async () => {
    await cluster?.close();
  });

  it('a preferred election at the controller succeeds once the preferred replica is back in the ISR', async () => {
    await createTopic(cluster, 'elect', 1, 3);
    const preferred = (await partitionView(cluster, 'elect')).replicaNodes[0]!;
    await cluster.stopBroker(preferred);
    await pollUntil('another leader', () => partitionView(cluster, 'elect'), (p) => p.leaderId >= 0 && p.leaderId !== preferred);
    await cluster.startBroker(preferred);
    await pollUntil('the preferred replica in sync again', () => partitionView(cluster, 'elect'), (p) => p.isrNodes.length === 3, { timeoutMs: 30_000 });
    assert.notEqual((await partitionView(cluster, 'elect')).leaderId, preferred, 'without auto rebalance the leader stays where it is');
    const controller = await cluster.controllerId(cluster.nodeIds.find((id) => id !== preferred)!);
    const c = await cluster.client(controller);
    try {
      const res = await c.send(ApiKey.ElectLeaders, 2, { electionType: 0, topicPartitions: [{ topic: 'elect', partitions: [0] }], timeoutMs: 10_000 });
      assert.equal(res.replicaElectionResults[0]!.partitionResult[0]!.errorCode, ErrorCode.NONE);
    } finally {
      c.close();
    }
    await pollUntil('the preferred replica leading', () => partitionView(cluster, 'elect'), (p) => p.leaderId === preferred);
  });
});

describe('cluster mode: topic deletion and partition increase across brokers', { skip }, () => {
  let cluster: SamsaCluster;

  before(async () => {
    cluster = await SamsaCluster.start({ brokers: 3 });
  });

  after(async () => {
    await cluster?.close();
  });

  it('CreatePartitions adds replicated partitions; DeleteTopics removes the topic’s data from every broker', async () => {
    await createTopic(cluster, 'grows', 2, 2);
    await withBroker(cluster, [], async (c) => {
      const res = await c.send(ApiKey.CreatePartitions, 3, { topics: [{ name: 'grows', count: 4, assignments: null }], timeoutMs: 10_000, validateOnly: false });
      assert.equal(res.results[0]!.errorCode, ErrorCode.NONE, res.results[0]!.errorMessage ?? '');
    });
    const grown = await pollUntil('four partitions with full ISRs', () => withBroker(cluster, [], async (c) => (await metadataOf(c, ['grows'])).topics[0]!), (t) => t.partitions.length === 4 && t.partitions.every((p) => p.leaderId >= 0 && p.isrNodes.length === 2));
    const dirs = grown.partitions.flatMap((p) => p.replicaNodes.map((b) => join(cluster.logDirOf(b), `grows-${p.partitionIndex}`)));
    assert.equal(dirs.length, 8);
    await pollUntil('every replica’s log directory exists', () => dirs.every((d) => existsSync(d)));
    await withBroker(cluster, [], async (c) => {
      const res = await c.send(ApiKey.DeleteTopics, 6, { topics: [{ name: 'grows', topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }], timeoutMs: 10_000 });
      assert.equal(res.responses[0]!.errorCode, ErrorCode.NONE);
    });
    await pollUntil('the topic gone from every broker', () => Promise.all(cluster.nodeIds.map(async (id) => { const c = await cluster.client(id); try { return (await metadataOf(c, ['grows'])).topics[0]!.errorCode; } finally { c.close(); } })), (codes) => codes.every((e) => e === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION));
    await pollUntil('every replica’s log directory removed', () => dirs.every((d) => !existsSync(d)), undefined, { timeoutMs: 20_000 });
  });
});
