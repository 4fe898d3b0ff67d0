/**
 * A subset of java.text.SimpleDateFormat, always in UTC (as Kafka's TimestampConverter and
 * TimestampRouter set the UTC zone). Supported pattern letters:
 *
 *   y  year (yyyy → 4 digits; yy → 2 digits, parsed as 2000–2099... see below)   M  month 1–12
 *   d  day of month      H  hour 0–23      m  minute      s  second      S  millisecond
 *   'text'  quoted literal text; '' a single quote; any other non-letter character is literal.
 *
 * A repeated letter sets the minimum number of digits when formatting (zero padded). When parsing,
 * a field followed directly by another numeric field reads exactly that many digits (so `yyyyMMdd`
 * parses "20240131"); otherwise it reads all consecutive digits. `yy` parses as 2000 + value
 * (SimpleDateFormat picks the century within 80 years before / 20 after now; not modelled).
 * Other pattern letters (E, a, z, Z, X, ...) throw ConfigException at construction.
 */
import { ConfigException, DataException } from '../api/errors.js';

type Token = { kind: 'literal'; text: string } | { kind: 'field'; letter: string; count: number };

const SUPPORTED = new Set(['y', 'M', 'd', 'H', 'm', 's', 'S']);

export class SimpleDateFormat {
  private readonly tokens: Token[];

  constructor(readonly pattern: string) {
    this.tokens = tokenize(pattern);
  }

  format(date: Date): string {
    let out = '';
    for (const t of this.tokens) {
      if (t.kind === 'literal') {
        out += t.text;
        continue;
      }
      let n: number;
      switch (t.letter) {
        case 'y': n = date.getUTCFullYear(); if (t.count === 2) n %= 100; break;
        case 'M': n = date.getUTCMonth() + 1; break;
        case 'd': n = date.getUTCDate(); break;
        case 'H': n = date.getUTCHours(); break;
        case 'm': n = date.getUTCMinutes(); break;
        case 's': n = date.getUTCSeconds(); break;
        default: n = date.getUTCMilliseconds(); break;
      }
      out += String(n).padStart(t.count, '0');
    }
    return out;
  }

  /** Parses `text` (all of it); throws DataException when it does not match the pattern. */
  parse(text: string): Date {
    const fields: Record<string, number> = { y: 1970, M: 1, d: 1, H: 0, m: 0, s: 0, S: 0 };
    let pos = 0;
    const fail = (): never => {
      throw new DataException(`Could not parse timestamp: value (${text}) does not match pattern (${this.pattern})`);
    };
    for (let i = 0; i < this.tokens.length; i++) {
      const t = this.tokens[i]!;
      if (t.kind === 'literal') {
        if (!text.startsWith(t.text, pos)) fail();
        pos += t.text.length;
        continue;
      }
      const next = this.tokens[i + 1];
      let end = pos;
      if (next !== undefined && next.kind === 'field') {
        end = pos + t.count;
        if (end > text.length || !/^\d+$/.test(text.slice(pos, end))) fail();
      } else {
        while (end < text.length && text.charCodeAt(end) >= 48 && text.charCodeAt(end) <= 57) end++;
        if (end === pos) fail();
      }
      let n = Number(text.slice(pos, end));
      if (t.letter === 'y' && t.count === 2 && end - pos === 2) n += 2000;
      fields[t.letter] = n;
      pos = end;
    }
    if (pos !== text.length) fail();
    const ms = Date.UTC(fields.y!, fields.M! - 1, fields.d!, fields.H!, fields.m!, fields.s!, fields.S!);
    // Date.UTC maps years 0..99 to 1900..1999; set the year explicitly.
    const d = new Date(ms);
    if (fields.y! >= 0 && fields.y! < 100) d.setUTCFullYear(fields.y!);
    return d;
  }
}

function tokenize(pattern: string): Token[] {
  const tokens: Token[] = [];
  const literal = (s: string): void => {
    const last = tokens[tokens.length - 1];
    if (last !== undefined && last.kind === 'literal') last.text += s;
    else tokens.push({ kind: 'literal', text: s });
  };
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === '\'') {
      if (pattern[i + 1] === '\'') {
        literal('\'');
        i += 2;
        continue;
      }
      let j = i + 1;
      let text = '';
      for (;;) {
        if (j >= pattern.length) throw new ConfigException(`Unterminated quote in date format pattern: ${pattern}`);
        if (pattern[j] === '\'') {
          if (pattern[j + 1] === '\'') {
            text += '\'';
            j += 2;
            continue;
          }
          break;
        }
        text += pattern[j];
        j++;
      }
      literal(text);
      i = j + 1;
    } else if (/[A-Za-z]/.test(c)) {
      if (!SUPPORTED.has(c)) throw new ConfigException(`Unsupported date format pattern letter '${c}' in ${pattern} (Samsa supports y M d H m s S and quoted text)`);
      let j = i;
      while (pattern[j] === c) j++;
      tokens.push({ kind: 'field', letter: c, count: j - i });
      i = j;
    } else {
      literal(c);
      i++;
    }
  }
  return tokens;
}
