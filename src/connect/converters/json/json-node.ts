/**
 * A small JSON tree that keeps number literals as text, so int64 values and decimals survive
 * exactly (JSON.parse would turn 9223372036854775807 into a double), plus a parser and a writer
 * that produces the same bytes as Jackson's default compact output, which Kafka's JsonConverter
 * uses: no whitespace, object keys in insertion order, control characters escaped with upper-case
 * hex (\u001F), "/" and non-ASCII left as is, binary as standard padded base64, and
 * NaN/Infinity as quoted strings (Jackson's QUOTE_NON_NUMERIC_NUMBERS default).
 */
import { Buffer } from 'node:buffer';
import { DataException } from '../../api/errors.js';

export type JsonNode =
  | { readonly kind: 'null' }
  | { readonly kind: 'boolean'; readonly value: boolean }
  | { readonly kind: 'number'; readonly text: string }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'binary'; readonly value: Uint8Array }
  | { readonly kind: 'array'; readonly items: JsonNode[] }
  | { readonly kind: 'object'; readonly fields: Map<string, JsonNode> };

export const NULL_NODE: JsonNode = Object.freeze({ kind: 'null' });

/** Jackson's JsonNodeType name for messages ("NUMBER", "STRING", "OBJECT", ...). */
export function nodeType(node: JsonNode | undefined): string {
  if (node === undefined) return 'MISSING';
  return node.kind === 'boolean' ? 'BOOLEAN' : node.kind.toUpperCase();
}

/** An integer literal (no fraction or exponent), i.e. Jackson's isIntegralNumber(). */
export function isIntegral(node: JsonNode): boolean {
  return node.kind === 'number' && !/[.eE]/.test(node.text);
}

/** An integral literal that fits in 32 bits, i.e. Jackson's isInt(). */
export function isInt(node: JsonNode): boolean {
  if (!isIntegral(node)) return false;
  const v = BigInt((node as { text: string }).text);
  return v >= -2147483648n && v <= 2147483647n;
}

// ---------------------------------------------------------------- writing

const HEX = '0123456789ABCDEF';
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** A JSON string literal, escaped as Jackson escapes it. */
export function quote(s: string): string {
  // Most strings need no escaping: one scan, then one concatenation.
  let i = 0;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c) break;
  }
  if (i === s.length) return `"${s}"`;
  let out = `"${s.slice(0, i)}`;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c < 0x20) {
      if (c === 0x08) out += '\\b';
      else if (c === 0x09) out += '\\t';
      else if (c === 0x0a) out += '\\n';
      else if (c === 0x0c) out += '\\f';
      else if (c === 0x0d) out += '\\r';
      else out += `\\u00${HEX[c >> 4]}${HEX[c & 15]}`;
    } else out += s[i];
  }
  return `${out}"`;
}

/** A number literal as written: NaN and the infinities quoted (Jackson's QUOTE_NON_NUMERIC_NUMBERS). */
export function numberText(text: string): string {
  return text === 'NaN' || text === 'Infinity' || text === '-Infinity' || text === '-NaN' ? `"${text}"` : text;
}

/** Binary data as a JSON string: standard padded base64. */
export function base64Text(value: Uint8Array): string {
  if (value.byteLength <= 12) {
    // Short values (decimals, mostly): encoded here, without a Buffer.
    let out = '"';
    for (let i = 0; i < value.length; i += 3) {
      const b0 = value[i]!;
      const b1 = i + 1 < value.length ? value[i + 1]! : -1;
      const b2 = i + 2 < value.length ? value[i + 2]! : -1;
      out += BASE64[b0 >> 2]! + BASE64[((b0 & 3) << 4) | (b1 < 0 ? 0 : b1 >> 4)]!
        + (b1 < 0 ? '=' : BASE64[((b1 & 15) << 2) | (b2 < 0 ? 0 : b2 >> 6)]!) + (b2 < 0 ? '=' : BASE64[b2 & 63]!);
    }
    return `${out}"`;
  }
  return `"${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64')}"`;
}

export function writeJson(node: JsonNode): string {
  switch (node.kind) {
    case 'null': return 'null';
    case 'boolean': return node.value ? 'true' : 'false';
    case 'number': return numberText(node.text);
    case 'string': return quote(node.value);
    case 'binary': return base64Text(node.value);
    case 'array': return `[${node.items.map(writeJson).join(',')}]`;
    case 'object': {
      const parts: string[] = [];
      for (const [k, v] of node.fields) parts.push(`${quote(k)}:${writeJson(v)}`);
      return `{${parts.join(',')}}`;
    }
  }
}

// ---------------------------------------------------------------- Java number text

export { javaDoubleToString, javaFloatToString } from '../../api/data/java-number-format.js';

// ---------------------------------------------------------------- parsing

const TRUE_NODE: JsonNode = Object.freeze({ kind: 'boolean', value: true });
const FALSE_NODE: JsonNode = Object.freeze({ kind: 'boolean', value: false });
/** A JSON number literal, matched where the parser stands. */
const NUMBER = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
/** The longest number literal read in one piece; a longer one is malformed (as it always was here). */
const MAX_NUMBER_LENGTH = 4096;

/** A recursive-descent JSON parser over a string; errors are SyntaxErrors naming the position. */
export class JsonParser {
  constructor(private readonly text: string, private pos = 0) {}

  /** Where the parser stands. */
  get position(): number {
    return this.pos;
  }

  parseDocument(): JsonNode | undefined {
    this.skipWs();
    if (this.pos >= this.text.length) return undefined; // no content: Jackson's MissingNode
    const node = this.parseValue(0);
    this.skipWs();
    if (this.pos < this.text.length) this.fail('Unexpected trailing content');
    return node;
  }

  private fail(what: string): never {
    throw new SyntaxError(`${what} at position ${this.pos}`);
  }

  skipWs(): void {
    while (this.pos < this.text.length) {
      const c = this.text.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) this.pos++;
      else break;
    }
  }

  /** One value at the parser's position (after any whitespace), at nesting depth `depth`. */
  parseValue(depth: number): JsonNode {
    if (depth > 1000) this.fail('Nesting too deep');
    this.skipWs();
    const c = this.text.charCodeAt(this.pos);
    if (c === 0x7b) return this.parseObject(depth);
    if (c === 0x5b) return this.parseArray(depth);
    if (c === 0x22) return { kind: 'string', value: this.parseString() };
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.parseNumber();
    if (c === 0x74 && this.text.startsWith('true', this.pos)) {
      this.pos += 4;
      return TRUE_NODE;
    }
    if (c === 0x66 && this.text.startsWith('false', this.pos)) {
      this.pos += 5;
      return FALSE_NODE;
    }
    if (c === 0x6e && this.text.startsWith('null', this.pos)) {
      this.pos += 4;
      return NULL_NODE;
    }
    return this.fail(this.pos >= this.text.length ? 'Unexpected end of input' : `Unexpected character ${JSON.stringify(this.text[this.pos])}`);
  }

  private parseObject(depth: number): JsonNode {
    this.pos++;
    const fields = new Map<string, JsonNode>();
    this.skipWs();
    if (this.text.charCodeAt(this.pos) === 0x7d) {
      this.pos++;
      return { kind: 'object', fields };
    }
    for (;;) {
      this.skipWs();
      if (this.text.charCodeAt(this.pos) !== 0x22) this.fail('Expected a field name');
      const key = this.parseString();
      this.skipWs();
      if (this.text.charCodeAt(this.pos) !== 0x3a) this.fail("Expected ':'");
      this.pos++;
      fields.set(key, this.parseValue(depth + 1));
      this.skipWs();
      const c = this.text.charCodeAt(this.pos++);
      if (c === 0x7d) return { kind: 'object', fields };
      if (c !== 0x2c) this.fail("Expected ',' or '}'");
    }
  }

  private parseArray(depth: number): JsonNode {
    this.pos++;
    const items: JsonNode[] = [];
    this.skipWs();
    if (this.text.charCodeAt(this.pos) === 0x5d) {
      this.pos++;
      return { kind: 'array', items };
    }
    for (;;) {
      items.push(this.parseValue(depth + 1));
      this.skipWs();
      const c = this.text.charCodeAt(this.pos++);
      if (c === 0x5d) return { kind: 'array', items };
      if (c !== 0x2c) this.fail("Expected ',' or ']'");
    }
  }

  private parseString(): string {
    const text = this.text;
    const start = ++this.pos;
    // The usual string has no escapes: find its end and take it in one piece.
    let i = start;
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        this.pos = i + 1;
        return text.slice(start, i);
      }
      if (c === 0x5c || c < 0x20) break;
    }
    this.pos = i;
    let out = text.slice(start, i);
    for (;;) {
      const c = text[this.pos++];
      if (c === undefined) this.fail('Unterminated string');
      if (c === '"') return out;
      if (c === '\\') {
        const e = text[this.pos++];
        switch (e) {
          case '"': out += '"'; break;
          case '\\': out += '\\'; break;
          case '/': out += '/'; break;
          case 'b': out += '\b'; break;
          case 'f': out += '\f'; break;
          case 'n': out += '\n'; break;
          case 'r': out += '\r'; break;
          case 't': out += '\t'; break;
          case 'u': {
            const hex = text.slice(this.pos, this.pos + 4);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('Bad unicode escape');
            out += String.fromCharCode(parseInt(hex, 16));
            this.pos += 4;
            break;
          }
          default: this.fail('Bad escape');
        }
      } else {
        if (c.charCodeAt(0) < 0x20) this.fail('Unescaped control character in string');
        out += c;
      }
    }
  }

  private parseNumber(): JsonNode {
    NUMBER.lastIndex = this.pos;
    let m = NUMBER.exec(this.text);
    // Longer literals are read from their first MAX_NUMBER_LENGTH characters only (then rejected below).
    if (m !== null && m[0].length > MAX_NUMBER_LENGTH) m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.text.slice(this.pos, this.pos + MAX_NUMBER_LENGTH));
    if (m === null) this.fail('Malformed number');
    this.pos += m[0].length;
    const next = this.text.charCodeAt(this.pos);
    // 0-9 . e E + -
    if ((next >= 0x30 && next <= 0x39) || next === 0x2e || next === 0x65 || next === 0x45 || next === 0x2b || next === 0x2d) this.fail('Malformed number');
    return { kind: 'number', text: m[0] };
  }
}

/** Parses UTF-8 JSON; `undefined` for empty input. Throws DataException for malformed JSON. */
export function parseJson(bytes: Uint8Array): JsonNode | undefined {
  let text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    return new JsonParser(text).parseDocument();
  } catch (e) {
    throw new DataException('Converting byte[] to Kafka Connect data failed due to serialization error: ', { cause: e });
  }
}
