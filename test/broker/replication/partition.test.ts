import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ManualClock } from '../../../src/broker/clock.js';
import type { AlterPartitionIsrRequest, AlterPartitionIsrResult, PartitionState } from '../../../src/broker/metadata/metadata-store.js';
import { Partition } from '../../../src/broker/replication/partition.js';
import { DEFAULT_LOG_CONFIG } from '../../../src/broker/storage/log-config.js';
import { Log } from '../../../src/broker/storage/log.js';
import { silentLogger } from '../../../src/logging/logger.js';
import { buildRecordBatch } from '../../../src/protocol/records/index.js';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function batch(n: number): Uint8Array {
  return buildRecordBatch(
    Array.from({ length: n }, (_, i) => ({ key: null, value: Buffer.from(`v${i}`), headers: [], timestamp: 1_700_000_000_000n })),
    { producerId: -1n, producerEpoch: -1, baseSequence: -1 },
  );
}

interface Harness {
  p: Partition;
  clock: ManualClock;
  writes: AlterPartitionIsrRequest[];
  /** What the next ISR write answers (default: accepted with partition epoch + 1). */
  answer: (req: AlterPartitionIsrRequest) => AlterPartitionIsrResult;
}

function leaderPartition(state: Partial<PartitionState> = {}): Harness {
  const dir = mkdtempSync(join(tmpdir(), 'samsa-partition-'));
  dirs.push(dir);
  const clock = new ManualClock(1_000_000);
  const log = Log.open({ dir: join(dir, 't-0'), topic: 't', partition: 0, config: DEFAULT_LOG_CONFIG, recoveryPoint: 0, hadCleanShutdown: false, clock, logger: silentLogger() });
  const h: Harness = {
    p: undefined as unknown as Partition,
    clock,
    writes: [],
    answer: (req) => ({ ok: true, partitionEpoch: req.partitionEpoch + 1 }),
  };
  const full: PartitionState = { partition: 0, leader: 1, leaderEpoch: 3, replicas: [1, 2, 3], isr: [1, 2, 3], partitionEpoch: 7, ...state };
  h.p = new Partition('t', 0, 'AAAAAAAAAAAAAAAAAAAAAQ', log, full, 1, 0, silentLogger(), {
    clock,
    replicaLagTimeMaxMs: 10_000,
    alterIsr: async (_t, _p, req) => {
      h.writes.push(req);
      return h.answer(req);
    },
  });
  return h;
}

const settle = () => new Promise((r) => setImmediate(r));

describe('Partition as leader', () => {
  it('tracks a replica added under the same leader epoch (a reassignment seen in two steps) and lets it into the ISR once caught up', async () => {
    const h = leaderPartition({ replicas: [1], isr: [1] });
    h.p.appendRecordsToLeader(batch(2));
    // The cache first saw the epoch bump with the old replica list, then the new list, same epoch.
    h.p.updateState({ partition: 0, leader: 1, leaderEpoch: 4, replicas: [1], isr: [1], partitionEpoch: 8 });
    h.p.updateState({ partition: 0, leader: 1, leaderEpoch: 4, replicas: [3, 1], isr: [1], partitionEpoch: 8 });
    h.p.updateFollowerFetchState(3, 2, 2);
    await settle();
    assert.deepEqual(h.writes.map((w) => w.isr), [[1, 3]], 'the new replica is tracked and, caught up, joins the ISR');
    h.p.updateState({ partition: 0, leader: 1, leaderEpoch: 4, replicas: [1], isr: [1, 3], partitionEpoch: 9 });
    assert.equal(h.p.followerState(3), undefined, 'a replica removed from the list is forgotten');
  });

  it('moves the high watermark to the smallest log end offset of the ISR, never backwards, and wakes consumers', () => {
    const { p } = leaderPartition();
    assert.ok(p.appendRecordsToLeader(batch(5)).ok);
    assert.equal(p.highWatermark, 0, 'followers not heard from hold it');
    let woken = 0;
    p.onNextChange(() => woken++);
    p.updateFollowerFetchState(2, 5, 5);
    assert.equal(p.highWatermark, 0, 'follower 3 still unknown');
    p.updateFollowerFetchState(3, 3, 5);
    assert.equal(p.highWatermark, 3);
    assert.equal(woken, 1);
    p.updateFollowerFetchState(3, 5, 5);
    assert.equal(p.highWatermark, 5);
    // A follower's fetch at a lower offset (it truncated) does not move the high watermark back.
    p.updateFollowerFetchState(3, 4, 5);
    assert.equal(p.highWatermark, 5);
    // Consumers read up to the high watermark; followers to the log end.
    assert.ok(p.appendRecordsToLeader(batch(2)).ok);
    const consumer = p.read(5, 1 << 20, 'highWatermark', true);
    const follower = p.read(5, 1 << 20, 'logEnd', true);
    assert.ok(consumer.read.ok && follower.read.ok);
    assert.equal(consumer.read.records.length, 0);
    assert.ok(follower.read.records.length > 0);
  });

  it('shrinks the ISR after replica.lag.time.max.ms without catching up, writing it with the partition epoch', async () => {
    const h = leaderPartition();
    const { p, clock } = h;
    p.appendRecordsToLeader(batch(4));
    p.updateFollowerFetchState(2, 4, 4);
    p.updateFollowerFetchState(3, 0, 4);
    clock.advance(9_000);
    p.updateFollowerFetchState(2, 4, 4);
    p.maybeShrinkIsr();
    assert.equal(h.writes.length, 0, 'within the lag time nobody leaves');
    clock.advance(2_000);
    p.maybeShrinkIsr();
    assert.deepEqual(h.writes, [{ leaderEpoch: 3, isr: [1, 2], partitionEpoch: 7 }]);
    assert.deepEqual(p.pendingIsr, [1, 2]);
    await settle();
    assert.deepEqual(p.isr, [1, 2]);
    assert.equal(p.partitionEpoch, 8);
    assert.equal(p.pendingIsr, null);
    assert.equal(p.highWatermark, 4, 'the remaining ISR has everything');
  });

  it('keeps a follower that fetches steadily behind the log end in the ISR while it reaches what the leader had at its previous fetch', () => {
    const h = leaderPartition({ replicas: [1, 2], isr: [1, 2] });
    const { p, clock } = h;
    // 40 s of fetches every 4 s, each one record behind the log end (lag time 10 s): caught up as of
    // the previous fetch each time, so never out of sync.
    for (let i = 0; i < 10; i++) {
      p.appendRecordsToLeader(batch(1));
      const leo = p.log.logEndOffset;
      p.updateFollowerFetchState(2, leo - 1, leo);
      clock.advance(4_000);
      p.maybeShrinkIsr();
    }
    assert.equal(h.writes.length, 0);
  });

  it('expands the ISR when a follower reaches the high watermark and the leader epoch start offset', async () => {
    const h = leaderPartition({ isr: [1, 2] });
    const { p } = h;
    p.appendRecordsToLeader(batch(6));
    p.updateFollowerFetchState(2, 6, 6);
    assert.equal(p.highWatermark, 6);
    p.updateFollowerFetchState(3, 2, 6);
    assert.equal(h.writes.length, 0, 'below the high watermark');
    p.updateFollowerFetchState(3, 6, 6);
    assert.deepEqual(h.writes, [{ leaderEpoch: 3, isr: [1, 2, 3], partitionEpoch: 7 }]);
    await settle();
    assert.deepEqual(p.isr, [1, 2, 3]);
  });

  it('does not take a follower into the ISR before it reaches the offset where this leader epoch began', () => {
    const h = leaderPartition({ leader: 2, isr: [2, 3] });
    const { p } = h;
    // Broker 1 was a follower with 3 records, then becomes leader in epoch 4.
    p.appendRecordsAsFollower(leaderBatch(3, 0, 3));
    p.updateState({ partition: 0, leader: 1, leaderEpoch: 4, replicas: [1, 2, 3], isr: [1, 2], partitionEpoch: 9 });
    assert.equal(p.leaderEpochStartOffset, 3);
    assert.equal(p.highWatermark, 0, 'its high watermark as follower was 0');
    // Follower 3 is at the high watermark but below where epoch 4 began: not in sync yet.
    p.updateFollowerFetchState(3, 1, 3);
    assert.equal(h.writes.length, 0);
    p.updateFollowerFetchState(3, 3, 3);
    assert.deepEqual(h.writes, [{ leaderEpoch: 4, isr: [1, 2, 3], partitionEpoch: 9 }]);
  });

  it('keeps the ISR as it is when the write is refused for a stale partition epoch, and the metadata then decides', async () => {
    const h = leaderPartition({ isr: [1, 2] });
    h.answer = () => ({ ok: false, error: 'INVALID_UPDATE_VERSION', message: 'stale' });
    const { p } = h;
    p.updateFollowerFetchState(3, 0, 0);
    assert.equal(h.writes.length, 1);
    await settle();
    assert.deepEqual(p.isr, [1, 2]);
    assert.equal(p.pendingIsr, null);
    // An older view of the state (the cache before this leader's write) is ignored; a newer one applies.
    p.updateState({ partition: 0, leader: 1, leaderEpoch: 3, replicas: [1, 2, 3], isr: [1], partitionEpoch: 6 });
    assert.deepEqual(p.isr, [1, 2]);
    p.updateState({ partition: 0, leader: 1, leaderEpoch: 3, replicas: [1, 2, 3], isr: [1, 2, 3], partitionEpoch: 8 });
    assert.deepEqual(p.isr, [1, 2, 3]);
    assert.equal(p.partitionEpoch, 8);
  });

  it('refuses acks=all appends when the ISR is below min.insync.replicas', () => {
    const { p } = leaderPartition({ isr: [1] });
    p.minInsyncReplicas = 2;
    const refused = p.appendRecordsToLeader(batch(1), -1);
    assert.equal(refused.ok, false);
    assert.equal(!refused.ok && refused.error, 'NOT_ENOUGH_REPLICAS');
    assert.ok(p.appendRecordsToLeader(batch(1), 1).ok, 'acks=1 ignores min.insync.replicas');
    assert.equal(p.highWatermark, 1, 'a leader alone in the ISR commits at once');
  });

  it('wakes each change waiter once, in order; a waiter registering again waits for the next change; a cancelled one is not woken', () => {
    const { p } = leaderPartition({ isr: [1] });
    const calls: string[] = [];
    p.onNextChange(() => calls.push('a'));
    const cancelB = p.onNextChange(() => calls.push('b'));
    const again = (): void => {
      calls.push('c');
      p.onNextChange(again);
    };
    p.onNextChange(again);
    const follower: string[] = [];
    p.onNextChange(() => follower.push('append'), 'logEnd');
    cancelB();
    assert.ok(p.appendRecordsToLeader(batch(1)).ok);
    assert.deepEqual(calls, ['a', 'c'], 'the high watermark moved: b was cancelled, a and c ran once');
    assert.deepEqual(follower, ['append'], 'the append woke the log-end waiter');
    cancelB();
    assert.ok(p.appendRecordsToLeader(batch(1)).ok);
    assert.deepEqual(calls, ['a', 'c', 'c'], 'only the waiter that registered again ran');
    assert.deepEqual(follower, ['append'], 'a woken log-end waiter is not woken again');
    const cancelled: string[] = [];
    const cancelD = p.onNextChange(() => cancelled.push('d'));
    p.onNextChange(() => {
      cancelled.push('e');
      cancelD();
    });
    p.wakeAll();
    assert.deepEqual(cancelled, ['d', 'e'], 'waiters already taken off the list run even when one cancels another');
  });
});

/** A batch as a leader wrote it: offsets from `base`, stamped with `epoch`. */
function leaderBatch(n: number, base: number, epoch: number): Uint8Array {
  return buildRecordBatch(
    Array.from({ length: n }, (_, i) => ({ key: null, value: Buffer.from(`v${i}`), headers: [], timestamp: 1_700_000_000_000n })),
    { producerId: -1n, producerEpoch: -1, baseSequence: -1, baseOffset: BigInt(base), partitionLeaderEpoch: epoch },
  );
}
