import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { LeaderEpochCache } from '../../../src/broker/storage/leader-epoch-cache.js';
import { tempDir } from './storage-test-helpers.js';

describe('LeaderEpochCache', () => {
  test('assigns epochs, persists them as leader-epoch-checkpoint, answers OffsetForLeaderEpoch', () => {
    const dir = tempDir();
    const cache = new LeaderEpochCache(dir);
    assert.deepEqual(cache.endOffsetFor(0, 10), { epoch: -1, endOffset: -1 });
    cache.assign(1, 0);
    cache.assign(1, 5); // same epoch: no-op
    cache.assign(3, 20);
    cache.assign(6, 45);
    assert.equal(readFileSync(join(dir, 'leader-epoch-checkpoint'), 'utf8'), '0\n3\n1 0\n3 20\n6 45\n');
    assert.deepEqual(cache.endOffsetFor(6, 99), { epoch: 6, endOffset: 99 });
    assert.deepEqual(cache.endOffsetFor(1, 99), { epoch: 1, endOffset: 20 });
    assert.deepEqual(cache.endOffsetFor(2, 99), { epoch: 1, endOffset: 20 });
    assert.deepEqual(cache.endOffsetFor(4, 99), { epoch: 3, endOffset: 45 });
    assert.deepEqual(cache.endOffsetFor(0, 99), { epoch: 0, endOffset: 0 });
    assert.deepEqual(cache.endOffsetFor(7, 99), { epoch: -1, endOffset: -1 });
    assert.deepEqual(cache.endOffsetFor(-1, 99), { epoch: -1, endOffset: -1 });
    const reloaded = new LeaderEpochCache(dir);
    assert.deepEqual(reloaded.epochEntries(), cache.epochEntries());
  });

  test('truncation from the end and from the start', () => {
    const dir = tempDir();
    const cache = new LeaderEpochCache(dir);
    cache.assign(1, 0);
    cache.assign(2, 10);
    cache.assign(3, 20);
    cache.truncateFromEnd(15);
    assert.deepEqual(cache.epochEntries(), [{ epoch: 1, startOffset: 0 }, { epoch: 2, startOffset: 10 }]);
    cache.truncateFromStart(12);
    assert.deepEqual(cache.epochEntries(), [{ epoch: 2, startOffset: 12 }]);
    assert.equal(cache.latestEpoch, 2);
    assert.deepEqual(new LeaderEpochCache(dir).epochEntries(), [{ epoch: 2, startOffset: 12 }]);
  });
});
