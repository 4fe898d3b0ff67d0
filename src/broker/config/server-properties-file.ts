import { readFileSync } from 'node:fs';

const WHITESPACE = new Set([' ', '\t', '\f']);
const ESCAPES: Readonly<Record<string, string>> = { t: '\t', n: '\n', r: '\r', f: '\f' };

/** Java's `loadConvert`: `\t \n \r \f`, `\uXXXX`, and `\x` for any other x. */
function unescape(s: string, line: number): string {
  if (!s.includes('\\')) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '\\' || i === s.length - 1) {
      out += c === '\\' ? '' : c;
      continue;
    }
    const n = s[++i]!;
    if (n === 'u') {
      const hex = s.slice(i + 1, i + 5);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new Error(`line ${line}: malformed \\uxxxx escape`);
      out += String.fromCharCode(parseInt(hex, 16));
      i += 4;
    } else out += ESCAPES[n] ?? n;
  }
  return out;
}

/** True when `s` ends with an odd number of backslashes (the last one escapes the line break). */
function continues(s: string): boolean {
  let n = 0;
  for (let i = s.length - 1; i >= 0 && s[i] === '\\'; i--) n++;
  return n % 2 === 1;
}

function trimStart(s: string): string {
  let i = 0;
  while (i < s.length && WHITESPACE.has(s[i]!)) i++;
  return s.slice(i);
}

/**
 * Java properties text (server.properties syntax: `key=value`, `key: value`, `key value`, `#`/`!`
 * comments, `\` continuations and escapes, as `java.util.Properties.load`) into key/value pairs,
 * with the keys that are written more than once (Java keeps the last; so do we).
 */
export function parseServerProperties(text: string): { properties: Record<string, string>; duplicates: string[] } {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  const properties: Record<string, string> = {};
  const seenOn = new Map<string, number[]>();
  for (let i = 0; i < lines.length; i++) {
    const startLine = i + 1;
    let logical = trimStart(lines[i]!);
    if (logical === '' || logical[0] === '#' || logical[0] === '!') continue;
    while (continues(logical)) {
      logical = logical.slice(0, -1);
      if (i + 1 >= lines.length) break;
      logical += trimStart(lines[++i]!);
    }
    // The key ends at the first unescaped '=', ':' or whitespace; then whitespace, at most one '=' or ':', whitespace.
    let k = 0;
    let escaped = false;
    for (; k < logical.length; k++) {
      const c = logical[k]!;
      if (escaped) escaped = false;
      else if (c === '\\') escaped = true;
      else if (c === '=' || c === ':' || WHITESPACE.has(c)) break;
    }
    let v = k;
    let separator = false;
    for (; v < logical.length; v++) {
      const c = logical[v]!;
      if (WHITESPACE.has(c)) continue;
      if (!separator && (c === '=' || c === ':')) separator = true;
      else break;
    }
    const key = unescape(logical.slice(0, k), startLine);
    properties[key] = unescape(logical.slice(v), startLine);
    const on = seenOn.get(key);
    if (on === undefined) seenOn.set(key, [startLine]);
    else on.push(startLine);
  }
  const duplicates: string[] = [];
  for (const [key, on] of seenOn) if (on.length > 1) duplicates.push(`'${key}' is set on lines ${on.join(', ')}; line ${on[on.length - 1]} wins`);
  return { properties, duplicates };
}

/** Reads a server.properties file into key/value pairs (synchronously: it is read once, at startup). */
export function readServerProperties(path: string): Record<string, string> {
  return parseServerProperties(readFileSync(path, 'utf8')).properties;
}
