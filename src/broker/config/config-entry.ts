import { brokerConfigDefinitions, brokerSynonymsOf } from './broker-config-definitions.js';
import { CONFIG_TYPE_IDS, ConfigSource, canonicalConfigString } from './config-definition.js';
import type { ConfigDefinition } from './config-definition.js';
import { brokerValueLayers } from './dynamic-broker-configs.js';
import type { BrokerValueSources, DynamicBrokerConfigs } from './dynamic-broker-configs.js';
import { resolveTopicValue } from './topic-config.js';
import { topicConfigDefinitions } from './topic-config-definitions.js';

/**
 * One config as DescribeConfigs answers it. The field names are those of the generated
 * DescribeConfigsResponse's resource result, so a handler can pass entries straight through.
 */
export interface ConfigEntry {
  name: string;
  /** The value in force as text; null for a sensitive (password) config or an unset key without default. */
  value: string | null;
  /** True when the config cannot be changed at run time (Kafka's "read-only" update mode). */
  readOnly: boolean;
  /** configSource === DEFAULT_CONFIG (what DescribeConfigs v0 sends instead of a source). */
  isDefault: boolean;
  /** A ConfigSource number: 1 topic override, 2 dynamic broker, 3 dynamic default, 4 static, 5 default. */
  configSource: number;
  isSensitive: boolean;
  /** Where the value could come from, highest precedence first (empty unless includeSynonyms). */
  synonyms: ConfigSynonym[];
  /** A CONFIG_TYPE_IDS number. */
  configType: number;
  /** The key's doc line when includeDocumentation, else null. */
  documentation: string | null;
}

export interface ConfigSynonym {
  name: string;
  value: string | null;
  source: number;
}

export interface DescribeConfigsOptions {
  includeSynonyms: boolean;
  includeDocumentation: boolean;
  /** Only these keys (unknown names are skipped, as Kafka does); null, empty or absent for all. */
  keys?: readonly string[] | null;
  /** Dynamic broker configs in force (none by default). */
  dynamic?: DynamicBrokerConfigs;
}

/**
 * DescribeConfigs for a topic: every topic config with the value in force, its source and, on
 * request, its synonyms in Kafka's order — the topic override, then the broker keys (all dynamic
 * per-broker ones, all dynamic defaults, all static ones, all defaults, each group in the keys'
 * precedence order). retention.ms with nothing set shows 604800000 from DEFAULT_CONFIG
 * log.retention.hours=168.
 *
 * Deviation: Kafka 3.x builds the same list but then drops every entry before the first one for
 * the primary broker key (log.retention.ms), so with only log.retention.hours set it reports
 * retention.ms as DEFAULT_CONFIG with no synonyms. Samsa keeps the whole list, so that the source
 * says where the value really comes from.
 */
export function describeTopicConfigs(
  broker: BrokerValueSources,
  overrides: Readonly<Record<string, string>>,
  options: DescribeConfigsOptions,
): ConfigEntry[] {
  const entries: ConfigEntry[] = [];
  for (const def of sortedByName(topicConfigDefinitions.values())) {
    if (!wanted(def.name, options.keys)) continue;
    const resolved = resolveTopicValue(def, broker, overrides, options.dynamic);
    const synonyms: ConfigSynonym[] = [];
    if (overrides[def.name] !== undefined) {
      synonyms.push({ name: def.name, value: resolved.value, source: ConfigSource.DYNAMIC_TOPIC_CONFIG });
    }
    const primary = def.brokerSynonyms[0]?.name;
    if (primary !== undefined) {
      synonyms.push(...brokerKeySynonyms(broker, options.dynamic, null, def.brokerSynonyms.map((s) => s.name), false));
    }
    const source = synonyms[0]?.source ?? ConfigSource.DEFAULT_CONFIG;
    entries.push(entry(def, resolved.value, false, source, synonyms, options));
  }
  return entries;
}

/**
 * DescribeConfigs for a broker. With `perBroker` (the default: a broker id was named) every key
 * Samsa knows is listed with the value set for that key itself — dynamic, static or default, so
 * log.retention.ms shows null unless set, its source and synonyms telling where retention comes
 * from. Without (the cluster-default resource, an empty name) only the dynamic cluster defaults
 * are listed, and DYNAMIC_BROKER_CONFIG synonyms are left out, as in Kafka.
 */
export function describeBrokerConfigs(
  broker: BrokerValueSources,
  dynamic: DynamicBrokerConfigs | undefined,
  options: Omit<DescribeConfigsOptions, 'dynamic'> & { perBroker?: boolean },
): ConfigEntry[] {
  const perBroker = options.perBroker ?? true;
  const entries: ConfigEntry[] = [];
  for (const def of sortedByName(brokerConfigDefinitions.values())) {
    if (!wanted(def.name, options.keys)) continue;
    const sensitive = def.type === 'password';
    let value: string | null;
    if (perBroker) {
      value = brokerValueLayers(broker, dynamic, def.name)[0]?.value ?? null;
    } else {
      value = dynamic?.clusterDefault?.[def.name] ?? null;
      if (value === null) continue;
    }
    let synonyms = brokerKeySynonyms(broker, dynamic, def.name, brokerSynonymsOf(def.name), sensitive);
    if (!perBroker) synonyms = synonyms.filter((s) => s.source !== ConfigSource.DYNAMIC_BROKER_CONFIG);
    const source = synonyms[0]?.source ?? ConfigSource.DEFAULT_CONFIG;
    const text = value === null || sensitive ? null : canonical(def, value);
    entries.push(entry(def, text, def.dynamic === 'read-only', source, synonyms, options));
  }
  return entries;
}

/**
 * Kafka's broker synonym list: for each layer (dynamic per-broker, dynamic default, static,
 * default) the keys of `group` set in it, in the group's order; then, when `name` is given,
 * everything before the first entry for `name` is dropped (describing log.retention.hours does
 * not show a log.retention.ms set dynamically; an unset log.retention.ms has no synonyms).
 */
function brokerKeySynonyms(
  broker: BrokerValueSources,
  dynamic: DynamicBrokerConfigs | undefined,
  name: string | null,
  group: readonly string[],
  sensitive: boolean,
): ConfigSynonym[] {
  const layers: ConfigSource[] = [
    ConfigSource.DYNAMIC_BROKER_CONFIG,
    ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG,
    ConfigSource.STATIC_BROKER_CONFIG,
    ConfigSource.DEFAULT_CONFIG,
  ];
  const all: ConfigSynonym[] = [];
  for (const layer of layers) {
    for (const key of group) {
      const found = brokerValueLayers(broker, dynamic, key).find((l) => l.source === layer);
      if (found === undefined) continue;
      const def = brokerConfigDefinitions.get(key);
      const value = sensitive || def?.type === 'password' ? null : def === undefined ? found.value : canonical(def, found.value);
      all.push({ name: key, value, source: layer });
    }
  }
  if (name === null) return all;
  const first = all.findIndex((s) => s.name === name);
  return first < 0 ? [] : all.slice(first);
}

function entry(
  def: ConfigDefinition,
  value: string | null,
  readOnly: boolean,
  source: number,
  synonyms: ConfigSynonym[],
  options: { includeSynonyms: boolean; includeDocumentation: boolean },
): ConfigEntry {
  return {
    name: def.name,
    value: def.type === 'password' ? null : value,
    readOnly,
    isDefault: source === ConfigSource.DEFAULT_CONFIG,
    configSource: source,
    isSensitive: def.type === 'password',
    synonyms: options.includeSynonyms ? synonyms : [],
    configType: CONFIG_TYPE_IDS[def.type],
    documentation: options.includeDocumentation ? def.doc : null,
  };
}

/** Canonical text, or the text as stored when it does not parse (a value validated elsewhere). */
function canonical(def: ConfigDefinition, value: string): string {
  try {
    return canonicalConfigString(def, value);
  } catch {
    return value.trim();
  }
}

function wanted(name: string, keys: readonly string[] | null | undefined): boolean {
  return keys === undefined || keys === null || keys.length === 0 || keys.includes(name);
}

function sortedByName<T extends ConfigDefinition>(defs: Iterable<T>): T[] {
  return [...defs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
