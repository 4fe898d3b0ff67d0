/**
 * Which columns a record writes and which of them form the primary key (Confluent's
 * FieldsMetadata.extract), from `pk.mode`, `pk.fields`, `fields.whitelist` and the record's key
 * and value schemas:
 *
 *   none          no key columns; every (whitelisted) value field
 *   kafka         `__connect_topic` STRING, `__connect_partition` INT32, `__connect_offset` INT64
 *                 (or the three names in `pk.fields`), then the value fields
 *   record_key    a primitive key as the one column named in `pk.fields`, or the key struct's
 *                 fields (all, or those in `pk.fields`), then the value fields
 *   record_value  the value struct's fields (all, or those in `pk.fields`) as the key
 *
 * Column order: the Kafka coordinates, then the value schema's field order, then any remaining
 * key fields sorted by name. Errors are Confluent's ConnectException messages.
 */
import type { Schema } from '../../../api/data/schema.js';
import { Schema as Schemas } from '../../../api/data/schema.js';
import { ConnectException } from '../../../api/errors.js';
import { DEFAULT_KAFKA_PK_NAMES, type PrimaryKeyMode } from './jdbc-sink-config.js';

/** One column-to-be: a field of the key or value (or a Kafka coordinate) with its schema. */
export interface SinkRecordField {
  readonly name: string;
  readonly schema: Schema;
  readonly isPrimaryKey: boolean;
}

export interface FieldsMetadata {
  readonly keyFieldNames: readonly string[];
  readonly nonKeyFieldNames: readonly string[];
  /** Every column in table order. */
  readonly allFields: ReadonlyMap<string, SinkRecordField>;
}

const PRIMITIVE_TYPES = new Set(['INT8', 'INT16', 'INT32', 'INT64', 'FLOAT32', 'FLOAT64', 'BOOLEAN', 'STRING', 'BYTES']);

export function isPrimitiveType(type: string): boolean {
  return PRIMITIVE_TYPES.has(type);
}

/** Java's List.toString: `[a, b]`. */
export function javaList(items: Iterable<string>): string {
  return `[${[...items].join(', ')}]`;
}

const PK_MODE_NAMES: Record<PrimaryKeyMode, string> = { none: 'NONE', kafka: 'KAFKA', record_key: 'RECORD_KEY', record_value: 'RECORD_VALUE' };

export function extractFieldsMetadata(
  tableName: string,
  pkMode: PrimaryKeyMode,
  configuredPkFields: readonly string[],
  fieldsWhitelist: ReadonlySet<string>,
  keySchema: Schema | null,
  valueSchema: Schema | null,
): FieldsMetadata {
  if (valueSchema !== null && valueSchema.type !== 'STRUCT') throw new ConnectException('Value schema must be of type Struct');
  const allFields = new Map<string, SinkRecordField>();
  const keyFieldNames: string[] = [];
  const addKey = (name: string, schema: Schema): void => {
    if (!keyFieldNames.includes(name)) keyFieldNames.push(name);
    allFields.set(name, { name, schema, isPrimaryKey: true });
  };

  switch (pkMode) {
    case 'none':
      break;
    case 'kafka': {
      let names: readonly string[];
      if (configuredPkFields.length === 0) names = DEFAULT_KAFKA_PK_NAMES;
      else if (configuredPkFields.length === 3) names = configuredPkFields;
      else {
        throw new ConnectException(`PK mode for table '${tableName}' is KAFKA so there should either be no field names defined for defaults ${javaList(DEFAULT_KAFKA_PK_NAMES)} to be applicable, or exactly 3, defined fields are: ${javaList(configuredPkFields)}`);
      }
      addKey(names[0]!, Schemas.STRING_SCHEMA);
      addKey(names[1]!, Schemas.INT32_SCHEMA);
      addKey(names[2]!, Schemas.INT64_SCHEMA);
      break;
    }
    case 'record_key': {
      if (keySchema === null) throw new ConnectException(`PK mode for table '${tableName}' is RECORD_KEY, but record key schema is missing`);
      if (isPrimitiveType(keySchema.type)) {
        if (configuredPkFields.length !== 1) {
          throw new ConnectException(`Need exactly one PK column defined since the key schema for records is a primitive type, defined columns are: ${javaList(configuredPkFields)}`);
        }
        addKey(configuredPkFields[0]!, keySchema);
      } else if (keySchema.type === 'STRUCT') {
        const names = configuredPkFields.length === 0 ? keySchema.fields().map((f) => f.name) : configuredPkFields;
        for (const name of names) {
          const field = keySchema.field(name);
          if (field === null) {
            throw new ConnectException(`PK mode for table '${tableName}' is RECORD_KEY with configured PK fields ${javaList(configuredPkFields)}, but record key schema does not contain field: ${name}`);
          }
          addKey(name, field.schema);
        }
      } else {
        throw new ConnectException(`Key schema must be primitive type or Struct, but is of type: ${keySchema.type}`);
      }
      break;
    }
    case 'record_value': {
      if (valueSchema === null) throw new ConnectException(`PK mode for table '${tableName}' is RECORD_VALUE, but record value schema is missing`);
      const names = configuredPkFields.length === 0 ? valueSchema.fields().map((f) => f.name) : configuredPkFields;
      for (const name of names) {
        const field = valueSchema.field(name);
        if (field === null) {
          throw new ConnectException(`PK mode for table '${tableName}' is RECORD_VALUE with configured PK fields ${javaList(configuredPkFields)}, but record value schema does not contain field: ${name}`);
        }
        addKey(name, field.schema);
      }
      break;
    }
    default:
      throw new ConnectException(`Unknown primary key mode: ${PK_MODE_NAMES[pkMode as PrimaryKeyMode] ?? String(pkMode)}`);
  }

  const nonKeyFieldNames: string[] = [];
  if (valueSchema !== null) {
    for (const field of valueSchema.fields()) {
      if (keyFieldNames.includes(field.name)) continue;
      if (fieldsWhitelist.size > 0 && !fieldsWhitelist.has(field.name)) continue;
      nonKeyFieldNames.push(field.name);
      allFields.set(field.name, { name: field.name, schema: field.schema, isPrimaryKey: false });
    }
  }
  if (allFields.size === 0) throw new ConnectException(`No fields found using key and value schemas for table: ${tableName}`);

  const ordered = new Map<string, SinkRecordField>();
  for (const name of DEFAULT_KAFKA_PK_NAMES) if (allFields.has(name)) ordered.set(name, allFields.get(name)!);
  if (valueSchema !== null) for (const f of valueSchema.fields()) if (allFields.has(f.name)) ordered.set(f.name, allFields.get(f.name)!);
  for (const name of [...allFields.keys()].sort()) if (!ordered.has(name)) ordered.set(name, allFields.get(name)!);
  return { keyFieldNames, nonKeyFieldNames, allFields: ordered };
}

export { PK_MODE_NAMES };
