/**
 * Helpers shared by the transforms: Kafka's Requirements (requireMap / requireStruct /
 * requireSinkRecord), SchemaUtil.copySchemaBasics, a per-schema cache, and the key/value "side"
 * that the `$Key` / `$Value` variants of a transform operate on.
 *
 * Schemaless data: Kafka's schemaless structured values are java.util.Map; here they are JS `Map`s
 * with string keys — what JsonConverter produces with `schemas.enable=false`. Plain objects are not
 * accepted (DataException, as Kafka rejects a non-Map).
 */
import { DataException } from '../api/errors.js';
import type { AnyConnectRecord } from '../api/transformation.js';
import { SinkRecord } from '../api/data/connect-record.js';
import type { Schema } from '../api/data/schema.js';
import { describeClass } from '../api/data/schema.js';
import { SchemaBuilder } from '../api/data/schema-builder.js';
import { Struct } from '../api/data/struct.js';

export type Side = 'key' | 'value';

export function operatingSchema(record: AnyConnectRecord, side: Side): Schema | null {
  return side === 'key' ? record.keySchema : record.valueSchema;
}

export function operatingValue(record: AnyConnectRecord, side: Side): unknown {
  return side === 'key' ? record.key : record.value;
}

/** A copy of `record` with the key (or value) and its schema replaced. */
export function newRecordFor<R extends AnyConnectRecord>(record: R, side: Side, schema: Schema | null, value: unknown): R {
  return (side === 'key'
    ? record.newRecord(record.topic, record.kafkaPartition, schema, value, record.valueSchema, record.value, record.timestamp)
    : record.newRecord(record.topic, record.kafkaPartition, record.keySchema, record.key, schema, value, record.timestamp)) as R;
}

function found(value: unknown): string {
  return value === null || value === undefined ? 'null' : describeClass(value).replace(/^class /, '');
}

export function requireMap(value: unknown, purpose: string): Map<string, unknown> {
  if (!(value instanceof Map)) throw new DataException(`Only Map objects supported in absence of schema for [${purpose}], found: ${found(value)}`);
  return value as Map<string, unknown>;
}

export function requireMapOrNull(value: unknown, purpose: string): Map<string, unknown> | null {
  return value === null || value === undefined ? null : requireMap(value, purpose);
}

export function requireStruct(value: unknown, purpose: string): Struct {
  if (!(value instanceof Struct)) throw new DataException(`Only Struct objects supported for [${purpose}], found: ${found(value)}`);
  return value;
}

export function requireStructOrNull(value: unknown, purpose: string): Struct | null {
  return value === null || value === undefined ? null : requireStruct(value, purpose);
}

export function requireSinkRecord(record: AnyConnectRecord, purpose: string): SinkRecord {
  if (!(record instanceof SinkRecord)) throw new DataException(`Only SinkRecord supported for [${purpose}], found: ${found(record)}`);
  return record;
}

/**
 * A builder with the name, version, doc and parameters of `source` (Kafka's
 * SchemaUtil.copySchemaBasics — which, like this, does not copy optionality or the default).
 */
export function copySchemaBasics(source: Schema, builder: SchemaBuilder = new SchemaBuilder(source.type)): SchemaBuilder {
  if (source.name !== null) builder.name(source.name);
  if (source.version !== null) builder.version(source.version);
  if (source.doc !== null) builder.doc(source.doc);
  if (source.parameters !== null && source.parameters.size > 0) builder.parameters(source.parameters);
  return builder;
}

/** The same schema made optional (its other attributes kept). */
export function asOptional(schema: Schema): Schema {
  if (schema.optional) return schema;
  const copy = copySchemaBasics(schema, cloneStructure(schema)).optional();
  if (schema.defaultValue !== null) copy.defaultValue(schema.defaultValue);
  return copy.build();
}

function cloneStructure(schema: Schema): SchemaBuilder {
  switch (schema.type) {
    case 'ARRAY': return SchemaBuilder.array(schema.valueSchema());
    case 'MAP': return SchemaBuilder.map(schema.keySchema(), schema.valueSchema());
    case 'STRUCT': {
      const b = SchemaBuilder.struct();
      for (const f of schema.fields()) b.field(f.name, f.schema);
      return b;
    }
    default: return new SchemaBuilder(schema.type);
  }
}

/**
 * Updated schemas keyed by the input schema object (Kafka keeps an LRU cache of 16; schemas are
 * immutable here, so a WeakMap keyed by identity is enough).
 */
export class SchemaCache {
  private cache = new WeakMap<Schema, Schema>();

  get(schema: Schema): Schema | undefined {
    return this.cache.get(schema);
  }

  put(schema: Schema, updated: Schema): void {
    this.cache.set(schema, updated);
  }

  getOrCompute(schema: Schema, build: () => Schema): Schema {
    let s = this.cache.get(schema);
    if (s === undefined) {
      s = build();
      this.cache.set(schema, s);
    }
    return s;
  }

  clear(): void {
    this.cache = new WeakMap();
  }
}

/** A copy of a schemaless Map (Kafka copies into a new HashMap before editing). */
export function copyMap(value: Map<string, unknown>): Map<string, unknown> {
  return new Map(value);
}
