import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KafkaDeleteGroupsError } from '../../../src/client/admin/admin.js';
import { AlterConfigOpTypes, ConfigResourceTypes } from '../../../src/client/admin/admin-types.js';
import { KafkaClientStateError, KafkaProtocolError } from '../../../src/client/client-errors.js';
import { Kafka } from '../../../src/client/kafka.js';
import type { Admin } from '../../../src/client/admin/admin.js';
import { ApiKey } from '../../../src/protocol/generated/api-table.js';
import { ErrorCode } from '../../../src/protocol/generated/error-codes.js';
import { KafkaTestClient } from '../../../src/testkit/kafka-test-client.js';
import { startTestBroker } from '../client-test-support.js';
import type { TestBroker } from '../client-test-support.js';

describe('Admin against the in-process broker', () => {
  let tb: TestBroker;
  let kafka: Kafka;
  let admin: Admin;
  before(async () => {
    tb = await startTestBroker({ properties: { 'num.partitions': '1', 'group.initial.rebalance.delay.ms': '0' } });
    kafka = new Kafka({ clientId: 'admin-test', brokers: [tb.bootstrap], retry: { initialRetryTime: 50, retries: 8 } });
    admin = kafka.admin();
    await admin.connect();
  });
  after(async () => {
    await admin?.disconnect();
    await tb?.close();
  });

  async function produce(topic: string, values: Array<{ value: string; partition: number; timestamp?: string }>): Promise<void> {
    const producer = kafka.producer();
    await producer.connect();
    try {
      await producer.send({ topic, messages: values });
    } finally {
      await producer.disconnect();
    }
  }

  it('createTopics creates with partitions and configs, answers false for an existing topic, and throws typed errors', async () => {
    assert.equal(await admin.createTopics({ topics: [{ topic: 'adm-a', numPartitions: 4, configEntries: [{ name: 'retention.ms', value: '12345' }] }] }), true);
    const meta = await admin.fetchTopicMetadata({ topics: ['adm-a'] });
    assert.equal(meta.topics[0]!.partitions.length, 4);
    assert.ok(meta.topics[0]!.partitions.every((p) => p.leader === tb.broker.nodeId && p.partitionErrorCode === 0));
    assert.equal(await admin.createTopics({ topics: [{ topic: 'adm-a', numPartitions: 4 }] }), false);
    await assert.rejects(admin.createTopics({ topics: [{ topic: 'bad name!', numPartitions: 1 }] }), (e: unknown) => e instanceof KafkaProtocolError && e.type === 'INVALID_TOPIC_EXCEPTION' && !e.retriable);
    assert.equal(await admin.createTopics({ validateOnly: true, topics: [{ topic: 'adm-validate-only', numPartitions: 1 }] }), true);
    assert.ok(!(await admin.listTopics()).includes('adm-validate-only'));
    const configs = await admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: 'adm-a', configNames: ['retention.ms', 'cleanup.policy'] }] });
    const entries = new Map(configs.resources[0]!.configEntries.map((c) => [c.configName, c]));
    assert.equal(entries.get('retention.ms')?.configValue, '12345');
    assert.equal(entries.get('retention.ms')?.isDefault, false);
    assert.equal(entries.get('cleanup.policy')?.configValue, 'delete');
    assert.equal(entries.get('cleanup.policy')?.isDefault, true);
  });

  it('listTopics, createPartitions, deleteTopics', async () => {
    await admin.createTopics({ topics: [{ topic: 'adm-grow', numPartitions: 2 }, { topic: 'adm-gone', numPartitions: 1 }] });
    const topics = await admin.listTopics();
    assert.ok(topics.includes('adm-grow') && topics.includes('adm-gone'));
    await admin.createPartitions({ topicPartitions: [{ topic: 'adm-grow', count: 5 }] });
    assert.equal((await admin.fetchTopicMetadata({ topics: ['adm-grow'] })).topics[0]!.partitions.length, 5);
    await assert.rejects(admin.createPartitions({ topicPartitions: [{ topic: 'adm-grow', count: 3 }] }), (e: unknown) => e instanceof KafkaProtocolError && e.type === 'INVALID_PARTITIONS');
    await admin.deleteTopics({ topics: ['adm-gone'] });
    assert.ok(!(await admin.listTopics()).includes('adm-gone'));
    const t0 = Date.now();
    await assert.rejects(admin.fetchTopicMetadata({ topics: ['adm-gone'] }), (e: unknown) => e instanceof KafkaProtocolError && e.type === 'UNKNOWN_TOPIC_OR_PARTITION');
    assert.ok(Date.now() - t0 < 1000, 'a topic absent from fresh metadata is not retried');
  });

  it('describeCluster names the broker, the controller and the cluster id', async () => {
    const c = await admin.describeCluster();
    assert.deepStrictEqual(c.brokers, [{ nodeId: tb.broker.nodeId, host: '127.0.0.1', port: tb.broker.port }]);
    assert.equal(c.controller, tb.broker.nodeId);
    assert.equal(c.clusterId, tb.broker.clusterId);
  });

  it('alterConfigs changes a topic config; describeConfigs reads it back, and a broker resource goes to that broker', async () => {
    await admin.createTopics({ topics: [{ topic: 'adm-cfg', numPartitions: 1 }] });
    const r = await admin.alterConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: 'adm-cfg', configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }] });
    assert.deepStrictEqual(r.resources.map((x) => [x.errorCode, x.resourceName]), [[0, 'adm-cfg']]);
    const d = await admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: 'adm-cfg', configNames: ['cleanup.policy'] }] });
    assert.equal(d.resources[0]!.configEntries[0]!.configValue, 'compact');
    await assert.rejects(admin.alterConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: 'adm-cfg', configEntries: [{ name: 'cleanup.policy', value: 'sometimes' }] }] }), (e: unknown) => e instanceof KafkaProtocolError && e.type === 'INVALID_CONFIG');
    const broker = await admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.BROKER, name: String(tb.broker.nodeId), configNames: ['num.partitions'] }], includeSynonyms: true });
    assert.equal(broker.resources[0]!.configEntries[0]!.configValue, '1');
    assert.ok(broker.resources[0]!.configEntries[0]!.configSynonyms.length >= 1);
  });

  it('incrementalAlterConfigs sets, appends, subtracts and deletes single configs, keeping the others', async () => {
    await admin.createTopics({ topics: [{ topic: 'adm-inc', numPartitions: 1, configEntries: [{ name: 'retention.ms', value: '1000' }] }] });
    const overrides = async (): Promise<Record<string, string | null>> => {
      const d = await admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: 'adm-inc' }] });
      return Object.fromEntries(d.resources[0]!.configEntries.filter((c) => c.configSource === 1).map((c) => [c.configName, c.configValue]));
    };
    const r = await admin.incrementalAlterConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: 'adm-inc', configEntries: [{ name: 'cleanup.policy', value: 'compact', operation: AlterConfigOpTypes.SET }] }] });
    assert.deepStrictEqual(r.resources.map((x) => [x.errorCode, x.resourceName]), [[0, 'adm-inc']]);
    assert.deepStrictEqual(await overrides(), { 'cleanup.policy': 'compact', 'retention.ms': '1000' }, 'retention.ms is kept (AlterConfigs would have dropped it)');
    await admin.incrementalAlterConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: 'adm-inc', configEntries: [{ name: 'cleanup.policy', value: 'delete', operation: AlterConfigOpTypes.APPEND }] }] });
    assert.equal((await overrides())['cleanup.policy'], 'compact,delete');
    await admin.incrementalAlterConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: 'adm-inc', configEntries: [{ name: 'cleanup.policy', value: 'compact', operation: AlterConfigOpTypes.SUBTRACT }, { name: 'retention.ms', operation: AlterConfigOpTypes.DELETE }] }] });
    assert.deepStrictEqual(await overrides(), { 'cleanup.policy': 'delete' });
    await admin.incrementalAlterConfigs({ validateOnly: true, resources: [{ type: ConfigResourceTypes.TOPIC, name: 'adm-inc', configEntries: [{ name: 'retention.ms', value: '5', operation: AlterConfigOpTypes.SET }] }] });
    assert.deepStrictEqual(await overrides(), { 'cleanup.policy': 'delete' }, 'validateOnly changes nothing');
    await assert.rejects(admin.incrementalAlterConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: 'adm-inc', configEntries: [{ name: 'cleanup.policy', value: 'sometimes', operation: AlterConfigOpTypes.SET }] }] }), (e: unknown) => e instanceof KafkaProtocolError && e.type === 'INVALID_CONFIG');
  });

  it('fetchTopicOffsets, fetchTopicOffsetsByTimestamp and deleteTopicRecords', async () => {
    await admin.createTopics({ topics: [{ topic: 'adm-off', numPartitions: 2 }] });
    await produce('adm-off', Array.from({ length: 10 }, (_, i) => ({ value: `v${i}`, partition: 0, timestamp: String(1_000_000 + i * 10) })).concat([{ value: 'p1', partition: 1, timestamp: '5000000' }]));
    assert.deepStrictEqual(await admin.fetchTopicOffsets('adm-off'), [
      { partition: 0, offset: '10', high: '10', low: '0' },
      { partition: 1, offset: '1', high: '1', low: '0' },
    ]);
    assert.deepStrictEqual(await admin.fetchTopicOffsetsByTimestamp('adm-off', 1_000_045), [
      { partition: 0, offset: '5' },
      { partition: 1, offset: '0' },
    ]);
    // Past every timestamp: the high watermark (KafkaJS's rule).
    assert.deepStrictEqual(await admin.fetchTopicOffsetsByTimestamp('adm-off', 9_000_000), [
      { partition: 0, offset: '10' },
      { partition: 1, offset: '1' },
    ]);
    // listTopicOffsets: the broker's answer, without the fallback; -3 is the record with the largest timestamp.
    assert.deepStrictEqual(await admin.listTopicOffsets('adm-off', 9_000_000), [{ partition: 0, offset: '-1' }, { partition: 1, offset: '-1' }]);
    assert.deepStrictEqual(await admin.listTopicOffsets('adm-off', 1_000_045), [{ partition: 0, offset: '5' }, { partition: 1, offset: '0' }]);
    assert.deepStrictEqual(await admin.listTopicOffsets('adm-off', -3), [{ partition: 0, offset: '9' }, { partition: 1, offset: '0' }]);
    assert.deepStrictEqual(await admin.listTopicOffsets('adm-off', -2), [{ partition: 0, offset: '0' }, { partition: 1, offset: '0' }]);
    await admin.deleteTopicRecords({ topic: 'adm-off', partitions: [{ partition: 0, offset: '7' }, { partition: 1, offset: '-1' }] });
    const after = await admin.fetchTopicOffsets('adm-off');
    assert.deepStrictEqual(after.map((o) => [o.partition, o.low, o.high]), [[0, '7', '10'], [1, '1', '1']]);
    const reader = await KafkaTestClient.connect('127.0.0.1', tb.broker.port);
    try {
      const fetchAt = async (offset: bigint) => (await reader.send(ApiKey.Fetch, 12, {
        replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
        topics: [{ topic: 'adm-off', partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: offset, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }],
        forgottenTopicsData: [], rackId: '',
      })).responses[0]!.partitions[0]!;
      assert.equal((await fetchAt(6n)).errorCode, ErrorCode.OFFSET_OUT_OF_RANGE, 'records below 7 are gone');
      const kept = await fetchAt(7n);
      assert.equal(kept.errorCode, 0);
      assert.equal(kept.logStartOffset, 7n);
    } finally {
      reader.close();
    }
    await assert.rejects(admin.deleteTopicRecords({ topic: 'adm-off', partitions: [{ partition: 0, offset: '99' }] }), (e: unknown) => e instanceof KafkaProtocolError && e.type === 'OFFSET_OUT_OF_RANGE');
  });

  it('group offsets: setOffsets, fetchOffsets, resetOffsets, listGroups, describeGroups, deleteGroups', async () => {
    await admin.createTopics({ topics: [{ topic: 'adm-grp', numPartitions: 3 }] });
    await produce('adm-grp', [0, 1, 2].flatMap((p) => Array.from({ length: p + 2 }, (_, i) => ({ value: `${p}-${i}`, partition: p }))));
    const groupId = 'adm-group-1';
    const none = await admin.fetchOffsets({ groupId, topics: ['adm-grp'] });
    assert.deepStrictEqual(none[0]!.partitions.map((p) => [p.partition, p.offset]), [[0, '-1'], [1, '-1'], [2, '-1']]);

    await admin.setOffsets({ groupId, topic: 'adm-grp', partitions: [{ partition: 0, offset: '1' }, { partition: 2, offset: '3' }] });
    const set = await admin.fetchOffsets({ groupId, topics: ['adm-grp'] });
    assert.deepStrictEqual(set[0]!.partitions.map((p) => [p.partition, p.offset]), [[0, '1'], [1, '-1'], [2, '3']]);
    const all = await admin.fetchOffsets({ groupId });
    assert.deepStrictEqual(all.map((t) => [t.topic, t.partitions.length]), [['adm-grp', 2]], 'without topics: what the group committed');

    await admin.resetOffsets({ groupId, topic: 'adm-grp' });
    assert.deepStrictEqual((await admin.fetchOffsets({ groupId, topics: ['adm-grp'] }))[0]!.partitions.map((p) => p.offset), ['2', '3', '4']);
    await admin.resetOffsets({ groupId, topic: 'adm-grp', earliest: true });
    assert.deepStrictEqual((await admin.fetchOffsets({ groupId, topics: ['adm-grp'] }))[0]!.partitions.map((p) => p.offset), ['0', '0', '0']);

    const listed = await admin.listGroups();
    assert.ok(listed.groups.some((g) => g.groupId === groupId));
    const described = await admin.describeGroups([groupId]);
    assert.deepStrictEqual(described.groups.map((g) => [g.groupId, g.state, g.members.length]), [[groupId, 'Empty', 0]]);

    assert.deepStrictEqual(await admin.deleteGroups([groupId]), [{ groupId, errorCode: 0 }]);
    assert.ok(!(await admin.listGroups()).groups.some((g) => g.groupId === groupId));
    await assert.rejects(admin.deleteGroups([groupId]), (e: unknown) => e instanceof KafkaDeleteGroupsError && e.groups[0]!.errorCode === ErrorCode.GROUP_ID_NOT_FOUND);
  });

  it('deleteGroupOffsets removes committed offsets per partition; group-level errors throw; findGroupCoordinator names the broker', async () => {
    await admin.createTopics({ topics: [{ topic: 'adm-deloff', numPartitions: 2 }] });
    const groupId = 'adm-deloff-group';
    await admin.setOffsets({ groupId, topic: 'adm-deloff', partitions: [{ partition: 0, offset: '0' }, { partition: 1, offset: '0' }] });
    const results = await admin.deleteGroupOffsets({ groupId, topics: [{ topic: 'adm-deloff', partitions: [1] }, { topic: 'adm-deloff-missing', partitions: [0] }] });
    assert.deepStrictEqual(
      results.map((r) => [r.topic, r.partition, r.errorCode, r.error?.type]),
      [['adm-deloff', 1, 0, undefined], ['adm-deloff-missing', 0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'UNKNOWN_TOPIC_OR_PARTITION']],
    );
    assert.deepStrictEqual((await admin.fetchOffsets({ groupId, topics: ['adm-deloff'] }))[0]!.partitions.map((p) => p.offset), ['0', '-1']);
    await assert.rejects(admin.deleteGroupOffsets({ groupId: 'adm-deloff-nobody', topics: [{ topic: 'adm-deloff', partitions: [0] }] }), (e: unknown) => e instanceof KafkaProtocolError && e.type === 'GROUP_ID_NOT_FOUND');
    assert.deepStrictEqual(await admin.findGroupCoordinator(groupId), { nodeId: tb.broker.nodeId, host: '127.0.0.1', port: tb.broker.port });
  });

  it('refuses to set offsets of a group with an active member; deleting it fails with NON_EMPTY_GROUP', async () => {
    const groupId = 'adm-active';
    const member = await KafkaTestClient.connect('127.0.0.1', tb.broker.port);
    try {
      const protocols = [{ name: 'range', metadata: new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 0, 0]) }];
      const first = await member.send(ApiKey.JoinGroup, 5, { groupId, sessionTimeoutMs: 30_000, rebalanceTimeoutMs: 30_000, memberId: '', groupInstanceId: null, protocolType: 'consumer', protocols });
      assert.equal(first.errorCode, ErrorCode.MEMBER_ID_REQUIRED);
      const joined = await member.send(ApiKey.JoinGroup, 5, { groupId, sessionTimeoutMs: 30_000, rebalanceTimeoutMs: 30_000, memberId: first.memberId, groupInstanceId: null, protocolType: 'consumer', protocols });
      assert.equal(joined.errorCode, 0);
      const synced = await member.send(ApiKey.SyncGroup, 3, { groupId, generationId: joined.generationId, memberId: joined.memberId, groupInstanceId: null, assignments: [{ memberId: joined.memberId, assignment: new Uint8Array(0) }] });
      assert.equal(synced.errorCode, 0);
      const described = await admin.describeGroups([groupId]);
      assert.deepStrictEqual(described.groups.map((g) => [g.state, g.protocolType, g.protocol, g.members.map((m) => m.memberId)]), [['Stable', 'consumer', 'range', [joined.memberId]]]);
      assert.equal(described.groups[0]!.members[0]!.groupInstanceId, null, 'a dynamic member');
      await assert.rejects(admin.setOffsets({ groupId, topic: 'adm-grp', partitions: [{ partition: 0, offset: '0' }] }), KafkaClientStateError);
      await assert.rejects(admin.deleteGroups([groupId]), (e: unknown) => e instanceof KafkaDeleteGroupsError && e.groups[0]!.error?.type === 'NON_EMPTY_GROUP');
    } finally {
      member.close();
    }
  });
});
