/**
 * How the JDBC sink reads one table's columns out of a record and binds them (Confluent's
 * PreparedStatementBinder): the key columns per `pk.mode` (the Kafka coordinates, the record
 * key or its struct's fields, or value fields), then the non-key columns from the value struct,
 * each through its field's `SinkDialect.parameterBinder`. Decided once per FieldsMetadata, so a
 * row costs no per-column lookups: struct fields are resolved once per struct schema object.
 * Two forms of a row: its bind parameters (arrays), or, for connections that inline parameters,
 * its columns' SQL literals joined by commas (no arrays).
 */
import type { SinkRecord } from '../../../api/data/connect-record.js';
import type { Field, Schema } from '../../../api/data/schema.js';
import { Struct } from '../../../api/data/struct.js';
import { ConnectException } from '../../../api/errors.js';
import type { FieldsMetadata } from './fields-metadata.js';
import type { PrimaryKeyMode } from './jdbc-sink-config.js';
import type { SinkDialect } from './sink-dialect.js';

type Binder = (value: unknown) => unknown;
type Literal = (value: unknown) => string;

export interface RowReaders {
  readonly dialect: SinkDialect;
  readonly pkMode: PrimaryKeyMode;
  /** The key columns' bind parameters. */
  keyParams(record: SinkRecord): unknown[];
  /** The non-key columns' bind parameters; a ConnectException when the value is not a Struct. */
  nonKeyParams(record: SinkRecord): unknown[];
  /** The key columns' literals, comma-separated (what `keyParams` inlines to). */
  keyText(record: SinkRecord, literal: Literal): string;
  /** The non-key columns' literals, comma-separated, or null when there are none; throws as `nonKeyParams`. */
  nonKeyText(record: SinkRecord, literal: Literal): string | null;
}

/** Reads named fields of structs, resolving the names once per struct schema object (as `Struct.get(name)` does each time). */
class StructFields {
  private schema: Schema | null = null;
  private fields: Array<Field | null> = [];

  constructor(private readonly names: readonly string[]) {}

  get(struct: Struct, i: number): unknown {
    if (struct.schema !== this.schema) {
      this.fields = this.names.map((name) => struct.schema.field(name));
      this.schema = struct.schema;
    }
    const field = this.fields[i]!;
    // An unknown name: Struct's own lookup throws its DataException.
    return field === null ? struct.get(this.names[i]!) : struct.get(field);
  }
}

export function createRowReaders(fields: FieldsMetadata, pkMode: PrimaryKeyMode, dialect: SinkDialect): RowReaders {
  const keys = fields.keyFieldNames;
  const nonKeys = fields.nonKeyFieldNames;
  const keyBinders: Binder[] = keys.map((name) => dialect.parameterBinder(fields.allFields.get(name)!.schema));
  const nonKeyBinders: Binder[] = nonKeys.map((name) => dialect.parameterBinder(fields.allFields.get(name)!.schema));
  const keyFields = new StructFields(keys);
  const valueFields = new StructFields(nonKeys);
  const [topicName, partitionName] = keys;

  const keyValue = (record: SinkRecord, i: number): unknown => {
    switch (pkMode) {
      case 'kafka': {
        const name = keys[i];
        return name === topicName ? record.topic : name === partitionName ? record.kafkaPartition : record.kafkaOffset;
      }
      case 'record_key':
        return record.keySchema !== null && record.keySchema.type === 'STRUCT' ? keyFields.get(record.key as Struct, i) : record.key;
      case 'record_value':
        return keyFields.get(record.value as Struct, i);
      default:
        throw new ConnectException(`Unknown primary key mode: ${pkMode}`);
    }
  };
  const valueStruct = (record: SinkRecord): Struct => {
    const value = record.value;
    if (!(value instanceof Struct)) throw new ConnectException(`Value of record at (topic='${record.topic}',partition=${record.kafkaPartition},offset=${record.kafkaOffset}) is not a Struct`);
    return value;
  };

  return {
    dialect,
    pkMode,
    keyParams(record) {
      const out = new Array<unknown>(keys.length);
      for (let i = 0; i < keys.length; i++) out[i] = keyBinders[i]!(keyValue(record, i));
      return out;
    },
    nonKeyParams(record) {
      const value = valueStruct(record);
      const out = new Array<unknown>(nonKeys.length);
      for (let i = 0; i < nonKeys.length; i++) out[i] = nonKeyBinders[i]!(valueFields.get(value, i));
      return out;
    },
    keyText(record, literal) {
      if (keys.length === 0) return '';
      let text = literal(keyBinders[0]!(keyValue(record, 0)));
      for (let i = 1; i < keys.length; i++) text += `,${literal(keyBinders[i]!(keyValue(record, i)))}`;
      return text;
    },
    nonKeyText(record, literal) {
      const value = valueStruct(record);
      if (nonKeys.length === 0) return null;
      let text = literal(nonKeyBinders[0]!(valueFields.get(value, 0)));
      for (let i = 1; i < nonKeys.length; i++) text += `,${literal(nonKeyBinders[i]!(valueFields.get(value, i)))}`;
      return text;
    },
  };
}
