/**
 * kafka-configs: describe and change topic and broker configs, with Kafka's flags and output,
 * against any Kafka-compatible cluster through Samsa's client. Changes go through
 * IncrementalAlterConfigs, so only the named configs change.
 *
 *   kafka-configs --bootstrap-server localhost:9092 --describe --entity-type topics [--entity-name t] [--all]
 *   kafka-configs --bootstrap-server localhost:9092 --alter --topic t --add-config retention.ms=1000,cleanup.policy=[compact,delete]
 *   kafka-configs --bootstrap-server localhost:9092 --alter --entity-type brokers --entity-default --delete-config log.retention.ms
 */
import type { Admin } from '../client/admin/admin.js';
import { AlterConfigOpTypes, ConfigResourceTypes } from '../client/admin/admin-types.js';
import type { ConfigEntry, IncrementalAlterConfigsOptions } from '../client/admin/admin-types.js';
import { connectWithin, kafkaFromProperties, readPropertiesFile } from './client-properties.js';
import { bootstrapServers, defineCliTool, UsageError } from './tool-runner.js';

const USAGE = `Describe or change the configs of topics and brokers.
Usage: kafka-configs --bootstrap-server <host:port> (--describe | --alter) --entity-type (topics | brokers) [--entity-name <name> | --entity-default] [options]
  --bootstrap-server <String>      REQUIRED: the Kafka server to connect to
  --command-config <String>        client properties file
  --describe                       list the configs of the entity (only dynamic ones unless --all)
  --alter                          change the configs of the entity
  --entity-type <String>           topics or brokers
  --entity-name <String>           the topic name or broker id (all of them for --describe when absent)
  --entity-default                 brokers: the cluster-wide default
  --topic <String>                 same as --entity-type topics --entity-name <topic>
  --broker <String>                same as --entity-type brokers --entity-name <id>
  --broker-defaults                same as --entity-type brokers --entity-default
  --all                            --describe: every config, not only the overrides
  --add-config <String>            configs to set: k1=v1,k2=[v1,v2,v3] (square brackets for list values)
  --add-config-file <String>       a properties file of configs to set
  --delete-config <String>         config overrides to remove: k1,k2`;

/** Kafka's names of DescribeConfigs' config sources. */
const SOURCE_NAMES = ['UNKNOWN', 'DYNAMIC_TOPIC_CONFIG', 'DYNAMIC_BROKER_CONFIG', 'DYNAMIC_DEFAULT_BROKER_CONFIG', 'STATIC_BROKER_CONFIG', 'DEFAULT_CONFIG', 'DYNAMIC_BROKER_LOGGER_CONFIG'];
const DYNAMIC_TOPIC_CONFIG = 1;
const DYNAMIC_BROKER_CONFIG = 2;
const DYNAMIC_DEFAULT_BROKER_CONFIG = 3;
/** The broker resource name of the cluster-wide default. */
const BROKER_DEFAULT = '';

type EntityType = 'topics' | 'brokers';

/**
 * --add-config's `k1=v1,k2=[a,b]`: pairs split on commas outside square brackets, brackets removed
 * from values (a list value is sent comma-separated), as Kafka's ConfigCommand.
 */
export function parseAddConfig(text: string): Array<[string, string]> {
  const pairs = text.split(/,(?=[^\]]*(?:\[|$))/).map((p) => p.trim()).filter((p) => p !== '');
  return pairs.map((p) => {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new UsageError(`Invalid entity config: all configs to be added must be in the format "key=val", got "${p}"`);
    return [p.slice(0, eq).trim(), p.slice(eq + 1).replace(/[[\]]/g, '').trim()];
  });
}

/** One describe line, as Kafka prints it. */
export function configLine(c: ConfigEntry): string {
  const synonyms = c.configSynonyms.map((s) => `${SOURCE_NAMES[s.configSource] ?? 'UNKNOWN'}:${s.configName}=${s.configValue ?? 'null'}`).join(', ');
  return `  ${c.configName}=${c.isSensitive ? 'null' : (c.configValue ?? 'null')} sensitive=${c.isSensitive} synonyms={${synonyms}}`;
}

function resourceType(type: EntityType): number {
  return type === 'topics' ? ConfigResourceTypes.TOPIC : ConfigResourceTypes.BROKER;
}

function describeSource(type: EntityType, name: string): number {
  if (type === 'topics') return DYNAMIC_TOPIC_CONFIG;
  return name === BROKER_DEFAULT ? DYNAMIC_DEFAULT_BROKER_CONFIG : DYNAMIC_BROKER_CONFIG;
}

function entityLabel(type: EntityType, name: string): string {
  return type === 'topics' ? `topic ${name}` : `broker ${name}`;
}

async function configsOf(admin: Admin, type: EntityType, name: string): Promise<ConfigEntry[]> {
  const described = await admin.describeConfigs({ resources: [{ type: resourceType(type), name }], includeSynonyms: true });
  return [...(described.resources[0]?.configEntries ?? [])].sort((a, b) => (a.configName < b.configName ? -1 : a.configName > b.configName ? 1 : 0));
}

async function checkTopicExists(admin: Admin, topic: string): Promise<void> {
  if (!(await admin.listTopics()).includes(topic)) throw new Error(`The topic '${topic}' does not exist.`);
}

export const kafkaConfigs = defineCliTool({
  name: 'kafka-configs',
  usage: USAGE,
  failurePrefix: 'Error while executing config command: ',
  options: {
    'bootstrap-server': { type: 'string' },
    'command-config': { type: 'string' },
    describe: { type: 'boolean' },
    alter: { type: 'boolean' },
    'entity-type': { type: 'string' },
    'entity-name': { type: 'string' },
    'entity-default': { type: 'boolean' },
    topic: { type: 'string' },
    broker: { type: 'string' },
    'broker-defaults': { type: 'boolean' },
    all: { type: 'boolean' },
    'add-config': { type: 'string' },
    'add-config-file': { type: 'string' },
    'delete-config': { type: 'string' },
  },
  async run(values, { out }) {
    const brokers = bootstrapServers(values);
    const actions = (['describe', 'alter'] as const).filter((a) => values[a] === true);
    if (actions.length !== 1) throw new UsageError('Command must include exactly one action: --describe, --alter');
    const action = actions[0]!;

    // The entity: --entity-type with --entity-name / --entity-default, or a shorthand.
    let type: EntityType | undefined;
    let name: string | undefined;
    const shorthands = [values.topic !== undefined, values.broker !== undefined, values['broker-defaults'] === true].filter(Boolean).length;
    if (shorthands > 1 || (shorthands === 1 && (values['entity-type'] !== undefined || values['entity-name'] !== undefined || values['entity-default'] === true))) {
      throw new UsageError('Only one entity may be given: --entity-type/--entity-name/--entity-default, --topic, --broker or --broker-defaults');
    }
    if (values.topic !== undefined) [type, name] = ['topics', values.topic];
    else if (values.broker !== undefined) [type, name] = ['brokers', values.broker];
    else if (values['broker-defaults'] === true) [type, name] = ['brokers', BROKER_DEFAULT];
    else {
      const t = values['entity-type'];
      if (t === undefined) throw new UsageError('Missing required argument "[entity-type]" (topics or brokers; or use --topic / --broker)');
      if (t !== 'topics' && t !== 'brokers') throw new UsageError(`--entity-type must be topics or brokers, got ${t}`);
      type = t;
      if (values['entity-name'] !== undefined && values['entity-default'] === true) throw new UsageError('--entity-name and --entity-default cannot both be given');
      if (values['entity-default'] === true) {
        if (type === 'topics') throw new UsageError('--entity-default is only for brokers (topics have no default entity)');
        name = BROKER_DEFAULT;
      } else name = values['entity-name'];
    }
    if (type === 'brokers' && name !== undefined && name !== BROKER_DEFAULT && !/^\d+$/.test(name)) throw new UsageError(`The entity name for brokers must be a broker id, got ${name}`);
    if (type === 'topics' && name === '') throw new UsageError('--entity-name must not be empty');

    let adds: Array<[string, string]> = [];
    let deletes: string[] = [];
    if (action === 'alter') {
      if (name === undefined) throw new UsageError(`An entity name must be specified with --alter of ${type} (--entity-name${type === 'brokers' ? ' or --entity-default' : ''})`);
      adds = values['add-config'] === undefined ? [] : parseAddConfig(values['add-config']);
      if (values['add-config-file'] !== undefined) adds.push(...readPropertiesFile(values['add-config-file'], '--add-config-file'));
      deletes = (values['delete-config'] ?? '').split(',').map((k) => k.trim()).filter((k) => k !== '');
      if (adds.length === 0 && deletes.length === 0) throw new UsageError('At least one of --add-config, --add-config-file or --delete-config must be specified with --alter');
      const both = adds.map(([k]) => k).filter((k) => deletes.includes(k));
      if (both.length > 0) throw new UsageError(`A config cannot be both added and deleted: ${both.join(',')}`);
    } else if (values['add-config'] !== undefined || values['add-config-file'] !== undefined || values['delete-config'] !== undefined) {
      throw new UsageError('--add-config, --add-config-file and --delete-config go with --alter');
    }

    const admin = kafkaFromProperties(brokers, readPropertiesFile(values['command-config'], '--command-config'), 'kafka-configs').admin();
    await connectWithin(admin, brokers);
    try {
      if (action === 'describe') {
        let names: string[];
        if (name !== undefined) {
          if (type === 'topics') await checkTopicExists(admin, name);
          names = [name];
        } else if (type === 'topics') names = (await admin.listTopics()).sort();
        else names = [...(await admin.describeCluster()).brokers.map((b) => b.nodeId).sort((a, b) => a - b).map(String), BROKER_DEFAULT];
        for (const n of names) {
          const source = describeSource(type, n);
          const entries = (await configsOf(admin, type, n)).filter((c) => values.all === true || c.configSource === source);
          if (type === 'brokers' && n === BROKER_DEFAULT) out('Default configs for brokers in the cluster are:');
          else out(`${values.all === true ? 'All' : 'Dynamic'} configs for ${entityLabel(type, n)} are:`);
          for (const c of entries) out(configLine(c));
        }
        return 0;
      }
      // --alter: Kafka refuses to delete a config that is not set.
      if (type === 'topics') await checkTopicExists(admin, name!);
      if (deletes.length > 0) {
        const source = describeSource(type, name!);
        const present = new Set((await configsOf(admin, type, name!)).filter((c) => c.configSource === source).map((c) => c.configName));
        const missing = deletes.filter((k) => !present.has(k));
        if (missing.length > 0) throw new Error(`Invalid config(s): ${missing.join(',')}`);
      }
      const configEntries: IncrementalAlterConfigsOptions['resources'][number]['configEntries'] = [
        ...adds.map(([k, v]) => ({ name: k, value: v, operation: AlterConfigOpTypes.SET })),
        ...deletes.map((k) => ({ name: k, value: null, operation: AlterConfigOpTypes.DELETE })),
      ];
      await admin.incrementalAlterConfigs({ resources: [{ type: resourceType(type), name: name!, configEntries }] });
      out(type === 'brokers' && name === BROKER_DEFAULT ? 'Completed updating default config for brokers in the cluster.' : `Completed updating config for ${entityLabel(type, name!)}.`);
      return 0;
    } finally {
      await admin.disconnect();
    }
  },
});
