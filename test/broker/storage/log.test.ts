import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ManualClock } from '../../../src/broker/clock.js';
import type { LogConfig } from '../../../src/broker/storage/log-config.js';
import { Log, type AppendResult } from '../../../src/broker/storage/log.js';
import { buildRecordBatch, decodeRecordBatches, readPartitionLeaderEpoch, validateBatches } from '../../../src/protocol/records/index.js';
import { batch, concat, config, logger, tempDir } from './storage-test-helpers.js';

function open(dir: string, cfg: Partial<LogConfig> = {}, clock = new ManualClock(1_000_000), extra: { recoveryPoint?: number; hadCleanShutdown?: boolean; logStartOffset?: number } = {}): Log {
  return Log.open({
    dir,
    topic: 'orders',
    partition: 0,
    config: config(cfg),
    recoveryPoint: extra.recoveryPoint ?? 0,
    logStartOffset: extra.logStartOffset,
    hadCleanShutdown: extra.hadCleanShutdown ?? true,
    clock,
    logger,
  });
}

function ok(r: AppendResult): Extract<AppendResult, { ok: true }> {
  if (!r.ok) assert.fail(`append failed: ${r.error} ${r.message}`);
  return r;
}

function readAll(log: Log, from = log.logStartOffset): bigint[] {
  const offsets: bigint[] = [];
  let next = from;
  while (next < log.logEndOffset) {
    const r = log.read(next, 1 << 20, Number.MAX_SAFE_INTEGER, true);
    assert.ok(r.ok);
    if (r.records.length === 0) break;
    for (const b of decodeRecordBatches(r.records)) for (const rec of b.records) if (rec.offset >= BigInt(next)) offsets.push(rec.offset);
    next = Number(offsets[offsets.length - 1]!) + 1;
  }
  return offsets;
}

describe('Log appends and reads', () => {
  test('round trip: served bytes are the appended bytes with offsets and epoch assigned', () => {
    const log = open(tempDir());
    const b1 = batch({ count: 3 });
    const r1 = ok(log.appendAsLeader(b1, 7));
    assert.deepEqual([r1.firstOffset, r1.lastOffset, r1.recordCount, r1.duplicate, r1.logAppendTime], [0, 2, 3, false, -1]);
    const b2 = batch({ count: 2 });
    const r2 = ok(log.appendAsLeader(b2, 7));
    assert.deepEqual([r2.firstOffset, r2.lastOffset], [3, 4]);
    assert.equal(log.logEndOffset, 5);
    const read = log.read(0, 1 << 20, 5, false);
    assert.ok(read.ok);
    assert.deepEqual(Buffer.from(read.records), Buffer.concat([b1, b2]));
    assert.equal(readPartitionLeaderEpoch(read.records, 0), 7);
    const decoded = decodeRecordBatches(read.records);
    assert.deepEqual(decoded.flatMap((b) => b.records.map((r) => r.offset)), [0n, 1n, 2n, 3n, 4n]);
    // Reading from the middle of a batch starts at that batch.
    const mid = log.read(4, 1 << 20, 5, false);
    assert.ok(mid.ok);
    assert.equal(mid.firstOffset, 3);
    // Empty reads at the end; out of range beyond it.
    const atEnd = log.read(5, 1 << 20, 5, false);
    assert.ok(atEnd.ok && atEnd.records.length === 0);
    const beyond = log.read(6, 1 << 20, 5, false);
    assert.equal(beyond.ok === false && beyond.error, 'OFFSET_OUT_OF_RANGE');
    // The high watermark bounds the read.
    const bounded = log.read(0, 1 << 20, 3, false);
    assert.ok(bounded.ok);
    assert.equal(validateBatches(bounded.records).lastOffset, 2n);
    log.close();
  });

  test('offsets across many batches and segments; every offset is readable through the indexes', () => {
    const log = open(tempDir(), { segmentBytes: 16 * 1024, indexIntervalBytes: 512 });
    let expected = 0;
    for (let i = 0; i < 400; i++) {
      const n = 1 + (i % 5);
      const r = ok(log.appendAsLeader(batch({ count: n, valueSize: 30 }), 0));
      assert.equal(r.firstOffset, expected);
      expected += n;
    }
    assert.equal(log.logEndOffset, expected);
    assert.ok(log.numberOfSegments > 3, `segments: ${log.numberOfSegments}`);
    for (const target of [0, 1, 17, 333, 599, expected - 1]) {
      const r = log.read(target, 200, expected, true);
      assert.ok(r.ok);
      const [first] = decodeRecordBatches(r.records);
      assert.ok(first!.header.baseOffset <= BigInt(target) && BigInt(target) <= first!.header.baseOffset + BigInt(first!.header.lastOffsetDelta), `target ${target}`);
    }
    assert.equal(readAll(log).length, expected);
    log.close();
  });

  test('maxBytes and minOneMessage', () => {
    const log = open(tempDir());
    const sizes = [batch({ count: 2, valueSize: 100 }), batch({ count: 2, valueSize: 100 })].map((b) => {
      ok(log.appendAsLeader(b, 0));
      return b.length;
    });
    const none = log.read(0, sizes[0]! - 1, 100, false);
    assert.ok(none.ok && none.records.length === 0);
    const one = log.read(0, sizes[0]! - 1, 100, true);
    assert.ok(one.ok && one.records.length === sizes[0]);
    const both = log.read(0, sizes[0]! + sizes[1]! - 1, 100, true);
    assert.ok(both.ok && both.records.length === sizes[0]);
    log.close();
  });

  test('validation errors', () => {
    const log = open(tempDir(), { maxMessageBytes: 500, segmentBytes: 2000 });
    const corrupt = batch();
    corrupt[corrupt.length - 1] ^= 1;
    assert.equal((log.appendAsLeader(corrupt, 0) as { error: string }).error, 'CORRUPT_MESSAGE');
    assert.equal((log.appendAsLeader(batch().subarray(0, 40), 0) as { error: string }).error, 'CORRUPT_MESSAGE');
    assert.equal((log.appendAsLeader(batch({ valueSize: 600 }), 0) as { error: string }).error, 'MESSAGE_TOO_LARGE');
    assert.equal((log.appendAsLeader(batch({ baseOffset: 5n }), 0) as { error: string }).error, 'INVALID_RECORD');
    assert.equal((log.appendAsLeader(new Uint8Array(0), 0) as { error: string }).error, 'INVALID_RECORD');
    const five = concat(...Array.from({ length: 5 }, () => batch({ valueSize: 400 })));
    assert.equal((log.appendAsLeader(five, 0) as { error: string }).error, 'RECORD_LIST_TOO_LARGE');
    assert.equal((log.appendAsLeader(concat(batch({ compression: 1 }), batch({ compression: 1 })), 0) as { error: string }).error, 'INVALID_RECORD');
    assert.equal((log.appendAsLeader(batch({ producerId: 5n, producerEpoch: 0, baseSequence: -1 }), 0) as { error: string }).error, 'INVALID_RECORD');
    assert.equal(log.logEndOffset, 0);
    log.close();
  });

  test('LogAppendTime stamps the broker time', () => {
    const clock = new ManualClock(1_700_000_000_000);
    const log = open(tempDir(), { messageTimestampType: 'LogAppendTime' }, clock);
    const r = ok(log.appendAsLeader(batch({ count: 2, ts: 5 }), 0));
    assert.equal(r.logAppendTime, 1_700_000_000_000);
    const read = log.read(0, 1 << 20, 10, false);
    assert.ok(read.ok);
    const [b] = decodeRecordBatches(read.records); // CRC is valid after the rewrite
    assert.equal(b!.header.timestampType, 'LogAppendTime');
    assert.deepEqual(b!.records.map((x) => x.timestamp), [1_700_000_000_000n, 1_700_000_000_000n]);
    log.close();
  });

  test('INVALID_TIMESTAMP with message.timestamp.after.max.ms', () => {
    const clock = new ManualClock(10_000);
    const log = open(tempDir(), { messageTimestampAfterMaxMs: 1000, messageTimestampBeforeMaxMs: 5000 }, clock);
    assert.equal((log.appendAsLeader(batch({ ts: 20_000 }), 0) as { error: string }).error, 'INVALID_TIMESTAMP');
    assert.equal((log.appendAsLeader(batch({ ts: 1_000 }), 0) as { error: string }).error, 'INVALID_TIMESTAMP');
    ok(log.appendAsLeader(batch({ ts: 10_500 }), 0));
    log.close();
  });

  test('onAppend fires after each append', () => {
    const log = open(tempDir());
    let calls = 0;
    log.onAppend = () => calls++;
    ok(log.appendAsLeader(batch(), 0));
    log.appendAsLeader(new Uint8Array(3), 0);
    assert.equal(calls, 1);
    log.close();
  });

  test('appendAsFollower keeps offsets and epochs, refuses going backwards', () => {
    const log = open(tempDir());
    const b = batch({ count: 3, baseOffset: 10n, partitionLeaderEpoch: 4 });
    const r = ok(log.appendAsFollower(b));
    assert.deepEqual([r.firstOffset, r.lastOffset], [10, 12]);
    assert.equal(log.logEndOffset, 13);
    assert.deepEqual(log.endOffsetForEpoch(4), { epoch: 4, endOffset: 13 });
    assert.deepEqual(log.endOffsetForEpoch(2), { epoch: 2, endOffset: 10 });
    assert.equal((log.appendAsFollower(batch({ baseOffset: 11n })) as { error: string }).error, 'INVALID_RECORD');
    log.close();
  });

  test('a follower batch beyond the Int32 relative range of the active segment rolls a new segment at its offset', () => {
    const log = open(tempDir());
    ok(log.appendAsFollower(batch({ count: 2, baseOffset: 0n })));
    const far = 2 ** 31 + 10;
    ok(log.appendAsFollower(batch({ count: 2, baseOffset: BigInt(far) })));
    assert.deepEqual(log.segmentBaseOffsets(), [0, far]);
    assert.equal(log.logEndOffset, far + 2);
    const r = log.read(5, 1 << 20, far + 2, false);
    assert.ok(r.ok);
    assert.equal(r.firstOffset, far);
    log.close();
  });

  test('a closed log refuses appends with KAFKA_STORAGE_ERROR; configs can be updated', () => {
    const log = open(tempDir(), { segmentBytes: 100_000 });
    ok(log.appendAsLeader(batch({ valueSize: 300 }), 0));
    log.updateConfig(config({ segmentBytes: 500 }));
    ok(log.appendAsLeader(batch({ valueSize: 300 }), 0));
    assert.equal(log.numberOfSegments, 2);
    assert.equal(log.config.segmentBytes, 500);
    log.close();
    const r = log.appendAsLeader(batch(), 0);
    assert.equal(!r.ok && r.error, 'KAFKA_STORAGE_ERROR');
  });

  test('leader epochs are recorded as they change', () => {
    const dir = tempDir();
    const log = open(dir);
    ok(log.appendAsLeader(batch({ count: 2 }), 1));
    ok(log.appendAsLeader(batch({ count: 2 }), 1));
    ok(log.appendAsLeader(batch({ count: 2 }), 3));
    assert.equal(readFileSync(join(dir, 'leader-epoch-checkpoint'), 'utf8'), '0\n2\n1 0\n3 4\n');
    assert.deepEqual(log.endOffsetForEpoch(1), { epoch: 1, endOffset: 4 });
    assert.deepEqual(log.endOffsetForEpoch(3), { epoch: 3, endOffset: 6 });
    log.close();
  });
});

describe('Log segments: roll, retention, DeleteRecords, timestamps', () => {
  test('rolls by size, by segment.ms and when the index is full', () => {
    const clock = new ManualClock(0);
    const bySize = open(tempDir(), { segmentBytes: 1000 }, clock);
    for (let i = 0; i < 10; i++) ok(bySize.appendAsLeader(batch({ valueSize: 200 }), 0));
    assert.ok(bySize.numberOfSegments >= 3);
    assert.ok(bySize.segmentBaseOffsets().every((b, i, a) => i === 0 || b > a[i - 1]!));
    bySize.close();

    const dir = tempDir();
    const byTime = open(dir, { segmentMs: 60_000 }, clock);
    ok(byTime.appendAsLeader(batch({ ts: 1000 }), 0));
    ok(byTime.appendAsLeader(batch({ ts: 60_000 }), 0));
    assert.equal(byTime.numberOfSegments, 1);
    ok(byTime.appendAsLeader(batch({ ts: 61_001 }), 0));
    assert.deepEqual(byTime.segmentBaseOffsets(), [0, 2]);
    // A snapshot of the producer state is taken at each roll.
    assert.ok(readdirSync(dir).includes('00000000000000000002.snapshot'));
    byTime.close();

    const byIndex = open(tempDir(), { segmentIndexBytes: 24, indexIntervalBytes: 1 }, clock);
    for (let i = 0; i < 12; i++) ok(byIndex.appendAsLeader(batch(), 0));
    assert.ok(byIndex.numberOfSegments >= 3, `segments ${byIndex.numberOfSegments}`);
    assert.equal(readAll(byIndex).length, 12);
    byIndex.close();
  });

  test('retention by time deletes whole expired segments, including the active one after a roll', () => {
    const clock = new ManualClock(0);
    const log = open(tempDir(), { segmentBytes: 600, retentionMs: 10_000 }, clock);
    for (let i = 0; i < 12; i++) ok(log.appendAsLeader(batch({ valueSize: 150, ts: i * 1000 }), 0));
    const segments = log.numberOfSegments;
    assert.ok(segments >= 4);
    assert.equal(log.applyRetention(5_000), 0);
    // At 15_500 batches with ts <= 5_000 are expired; a segment goes only when all its batches are.
    const deleted = log.applyRetention(15_500);
    assert.ok(deleted > 0 && deleted < segments);
    assert.equal(log.logStartOffset, log.segmentBaseOffsets()[0]);
    const first = log.read(log.logStartOffset, 1 << 20, 100, true);
    assert.ok(first.ok);
    const [b] = decodeRecordBatches(first.records);
    assert.ok(b!.header.maxTimestamp > 5_000n - 2000n);
    const below = log.read(0, 100, 100, true);
    assert.equal(below.ok, false);
    // Everything expired: the active segment is rolled and deleted as well.
    log.applyRetention(100_000);
    assert.equal(log.numberOfSegments, 1);
    assert.equal(log.logStartOffset, 12);
    assert.equal(log.logEndOffset, 12);
    ok(log.appendAsLeader(batch(), 0));
    assert.equal(log.logEndOffset, 13);
    log.close();
  });

  test('retention by bytes keeps the newest segments under retention.bytes', () => {
    const log = open(tempDir(), { segmentBytes: 600, retentionBytes: 1500, retentionMs: -1 });
    for (let i = 0; i < 20; i++) ok(log.appendAsLeader(batch({ valueSize: 150 }), 0));
    const before = log.size;
    assert.ok(before > 1500);
    assert.ok(log.applyRetention(0) > 0);
    assert.ok(log.size <= 1500 + 600, `size ${log.size}`);
    assert.ok(log.size > 0);
    assert.equal(log.logEndOffset, 20);
    assert.equal(readAll(log).length, 20 - log.logStartOffset);
    log.close();
  });

  test('retention stops at the high watermark', () => {
    const log = open(tempDir(), { segmentBytes: 600, retentionMs: 10 });
    for (let i = 0; i < 10; i++) ok(log.appendAsLeader(batch({ valueSize: 150, ts: 0 }), 0));
    const bases = log.segmentBaseOffsets();
    log.applyRetention(1_000_000, bases[1]!);
    assert.equal(log.logStartOffset, bases[1]);
    log.close();
  });

  test('DeleteRecords moves the log start offset and drops whole segments below it', () => {
    const dir = tempDir();
    const log = open(dir, { segmentBytes: 600 });
    for (let i = 0; i < 10; i++) ok(log.appendAsLeader(batch({ count: 2, valueSize: 100 }), 0));
    const bases = log.segmentBaseOffsets();
    const target = bases[2]! + 1;
    log.deleteRecordsBefore(target);
    assert.equal(log.logStartOffset, target);
    assert.deepEqual(log.segmentBaseOffsets(), bases.slice(2));
    const r = log.read(target - 1, 100, 100, true);
    assert.equal(r.ok === false && r.error, 'OFFSET_OUT_OF_RANGE');
    const okRead = log.read(target, 1000, 100, true);
    assert.ok(okRead.ok && okRead.records.length > 0);
    assert.throws(() => log.deleteRecordsBefore(1000), RangeError);
    const r2 = ok(log.appendAsLeader(batch(), 0));
    assert.equal(r2.logStartOffset, target);
    log.deleteRecordsBefore(log.logEndOffset);
    assert.equal(log.logStartOffset, log.logEndOffset);
    log.close();
    const reopened = open(dir, { segmentBytes: 600 }, undefined, { logStartOffset: 21 });
    assert.equal(reopened.logStartOffset, 21);
    reopened.close();
  });

  test('ListOffsets by timestamp and max timestamp', () => {
    const log = open(tempDir(), { segmentBytes: 800, indexIntervalBytes: 100 });
    // Batch i holds 3 records with timestamps 1000*i + 0, 10, 20.
    for (let i = 0; i < 30; i++) {
      const recs = [0, 10, 20].map((d) => ({ value: Buffer.from('v'), timestamp: BigInt(1000 * i + d) }));
      ok(log.appendAsLeader(buildRecordBatch(recs, { baseOffset: 0n }), 0));
    }
    assert.deepEqual(log.fetchOffsetByTimestamp(0), { offset: 0, timestamp: 0 });
    assert.deepEqual(log.fetchOffsetByTimestamp(5005), { offset: 16, timestamp: 5010 });
    assert.deepEqual(log.fetchOffsetByTimestamp(5011), { offset: 17, timestamp: 5020 });
    assert.deepEqual(log.fetchOffsetByTimestamp(5021), { offset: 18, timestamp: 6000 });
    assert.deepEqual(log.fetchOffsetByTimestamp(29_020), { offset: 89, timestamp: 29_020 });
    assert.equal(log.fetchOffsetByTimestamp(29_021), null);
    assert.deepEqual(log.maxTimestampAndOffset(), { offset: 89, timestamp: 29_020 });
    log.deleteRecordsBefore(40);
    assert.deepEqual(log.fetchOffsetByTimestamp(0), { offset: 40, timestamp: 13_010 });
    log.close();
  });
});
