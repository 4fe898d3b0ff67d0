/**
 * Kafka's default header converter, SimpleHeaderConverter
 * (org.apache.kafka.connect.storage.SimpleHeaderConverter): a header value is written as its
 * string form in UTF-8 (Kafka's Values.convertToString) and read back by inferring the schema
 * from that string (Values.parseString): booleans, the smallest integer type, floats and
 * decimals, ISO dates/times/timestamps, arrays `[...]` and maps `{...}`, else a string. Both live
 * in api/data/value-strings.ts.
 */
import { Buffer } from 'node:buffer';
import type { ConverterConfigs, HeaderConverter } from '../api/converter.js';
import { NULL_SCHEMA_AND_VALUE, Schema } from '../api/data/schema.js';
import type { Schema as SchemaT, SchemaAndValue } from '../api/data/schema.js';
import { convertToString, parseString } from '../api/data/value-strings.js';

export class SimpleHeaderConverter implements HeaderConverter {
  configure(configs: ConverterConfigs): void {
    void configs;
  }

  fromConnectHeader(topic: string, headerKey: string, schema: SchemaT | null, value: unknown): Buffer | null {
    void topic;
    void headerKey;
    const text = convertToString(schema, value);
    return text === null ? null : Buffer.from(text, 'utf8');
  }

  toConnectHeader(topic: string, headerKey: string, bytes: Uint8Array | null): SchemaAndValue {
    void topic;
    void headerKey;
    if (bytes === null || bytes === undefined) return NULL_SCHEMA_AND_VALUE;
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
    if (text === '') return { schema: Schema.STRING_SCHEMA, value: text };
    try {
      return parseString(text);
    } catch {
      return { schema: Schema.BYTES_SCHEMA, value: bytes }; // Kafka keeps the raw bytes when parsing fails
    }
  }
}
