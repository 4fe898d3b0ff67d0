import assert from 'node:assert/strict';
import { setImmediate as tickLoop } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { ManualClock } from '../../../src/broker/clock.js';
import { parseBrokerConfig } from '../../../src/broker/config/broker-config.js';
import { GroupCoordinator } from '../../../src/broker/group/group-coordinator.js';
import { GROUP_METADATA_TOPIC_NAME, encodeGroupRecord } from '../../../src/broker/group/group-records.js';
import type { GroupRecord } from '../../../src/broker/group/group-records.js';
import { partitionForGroup } from '../../../src/broker/group/partition-for-group.js';
import type { MetadataStore } from '../../../src/broker/metadata/metadata-store.js';
import type { ReplicaManager } from '../../../src/broker/replication/replica-manager.js';
import { silentLogger } from '../../../src/logging/logger.js';
import { buildRecordBatch } from '../../../src/protocol/records/index.js';

const PARTITIONS = 3;

/** A __consumer_offsets of PARTITIONS in-memory logs (one batch per read, so loading takes several steps), with injectable append failures. */
class FakeOffsetsTopic {
  readonly batches = new Map<number, { last: number; bytes: Uint8Array }[]>();
  readonly leader = new Set([0, 1, 2]);
  failAppends: string | null = null;
  /** What acks=all waiting answers after an append (null: replicated). */
  failAcks: string | null = null;

  end(p: number): number {
    const list = this.batches.get(p) ?? [];
    return list.length === 0 ? 0 : list.at(-1)!.last + 1;
  }

  append(p: number, records: GroupRecord[]): void {
    const base = this.end(p);
    const bytes = buildRecordBatch(records.map(encodeGroupRecord), { baseOffset: BigInt(base), producerId: -1n, producerEpoch: -1, baseSequence: -1 });
    const list = this.batches.get(p) ?? [];
    list.push({ last: base + records.length - 1, bytes });
    this.batches.set(p, list);
  }

  replicaManager(): ReplicaManager {
    return {
      getPartition: (topic: string, p: number) => {
        if (topic !== GROUP_METADATA_TOPIC_NAME || p >= PARTITIONS) return undefined;
        const self = this;
        return {
          isLeader: () => this.leader.has(p),
          log: {
            logStartOffset: 0,
            get logEndOffset() {
              return self.end(p);
            },
            read: (offset: number) => {
              const batch = (this.batches.get(p) ?? []).find((b) => b.last >= offset);
              return batch === undefined ? { ok: true, records: new Uint8Array(0), firstOffset: offset } : { ok: true, records: batch.bytes, firstOffset: offset };
            },
          },
        };
      },
      waitForAcks: () => this.failAcks,
      appendRecords: (_topic: string, p: number, bytes: Uint8Array) => {
        if (this.failAppends !== null) return { ok: false, error: this.failAppends, message: 'injected' };
        const base = this.end(p);
        (this.batches.get(p) ?? this.batches.set(p, []).get(p)!).push({ last: base, bytes });
        return { ok: true, firstOffset: base, lastOffset: base, logAppendTime: -1, logStartOffset: 0, duplicate: false, recordCount: 1 };
      },
    } as unknown as ReplicaManager;
  }
}

function metadata(): MetadataStore {
  return {
    topic: (name: string) => (name === GROUP_METADATA_TOPIC_NAME ? { name, partitions: Array.from({ length: PARTITIONS }, (_, partition) => ({ partition })) } : undefined),
    brokers: () => [{ nodeId: 0, endpoints: [], rack: null }],
    subscribe: () => () => undefined,
  } as unknown as MetadataStore;
}

function coordinator(topic: FakeOffsetsTopic, clock = new ManualClock(1_000_000)): GroupCoordinator {
  const { config } = parseBrokerConfig({ 'group.initial.rebalance.delay.ms': '0', 'group.min.session.timeout.ms': '1000', 'offsets.topic.replication.factor': '1' });
  return new GroupCoordinator({ nodeId: 0, config, metadata: metadata(), replicaManager: topic.replicaManager(), clock, scheduler: clock, logger: silentLogger() });
}

const join = (groupId: string, memberId = '') => ({
  groupId, memberId, groupInstanceId: null, requireKnownMemberId: false, supportSkippingAssignment: false, clientId: 'c', clientHost: '/h',
  rebalanceTimeoutMs: 10_000, sessionTimeoutMs: 6000, protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.from('s') }],
});

describe('GroupCoordinator (runtime)', () => {
  it('loads a partition by replaying its log, answering COORDINATOR_LOAD_IN_PROGRESS meanwhile', async () => {
    const topic = new FakeOffsetsTopic();
    const p = partitionForGroup('loaded', PARTITIONS);
    for (let i = 0; i < 20; i++) topic.append(p, [{ kind: 'offsetCommit', group: 'loaded', topic: 't', partition: i % 4, value: { offset: BigInt(i), leaderEpoch: -1, metadata: '', commitTimestamp: 1, expireTimestamp: null } }]);
    const gc = coordinator(topic);
    gc.start();
    assert.equal((await gc.fetchOffsets('loaded', null)).error, 'COORDINATOR_LOAD_IN_PROGRESS');
    assert.equal(await gc.heartbeat({ groupId: 'loaded', memberId: 'm', generationId: 1, groupInstanceId: null }), null, 'heartbeats are answered blindly while loading');
    assert.equal((await gc.syncGroup({ groupId: 'loaded', generationId: 1, memberId: 'm', groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] })).error, 'REBALANCE_IN_PROGRESS');
    for (let i = 0; i < 50; i++) await tickLoop();
    const loaded = await gc.fetchOffsets('loaded', null);
    assert.equal(loaded.error, null);
    assert.deepEqual(loaded.offsets.map((o) => [o.partition, o.offset]).sort(), [[0, 16n], [1, 17n], [2, 18n], [3, 19n]]);
    gc.close();
  });

  it('NOT_COORDINATOR for a partition this broker does not lead; a failed append answers the mapped error and applies nothing', async () => {
    const topic = new FakeOffsetsTopic();
    const gc = coordinator(topic);
    gc.start();
    topic.leader.delete(partitionForGroup('elsewhere', PARTITIONS));
    assert.equal((await gc.joinGroup(join('elsewhere'))).error, 'NOT_COORDINATOR');
    const commit = { groupId: 'g', memberId: '', groupInstanceId: null, generationId: -1, retentionTimeMs: -1, offsets: [{ topic: 't', partition: 0, offset: 5n, leaderEpoch: -1, metadata: null, commitTimestamp: -1 }] };
    topic.failAppends = 'NOT_LEADER_OR_FOLLOWER';
    assert.deepEqual([...(await gc.commitOffsets(commit)).errors.values()], ['NOT_COORDINATOR']);
    topic.failAppends = 'MESSAGE_TOO_LARGE';
    assert.deepEqual([...(await gc.commitOffsets(commit)).errors.values()], ['INVALID_COMMIT_OFFSET_SIZE']);
    assert.equal((await gc.fetchOffsets('g', [{ topic: 't', partition: 0 }])).offsets[0]!.offset, -1n);
    topic.failAppends = null;
    assert.deepEqual([...(await gc.commitOffsets(commit)).errors.values()], [null]);
    assert.equal((await gc.fetchOffsets('g', [{ topic: 't', partition: 0 }])).offsets[0]!.offset, 5n);
    gc.close();
  });

  it('a commit is answered only once replicated: not reaching the ISR answers Kafka’s mapped errors', async () => {
    const topic = new FakeOffsetsTopic();
    const gc = coordinator(topic);
    gc.start();
    const commit = { groupId: 'g', memberId: '', groupInstanceId: null, generationId: -1, retentionTimeMs: -1, offsets: [{ topic: 't', partition: 0, offset: 5n, leaderEpoch: -1, metadata: null, commitTimestamp: -1 }] };
    topic.failAcks = 'NOT_ENOUGH_REPLICAS_AFTER_APPEND';
    assert.deepEqual([...(await gc.commitOffsets(commit)).errors.values()], ['COORDINATOR_NOT_AVAILABLE']);
    topic.failAcks = 'REQUEST_TIMED_OUT';
    assert.deepEqual([...(await gc.commitOffsets(commit)).errors.values()], ['COORDINATOR_NOT_AVAILABLE']);
    topic.failAcks = 'NOT_LEADER_OR_FOLLOWER';
    assert.deepEqual([...(await gc.commitOffsets(commit)).errors.values()], ['NOT_COORDINATOR']);
    topic.failAcks = null;
    assert.deepEqual([...(await gc.commitOffsets(commit)).errors.values()], [null]);
    gc.close();
  });

  it('a SyncGroup whose assignment cannot be stored answers the error and the group rebalances', async () => {
    const topic = new FakeOffsetsTopic();
    const clock = new ManualClock(1_000_000);
    const gc = coordinator(topic, clock);
    gc.start();
    const joined = await gc.joinGroup(join('sync-fails'));
    assert.equal(joined.generationId, 1);
    topic.failAppends = 'KAFKA_STORAGE_ERROR';
    const sync = await gc.syncGroup({ groupId: 'sync-fails', generationId: 1, memberId: joined.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [{ memberId: joined.memberId, assignment: Buffer.from('a') }] });
    assert.equal(sync.error, 'NOT_COORDINATOR');
    assert.equal((await gc.describeGroup('sync-fails')).group.state, 'PreparingRebalance');
    topic.failAppends = null;
    const again = await gc.joinGroup(join('sync-fails', joined.memberId));
    assert.equal(again.generationId, 2);
    gc.close();
  });

  it('close() answers a JoinGroup still waiting for the rebalance with NOT_COORDINATOR', async () => {
    const topic = new FakeOffsetsTopic();
    const gc = coordinator(topic);
    gc.start();
    const a = await gc.joinGroup(join('waiting'));
    await gc.syncGroup({ groupId: 'waiting', generationId: 1, memberId: a.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] });
    const pending = gc.joinGroup(join('waiting'));
    await tickLoop();
    gc.close();
    assert.equal((await pending).error, 'NOT_COORDINATOR');
  });

  it('a join phase that ends with nobody rejoined and a rebalance timeout of 0 does not spin', async () => {
    const topic = new FakeOffsetsTopic();
    const clock = new ManualClock(1_000_000);
    const gc = coordinator(topic, clock);
    gc.start();
    const a = await gc.joinGroup({ ...join('zero'), groupInstanceId: 'static-a' });
    await gc.syncGroup({ groupId: 'zero', generationId: 1, memberId: a.memberId, groupInstanceId: 'static-a', protocolType: null, protocolName: null, assignments: [] });
    // The static member restarts with a rebalance timeout of 0 (no rebalance: the group stays Stable).
    const a2 = await gc.joinGroup({ ...join('zero'), groupInstanceId: 'static-a', rebalanceTimeoutMs: 0 });
    assert.equal(a2.generationId, 1);
    const pendingB = gc.joinGroup(join('zero'));
    await tickLoop();
    for (let i = 0; i < 5; i++) {
      clock.advance(2050);
      await gc.heartbeat({ groupId: 'zero', memberId: a2.memberId, generationId: 1, groupInstanceId: 'static-a' });
    }
    const b = await pendingB;
    assert.equal(b.generationId, 2, 'the join phase ended after b’s rebalance timeout; static a was kept');
    await gc.syncGroup({ groupId: 'zero', generationId: 2, memberId: b.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] });
    // b leaves: only a (timeout 0) remains and does not rejoin: the join phase cannot complete and is retried each tick, without recursion.
    const left = await gc.leaveGroup({ groupId: 'zero', members: [{ memberId: b.memberId, groupInstanceId: null }] });
    assert.equal(left.members[0]!.error, null);
    clock.advance(500);
    const described = (await gc.describeGroup('zero')).group;
    assert.deepEqual([described.state, described.members.map((m) => m.groupInstanceId)], ['PreparingRebalance', ['static-a']]);
    gc.close();
  });
});
