import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigException, DataException } from '../../../src/connect/api/errors.js';
import { Schema } from '../../../src/connect/api/data/schema.js';
import { SchemaBuilder } from '../../../src/connect/api/data/schema-builder.js';
import { Struct } from '../../../src/connect/api/data/struct.js';
import { BigDecimal } from '../../../src/connect/api/data/big-decimal.js';
import { ConnectDate, Decimal, Time, Timestamp } from '../../../src/connect/api/data/logical.js';
import { valuesEqual } from '../../../src/connect/api/data/values.js';
import { CastKey, CastValue } from '../../../src/connect/transforms/cast.js';
import { TimestampConverterValue } from '../../../src/connect/transforms/timestamp-converter.js';
import { SimpleDateFormat } from '../../../src/connect/transforms/date-format.js';
import { FlattenKey, FlattenValue } from '../../../src/connect/transforms/flatten.js';
import { configured, map, sink } from './helpers.js';

const eq = (a: unknown, b: unknown): void => assert.ok(valuesEqual(a, b), `${String(a)} != ${String(b)}`);

describe('Cast', () => {
  it('Confluent docs example: spec ID:string,score:float64 on a struct', () => {
    const schema = SchemaBuilder.struct().field('ID', Schema.INT32_SCHEMA).field('score', Schema.OPTIONAL_FLOAT32_SCHEMA).field('name', Schema.STRING_SCHEMA).build();
    const t = configured(new CastValue(), { spec: 'ID:string,score:float64' });
    const out = t.apply(sink({ valueSchema: schema, value: new Struct(schema).put('ID', 7).put('score', 2.5).put('name', 'n') }));
    assert.deepEqual(out.valueSchema!.fields().map((f) => [f.name, f.schema.type, f.schema.optional]), [['ID', 'STRING', false], ['score', 'FLOAT64', true], ['name', 'STRING', false]]);
    const v = out.value as Struct;
    assert.equal(v.get('ID'), '7');
    assert.equal(v.get('score'), 2.5);
    assert.equal(v.get('name'), 'n');
  });

  it('whole value with a schema (Kafka CastTest.castWholeRecordKeyWithSchema): int32 42 → int8', () => {
    const out = configured(new CastKey(), { spec: 'int8' }).apply(sink({ keySchema: Schema.INT32_SCHEMA, key: 42 }));
    assert.equal(out.keySchema!.type, 'INT8');
    assert.equal(out.key, 42);
  });

  it('whole value: name/version/doc copied as Kafka\'s copySchemaBasics does, optional kept; a logical name is dropped', () => {
    const named = SchemaBuilder.int32().name('my.id').version(2).optional().build();
    const out = configured(new CastValue(), { spec: 'string' }).apply(sink({ valueSchema: named, value: 5 }));
    assert.equal(out.valueSchema!.name, 'my.id');
    assert.equal(out.valueSchema!.version, 2);
    assert.equal(out.valueSchema!.optional, true);
    assert.equal(out.value, '5');
    const ts = configured(new CastValue(), { spec: 'int64' }).apply(sink({ valueSchema: Timestamp.SCHEMA, value: new Date(1234) }));
    assert.ok(ts.valueSchema!.equals(Schema.INT64_SCHEMA));
    assert.equal(ts.value, 1234n);
  });

  it('Java narrowing: doubles truncate and saturate, longs wrap; booleans ↔ numbers; strings parse', () => {
    const cast = (spec: string, value: unknown): unknown => configured(new CastValue(), { spec }).apply(sink({ value })).value;
    assert.equal(cast('int32', 3.9), 3);
    assert.equal(cast('int32', -3.9), -3);
    assert.equal(cast('int32', 1e20), 2147483647);
    assert.equal(cast('int8', 300), 44);
    assert.equal(cast('int16', 70000n), 4464);
    assert.equal(cast('int64', 1.5), 1n);
    assert.equal(cast('int32', true), 1);
    assert.equal(cast('boolean', 0), false);
    assert.equal(cast('boolean', 42n), true);
    assert.equal(cast('boolean', 'TRUE'), true);
    assert.equal(cast('boolean', 'yes'), false);
    assert.equal(cast('int64', '-12'), -12n);
    assert.equal(cast('float32', 1.1), Math.fround(1.1));
    assert.equal(cast('float64', '1e3'), 1000);
    assert.throws(() => cast('int8', '300'), (e: Error) => e instanceof DataException && e.message === 'Value (300) was out of range for requested data type');
    assert.throws(() => cast('int32', 'abc'), DataException);
  });

  it('to string uses Java\'s text: doubles as 1.0, dates ISO, bytes base64, decimals plain', () => {
    const schema = SchemaBuilder.struct().field('d', Schema.FLOAT64_SCHEMA).field('ts', Timestamp.SCHEMA).field('date', ConnectDate.SCHEMA)
      .field('b', Schema.BYTES_SCHEMA).field('dec', Decimal.schema(2)).build();
    const value = new Struct(schema).put('d', 1).put('ts', new Date(Date.UTC(2024, 0, 31, 12, 30, 0, 5))).put('date', new Date(Date.UTC(2024, 0, 31)))
      .put('b', new Uint8Array([1, 2, 3])).put('dec', new BigDecimal(12345n, 2));
    const out = configured(new CastValue(), { spec: 'd:string,ts:string,date:string,b:string,dec:string' }).apply(sink({ valueSchema: schema, value })).value as Struct;
    assert.equal(out.get('d'), '1.0');
    assert.equal(out.get('ts'), '2024-01-31T12:30:00.005Z');
    assert.equal(out.get('date'), '2024-01-31');
    assert.equal(out.get('b'), 'AQID');
    assert.equal(out.get('dec'), '123.45');
  });

  it('logical types cast from their encoded form; decimals cast to numbers', () => {
    const schema = SchemaBuilder.struct().field('ts', Timestamp.SCHEMA).field('dec', Decimal.schema(2)).build();
    const value = new Struct(schema).put('ts', new Date(1000)).put('dec', new BigDecimal(-12345n, 2));
    const out = configured(new CastValue(), { spec: 'ts:int64,dec:int32' }).apply(sink({ valueSchema: schema, value })).value as Struct;
    assert.equal(out.get('ts'), 1000n);
    assert.equal(out.get('dec'), -123);
  });

  it('schemaless map fields; field defaults are cast too', () => {
    eq(configured(new CastValue(), { spec: 'a:int32,b:string' }).apply(sink({ value: map({ a: '5', b: 2n, c: 'x' }) })).value, map({ a: 5, b: '2', c: 'x' }));
    const schema = SchemaBuilder.struct().field('a', SchemaBuilder.int32().defaultValue(7).build()).build();
    const out = configured(new CastValue(), { spec: 'a:string' }).apply(sink({ valueSchema: schema, value: new Struct(schema) }));
    assert.equal(out.valueSchema!.field('a')!.schema.defaultValue, '7');
  });

  it('config errors name spec; unsupported types are rejected', () => {
    assert.throws(() => configured(new CastValue(), {}), (e: Error) => e instanceof ConfigException && e.message.includes('"spec"'));
    assert.throws(() => configured(new CastValue(), { spec: 'a:uint8' }), (e: Error) => e instanceof ConfigException && /spec: Invalid type found in casting spec: uint8/.test(e.message));
    assert.throws(() => configured(new CastValue(), { spec: 'int8,a:int16' }), ConfigException);
    assert.throws(() => configured(new CastValue(), { spec: 'a:bytes' }), ConfigException);
    const schema = SchemaBuilder.struct().field('a', SchemaBuilder.array(Schema.INT32_SCHEMA)).build();
    assert.throws(() => configured(new CastValue(), { spec: 'a:string' }).apply(sink({ valueSchema: schema, value: new Struct(schema).put('a', []) })), DataException);
  });
});

describe('SimpleDateFormat subset', () => {
  it('formats and parses yyyy MM dd HH mm ss SSS with quoted literals, in UTC', () => {
    const f = new SimpleDateFormat('yyyy-MM-dd\'T\'HH:mm:ss.SSS\'Z\'');
    const d = new Date(Date.UTC(2017, 0, 4, 20, 33, 41, 7));
    assert.equal(f.format(d), '2017-01-04T20:33:41.007Z');
    assert.equal(f.parse('2017-01-04T20:33:41.007Z').getTime(), d.getTime());
    assert.equal(new SimpleDateFormat('yyyyMMdd').parse('20240131').getTime(), Date.UTC(2024, 0, 31));
    assert.equal(new SimpleDateFormat('\'day\' d, \'\'yy').format(d), 'day 4, \'17');
    assert.throws(() => f.parse('2017-01-04'), DataException);
    assert.throws(() => new SimpleDateFormat('EEE yyyy'), ConfigException);
  });
});

describe('TimestampConverter', () => {
  const ms = Date.UTC(2017, 0, 4, 20, 33, 41, 7);
  const conv = (props: Record<string, string>): TimestampConverterValue => configured(new TimestampConverterValue(), props);

  it('Confluent docs example: field timestamp → string with format yyyy-MM-dd', () => {
    const out = conv({ field: 'timestamp', 'target.type': 'string', format: 'yyyy-MM-dd' }).apply(sink({ value: map({ timestamp: BigInt(ms), other: 1 }) }));
    eq(out.value, map({ timestamp: '2017-01-04', other: 1 }));
  });

  it('schemaless whole value: Date → unix (bigint), unix → Timestamp, string → Date (day only), Time keeps the time of day', () => {
    assert.equal(conv({ 'target.type': 'unix' }).apply(sink({ value: new Date(ms) })).value, BigInt(ms));
    eq(conv({ 'target.type': 'Timestamp' }).apply(sink({ value: BigInt(ms) })).value, new Date(ms));
    eq(conv({ 'target.type': 'Date', format: 'yyyy-MM-dd\'T\'HH:mm:ss.SSS\'Z\'' }).apply(sink({ value: '2017-01-04T20:33:41.007Z' })).value, new Date(Date.UTC(2017, 0, 4)));
    eq(conv({ 'target.type': 'Time' }).apply(sink({ value: new Date(ms) })).value, new Date(Date.UTC(1970, 0, 1, 20, 33, 41, 7)));
  });

  it('unix.precision reads and writes seconds, microseconds, nanoseconds', () => {
    eq(conv({ 'target.type': 'Timestamp', 'unix.precision': 'seconds' }).apply(sink({ value: 1483562021n })).value, new Date(1483562021000));
    assert.equal(conv({ 'target.type': 'unix', 'unix.precision': 'microseconds' }).apply(sink({ value: new Date(ms) })).value, BigInt(ms) * 1000n);
    assert.equal(conv({ 'target.type': 'unix', 'unix.precision': 'seconds' }).apply(sink({ value: new Date(ms) })).value, BigInt(ms) / 1000n);
    eq(conv({ 'target.type': 'Timestamp', 'unix.precision': 'nanoseconds' }).apply(sink({ value: BigInt(ms) * 1_000_000n + 999n })).value, new Date(ms));
  });

  it('with a schema: the field schema changes to the target type (optional kept); whole value uses the schema type', () => {
    const schema = SchemaBuilder.struct().field('ts', Timestamp.builder().optional().build()).field('n', Schema.INT32_SCHEMA).build();
    const out = conv({ field: 'ts', 'target.type': 'string', format: 'yyyy-MM-dd HH:mm' }).apply(sink({ valueSchema: schema, value: new Struct(schema).put('ts', new Date(ms)).put('n', 1) }));
    assert.ok(out.valueSchema!.field('ts')!.schema.equals(Schema.OPTIONAL_STRING_SCHEMA));
    assert.equal((out.value as Struct).get('ts'), '2017-01-04 20:33');
    const whole = conv({ 'target.type': 'Date' }).apply(sink({ valueSchema: Schema.INT64_SCHEMA, value: BigInt(ms) }));
    assert.ok(whole.valueSchema!.equals(ConnectDate.SCHEMA));
    eq(whole.value, new Date(Date.UTC(2017, 0, 4)));
    const fromTime = conv({ 'target.type': 'unix' }).apply(sink({ valueSchema: Time.SCHEMA, value: new Date(5000) }));
    assert.equal(fromTime.value, 5000n);
    assert.throws(() => conv({ 'target.type': 'unix' }).apply(sink({ valueSchema: Schema.BOOLEAN_SCHEMA, value: true })), /does not correspond to a known timestamp type/);
  });

  it('config errors: target.type required and checked; string needs a format', () => {
    assert.throws(() => conv({}), (e: Error) => e instanceof ConfigException && e.message.includes('"target.type"'));
    assert.throws(() => conv({ 'target.type': 'epoch' }), (e: Error) => e instanceof ConfigException && /Unknown timestamp type in TimestampConverter: epoch/.test(e.message));
    assert.throws(() => conv({ 'target.type': 'string' }), /requires format option/);
    assert.throws(() => conv({ 'target.type': 'unix', 'unix.precision': 'hours' }), ConfigException);
  });
});

describe('Flatten', () => {
  it('schemaless nested maps (Kafka FlattenTest.testNestedMapWithDelimiter)', () => {
    const value = map({ A: map({ B: map({ int8: 8, string: 'boo', array: [1], empty: null }) }) });
    const out = configured(new FlattenValue(), { delimiter: '#' }).apply(sink({ value })).value;
    eq(out, map({ 'A#B#int8': 8, 'A#B#string': 'boo', 'A#B#array': [1], 'A#B#empty': null }));
  });

  it('nested structs with the default delimiter; fields under an optional struct become optional; arrays and maps are kept', () => {
    const inner = SchemaBuilder.struct().optional().field('x', Schema.INT32_SCHEMA).field('m', SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT32_SCHEMA)).build();
    const schema = SchemaBuilder.struct().name('top').field('a', Schema.STRING_SCHEMA).field('in', inner).build();
    const t = configured(new FlattenKey(), {});
    const out = t.apply(sink({ keySchema: schema, key: new Struct(schema).put('a', 'v').put('in', new Struct(inner).put('x', 1).put('m', map({ k: 2 }))) }));
    assert.equal(out.keySchema!.name, 'top');
    assert.deepEqual(out.keySchema!.fields().map((f) => [f.name, f.schema.type, f.schema.optional]), [['a', 'STRING', false], ['in.x', 'INT32', true], ['in.m', 'MAP', true]]);
    const k = out.key as Struct;
    assert.equal(k.get('in.x'), 1);
    eq(k.get('in.m'), map({ k: 2 }));
    const nullInner = t.apply(sink({ keySchema: schema, key: new Struct(schema).put('a', 'v') }));
    assert.equal((nullInner.key as Struct).get('in.x'), null);
  });

  it('a tombstone passes; schemaless non-maps are rejected', () => {
    const tomb = sink({ value: null });
    assert.equal(configured(new FlattenValue(), {}).apply(tomb), tomb);
    assert.throws(() => configured(new FlattenValue(), {}).apply(sink({ value: 'x' })), DataException);
  });
});
