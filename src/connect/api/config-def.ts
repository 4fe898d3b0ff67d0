/**
 * ConfigDef: the declared settings of a connector or worker (Kafka's
 * org.apache.kafka.common.config.ConfigDef). Each key has a type, an optional default, an
 * importance, an optional validator and documentation. `parse(props)` turns string properties
 * into typed values and throws a ConfigException naming the key (Kafka's message texts);
 * `validate(props)` collects every key's errors instead of stopping at the first.
 *
 * Types and their JavaScript values: BOOLEAN boolean, STRING string, INT number (32-bit),
 * LONG bigint (64-bit, exact), DOUBLE number, LIST string[] (comma-separated, trimmed, empty
 * items dropped), CLASS string (the class name or alias; resolution is the caller's), PASSWORD
 * Password (prints as [hidden]).
 */
import { ConfigException } from './errors.js';

export type ConfigType = 'BOOLEAN' | 'STRING' | 'INT' | 'LONG' | 'DOUBLE' | 'LIST' | 'CLASS' | 'PASSWORD';
export type Importance = 'HIGH' | 'MEDIUM' | 'LOW';

/** A secret setting's value: `toString()` hides it; `value()` reveals it. */
export class Password {
  static readonly HIDDEN = '[hidden]';
  constructor(private readonly secret: string) {}
  value(): string {
    return this.secret;
  }
  toString(): string {
    return Password.HIDDEN;
  }
  toJSON(): string {
    return Password.HIDDEN;
  }
}

export type ConfigValueType = boolean | string | number | bigint | string[] | Password | null;

/** Checks a parsed value; throws ConfigException (via `ConfigDef.invalid`) when it is not allowed. */
export interface Validator {
  ensureValid(name: string, value: unknown): void;
  toString(): string;
}

/** Marker for a key without a default: it must be set (Kafka's NO_DEFAULT_VALUE). */
export const NO_DEFAULT_VALUE: unique symbol = Symbol('NO_DEFAULT_VALUE');

export interface ConfigKey {
  readonly name: string;
  readonly type: ConfigType;
  readonly defaultValue: ConfigValueType | typeof NO_DEFAULT_VALUE;
  readonly validator: Validator | null;
  readonly importance: Importance;
  readonly documentation: string;
}

/** One key's outcome in `validate()`: its parsed value (or null) and every error message for it. */
export interface ConfigValue {
  readonly name: string;
  value: ConfigValueType;
  readonly errorMessages: string[];
}

export interface DefineOptions {
  defaultValue?: ConfigValueType | typeof NO_DEFAULT_VALUE;
  validator?: Validator | null;
  importance?: Importance;
  documentation?: string;
}

function invalid(name: string, value: unknown, message: string | null): ConfigException {
  return new ConfigException(`Invalid value ${display(value)} for configuration ${name}${message === null ? '' : `: ${message}`}`);
}

function display(value: unknown): string {
  if (value instanceof Password) return Password.HIDDEN;
  if (Array.isArray(value)) return value.join(',');
  return String(value);
}

export class ConfigDef {
  private readonly keys = new Map<string, ConfigKey>();

  /**
   * Declares `name`. Without `defaultValue` the key is required. Overloads are avoided: options
   * are named, e.g. `define('batch.size', 'INT', { defaultValue: 2000, importance: 'LOW', documentation: '...' })`.
   */
  define(name: string, type: ConfigType, options: DefineOptions = {}): this {
    if (this.keys.has(name)) throw new ConfigException(`Configuration ${name} is defined twice.`);
    let defaultValue: ConfigValueType | typeof NO_DEFAULT_VALUE = options.defaultValue === undefined ? NO_DEFAULT_VALUE : options.defaultValue;
    if (defaultValue !== NO_DEFAULT_VALUE && defaultValue !== null) {
      defaultValue = ConfigDef.parseType(name, defaultValue, type);
      options.validator?.ensureValid(name, defaultValue);
    }
    this.keys.set(name, { name, type, defaultValue, validator: options.validator ?? null, importance: options.importance ?? 'MEDIUM', documentation: options.documentation ?? '' });
    return this;
  }

  configKeys(): ReadonlyMap<string, ConfigKey> {
    return this.keys;
  }

  names(): string[] {
    return [...this.keys.keys()];
  }

  /** Typed values for every declared key (undeclared properties are ignored); throws at the first bad key. */
  parse(props: Readonly<Record<string, unknown>>): Record<string, ConfigValueType> {
    const values: Record<string, ConfigValueType> = {};
    for (const key of this.keys.values()) values[key.name] = this.parseValue(key, props[key.name], Object.hasOwn(props, key.name));
    return values;
  }

  /** Every declared key with its value and error messages (Kafka's ConfigDef.validate). */
  validate(props: Readonly<Record<string, unknown>>): ConfigValue[] {
    return [...this.keys.values()].map((key) => {
      try {
        return { name: key.name, value: this.parseValue(key, props[key.name], Object.hasOwn(props, key.name)), errorMessages: [] };
      } catch (e) {
        return { name: key.name, value: null, errorMessages: [(e as Error).message] };
      }
    });
  }

  private parseValue(key: ConfigKey, raw: unknown, isSet: boolean): ConfigValueType {
    let value: ConfigValueType;
    if (isSet && raw !== undefined) value = ConfigDef.parseType(key.name, raw, key.type);
    else if (key.defaultValue === NO_DEFAULT_VALUE) throw new ConfigException(`Missing required configuration "${key.name}" which has no default value.`);
    else value = key.defaultValue;
    key.validator?.ensureValid(key.name, value);
    return value;
  }

  /** Parses one value as `type` (strings are trimmed as Kafka trims them). */
  static parseType(name: string, value: unknown, type: ConfigType): ConfigValueType {
    if (value === null) return null;
    const text = typeof value === 'string' ? value.trim() : null;
    switch (type) {
      case 'BOOLEAN':
        if (typeof value === 'boolean') return value;
        if (text !== null && text.toLowerCase() === 'true') return true;
        if (text !== null && text.toLowerCase() === 'false') return false;
        if (text !== null) throw invalid(name, value, 'Expected value to be either true or false');
        throw invalid(name, value, 'Expected value to be either true or false');
      case 'STRING':
        if (typeof value === 'string') return value.trim();
        throw invalid(name, value, `Expected value to be a string, but it was a ${typeof value}`);
      case 'PASSWORD':
        if (value instanceof Password) return value;
        if (typeof value === 'string') return new Password(value.trim());
        throw invalid(name, value, 'Expected value to be a string, but it was a ' + typeof value);
      case 'CLASS':
        if (typeof value === 'string' && text !== '') return text!;
        throw invalid(name, value, 'Expected a class name or alias');
      case 'INT': {
        if (typeof value === 'number' && Number.isInteger(value) && value >= -2147483648 && value <= 2147483647) return value;
        if (text !== null && /^[+-]?\d+$/.test(text)) {
          const n = Number(text);
          if (n >= -2147483648 && n <= 2147483647) return n;
        }
        throw invalid(name, value, 'Not a number of type INT');
      }
      case 'LONG': {
        if (typeof value === 'bigint') return value;
        if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
        if (text !== null && /^[+-]?\d+$/.test(text)) {
          const n = BigInt(text);
          if (n >= -(1n << 63n) && n < 1n << 63n) return n;
        }
        throw invalid(name, value, 'Not a number of type LONG');
      }
      case 'DOUBLE':
        if (typeof value === 'number') return value;
        if (text !== null && text !== '' && Number.isFinite(Number(text))) return Number(text);
        throw invalid(name, value, 'Not a number of type DOUBLE');
      case 'LIST':
        if (Array.isArray(value)) return value.map(String);
        if (text !== null) return text === '' ? [] : text.split(/\s*,\s*/).filter((s) => s !== '');
        throw invalid(name, value, 'Expected a comma separated list.');
    }
  }

  /** Human-readable documentation: one block per key (name, doc, type, default, valid values, importance). */
  toText(): string {
    return [...this.keys.values()]
      .map((k) => `${k.name}\n  ${k.documentation}\n  Type: ${k.type.toLowerCase()}\n  Default: ${k.defaultValue === NO_DEFAULT_VALUE ? '' : display(k.defaultValue)}\n  Valid Values: ${k.validator?.toString() ?? ''}\n  Importance: ${k.importance.toLowerCase()}\n`)
      .join('\n');
  }

  static readonly invalid = invalid;
}

/** Kafka's ConfigDef.Range: numbers (INT, LONG, DOUBLE) within [min, max]; either bound may be absent. */
export class Range implements Validator {
  private constructor(private readonly min: number | bigint | null, private readonly max: number | bigint | null) {}
  static atLeast(min: number | bigint): Range {
    return new Range(min, null);
  }
  static between(min: number | bigint, max: number | bigint): Range {
    return new Range(min, max);
  }
  ensureValid(name: string, value: unknown): void {
    if (value === null || value === undefined) throw new ConfigException(`Value must be non-null for configuration ${name}`);
    const v = value as number | bigint;
    if (this.min !== null && v < this.min) throw invalid(name, value, `Value must be at least ${this.min}`);
    if (this.max !== null && v > this.max) throw invalid(name, value, `Value must be no more than ${this.max}`);
  }
  toString(): string {
    if (this.min === null) return `[...,${this.max}]`;
    if (this.max === null) return `[${this.min},...]`;
    return `[${this.min},...,${this.max}]`;
  }
}

/** Kafka's ValidString.in: one of the listed strings (case-sensitive). */
export class ValidString implements Validator {
  private constructor(private readonly allowed: readonly string[]) {}
  static in(...allowed: string[]): ValidString {
    return new ValidString(allowed);
  }
  ensureValid(name: string, value: unknown): void {
    if (typeof value !== 'string' || !this.allowed.includes(value)) throw invalid(name, value, `String must be one of: ${this.allowed.join(', ')}`);
  }
  toString(): string {
    return `[${this.allowed.join(', ')}]`;
  }
}

/** Kafka's ValidList.in: every item of a LIST is one of the listed strings. */
export class ValidList implements Validator {
  private constructor(private readonly allowed: readonly string[]) {}
  static in(...allowed: string[]): ValidList {
    return new ValidList(allowed);
  }
  ensureValid(name: string, value: unknown): void {
    for (const item of (value as string[] | null) ?? []) {
      if (!this.allowed.includes(item)) throw invalid(name, value, `Invalid value ${item} for configuration ${name}: String must be one of: ${this.allowed.join(', ')}`);
    }
  }
  toString(): string {
    return `[${this.allowed.join(', ')}]`;
  }
}

/** Kafka's NonEmptyString: a string with at least one character (null is allowed, as in Kafka). */
export class NonEmptyString implements Validator {
  ensureValid(name: string, value: unknown): void {
    if (typeof value === 'string' && value.length === 0) throw invalid(name, value, 'String must be non-empty');
  }
  toString(): string {
    return 'non-empty string';
  }
}

/** Kafka's NonNullValidator. */
export class NonNullValidator implements Validator {
  ensureValid(name: string, value: unknown): void {
    if (value === null || value === undefined) throw new ConfigException(`Invalid value null for configuration ${name}: entry must be non null`);
  }
  toString(): string {
    return 'non-null string';
  }
}

/** Both validators must pass (Kafka's CompositeValidator). */
export class CompositeValidator implements Validator {
  private constructor(private readonly validators: readonly Validator[]) {}
  static of(...validators: Validator[]): CompositeValidator {
    return new CompositeValidator(validators);
  }
  ensureValid(name: string, value: unknown): void {
    for (const v of this.validators) v.ensureValid(name, value);
  }
  toString(): string {
    return this.validators.map(String).join(', ');
  }
}

/**
 * Kafka's `new ConfigException(name, value, message)` with the value printed as Java prints it:
 * a list as `[a, b]` (ConfigDef's own parse errors show the raw text instead).
 */
export function invalidConfigValue(name: string, value: unknown, message: string | null): ConfigException {
  const shown = Array.isArray(value) ? `[${value.map(String).join(', ')}]` : display(value);
  return new ConfigException(`Invalid value ${shown} for configuration ${name}${message === null ? '' : `: ${message}`}`);
}

/** Kafka's NonEmptyListValidator (org.apache.kafka.connect.transforms.util): a LIST with at least one item. */
export class NonEmptyListValidator implements Validator {
  ensureValid(name: string, value: unknown): void {
    if (value === null || value === undefined || (Array.isArray(value) && value.length === 0)) {
      throw invalidConfigValue(name, value ?? null, 'Empty list');
    }
  }
  toString(): string {
    return 'non-empty list';
  }
}

/** Kafka's ConfigDef.LambdaValidator: a validator from a check function and its description. */
export class LambdaValidator implements Validator {
  private constructor(private readonly check: (name: string, value: unknown) => void, private readonly description: string) {}
  static with(check: (name: string, value: unknown) => void, description: () => string): LambdaValidator {
    return new LambdaValidator(check, description());
  }
  ensureValid(name: string, value: unknown): void {
    this.check(name, value);
  }
  toString(): string {
    return this.description;
  }
}
