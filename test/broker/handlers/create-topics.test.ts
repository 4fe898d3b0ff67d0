import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConfigSource } from '../../../src/broker/config/config-definition.js';
import { ApiKey } from '../../../src/protocol/generated/api-table.js';
import type { CreateTopicsRequestCreatableTopic } from '../../../src/protocol/generated/create-topics.js';
import { ErrorCode } from '../../../src/protocol/generated/error-codes.js';
import { metadataOf, startHandlerTestBroker, ZERO_UUID } from './handler-test-helpers.js';
import type { HandlerTestBroker } from './handler-test-helpers.js';

function topic(name: string, fields: Partial<CreateTopicsRequestCreatableTopic> = {}): CreateTopicsRequestCreatableTopic {
  return { name, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [], ...fields };
}

describe('CreateTopics', () => {
  let t: HandlerTestBroker;

  before(async () => {
    t = await startHandlerTestBroker({ 'num.partitions': '3' });
  });

  after(async () => {
    await t?.close();
  });

  const create = (topics: CreateTopicsRequestCreatableTopic[], version = 7, validateOnly = false) =>
    t.client.send(ApiKey.CreateTopics, version, { topics, timeoutMs: 5000, validateOnly });

  it('creates a topic with configs and answers its id, counts and configs (v7)', async () => {
    const res = await create([topic('orders', { numPartitions: 2, configs: [{ name: 'retention.ms', value: '3600000' }, { name: 'cleanup.policy', value: 'compact' }] })]);
    const r = res.topics[0]!;
    assert.equal(r.errorCode, ErrorCode.NONE);
    assert.equal(r.errorMessage, null);
    assert.equal(r.numPartitions, 2);
    assert.equal(r.replicationFactor, 1);
    assert.notEqual(r.topicId, ZERO_UUID);
    const retention = r.configs!.find((c) => c.name === 'retention.ms')!;
    assert.deepStrictEqual({ value: retention.value, source: retention.configSource }, { value: '3600000', source: ConfigSource.DYNAMIC_TOPIC_CONFIG });
    const segment = r.configs!.find((c) => c.name === 'segment.bytes')!;
    assert.equal(segment.configSource, ConfigSource.DEFAULT_CONFIG);

    const md = await metadataOf(t.client, ['orders']);
    const mt = md.topics[0]!;
    assert.equal(mt.errorCode, ErrorCode.NONE);
    assert.equal(mt.topicId, r.topicId);
    assert.deepStrictEqual(mt.partitions.map((p) => p.partitionIndex).sort(), [0, 1]);
    assert.ok(existsSync(join(t.dir, 'orders-0')) && existsSync(join(t.dir, 'orders-1')));
  });

  it('uses num.partitions and default.replication.factor for -1', async () => {
    const r = (await create([topic('defaults', { numPartitions: -1, replicationFactor: -1 })])).topics[0]!;
    assert.equal(r.errorCode, ErrorCode.NONE);
    assert.deepStrictEqual({ partitions: r.numPartitions, rf: r.replicationFactor }, { partitions: 3, rf: 1 });
  });

  it('creates from explicit assignments, given in any order', async () => {
    const nodeId = t.broker.nodeId;
    const r = (await create([topic('assigned', {
      numPartitions: -1, replicationFactor: -1,
      assignments: [{ partitionIndex: 1, brokerIds: [nodeId] }, { partitionIndex: 0, brokerIds: [nodeId] }],
    })])).topics[0]!;
    assert.equal(r.errorCode, ErrorCode.NONE, r.errorMessage ?? '');
    assert.equal(r.numPartitions, 2);
  });

  it('rejects bad assignments with INVALID_REPLICA_ASSIGNMENT and counts together with assignments with INVALID_REQUEST', async () => {
    const nodeId = t.broker.nodeId;
    const res = await create([
      topic('gap', { numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [nodeId] }, { partitionIndex: 2, brokerIds: [nodeId] }] }),
      topic('unknown-broker', { numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [nodeId + 7] }] }),
      topic('dup-replica', { numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [nodeId, nodeId] }] }),
      topic('both', { numPartitions: 1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [nodeId] }] }),
    ]);
    assert.deepStrictEqual(res.topics.map((r) => [r.name, r.errorCode]), [
      ['gap', ErrorCode.INVALID_REPLICA_ASSIGNMENT],
      ['unknown-broker', ErrorCode.INVALID_REPLICA_ASSIGNMENT],
      ['dup-replica', ErrorCode.INVALID_REPLICA_ASSIGNMENT],
      ['both', ErrorCode.INVALID_REQUEST],
    ]);
    for (const r of res.topics) {
      assert.ok(r.errorMessage, `${r.name} has a message`);
      assert.equal(r.topicId, ZERO_UUID);
      assert.equal(r.numPartitions, -1);
      assert.equal(r.configs, null);
    }
  });

  it('answers TOPIC_ALREADY_EXISTS, INVALID_TOPIC_EXCEPTION, INVALID_PARTITIONS and INVALID_REPLICATION_FACTOR', async () => {
    await create([topic('exists')]);
    const res = await create([
      topic('exists'),
      topic('bad name!'),
      topic('.'),
      topic('x'.repeat(250)),
      topic('zero-partitions', { numPartitions: 0 }),
      topic('three-replicas', { replicationFactor: 3 }),
      topic('zero-replicas', { replicationFactor: 0 }),
    ]);
    assert.deepStrictEqual(res.topics.map((r) => r.errorCode), [
      ErrorCode.TOPIC_ALREADY_EXISTS,
      ErrorCode.INVALID_TOPIC_EXCEPTION,
      ErrorCode.INVALID_TOPIC_EXCEPTION,
      ErrorCode.INVALID_TOPIC_EXCEPTION,
      ErrorCode.INVALID_PARTITIONS,
      ErrorCode.INVALID_REPLICATION_FACTOR,
      ErrorCode.INVALID_REPLICATION_FACTOR,
    ]);
    assert.match(res.topics[0]!.errorMessage!, /already exists/);
    assert.match(res.topics[5]!.errorMessage!, /larger than available brokers: 1/);
  });

  it('refuses a name that collides with an existing one through . and _', async () => {
    await create([topic('metrics.a')]);
    const r = (await create([topic('metrics_a')])).topics[0]!;
    assert.equal(r.errorCode, ErrorCode.INVALID_TOPIC_EXCEPTION);
    assert.match(r.errorMessage!, /collides/);
  });

  it('validates configs: unknown keys, bad values and nulls are INVALID_CONFIG, and nothing is created', async () => {
    const res = await create([
      topic('cfg-unknown', { configs: [{ name: 'no.such.config', value: '1' }] }),
      topic('cfg-bad', { configs: [{ name: 'retention.ms', value: 'soon' }] }),
      topic('cfg-range', { configs: [{ name: 'min.insync.replicas', value: '0' }] }),
      topic('cfg-null', { configs: [{ name: 'retention.ms', value: null }] }),
      topic('cfg-policy', { configs: [{ name: 'cleanup.policy', value: 'shred' }] }),
    ]);
    assert.deepStrictEqual(res.topics.map((r) => r.errorCode), Array(5).fill(ErrorCode.INVALID_CONFIG));
    assert.match(res.topics[0]!.errorMessage!, /no\.such\.config/);
    assert.match(res.topics[1]!.errorMessage!, /retention\.ms/);
    const md = await metadataOf(t.client, ['cfg-unknown', 'cfg-bad']);
    assert.deepStrictEqual(md.topics.map((x) => x.errorCode), [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]);
  });

  it('validate_only checks everything, answers as if created and creates nothing', async () => {
    const res = await create([topic('dry-run', { numPartitions: 4, configs: [{ name: 'max.message.bytes', value: '2000' }] }), topic('exists')], 7, true);
    const [dry, exists] = res.topics;
    assert.equal(dry!.errorCode, ErrorCode.NONE);
    assert.equal(dry!.numPartitions, 4);
    assert.equal(dry!.topicId, ZERO_UUID);
    assert.equal(dry!.configs!.find((c) => c.name === 'max.message.bytes')!.value, '2000');
    assert.equal(exists!.errorCode, ErrorCode.TOPIC_ALREADY_EXISTS);
    const md = await metadataOf(t.client, ['dry-run']);
    assert.equal(md.topics[0]!.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    assert.equal(existsSync(join(t.dir, 'dry-run-0')), false);

    const invalid = (await create([topic('dry-bad', { configs: [{ name: 'segment.bytes', value: '1' }] })], 7, true)).topics[0]!;
    assert.equal(invalid.errorCode, ErrorCode.INVALID_CONFIG);
  });

  it('answers every entry of a topic named twice with INVALID_REQUEST', async () => {
    const res = await create([topic('twice'), topic('twice'), topic('once')]);
    assert.deepStrictEqual(res.topics.map((r) => [r.name, r.errorCode]), [
      ['twice', ErrorCode.INVALID_REQUEST],
      ['twice', ErrorCode.INVALID_REQUEST],
      ['once', ErrorCode.NONE],
    ]);
  });

  it('serves v2 (no configs in the answer) and v5 (configs, no topic id)', async () => {
    const v2 = await create([topic('old-client', { configs: [{ name: 'retention.ms', value: '1000' }] })], 2);
    assert.equal(v2.topics[0]!.errorCode, ErrorCode.NONE);
    assert.deepStrictEqual(v2.topics[0]!.configs ?? [], [], 'v2 carries no configs');
    const v5 = await create([topic('v5-client')], 5);
    assert.equal(v5.topics[0]!.errorCode, ErrorCode.NONE);
    assert.equal(v5.topics[0]!.numPartitions, 1);
    assert.ok(v5.topics[0]!.configs!.length > 10);
  });
});
