/**
 * JsonConverter against Kafka's behaviour.
 *
 * Fixture origins (Kafka's own JsonConverterTest compares parsed JSON trees, not bytes, so every
 * byte string here is DERIVED: the values and keys come from the named Kafka test, the key order
 * and the "always write optional, write name/version/doc/parameters/default only when set, a
 * struct field's "field" key last" rules from JsonConverter.asJsonSchema, and the number/escape
 * forms from Jackson's default generator (Java Double.toString/Float.toString, base64 binary)):
 *   [T:name]  values from Kafka's JsonConverterTest.<name> (found via search in apache/kafka)
 *   [S]       derived from JsonConverter.asJsonSchema / convertToJson source only
 *   [B]       the example given in the task brief, checked against [S]
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigException, DataException } from '../../../../src/connect/api/errors.js';
import { BigDecimal } from '../../../../src/connect/api/data/big-decimal.js';
import { ConnectDate, Decimal, Time, Timestamp } from '../../../../src/connect/api/data/logical.js';
import { Schema } from '../../../../src/connect/api/data/schema.js';
import type { SchemaAndValue } from '../../../../src/connect/api/data/schema.js';
import { SchemaBuilder } from '../../../../src/connect/api/data/schema-builder.js';
import { Struct } from '../../../../src/connect/api/data/struct.js';
import { valuesEqual } from '../../../../src/connect/api/data/values.js';
import { JsonConverter } from '../../../../src/connect/converters/json/json-converter.js';

const TOPIC = 'topic';

function converter(configs: Record<string, string> = {}, isKey = false): JsonConverter {
  const c = new JsonConverter();
  c.configure(configs, isKey);
  return c;
}

function toJson(c: JsonConverter, schema: Schema | null, value: unknown): string | null {
  const b = c.fromConnectData(TOPIC, null, schema, value);
  return b === null ? null : Buffer.from(b).toString('utf8');
}

function toConnect(c: JsonConverter, json: string): SchemaAndValue {
  return c.toConnectData(TOPIC, null, Buffer.from(json, 'utf8'));
}

function assertSchemaAndValue(actual: SchemaAndValue, schema: Schema | null, value: unknown): void {
  if (schema === null) assert.equal(actual.schema, null);
  else assert.ok(schema.equals(actual.schema), `schema ${String(actual.schema)} != ${schema.toString()}`);
  assert.ok(valuesEqual(actual.value, value), `value ${String(actual.value)} != ${String(value)}`);
}

describe('JsonConverter.fromConnectData, schemas enabled: exact bytes', () => {
  const c = converter();

  const fixtures: Array<[string, Schema | null, unknown, string]> = [
    ['[B] struct with one int32 field', SchemaBuilder.struct().field('id', Schema.INT32_SCHEMA).build(), null,
      '{"schema":{"type":"struct","fields":[{"type":"int32","optional":false,"field":"id"}],"optional":false},"payload":{"id":1}}'],
    ['[T:booleanToJson]', Schema.BOOLEAN_SCHEMA, true, '{"schema":{"type":"boolean","optional":false},"payload":true}'],
    ['[T:byteToJson]', Schema.INT8_SCHEMA, 12, '{"schema":{"type":"int8","optional":false},"payload":12}'],
    ['[T:shortToJson]', Schema.INT16_SCHEMA, 12, '{"schema":{"type":"int16","optional":false},"payload":12}'],
    ['[T:intToJson]', Schema.INT32_SCHEMA, 12, '{"schema":{"type":"int32","optional":false},"payload":12}'],
    ['[T:longToJson]', Schema.INT64_SCHEMA, 4398046511104n, '{"schema":{"type":"int64","optional":false},"payload":4398046511104}'],
    ['[S] int64 max stays exact', Schema.INT64_SCHEMA, 9223372036854775807n, '{"schema":{"type":"int64","optional":false},"payload":9223372036854775807}'],
    ['[T:floatToJson]', Schema.FLOAT32_SCHEMA, 12.34, '{"schema":{"type":"float","optional":false},"payload":12.34}'],
    ['[T:doubleToJson]', Schema.FLOAT64_SCHEMA, 12.34, '{"schema":{"type":"double","optional":false},"payload":12.34}'],
    ['[S] double 1 is written 1.0 (Double.toString)', Schema.FLOAT64_SCHEMA, 1, '{"schema":{"type":"double","optional":false},"payload":1.0}'],
    ['[S] double 1e20 is written 1.0E20', Schema.FLOAT64_SCHEMA, 1e20, '{"schema":{"type":"double","optional":false},"payload":1.0E20}'],
    ['[S] NaN is quoted (Jackson QUOTE_NON_NUMERIC_NUMBERS)', Schema.FLOAT64_SCHEMA, NaN, '{"schema":{"type":"double","optional":false},"payload":"NaN"}'],
    ['[T:bytesToJson]', Schema.BYTES_SCHEMA, Buffer.from('test-string'), '{"schema":{"type":"bytes","optional":false},"payload":"dGVzdC1zdHJpbmc="}'],
    ['[T:stringToJson]', Schema.STRING_SCHEMA, 'test-string', '{"schema":{"type":"string","optional":false},"payload":"test-string"}'],
    ['[S] string escapes as Jackson writes them', Schema.STRING_SCHEMA, 'a\u0001"\\/é\n', '{"schema":{"type":"string","optional":false},"payload":"a\\u0001\\"\\\\/é\\n"}'],
    ['[T:arrayToJson]', SchemaBuilder.array(Schema.INT32_SCHEMA).build(), [1, 2, 3],
      '{"schema":{"type":"array","items":{"type":"int32","optional":false},"optional":false},"payload":[1,2,3]}'],
    ['[T:mapToJsonStringKeys]', SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT32_SCHEMA).build(), new Map([['key1', 12], ['key2', 15]]),
      '{"schema":{"type":"map","keys":{"type":"string","optional":false},"values":{"type":"int32","optional":false},"optional":false},"payload":{"key1":12,"key2":15}}'],
    ['[T:mapToJsonNonStringKeys]', SchemaBuilder.map(Schema.INT32_SCHEMA, Schema.INT32_SCHEMA).build(), new Map([[1, 12], [2, 15]]),
      '{"schema":{"type":"map","keys":{"type":"int32","optional":false},"values":{"type":"int32","optional":false},"optional":false},"payload":[[1,12],[2,15]]}'],
    ['[T:decimalToJson]', Decimal.schema(2), new BigDecimal(156n, 2),
      '{"schema":{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"}},"payload":"AJw="}'],
    ['[T:dateToJson]', ConnectDate.SCHEMA, new Date(10000 * 86400000),
      '{"schema":{"type":"int32","optional":false,"name":"org.apache.kafka.connect.data.Date","version":1},"payload":10000}'],
    ['[T:timeToJson]', Time.SCHEMA, new Date(14400000),
      '{"schema":{"type":"int32","optional":false,"name":"org.apache.kafka.connect.data.Time","version":1},"payload":14400000}'],
    ['[T:timestampToJson]', Timestamp.SCHEMA, new Date(4000000000),
      '{"schema":{"type":"int64","optional":false,"name":"org.apache.kafka.connect.data.Timestamp","version":1},"payload":4000000000}'],
    ['[T:testJsonSchemaMetadataTranslation] optional null', Schema.OPTIONAL_BOOLEAN_SCHEMA, null, '{"schema":{"type":"boolean","optional":true},"payload":null}'],
    ['[T:testJsonSchemaMetadataTranslation] default', SchemaBuilder.bool().defaultValue(true).build(), true,
      '{"schema":{"type":"boolean","optional":false,"default":true},"payload":true}'],
    ['[T:testJsonSchemaMetadataTranslation] metadata', SchemaBuilder.bool().required().name('bool').version(3).doc('the documentation').parameter('foo', 'bar').build(), true,
      '{"schema":{"type":"boolean","optional":false,"name":"bool","version":3,"doc":"the documentation","parameters":{"foo":"bar"}},"payload":true}'],
    ['[T:nullSchemaAndPrimitiveToJson]', null, true, '{"schema":null,"payload":true}'],
    ['[T:nullSchemaAndArrayToJson]', null, [1, 'string', true], '{"schema":null,"payload":[1,"string",true]}'],
    ['[T:nullSchemaAndMapToJson]', null, new Map<string, unknown>([['key1', 12], ['key2', 'string'], ['key3', true]]), '{"schema":null,"payload":{"key1":12,"key2":"string","key3":true}}'],
    ['[T:nullSchemaAndMapNonStringKeysToJson]', null, new Map<unknown, unknown>([['string', 12], [52, 'string'], [false, true]]),
      '{"schema":null,"payload":[["string",12],[52,"string"],[false,true]]}'],
    ['[S] schemaless non-integer number is a Java double', null, 0.5, '{"schema":null,"payload":0.5}'],
  ];

  for (const [name, schema, value, expected] of fixtures) {
    it(name, () => {
      const v = value === null && schema?.type === 'STRUCT' ? new Struct(schema).put('id', 1) : value;
      assert.equal(toJson(c, schema, v), expected);
    });
  }

  it('[T:structToJson] four fields in schema order', () => {
    const schema = SchemaBuilder.struct().field('field1', Schema.BOOLEAN_SCHEMA).field('field2', Schema.STRING_SCHEMA)
      .field('field3', Schema.STRING_SCHEMA).field('field4', Schema.BOOLEAN_SCHEMA).build();
    const input = new Struct(schema).put('field1', true).put('field2', 'string2').put('field3', 'string3').put('field4', false);
    assert.equal(toJson(c, schema, input),
      '{"schema":{"type":"struct","fields":[{"type":"boolean","optional":false,"field":"field1"},{"type":"string","optional":false,"field":"field2"},'
      + '{"type":"string","optional":false,"field":"field3"},{"type":"boolean","optional":false,"field":"field4"}],"optional":false},'
      + '"payload":{"field1":true,"field2":"string2","field3":"string3","field4":false}}');
  });

  it('[S] a nested optional struct field with a name and a default: "field" comes after "default"', () => {
    const inner = SchemaBuilder.int32().optional().name('n').defaultValue(5).build();
    const schema = SchemaBuilder.struct().name('outer').field('x', inner).build();
    assert.equal(toJson(c, schema, new Struct(schema)),
      '{"schema":{"type":"struct","fields":[{"type":"int32","optional":true,"name":"n","default":5,"field":"x"}],"optional":false,"name":"outer"},"payload":{"x":5}}');
  });

  it('returns null for a null schema and null value', () => {
    assert.equal(c.fromConnectData(TOPIC, null, null, null), null);
  });

  it('[T:mismatchSchemaJson] rejects values of the wrong type', () => {
    assert.throws(() => toJson(c, Schema.FLOAT64_SCHEMA, true), { name: 'DataException', message: 'Invalid type for FLOAT64: class boolean' });
    assert.throws(() => toJson(c, Schema.INT64_SCHEMA, 1), DataException);
    assert.throws(() => toJson(c, Schema.INT32_SCHEMA, null), { message: 'Conversion error: null value for field that is required and has no default value' });
    const a = SchemaBuilder.struct().field('a', Schema.INT32_SCHEMA).build();
    const b = SchemaBuilder.struct().field('b', Schema.INT32_SCHEMA).build();
    assert.throws(() => toJson(c, a, new Struct(b).put('b', 1)), { message: 'Mismatching schema.' });
  });

  it('[T:decimalToJsonWithoutSchema] a Decimal needs its schema', () => {
    assert.throws(() => toJson(c, null, new BigDecimal(156n, 2)), DataException);
  });
});

describe('JsonConverter settings', () => {
  it('[T:noSchemaToJson] schemas.enable=false writes the bare payload', () => {
    const c = converter({ 'schemas.enable': 'false' }, true);
    assert.equal(toJson(c, null, true), 'true');
    assert.equal(toJson(c, SchemaBuilder.struct().field('id', Schema.INT32_SCHEMA).build(), new Struct(SchemaBuilder.struct().field('id', Schema.INT32_SCHEMA).build()).put('id', 1)), '{"id":1}');
    assert.equal(toJson(c, Schema.OPTIONAL_STRING_SCHEMA, null), 'null');
  });

  it('decimal.format=NUMERIC writes the decimal as a JSON number (BigDecimal.toString)', () => {
    const c = converter({ 'decimal.format': 'numeric' });
    assert.equal(toJson(c, Decimal.schema(2), new BigDecimal(156n, 2)),
      '{"schema":{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"}},"payload":1.56}');
    assert.equal(toJson(converter({ 'schemas.enable': 'false', 'decimal.format': 'NUMERIC' }), Decimal.schema(3), new BigDecimal(-5n, 3)), '-0.005');
  });

  it('replace.null.with.default=false keeps nulls instead of defaults', () => {
    const schema = SchemaBuilder.struct().field('x', SchemaBuilder.int32().optional().defaultValue(5)).build();
    const s = new Struct(schema);
    assert.equal(toJson(converter({ 'schemas.enable': 'false' }), schema, s), '{"x":5}');
    assert.equal(toJson(converter({ 'schemas.enable': 'false', 'replace.null.with.default': 'false' }), schema, s), '{"x":null}');
    const read = toConnect(converter({ 'replace.null.with.default': 'false' }), '{"schema":{"type":"int32","optional":true,"default":5},"payload":null}');
    assert.equal(read.value, null);
  });

  it("rejects bad settings with Kafka's ConfigDef messages", () => {
    assert.throws(() => converter({ 'schemas.enable': 'yes' }), (e: unknown) => e instanceof ConfigException
      && e.message === 'Invalid value yes for configuration schemas.enable: Expected value to be either true or false');
    assert.throws(() => converter({ 'decimal.format': 'HEX' }), { message: 'Invalid value HEX for configuration decimal.format: String must be one of (case insensitive): BASE64, NUMERIC' });
  });
});

describe('JsonConverter.toConnectData', () => {
  const c = converter();

  it('[T:testConnectSchemaMetadataTranslation]', () => {
    assertSchemaAndValue(toConnect(c, '{ "schema": { "type": "boolean" }, "payload": true }'), Schema.BOOLEAN_SCHEMA, true);
    assertSchemaAndValue(toConnect(c, '{ "schema": { "type": "boolean", "optional": true }, "payload": null }'), Schema.OPTIONAL_BOOLEAN_SCHEMA, null);
    assertSchemaAndValue(toConnect(c, '{ "schema": { "type": "boolean", "default": true }, "payload": null }'), SchemaBuilder.bool().defaultValue(true).build(), true);
    assertSchemaAndValue(
      toConnect(c, '{ "schema": { "type": "boolean", "optional": false, "name": "bool", "version": 2, "doc": "the documentation", "parameters": { "foo": "bar" }}, "payload": true }'),
      SchemaBuilder.bool().required().name('bool').version(2).doc('the documentation').parameter('foo', 'bar').build(), true);
  });

  it('[T:byteToConnect, shortToConnect, intToConnect, longToConnect, floatToConnect, doubleToConnect, stringToConnect]', () => {
    assertSchemaAndValue(toConnect(c, '{ "schema": { "type": "int8" }, "payload": 12 }'), Schema.INT8_SCHEMA, 12);
    assertSchemaAndValue(toConnect(c, '{ "schema": { "type": "int16" }, "payload": 12 }'), Schema.INT16_SCHEMA, 12);
    assertSchemaAndValue(toConnect(c, '{ "schema": { "type": "int32" }, "payload": 12 }'), Schema.INT32_SCHEMA, 12);
    assertSchemaAndValue(toConnect(c, '{ "schema": { "type": "int64" }, "payload": 12 }'), Schema.INT64_SCHEMA, 12n);
    assertSchemaAndValue(toConnect(c, '{ "schema": { "type": "int64" }, "payload": 4398046511104 }'), Schema.INT64_SCHEMA, 4398046511104n);
    assertSchemaAndValue(toConnect(c, '{ "schema": { "type": "float" }, "payload": 12.34 }'), Schema.FLOAT32_SCHEMA, Math.fround(12.34));
    assertSchemaAndValue(toConnect(c, '{ "schema": { "type": "double" }, "payload": 12.34 }'), Schema.FLOAT64_SCHEMA, 12.34);
    assertSchemaAndValue(toConnect(c, '{ "schema": { "type": "string" }, "payload": "foo-bar-baz" }'), Schema.STRING_SCHEMA, 'foo-bar-baz');
  });

  it('[S] int64 beyond 2^53 stays exact', () => {
    assert.equal(toConnect(c, '{"schema":{"type":"int64"},"payload":9223372036854775807}').value, 9223372036854775807n);
  });

  it('[T:bytesToConnect]', () => {
    const r = toConnect(c, '{ "schema": { "type": "bytes" }, "payload": "dGVzdC1zdHJpbmc=" }');
    assert.equal(Buffer.from(r.value as Uint8Array).toString(), 'test-string');
  });

  it('[T:arrayToConnect, mapToConnectStringKeys, mapToConnectNonStringKeys]', () => {
    assertSchemaAndValue(toConnect(c, '{ "schema": { "type": "array", "items": { "type" : "int32" } }, "payload": [1, 2, 3] }'),
      SchemaBuilder.array(Schema.INT32_SCHEMA).build(), [1, 2, 3]);
    assertSchemaAndValue(toConnect(c, '{ "schema": { "type": "map", "keys": { "type" : "string" }, "values": { "type" : "int32" } }, "payload": { "key1": 12, "key2": 15} }'),
      SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT32_SCHEMA).build(), new Map([['key1', 12], ['key2', 15]]));
    assertSchemaAndValue(toConnect(c, '{ "schema": { "type": "map", "keys": { "type" : "int32" }, "values": { "type" : "int32" } }, "payload": [ [1, 12], [2, 15] ] }'),
      SchemaBuilder.map(Schema.INT32_SCHEMA, Schema.INT32_SCHEMA).build(), new Map([[1, 12], [2, 15]]));
  });

  it('[T:structToConnect]', () => {
    const r = toConnect(c, '{ "schema": { "type": "struct", "fields": [{ "field": "field1", "type": "boolean" }, { "field": "field2", "type": "string" }] }, "payload": { "field1": true, "field2": "string" } }');
    const schema = SchemaBuilder.struct().field('field1', Schema.BOOLEAN_SCHEMA).field('field2', Schema.STRING_SCHEMA).build();
    assertSchemaAndValue(r, schema, new Struct(schema).put('field1', true).put('field2', 'string'));
  });

  it('[T:nullSchemaPrimitiveToConnect] schema null infers int64/float64/map', () => {
    assertSchemaAndValue(toConnect(c, '{ "schema": null, "payload": null }'), null, null);
    assertSchemaAndValue(toConnect(c, '{ "schema": null, "payload": true }'), null, true);
    assertSchemaAndValue(toConnect(c, '{ "schema": null, "payload": 12 }'), null, 12n);
    assertSchemaAndValue(toConnect(c, '{ "schema": null, "payload": 12.24 }'), null, 12.24);
    assertSchemaAndValue(toConnect(c, '{ "schema": null, "payload": "a string" }'), null, 'a string');
    assertSchemaAndValue(toConnect(c, '{ "schema": null, "payload": [1, "2", 3] }'), null, [1n, '2', 3n]);
    assertSchemaAndValue(toConnect(c, '{ "schema": null, "payload": { "field1": 1, "field2": 2} }'), null, new Map([['field1', 1n], ['field2', 2n]]));
  });

  it('[T:decimalToConnect, dateToConnect, timeToConnect, timestampToConnect]', () => {
    assertSchemaAndValue(toConnect(c, '{ "schema": { "type": "bytes", "name": "org.apache.kafka.connect.data.Decimal", "version": 1, "parameters": { "scale": "2" } }, "payload": "AJw=" }'),
      Decimal.schema(2), new BigDecimal(156n, 2));
    assertSchemaAndValue(toConnect(c, '{ "schema": { "type": "int32", "name": "org.apache.kafka.connect.data.Date", "version": 1 }, "payload": 10000 }'),
      ConnectDate.SCHEMA, new Date(Date.UTC(1970, 0, 1 + 10000)));
    assertSchemaAndValue(toConnect(c, '{ "schema": { "type": "int32", "name": "org.apache.kafka.connect.data.Time", "version": 1 }, "payload": 14400000 }'),
      Time.SCHEMA, new Date(14400000));
    assertSchemaAndValue(toConnect(c, '{ "schema": { "type": "int64", "name": "org.apache.kafka.connect.data.Timestamp", "version": 1 }, "payload": 4000000000 }'),
      Timestamp.SCHEMA, new Date(4000000000));
  });

  it('[S] a numeric Decimal payload is read exactly (decimalValue, no rescale)', () => {
    const r = toConnect(c, '{"schema":{"type":"bytes","name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"}},"payload":1.56}');
    assert.ok((r.value as BigDecimal).equals(new BigDecimal(156n, 2)));
  });

  it('[T:noSchemaToConnect] schemas.enable=false reads plain JSON', () => {
    const plain = converter({ 'schemas.enable': 'false' }, true);
    assertSchemaAndValue(toConnect(plain, 'true'), null, true);
    assertSchemaAndValue(toConnect(plain, '{"a":[1,2.5,null]}'), null, new Map([['a', [1n, 2.5, null]]]));
    assertSchemaAndValue(toConnect(plain, ''), null, null);
    // A plain object that happens to look like an envelope is still just a map.
    assertSchemaAndValue(toConnect(plain, '{"schema":null,"payload":1}'), null, new Map<string, unknown>([['schema', null], ['payload', 1n]]));
  });

  it('a null byte array (tombstone) reads as null schema and value', () => {
    assert.deepEqual(c.toConnectData(TOPIC, null, null), { schema: null, value: null });
  });

  it("rejects a missing envelope with Kafka's message", () => {
    const message = 'JsonConverter with schemas.enable requires "schema" and "payload" fields and may not contain additional fields.'
      + ' If you are trying to deserialize plain JSON data, set schemas.enable=false in your converter configuration.';
    for (const json of ['{"a":1}', 'true', '{"schema":null,"payload":1,"extra":2}', '']) {
      assert.throws(() => toConnect(c, json), { name: 'DataException', message });
    }
  });

  it('rejects malformed JSON and bad schemas with DataException', () => {
    assert.throws(() => toConnect(c, '{"schema":'), { message: 'Converting byte[] to Kafka Connect data failed due to serialization error: ' });
    assert.throws(() => toConnect(c, '{"schema":{"type":"nope"},"payload":1}'), { message: 'Unknown schema type: nope' });
    assert.throws(() => toConnect(c, '{"schema":{},"payload":1}'), { message: "Schema must contain 'type' field" });
    assert.throws(() => toConnect(c, '{"schema":{"type":"int32"},"payload":null}'), { message: 'Invalid null value for required INT32 field' });
    assert.throws(() => toConnect(c, '{"schema":{"type":"array"},"payload":[]}'), { message: 'Array schema did not specify the element type' });
    assert.throws(() => toConnect(c, '{"schema":{"type":"struct","fields":[{"type":"int32"}]},"payload":{}}'), { message: "Struct schema's field name not specified properly" });
    assert.throws(() => toConnect(c, '{"schema":{"type":"map","keys":{"type":"int32"},"values":{"type":"int32"}},"payload":{"a":1}}'),
      { message: 'Maps with non-string fields should be encoded as JSON array of tuples, but found OBJECT' });
    assert.throws(() => toConnect(c, '{"schema":{"type":"int32","name":"org.apache.kafka.connect.data.Date"},"payload":"x"}'),
      { message: 'Invalid type for Date, underlying representation should be integer but was STRING' });
  });
});

describe('JsonConverter round trips toConnectData(fromConnectData(x))', () => {
  const inner = SchemaBuilder.struct().name('inner').field('n', Schema.OPTIONAL_INT64_SCHEMA).build();
  const schema = SchemaBuilder.struct().name('com.example.Everything').version(4).doc('all types')
    .field('i8', Schema.INT8_SCHEMA).field('i16', Schema.INT16_SCHEMA).field('i32', Schema.INT32_SCHEMA).field('i64', Schema.INT64_SCHEMA)
    .field('f32', Schema.FLOAT32_SCHEMA).field('f64', Schema.FLOAT64_SCHEMA).field('b', Schema.BOOLEAN_SCHEMA).field('s', Schema.STRING_SCHEMA)
    .field('bytes', Schema.BYTES_SCHEMA).field('arr', SchemaBuilder.array(Schema.OPTIONAL_STRING_SCHEMA))
    .field('smap', SchemaBuilder.map(Schema.STRING_SCHEMA, inner)).field('imap', SchemaBuilder.map(Schema.INT16_SCHEMA, Schema.FLOAT64_SCHEMA))
    .field('dec', Decimal.builder(4)).field('negdec', Decimal.builder(0)).field('date', ConnectDate.SCHEMA).field('time', Time.SCHEMA)
    .field('ts', Timestamp.SCHEMA).field('opt', Schema.OPTIONAL_INT32_SCHEMA).field('def', SchemaBuilder.string().defaultValue('dflt'))
    .field('nested', inner)
    .build();
  const value = new Struct(schema)
    .put('i8', -128).put('i16', 32767).put('i32', -2147483648).put('i64', -9223372036854775808n)
    .put('f32', Math.fround(3.14)).put('f64', -1.5e-300).put('b', true).put('s', 'héllo "\u0000"')
    .put('bytes', new Uint8Array([0, 255, 128])).put('arr', ['a', null, 'c'])
    .put('smap', new Map([['k', new Struct(inner).put('n', 7n)]])).put('imap', new Map([[-3, 0.25], [4, 1e100]]))
    .put('dec', new BigDecimal(-123456789n, 4)).put('negdec', new BigDecimal(-1n, 0))
    .put('date', new Date(Date.UTC(1960, 1, 29))).put('time', new Date(86399999)).put('ts', new Date(-1234))
    .put('def', 'set').put('nested', new Struct(inner));

  for (const format of ['BASE64', 'NUMERIC']) {
    it(`every type survives with schemas enabled (decimal.format=${format})`, () => {
      const c = converter({ 'decimal.format': format });
      const bytes = c.fromConnectData(TOPIC, null, schema, value);
      const back = c.toConnectData(TOPIC, null, bytes);
      assert.ok(schema.equals(back.schema), 'schema');
      assert.ok((back.value as Struct).equals(value), `value ${String(back.value)}`);
    });
  }

  it('each primitive and optional schema survives alone', () => {
    const c = converter();
    const cases: Array<[Schema, unknown]> = [
      [Schema.INT8_SCHEMA, 1], [Schema.INT16_SCHEMA, -2], [Schema.INT32_SCHEMA, 3], [Schema.INT64_SCHEMA, 4n],
      [Schema.FLOAT32_SCHEMA, Math.fround(0.1)], [Schema.FLOAT64_SCHEMA, 0.1], [Schema.BOOLEAN_SCHEMA, false], [Schema.STRING_SCHEMA, ''],
      [Schema.BYTES_SCHEMA, new Uint8Array(0)], [Schema.OPTIONAL_INT64_SCHEMA, null], [SchemaBuilder.float64().defaultValue(2.5).build(), 2.5],
      [SchemaBuilder.array(SchemaBuilder.array(Schema.INT32_SCHEMA)).build(), [[1], [], [2, 3]]],
      [SchemaBuilder.map(Schema.BOOLEAN_SCHEMA, Schema.BYTES_SCHEMA).optional().build(), new Map([[true, new Uint8Array([1])]])],
    ];
    for (const [s, v] of cases) {
      const back = c.toConnectData(TOPIC, null, c.fromConnectData(TOPIC, null, s, v));
      assert.ok(s.equals(back.schema), s.toString());
      assert.ok(valuesEqual(back.value, v), `${s.toString()}: ${String(back.value)} != ${String(v)}`);
    }
  });

  it('schemaless values survive with schemas disabled (integers come back as int64 bigint)', () => {
    const c = converter({ 'schemas.enable': 'false' });
    const v = new Map<string, unknown>([['a', [1n, 'x', null, true, 2.5]], ['m', new Map([['z', new Map()]])]]);
    const back = c.toConnectData(TOPIC, null, c.fromConnectData(TOPIC, null, null, v));
    assert.equal(back.schema, null);
    assert.ok(valuesEqual(back.value, v));
  });
});

describe('JsonConverter with hostile numbers', () => {
  it('truncates and wraps like Jackson intValue()/longValue() without big computations', () => {
    const c = converter();
    assert.equal(toConnect(c, '{"schema":{"type":"int32"},"payload":1e-999999999}').value, 0);
    assert.equal(toConnect(c, '{"schema":{"type":"int64"},"payload":1e999999999}').value, 0n);
    assert.equal(toConnect(c, '{"schema":{"type":"int32"},"payload":-12.9}').value, -12);
    assert.equal(toConnect(c, '{"schema":{"type":"int8"},"payload":300}').value, 44);
    assert.throws(() => toConnect(c, '{"schema":{"type":"int32"},"payload":1e99999999999}'), DataException);
  });
});
