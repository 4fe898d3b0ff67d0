import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MetadataStore } from '../../../src/broker/metadata/metadata-store.js';
import type { Partition } from '../../../src/broker/replication/partition.js';
import { ReplicaFetcherManager } from '../../../src/broker/replication/replica-fetcher-manager.js';
import { wholeBatches } from '../../../src/broker/replication/replica-fetcher.js';
import type { PartitionRoleListener, ReplicaManager } from '../../../src/broker/replication/replica-manager.js';
import { silentLogger } from '../../../src/logging/logger.js';
import { buildRecordBatch } from '../../../src/protocol/records/index.js';

describe('wholeBatches', () => {
  const one = buildRecordBatch([{ key: null, value: Buffer.from('a'), headers: [] }], {});
  const two = buildRecordBatch([{ key: null, value: Buffer.from('bb'), headers: [] }], { baseOffset: 1n });
  const both = Buffer.concat([one, two]);

  it('keeps complete batches as the same memory and drops a trailing partial batch', () => {
    assert.equal(wholeBatches(both), both);
    for (const cut of [both.length - 1, one.length + 12, one.length + 5]) {
      const trimmed = wholeBatches(both.subarray(0, cut));
      assert.equal(trimmed.length, one.length, `cut at ${cut}`);
      assert.equal(trimmed.buffer, both.buffer, 'a view, not a copy');
    }
    assert.equal(wholeBatches(both.subarray(0, 10)).length, 0);
    assert.equal(wholeBatches(new Uint8Array(0)).length, 0);
  });
});

describe('ReplicaFetcherManager', () => {
  const follower = (topic: string, index: number, leader: number) =>
    ({ topic, index, leader, leaderEpoch: 0, topicId: 'AAAAAAAAAAAAAAAAAAAAAA', highWatermark: 0, isFollower: () => true, log: { logEndOffset: 0, logStartOffset: 0, latestEpoch: -1 } }) as unknown as Partition;

  it('puts each partition in the fetcher of (its leader, Kafka’s hash of topic and partition mod num.replica.fetchers) and closes fetchers left empty', async () => {
    let listener: PartitionRoleListener | null = null;
    const replicaManager = { addRoleListener: (l: PartitionRoleListener) => ((listener = l), () => (listener = null)) } as unknown as ReplicaManager;
    const metadata = { brokers: () => [] } as unknown as MetadataStore;
    const manager = new ReplicaFetcherManager({ nodeId: 3, metadata, replicaManager, numFetchers: 2, fetchBackoffMs: 10, logger: silentLogger() });
    manager.start();
    // 31 * "a".hashCode() = 3007: partition 0 goes to fetcher 1, partition 1 to fetcher 0.
    const a0 = follower('a', 0, 1);
    const a1 = follower('a', 1, 1);
    const b0 = follower('b', 0, 2);
    for (const p of [a0, a1, b0]) listener!.becameFollower(p);
    assert.deepEqual(manager.fetcherKeys(), ['1:0', '1:1', '2:0']);
    assert.deepEqual(manager.fetcherOf(a0)!.partitionStates().map((s) => s.state), ['truncating']);
    // a0's leader moves to broker 2: it leaves fetcher 1:1, which closes.
    (a0 as { leader: number }).leader = 2;
    listener!.becameFollower(a0);
    assert.deepEqual(manager.fetcherKeys(), ['1:0', '2:0', '2:1']);
    listener!.stoppedFollowing(a1, false);
    assert.deepEqual(manager.fetcherKeys(), ['2:0', '2:1']);
    await manager.close();
    assert.deepEqual(manager.fetcherKeys(), []);
    assert.equal(listener, null);
  });
});
