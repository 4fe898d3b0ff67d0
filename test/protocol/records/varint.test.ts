import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RecordBatchError } from '../../../src/protocol/records/record-batch-error.js';
import { sizeOfVarint, sizeOfVarlong, VarintCursor, writeVarint, writeVarlong } from '../../../src/protocol/records/varint.js';

function encodeVarint(value: number): Uint8Array {
  const buf = new Uint8Array(5);
  return buf.subarray(0, writeVarint(buf, 0, value));
}

function encodeVarlong(value: bigint): Uint8Array {
  const buf = new Uint8Array(10);
  return buf.subarray(0, writeVarlong(buf, 0, value));
}

describe('zig-zag varints', () => {
  test('known encodings', () => {
    assert.deepEqual([...encodeVarint(0)], [0]);
    assert.deepEqual([...encodeVarint(-1)], [1]);
    assert.deepEqual([...encodeVarint(1)], [2]);
    assert.deepEqual([...encodeVarint(-64)], [0x7f]);
    assert.deepEqual([...encodeVarint(64)], [0x80, 0x01]);
    assert.deepEqual([...encodeVarint(2147483647)], [0xfe, 0xff, 0xff, 0xff, 0x0f]);
    assert.deepEqual([...encodeVarint(-2147483648)], [0xff, 0xff, 0xff, 0xff, 0x0f]);
    assert.deepEqual([...encodeVarlong(-9223372036854775808n)], [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
  });

  test('varint round trip and size', () => {
    const values = [0, 1, -1, 63, -64, 64, -65, 8191, 8192, 1 << 20, -(1 << 20), 1 << 27, 2147483647, -2147483648];
    for (const v of values) {
      const enc = encodeVarint(v);
      assert.equal(enc.length, sizeOfVarint(v), `size of ${v}`);
      const c = new VarintCursor(enc);
      assert.equal(c.varint(), v);
      assert.equal(c.pos, enc.length);
    }
  });

  test('varlong round trip and size', () => {
    const values = [0n, 1n, -1n, 1n << 27n, -(1n << 28n), 1n << 31n, -(1n << 31n), 1n << 40n, 1700000000000n, -1700000000000n, (1n << 63n) - 1n, -(1n << 63n)];
    for (const v of values) {
      const enc = encodeVarlong(v);
      assert.equal(enc.length, sizeOfVarlong(v), `size of ${v}`);
      const c = new VarintCursor(enc);
      assert.equal(c.varlong(), v);
      assert.equal(c.pos, enc.length);
    }
  });

  test('a sixth varint byte is BAD_VARINT, an eleventh varlong byte too', () => {
    const six = new Uint8Array([0x80, 0x80, 0x80, 0x80, 0x80, 0x00]);
    assert.throws(() => new VarintCursor(six).varint(), (e: unknown) => e instanceof RecordBatchError && e.reason === 'BAD_VARINT');
    const eleven = new Uint8Array([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00]);
    assert.throws(() => new VarintCursor(eleven).varlong(), (e: unknown) => e instanceof RecordBatchError && e.reason === 'BAD_VARINT');
  });

  test('running out of bytes is TRUNCATED', () => {
    assert.throws(() => new VarintCursor(new Uint8Array([0x80, 0x80])).varint(), (e: unknown) => e instanceof RecordBatchError && e.reason === 'TRUNCATED');
    assert.throws(() => new VarintCursor(new Uint8Array([0x80, 0x80, 0x80, 0x80, 0x80])).varlong(), (e: unknown) => e instanceof RecordBatchError && e.reason === 'TRUNCATED');
    assert.throws(() => new VarintCursor(new Uint8Array(0)).varint(), (e: unknown) => e instanceof RecordBatchError && e.reason === 'TRUNCATED');
  });
});
