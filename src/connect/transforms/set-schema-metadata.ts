/**
 * SetSchemaMetadata (org.apache.kafka.connect.transforms.SetSchemaMetadata$Key / $Value): sets the
 * name and/or version of the key or value schema (at least one of `schema.name`,
 * `schema.version`). A Struct value is re-created with the new schema, as Kafka's updateSchemaIn
 * does. A record without a schema is a DataException.
 */
import { ConfigException, DataException } from '../api/errors.js';
import type { AnyConnectRecord, Transformation } from '../api/transformation.js';
import type { Schema } from '../api/data/schema.js';
import { ConnectSchema } from '../api/data/schema.js';
import { Struct } from '../api/data/struct.js';
import { ConfigDef } from '../api/config-def.js';
import { SimpleConfig } from './simple-config.js';
import { newRecordFor, operatingSchema, operatingValue } from './util.js';
import type { Side } from './util.js';

const CONFIG_DEF = new ConfigDef()
  .define('schema.name', 'STRING', { defaultValue: null, importance: 'HIGH', documentation: 'Schema name to set.' })
  .define('schema.version', 'INT', { defaultValue: null, importance: 'HIGH', documentation: 'Schema version to set.' });

abstract class SetSchemaMetadata<R extends AnyConnectRecord> implements Transformation<R> {
  static readonly OVERVIEW_DOC = 'Set the schema name, version or both on the record\'s key or value schema.';
  private schemaName: string | null = null;
  private schemaVersion: number | null = null;

  protected constructor(private readonly side: Side) {}

  configure(props: Readonly<Record<string, string>>): void {
    const config = new SimpleConfig(CONFIG_DEF, props);
    this.schemaName = config.getString('schema.name');
    this.schemaVersion = config.getInt('schema.version');
    if (this.schemaName === null && this.schemaVersion === null) throw new ConfigException('Neither schema name nor version configured');
  }

  apply(record: R): R {
    const schema = operatingSchema(record, this.side);
    if (schema === null) throw new DataException(`Schema required for [updating schema metadata]`);
    const updated: Schema = new ConnectSchema({
      type: schema.type, optional: schema.optional, defaultValue: schema.defaultValue,
      name: this.schemaName ?? schema.name, version: this.schemaVersion ?? schema.version, doc: schema.doc,
      parameters: schema.parameters,
      fields: schema.type === 'STRUCT' ? schema.fields() : null,
      keySchema: schema.type === 'MAP' ? schema.keySchema() : null,
      valueSchema: schema.type === 'MAP' || schema.type === 'ARRAY' ? schema.valueSchema() : null,
    });
    let value = operatingValue(record, this.side);
    if (value instanceof Struct) {
      const s = new Struct(updated);
      for (const f of updated.fields()) s.put(f, value.getWithoutDefault(f.name));
      value = s;
    }
    return newRecordFor(record, this.side, updated, value);
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  close(): void {}
}

/** org.apache.kafka.connect.transforms.SetSchemaMetadata$Key */
export class SetSchemaMetadataKey<R extends AnyConnectRecord = AnyConnectRecord> extends SetSchemaMetadata<R> {
  constructor() { super('key'); }
}

/** org.apache.kafka.connect.transforms.SetSchemaMetadata$Value */
export class SetSchemaMetadataValue<R extends AnyConnectRecord = AnyConnectRecord> extends SetSchemaMetadata<R> {
  constructor() { super('value'); }
}
