import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseServerProperties } from '../../../src/broker/config/server-properties-file.js';

describe('parseServerProperties (java.util.Properties.load rules, through properties-file)', () => {
  it('separates key and value by =, : or whitespace, skipping whitespace around one separator', () => {
    const { properties } = parseServerProperties('a=1\nb = 2\nc:3\nd 4\n  e\t=\t5  \nf==x\ng =:h\ni j k\nonlykey\nempty=\n');
    assert.deepStrictEqual(properties, { a: '1', b: '2', c: '3', d: '4', e: '5  ', f: '=x', g: ':h', i: 'j k', onlykey: '', empty: '' });
  });

  it('skips # and ! comments and blank lines; a comment never continues', () => {
    const { properties } = parseServerProperties('# c \\\nkept=1\n  ! also\n\n\t\nx=2');
    assert.deepStrictEqual(properties, { kept: '1', x: '2' });
  });

  it('joins continued lines (odd number of trailing backslashes), dropping the next line\'s indentation', () => {
    const { properties } = parseServerProperties('k=a,\\\n    b,\\\n\tc\neven=x\\\\\nodd=y\\\\\\\n  z\nlast=end\\');
    assert.deepStrictEqual(properties, { k: 'a,b,c', even: 'x\\', odd: 'y\\z', last: 'end' });
  });

  it('unescapes keys and values: \\t \\n \\r \\f, \\uXXXX, and any other escaped character as itself', () => {
    const { properties } = parseServerProperties('key\\ with\\ spaces = v\\tw\nk\\=eq=v\nu=\\u0041\\u00e9\nother=\\q\\:\\#');
    assert.deepStrictEqual(properties, { 'key with spaces': 'v\tw', 'k=eq': 'v', u: 'A\u00e9', other: 'q:#' });
    assert.throws(() => parseServerProperties('bad=\\u12'), /malformed.*line 1/);
  });

  it('takes \\n, \\r\\n and \\r as line ends, and reports keys set more than once (the last wins)', () => {
    const { properties, duplicates } = parseServerProperties('a=1\r\nb=2\rc=3\na=4\nc=5\na=6');
    assert.deepStrictEqual(properties, { a: '6', b: '2', c: '5' });
    assert.deepStrictEqual(duplicates, ["'a' is set on lines 1, 4, 6; line 6 wins", "'c' is set on lines 3, 5; line 5 wins"]);
  });
});
