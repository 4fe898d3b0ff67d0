import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { incrementSequence, ProducerStateManager, type ProducerBatch } from '../../../src/broker/storage/producer-state.js';
import { crc32c } from '../../../src/protocol/records/index.js';
import { logger, tempDir } from './storage-test-helpers.js';

function b(producerId: bigint, producerEpoch: number, baseSequence: number, count = 1): ProducerBatch {
  return { producerId, producerEpoch, baseSequence, lastOffsetDelta: count - 1 };
}

/** Applies a batch at `offset` as an append would. */
function apply(psm: ProducerStateManager, batch: ProducerBatch, offset: number): void {
  psm.update({ ...batch, firstOffset: offset, lastOffset: offset + batch.lastOffsetDelta, maxTimestamp: 1000 + offset });
}

describe('ProducerStateManager', () => {
  test('new producers may start at any sequence; then sequences must follow', () => {
    const psm = new ProducerStateManager(tempDir(), logger);
    assert.deepEqual(psm.validateAppend([b(7n, 0, 42)]), { kind: 'ok' });
    apply(psm, b(7n, 0, 0, 5), 0);
    assert.deepEqual(psm.validateAppend([b(7n, 0, 5)]), { kind: 'ok' });
    const gap = psm.validateAppend([b(7n, 0, 7)]);
    assert.equal(gap.kind === 'error' && gap.error, 'OUT_OF_ORDER_SEQUENCE_NUMBER');
    // Two batches in one append are checked against each other.
    assert.deepEqual(psm.validateAppend([b(7n, 0, 5, 2), b(7n, 0, 7)]), { kind: 'ok' });
    const second = psm.validateAppend([b(7n, 0, 5, 2), b(7n, 0, 8)]);
    assert.equal(second.kind, 'error');
    // Non-idempotent batches are not checked.
    assert.deepEqual(psm.validateAppend([b(-1n, -1, -1)]), { kind: 'ok' });
  });

  test('duplicates of the last five batches are found with their original offsets', () => {
    const psm = new ProducerStateManager(tempDir(), logger);
    for (let i = 0; i < 7; i++) apply(psm, b(1n, 0, i * 2, 2), 100 + i * 2);
    const dup = psm.validateAppend([b(1n, 0, 8, 2)]);
    assert.deepEqual(dup, { kind: 'duplicate', batch: { firstSeq: 8, lastSeq: 9, firstOffset: 108, lastOffset: 109, timestamp: 1108 } });
    // Batch 0 (seq 0..1) fell out of the window of five: it is out of order now.
    assert.equal(psm.validateAppend([b(1n, 0, 0, 2)]).kind, 'error');
    // Same sequences under another epoch are not duplicates.
    assert.equal(psm.validateAppend([b(1n, 1, 8, 2)]).kind, 'error');
  });

  test('epochs: older is INVALID_PRODUCER_EPOCH, newer must start at 0', () => {
    const psm = new ProducerStateManager(tempDir(), logger);
    apply(psm, b(3n, 5, 0, 3), 0);
    const older = psm.validateAppend([b(3n, 4, 3)]);
    assert.equal(older.kind === 'error' && older.error, 'INVALID_PRODUCER_EPOCH');
    const newerNonZero = psm.validateAppend([b(3n, 6, 3)]);
    assert.equal(newerNonZero.kind === 'error' && newerNonZero.error, 'OUT_OF_ORDER_SEQUENCE_NUMBER');
    assert.deepEqual(psm.validateAppend([b(3n, 6, 0)]), { kind: 'ok' });
    apply(psm, b(3n, 6, 0), 3);
    assert.equal(psm.lastEntry(3n)!.batches.length, 1);
  });

  test('sequences wrap from Int32 max to 0', () => {
    const psm = new ProducerStateManager(tempDir(), logger);
    assert.equal(incrementSequence(0x7fffffff - 1, 3), 1);
    apply(psm, b(9n, 0, 0x7fffffff - 1, 2), 0);
    assert.deepEqual(psm.validateAppend([b(9n, 0, 0)]), { kind: 'ok' });
    apply(psm, b(9n, 0, 0x7fffffff, 3), 2); // seq 2147483647, 0, 1
    assert.deepEqual(psm.validateAppend([b(9n, 0, 2)]), { kind: 'ok' });
    assert.equal(psm.validateAppend([b(9n, 0, 0x7fffffff, 3)]).kind, 'duplicate');
  });

  test('snapshots keep all five batches per producer and are Kafka-readable', () => {
    const dir = tempDir();
    const psm = new ProducerStateManager(dir, logger);
    for (let i = 0; i < 6; i++) apply(psm, b(11n, 2, i * 3, 3), i * 3);
    apply(psm, b(12n, 0, 0), 18);
    psm.takeSnapshot();
    assert.deepEqual(readdirSync(dir), ['00000000000000000019.snapshot']);
    const file = readFileSync(join(dir, '00000000000000000019.snapshot'));
    assert.equal(file.readInt16BE(0), 1);
    assert.equal(file.readUInt32BE(2), crc32c(file.subarray(6)));
    assert.equal(file.readInt32BE(6), 6);
    assert.equal(file.length, 10 + 6 * 46);

    const loaded = new ProducerStateManager(dir, logger);
    loaded.loadLatestSnapshot(0, 19);
    assert.equal(loaded.mapEndOffset, 19);
    assert.deepEqual(loaded.lastEntry(11n)!.batches, psm.lastEntry(11n)!.batches);
    assert.equal(loaded.validateAppend([b(11n, 2, 3, 3)]).kind, 'duplicate');
    assert.deepEqual(loaded.validateAppend([b(11n, 2, 18)]), { kind: 'ok' });
  });

  test('stale and corrupt snapshots are skipped and deleted', () => {
    const dir = tempDir();
    const psm = new ProducerStateManager(dir, logger);
    apply(psm, b(1n, 0, 0), 0);
    psm.takeSnapshot(); // 1
    apply(psm, b(1n, 0, 1), 1);
    psm.takeSnapshot(); // 2
    apply(psm, b(1n, 0, 2), 2);
    psm.takeSnapshot(); // 3
    const corrupt = readFileSync(join(dir, '00000000000000000002.snapshot'));
    corrupt[20] ^= 0xff;
    writeFileSync(join(dir, '00000000000000000002.snapshot'), corrupt);
    const loaded = new ProducerStateManager(dir, logger);
    loaded.loadLatestSnapshot(0, 2); // log end 2: snapshot 3 is stale, 2 is corrupt, 1 is used
    assert.equal(loaded.mapEndOffset, 1);
    assert.deepEqual(loaded.snapshotOffsets(), [1]);
    assert.equal(loaded.lastEntry(1n)!.batches.length, 1);
  });

  test('expired producers are removed', () => {
    const psm = new ProducerStateManager(tempDir(), logger);
    apply(psm, b(1n, 0, 0), 0); // timestamp 1000
    apply(psm, b(2n, 0, 0), 5000); // timestamp 6000
    assert.equal(psm.removeExpiredProducers(7000, 3000), 1);
    assert.equal(psm.lastEntry(1n), undefined);
    assert.ok(psm.lastEntry(2n) !== undefined);
  });
});
