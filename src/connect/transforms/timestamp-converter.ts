/**
 * TimestampConverter (org.apache.kafka.connect.transforms.TimestampConverter$Key / $Value):
 * converts a timestamp between a formatted string (`string`), epoch number (`unix`), and the
 * Connect logical types `Date`, `Time` and `Timestamp` — for the whole key/value (`field` empty,
 * the default) or one field of a Struct/Map.
 *
 *   target.type     string | unix | Date | Time | Timestamp (required)
 *   format          SimpleDateFormat pattern (subset, UTC: see date-format.ts); required when
 *                   converting to or from string
 *   unix.precision  seconds | milliseconds (default) | microseconds | nanoseconds — the unit of
 *                   unix values read and written
 *
 * Input type: from the schema (Timestamp/Date/Time logical names, STRING, INT64) or, schemaless,
 * from the value: Date → Timestamp, bigint or integer number → unix, string → string. `Date`
 * output keeps only the day; `Time` only the time of day. Unix output is a bigint (Kafka's Long).
 * A null value stays null (the output schema is then optional).
 */
import { ConfigException, ConnectException, DataException } from '../api/errors.js';
import type { AnyConnectRecord, Transformation } from '../api/transformation.js';
import type { Schema } from '../api/data/schema.js';
import { Schema as Schemas } from '../api/data/schema.js';
import { SchemaBuilder } from '../api/data/schema-builder.js';
import { Struct } from '../api/data/struct.js';
import { ConnectDate, Time, Timestamp } from '../api/data/logical.js';
import { ConfigDef, LambdaValidator, ValidString, invalidConfigValue } from '../api/config-def.js';
import { SimpleConfig } from './simple-config.js';
import { SimpleDateFormat } from './date-format.js';
import { SchemaCache, copySchemaBasics, newRecordFor, operatingSchema, operatingValue, requireMap, requireStruct } from './util.js';
import type { Side } from './util.js';

const PURPOSE = 'converting timestamp formats';
const TYPES = ['string', 'unix', 'Date', 'Time', 'Timestamp'] as const;
type TimestampType = typeof TYPES[number];
const MILLIS_PER_DAY = 86_400_000;

const CONFIG_DEF = new ConfigDef()
  .define('field', 'STRING', { defaultValue: '', importance: 'HIGH', documentation: 'The field containing the timestamp, or empty if the entire value is a timestamp' })
  .define('target.type', 'STRING', {
    validator: LambdaValidator.with((name, value) => {
      if (!(TYPES as readonly string[]).includes(value as string)) {
        throw invalidConfigValue(name, value, `Unknown timestamp type in TimestampConverter: ${String(value)}. Valid values are ${TYPES.join(', ')}.`);
      }
    }, () => `[${TYPES.join(', ')}]`),
    importance: 'HIGH',
    documentation: 'The desired timestamp representation: string, unix, Date, Time, or Timestamp',
  })
  .define('format', 'STRING', { defaultValue: '', importance: 'MEDIUM', documentation: 'A SimpleDateFormat-compatible format for the timestamp. Used to generate the output when type=string or used to parse the input if the input is a string.' })
  .define('unix.precision', 'STRING', {
    defaultValue: 'milliseconds',
    validator: ValidString.in('nanoseconds', 'microseconds', 'milliseconds', 'seconds'),
    importance: 'LOW',
    documentation: 'The desired Unix precision for the timestamp: seconds, milliseconds, microseconds, or nanoseconds. Used to generate the output when type=unix or used to parse the input if the input is a Long. This SMT will cause precision loss during conversions from, and to, values with sub-millisecond components.',
  });

abstract class TimestampConverter<R extends AnyConnectRecord> implements Transformation<R> {
  static readonly OVERVIEW_DOC = 'Convert timestamps between different formats such as Unix epoch, strings, and Connect Date/Timestamp types. Applies to individual fields or to the entire value.';
  private field = '';
  private targetType: TimestampType = 'Timestamp';
  private format: SimpleDateFormat | null = null;
  private precision = 'milliseconds';
  private readonly schemaCache = new SchemaCache();

  protected constructor(private readonly side: Side) {}

  configure(props: Readonly<Record<string, string>>): void {
    const config = new SimpleConfig(CONFIG_DEF, props);
    this.field = config.getString('field')!;
    this.targetType = config.getString('target.type') as TimestampType;
    const pattern = config.getString('format')!;
    this.precision = config.getString('unix.precision')!;
    if (this.targetType === 'string' && pattern.trim() === '') {
      throw new ConfigException('TimestampConverter requires format option to be specified when using string timestamps');
    }
    this.format = pattern.trim() === '' ? null : new SimpleDateFormat(pattern);
    this.schemaCache.clear();
  }

  apply(record: R): R {
    const schema = operatingSchema(record, this.side);
    const value = operatingValue(record, this.side);
    return schema === null ? this.applySchemaless(record, value) : this.applyWithSchema(record, schema, value);
  }

  private applyWithSchema(record: R, schema: Schema, value: unknown): R {
    if (this.field === '') {
      const updatedSchema = this.typeSchema(schema.optional);
      return newRecordFor(record, this.side, updatedSchema, this.convert(value, typeFromSchema(schema)));
    }
    const struct = value === null || value === undefined ? null : requireStruct(value, PURPOSE);
    const updatedSchema = this.schemaCache.getOrCompute(schema, () => {
      const builder = copySchemaBasics(schema, SchemaBuilder.struct());
      for (const f of schema.fields()) {
        builder.field(f.name, f.name === this.field ? this.typeSchema(f.schema.optional) : f.schema);
      }
      return builder.build();
    });
    if (struct === null) return newRecordFor(record, this.side, updatedSchema, null);
    const updated = new Struct(updatedSchema);
    for (const f of schema.fields()) {
      const v = struct.get(f);
      updated.put(f.name, f.name === this.field ? this.convert(v, typeFromSchema(f.schema)) : v);
    }
    return newRecordFor(record, this.side, updatedSchema, updated);
  }

  private applySchemaless(record: R, value: unknown): R {
    if (this.field === '') return newRecordFor(record, this.side, null, this.convert(value, null));
    if (value === null || value === undefined) return record;
    const updated = new Map(requireMap(value, PURPOSE));
    updated.set(this.field, this.convert(updated.get(this.field) ?? null, null));
    return newRecordFor(record, this.side, null, updated);
  }

  private typeSchema(optional: boolean): Schema {
    switch (this.targetType) {
      case 'string': return optional ? Schemas.OPTIONAL_STRING_SCHEMA : Schemas.STRING_SCHEMA;
      case 'unix': return optional ? Schemas.OPTIONAL_INT64_SCHEMA : Schemas.INT64_SCHEMA;
      case 'Date': return optional ? ConnectDate.builder().optional().build() : ConnectDate.SCHEMA;
      case 'Time': return optional ? Time.builder().optional().build() : Time.SCHEMA;
      case 'Timestamp': return optional ? Timestamp.builder().optional().build() : Timestamp.SCHEMA;
    }
  }

  /** The value in the target representation; `from` null means infer from the value. */
  private convert(value: unknown, from: TimestampType | null): unknown {
    if (value === null || value === undefined) return null;
    const source = from ?? inferType(value);
    const millis = this.toMillis(value, source);
    return this.fromMillis(millis);
  }

  private toMillis(value: unknown, type: TimestampType): number {
    switch (type) {
      case 'string': {
        if (typeof value !== 'string') throw new DataException(`Expected string timestamp to be a String, but found ${typeof value}`);
        if (this.format === null) throw new ConnectException('TimestampConverter requires format option to be specified when using string timestamps');
        return this.format.parse(value).getTime();
      }
      case 'unix': {
        if (typeof value !== 'bigint' && !(typeof value === 'number' && Number.isInteger(value))) {
          throw new DataException(`Expected Unix timestamp to be a Long, but found ${typeof value}`);
        }
        const n = BigInt(value);
        switch (this.precision) {
          case 'seconds': return Number(n * 1000n);
          case 'microseconds': return Number(n / 1000n);
          case 'nanoseconds': return Number(n / 1_000_000n);
          default: return Number(n);
        }
      }
      default:
        if (!(value instanceof Date)) throw new DataException(`Expected ${type} to be a java.util.Date (a JS Date), but found ${typeof value}`);
        return value.getTime();
    }
  }

  private fromMillis(ms: number): unknown {
    switch (this.targetType) {
      case 'string': return this.format!.format(new Date(ms));
      case 'unix': {
        const n = BigInt(ms);
        switch (this.precision) {
          case 'seconds': return n / 1000n; // TimeUnit conversion: truncates toward zero
          case 'microseconds': return n * 1000n;
          case 'nanoseconds': return n * 1_000_000n;
          default: return n;
        }
      }
      case 'Date': return new Date(ms - mod(ms, MILLIS_PER_DAY));
      case 'Time': return new Date(mod(ms, MILLIS_PER_DAY));
      case 'Timestamp': return new Date(ms);
    }
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  close(): void {
    this.schemaCache.clear();
  }
}

function mod(a: number, b: number): number {
  return ((a % b) + b) % b;
}

function typeFromSchema(schema: Schema): TimestampType {
  if (schema.name === Timestamp.LOGICAL_NAME) return 'Timestamp';
  if (schema.name === ConnectDate.LOGICAL_NAME) return 'Date';
  if (schema.name === Time.LOGICAL_NAME) return 'Time';
  if (schema.type === 'STRING') return 'string';
  if (schema.type === 'INT64') return 'unix';
  throw new ConnectException(`Schema ${schema.toString()} does not correspond to a known timestamp type format`);
}

function inferType(value: unknown): TimestampType {
  if (value instanceof Date) return 'Timestamp';
  if (typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value))) return 'unix';
  if (typeof value === 'string') return 'string';
  throw new DataException(`TimestampConverter does not support ${typeof value === 'object' && value !== null ? `class ${value.constructor.name}` : typeof value} objects as timestamps`);
}

/** org.apache.kafka.connect.transforms.TimestampConverter$Key */
export class TimestampConverterKey<R extends AnyConnectRecord = AnyConnectRecord> extends TimestampConverter<R> {
  constructor() { super('key'); }
}

/** org.apache.kafka.connect.transforms.TimestampConverter$Value */
export class TimestampConverterValue<R extends AnyConnectRecord = AnyConnectRecord> extends TimestampConverter<R> {
  constructor() { super('value'); }
}
