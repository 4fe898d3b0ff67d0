/**
 * Kafka's default header converter, SimpleHeaderConverter
 * (org.apache.kafka.connect.storage.SimpleHeaderConverter): header values are written as their
 * string form in UTF-8 and read back by inferring the simplest schema (Kafka's Values.parseString).
 *
 * Implemented: strings; booleans ("true"/"false"); numbers — whole numbers get the smallest of
 * INT8/INT16/INT32/INT64 ("1.0" and "1e3" are whole), other finite numbers FLOAT32 as in Kafka,
 * then FLOAT64, then Decimal; bytes written as base64; logical Date/Time/Timestamp written in
 * Kafka's ISO formats (yyyy-MM-dd, HH:mm:ss.SSS'Z', yyyy-MM-dd'T'HH:mm:ss.SSS'Z').
 * Not yet: Kafka's parsing of arrays "[...]", maps "{...}" and temporal strings — these come back
 * as STRING; writing arrays, maps and structs uses schemaless JSON, which is close to but not
 * verified against Kafka's Values.convertToString.
 */
import type { ConverterConfigs, HeaderConverter } from '../api/converter.js';
import { BigDecimal } from '../api/data/big-decimal.js';
import { ConnectDate, Decimal, Time } from '../api/data/logical.js';
import { NULL_SCHEMA_AND_VALUE, Schema } from '../api/data/schema.js';
import type { Schema as SchemaT, SchemaAndValue } from '../api/data/schema.js';
import { JsonConverter } from './json/json-converter.js';
import { javaDoubleToString, javaFloatToString } from './json/json-node.js';

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

function isoDate(d: Date): string {
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

function isoTime(d: Date): string {
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}Z`;
}

/** The string form of a header value (the part of Kafka's Values.convertToString implemented here). */
export function headerValueToString(schema: SchemaT | null, value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (typeof value === 'number') {
    if (schema?.type === 'FLOAT32') return javaFloatToString(value);
    if (schema?.type === 'FLOAT64' || !Number.isInteger(value)) return javaDoubleToString(value);
    return String(value);
  }
  if (value instanceof BigDecimal) return value.toString();
  if (value instanceof Date) {
    if (schema?.name === ConnectDate.LOGICAL_NAME) return isoDate(value);
    if (schema?.name === Time.LOGICAL_NAME) return isoTime(value);
    return `${isoDate(value)}T${isoTime(value)}`;
  }
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  const json = new JsonConverter();
  json.configure({ 'schemas.enable': 'false' });
  return Buffer.from(json.fromConnectData('', null, schema, value) ?? new Uint8Array()).toString('utf8');
}

/** The schema and value Kafka's Values.parseString infers for the scalar forms implemented here. */
export function parseHeaderString(text: string): SchemaAndValue {
  if (text === '') return { schema: Schema.STRING_SCHEMA, value: text };
  if (text === 'true' || text === 'false') return { schema: Schema.BOOLEAN_SCHEMA, value: text === 'true' };
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) {
    const d = BigDecimal.parse(text);
    const digits = (d.unscaled < 0n ? -d.unscaled : d.unscaled).toString().length;
    // Bounded so hostile exponents stay cheap: a whole number needs scale <= digits, and one with
    // more than 20 digits cannot be an INT64 anyway.
    const whole = d.unscaled === 0n || (d.scale <= 0 ? digits - d.scale <= 20 : d.scale <= digits && d.unscaled % 10n ** BigInt(d.scale) === 0n);
    if (whole) {
      const v = d.unscaled === 0n ? 0n : d.scale <= 0 ? d.unscaled * 10n ** BigInt(-d.scale) : d.unscaled / 10n ** BigInt(d.scale);
      if (v >= -128n && v <= 127n) return { schema: Schema.INT8_SCHEMA, value: Number(v) };
      if (v >= -32768n && v <= 32767n) return { schema: Schema.INT16_SCHEMA, value: Number(v) };
      if (v >= -2147483648n && v <= 2147483647n) return { schema: Schema.INT32_SCHEMA, value: Number(v) };
      if (v >= -(1n << 63n) && v < 1n << 63n) return { schema: Schema.INT64_SCHEMA, value: v };
    }
    const dbl = Number(d.toString());
    if (d.scale !== 0 && Number.isFinite(Math.fround(dbl))) return { schema: Schema.FLOAT32_SCHEMA, value: Math.fround(dbl) };
    if (d.scale !== 0 && Number.isFinite(dbl)) return { schema: Schema.FLOAT64_SCHEMA, value: dbl };
    return { schema: Decimal.schema(d.scale), value: d };
  }
  return { schema: Schema.STRING_SCHEMA, value: text };
}

export class SimpleHeaderConverter implements HeaderConverter {
  configure(configs: ConverterConfigs): void {
    void configs;
  }

  fromConnectHeader(topic: string, headerKey: string, schema: SchemaT | null, value: unknown): Buffer | null {
    void topic;
    void headerKey;
    if (value === null || value === undefined) return null;
    return Buffer.from(headerValueToString(schema, value), 'utf8');
  }

  toConnectHeader(topic: string, headerKey: string, bytes: Uint8Array | null): SchemaAndValue {
    void topic;
    void headerKey;
    if (bytes === null || bytes === undefined) return NULL_SCHEMA_AND_VALUE;
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
    try {
      return parseHeaderString(text);
    } catch {
      return { schema: Schema.STRING_SCHEMA, value: text };
    }
  }
}
