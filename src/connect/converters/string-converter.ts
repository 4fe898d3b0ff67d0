/**
 * Kafka's StringConverter (org.apache.kafka.connect.storage.StringConverter): any value is
 * written as its string form in `converter.encoding` (default UTF-8); bytes are read back as an
 * optional string. Encodings are Java names mapped to Node's: UTF-8/UTF8, UTF-16LE, UTF-16 (read
 * as big-endian with BOM detection is not supported: use UTF-16BE/UTF-16LE), ISO-8859-1, US-ASCII.
 */
import { Buffer } from 'node:buffer';
import type { Converter, ConverterConfigs, HeaderConverter } from '../api/converter.js';
import { ConfigException } from '../api/errors.js';
import type { ConnectHeaders } from '../api/data/headers.js';
import { Schema } from '../api/data/schema.js';
import type { Schema as SchemaT, SchemaAndValue } from '../api/data/schema.js';
import { valueToString } from '../api/data/values.js';

export const StringConverterConfig = {
  ENCODING_CONFIG: 'converter.encoding',
  ENCODING_DEFAULT: 'UTF-8',
} as const;

type Codec = { encode(s: string): Buffer; decode(b: Uint8Array): string };

function nodeCodec(enc: BufferEncoding): Codec {
  return {
    encode: (s) => Buffer.from(s, enc),
    decode: (b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString(enc),
  };
}

const utf16be: Codec = {
  encode: (s) => {
    const b = Buffer.from(s, 'utf16le');
    return b.swap16();
  },
  decode: (b) => Buffer.from(b).swap16().toString('utf16le'),
};

/** The codec for a Java charset name, or a ConfigException. */
export function charset(name: string): Codec {
  switch (name.trim().toUpperCase().replace(/_/g, '-')) {
    case 'UTF-8': case 'UTF8': return nodeCodec('utf8');
    case 'UTF-16LE': case 'UTF16LE': return nodeCodec('utf16le');
    case 'UTF-16BE': case 'UTF16BE': return utf16be;
    case 'ISO-8859-1': case 'ISO8859-1': case 'LATIN1': return nodeCodec('latin1');
    case 'US-ASCII': case 'ASCII': return nodeCodec('ascii');
    default: throw new ConfigException(`Invalid value ${name} for configuration ${StringConverterConfig.ENCODING_CONFIG}: unsupported encoding`);
  }
}

export class StringConverter implements Converter, HeaderConverter {
  private codec: Codec = charset(StringConverterConfig.ENCODING_DEFAULT);

  configure(configs: ConverterConfigs, isKey?: boolean): void {
    void isKey;
    this.codec = charset(configs[StringConverterConfig.ENCODING_CONFIG] ?? StringConverterConfig.ENCODING_DEFAULT);
  }

  fromConnectData(topic: string, headers: ConnectHeaders | null, schema: SchemaT | null, value: unknown): Buffer | null {
    void topic;
    void headers;
    void schema;
    if (value === null || value === undefined) return null;
    return this.codec.encode(typeof value === 'string' ? value : valueToString(value));
  }

  toConnectData(topic: string, headers: ConnectHeaders | null, bytes: Uint8Array | null): SchemaAndValue {
    void topic;
    void headers;
    return { schema: Schema.OPTIONAL_STRING_SCHEMA, value: bytes === null || bytes === undefined ? null : this.codec.decode(bytes) };
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
