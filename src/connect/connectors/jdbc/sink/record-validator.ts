/**
 * What a record must look like for the JDBC sink (Confluent's RecordValidator), checked before a
 * record joins a batch: with `pk.mode` none or record_value the value must be a non-null Struct
 * with a schema (records written by JsonConverter with `schemas.enable=false`, or any Map value,
 * fail here); with record_key, or `delete.enabled`, the key must be non-null, have a schema, and be
 * a struct or a primitive. Messages are Confluent's, with a hint on how to get schemas when the
 * value has none.
 */
import type { SinkRecord } from '../../../api/data/connect-record.js';
import type { Schema } from '../../../api/data/schema.js';
import { Struct } from '../../../api/data/struct.js';
import { ConnectException } from '../../../api/errors.js';
import { isPrimitiveType } from './fields-metadata.js';
import type { JdbcSinkConfig } from './jdbc-sink-config.js';

export type RecordValidator = (record: SinkRecord) => void;

/** Java's class name for a value, as Confluent's StringUtils.valueTypeOrNull prints it. */
function valueType(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof Map) return 'HashMap';
  if (value instanceof Struct) return 'Struct';
  if (Array.isArray(value)) return 'ArrayList';
  if (value instanceof Uint8Array) return 'byte[]';
  if (value instanceof Date) return 'Date';
  switch (typeof value) {
    case 'string': return 'String';
    case 'bigint': return 'Long';
    case 'number': return Number.isInteger(value) ? 'Integer' : 'Double';
    case 'boolean': return 'Boolean';
    default: return (value as object).constructor?.name ?? 'Object';
  }
}

function schemaType(schema: Schema | null): string {
  return schema === null ? 'null' : schema.type;
}

const SCHEMA_HINT = ' The JDBC sink needs records with schemas: use a converter that provides them, e.g. JsonConverter with schemas.enable=true (value.converter.schemas.enable=true) and the {"schema": ..., "payload": ...} envelope.';

function where(record: SinkRecord): string {
  return `(topic='${record.topic}',partition=${record.kafkaPartition},offset=${record.kafkaOffset},timestamp=${record.timestamp ?? 'null'})`;
}

function head(config: JdbcSinkConfig): string {
  return `The JDBC sink connector '${config.connectorName}' is configured with 'delete.enabled=${config.deleteEnabled}' and 'pk.mode=${config.pkMode}'`;
}

function requiresValue(config: JdbcSinkConfig): RecordValidator {
  // The message's tail is only built for a record that fails.
  const tail = (record: SinkRecord): string => `but found record at ${where(record)} with a ${valueType(record.value)} value and ${schemaType(record.valueSchema)} value schema.`;
  return (record) => {
    if (record.value === null || record.valueSchema === null) {
      throw new ConnectException(`${head(config)} and therefore requires non-null record values that are structs, ${tail(record)}${record.valueSchema === null && record.value !== null ? SCHEMA_HINT : ''}`);
    }
    if (record.valueSchema.type !== 'STRUCT') throw new ConnectException(`${head(config)} and therefore requires record values to be structs, ${tail(record)}`);
  };
}

function requiresKey(config: JdbcSinkConfig): RecordValidator {
  const tail = (record: SinkRecord): string => `but found record at ${where(record)} with a ${valueType(record.key)} key and ${schemaType(record.keySchema)} key schema.`;
  return (record) => {
    if (record.key === null) throw new ConnectException(`${head(config)} and therefore requires non-null record keys, ${tail(record)}`);
    if (record.keySchema === null) throw new ConnectException(`${head(config)} and therefore requires non-null record keys with schemas, ${tail(record)}${SCHEMA_HINT.replace(/value\.converter/g, 'key.converter')}`);
    if (record.keySchema.type !== 'STRUCT' && !isPrimitiveType(record.keySchema.type)) {
      throw new ConnectException(`${head(config)} and therefore requires non-null record keys that are either structs or a single primitive value, ${tail(record)}`);
    }
  };
}

export function createRecordValidator(config: JdbcSinkConfig): RecordValidator {
  const checks: RecordValidator[] = [];
  if (config.pkMode === 'record_key' || config.deleteEnabled) checks.push(requiresKey(config));
  if (config.pkMode === 'none' || config.pkMode === 'record_value') checks.push(requiresValue(config));
  // record_key / kafka without deletes: a value is still needed unless it is a delete.
  if ((config.pkMode === 'record_key' || config.pkMode === 'kafka')) {
    const value = requiresValue(config);
    checks.push((record) => {
      if (record.value === null && (config.deleteEnabled || record.valueSchema === null)) return; // a tombstone
      value(record);
    });
  }
  return (record) => {
    for (const check of checks) check(record);
  };
}
