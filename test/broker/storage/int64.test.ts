import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isInt64MinusOne, readInt64AsNumber, writeInt64FromNumber } from '../../../src/broker/storage/int64.js';

describe('int64 fields as numbers', () => {
  const values = [0, 1, -1, 255, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), 2 ** 32 - 1, 2 ** 32, -(2 ** 32) - 1, 1_700_000_000_123, -1_700_000_000_123, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 2 ** 60, -(2 ** 62)];

  it('writes the bytes writeBigInt64BE writes, and reads back what Number(readBigInt64BE) reads', () => {
    for (const v of values) {
      const ours = Buffer.alloc(10);
      const node = Buffer.alloc(10);
      writeInt64FromNumber(ours, 1, v);
      node.writeBigInt64BE(BigInt(v), 1);
      assert.deepEqual(ours, node, `bytes of ${v}`);
      assert.equal(readInt64AsNumber(node, 1), Number(node.readBigInt64BE(1)), `value of ${v}`);
    }
    // Beyond 2^53 a read rounds to the nearest double, as Number(bigint) does.
    const big = Buffer.alloc(8);
    big.writeBigInt64BE(2n ** 62n + 12345n, 0);
    assert.equal(readInt64AsNumber(big, 0), Number(2n ** 62n + 12345n));
  });

  it('refuses what is not an int64', () => {
    const b = Buffer.alloc(8);
    for (const bad of [0.5, Number.NaN, Infinity, 2 ** 63, -(2 ** 63) * 2]) assert.throws(() => writeInt64FromNumber(b, 0, bad), RangeError);
  });

  it('recognises -1 without a BigInt', () => {
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(-1n, 0);
    assert.equal(isInt64MinusOne(b, 0), true);
    for (const v of [0n, -2n, 2n ** 32n - 1n, -(2n ** 32n)]) {
      b.writeBigInt64BE(v, 0);
      assert.equal(isInt64MinusOne(b, 0), false, String(v));
    }
  });
});
