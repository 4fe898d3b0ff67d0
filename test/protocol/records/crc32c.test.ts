import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { crc32c } from '../../../src/protocol/records/crc32c.js';
import { xxhash32 } from '../../../src/protocol/records/xxhash32.js';
import { bytes, prng, randomBytes } from './record-test-helpers.js';

describe('crc32c', () => {
  test('known vectors', () => {
    assert.equal(crc32c(bytes('123456789')), 0xe3069283);
    assert.equal(crc32c(new Uint8Array(0)), 0);
    assert.equal(crc32c(new Uint8Array(32)), 0x8a9136aa); // RFC 3720 B.4: 32 bytes of zeros
    assert.equal(crc32c(new Uint8Array(32).fill(0xff)), 0x62a8ab43); // RFC 3720 B.4: 32 bytes of 0xff
    const ascending = new Uint8Array(32).map((_, i) => i);
    assert.equal(crc32c(ascending), 0x46dd794e); // RFC 3720 B.4: 0x00..0x1f
  });

  test('works on subarray views and continues from an initial value', () => {
    const data = randomBytes(prng(1), 4096);
    const view = data.subarray(100, 3000);
    assert.equal(crc32c(view), crc32c(Uint8Array.from(view)));
    assert.equal(crc32c(data.subarray(1000), crc32c(data.subarray(0, 1000))), crc32c(data));
  });

  test('returns an unsigned value', () => {
    for (let seed = 0; seed < 50; seed++) {
      const value = crc32c(randomBytes(prng(seed), 64));
      assert.ok(value >= 0 && value <= 0xffffffff);
    }
  });
});

describe('xxhash32', () => {
  test('known vectors', () => {
    assert.equal(xxhash32(new Uint8Array(0)), 0x02cc5d05);
    assert.equal(xxhash32(bytes('a')), 0x550d7456);
    assert.equal(xxhash32(bytes('abc')), 0x32d153ff);
    assert.equal(xxhash32(bytes('Nobody inspects the spammish repetition')), 0xe2293b2f);
  });

  test('range arguments hash the same bytes as a copy', () => {
    const data = randomBytes(prng(2), 300);
    assert.equal(xxhash32(data, 7, 13, 250), xxhash32(data.slice(13, 250), 7));
  });
});
