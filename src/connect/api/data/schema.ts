/**
 * Kafka Connect's schema model (org.apache.kafka.connect.data.Schema / ConnectSchema / Field).
 *
 * Value representations (what a value of each schema type must be in JavaScript; validateValue
 * enforces these exactly as Kafka enforces the Java classes):
 *
 *   INT8 / INT16 / INT32   number, an integer within the type's range
 *   INT64                  bigint within the signed 64-bit range (a number is rejected, as Kafka
 *                          rejects an Integer for INT64: 64 bits do not fit a double)
 *   FLOAT32 / FLOAT64      number (FLOAT32 values are rounded with Math.fround when serialized)
 *   BOOLEAN                boolean
 *   STRING                 string
 *   BYTES                  Uint8Array (a Buffer is one)
 *   ARRAY                  JavaScript array
 *   MAP                    Map (keys of any schema type, e.g. int32 keys)
 *   STRUCT                 Struct
 *   logical types          Decimal: BigDecimal; Date, Time, Timestamp: Date (see logical.ts)
 */
import { DataException } from '../errors.js';
import { BigDecimal } from './big-decimal.js';
import { Struct } from './struct.js';
import { valuesEqual } from './values.js';

export type SchemaType =
  | 'INT8' | 'INT16' | 'INT32' | 'INT64' | 'FLOAT32' | 'FLOAT64'
  | 'BOOLEAN' | 'STRING' | 'BYTES' | 'ARRAY' | 'MAP' | 'STRUCT';

export const SCHEMA_TYPES: readonly SchemaType[] = [
  'INT8', 'INT16', 'INT32', 'INT64', 'FLOAT32', 'FLOAT64', 'BOOLEAN', 'STRING', 'BYTES', 'ARRAY', 'MAP', 'STRUCT',
];

/** True for the types that are not containers (Kafka's Type.isPrimitive()). */
export function isPrimitiveType(type: SchemaType): boolean {
  return type !== 'ARRAY' && type !== 'MAP' && type !== 'STRUCT';
}

/** The read side of a schema. Build one with SchemaBuilder or use the constants on `Schema`. */
export interface Schema {
  readonly type: SchemaType;
  readonly optional: boolean;
  /** The default value, or null when there is none (Kafka cannot express a null default either). */
  readonly defaultValue: unknown;
  readonly name: string | null;
  readonly version: number | null;
  readonly doc: string | null;
  /** Parameters in insertion order, or null when none were set. */
  readonly parameters: ReadonlyMap<string, string> | null;
  /** The fields of a STRUCT; throws DataException on other types, as Kafka does. */
  fields(): readonly Field[];
  /** A STRUCT's field by name, or null; throws DataException on other types. */
  field(name: string): Field | null;
  /** A MAP's key schema; throws DataException on other types. */
  keySchema(): Schema;
  /** An ARRAY's element schema or a MAP's value schema; throws DataException on other types. */
  valueSchema(): Schema;
  equals(other: unknown): boolean;
  toString(): string;
}

/** A struct field: its name, position in the struct, and schema (Kafka's Field). */
export class Field {
  constructor(readonly name: string, readonly index: number, readonly schema: Schema) {}

  equals(other: unknown): boolean {
    if (this === other) return true;
    return other instanceof Field && other.name === this.name && other.index === this.index && this.schema.equals(other.schema);
  }

  toString(): string {
    return `Field{name=${this.name}, index=${this.index}, schema=${this.schema.toString()}}`;
  }
}

export interface ConnectSchemaInit {
  type: SchemaType;
  optional?: boolean;
  defaultValue?: unknown;
  name?: string | null;
  version?: number | null;
  doc?: string | null;
  parameters?: ReadonlyMap<string, string> | null;
  fields?: readonly Field[] | null;
  keySchema?: Schema | null;
  valueSchema?: Schema | null;
}

/** The immutable Schema implementation (Kafka's ConnectSchema). */
export class ConnectSchema implements Schema {
  readonly type: SchemaType;
  readonly optional: boolean;
  readonly defaultValue: unknown;
  readonly name: string | null;
  readonly version: number | null;
  readonly doc: string | null;
  readonly parameters: ReadonlyMap<string, string> | null;
  private readonly fieldList: readonly Field[] | null;
  private readonly fieldsByName: ReadonlyMap<string, Field> | null;
  private readonly keySchemaValue: Schema | null;
  private readonly valueSchemaValue: Schema | null;

  constructor(init: ConnectSchemaInit | SchemaType) {
    const i: ConnectSchemaInit = typeof init === 'string' ? { type: init } : init;
    this.type = i.type;
    this.optional = i.optional ?? false;
    this.defaultValue = i.defaultValue ?? null;
    this.name = i.name ?? null;
    this.version = i.version ?? null;
    this.doc = i.doc ?? null;
    this.parameters = i.parameters ? new Map(i.parameters) : null;
    this.fieldList = i.fields ? [...i.fields] : null;
    this.fieldsByName = this.fieldList && this.type === 'STRUCT' ? new Map(this.fieldList.map((f) => [f.name, f])) : null;
    this.keySchemaValue = i.keySchema ?? null;
    this.valueSchemaValue = i.valueSchema ?? null;
    Object.freeze(this);
  }

  fields(): readonly Field[] {
    if (this.type !== 'STRUCT') throw new DataException('Cannot list fields on non-struct type');
    return this.fieldList ?? [];
  }

  field(name: string): Field | null {
    if (this.type !== 'STRUCT') throw new DataException('Cannot look up fields on non-struct type');
    return this.fieldsByName?.get(name) ?? null;
  }

  keySchema(): Schema {
    if (this.type !== 'MAP') throw new DataException('Cannot look up key schema on non-map type');
    return this.keySchemaValue!;
  }

  valueSchema(): Schema {
    if (this.type !== 'MAP' && this.type !== 'ARRAY') throw new DataException('Cannot look up value schema on non-array and non-map type');
    return this.valueSchemaValue!;
  }

  /** Throws DataException when `value` cannot be used with this schema (ConnectSchema.validateValue). */
  validateValue(value: unknown): void {
    validateValue(this, value);
  }

  equals(other: unknown): boolean {
    return schemasEqual(this, other);
  }

  toString(): string {
    return this.name !== null ? `Schema{${this.name}:${this.type}}` : `Schema{${this.type}}`;
  }
}

/** Kafka's ConnectSchema.equals: every attribute, recursively (parameters compared as maps). */
export function schemasEqual(a: Schema | null, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof b !== 'object' || !isSchema(b)) return false;
  if (a.optional !== b.optional || a.type !== b.type || a.name !== b.name || a.version !== b.version || a.doc !== b.doc) return false;
  if (!valuesEqual(a.defaultValue, b.defaultValue)) return false;
  if (!parametersEqual(a.parameters, b.parameters)) return false;
  if (a.type === 'STRUCT') {
    const fa = a.fields();
    const fb = b.fields();
    if (fa.length !== fb.length || !fa.every((f, i) => f.equals(fb[i]))) return false;
  }
  if (a.type === 'MAP' && !schemasEqual(a.keySchema(), b.keySchema())) return false;
  if ((a.type === 'MAP' || a.type === 'ARRAY') && !schemasEqual(a.valueSchema(), b.valueSchema())) return false;
  return true;
}

function parametersEqual(a: ReadonlyMap<string, string> | null, b: ReadonlyMap<string, string> | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

/** Duck-typed check that `x` is a Schema (ConnectSchema or a foreign implementation). */
export function isSchema(x: unknown): x is Schema {
  return typeof x === 'object' && x !== null && typeof (x as Schema).type === 'string' && typeof (x as Schema).fields === 'function'
    && typeof (x as Schema).valueSchema === 'function' && 'optional' in x;
}

const INT_RANGES: Partial<Record<SchemaType, [number, number]>> = {
  INT8: [-128, 127],
  INT16: [-32768, 32767],
  INT32: [-2147483648, 2147483647],
};
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

/** How a JavaScript value is named in messages where Kafka prints `value.getClass()`. */
export function describeClass(value: unknown): string {
  if (value === null) return 'null';
  const t = typeof value;
  if (t !== 'object' && t !== 'function') return `class ${t}`;
  const ctor = (value as { constructor?: { name?: string } }).constructor;
  return `class ${ctor?.name || 'Object'}`;
}

/** The logical types Kafka knows, with the check for their value class (LOGICAL_TYPE_CLASSES). */
const LOGICAL_CHECKS: ReadonlyMap<string, (v: unknown) => boolean> = new Map<string, (v: unknown) => boolean>([
  ['org.apache.kafka.connect.data.Decimal', (v: unknown) => v instanceof BigDecimal],
  ['org.apache.kafka.connect.data.Date', (v: unknown) => v instanceof Date],
  ['org.apache.kafka.connect.data.Time', (v: unknown) => v instanceof Date],
  ['org.apache.kafka.connect.data.Timestamp', (v: unknown) => v instanceof Date],
]);

/** Whether `value` has the JavaScript representation of `type` (ignoring logical types). */
export function matchesType(type: SchemaType, value: unknown): boolean {
  switch (type) {
    case 'INT8': return typeof value === 'number' && Number.isInteger(value) && value >= -128 && value <= 127;
    case 'INT16': return typeof value === 'number' && Number.isInteger(value) && value >= -32768 && value <= 32767;
    case 'INT32': return typeof value === 'number' && Number.isInteger(value) && value >= -2147483648 && value <= 2147483647;
    case 'INT64': return typeof value === 'bigint' && value >= INT64_MIN && value <= INT64_MAX;
    case 'FLOAT32': case 'FLOAT64': return typeof value === 'number';
    case 'BOOLEAN': return typeof value === 'boolean';
    case 'STRING': return typeof value === 'string';
    case 'BYTES': return value instanceof Uint8Array;
    case 'ARRAY': return Array.isArray(value);
    case 'MAP': return value instanceof Map;
    case 'STRUCT': return value instanceof Struct;
  }
}

/**
 * Kafka's ConnectSchema.validateValue(field, schema, value), with Kafka's messages. `field` is the
 * struct field name used in messages (Kafka prints "null" for a top-level value's null check).
 */
export function validateValue(schema: Schema, value: unknown, field: string | null = null): void {
  if (value === null || value === undefined) {
    if (!schema.optional) throw new DataException(`Invalid value: null used for required field: "${field}", schema type: ${schema.type}`);
    return;
  }
  const logical = schema.name !== null ? LOGICAL_CHECKS.get(schema.name) : undefined;
  const ok = logical ? logical(value) : matchesType(schema.type, value);
  if (!ok) {
    const schemaName = schema.name !== null ? ` "${schema.name}"` : '';
    const suffix = field !== null ? ` for field: "${field}"` : '';
    let detail = describeClass(value);
    if (typeof value === 'number' && !logical && (INT_RANGES[schema.type] !== undefined)) detail += ` (${value} is not a ${schema.type})`;
    if (typeof value === 'bigint' && !logical && schema.type === 'INT64') detail += ` (${value} is outside the INT64 range)`;
    throw new DataException(`Invalid Java object for schema${schemaName} with type ${schema.type}: ${detail}${suffix}`);
  }
  switch (schema.type) {
    case 'STRUCT': {
      const struct = value as Struct;
      if (!struct.schema.equals(schema)) throw new DataException('Struct schemas do not match.');
      struct.validate();
      break;
    }
    case 'ARRAY':
      for (const entry of value as unknown[]) validateValue(schema.valueSchema(), entry, field);
      break;
    case 'MAP':
      for (const [k, v] of value as Map<unknown, unknown>) {
        validateValue(schema.keySchema(), k, field);
        validateValue(schema.valueSchema(), v, field);
      }
      break;
    default:
      break;
  }
}

function constant(type: SchemaType, optional: boolean): ConnectSchema {
  return new ConnectSchema({ type, optional });
}

/**
 * The predefined schemas (Kafka's Schema.INT32_SCHEMA, Schema.OPTIONAL_STRING_SCHEMA, ...), so
 * `Schema.INT32_SCHEMA` reads as in Kafka.
 */
export const Schema = {
  INT8_SCHEMA: constant('INT8', false),
  INT16_SCHEMA: constant('INT16', false),
  INT32_SCHEMA: constant('INT32', false),
  INT64_SCHEMA: constant('INT64', false),
  FLOAT32_SCHEMA: constant('FLOAT32', false),
  FLOAT64_SCHEMA: constant('FLOAT64', false),
  BOOLEAN_SCHEMA: constant('BOOLEAN', false),
  STRING_SCHEMA: constant('STRING', false),
  BYTES_SCHEMA: constant('BYTES', false),
  OPTIONAL_INT8_SCHEMA: constant('INT8', true),
  OPTIONAL_INT16_SCHEMA: constant('INT16', true),
  OPTIONAL_INT32_SCHEMA: constant('INT32', true),
  OPTIONAL_INT64_SCHEMA: constant('INT64', true),
  OPTIONAL_FLOAT32_SCHEMA: constant('FLOAT32', true),
  OPTIONAL_FLOAT64_SCHEMA: constant('FLOAT64', true),
  OPTIONAL_BOOLEAN_SCHEMA: constant('BOOLEAN', true),
  OPTIONAL_STRING_SCHEMA: constant('STRING', true),
  OPTIONAL_BYTES_SCHEMA: constant('BYTES', true),
} as const;

/** A schema and a value, as converters return them (Kafka's SchemaAndValue). */
export interface SchemaAndValue {
  readonly schema: Schema | null;
  readonly value: unknown;
}

export const NULL_SCHEMA_AND_VALUE: SchemaAndValue = Object.freeze({ schema: null, value: null });
