/**
 * Topic creation by source connectors (Kafka's KIP-158: TopicCreationConfig, the topic.creation.*
 * part of SourceConnectorConfig, TopicCreationGroup and TopicCreation).
 *
 * Worker: `topic.creation.enable` (BOOLEAN, default true). When false, source connectors never
 * create topics.
 *
 * Connector: creation is on for a connector as soon as any `topic.creation.*` key is set; then
 * `topic.creation.default.replication.factor` and `topic.creation.default.partitions` are
 * required (-1 = the broker's default; otherwise >= 1). `topic.creation.groups` lists further
 * groups (unique aliases; `default` always exists and is dropped from the list). Each group has
 * `topic.creation.<group>.include` / `.exclude` (lists of regular expressions matched against the
 * whole topic name; exclusion wins), `.replication.factor` and `.partitions` (defaulting to the
 * default group's), and any other `topic.creation.<group>.<name>` is a topic config given to
 * CreateTopics as is (cleanup.policy, compression.type, ...). The default group matches every
 * topic; its include/exclude are ignored. A topic gets the settings of the first listed group
 * that includes and does not exclude it, else the default group's.
 *
 * `TopicCreation.ensure(topic)` is what a source task calls before its first send to a topic:
 * it checks whether the topic exists (a metadata request for all topics, which never
 * auto-creates), creates it with its group's settings if not (TOPIC_ALREADY_EXISTS from a racing
 * creator counts as existing), and remembers topics known to exist. Concurrent calls for one
 * topic share one attempt; a failed attempt is not remembered, so the next call tries again.
 *
 * Differences from Kafka: replication factors are INT with a -1..32767 range check (Kafka: SHORT);
 * JavaScript regular expressions stand in for java.util.regex (the common syntax is the same).
 */
import { ConfigDef, type Validator } from '../api/config-def.js';
import { ConfigException, ConnectException } from '../api/errors.js';
import type { Admin } from '../../client/admin/admin.js';

export const TOPIC_CREATION_ENABLE_CONFIG = 'topic.creation.enable';
export const TOPIC_CREATION_PREFIX = 'topic.creation.';
export const TOPIC_CREATION_GROUPS_CONFIG = 'topic.creation.groups';
export const DEFAULT_TOPIC_CREATION_GROUP = 'default';
export const INCLUDE_REGEX_CONFIG = 'include';
export const EXCLUDE_REGEX_CONFIG = 'exclude';
export const REPLICATION_FACTOR_CONFIG = 'replication.factor';
export const PARTITIONS_CONFIG = 'partitions';
/** "Use the broker's default" for partitions and replication factor. */
export const NO_PARTITIONS = -1;
export const NO_REPLICATION_FACTOR = -1;

const GROUP_KEYS = new Set([INCLUDE_REGEX_CONFIG, EXCLUDE_REGEX_CONFIG, REPLICATION_FACTOR_CONFIG, PARTITIONS_CONFIG]);

const replicationFactorValidator: Validator = {
  ensureValid(name, value) {
    const n = value as number;
    if ((n !== NO_REPLICATION_FACTOR && n < 1) || n > 32767) {
      throw ConfigDef.invalid(name, value, "Replication factor must be positive and not larger than the number of brokers in the Kafka cluster, or -1 to use the broker's default");
    }
  },
  toString: () => "Positive number not larger than the number of brokers in the Kafka cluster, or -1 to use the broker's default",
};

const partitionsValidator: Validator = {
  ensureValid(name, value) {
    const n = value as number;
    if (n !== NO_PARTITIONS && n < 1) throw ConfigDef.invalid(name, value, "Number of partitions must be positive, or -1 to use the broker's default");
  },
  toString: () => "Positive number, or -1 to use the broker's default",
};

const regexListValidator: Validator = {
  ensureValid(name, value) {
    for (const pattern of value as string[]) {
      try {
        new RegExp(pattern);
      } catch (e) {
        throw ConfigDef.invalid(name, value, `Syntax error in regular expression: ${(e as Error).message}`);
      }
    }
  },
  toString: () => 'A list of regular expressions',
};

const uniqueGroupsValidator: Validator = {
  ensureValid(name, value) {
    const list = value as string[];
    if (new Set(list).size < list.length) throw ConfigDef.invalid(name, value, 'Duplicate alias provided.');
  },
  toString: () => 'unique topic creation groups',
};

const INCLUDE_DOC = 'A list of regular expression literals used to match the topic names used by the source connector. This list is used to include topics that should be created using the topic settings defined by this group.';
const EXCLUDE_DOC = 'A list of regular expression literals used to match the topic names used by the source connector. This list is used to exclude topics from being created with the topic settings defined by this group. Note that exclusion rules have precedent and override any inclusion rules for the topics.';
const REPLICATION_FACTOR_DOC = "The replication factor for new topics created for this connector using this group. This value may be -1 to use the broker's default replication factor, or may be a positive number not larger than the number of brokers in the Kafka cluster. For the default group this configuration is required; for any other group it defaults to the default group's.";
const PARTITIONS_DOC = "The number of partitions new topics created for this connector. This value may be -1 to use the broker's default number of partitions, or a positive number. For the default group this configuration is required; for any other group it defaults to the default group's.";

/** The worker's topic creation key. */
export function topicCreationWorkerConfigDef(): ConfigDef {
  return new ConfigDef().define(TOPIC_CREATION_ENABLE_CONFIG, 'BOOLEAN', {
    defaultValue: true,
    importance: 'LOW',
    documentation: 'Whether to allow automatic creation of topics used by source connectors, when source connectors are configured with `topic.creation.` properties. Each task will use an admin client to create its topics and will not depend on the Kafka brokers to create topics automatically.',
  });
}

/** The groups `topic.creation.groups` lists, without duplicates and without `default`. */
function listedGroups(connectorProps: Readonly<Record<string, string>>): string[] {
  const raw = ConfigDef.parseType(TOPIC_CREATION_GROUPS_CONFIG, connectorProps[TOPIC_CREATION_GROUPS_CONFIG] ?? '', 'LIST') as string[];
  return [...new Set(raw)].filter((g) => g !== DEFAULT_TOPIC_CREATION_GROUP);
}

/**
 * The connector's topic.creation.* keys as a ConfigDef (Kafka's SourceConnectorConfig.enrich):
 * `topic.creation.groups`, the default group's required keys, and the keys of every listed group
 * (their replication factor and partitions default to the default group's values in `props`, when
 * those are valid).
 */
export function topicCreationConfigDef(connectorProps: Readonly<Record<string, string>>): ConfigDef {
  const def = new ConfigDef()
    .define(TOPIC_CREATION_GROUPS_CONFIG, 'LIST', { defaultValue: [], validator: uniqueGroupsValidator, importance: 'LOW', documentation: 'Groups of configurations for topics created by source connectors' })
    .define(`${TOPIC_CREATION_PREFIX}${DEFAULT_TOPIC_CREATION_GROUP}.${REPLICATION_FACTOR_CONFIG}`, 'INT', { validator: replicationFactorValidator, importance: 'LOW', documentation: REPLICATION_FACTOR_DOC })
    .define(`${TOPIC_CREATION_PREFIX}${DEFAULT_TOPIC_CREATION_GROUP}.${PARTITIONS_CONFIG}`, 'INT', { validator: partitionsValidator, importance: 'LOW', documentation: PARTITIONS_DOC });
  let groups: string[] = [];
  try {
    groups = listedGroups(connectorProps);
  } catch {
    // A malformed list is reported by its own key.
  }
  const fallback = (key: string, validator: Validator): number | null => {
    try {
      const v = ConfigDef.parseType(key, connectorProps[key], 'INT') as number | null;
      if (v === null) return null;
      validator.ensureValid(key, v);
      return v;
    } catch {
      return null;
    }
  };
  const defaultRf = fallback(`${TOPIC_CREATION_PREFIX}${DEFAULT_TOPIC_CREATION_GROUP}.${REPLICATION_FACTOR_CONFIG}`, replicationFactorValidator);
  const defaultPartitions = fallback(`${TOPIC_CREATION_PREFIX}${DEFAULT_TOPIC_CREATION_GROUP}.${PARTITIONS_CONFIG}`, partitionsValidator);
  for (const group of groups) {
    const prefix = `${TOPIC_CREATION_PREFIX}${group}.`;
    def
      .define(prefix + INCLUDE_REGEX_CONFIG, 'LIST', { defaultValue: [], validator: regexListValidator, importance: 'LOW', documentation: INCLUDE_DOC })
      .define(prefix + EXCLUDE_REGEX_CONFIG, 'LIST', { defaultValue: [], validator: regexListValidator, importance: 'LOW', documentation: EXCLUDE_DOC })
      // Without a valid default-group value there is nothing to inherit: the default group's own key reports the problem.
      .define(prefix + REPLICATION_FACTOR_CONFIG, 'INT', { defaultValue: defaultRf ?? NO_REPLICATION_FACTOR, validator: replicationFactorValidator, importance: 'LOW', documentation: REPLICATION_FACTOR_DOC })
      .define(prefix + PARTITIONS_CONFIG, 'INT', { defaultValue: defaultPartitions ?? NO_PARTITIONS, validator: partitionsValidator, importance: 'LOW', documentation: PARTITIONS_DOC });
  }
  return def;
}

/** True when the connector's settings use topic creation (any `topic.creation.` key; Kafka's usesTopicCreation). */
export function usesTopicCreation(connectorProps: Readonly<Record<string, string>>): boolean {
  return Object.keys(connectorProps).some((k) => k.startsWith(TOPIC_CREATION_PREFIX));
}

/** One group's settings for the topics it creates (Kafka's TopicCreationGroup). */
export class TopicCreationGroup {
  private readonly inclusion: RegExp;
  private readonly exclusion: RegExp;

  constructor(
    readonly name: string,
    include: readonly string[],
    exclude: readonly string[],
    readonly replicationFactor: number,
    readonly partitions: number,
    /** The other topic configs (cleanup.policy, compression.type, ...). */
    readonly otherConfigs: Readonly<Record<string, string>>,
  ) {
    // Java's Matcher.matches(): the whole name must match the alternation of the patterns.
    this.inclusion = new RegExp(`^(?:${include.join('|')})$`);
    this.exclusion = new RegExp(`^(?:${exclude.join('|')})$`);
  }

  /** Whether the group includes `topic` and does not exclude it. Always true for the default group. */
  matches(topic: string): boolean {
    if (this.name === DEFAULT_TOPIC_CREATION_GROUP) return true;
    return !this.exclusion.test(topic) && this.inclusion.test(topic);
  }

  toString(): string {
    return `TopicCreationGroup{name='${this.name}', inclusionPattern=${this.inclusion.source}, exclusionPattern=${this.exclusion.source}, numPartitions=${this.partitions}, replicationFactor=${this.replicationFactor}, otherConfigs=${JSON.stringify(this.otherConfigs)}}`;
  }
}

/** The default group and the listed groups, in order. */
export interface TopicCreationSettings {
  readonly defaultGroup: TopicCreationGroup;
  readonly groups: readonly TopicCreationGroup[];
}

function otherConfigs(connectorProps: Readonly<Record<string, string>>, group: string): Record<string, string> {
  const prefix = `${TOPIC_CREATION_PREFIX}${group}.`;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(connectorProps)) {
    if (!k.startsWith(prefix)) continue;
    const name = k.slice(prefix.length);
    if (name !== '' && !GROUP_KEYS.has(name)) out[name] = v;
  }
  return out;
}

/**
 * Validates a connector's topic.creation.* settings and returns its groups; throws a
 * ConfigException naming the first bad key (a missing default replication factor or partition
 * count, a value out of range, a bad regular expression, a duplicate group).
 */
export function validateTopicCreationConfig(connectorProps: Readonly<Record<string, string>>): TopicCreationSettings {
  const values = topicCreationConfigDef(connectorProps).parse(connectorProps);
  const groupNames = listedGroups(connectorProps);
  const d = DEFAULT_TOPIC_CREATION_GROUP;
  const defaultGroup = new TopicCreationGroup(d, ['.*'], [], values[`${TOPIC_CREATION_PREFIX}${d}.${REPLICATION_FACTOR_CONFIG}`] as number, values[`${TOPIC_CREATION_PREFIX}${d}.${PARTITIONS_CONFIG}`] as number, otherConfigs(connectorProps, d));
  const groups = groupNames.map((g) => {
    const p = `${TOPIC_CREATION_PREFIX}${g}.`;
    return new TopicCreationGroup(g, values[p + INCLUDE_REGEX_CONFIG] as string[], values[p + EXCLUDE_REGEX_CONFIG] as string[], values[p + REPLICATION_FACTOR_CONFIG] as number, values[p + PARTITIONS_CONFIG] as number, otherConfigs(connectorProps, g));
  });
  return { defaultGroup, groups };
}

/** Whether the worker allows topic creation (`topic.creation.enable`, default true); throws ConfigException for a bad value. */
export function topicCreationEnabled(workerProps: Readonly<Record<string, string>>): boolean {
  return topicCreationWorkerConfigDef().parse(workerProps)[TOPIC_CREATION_ENABLE_CONFIG] as boolean;
}

/** Creates the topics a source connector's tasks write to, once each (Kafka's TopicCreation + maybeCreateTopic). */
export class TopicCreation {
  private readonly known = new Set<string>();
  private readonly pending = new Map<string, Promise<void>>();

  private constructor(
    readonly settings: TopicCreationSettings,
    private readonly admin: Admin,
  ) {}

  /**
   * The topic creation of a connector, or null when it has none: the worker disabled it
   * (`topic.creation.enable=false`) or the connector sets no `topic.creation.` key. Throws
   * ConfigException naming the key for bad settings.
   */
  static fromConfigs(workerProps: Record<string, string>, connectorProps: Record<string, string>, admin: Admin): TopicCreation | null {
    if (!topicCreationEnabled(workerProps)) return null;
    if (!usesTopicCreation(connectorProps)) return null;
    return new TopicCreation(validateTopicCreationConfig(connectorProps), admin);
  }

  /** The first listed group that matches `topic`, else the default group (Kafka's findFirstGroup). */
  findFirstGroup(topic: string): TopicCreationGroup {
    return this.settings.groups.find((g) => g.matches(topic)) ?? this.settings.defaultGroup;
  }

  /** Whether `topic` is already known to exist. */
  isKnown(topic: string): boolean {
    return this.known.has(topic);
  }

  /** Makes sure `topic` exists, creating it with its group's settings if it does not. */
  ensure(topic: string): Promise<void> {
    if (this.known.has(topic)) return Promise.resolve();
    let attempt = this.pending.get(topic);
    if (attempt === undefined) {
      attempt = this.createIfMissing(topic).finally(() => this.pending.delete(topic));
      this.pending.set(topic, attempt);
    }
    return attempt;
  }

  private async createIfMissing(topic: string): Promise<void> {
    const group = this.findFirstGroup(topic);
    try {
      if ((await this.admin.listTopics()).includes(topic)) {
        this.known.add(topic);
        return;
      }
      await this.admin.createTopics({
        topics: [{
          topic,
          numPartitions: group.partitions,
          replicationFactor: group.replicationFactor,
          configEntries: Object.entries(group.otherConfigs).map(([name, value]) => ({ name, value })),
        }],
      });
    } catch (e) {
      throw new ConnectException(`Task failed to create new topic '${topic}' using creation group ${group.name}: ${(e as Error).message}. Ensure that the task is authorized to create topics or that the topic exists and restart the task`, { cause: e });
    }
    // Created, or created by someone else in the meantime (createTopics resolves false then).
    this.known.add(topic);
  }
}
