/**
 * ReplaceField (org.apache.kafka.connect.transforms.ReplaceField$Key / $Value): filters fields
 * (`exclude`, `include`; Kafka's deprecated `blacklist` / `whitelist` are accepted when the new
 * name is not set) and renames them (`renames=old:new,...`). Works on Structs (with schema) and
 * Maps (schemaless); a null key/value passes through.
 */
import type { AnyConnectRecord, Transformation } from '../api/transformation.js';
import type { Schema } from '../api/data/schema.js';
import { SchemaBuilder } from '../api/data/schema-builder.js';
import { Struct } from '../api/data/struct.js';
import { ConfigDef, LambdaValidator, invalidConfigValue } from '../api/config-def.js';
import { SimpleConfig } from './simple-config.js';
import { SchemaCache, copySchemaBasics, newRecordFor, operatingSchema, operatingValue, requireMap, requireStruct } from './util.js';
import type { Side } from './util.js';

const PURPOSE = 'field replacement';

function validateRenames(name: string, value: unknown): void {
  for (const mapping of value as string[]) {
    if (mapping.split(':').length !== 2) throw invalidConfigValue(name, value, `Invalid rename mapping: ${mapping}`);
  }
}

const CONFIG_DEF = new ConfigDef()
  .define('exclude', 'LIST', { defaultValue: [], importance: 'MEDIUM', documentation: 'Fields to exclude. This takes precedence over the fields to include.' })
  .define('blacklist', 'LIST', { defaultValue: null, importance: 'LOW', documentation: 'Deprecated. Use exclude instead.' })
  .define('include', 'LIST', { defaultValue: [], importance: 'MEDIUM', documentation: 'Fields to include. If specified, only these fields will be used.' })
  .define('whitelist', 'LIST', { defaultValue: null, importance: 'LOW', documentation: 'Deprecated. Use include instead.' })
  .define('renames', 'LIST', {
    defaultValue: [],
    validator: LambdaValidator.with(validateRenames, () => 'list of colon-delimited pairs, e.g. <code>foo:bar,abc:xyz</code>'),
    importance: 'MEDIUM',
    documentation: 'Field rename mappings.',
  });

abstract class ReplaceField<R extends AnyConnectRecord> implements Transformation<R> {
  static readonly OVERVIEW_DOC = 'Filter or rename fields.';
  private exclude: string[] = [];
  private include: string[] = [];
  private renames = new Map<string, string>();
  private reverseRenames = new Map<string, string>();
  private readonly schemaCache = new SchemaCache();

  protected constructor(private readonly side: Side) {}

  configure(props: Readonly<Record<string, string>>): void {
    // Kafka's ConfigUtils.translateDeprecatedConfigs: the old name is used only when the new one is absent.
    const translated: Record<string, string> = { ...props };
    if (translated.exclude === undefined && props.blacklist !== undefined) translated.exclude = props.blacklist;
    if (translated.include === undefined && props.whitelist !== undefined) translated.include = props.whitelist;
    const config = new SimpleConfig(CONFIG_DEF, translated);
    this.exclude = config.getList('exclude');
    this.include = config.getList('include');
    this.renames = new Map(config.getList('renames').map((m) => m.split(':') as [string, string]));
    this.reverseRenames = new Map([...this.renames].map(([a, b]) => [b, a]));
    this.schemaCache.clear();
  }

  private filter(fieldName: string): boolean {
    return !this.exclude.includes(fieldName) && (this.include.length === 0 || this.include.includes(fieldName));
  }

  private renamed(fieldName: string): string {
    return this.renames.get(fieldName) ?? fieldName;
  }

  private reverseRenamed(fieldName: string): string {
    return this.reverseRenames.get(fieldName) ?? fieldName;
  }

  apply(record: R): R {
    const value = operatingValue(record, this.side);
    if (value === null || value === undefined) return record;
    if (operatingSchema(record, this.side) === null) {
      const map = requireMap(value, PURPOSE);
      const updated = new Map<string, unknown>();
      for (const [k, v] of map) if (this.filter(k)) updated.set(this.renamed(k), v);
      return newRecordFor(record, this.side, null, updated);
    }
    const struct = requireStruct(value, PURPOSE);
    const schema = this.schemaCache.getOrCompute(struct.schema, () => this.makeUpdatedSchema(struct.schema));
    const updated = new Struct(schema);
    for (const field of schema.fields()) updated.put(field.name, struct.get(this.reverseRenamed(field.name)));
    return newRecordFor(record, this.side, schema, updated);
  }

  private makeUpdatedSchema(schema: Schema): Schema {
    const builder = copySchemaBasics(schema, SchemaBuilder.struct());
    for (const field of schema.fields()) if (this.filter(field.name)) builder.field(this.renamed(field.name), field.schema);
    return builder.build();
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  close(): void {
    this.schemaCache.clear();
  }
}

/** org.apache.kafka.connect.transforms.ReplaceField$Key */
export class ReplaceFieldKey<R extends AnyConnectRecord = AnyConnectRecord> extends ReplaceField<R> {
  constructor() { super('key'); }
}

/** org.apache.kafka.connect.transforms.ReplaceField$Value */
export class ReplaceFieldValue<R extends AnyConnectRecord = AnyConnectRecord> extends ReplaceField<R> {
  constructor() { super('value'); }
}
