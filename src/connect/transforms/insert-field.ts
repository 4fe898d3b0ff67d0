/**
 * InsertField (org.apache.kafka.connect.transforms.InsertField$Key / $Value): inserts the record's
 * topic, partition, offset (sink records only), timestamp and/or a static string into the key or
 * value, which must be a Struct (with a schema) or a Map (schemaless). A field name ending in `!`
 * makes the field required in the updated schema, `?` (or nothing) optional. Tombstones (null
 * key/value) pass through unchanged.
 *
 * Schemaless values get: topic string, partition number, offset bigint, timestamp bigint (epoch
 * millis, Kafka's Long), static string. With a schema: STRING, INT32, INT64, Timestamp (a Date),
 * STRING fields appended after the existing fields.
 */
import { ConfigException } from '../api/errors.js';
import type { AnyConnectRecord, Transformation } from '../api/transformation.js';
import { Schema } from '../api/data/schema.js';
import type { Schema as SchemaT } from '../api/data/schema.js';
import { SchemaBuilder } from '../api/data/schema-builder.js';
import { Struct } from '../api/data/struct.js';
import { Timestamp } from '../api/data/logical.js';
import { ConfigDef } from '../api/config-def.js';
import { SimpleConfig } from './simple-config.js';
import {
  SchemaCache, copySchemaBasics, newRecordFor, operatingSchema, operatingValue, requireMap, requireSinkRecord, requireStruct,
} from './util.js';
import type { Side } from './util.js';

const PURPOSE = 'field insertion';

export const InsertFieldConfig = {
  TOPIC_FIELD: 'topic.field',
  PARTITION_FIELD: 'partition.field',
  OFFSET_FIELD: 'offset.field',
  TIMESTAMP_FIELD: 'timestamp.field',
  STATIC_FIELD: 'static.field',
  STATIC_VALUE: 'static.value',
} as const;

const OPTIONALITY_DOC = 'Suffix with <code>!</code> to make this a required field, or <code>?</code> to keep it optional (the default).';

const CONFIG_DEF = new ConfigDef()
  .define('topic.field', 'STRING', { defaultValue: null, importance: 'MEDIUM', documentation: `Field name for Kafka topic. ${OPTIONALITY_DOC}` })
  .define('partition.field', 'STRING', { defaultValue: null, importance: 'MEDIUM', documentation: `Field name for Kafka partition. ${OPTIONALITY_DOC}` })
  .define('offset.field', 'STRING', { defaultValue: null, importance: 'MEDIUM', documentation: `Field name for Kafka offset - only applicable to sink connectors.<br/>${OPTIONALITY_DOC}` })
  .define('timestamp.field', 'STRING', { defaultValue: null, importance: 'MEDIUM', documentation: `Field name for record timestamp. ${OPTIONALITY_DOC}` })
  .define('static.field', 'STRING', { defaultValue: null, importance: 'MEDIUM', documentation: `Field name for static data field. ${OPTIONALITY_DOC}` })
  .define('static.value', 'STRING', { defaultValue: null, importance: 'MEDIUM', documentation: 'Static field value, if field name configured.' });

interface InsertionSpec {
  readonly name: string;
  readonly optional: boolean;
}

function parseSpec(spec: string | null): InsertionSpec | null {
  if (spec === null) return null;
  if (spec.endsWith('?')) return { name: spec.slice(0, -1), optional: true };
  if (spec.endsWith('!')) return { name: spec.slice(0, -1), optional: false };
  return { name: spec, optional: true };
}

abstract class InsertField<R extends AnyConnectRecord> implements Transformation<R> {
  static readonly OVERVIEW_DOC = 'Insert field(s) using attributes from the record metadata or a configured static value.';
  private topicField: InsertionSpec | null = null;
  private partitionField: InsertionSpec | null = null;
  private offsetField: InsertionSpec | null = null;
  private timestampField: InsertionSpec | null = null;
  private staticField: InsertionSpec | null = null;
  private staticValue: string | null = null;
  private readonly schemaCache = new SchemaCache();

  protected constructor(private readonly side: Side) {}

  configure(props: Readonly<Record<string, string>>): void {
    const config = new SimpleConfig(CONFIG_DEF, props);
    this.topicField = parseSpec(config.getString('topic.field'));
    this.partitionField = parseSpec(config.getString('partition.field'));
    this.offsetField = parseSpec(config.getString('offset.field'));
    this.timestampField = parseSpec(config.getString('timestamp.field'));
    this.staticField = parseSpec(config.getString('static.field'));
    this.staticValue = config.getString('static.value');
    if (this.topicField === null && this.partitionField === null && this.offsetField === null
      && this.timestampField === null && this.staticField === null) {
      throw new ConfigException('No field insertion configured');
    }
    if (this.staticField !== null && this.staticValue === null) {
      throw new ConfigException(`Invalid value null for configuration static.value: No value specified for static field: ${this.staticField.name}`);
    }
    this.schemaCache.clear();
  }

  apply(record: R): R {
    const value = operatingValue(record, this.side);
    if (value === null || value === undefined) return record;
    return operatingSchema(record, this.side) === null ? this.applySchemaless(record, value) : this.applyWithSchema(record, value);
  }

  private applySchemaless(record: R, raw: unknown): R {
    const updated = new Map(requireMap(raw, PURPOSE));
    if (this.topicField) updated.set(this.topicField.name, record.topic);
    if (this.partitionField && record.kafkaPartition !== null) updated.set(this.partitionField.name, record.kafkaPartition);
    if (this.offsetField) updated.set(this.offsetField.name, requireSinkRecord(record, PURPOSE).kafkaOffset);
    if (this.timestampField && record.timestamp !== null) updated.set(this.timestampField.name, BigInt(record.timestamp));
    if (this.staticField && this.staticValue !== null) updated.set(this.staticField.name, this.staticValue);
    return newRecordFor(record, this.side, null, updated);
  }

  private applyWithSchema(record: R, raw: unknown): R {
    const value = requireStruct(raw, PURPOSE);
    const schema = this.schemaCache.getOrCompute(value.schema, () => this.makeUpdatedSchema(value.schema));
    const updated = new Struct(schema);
    for (const field of value.schema.fields()) updated.put(field.name, value.get(field));
    if (this.topicField) updated.put(this.topicField.name, record.topic);
    if (this.partitionField && record.kafkaPartition !== null) updated.put(this.partitionField.name, record.kafkaPartition);
    if (this.offsetField) updated.put(this.offsetField.name, requireSinkRecord(record, PURPOSE).kafkaOffset);
    if (this.timestampField && record.timestamp !== null) updated.put(this.timestampField.name, new Date(record.timestamp));
    if (this.staticField && this.staticValue !== null) updated.put(this.staticField.name, this.staticValue);
    return newRecordFor(record, this.side, schema, updated);
  }

  private makeUpdatedSchema(schema: SchemaT): SchemaT {
    const builder = copySchemaBasics(schema, SchemaBuilder.struct());
    for (const field of schema.fields()) builder.field(field.name, field.schema);
    const add = (spec: InsertionSpec | null, required: SchemaT, optional: SchemaT): void => {
      if (spec) builder.field(spec.name, spec.optional ? optional : required);
    };
    add(this.topicField, Schema.STRING_SCHEMA, Schema.OPTIONAL_STRING_SCHEMA);
    add(this.partitionField, Schema.INT32_SCHEMA, Schema.OPTIONAL_INT32_SCHEMA);
    add(this.offsetField, Schema.INT64_SCHEMA, Schema.OPTIONAL_INT64_SCHEMA);
    add(this.timestampField, Timestamp.SCHEMA, Timestamp.builder().optional().build());
    add(this.staticField, Schema.STRING_SCHEMA, Schema.OPTIONAL_STRING_SCHEMA);
    return builder.build();
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  close(): void {
    this.schemaCache.clear();
  }
}

/** org.apache.kafka.connect.transforms.InsertField$Key */
export class InsertFieldKey<R extends AnyConnectRecord = AnyConnectRecord> extends InsertField<R> {
  constructor() { super('key'); }
}

/** org.apache.kafka.connect.transforms.InsertField$Value */
export class InsertFieldValue<R extends AnyConnectRecord = AnyConnectRecord> extends InsertField<R> {
  constructor() { super('value'); }
}
