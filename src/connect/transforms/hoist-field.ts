/**
 * HoistField (org.apache.kafka.connect.transforms.HoistField$Key / $Value): wraps the key or value
 * in a Struct with one field `field` (schema: a struct with that field of the original schema), or
 * schemaless in a Map `{field: value}`.
 */
import type { AnyConnectRecord, Transformation } from '../api/transformation.js';
import { SchemaBuilder } from '../api/data/schema-builder.js';
import { Struct } from '../api/data/struct.js';
import { ConfigDef } from '../api/config-def.js';
import { SimpleConfig } from './simple-config.js';
import { SchemaCache, newRecordFor, operatingSchema, operatingValue } from './util.js';
import type { Side } from './util.js';

const CONFIG_DEF = new ConfigDef()
  .define('field', 'STRING', { importance: 'MEDIUM', documentation: 'Field name for the single field that will be created in the resulting Struct or Map.' });

abstract class HoistField<R extends AnyConnectRecord> implements Transformation<R> {
  static readonly OVERVIEW_DOC = 'Wrap data using the specified field name in a Struct when schema present, or a Map in the case of schemaless data.';
  private fieldName = '';
  private readonly schemaCache = new SchemaCache();

  protected constructor(private readonly side: Side) {}

  configure(props: Readonly<Record<string, string>>): void {
    this.fieldName = new SimpleConfig(CONFIG_DEF, props).getString('field')!;
    this.schemaCache.clear();
  }

  apply(record: R): R {
    const schema = operatingSchema(record, this.side);
    const value = operatingValue(record, this.side);
    if (schema === null) return newRecordFor(record, this.side, null, new Map([[this.fieldName, value]]));
    const updatedSchema = this.schemaCache.getOrCompute(schema, () => SchemaBuilder.struct().field(this.fieldName, schema).build());
    const updated = new Struct(updatedSchema).put(this.fieldName, value);
    return newRecordFor(record, this.side, updatedSchema, updated);
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  close(): void {
    this.schemaCache.clear();
  }
}

/** org.apache.kafka.connect.transforms.HoistField$Key */
export class HoistFieldKey<R extends AnyConnectRecord = AnyConnectRecord> extends HoistField<R> {
  constructor() { super('key'); }
}

/** org.apache.kafka.connect.transforms.HoistField$Value */
export class HoistFieldValue<R extends AnyConnectRecord = AnyConnectRecord> extends HoistField<R> {
  constructor() { super('value'); }
}
