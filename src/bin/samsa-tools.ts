/**
 * samsa <tool> [args...]: the umbrella command. Every tool also exists as its own bin, with and
 * without Kafka's `.sh` suffix. The bins (samsa.ts, kafka-server-start.ts) run this module from
 * the server bundle (run-tool.ts).
 */
import { versionLine } from '../common/samsa-version.js';
import { kafkaServerStart } from './kafka-server-start-command.js';
import { kafkaConsoleConsumer } from '../cli/kafka-console-consumer.js';
import { kafkaConsoleProducer } from '../cli/kafka-console-producer.js';
import { kafkaConsumerGroups } from '../cli/kafka-consumer-groups.js';
import { kafkaReassignPartitions } from '../cli/kafka-reassign-partitions.js';
import { kafkaTopics } from '../cli/kafka-topics.js';
import { kafkaConfigs } from '../cli/kafka-configs.js';
import { kafkaGetOffsets } from '../cli/kafka-get-offsets.js';
import { kafkaDeleteRecords } from '../cli/kafka-delete-records.js';
import { kafkaProducerPerfTest } from '../cli/kafka-producer-perf-test.js';
import { kafkaConsumerPerfTest } from '../cli/kafka-consumer-perf-test.js';
import { zooKeeperServerStart } from '../cli/zookeeper-server-start.js';
import { connectStandalone } from './connect-standalone-command.js';
import { connectDistributed } from './connect-distributed-command.js';

export { runConnectTaskThread } from '../connect/runtime/task-thread.js';

interface Tool {
  summary: string;
  run(argv: string[]): Promise<number>;
}

export const TOOLS: Record<string, Tool> = {
  'kafka-server-start': { summary: 'Start a broker from a Kafka server.properties file', run: kafkaServerStart },
  'kafka-topics': { summary: 'Create, delete, alter, list and describe topics', run: (argv) => kafkaTopics(argv) },
  'kafka-console-producer': { summary: 'Produce lines from standard input as records', run: (argv) => kafkaConsoleProducer(argv) },
  'kafka-console-consumer': { summary: 'Print records on standard output', run: (argv) => kafkaConsoleConsumer(argv) },
  'kafka-consumer-groups': { summary: 'List, describe and delete consumer groups; reset and delete their offsets', run: (argv) => kafkaConsumerGroups(argv) },
  'kafka-reassign-partitions': { summary: 'Move partitions between brokers (--generate, --execute, --verify, --cancel, --list)', run: (argv) => kafkaReassignPartitions(argv) },
  'kafka-configs': { summary: 'Describe and change topic and broker configs (--describe, --alter)', run: (argv) => kafkaConfigs(argv) },
  'kafka-get-offsets': { summary: 'Offsets of topic partitions at a time (Kafka’s GetOffsetShell)', run: (argv) => kafkaGetOffsets(argv) },
  'kafka-delete-records': { summary: 'Delete records below given offsets (--offset-json-file)', run: (argv) => kafkaDeleteRecords(argv) },
  'kafka-producer-perf-test': { summary: 'Producer throughput and latency test (Kafka’s ProducerPerformance)', run: (argv) => kafkaProducerPerfTest(argv) },
  'kafka-consumer-perf-test': { summary: 'Consumer throughput test (Kafka’s ConsumerPerformance)', run: (argv) => kafkaConsumerPerfTest(argv) },
  'connect-standalone': { summary: 'Run Kafka Connect in standalone mode (worker.properties connector.properties...)', run: (argv) => connectStandalone(argv) },
  'connect-distributed': { summary: 'Run a Kafka Connect worker in distributed mode (worker.properties); connectors through its REST API', run: (argv) => connectDistributed(argv) },
  'zookeeper-server-start': { summary: 'Start the installed Apache ZooKeeper with a zookeeper.properties file', run: (argv) => zooKeeperServerStart(argv) },
};

function help(): string {
  const width = Math.max(...Object.keys(TOOLS).map((k) => k.length));
  const lines = Object.entries(TOOLS).map(([name, t]) => `  ${name.padEnd(width)}  ${t.summary}`);
  return `Usage: samsa <tool> [options]\n\nTools:\n${lines.join('\n')}\n\nEach tool is also installed as its own command (with and without the .sh suffix).`;
}

export async function samsa(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    console.log(help());
    return name === undefined ? 1 : 0;
  }
  if (name === '--version') {
    console.log(versionLine());
    return 0;
  }
  const tool = TOOLS[name.replace(/\.sh$/, '')];
  if (tool === undefined) {
    console.error(`samsa: unknown tool '${name}'\n\n${help()}`);
    return 1;
  }
  return tool.run(rest);
}
