/**
 * Kafka Connect's logical types: a name and version on a primitive schema that give its values a
 * richer meaning. Names and encodings are Kafka's, so data interoperates with Kafka's converters:
 *
 *   Decimal    org.apache.kafka.connect.data.Decimal    BYTES, parameter "scale"; value BigDecimal;
 *              bytes are the big-endian two's-complement unscaled value (BigInteger.toByteArray)
 *   ConnectDate org.apache.kafka.connect.data.Date      INT32 days since the epoch; value a JS Date at
 *              midnight UTC (Kafka's org.apache.kafka.connect.data.Date; renamed to not shadow Date)
 *   Time       org.apache.kafka.connect.data.Time       INT32 milliseconds since midnight; value a JS
 *              Date on 1970-01-01 UTC
 *   Timestamp  org.apache.kafka.connect.data.Timestamp  INT64 milliseconds since the epoch; value a JS Date
 */
import { DataException } from '../errors.js';
import { BigDecimal, fromTwosComplementBytes, twosComplementBytes } from './big-decimal.js';
import type { Schema } from './schema.js';
import { SchemaBuilder } from './schema-builder.js';

const MILLIS_PER_DAY = 24 * 60 * 60 * 1000;

export const Decimal = {
  LOGICAL_NAME: 'org.apache.kafka.connect.data.Decimal',
  SCALE_FIELD: 'scale',

  builder(scale: number): SchemaBuilder {
    return SchemaBuilder.bytes().name(Decimal.LOGICAL_NAME).parameter(Decimal.SCALE_FIELD, String(scale)).version(1);
  },

  schema(scale: number): Schema {
    return Decimal.builder(scale).build();
  },

  /** The schema's scale parameter. */
  scale(schema: Schema): number {
    const s = schema.parameters?.get(Decimal.SCALE_FIELD);
    if (s === undefined) throw new DataException('Invalid Decimal schema: scale parameter not found.');
    if (!/^[+-]?\d+$/.test(s)) throw new DataException(`Invalid scale parameter found in Decimal schema: ${s}`);
    return Number(s);
  },

  /** The BYTES encoding of a decimal: its unscaled value as minimal big-endian two's complement. */
  fromLogical(schema: Schema, value: BigDecimal): Uint8Array {
    if (value.scale !== Decimal.scale(schema)) throw new DataException('BigDecimal has mismatching scale value for given Decimal schema');
    return twosComplementBytes(value.unscaled);
  },

  toLogical(schema: Schema, value: Uint8Array): BigDecimal {
    let unscaled: bigint;
    try {
      unscaled = fromTwosComplementBytes(value);
    } catch (e) {
      throw new DataException((e as Error).message, { cause: e });
    }
    return new BigDecimal(unscaled, Decimal.scale(schema));
  },
} as const;

function checkName(schema: Schema, name: string, what: string): void {
  if (schema.name !== name) throw new DataException(`Requested conversion of ${what} object but the schema does not match.`);
}

export const ConnectDate = {
  LOGICAL_NAME: 'org.apache.kafka.connect.data.Date',

  builder(): SchemaBuilder {
    return SchemaBuilder.int32().name(ConnectDate.LOGICAL_NAME).version(1);
  },

  SCHEMA: SchemaBuilder.int32().name('org.apache.kafka.connect.data.Date').version(1).build() as Schema,

  /** Days since the epoch; the Date must be at midnight UTC. */
  fromLogical(schema: Schema, value: Date): number {
    checkName(schema, ConnectDate.LOGICAL_NAME, 'Date');
    const ms = value.getTime();
    if (ms % MILLIS_PER_DAY !== 0) throw new DataException('Kafka Connect Date type should not have any time fields set to non-zero values.');
    return ms / MILLIS_PER_DAY;
  },

  toLogical(schema: Schema, value: number): Date {
    checkName(schema, ConnectDate.LOGICAL_NAME, 'Date');
    return new Date(value * MILLIS_PER_DAY);
  },
} as const;

export const Time = {
  LOGICAL_NAME: 'org.apache.kafka.connect.data.Time',

  builder(): SchemaBuilder {
    return SchemaBuilder.int32().name(Time.LOGICAL_NAME).version(1);
  },

  SCHEMA: SchemaBuilder.int32().name('org.apache.kafka.connect.data.Time').version(1).build() as Schema,

  /** Milliseconds since midnight; the Date must be on 1970-01-01 UTC. */
  fromLogical(schema: Schema, value: Date): number {
    checkName(schema, Time.LOGICAL_NAME, 'Time');
    const ms = value.getTime();
    if (ms < 0 || ms >= MILLIS_PER_DAY) throw new DataException('Kafka Connect Time type should not have any date fields set to non-zero values.');
    return ms;
  },

  toLogical(schema: Schema, value: number): Date {
    checkName(schema, Time.LOGICAL_NAME, 'Time');
    if (value < 0 || value > MILLIS_PER_DAY) throw new DataException(`Time values must use number of milliseconds greater than 0 and less than ${MILLIS_PER_DAY}`);
    return new Date(value);
  },
} as const;

export const Timestamp = {
  LOGICAL_NAME: 'org.apache.kafka.connect.data.Timestamp',

  builder(): SchemaBuilder {
    return SchemaBuilder.int64().name(Timestamp.LOGICAL_NAME).version(1);
  },

  SCHEMA: SchemaBuilder.int64().name('org.apache.kafka.connect.data.Timestamp').version(1).build() as Schema,

  /** Milliseconds since the epoch, as the INT64 representation (bigint). */
  fromLogical(schema: Schema, value: Date): bigint {
    checkName(schema, Timestamp.LOGICAL_NAME, 'Timestamp');
    return BigInt(value.getTime());
  },

  toLogical(schema: Schema, value: bigint | number): Date {
    checkName(schema, Timestamp.LOGICAL_NAME, 'Timestamp');
    return new Date(Number(value));
  },
} as const;

/** The logical type names Kafka ships. */
export const LOGICAL_TYPE_NAMES: readonly string[] = [Decimal.LOGICAL_NAME, ConnectDate.LOGICAL_NAME, Time.LOGICAL_NAME, Timestamp.LOGICAL_NAME];
