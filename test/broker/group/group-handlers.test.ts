import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GROUP_METADATA_TOPIC_NAME, decodeGroupRecord } from '../../../src/broker/group/group-records.js';
import { partitionForGroup } from '../../../src/broker/group/partition-for-group.js';
import { ApiKey } from '../../../src/protocol/generated/api-table.js';
import { ErrorCode } from '../../../src/protocol/generated/error-codes.js';
import { decodeRecordBatches } from '../../../src/protocol/records/index.js';
import type { KafkaTestClient } from '../../../src/testkit/kafka-test-client.js';
import { createTopic, fetchFrom, startHandlerTestBroker } from '../handlers/handler-test-helpers.js';
import type { HandlerTestBroker } from '../handlers/handler-test-helpers.js';

const PROPS = { 'offsets.topic.replication.factor': '1', 'offsets.topic.num.partitions': '10', 'offsets.topic.compression.codec': '1', 'group.initial.rebalance.delay.ms': '0', 'group.min.session.timeout.ms': '1000' };

async function joinAndSync(client: KafkaTestClient, group: string, version = 9): Promise<{ memberId: string; generationId: number }> {
  const join = (memberId: string) =>
    client.send(ApiKey.JoinGroup, version, {
      groupId: group, sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, memberId, groupInstanceId: null, protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: Buffer.from('m') }], reason: null,
    });
  let res = await join('');
  if (res.errorCode === ErrorCode.MEMBER_ID_REQUIRED) res = await join(res.memberId);
  assert.equal(res.errorCode, ErrorCode.NONE);
  const sync = await client.send(ApiKey.SyncGroup, Math.min(version, 5), {
    groupId: group, generationId: res.generationId, memberId: res.memberId, groupInstanceId: null, protocolType: 'consumer', protocolName: 'range',
    assignments: [{ memberId: res.memberId, assignment: Buffer.from('a') }],
  });
  assert.equal(sync.errorCode, ErrorCode.NONE);
  assert.equal(Buffer.from(sync.assignment).toString(), 'a');
  return { memberId: res.memberId, generationId: res.generationId };
}

describe('group APIs over the wire', () => {
  let t: HandlerTestBroker;
  before(async () => {
    t = await startHandlerTestBroker(PROPS);
    await createTopic(t.client, 'orders', 3);
  });
  after(async () => t.close());

  it('FindCoordinator v0-v6 names this broker (single and batched keys); creates __consumer_offsets as a compacted internal topic; transactions are not available yet', async () => {
    for (const v of [0, 1, 2, 3]) {
      const res = await t.client.send(ApiKey.FindCoordinator, v, { key: 'g1', keyType: 0 });
      assert.equal(res.errorCode, ErrorCode.NONE, `v${v}`);
      assert.deepEqual([res.nodeId, res.host, res.port], [t.broker.nodeId, '127.0.0.1', t.broker.port]);
    }
    const batched = await t.client.send(ApiKey.FindCoordinator, 4, { keyType: 0, coordinatorKeys: ['a', 'b'] });
    assert.deepEqual(batched.coordinators!.map((c) => [c.key, c.errorCode, c.port]), [['a', 0, t.broker.port], ['b', 0, t.broker.port]]);
    const txn = await t.client.send(ApiKey.FindCoordinator, 6, { keyType: 1, coordinatorKeys: ['tx'] });
    assert.equal(txn.coordinators![0]!.errorCode, ErrorCode.COORDINATOR_NOT_AVAILABLE);
    const md = await t.client.send(ApiKey.Metadata, 12, { topics: [{ name: GROUP_METADATA_TOPIC_NAME, topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    assert.equal(md.topics[0]!.isInternal, true);
    assert.equal(md.topics[0]!.partitions.length, 10);
    const configs = await t.client.send(ApiKey.DescribeConfigs, 4, { resources: [{ resourceType: 2, resourceName: GROUP_METADATA_TOPIC_NAME, configurationKeys: ['cleanup.policy', 'compression.type', 'segment.bytes'] }], includeSynonyms: false, includeDocumentation: false });
    const values = Object.fromEntries(configs.results[0]!.configs.map((c) => [c.name, c.value]));
    assert.deepEqual(values, { 'cleanup.policy': 'compact', 'compression.type': 'producer', 'segment.bytes': '104857600' });
  });

  it('JoinGroup v0-v3 joins without MEMBER_ID_REQUIRED; v4+ asks for it; session timeout bounds; Heartbeat v0/v4', async () => {
    for (const v of [0, 1, 2, 3, 5, 6]) {
      const res = await t.client.send(ApiKey.JoinGroup, v, {
        groupId: `old-${v}`, sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, memberId: '', groupInstanceId: null, protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.from('m') }],
      });
      const expected = v >= 4 ? ErrorCode.MEMBER_ID_REQUIRED : ErrorCode.NONE;
      assert.equal(res.errorCode, expected, `v${v}`);
      assert.ok(res.memberId.length > 0);
    }
    const bad = await t.client.send(ApiKey.JoinGroup, 9, {
      groupId: 'x', sessionTimeoutMs: 10, rebalanceTimeoutMs: 10_000, memberId: '', groupInstanceId: null, protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.alloc(0) }], reason: null,
    });
    assert.equal(bad.errorCode, ErrorCode.INVALID_SESSION_TIMEOUT);
    const { memberId, generationId } = await joinAndSync(t.client, 'joined');
    assert.equal(generationId, 1);
    const hb = await t.client.send(ApiKey.Heartbeat, 4, { groupId: 'joined', generationId: 1, memberId, groupInstanceId: null });
    assert.equal(hb.errorCode, ErrorCode.NONE);
    const stale = await t.client.send(ApiKey.Heartbeat, 0, { groupId: 'joined', generationId: 0, memberId });
    assert.equal(stale.errorCode, ErrorCode.ILLEGAL_GENERATION);
  });

  it('OffsetCommit v0-v9 and OffsetFetch v0-v9 (batched groups at v8+, require_stable) round-trip offsets', async () => {
    for (let v = 0; v <= 9; v++) {
      const group = `commit-${v}`;
      const res = await t.client.send(ApiKey.OffsetCommit, v, {
        groupId: group, generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1n,
        topics: [{ name: 'orders', partitions: [{ partitionIndex: 1, committedOffset: BigInt(100 + v), committedLeaderEpoch: 0, commitTimestamp: -1n, committedMetadata: `meta-${v}` }, { partitionIndex: 7, committedOffset: 1n, committedLeaderEpoch: -1, commitTimestamp: -1n, committedMetadata: null }] }],
      });
      assert.deepEqual(res.topics[0]!.partitions.map((p) => p.errorCode), [ErrorCode.NONE, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION], `OffsetCommit v${v}`);
    }
    for (let v = 0; v <= 7; v++) {
      const res = await t.client.send(ApiKey.OffsetFetch, v, { groupId: `commit-${v}`, topics: [{ name: 'orders', partitionIndexes: [1, 2] }], ...(v >= 7 ? { requireStable: true } : {}) });
      const parts = res.topics![0]!.partitions;
      assert.deepEqual(parts.map((p) => [p.partitionIndex, p.committedOffset, p.metadata, p.errorCode]), [[1, BigInt(100 + v), `meta-${v}`, 0], [2, -1n, '', 0]], `OffsetFetch v${v}`);
      if (v >= 5) assert.equal(parts[0]!.committedLeaderEpoch, v >= 6 ? 0 : -1);
    }
    const all = await t.client.send(ApiKey.OffsetFetch, 2, { groupId: 'commit-2', topics: null });
    assert.deepEqual(all.topics!.map((tp) => [tp.name, tp.partitions.map((p) => p.committedOffset)]), [['orders', [102n]]]);
    const batched = await t.client.send(ApiKey.OffsetFetch, 9, {
      groups: [{ groupId: 'commit-8', memberId: null, memberEpoch: -1, topics: null }, { groupId: 'commit-9', memberId: null, memberEpoch: -1, topics: [{ name: 'orders', partitionIndexes: [1] }] }, { groupId: 'none', memberId: null, memberEpoch: -1, topics: null }],
      requireStable: true,
    });
    assert.deepEqual(batched.groups!.map((g) => [g.groupId, g.errorCode, g.topics.flatMap((tp) => tp.partitions.map((p) => p.committedOffset))]), [['commit-8', 0, [108n]], ['commit-9', 0, [109n]], ['none', 0, []]]);
  });

  it('the records in __consumer_offsets use Kafka’s key/value schemas (offset commit type 1, value v3; group metadata type 2, value v3), compressed with offsets.topic.compression.codec', async () => {
    await joinAndSync(t.client, 'on-disk');
    await t.client.send(ApiKey.OffsetCommit, 2, {
      groupId: 'with-retention', generationIdOrMemberEpoch: -1, memberId: '', retentionTimeMs: 60_000n,
      topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: 5n, committedMetadata: '' }] }],
    });
    const records: { key: Buffer; value: Buffer | null }[] = [];
    for (const group of ['on-disk', 'commit-9', 'with-retention']) {
      const p = await fetchFrom(t.client, GROUP_METADATA_TOPIC_NAME, partitionForGroup(group, 10), 0n);
      for (const b of decodeRecordBatches(p.records!)) {
        assert.equal(b.header.compressionCodec, 1, 'offsets.topic.compression.codec=1: gzip');
        for (const r of b.records) records.push({ key: Buffer.from(r.key!), value: r.value === null ? null : Buffer.from(r.value) });
      }
    }
    const byType = (type: number, group: string) => records.filter((r) => r.key.readInt16BE(0) === type && decodeGroupRecord(r.key, r.value)!.group === group);
    const meta = byType(2, 'on-disk').at(-1)!;
    assert.equal(meta.value!.readInt16BE(0), 3);
    const decoded = decodeGroupRecord(meta.key, meta.value)!;
    assert.ok(decoded.kind === 'groupMetadata' && decoded.value!.generation === 1 && decoded.value!.protocol === 'range' && decoded.value!.members.length === 1);
    assert.equal(byType(1, 'commit-9')[0]!.value!.readInt16BE(0), 3);
    assert.equal(byType(1, 'with-retention')[0]!.value!.readInt16BE(0), 1, 'an explicit retention is written with value v1 (expire timestamp)');
  });

  it('LeaveGroup v0 and v3+ (batched, by instance id), DescribeGroups, ListGroups with state and type filters, DeleteGroups, OffsetDelete', async () => {
    const a = await joinAndSync(t.client, 'life');
    const desc = await t.client.send(ApiKey.DescribeGroups, 5, { groups: ['life', 'unknown'], includeAuthorizedOperations: true });
    const [life, unknown] = desc.groups;
    assert.deepEqual([life!.groupState, life!.protocolType, life!.protocolData, life!.members.length], ['Stable', 'consumer', 'range', 1]);
    assert.equal(Buffer.from(life!.members[0]!.memberAssignment).toString(), 'a');
    assert.equal(life!.members[0]!.clientHost, '/127.0.0.1');
    assert.equal(unknown!.groupState, 'Dead');
    const stable = await t.client.send(ApiKey.ListGroups, 5, { statesFilter: ['stable'], typesFilter: ['classic'] });
    assert.ok(stable.groups.some((g) => g.groupId === 'life' && g.groupState === 'Stable' && g.groupType === 'classic'));
    assert.ok(stable.groups.every((g) => g.groupState === 'Stable'));
    const consumerType = await t.client.send(ApiKey.ListGroups, 5, { statesFilter: [], typesFilter: ['consumer'] });
    assert.deepEqual(consumerType.groups, []);
    const v0 = await t.client.send(ApiKey.ListGroups, 0, {});
    assert.ok(v0.groups.some((g) => g.groupId === 'commit-3' && g.protocolType === ''));

    await t.client.send(ApiKey.OffsetCommit, 9, { groupId: 'life', generationIdOrMemberEpoch: a.generationId, memberId: a.memberId, groupInstanceId: null, topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: 3n, committedLeaderEpoch: -1, committedMetadata: null }] }] });
    const nonEmpty = await t.client.send(ApiKey.DeleteGroups, 2, { groupsNames: ['life', 'missing'] });
    assert.deepEqual(nonEmpty.results.map((r) => r.errorCode), [ErrorCode.NON_EMPTY_GROUP, ErrorCode.GROUP_ID_NOT_FOUND]);
    const od = await t.client.send(ApiKey.OffsetDelete, 0, { groupId: 'life', topics: [{ name: 'orders', partitions: [{ partitionIndex: 0 }] }] });
    assert.equal(od.errorCode, ErrorCode.NONE, 'the subscription bytes are not a consumer subscription: no topic is known to be consumed');

    const unknownLeave = await t.client.send(ApiKey.LeaveGroup, 5, { groupId: 'life', members: [{ memberId: '', groupInstanceId: 'nobody', reason: null }] });
    assert.deepEqual(unknownLeave.members!.map((m) => m.errorCode), [ErrorCode.UNKNOWN_MEMBER_ID]);
    const left = await t.client.send(ApiKey.LeaveGroup, 0, { groupId: 'life', memberId: a.memberId });
    assert.equal(left.errorCode, ErrorCode.NONE);
    const empty = await t.client.send(ApiKey.DescribeGroups, 0, { groups: ['life'] });
    assert.equal(empty.groups[0]!.groupState, 'Empty');
    const deleted = await t.client.send(ApiKey.DeleteGroups, 0, { groupsNames: ['life'] });
    assert.equal(deleted.results[0]!.errorCode, ErrorCode.NONE);
    const gone = await t.client.send(ApiKey.DescribeGroups, 0, { groups: ['life'] });
    assert.equal(gone.groups[0]!.groupState, 'Dead');
  });

  it('deleting a topic removes the groups’ committed offsets of it', async () => {
    await createTopic(t.client, 'doomed', 1);
    const commit = await t.client.send(ApiKey.OffsetCommit, 8, {
      groupId: 'doomed-group', generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null,
      topics: [{ name: 'doomed', partitions: [{ partitionIndex: 0, committedOffset: 4n, committedLeaderEpoch: -1, committedMetadata: null }] }, { name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: 6n, committedLeaderEpoch: -1, committedMetadata: null }] }],
    });
    assert.deepEqual(commit.topics.map((tp) => tp.partitions[0]!.errorCode), [0, 0]);
    const deleted = await t.client.send(ApiKey.DeleteTopics, 6, { topics: [{ name: 'doomed', topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }], timeoutMs: 5000 });
    assert.equal(deleted.responses[0]!.errorCode, ErrorCode.NONE);
    const res = await t.client.send(ApiKey.OffsetFetch, 7, { groupId: 'doomed-group', topics: null, requireStable: false });
    assert.deepEqual(res.topics!.map((tp) => tp.name), ['orders']);
  });
});

describe('group coordinator without enough brokers for offsets.topic.replication.factor', () => {
  it('FindCoordinator answers COORDINATOR_NOT_AVAILABLE when offsets.topic.replication.factor exceeds the brokers', async () => {
    // A single broker defaults the factor to 1; Kafka's own default of 3 is set explicitly here.
    const t = await startHandlerTestBroker({ 'offsets.topic.replication.factor': '3' });
    try {
      const res = await t.client.send(ApiKey.FindCoordinator, 3, { key: 'g', keyType: 0 });
      assert.equal(res.errorCode, ErrorCode.COORDINATOR_NOT_AVAILABLE);
      assert.equal(res.nodeId, -1);
    } finally {
      await t.close();
    }
  });
});
