import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildInteropDataset, compareConsumed } from '../../src/testkit/interop-dataset.js';
import type { ConsumedRecord, InteropRecord } from '../../src/testkit/interop-dataset.js';

/** What a perfect reader would return for `records`. */
function asRead(records: readonly InteropRecord[]): ConsumedRecord[] {
  const next = new Map<number, number>();
  return records.map((r) => {
    const offset = next.get(r.partition) ?? 0;
    next.set(r.partition, offset + 1);
    return { partition: r.partition, offset, key: r.key, value: r.value, headers: r.headers.map(([k, v]) => [k, v]), timestamp: r.timestamp ?? 5, timestampType: 0 };
  });
}

describe('interop dataset and comparison', () => {
  const records = buildInteropDataset({ producer: 'p', count: 40, partitions: 3, baseTimestamp: 1000, keys: 7 });

  it('is deterministic: keys follow partitions, 100-byte values, timestamps base + seq', () => {
    assert.deepStrictEqual(records, buildInteropDataset({ producer: 'p', count: 40, partitions: 3, baseTimestamp: 1000, keys: 7 }));
    for (const r of records) {
      assert.equal(Buffer.byteLength(r.value), 100);
      assert.ok(r.value.startsWith(`p:${r.seq}:`));
      assert.equal(r.partition, Number(r.key.slice(4)) % 3);
      assert.equal(r.timestamp, 1000 + r.seq);
    }
  });

  it('accepts an exact copy, in any interleaving of partitions', () => {
    const read = asRead(records);
    assert.deepStrictEqual(compareConsumed(records, read), []);
    assert.deepStrictEqual(compareConsumed(records, [...read].sort((a, b) => b.partition - a.partition)), []);
  });

  it('reports reordering, loss, duplication, and changed keys, values, headers and timestamps', () => {
    const read = asRead(records);
    const swapped = [...read];
    const i = swapped.findIndex((r) => r.partition === 1);
    const j = swapped.findIndex((r, n) => n > i && r.partition === 1);
    [swapped[i], swapped[j]] = [swapped[j]!, swapped[i]!];
    assert.match(compareConsumed(records, swapped).join('\n'), /offset .* \(order or gap\)/);
    assert.match(compareConsumed(records, read.slice(1)).join('\n'), /expected \d+ records, read \d+/);
    assert.match(compareConsumed(records, [...read, read[0]!]).join('\n'), /expected \d+ records, read \d+/);
    const change = (f: (r: ConsumedRecord) => ConsumedRecord): ConsumedRecord[] => read.map((r, n) => (n === 5 ? f(r) : r));
    assert.match(compareConsumed(records, change((r) => ({ ...r, key: 'other' }))).join(), /key "other"/);
    assert.match(compareConsumed(records, change((r) => ({ ...r, value: `${r.value!.slice(0, -1)}!` }))).join(), /value/);
    assert.match(compareConsumed(records, change((r) => ({ ...r, headers: [...r.headers].reverse() }))).join(), /headers/);
    assert.match(compareConsumed(records, change((r) => ({ ...r, headers: r.headers.map(([k, v]) => [k, v === null ? null : v.normalize('NFD')]) }))).join(), /headers/);
    assert.match(compareConsumed(records, change((r) => ({ ...r, timestamp: r.timestamp + 1 }))).join(), /timestamp/);
    assert.match(compareConsumed(records, change((r) => ({ ...r, timestampType: 1 }))).join(), /timestamp type/);
    assert.match(compareConsumed(records, [...read, { ...read[0]!, partition: 9 }]).join(), /partition 9: 1 unexpected/);
  });

  it('checks client-stamped timestamps against the produce window', () => {
    const unstamped = buildInteropDataset({ producer: 'k', count: 10, partitions: 2, baseTimestamp: null, perRecordHeaders: false });
    const read = asRead(unstamped).map((r) => ({ ...r, timestamp: 500 }));
    assert.deepStrictEqual(compareConsumed(unstamped, read, { timestampWindow: { min: 400, max: 600 } }), []);
    assert.match(compareConsumed(unstamped, read, { timestampWindow: { min: 501, max: 600 } }).join(), /outside the produce window/);
  });
});
