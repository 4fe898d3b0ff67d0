/**
 * Kafka's ByteArrayConverter (org.apache.kafka.connect.converters.ByteArrayConverter): bytes pass
 * through untouched; the schema, if any, must be BYTES; reading gives an optional-bytes schema.
 */
import { Buffer } from 'node:buffer';
import type { Converter, ConverterConfigs, HeaderConverter } from '../api/converter.js';
import { DataException } from '../api/errors.js';
import type { ConnectHeaders } from '../api/data/headers.js';
import { describeClass, Schema } from '../api/data/schema.js';
import type { Schema as SchemaT, SchemaAndValue } from '../api/data/schema.js';

export class ByteArrayConverter implements Converter, HeaderConverter {
  configure(configs: ConverterConfigs, isKey?: boolean): void {
    void configs;
    void isKey;
  }

  fromConnectData(topic: string, headers: ConnectHeaders | null, schema: SchemaT | null, value: unknown): Buffer | null {
    void topic;
    void headers;
    if (schema !== null && schema.type !== 'BYTES') throw new DataException(`Invalid schema type for ByteArrayConverter: ${schema.type}`);
    if (value !== null && value !== undefined && !(value instanceof Uint8Array)) {
      throw new DataException(`ByteArrayConverter is not compatible with objects of type ${describeClass(value)}`);
    }
    if (value === null || value === undefined) return null;
    return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  }

  toConnectData(topic: string, headers: ConnectHeaders | null, bytes: Uint8Array | null): SchemaAndValue {
    void topic;
    void headers;
    return { schema: Schema.OPTIONAL_BYTES_SCHEMA, value: bytes ?? null };
  }

  fromConnectHeader(topic: string, headerKey: string, schema: SchemaT | null, value: unknown): Buffer | null {
    void headerKey;
    return this.fromConnectData(topic, null, schema, value);
  }

  toConnectHeader(topic: string, headerKey: string, bytes: Uint8Array | null): SchemaAndValue {
    void headerKey;
    return this.toConnectData(topic, null, bytes);
  }
}
