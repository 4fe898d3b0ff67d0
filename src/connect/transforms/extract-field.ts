/**
 * ExtractField (org.apache.kafka.connect.transforms.ExtractField$Key / $Value): replaces the key
 * or value with one of its fields — from a Struct (the field's schema becomes the new schema; an
 * unknown field is a DataException "Unknown field: x") or a Map (schemaless; a missing entry gives
 * null). A null key/value gives null.
 *
 * `field.syntax.version` (Kafka 3.6+, KIP-821): V1 (default) takes `field` literally; V2 reads
 * dots as nesting (`a.b.c`), with backticks quoting a name containing dots (`` `a.b`.c ``).
 */
import { DataException } from '../api/errors.js';
import type { AnyConnectRecord, Transformation } from '../api/transformation.js';
import type { Schema } from '../api/data/schema.js';
import { Struct } from '../api/data/struct.js';
import { ConfigDef, ValidString, invalidConfigValue } from '../api/config-def.js';
import { SimpleConfig } from './simple-config.js';
import { newRecordFor, operatingSchema, operatingValue, requireMapOrNull, requireStructOrNull } from './util.js';
import type { Side } from './util.js';

const PURPOSE = 'field extraction';

const CONFIG_DEF = new ConfigDef()
  .define('field', 'STRING', { importance: 'MEDIUM', documentation: 'Field name to extract.' })
  .define('field.syntax.version', 'STRING', { defaultValue: 'V1', validator: ValidString.in('V1', 'V2'), importance: 'HIGH', documentation: 'Defines the version of the syntax to access fields. If set to `V1`, then the field paths are limited to access the elements at the root level of the struct or map. If set to `V2`, the syntax will support accessing nested elements. To access nested elements, dotted notation is used. If dots are already included in the field name, then backtick pairs can be used to wrap field names containing dots.' });

/** Splits a V2 field path: dots separate, backticks quote (a literal backtick inside quotes is doubled-free; kept simple). */
export function parseFieldPath(path: string): string[] {
  const steps: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < path.length; i++) {
    const c = path[i]!;
    if (c === '`' && !quoted && current === '') quoted = true;
    else if (c === '`' && quoted && (i + 1 === path.length || path[i + 1] === '.')) quoted = false;
    else if (c === '.' && !quoted) {
      steps.push(current);
      current = '';
    } else current += c;
  }
  steps.push(current);
  return steps;
}

abstract class ExtractField<R extends AnyConnectRecord> implements Transformation<R> {
  static readonly OVERVIEW_DOC = 'Extract the specified field from a Struct when schema present, or a Map in the case of schemaless data. Any null values are passed through unmodified.';
  private path: string[] = [];
  private fieldName = '';

  protected constructor(private readonly side: Side) {}

  configure(props: Readonly<Record<string, string>>): void {
    const config = new SimpleConfig(CONFIG_DEF, props);
    this.fieldName = config.getString('field')!;
    this.path = config.getString('field.syntax.version') === 'V2' ? parseFieldPath(this.fieldName) : [this.fieldName];
    if (this.path.some((s) => s === '')) throw invalidConfigValue('field', this.fieldName, 'empty field name in path');
  }

  apply(record: R): R {
    const schema = operatingSchema(record, this.side);
    let value = operatingValue(record, this.side);
    if (schema === null) {
      for (const step of this.path) {
        const map = requireMapOrNull(value, PURPOSE);
        value = map === null ? null : (map.get(step) ?? null);
      }
      return newRecordFor(record, this.side, null, value);
    }
    let s: Schema = schema;
    for (const step of this.path) {
      const struct = requireStructOrNull(value, PURPOSE);
      if (s.type !== 'STRUCT') throw new DataException(`Unknown field: ${this.fieldName}`);
      const field = s.field(step);
      if (field === null) throw new DataException(`Unknown field: ${this.fieldName}`);
      s = field.schema;
      value = struct === null ? null : (struct as Struct).get(field);
    }
    return newRecordFor(record, this.side, s, value);
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  close(): void {}
}

/** org.apache.kafka.connect.transforms.ExtractField$Key */
export class ExtractFieldKey<R extends AnyConnectRecord = AnyConnectRecord> extends ExtractField<R> {
  constructor() { super('key'); }
}

/** org.apache.kafka.connect.transforms.ExtractField$Value */
export class ExtractFieldValue<R extends AnyConnectRecord = AnyConnectRecord> extends ExtractField<R> {
  constructor() { super('value'); }
}
