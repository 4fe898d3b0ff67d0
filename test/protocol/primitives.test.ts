/**
 * ProtocolWriter/ProtocolReader fixed-width numbers and strings, checked byte for byte against
 * DataView and Buffer (the writer and reader encode them by hand, without a DataView of their own),
 * including out-of-range values (which wrap, as DataView's setters do) and the short-string table.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProtocolReader } from '../../src/protocol/primitives/protocol-reader.js';
import { ProtocolWriter } from '../../src/protocol/primitives/protocol-writer.js';
import { ProtocolDecodeError } from '../../src/protocol/primitives/protocol-error.js';

type Setter = 'setInt8' | 'setInt16' | 'setUint16' | 'setInt32' | 'setUint32';
const INT_CASES: Array<{ method: 'int8' | 'int16' | 'uint16' | 'int32' | 'uint32'; setter: Setter; size: number }> = [
  { method: 'int8', setter: 'setInt8', size: 1 },
  { method: 'int16', setter: 'setInt16', size: 2 },
  { method: 'uint16', setter: 'setUint16', size: 2 },
  { method: 'int32', setter: 'setInt32', size: 4 },
  { method: 'uint32', setter: 'setUint32', size: 4 },
];
const VALUES = [0, 1, -1, 127, 128, -128, -129, 255, 256, 0x7fff, 0x8000, -0x8000, 0xffff, 0x10000, 0x7fffffff, -0x80000000, 0xffffffff, 2 ** 32 + 5, -(2 ** 40) - 3, 1.9, -1.9, NaN, Infinity];

function expected(setter: Setter, size: number, v: number): Buffer {
  const dv = new DataView(new ArrayBuffer(size));
  dv[setter](0, v);
  return Buffer.from(dv.buffer);
}

describe('ProtocolWriter fixed-width integers', () => {
  for (const c of INT_CASES) {
    it(`${c.method} writes the bytes DataView.${c.setter} writes, wrapping out-of-range values`, () => {
      for (const v of VALUES) {
        const w = new ProtocolWriter(3); // small: values straddle buffer growth
        w.int8(0x11);
        w[c.method](v);
        assert.deepEqual(w.toBytes().subarray(1), expected(c.setter, c.size, v), `${c.method}(${v})`);
      }
    });
  }

  it('int64 and float64 write big-endian bytes, bigints wrapping to 64 bits', () => {
    const w = new ProtocolWriter(5);
    w.int64(-2n);
    w.int64(2n ** 64n + 7n);
    w.float64(-1.5);
    w.int64(0x0102030405060708n);
    assert.equal(w.toBytes().toString('hex'), 'fffffffffffffffe' + '0000000000000007' + 'bff8000000000000' + '0102030405060708');
  });

  it('int32 of a bigint throws, as DataView does', () => {
    assert.throws(() => new ProtocolWriter().int32(1n as unknown as number), TypeError);
  });
});

describe('ProtocolReader fixed-width integers', () => {
  it('reads what DataView reads, at any offset of a view into a larger buffer', () => {
    const backing = Buffer.from('00ff80017fffffff800000000102fe7f80', 'hex');
    const bytes = new Uint8Array(backing.buffer, backing.byteOffset + 1, backing.length - 1);
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let at = 0; at + 4 <= bytes.length; at++) {
      const r = (): ProtocolReader => new ProtocolReader(bytes, at);
      assert.equal(r().int8('f'), dv.getInt8(at));
      assert.equal(r().int16('f'), dv.getInt16(at));
      assert.equal(r().uint16('f'), dv.getUint16(at));
      assert.equal(r().int32('f'), dv.getInt32(at));
      assert.equal(r().uint32('f'), dv.getUint32(at));
      if (at + 8 <= bytes.length) {
        assert.equal(r().int64('f'), dv.getBigInt64(at));
        assert.ok(Object.is(r().float64('f'), dv.getFloat64(at)));
      }
    }
  });

  it('refuses to read past the end of its window', () => {
    const r = new ProtocolReader(Buffer.from('0102030405', 'hex'), 2, 4);
    assert.throws(() => r.int32('x'), ProtocolDecodeError);
    assert.equal(r.int16('x'), 0x0304);
    assert.throws(() => r.int8('x'), ProtocolDecodeError);
  });

  it('reads unsigned varints of every length back, and refuses ones beyond 32 bits or 5 bytes', () => {
    const values = [0, 1, 127, 128, 300, 16_383, 16_384, 2 ** 21 - 1, 2 ** 21, 2 ** 28 - 1, 2 ** 28, 0xdeadbeef, 2 ** 32 - 1];
    const w = new ProtocolWriter();
    for (const v of values) w.unsignedVarint(v);
    const bytes = w.toBytes();
    assert.equal(bytes.length, [1, 1, 1, 2, 2, 2, 3, 3, 4, 4, 5, 5, 5].reduce((a, b) => a + b, 0));
    const r = new ProtocolReader(bytes);
    assert.deepEqual(values.map(() => r.unsignedVarint('v')), values);
    // Little-endian groups of 7 bits: 300 is ac 02.
    assert.equal(new ProtocolReader(Buffer.from('ac02', 'hex')).unsignedVarint('v'), 300);
    assert.throws(() => new ProtocolReader(Buffer.from('ffffffff1f', 'hex')).unsignedVarint('v'), /does not fit in 32 bits/);
    assert.throws(() => new ProtocolReader(Buffer.from('8080808080', 'hex')).unsignedVarint('v'), /does not fit in 32 bits/);
    assert.throws(() => new ProtocolReader(Buffer.from('8080', 'hex')).unsignedVarint('v'), /past the end/);
  });
});

describe('ProtocolReader strings', () => {
  function encoded(strings: Array<string | null>, compact: boolean): Buffer {
    const w = new ProtocolWriter();
    for (const s of strings) w.nullableString(s, compact);
    return w.toBytes();
  }

  it('decodes repeated, colliding, non-ASCII, long and empty strings exactly', () => {
    const many = Array.from({ length: 5000 }, (_, i) => `topic-${i % 1500}`);
    const strings: Array<string | null> = [
      'lat1', 'lat1', 'lat2', 'lat1', '', null, 'x'.repeat(64), 'x'.repeat(65), 'y'.repeat(63) + 'é', 'tópico', 'tópico', 'zürich-☃', 'a\u0000b',
      ...many, ...many,
    ];
    for (const compact of [false, true]) {
      const r = new ProtocolReader(encoded(strings, compact));
      const got = strings.map(() => r.nullableString('s', compact));
      assert.deepEqual(got, strings);
      assert.equal(r.remaining(), 0);
    }
  });

  it('a decoded string does not change when the bytes it came from are overwritten', () => {
    const buf = encoded(['client-a'], false);
    const s = new ProtocolReader(buf).string('s', false);
    buf.write('client-b', 2, 'latin1');
    assert.equal(s, 'client-a');
    assert.equal(new ProtocolReader(buf).string('s', false), 'client-b');
  });

  it('bytes that are not valid UTF-8 decode as Buffer#toString does', () => {
    const w = new ProtocolWriter();
    w.int16(3);
    w.raw(Uint8Array.of(0x61, 0xff, 0x62));
    assert.equal(new ProtocolReader(w.toBytes()).string('s', false), Buffer.from([0x61, 0xff, 0x62]).toString('utf8'));
  });
});

describe('ProtocolWriter chunks', () => {
  it('references large byte arrays as their own chunks and keeps writing after them', () => {
    const big1 = Buffer.alloc(5000, 0xaa);
    const big2 = Buffer.alloc(4096, 0xbb);
    const w = new ProtocolWriter(16);
    w.reserveSizePrefix();
    w.int16(7);
    w.nullableBytes(big1, false);
    w.int32(-2);
    w.raw(big2); // directly after another zero-copy chunk: nothing pending in between
    w.raw(big2);
    w.nullableString('tail', true);
    w.taggedFields(null, undefined);
    w.taggedFields(null, [{ tag: 3, data: Uint8Array.of(9) }]);
    const expectedBody = Buffer.concat([
      Buffer.from('0007', 'hex'), Buffer.from('00001388', 'hex'), big1, Buffer.from('fffffffe', 'hex'), big2, big2,
      Buffer.from('05', 'hex'), Buffer.from('tail'), Buffer.from('00', 'hex'), Buffer.from('01030109', 'hex'),
    ]);
    assert.equal(w.length, 4 + expectedBody.length);
    const chunks = w.toFrameChunks();
    assert.ok(chunks.includes(big1) && chunks.filter((c) => c === big2).length === 2, 'large arrays are not copied');
    const frame = Buffer.concat(chunks);
    assert.equal(frame.readInt32BE(0), expectedBody.length);
    assert.deepEqual(frame.subarray(4), expectedBody);
  });

  it('toChunks and toBytes give the same bytes mid-way and at the end', () => {
    const w = new ProtocolWriter(4);
    w.int64(5n);
    w.raw(Buffer.alloc(4100, 1));
    w.int8(-1);
    const viaChunks = Buffer.concat(w.toChunks());
    assert.deepEqual(w.toBytes(), viaChunks);
    assert.equal(viaChunks.length, w.length);
    w.uint16(0xbeef);
    assert.equal(w.toBytes().subarray(-3).toString('hex'), 'ffbeef');
  });
});
