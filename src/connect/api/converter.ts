/**
 * The converter SPI (Kafka's org.apache.kafka.connect.storage.Converter and HeaderConverter):
 * converters turn Connect data (schema + value) into the bytes stored in Kafka and back.
 * `configure` receives the converter's own settings with the prefix already stripped (for
 * `value.converter.schemas.enable=false` it sees `schemas.enable`).
 */
import type { ConnectHeaders } from './data/headers.js';
import type { Schema, SchemaAndValue } from './data/schema.js';

export type ConverterConfigs = Readonly<Record<string, string>>;

export interface Converter {
  configure(configs: ConverterConfigs, isKey: boolean): void;
  /** Bytes for Kafka, or null (a null key, or a tombstone value). Input bytes may be any Uint8Array. */
  fromConnectData(topic: string, headers: ConnectHeaders | null, schema: Schema | null, value: unknown): Buffer | null;
  toConnectData(topic: string, headers: ConnectHeaders | null, bytes: Uint8Array | null): SchemaAndValue;
  close?(): void;
}

export interface HeaderConverter {
  configure(configs: ConverterConfigs): void;
  fromConnectHeader(topic: string, headerKey: string, schema: Schema | null, value: unknown): Buffer | null;
  toConnectHeader(topic: string, headerKey: string, bytes: Uint8Array | null): SchemaAndValue;
  close?(): void;
}
