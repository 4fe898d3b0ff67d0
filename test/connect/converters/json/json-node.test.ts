import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { javaDoubleToString, javaFloatToString, parseJson, writeJson } from '../../../../src/connect/converters/json/json-node.js';

describe("Java number text (Jackson writes Double.toString / Float.toString)", () => {
  it('formats doubles like Double.toString', () => {
    const cases: Array<[number, string]> = [
      [1, '1.0'], [-1, '-1.0'], [0, '0.0'], [-0, '-0.0'], [12.34, '12.34'], [0.001, '0.001'], [0.0001, '1.0E-4'],
      [1234567, '1234567.0'], [1e7, '1.0E7'], [12345678.9, '1.23456789E7'], [1e20, '1.0E20'], [1.5e-300, '1.5E-300'],
      [Number.MAX_VALUE, '1.7976931348623157E308'], [Number.MIN_VALUE, '4.9E-324'], [100, '100.0'], [0.1, '0.1'],
    ];
    for (const [d, text] of cases) assert.equal(javaDoubleToString(d), text, String(d));
  });

  it('formats floats like Float.toString (shortest digits for the float)', () => {
    const cases: Array<[number, string]> = [[12.34, '12.34'], [0.1, '0.1'], [1, '1.0'], [3.4028234663852886e38, '3.4028235E38'], [1e-5, '1.0E-5'], [16777217, '1.6777216E7']];
    for (const [f, text] of cases) assert.equal(javaFloatToString(f), text, String(f));
  });
});

describe('JSON tree', () => {
  it('keeps number literals exactly and writes compact JSON in insertion order', () => {
    const node = parseJson(Buffer.from(' { "b" : 123456789012345678901234567890 , "a" : [ 1.50 , -0 , 1e3 ] , "s":"\\u00e9\\t" } '));
    assert.equal(writeJson(node!), '{"b":123456789012345678901234567890,"a":[1.50,-0,1e3],"s":"é\\t"}');
  });

  it('rejects what Jackson rejects by default', () => {
    for (const bad of ['{', '[1,]', '01', 'NaN', "{'a':1}", '{"a":1} x', '"\u0001"']) {
      assert.throws(() => parseJson(Buffer.from(bad)), { name: 'DataException' }, bad);
    }
  });

  it('reads empty input as no content', () => {
    assert.equal(parseJson(new Uint8Array(0)), undefined);
  });
});
