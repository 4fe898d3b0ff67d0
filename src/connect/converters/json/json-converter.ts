/**
 * Kafka's JsonConverter (org.apache.kafka.connect.json.JsonConverter): Connect data as JSON, by
 * default wrapped in Kafka's envelope {"schema": ..., "payload": ...} with Kafka's schema JSON.
 *
 * Settings (JsonConverterConfig): schemas.enable (default true), schemas.cache.size (default
 * 1000: how many schema texts read are kept with their Connect schema, see below), decimal.format
 * BASE64 (default) or NUMERIC, replace.null.with.default (default true), converter.type
 * (key/value/header; set by configure(configs, isKey)).
 *
 * Byte output matches Jackson's as Kafka configures it: schema keys in Kafka's order ("type",
 * then items / keys+values / fields, then "optional" (always), "name", "version", "doc",
 * "parameters", "default" when set; a struct field's schema ends with "field"), FLOAT64 and
 * FLOAT32 written as Java's Double.toString / Float.toString (1.0, 1.0E10), bytes as base64.
 *
 * Schemaless input (schemas.enable=false, or "schema": null) becomes plain values as Kafka does:
 * objects → Map, integers → bigint (INT64), other numbers → number (FLOAT64), strings, booleans,
 * arrays. Schemaless output accepts JS values: integer-valued numbers and bigints are written as
 * integers, other numbers as Java doubles, Map or plain objects as objects (non-string Map keys as
 * [key, value] pairs), Uint8Array as base64.
 *
 * Speed: the envelope's schema part is the same text for every record of a schema. Writing, that
 * text is made once per Schema object, and payloads are written straight to UTF-8 bytes in shared
 * buffers (struct-payload-writer.ts, json-byte-writer.ts). Reading a
 * compact envelope `{"schema":{...},"payload":...}` (what this converter and Kafka's write), the
 * schema text is looked up among those seen before (schemas.cache.size of them) and only the
 * payload is parsed; a new schema text is parsed and converted once. Anything else (whitespace,
 * other key order, extra keys, malformed input) takes the general path, so results and errors
 * are the same either way.
 *
 * Kafka differences: with a schema, a JSON node of the wrong kind (e.g. a string for int32) is a
 * DataException here, where Jackson would silently read 0/false/null.
 */
import { Buffer } from 'node:buffer';
import type { Converter, ConverterConfigs, HeaderConverter } from '../../api/converter.js';
import { DataException } from '../../api/errors.js';
import { BigDecimal } from '../../api/data/big-decimal.js';
import type { ConnectHeaders } from '../../api/data/headers.js';
import { ConnectDate, Decimal, Time, Timestamp } from '../../api/data/logical.js';
import { describeClass, matchesType, NULL_SCHEMA_AND_VALUE } from '../../api/data/schema.js';
import type { Schema, SchemaAndValue } from '../../api/data/schema.js';
import { SchemaBuilder } from '../../api/data/schema-builder.js';
import { Struct } from '../../api/data/struct.js';
import { booleanConfig, caseInsensitiveChoice, intConfig } from '../config-values.js';
import { base64Text, isInt, isIntegral, javaDoubleToString, javaFloatToString, JsonParser, NULL_NODE, nodeType, numberText, parseJson, quote, writeJson } from './json-node.js';
import type { JsonNode } from './json-node.js';
import { JsonByteWriter } from './json-byte-writer.js';
import { NOT_READ, readsStruct, readStructPayload, readValuePayload } from './struct-payload-reader.js';
import { StructPayloadWriter } from './struct-payload-writer.js';

export type DecimalFormat = 'BASE64' | 'NUMERIC';

export const JsonConverterConfig = {
  SCHEMAS_ENABLE_CONFIG: 'schemas.enable',
  SCHEMAS_ENABLE_DEFAULT: true,
  SCHEMAS_CACHE_SIZE_CONFIG: 'schemas.cache.size',
  SCHEMAS_CACHE_SIZE_DEFAULT: 1000,
  DECIMAL_FORMAT_CONFIG: 'decimal.format',
  DECIMAL_FORMAT_DEFAULT: 'BASE64' as DecimalFormat,
  REPLACE_NULL_WITH_DEFAULT_CONFIG: 'replace.null.with.default',
  REPLACE_NULL_WITH_DEFAULT_DEFAULT: true,
  TYPE_CONFIG: 'converter.type',
} as const;

const TYPE_NAMES: Record<Schema['type'], string> = {
  BOOLEAN: 'boolean', INT8: 'int8', INT16: 'int16', INT32: 'int32', INT64: 'int64', FLOAT32: 'float', FLOAT64: 'double',
  BYTES: 'bytes', STRING: 'string', ARRAY: 'array', MAP: 'map', STRUCT: 'struct',
};

const num = (text: string): JsonNode => ({ kind: 'number', text });
const str = (value: string): JsonNode => ({ kind: 'string', value });
const obj = (entries: Array<[string, JsonNode]> = []): JsonNode & { kind: 'object' } => ({ kind: 'object', fields: new Map(entries) });

const ENVELOPE_START = '{"schema":';
const PAYLOAD_KEY = ',"payload":';

/**
 * Where the JSON object starting at `start` ends (the index after its closing brace), found by
 * bracket counting outside strings without checking anything else; -1 when it is not an object or
 * does not end. The text found is then parsed, or compared with one that was.
 */
function objectTextEnd(text: string, start: number): number {
  if (text.charCodeAt(start) !== 0x7b) return -1;
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x7b || c === 0x5b) {
      depth++;
    } else if (c === 0x7d || c === 0x5d) {
      if (--depth === 0) return i + 1;
    }
  }
  return -1;
}

/**
 * The payload of a compact envelope, the value at `start` followed by the envelope's closing brace
 * and nothing but whitespace; undefined when the text is anything else or malformed.
 */
function parsePayload(text: string, start: number): JsonNode | undefined {
  try {
    const parser = new JsonParser(text, start);
    const payload = parser.parseValue(1);
    parser.skipWs();
    if (text.charCodeAt(parser.position) !== 0x7d) return undefined; // more keys, or malformed
    const end = new JsonParser(text, parser.position + 1);
    end.skipWs();
    return end.position === text.length ? payload : undefined;
  } catch {
    return undefined;
  }
}

/** Jackson's intValue()/longValue() of a number node: truncate toward zero, keep the low bits. */
function integerValue(node: JsonNode, bits: number): bigint {
  const text = (node as { text: string }).text;
  if (isIntegral(node)) return bits === 64 && text.length <= 18 ? BigInt(text) : BigInt.asIntN(bits, BigInt(text));
  return BigInt.asIntN(bits, truncatedInteger(parseDecimal(text)));
}

/** integerValue(node, 32) as a number; an integer literal in range without a BigInt. */
function int32Value(node: JsonNode): number {
  const text = (node as { text: string }).text;
  if (text.length <= 10 && isIntegral(node)) {
    const n = Number(text);
    if (n >= -2147483648 && n <= 2147483647) return n | 0; // | 0: "-0" is 0, as Number(0n)
  }
  return Number(integerValue(node, 32));
}

/** A JSON number as BigDecimal; an exponent beyond Java's int scale is a DataException as in Java. */
function parseDecimal(text: string): BigDecimal {
  try {
    return BigDecimal.parse(text);
  } catch (e) {
    throw new DataException(`Numeric value out of range: ${text.length > 40 ? `${text.slice(0, 40)}...` : text}`, { cause: e });
  }
}

/**
 * The integer part of a decimal, bounded so hostile exponents (1e-999999999, 1e999999999) cost
 * nothing: a scale beyond the digit count truncates to 0, and multiplying by 10^k with k >= 64
 * leaves the low 64 bits zero (10^k = 2^k * 5^k), which is all intValue()/longValue() keep.
 */
export function truncatedInteger(d: BigDecimal): bigint {
  const digits = (d.unscaled < 0n ? -d.unscaled : d.unscaled).toString().length;
  if (d.scale >= 0) return d.scale > digits ? 0n : d.unscaled / 10n ** BigInt(d.scale);
  return -d.scale >= 64 ? 0n : d.unscaled * 10n ** BigInt(-d.scale);
}

function decodeBase64(node: JsonNode): Uint8Array {
  if (node.kind === 'binary') return node.value;
  if (node.kind !== 'string' || node.value.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(node.value)) throw new DataException('Invalid bytes field');
  return new Uint8Array(Buffer.from(node.value, 'base64'));
}

export class JsonConverter implements Converter, HeaderConverter {
  private schemasEnabled: boolean = JsonConverterConfig.SCHEMAS_ENABLE_DEFAULT;
  private decimalFormat: DecimalFormat = JsonConverterConfig.DECIMAL_FORMAT_DEFAULT;
  private replaceNullWithDefault: boolean = JsonConverterConfig.REPLACE_NULL_WITH_DEFAULT_DEFAULT;
  /**
   * The envelope up to the payload (`{"schema":{...},"payload":` as bytes) for each schema written
   * so far (schemas are immutable; entries go with their Schema).
   */
  private readonly schemaTexts = new WeakMap<Schema, Uint8Array>();
  /** Where written records go: views of large shared buffers. */
  private readonly out = new JsonByteWriter();
  /** Writes payloads into `out` (made again by configure: it depends on the settings). */
  private payloadWriter = this.newPayloadWriter();
  /** Schema texts read (compact envelopes) and their Connect schemas, least recently used first. */
  private readonly readSchemas = new Map<string, Schema>();
  private readSchemasLimit: number = JsonConverterConfig.SCHEMAS_CACHE_SIZE_DEFAULT;
  /**
   * The envelope read last up to its payload (`{"schema":{...},"payload":` as bytes) and its
   * Connect schema (the usual case: every record of a topic has the same).
   */
  private lastReadSchema: { prefix: Buffer; schema: Schema } | null = null;

  /** Configures from the converter's own settings; `isKey` sets converter.type as Kafka does. */
  configure(configs: ConverterConfigs, isKey?: boolean): void {
    this.schemasEnabled = booleanConfig(configs, JsonConverterConfig.SCHEMAS_ENABLE_CONFIG, JsonConverterConfig.SCHEMAS_ENABLE_DEFAULT);
    this.readSchemasLimit = intConfig(configs, JsonConverterConfig.SCHEMAS_CACHE_SIZE_CONFIG, JsonConverterConfig.SCHEMAS_CACHE_SIZE_DEFAULT);
    this.readSchemas.clear();
    this.lastReadSchema = null;
    this.decimalFormat = caseInsensitiveChoice(configs, JsonConverterConfig.DECIMAL_FORMAT_CONFIG, JsonConverterConfig.DECIMAL_FORMAT_DEFAULT, ['BASE64', 'NUMERIC']);
    this.replaceNullWithDefault = booleanConfig(configs, JsonConverterConfig.REPLACE_NULL_WITH_DEFAULT_CONFIG, JsonConverterConfig.REPLACE_NULL_WITH_DEFAULT_DEFAULT);
    this.payloadWriter = this.newPayloadWriter();
    void isKey;
  }

  private newPayloadWriter(): StructPayloadWriter {
    return new StructPayloadWriter(this.out, (schema, value) => this.toJsonText(schema, value), {
      replaceNullWithDefault: this.replaceNullWithDefault,
      decimalBase64: this.decimalFormat === 'BASE64',
    });
  }

  fromConnectData(topic: string, headers: ConnectHeaders | null, schema: Schema | null, value: unknown): Buffer | null {
    void topic;
    void headers;
    if (schema === null) {
      if (value === null || value === undefined) return null;
      const payload = this.toJsonText(null, value);
      return Buffer.from(this.schemasEnabled ? `{"schema":null,"payload":${payload}}` : payload, 'utf8');
    }
    // The envelope's schema part is the same text for every record of a schema: written once per
    // Schema object (Kafka keeps a cache of converted schemas too), the payload per record.
    let prefix: Uint8Array | undefined;
    if (this.schemasEnabled) {
      prefix = this.schemaTexts.get(schema);
      if (prefix === undefined) {
        try {
          // A plain Uint8Array (not a Buffer): TypedArray.set copies from one in half the time.
          prefix = new Uint8Array(Buffer.from(`{"schema":${writeJson(this.asJsonSchema(schema) ?? NULL_NODE)},"payload":`, 'utf8'));
        } catch (e) {
          this.toJsonText(schema, value ?? null); // the payload's error first, as when it was written first
          throw e;
        }
        this.schemaTexts.set(schema, prefix);
      }
    }
    // Written straight into a buffer shared by many records (see json-byte-writer.ts).
    const out = this.out;
    out.begin();
    try {
      if (prefix !== undefined) out.bytes(prefix);
      this.payloadWriter.write(schema, value ?? null);
      if (prefix !== undefined) out.byte(0x7d);
    } catch (e) {
      out.abandon();
      throw e;
    }
    return out.end();
  }

  toConnectData(topic: string, headers: ConnectHeaders | null, bytes: Uint8Array | null): SchemaAndValue {
    void topic;
    void headers;
    if (bytes === null || bytes === undefined) return NULL_SCHEMA_AND_VALUE; // a tombstone
    if (this.schemasEnabled) {
      const read = this.readCompactEnvelope(bytes);
      if (read !== undefined) return read;
    }
    const json = parseJson(bytes);
    if (this.schemasEnabled) {
      if (json === undefined || json.kind !== 'object' || json.fields.size !== 2 || !json.fields.has('schema') || !json.fields.has('payload')) {
        throw new DataException('JsonConverter with schemas.enable requires "schema" and "payload" fields and may not contain additional fields.'
          + ' If you are trying to deserialize plain JSON data, set schemas.enable=false in your converter configuration.');
      }
      const schema = this.asConnectSchema(json.fields.get('schema')!);
      return { schema, value: this.convertToConnect(schema, json.fields.get('payload')) };
    }
    return { schema: null, value: this.convertToConnect(null, json) };
  }

  /**
   * The fast path of toConnectData for a compact envelope `{"schema":{...},"payload":...}`:
   * the schema text is looked up among those read before, only the payload is parsed. Returns
   * undefined for anything else, or anything malformed, which the general path then reads (and
   * rejects with its own message).
   */
  private readCompactEnvelope(bytes: Uint8Array): SchemaAndValue | undefined {
    const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const last = this.lastReadSchema;
    if (last !== null && buffer.length > last.prefix.length && buffer.compare(last.prefix, 0, last.prefix.length, 0, last.prefix.length) === 0) {
      // The same bytes up to the payload as an envelope read before: a JSON object ends where its
      // text does, and UTF-8 text splits cleanly before an ASCII character, so only the payload is read.
      return this.readPayload(buffer.toString('utf8', last.prefix.length), 0, last.schema);
    }
    const text = buffer.toString('utf8');
    if (!text.startsWith(ENVELOPE_START)) return undefined;
    const schemaStart = ENVELOPE_START.length;
    const schemaEnd = objectTextEnd(text, schemaStart);
    if (schemaEnd < 0 || !text.startsWith(PAYLOAD_KEY, schemaEnd)) return undefined;
    const schemaText = text.slice(schemaStart, schemaEnd);
    let schema = this.readSchemas.get(schemaText);
    let schemaNode: JsonNode | undefined;
    if (schema === undefined) {
      // A schema text not seen before: parsed in place (depth 1, as in the whole document).
      try {
        const schemaParser = new JsonParser(text, schemaStart);
        schemaNode = schemaParser.parseValue(1);
        if (schemaParser.position !== schemaEnd) return undefined;
      } catch {
        return undefined;
      }
    }
    const payloadStart = schemaEnd + PAYLOAD_KEY.length;
    const payload = parsePayload(text, payloadStart);
    if (payload === undefined) return undefined;
    // The document is a valid envelope: converting its schema fails exactly as on the general path.
    schema ??= this.asConnectSchema(schemaNode!)!;
    this.rememberReadSchema(schemaText, schema, Buffer.from(text.slice(0, payloadStart), 'utf8'));
    return { schema, value: this.convertToConnect(schema, payload) };
  }

  /**
   * The payload at `start` of `text` (an envelope's rest) for a schema read before: a struct read
   * straight into its Struct where struct-payload-reader.ts can, else parsed and converted.
   * Undefined when the text is not a compact envelope's payload and closing brace.
   */
  private readPayload(text: string, start: number, schema: Schema): SchemaAndValue | undefined {
    if (readsStruct(schema)) {
      const struct = readStructPayload(text, start, schema, this.convertNode);
      if (struct !== undefined) return { schema, value: struct };
    } else {
      const value = readValuePayload(text, start, schema, this.convertNode);
      if (value !== NOT_READ) return { schema, value };
    }
    const payload = parsePayload(text, start);
    return payload === undefined ? undefined : { schema, value: this.convertToConnect(schema, payload) };
  }

  private readonly convertNode = (schema: Schema, node: JsonNode | undefined): unknown => this.convertToConnect(schema, node);

  private rememberReadSchema(text: string, schema: Schema, prefix: Buffer): void {
    this.lastReadSchema = { prefix, schema };
    if (this.readSchemasLimit <= 0) return;
    this.readSchemas.delete(text);
    this.readSchemas.set(text, schema);
    if (this.readSchemas.size > this.readSchemasLimit) this.readSchemas.delete(this.readSchemas.keys().next().value!);
  }

  /**
   * The JSON text of a value: what writeJson(convertToJson(schema, value) ?? null) gives, with
   * structs and the usual field types written directly (no JSON tree); the same checks in the
   * same order, so the same errors.
   */
  private toJsonText(schema: Schema | null, value: unknown): string {
    if (schema === null || value === null || value === undefined) return writeJson(this.convertToJson(schema, value) ?? NULL_NODE);
    if (schema.name !== null) {
      const logical = this.logicalToJson(schema, value);
      if (logical !== undefined) return writeJson(logical);
    }
    if (!matchesType(schema.type, value)) throw new DataException(`Invalid type for ${schema.type}: ${describeClass(value)}`);
    switch (schema.type) {
      case 'INT8': case 'INT16': case 'INT32': return numberText(String(value));
      case 'INT64': return numberText((value as bigint).toString());
      case 'FLOAT32': return numberText(javaFloatToString(value as number));
      case 'FLOAT64': return numberText(javaDoubleToString(value as number));
      case 'BOOLEAN': return value ? 'true' : 'false';
      case 'STRING': return quote(value as string);
      case 'BYTES': return base64Text(value as Uint8Array);
      case 'STRUCT': {
        const struct = value as Struct;
        if (struct.schema !== schema && !struct.schema.equals(schema)) throw new DataException('Mismatching schema.');
        let out = '{';
        const fields = schema.fields();
        for (let i = 0; i < fields.length; i++) {
          const field = fields[i]!;
          const v = this.replaceNullWithDefault ? struct.get(field) : struct.getWithoutDefault(field);
          out += `${i === 0 ? '' : ','}${quote(field.name)}:${this.toJsonText(field.schema, v)}`;
        }
        return `${out}}`;
      }
      default: return writeJson(this.convertToJson(schema, value) ?? NULL_NODE);
    }
  }

  fromConnectHeader(topic: string, headerKey: string, schema: Schema | null, value: unknown): Buffer | null {
    void headerKey;
    return this.fromConnectData(topic, null, schema, value);
  }

  toConnectHeader(topic: string, headerKey: string, bytes: Uint8Array | null): SchemaAndValue {
    void headerKey;
    return this.toConnectData(topic, null, bytes);
  }

  /** Kafka's schema JSON for a Connect schema (null for no schema). */
  asJsonSchema(schema: Schema | null): (JsonNode & { kind: 'object' }) | null {
    if (schema === null) return null;
    const node = obj([['type', str(TYPE_NAMES[schema.type])]]);
    const f = node.fields;
    switch (schema.type) {
      case 'ARRAY':
        f.set('items', this.asJsonSchema(schema.valueSchema())!);
        break;
      case 'MAP':
        f.set('keys', this.asJsonSchema(schema.keySchema())!);
        f.set('values', this.asJsonSchema(schema.valueSchema())!);
        break;
      case 'STRUCT':
        f.set('fields', {
          kind: 'array',
          items: schema.fields().map((field) => {
            const fieldNode = this.asJsonSchema(field.schema)!;
            fieldNode.fields.set('field', str(field.name));
            return fieldNode;
          }),
        });
        break;
      default:
        break;
    }
    f.set('optional', { kind: 'boolean', value: schema.optional });
    if (schema.name !== null) f.set('name', str(schema.name));
    if (schema.version !== null) f.set('version', num(String(schema.version)));
    if (schema.doc !== null) f.set('doc', str(schema.doc));
    if (schema.parameters !== null) f.set('parameters', obj([...schema.parameters].map(([k, v]): [string, JsonNode] => [k, str(v)])));
    if (schema.defaultValue !== null) f.set('default', this.convertToJson(schema, schema.defaultValue) ?? NULL_NODE);
    return node;
  }

  /** A Connect schema from Kafka's schema JSON (null for a JSON null). */
  asConnectSchema(json: JsonNode): Schema | null {
    if (json.kind === 'null') return null;
    if (json.kind !== 'object') throw new DataException("Schema must contain 'type' field");
    const get = (k: string): JsonNode | undefined => json.fields.get(k);
    const typeNode = get('type');
    if (typeNode === undefined || typeNode.kind !== 'string') throw new DataException("Schema must contain 'type' field");
    let builder: SchemaBuilder;
    switch (typeNode.value) {
      case 'boolean': builder = SchemaBuilder.bool(); break;
      case 'int8': builder = SchemaBuilder.int8(); break;
      case 'int16': builder = SchemaBuilder.int16(); break;
      case 'int32': builder = SchemaBuilder.int32(); break;
      case 'int64': builder = SchemaBuilder.int64(); break;
      case 'float': builder = SchemaBuilder.float32(); break;
      case 'double': builder = SchemaBuilder.float64(); break;
      case 'bytes': builder = SchemaBuilder.bytes(); break;
      case 'string': builder = SchemaBuilder.string(); break;
      case 'array': {
        const items = get('items');
        if (items === undefined || items.kind === 'null') throw new DataException('Array schema did not specify the element type');
        builder = SchemaBuilder.array(this.asConnectSchema(items)!);
        break;
      }
      case 'map': {
        const keys = get('keys');
        if (keys === undefined) throw new DataException('Map schema did not specify the key type');
        const values = get('values');
        if (values === undefined) throw new DataException('Map schema did not specify the value type');
        const ks = this.asConnectSchema(keys);
        const vs = this.asConnectSchema(values);
        if (ks === null || vs === null) throw new DataException('Map schema did not specify the key type');
        builder = SchemaBuilder.map(ks, vs);
        break;
      }
      case 'struct': {
        builder = SchemaBuilder.struct();
        const fields = get('fields');
        if (fields === undefined || fields.kind !== 'array') throw new DataException('Struct schema\'s "fields" argument is not an array.');
        for (const field of fields.items) {
          const name = field.kind === 'object' ? field.fields.get('field') : undefined;
          if (name === undefined || name.kind !== 'string') throw new DataException("Struct schema's field name not specified properly");
          builder.field(name.value, this.asConnectSchema(field)!);
        }
        break;
      }
      default:
        throw new DataException(`Unknown schema type: ${typeNode.value}`);
    }
    const optional = get('optional');
    if (optional !== undefined && optional.kind === 'boolean' && optional.value) builder.optional();
    else builder.required();
    const name = get('name');
    if (name !== undefined && name.kind === 'string') builder.name(name.value);
    const version = get('version');
    if (version !== undefined && isIntegral(version)) builder.version(Number(integerValue(version, 32)));
    const doc = get('doc');
    if (doc !== undefined && doc.kind === 'string') builder.doc(doc.value);
    const params = get('parameters');
    if (params !== undefined && params.kind === 'object') {
      for (const [k, v] of params.fields) {
        if (v.kind !== 'string') throw new DataException('Schema parameters must have string values.');
        builder.parameter(k, v.value);
      }
    }
    const def = get('default');
    if (def !== undefined) builder.defaultValue(this.convertToConnect(builder.build(), def));
    return builder.build();
  }

  private convertToJson(schema: Schema | null, value: unknown): JsonNode | null {
    if (value === null || value === undefined) {
      if (schema === null) return null;
      if (schema.defaultValue !== null && this.replaceNullWithDefault) return this.convertToJson(schema, schema.defaultValue);
      if (schema.optional) return NULL_NODE;
      throw new DataException('Conversion error: null value for field that is required and has no default value');
    }
    if (schema !== null && schema.name !== null) {
      const logical = this.logicalToJson(schema, value);
      if (logical !== undefined) return logical;
    }
    if (schema === null) return this.schemalessToJson(value);
    if (!matchesType(schema.type, value)) throw new DataException(`Invalid type for ${schema.type}: ${describeClass(value)}`);
    switch (schema.type) {
      case 'INT8': case 'INT16': case 'INT32': return num(String(value));
      case 'INT64': return num((value as bigint).toString());
      case 'FLOAT32': return num(javaFloatToString(value as number));
      case 'FLOAT64': return num(javaDoubleToString(value as number));
      case 'BOOLEAN': return { kind: 'boolean', value: value as boolean };
      case 'STRING': return str(value as string);
      case 'BYTES': return { kind: 'binary', value: value as Uint8Array };
      case 'ARRAY': return { kind: 'array', items: (value as unknown[]).map((e) => this.convertToJson(schema.valueSchema(), e) ?? NULL_NODE) };
      case 'MAP': {
        const map = value as Map<unknown, unknown>;
        const objectMode = schema.keySchema().type === 'STRING';
        return this.mapToJson(map, objectMode, schema.keySchema(), schema.valueSchema());
      }
      case 'STRUCT': {
        const struct = value as Struct;
        if (!struct.schema.equals(schema)) throw new DataException('Mismatching schema.');
        const node = obj();
        for (const field of schema.fields()) {
          const v = this.replaceNullWithDefault ? struct.get(field) : struct.getWithoutDefault(field);
          node.fields.set(field.name, this.convertToJson(field.schema, v) ?? NULL_NODE);
        }
        return node;
      }
    }
  }

  private mapToJson(map: Map<unknown, unknown>, objectMode: boolean, keySchema: Schema | null, valueSchema: Schema | null): JsonNode {
    if (objectMode) {
      const node = obj();
      for (const [k, v] of map) {
        const key = this.convertToJson(keySchema, k);
        node.fields.set(key === null ? 'null' : asText(key), this.convertToJson(valueSchema, v) ?? NULL_NODE);
      }
      return node;
    }
    const items: JsonNode[] = [];
    for (const [k, v] of map) items.push({ kind: 'array', items: [this.convertToJson(keySchema, k) ?? NULL_NODE, this.convertToJson(valueSchema, v) ?? NULL_NODE] });
    return { kind: 'array', items };
  }

  private schemalessToJson(value: unknown): JsonNode {
    if (typeof value === 'boolean') return { kind: 'boolean', value };
    if (typeof value === 'string') return str(value);
    if (typeof value === 'bigint') return num(value.toString());
    if (typeof value === 'number') {
      if (Number.isInteger(value) && Math.abs(value) < 2 ** 63) return num(BigInt(value).toString());
      return num(javaDoubleToString(value));
    }
    if (value instanceof Uint8Array) return { kind: 'binary', value };
    if (Array.isArray(value)) return { kind: 'array', items: value.map((e) => this.convertToJson(null, e) ?? NULL_NODE) };
    if (value instanceof Map) {
      let objectMode = true;
      for (const k of value.keys()) if (typeof k !== 'string') objectMode = false;
      return this.mapToJson(value, objectMode, null, null);
    }
    if (value instanceof Struct) throw new DataException('Mismatching schema.');
    if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
      return this.mapToJson(new Map(Object.entries(value)), true, null, null);
    }
    throw new DataException(`Java ${describeClass(value)} does not have corresponding schema type.`);
  }

  private logicalToJson(schema: Schema, value: unknown): JsonNode | undefined {
    switch (schema.name) {
      case Decimal.LOGICAL_NAME:
        if (!(value instanceof BigDecimal)) throw new DataException(`Invalid type for Decimal, expected BigDecimal but was ${describeClass(value)}`);
        return this.decimalFormat === 'NUMERIC' ? num(value.toString()) : { kind: 'binary', value: Decimal.fromLogical(schema, value) };
      case ConnectDate.LOGICAL_NAME:
        if (!(value instanceof Date)) throw new DataException(`Invalid type for Date, expected Date but was ${describeClass(value)}`);
        return num(String(ConnectDate.fromLogical(schema, value)));
      case Time.LOGICAL_NAME:
        if (!(value instanceof Date)) throw new DataException(`Invalid type for Time, expected Date but was ${describeClass(value)}`);
        return num(String(Time.fromLogical(schema, value)));
      case Timestamp.LOGICAL_NAME:
        if (!(value instanceof Date)) throw new DataException(`Invalid type for Timestamp, expected Date but was ${describeClass(value)}`);
        return num(Timestamp.fromLogical(schema, value).toString());
      default:
        return undefined;
    }
  }

  private convertToConnect(schema: Schema | null, json: JsonNode | undefined): unknown {
    if (schema !== null) {
      if (json === undefined || json.kind === 'null') {
        if (schema.defaultValue !== null && this.replaceNullWithDefault) return schema.defaultValue;
        if (schema.optional) return null;
        throw new DataException(`Invalid null value for required ${schema.type} field`);
      }
      if (schema.name !== null) {
        const logical = this.logicalToConnect(schema, json);
        if (logical !== undefined) return logical;
      }
      return this.typedToConnect(schema, json);
    }
    if (json === undefined) return null;
    switch (json.kind) {
      case 'null': return null;
      case 'boolean': return json.value;
      case 'number': return isIntegral(json) ? integerValue(json, 64) : Number(json.text);
      case 'string': return json.value;
      case 'array': return json.items.map((e) => this.convertToConnect(null, e));
      case 'object': {
        const m = new Map<string, unknown>();
        for (const [k, v] of json.fields) m.set(k, this.convertToConnect(null, v));
        return m;
      }
      case 'binary': throw new DataException('Unknown schema type: null');
    }
  }

  private typedToConnect(schema: Schema, json: JsonNode): unknown {
    const expect = (kind: JsonNode['kind']): void => {
      if (json.kind !== kind) throw new DataException(`Invalid JSON for ${schema.type} field: expected ${kind.toUpperCase()} but found ${nodeType(json)}`);
    };
    switch (schema.type) {
      case 'BOOLEAN': expect('boolean'); return (json as { value: boolean }).value;
      case 'INT8': expect('number'); return Number(BigInt.asIntN(8, integerValue(json, 32)));
      case 'INT16': expect('number'); return Number(BigInt.asIntN(16, integerValue(json, 32)));
      case 'INT32': expect('number'); return int32Value(json);
      case 'INT64': expect('number'); return integerValue(json, 64);
      case 'FLOAT32': expect('number'); return Math.fround(Number((json as { text: string }).text));
      case 'FLOAT64': expect('number'); return Number((json as { text: string }).text);
      case 'BYTES': return decodeBase64(json);
      case 'STRING': expect('string'); return (json as { value: string }).value;
      case 'ARRAY': {
        expect('array');
        return (json as { items: JsonNode[] }).items.map((e) => this.convertToConnect(schema.valueSchema(), e));
      }
      case 'MAP': {
        const result = new Map<unknown, unknown>();
        if (schema.keySchema().type === 'STRING') {
          if (json.kind !== 'object') throw new DataException(`Maps with string fields should be encoded as JSON objects, but found ${nodeType(json)}`);
          for (const [k, v] of json.fields) result.set(k, this.convertToConnect(schema.valueSchema(), v));
        } else {
          if (json.kind !== 'array') throw new DataException(`Maps with non-string fields should be encoded as JSON array of tuples, but found ${nodeType(json)}`);
          for (const entry of json.items) {
            if (entry.kind !== 'array') throw new DataException(`Found invalid map entry instead of array tuple: ${nodeType(entry)}`);
            if (entry.items.length !== 2) throw new DataException(`Found invalid map entry, expected length 2 but found :${entry.items.length}`);
            result.set(this.convertToConnect(schema.keySchema(), entry.items[0]), this.convertToConnect(schema.valueSchema(), entry.items[1]));
          }
        }
        return result;
      }
      case 'STRUCT': {
        if (json.kind !== 'object') throw new DataException(`Structs should be encoded as JSON objects, but found ${nodeType(json)}`);
        const struct = new Struct(schema);
        for (const field of schema.fields()) struct.put(field, this.convertToConnect(field.schema, json.fields.get(field.name)));
        return struct;
      }
    }
  }

  private logicalToConnect(schema: Schema, json: JsonNode): unknown {
    switch (schema.name) {
      case Decimal.LOGICAL_NAME:
        if (json.kind === 'number') return parseDecimal(json.text);
        if (json.kind === 'binary' || json.kind === 'string') {
          try {
            return Decimal.toLogical(schema, decodeBase64(json));
          } catch (e) {
            throw new DataException('Invalid bytes for Decimal field', { cause: e });
          }
        }
        throw new DataException(`Invalid type for Decimal, underlying representation should be numeric or bytes but was ${nodeType(json)}`);
      case ConnectDate.LOGICAL_NAME:
        if (!isInt(json)) throw new DataException(`Invalid type for Date, underlying representation should be integer but was ${nodeType(json)}`);
        return ConnectDate.toLogical(schema, Number((json as { text: string }).text));
      case Time.LOGICAL_NAME:
        if (!isInt(json)) throw new DataException(`Invalid type for Time, underlying representation should be integer but was ${nodeType(json)}`);
        return Time.toLogical(schema, Number((json as { text: string }).text));
      case Timestamp.LOGICAL_NAME:
        if (!isIntegral(json)) throw new DataException(`Invalid type for Timestamp, underlying representation should be integral but was ${nodeType(json)}`);
        return Timestamp.toLogical(schema, integerValue(json, 64));
      default:
        return undefined;
    }
  }
}

/** Jackson's asText() for a node used as an object key. */
function asText(node: JsonNode): string {
  switch (node.kind) {
    case 'string': return node.value;
    case 'number': return node.text;
    case 'boolean': return String(node.value);
    case 'null': return 'null';
    case 'binary': return Buffer.from(node.value).toString('base64');
    default: return '';
  }
}
