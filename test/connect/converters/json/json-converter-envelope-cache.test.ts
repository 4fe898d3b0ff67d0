/**
 * JsonConverter's fast paths: compact envelopes whose schema text was read before (only the payload
 * is parsed), and Struct payloads written straight to text. Each input is also read with a leading
 * space, which takes the general path (a whole-document parse), and the two must agree: the same
 * schema and value, or the same error.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BigDecimal } from '../../../../src/connect/api/data/big-decimal.js';
import { Decimal, Timestamp } from '../../../../src/connect/api/data/logical.js';
import { Schema } from '../../../../src/connect/api/data/schema.js';
import type { SchemaAndValue } from '../../../../src/connect/api/data/schema.js';
import { SchemaBuilder } from '../../../../src/connect/api/data/schema-builder.js';
import { Struct } from '../../../../src/connect/api/data/struct.js';
import { valuesEqual } from '../../../../src/connect/api/data/values.js';
import { JsonConverter } from '../../../../src/connect/converters/json/json-converter.js';

function converter(configs: Record<string, string> = {}): JsonConverter {
  const c = new JsonConverter();
  c.configure(configs, false);
  return c;
}

type Outcome = { ok: true; result: SchemaAndValue } | { ok: false; name: string; message: string };

function read(c: JsonConverter, bytes: Buffer): Outcome {
  try {
    return { ok: true, result: c.toConnectData('t', null, bytes) };
  } catch (e) {
    return { ok: false, name: (e as Error).name, message: (e as Error).message };
  }
}

function assertSameOutcome(actual: Outcome, expected: Outcome, what: string): void {
  assert.equal(actual.ok, expected.ok, `${what}: ${JSON.stringify(actual.ok ? 'ok' : actual)} vs ${JSON.stringify(expected.ok ? 'ok' : expected)}`);
  if (!actual.ok || !expected.ok) {
    assert.deepEqual(actual, expected, what);
    return;
  }
  const a = actual.result;
  const e = expected.result;
  assert.ok(a.schema === e.schema || (a.schema !== null && a.schema.equals(e.schema)), `${what}: schema`);
  assert.ok(valuesEqual(a.value, e.value), `${what}: value ${String(a.value)} != ${String(e.value)}`);
}

/** Reads `json` twice with `warm` (a cache miss or hit, then a hit) and once through the general path with a fresh converter. */
function assertAgrees(warm: JsonConverter, json: string | Buffer): Outcome {
  const bytes = typeof json === 'string' ? Buffer.from(json, 'utf8') : json;
  const general = read(converter(), Buffer.concat([Buffer.from(' '), bytes]));
  const first = read(warm, bytes);
  const second = read(warm, bytes);
  const what = bytes.toString('utf8').slice(0, 200);
  assertSameOutcome(first, general, what);
  assertSameOutcome(second, general, what);
  return first;
}

const ROW_SCHEMA = '{"type":"struct","fields":[{"type":"int64","optional":false,"field":"id"},{"type":"string","optional":true,"field":"name"},'
  + '{"type":"int32","optional":true,"field":"quantity"},{"type":"bytes","optional":true,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"},"field":"price"},'
  + '{"type":"int64","optional":true,"name":"org.apache.kafka.connect.data.Timestamp","version":1,"field":"created_at"}],"optional":false,"name":"items"}';
const envelope = (schema: string, payload: string): string => `{"schema":${schema},"payload":${payload}}`;

describe('JsonConverter.toConnectData: compact envelopes with a schema read before', () => {
  it('reads rows of one schema the same as the general path, and shares one Schema object', () => {
    const c = converter();
    const rows = [
      '{"id":1,"name":"Amsterdam","quantity":5,"price":"MDk=","created_at":1700000000123}',
      '{"id":9223372036854775807,"name":"K\\u0072aków \\"q\\" \\\\","quantity":-2147483648,"price":"/w==","created_at":-1}',
      '{"id":3,"name":null,"quantity":null,"price":null,"created_at":null}',
      '{"id":4}',
      '{ "id" : 5 , "name" : "spaced" } ',
    ];
    const schemas = new Set();
    for (const row of rows) {
      const outcome = assertAgrees(c, envelope(ROW_SCHEMA, row));
      assert.ok(outcome.ok);
      schemas.add(outcome.result.schema);
    }
    assert.equal(schemas.size, 1);
    const last = c.toConnectData('t', null, Buffer.from(envelope(ROW_SCHEMA, rows[0]!)));
    assert.equal((last.value as Struct).get('id'), 1n);
    assert.ok(valuesEqual((last.value as Struct).get('price'), new BigDecimal(0x3039n, 2))); // "MDk=" is 0x30 0x39
    assert.deepEqual((last.value as Struct).get('created_at'), new Date(1700000000123));
  });

  it('fails as the general path does for bad payloads, and keeps working afterwards', () => {
    const c = converter();
    assertAgrees(c, envelope(ROW_SCHEMA, '{"id":1}'));
    const bad = [
      envelope(ROW_SCHEMA, '{"id":"one"}'), // wrong type
      envelope(ROW_SCHEMA, '{"name":"no id"}'), // required field missing
      envelope(ROW_SCHEMA, 'null'), // null for a required struct
      envelope(ROW_SCHEMA, '{"id":1,'), // malformed
      envelope(ROW_SCHEMA, '{"id":1,"price":"not base64!"}'),
      envelope(ROW_SCHEMA, '{"id":1}').slice(0, -1), // no closing brace
      `${envelope(ROW_SCHEMA, '{"id":1}')}x`, // trailing content
      `${envelope(ROW_SCHEMA, '{"id":1}')} \n`, // trailing whitespace: fine
      `${envelope(ROW_SCHEMA, '{"id":1}').slice(0, -1)},"extra":1}`, // a third key
      `${envelope(ROW_SCHEMA, '{"id":1}').slice(0, -1)},"schema":{"type":"string"}}`, // "schema" again: the last one wins
      `${envelope(ROW_SCHEMA, '{"id":1}').slice(0, -1)},"payload":{"id":2}}`, // "payload" again
      `{"schema":${ROW_SCHEMA},"payload":`,
      `{"schema":${ROW_SCHEMA}`,
      '{"schema":{"type":"int32"},"payload":1e}',
      '{"schema":{"type":"int32"},"payload":[1,]}',
      '{"schema":{"type":"int32"},"payload":01}',
      '{"schema":{"type":"nonsense"},"payload":1}', // a schema that does not convert
      '{"schema":{"type":"struct","fields":[{"type":"int32"}]},"payload":{}}', // a field without a name
      '{"schema":{"type":"int32"},"payload":1,}',
      '{"schema":{"type":"int32"}}',
      '{"schema":{"type":"int32"},"payload":"\u0001"}',
      '{"schema":{"type":"int32","doc":"unterminated},"payload":1}',
      '{"schema":null,"payload":{"a":1}}',
      '{"payload":1,"schema":{"type":"int32"}}',
    ];
    for (const json of bad) assertAgrees(c, json);
    for (const json of bad) assertAgrees(converter(), json);
    const after = assertAgrees(c, envelope(ROW_SCHEMA, '{"id":7}'));
    assert.ok(after.ok && (after.result.value as Struct).get('id') === 7n);
  });

  it('gives different schemas with identical payloads their own schema', () => {
    const c = converter();
    const int32 = '{"type":"int32","optional":false}';
    const int64 = '{"type":"int64","optional":false}';
    const named = '{"type":"int64","optional":false,"name":"other","version":2}';
    for (let i = 0; i < 3; i++) {
      for (const [schemaText, schema, value] of [[int32, Schema.INT32_SCHEMA, 42], [int64, Schema.INT64_SCHEMA, 42n], [named, SchemaBuilder.int64().name('other').version(2).build(), 42n]] as const) {
        const outcome = assertAgrees(c, envelope(schemaText, '42'));
        assert.ok(outcome.ok);
        assert.ok(schema.equals(outcome.result.schema), schemaText);
        assert.equal(outcome.result.value, value);
      }
    }
  });

  it('reads schema texts that differ only in whitespace or key order as equal schemas', () => {
    const c = converter();
    const variants = [
      '{"type":"struct","fields":[{"type":"int32","field":"a"}],"optional":false}',
      '{"fields":[{"field":"a","type":"int32"}],"optional":false,"type":"struct"}',
      '{ "type" : "struct" , "fields" : [ { "type" : "int32" , "field" : "a" } ] }',
      '{"type":"struct","fields":[{"type":"int32","field":"a"}],"optional":false}',
    ];
    const expected = SchemaBuilder.struct().field('a', Schema.INT32_SCHEMA).build();
    for (const v of variants) {
      const outcome = assertAgrees(c, envelope(v, '{"a":1}'));
      assert.ok(outcome.ok && expected.equals(outcome.result.schema), v);
    }
  });

  it('finds the end of a schema whose strings hold braces, quotes and the payload key', () => {
    const c = converter();
    const tricky = '{"type":"int32","optional":false,"doc":"x}],\\"payload\\":{\\"y\\":[\\\\","parameters":{"k":"},\\"payload\\":"}}';
    for (const payload of ['1', '2', '"no"']) assertAgrees(c, envelope(tricky, payload));
    const outcome = read(c, Buffer.from(envelope(tricky, '3')));
    assert.ok(outcome.ok);
    assert.equal(outcome.result.schema!.doc, 'x}],"payload":{"y":[\\');
    assert.equal(outcome.result.value, 3);
  });

  it('reads UTF-8 in the schema and the payload, and invalid UTF-8 as the general path does', () => {
    const c = converter();
    const schema = '{"type":"string","optional":false,"doc":"ünïcødé ✓ 𝄞"}';
    assertAgrees(c, envelope(schema, '"Kraków 𝄞"'));
    assertAgrees(c, envelope(schema, '"second"'));
    const prefix = Buffer.from(`{"schema":${schema},"payload":"`);
    assertAgrees(c, Buffer.concat([prefix, Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]));
    // A schema text with a broken multi-byte character right before the payload key.
    const broken = Buffer.concat([Buffer.from('{"schema":{"type":"string","doc":"'), Buffer.from([0xe2, 0x82]), Buffer.from('"},"payload":"p"}')]);
    assertAgrees(c, broken);
    assertAgrees(c, broken);
    // A byte order mark first (skipped by the general path, which a leading space would defeat): as a fresh converter reads it.
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(envelope(schema, '"after a BOM"'))]);
    const bomOutcome = read(c, withBom);
    assertSameOutcome(bomOutcome, read(converter(), withBom), 'BOM');
    assert.ok(bomOutcome.ok && bomOutcome.result.value === 'after a BOM');
  });

  it('stays correct when schemas.cache.size is smaller than the number of schemas in use', () => {
    for (const size of ['0', '1', '2']) {
      const c = converter({ 'schemas.cache.size': size });
      const texts = ['int8', 'int16', 'int32', 'string'].map((t) => `{"type":"${t}","optional":false}`);
      for (let round = 0; round < 3; round++) {
        for (const t of texts) {
          const outcome = assertAgrees(c, envelope(t, t.includes('string') ? '"7"' : '7'));
          assert.ok(outcome.ok, t);
        }
      }
    }
  });

  it('reads int32 and int64 literals as Jackson does (-0 is 0; out of range keeps the low bits)', () => {
    const c = converter();
    const cases: Array<[string, string, unknown]> = [
      ['int32', '-0', 0], ['int32', '2147483647', 2147483647], ['int32', '-2147483648', -2147483648], ['int32', '2147483648', -2147483648],
      ['int32', '12345678901', -539222987], ['int32', '7.9', 7], ['int32', '-1e2', -100],
      ['int64', '-0', 0n], ['int64', '999999999999999999', 999999999999999999n], ['int64', '9223372036854775808', -9223372036854775808n], ['int64', '1.5E3', 1500n],
    ];
    for (const [type, literal, expected] of cases) {
      const outcome = assertAgrees(c, envelope(`{"type":"${type}","optional":false}`, literal));
      assert.ok(outcome.ok && Object.is(outcome.result.value, expected), `${type} ${literal}: ${outcome.ok ? String(outcome.result.value) : outcome.message}`);
    }
  });

  it('with schemas.enable=false, reads an envelope as a plain map', () => {
    const c = converter({ 'schemas.enable': 'false' });
    const outcome = read(c, Buffer.from(envelope('{"type":"int32"}', '1')));
    assert.ok(outcome.ok && outcome.result.schema === null && outcome.result.value instanceof Map);
  });
});

describe('JsonConverter.fromConnectData: structs written straight to text', () => {
  const schema = SchemaBuilder.struct().name('row')
    .field('id', Schema.INT64_SCHEMA)
    .field('s', Schema.OPTIONAL_STRING_SCHEMA)
    .field('d', Schema.OPTIONAL_FLOAT64_SCHEMA)
    .field('f', Schema.OPTIONAL_FLOAT32_SCHEMA)
    .field('b', Schema.OPTIONAL_BOOLEAN_SCHEMA)
    .field('raw', Schema.OPTIONAL_BYTES_SCHEMA)
    .field('price', Decimal.builder(2).optional().build())
    .field('at', Timestamp.builder().optional().build())
    .field('tags', SchemaBuilder.array(Schema.STRING_SCHEMA).optional().build())
    .field('dflt', SchemaBuilder.int32().defaultValue(5).build())
    .field('inner', SchemaBuilder.struct().field('x', Schema.INT8_SCHEMA).optional().build())
    .build();

  it('writes the same bytes as the JSON tree, and reads them back', () => {
    const c = converter();
    const inner = new Struct(schema.field('inner')!.schema).put('x', -3);
    const value = new Struct(schema).put('id', 12n).put('s', 'a"b\\c\n\u0001é').put('d', 2.5).put('f', 1.5).put('b', true)
      .put('raw', new Uint8Array([1, 2, 255])).put('price', new BigDecimal(-12345n, 2)).put('at', new Date(86_400_123))
      .put('tags', ['x', 'y']).put('inner', inner);
    const text = c.fromConnectData('t', null, schema, value)!.toString('utf8');
    const payload = text.slice(text.indexOf(',"payload":') + ',"payload":'.length, -1);
    assert.equal(payload, '{"id":12,"s":"a\\"b\\\\c\\n\\u0001é","d":2.5,"f":1.5,"b":true,"raw":"AQL/","price":"z8c=","at":86400123,"tags":["x","y"],"dflt":5,"inner":{"x":-3}}');
    const back = c.toConnectData('t', null, Buffer.from(text));
    assert.ok(schema.equals(back.schema));
    const struct = back.value as Struct;
    assert.equal(struct.get('s'), 'a"b\\c\n\u0001é');
    assert.equal(struct.get('d'), 2.5);
    const nan = c.fromConnectData('t', null, schema, new Struct(schema).put('id', 1n).put('d', Number.NEGATIVE_INFINITY))!.toString('utf8');
    assert.ok(nan.endsWith('"payload":{"id":1,"s":null,"d":"-Infinity","f":null,"b":null,"raw":null,"price":null,"at":null,"tags":null,"dflt":5,"inner":null}}'), nan);
    assert.ok(valuesEqual(struct.get('price'), new BigDecimal(-12345n, 2)));
    assert.deepEqual(struct.get('at'), new Date(86_400_123));
    assert.equal(struct.get('dflt'), 5);
  });

  it('keeps every written record intact while more are written (records share buffers)', () => {
    const c = converter();
    const rowSchema = SchemaBuilder.struct().field('i', Schema.INT32_SCHEMA).field('s', Schema.STRING_SCHEMA).build();
    const text = (i: number): string => `${'é😀x'.repeat(i % 97)}${'y'.repeat((i * 7919) % 3000)}`;
    const written = Array.from({ length: 3000 }, (_, i) => c.fromConnectData('t', null, rowSchema, new Struct(rowSchema).put('i', i).put('s', text(i)))!);
    const expectedSchema = c.fromConnectData('t', null, rowSchema, new Struct(rowSchema).put('i', 0).put('s', ''))!.toString('utf8').split(',"payload":')[0];
    written.forEach((bytes, i) => {
      assert.equal(bytes.toString('utf8'), `${expectedSchema},"payload":{"i":${i},"s":"${text(i)}"}}`);
    });
  });

  it('writes the same schema part for every record and fails as before on a mismatched struct', () => {
    const c = converter();
    const a = c.fromConnectData('t', null, schema, new Struct(schema).put('id', 1n))!.toString('utf8');
    const b = c.fromConnectData('t', null, schema, new Struct(schema).put('id', 2n))!.toString('utf8');
    assert.equal(a.slice(0, a.indexOf(',"payload":')), b.slice(0, b.indexOf(',"payload":')));
    const other = SchemaBuilder.struct().field('id', Schema.INT64_SCHEMA).build();
    assert.throws(() => c.fromConnectData('t', null, schema, new Struct(other).put('id', 1n)), { name: 'DataException', message: 'Mismatching schema.' });
    assert.throws(() => c.fromConnectData('t', null, Schema.INT32_SCHEMA, 'x'), { name: 'DataException', message: 'Invalid type for INT32: class string' });
  });
});
