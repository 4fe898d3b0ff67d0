import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ApiKey } from '../../../src/protocol/generated/api-table.js';
import type { CreatePartitionsRequestCreatePartitionsTopic } from '../../../src/protocol/generated/create-partitions.js';
import { ErrorCode } from '../../../src/protocol/generated/error-codes.js';
import { batch, createTopic, fetchFrom, metadataOf, produce, startHandlerTestBroker } from './handler-test-helpers.js';
import type { HandlerTestBroker } from './handler-test-helpers.js';

describe('CreatePartitions', () => {
  let t: HandlerTestBroker;

  before(async () => {
    t = await startHandlerTestBroker();
  });

  after(async () => {
    await t?.close();
  });

  const grow = (topics: CreatePartitionsRequestCreatePartitionsTopic[], validateOnly = false, version = 3) =>
    t.client.send(ApiKey.CreatePartitions, version, { topics, timeoutMs: 5000, validateOnly });

  it('adds partitions: Metadata shows them and produce/fetch on a new one work', async () => {
    await createTopic(t.client, 'growing', 1);
    const res = await grow([{ name: 'growing', count: 3, assignments: null }]);
    assert.deepStrictEqual(res.results.map((r) => [r.name, r.errorCode, r.errorMessage]), [['growing', ErrorCode.NONE, null]]);
    const md = await metadataOf(t.client, ['growing']);
    assert.deepStrictEqual(md.topics[0]!.partitions.map((p) => [p.partitionIndex, p.leaderId, p.errorCode]).sort(), [
      [0, t.broker.nodeId, ErrorCode.NONE],
      [1, t.broker.nodeId, ErrorCode.NONE],
      [2, t.broker.nodeId, ErrorCode.NONE],
    ]);
    assert.ok(existsSync(join(t.dir, 'growing-2')));
    const produced = await produce(t.client, 'growing', 2, batch(['x', 'y']));
    assert.equal(produced.errorCode, ErrorCode.NONE);
    assert.equal(produced.baseOffset, 0n);
    const fetched = await fetchFrom(t.client, 'growing', 2, 0n);
    assert.equal(fetched.errorCode, ErrorCode.NONE);
    assert.equal(fetched.highWatermark, 2n);
  });

  it('takes explicit assignments for the new partitions (v0 too)', async () => {
    await createTopic(t.client, 'assigned-growth', 1);
    const res = await grow([{ name: 'assigned-growth', count: 2, assignments: [{ brokerIds: [t.broker.nodeId] }] }], false, 0);
    assert.equal(res.results[0]!.errorCode, ErrorCode.NONE, res.results[0]!.errorMessage ?? '');
    assert.equal((await metadataOf(t.client, ['assigned-growth'])).topics[0]!.partitions.length, 2);
  });

  it('answers INVALID_PARTITIONS for fewer or as many partitions, UNKNOWN_TOPIC_OR_PARTITION for an unknown topic', async () => {
    await createTopic(t.client, 'two', 2);
    const res = await grow([
      { name: 'two', count: 1, assignments: null },
      { name: 'two-again', count: 1, assignments: null },
    ]);
    assert.deepStrictEqual(res.results.map((r) => r.errorCode), [ErrorCode.INVALID_PARTITIONS, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]);
    assert.match(res.results[0]!.errorMessage!, /currently has 2 partitions, which is higher than the requested 1/);
    const same = await grow([{ name: 'two', count: 2, assignments: null }]);
    assert.equal(same.results[0]!.errorCode, ErrorCode.INVALID_PARTITIONS);
    assert.match(same.results[0]!.errorMessage!, /already has 2 partitions/);
  });

  it('answers INVALID_REPLICA_ASSIGNMENT for unknown brokers or the wrong number of assignments', async () => {
    await createTopic(t.client, 'picky', 1);
    const res = await grow([{ name: 'picky', count: 2, assignments: [{ brokerIds: [t.broker.nodeId + 5] }] }]);
    assert.equal(res.results[0]!.errorCode, ErrorCode.INVALID_REPLICA_ASSIGNMENT);
    assert.match(res.results[0]!.errorMessage!, /Unknown broker/);
    const count = await grow([{ name: 'picky', count: 3, assignments: [{ brokerIds: [t.broker.nodeId] }] }]);
    assert.equal(count.results[0]!.errorCode, ErrorCode.INVALID_REPLICA_ASSIGNMENT);
    assert.equal((await metadataOf(t.client, ['picky'])).topics[0]!.partitions.length, 1);
  });

  it('validate_only checks and creates nothing', async () => {
    await createTopic(t.client, 'dry', 1);
    const ok = await grow([{ name: 'dry', count: 5, assignments: null }], true);
    assert.equal(ok.results[0]!.errorCode, ErrorCode.NONE);
    const bad = await grow([{ name: 'dry', count: 1, assignments: null }], true);
    assert.equal(bad.results[0]!.errorCode, ErrorCode.INVALID_PARTITIONS);
    assert.equal((await metadataOf(t.client, ['dry'])).topics[0]!.partitions.length, 1);
    assert.equal(existsSync(join(t.dir, 'dry-1')), false);
  });

  it('answers a topic named twice once, with INVALID_REQUEST', async () => {
    await createTopic(t.client, 'dup', 1);
    const res = await grow([{ name: 'dup', count: 2, assignments: null }, { name: 'dup', count: 3, assignments: null }]);
    assert.deepStrictEqual(res.results.map((r) => [r.name, r.errorCode]), [['dup', ErrorCode.INVALID_REQUEST]]);
    assert.equal((await metadataOf(t.client, ['dup'])).topics[0]!.partitions.length, 1);
  });
});
