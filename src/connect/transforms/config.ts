/**
 * A small, local description of a transform's or predicate's configuration (the keys, types,
 * defaults and docs Kafka declares in each transform's ConfigDef), with the parsing the transforms
 * need. Kept deliberately close to Kafka's ConfigDef vocabulary (`define(name, type, default,
 * importance, doc)`, "Missing required configuration", "Invalid value ... for configuration ...")
 * so it can be swapped for the shared ConfigDef in src/connect/api/config-def.ts later.
 */
import { ConfigException } from '../api/errors.js';

export type ConfigKeyType = 'STRING' | 'LIST' | 'INT' | 'BOOLEAN';
export type Importance = 'HIGH' | 'MEDIUM' | 'LOW';

/** Marks a key without a default: it must be set. */
export const NO_DEFAULT: unique symbol = Symbol('NO_DEFAULT');

export interface ConfigKeyDescription {
  readonly name: string;
  readonly type: ConfigKeyType;
  /** The default (already of the key's type), or NO_DEFAULT when the key is required. */
  readonly defaultValue: unknown;
  readonly importance: Importance;
  readonly documentation: string;
  /** Throws ConfigException for an invalid parsed value. */
  readonly validator?: (name: string, value: unknown) => void;
}

/** Kafka's ConfigException(name, value, message) text. */
export function invalidConfig(name: string, value: unknown, message?: string): ConfigException {
  const shown = Array.isArray(value) ? `[${value.join(', ')}]` : String(value);
  return new ConfigException(`Invalid value ${shown} for configuration ${name}${message ? `: ${message}` : ''}`);
}

export class TransformConfigDef {
  private readonly keyList: ConfigKeyDescription[] = [];

  define(name: string, type: ConfigKeyType, defaultValue: unknown, importance: Importance, documentation: string,
    validator?: (name: string, value: unknown) => void): this {
    if (this.keyList.some((k) => k.name === name)) throw new Error(`Configuration ${name} is defined twice.`);
    this.keyList.push({ name, type, defaultValue, importance, documentation, validator });
    return this;
  }

  get keys(): readonly ConfigKeyDescription[] {
    return this.keyList;
  }

  names(): string[] {
    return this.keyList.map((k) => k.name);
  }

  /**
   * Parses `props` against the definition: every defined key gets its parsed value or default;
   * unknown keys are ignored (a transform receives all of its `transforms.<alias>.` settings).
   */
  parse(props: Readonly<Record<string, string>>): ParsedConfig {
    const values = new Map<string, unknown>();
    for (const key of this.keyList) {
      const raw = Object.prototype.hasOwnProperty.call(props, key.name) ? props[key.name] : undefined;
      let value: unknown;
      if (raw === undefined || raw === null) {
        if (key.defaultValue === NO_DEFAULT) throw new ConfigException(`Missing required configuration "${key.name}" which has no default value.`);
        value = key.defaultValue;
      } else {
        value = parseValue(key, String(raw));
      }
      if (key.validator && value !== null) key.validator(key.name, value);
      values.set(key.name, value);
    }
    return new ParsedConfig(values);
  }
}

function parseValue(key: ConfigKeyDescription, raw: string): unknown {
  const text = raw.trim();
  switch (key.type) {
    case 'STRING': return text; // Kafka's ConfigDef trims string values
    case 'LIST': return text === '' ? [] : text.split(/\s*,\s*/);
    case 'INT': {
      if (!/^[+-]?\d+$/.test(text) || Number(text) > 2147483647 || Number(text) < -2147483648) {
        throw invalidConfig(key.name, raw, 'Not a number of type INT');
      }
      return Number(text);
    }
    case 'BOOLEAN': {
      const lower = text.toLowerCase();
      if (lower === 'true') return true;
      if (lower === 'false') return false;
      throw invalidConfig(key.name, raw, 'Expected value to be either true or false');
    }
  }
}

/** Parsed settings with typed getters (Kafka's AbstractConfig / SimpleConfig). */
export class ParsedConfig {
  constructor(private readonly values: ReadonlyMap<string, unknown>) {}

  getString(name: string): string | null {
    return (this.values.get(name) as string | null | undefined) ?? null;
  }

  getList(name: string): string[] {
    return [...((this.values.get(name) as string[] | null | undefined) ?? [])];
  }

  getInt(name: string): number | null {
    return (this.values.get(name) as number | null | undefined) ?? null;
  }

  getBoolean(name: string): boolean {
    return this.values.get(name) === true;
  }
}

/** Validator: a non-empty list (Kafka's NonEmptyListValidator). */
export function nonEmptyList(name: string, value: unknown): void {
  if ((value as string[]).length === 0) throw invalidConfig(name, value, 'Empty list');
}

/** Validator: a non-empty string (Kafka's NonEmptyString). */
export function nonEmptyString(name: string, value: unknown): void {
  if (value === '') throw new ConfigException(`String must be non-empty for configuration ${name}`);
}

/** Validator: one of the given strings. */
export function oneOf(...allowed: string[]): (name: string, value: unknown) => void {
  return (name, value) => {
    if (!allowed.includes(value as string)) throw invalidConfig(name, value, `String must be one of: ${allowed.join(', ')}`);
  };
}
