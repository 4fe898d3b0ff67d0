import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RequestContext } from '../../../src/broker/handlers/api-handler.js';
import { offsetForLeaderEpochHandler } from '../../../src/broker/handlers/offset-for-leader-epoch.js';
import type { Partition } from '../../../src/broker/replication/partition.js';
import { ApiKey } from '../../../src/protocol/generated/api-table.js';
import { ErrorCode } from '../../../src/protocol/generated/error-codes.js';
import { batch, createTopic, metadataOf, produce, startHandlerTestBroker } from './handler-test-helpers.js';
import type { HandlerTestBroker } from './handler-test-helpers.js';

describe('OffsetForLeaderEpoch', () => {
  let t: HandlerTestBroker;

  before(async () => {
    t = await startHandlerTestBroker();
  });

  after(async () => {
    await t?.close();
  });

  const query = (topic: string, partitions: { partition: number; leaderEpoch: number; currentLeaderEpoch?: number }[], version = 4) =>
    t.client.send(ApiKey.OffsetForLeaderEpoch, version, {
      replicaId: -1,
      topics: [{ topic, partitions: partitions.map((p) => ({ currentLeaderEpoch: -1, ...p })) }],
    }).then((r) => r.topics[0]!.partitions);

  it('answers the end offset of epoch 0 as the log end offset', async () => {
    await createTopic(t.client, 'epochs');
    const epoch = (await metadataOf(t.client, ['epochs'])).topics[0]!.partitions[0]!.leaderEpoch;
    assert.equal(epoch, 0);
    await produce(t.client, 'epochs', 0, batch(['a', 'b', 'c']));
    await produce(t.client, 'epochs', 0, batch(['d', 'e']));
    for (const version of [2, 3, 4]) {
      const [r] = await query('epochs', [{ partition: 0, leaderEpoch: 0, currentLeaderEpoch: 0 }], version);
      assert.deepStrictEqual([r!.errorCode, r!.leaderEpoch, r!.endOffset], [ErrorCode.NONE, 0, 5n], `v${version}`);
    }
    // An epoch the log has not seen (above the latest) is unknown: (-1, -1).
    const [later] = await query('epochs', [{ partition: 0, leaderEpoch: 3 }]);
    assert.deepStrictEqual([later!.errorCode, later!.leaderEpoch, later!.endOffset], [ErrorCode.NONE, -1, -1n]);
  });

  it('answers (0, 0) for an empty partition, as Kafka does after a leader election', async () => {
    await createTopic(t.client, 'empty');
    const [r] = await query('empty', [{ partition: 0, leaderEpoch: 0 }]);
    assert.deepStrictEqual([r!.errorCode, r!.leaderEpoch, r!.endOffset], [ErrorCode.NONE, 0, 0n]);
  });

  it('checks the current leader epoch: UNKNOWN_LEADER_EPOCH above the leader\'s', async () => {
    await createTopic(t.client, 'fenced');
    await produce(t.client, 'fenced', 0, batch(['x']));
    const results = await query('fenced', [
      { partition: 0, leaderEpoch: 0, currentLeaderEpoch: 1 },
      { partition: 0, leaderEpoch: 0, currentLeaderEpoch: -1 },
    ]);
    assert.deepStrictEqual(results.map((r) => [r.errorCode, r.endOffset]), [[ErrorCode.UNKNOWN_LEADER_EPOCH, -1n], [ErrorCode.NONE, 1n]]);
  });

  it('answers UNKNOWN_TOPIC_OR_PARTITION for unknown topics and partitions', async () => {
    const [r] = await query('nope', [{ partition: 0, leaderEpoch: 0 }]);
    assert.deepStrictEqual([r!.errorCode, r!.leaderEpoch, r!.endOffset], [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, -1, -1n]);
    await createTopic(t.client, 'one-part');
    const [p] = await query('one-part', [{ partition: 3, leaderEpoch: 0 }]);
    assert.equal(p!.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });
});

describe('OffsetForLeaderEpoch after leader elections (a partition stand-in)', () => {
  // One broker never changes leader epochs; this partition has led in epochs 0 and 2 (batches in
  // 0 up to offset 10 only, then epoch 2 began without data yet): the answers Kafka gives.
  const partition = {
    leaderEpoch: 2,
    isLeader: () => true,
    checkLeaderEpoch: (e: number) => (e < 0 ? null : e < 2 ? 'FENCED_LEADER_EPOCH' : e > 2 ? 'UNKNOWN_LEADER_EPOCH' : null),
    log: {
      logEndOffset: 10,
      latestEpoch: 0,
      endOffsetForEpoch: (epoch: number) => (epoch === 0 ? { epoch: 0, endOffset: 10 } : { epoch: -1, endOffset: -1 }),
    },
  } as unknown as Partition;
  const ctx = { apiVersion: 4, services: { replicaManager: { getPartition: () => partition } } } as unknown as RequestContext;

  async function ask(leaderEpoch: number, currentLeaderEpoch = -1) {
    const res = await offsetForLeaderEpochHandler.handle({ replicaId: -1, topics: [{ topic: 't', partitions: [{ partition: 0, leaderEpoch, currentLeaderEpoch }] }] }, ctx);
    const r = res!.topics[0]!.partitions[0]!;
    return [r.errorCode, r.leaderEpoch, r.endOffset];
  }

  it('answers the current epoch and the epochs since the last batch with the log end offset', async () => {
    assert.deepStrictEqual(await ask(2), [ErrorCode.NONE, 2, 10n]);
    assert.deepStrictEqual(await ask(1), [ErrorCode.NONE, 0, 10n]);
    assert.deepStrictEqual(await ask(0), [ErrorCode.NONE, 0, 10n]);
    assert.deepStrictEqual(await ask(3), [ErrorCode.NONE, -1, -1n]);
    assert.deepStrictEqual(await ask(-1), [ErrorCode.NONE, -1, -1n]);
  });

  it('answers FENCED_LEADER_EPOCH for a current epoch below the leader\'s', async () => {
    assert.deepStrictEqual(await ask(0, 1), [ErrorCode.FENCED_LEADER_EPOCH, -1, -1n]);
    assert.deepStrictEqual(await ask(0, 3), [ErrorCode.UNKNOWN_LEADER_EPOCH, -1, -1n]);
    assert.deepStrictEqual(await ask(0, 2), [ErrorCode.NONE, 0, 10n]);
  });
});
