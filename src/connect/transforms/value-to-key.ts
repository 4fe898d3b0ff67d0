/**
 * ValueToKey (org.apache.kafka.connect.transforms.ValueToKey): replaces the record key with a new
 * key built from the listed fields of the value — a Struct with those fields (schema copied from
 * the value's fields; a missing field is a DataException) or, schemaless, a Map (a missing field
 * gives null, as Kafka's HashMap.get does).
 */
import { DataException } from '../api/errors.js';
import type { AnyConnectRecord, Transformation } from '../api/transformation.js';
import type { Field, Schema } from '../api/data/schema.js';
import { SchemaBuilder } from '../api/data/schema-builder.js';
import { Struct } from '../api/data/struct.js';
import { ConfigDef, NonEmptyListValidator } from '../api/config-def.js';
import { SimpleConfig } from './simple-config.js';
import { requireMap, requireStruct } from './util.js';

const PURPOSE = 'copying fields from value to key';

interface KeyPlan {
  readonly keySchema: Schema;
  /** The key's fields and the value's fields they are copied from, in the same order. */
  readonly keyFields: readonly Field[];
  readonly valueFields: readonly Field[];
}

const CONFIG_DEF = new ConfigDef()
  .define('fields', 'LIST', { validator: new NonEmptyListValidator(), importance: 'HIGH', documentation: 'Field names on the record value to extract as the record key.' });

export class ValueToKey<R extends AnyConnectRecord = AnyConnectRecord> implements Transformation<R> {
  static readonly OVERVIEW_DOC = 'Replace the record key with a new key formed from a subset of fields in the record value.';
  private fields: string[] = [];
  /** For each value schema seen: the key schema and the fields copied (schemas are immutable). */
  private plans = new WeakMap<Schema, KeyPlan>();

  configure(props: Readonly<Record<string, string>>): void {
    this.fields = new SimpleConfig(CONFIG_DEF, props).getList('fields');
    this.plans = new WeakMap();
  }

  apply(record: R): R {
    if (record.valueSchema === null) {
      const value = requireMap(record.value, PURPOSE);
      const key = new Map<string, unknown>();
      for (const f of this.fields) key.set(f, value.get(f) ?? null);
      return record.with({ keySchema: null, key }) as R;
    }
    const value = requireStruct(record.value, PURPOSE);
    let plan = this.plans.get(value.schema);
    if (plan === undefined) {
      plan = this.planFor(value.schema);
      this.plans.set(value.schema, plan);
    }
    const key = new Struct(plan.keySchema);
    const { keyFields, valueFields } = plan;
    for (let i = 0; i < keyFields.length; i++) key.put(keyFields[i]!, value.get(valueFields[i]!));
    return record.newRecord(record.topic, record.kafkaPartition, plan.keySchema, key, record.valueSchema, record.value, record.timestamp) as R;
  }

  /** The key schema for a value schema, and the fields to copy (a missing field is a DataException, each time). */
  private planFor(valueSchema: Schema): KeyPlan {
    const builder = SchemaBuilder.struct();
    const valueFields: Field[] = [];
    for (const f of this.fields) {
      const field = valueSchema.field(f);
      if (field === null) throw new DataException(`Field does not exist: ${f}`);
      builder.field(f, field.schema);
      valueFields.push(field);
    }
    const keySchema = builder.build();
    return { keySchema, keyFields: this.fields.map((f) => keySchema.field(f)!), valueFields };
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  close(): void {
    this.plans = new WeakMap();
  }
}
