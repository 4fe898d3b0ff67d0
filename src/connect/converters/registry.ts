/**
 * Which converter a connector uses, decided as Kafka's worker decides it, and the class names
 * people paste from Kafka guides mapped to Samsa's implementations.
 *
 * Resolution (Kafka's Worker/Plugins.newConverter): for each of key.converter, value.converter and
 * header.converter, if the connector's config names a class, that class is used with the
 * connector's own `<property>.` settings only; otherwise the worker's class with the worker's
 * `<property>.` settings. The prefix is stripped (`value.converter.schemas.enable` reaches the
 * converter as `schemas.enable`) and `converter.type` is set to key / value / header.
 * key.converter and value.converter have no default; header.converter defaults to
 * SimpleHeaderConverter.
 *
 * Names accepted: the Java class name, its simple name, and the simple name without the
 * "Converter" suffix (Kafka's plugin aliases), e.g. org.apache.kafka.connect.json.JsonConverter,
 * JsonConverter, Json.
 */
import type { Converter, ConverterConfigs, HeaderConverter } from '../api/converter.js';
import { ConfigException } from '../api/errors.js';
import { ByteArrayConverter } from './byte-array-converter.js';
import { JsonConverter } from './json/json-converter.js';
import { SimpleHeaderConverter } from './simple-header-converter.js';
import { StringConverter } from './string-converter.js';

export type ConverterProperty = 'key.converter' | 'value.converter' | 'header.converter';
export type ConverterType = 'key' | 'value' | 'header';
type Plugin = Converter | HeaderConverter;

export const HEADER_CONVERTER_DEFAULT = 'org.apache.kafka.connect.storage.SimpleHeaderConverter';

export class ConverterRegistry {
  private readonly factories = new Map<string, { className: string; create: () => Plugin }>();

  /** Registers a factory under its class name and Kafka-style aliases. */
  register(className: string, create: () => Plugin): this {
    const simple = className.slice(className.lastIndexOf('.') + 1);
    const entry = { className, create };
    this.factories.set(className, entry);
    this.factories.set(simple, entry);
    if (simple.endsWith('Converter') && simple !== 'Converter') this.factories.set(simple.slice(0, -'Converter'.length), entry);
    return this;
  }

  /** Every registered class name (built-in and plugin.path), sorted, without the aliases. */
  classNames(): string[] {
    return [...new Set([...this.factories.values()].map((e) => e.className))].sort();
  }

  /** The full class name a name or alias stands for, or null. */
  resolve(name: string): string | null {
    return this.factories.get(name.trim())?.className ?? null;
  }

  create(name: string, property: string): Plugin {
    const entry = this.factories.get(name.trim());
    if (entry === undefined) throw new ConfigException(`Invalid value ${name} for configuration ${property}: Class ${name} could not be found.`);
    return entry.create();
  }

  newConverter(name: string, property: string): Converter {
    const p = this.create(name, property);
    if (typeof (p as Converter).fromConnectData !== 'function') {
      throw new ConfigException(`Invalid value ${name} for configuration ${property}: Class ${name} is not a Converter`);
    }
    return p as Converter;
  }

  newHeaderConverter(name: string, property: string): HeaderConverter {
    const p = this.create(name, property);
    if (typeof (p as HeaderConverter).fromConnectHeader !== 'function') {
      throw new ConfigException(`Invalid value ${name} for configuration ${property}: Class ${name} is not a HeaderConverter`);
    }
    return p as HeaderConverter;
  }
}

/** A registry with Kafka's built-in converters. */
export function defaultConverterRegistry(): ConverterRegistry {
  return new ConverterRegistry()
    .register('org.apache.kafka.connect.json.JsonConverter', () => new JsonConverter())
    .register('org.apache.kafka.connect.storage.StringConverter', () => new StringConverter())
    .register('org.apache.kafka.connect.converters.ByteArrayConverter', () => new ByteArrayConverter())
    .register('org.apache.kafka.connect.storage.SimpleHeaderConverter', () => new SimpleHeaderConverter());
}

export interface ConverterSetting {
  readonly property: ConverterProperty;
  readonly className: string;
  /** The converter's own settings, prefix stripped, plus converter.type. */
  readonly configs: Readonly<Record<string, string>>;
  readonly source: 'connector' | 'worker' | 'default';
}

type ConfigMap = Readonly<Record<string, string>> | ReadonlyMap<string, string>;

function toRecord(c: ConfigMap | null | undefined): Readonly<Record<string, string>> {
  if (c === null || c === undefined) return {};
  return c instanceof Map ? Object.fromEntries(c) : (c as Readonly<Record<string, string>>);
}

function withPrefix(config: Readonly<Record<string, string>>, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(config)) if (k.startsWith(prefix) && k.length > prefix.length) out[k.slice(prefix.length)] = v;
  return out;
}

const TYPES: Record<ConverterProperty, ConverterType> = { 'key.converter': 'key', 'value.converter': 'value', 'header.converter': 'header' };

/** Which class and settings a converter property resolves to (connector overrides win over the worker). */
export function converterSetting(property: ConverterProperty, workerConfig: ConfigMap, connectorConfig?: ConfigMap | null): ConverterSetting {
  const worker = toRecord(workerConfig);
  const connector = toRecord(connectorConfig);
  let source: ConverterSetting['source'];
  let className: string;
  let configs: Record<string, string>;
  if (connector[property] !== undefined && connector[property]!.trim() !== '') {
    source = 'connector';
    className = connector[property]!.trim();
    configs = withPrefix(connector, `${property}.`);
  } else if (worker[property] !== undefined && worker[property]!.trim() !== '') {
    source = 'worker';
    className = worker[property]!.trim();
    configs = withPrefix(worker, `${property}.`);
  } else if (property === 'header.converter') {
    source = 'default';
    className = HEADER_CONVERTER_DEFAULT;
    configs = withPrefix(worker, `${property}.`);
  } else {
    throw new ConfigException(`Missing required configuration "${property}" which has no default value.`);
  }
  configs['converter.type'] = TYPES[property];
  return { property, className, configs, source };
}

export interface ConnectorConverters {
  readonly keyConverter: Converter;
  readonly valueConverter: Converter;
  readonly headerConverter: HeaderConverter;
}

/** Creates and configures the three converters for a connector's tasks. */
export function newConverters(workerConfig: ConfigMap, connectorConfig?: ConfigMap | null, registry: ConverterRegistry = defaultConverterRegistry()): ConnectorConverters {
  const key = converterSetting('key.converter', workerConfig, connectorConfig);
  const value = converterSetting('value.converter', workerConfig, connectorConfig);
  const header = converterSetting('header.converter', workerConfig, connectorConfig);
  const keyConverter = registry.newConverter(key.className, key.property);
  keyConverter.configure(key.configs as ConverterConfigs, true);
  const valueConverter = registry.newConverter(value.className, value.property);
  valueConverter.configure(value.configs as ConverterConfigs, false);
  const headerConverter = registry.newHeaderConverter(header.className, header.property);
  headerConverter.configure(header.configs as ConverterConfigs);
  return { keyConverter, valueConverter, headerConverter };
}
