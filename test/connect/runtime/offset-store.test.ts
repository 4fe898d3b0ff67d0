import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { canonicalJson, FileOffsetBackingStore } from '../../../src/connect/runtime/offset-store.js';

const dir = mkdtempSync(join(tmpdir(), 'samsa-offsets-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('FileOffsetBackingStore', () => {
  it('starts empty without a file, writes a JSON list of [key, value] pairs, and reloads it', async () => {
    const file = join(dir, 'a.offsets');
    const store = new FileOffsetBackingStore(file);
    await store.start();
    assert.equal(store.get(['c', { filename: 'x' }]), null);
    await store.set([[['c', { filename: 'x' }], { position: 10 }], [['c', { filename: 'y' }], { position: 3 }]]);
    await store.set([[['c', { filename: 'x' }], { position: 20 }]]);
    assert.equal(readFileSync(file, 'utf8'), '{"format":"samsa-connect-offsets","version":1,"entries":[\n[["c",{"filename":"x"}],{"position":20}],\n[["c",{"filename":"y"}],{"position":3}]\n]}\n');
    assert.equal(existsSync(`${file}.tmp`), false, 'the temporary file was renamed');
    await store.stop();

    const again = new FileOffsetBackingStore(file);
    await again.start();
    assert.deepEqual(again.get(['c', { filename: 'x' }]), { position: 20 });
    assert.deepEqual(again.get(['c', { filename: 'y' }]), { position: 3 });
    await again.set([[['c', { filename: 'y' }], null]]);
    await again.stop();
    const third = new FileOffsetBackingStore(file);
    await third.start();
    assert.equal(third.get(['c', { filename: 'y' }]), null);
  });

  it('keys compare by canonical JSON (object key order does not matter)', async () => {
    const store = new FileOffsetBackingStore(join(dir, 'b.offsets'));
    await store.start();
    await store.set([[['c', { a: 1, b: 2 }], { o: 1n }]]);
    assert.deepEqual(store.get(['c', { b: 2, a: 1 }]), { o: 1n });
    assert.equal(canonicalJson({ b: [1, 'x', null], a: true, n: 12345678901234567890n }), '{"a":true,"b":[1,"x",null],"n":12345678901234567890}');
  });

  it('integers beyond 2^53 survive a reload as bigint; smaller ones are numbers', async () => {
    const file = join(dir, 'big.offsets');
    const store = new FileOffsetBackingStore(file);
    await store.start();
    await store.set([[['c', { p: '9007199254740993 "quoted"' }], { big: 9223372036854775807n, small: 42, neg: -9007199254740993n, f: 1.5 }]]);
    const again = new FileOffsetBackingStore(file);
    await again.start();
    assert.deepEqual(again.get(['c', { p: '9007199254740993 "quoted"' }]), { big: 9223372036854775807n, small: 42, neg: -9007199254740993n, f: 1.5 });
  });

  it('concurrent saves land in order; the file always holds a whole map', async () => {
    const file = join(dir, 'c.offsets');
    const store = new FileOffsetBackingStore(file);
    await store.start();
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.set([[['c', { p: i % 3 }], { position: i }]])));
    const reread = new FileOffsetBackingStore(file);
    await reread.start();
    assert.deepEqual([0, 1, 2].map((p) => reread.get(['c', { p }])), [{ position: 18 }, { position: 19 }, { position: 17 }]);
  });

  it('refuses a file that is not one of its offset files, naming it', async () => {
    const file = join(dir, 'd.offsets');
    writeFileSync(file, '\xac\xed\x00\x05sr\x00\x11java.util.HashMap');
    await assert.rejects(new FileOffsetBackingStore(file).start(), { message: new RegExp(`^Could not read the offsets file ${file.replace(/[\\.]/g, '\\$&')}: `) });
    writeFileSync(file, '{"entries":[]}');
    await assert.rejects(new FileOffsetBackingStore(file).start(), { message: `The offsets file ${file} is not a Samsa Connect offsets file (format samsa-connect-offsets, version 1)` });
  });
});
