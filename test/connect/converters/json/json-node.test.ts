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

describe('JSON parser: strings taken in one piece, numbers read in place', () => {
  const causeOf = (text: string): string => {
    try {
      parseJson(Buffer.from(text));
    } catch (e) {
      return String((e as Error & { cause?: unknown }).cause);
    }
    return 'parsed';
  };

  it('reads strings with and without escapes, before and after the escape', () => {
    const node = parseJson(Buffer.from('["plain","a\\"b\\\\c\\/d\\n","\\u00e9t\\u00e9 ok","ünï"]'));
    assert.equal(writeJson(node!), '["plain","a\\"b\\\\c/d\\n","été ok","ünï"]');
  });

  it('names the position of an unterminated string, a control character, a malformed number', () => {
    assert.equal(causeOf('"abc'), 'SyntaxError: Unterminated string at position 5');
    assert.equal(causeOf('"ab\u0001c"'), 'SyntaxError: Unescaped control character in string at position 4');
    assert.equal(causeOf('"a\\"b\u0001"'), 'SyntaxError: Unescaped control character in string at position 6');
    assert.equal(causeOf('[1.]'), 'SyntaxError: Malformed number at position 2');
    assert.equal(causeOf('[12a]'), "SyntaxError: Expected ',' or ']' at position 4");
    assert.equal(causeOf('-'), 'SyntaxError: Malformed number at position 0');
  });

  it('reads number literals up to 4096 characters and rejects longer ones', () => {
    const digits = (n: number): string => '1'.repeat(n);
    assert.equal(writeJson(parseJson(Buffer.from(`[${digits(4096)}]`))!), `[${digits(4096)}]`);
    assert.equal(writeJson(parseJson(Buffer.from(`[${digits(4094)}.5]`))!), `[${digits(4094)}.5]`);
    assert.equal(causeOf(`[${digits(4097)}]`), 'SyntaxError: Malformed number at position 4097');
    assert.equal(causeOf(`[${digits(4095)}.5]`), 'SyntaxError: Malformed number at position 4096');
  });

  it('reads true, false and null only as whole words', () => {
    assert.equal(writeJson(parseJson(Buffer.from('[true,false,null]'))!), '[true,false,null]');
    assert.equal(causeOf('[tru]'), 'SyntaxError: Unexpected character "t" at position 1');
    assert.equal(causeOf('[nul'), 'SyntaxError: Unexpected character "n" at position 1');
  });
});
