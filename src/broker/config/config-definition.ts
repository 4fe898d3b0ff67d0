import { ConfigError } from './config-error.js';

/**
 * One configuration key as Kafka's ConfigDef describes it: type, default, validator, importance
 * and a one-line doc. The broker table (broker-config-definitions.ts) and the topic table
 * (topic-config-definitions.ts) are lists of these; parsing and describing work from them alone.
 *
 * Values are parsed the way Kafka's ConfigDef.parseType does: surrounding whitespace is trimmed,
 * booleans are `true`/`false` in any case, lists are comma-separated (an empty string is the
 * empty list). int64 rule for configs: a `long` is range-checked as a 64-bit integer and then
 * held as a `number`; values beyond 2^53 (in practice only Long.MAX_VALUE, Kafka's "unlimited")
 * become `Number.MAX_SAFE_INTEGER`, which LogConfig also uses for "unlimited". The exact text is
 * kept for DescribeConfigs, so a client still sees 9223372036854775807.
 */
export interface ConfigDefinition {
  /** The key exactly as in server.properties or a topic's configs, e.g. `log.segment.bytes`. */
  readonly name: string;
  readonly type: ConfigType;
  /** The default as Kafka writes it (`9223372036854775807`, `delete`, ``); null when there is none. */
  readonly default: string | null;
  /** Checks a parsed, non-null value; absent when Kafka accepts any value of the type. */
  readonly validator?: ConfigValidator;
  readonly importance: ConfigImportance;
  /** One line, for DescribeConfigs' documentation field and the README. */
  readonly doc: string;
}

export type ConfigType = 'boolean' | 'short' | 'int' | 'long' | 'double' | 'string' | 'list' | 'password' | 'class';

export type ConfigImportance = 'high' | 'medium' | 'low';

/** A parsed value: boolean, number (short/int/long/double), string (string/password/class), list, or null. */
export type ConfigValue = boolean | number | string | readonly string[] | null;

export interface ConfigValidator {
  /** Kafka's "Valid Values" text, e.g. `[14,...]` or `[CreateTime, LogAppendTime]`. */
  readonly description: string;
  /** Returns why `value` is not accepted, or undefined when it is. Never called with null. */
  check(value: Exclude<ConfigValue, null>): string | undefined;
}

/** DescribeConfigs' ConfigType numbers (DescribeConfigsResponse.ConfigType). */
export const CONFIG_TYPE_IDS: Readonly<Record<ConfigType, number>> = {
  boolean: 1,
  string: 2,
  int: 3,
  short: 4,
  long: 5,
  double: 6,
  list: 7,
  class: 8,
  password: 9,
};

/** DescribeConfigs' ConfigSource numbers (DescribeConfigsResponse.ConfigSource). */
export const ConfigSource = {
  UNKNOWN: 0,
  /** A topic-level override (Kafka calls it TOPIC_CONFIG; DYNAMIC_TOPIC_CONFIG in the admin client). */
  DYNAMIC_TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
  DYNAMIC_BROKER_LOGGER_CONFIG: 6,
  CLIENT_METRICS_CONFIG: 7,
} as const;
export type ConfigSource = (typeof ConfigSource)[keyof typeof ConfigSource];

const INT_PATTERN = /^[+-]?\d+$/;
const SMALL_INT_PATTERN = /^[+-]?\d{1,15}$/;
const DOUBLE_PATTERN = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[dDfF]?$/;
const CLASS_PATTERN = /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/;
const RANGES: Record<'short' | 'int' | 'long', [bigint, bigint]> = {
  short: [-(2n ** 15n), 2n ** 15n - 1n],
  int: [-(2n ** 31n), 2n ** 31n - 1n],
  long: [-(2n ** 63n), 2n ** 63n - 1n],
};

/**
 * Parses `raw` as `def` says and validates it; throws ConfigError naming the key, the value and
 * what is expected.
 */
export function parseConfigValue(def: ConfigDefinition, raw: string): Exclude<ConfigValue, null> {
  const value = parseType(def, raw);
  if (def.validator !== undefined) {
    const reason = def.validator.check(value);
    if (reason !== undefined) throw ConfigError.invalidValue(def.name, raw.trim(), reason);
  }
  return value;
}

const parsedDefaults = new WeakMap<ConfigDefinition, ConfigValue>();

/** The parsed default of `def` (null when it has none); parsed once per definition (values are immutable). */
export function defaultConfigValue(def: ConfigDefinition): ConfigValue {
  if (def.default === null) return null;
  let v = parsedDefaults.get(def);
  if (v === undefined) {
    v = parseType(def, def.default);
    parsedDefaults.set(def, v);
  }
  return v;
}

/**
 * The canonical text of a value, as DescribeConfigs shows it (Kafka's ConfigDef.convertToString):
 * trimmed, booleans in lower case, integers without a plus sign or leading zeros, lists joined
 * with ",". `raw` must already be valid for `def`.
 */
export function canonicalConfigString(def: ConfigDefinition, raw: string): string {
  const trimmed = raw.trim();
  switch (def.type) {
    case 'boolean':
      return trimmed.toLowerCase();
    case 'short':
    case 'int':
    case 'long':
      return SMALL_INT_PATTERN.test(trimmed) ? String(Number(trimmed)) : BigInt(trimmed.replace(/^\+/, '')).toString();
    case 'double': {
      const n = Number(trimmed.replace(/[dDfF]$/, ''));
      return Number.isInteger(n) && Math.abs(n) < 1e7 ? n.toFixed(1) : String(n);
    }
    case 'list':
      return splitList(trimmed).join(',');
    default:
      return trimmed;
  }
}

/**
 * Parses `raw` as `def`'s type without running its validator (for values already validated
 * under another key, such as a broker default applied to a topic). Throws ConfigError.
 */
export function parseType(def: ConfigDefinition, raw: string): Exclude<ConfigValue, null> {
  const trimmed = raw.trim();
  switch (def.type) {
    case 'boolean': {
      const lower = trimmed.toLowerCase();
      if (lower === 'true') return true;
      if (lower === 'false') return false;
      throw ConfigError.invalidValue(def.name, trimmed, 'Expected value to be either true or false');
    }
    case 'short':
    case 'int':
    case 'long': {
      const [min, max] = RANGES[def.type];
      // Up to 15 digits is exact as a double: no BigInt needed (all but Long.MAX_VALUE-like values).
      if (SMALL_INT_PATTERN.test(trimmed)) {
        const n = Number(trimmed);
        if (n >= Number(min) && n <= Number(max)) return n === 0 ? 0 : n;
      }
      const big = INT_PATTERN.test(trimmed) ? BigInt(trimmed.replace(/^\+/, '')) : undefined;
      if (big === undefined || big < min || big > max) {
        throw ConfigError.invalidValue(def.name, trimmed, `Not a number of type ${def.type.toUpperCase()}`);
      }
      // Beyond 2^53 only "unlimited" makes sense (Long.MAX_VALUE): see the int64 rule above.
      if (big > BigInt(Number.MAX_SAFE_INTEGER)) return Number.MAX_SAFE_INTEGER;
      if (big < BigInt(Number.MIN_SAFE_INTEGER)) return Number.MIN_SAFE_INTEGER;
      return Number(big);
    }
    case 'double': {
      if (!DOUBLE_PATTERN.test(trimmed)) {
        throw ConfigError.invalidValue(def.name, trimmed, 'Not a number of type DOUBLE');
      }
      return Number(trimmed.replace(/[dDfF]$/, ''));
    }
    case 'list':
      return splitList(trimmed);
    case 'class':
      if (!CLASS_PATTERN.test(trimmed)) {
        throw ConfigError.invalidValue(def.name, trimmed, 'Expected a fully qualified class name');
      }
      return trimmed;
    case 'string':
    case 'password':
      return trimmed;
  }
}

/** Kafka's list syntax: comma-separated, whitespace around commas ignored, "" is the empty list. */
export function splitList(text: string): string[] {
  const trimmed = text.trim();
  return trimmed === '' ? [] : trimmed.split(/\s*,\s*/);
}

// ---- validators (the "Valid Values" column of Kafka's tables)

function numberOf(value: Exclude<ConfigValue, null>): number {
  if (typeof value !== 'number') throw new TypeError(`numeric validator applied to ${typeof value}`);
  return value;
}

/** `[min,...]` */
export function atLeast(min: number): ConfigValidator {
  return {
    description: `[${min},...]`,
    check: (v) => (numberOf(v) < min ? `Value must be at least ${min}` : undefined),
  };
}

/** `[min,...,max]` */
export function between(min: number, max: number): ConfigValidator {
  return {
    description: `[${min},...,${max}]`,
    check: (v) => {
      const n = numberOf(v);
      if (n < min) return `Value must be at least ${min}`;
      if (n > max) return `Value must be no more than ${max}`;
      return undefined;
    },
  };
}

/** One of the given strings, case-sensitive like Kafka's ValidString. */
export function oneOf(...allowed: string[]): ConfigValidator {
  return {
    description: `[${allowed.join(', ')}]`,
    check: (v) => (allowed.includes(v as string) ? undefined : `String must be one of: ${allowed.join(', ')}`),
  };
}

/** A list whose every element is one of the given strings (Kafka's ValidList). */
export function listOf(...allowed: string[]): ConfigValidator {
  return {
    description: `[${allowed.join(', ')}]`,
    check: (v) => {
      for (const item of v as readonly string[]) {
        if (!allowed.includes(item)) return `Invalid value ${item}: each item must be one of: ${allowed.join(', ')}`;
      }
      return undefined;
    },
  };
}

/** Any check not expressible above; `description` is what Kafka's table shows. */
export function validator(description: string, check: ConfigValidator['check']): ConfigValidator {
  return { description, check };
}
