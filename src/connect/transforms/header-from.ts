/**
 * HeaderFrom (org.apache.kafka.connect.transforms.HeaderFrom$Key / $Value): copies (or, with
 * `operation=move`, moves) the fields listed in `fields` into the headers named at the same
 * position in `headers`. With a schema the header gets the field's schema (a missing field is a
 * DataException) and `move` drops the fields from the struct schema; schemaless (Map) the header
 * has no schema and a missing field gives a null header. A null key/value is a DataException, as in
 * Kafka.
 */
import { ConfigException, DataException } from '../api/errors.js';
import type { AnyConnectRecord, Transformation } from '../api/transformation.js';
import type { Schema } from '../api/data/schema.js';
import { SchemaBuilder } from '../api/data/schema-builder.js';
import { Struct } from '../api/data/struct.js';
import { ConfigDef, NonEmptyListValidator, ValidString } from '../api/config-def.js';
import { SimpleConfig } from './simple-config.js';
import { SchemaCache, copySchemaBasics, newRecordFor, operatingSchema, operatingValue, requireMap, requireStruct } from './util.js';
import type { Side } from './util.js';

const CONFIG_DEF = new ConfigDef()
  .define('fields', 'LIST', { validator: new NonEmptyListValidator(), importance: 'HIGH', documentation: 'Field names in the record whose values are to be copied or moved to headers.' })
  .define('headers', 'LIST', { validator: new NonEmptyListValidator(), importance: 'HIGH', documentation: 'Header names, in the same order as the field names listed in the fields configuration property.' })
  .define('operation', 'STRING', { validator: ValidString.in('move', 'copy'), importance: 'HIGH', documentation: 'Either <code>move</code> if the fields are to be moved to the headers (removed from the key/value), or <code>copy</code> if the fields are to be copied to the headers (retained in the key/value).' });

abstract class HeaderFrom<R extends AnyConnectRecord> implements Transformation<R> {
  static readonly OVERVIEW_DOC = 'Moves or copies fields in the key/value of a record into that record\'s headers.';
  private fields: string[] = [];
  private headers: string[] = [];
  private move = false;
  private readonly schemaCache = new SchemaCache();

  protected constructor(private readonly side: Side) {}

  configure(props: Readonly<Record<string, string>>): void {
    const config = new SimpleConfig(CONFIG_DEF, props);
    this.fields = config.getList('fields');
    this.headers = config.getList('headers');
    if (this.fields.length !== this.headers.length) {
      throw new ConfigException(`Invalid value [${this.fields.join(', ')}] for configuration fields: 'fields' config must have the same number of elements as 'headers' config.`);
    }
    this.move = config.getString('operation') === 'move';
    this.schemaCache.clear();
  }

  apply(record: R): R {
    // Like Kafka, a null key/value is not passed through: requireMap/requireStruct reject it.
    const value = operatingValue(record, this.side);
    const purpose = `header ${this.move ? 'move' : 'copy'}`;
    const schema = operatingSchema(record, this.side);
    const headers = record.headers.duplicate();
    if (schema === null) {
      const map = requireMap(value, purpose);
      for (let i = 0; i < this.fields.length; i++) headers.add(this.headers[i]!, map.get(this.fields[i]!) ?? null, null);
      let updated = map;
      if (this.move) {
        updated = new Map(map);
        for (const f of this.fields) updated.delete(f);
      }
      return newRecordFor(record, this.side, null, updated).with({ headers }) as R;
    }
    const struct = requireStruct(value, purpose);
    for (let i = 0; i < this.fields.length; i++) {
      const field = this.fields[i]!;
      const fieldSchema = struct.schema.field(field);
      if (fieldSchema === null) throw new DataException(`${field} is not a valid field name`);
      headers.add(this.headers[i]!, struct.get(field), fieldSchema.schema);
    }
    if (!this.move) return record.with({ headers }) as R;
    const updatedSchema = this.schemaCache.getOrCompute(struct.schema, () => this.moveSchema(struct.schema));
    const updated = new Struct(updatedSchema);
    for (const f of updatedSchema.fields()) updated.put(f.name, struct.get(f.name));
    return newRecordFor(record, this.side, updatedSchema, updated).with({ headers }) as R;
  }

  private moveSchema(schema: Schema): Schema {
    const builder = copySchemaBasics(schema, SchemaBuilder.struct());
    for (const f of schema.fields()) if (!this.fields.includes(f.name)) builder.field(f.name, f.schema);
    return builder.build();
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  close(): void {
    this.schemaCache.clear();
  }
}

/** org.apache.kafka.connect.transforms.HeaderFrom$Key */
export class HeaderFromKey<R extends AnyConnectRecord = AnyConnectRecord> extends HeaderFrom<R> {
  constructor() { super('key'); }
}

/** org.apache.kafka.connect.transforms.HeaderFrom$Value */
export class HeaderFromValue<R extends AnyConnectRecord = AnyConnectRecord> extends HeaderFrom<R> {
  constructor() { super('value'); }
}
