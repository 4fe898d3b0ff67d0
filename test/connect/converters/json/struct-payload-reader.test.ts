/**
 * The schema-driven struct payload reader (struct-payload-reader.ts): which payloads it reads
 * itself and which it leaves to the general path, and, through JsonConverter (whose second read of
 * a schema goes through it), that every payload, read or left, gives the general path's result or
 * error, with both settings of replace.null.with.default.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BigDecimal } from '../../../../src/connect/api/data/big-decimal.js';
import type { Schema, SchemaAndValue } from '../../../../src/connect/api/data/schema.js';
import { Struct } from '../../../../src/connect/api/data/struct.js';
import { valuesEqual } from '../../../../src/connect/api/data/values.js';
import { JsonConverter } from '../../../../src/connect/converters/json/json-converter.js';
import { JsonParser } from '../../../../src/connect/converters/json/json-node.js';
import { NOT_READ, readsStruct, readStructPayload, readValuePayload } from '../../../../src/connect/converters/json/struct-payload-reader.js';

const FULL_SCHEMA = '{"type":"struct","fields":['
  + '{"type":"boolean","optional":true,"field":"b"},'
  + '{"type":"int8","optional":true,"field":"i8"},'
  + '{"type":"int16","optional":true,"field":"i16"},'
  + '{"type":"int32","optional":false,"field":"i32"},'
  + '{"type":"int64","optional":true,"field":"i64"},'
  + '{"type":"float","optional":true,"field":"f32"},'
  + '{"type":"double","optional":true,"field":"f64"},'
  + '{"type":"string","optional":true,"default":"dflt","field":"s"},'
  + '{"type":"bytes","optional":true,"field":"raw"},'
  + '{"type":"bytes","optional":true,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"3"},"field":"dec"},'
  + '{"type":"int64","optional":true,"name":"org.apache.kafka.connect.data.Timestamp","version":1,"field":"ts"},'
  + '{"type":"int32","optional":true,"name":"org.apache.kafka.connect.data.Date","version":1,"field":"day"},'
  + '{"type":"struct","fields":[{"type":"string","optional":false,"field":"city"}],"optional":true,"name":"addr","field":"addr"},'
  + '{"type":"array","items":{"type":"int32","optional":false},"optional":true,"field":"list"},'
  + '{"type":"boolean","optional":true,"name":"custom.flag","field":"flag"}'
  + '],"optional":false,"name":"full"}';

const envelope = (payload: string): string => `{"schema":${FULL_SCHEMA},"payload":${payload}}`;

const FULL_ROW = '{"b":true,"i8":-128,"i16":32767,"i32":-2147483648,"i64":123456789012345,"f32":1.5,"f64":-2.25E-10,"s":"Kraków 🎉","raw":"AAEC",'
  + '"dec":"AeI=","ts":1700000000123,"day":19000,"addr":{"city":"Oslo"},"list":[1,2,3],"flag":false}';

/** Payloads the reader reads itself. */
const READ_HERE = [
  FULL_ROW,
  '{"i32":1}',
  '{"i32":0,"b":false,"s":null,"dec":null,"ts":null,"addr":null,"list":[]}',
  '{ "i32" : -0 , "i64" : -0 , "f64" : -0.0 ,\n "s" : "" }',
  '{"i32":7,"unknown":{"deep":[1,{"x":"\\u0041"}]},"other":null}',
  '{"i32":7,"s":"a\\"b"}', // an escaped value goes through the general parser, field by field
  '{"i32":7,"i64":999999999999999,"f32":1e40,"f64":1E+2,"ts":-1}',
  '{"flag":true,"list":null,"i32":3,"b":false,"i8":1}', // out of schema order
  '{"i32":1,"dec":"AA=="}', '{"i32":1,"dec":"AB=="}', '{"i32":1,"dec":"/w=="}', '{"i32":1,"dec":"gA=="}', '{"i32":1,"dec":"AIA="}',
  '{"i32":1,"dec":"////////"}', '{"i32":1,"dec":"gAAAAAAA"}', '{"i32":1,"dec":"f///////"}', '{"i32":1,"dec":"AQIDBAUG"}',
  '{"i32":1,"dec":"AQIDBAUGBw=="}', '{"i32":1,"dec":"gAAAAAAAAAAAAAAA"}', // more than 6 bytes
  '{"i32":1,"ts":0,"i64":-999999999999999}',
];

/** Payloads it leaves to the general path (which may read them or reject them). */
const LEFT = [
  'null',
  '{"i32":1,"i32":2}', // a duplicate key
  '{"i\\u0033\\u0032":1}', // an escaped key
  '{"i32":2147483648}', // out of range (the general path keeps the low bits)
  '{"i32":1.5}', // truncated by the general path
  '{"i32":1e2}',
  '{"i32":1,"i8":200}',
  '{"i32":1,"i16":40000}',
  '{"i32":1,"i64":9223372036854775807}', // more digits than a double holds exactly
  '{"i32":1,"ts":1234567890123456}',
  '{"i32":1,"f64":"NaN"}',
  '{"i32":"1"}',
  '{"i32":1,"b":"true"}',
  '{"i32":1,"s":5}',
  '{"i32":1,"dec":1.5}',
  '{"i32":1,"dec":"bad"}',
  '{"i32":1,"ts":1.5}',
  '{"i32":1,"addr":{"city":1}}',
  '{"i32":1,"list":[1,"x"]}',
  '{}', // a required field missing
  '{"i32":null}',
  '{"i32":1,}',
  '{i32:1}',
  '{"i32":1 "b":true}',
  '{"i32":01}',
  '{"i32":-}',
  '{"i32":1.}',
  '{"i32":1e}',
  '{"i32":2-}',
  '{"i32":1,"s":"a\u0001b"}', // an unescaped control character
  '{"i32":1,"unknown":[1,]}',
  '{"i32":1',
  '{"b":true,"i32":1,"b\\u0038":5}', // an escaped key out of order
  '{"i8":1,"i32":1,"i8":2}', // a duplicate of a key read in order
  '{"i16":1,"i8":1,"i16":2,"i32":1}', // a duplicate matched in order after an out-of-order key
  '{"i32":1,"dec":""}', '{"i32":1,"dec":"===="}', '{"i32":1,"dec":"A==="}', '{"i32":1,"dec":"AA=A"}', '{"i32":1,"dec":"=AAA"}',
  '{"i32":1,"dec":"AAA"}', '{"i32":1,"dec":"AAAAA"}', '{"i32":1,"dec":"-_-_"}', '{"i32":1,"dec":"AA\\u003d="}', '{"i32":1,"dec":"AAé="}',
  '{"i32":1,"dec":"AQIDBAUGBw="}', '{"i32":1,"dec":"AQIDBAUGBw=!"}', '{"i32":1,"dec":"AQID', // malformed
];

function converter(configs: Record<string, string>): JsonConverter {
  const c = new JsonConverter();
  c.configure(configs, false);
  return c;
}

type Outcome = { ok: true; result: SchemaAndValue } | { ok: false; name: string; message: string };

function read(c: JsonConverter, text: string): Outcome {
  try {
    return { ok: true, result: c.toConnectData('t', null, Buffer.from(text, 'utf8')) };
  } catch (e) {
    return { ok: false, name: (e as Error).name, message: (e as Error).message };
  }
}

function show(value: unknown): string {
  try {
    return String(value);
  } catch (e) {
    return `(${(e as Error).message})`;
  }
}

function fullSchema(): Schema {
  const node = new JsonParser(FULL_SCHEMA).parseDocument()!;
  return converter({}).asConnectSchema(node)!;
}

describe('readStructPayload', () => {
  const schema = fullSchema();
  const convert = (): unknown => assert.fail('not called in this test');

  it('reads structs (not logical names on a struct) and nothing else', () => {
    assert.equal(readsStruct(schema), true);
    assert.equal(readsStruct(schema.field('addr')!.schema), true);
    assert.equal(readsStruct(schema.field('i32')!.schema), false);
  });

  it('reads the usual rows itself and leaves the rest', () => {
    const c = converter({});
    const viaConverter = (s: Schema, node: unknown): unknown => (c as unknown as { convertToConnect(s: Schema, n: unknown): unknown }).convertToConnect(s, node);
    for (const payload of READ_HERE) {
      const text = `${payload}}`;
      assert.ok(readStructPayload(text, 0, schema, viaConverter) instanceof Struct, payload);
    }
    for (const payload of LEFT) assert.equal(readStructPayload(`${payload}}`, 0, schema, viaConverter), undefined, payload);
    assert.equal(readStructPayload('{"i32":1}', 0, schema, convert), undefined, 'no closing brace of the envelope');
    assert.equal(readStructPayload('{"i32":1}}x', 0, schema, convert), undefined, 'trailing content');
    assert.ok(readStructPayload('{"i32":1} } \n', 0, schema, viaConverter) instanceof Struct, 'trailing whitespace');
  });

  it('reads every field type to the Connect value', () => {
    const c = converter({});
    const viaConverter = (s: Schema, node: unknown): unknown => (c as unknown as { convertToConnect(s: Schema, n: unknown): unknown }).convertToConnect(s, node);
    const struct = readStructPayload(`${FULL_ROW}}`, 0, schema, viaConverter)!;
    assert.equal(struct.get('b'), true);
    assert.equal(struct.get('i8'), -128);
    assert.equal(struct.get('i16'), 32767);
    assert.equal(struct.get('i32'), -2147483648);
    assert.equal(struct.get('i64'), 123456789012345n);
    assert.equal(struct.get('f32'), 1.5);
    assert.equal(struct.get('f64'), -2.25e-10);
    assert.equal(struct.get('s'), 'Kraków 🎉');
    assert.deepEqual(struct.get('raw'), new Uint8Array([0, 1, 2]));
    assert.ok(valuesEqual(struct.get('dec'), new BigDecimal(0x01e2n, 3)));
    assert.deepEqual(struct.get('ts'), new Date(1700000000123));
    assert.deepEqual(struct.get('day'), new Date(19000 * 86_400_000));
    assert.equal((struct.get('addr') as Struct).get('city'), 'Oslo');
    assert.deepEqual(struct.get('list'), [1, 2, 3]);
    assert.equal(struct.get('flag'), false);
  });
});

describe('readValuePayload: single values', () => {
  it('reads the usual values itself and leaves the rest, as the general path reads them', () => {
    const cases: Array<[string, string[], string[]]> = [
      ['{"type":"int64","optional":false}', ['1', '-0', '999999999999999', ' 7 '], ['9999999999999999', '1.5', '"1"', 'null', '1 1', '[1]']],
      ['{"type":"int32","optional":true}', ['0', '-2147483648', 'null'], ['2147483648', '1e2', 'true']],
      ['{"type":"string","optional":false}', ['""', '"plain"', '"esc\\"aped"'], ['null', '5', '"\u0001"']],
      ['{"type":"boolean","optional":false}', ['true', 'false'], ['1', 'tru']],
      ['{"type":"double","optional":false}', ['1.5', '-0.0', '1E300'], ['"NaN"', '.5']],
      ['{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"}}', ['"AA=="', '"gAAAAAAAAAAA"'], ['1.5', '"AA"']],
      ['{"type":"int64","optional":false,"name":"org.apache.kafka.connect.data.Timestamp","version":1}', ['1700000000123', '-5'], ['1.5', '"1"', '1234567890123456']],
      ['{"type":"array","items":{"type":"int32","optional":false},"optional":false}', ['[1,2]', '[]'], ['[1,"x"]', '{}']],
    ];
    for (const [schemaText, readHere, left] of cases) {
      const warm = converter({});
      for (const payload of [...readHere, ...left]) {
        const json = `{"schema":${schemaText},"payload":${payload}}`;
        assert.ok(read(warm, `{"schema":${schemaText},"payload":${readHere[0]}}`).ok, schemaText);
        const general = read(converter({}), ` ${json}`);
        const fast = read(warm, json);
        assert.equal(fast.ok, general.ok, `${schemaText} ${payload}`);
        if (!fast.ok || !general.ok) assert.deepEqual(fast, general, payload);
        else assert.ok(valuesEqual(fast.result.value, general.result.value), `${schemaText} ${payload}: ${show(fast.result.value)} != ${show(general.result.value)}`);
      }
      const schema = converter({}).asConnectSchema(new JsonParser(schemaText).parseDocument()!)!;
      const viaConverter = (s: Schema, node: unknown): unknown => (warm as unknown as { convertToConnect(s: Schema, n: unknown): unknown }).convertToConnect(s, node);
      for (const payload of readHere) assert.notEqual(readValuePayload(`${payload}}`, 0, schema, viaConverter), NOT_READ, `${schemaText} ${payload}`);
      assert.equal(readValuePayload(`${readHere[0]}}x`, 0, schema, viaConverter), NOT_READ, 'trailing content');
    }
  });
});

describe('readStructPayload: keys', () => {
  it('matches a key with escapes by its text as written when it comes in schema order', () => {
    const schemaText = '{"type":"struct","fields":[{"type":"int32","optional":true,"field":"a\\"b"},{"type":"int32","optional":true,"field":"\u00e9\\n"}],"optional":false}';
    const warm = converter({});
    for (const payload of ['{"a\\"b":1,"é\\n":2}', '{"a\\"b":1,"\\u00e9\\n":2}', '{"é\\n":2,"a\\"b":1}', '{"a\\u0022b":1}']) {
      const json = `{"schema":${schemaText},"payload":${payload}}`;
      const general = read(converter({}), ` ${json}`);
      read(warm, json);
      const fast = read(warm, json);
      assert.ok(fast.ok && general.ok, payload);
      assert.ok(valuesEqual(fast.result.value, general.result.value), `${payload}: ${show(fast.result.value)} != ${show(general.result.value)}`);
    }
    const schema = converter({}).asConnectSchema(new JsonParser(schemaText).parseDocument()!)!;
    const struct = readStructPayload('{"a\\"b":1,"é\\n":2}}', 0, schema, () => assert.fail('not called'))!;
    assert.equal(struct.get('a"b'), 1);
    assert.equal(struct.get('é\n'), 2);
  });
});

describe('readStructPayload: wide structs', () => {
  it('tells duplicate keys apart beyond the 30th field', () => {
    const fields = Array.from({ length: 40 }, (_, i) => `{"type":"int32","optional":true,"field":"f${i}"}`).join(',');
    const schemaText = `{"type":"struct","fields":[${fields}],"optional":false}`;
    const schema = converter({}).asConnectSchema(new JsonParser(schemaText).parseDocument()!)!;
    const c = converter({});
    const viaConverter = (s: Schema, node: unknown): unknown => (c as unknown as { convertToConnect(s: Schema, n: unknown): unknown }).convertToConnect(s, node);
    const all = Array.from({ length: 40 }, (_, i) => `"f${i}":${i}`).join(',');
    const struct = readStructPayload(`{${all}}}`, 0, schema, viaConverter)!;
    assert.equal(struct.get('f39'), 39);
    assert.equal(struct.get('f29'), 29);
    assert.equal(readStructPayload(`{${all},"f35":1}}`, 0, schema, viaConverter), undefined);
    assert.equal(readStructPayload(`{${all},"f3":1}}`, 0, schema, viaConverter), undefined);
    assert.equal(readStructPayload('{"f35":1,"f2":2}}', 0, schema, viaConverter)!.get('f35'), 1);
    assert.equal(readStructPayload('{"f35":1,"f2":2}}', 0, schema, viaConverter)!.get('f36'), null);
  });
});

describe('JsonConverter.toConnectData with the struct reader', () => {
  for (const configs of [{}, { 'replace.null.with.default': 'false' }] as Array<Record<string, string>>) {
    it(`gives the general path's value or error for every payload (${JSON.stringify(configs)})`, () => {
      const warm = converter(configs);
      assert.ok(read(warm, envelope('{"i32":0}')).ok); // the schema is read: the next reads of it take the struct reader
      for (const payload of [...READ_HERE, ...LEFT]) {
        const json = envelope(payload);
        // A leading space takes the general path (a whole-document parse).
        const general = read(converter(configs), ` ${json}`);
        const fast = read(warm, json);
        assert.equal(fast.ok, general.ok, `${payload}: ${JSON.stringify(fast.ok ? 'ok' : fast)} vs ${JSON.stringify(general.ok ? 'ok' : general)}`);
        if (!fast.ok || !general.ok) {
          assert.deepEqual(fast, general, payload);
          continue;
        }
        assert.ok(fast.result.schema!.equals(general.result.schema), payload);
        assert.ok(valuesEqual(fast.result.value, general.result.value), `${payload}: ${show(fast.result.value)} != ${show(general.result.value)}`);
      }
      const nulls = read(warm, envelope('{"i32":1,"s":null}'));
      assert.ok(nulls.ok);
      assert.equal((nulls.result.value as Struct).getWithoutDefault('s'), 'replace.null.with.default' in configs ? null : 'dflt');
    });
  }
});
