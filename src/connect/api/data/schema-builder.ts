/**
 * A fluent builder for schemas with Kafka's method names (SchemaBuilder.int32(), .struct()
 * .field(name, schema), .optional(), .defaultValue(v), .name(n), .version(v), .doc(d),
 * .parameter(k, v), .build()). Anywhere a schema is expected by a builder method, an unbuilt
 * SchemaBuilder is accepted too and built on the spot, as Kafka's builder (itself a Schema) allows.
 */
import { SchemaBuilderException, DataException } from '../errors.js';
import { ConnectSchema, Field, validateValue } from './schema.js';
import type { Schema, SchemaType } from './schema.js';

export type SchemaLike = Schema | SchemaBuilder;

function asSchema(s: SchemaLike): Schema {
  return s instanceof SchemaBuilder ? s.build() : s;
}

export class SchemaBuilder {
  readonly type: SchemaType;
  private optionalValue: boolean | null = null;
  private defaultValueValue: unknown = null;
  private nameValue: string | null = null;
  private versionValue: number | null = null;
  private docValue: string | null = null;
  private parametersValue: Map<string, string> | null = null;
  private readonly fieldMap: Map<string, Field> | null;
  private keySchemaValue: Schema | null = null;
  private valueSchemaValue: Schema | null = null;

  constructor(type: SchemaType) {
    if (type === null || type === undefined) throw new SchemaBuilderException('type cannot be null');
    this.type = type;
    this.fieldMap = type === 'STRUCT' ? new Map() : null;
  }

  static type(type: SchemaType): SchemaBuilder { return new SchemaBuilder(type); }
  static int8(): SchemaBuilder { return new SchemaBuilder('INT8'); }
  static int16(): SchemaBuilder { return new SchemaBuilder('INT16'); }
  static int32(): SchemaBuilder { return new SchemaBuilder('INT32'); }
  static int64(): SchemaBuilder { return new SchemaBuilder('INT64'); }
  static float32(): SchemaBuilder { return new SchemaBuilder('FLOAT32'); }
  static float64(): SchemaBuilder { return new SchemaBuilder('FLOAT64'); }
  static bool(): SchemaBuilder { return new SchemaBuilder('BOOLEAN'); }
  static string(): SchemaBuilder { return new SchemaBuilder('STRING'); }
  static bytes(): SchemaBuilder { return new SchemaBuilder('BYTES'); }
  static struct(): SchemaBuilder { return new SchemaBuilder('STRUCT'); }

  static array(valueSchema: SchemaLike): SchemaBuilder {
    if (valueSchema === null || valueSchema === undefined) throw new SchemaBuilderException('valueSchema cannot be null.');
    const b = new SchemaBuilder('ARRAY');
    b.valueSchemaValue = asSchema(valueSchema);
    return b;
  }

  static map(keySchema: SchemaLike, valueSchema: SchemaLike): SchemaBuilder {
    if (keySchema === null || keySchema === undefined) throw new SchemaBuilderException('keySchema cannot be null.');
    if (valueSchema === null || valueSchema === undefined) throw new SchemaBuilderException('valueSchema cannot be null.');
    const b = new SchemaBuilder('MAP');
    b.keySchemaValue = asSchema(keySchema);
    b.valueSchemaValue = asSchema(valueSchema);
    return b;
  }

  /** A builder holding every attribute of `schema` (Kafka's SchemaUtil-style copy), for edits. */
  static from(schema: Schema): SchemaBuilder {
    const b = new SchemaBuilder(schema.type);
    if (schema.type === 'ARRAY') b.valueSchemaValue = schema.valueSchema();
    if (schema.type === 'MAP') {
      b.keySchemaValue = schema.keySchema();
      b.valueSchemaValue = schema.valueSchema();
    }
    if (schema.type === 'STRUCT') for (const f of schema.fields()) b.field(f.name, f.schema);
    b.optionalValue = schema.optional;
    b.nameValue = schema.name;
    b.versionValue = schema.version;
    b.docValue = schema.doc;
    if (schema.parameters) b.parametersValue = new Map(schema.parameters);
    b.defaultValueValue = schema.defaultValue;
    return b;
  }

  get isOptional(): boolean {
    return this.optionalValue ?? false;
  }

  optional(): this {
    this.checkCanSet('optional', this.optionalValue, true);
    this.optionalValue = true;
    return this;
  }

  required(): this {
    this.checkCanSet('optional', this.optionalValue, false);
    this.optionalValue = false;
    return this;
  }

  /** Sets the default; it must be a valid value for this schema (Kafka: "Invalid default value"). */
  defaultValue(value: unknown): this {
    this.checkCanSet('default', this.defaultValueValue, value);
    try {
      validateValue(this.buildWith(null), value);
    } catch (e) {
      if (e instanceof DataException) throw new SchemaBuilderException('Invalid default value', { cause: e });
      throw e;
    }
    this.defaultValueValue = value;
    return this;
  }

  name(name: string): this {
    this.checkCanSet('name', this.nameValue, name);
    this.nameValue = name;
    return this;
  }

  version(version: number): this {
    this.checkCanSet('version', this.versionValue, version);
    this.versionValue = version;
    return this;
  }

  doc(doc: string): this {
    this.checkCanSet('doc', this.docValue, doc);
    this.docValue = doc;
    return this;
  }

  parameter(name: string, value: string): this {
    if (this.parametersValue === null) this.parametersValue = new Map();
    this.parametersValue.set(name, value);
    return this;
  }

  parameters(params: ReadonlyMap<string, string> | Record<string, string>): this {
    const entries = params instanceof Map ? params.entries() : Object.entries(params);
    for (const [k, v] of entries) this.parameter(k, v);
    return this;
  }

  /** Adds a struct field; names must be unique and non-empty. */
  field(fieldName: string, fieldSchema: SchemaLike): this {
    if (this.type !== 'STRUCT') throw new SchemaBuilderException(`Cannot create fields on type ${this.type}`);
    if (fieldName === null || fieldName === undefined || fieldName === '') throw new SchemaBuilderException('fieldName cannot be null.');
    if (fieldSchema === null || fieldSchema === undefined) throw new SchemaBuilderException(`fieldSchema for field ${fieldName} cannot be null.`);
    if (this.fieldMap!.has(fieldName)) throw new SchemaBuilderException(`Cannot create field because of field name duplication ${fieldName}`);
    this.fieldMap!.set(fieldName, new Field(fieldName, this.fieldMap!.size, asSchema(fieldSchema)));
    return this;
  }

  fields(): readonly Field[] {
    if (this.type !== 'STRUCT') throw new DataException('Cannot list fields on non-struct type');
    return [...this.fieldMap!.values()];
  }

  build(): ConnectSchema {
    return this.buildWith(this.defaultValueValue);
  }

  private buildWith(defaultValue: unknown): ConnectSchema {
    return new ConnectSchema({
      type: this.type,
      optional: this.optionalValue ?? false,
      defaultValue,
      name: this.nameValue,
      version: this.versionValue,
      doc: this.docValue,
      parameters: this.parametersValue,
      fields: this.fieldMap ? [...this.fieldMap.values()] : null,
      keySchema: this.keySchemaValue,
      valueSchema: this.valueSchemaValue,
    });
  }

  private checkCanSet(fieldName: string, current: unknown, value: unknown): void {
    if (current !== null && current !== value) throw new SchemaBuilderException(`Invalid SchemaBuilder call: ${fieldName} has already been set.`);
  }
}
