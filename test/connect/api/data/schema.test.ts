import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataException, SchemaBuilderException } from '../../../../src/connect/api/errors.js';
import { ConnectSchema, Schema, validateValue } from '../../../../src/connect/api/data/schema.js';
import { SchemaBuilder } from '../../../../src/connect/api/data/schema-builder.js';
import { Struct } from '../../../../src/connect/api/data/struct.js';
import { BigDecimal } from '../../../../src/connect/api/data/big-decimal.js';
import { Timestamp } from '../../../../src/connect/api/data/logical.js';

/** Asserts a DataException (or subclass) with exactly `message`. */
function throwsData(fn: () => unknown, message: string | RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof DataException, `expected DataException, got ${String(e)}`);
    if (typeof message === 'string') assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  });
}

describe('SchemaBuilder', () => {
  it('builds primitive schemas with every attribute', () => {
    const s = SchemaBuilder.int32().optional().name('n').version(2).doc('d').parameter('a', '1').parameter('b', '2').defaultValue(7).build();
    assert.equal(s.type, 'INT32');
    assert.equal(s.optional, true);
    assert.equal(s.name, 'n');
    assert.equal(s.version, 2);
    assert.equal(s.doc, 'd');
    assert.deepEqual([...s.parameters!], [['a', '1'], ['b', '2']]);
    assert.equal(s.defaultValue, 7);
    assert.equal(s.toString(), 'Schema{n:INT32}');
    assert.equal(Schema.STRING_SCHEMA.toString(), 'Schema{STRING}');
  });

  it('builds structs whose fields keep order and index, with lookup by name', () => {
    const s = SchemaBuilder.struct().field('id', Schema.INT32_SCHEMA).field('name', SchemaBuilder.string().optional()).build();
    assert.deepEqual(s.fields().map((f) => [f.name, f.index, f.schema.type]), [['id', 0, 'INT32'], ['name', 1, 'STRING']]);
    assert.equal(s.field('name')!.schema.optional, true);
    assert.equal(s.field('missing'), null);
  });

  it('builds arrays and maps', () => {
    const a = SchemaBuilder.array(Schema.INT64_SCHEMA).build();
    assert.ok(a.valueSchema().equals(Schema.INT64_SCHEMA));
    const m = SchemaBuilder.map(Schema.INT32_SCHEMA, Schema.STRING_SCHEMA).build();
    assert.ok(m.keySchema().equals(Schema.INT32_SCHEMA));
    assert.ok(m.valueSchema().equals(Schema.STRING_SCHEMA));
  });

  it("rejects misuse with Kafka's messages", () => {
    throwsData(() => SchemaBuilder.int32().field('x', Schema.INT32_SCHEMA), 'Cannot create fields on type INT32');
    throwsData(() => SchemaBuilder.struct().field('x', Schema.INT32_SCHEMA).field('x', Schema.STRING_SCHEMA), 'Cannot create field because of field name duplication x');
    throwsData(() => SchemaBuilder.struct().field('', Schema.INT32_SCHEMA), 'fieldName cannot be null.');
    throwsData(() => SchemaBuilder.int32().name('a').name('b'), 'Invalid SchemaBuilder call: name has already been set.');
    throwsData(() => SchemaBuilder.int32().version(1).version(2), 'Invalid SchemaBuilder call: version has already been set.');
    throwsData(() => SchemaBuilder.int32().optional().required(), 'Invalid SchemaBuilder call: optional has already been set.');
    assert.throws(() => SchemaBuilder.int32().defaultValue('nope'), (e: unknown) => e instanceof SchemaBuilderException && e.message === 'Invalid default value');
    throwsData(() => Schema.INT32_SCHEMA.fields(), 'Cannot list fields on non-struct type');
    throwsData(() => Schema.INT32_SCHEMA.field('x'), 'Cannot look up fields on non-struct type');
    throwsData(() => Schema.INT32_SCHEMA.keySchema(), 'Cannot look up key schema on non-map type');
    throwsData(() => Schema.INT32_SCHEMA.valueSchema(), 'Cannot look up value schema on non-array and non-map type');
  });

  it('accepts setting the same name twice, as Kafka does', () => {
    assert.equal(SchemaBuilder.int32().name('a').name('a').build().name, 'a');
  });

  it('compares schemas by every attribute, recursively', () => {
    const mk = (doc: string): ConnectSchema => SchemaBuilder.struct().field('a', SchemaBuilder.array(SchemaBuilder.int32().doc(doc))).build();
    assert.ok(mk('x').equals(mk('x')));
    assert.ok(!mk('x').equals(mk('y')));
    assert.ok(!SchemaBuilder.int32().build().equals(SchemaBuilder.int32().optional().build()));
    assert.ok(!SchemaBuilder.int32().parameter('a', '1').build().equals(SchemaBuilder.int32().build()));
    assert.ok(SchemaBuilder.bytes().defaultValue(new Uint8Array([1])).build().equals(SchemaBuilder.bytes().defaultValue(new Uint8Array([1])).build()));
    assert.ok(!SchemaBuilder.int32().build().equals(SchemaBuilder.int64().build()));
  });
});

describe('validateValue (ConnectSchema.validateValue)', () => {
  const good: Array<[Schema, unknown]> = [
    [Schema.INT8_SCHEMA, -128], [Schema.INT8_SCHEMA, 127], [Schema.INT16_SCHEMA, -32768], [Schema.INT32_SCHEMA, 2147483647],
    [Schema.INT64_SCHEMA, 9223372036854775807n], [Schema.INT64_SCHEMA, -9223372036854775808n],
    [Schema.FLOAT32_SCHEMA, 1.5], [Schema.FLOAT64_SCHEMA, NaN], [Schema.BOOLEAN_SCHEMA, false], [Schema.STRING_SCHEMA, ''],
    [Schema.BYTES_SCHEMA, new Uint8Array(0)], [Schema.BYTES_SCHEMA, Buffer.from('x')],
    [SchemaBuilder.array(Schema.STRING_SCHEMA).build(), ['a', 'b']],
    [SchemaBuilder.map(Schema.INT32_SCHEMA, Schema.STRING_SCHEMA).build(), new Map([[1, 'a']])],
    [Schema.OPTIONAL_STRING_SCHEMA, null],
    [Timestamp.SCHEMA, new Date(0)],
  ];
  for (const [schema, value] of good) {
    it(`accepts ${String(value)} for ${schema.toString()}`, () => validateValue(schema, value));
  }

  it('rejects wrong representations with Kafka-shaped messages', () => {
    throwsData(() => validateValue(Schema.INT64_SCHEMA, 1), 'Invalid Java object for schema with type INT64: class number');
    throwsData(() => validateValue(Schema.INT32_SCHEMA, 1n), 'Invalid Java object for schema with type INT32: class bigint');
    throwsData(() => validateValue(Schema.INT8_SCHEMA, 128), 'Invalid Java object for schema with type INT8: class number (128 is not a INT8)');
    throwsData(() => validateValue(Schema.INT32_SCHEMA, 1.5), /^Invalid Java object for schema with type INT32: class number/);
    throwsData(() => validateValue(Schema.STRING_SCHEMA, 1, 'f'), 'Invalid Java object for schema with type STRING: class number for field: "f"');
    throwsData(() => validateValue(Schema.BYTES_SCHEMA, 'abc'), 'Invalid Java object for schema with type BYTES: class string');
    throwsData(() => validateValue(SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.STRING_SCHEMA).build(), { a: 'b' }), 'Invalid Java object for schema with type MAP: class Object');
    throwsData(() => validateValue(SchemaBuilder.array(Schema.INT32_SCHEMA).build(), [1, 'x']), 'Invalid Java object for schema with type INT32: class string');
    throwsData(() => validateValue(SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT32_SCHEMA).build(), new Map([[1, 1]])), 'Invalid Java object for schema with type STRING: class number');
  });

  it("checks logical types by their value class (Kafka's testValidateFieldWithInvalidValueMismatchTimestamp)", () => {
    validateValue(Schema.INT64_SCHEMA, 1000n, 'field');
    throwsData(() => validateValue(Timestamp.SCHEMA, 1000n, 'field'),
      'Invalid Java object for schema "org.apache.kafka.connect.data.Timestamp" with type INT64: class bigint for field: "field"');
  });

  it('rejects null for required schemas', () => {
    throwsData(() => validateValue(Schema.INT32_SCHEMA, null, 'age'), 'Invalid value: null used for required field: "age", schema type: INT32');
    throwsData(() => validateValue(Schema.INT32_SCHEMA, null), 'Invalid value: null used for required field: "null", schema type: INT32');
  });

  it('checks that a struct value has the same schema', () => {
    const a = SchemaBuilder.struct().field('x', Schema.INT32_SCHEMA).build();
    const b = SchemaBuilder.struct().field('y', Schema.INT32_SCHEMA).build();
    throwsData(() => validateValue(a, new Struct(b).put('y', 1)), 'Struct schemas do not match.');
    throwsData(() => validateValue(a, new Struct(a)), 'Invalid value: null used for required field: "x", schema type: INT32');
  });
});

describe('Struct', () => {
  const schema = SchemaBuilder.struct()
    .field('id', Schema.INT32_SCHEMA)
    .field('name', Schema.OPTIONAL_STRING_SCHEMA)
    .field('count', SchemaBuilder.int64().defaultValue(5n))
    .field('price', SchemaBuilder.bytes().name('org.apache.kafka.connect.data.Decimal').parameter('scale', '2').optional())
    .build();

  it('puts and gets typed values, with defaults', () => {
    const s = new Struct(schema).put('id', 3).put('name', 'x');
    assert.equal(s.getInt32('id'), 3);
    assert.equal(s.getString('name'), 'x');
    assert.equal(s.getInt64('count'), 5n);
    assert.equal(s.getWithoutDefault('count'), null);
    s.put('price', new BigDecimal(150n, 2));
    assert.ok(s.getDecimal('price')!.equals(new BigDecimal(150n, 2)));
    s.validate();
    assert.equal(s.toString(), 'Struct{id=3,name=x,price=1.50}');
  });

  it("rejects bad puts and reads with Kafka's messages", () => {
    const s = new Struct(schema);
    throwsData(() => s.put('nope', 1), 'nope is not a valid field name');
    throwsData(() => s.get('nope'), 'nope is not a valid field name');
    throwsData(() => s.put('id', 'x'), 'Invalid Java object for schema with type INT32: class string for field: "id"');
    throwsData(() => s.put('id', null), 'Invalid value: null used for required field: "id", schema type: INT32');
    throwsData(() => s.getString('id'), "Field 'id' is not of type STRING");
    throwsData(() => s.validate(), 'Invalid value: null used for required field: "id", schema type: INT32');
    throwsData(() => new Struct(Schema.INT32_SCHEMA), 'Not a struct schema: Schema{INT32}');
  });

  it('compares by schema and values', () => {
    const a = new Struct(schema).put('id', 1);
    assert.ok(a.equals(new Struct(schema).put('id', 1)));
    assert.ok(!a.equals(new Struct(schema).put('id', 2)));
  });
});
