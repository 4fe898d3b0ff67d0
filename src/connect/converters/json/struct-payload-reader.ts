/**
 * Reads the payload of a STRUCT schema straight into a Struct, driven by the schema: the object's
 * keys are matched with the fields (the key expected next in schema order by its text as written,
 * any other by name), and the usual values (plain strings, integers that fit, numbers, booleans;
 * base64 Decimals and integral Timestamps) are read into their Connect values directly, without
 * the JsonNode tree (an object and a Map per JSON object, a node per value) the general path
 * builds and converts. Any other value of a field (null, nested objects, arrays, strings with
 * escapes, other logical types) is parsed as a JsonNode and converted by the general conversion,
 * and a field missing from the object too, so those give the general path's results. A payload of
 * any other schema (a key's int64, say) is read the same way as a single value.
 *
 * It gives up, returning undefined (NOT_READ for a single value), on anything unusual: a duplicate
 * or (out of order) escaped key, a value of a JSON type its field does not take, a number it does
 * not read exactly, malformed JSON, text after the envelope's closing brace, or any error at all;
 * the caller then runs the general path, which gives the same result or the same error (with
 * several bad fields, the general path's first).
 */
import { Buffer } from 'node:buffer';
import { BigDecimal, fromTwosComplementBytes } from '../../api/data/big-decimal.js';
import { ConnectDate, Decimal, Time, Timestamp } from '../../api/data/logical.js';
import { Field } from '../../api/data/schema.js';
import type { Schema } from '../../api/data/schema.js';
import { Struct } from '../../api/data/struct.js';
import { JsonParser, quote } from './json-node.js';
import type { JsonNode } from './json-node.js';

/** The general conversion of a field's node (undefined: the field is missing). */
export type ConvertNode = (schema: Schema, node: JsonNode | undefined) => unknown;

/** How a field's value is read. */
const enum Read {
  /** Parsed as a JsonNode and converted by the general conversion. */
  Node,
  Boolean,
  Int8,
  Int16,
  Int32,
  Int64,
  Float32,
  Float64,
  String,
  /** A Decimal written as base64 bytes. */
  DecimalBytes,
  /** A Timestamp (an integral number of milliseconds). */
  Timestamp,
}

interface FieldPlan {
  readonly field: Field;
  readonly read: Read;
  /** The key as written (`"name"`), to match the usual key order without reading the key. */
  readonly key: string;
  /** A Decimal's scale. */
  readonly scale: number;
}

interface StructPlan {
  readonly byName: ReadonlyMap<string, FieldPlan>;
  readonly inOrder: readonly FieldPlan[];
  readonly fields: readonly Field[];
}

const LOGICAL_NAMES = new Set<string>([Decimal.LOGICAL_NAME, ConnectDate.LOGICAL_NAME, Time.LOGICAL_NAME, Timestamp.LOGICAL_NAME]);

function readFor(schema: Schema): Read {
  if (schema.name !== null) {
    if (schema.name === Decimal.LOGICAL_NAME && schema.type === 'BYTES') return decimalScale(schema) === undefined ? Read.Node : Read.DecimalBytes;
    if (schema.name === Timestamp.LOGICAL_NAME && schema.type === 'INT64') return Read.Timestamp;
    if (LOGICAL_NAMES.has(schema.name)) return Read.Node;
  }
  switch (schema.type) {
    case 'BOOLEAN': return Read.Boolean;
    case 'INT8': return Read.Int8;
    case 'INT16': return Read.Int16;
    case 'INT32': return Read.Int32;
    case 'INT64': return Read.Int64;
    case 'FLOAT32': return Read.Float32;
    case 'FLOAT64': return Read.Float64;
    case 'STRING': return Read.String;
    default: return Read.Node;
  }
}

/** A Decimal schema's scale; undefined when its parameter is bad (the general path reports it). */
function decimalScale(schema: Schema): number | undefined {
  try {
    return Decimal.scale(schema);
  } catch {
    return undefined;
  }
}

function fieldPlan(field: Field): FieldPlan {
  const read = readFor(field.schema);
  return { field, read, key: quote(field.name), scale: read === Read.DecimalBytes ? decimalScale(field.schema)! : 0 };
}

const plans = new WeakMap<Schema, StructPlan>();

function planFor(schema: Schema): StructPlan {
  let plan = plans.get(schema);
  if (plan === undefined) {
    const byName = new Map<string, FieldPlan>();
    const inOrder = schema.fields().map(fieldPlan);
    for (const f of inOrder) byName.set(f.field.name, f);
    plan = { byName, inOrder, fields: schema.fields() };
    plans.set(schema, plan);
  }
  return plan;
}

/** The plans of top-level (not struct) values. */
const valuePlans = new WeakMap<Schema, FieldPlan>();

function valuePlanFor(schema: Schema): FieldPlan {
  let plan = valuePlans.get(schema);
  if (plan === undefined) {
    plan = fieldPlan(new Field('', 0, schema));
    valuePlans.set(schema, plan);
  }
  return plan;
}

/** Whether the schema's payload can be read here: a STRUCT that is not one of the logical types' names. */
export function readsStruct(schema: Schema): boolean {
  return schema.type === 'STRUCT' && (schema.name === null || !LOGICAL_NAMES.has(schema.name));
}

/** A plain base64 text, as the general path's check takes it. */
const BASE64_TEXT = /^[A-Za-z0-9+/]*={0,2}$/;
/** The value of each base64 character code (-1: not one). */
const BASE64_VALUES = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) BASE64_VALUES['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.charCodeAt(i)] = i;

/** Thrown inside the reader to give up; never escapes. */
const GIVE_UP: unique symbol = Symbol('give up');

class Reader {
  pos: number;
  constructor(readonly text: string, start: number) {
    this.pos = start;
  }

  skipWs(): void {
    const text = this.text;
    let i = this.pos;
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
    }
    this.pos = i;
  }

  /** A string without escapes at the position (after its opening quote is checked); gives up on an escape or control character. */
  plainString(): string {
    const text = this.text;
    const start = this.pos + 1;
    for (let i = start; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        this.pos = i + 1;
        return text.slice(start, i);
      }
      if (c === 0x5c || c < 0x20) throw GIVE_UP;
    }
    throw GIVE_UP;
  }

  /**
   * A string without escapes at the position (after its opening quote is checked), or null,
   * leaving the position, when it holds an escape; gives up on a control character or no end.
   */
  stringOrEscaped(): string | null {
    const text = this.text;
    const start = this.pos + 1;
    for (let i = start; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        this.pos = i + 1;
        return text.slice(start, i);
      }
      if (c === 0x5c) return null;
      if (c < 0x20) throw GIVE_UP;
    }
    throw GIVE_UP;
  }

  /**
   * The extent of a number literal at the position, as the general parser reads it
   * (`-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?`, not followed by another number character);
   * whether it is integral is told by `integral`.
   */
  integral = false;
  numberEnd(): number {
    const text = this.text;
    let i = this.pos;
    if (text.charCodeAt(i) === 0x2d) i++;
    const first = text.charCodeAt(i);
    if (first === 0x30) i++;
    else if (first >= 0x31 && first <= 0x39) {
      for (i++; i < text.length && isDigit(text.charCodeAt(i)); i++);
    } else throw GIVE_UP;
    this.integral = true;
    if (text.charCodeAt(i) === 0x2e) {
      if (!isDigit(text.charCodeAt(i + 1))) throw GIVE_UP;
      for (i += 2; i < text.length && isDigit(text.charCodeAt(i)); i++);
      this.integral = false;
    }
    const e = text.charCodeAt(i);
    if (e === 0x65 || e === 0x45) {
      let j = i + 1;
      const sign = text.charCodeAt(j);
      if (sign === 0x2b || sign === 0x2d) j++;
      if (!isDigit(text.charCodeAt(j))) throw GIVE_UP;
      for (j++; j < text.length && isDigit(text.charCodeAt(j)); j++);
      i = j;
      this.integral = false;
    }
    const next = text.charCodeAt(i);
    if (isDigit(next) || next === 0x2e || next === 0x65 || next === 0x45 || next === 0x2b || next === 0x2d) throw GIVE_UP;
    return i;
  }

  /** An integral literal of at most 15 digits (exact as a double) as a number; gives up on anything else. */
  smallInteger(): number {
    const text = this.text;
    const start = this.pos;
    const end = this.numberEnd();
    const negative = text.charCodeAt(start) === 0x2d;
    if (!this.integral || end - start - (negative ? 1 : 0) > 15) throw GIVE_UP;
    let n = 0;
    for (let i = negative ? start + 1 : start; i < end; i++) n = n * 10 + (text.charCodeAt(i) - 0x30);
    this.pos = end;
    return negative ? -n : n;
  }

  /** A number literal's text; gives up when there is none. */
  numberText(): string {
    const start = this.pos;
    const end = this.numberEnd();
    this.pos = end;
    return this.text.slice(start, end);
  }

  /**
   * A JSON string at the position holding padded base64 bytes (what the general path's check and
   * decoding take: [A-Za-z0-9+/]* then at most two '=', a multiple of 4 long), read as Java's
   * `new BigInteger(bytes)`; up to 6 bytes without a buffer. Gives up on anything else.
   */
  base64TwosComplement(): bigint {
    const text = this.text;
    const start = this.pos + 1;
    let end = start;
    while (end < text.length && text.charCodeAt(end) !== 0x22) end++;
    const length = end - start;
    if (end >= text.length || length === 0 || length % 4 !== 0) throw GIVE_UP;
    if (length > 8) {
      // More than 6 bytes: decoded as the general path does.
      const long = this.plainString();
      if (!BASE64_TEXT.test(long)) throw GIVE_UP;
      return fromTwosComplementBytes(Buffer.from(long, 'base64'));
    }
    let padding = 0;
    if (text.charCodeAt(end - 1) === 0x3d) padding = text.charCodeAt(end - 2) === 0x3d ? 2 : 1;
    // The 6-bit groups as one number (at most 48 bits: exact), then the padding's bits dropped.
    let bits = 0;
    for (let i = start; i < end - padding; i++) {
      const c = text.charCodeAt(i);
      const v = c < 128 ? BASE64_VALUES[c]! : -1;
      if (v < 0) throw GIVE_UP;
      bits = bits * 64 + v;
    }
    const bytes = (length / 4) * 3 - padding;
    // 2 padding characters leave 4 spare bits, 1 leaves 2.
    const value = Math.floor(bits / (padding === 2 ? 16 : padding === 1 ? 4 : 1));
    this.pos = end + 1;
    const signed = value >= 2 ** (8 * bytes - 1) ? value - 2 ** (8 * bytes) : value;
    return BigInt(signed);
  }

  /** Any value, parsed by the general parser at nesting depth `depth`. */
  node(depth: number): JsonNode {
    const parser = new JsonParser(this.text, this.pos);
    const node = parser.parseValue(depth);
    this.pos = parser.position;
    return node;
  }
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** A field's value read directly; gives up (throws GIVE_UP) on a value of another JSON type or one not read exactly here. */
function readValue(reader: Reader, plan: FieldPlan, convert: ConvertNode, depth: number): unknown {
  const c = reader.text.charCodeAt(reader.pos);
  if (plan.read === Read.Node || c === 0x6e /* null */) return convert(plan.field.schema, reader.node(depth));
  switch (plan.read) {
    case Read.Boolean:
      if (c === 0x74 && reader.text.startsWith('true', reader.pos)) {
        reader.pos += 4;
        return true;
      }
      if (c === 0x66 && reader.text.startsWith('false', reader.pos)) {
        reader.pos += 5;
        return false;
      }
      throw GIVE_UP;
    case Read.Int8: {
      const n = reader.smallInteger();
      if (n < -128 || n > 127) throw GIVE_UP;
      return n | 0;
    }
    case Read.Int16: {
      const n = reader.smallInteger();
      if (n < -32768 || n > 32767) throw GIVE_UP;
      return n | 0;
    }
    case Read.Int32: {
      const n = reader.smallInteger();
      if (n < -2147483648 || n > 2147483647) throw GIVE_UP;
      return n | 0; // "-0" is 0
    }
    case Read.Int64:
      return BigInt(reader.smallInteger());
    case Read.Timestamp:
      return new Date(reader.smallInteger()); // Timestamp.toLogical, at most 15 digits: a valid Date
    case Read.Float32:
      return Math.fround(Number(reader.numberText()));
    case Read.Float64:
      return Number(reader.numberText());
    case Read.String:
      if (c !== 0x22) throw GIVE_UP;
      return reader.stringOrEscaped() ?? convert(plan.field.schema, reader.node(depth));
    case Read.DecimalBytes:
      if (c !== 0x22) throw GIVE_UP;
      return new BigDecimal(reader.base64TwosComplement(), plan.scale);
    default:
      throw GIVE_UP;
  }
}

/** Whether the rest of `text` from the reader's position is the envelope's closing brace and whitespace. */
function atEnvelopeEnd(reader: Reader): boolean {
  reader.skipWs();
  if (reader.text.charCodeAt(reader.pos) !== 0x7d) return false; // more envelope keys, or malformed
  reader.pos++;
  reader.skipWs();
  return reader.pos === reader.text.length;
}

/** Fields below this index are marked seen in a number's bits, the rest in an array. */
const SEEN_BITS = 30;

/**
 * The Struct of `schema` (see readsStruct) whose payload starts at `start` in `text`, the payload
 * being followed by the envelope's closing brace and nothing but whitespace; undefined when it is
 * not read here (see the top of the file).
 */
export function readStructPayload(text: string, start: number, schema: Schema, convert: ConvertNode): Struct | undefined {
  try {
    const plan = planFor(schema);
    const inOrder = plan.inOrder;
    const reader = new Reader(text, start);
    reader.skipWs();
    if (text.charCodeAt(reader.pos) !== 0x7b) return undefined;
    reader.pos++;
    const struct = new Struct(schema);
    let seenBits = 0;
    const seenMore = inOrder.length > SEEN_BITS ? new Uint8Array(inOrder.length) : null;
    /** The field whose key is expected next (the fields are usually written in schema order). */
    let next = 0;
    reader.skipWs();
    if (text.charCodeAt(reader.pos) === 0x7d) reader.pos++;
    else {
      for (;;) {
        reader.skipWs();
        if (text.charCodeAt(reader.pos) !== 0x22) return undefined;
        let field: FieldPlan | undefined;
        const expected = next < inOrder.length ? inOrder[next]! : undefined;
        if (expected !== undefined && text.startsWith(expected.key, reader.pos)) {
          // The key's exact text as written (escapes included): that field's name.
          reader.pos += expected.key.length;
          field = expected;
        } else {
          field = plan.byName.get(reader.plainString());
        }
        reader.skipWs();
        if (text.charCodeAt(reader.pos) !== 0x3a) return undefined;
        reader.pos++;
        reader.skipWs();
        if (field === undefined) {
          reader.node(2); // a key the schema does not have: checked, then ignored
        } else {
          const index = field.field.index;
          // A duplicate key: the last one wins on the general path.
          if (index < SEEN_BITS) {
            if ((seenBits & (1 << index)) !== 0) return undefined;
            seenBits |= 1 << index;
          } else {
            if (seenMore![index] !== 0) return undefined;
            seenMore![index] = 1;
          }
          next = index + 1;
          struct.put(field.field, readValue(reader, field, convert, 2));
        }
        reader.skipWs();
        const c = text.charCodeAt(reader.pos++);
        if (c === 0x7d) break;
        if (c !== 0x2c) return undefined;
      }
    }
    for (const field of plan.fields) {
      const seen = field.index < SEEN_BITS ? (seenBits & (1 << field.index)) !== 0 : seenMore![field.index] !== 0;
      if (!seen) struct.put(field, convert(field.schema, undefined));
    }
    return atEnvelopeEnd(reader) ? struct : undefined;
  } catch {
    return undefined;
  }
}

/** What readValuePayload gives when it does not read the payload. */
export const NOT_READ: unique symbol = Symbol('not read');

/**
 * The Connect value of `schema` (any schema; a struct is read by readStructPayload) whose payload
 * starts at `start` in `text`, followed by the envelope's closing brace and nothing but
 * whitespace; NOT_READ when it is not read here. Values of the types above are read directly,
 * anything else parsed and converted by the general conversion.
 */
export function readValuePayload(text: string, start: number, schema: Schema, convert: ConvertNode): unknown {
  try {
    const plan = valuePlanFor(schema);
    const reader = new Reader(text, start);
    reader.skipWs();
    const value = readValue(reader, plan, convert, 1);
    return atEnvelopeEnd(reader) ? value : NOT_READ;
  } catch {
    return NOT_READ;
  }
}
