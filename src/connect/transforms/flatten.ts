/**
 * Flatten (org.apache.kafka.connect.transforms.Flatten$Key / $Value): flattens nested structures,
 * naming each leaf by joining the field names on the path with `delimiter` (default `.`). With a
 * schema, nested Structs are flattened (arrays and maps are kept as they are, as in Kafka); a field
 * under an optional struct becomes optional. Schemaless, nested Maps are flattened; arrays and
 * primitives are kept; a null entry stays null. A null key/value passes through.
 */
import { DataException } from '../api/errors.js';
import type { AnyConnectRecord, Transformation } from '../api/transformation.js';
import type { Schema } from '../api/data/schema.js';
import { SchemaBuilder } from '../api/data/schema-builder.js';
import { Struct } from '../api/data/struct.js';
import { BigDecimal } from '../api/data/big-decimal.js';
import { ConfigDef } from '../api/config-def.js';
import { SimpleConfig } from './simple-config.js';
import { SchemaCache, asOptional, copySchemaBasics, newRecordFor, operatingSchema, operatingValue, requireMap, requireStruct } from './util.js';
import type { Side } from './util.js';

const PURPOSE = 'flattening';

const CONFIG_DEF = new ConfigDef()
  .define('delimiter', 'STRING', { defaultValue: '.', importance: 'MEDIUM', documentation: 'Delimiter to insert between field names from the input record when generating field names for the output record' });

abstract class Flatten<R extends AnyConnectRecord> implements Transformation<R> {
  static readonly OVERVIEW_DOC = 'Flatten a nested data structure, generating names for each field by concatenating the field names at each level with a configurable delimiter character. Applies to Struct when schema present, or a Map in the case of schemaless data. Array fields and their contents are not modified. The default delimiter is \'.\'.';
  private delimiter = '.';
  private readonly schemaCache = new SchemaCache();

  protected constructor(private readonly side: Side) {}

  configure(props: Readonly<Record<string, string>>): void {
    this.delimiter = new SimpleConfig(CONFIG_DEF, props).getString('delimiter')!;
    this.schemaCache.clear();
  }

  private fieldName(prefix: string, name: string): string {
    return prefix === '' ? name : prefix + this.delimiter + name;
  }

  apply(record: R): R {
    const value = operatingValue(record, this.side);
    if (value === null || value === undefined) return record;
    const schema = operatingSchema(record, this.side);
    if (schema === null) {
      const out = new Map<string, unknown>();
      this.flattenMap(requireMap(value, PURPOSE), '', out);
      return newRecordFor(record, this.side, null, out);
    }
    const struct = requireStruct(value, PURPOSE);
    const updatedSchema = this.schemaCache.getOrCompute(struct.schema, () => {
      const builder = copySchemaBasics(struct.schema, SchemaBuilder.struct());
      this.buildSchema(struct.schema, '', builder, struct.schema.optional);
      return builder.build();
    });
    const updated = new Struct(updatedSchema);
    this.flattenStruct(struct, '', updated);
    return newRecordFor(record, this.side, updatedSchema, updated);
  }

  private flattenMap(map: Map<string, unknown>, prefix: string, out: Map<string, unknown>): void {
    for (const [key, value] of map) {
      const name = this.fieldName(prefix, String(key));
      if (value === null || value === undefined) {
        out.set(name, null);
      } else if (value instanceof Map) {
        this.flattenMap(value as Map<string, unknown>, name, out);
      } else if (['number', 'bigint', 'boolean', 'string'].includes(typeof value) || value instanceof Uint8Array
        || Array.isArray(value) || value instanceof Date || value instanceof BigDecimal) {
        out.set(name, value);
      } else {
        const what = value instanceof Struct ? 'class Struct' : `class ${(value as object).constructor?.name ?? typeof value}`;
        throw new DataException(`Flatten transformation does not support ${what} for record without schemas (for field ${name}).`);
      }
    }
  }

  private buildSchema(schema: Schema, prefix: string, builder: SchemaBuilder, optionalParent: boolean): void {
    for (const field of schema.fields()) {
      const name = this.fieldName(prefix, field.name);
      if (field.schema.type === 'STRUCT') {
        this.buildSchema(field.schema, name, builder, optionalParent || field.schema.optional);
      } else {
        builder.field(name, optionalParent ? asOptional(field.schema) : field.schema);
      }
    }
  }

  private flattenStruct(struct: Struct | null, prefix: string, out: Struct): void {
    // A null nested struct leaves its (optional) flattened fields null.
    if (struct === null) return;
    for (const field of struct.schema.fields()) {
      const name = this.fieldName(prefix, field.name);
      const value = struct.get(field);
      if (field.schema.type === 'STRUCT') this.flattenStruct(value as Struct | null, name, out);
      else out.put(name, value);
    }
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  close(): void {
    this.schemaCache.clear();
  }
}

/** org.apache.kafka.connect.transforms.Flatten$Key */
export class FlattenKey<R extends AnyConnectRecord = AnyConnectRecord> extends Flatten<R> {
  constructor() { super('key'); }
}

/** org.apache.kafka.connect.transforms.Flatten$Value */
export class FlattenValue<R extends AnyConnectRecord = AnyConnectRecord> extends Flatten<R> {
  constructor() { super('value'); }
}
