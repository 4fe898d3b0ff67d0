import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigException, DataException } from '../../../src/connect/api/errors.js';
import { BigDecimal } from '../../../src/connect/api/data/big-decimal.js';
import { ConnectDate, Time, Timestamp } from '../../../src/connect/api/data/logical.js';
import { Schema } from '../../../src/connect/api/data/schema.js';
import { SchemaBuilder } from '../../../src/connect/api/data/schema-builder.js';
import { Struct } from '../../../src/connect/api/data/struct.js';
import { ByteArrayConverter } from '../../../src/connect/converters/byte-array-converter.js';
import { SimpleHeaderConverter } from '../../../src/connect/converters/simple-header-converter.js';
import { StringConverter } from '../../../src/connect/converters/string-converter.js';

const text = (b: Uint8Array | null): string | null => (b === null ? null : Buffer.from(b).toString('utf8'));

describe('StringConverter', () => {
  it('writes the string form in UTF-8 by default and reads an optional string', () => {
    const c = new StringConverter();
    c.configure({}, false);
    assert.deepEqual([...c.fromConnectData('t', null, Schema.STRING_SCHEMA, 'hé')!], [0x68, 0xc3, 0xa9]);
    assert.equal(text(c.fromConnectData('t', null, Schema.INT64_SCHEMA, 12n)), '12');
    assert.equal(c.fromConnectData('t', null, null, null), null);
    const r = c.toConnectData('t', null, Buffer.from('hé'));
    assert.equal(r.schema, Schema.OPTIONAL_STRING_SCHEMA);
    assert.equal(r.value, 'hé');
    assert.deepEqual(c.toConnectData('t', null, null), { schema: Schema.OPTIONAL_STRING_SCHEMA, value: null });
  });

  it('honours converter.encoding', () => {
    const c = new StringConverter();
    c.configure({ 'converter.encoding': 'ISO-8859-1' }, true);
    assert.deepEqual([...c.fromConnectData('t', null, null, 'é')!], [0xe9]);
    assert.equal(c.toConnectData('t', null, new Uint8Array([0xe9])).value, 'é');
    const be = new StringConverter();
    be.configure({ 'converter.encoding': 'UTF-16BE' }, false);
    assert.deepEqual([...be.fromConnectData('t', null, null, 'A')!], [0x00, 0x41]);
    assert.equal(be.toConnectData('t', null, new Uint8Array([0x00, 0x41])).value, 'A');
    assert.throws(() => new StringConverter().configure({ 'converter.encoding': 'EBCDIC' }, false), ConfigException);
  });
});

describe('ByteArrayConverter', () => {
  const c = new ByteArrayConverter();
  c.configure({}, false);

  it('passes bytes through and reads optional bytes', () => {
    const b = new Uint8Array([1, 2, 3]);
    const out = c.fromConnectData('t', null, Schema.BYTES_SCHEMA, b)!;
    assert.ok(Buffer.isBuffer(out));
    assert.deepEqual([...out], [1, 2, 3]);
    assert.equal(out.buffer, b.buffer, 'a view, not a copy');
    const buf = Buffer.from([4]);
    assert.equal(c.fromConnectData('t', null, null, buf), buf);
    assert.equal(c.fromConnectData('t', null, null, null), null);
    const r = c.toConnectData('t', null, b);
    assert.equal(r.schema, Schema.OPTIONAL_BYTES_SCHEMA);
    assert.equal(r.value, b);
  });

  it("rejects non-bytes schemas and values with Kafka's messages", () => {
    assert.throws(() => c.fromConnectData('t', null, Schema.STRING_SCHEMA, 'x'), (e: unknown) => e instanceof DataException && e.message === 'Invalid schema type for ByteArrayConverter: STRING');
    assert.throws(() => c.fromConnectData('t', null, null, 'x'), { message: 'ByteArrayConverter is not compatible with objects of type class string' });
  });
});

describe('SimpleHeaderConverter', () => {
  const c = new SimpleHeaderConverter();
  c.configure({});
  const read = (s: string): { schema: Schema | null; value: unknown } => c.toConnectHeader('t', 'h', Buffer.from(s));

  it('writes values as strings', () => {
    assert.equal(text(c.fromConnectHeader('t', 'h', Schema.STRING_SCHEMA, 'abc')), 'abc');
    assert.equal(text(c.fromConnectHeader('t', 'h', Schema.INT32_SCHEMA, 42)), '42');
    assert.equal(text(c.fromConnectHeader('t', 'h', Schema.FLOAT64_SCHEMA, 1)), '1.0');
    assert.equal(text(c.fromConnectHeader('t', 'h', Schema.BOOLEAN_SCHEMA, true)), 'true');
    assert.equal(text(c.fromConnectHeader('t', 'h', Schema.BYTES_SCHEMA, Buffer.from('test-string'))), 'dGVzdC1zdHJpbmc=');
    assert.equal(text(c.fromConnectHeader('t', 'h', ConnectDate.SCHEMA, new Date(Date.UTC(2020, 0, 2)))), '2020-01-02');
    assert.equal(text(c.fromConnectHeader('t', 'h', Time.SCHEMA, new Date(3723004))), '01:02:03.004Z');
    assert.equal(text(c.fromConnectHeader('t', 'h', Timestamp.SCHEMA, new Date(Date.UTC(2020, 0, 2, 1, 2, 3, 4)))), '2020-01-02T01:02:03.004Z');
    assert.equal(c.fromConnectHeader('t', 'h', Schema.OPTIONAL_STRING_SCHEMA, null), null);
  });

  it('infers the simplest schema when reading (Values.parseString)', () => {
    assert.deepEqual(read('true'), { schema: Schema.BOOLEAN_SCHEMA, value: true });
    assert.deepEqual(read('12'), { schema: Schema.INT8_SCHEMA, value: 12 });
    assert.deepEqual(read('1000'), { schema: Schema.INT16_SCHEMA, value: 1000 });
    assert.deepEqual(read('-100000'), { schema: Schema.INT32_SCHEMA, value: -100000 });
    assert.deepEqual(read('9223372036854775807'), { schema: Schema.INT64_SCHEMA, value: 9223372036854775807n });
    assert.deepEqual(read('1.0'), { schema: Schema.INT8_SCHEMA, value: 1 });
    assert.deepEqual(read('1.5'), { schema: Schema.FLOAT32_SCHEMA, value: 1.5 });
    assert.deepEqual(read('hello world'), { schema: Schema.STRING_SCHEMA, value: 'hello world' });
    assert.deepEqual(read(''), { schema: Schema.STRING_SCHEMA, value: '' });
    const big = read('99999999999999999999');
    assert.equal(big.schema!.name, 'org.apache.kafka.connect.data.Decimal');
    assert.ok((big.value as BigDecimal).equals(new BigDecimal(99999999999999999999n, 0)));
    assert.deepEqual(c.toConnectHeader('t', 'h', null), { schema: null, value: null });
  });

  it('round-trips strings and integers through a header', () => {
    for (const [schema, value] of [[Schema.STRING_SCHEMA, 'x y'], [Schema.INT16_SCHEMA, 300], [SchemaBuilder.bool().build(), false]] as const) {
      const back = c.toConnectHeader('t', 'h', c.fromConnectHeader('t', 'h', schema, value));
      assert.ok(schema.equals(back.schema));
      assert.equal(back.value, value);
    }
  });
});

describe('SimpleHeaderConverter with structured and temporal values', () => {
  const c = new SimpleHeaderConverter();
  const read = (s: string): { schema: Schema | null; value: unknown } => c.toConnectHeader('t', 'h', Buffer.from(s));
  const roundTrip = (schema: Schema, value: unknown): { schema: Schema | null; value: unknown } => c.toConnectHeader('t', 'h', c.fromConnectHeader('t', 'h', schema, value));

  it('writes arrays, maps and structs in Kafka\'s Values format', () => {
    assert.equal(text(c.fromConnectHeader('t', 'h', SchemaBuilder.array(Schema.INT32_SCHEMA).build(), [1, 2, 3])), '[1,2,3]');
    assert.equal(text(c.fromConnectHeader('t', 'h', SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.STRING_SCHEMA).build(), new Map([['a', 'x y']]))), '{"a":"x y"}');
    const schema = SchemaBuilder.struct().field('id', Schema.INT64_SCHEMA).field('name', Schema.STRING_SCHEMA).build();
    assert.equal(text(c.fromConnectHeader('t', 'h', schema, new Struct(schema).put('id', 7n).put('name', 'n'))), '{"id":7,"name":"n"}');
  });

  it('reads arrays, maps and dates back with inferred schemas', () => {
    const ints = roundTrip(SchemaBuilder.array(Schema.INT32_SCHEMA).build(), [1, 1000, 100000]);
    assert.ok(SchemaBuilder.array(Schema.INT32_SCHEMA).build().equals(ints.schema));
    assert.deepEqual(ints.value, [1, 1000, 100000]);
    const map = roundTrip(SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.FLOAT64_SCHEMA).build(), new Map([['a', 1.5], ['b', 2]]));
    assert.ok(SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.FLOAT32_SCHEMA).build().equals(map.schema));
    assert.deepEqual(map.value, new Map([['a', 1.5], ['b', 2]]));
    const mixed = read('[1, "two"]');
    assert.equal(mixed.schema!.type, 'ARRAY');
    assert.equal(mixed.schema!.valueSchema(), null);
    for (const [schema, value] of [[ConnectDate.SCHEMA, new Date(Date.UTC(2020, 0, 2))], [Time.SCHEMA, new Date(3723004)], [Timestamp.SCHEMA, new Date(Date.UTC(2020, 0, 2, 1, 2, 3, 4))]] as const) {
      const back = roundTrip(schema, value);
      assert.ok(schema.equals(back.schema), schema.name!);
      assert.deepEqual(back.value, value);
    }
    assert.deepEqual(read('null'), { schema: null, value: null });
  });
});

describe('SimpleHeaderConverter with hostile numbers', () => {
  it('stays cheap and falls back like Kafka', () => {
    const c = new SimpleHeaderConverter();
    const read = (s: string): { schema: Schema | null; value: unknown } => c.toConnectHeader('t', 'h', Buffer.from(s));
    assert.equal(read('1e-999999999').schema!.type, 'FLOAT32');
    assert.equal(read('1e999999999').schema!.name, 'org.apache.kafka.connect.data.Decimal');
    assert.deepEqual(read('1e30'), { schema: Schema.FLOAT32_SCHEMA, value: Math.fround(1e30) });
    assert.deepEqual(read('1e99999999999'), { schema: Schema.STRING_SCHEMA, value: '1e99999999999' });
  });
});
