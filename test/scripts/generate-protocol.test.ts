import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadMessage, stripJsonComments } from '../../scripts/generate-protocol.js';

describe('schema loading', () => {
  it('strips // comments but not // inside strings', () => {
    const text = '// licence\n{ "a": "http://x//y", // trailing\n "b": "say \\"//\\"" }';
    assert.deepStrictEqual(JSON.parse(stripJsonComments(text)), { a: 'http://x//y', b: 'say "//"' });
  });

  it('resolves version ranges, every form of default, tags and common structs', () => {
    const schema = loadMessage(`{
      "apiKey": 99, "type": "request", "name": "ExampleRequest",
      "validVersions": "0-4", "flexibleVersions": "3+",
      "fields": [
        { "name": "A", "type": "int32", "versions": "0+", "default": "0x7fffffff" },
        { "name": "B", "type": "int64", "versions": "1-2", "default": -1, "ignorable": true },
        { "name": "C", "type": "string", "versions": "2+", "nullableVersions": "2+", "default": "null" },
        { "name": "D", "type": "bool", "versions": "0+", "default": "true" },
        { "name": "E", "type": "[]Item", "versions": "0+" },
        { "name": "F", "type": "int16", "versions": "3+", "taggedVersions": "3+", "tag": "1" }
      ],
      "commonStructs": [ { "name": "Item", "versions": "0+", "fields": [ { "name": "X", "type": "uuid", "versions": "0+" } ] } ]
    }`);
    assert.equal(schema.apiKey, 99);
    assert.deepStrictEqual(schema.validVersions, { min: 0, max: 4 });
    assert.deepStrictEqual(schema.flexibleVersions, { min: 3, max: 4 });
    const top = schema.structs.ExampleRequest!;
    const field = (n: string) => top.fields.find((f) => f.name === n)!;
    assert.equal(field('A').defaultValue, 0x7fffffff);
    assert.equal(field('B').defaultValue, 'int64:-1');
    assert.deepStrictEqual(field('B').versions, { min: 1, max: 2 });
    assert.equal(field('B').ignorable, true);
    assert.equal(field('C').defaultValue, null);
    assert.equal(field('D').defaultValue, true);
    assert.equal(field('E').type, 'ExampleRequestItem');
    assert.equal(field('E').array, true);
    assert.equal(field('F').tag, 1);
    assert.deepStrictEqual(field('F').taggedVersions, { min: 3, max: 4 });
    assert.ok(schema.structs.ExampleRequestItem);
  });

  it('refuses a reference to a struct that is not defined', () => {
    assert.throws(() => loadMessage('{"type":"data","name":"X","validVersions":"0","flexibleVersions":"none","fields":[{"name":"Y","type":"Missing","versions":"0"}]}'), /unknown struct/);
  });
});
