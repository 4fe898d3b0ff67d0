/**
 * Cast (org.apache.kafka.connect.transforms.Cast$Key / $Value): casts fields, or the whole key or
 * value, to another primitive type. `spec` is either one type (`int64`: cast the whole value) or a
 * list `field:type,...`. Types: int8, int16, int32, int64, float32, float64, boolean, string.
 * Inputs may be those types plus bytes (and the Decimal/Date/Time/Timestamp logical types).
 *
 * Conversions follow Java's: numbers narrow like Number.byteValue()/intValue() (a fraction is
 * truncated, a double saturates to int/long then wraps to 8/16 bits, a long wraps), booleans cast to
 * 1/0, numbers to boolean are `!= 0`, strings are parsed (Byte.parseByte..., Boolean.parseBoolean,
 * a bad number is a DataException "Value (x) was out of range for requested data type"), and
 * string output is Java's toString (doubles as `1.0`, logical dates in ISO format, bytes base64).
 * With a schema, the updated schema keeps optionality and casts field defaults.
 */
import { Buffer } from 'node:buffer';
import { DataException } from '../api/errors.js';
import type { AnyConnectRecord, Transformation } from '../api/transformation.js';
import type { Schema, SchemaType } from '../api/data/schema.js';
import { isPrimitiveType } from '../api/data/schema.js';
import { SchemaBuilder } from '../api/data/schema-builder.js';
import { Struct } from '../api/data/struct.js';
import { BigDecimal } from '../api/data/big-decimal.js';
import { ConnectDate, Decimal, LOGICAL_TYPE_NAMES, Time, Timestamp } from '../api/data/logical.js';
import { javaDoubleToString, javaFloatToString } from '../api/data/java-number-format.js';
import { ConfigDef, LambdaValidator, invalidConfigValue } from '../api/config-def.js';
import { ConfigException } from '../api/errors.js';
import { SimpleConfig } from './simple-config.js';
import { SchemaCache, copySchemaBasics, newRecordFor, operatingSchema, operatingValue, requireMap, requireStruct } from './util.js';
import type { Side } from './util.js';

const PURPOSE = 'cast types';
const WHOLE_VALUE = Symbol('whole value');

const CONFIG_DEF = new ConfigDef()
  .define('spec', 'LIST', {
    validator: LambdaValidator.with((_name, value) => {
      const specs = value as string[] | null;
      if (specs === null || specs.length === 0) throw new ConfigException('Must specify at least one field to cast.');
      parseSpec(specs);
    }, () => 'list of colon-delimited pairs, e.g. <code>foo:bar,abc:xyz</code>'),
    importance: 'HIGH',
    documentation: 'List of fields and the type to cast them to of the form field1:type,field2:type to cast fields of Maps or Structs. A single type to cast the entire value. Valid types are int8, int16, int32, int64, float32, float64, boolean, and string. Note that binary fields can only be cast to string.',
  });

const OUTPUT_TYPES: readonly SchemaType[] = ['INT8', 'INT16', 'INT32', 'INT64', 'FLOAT32', 'FLOAT64', 'BOOLEAN', 'STRING'];
const INPUT_TYPES: readonly SchemaType[] = [...OUTPUT_TYPES, 'BYTES'];

function parseSpec(specs: string[]): Map<string | typeof WHOLE_VALUE, SchemaType> {
  const casts = new Map<string | typeof WHOLE_VALUE, SchemaType>();
  const typeOf = (name: string): SchemaType => {
    const t = name.trim().toUpperCase() as SchemaType;
    if (!OUTPUT_TYPES.includes(t)) {
      if (t === 'BYTES' || t === 'ARRAY' || t === 'MAP' || t === 'STRUCT') throw invalidConfigValue('spec', specs, `Cast transformation does not support casting to/from ${t}`);
      throw invalidConfigValue('spec', specs, `Invalid type found in casting spec: ${name.trim()}`);
    }
    return t;
  };
  for (const spec of specs) {
    const parts = spec.split(':');
    if (parts.length > 2) throw invalidConfigValue('spec', specs, `Invalid cast mapping: ${spec}`);
    if (parts.length === 1) casts.set(WHOLE_VALUE, typeOf(parts[0]!));
    else casts.set(parts[0]!.trim(), typeOf(parts[1]!));
  }
  if (casts.has(WHOLE_VALUE) && casts.size > 1) {
    throw invalidConfigValue('spec', specs, 'Cast transformations that specify a type to cast the entire value to may ony specify a single cast in their spec');
  }
  return casts;
}

function inferType(value: unknown): SchemaType | null {
  if (typeof value === 'number') return Number.isInteger(value) ? 'INT32' : 'FLOAT64';
  if (typeof value === 'bigint') return 'INT64';
  if (typeof value === 'boolean') return 'BOOLEAN';
  if (typeof value === 'string') return 'STRING';
  if (value instanceof Uint8Array || value instanceof BigDecimal) return 'BYTES';
  if (value instanceof Date) return 'INT64';
  if (Array.isArray(value)) return 'ARRAY';
  if (value instanceof Map) return 'MAP';
  if (value instanceof Struct) return 'STRUCT';
  return null;
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

/** A number/bigint/BigDecimal as Java's Number.longValue() (fraction truncated; doubles saturate). */
function longValue(v: number | bigint | BigDecimal): bigint {
  if (typeof v === 'bigint') return BigInt.asIntN(64, v);
  if (v instanceof BigDecimal) {
    const whole = v.scale >= 0 ? v.unscaled / 10n ** BigInt(v.scale) : v.unscaled * 10n ** BigInt(-v.scale);
    return BigInt.asIntN(64, whole);
  }
  if (Number.isNaN(v)) return 0n;
  if (v >= 9.223372036854776e18) return INT64_MAX;
  if (v <= -9.223372036854776e18) return INT64_MIN;
  return BigInt(Math.trunc(v));
}

/** Java's Number.intValue(): doubles saturate to the int range, longs wrap. */
function intValue(v: number | bigint | BigDecimal): number {
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 0;
    return Math.max(INT32_MIN, Math.min(INT32_MAX, Math.trunc(v)));
  }
  return Number(BigInt.asIntN(32, longValue(v)));
}

function doubleValue(v: number | bigint | BigDecimal): number {
  return typeof v === 'number' ? v : v instanceof BigDecimal ? v.toNumber() : Number(v);
}

function isNumber(v: unknown): v is number | bigint | BigDecimal {
  return typeof v === 'number' || typeof v === 'bigint' || v instanceof BigDecimal;
}

function parseJavaInteger(text: string, bits: number): bigint {
  if (!/^[+-]?\d+$/.test(text)) throw new NumberFormatError(text);
  const n = BigInt(text);
  const limit = 1n << BigInt(bits - 1);
  if (n < -limit || n >= limit) throw new NumberFormatError(text);
  return n;
}

function parseJavaDouble(text: string): number {
  const t = text.trim();
  if (!/^[+-]?(NaN|Infinity|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[fFdD]?)$/.test(t)) throw new NumberFormatError(text);
  return Number(t.replace(/[fFdD]$/, ''));
}

class NumberFormatError extends Error {}

function unexpected(value: unknown): DataException {
  return new DataException(`Unexpected type in Cast transformation: ${typeof value === 'object' && value !== null ? `class ${value.constructor.name}` : typeof value}`);
}

function castToIntegral(value: unknown, type: 'INT8' | 'INT16' | 'INT32' | 'INT64'): number | bigint {
  const bits = { INT8: 8, INT16: 16, INT32: 32, INT64: 64 }[type];
  if (isNumber(value)) {
    if (type === 'INT64') return longValue(value);
    const i = intValue(value);
    return bits === 32 ? i : Number(BigInt.asIntN(bits, BigInt(i)));
  }
  if (typeof value === 'boolean') return type === 'INT64' ? (value ? 1n : 0n) : (value ? 1 : 0);
  if (typeof value === 'string') {
    const n = parseJavaInteger(value, bits);
    return type === 'INT64' ? n : Number(n);
  }
  throw unexpected(value);
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

const two = (n: number): string => String(n).padStart(2, '0');

/** Kafka's Values.dateFormatFor: Date-only, time-only or full ISO timestamp text. */
function formatDate(d: Date, schema: Schema | null): string {
  const date = `${String(d.getUTCFullYear()).padStart(4, '0')}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())}`;
  const time = `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}.${String(d.getUTCMilliseconds()).padStart(3, '0')}Z`;
  if (schema?.name === ConnectDate.LOGICAL_NAME) return date;
  if (schema?.name === Time.LOGICAL_NAME) return time;
  return `${date}T${time}`;
}

function castToString(value: unknown, schema: Schema | null): string {
  if (value instanceof Date) return formatDate(value, schema);
  if (value instanceof Uint8Array) return base64(value);
  if (typeof value === 'number') {
    if (schema?.type === 'FLOAT32') return javaFloatToString(value);
    if (schema?.type === 'FLOAT64' || (schema === null && !Number.isInteger(value))) return javaDoubleToString(value);
    return String(value);
  }
  return String(value);
}

/** Kafka's Cast.castValueToType. */
export function castValueToType(schema: Schema | null, value: unknown, targetType: SchemaType): unknown {
  if (value === null || value === undefined) return null;
  const inferred = schema === null ? inferType(value) : schema.type;
  if (inferred === null) throw new DataException(`Cast transformation was passed a value of type ${typeof value} which is not supported by Connect's data API`);
  if (!INPUT_TYPES.includes(inferred)) throw new DataException(`Cast transformation does not support casting to/from ${inferred}`);
  let v = value;
  // Logical types cast from their encoded form (Kafka's encodeLogicalType), except to string.
  if (schema !== null && schema.name !== null && targetType !== 'STRING') {
    if (schema.name === ConnectDate.LOGICAL_NAME) v = ConnectDate.fromLogical(schema, value as Date);
    else if (schema.name === Time.LOGICAL_NAME) v = Time.fromLogical(schema, value as Date);
    else if (schema.name === Timestamp.LOGICAL_NAME) v = Timestamp.fromLogical(schema, value as Date);
  }
  if (schema === null && v instanceof Date && targetType !== 'STRING') v = BigInt(v.getTime());
  try {
    switch (targetType) {
      case 'INT8': case 'INT16': case 'INT32': case 'INT64': return castToIntegral(v, targetType);
      case 'FLOAT32': case 'FLOAT64': {
        let d: number;
        if (isNumber(v)) d = doubleValue(v);
        else if (typeof v === 'boolean') d = v ? 1 : 0;
        else if (typeof v === 'string') d = parseJavaDouble(v);
        else throw unexpected(v);
        return targetType === 'FLOAT32' ? Math.fround(d) : d;
      }
      case 'BOOLEAN':
        if (isNumber(v)) return longValue(v) !== 0n;
        if (typeof v === 'boolean') return v;
        if (typeof v === 'string') return v.toLowerCase() === 'true';
        throw unexpected(v);
      case 'STRING': return castToString(v, schema);
      default: throw new DataException(`${targetType} is not supported in the Cast transformation.`);
    }
  } catch (e) {
    if (e instanceof NumberFormatError) throw new DataException(`Value (${String(value)}) was out of range for requested data type`, { cause: e });
    throw e;
  }
}

abstract class Cast<R extends AnyConnectRecord> implements Transformation<R> {
  static readonly OVERVIEW_DOC = 'Cast fields or the entire key or value to a specific type, e.g. to force an integer field to a smaller width. Cast from integers, floats, boolean and string to any other type, and cast binary to string (base64 encoded).';
  private casts = new Map<string | typeof WHOLE_VALUE, SchemaType>();
  private wholeValueCastType: SchemaType | null = null;
  private readonly schemaCache = new SchemaCache();

  protected constructor(private readonly side: Side) {}

  configure(props: Readonly<Record<string, string>>): void {
    this.casts = parseSpec(new SimpleConfig(CONFIG_DEF, props).getList('spec'));
    this.wholeValueCastType = this.casts.get(WHOLE_VALUE) ?? null;
    this.schemaCache.clear();
  }

  apply(record: R): R {
    const value = operatingValue(record, this.side);
    if (value === null || value === undefined) return record;
    const schema = operatingSchema(record, this.side);
    if (schema === null) {
      if (this.wholeValueCastType !== null) return newRecordFor(record, this.side, null, castValueToType(null, value, this.wholeValueCastType));
      const updated = new Map(requireMap(value, PURPOSE));
      for (const [field, type] of this.casts) {
        const name = field as string;
        updated.set(name, castValueToType(null, updated.get(name) ?? null, type));
      }
      return newRecordFor(record, this.side, null, updated);
    }
    const updatedSchema = this.schemaCache.getOrCompute(schema, () => this.makeUpdatedSchema(schema));
    if (this.wholeValueCastType !== null) {
      return newRecordFor(record, this.side, updatedSchema, castValueToType(schema, value, this.wholeValueCastType));
    }
    const struct = requireStruct(value, PURPOSE);
    const updated = new Struct(updatedSchema);
    for (const field of schema.fields()) {
      const orig = struct.get(field); // Kafka's default replace.null.with.default=true reads defaults
      const target = this.casts.get(field.name);
      updated.put(field.name, target === undefined ? orig : castValueToType(field.schema, orig, target));
    }
    return newRecordFor(record, this.side, updatedSchema, updated);
  }

  private makeUpdatedSchema(schema: Schema): Schema {
    if (this.wholeValueCastType !== null) {
      if (!isPrimitiveType(schema.type)) throw new DataException(`Cast transformation does not support casting to/from ${schema.type}`);
      // Kafka copies the name/version/doc/parameters onto the new type; a logical type's name is
      // not kept here, since the cast value no longer has the logical representation.
      const builder = LOGICAL_TYPE_NAMES.includes(schema.name ?? '') ? new SchemaBuilder(this.wholeValueCastType)
        : copySchemaBasics(schema, new SchemaBuilder(this.wholeValueCastType));
      if (schema.optional) builder.optional();
      if (schema.defaultValue !== null) builder.defaultValue(castValueToType(schema, schema.defaultValue, this.wholeValueCastType));
      return builder.build();
    }
    if (schema.type !== 'STRUCT') throw new DataException(`Only Struct objects supported for [${PURPOSE}], found: ${schema.type}`);
    const builder = copySchemaBasics(schema, SchemaBuilder.struct());
    for (const field of schema.fields()) {
      const target = this.casts.get(field.name);
      if (target === undefined) {
        builder.field(field.name, field.schema);
        continue;
      }
      if (!INPUT_TYPES.includes(field.schema.type)) throw new DataException(`Cast transformation does not support casting to/from ${field.schema.type}`);
      if (field.schema.type === 'BYTES' && target !== 'STRING' && field.schema.name !== Decimal.LOGICAL_NAME) {
        throw new DataException(`Unexpected type in Cast transformation: BYTES can only be cast to string (field ${field.name})`);
      }
      const fb = new SchemaBuilder(target);
      if (field.schema.optional) fb.optional();
      if (field.schema.defaultValue !== null) fb.defaultValue(castValueToType(field.schema, field.schema.defaultValue, target));
      builder.field(field.name, fb.build());
    }
    if (schema.optional) builder.optional();
    return builder.build();
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  close(): void {
    this.schemaCache.clear();
  }
}

/** org.apache.kafka.connect.transforms.Cast$Key */
export class CastKey<R extends AnyConnectRecord = AnyConnectRecord> extends Cast<R> {
  constructor() { super('key'); }
}

/** org.apache.kafka.connect.transforms.Cast$Value */
export class CastValue<R extends AnyConnectRecord = AnyConnectRecord> extends Cast<R> {
  constructor() { super('value'); }
}
