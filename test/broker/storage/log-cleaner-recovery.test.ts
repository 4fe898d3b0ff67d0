import assert from 'node:assert/strict';
import { copyFileSync, cpSync, existsSync, readdirSync, renameSync, rmSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { CLEAN_SHUTDOWN_FILE } from '../../../src/broker/storage/log-manager.js';
import { compactConfig, keyedBatch, latestByKey, ManualClock, ok, openManager, readLog, T0, type LiveRecord } from './log-cleaner-helpers.js';
import { tempDir } from './storage-test-helpers.js';

const TOPIC = 'crash';
const SEGMENT = '00000000000000000000';

interface Prepared {
  /** A log dir with five rolled segments of updates, never cleaned. */
  original: string;
  /** The same log dir after a cleaning pass (one cleaned segment replaced the five). */
  cleaned: string;
  originalView: LiveRecord[];
  cleanedView: LiveRecord[];
  segmentsBefore: number[];
  segmentsAfter: number[];
}

function prepare(): Prepared {
  const clock = new ManualClock(T0);
  const original = tempDir();
  const m = openManager(original, clock);
  const log = m.createLog(TOPIC, 0, compactConfig({ segmentBytes: 1024 * 1024 }));
  let n = 0;
  for (let s = 0; s < 5; s++) {
    for (let b = 0; b < 40; b++) {
      ok(log.appendAsLeader(keyedBatch(Array.from({ length: 4 }, () => ({ key: `k${n % 37}`, value: `v${n++}` })), T0), 0));
    }
    if (s === 3) ok(log.appendAsLeader(keyedBatch([{ key: 'k1', value: null }, { key: 'k2', value: null }], T0), 0));
    log.roll();
  }
  const segmentsBefore = log.segmentBaseOffsets();
  const originalView = readLog(log).records;
  m.close();
  const cleaned = tempDir();
  cpSync(original, cleaned, { recursive: true });
  const mc = openManager(cleaned, clock);
  const stats = mc.cleaner.cleanNow(TOPIC, 0)!;
  assert.equal(stats.segmentsCleaned, 5);
  assert.equal(stats.segmentsWritten, 1);
  const cl = mc.getLog(TOPIC, 0)!;
  const segmentsAfter = cl.segmentBaseOffsets();
  const cleanedView = readLog(cl).records;
  mc.close();
  assert.ok(cleanedView.length < originalView.length / 10);
  assert.deepEqual(latestByKey(cleanedView), latestByKey(originalView), 'cleaning keeps every key at its latest record');
  return { original, cleaned, originalView, cleanedView, segmentsBefore, segmentsAfter };
}

/** A copy of the original dir, as a killed broker leaves it (no clean-shutdown marker). */
function crashedCopy(p: Prepared): string {
  const dir = tempDir();
  cpSync(p.original, dir, { recursive: true });
  rmSync(join(dir, CLEAN_SHUTDOWN_FILE), { force: true });
  return dir;
}

function reopen(dir: string): { view: LiveRecord[]; segments: number[]; files: string[] } {
  const m = openManager(dir, new ManualClock(T0));
  const log = m.getLog(TOPIC, 0)!;
  const out = { view: readLog(log).records, segments: log.segmentBaseOffsets(), files: readdirSync(join(dir, `${TOPIC}-0`)).sort() };
  m.close();
  return out;
}

describe('LogCleaner crash safety', () => {
  const p = prepare();
  const cleanedSegment = (suffix: string) => join(p.cleaned, `${TOPIC}-0`, `${SEGMENT}${suffix}`);

  test('killed after the swap was committed (.swap written, old segments still there): the restart completes the swap', () => {
    const dir = crashedCopy(p);
    const part = join(dir, `${TOPIC}-0`);
    copyFileSync(cleanedSegment('.log'), join(part, `${SEGMENT}.log.swap`));
    copyFileSync(cleanedSegment('.index'), join(part, `${SEGMENT}.index.swap`));
    const r = reopen(dir);
    assert.deepEqual(r.view, p.cleanedView);
    assert.deepEqual(r.segments, p.segmentsAfter);
    assert.ok(!r.files.some((f) => f.endsWith('.swap') || f.endsWith('.cleaned') || f.endsWith('.deleted')), r.files.join(' '));
    // And the log still takes appends and reads after it.
    const again = reopen(dir);
    assert.deepEqual(again.view, p.cleanedView);
  });

  test('killed while deleting the old segments: the restart completes the swap', () => {
    const dir = crashedCopy(p);
    const part = join(dir, `${TOPIC}-0`);
    copyFileSync(cleanedSegment('.log'), join(part, `${SEGMENT}.log.swap`));
    const [first, second, third] = p.segmentsBefore.map((b) => String(b).padStart(20, '0'));
    renameSync(join(part, `${first}.log`), join(part, `${first}.log.deleted`));
    renameSync(join(part, `${first}.index`), join(part, `${first}.index.deleted`));
    for (const s of ['.log', '.index', '.timeindex']) rmSync(join(part, `${second}${s}`));
    renameSync(join(part, `${third}.log`), join(part, `${third}.log.deleted`));
    const r = reopen(dir);
    assert.deepEqual(r.view, p.cleanedView);
    assert.deepEqual(r.segments, p.segmentsAfter);
  });

  test('killed after the old segments were deleted, before the .swap got its name: the restart completes the swap', () => {
    const dir = crashedCopy(p);
    const part = join(dir, `${TOPIC}-0`);
    for (const b of p.segmentsBefore.slice(0, 5)) {
      for (const s of ['.log', '.index', '.timeindex']) rmSync(join(part, `${String(b).padStart(20, '0')}${s}`));
    }
    copyFileSync(cleanedSegment('.log'), join(part, `${SEGMENT}.log.swap`));
    copyFileSync(cleanedSegment('.timeindex'), join(part, `${SEGMENT}.timeindex`));
    const r = reopen(dir);
    assert.deepEqual(r.view, p.cleanedView);
    assert.deepEqual(r.segments, p.segmentsAfter);
  });

  test('killed while writing .cleaned files, or renaming them before the .log was: the restart rolls back, nothing is lost', () => {
    for (const partial of [false, true]) {
      const dir = crashedCopy(p);
      const part = join(dir, `${TOPIC}-0`);
      copyFileSync(cleanedSegment('.log'), join(part, `${SEGMENT}.log.cleaned`));
      if (partial) {
        // The indexes were renamed to .swap, the .log not yet: not committed.
        copyFileSync(cleanedSegment('.index'), join(part, `${SEGMENT}.index.swap`));
        copyFileSync(cleanedSegment('.timeindex'), join(part, `${SEGMENT}.timeindex.swap`));
      } else {
        // Half written.
        truncateSync(join(part, `${SEGMENT}.log.cleaned`), 1000);
      }
      const r = reopen(dir);
      assert.deepEqual(r.view, p.originalView);
      assert.deepEqual(r.segments, p.segmentsBefore);
      assert.ok(!r.files.some((f) => f.endsWith('.swap') || f.endsWith('.cleaned')), r.files.join(' '));
      // The next pass then cleans normally.
      const m = openManager(dir, new ManualClock(T0));
      m.cleaner.cleanNow(TOPIC, 0);
      assert.deepEqual(readLog(m.getLog(TOPIC, 0)!).records, p.cleanedView);
      m.close();
    }
  });

  test('a .swap at or above a .cleaned file (an unfinished split, in Kafka) is dropped with it: nothing changes', () => {
    const dir = crashedCopy(p);
    const part = join(dir, `${TOPIC}-0`);
    const third = String(p.segmentsBefore[2]).padStart(20, '0');
    copyFileSync(cleanedSegment('.log'), join(part, `${SEGMENT}.log.cleaned`));
    copyFileSync(join(part, `${third}.log`), join(part, `${third}.log.swap`));
    const r = reopen(dir);
    assert.deepEqual(r.view, p.originalView);
    assert.deepEqual(r.segments, p.segmentsBefore);
    assert.ok(!r.files.some((f) => f.endsWith('.swap') || f.endsWith('.cleaned')), r.files.join(' '));
  });

  test('a pass abandoned midway (shutdown between steps) leaves no .cleaned files and loses nothing', () => {
    const dir = crashedCopy(p);
    const clock = new ManualClock(T0);
    const steps: Array<() => void> = [];
    const m = openManager(dir, clock, { cleanerEnable: true, cleanerBackoffMs: 1000, cleanerStepBytes: 4096, cleanerDefer: (s) => steps.push(s) });
    clock.advance(1000);
    const cleanedLog = join(dir, `${TOPIC}-0`, `${SEGMENT}.log.cleaned`);
    while (!existsSync(cleanedLog) && steps.length > 0) steps.shift()!();
    assert.ok(m.cleaner.inProgress);
    assert.ok(existsSync(cleanedLog), 'the pass is writing its cleaned segment');
    m.close();
    assert.ok(!existsSync(cleanedLog));
    const r = reopen(dir);
    assert.deepEqual(r.view, p.originalView);
  });
});
