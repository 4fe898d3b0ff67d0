/**
 * ValueToKey (org.apache.kafka.connect.transforms.ValueToKey): replaces the record key with a new
 * key built from the listed fields of the value — a Struct with those fields (schema copied from
 * the value's fields; a missing field is a DataException) or, schemaless, a Map (a missing field
 * gives null, as Kafka's HashMap.get does).
 */
import { DataException } from '../api/errors.js';
import type { AnyConnectRecord, Transformation } from '../api/transformation.js';
import type { Schema } from '../api/data/schema.js';
import { SchemaBuilder } from '../api/data/schema-builder.js';
import { Struct } from '../api/data/struct.js';
import { ConfigDef, NonEmptyListValidator } from '../api/config-def.js';
import { SimpleConfig } from './simple-config.js';
import { SchemaCache, requireMap, requireStruct } from './util.js';

const PURPOSE = 'copying fields from value to key';

const CONFIG_DEF = new ConfigDef()
  .define('fields', 'LIST', { validator: new NonEmptyListValidator(), importance: 'HIGH', documentation: 'Field names on the record value to extract as the record key.' });

export class ValueToKey<R extends AnyConnectRecord = AnyConnectRecord> implements Transformation<R> {
  static readonly OVERVIEW_DOC = 'Replace the record key with a new key formed from a subset of fields in the record value.';
  private fields: string[] = [];
  private readonly schemaCache = new SchemaCache();

  configure(props: Readonly<Record<string, string>>): void {
    this.fields = new SimpleConfig(CONFIG_DEF, props).getList('fields');
    this.schemaCache.clear();
  }

  apply(record: R): R {
    if (record.valueSchema === null) {
      const value = requireMap(record.value, PURPOSE);
      const key = new Map<string, unknown>();
      for (const f of this.fields) key.set(f, value.get(f) ?? null);
      return record.with({ keySchema: null, key }) as R;
    }
    const value = requireStruct(record.value, PURPOSE);
    const keySchema = this.schemaCache.getOrCompute(value.schema, () => this.keySchemaFor(value.schema));
    const key = new Struct(keySchema);
    for (const f of this.fields) key.put(f, value.get(f));
    return record.with({ keySchema, key }) as R;
  }

  private keySchemaFor(valueSchema: Schema): Schema {
    const builder = SchemaBuilder.struct();
    for (const f of this.fields) {
      const field = valueSchema.field(f);
      if (field === null) throw new DataException(`Field does not exist: ${f}`);
      builder.field(f, field.schema);
    }
    return builder.build();
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  close(): void {
    this.schemaCache.clear();
  }
}
