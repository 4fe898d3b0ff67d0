/**
 * The schema-driven payload writer (struct-payload-writer.ts, json-byte-writer.ts) through
 * JsonConverter.fromConnectData: for every value, tricky ones included, the bytes written are those
 * of the general path (the JSON tree of convertToJson written by writeJson, as UTF-8), or the
 * general path's error, with both decimal formats and both settings of replace.null.with.default,
 * with and without the envelope.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BigDecimal } from '../../../../src/connect/api/data/big-decimal.js';
import { ConnectDate, Decimal, Time, Timestamp } from '../../../../src/connect/api/data/logical.js';
import { Schema } from '../../../../src/connect/api/data/schema.js';
import { SchemaBuilder } from '../../../../src/connect/api/data/schema-builder.js';
import { Struct } from '../../../../src/connect/api/data/struct.js';
import { JsonConverter } from '../../../../src/connect/converters/json/json-converter.js';
import { NULL_NODE, writeJson } from '../../../../src/connect/converters/json/json-node.js';
import type { JsonNode } from '../../../../src/connect/converters/json/json-node.js';

function converter(configs: Record<string, string>): JsonConverter {
  const c = new JsonConverter();
  c.configure(configs, false);
  return c;
}

type Outcome = { ok: true; text: string } | { ok: false; name: string; message: string };

function outcome(f: () => string): Outcome {
  try {
    return { ok: true, text: f() };
  } catch (e) {
    return { ok: false, name: (e as Error).name, message: (e as Error).message };
  }
}

/** The general path's payload text: the JSON tree, written, through Buffer (so lone surrogates become U+FFFD as in the bytes). */
function generalPayload(c: JsonConverter, schema: Schema, value: unknown): Outcome {
  const toJson = (c as unknown as { convertToJson(s: Schema, v: unknown): JsonNode | null }).convertToJson.bind(c);
  return outcome(() => Buffer.from(writeJson(toJson(schema, value) ?? NULL_NODE), 'utf8').toString('utf8'));
}

/** What fromConnectData writes without the envelope. */
function written(c: JsonConverter, schema: Schema, value: unknown): Outcome {
  return outcome(() => c.fromConnectData('t', null, schema, value)!.toString('utf8'));
}

const scale2 = Decimal.builder(2).optional().build();
const rowSchema = SchemaBuilder.struct().name('row')
  .field('i8', Schema.OPTIONAL_INT8_SCHEMA)
  .field('i16', Schema.OPTIONAL_INT16_SCHEMA)
  .field('i32', SchemaBuilder.int32().optional().defaultValue(42).build())
  .field('i64', Schema.OPTIONAL_INT64_SCHEMA)
  .field('f32', Schema.OPTIONAL_FLOAT32_SCHEMA)
  .field('f64', Schema.OPTIONAL_FLOAT64_SCHEMA)
  .field('b', Schema.OPTIONAL_BOOLEAN_SCHEMA)
  .field('s', SchemaBuilder.string().optional().defaultValue('dflt').build())
  .field('raw', Schema.OPTIONAL_BYTES_SCHEMA)
  .field('price', scale2)
  .field('at', Timestamp.builder().optional().build())
  .field('day', ConnectDate.builder().optional().build())
  .field('time', Time.builder().optional().build())
  .field('list', SchemaBuilder.array(Schema.STRING_SCHEMA).optional().build())
  .field('map', SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT32_SCHEMA).optional().build())
  .field('inner', SchemaBuilder.struct().name('inner').field('x', Schema.INT8_SCHEMA).field('y', Schema.OPTIONAL_STRING_SCHEMA).optional().build())
  .field('req', Schema.STRING_SCHEMA)
  .field('named', SchemaBuilder.int32().name('custom.name').optional().build())
  .field('odd "key"\n', Schema.OPTIONAL_STRING_SCHEMA)
  .field('ключ', Schema.OPTIONAL_STRING_SCHEMA)
  .build();

/** A row with every field set to something ordinary. */
function row(): Struct {
  return new Struct(rowSchema).put('i8', 1).put('i16', 2).put('i32', 3).put('i64', 4n).put('f32', 1.5).put('f64', 2.5).put('b', true)
    .put('s', 'plain').put('raw', new Uint8Array([1, 2, 3])).put('price', new BigDecimal(12345n, 2)).put('at', new Date(1_700_000_000_123))
    .put('day', new Date(19_000 * 86_400_000)).put('time', new Date(3_600_000)).put('list', ['a', 'b']).put('map', new Map([['k', 1]]))
    .put('inner', new Struct(rowSchema.field('inner')!.schema).put('x', -1).put('y', 'é')).put('req', 'r').put('named', 7);
}

const STRINGS = [
  '', 'a', 'x'.repeat(300), 'quote " and backslash \\', 'only a back\\slash', 'only a "quote', 'only\ta tab', 'only \u001f', '\u007f', 'controls \u0000\u0001\u001f\b\f\n\r\t', 'slash / stays', 'é', 'Kraków 🎉',
  '\ud800 lone high', 'lone low \udc00', 'mixed ascii then é then "q"', '\u007f\u0080\u07ff\u0800\uffff', 'end é',
  // Long enough to be measured rather than bounded before writing.
  '\ud800x'.repeat(600), 'é'.repeat(1500), '😀'.repeat(700), `${'a'.repeat(2000)}\udfff`, `"${'é'.repeat(1100)}\n`,
];

const INTS = [0, -0, 1, -1, 9, 10, 99, 100, 127, -128, 32767, -32768, 2147483647, -2147483648, 1_000_000_007];
const BIGINTS = [0n, -1n, 1n, 9007199254740991n, 9007199254740992n, -9007199254740991n, -9007199254740992n, 9223372036854775807n, -9223372036854775808n, 1234567890123456789n];
const DOUBLES = [0, -0, 1, -1.5, 0.1, 1e7, 1.0e-3, 123456789.125, Number.MAX_VALUE, Number.MIN_VALUE, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
const UNSCALED = [0n, 1n, -1n, 127n, 128n, -128n, -129n, 255n, 256n, 32767n, 32768n, -32768n, -32769n, 8388607n, 8388608n, (1n << 47n) - 1n, -(1n << 47n), 1n << 47n, -(1n << 47n) - 1n, 1n << 64n, -(1n << 64n)];
const DATES = [new Date(0), new Date(-1), new Date(1_700_000_000_123), new Date(8.64e15), new Date(-8.64e15), new Date(Number.NaN)];

/** Rows varying one field at a time through tricky values, right or wrong for the field. */
function variants(): Array<[string, Struct]> {
  const out: Array<[string, Struct]> = [['ordinary', row()]];
  const set = (name: string, value: unknown): void => {
    const r = row();
    (r as unknown as { values: unknown[] }).values[rowSchema.field(name)!.index] = value; // bypasses put's checks: wrong values too
    out.push([`${name}=${typeof value === 'bigint' ? `${value}n` : String(value)}`, r]);
  };
  for (const s of STRINGS) { set('s', s); set('odd "key"\n', s); set('ключ', s); }
  for (const n of INTS) { set('i8', n); set('i16', n); set('i32', n); }
  for (const n of BIGINTS) set('i64', n);
  for (const d of DOUBLES) { set('f32', d); set('f64', d); }
  for (const u of UNSCALED) { set('price', new BigDecimal(u, 2)); set('price', new BigDecimal(u, 3)); }
  for (const d of DATES) { set('at', d); set('day', d); set('time', d); }
  for (const name of rowSchema.fields().map((f) => f.name)) set(name, null);
  // Wrong JavaScript types: the general path's errors.
  set('i8', 1.5); set('i8', 200); set('i32', 2147483648); set('i32', 3n); set('i64', 5); set('i64', 1n << 63n); set('f64', '1');
  set('b', 1); set('s', 5); set('price', 1.5); set('price', new Uint8Array([1])); set('at', 5n); set('at', 1_700_000_000_000);
  set('inner', 'x'); set('inner', new Struct(SchemaBuilder.struct().field('x', Schema.INT8_SCHEMA).build()).put('x', 1));
  set('inner', new Struct(rowSchema.field('inner')!.schema)); // a required field unset inside
  set('list', 'x'); set('named', 'x'); set('named', 3);
  return out;
}

describe('JsonConverter.fromConnectData: payloads written by the schema-driven writer', () => {
  const settings: Array<Record<string, string>> = [
    { 'schemas.enable': 'false' },
    { 'schemas.enable': 'false', 'decimal.format': 'NUMERIC' },
    { 'schemas.enable': 'false', 'replace.null.with.default': 'false' },
  ];
  for (const configs of settings) {
    it(`writes the general path's bytes or throws its error for every row (${JSON.stringify(configs)})`, () => {
      const c = converter(configs);
      let failures = 0;
      for (const [what, value] of variants()) {
        const expected = generalPayload(converter(configs), rowSchema, value);
        const actual = written(c, rowSchema, value);
        assert.deepEqual(actual, expected, what);
        if (!expected.ok) failures++;
      }
      assert.ok(failures > 10, 'the wrong values fail');
    });
  }

  it('writes top-level values of every kind as the general path does', () => {
    const c = converter({ 'schemas.enable': 'false' });
    const cases: Array<[Schema, unknown]> = [
      ...INTS.map((n): [Schema, unknown] => [Schema.INT32_SCHEMA, n]),
      ...BIGINTS.map((n): [Schema, unknown] => [Schema.INT64_SCHEMA, n]),
      ...STRINGS.map((s): [Schema, unknown] => [Schema.STRING_SCHEMA, s]),
      ...DOUBLES.map((d): [Schema, unknown] => [Schema.FLOAT32_SCHEMA, d]),
      ...UNSCALED.map((u): [Schema, unknown] => [Decimal.schema(0), new BigDecimal(u, 0)]),
      ...DATES.map((d): [Schema, unknown] => [Timestamp.SCHEMA, d]),
      [Schema.INT32_SCHEMA, null], [Schema.OPTIONAL_INT32_SCHEMA, null], [SchemaBuilder.int32().defaultValue(9).build(), null],
      [Schema.BOOLEAN_SCHEMA, false], [Schema.BYTES_SCHEMA, new Uint8Array(20).fill(7)], [Schema.INT8_SCHEMA, 'x'],
      [SchemaBuilder.bytes().name(Decimal.LOGICAL_NAME).parameter('scale', 'x').build(), new BigDecimal(1n, 0)], // a bad scale parameter
      [SchemaBuilder.string().name(Timestamp.LOGICAL_NAME).build(), new Date(5)], // a logical name on another type: by the name, as Kafka
    ];
    for (const [schema, value] of cases) {
      assert.deepEqual(written(c, schema, value), generalPayload(converter({}), schema, value), `${schema.toString()} ${String(value)}`);
    }
  });

  it('writes the envelope around the same payload, and keeps every record intact across slabs', () => {
    const withEnvelope = converter({});
    const without = converter({ 'schemas.enable': 'false' });
    const big = 'é'.repeat(50_000) + 'x'.repeat(100_000); // records that do not fit the rest of a slab
    const records: Array<[Buffer, string]> = [];
    for (let i = 0; i < 400; i++) {
      const value = row().put('s', i % 7 === 0 ? `${i}${big}` : `s${i}`).put('i64', BigInt(i));
      const payload = without.fromConnectData('t', null, rowSchema, value)!.toString('utf8');
      records.push([withEnvelope.fromConnectData('t', null, rowSchema, value)!, payload]);
      // A record failing after a long string (written, maybe into a new slab) leaves no trace.
      const failing = row().put('s', big);
      (failing as unknown as { values: unknown[] }).values[rowSchema.field('req')!.index] = null;
      assert.throws(() => withEnvelope.fromConnectData('t', null, rowSchema, failing), { name: 'DataException' });
    }
    const prefix = records[0]![0].toString('utf8').split(',"payload":')[0];
    for (const [bytes, payload] of records) assert.equal(bytes.toString('utf8'), `${prefix},"payload":${payload}}`);
    const back = withEnvelope.toConnectData('t', null, records[7]![0]);
    assert.equal((back.value as Struct).get('s'), `7${big}`);
  });

  it('writes long non-ASCII strings whole wherever a slab ends (their UTF-8 size measured, not guessed)', () => {
    const c = converter({ 'schemas.enable': 'false' });
    const general = converter({ 'schemas.enable': 'false' });
    const written: Array<[Buffer, string]> = [];
    for (let i = 0; i < 600; i++) {
      const text = `${'é'.repeat(1100 + ((i * 7919) % 5000))}${i % 3 === 0 ? '\n"escaped"' : ''}${i % 5 === 0 ? '\ud800' : ''}`;
      const value = row().put('s', text);
      written.push([c.fromConnectData('t', null, rowSchema, value)!, (generalPayload(general, rowSchema, value) as { text: string }).text]);
    }
    for (const [bytes, expected] of written) assert.equal(bytes.toString('utf8'), expected);
  });
});
