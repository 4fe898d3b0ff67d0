import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Controller } from '../../../src/broker/controller/controller.js';
import { ControllerElection } from '../../../src/broker/metadata/zookeeper/controller-election.js';
import { readPartitionState } from '../../../src/broker/metadata/zookeeper/topic-znodes.js';
import { ZooKeeperClient } from '../../../src/broker/metadata/zookeeper/zookeeper-client.js';
import type { Partition } from '../../../src/broker/replication/partition.js';
import { silentLogger } from '../../../src/logging/logger.js';
import { ApiKey } from '../../../src/protocol/generated/api-table.js';
import { ErrorCode } from '../../../src/protocol/generated/error-codes.js';
import { buildRecordBatch, decodeRecordBatches } from '../../../src/protocol/records/index.js';
import { KafkaTestClient } from '../../../src/testkit/kafka-test-client.js';
import { pollUntil } from '../../../src/testkit/poll-until.js';
import { ZooKeeperCluster } from '../../../src/testkit/zookeeper-server.js';
import { startBrokerCore } from './broker-core.js';
import type { BrokerCore } from './broker-core.js';

const available = ZooKeeperCluster.available();
const skip = available.ok || process.env.CI === 'true' ? false : `ZooKeeper is not installed: ${available.ok ? '' : available.message}`;

function batch(values: string[], idempotent?: { producerId: bigint; baseSequence: number }): Uint8Array {
  return buildRecordBatch(
    values.map((v) => ({ key: null, value: Buffer.from(v), headers: [], timestamp: BigInt(Date.now()) })),
    idempotent === undefined ? { producerId: -1n, producerEpoch: -1, baseSequence: -1 } : { producerId: idempotent.producerId, producerEpoch: 0, baseSequence: idempotent.baseSequence },
  );
}

async function produce(client: KafkaTestClient, topic: string, records: Uint8Array, acks: number, timeoutMs = 10_000) {
  const res = await client.send(ApiKey.Produce, 9, { transactionalId: null, acks, timeoutMs, topicData: [{ name: topic, partitionData: [{ index: 0, records }] }] });
  return res.responses[0]!.partitionResponses[0]!;
}

async function consumerFetch(client: KafkaTestClient, topic: string, offset: bigint) {
  const res = await client.send(ApiKey.Fetch, 12, {
    replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
    topics: [{ topic, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: offset, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }],
    forgottenTopicsData: [], rackId: '',
  });
  return res.responses[0]!.partitions[0]!;
}

/** Every stored byte of a partition's log, from `from` (default its log start) to its end. */
function logBytes(p: Partition, from = p.log.logStartOffset): Buffer {
  const r = p.log.read(from, 1 << 30, p.log.logEndOffset, true);
  assert.ok(r.ok);
  return Buffer.from(r.records);
}

function values(bytes: Uint8Array): string[] {
  return decodeRecordBatches(bytes).flatMap((b) => b.records.map((r) => Buffer.from(r.value!).toString()));
}

describe('replication between broker cores over a real ZooKeeper', { skip }, () => {
  let zk: ZooKeeperCluster;
  let admin: ZooKeeperClient;
  let controllerSession: ZooKeeperClient;
  let controller: Controller;
  const dirs = new Map<number, string>();
  const cores = new Map<number, BrokerCore>();
  const clients = new Map<number, KafkaTestClient>();

  const core = (id: number): BrokerCore => cores.get(id)!;
  const client = async (id: number): Promise<KafkaTestClient> => {
    let c = clients.get(id);
    if (c === undefined) {
      c = await KafkaTestClient.connect('127.0.0.1', core(id).port);
      clients.set(id, c);
    }
    return c;
  };
  const start = async (id: number): Promise<BrokerCore> => {
    if (!dirs.has(id)) dirs.set(id, mkdtempSync(join(tmpdir(), `samsa-replication-${id}-`)));
    const c = await startBrokerCore({ nodeId: id, dir: dirs.get(id)!, zookeeperConnect: zk.connectString });
    cores.set(id, c);
    return c;
  };
  const stop = async (id: number): Promise<void> => {
    clients.get(id)?.close();
    clients.delete(id);
    await cores.get(id)?.close();
    cores.delete(id);
  };
  const zkIsr = async (topic: string) => (await readPartitionState(admin, topic, 0))?.state.isr ?? null;
  const createTopic = async (name: string, replicas: number[], configs: Record<string, string> = {}) => {
    const created = await core(replicas[0]!).metadata.createTopic({ name, numPartitions: 1, replicationFactor: replicas.length, assignments: [replicas], configs });
    assert.ok(created.ok, created.ok ? '' : created.message);
    // Every replica hosts it, the leader leads, and each follower's fetcher has it.
    await pollUntil(`${name} hosted`, () => replicas.every((id) => core(id).replicaManager.getPartition(name, 0)?.leader === replicas[0]), (v) => v);
    for (const id of replicas.slice(1)) {
      const f = core(id).fetchers;
      if (f !== null) assert.ok(f.fetcherOf(core(id).partition(name)) !== undefined, `broker ${id} fetches ${name}`);
    }
  };

  before(async () => {
    zk = await ZooKeeperCluster.start({ servers: 1 });
    admin = await ZooKeeperClient.connect({ connectString: zk.connectString, sessionTimeoutMs: 4000 });
    controllerSession = await ZooKeeperClient.connect({ connectString: zk.connectString, sessionTimeoutMs: 4000 });
    const election = new ControllerElection(controllerSession, 100);
    await election.start();
    controller = new Controller({ zk: controllerSession, lease: election.currentLease!, logger: silentLogger() });
    await controller.start();
    await start(1);
    await start(2);
  });

  after(async () => {
    for (const id of [...cores.keys()]) await stop(id);
    controller?.stop();
    controllerSession?.close();
    admin?.close();
    await zk?.close();
    for (const d of dirs.values()) rmSync(d, { recursive: true, force: true });
  });

  it('a follower stores the leader’s batches byte for byte with their producer state, and the high watermark follows its fetches', { timeout: 60_000 }, async () => {
    await createTopic('copy', [1, 2]);
    const leader = core(1).partition('copy');
    const follower = core(2).partition('copy');
    const c1 = await client(1);
    assert.equal((await produce(c1, 'copy', batch(['a', 'b']), 1)).errorCode, ErrorCode.NONE);
    assert.equal((await produce(c1, 'copy', batch(['c'], { producerId: 42n, baseSequence: 0 }), 1)).errorCode, ErrorCode.NONE);
    assert.equal((await produce(c1, 'copy', batch(['d', 'e', 'f']), 1)).errorCode, ErrorCode.NONE);
    await pollUntil('follower caught up', () => [follower.log.logEndOffset, leader.highWatermark, follower.highWatermark], (v) => v.every((x) => x === 6));
    assert.ok(logBytes(follower).equals(logBytes(leader)), 'the same bytes');
    assert.deepEqual(values(logBytes(follower)), ['a', 'b', 'c', 'd', 'e', 'f']);
    assert.equal(follower.log.activeProducers().get(42n)?.batches.at(-1)?.lastSeq, 0, 'the producer state follows the replicated log');
    assert.equal(follower.log.latestEpoch, 0);
    assert.equal(leader.followerState(2)?.logEndOffset, 6);
    assert.deepEqual(core(2).fetchers!.fetcherKeys(), ['1:0'], 'one fetcher, for leader 1');

    // Consumers read from the leader; the follower and a broker without a replica refuse.
    const c2 = await client(2);
    assert.equal((await consumerFetch(c2, 'copy', 0n)).errorCode, ErrorCode.NOT_LEADER_OR_FOLLOWER);
    assert.equal((await produce(c2, 'copy', batch(['x']), 1)).errorCode, ErrorCode.NOT_LEADER_OR_FOLLOWER);
    await createTopic('solo', [1]);
    assert.equal((await produce(c2, 'solo', batch(['x']), 1)).errorCode, ErrorCode.NOT_LEADER_OR_FOLLOWER);
    assert.equal((await consumerFetch(c2, 'solo', 0n)).errorCode, ErrorCode.NOT_LEADER_OR_FOLLOWER);
    assert.equal((await produce(c2, 'nowhere', batch(['x']), 1)).errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    const fetched = await consumerFetch(c1, 'copy', 0n);
    assert.equal(fetched.highWatermark, 6n);
    assert.deepEqual(values(fetched.records!), ['a', 'b', 'c', 'd', 'e', 'f']);
  });

  it('acks=all answers once the follower has the batch, and times out while the follower does not fetch', { timeout: 60_000 }, async () => {
    await createTopic('acks', [1, 2]);
    const c1 = await client(1);
    const follower = core(2).partition('acks');
    const first = await produce(c1, 'acks', batch(['one', 'two']), -1);
    assert.equal(first.errorCode, ErrorCode.NONE);
    assert.ok(follower.log.logEndOffset >= 2, 'answered only once the follower had the batch');

    await core(2).stopFetchers();
    const timedOut = await produce(c1, 'acks', batch(['three']), -1, 300);
    assert.equal(timedOut.errorCode, ErrorCode.REQUEST_TIMED_OUT);
    assert.equal(core(1).partition('acks').log.logEndOffset, 3, 'appended on the leader');
    assert.equal(core(1).partition('acks').highWatermark, 2, 'but not committed');

    // A replica's fetch (Fetch v11: replica id in the request) reads past the high watermark; a consumer's does not.
    const fetchAs = async (replicaId: number) => {
      const res = await c1.send(ApiKey.Fetch, 11, {
        replicaId, maxWaitMs: 0, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
        topics: [{ topic: 'acks', partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 2n, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }],
        forgottenTopicsData: [], rackId: '',
      });
      return res.responses[0]!.partitions[0]!;
    };
    assert.deepEqual(values((await fetchAs(-1)).records!), []);
    const asReplica = await fetchAs(2);
    assert.deepEqual(values(asReplica.records!), ['three']);
    assert.equal(asReplica.highWatermark, 2n);

    core(2).startFetchers();
    const later = await produce(c1, 'acks', batch(['four']), -1);
    assert.equal(later.errorCode, ErrorCode.NONE);
    assert.equal(later.baseOffset, 3n);
    assert.ok(follower.log.logEndOffset >= 4);
  });

  it('the ISR shrinks after replica.lag.time.max.ms and expands once the follower catches up (in ZooKeeper), with min.insync.replicas enforced', { timeout: 60_000 }, async () => {
    await createTopic('isr', [1, 2], { 'min.insync.replicas': '2' });
    const c1 = await client(1);
    const leader = core(1).partition('isr');
    assert.equal((await produce(c1, 'isr', batch(['in-sync']), -1)).errorCode, ErrorCode.NONE);
    assert.deepEqual(await zkIsr('isr'), [1, 2]);

    await core(2).stopFetchers();
    assert.equal((await produce(c1, 'isr', batch(['ahead']), 1)).errorCode, ErrorCode.NONE);
    const waiting = produce(c1, 'isr', batch(['waiting']), -1, 30_000);
    await pollUntil('the acks=all batch appended', () => leader.log.logEndOffset, (n) => n === 3);
    // Within the lag time nothing changes; past it the follower leaves the ISR.
    core(1).clock.advance(core(1).config.replicaLagTimeMaxMs - 1000);
    core(1).replicaManager.maybeShrinkIsr();
    assert.deepEqual(leader.isr, [1, 2]);
    core(1).clock.advance(2000);
    core(1).replicaManager.maybeShrinkIsr();
    // The waiting produce's batch is now committed by an ISR below min.insync.replicas.
    assert.equal((await waiting).errorCode, ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND);
    assert.deepEqual(await zkIsr('isr'), [1]);
    const node = await readPartitionState(admin, 'isr', 0);
    assert.equal(leader.partitionEpoch, node!.zkVersion);
    await pollUntil('the leader’s metadata shows the ISR', () => core(1).metadata.topic('isr')!.partitions[0]!.isr, (isr) => isr.length === 1);

    const refused = await produce(c1, 'isr', batch(['refused']), -1);
    assert.equal(refused.errorCode, ErrorCode.NOT_ENOUGH_REPLICAS);
    assert.equal(leader.log.logEndOffset, 3, 'refused before the append');
    assert.equal((await produce(c1, 'isr', batch(['acks=1 still works']), 1)).errorCode, ErrorCode.NONE);

    core(2).startFetchers();
    await pollUntil('follower back in the ISR', async () => [await zkIsr('isr'), leader.isr], ([stored, isr]) => stored?.length === 2 && isr?.length === 2);
    assert.deepEqual(await zkIsr('isr'), [1, 2]);
    assert.deepEqual(leader.isr, [1, 2]);
    assert.equal((await produce(c1, 'isr', batch(['all again']), -1)).errorCode, ErrorCode.NONE);
    assert.equal(core(2).partition('isr').log.logEndOffset, 5);
  });

  it('after a leader change a follower truncates its divergent tail to the new leader’s epoch end (OffsetForLeaderEpoch)', { timeout: 90_000 }, async () => {
    await createTopic('diverge', [1, 2]);
    const c1 = await client(1);
    assert.equal((await produce(c1, 'diverge', batch(['x0', 'x1', 'x2']), -1)).errorCode, ErrorCode.NONE);
    await core(2).stopFetchers();
    // Only broker 1 gets these (acks=1), then it goes away.
    assert.equal((await produce(c1, 'diverge', batch(['lost-3']), 1)).errorCode, ErrorCode.NONE);
    assert.equal((await produce(c1, 'diverge', batch(['lost-4']), 1)).errorCode, ErrorCode.NONE);
    assert.equal(core(1).partition('diverge').log.logEndOffset, 5);
    await stop(1);

    // The controller elects broker 2 (in the ISR) in epoch 1; it appends there.
    await pollUntil('broker 2 leads', () => core(2).partition('diverge'), (p) => p.isLeader() && p.leaderEpoch === 1);
    core(2).startFetchers();
    // Every partition broker 1 led moves to broker 2; its cache may apply them one refresh apart.
    await pollUntil('broker 2 leads everything it hosts now: no fetcher', () => core(2).fetchers!.fetcherKeys(), (keys) => keys.length === 0);
    const c2 = await client(2);
    const appended = await produce(c2, 'diverge', batch(['new-3']), 1);
    assert.equal(appended.errorCode, ErrorCode.NONE);
    assert.equal(appended.baseOffset, 3n);

    // Broker 1 returns as follower: it truncates 3-4 (epoch 0 ends at 3 on the leader) and fetches epoch 1.
    await start(1);
    const returned = core(1).partition('diverge');
    const leader = core(2).partition('diverge');
    await pollUntil('broker 1 back in sync', () => [returned.log.logEndOffset, leader.isr.length], ([leo, isr]) => leo === 4 && isr === 2);
    assert.ok(logBytes(returned).equals(logBytes(leader)));
    assert.deepEqual(values(logBytes(returned)), ['x0', 'x1', 'x2', 'new-3']);
    assert.equal(returned.log.truncationCount, 1);
    assert.equal(returned.log.latestEpoch, 1);
    assert.deepEqual(await zkIsr('diverge'), [2, 1]);
  });

  it('a follower whose fetch offset is below the leader’s log start restarts its log there (OFFSET_OUT_OF_RANGE)', { timeout: 60_000 }, async () => {
    await createTopic('gone', [2, 1]);
    await core(1).stopFetchers();
    const c2 = await client(2);
    for (const v of [['g0', 'g1'], ['g2', 'g3'], ['g4']]) assert.equal((await produce(c2, 'gone', batch(v), 1)).errorCode, ErrorCode.NONE);
    const leader = core(2).partition('gone');
    // The log start moves into the middle of the second batch (as DeleteRecords may).
    leader.log.deleteRecordsBefore(3);
    assert.equal(leader.log.logStartOffset, 3);
    core(1).startFetchers();
    const follower = core(1).partition('gone');
    await pollUntil('follower fetched from the leader’s start', () => follower.log.logEndOffset, (n) => n === 5);
    assert.equal(follower.log.logStartOffset, 3);
    assert.ok(logBytes(follower).equals(logBytes(leader)));
    // The batch holding offset 3 is stored whole, as on the leader.
    assert.deepEqual(values(logBytes(follower)), ['g2', 'g3', 'g4']);
    assert.equal((await consumerFetch(c2, 'gone', 0n)).errorCode, ErrorCode.OFFSET_OUT_OF_RANGE);
  });
});
