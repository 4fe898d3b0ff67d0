import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { CLEANER_OFFSET_CHECKPOINT_FILE } from '../../../src/broker/storage/log-cleaner.js';
import { OffsetMap } from '../../../src/broker/storage/offset-map.js';
import {
  ATTRIBUTES_OFFSET,
  buildRecordBatch,
  CompressionCodec,
  decodeRecordBatches,
  DELETE_HORIZON_FLAG_MASK,
  readBaseTimestamp,
  readBatchHeader,
} from '../../../src/protocol/records/index.js';
import { compactConfig, keyedBatch, latestByKey, ManualClock, ok, openManager, prng, readLog, T0, type KV } from './log-cleaner-helpers.js';
import { tempDir } from './storage-test-helpers.js';

describe('LogCleaner', () => {
  test('100,000 updates over 1,000 keys leave exactly 1,000 records, each the latest value at its original offset', () => {
    const clock = new ManualClock(T0);
    const m = openManager(tempDir(), clock);
    const log = m.createLog('updates', 0, compactConfig({ segmentBytes: 32 * 1024 }));
    const random = prng(42);
    const expected = new Map<string, { offset: number; value: string }>();
    for (let b = 0; b < 1000; b++) {
      const records: KV[] = [];
      for (let i = 0; i < 100; i++) {
        const n = b * 100 + i;
        records.push({ key: `k${Math.floor(random() * 1000)}`, value: `v${n}` });
      }
      const r = ok(log.appendAsLeader(keyedBatch(records, T0), 0));
      records.forEach((rec, i) => expected.set(rec.key!, { offset: r.firstOffset + i, value: rec.value! }));
    }
    assert.equal(expected.size, 1000);
    log.roll();
    const segmentsBefore = log.numberOfSegments;
    assert.ok(segmentsBefore > 50, `${segmentsBefore} segments`);
    const sizeBefore = log.size;

    const stats = m.cleaner.cleanNow('updates', 0);
    assert.ok(stats !== null && !stats.aborted);
    assert.equal(stats.firstDirtyOffset, 0);
    assert.equal(stats.endOffset, 100_000);
    assert.equal(stats.mapKeys, 1000);
    assert.equal(stats.recordsRead, 100_000);
    assert.equal(stats.recordsRetained, 1000);

    const { records } = readLog(log);
    assert.equal(records.length, 1000);
    for (const r of records) {
      const e = expected.get(r.key!);
      assert.ok(e !== undefined);
      assert.equal(r.offset, e.offset);
      assert.equal(r.value, e.value);
    }
    assert.equal(log.logStartOffset, 0);
    assert.equal(log.logEndOffset, 100_000);
    // Full segments each make their own group the first time; they are merged by the next pass.
    assert.equal(log.numberOfSegments, segmentsBefore);
    assert.ok(log.size < sizeBefore / 20, `${log.size} bytes after cleaning, ${sizeBefore} before`);
    assert.equal(m.cleaner.checkpointOf('updates', 0), 100_000);

    // A second pass has nothing dirty to map and changes nothing.
    const again = m.cleaner.cleanNow('updates', 0)!;
    assert.equal(again.firstDirtyOffset, 100_000);
    assert.equal(again.recordsRetained, 1000);
    assert.deepEqual(readLog(log).records, records);
    assert.equal(again.segmentsCleaned, segmentsBefore - 1);
    assert.deepEqual(log.segmentBaseOffsets(), [0, 100_000], 'the small cleaned segments were merged into one');

    // What was cleaned survives a restart (and the checkpoint is read back).
    m.close();
    const m2 = openManager(m.logDirs[0]!, clock);
    const reopened = m2.getLog('updates', 0)!;
    assert.deepEqual(readLog(reopened).records, records);
    assert.equal(m2.cleaner.checkpointOf('updates', 0), 100_000);
    assert.match(readFileSync(join(m.logDirs[0]!, CLEANER_OFFSET_CHECKPOINT_FILE), 'utf8'), /^0\n1\nupdates 0 100000\n$/);
    m2.close();
  });

  test('tombstones: the older values go at once, the tombstones after delete.retention.ms and not before', () => {
    const clock = new ManualClock(T0);
    const m = openManager(tempDir(), clock);
    const retention = 60_000;
    const log = m.createLog('tomb', 0, compactConfig({ deleteRetentionMs: retention }));
    const keys = Array.from({ length: 10 }, (_, i) => `k${i}`);
    ok(log.appendAsLeader(keyedBatch(keys.map((k) => ({ key: k, value: `${k}-1` })), T0), 0));
    ok(log.appendAsLeader(keyedBatch(keys.map((k) => ({ key: k, value: `${k}-2` })), T0), 0));
    ok(log.appendAsLeader(keyedBatch(keys.slice(0, 5).map((k) => ({ key: k, value: null })), T0), 0));
    log.roll();

    m.cleaner.cleanNow('tomb', 0);
    let view = readLog(log).records;
    assert.deepEqual(
      view.map((r) => [r.key, r.value]),
      [...keys.slice(5).map((k) => [k, `${k}-2`]), ...keys.slice(0, 5).map((k) => [k, null])],
    );
    assert.deepEqual(
      view.map((r) => r.offset),
      [15, 16, 17, 18, 19, 20, 21, 22, 23, 24],
    );
    // The tombstones' batch now carries the delete horizon: first seen at T0, kept until T0 + delete.retention.ms.
    const read = log.read(20, 1 << 20, Number.MAX_SAFE_INTEGER, true);
    assert.ok(read.ok);
    const header = readBatchHeader(read.records, 0);
    assert.equal(header.baseOffset, 20n);
    assert.ok((read.records[ATTRIBUTES_OFFSET + 1]! & DELETE_HORIZON_FLAG_MASK) !== 0);
    assert.equal(readBaseTimestamp(read.records, 0), BigInt(T0 + retention));
    assert.equal(decodeRecordBatches(read.records)[0]!.records[0]!.timestamp, BigInt(T0), 'record timestamps survive the new base timestamp');

    // Later passes before the horizon keep them (the horizon is not moved).
    clock.advance(retention - 1);
    m.cleaner.cleanNow('tomb', 0);
    view = readLog(log).records;
    assert.equal(view.filter((r) => r.value === null).length, 5);
    const again = log.read(20, 1 << 20, Number.MAX_SAFE_INTEGER, true);
    assert.ok(again.ok);
    assert.equal(readBaseTimestamp(again.records, 0), BigInt(T0 + retention));

    // At the horizon they go; the tombstoned keys are gone from the log.
    clock.advance(1);
    const stats = m.cleaner.cleanNow('tomb', 0)!;
    assert.equal(stats.tombstonesRemoved, 5);
    view = readLog(log).records;
    assert.deepEqual(
      view.map((r) => [r.offset, r.key, r.value]),
      keys.slice(5).map((k, i) => [15 + i, k, `${k}-2`]),
    );
    assert.equal(log.logEndOffset, 25);
    m.close();
  });

  test('a consumer reading from the beginning while the cleaner runs (and a producer appends) sees every key at its latest value, offsets going up, whole batches', () => {
    const clock = new ManualClock(T0);
    const steps: Array<() => void> = [];
    const m = openManager(tempDir(), clock, { cleanerEnable: true, cleanerBackoffMs: 1000, cleanerStepBytes: 1024, cleanerDefer: (s) => steps.push(s) });
    const log = m.createLog('live', 0, compactConfig({ segmentBytes: 8 * 1024, indexIntervalBytes: 256 }));
    const random = prng(7);
    const latest = new Map<string, string>();
    let n = 0;
    const produce = (count: number) => {
      const records: KV[] = Array.from({ length: count }, () => ({ key: `k${Math.floor(random() * 200)}`, value: `v${n++}` }));
      ok(log.appendAsLeader(keyedBatch(records, clock.now()), 0));
      for (const r of records) latest.set(r.key!, r.value!);
    };
    for (let i = 0; i < 600; i++) produce(5);
    log.roll();
    clock.advance(1000);
    assert.ok(m.cleaner.inProgress);

    const seen = new Map<string, string>();
    let next = 0;
    let lastOffset = -1;
    let reads = 0;
    let readsDuringPass = 0;
    let batches = 0;
    while (next < log.logEndOffset || steps.length > 0) {
      if (next < log.logEndOffset) {
        const r = log.read(next, 700, Number.MAX_SAFE_INTEGER, true);
        assert.ok(r.ok, `read at ${next}`);
        reads++;
        if (m.cleaner.inProgress) readsDuringPass++;
        // Whole batches with valid CRCs (decodeRecordBatches refuses a partial or corrupt one).
        for (const b of decodeRecordBatches(r.records)) {
          batches++;
          for (const rec of b.records) {
            const offset = Number(rec.offset);
            if (offset < next) continue;
            assert.ok(offset > lastOffset, `offset ${offset} after ${lastOffset}`);
            lastOffset = offset;
            seen.set(Buffer.from(rec.key!).toString(), Buffer.from(rec.value!).toString());
          }
          next = Math.max(next, Number(b.header.baseOffset) + b.header.lastOffsetDelta + 1);
        }
      }
      if (reads % 3 === 0 && n < 4000) produce(3);
      if (steps.length > 0) steps.shift()!();
    }
    assert.equal(next, log.logEndOffset);
    assert.deepEqual(seen, latest);
    assert.ok(readsDuringPass > 20, `${readsDuringPass} reads during the pass`);
    assert.ok((m.cleaner.checkpointOf('live', 0) ?? 0) >= 3000);
    assert.ok(m.cleaner.history.some((h) => h.segmentsCleaned > 0 && !h.aborted));
    // A second reader of the compacted log: the latest of every key, and nothing else from the cleaned part.
    const after = readLog(log).records;
    assert.deepEqual(new Map([...latestByKey(after)].map(([k, r]) => [k, r.value])), latest);
    assert.ok(batches > 0);
    m.close();
  });

  test('compact,delete: retention deleting segments in the middle of a pass; the pass skips them and the log stays consistent', () => {
    // Real time: a cleaned segment left without records is timed by its file's modification time.
    const clock = new ManualClock(Date.now());
    const steps: Array<() => void> = [];
    const start = clock.now();
    const m = openManager(tempDir(), clock, { cleanerEnable: true, cleanerBackoffMs: 40_000, cleanerStepBytes: 1024, cleanerDefer: (s) => steps.push(s) });
    const log = m.createLog('both', 0, compactConfig({ cleanupPolicy: ['compact', 'delete'], retentionMs: 25_000, segmentBytes: 4 * 1024 }));
    const random = prng(11);
    const written: Array<{ offset: number; key: string; value: string }> = [];
    for (let b = 0; b < 300; b++) {
      const records: KV[] = Array.from({ length: 5 }, (_, i) => ({ key: `k${Math.floor(random() * 100)}`, value: `v${b * 5 + i}` }));
      const r = ok(log.appendAsLeader(keyedBatch(records, clock.now()), 0));
      records.forEach((rec, i) => written.push({ offset: r.firstOffset + i, key: rec.key!, value: rec.value! }));
      clock.advance(100);
    }
    log.roll();
    clock.advance(start + 40_000 - clock.now());
    // Step until the first group is swapped in (the log shrinks), then let retention strike.
    const size = log.size;
    while (log.size === size && steps.length > 0) steps.shift()!();
    assert.ok(m.cleaner.inProgress, 'the pass is under way');
    const segmentsBefore = log.numberOfSegments;
    assert.ok(m.cleanupLogs() > 0, 'retention deleted segments');
    assert.ok(log.numberOfSegments < segmentsBefore);
    while (steps.length > 0) steps.shift()!();
    assert.ok(!m.cleaner.inProgress);
    assert.deepEqual(m.cleaner.uncleanablePartitions(), []);
    const pass = m.cleaner.history[m.cleaner.history.length - 1]!;
    assert.ok(!pass.aborted && pass.segmentsCleaned > 0);
    assert.ok(pass.groupsSkipped > 0, 'some groups were deleted before their turn');
    const logStart = log.logStartOffset;
    assert.ok(logStart > 0);
    const expected = new Map<string, { offset: number; value: string }>();
    for (const w of written) expected.set(w.key, { offset: w.offset, value: w.value });
    for (const [k, v] of expected) if (v.offset < logStart) expected.delete(k);
    const view = readLog(log).records;
    assert.deepEqual(new Map([...latestByKey(view)].map(([k, r]) => [k, { offset: r.offset, value: r.value }])), expected);
    // The next pass compacts what is left completely.
    m.cleaner.cleanNow('both', 0);
    assert.equal(readLog(log).records.length, expected.size);
    m.close();
  });

  test('background: tombstones whose delete horizon has passed are removed with no new dirty data', () => {
    const clock = new ManualClock(T0);
    const steps: Array<() => void> = [];
    const m = openManager(tempDir(), clock, { cleanerEnable: true, cleanerBackoffMs: 1000, cleanerDefer: (s) => steps.push(s) });
    const log = m.createLog('horizon', 0, compactConfig({ deleteRetentionMs: 10_000 }));
    ok(log.appendAsLeader(keyedBatch([{ key: 'a', value: '1' }, { key: 'b', value: '1' }], T0), 0));
    ok(log.appendAsLeader(keyedBatch([{ key: 'a', value: null }], T0), 0));
    log.roll();
    clock.advance(1000);
    while (steps.length > 0) steps.shift()!();
    assert.deepEqual(readLog(log).records.map((r) => [r.key, r.value]), [['b', '1'], ['a', null]]);
    assert.equal(m.cleaner.cleanableRange(log).cleanableBytes, 0);
    // The horizon is T0 + 1000 (the first pass) + delete.retention.ms.
    clock.advance(9000);
    while (steps.length > 0) steps.shift()!();
    assert.equal(readLog(log).records.length, 2, 'not before the horizon');
    clock.advance(1000);
    while (steps.length > 0) steps.shift()!();
    assert.deepEqual(readLog(log).records.map((r) => [r.key, r.value]), [['b', '1']]);
    assert.equal(m.cleaner.history[m.cleaner.history.length - 1]!.tombstonesRemoved, 1);
    assert.equal(m.cleaner.cleanableRange(log).deleteHorizonDue, false);
    m.close();
  });

  test('the active segment is never touched', () => {
    const clock = new ManualClock(T0);
    const dir = tempDir();
    const m = openManager(dir, clock);
    const log = m.createLog('active', 0, compactConfig());
    for (let i = 0; i < 20; i++) ok(log.appendAsLeader(keyedBatch([{ key: 'same', value: `v${i}` }], T0), 0));
    const logFile = join(dir, 'active-0', '00000000000000000000.log');
    const before = readFileSync(logFile);
    const stats = m.cleaner.cleanNow('active', 0)!;
    assert.equal(stats.segmentsCleaned, 0);
    assert.equal(stats.endOffset, 0);
    assert.deepEqual(readFileSync(logFile), before);
    assert.equal(readLog(log).records.length, 20);

    // With older segments cleaned, the active one still keeps all its duplicates, byte for byte.
    log.roll();
    for (let i = 20; i < 30; i++) ok(log.appendAsLeader(keyedBatch([{ key: 'same', value: `v${i}` }], T0), 0));
    const activeFile = join(dir, 'active-0', '00000000000000000020.log');
    const activeBefore = readFileSync(activeFile);
    m.cleaner.cleanNow('active', 0);
    assert.deepEqual(readFileSync(activeFile), activeBefore);
    const view = readLog(log).records;
    assert.deepEqual(
      view.map((r) => r.offset),
      Array.from({ length: 11 }, (_, i) => 19 + i),
      'the older segment kept its latest record (the active segment is not mapped), the active segment all of its 10',
    );
    m.close();
  });

  test('min.compaction.lag.ms: younger records are not compacted', () => {
    const clock = new ManualClock(T0);
    const m = openManager(tempDir(), clock);
    const log = m.createLog('lag', 0, compactConfig({ minCompactionLagMs: 60_000 }));
    for (let i = 0; i < 10; i++) ok(log.appendAsLeader(keyedBatch([{ key: 'k', value: `v${i}` }], clock.now()), 0));
    log.roll();
    clock.advance(59_999);
    let stats = m.cleaner.cleanNow('lag', 0)!;
    assert.equal(stats.endOffset, 0, 'nothing is old enough to map');
    assert.equal(readLog(log).records.length, 10);
    // Newer data: the lag counts per segment, by its largest timestamp.
    for (let i = 10; i < 20; i++) ok(log.appendAsLeader(keyedBatch([{ key: 'k', value: `v${i}` }], clock.now()), 0));
    log.roll();
    clock.advance(2);
    stats = m.cleaner.cleanNow('lag', 0)!;
    assert.equal(stats.endOffset, 10, 'only the first segment is past the lag');
    assert.deepEqual(
      readLog(log).records.map((r) => r.offset),
      [9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19],
    );
    clock.advance(60_000);
    stats = m.cleaner.cleanNow('lag', 0)!;
    assert.equal(stats.endOffset, 20);
    assert.deepEqual(
      readLog(log).records.map((r) => [r.offset, r.value]),
      [[19, 'v19']],
    );
    m.close();
  });

  test('records without a key are refused by compacted topics (INVALID_RECORD), accepted by the others', () => {
    const clock = new ManualClock(T0);
    const m = openManager(tempDir(), clock);
    const compacted = m.createLog('compacted', 0, compactConfig());
    const both = m.createLog('both', 0, compactConfig({ cleanupPolicy: ['compact', 'delete'] }));
    const plain = m.createLog('plain', 0, compactConfig({ cleanupPolicy: ['delete'] }));
    const keyless = keyedBatch([{ key: 'a', value: '1' }, { key: null, value: '2' }], T0);
    for (const log of [compacted, both]) {
      const r = log.appendAsLeader(keyless, 0);
      assert.ok(!r.ok);
      assert.equal(r.error, 'INVALID_RECORD');
      assert.equal(r.message, `Compacted topic cannot accept message without key in topic partition ${log.topic}-0.`);
      for (const codec of [CompressionCodec.GZIP, CompressionCodec.LZ4, CompressionCodec.ZSTD, CompressionCodec.SNAPPY]) {
        const c = log.appendAsLeader(keyedBatch([{ key: null, value: 'x' }], T0, { compression: codec }), 0);
        assert.ok(!c.ok && c.error === 'INVALID_RECORD', `codec ${codec}`);
      }
      assert.equal(log.logEndOffset, 0);
      ok(log.appendAsLeader(keyedBatch([{ key: 'a', value: null }], T0, { compression: CompressionCodec.GZIP }), 0));
    }
    ok(plain.appendAsLeader(keyless, 0));
    m.close();
  });

  test('compressed batches are rebuilt with their codec, offsets and timestamps', () => {
    const clock = new ManualClock(T0);
    const m = openManager(tempDir(), clock);
    const log = m.createLog('codecs', 0, compactConfig());
    const codecs = [CompressionCodec.NONE, CompressionCodec.GZIP, CompressionCodec.SNAPPY, CompressionCodec.LZ4, CompressionCodec.ZSTD];
    for (const [i, codec] of codecs.entries()) {
      ok(log.appendAsLeader(keyedBatch([{ key: `only-${i}`, value: 'stays' }, { key: 'shared', value: `s${i}` }, { key: `other-${i}`, value: 'x' }], T0 + i, { compression: codec }), 0));
    }
    log.roll();
    m.cleaner.cleanNow('codecs', 0);
    const read = log.read(0, 1 << 20, Number.MAX_SAFE_INTEGER, true);
    assert.ok(read.ok);
    const batches = decodeRecordBatches(read.records);
    assert.deepEqual(
      batches.map((b) => [b.header.compressionCodec, b.header.baseOffset, b.header.lastOffsetDelta, b.records.map((r) => [Number(r.offset), Buffer.from(r.key!).toString()])]),
      codecs.map((codec, i) => [
        codec,
        BigInt(i * 3),
        2,
        i === codecs.length - 1 ? [[i * 3, `only-${i}`], [i * 3 + 1, 'shared'], [i * 3 + 2, `other-${i}`]] : [[i * 3, `only-${i}`], [i * 3 + 2, `other-${i}`]],
      ]),
    );
    for (const [i, b] of batches.entries()) for (const r of b.records) assert.equal(r.timestamp, BigInt(T0 + i));
    m.close();
  });

  test('rebuilt batches keep record headers, LogAppendTime and the leader epoch', () => {
    const clock = new ManualClock(T0);
    const m = openManager(tempDir(), clock);
    const log = m.createLog('lat', 0, compactConfig({ messageTimestampType: 'LogAppendTime' }));
    const records = [
      { key: Buffer.from('a'), value: Buffer.from('a1'), headers: [{ key: 'h', value: Buffer.from('x') }], timestamp: 5n },
      { key: Buffer.from('b'), value: Buffer.from('b1'), headers: [{ key: 'trace', value: null }, { key: 'é', value: Buffer.from('y') }], timestamp: 6n },
    ];
    ok(log.appendAsLeader(buildRecordBatch(records, { baseOffset: 0n }), 4));
    clock.advance(10);
    ok(log.appendAsLeader(keyedBatch([{ key: 'a', value: 'a2' }], 7), 5));
    log.roll();
    m.cleaner.cleanNow('lat', 0);
    const read = log.read(0, 1 << 20, Number.MAX_SAFE_INTEGER, true);
    assert.ok(read.ok);
    const [first, second] = decodeRecordBatches(read.records);
    assert.equal(first!.header.timestampType, 'LogAppendTime');
    assert.equal(first!.header.maxTimestamp, BigInt(T0));
    assert.equal(first!.header.partitionLeaderEpoch, 4);
    assert.equal(first!.header.lastOffsetDelta, 1);
    assert.deepEqual(
      first!.records.map((r) => [Number(r.offset), Buffer.from(r.key!).toString(), r.timestamp, r.headers.map((h) => [h.key, h.value === null ? null : Buffer.from(h.value).toString()])]),
      [[1, 'b', BigInt(T0), [['trace', null], ['é', 'y']]]],
    );
    assert.equal(second!.header.maxTimestamp, BigInt(T0 + 10));
    m.close();
  });

  test('an idempotent producer keeps its sequence state: emptied batches keep their headers and a retry after cleaning is a duplicate', () => {
    const clock = new ManualClock(T0);
    const dir = tempDir();
    const m = openManager(dir, clock);
    const log = m.createLog('idem', 0, compactConfig());
    const pid = 4242n;
    const producerBatch = (seq: number) => keyedBatch([{ key: 'a', value: `a${seq}` }, { key: 'b', value: `b${seq}` }], T0, { producerId: pid, producerEpoch: 3, baseSequence: seq });
    const offsets: number[] = [];
    for (let i = 0; i < 8; i++) offsets.push(ok(log.appendAsLeader(producerBatch(i * 2), 0)).firstOffset);
    // A plain producer overwrites both keys: every record of the idempotent producer is superseded.
    ok(log.appendAsLeader(keyedBatch([{ key: 'a', value: 'final-a' }, { key: 'b', value: 'final-b' }], T0), 0));
    log.roll();
    const stats = m.cleaner.cleanNow('idem', 0)!;
    assert.equal(stats.recordsRetained, 2);
    assert.equal(stats.emptyBatchesRetained, 5, 'the last five batches of the producer (its duplicate window) keep their headers');

    const read = log.read(0, 1 << 20, Number.MAX_SAFE_INTEGER, true);
    assert.ok(read.ok);
    const batches = decodeRecordBatches(read.records);
    assert.deepEqual(
      batches.map((b) => [Number(b.header.baseOffset), b.header.lastOffsetDelta, b.header.producerId, b.header.producerEpoch, b.header.baseSequence, b.records.length]),
      [...[3, 4, 5, 6, 7].map((i) => [offsets[i]!, 1, pid, 3, i * 2, 0]), [16, 1, -1n, -1, -1, 2]],
    );
    // A retry of the producer's last batch is still a duplicate (from memory).
    const dup = ok(log.appendAsLeader(producerBatch(14), 0));
    assert.ok(dup.duplicate);
    assert.equal(dup.firstOffset, offsets[7]);

    // And after a restart where the state has to be rebuilt from the log alone (no snapshot).
    m.close();
    for (const f of readdirSync(join(dir, 'idem-0'))) if (f.endsWith('.snapshot')) rmSync(join(dir, 'idem-0', f));
    const m2 = openManager(dir, clock);
    const log2 = m2.getLog('idem', 0)!;
    const dup2 = ok(log2.appendAsLeader(producerBatch(14), 0));
    assert.ok(dup2.duplicate);
    assert.equal(dup2.firstOffset, offsets[7]);
    const gap = log2.appendAsLeader(producerBatch(20), 0);
    assert.ok(!gap.ok && gap.error === 'OUT_OF_ORDER_SEQUENCE_NUMBER');
    const next = ok(log2.appendAsLeader(producerBatch(16), 0));
    assert.ok(!next.duplicate);
    assert.equal(next.firstOffset, 18);
    m2.close();
  });

  test('background cleaning: the dirty ratio, the checkpoint file, cooperative steps from the scheduler', () => {
    const clock = new ManualClock(T0);
    const dir = tempDir();
    const steps: Array<() => void> = [];
    const m = openManager(dir, clock, { cleanerEnable: true, cleanerBackoffMs: 1000, cleanerStepBytes: 2048, cleanerDefer: (s) => steps.push(s) });
    const log = m.createLog('bg', 0, compactConfig({ minCleanableDirtyRatio: 0.5, segmentBytes: 8 * 1024 }));
    const writeRound = (round: number) => {
      for (let b = 0; b < 20; b++) {
        ok(log.appendAsLeader(keyedBatch(Array.from({ length: 10 }, (_, i) => ({ key: `k${b * 10 + i}`, value: `r${round}-${b * 10 + i}-${'x'.repeat(20)}` })), clock.now()), 0));
      }
    };
    writeRound(0);
    log.roll();
    clock.advance(1000);
    assert.ok(steps.length > 0, 'more steps were deferred');
    let n = 0;
    while (steps.length > 0) {
      steps.shift()!();
      n++;
    }
    assert.ok(n > 3, `${n} steps`);
    assert.equal(m.cleaner.checkpointOf('bg', 0), 200);
    assert.match(readFileSync(join(dir, CLEANER_OFFSET_CHECKPOINT_FILE), 'utf8'), /^0\n1\nbg 0 200\n$/);
    assert.equal(readLog(log).records.length, 200);

    // A little new dirty data: below the ratio, nothing happens.
    for (let i = 0; i < 5; i++) ok(log.appendAsLeader(keyedBatch([{ key: `k${i}`, value: 'new' }], clock.now()), 0));
    log.roll();
    const range = m.cleaner.cleanableRange(log);
    assert.ok(range.dirtyRatio > 0 && range.dirtyRatio <= 0.5, `ratio ${range.dirtyRatio}`);
    clock.advance(1000);
    while (steps.length > 0) steps.shift()!();
    assert.equal(m.cleaner.checkpointOf('bg', 0), 200);
    // A whole new round: above the ratio, cleaned.
    writeRound(1);
    log.roll();
    clock.advance(1000);
    while (steps.length > 0) steps.shift()!();
    assert.equal(m.cleaner.checkpointOf('bg', 0), 405);
    const view = readLog(log).records;
    assert.equal(view.length, 200);
    assert.ok(view.every((r) => r.value!.startsWith('r1-')));
    m.close();
  });

  test('cleanNow during a background pass on the same log drops that pass (no .cleaned file left) and cleans everything', () => {
    const clock = new ManualClock(T0);
    const dir = tempDir();
    const steps: Array<() => void> = [];
    const m = openManager(dir, clock, { cleanerEnable: true, cleanerBackoffMs: 1000, cleanerStepBytes: 512, cleanerDefer: (s) => steps.push(s) });
    const log = m.createLog('both', 0, compactConfig({ segmentBytes: 4096 }));
    for (let i = 0; i < 200; i++) ok(log.appendAsLeader(keyedBatch([{ key: `k${i % 20}`, value: `v${i}` }], T0), 0));
    log.roll();
    clock.advance(1000);
    const size = log.size;
    while (log.size === size && steps.length > 0) steps.shift()!();
    assert.ok(m.cleaner.inProgress);
    for (let i = 0; i < 3 && steps.length > 0; i++) steps.shift()!();
    const stats = m.cleaner.cleanNow('both', 0)!;
    assert.ok(!stats.aborted);
    assert.ok(!m.cleaner.inProgress);
    assert.ok(!readdirSync(join(dir, 'both-0')).some((f) => f.endsWith('.cleaned') || f.endsWith('.swap')));
    while (steps.length > 0) steps.shift()!();
    assert.deepEqual(
      readLog(log).records.map((r) => [r.offset, r.value]),
      Array.from({ length: 20 }, (_, i) => [180 + i, `v${180 + i}`]),
    );
    m.close();
  });

  test('max.compaction.lag.ms makes a log cleanable whatever its dirty ratio, and rolls its active segment', () => {
    const clock = new ManualClock(T0);
    const steps: Array<() => void> = [];
    const m = openManager(tempDir(), clock, { cleanerEnable: true, cleanerBackoffMs: 1000, cleanerDefer: (s) => steps.push(s) });
    const log = m.createLog('maxlag', 0, compactConfig({ minCleanableDirtyRatio: 0.99, maxCompactionLagMs: 10_000 }));
    for (let i = 0; i < 100; i++) ok(log.appendAsLeader(keyedBatch([{ key: `k${i}`, value: 'first' }], clock.now()), 0));
    log.roll();
    m.cleaner.cleanNow('maxlag', 0);
    // One dirty update: a tiny dirty ratio.
    ok(log.appendAsLeader(keyedBatch([{ key: 'k0', value: 'second' }], clock.now()), 0));
    clock.advance(5_000);
    // The next append rolls the segment holding the update once max.compaction.lag.ms has passed.
    ok(log.appendAsLeader(keyedBatch([{ key: 'k1', value: 'second' }], clock.now()), 0));
    assert.deepEqual(log.segmentBaseOffsets(), [0, 100]);
    clock.advance(5_001);
    ok(log.appendAsLeader(keyedBatch([{ key: 'k2', value: 'second' }], clock.now()), 0));
    assert.deepEqual(log.segmentBaseOffsets(), [0, 100, 102]);
    while (steps.length > 0) steps.shift()!();
    assert.equal(m.cleaner.checkpointOf('maxlag', 0), 100, 'not cleaned yet: the ratio is low and the lag has not passed');
    clock.advance(1_000);
    while (steps.length > 0) steps.shift()!();
    assert.equal(m.cleaner.checkpointOf('maxlag', 0), 102);
    const view = readLog(log).records;
    assert.deepEqual(
      [...latestByKey(view).entries()].filter(([, r]) => r.value === 'second').map(([k]) => k).sort(),
      ['k0', 'k1', 'k2'],
    );
    assert.equal(view.length, 101, 'k0 and k1 lost their first values');
    m.close();
  });
});

describe('OffsetMap', () => {
  test('exact keys: latest offsets, prefixes and the empty key are distinct, growth keeps everything', () => {
    const m = new OffsetMap(64 * 1024 * 1024);
    const key = (s: string) => Buffer.from(`xx${s}yy`);
    const put = (s: string, offset: number) => {
      const b = key(s);
      m.put(b, 2, b.length - 4, offset);
    };
    const get = (s: string) => {
      const b = key(s);
      return m.get(b, 2, b.length - 4);
    };
    for (let i = 0; i < 50_000; i++) put(`key-${i}`, i);
    for (let i = 0; i < 50_000; i += 2) put(`key-${i}`, 100_000 + i);
    put('', 7);
    put('a', 8);
    put('ab', 9);
    assert.equal(m.size, 50_003);
    for (let i = 0; i < 50_000; i++) assert.equal(get(`key-${i}`), i % 2 === 0 ? 100_000 + i : i);
    assert.deepEqual([get(''), get('a'), get('ab'), get('abc'), get('key-50000')], [7, 8, 9, -1, -1]);
    assert.ok(!m.isFull);
  });

  test('full once its memory bound is reached', () => {
    const m = new OffsetMap(100_000);
    let i = 0;
    while (!m.isFull) {
      const b = Buffer.from(`k${i}`);
      m.put(b, 0, b.length, i++);
    }
    assert.ok(m.bytes <= 100_000, `${m.bytes} bytes`);
    assert.ok(i > 1000, `${i} keys`);
  });
});

describe('LogCleaner with a small offset map', () => {
  test('a full map cleans what it covers; later passes go on from the checkpoint and end with the same result', () => {
    const clock = new ManualClock(T0);
    const m = openManager(tempDir(), clock, { cleanerDedupeBufferSize: 64 * 1024 });
    const log = m.createLog('small', 0, compactConfig({ segmentBytes: 16 * 1024 }));
    const random = prng(3);
    const latest = new Map<string, string>();
    for (let b = 0; b < 400; b++) {
      const records: KV[] = Array.from({ length: 10 }, (_, i) => ({ key: `key-${Math.floor(random() * 3000)}`, value: `v${b * 10 + i}` }));
      ok(log.appendAsLeader(keyedBatch(records, T0), 0));
      for (const r of records) latest.set(r.key!, r.value!);
    }
    log.roll();
    const checkpoints: number[] = [];
    for (let pass = 0; pass < 20 && (m.cleaner.checkpointOf('small', 0) ?? 0) < 4000; pass++) {
      const stats = m.cleaner.cleanNow('small', 0)!;
      assert.ok(!stats.aborted);
      checkpoints.push(stats.endOffset);
      // Every pass keeps every key at its latest value.
      const view = readLog(log).records;
      assert.deepEqual(new Map([...latestByKey(view)].map(([k, r]) => [k, r.value])), latest);
    }
    assert.ok(checkpoints.length > 1, `passes ended at ${checkpoints.join(', ')}`);
    assert.equal(checkpoints[checkpoints.length - 1], 4000);
    assert.equal(readLog(log).records.length, latest.size);
    m.close();
  });
});
