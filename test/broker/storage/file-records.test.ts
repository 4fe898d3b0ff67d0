import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { FileRecords } from '../../../src/broker/storage/file-records.js';
import { setBaseOffset } from '../../../src/protocol/records/index.js';
import { batch, tempDir } from './storage-test-helpers.js';

describe('FileRecords', () => {
  test('hasBatchAt and findBatch agree with batchAt and batchesFrom at every position, garbage and huge offsets included', () => {
    const file = FileRecords.open(join(tempDir(), '00000000000000000000.log'));
    const bases = [0n, 3n, 6n, 2n ** 53n - 2n, 2n ** 60n, -(2n ** 40n), 2n ** 53n + 5n, 100n];
    for (const [i, base] of bases.entries()) {
      const b = batch({ count: 3, valueSize: 20 + i * 7, ts: 1000 + i });
      setBaseOffset(b, 0, base);
      file.append(b);
      // Garbage between some batches: the scans stop there.
      if (i === 5) file.append(new Uint8Array([1, 2, 3, 4, 5]));
    }
    for (let pos = 0; pos < file.size; pos++) {
      const expected = file.batchAt(pos);
      assert.equal(file.hasBatchAt(pos), expected !== null, `position ${pos}`);
      if (expected !== null) {
        assert.deepEqual({ ...file.found }, { size: expected.size, baseOffset: expected.baseOffset, lastOffset: expected.lastOffset }, `position ${pos}`);
      }
    }
    for (const start of [0, 1, 61]) {
      const headers = [...file.batchesFrom(start)];
      for (const target of [-1, 0, 2, 3, 5, 7, 2 ** 53 - 1, Number.MAX_SAFE_INTEGER]) {
        const want = headers.find((h) => h.lastOffset >= target);
        const got = file.findBatch(start, target);
        assert.equal(got, want === undefined ? -1 : want.position, `start ${start}, offset ${target}`);
        if (want !== undefined) assert.equal(file.found.baseOffset, want.baseOffset);
      }
    }
    file.close();
  });

  test('read returns the bytes in the file, whether the batch search has them in its window or not, after appends and truncations too', () => {
    const path = join(tempDir(), '00000000000000000000.log');
    const file = FileRecords.open(path);
    const fill = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);
    const sizes = [900, 14_635, 3_000, 70_000, 5];
    for (const [i, n] of sizes.entries()) file.append(fill(n, i));
    const check = (position: number, length: number): void => {
      const disk = readFileSync(path);
      const want = disk.subarray(position, Math.min(disk.length, position + length));
      assert.deepEqual(file.read(position, length), want, `read(${position}, ${length})`);
    };
    const ranges: [number, number][] = [
      [0, 900],
      [900, 14_635],
      [850, 20_000],
      [18_000, 70_000],
      [88_000, 1_000],
      [88_535, 100],
      [0, 200_000],
    ];
    for (const [position, length] of ranges) {
      check(position, length);
      // Fill the window from just before the range (what findBatch does) and read it again.
      file.findBatch(Math.max(0, position - 10), Number.MAX_SAFE_INTEGER);
      file.hasBatchAt(Math.max(0, position - 10));
      check(position, length);
    }
    // A window filled before a truncation must not serve the bytes appended after it.
    file.hasBatchAt(900);
    file.truncateTo(1_000);
    file.append(fill(20_000, 99));
    check(900, 14_635);
    file.hasBatchAt(950);
    file.append(fill(10, 7));
    check(950, 25_000);
    file.close();
  });
});
