import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigException, DataException } from '../../../src/connect/api/errors.js';
import { Schema } from '../../../src/connect/api/data/schema.js';
import { SchemaBuilder } from '../../../src/connect/api/data/schema-builder.js';
import { Struct } from '../../../src/connect/api/data/struct.js';
import { BigDecimal } from '../../../src/connect/api/data/big-decimal.js';
import { Decimal, Timestamp } from '../../../src/connect/api/data/logical.js';
import { valuesEqual } from '../../../src/connect/api/data/values.js';
import { InsertFieldKey, InsertFieldValue } from '../../../src/connect/transforms/insert-field.js';
import { ReplaceFieldValue } from '../../../src/connect/transforms/replace-field.js';
import { MaskFieldValue } from '../../../src/connect/transforms/mask-field.js';
import { ValueToKey } from '../../../src/connect/transforms/value-to-key.js';
import { ExtractFieldKey, ExtractFieldValue } from '../../../src/connect/transforms/extract-field.js';
import { HoistFieldKey, HoistFieldValue } from '../../../src/connect/transforms/hoist-field.js';
import { configured, map, sink, source } from './helpers.js';

const eq = (a: unknown, b: unknown): void => assert.ok(valuesEqual(a, b), `${String(a)} != ${String(b)}`);

describe('InsertField', () => {
  it('Kafka docs example (connect.html, "Transformations"): static.field data_source on a hoisted line', () => {
    const t = configured(new InsertFieldValue(), { 'static.field': 'data_source', 'static.value': 'test-file-source' });
    const out = t.apply(source({ value: map({ line: 'foo' }) }));
    eq(out.value, map({ line: 'foo', data_source: 'test-file-source' }));
  });

  it('schemaless: topic, partition, offset, timestamp as Kafka puts them (String, Integer, Long, Long)', () => {
    const t = configured(new InsertFieldValue(), {
      'topic.field': 'topic_field!', 'partition.field': 'partition_field', 'offset.field': 'offset_field', 'timestamp.field': 'timestamp_field?',
    });
    const out = t.apply(sink({ topic: 'orders', partition: 3, offset: 42n, timestamp: 1234, value: map({ magic: 42n }) }));
    eq(out.value, map({ magic: 42n, topic_field: 'orders', partition_field: 3, offset_field: 42n, timestamp_field: 1234n }));
    assert.equal(out.valueSchema, null);
  });

  it('with a schema: fields appended, `!` required and `?`/none optional, timestamp as the Timestamp logical type', () => {
    const schema = SchemaBuilder.struct().name('name').version(1).doc('doc').field('magic', Schema.OPTIONAL_INT64_SCHEMA).build();
    const t = configured(new InsertFieldValue(), {
      'topic.field': 'topic_field!', 'partition.field': 'partition_field', 'offset.field': 'offset_field!', 'timestamp.field': 'timestamp_field?',
      'static.field': 'instance_id', 'static.value': 'my-instance-id',
    });
    const out = t.apply(sink({ topic: 'test', partition: 0, offset: 0n, timestamp: 1000, valueSchema: schema, value: new Struct(schema).put('magic', 42n) }));
    const s = out.valueSchema!;
    assert.equal(s.name, 'name');
    assert.equal(s.version, 1);
    assert.equal(s.doc, 'doc');
    assert.deepEqual(s.fields().map((f) => [f.name, f.schema.type, f.schema.optional]), [
      ['magic', 'INT64', true], ['topic_field', 'STRING', false], ['partition_field', 'INT32', true],
      ['offset_field', 'INT64', false], ['timestamp_field', 'INT64', true], ['instance_id', 'STRING', true],
    ]);
    assert.equal(s.field('timestamp_field')!.schema.name, Timestamp.LOGICAL_NAME);
    const v = out.value as Struct;
    assert.equal(v.getInt64('magic'), 42n);
    assert.equal(v.getString('topic_field'), 'test');
    assert.equal(v.getInt32('partition_field'), 0);
    assert.equal(v.getInt64('offset_field'), 0n);
    eq(v.get('timestamp_field'), new Date(1000));
    assert.equal(v.getString('instance_id'), 'my-instance-id');
    // the updated schema is cached per input schema
    const again = t.apply(sink({ valueSchema: schema, value: new Struct(schema).put('magic', 1n) }));
    assert.equal(again.valueSchema, s);
  });

  it('works on the key with InsertField$Key; tombstones pass through', () => {
    const t = configured(new InsertFieldKey(), { 'topic.field': 't' });
    eq(t.apply(sink({ key: map({}) })).key, map({ t: 'test' }));
    const tomb = sink({ key: null, value: null });
    assert.equal(new InsertFieldValue().constructor.name, 'InsertFieldValue');
    assert.equal(configured(new InsertFieldValue(), { 'topic.field': 't' }).apply(tomb), tomb);
  });

  it('offset.field needs a SinkRecord; values must be Map or Struct', () => {
    const t = configured(new InsertFieldValue(), { 'offset.field': 'o' });
    assert.throws(() => t.apply(source({ value: map({}) })), DataException);
    assert.throws(() => t.apply(sink({ value: 'text' })), /Only Map objects supported in absence of schema for \[field insertion\], found: string/);
    assert.throws(() => t.apply(sink({ valueSchema: Schema.STRING_SCHEMA, value: 'text' })), /Only Struct objects supported for \[field insertion\]/);
  });

  it('config errors: nothing to insert, static.field without static.value', () => {
    assert.throws(() => configured(new InsertFieldValue(), {}), ConfigException);
    assert.throws(() => configured(new InsertFieldValue(), { 'static.field': 'x' }), (e: Error) => e instanceof ConfigException && /static\.value/.test(e.message));
  });
});

describe('ReplaceField', () => {
  const schema = SchemaBuilder.struct().field('dont', Schema.STRING_SCHEMA).field('abc', Schema.INT32_SCHEMA)
    .field('foo', Schema.BOOLEAN_SCHEMA).field('etc', Schema.STRING_SCHEMA).build();

  it('with a schema: exclude + include + renames (Kafka ReplaceFieldTest.withSchema)', () => {
    const t = configured(new ReplaceFieldValue(), { exclude: 'dont', include: 'abc,foo', renames: 'abc:xyz,foo:bar' });
    const value = new Struct(schema).put('dont', 'whatever').put('abc', 42).put('foo', true).put('etc', 'etc');
    const out = t.apply(sink({ valueSchema: schema, value }));
    assert.deepEqual(out.valueSchema!.fields().map((f) => f.name), ['xyz', 'bar']);
    assert.equal((out.value as Struct).get('xyz'), 42);
    assert.equal((out.value as Struct).get('bar'), true);
  });

  it('schemaless, and the deprecated blacklist/whitelist names', () => {
    const value = map({ dont: 'whatever', abc: 42, foo: true, etc: 'etc' });
    eq(configured(new ReplaceFieldValue(), { exclude: 'dont', renames: 'abc:xyz,foo:bar' }).apply(sink({ value })).value, map({ xyz: 42, bar: true, etc: 'etc' }));
    eq(configured(new ReplaceFieldValue(), { blacklist: 'dont,etc' }).apply(sink({ value })).value, map({ abc: 42, foo: true }));
    eq(configured(new ReplaceFieldValue(), { whitelist: 'abc' }).apply(sink({ value })).value, map({ abc: 42 }));
    // the new name wins over the deprecated one
    eq(configured(new ReplaceFieldValue(), { include: 'foo', whitelist: 'abc' }).apply(sink({ value })).value, map({ foo: true }));
  });

  it('rejects a rename without exactly one colon', () => {
    assert.throws(() => configured(new ReplaceFieldValue(), { renames: 'a:b:c' }), (e: Error) => e instanceof ConfigException && /renames: Invalid rename mapping: a:b:c/.test(e.message));
    assert.throws(() => configured(new ReplaceFieldValue(), { renames: 'ab' }), ConfigException);
  });
});

describe('MaskField', () => {
  const schema = SchemaBuilder.struct().field('magic', Schema.INT32_SCHEMA).field('int64', Schema.INT64_SCHEMA)
    .field('float64', Schema.FLOAT64_SCHEMA).field('bool', Schema.BOOLEAN_SCHEMA).field('string', Schema.STRING_SCHEMA)
    .field('decimal', Decimal.schema(2)).field('array', SchemaBuilder.array(Schema.INT32_SCHEMA)).build();
  const value = new Struct(schema).put('magic', 42).put('int64', 7n).put('float64', 1.5).put('bool', true).put('string', 'secret')
    .put('decimal', new BigDecimal(12345n, 2)).put('array', [1, 2]);

  it('masks with the empty value of each type (Kafka docs: "valid null value for the field type")', () => {
    const t = configured(new MaskFieldValue(), { fields: 'int64,float64,bool,string,decimal,array' });
    const out = t.apply(sink({ valueSchema: schema, value })).value as Struct;
    assert.equal(out.get('magic'), 42);
    assert.equal(out.get('int64'), 0n);
    assert.equal(out.get('float64'), 0);
    assert.equal(out.get('bool'), false);
    assert.equal(out.get('string'), '');
    eq(out.get('decimal'), new BigDecimal(0n, 2));
    assert.deepEqual(out.get('array'), []);
  });

  it('masks with a replacement converted to the field type', () => {
    const t = configured(new MaskFieldValue(), { fields: 'magic,int64,string,decimal', replacement: '123' });
    const out = t.apply(sink({ valueSchema: schema, value })).value as Struct;
    assert.equal(out.get('magic'), 123);
    assert.equal(out.get('int64'), 123n);
    assert.equal(out.get('string'), '123');
    eq(out.get('decimal'), new BigDecimal(12300n, 2));
    const bad = configured(new MaskFieldValue(), { fields: 'bool', replacement: 'x' });
    assert.throws(() => bad.apply(sink({ valueSchema: schema, value })), DataException);
    assert.throws(() => configured(new MaskFieldValue(), { fields: 'magic', replacement: 'abc' }).apply(sink({ valueSchema: schema, value })), DataException);
  });

  it('schemaless: by the JavaScript type; unknown keys are ignored', () => {
    const t = configured(new MaskFieldValue(), { fields: 'a,b,c,d,missing' });
    eq(t.apply(sink({ value: map({ a: 5, b: 6n, c: 'x', d: map({ k: 1 }), e: 'keep' }) })).value, map({ a: 0, b: 0n, c: '', d: new Map(), e: 'keep' }));
    const r = configured(new MaskFieldValue(), { fields: 'c', replacement: '<redacted>' });
    eq(r.apply(sink({ value: map({ c: 'secret' }) })).value, map({ c: '<redacted>' }));
  });

  it('requires fields', () => {
    assert.throws(() => configured(new MaskFieldValue(), {}), ConfigException);
  });
});

describe('ValueToKey', () => {
  it('with a schema (Kafka ValueToKeyTest.withSchema)', () => {
    const schema = SchemaBuilder.struct().field('a', Schema.INT32_SCHEMA).field('b', Schema.INT32_SCHEMA).field('c', Schema.INT32_SCHEMA).build();
    const value = new Struct(schema).put('a', 1).put('b', 2).put('c', 3);
    const out = configured(new ValueToKey(), { fields: 'a,b' }).apply(sink({ valueSchema: schema, value }));
    const expectedKeySchema = SchemaBuilder.struct().field('a', Schema.INT32_SCHEMA).field('b', Schema.INT32_SCHEMA).build();
    assert.ok(out.keySchema!.equals(expectedKeySchema));
    assert.ok((out.key as Struct).equals(new Struct(expectedKeySchema).put('a', 1).put('b', 2)));
    assert.equal(out.value, value);
  });

  it('keys records of several value schemas, each with its own key schema, and keeps the rest of the record', () => {
    const t = configured(new ValueToKey(), { fields: 'c,a' });
    const one = SchemaBuilder.struct().field('a', Schema.INT32_SCHEMA).field('b', Schema.STRING_SCHEMA).field('c', Schema.OPTIONAL_INT64_SCHEMA).build();
    const two = SchemaBuilder.struct().field('c', Schema.STRING_SCHEMA).field('a', SchemaBuilder.int32().defaultValue(7).build()).build();
    const oneAgain = SchemaBuilder.struct().field('a', Schema.INT32_SCHEMA).field('b', Schema.STRING_SCHEMA).field('c', Schema.OPTIONAL_INT64_SCHEMA).build();
    for (let round = 0; round < 2; round++) {
      const a = t.apply(source({ valueSchema: one, value: new Struct(one).put('a', 1).put('b', 'x').put('c', 5n) }));
      assert.ok(a.keySchema!.equals(SchemaBuilder.struct().field('c', Schema.OPTIONAL_INT64_SCHEMA).field('a', Schema.INT32_SCHEMA).build()));
      assert.ok((a.key as Struct).equals(new Struct(a.keySchema!).put('c', 5n).put('a', 1)));
      assert.ok(a.valueSchema === one && a.topic === 'test' && a.timestamp === null);
      const b = t.apply(source({ valueSchema: two, value: new Struct(two).put('c', 'z') }));
      assert.ok((b.key as Struct).equals(new Struct(b.keySchema!).put('c', 'z').put('a', 7)), 'the default, as Struct.get gives it');
      const c = t.apply(source({ valueSchema: oneAgain, value: new Struct(oneAgain).put('a', 2).put('b', 'y') }));
      assert.ok(c.keySchema!.equals(a.keySchema) && (c.key as Struct).get('c') === null && (c.key as Struct).get('a') === 2);
    }
  });

  it('schemaless (Kafka ValueToKeyTest.schemaless)', () => {
    const out = configured(new ValueToKey(), { fields: 'a,b' }).apply(sink({ value: map({ a: 1, b: 2, c: 3 }) }));
    eq(out.key, map({ a: 1, b: 2 }));
    assert.equal(out.keySchema, null);
  });

  it('a field missing from the value schema is a DataException; fields is required', () => {
    const schema = SchemaBuilder.struct().field('a', Schema.INT32_SCHEMA).build();
    assert.throws(() => configured(new ValueToKey(), { fields: 'not_exist' }).apply(sink({ valueSchema: schema, value: new Struct(schema).put('a', 1) })),
      (e: Error) => e instanceof DataException && e.message === 'Field does not exist: not_exist');
    assert.throws(() => configured(new ValueToKey(), {}), (e: Error) => e instanceof ConfigException && e.message.includes('"fields"'));
    assert.throws(() => configured(new ValueToKey(), { fields: '' }), ConfigException);
  });
});

describe('ExtractField', () => {
  it('schemaless key (Kafka ExtractFieldTest.schemaless)', () => {
    const out = configured(new ExtractFieldKey(), { field: 'magic' }).apply(sink({ key: map({ magic: 42 }) }));
    assert.equal(out.key, 42);
    assert.equal(out.keySchema, null);
  });

  it('with a schema: the field schema becomes the key schema; null passes as null', () => {
    const schema = SchemaBuilder.struct().field('magic', Schema.INT32_SCHEMA).build();
    const t = configured(new ExtractFieldKey(), { field: 'magic' });
    const out = t.apply(sink({ keySchema: schema, key: new Struct(schema).put('magic', 42) }));
    assert.equal(out.keySchema, Schema.INT32_SCHEMA);
    assert.equal(out.key, 42);
    const nul = t.apply(sink({ keySchema: schema, key: null }));
    assert.equal(nul.key, null);
    assert.equal(nul.keySchema, Schema.INT32_SCHEMA);
  });

  it('an unknown field with a schema is a DataException; schemaless it gives null', () => {
    const schema = SchemaBuilder.struct().field('magic', Schema.INT32_SCHEMA).build();
    assert.throws(() => configured(new ExtractFieldValue(), { field: 'nope' }).apply(sink({ valueSchema: schema, value: new Struct(schema).put('magic', 1) })),
      (e: Error) => e instanceof DataException && e.message === 'Unknown field: nope');
    assert.equal(configured(new ExtractFieldValue(), { field: 'nope' }).apply(sink({ value: map({ magic: 1 }) })).value, null);
    assert.throws(() => configured(new ExtractFieldValue(), {}), ConfigException);
  });

  it('field.syntax.version=V2 reads nested paths (KIP-821)', () => {
    const inner = SchemaBuilder.struct().field('c', Schema.STRING_SCHEMA).build();
    const schema = SchemaBuilder.struct().field('a', inner).field('a.b', Schema.INT32_SCHEMA).build();
    const value = new Struct(schema).put('a', new Struct(inner).put('c', 'deep')).put('a.b', 7);
    const v2 = configured(new ExtractFieldValue(), { field: 'a.c', 'field.syntax.version': 'V2' });
    assert.equal(v2.apply(sink({ valueSchema: schema, value })).value, 'deep');
    assert.equal(configured(new ExtractFieldValue(), { field: '`a.b`', 'field.syntax.version': 'V2' }).apply(sink({ valueSchema: schema, value })).value, 7);
    assert.equal(configured(new ExtractFieldValue(), { field: 'a.b' }).apply(sink({ valueSchema: schema, value })).value, 7);
    assert.equal(v2.apply(sink({ value: map({ a: map({ c: 'x' }) }) })).value, 'x');
  });
});

describe('HoistField', () => {
  it('Kafka docs example: a schemaless value Foo becomes {"line":"Foo"}', () => {
    const out = configured(new HoistFieldValue(), { field: 'line' }).apply(sink({ value: 'Foo' }));
    eq(out.value, map({ line: 'Foo' }));
  });

  it('with a schema: a struct with one field of the original schema (Kafka HoistFieldTest.withSchema)', () => {
    const out = configured(new HoistFieldKey(), { field: 'magic' }).apply(sink({ keySchema: Schema.INT32_SCHEMA, key: 42 }));
    assert.deepEqual(out.keySchema!.fields().map((f) => [f.name, f.schema]), [['magic', Schema.INT32_SCHEMA]]);
    assert.equal((out.key as Struct).get('magic'), 42);
    assert.throws(() => configured(new HoistFieldKey(), {}), ConfigException);
  });
});

describe('SetSchemaMetadata', () => {
  it('sets name and version; a Struct value gets the new schema (Kafka SetSchemaMetadataTest)', async () => {
    const { SetSchemaMetadataValue, SetSchemaMetadataKey } = await import('../../../src/connect/transforms/set-schema-metadata.js');
    const schema = SchemaBuilder.struct().field('stringField', Schema.STRING_SCHEMA).build();
    const out = configured(new SetSchemaMetadataValue(), { 'schema.name': 'foo', 'schema.version': '42' })
      .apply(sink({ valueSchema: schema, value: new Struct(schema).put('stringField', 'value') }));
    assert.equal(out.valueSchema!.name, 'foo');
    assert.equal(out.valueSchema!.version, 42);
    assert.equal((out.value as Struct).schema, out.valueSchema);
    assert.equal((out.value as Struct).get('stringField'), 'value');
    const key = configured(new SetSchemaMetadataKey(), { 'schema.version': '3' }).apply(sink({ keySchema: Schema.INT32_SCHEMA, key: 1 }));
    assert.equal(key.keySchema!.version, 3);
    assert.equal(key.keySchema!.name, null);
    assert.throws(() => configured(new SetSchemaMetadataValue(), {}), ConfigException);
    assert.throws(() => configured(new SetSchemaMetadataValue(), { 'schema.version': 'x' }), (e: Error) => e instanceof ConfigException && e.message.includes('schema.version'));
    assert.throws(() => configured(new SetSchemaMetadataValue(), { 'schema.name': 'n' }).apply(sink({ value: 1 })), DataException);
  });
});
