import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { wholeBatches } from '../../../src/broker/replication/replica-fetcher.js';
import { buildRecordBatch } from '../../../src/protocol/records/index.js';

describe('wholeBatches', () => {
  const one = buildRecordBatch([{ key: null, value: Buffer.from('a'), headers: [] }], {});
  const two = buildRecordBatch([{ key: null, value: Buffer.from('bb'), headers: [] }], { baseOffset: 1n });
  const both = Buffer.concat([one, two]);

  it('keeps complete batches as the same memory and drops a trailing partial batch', () => {
    assert.equal(wholeBatches(both), both);
    for (const cut of [both.length - 1, one.length + 12, one.length + 5]) {
      const trimmed = wholeBatches(both.subarray(0, cut));
      assert.equal(trimmed.length, one.length, `cut at ${cut}`);
      assert.equal(trimmed.buffer, both.buffer, 'a view, not a copy');
    }
    assert.equal(wholeBatches(both.subarray(0, 10)).length, 0);
    assert.equal(wholeBatches(new Uint8Array(0)).length, 0);
  });
});
