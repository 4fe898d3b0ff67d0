/**
 * The string forms of Connect values (Kafka's org.apache.kafka.connect.data.Values
 * `convertToString` and `parseString`), used by SimpleHeaderConverter and InsertHeader.
 *
 * Writing: strings as they are, numbers as Java prints them (FLOAT32/FLOAT64 `1.0`, `1.0E20`),
 * booleans, Decimal as BigDecimal.toString, bytes as base64, arrays `[1,2]`, maps `{"a":1}`,
 * structs `{"field":value,...}`; inside arrays, maps and structs strings and bytes are quoted
 * (`"` and `\` escaped by a backslash) and null is `null`. A Date prints by its instant, as in
 * Kafka: before 1970-01-02 as a time `HH:mm:ss.SSS'Z'`, at a midnight as a date `yyyy-MM-dd`,
 * otherwise as a timestamp `yyyy-MM-dd'T'HH:mm:ss.SSS'Z'` (always UTC here).
 *
 * Parsing infers the schema: `true`/`false` BOOLEAN, `null` null, whole numbers the smallest of
 * INT8/INT16/INT32/INT64, other numbers FLOAT32 (or FLOAT64, else Decimal when out of range), the
 * three ISO formats Date/Time/Timestamp, `[...]` arrays and `{k:v,...}` maps (quoted strings,
 * nesting; the element/key/value schema is the common numeric widening of the entries, and none
 * when they differ or are all null), else the whole text as a STRING. Kafka's tokenizer quirks are
 * kept: only the first token of a top-level number is read (`12:30` is INT8 12), escapes are not
 * removed from quoted strings, and an array or map that cannot be parsed is a STRING.
 */
import { Buffer } from 'node:buffer';
import { DataException } from '../errors.js';
import { BigDecimal } from './big-decimal.js';
import { javaDoubleToString, javaFloatToString } from './java-number-format.js';
import { ConnectDate, Decimal, Time, Timestamp } from './logical.js';
import { ConnectSchema, NULL_SCHEMA_AND_VALUE, Schema, describeClass } from './schema.js';
import type { Schema as SchemaT, SchemaAndValue, SchemaType } from './schema.js';
import { SchemaBuilder } from './schema-builder.js';
import { Struct } from './struct.js';

const MILLIS_PER_DAY = 86_400_000;
const ISO_DATE_LENGTH = 'yyyy-MM-dd'.length;
const ISO_TIME_LENGTH = 'HH:mm:ss.SSSZ'.length;
const ISO_TIMESTAMP_LENGTH = 'yyyy-MM-ddTHH:mm:ss.SSSZ'.length;

// ---------------------------------------------------------------- writing

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

function isoDate(d: Date): string {
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

function isoTime(d: Date): string {
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}Z`;
}

/** Kafka's Values.dateFormatFor: the format is chosen by the instant, not by the schema. */
export function formatDate(value: Date): string {
  const ms = value.getTime();
  if (ms < MILLIS_PER_DAY) return isoTime(value);
  if (ms % MILLIS_PER_DAY === 0) return isoDate(value);
  return `${isoDate(value)}T${isoTime(value)}`;
}

function escape(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

function numberText(schema: SchemaT | null, value: number): string {
  if (schema?.type === 'FLOAT32') return javaFloatToString(value);
  if (schema?.type === 'FLOAT64' || !Number.isInteger(value)) return javaDoubleToString(value);
  return String(value);
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

function append(out: string[], schema: SchemaT | null, value: unknown, embedded: boolean): void {
  if (value === null || value === undefined) out.push('null');
  else if (typeof value === 'number') out.push(numberText(schema, value));
  else if (typeof value === 'bigint' || typeof value === 'boolean') out.push(String(value));
  else if (value instanceof BigDecimal) out.push(value.toString());
  else if (typeof value === 'string') out.push(embedded ? `"${escape(value)}"` : value);
  else if (value instanceof Uint8Array) out.push(embedded ? `"${base64(value)}"` : base64(value));
  else if (Array.isArray(value)) {
    const element = schema?.type === 'ARRAY' ? schema.valueSchema() ?? null : null;
    out.push('[');
    value.forEach((v, i) => {
      if (i > 0) out.push(',');
      append(out, element, v, true);
    });
    out.push(']');
  } else if (value instanceof Map) {
    const keySchema = schema?.type === 'MAP' ? schema.keySchema() ?? null : null;
    const valueSchema = schema?.type === 'MAP' ? schema.valueSchema() ?? null : null;
    out.push('{');
    let first = true;
    for (const [k, v] of value) {
      if (!first) out.push(',');
      first = false;
      append(out, keySchema, k, true);
      out.push(':');
      append(out, valueSchema, v, true);
    }
    out.push('}');
  } else if (value instanceof Struct) {
    out.push('{');
    value.schema.fields().forEach((field, i) => {
      if (i > 0) out.push(',');
      append(out, null, field.name, true);
      out.push(':');
      append(out, field.schema, value.get(field), true);
    });
    out.push('}');
  } else if (value instanceof Date) out.push(formatDate(value));
  else throw new DataException(`Failed to serialize unexpected value type ${describeClass(value).replace(/^class /, '')}: ${String(value)}`);
}

/**
 * Kafka's Values.convertToString: the string form of `value` (null for null). The schema only
 * picks the text of JavaScript numbers (FLOAT32/FLOAT64 print as Java floats/doubles; without a
 * schema an integral number prints as an integer).
 */
export function convertToString(schema: SchemaT | null, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const out: string[] = [];
  append(out, schema, value, false);
  return out.join('');
}

// ---------------------------------------------------------------- parsing

/** Java's String.trim: strips characters up to U+0020 at both ends. */
function javaTrim(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text.charCodeAt(start) <= 0x20) start++;
  while (end > start && text.charCodeAt(end - 1) <= 0x20) end--;
  return text.slice(start, end);
}

const DELIMITERS = new Set([':', ',', '{', '}', '[', ']', '"']);

/** Kafka's Values.Parser: tokens split at unescaped delimiters, each delimiter its own token. */
class Tokenizer {
  private index = 0;
  private nextToken: string | null = null;
  private previousToken: string | null = null;

  constructor(readonly original: string) {}

  position(): number {
    return this.index;
  }

  mark(): number {
    return this.index - (this.nextToken?.length ?? 0);
  }

  rewindTo(position: number): void {
    this.index = position;
    this.nextToken = null;
    this.previousToken = null;
  }

  hasNext(): boolean {
    return this.nextToken !== null || this.index < this.original.length;
  }

  next(): string {
    if (this.nextToken !== null) {
      this.previousToken = this.nextToken;
      this.nextToken = null;
    } else {
      this.previousToken = this.consumeNextToken();
    }
    return this.previousToken;
  }

  /** The text of the next `n` tokens, or null (position unchanged) when there are fewer. */
  nextTokens(n: number): string | null {
    const start = this.mark();
    for (let i = 0; i < n; i++) {
      if (!this.hasNext()) {
        this.rewindTo(start);
        return null;
      }
      this.next();
    }
    return this.original.slice(start, this.index);
  }

  previous(): string | null {
    return this.previousToken;
  }

  /** Consumes the next token when it is `expected` (whitespace around it, and blank tokens before it, ignored). */
  canConsume(expected: string): boolean {
    if (this.nextToken === null) {
      if (!this.hasNext()) return false;
      this.nextToken = this.consumeNextToken();
    }
    while (javaTrim(this.nextToken) === '' && this.index < this.original.length) this.nextToken = this.consumeNextToken();
    if (javaTrim(this.nextToken) !== expected) return false;
    this.nextToken = null;
    return true;
  }

  private consumeNextToken(): string {
    let escaped = false;
    const start = this.index;
    while (this.index < this.original.length) {
      const c = this.original[this.index]!;
      if (c === '\\') {
        escaped = !escaped;
      } else if (DELIMITERS.has(c)) {
        if (!escaped) {
          if (start < this.index) return this.original.slice(start, this.index);
          this.index++;
          return c;
        }
        escaped = false;
      } else {
        escaped = false;
      }
      this.index++;
    }
    return this.original.slice(start, this.index);
  }
}

const NUMERIC_WIDENING: Readonly<Partial<Record<SchemaType, readonly SchemaType[]>>> = {
  INT8: [],
  INT16: ['INT8'],
  INT32: ['INT8', 'INT16'],
  INT64: ['INT8', 'INT16', 'INT32'],
  FLOAT32: ['INT8', 'INT16', 'INT32', 'INT64'],
  FLOAT64: ['INT8', 'INT16', 'INT32', 'INT64', 'FLOAT32'],
};

/** Kafka's Values.mergeSchemas: a schema for values of both, or null. */
function mergeSchemas(previous: SchemaT, latest: SchemaT): SchemaT | null {
  if (previous.type !== latest.type) {
    const narrower = NUMERIC_WIDENING[previous.type];
    if (narrower === undefined) return null;
    if (narrower.includes(latest.type)) return previous;
    if (NUMERIC_WIDENING[latest.type]?.includes(previous.type)) return latest;
    return null;
  }
  if (previous.optional === latest.optional) return previous.optional ? previous : latest;
  return previous.equals(latest) ? previous : null;
}

/** Kafka's Values.SchemaMerger: the common schema of the parsed entries of an array or map. */
class SchemaMerger {
  private common: SchemaT | null = null;
  private compatible = true;

  merge(latest: SchemaAndValue | null): void {
    if (latest === null || latest.schema === null || !this.compatible) return;
    if (this.common === null) {
      this.common = latest.schema;
    } else {
      this.common = mergeSchemas(this.common, latest.schema);
      this.compatible = this.common !== null;
    }
  }

  schema(): SchemaT | null {
    return this.common;
  }
}

function wrapToBits(value: bigint, bits: number): number {
  return Number(BigInt.asIntN(bits, value));
}

function asBigInt(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? BigInt(Math.trunc(value)) : 0n;
  if (value instanceof BigDecimal) return value.scale <= 0 ? value.unscaled * 10n ** BigInt(-value.scale) : value.unscaled / 10n ** BigInt(value.scale);
  throw new DataException(`Unable to convert ${String(value)} (${describeClass(value)}) to a number`);
}

function asDouble(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof BigDecimal) return value.toNumber();
  throw new DataException(`Unable to convert ${String(value)} (${describeClass(value)}) to a number`);
}

/**
 * Kafka's Values.convertTo for what parsing produces: aligns each entry of a parsed array or map
 * with the common schema (numbers widened, logical dates kept or made from numbers).
 */
function align(to: SchemaT, value: unknown): unknown {
  if (value === null || value === undefined) {
    if (to.optional) return null;
    throw new DataException('Unable to convert a null value to a schema that requires a value');
  }
  if (value instanceof Date && (to.name === ConnectDate.LOGICAL_NAME || to.name === Time.LOGICAL_NAME || to.name === Timestamp.LOGICAL_NAME)) return value;
  switch (to.type) {
    case 'INT8': return wrapToBits(asBigInt(value), 8);
    case 'INT16': return wrapToBits(asBigInt(value), 16);
    case 'INT32': {
      const n = wrapToBits(asBigInt(value), 32);
      if (to.name === ConnectDate.LOGICAL_NAME) return ConnectDate.toLogical(to, n);
      if (to.name === Time.LOGICAL_NAME) return Time.toLogical(to, n);
      return n;
    }
    case 'INT64': {
      const n = BigInt.asIntN(64, asBigInt(value));
      return to.name === Timestamp.LOGICAL_NAME ? Timestamp.toLogical(to, n) : n;
    }
    case 'FLOAT32': return Math.fround(asDouble(value));
    case 'FLOAT64': return asDouble(value);
    case 'BOOLEAN': if (typeof value === 'boolean') return value; break;
    case 'STRING': return convertToString(null, value);
    case 'BYTES': if (value instanceof BigDecimal || value instanceof Uint8Array) return value; break;
    case 'ARRAY': if (Array.isArray(value)) return value; break;
    case 'MAP': if (value instanceof Map) return value; break;
    case 'STRUCT': if (value instanceof Struct) return value; break;
  }
  throw new DataException(`Unable to convert ${String(value)} (${describeClass(value)}) to ${String(to)}`);
}

const TRUE: SchemaAndValue = Object.freeze({ schema: Schema.BOOLEAN_SCHEMA, value: true });
const FALSE: SchemaAndValue = Object.freeze({ schema: Schema.BOOLEAN_SCHEMA, value: false });

function utcDate(year: number, month: number, day: number, hours = 0, minutes = 0, seconds = 0, millis = 0): Date {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hours, minutes, seconds, millis);
  return d;
}

/** One of Kafka's three ISO formats, told apart by length (an escaped `\:` counts as `:`). */
function parseAsTemporal(text: string): SchemaAndValue | null {
  const token = text.replaceAll('\\:', ':');
  let m: RegExpExecArray | null;
  if (token.length === ISO_TIME_LENGTH && (m = /^(\d{2}):(\d{2}):(\d{2})\.(\d{3})Z$/.exec(token)) !== null) {
    return { schema: Time.SCHEMA, value: utcDate(1970, 1, 1, +m[1]!, +m[2]!, +m[3]!, +m[4]!) };
  }
  if (token.length === ISO_TIMESTAMP_LENGTH && (m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{3})Z$/.exec(token)) !== null) {
    return { schema: Timestamp.SCHEMA, value: utcDate(+m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!, +m[6]!, +m[7]!) };
  }
  if (token.length === ISO_DATE_LENGTH && (m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(token)) !== null) {
    return { schema: ConnectDate.SCHEMA, value: utcDate(+m[1]!, +m[2]!, +m[3]!) };
  }
  return null;
}

/** Kafka's parseAsNumber: the smallest integer type for whole numbers up to 1e19, else FLOAT32, FLOAT64 or Decimal. */
function parseAsNumber(token: string): SchemaAndValue | null {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(token)) return null;
  let d: BigDecimal;
  try {
    d = BigDecimal.parse(token);
  } catch {
    return null; // the exponent does not fit Java's int scale: NumberFormatException in Kafka
  }
  const magnitude = d.unscaled < 0n ? -d.unscaled : d.unscaled;
  if (magnitude !== 0n) {
    const digits = magnitude.toString().length;
    const exponent = digits - 1 - d.scale; // of the leading digit
    const biggerThanLong = exponent > 19 || (exponent === 19 && magnitude !== 10n ** BigInt(digits - 1));
    const whole = exponent >= 0 && !biggerThanLong && (d.scale <= 0 || magnitude % 10n ** BigInt(d.scale) === 0n);
    if (whole) {
      const v = asBigInt(d);
      if (v >= -128n && v <= 127n) return { schema: Schema.INT8_SCHEMA, value: Number(v) };
      if (v >= -32768n && v <= 32767n) return { schema: Schema.INT16_SCHEMA, value: Number(v) };
      if (v >= -2147483648n && v <= 2147483647n) return { schema: Schema.INT32_SCHEMA, value: Number(v) };
      if (v >= -(1n << 63n) && v < 1n << 63n) return { schema: Schema.INT64_SCHEMA, value: v };
    }
  } else {
    return { schema: Schema.INT8_SCHEMA, value: 0 };
  }
  const dbl = Number(d.toString());
  if (d.scale !== 0 && Number.isFinite(Math.fround(dbl))) return { schema: Schema.FLOAT32_SCHEMA, value: Math.fround(dbl) };
  if (d.scale !== 0 && Number.isFinite(dbl)) return { schema: Schema.FLOAT64_SCHEMA, value: dbl };
  return { schema: Decimal.schema(d.scale), value: d };
}

/** Kafka's Values.ValueParser over one tokenizer. */
class ValueParser {
  constructor(private readonly tokens: Tokenizer) {}

  /** The next value; null for `null` or the end of input. */
  parse(embedded: boolean): SchemaAndValue | null {
    const p = this.tokens;
    if (!p.hasNext()) return null;
    if (embedded && p.canConsume('"')) return this.parseQuotedString();
    if (this.canParseLiteral(embedded, 'null')) return null;
    if (this.canParseLiteral(embedded, 'true')) return TRUE;
    if (this.canParseLiteral(embedded, 'false')) return FALSE;
    const start = p.mark();
    try {
      if (p.canConsume('[')) return this.parseArray();
      if (p.canConsume('{')) return this.parseMap();
    } catch (e) {
      if (!(e instanceof DataException)) throw e;
      p.rewindTo(start); // not an array or map after all: read it as a plain token
    }
    const token = p.next();
    if (javaTrim(token) === '') return { schema: Schema.STRING_SCHEMA, value: token };
    return this.parseToken(embedded, javaTrim(token));
  }

  /** A literal is only that when embedded or when nothing follows it (`true}` is a string). */
  private canParseLiteral(embedded: boolean, literal: string): boolean {
    const p = this.tokens;
    const start = p.mark();
    if (p.canConsume(literal) && (embedded || !p.hasNext())) return true;
    p.rewindTo(start);
    return false;
  }

  private parseToken(embedded: boolean, token: string): SchemaAndValue {
    const first = token[0]!;
    const isDigit = first >= '0' && first <= '9';
    if (isDigit) {
      // A time or timestamp spans 5 tokens (its unescaped colons are delimiters).
      const p = this.tokens;
      const position = p.mark();
      const remainder = p.nextTokens(4);
      const temporal = remainder === null ? null : parseAsTemporal(token + remainder);
      if (temporal !== null) return temporal;
      p.rewindTo(position);
      const single = parseAsTemporal(token);
      if (single !== null) return single;
    }
    if (isDigit || first === '+' || first === '-') {
      const number = parseAsNumber(token);
      if (number !== null) return number;
    }
    if (embedded) throw new DataException('Failed to parse embedded value');
    return { schema: Schema.STRING_SCHEMA, value: this.tokens.original };
  }

  private parseQuotedString(): SchemaAndValue {
    const p = this.tokens;
    let content = '';
    while (p.hasNext()) {
      if (p.canConsume('"')) break;
      content += p.next();
    }
    return parseAsTemporal(content) ?? { schema: Schema.STRING_SCHEMA, value: content };
  }

  private parseArray(): SchemaAndValue {
    const p = this.tokens;
    let result: unknown[] = [];
    const elementSchema = new SchemaMerger();
    while (p.hasNext()) {
      if (p.canConsume(']')) {
        const common = elementSchema.schema();
        if (common === null) return { schema: new ConnectSchema({ type: 'ARRAY' }), value: result }; // no common element schema
        result = result.map((v) => align(common, v));
        return { schema: SchemaBuilder.array(common).build(), value: result };
      }
      if (p.canConsume(',')) throw new DataException(`Unable to parse an empty array element: ${p.original}`);
      const element = this.parse(true);
      elementSchema.merge(element);
      result.push(element === null ? null : element.value);
      const current = p.mark();
      if (p.canConsume(']')) p.rewindTo(current);
      else if (!p.canConsume(',')) throw new DataException('Array elements missing \',\' delimiter');
    }
    if (p.previous() === ',') throw new DataException(`Array is missing element after ',': ${p.original}`);
    throw new DataException(`Array is missing terminating ']': ${p.original}`);
  }

  private parseMap(): SchemaAndValue {
    const p = this.tokens;
    let result = new Map<unknown, unknown>();
    const keySchema = new SchemaMerger();
    const valueSchema = new SchemaMerger();
    while (p.hasNext()) {
      if (p.canConsume('}')) {
        const k = keySchema.schema();
        const v = valueSchema.schema();
        if (k !== null && v !== null) {
          result = new Map([...result].map(([key, value]) => [align(k, key), align(v, value)]));
          return { schema: SchemaBuilder.map(k, v).build(), value: result };
        }
        if (k !== null) {
          result = new Map([...result].map(([key, value]) => [align(k, key), value]));
          return { schema: new ConnectSchema({ type: 'MAP', keySchema: k }), value: result };
        }
        return { schema: new ConnectSchema({ type: 'MAP' }), value: result };
      }
      if (p.canConsume(',')) throw new DataException(`Unable to parse a map entry with no key or value: ${p.original}`);
      const key = this.parse(true);
      if (key === null || key.value === null) throw new DataException(`Map entry may not have a null key: ${p.original}`);
      if (!p.canConsume(':')) throw new DataException(`Map entry is missing ':' at ${p.position()} in ${p.original}`);
      const value = this.parse(true);
      result.set(key.value, value === null ? null : value.value);
      p.canConsume(',');
      keySchema.merge(key);
      valueSchema.merge(value);
    }
    if (p.previous() === ',') throw new DataException(`Map is missing element after ',': ${p.original}`);
    throw new DataException(`Map is missing terminating '}': ${p.original}`);
  }
}

/**
 * Kafka's Values.parseString: the schema and value a string represents (see the file comment).
 * Never throws for any input; `null` gives a null schema and value.
 */
export function parseString(text: string | null): SchemaAndValue {
  if (text === null) return NULL_SCHEMA_AND_VALUE;
  if (text === '') return { schema: Schema.STRING_SCHEMA, value: text };
  return new ValueParser(new Tokenizer(text)).parse(false) ?? NULL_SCHEMA_AND_VALUE;
}
