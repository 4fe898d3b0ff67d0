/**
 * A small JSON tree that keeps number literals as text, so int64 values and decimals survive
 * exactly (JSON.parse would turn 9223372036854775807 into a double), plus a parser and a writer
 * that produces the same bytes as Jackson's default compact output, which Kafka's JsonConverter
 * uses: no whitespace, object keys in insertion order, control characters escaped with upper-case
 * hex (\u001F), "/" and non-ASCII left as is, binary as standard padded base64, and
 * NaN/Infinity as quoted strings (Jackson's QUOTE_NON_NUMERIC_NUMBERS default).
 */
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

function quote(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
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

export function writeJson(node: JsonNode): string {
  switch (node.kind) {
    case 'null': return 'null';
    case 'boolean': return node.value ? 'true' : 'false';
    case 'number': return /^-?(NaN|Infinity)$/.test(node.text) ? `"${node.text}"` : node.text;
    case 'string': return quote(node.value);
    case 'binary': return `"${Buffer.from(node.value.buffer, node.value.byteOffset, node.value.byteLength).toString('base64')}"`;
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

class Parser {
  private pos = 0;
  constructor(private readonly text: string) {}

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

  private skipWs(): void {
    while (this.pos < this.text.length) {
      const c = this.text.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) this.pos++;
      else break;
    }
  }

  private parseValue(depth: number): JsonNode {
    if (depth > 1000) this.fail('Nesting too deep');
    this.skipWs();
    const c = this.text[this.pos];
    if (c === '{') return this.parseObject(depth);
    if (c === '[') return this.parseArray(depth);
    if (c === '"') return { kind: 'string', value: this.parseString() };
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.parseNumber();
    for (const [word, node] of [['true', { kind: 'boolean', value: true }], ['false', { kind: 'boolean', value: false }], ['null', NULL_NODE]] as const) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return node;
      }
    }
    return this.fail(c === undefined ? 'Unexpected end of input' : `Unexpected character ${JSON.stringify(c)}`);
  }

  private parseObject(depth: number): JsonNode {
    this.pos++;
    const fields = new Map<string, JsonNode>();
    this.skipWs();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return { kind: 'object', fields };
    }
    for (;;) {
      this.skipWs();
      if (this.text[this.pos] !== '"') this.fail('Expected a field name');
      const key = this.parseString();
      this.skipWs();
      if (this.text[this.pos] !== ':') this.fail("Expected ':'");
      this.pos++;
      fields.set(key, this.parseValue(depth + 1));
      this.skipWs();
      const c = this.text[this.pos++];
      if (c === '}') return { kind: 'object', fields };
      if (c !== ',') this.fail("Expected ',' or '}'");
    }
  }

  private parseArray(depth: number): JsonNode {
    this.pos++;
    const items: JsonNode[] = [];
    this.skipWs();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return { kind: 'array', items };
    }
    for (;;) {
      items.push(this.parseValue(depth + 1));
      this.skipWs();
      const c = this.text[this.pos++];
      if (c === ']') return { kind: 'array', items };
      if (c !== ',') this.fail("Expected ',' or ']'");
    }
  }

  private parseString(): string {
    this.pos++;
    let out = '';
    for (;;) {
      const c = this.text[this.pos++];
      if (c === undefined) this.fail('Unterminated string');
      if (c === '"') return out;
      if (c === '\\') {
        const e = this.text[this.pos++];
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
            const hex = this.text.slice(this.pos, this.pos + 4);
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
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.text.slice(this.pos, this.pos + 4096));
    if (m === null) this.fail('Malformed number');
    this.pos += m[0].length;
    const next = this.text[this.pos];
    if (next !== undefined && /[0-9.eE+-]/.test(next)) this.fail('Malformed number');
    return { kind: 'number', text: m[0] };
  }
}

/** Parses UTF-8 JSON; `undefined` for empty input. Throws DataException for malformed JSON. */
export function parseJson(bytes: Uint8Array): JsonNode | undefined {
  let text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    return new Parser(text).parseDocument();
  } catch (e) {
    throw new DataException('Converting byte[] to Kafka Connect data failed due to serialization error: ', { cause: e });
  }
}
