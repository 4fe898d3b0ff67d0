/**
 * MaskField (org.apache.kafka.connect.transforms.MaskField$Key / $Value): replaces the listed
 * fields with the "empty" value of their type (0, 0n, false, "", epoch Date, BigDecimal 0, empty
 * array/Map), or with `replacement` converted to the field's type (numbers, strings, decimals;
 * Kafka's REPLACEMENT_MAPPING_FUNC — booleans, dates, bytes and containers cannot take a custom
 * replacement: DataException). With a schema the field's schema type decides the conversion;
 * schemaless, the JavaScript value's type does (number → Number(), bigint → BigInt()).
 */
import { DataException } from '../api/errors.js';
import type { AnyConnectRecord, Transformation } from '../api/transformation.js';
import type { Schema, SchemaType } from '../api/data/schema.js';
import { BigDecimal } from '../api/data/big-decimal.js';
import { Decimal } from '../api/data/logical.js';
import { Struct } from '../api/data/struct.js';
import { ConfigDef, NonEmptyListValidator, NonEmptyString } from '../api/config-def.js';
import { SimpleConfig } from './simple-config.js';
import { newRecordFor, operatingSchema, operatingValue, requireMap, requireStruct } from './util.js';
import type { Side } from './util.js';

const PURPOSE = 'mask fields';

const CONFIG_DEF = new ConfigDef()
  .define('fields', 'LIST', { validator: new NonEmptyListValidator(), importance: 'HIGH', documentation: 'Names of fields to mask.' })
  .define('replacement', 'STRING', { defaultValue: null, validator: new NonEmptyString(), importance: 'LOW', documentation: 'Custom value replacement, that will be applied to all \'fields\' values (numeric or non-empty string values only).' });

function emptyValue(value: unknown): unknown {
  if (typeof value === 'number') return 0;
  if (typeof value === 'bigint') return 0n;
  if (typeof value === 'boolean') return false;
  if (typeof value === 'string') return '';
  if (value instanceof Date) return new Date(0);
  if (value instanceof BigDecimal) return new BigDecimal(0n, 0);
  if (value instanceof Uint8Array) return new Uint8Array(0);
  if (Array.isArray(value)) return [];
  if (value instanceof Map) return new Map();
  throw new DataException(`Cannot mask value of type: ${typeof value}`);
}

function parseNumber(text: string, integer: boolean, what: string): number {
  const n = Number(text);
  if (text.trim() === '' || Number.isNaN(n) || (integer && !Number.isInteger(n))) {
    throw new DataException(`Unable to convert ${text} (${typeof text}) to ${what}`);
  }
  return n;
}

function replacementFor(type: SchemaType | 'bigint' | 'number' | 'decimal', replacement: string, valueForMessage: unknown): unknown {
  try {
    switch (type) {
      case 'INT8': case 'INT16': case 'INT32': return parseNumber(replacement, true, 'number');
      case 'FLOAT32': case 'FLOAT64': case 'number': return parseNumber(replacement, false, 'number');
      case 'INT64': case 'bigint': return BigInt(replacement.trim());
      case 'STRING': return replacement;
      case 'decimal': return BigDecimal.parse(replacement.trim());
      default: break;
    }
  } catch (e) {
    if (e instanceof DataException) throw e;
    throw new DataException(`Unable to convert ${replacement} (string) to ${type}`, { cause: e });
  }
  throw new DataException(`Cannot mask value of type ${valueForMessage === null ? type : describe(valueForMessage)} with custom replacement.`);
}

function describe(v: unknown): string {
  return typeof v === 'object' && v !== null ? (v.constructor?.name ?? 'object') : typeof v;
}

abstract class MaskField<R extends AnyConnectRecord> implements Transformation<R> {
  static readonly OVERVIEW_DOC = 'Mask specified fields with a valid null value for the field type (i.e. 0, false, empty string, and so on).';
  private maskedFields = new Set<string>();
  private replacement: string | null = null;

  protected constructor(private readonly side: Side) {}

  configure(props: Readonly<Record<string, string>>): void {
    const config = new SimpleConfig(CONFIG_DEF, props);
    this.maskedFields = new Set(config.getList('fields'));
    this.replacement = config.getString('replacement');
  }

  apply(record: R): R {
    const value = operatingValue(record, this.side);
    if (operatingSchema(record, this.side) === null) {
      const updated = new Map(requireMap(value, PURPOSE));
      for (const f of this.maskedFields) {
        if (updated.has(f)) updated.set(f, this.maskSchemaless(updated.get(f)));
      }
      return newRecordFor(record, this.side, null, updated);
    }
    const struct = requireStruct(value, PURPOSE);
    const updated = new Struct(struct.schema);
    for (const field of struct.schema.fields()) {
      const orig = struct.get(field);
      updated.put(field, this.maskedFields.has(field.name) ? this.maskWithSchema(field.schema, orig) : orig);
    }
    return newRecordFor(record, this.side, struct.schema, updated);
  }

  private maskSchemaless(value: unknown): unknown {
    if (value === null || value === undefined) return null;
    if (this.replacement === null) return emptyValue(value);
    if (typeof value === 'number') return replacementFor('number', this.replacement, value);
    if (typeof value === 'bigint') return replacementFor('bigint', this.replacement, value);
    if (typeof value === 'string') return this.replacement;
    if (value instanceof BigDecimal) return replacementFor('decimal', this.replacement, value);
    return replacementFor('BOOLEAN', this.replacement, value);
  }

  private maskWithSchema(schema: Schema, value: unknown): unknown {
    if (value === null || value === undefined) return null;
    // Kafka masks a decimal with BigDecimal.ZERO; here zero keeps the schema's scale so it still serializes.
    if (this.replacement === null && schema.name === Decimal.LOGICAL_NAME) return new BigDecimal(0n, Decimal.scale(schema));
    if (this.replacement === null) return emptyValue(value);
    if (schema.name === Decimal.LOGICAL_NAME) {
      return (replacementFor('decimal', this.replacement, value) as BigDecimal).setScale(Decimal.scale(schema));
    }
    if (value instanceof Date) throw new DataException(`Cannot mask value of type ${describe(value)} with custom replacement.`);
    return replacementFor(schema.type, this.replacement, value);
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  close(): void {}
}

/** org.apache.kafka.connect.transforms.MaskField$Key */
export class MaskFieldKey<R extends AnyConnectRecord = AnyConnectRecord> extends MaskField<R> {
  constructor() { super('key'); }
}

/** org.apache.kafka.connect.transforms.MaskField$Value */
export class MaskFieldValue<R extends AnyConnectRecord = AnyConnectRecord> extends MaskField<R> {
  constructor() { super('value'); }
}
