/**
 * A structured record whose fields are fixed by a STRUCT schema (Kafka's Struct). Values are
 * checked on `put` and again, as a whole, by `validate()` (required fields must be set unless
 * their schema has a default). `get` falls back to the field schema's default value.
 */
import { DataException } from '../errors.js';
import type { BigDecimal } from './big-decimal.js';
import type { Field, Schema, SchemaType } from './schema.js';
import { validateValue } from './schema.js';
import { valuesEqual, valueToString } from './values.js';

export class Struct {
  readonly schema: Schema;
  private readonly values: unknown[];

  constructor(schema: Schema) {
    if (schema.type !== 'STRUCT') throw new DataException(`Not a struct schema: ${schema.toString()}`);
    this.schema = schema;
    this.values = new Array<unknown>(schema.fields().length).fill(null);
  }

  /** The field's value, or its schema's default when unset/null. */
  get(field: string | Field): unknown {
    const f = this.lookup(field);
    const v = this.values[f.index];
    return v === null && f.schema.defaultValue !== null ? f.schema.defaultValue : v;
  }

  /** The field's value as set, ignoring any default. */
  getWithoutDefault(field: string | Field): unknown {
    return this.values[this.lookup(field).index];
  }

  getInt8(name: string): number | null { return this.getCheckType(name, 'INT8') as number | null; }
  getInt16(name: string): number | null { return this.getCheckType(name, 'INT16') as number | null; }
  getInt32(name: string): number | null { return this.getCheckType(name, 'INT32') as number | null; }
  getInt64(name: string): bigint | null { return this.getCheckType(name, 'INT64') as bigint | null; }
  getFloat32(name: string): number | null { return this.getCheckType(name, 'FLOAT32') as number | null; }
  getFloat64(name: string): number | null { return this.getCheckType(name, 'FLOAT64') as number | null; }
  getBoolean(name: string): boolean | null { return this.getCheckType(name, 'BOOLEAN') as boolean | null; }
  getString(name: string): string | null { return this.getCheckType(name, 'STRING') as string | null; }
  getBytes(name: string): Uint8Array | null { return this.getCheckType(name, 'BYTES') as Uint8Array | null; }
  getArray<T = unknown>(name: string): T[] | null { return this.getCheckType(name, 'ARRAY') as T[] | null; }
  getMap<K = unknown, V = unknown>(name: string): Map<K, V> | null { return this.getCheckType(name, 'MAP') as Map<K, V> | null; }
  getStruct(name: string): Struct | null { return this.getCheckType(name, 'STRUCT') as Struct | null; }
  /** A Decimal logical field (BYTES underneath). */
  getDecimal(name: string): BigDecimal | null { return this.getCheckType(name, 'BYTES') as BigDecimal | null; }

  /** Sets a field after validating the value against the field's schema; returns this for chaining. */
  put(field: string | Field, value: unknown): this {
    if (field === null || field === undefined) throw new DataException('field cannot be null.');
    const f = this.lookup(field);
    const v = value === undefined ? null : value;
    validateValue(f.schema, v, f.name);
    this.values[f.index] = v;
    return this;
  }

  /** Checks every field: required fields without a default must be set, and values must match. */
  validate(): void {
    for (const f of this.schema.fields()) {
      const v = this.values[f.index];
      if (v === null && (f.schema.optional || f.schema.defaultValue !== null)) continue;
      validateValue(f.schema, v, f.name);
    }
  }

  equals(other: unknown): boolean {
    if (this === other) return true;
    if (!(other instanceof Struct) || !this.schema.equals(other.schema)) return false;
    return this.values.every((v, i) => valuesEqual(v, other.values[i]));
  }

  toString(): string {
    const parts: string[] = [];
    for (const f of this.schema.fields()) {
      const v = this.values[f.index];
      if (v !== null) parts.push(`${f.name}=${valueToString(v)}`);
    }
    return `Struct{${parts.join(',')}}`;
  }

  private lookup(field: string | Field): Field {
    if (typeof field !== 'string') return field;
    const f = this.schema.field(field);
    if (f === null) throw new DataException(`${field} is not a valid field name`);
    return f;
  }

  private getCheckType(name: string, type: SchemaType): unknown {
    const f = this.lookup(name);
    if (f.schema.type !== type) throw new DataException(`Field '${name}' is not of type ${type}`);
    return this.get(f);
  }
}
