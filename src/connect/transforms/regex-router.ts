/**
 * RegexRouter (org.apache.kafka.connect.transforms.RegexRouter): when the whole topic matches
 * `regex`, the topic becomes `replacement` with Java's Matcher.replaceFirst semantics: `$n` is a
 * group (digits are taken while the number stays a valid group), `${name}` a named group, and a
 * backslash escapes the next character. Other records pass unchanged.
 *
 * The regex is a JavaScript RegExp (the common syntax matches Java's; Java-only constructs such as
 * possessive quantifiers are not supported).
 */
import type { AnyConnectRecord, Transformation } from '../api/transformation.js';
import { ConfigDef, LambdaValidator, invalidConfigValue } from '../api/config-def.js';
import { SimpleConfig } from './simple-config.js';

export function compileJavaRegex(name: string, pattern: string): RegExp {
  try {
    return new RegExp(`^(?:${pattern})$`);
  } catch (e) {
    throw invalidConfigValue(name, pattern, `Invalid regex: ${(e as Error).message}`);
  }
}

/** Kafka's RegexValidator: the value compiles as a regular expression. */
export const REGEX_VALIDATOR = LambdaValidator.with((name, value) => {
  if (typeof value === 'string') compileJavaRegex(name, value);
}, () => 'valid regex');

const CONFIG_DEF = new ConfigDef()
  .define('regex', 'STRING', { validator: REGEX_VALIDATOR, importance: 'HIGH', documentation: 'Regular expression to use for matching.' })
  .define('replacement', 'STRING', { importance: 'HIGH', documentation: 'Replacement string.' });

/** Java's Matcher.appendReplacement expansion of `replacement` for one match. */
export function expandJavaReplacement(replacement: string, match: RegExpExecArray): string {
  const groupCount = match.length - 1;
  let out = '';
  let i = 0;
  while (i < replacement.length) {
    const c = replacement[i]!;
    if (c === '\\') {
      i++;
      if (i >= replacement.length) throw new Error('character to be escaped is missing');
      out += replacement[i];
      i++;
    } else if (c === '$') {
      i++;
      if (i >= replacement.length) throw new Error('Illegal group reference: group index is missing');
      if (replacement[i] === '{') {
        const close = replacement.indexOf('}', i);
        if (close < 0) throw new Error('named capturing group is missing trailing \'}\'');
        const groupName = replacement.slice(i + 1, close);
        if (match.groups === undefined || !(groupName in match.groups)) throw new Error(`No group with name {${groupName}}`);
        out += match.groups[groupName] ?? '';
        i = close + 1;
      } else {
        let ref = replacement.charCodeAt(i) - 48;
        if (ref < 0 || ref > 9) throw new Error('Illegal group reference');
        i++;
        while (i < replacement.length) {
          const d = replacement.charCodeAt(i) - 48;
          if (d < 0 || d > 9) break;
          const next = ref * 10 + d;
          if (next > groupCount) break;
          ref = next;
          i++;
        }
        if (ref > groupCount) throw new Error(`No group ${ref}`);
        out += match[ref] ?? '';
      }
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

export class RegexRouter<R extends AnyConnectRecord = AnyConnectRecord> implements Transformation<R> {
  static readonly OVERVIEW_DOC = 'Update the record topic using the configured regular expression and replacement string.';
  private regex: RegExp = /^$/;
  private replacement = '';

  configure(props: Readonly<Record<string, string>>): void {
    const config = new SimpleConfig(CONFIG_DEF, props);
    this.regex = compileJavaRegex('regex', config.getString('regex')!);
    this.replacement = config.getString('replacement')!;
  }

  apply(record: R): R {
    const match = this.regex.exec(record.topic);
    if (match === null) return record;
    const topic = expandJavaReplacement(this.replacement, match);
    return record.with({ topic }) as R;
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  close(): void {}
}
