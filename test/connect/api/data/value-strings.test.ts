import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BigDecimal } from '../../../../src/connect/api/data/big-decimal.js';
import { ConnectDate, Decimal, Time, Timestamp } from '../../../../src/connect/api/data/logical.js';
import { Schema } from '../../../../src/connect/api/data/schema.js';
import type { Schema as SchemaT } from '../../../../src/connect/api/data/schema.js';
import { SchemaBuilder } from '../../../../src/connect/api/data/schema-builder.js';
import { Struct } from '../../../../src/connect/api/data/struct.js';
import { convertToString, parseString } from '../../../../src/connect/api/data/value-strings.js';

function parsesTo(text: string, schema: SchemaT | null, value: unknown): void {
  const parsed = parseString(text);
  assert.ok(schema === null ? parsed.schema === null : schema.equals(parsed.schema), `${text}: schema ${String(parsed.schema)}`);
  assert.deepEqual(parsed.value, value, text);
}

const arrayOf = (s: SchemaT): SchemaT => SchemaBuilder.array(s).build();
const mapOf = (k: SchemaT, v: SchemaT): SchemaT => SchemaBuilder.map(k, v).build();
const utc = (...parts: [number, number, number, number?, number?, number?, number?]): Date => new Date(Date.UTC(...parts));

describe('Values.parseString', () => {
  it('booleans, null, the smallest integer type, floats and decimals', () => {
    parsesTo('true', Schema.BOOLEAN_SCHEMA, true);
    parsesTo('false', Schema.BOOLEAN_SCHEMA, false);
    parsesTo(' true ', Schema.BOOLEAN_SCHEMA, true);
    parsesTo('null', null, null);
    parsesTo('127', Schema.INT8_SCHEMA, 127);
    parsesTo('-128', Schema.INT8_SCHEMA, -128);
    parsesTo('128', Schema.INT16_SCHEMA, 128);
    parsesTo('32768', Schema.INT32_SCHEMA, 32768);
    parsesTo('2147483648', Schema.INT64_SCHEMA, 2147483648n);
    parsesTo('-9223372036854775808', Schema.INT64_SCHEMA, -(1n << 63n));
    parsesTo('1.0', Schema.INT8_SCHEMA, 1);
    parsesTo('1e3', Schema.INT16_SCHEMA, 1000);
    parsesTo('1.5', Schema.FLOAT32_SCHEMA, 1.5);
    parsesTo('0.1', Schema.FLOAT32_SCHEMA, Math.fround(0.1));
    parsesTo('1e39', Schema.FLOAT64_SCHEMA, 1e39);
    const big = parseString('99999999999999999999');
    assert.ok(Decimal.schema(0).equals(big.schema));
    assert.ok((big.value as BigDecimal).equals(new BigDecimal(99999999999999999999n, 0)));
  });

  it('strings: anything else, the whole text', () => {
    parsesTo('hello world', Schema.STRING_SCHEMA, 'hello world');
    parsesTo('', Schema.STRING_SCHEMA, '');
    parsesTo('true}', Schema.STRING_SCHEMA, 'true}');
    parsesTo('"quoted"', Schema.STRING_SCHEMA, '"quoted"');
    parsesTo('12abc', Schema.STRING_SCHEMA, '12abc');
  });

  it('the ISO date, time and timestamp formats', () => {
    parsesTo('2019-08-23', ConnectDate.SCHEMA, utc(2019, 7, 23));
    parsesTo('14:34:54.346Z', Time.SCHEMA, utc(1970, 0, 1, 14, 34, 54, 346));
    parsesTo('2019-08-23T14:34:54.346Z', Timestamp.SCHEMA, utc(2019, 7, 23, 14, 34, 54, 346));
    parsesTo('14\\:34\\:54.346Z', Time.SCHEMA, utc(1970, 0, 1, 14, 34, 54, 346));
    parsesTo('2019-8-23', Schema.STRING_SCHEMA, '2019-8-23');
  });

  it('arrays: the common element schema, numbers widened to the largest type', () => {
    parsesTo('[1,2,3]', arrayOf(Schema.INT8_SCHEMA), [1, 2, 3]);
    parsesTo('[1, 2, 3]', arrayOf(Schema.INT8_SCHEMA), [1, 2, 3]);
    parsesTo('[1, 1000, 100000]', arrayOf(Schema.INT32_SCHEMA), [1, 1000, 100000]);
    parsesTo('[1, 2, 3.4, 4]', arrayOf(Schema.FLOAT32_SCHEMA), [1, 2, Math.fround(3.4), 4]);
    parsesTo('[1, 5000000000]', arrayOf(Schema.INT64_SCHEMA), [1n, 5000000000n]);
    parsesTo('[true, false]', arrayOf(Schema.BOOLEAN_SCHEMA), [true, false]);
    parsesTo('["a", "b,c", "[d]"]', arrayOf(Schema.STRING_SCHEMA), ['a', 'b,c', '[d]']);
    parsesTo('[2019-08-23, "2019-08-24"]', arrayOf(ConnectDate.SCHEMA), [utc(2019, 7, 23), utc(2019, 7, 24)]);
    parsesTo('[[1,2],[3]]', arrayOf(arrayOf(Schema.INT8_SCHEMA)), [[1, 2], [3]]);
  });

  it('arrays without a common element schema (mixed, empty, all null) have none', () => {
    for (const [text, value] of [['[1, 2, 3, "four"]', [1, 2, 3, 'four']], ['[]', []], ['[null, null]', [null, null]], ['[1, true]', [1, true]]] as const) {
      const parsed = parseString(text);
      assert.equal(parsed.schema!.type, 'ARRAY', text);
      assert.equal(parsed.schema!.valueSchema(), null, text);
      assert.deepEqual(parsed.value, value, text);
    }
  });

  it('maps: quoted or numeric keys, common key and value schemas, nesting', () => {
    parsesTo('{"foo":12345,"bar":0,"baz":-4321}', mapOf(Schema.STRING_SCHEMA, Schema.INT16_SCHEMA), new Map([['foo', 12345], ['bar', 0], ['baz', -4321]]));
    parsesTo('{ "a" : 1 , "b" : 2.5 }', mapOf(Schema.STRING_SCHEMA, Schema.FLOAT32_SCHEMA), new Map([['a', 1], ['b', 2.5]]));
    parsesTo('{1:"one", 2:"two"}', mapOf(Schema.INT8_SCHEMA, Schema.STRING_SCHEMA), new Map([[1, 'one'], [2, 'two']]));
    const nested = parseString('{"a":[1,2],"b":{"c":true}}');
    assert.equal(nested.schema!.type, 'MAP');
    assert.ok(Schema.STRING_SCHEMA.equals(nested.schema!.keySchema()));
    assert.equal(nested.schema!.valueSchema(), null); // an array and a map have no common schema
    assert.deepEqual(nested.value, new Map<string, unknown>([['a', [1, 2]], ['b', new Map([['c', true]])]]));
    const nullValues = parseString('{"a":null}');
    assert.ok(Schema.STRING_SCHEMA.equals(nullValues.schema!.keySchema()));
    assert.equal(nullValues.schema!.valueSchema(), null);
    assert.deepEqual(nullValues.value, new Map([['a', null]]));
    const empty = parseString('{}');
    assert.equal(empty.schema!.type, 'MAP');
    assert.deepEqual(empty.value, new Map());
  });

  it('malformed arrays and maps are strings, as in Kafka', () => {
    for (const text of ['[1, 2, 3,,,]', '[0 1 2]', '[1,', '{6:9 4:20}', '{"a"}', '{"a":1', '{null:1}', '[a, b]', '[1, null]']) {
      parsesTo(text, Schema.STRING_SCHEMA, text);
    }
  });

  it('keeps Kafka\'s tokenizer quirks: only the first token of a top-level number is read, escapes stay', () => {
    parsesTo('12:30', Schema.INT8_SCHEMA, 12);
    parsesTo('1,2', Schema.INT8_SCHEMA, 1);
    parsesTo('["a\\"b"]', arrayOf(Schema.STRING_SCHEMA), ['a\\"b']);
  });

  it('stays cheap for hostile numbers', () => {
    assert.equal(parseString('1e-999999999').schema!.type, 'FLOAT32');
    assert.equal(parseString('1e999999999').schema!.name, Decimal.LOGICAL_NAME);
    parsesTo('1e99999999999', Schema.STRING_SCHEMA, '1e99999999999');
    parsesTo(`[${'['.repeat(50)}`, Schema.STRING_SCHEMA, `[${'['.repeat(50)}`);
  });
});

describe('Values.convertToString', () => {
  it('primitives as Java prints them; null stays null', () => {
    assert.equal(convertToString(Schema.STRING_SCHEMA, 'a "b"'), 'a "b"');
    assert.equal(convertToString(Schema.INT32_SCHEMA, 42), '42');
    assert.equal(convertToString(Schema.INT64_SCHEMA, 9007199254740993n), '9007199254740993');
    assert.equal(convertToString(Schema.FLOAT64_SCHEMA, 1), '1.0');
    assert.equal(convertToString(Schema.FLOAT32_SCHEMA, Math.fround(0.1)), '0.1');
    assert.equal(convertToString(Schema.FLOAT64_SCHEMA, 1e20), '1.0E20');
    assert.equal(convertToString(null, 2.5), '2.5');
    assert.equal(convertToString(Schema.BOOLEAN_SCHEMA, false), 'false');
    assert.equal(convertToString(Decimal.schema(2), new BigDecimal(12345n, 2)), '123.45');
    assert.equal(convertToString(Schema.BYTES_SCHEMA, Buffer.from('test-string')), 'dGVzdC1zdHJpbmc=');
    assert.equal(convertToString(Schema.OPTIONAL_STRING_SCHEMA, null), null);
  });

  it('arrays, maps and structs with embedded strings quoted and escaped', () => {
    assert.equal(convertToString(arrayOf(Schema.STRING_SCHEMA), ['one', 'two']), '["one","two"]');
    assert.equal(convertToString(null, [1, 'a', null, true]), '[1,"a",null,true]');
    assert.equal(convertToString(arrayOf(Schema.FLOAT64_SCHEMA), [1, 2.5]), '[1.0,2.5]');
    assert.equal(convertToString(mapOf(Schema.STRING_SCHEMA, Schema.INT32_SCHEMA), new Map([['key1', 1], ['key2', 2]])), '{"key1":1,"key2":2}');
    assert.equal(convertToString(null, ['say "hi"', 'back\\slash']), '["say \\"hi\\"","back\\\\slash"]');
    assert.equal(convertToString(arrayOf(Schema.BYTES_SCHEMA), [Buffer.from('ab')]), '["YWI="]');
    const schema = SchemaBuilder.struct().field('field1', Schema.STRING_SCHEMA).field('field2', Schema.OPTIONAL_INT32_SCHEMA)
      .field('field3', arrayOf(Schema.FLOAT32_SCHEMA)).build();
    const struct = new Struct(schema).put('field1', 'value1').put('field2', null).put('field3', [1.5]);
    assert.equal(convertToString(schema, struct), '{"field1":"value1","field2":null,"field3":[1.5]}');
  });

  it('dates by their instant: time of day before 1970-01-02, a date at midnight, else a timestamp', () => {
    assert.equal(convertToString(ConnectDate.SCHEMA, utc(2019, 7, 23)), '2019-08-23');
    assert.equal(convertToString(Time.SCHEMA, utc(1970, 0, 1, 14, 34, 54, 346)), '14:34:54.346Z');
    assert.equal(convertToString(Timestamp.SCHEMA, utc(2019, 7, 23, 14, 34, 54, 346)), '2019-08-23T14:34:54.346Z');
    assert.equal(convertToString(Timestamp.SCHEMA, utc(2019, 7, 23)), '2019-08-23');
    assert.equal(convertToString(arrayOf(ConnectDate.SCHEMA), [utc(2019, 7, 23)]), '[2019-08-23]');
  });

  it('round-trips through parseString', () => {
    const cases: Array<[SchemaT, unknown]> = [
      [arrayOf(Schema.INT8_SCHEMA), [1, 2, 3]],
      [mapOf(Schema.STRING_SCHEMA, Schema.BOOLEAN_SCHEMA), new Map([['a', true], ['b', false]])],
      [arrayOf(arrayOf(Schema.STRING_SCHEMA)), [['x', 'y'], ['z']]],
      [ConnectDate.SCHEMA, utc(2019, 7, 23)],
      [Time.SCHEMA, utc(1970, 0, 1, 1, 2, 3, 4)],
      [Timestamp.SCHEMA, utc(2019, 7, 23, 1, 2, 3, 4)],
      [arrayOf(Timestamp.SCHEMA), [utc(2019, 7, 23, 1, 2, 3, 4), utc(2020, 0, 1, 0, 0, 0, 1)]],
    ];
    for (const [schema, value] of cases) {
      const back = parseString(convertToString(schema, value));
      assert.ok(schema.equals(back.schema), String(schema));
      assert.deepEqual(back.value, value);
    }
  });

  it('rejects values that are not Connect data', () => {
    assert.throws(() => convertToString(null, { a: 1 }), /Failed to serialize unexpected value type Object/);
  });
});
