import assert from 'node:assert/strict';
import { appendFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { LogSegment } from '../../../src/broker/storage/log-segment.js';
import { setBaseOffset, validateBatches } from '../../../src/protocol/records/index.js';
import { batch, tempDir } from './storage-test-helpers.js';

const settings = { indexIntervalBytes: 200, maxIndexSize: 4096 };

/** Appends `n` batches of 3 records each, starting at `base`; returns their byte sizes. */
function fill(seg: LogSegment, base: number, n: number, tsStart = 1000): number[] {
  const sizes: number[] = [];
  let offset = base;
  for (let i = 0; i < n; i++) {
    const b = batch({ count: 3, valueSize: 40, ts: tsStart + i });
    setBaseOffset(b, 0, BigInt(offset));
    seg.append(offset + 2, tsStart + i, offset + 2, b);
    sizes.push(b.length);
    offset += 3;
  }
  return sizes;
}

describe('LogSegment', () => {
  test('appends build sparse indexes and reads start at the batch holding the offset', () => {
    const dir = tempDir();
    const seg = LogSegment.open(dir, 0, settings, { active: true, now: 0 });
    fill(seg, 0, 50);
    assert.ok(seg.offsetIndex.entries > 5, `entries ${seg.offsetIndex.entries}`);
    assert.ok(seg.timeIndex.entries > 5);
    assert.equal(seg.readNextOffset(), 150);
    for (const target of [0, 1, 2, 3, 77, 148, 149]) {
      const r = seg.read(target, 10_000, Number.MAX_SAFE_INTEGER, false);
      assert.ok(r !== null);
      const s = validateBatches(r.records);
      assert.equal(Number(s.firstOffset), target - (target % 3));
      assert.equal(r.firstOffset, target - (target % 3));
    }
    assert.equal(seg.read(150, 10_000, Number.MAX_SAFE_INTEGER, false), null);
    seg.close();
  });

  test('reads stop at whole batches, maxBytes and maxOffsetExclusive; minOneMessage returns one oversized batch', () => {
    const dir = tempDir();
    const seg = LogSegment.open(dir, 0, settings, { active: true, now: 0 });
    const sizes = fill(seg, 0, 10);
    const one = sizes[0]!;
    const r1 = seg.read(0, one * 2 + 5, Number.MAX_SAFE_INTEGER, false)!;
    assert.equal(r1.records.length, one * 2);
    const r2 = seg.read(0, 10_000, 7, false)!; // offsets 0..5 are below 7, batch 6..8 is not
    assert.equal(validateBatches(r2.records).lastOffset, 5n);
    assert.equal(seg.read(0, one - 1, 100, false)!.records.length, 0);
    assert.equal(seg.read(0, one - 1, 100, true)!.records.length, one);
    seg.close();
  });

  test('finds batches by timestamp through the time index', () => {
    const dir = tempDir();
    const seg = LogSegment.open(dir, 0, settings, { active: true, now: 0 });
    fill(seg, 0, 40, 5000);
    assert.equal(seg.findBatchByTimestamp(0, 0)!.baseOffset, 0);
    assert.equal(seg.findBatchByTimestamp(5020, 0)!.baseOffset, 60);
    assert.equal(seg.findBatchByTimestamp(5020, 70)!.baseOffset, 69);
    assert.equal(seg.findBatchByTimestamp(6000, 0), null);
    assert.equal(seg.maxTimestampSoFar, 5039);
    assert.equal(seg.batchWithMaxTimestamp()!.baseOffset, 117);
    seg.close();
  });

  test('recover rebuilds the indexes and cuts a torn tail', () => {
    const dir = tempDir();
    const seg = LogSegment.open(dir, 0, settings, { active: true, now: 0 });
    fill(seg, 0, 30);
    const entries = seg.offsetIndex.entries;
    const size = seg.size;
    seg.close();
    truncateSync(LogSegment.logPath(dir, 0), size - 10);
    appendFileSync(LogSegment.indexPath(dir, 0), Buffer.from([1, 2, 3]));
    const again = LogSegment.open(dir, 0, settings, { active: true, now: 0 });
    const { truncatedBytes, problem } = again.recover();
    assert.ok(truncatedBytes > 0);
    assert.match(problem ?? '', /TRUNCATED/);
    assert.equal(again.readNextOffset(), 87);
    assert.ok(again.offsetIndex.entries >= entries - 1);
    assert.equal(again.sanityCheck(), null);
    again.close();
    assert.equal(statSync(LogSegment.indexPath(dir, 0)).size, again.offsetIndex.entries * 8);
  });

  test('truncateTo removes whole batches from the one holding the offset', () => {
    const dir = tempDir();
    const seg = LogSegment.open(dir, 0, settings, { active: true, now: 0 });
    fill(seg, 0, 20);
    seg.truncateTo(31, 0); // inside batch 30..32: it goes too
    assert.equal(seg.readNextOffset(), 30);
    assert.ok(seg.offsetIndex.lastOffset < 30);
    assert.equal(seg.maxTimestampSoFar, 1009);
    fill(seg, 30, 2, 2000);
    assert.equal(seg.readNextOffset(), 36);
    seg.close();
  });

  test('inactive segments load their indexes lazily and check them on first use', () => {
    const dir = tempDir();
    const seg = LogSegment.open(dir, 0, settings, { active: true, now: 0 });
    fill(seg, 0, 30, 7000);
    seg.onBecomeInactiveSegment();
    seg.close();
    const problems: string[] = [];
    const lazy = LogSegment.open(dir, 0, settings, { active: false, now: 0, onIndexRebuild: (p) => problems.push(p) });
    assert.equal(lazy.offsetIndex.isLoaded, false);
    assert.equal(lazy.maxTimestampSoFar, 7029);
    assert.equal(lazy.sanityCheck(false), null);
    assert.equal(lazy.offsetIndex.isLoaded, false);
    assert.equal(lazy.translateOffset(50)!.baseOffset, 48);
    assert.equal(lazy.offsetIndex.isLoaded, true);
    assert.equal(problems.length, 0);
    lazy.close();
    // An index whose last entry points into a batch is rebuilt on first use.
    const wrong = Buffer.alloc(8);
    wrong.writeInt32BE(5, 0);
    wrong.writeInt32BE(3, 4);
    writeFileSync(LogSegment.indexPath(dir, 0), wrong);
    const broken = LogSegment.open(dir, 0, settings, { active: false, now: 0, onIndexRebuild: (p) => problems.push(p) });
    assert.equal(broken.translateOffset(50)!.baseOffset, 48);
    assert.equal(problems.length, 1);
    assert.ok(broken.offsetIndex.entries > 1);
    broken.close();
  });
});
