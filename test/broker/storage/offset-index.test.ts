import assert from 'node:assert/strict';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { OffsetIndex } from '../../../src/broker/storage/offset-index.js';
import { TimeIndex } from '../../../src/broker/storage/time-index.js';
import { tempDir } from './storage-test-helpers.js';

describe('OffsetIndex', () => {
  test('lookup finds the largest entry at or below the target', () => {
    const dir = tempDir();
    const idx = new OffsetIndex(join(dir, '00000000000000000100.index'), 100, 1024, true);
    assert.deepEqual(idx.lookup(150), { offset: 100, position: 0 });
    idx.append(110, 4000);
    idx.append(120, 8000);
    idx.append(135, 12000);
    assert.deepEqual(idx.lookup(105), { offset: 100, position: 0 });
    assert.deepEqual(idx.lookup(110), { offset: 110, position: 4000 });
    assert.deepEqual(idx.lookup(134), { offset: 120, position: 8000 });
    assert.deepEqual(idx.lookup(1000), { offset: 135, position: 12000 });
    assert.throws(() => idx.append(135, 13000), /not above the last offset 135/);
    assert.throws(() => idx.append(140, 12000), /position 12000 is not above the last position/);
    assert.equal(idx.lastOffset, 135);
    assert.equal(idx.entries, 3, 'refused appends add nothing');
    idx.close();
  });

  test('the active file is preallocated, trimmed on close, and reloads', () => {
    const dir = tempDir();
    const path = join(dir, '00000000000000000000.index');
    const idx = new OffsetIndex(path, 0, 1000, true);
    assert.equal(statSync(path).size, 1000 - (1000 % 8));
    assert.equal(idx.maxEntries, 125);
    for (let i = 1; i <= 10; i++) idx.append(i * 10, i * 100);
    idx.close();
    assert.equal(statSync(path).size, 80);
    const again = new OffsetIndex(path, 0, 1000, false);
    assert.equal(again.entries, 10);
    assert.equal(again.sanityCheck(), null);
    assert.deepEqual(again.lookup(55), { offset: 50, position: 500 });
    again.close();
  });

  test('a preallocated file left by a crash loads up to its zero tail', () => {
    const dir = tempDir();
    const path = join(dir, '00000000000000000000.index');
    const idx = new OffsetIndex(path, 0, 800, true);
    idx.append(5, 100);
    idx.append(9, 200);
    // Entries reach the file when flushed (or on roll/close), not on every append.
    assert.equal(new OffsetIndex(path, 0, 800, false).entries, 0);
    idx.flush();
    // No close: the file keeps its preallocated zeros.
    const reloaded = new OffsetIndex(path, 0, 800, true);
    assert.equal(reloaded.entries, 2);
    assert.equal(reloaded.sanityCheck(), null);
    idx.close();
    reloaded.close();
  });

  test('out-of-order entries are reported by sanityCheck', () => {
    const dir = tempDir();
    const path = join(dir, '00000000000000000000.index');
    const b = Buffer.alloc(24);
    b.writeInt32BE(5, 0);
    b.writeInt32BE(100, 4);
    b.writeInt32BE(3, 8);
    b.writeInt32BE(200, 12);
    writeFileSync(path, b);
    const idx = new OffsetIndex(path, 0, 800, false);
    assert.match(idx.sanityCheck() ?? '', /out of order/);
    idx.close();
  });

  test('truncateTo drops entries at and above the offset and full indexes refuse appends', () => {
    const dir = tempDir();
    const idx = new OffsetIndex(join(dir, 'x.index'), 0, 32, true);
    idx.append(1, 10);
    idx.append(2, 20);
    idx.append(3, 30);
    idx.append(4, 40);
    assert.equal(idx.isFull(), true);
    assert.throws(() => idx.append(5, 50), /full/);
    idx.truncateTo(3);
    assert.equal(idx.entries, 2);
    assert.equal(idx.lastOffset, 2);
    idx.append(7, 70);
    assert.deepEqual(idx.lookup(100), { offset: 7, position: 70 });
    idx.close();
  });
});

describe('TimeIndex', () => {
  test('maybeAppend keeps timestamps strictly increasing; lookup finds the floor entry', () => {
    const dir = tempDir();
    const path = join(dir, '00000000000000000050.timeindex');
    const idx = new TimeIndex(path, 50, 1200, true);
    assert.equal(statSync(path).size, 1200);
    assert.deepEqual(idx.lookup(10), { timestamp: -1, offset: 50 });
    idx.maybeAppend(1000, 55);
    idx.maybeAppend(1000, 60); // not larger: skipped
    idx.maybeAppend(2000, 70);
    assert.equal(idx.entries, 2);
    assert.deepEqual(idx.lookup(999), { timestamp: -1, offset: 50 });
    assert.deepEqual(idx.lookup(1500), { timestamp: 1000, offset: 55 });
    assert.deepEqual(idx.lookup(2000), { timestamp: 2000, offset: 70 });
    assert.throws(() => idx.maybeAppend(3000, 60), RangeError);
    idx.truncateTo(70);
    assert.equal(idx.entries, 1);
    idx.close();
    assert.equal(statSync(path).size, 12);
    const again = new TimeIndex(path, 50, 1200, false);
    assert.deepEqual(again.lastEntry(), { timestamp: 1000, offset: 55 });
    again.close();
  });
});
