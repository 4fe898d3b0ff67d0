/**
 * kafka-get-offsets (Kafka's GetOffsetShell): the offsets of topic partitions at a time, one
 * `topic:partition:offset` line each, against any Kafka-compatible cluster through Samsa's client.
 *
 *   kafka-get-offsets --bootstrap-server localhost:9092 --topic 'orders.*' --time -2
 *   kafka-get-offsets --bootstrap-server localhost:9092 --topic-partitions 'orders:0-3,audit' --time 1700000000000
 */
import { connectWithin, kafkaFromProperties, readPropertiesFile } from './client-properties.js';
import { bootstrapServers, defineCliTool, UsageError } from './tool-runner.js';

const USAGE = `An interactive shell for getting topic-partition offsets.
Usage: kafka-get-offsets --bootstrap-server <host:port> [--topic <regex>] [--partitions <ids>] [--time <time>]
  --bootstrap-server <String>      REQUIRED: the server(s) to connect to, HOST1:PORT1,HOST2:PORT2
  --broker-list <String>           DEPRECATED, use --bootstrap-server
  --topic <String>                 the topic (a regular expression); all topics when absent
  --partitions <String>            comma-separated partition ids; all when absent
  --topic-partitions <String>      topic-partition patterns, e.g. topic1:1,topic2:0-3,topic3,topic4:5-,topic5:-3
                                   (a topic regex, then a partition, a range lower-inclusive/upper-exclusive,
                                   or nothing for all); not with --topic or --partitions
  --time <String>                  <timestamp ms> / -1 or latest / -2 or earliest / -3 or max-timestamp
                                   (default latest); no line for a partition without a record at or after the time
  --command-config <String>        client properties file
  --exclude-internal-topics        leave out internal topics`;

/** Kafka's IncludeList: a regular expression (commas meaning "or") that must match the whole name. */
function includeList(pattern: string): (topic: string) => boolean {
  const cleaned = pattern.trim().replace(/,/g, '|').replace(/ /g, '').replace(/^["']+/, '').replace(/["']+$/, '');
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${cleaned})$`);
  } catch (err) {
    throw new UsageError(`${pattern} is not a valid regular expression: ${(err as Error).message}`);
  }
  return (topic) => re.test(topic);
}

interface Rule {
  topic: (topic: string) => boolean;
  partition: (partition: number) => boolean;
}

/** --topic-partitions: `TopicRegex(:Partition)?` rules, comma-separated; a partition is N, N-M (M exclusive), N- or -M. */
export function parseTopicPartitions(text: string): Rule[] {
  return text.split(',').map((spec) => {
    const m = /^([^:,]*)(?::(?:([0-9]*)|(?:([0-9]*)-([0-9]*))))?$/.exec(spec);
    if (m === null) throw new UsageError(`Invalid rule specification: ${spec}`);
    const topic = includeList(m[1] === undefined || m[1] === '' ? '.*' : m[1]);
    if (m[2] !== undefined && m[2] !== '') {
      const only = Number(m[2]);
      return { topic, partition: (p) => p === only };
    }
    const low = m[3] === undefined || m[3] === '' ? 0 : Number(m[3]);
    const high = m[4] === undefined || m[4] === '' ? Number.MAX_SAFE_INTEGER : Number(m[4]);
    return { topic, partition: (p) => p >= low && p < high };
  });
}

/** --partitions: comma-separated ids; empty → all. */
export function parsePartitionList(text: string | undefined): Set<number> {
  const ids = new Set<number>();
  if (text === undefined || text === '') return ids;
  for (const part of text.split(',')) {
    if (!/^\s*\d+\s*$/.test(part)) throw new UsageError(`--partitions expects a comma separated list of numeric partition ids, but received: ${text}`);
    ids.add(Number(part));
  }
  return ids;
}

/** --time: the ListOffsets timestamp it asks for. */
export function parseTime(text: string): number {
  switch (text) {
    case 'latest':
      return -1;
    case 'earliest':
      return -2;
    case 'max-timestamp':
      return -3;
  }
  const value = /^-?\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || value < -3) {
    throw new UsageError(`Malformed time argument ${text}, please use -1 or latest / -2 or earliest / -3 or max-timestamp, or a specified long format timestamp`);
  }
  return value;
}

/** Runs the tool; resolves to the exit status. `--time -2` is taken as Kafka takes it. */
export const kafkaGetOffsets = defineCliTool({
  argvForms: { negativeValues: ['--time'] },
  name: 'kafka-get-offsets',
  usage: USAGE,
  failurePrefix: 'Error occurred: ',
  options: {
    'bootstrap-server': { type: 'string' },
    'broker-list': { type: 'string' },
    topic: { type: 'string' },
    partitions: { type: 'string' },
    'topic-partitions': { type: 'string' },
    time: { type: 'string' },
    'command-config': { type: 'string' },
    'exclude-internal-topics': { type: 'boolean' },
  },
  async run(values, { out, err }) {
    const brokers = bootstrapServers(values);
    if (values['topic-partitions'] !== undefined && (values.topic !== undefined || values.partitions !== undefined)) throw new UsageError('--topic-partitions cannot be used with --topic or --partitions');
    const time = parseTime(values.time ?? 'latest');
    let rules: Rule[];
    if (values['topic-partitions'] !== undefined) rules = parseTopicPartitions(values['topic-partitions']);
    else {
      const ids = parsePartitionList(values.partitions);
      rules = [{ topic: includeList(values.topic ?? '.*'), partition: (p) => ids.size === 0 || ids.has(p) }];
    }
    const admin = kafkaFromProperties(brokers, readPropertiesFile(values['command-config'], '--command-config'), 'GetOffsetShell').admin();
    await connectWithin(admin, brokers);
    try {
      const { topics } = await admin.fetchTopicMetadata();
      const wanted = new Map<string, number[]>();
      for (const t of topics) {
        if (values['exclude-internal-topics'] === true && (t.isInternal === true || t.name === '__consumer_offsets' || t.name === '__transaction_state')) continue;
        const partitions = t.partitions.map((p) => p.partitionId).filter((p) => rules.some((r) => r.topic(t.name) && r.partition(p)));
        if (partitions.length > 0) wanted.set(t.name, partitions.sort((a, b) => a - b));
      }
      if (wanted.size === 0) throw new Error('Could not match any topic-partitions with the specified filters');
      for (const topic of [...wanted.keys()].sort()) {
        const partitions = new Set(wanted.get(topic));
        let offsets;
        try {
          offsets = await admin.listTopicOffsets(topic, time);
        } catch (e) {
          err(`Skip getting offsets for topic ${topic} due to error: ${(e as Error).message}`);
          continue;
        }
        for (const o of offsets) if (partitions.has(o.partition) && o.offset !== '-1') out(`${topic}:${o.partition}:${o.offset}`);
      }
      return 0;
    } finally {
      await admin.disconnect();
    }
  },
});
