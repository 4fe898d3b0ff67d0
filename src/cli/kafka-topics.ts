/**
 * kafka-topics: create, delete, alter, list and describe topics, with Kafka's flags and output,
 * against any Kafka-compatible cluster through Samsa's client.
 *
 *   kafka-topics --bootstrap-server localhost:9092 --create --topic t --partitions 3 --replication-factor 3 --config retention.ms=1000
 *   kafka-topics --bootstrap-server localhost:9092 --describe [--topic regex] [--under-replicated-partitions | --unavailable-partitions | --topics-with-overrides]
 *   kafka-topics --bootstrap-server localhost:9092 --list [--topic regex] [--exclude-internal]
 *   kafka-topics --bootstrap-server localhost:9092 --alter --topic t --partitions 6
 *   kafka-topics --bootstrap-server localhost:9092 --delete --topic regex [--if-exists]
 */
import type { Admin } from '../client/admin/admin.js';
import type { ITopicMetadata } from '../client/admin/admin-types.js';
import { connectWithin, kafkaFromProperties, readPropertiesFile } from './client-properties.js';
import { bootstrapServers, defineCliTool, integerFlag, keyValueFlags, UsageError } from './tool-runner.js';

const USAGE = `Create, delete, describe, or change a topic.
Usage: kafka-topics --bootstrap-server <host:port> (--create | --delete | --alter | --list | --describe) [options]
  --bootstrap-server <String>      REQUIRED: the Kafka server to connect to
  --command-config <String>        client properties file (client.id is used)
  --create | --delete | --alter | --list | --describe
  --topic <String>                 the topic (a regular expression for --list, --describe and --delete)
  --partitions <Integer>           partitions to create, or the new count with --alter
  --replication-factor <Integer>   replication factor of a new topic (default: the broker's)
  --replica-assignment <String>    broker ids per partition, e.g. 1:2,2:3,3:1
  --config <name=value>            a topic config override for --create (repeatable)
  --if-exists                      --alter/--delete: do nothing when the topic does not exist
  --if-not-exists                  --create: do nothing when the topic exists
  --exclude-internal               leave out internal topics (--list, --describe)
  --under-replicated-partitions    --describe: only partitions whose ISR is smaller than their replicas
  --unavailable-partitions         --describe: only partitions without a live leader
  --topics-with-overrides          --describe: only topics with config overrides (headers only)`;

/** Kafka's internal topics, recognised by name too (the broker also marks them). */
const INTERNAL = new Set(['__consumer_offsets', '__transaction_state']);
/** DescribeConfigs' config source for a topic override (DYNAMIC_TOPIC_CONFIG). */
const DYNAMIC_TOPIC_CONFIG = 1;
const TOPIC_RESOURCE = 2;

function topicFilter(pattern: string | undefined): (name: string) => boolean {
  if (pattern === undefined) return () => true;
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${pattern})$`);
  } catch (err) {
    throw new UsageError(`--topic ${pattern} is not a valid regular expression: ${(err as Error).message}`);
  }
  return (name) => re.test(name);
}

/** `1:2,2:3` → [[1, 2], [2, 3]] (partition 0 on brokers 1 and 2, ...). */
export function parseReplicaAssignment(text: string): number[][] {
  const partitions = text.split(',').map((p) => p.trim().split(':').map((b) => b.trim()));
  if (partitions.some((p) => p.some((b) => !/^\d+$/.test(b)))) throw new UsageError(`--replica-assignment must look like 1:2,2:3 (broker ids per partition), got ${text}`);
  const lists = partitions.map((p) => p.map(Number));
  for (const [i, l] of lists.entries()) if (new Set(l).size !== l.length) throw new UsageError(`--replica-assignment: partition ${i} lists a broker twice`);
  return lists;
}

async function matchingTopics(admin: Admin, pattern: string | undefined, excludeInternal: boolean): Promise<string[]> {
  const accept = topicFilter(pattern);
  return (await admin.listTopics()).filter((t) => accept(t) && !(excludeInternal && INTERNAL.has(t))).sort();
}

async function overridesOf(admin: Admin, topics: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (topics.length === 0) return out;
  const described = await admin.describeConfigs({ resources: topics.map((name) => ({ type: TOPIC_RESOURCE, name })), includeSynonyms: false });
  for (const r of described.resources) {
    const overrides = r.configEntries.filter((c) => c.configSource === DYNAMIC_TOPIC_CONFIG && !c.isDefault);
    out.set(r.resourceName, overrides.map((c) => `${c.configName}=${c.isSensitive ? '<redacted>' : (c.configValue ?? '')}`).join(','));
  }
  return out;
}

/** Kafka's describe output for one topic: a header line, then one line per (selected) partition. */
export function describeLines(t: ITopicMetadata, configs: string, partitions: ITopicMetadata['partitions'] | null): string[] {
  const sorted = [...t.partitions].sort((a, b) => a.partitionId - b.partitionId);
  const rf = sorted[0]?.replicas.length ?? 0;
  const lines: string[] = [];
  if (partitions === null || partitions.length === sorted.length) {
    lines.push(`Topic: ${t.name}\tTopicId: ${t.topicId ?? ''}\tPartitionCount: ${sorted.length}\tReplicationFactor: ${rf}\tConfigs: ${configs}`);
  }
  for (const p of partitions ?? sorted) {
    const offline = p.offlineReplicas.length > 0 ? `\tOffline: ${p.offlineReplicas.join(',')}` : '';
    lines.push(`\tTopic: ${t.name}\tPartition: ${p.partitionId}\tLeader: ${p.leader < 0 ? 'none' : p.leader}\tReplicas: ${p.replicas.join(',')}\tIsr: ${p.isr.join(',')}${offline}`);
  }
  return lines;
}

type Action = 'create' | 'delete' | 'alter' | 'list' | 'describe';

/** Runs the tool; resolves to the exit status. */
export const kafkaTopics = defineCliTool({
  name: 'kafka-topics',
  usage: USAGE,
  failurePrefix: 'Error while executing topic command : ',
  options: {
    'bootstrap-server': { type: 'string' },
    'command-config': { type: 'string' },
    create: { type: 'boolean' },
    delete: { type: 'boolean' },
    alter: { type: 'boolean' },
    list: { type: 'boolean' },
    describe: { type: 'boolean' },
    topic: { type: 'string' },
    partitions: { type: 'string' },
    'replication-factor': { type: 'string' },
    'replica-assignment': { type: 'string' },
    config: { type: 'string', multiple: true },
    'if-exists': { type: 'boolean' },
    'if-not-exists': { type: 'boolean' },
    'exclude-internal': { type: 'boolean' },
    'under-replicated-partitions': { type: 'boolean' },
    'unavailable-partitions': { type: 'boolean' },
    'topics-with-overrides': { type: 'boolean' },
  },
  async run(values, { out }) {
    const actions = (['create', 'delete', 'alter', 'list', 'describe'] as const).filter((a) => values[a] === true);
    const brokers = bootstrapServers(values);
    if (actions.length !== 1) throw new UsageError('Command must include exactly one action: --list, --describe, --create, --alter or --delete');
    const action: Action = actions[0]!;
    if ((action === 'create' || action === 'alter' || action === 'delete') && values.topic === undefined) throw new UsageError(`Missing required argument "[topic]" for --${action}`);
    const partitions = integerFlag(values.partitions, '--partitions', { positive: true });
    const replicationFactor = integerFlag(values['replication-factor'], '--replication-factor', { positive: true });
    const assignment = values['replica-assignment'] === undefined ? undefined : parseReplicaAssignment(values['replica-assignment']);
    const configs = [...keyValueFlags(values.config, '--config')].map(([name, value]) => ({ name, value }));
    if (assignment !== undefined && replicationFactor !== undefined) throw new UsageError('Option "[replica-assignment]" can\'t be used with option "[replication-factor]"');
    if (action === 'alter' && partitions === undefined) throw new UsageError('--alter needs --partitions (topic configs are changed with kafka-configs)');
    const admin = kafkaFromProperties(brokers, readPropertiesFile(values['command-config'], '--command-config'), 'kafka-topics').admin();
    await connectWithin(admin, brokers);
    try {
      return await runAction(admin, action, values, { partitions, replicationFactor, assignment, configs }, out);
    } finally {
      await admin.disconnect();
    }
  },
});

interface TopicValues {
  topic?: string;
  'exclude-internal'?: boolean;
  'if-exists'?: boolean;
  'if-not-exists'?: boolean;
  'under-replicated-partitions'?: boolean;
  'unavailable-partitions'?: boolean;
  'topics-with-overrides'?: boolean;
}

interface Parsed {
  partitions: number | undefined;
  replicationFactor: number | undefined;
  assignment: number[][] | undefined;
  configs: Array<{ name: string; value: string }>;
}

async function runAction(admin: Admin, action: Action, values: TopicValues, { partitions, replicationFactor, assignment, configs }: Parsed, out: (s: string) => void): Promise<number> {
  switch (action) {
    case 'list':
      for (const t of await matchingTopics(admin, values.topic, values['exclude-internal'] === true)) out(t);
      return 0;
    case 'describe': {
      const names = await matchingTopics(admin, values.topic, values['exclude-internal'] === true);
      if (names.length === 0 && values.topic !== undefined && values['if-exists'] !== true) throw new Error(`Topic '${values.topic}' does not exist as expected`);
      const { topics } = await admin.fetchTopicMetadata({ topics: names });
      const overrides = await overridesOf(admin, names);
      const live = new Set((await admin.describeCluster()).brokers.map((b) => b.nodeId));
      for (const t of topics.sort((a, b) => a.name.localeCompare(b.name))) {
        const configs = overrides.get(t.name) ?? '';
        if (values['topics-with-overrides'] === true) {
          if (configs !== '') out(describeLines(t, configs, null)[0]!);
          continue;
        }
        let selected: ITopicMetadata['partitions'] | null = null;
        if (values['under-replicated-partitions'] === true) selected = t.partitions.filter((p) => p.isr.length < p.replicas.length);
        else if (values['unavailable-partitions'] === true) selected = t.partitions.filter((p) => p.leader < 0 || !live.has(p.leader));
        if (selected !== null) {
          selected.sort((a, b) => a.partitionId - b.partitionId);
          for (const line of describeLines(t, configs, selected).filter((l) => l.startsWith('\t'))) out(line);
          continue;
        }
        for (const line of describeLines(t, configs, null)) out(line);
      }
      return 0;
    }
    case 'create': {
      const topic = values.topic!;
      const created = await admin.createTopics({
        topics: [{
          topic,
          ...(partitions === undefined ? {} : { numPartitions: partitions }),
          ...(replicationFactor === undefined ? {} : { replicationFactor }),
          ...(assignment === undefined ? {} : { replicaAssignment: assignment.map((replicas, partition) => ({ partition, replicas })) }),
          configEntries: configs,
        }],
        waitForLeaders: true,
      });
      if (!created) {
        if (values['if-not-exists'] === true) return 0;
        throw new Error(`Topic '${topic}' already exists.`);
      }
      out(`Created topic ${topic}.`);
      return 0;
    }
    case 'alter': {
      const names = await matchingTopics(admin, values.topic, false);
      if (names.length === 0) {
        if (values['if-exists'] === true) return 0;
        throw new Error(`Topic '${values.topic}' does not exist as expected`);
      }
      const current = (await admin.fetchTopicMetadata({ topics: names })).topics;
      for (const t of current) {
        const from = t.partitions.length;
        await admin.createPartitions({ topicPartitions: [{ topic: t.name, count: partitions!, ...(assignment === undefined ? {} : { assignments: assignment.slice(from) }) }] });
      }
      return 0;
    }
    case 'delete': {
      const names = await matchingTopics(admin, values.topic, false);
      if (names.length === 0) {
        if (values['if-exists'] === true) return 0;
        throw new Error(`Topic '${values.topic}' does not exist as expected`);
      }
      const internal = names.filter((n) => INTERNAL.has(n));
      if (internal.length > 0) throw new Error(`Topic ${internal.join(', ')} is a kafka internal topic and is not allowed to be marked for deletion.`);
      await admin.deleteTopics({ topics: names });
      return 0;
    }
  }
  return 1;
}
