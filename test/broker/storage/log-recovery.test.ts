import assert from 'node:assert/strict';
import { appendFileSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ManualClock } from '../../../src/broker/clock.js';
import type { LogConfig } from '../../../src/broker/storage/log-config.js';
import { Log, type AppendResult } from '../../../src/broker/storage/log.js';
import { decodeRecordBatches } from '../../../src/protocol/records/index.js';
import { batch, config, logger, tempDir } from './storage-test-helpers.js';

interface OpenExtra {
  recoveryPoint?: number;
  hadCleanShutdown?: boolean;
  logStartOffset?: number;
}

function open(dir: string, cfg: Partial<LogConfig> = {}, extra: OpenExtra = {}): Log {
  return Log.open({
    dir,
    topic: 'orders',
    partition: 3,
    topicId: 'AAAAAAAAAAAAAAAAAAAAAQ',
    config: config(cfg),
    recoveryPoint: extra.recoveryPoint ?? 0,
    logStartOffset: extra.logStartOffset,
    hadCleanShutdown: extra.hadCleanShutdown ?? true,
    clock: new ManualClock(1_000_000),
    logger,
  });
}

function ok(r: AppendResult): Extract<AppendResult, { ok: true }> {
  if (!r.ok) assert.fail(`append failed: ${r.error} ${r.message}`);
  return r;
}

function allOffsets(log: Log): bigint[] {
  const r = log.read(log.logStartOffset, 64 << 20, Number.MAX_SAFE_INTEGER, true);
  assert.ok(r.ok);
  const out: bigint[] = [];
  // Reads come from one segment at a time: keep going.
  let records = r.records;
  let next = log.logStartOffset;
  for (;;) {
    const batches = decodeRecordBatches(records);
    if (batches.length === 0) break;
    for (const b of batches) for (const rec of b.records) out.push(rec.offset);
    next = Number(out[out.length - 1]!) + 1;
    if (next >= log.logEndOffset) break;
    const more = log.read(next, 64 << 20, Number.MAX_SAFE_INTEGER, true);
    assert.ok(more.ok);
    records = more.records;
  }
  return out;
}

function fill(log: Log, batches: number, count = 3): void {
  for (let i = 0; i < batches; i++) ok(log.appendAsLeader(batch({ count, valueSize: 60, ts: 1000 + i }), 0));
}

function segmentFiles(dir: string, suffix: string): string[] {
  return readdirSync(dir).filter((n) => n.endsWith(suffix)).sort();
}

const small: Partial<LogConfig> = { segmentBytes: 4000, indexIntervalBytes: 300, segmentIndexBytes: 4096 };

describe('Log reopen and recovery', () => {
  test('reopen after a clean close restores the same state; index files are trimmed', () => {
    const dir = tempDir();
    const log = open(dir, small);
    fill(log, 100);
    log.deleteRecordsBefore(30);
    const state = { lso: log.logStartOffset, leo: log.logEndOffset, segments: log.segmentBaseOffsets(), offsets: allOffsets(log) };
    log.close();
    for (const f of segmentFiles(dir, '.index')) assert.equal(statSync(join(dir, f)).size % 8, 0);
    assert.ok(statSync(join(dir, segmentFiles(dir, '.index').at(-1)!)).size < 4096);
    assert.equal(readFileSync(join(dir, 'partition.metadata'), 'utf8'), 'version: 0\ntopic_id: AAAAAAAAAAAAAAAAAAAAAQ');
    const again = open(dir, small, { logStartOffset: state.lso, recoveryPoint: state.leo });
    assert.equal(again.topicId, 'AAAAAAAAAAAAAAAAAAAAAQ');
    assert.deepEqual({ lso: again.logStartOffset, leo: again.logEndOffset, segments: again.segmentBaseOffsets(), offsets: allOffsets(again) }, state);
    assert.equal(again.recoveryPoint, state.leo);
    assert.equal(ok(again.appendAsLeader(batch(), 0)).firstOffset, state.leo);
    again.close();
    assert.throws(
      () => Log.open({ dir, topic: 'orders', partition: 3, topicId: 'AAAAAAAAAAAAAAAAAAAAAg', config: config(), recoveryPoint: 0, hadCleanShutdown: true, clock: new ManualClock(), logger }),
      /INCONSISTENT_TOPIC_ID/,
    );
  });

  test('crash with a torn last batch: recovery keeps every whole batch and rebuilds the indexes', () => {
    const dir = tempDir();
    const log = open(dir, small);
    fill(log, 60);
    const leo = log.logEndOffset;
    // Simulated crash: the log object is abandoned (no close, index files stay preallocated).
    const lastLog = segmentFiles(dir, '.log').at(-1)!;
    const size = statSync(join(dir, lastLog)).size;
    truncateSync(join(dir, lastLog), size - 7);
    const again = open(dir, small, { hadCleanShutdown: false, recoveryPoint: 0 });
    assert.equal(again.logEndOffset, leo - 3);
    assert.deepEqual(allOffsets(again), Array.from({ length: leo - 3 }, (_, i) => BigInt(i)));
    assert.equal(again.recoveryPoint, leo - 3);
    assert.equal(ok(again.appendAsLeader(batch(), 0)).firstOffset, leo - 3);
    again.close();
    log.closeHandles();
  });

  test('recovery rebuilds indexes larger than a since-reduced segment.index.bytes', () => {
    const dir = tempDir();
    const log = open(dir, { ...small, segmentBytes: 1 << 20 });
    fill(log, 60);
    const tiny = { ...small, segmentBytes: 1 << 20, segmentIndexBytes: 16 };
    const again = open(dir, tiny, { hadCleanShutdown: false, recoveryPoint: 0 });
    assert.equal(again.logEndOffset, 180);
    ok(again.appendAsLeader(batch(), 0));
    assert.equal(again.numberOfSegments, 2, 'the full index forces a roll');
    assert.equal(allOffsets(again).length, 181);
    again.close();
    log.closeHandles();
  });

  test('garbage after the last batch is cut off', () => {
    const dir = tempDir();
    const log = open(dir, small);
    fill(log, 10);
    log.close();
    const lastLog = join(dir, segmentFiles(dir, '.log').at(-1)!);
    appendFileSync(lastLog, Buffer.alloc(500, 0xab));
    const again = open(dir, small, { hadCleanShutdown: false, recoveryPoint: 0 });
    assert.equal(again.logEndOffset, 30);
    assert.equal(statSync(lastLog).size, again.size);
    again.close();
  });

  test('a corrupted batch in the unflushed part truncates there and drops later segments', () => {
    const dir = tempDir();
    const log = open(dir, small);
    fill(log, 80);
    const bases = log.segmentBaseOffsets();
    assert.ok(bases.length >= 4);
    log.close();
    // Flip a byte in the middle of the second-to-last segment; the recovery point is before it.
    const victim = join(dir, segmentFiles(dir, '.log').at(-2)!);
    const bytes = readFileSync(victim);
    bytes[Math.floor(bytes.length / 2)] ^= 0xff;
    writeFileSync(victim, bytes);
    const again = open(dir, small, { hadCleanShutdown: false, recoveryPoint: bases.at(-2)! });
    assert.deepEqual(again.segmentBaseOffsets(), bases.slice(0, -1));
    assert.ok(again.logEndOffset > bases.at(-2)! && again.logEndOffset < bases.at(-1)!);
    const offsets = allOffsets(again);
    assert.equal(offsets.length, again.logEndOffset);
    again.close();
  });

  test('segments below the recovery point are not re-validated after an unclean stop', () => {
    const dir = tempDir();
    const log = open(dir, small);
    fill(log, 80);
    const bases = log.segmentBaseOffsets();
    log.close();
    const first = join(dir, segmentFiles(dir, '.log')[0]!);
    const bytes = readFileSync(first);
    bytes[bytes.length - 5] ^= 0xff; // inside the CRC-covered records of the last batch of segment 0
    writeFileSync(first, bytes);
    const again = open(dir, small, { hadCleanShutdown: false, recoveryPoint: bases.at(-1)! });
    assert.equal(again.logEndOffset, 240);
    again.close();
  });

  test('missing or corrupt index files are rebuilt, even after a clean shutdown', () => {
    const dir = tempDir();
    const log = open(dir, small);
    fill(log, 80);
    log.close();
    const indexes = segmentFiles(dir, '.index');
    rmSync(join(dir, indexes[0]!));
    rmSync(join(dir, segmentFiles(dir, '.timeindex')[1]!));
    const bad = Buffer.alloc(16);
    bad.writeInt32BE(50, 0);
    bad.writeInt32BE(100, 4);
    bad.writeInt32BE(10, 8);
    bad.writeInt32BE(200, 12);
    writeFileSync(join(dir, indexes[2]!), bad);
    // Well-ordered entries that point into the middle of batches: found on first use.
    const base3 = Number(indexes[3]!.slice(0, 20));
    const wrong = Buffer.alloc(16);
    wrong.writeInt32BE(2, 0);
    wrong.writeInt32BE(7, 4);
    wrong.writeInt32BE(5, 8);
    wrong.writeInt32BE(13, 12);
    writeFileSync(join(dir, indexes[3]!), wrong);
    // An orphan index and leftovers of an interrupted deletion are removed.
    writeFileSync(join(dir, '00000000000099999999.index'), Buffer.alloc(8));
    writeFileSync(join(dir, '00000000000000000000.log.deleted'), 'x');
    const again = open(dir, small);
    assert.ok(statSync(join(dir, indexes[0]!)).size > 0);
    assert.equal(readdirSync(dir).some((n) => n.startsWith('00000000000099999999') || n.endsWith('.deleted')), false);
    assert.equal(allOffsets(again).length, 240);
    for (const target of [0, 100, 200, 239, base3, base3 + 4, base3 + 8]) {
      const r = again.read(target, 100, 240, true);
      assert.ok(r.ok);
      const [b] = decodeRecordBatches(r.records);
      assert.ok(b!.header.baseOffset <= BigInt(target) && BigInt(target) < b!.header.baseOffset + 3n);
    }
    assert.deepEqual(again.fetchOffsetByTimestamp(1050), { offset: 150, timestamp: 1050 });
    again.close();
  });

  test('truncateTo removes whole batches and later segments; appends continue there', () => {
    const dir = tempDir();
    const log = open(dir, small);
    fill(log, 40);
    ok(log.appendAsLeader(batch({ count: 3 }), 2));
    const bases = log.segmentBaseOffsets();
    log.truncateTo(bases[1]! + 4); // inside the second batch of segment 1: it goes
    assert.equal(log.logEndOffset, bases[1]! + 3);
    assert.deepEqual(log.segmentBaseOffsets(), bases.slice(0, 2));
    assert.equal(log.latestEpoch, 0);
    assert.equal(ok(log.appendAsLeader(batch(), 0)).firstOffset, bases[1]! + 3);
    log.truncateTo(0);
    assert.equal(log.logEndOffset, 0);
    assert.deepEqual(log.segmentBaseOffsets(), [0]);
    fill(log, 2);
    log.close();
    const again = open(dir, small);
    assert.equal(again.logEndOffset, 6);
    again.close();
  });
});

describe('Log idempotent producers', () => {
  const pid = { producerId: 1000n, producerEpoch: 0 };

  test('a retried batch is a duplicate: original offsets, nothing appended', () => {
    const log = open(tempDir());
    ok(log.appendAsLeader(batch({ count: 2 }), 0));
    const first = ok(log.appendAsLeader(batch({ ...pid, baseSequence: 0, count: 3 }), 0));
    assert.deepEqual([first.firstOffset, first.lastOffset], [2, 4]);
    const second = ok(log.appendAsLeader(batch({ ...pid, baseSequence: 3, count: 2 }), 0));
    const retry = ok(log.appendAsLeader(batch({ ...pid, baseSequence: 0, count: 3 }), 0));
    assert.deepEqual([retry.firstOffset, retry.lastOffset, retry.duplicate, retry.recordCount], [2, 4, true, 0]);
    assert.equal(log.logEndOffset, second.lastOffset + 1);
    log.close();
  });

  test('sequence gaps and stale epochs are refused', () => {
    const log = open(tempDir());
    ok(log.appendAsLeader(batch({ ...pid, baseSequence: 0, count: 3 }), 0));
    const gap = log.appendAsLeader(batch({ ...pid, baseSequence: 5 }), 0);
    assert.equal(!gap.ok && gap.error, 'OUT_OF_ORDER_SEQUENCE_NUMBER');
    ok(log.appendAsLeader(batch({ producerId: 1000n, producerEpoch: 1, baseSequence: 0 }), 0));
    const stale = log.appendAsLeader(batch({ ...pid, baseSequence: 3 }), 0);
    assert.equal(!stale.ok && stale.error, 'INVALID_PRODUCER_EPOCH');
    const newEpochNotZero = log.appendAsLeader(batch({ producerId: 1000n, producerEpoch: 2, baseSequence: 1 }), 0);
    assert.equal(!newEpochNotZero.ok && newEpochNotZero.error, 'OUT_OF_ORDER_SEQUENCE_NUMBER');
    assert.equal(log.logEndOffset, 4);
    log.close();
  });

  test('producer state survives a clean restart through the snapshot', () => {
    const dir = tempDir();
    const log = open(dir);
    for (let s = 0; s < 15; s += 3) ok(log.appendAsLeader(batch({ ...pid, baseSequence: s, count: 3 }), 0));
    log.close();
    assert.ok(segmentFiles(dir, '.snapshot').includes('00000000000000000015.snapshot'));
    const again = open(dir);
    const retry = ok(again.appendAsLeader(batch({ ...pid, baseSequence: 3, count: 3 }), 0));
    assert.deepEqual([retry.duplicate, retry.firstOffset], [true, 3]);
    const gap = again.appendAsLeader(batch({ ...pid, baseSequence: 16 }), 0);
    assert.equal(!gap.ok && gap.error, 'OUT_OF_ORDER_SEQUENCE_NUMBER');
    ok(again.appendAsLeader(batch({ ...pid, baseSequence: 15 }), 0));
    again.close();
  });

  test('producer state is rebuilt from the log when snapshots are missing or after a crash', () => {
    const dir = tempDir();
    const log = open(dir, small);
    fill(log, 30);
    for (let s = 0; s < 30; s += 3) ok(log.appendAsLeader(batch({ ...pid, baseSequence: s, count: 3 }), 0));
    log.close();
    for (const f of segmentFiles(dir, '.snapshot')) rmSync(join(dir, f));
    const again = open(dir, small);
    assert.equal(ok(again.appendAsLeader(batch({ ...pid, baseSequence: 27, count: 3 }), 0)).duplicate, true);
    ok(again.appendAsLeader(batch({ ...pid, baseSequence: 30, count: 3 }), 0));
    // Crash: no close, no snapshot at the end.
    const crashed = open(dir, small, { hadCleanShutdown: false, recoveryPoint: 0 });
    assert.equal(ok(crashed.appendAsLeader(batch({ ...pid, baseSequence: 30, count: 3 }), 0)).duplicate, true);
    crashed.close();
    again.closeHandles();
  });

  test('truncation rolls producer state back', () => {
    const dir = tempDir();
    const log = open(dir);
    ok(log.appendAsLeader(batch({ ...pid, baseSequence: 0, count: 3 }), 0));
    ok(log.appendAsLeader(batch({ ...pid, baseSequence: 3, count: 3 }), 0));
    log.truncateTo(3);
    const retried = ok(log.appendAsLeader(batch({ ...pid, baseSequence: 3, count: 3 }), 0));
    assert.deepEqual([retried.duplicate, retried.firstOffset], [false, 3]);
    log.close();
  });
});
