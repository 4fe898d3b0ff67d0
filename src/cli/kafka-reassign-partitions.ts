/**
 * kafka-reassign-partitions: Kafka's tool for moving partitions between brokers, with its flags
 * and output. It works against any Kafka-compatible cluster through Samsa's client.
 *
 *   --generate --topics-to-move-json-file F --broker-list 1,2,3   propose a new assignment
 *   --execute  --reassignment-json-file F                          start the moves (prints the current assignment for rollback)
 *   --verify   --reassignment-json-file F                          report each move: completed or still in progress
 *   --cancel   --reassignment-json-file F                          cancel moves in progress
 *   --list                                                         list the moves in progress
 *
 * JSON files are Kafka's: {"version":1,"topics":[{"topic":"t"}]} and
 * {"version":1,"partitions":[{"topic":"t","partition":0,"replicas":[1,2],"log_dirs":["any","any"]}]}.
 */
import { readFileSync } from 'node:fs';
import type { Admin } from '../client/admin/admin.js';
import { assignReplicas } from '../common/replica-assignment.js';
import { connectWithin, kafkaFromProperties, readPropertiesFile } from './client-properties.js';
import { bootstrapServers, defineCliTool, integerFlag, UsageError } from './tool-runner.js';

interface PartitionMove {
  topic: string;
  partition: number;
  replicas: number[];
}

const USAGE = `This tool helps to move topic partitions between replicas.
Usage: kafka-reassign-partitions --bootstrap-server <host:port> (--generate | --execute | --verify | --cancel | --list) [options]
  --bootstrap-server <String>          REQUIRED: the server(s) to connect to
  --generate                           generate a candidate assignment (needs --topics-to-move-json-file and --broker-list)
  --execute                            start the reassignment in --reassignment-json-file
  --verify                             report the status of the reassignment in --reassignment-json-file
  --cancel                             cancel the reassignments in --reassignment-json-file
  --list                               list the reassignments in progress
  --topics-to-move-json-file <String>  {"topics": [{"topic": "foo"},{"topic": "foo1"}], "version":1}
  --broker-list <String>               the brokers to assign to, e.g. "0,1,2"
  --reassignment-json-file <String>    {"partitions": [{"topic": "foo", "partition": 1, "replicas": [1,2,3]}], "version":1}
  --disable-rack-aware                 accepted; --generate does not read racks yet
  --timeout <Long>                     how long to wait, ms (default 10000)
  --command-config <String>            client properties file (only client.id is used)`;

function readJson(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${what} ${path}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new UsageError(`${what} ${path} is not valid JSON: ${(err as Error).message}`);
  }
}

/** The partitions of a reassignment JSON file, checked. */
export function parseReassignmentJson(value: unknown): PartitionMove[] {
  const partitions = (value as { partitions?: unknown } | null)?.partitions;
  if (!Array.isArray(partitions)) throw new UsageError('the reassignment JSON needs a "partitions" array');
  const seen = new Set<string>();
  return partitions.map((p: unknown, i) => {
    const e = p as { topic?: unknown; partition?: unknown; replicas?: unknown };
    if (typeof e.topic !== 'string' || !Number.isInteger(e.partition) || !Array.isArray(e.replicas) || !e.replicas.every((r) => Number.isInteger(r))) {
      throw new UsageError(`partition entry ${i} needs "topic" (string), "partition" (integer) and "replicas" (integers)`);
    }
    const key = `${e.topic}-${String(e.partition)}`;
    if (seen.has(key)) throw new UsageError(`partition ${key} appears twice in the reassignment JSON`);
    seen.add(key);
    if (new Set(e.replicas).size !== e.replicas.length) throw new UsageError(`partition ${key} lists a replica twice: ${JSON.stringify(e.replicas)}`);
    return { topic: e.topic, partition: e.partition as number, replicas: e.replicas as number[] };
  });
}

function assignmentJson(moves: readonly PartitionMove[]): string {
  return JSON.stringify({ version: 1, partitions: moves.map((m) => ({ topic: m.topic, partition: m.partition, replicas: m.replicas, log_dirs: m.replicas.map(() => 'any') })) });
}

async function currentAssignment(admin: Admin, topics: string[]): Promise<PartitionMove[]> {
  const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
  return metadata
    .flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partitionId, replicas: [...p.replicas] })))
    .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
}

async function generate(admin: Admin, topicsFile: string, brokerList: string): Promise<string> {
  const topicsJson = readJson(topicsFile, '--topics-to-move-json-file') as { topics?: Array<{ topic?: unknown }> } | null;
  if (!Array.isArray(topicsJson?.topics) || !topicsJson.topics.every((t) => typeof t.topic === 'string')) throw new UsageError('--topics-to-move-json-file needs {"topics":[{"topic":"..."}],"version":1}');
  const topics = topicsJson.topics.map((t) => t.topic as string);
  const brokerIds = brokerList.split(',').map((s) => s.trim());
  if (brokerIds.some((b) => !/^\d+$/.test(b))) throw new UsageError(`--broker-list must be comma-separated broker ids, got "${brokerList}"`);
  const ids = [...new Set(brokerIds.map(Number))];
  const current = await currentAssignment(admin, topics);
  const proposed: PartitionMove[] = [];
  for (const topic of topics) {
    const partitions = current.filter((m) => m.topic === topic);
    if (partitions.length === 0) throw new UsageError(`topic ${topic} does not exist`);
    // Kafka's placement with a random start, as Kafka's tool proposes (racks are not read: as --disable-rack-aware).
    const placed = assignReplicas(ids.map((id) => ({ id, rack: null })), { partitions: partitions.length, replicationFactor: partitions[0]!.replicas.length });
    if (!placed.ok) throw new UsageError(placed.message);
    placed.assignment.forEach((replicas, partition) => proposed.push({ topic, partition, replicas }));
  }
  return `Current partition replica assignment\n${assignmentJson(current)}\n\nProposed partition reassignment configuration\n${assignmentJson(proposed)}`;
}

async function execute(admin: Admin, moves: PartitionMove[], timeout: number): Promise<{ out: string; ok: boolean }> {
  const topics = [...new Set(moves.map((m) => m.topic))];
  const current = (await currentAssignment(admin, topics)).filter((c) => moves.some((m) => m.topic === c.topic && m.partition === c.partition));
  const missing = moves.filter((m) => !current.some((c) => c.topic === m.topic && c.partition === m.partition));
  if (missing.length > 0) throw new UsageError(`Topic-partitions do not exist: ${missing.map((m) => `${m.topic}-${m.partition}`).join(',')}`);
  const results = await admin.alterPartitionReassignments({
    timeout,
    topics: topics.map((topic) => ({ topic, partitionAssignment: moves.filter((m) => m.topic === topic).map((m) => ({ partition: m.partition, replicas: m.replicas })) })),
  });
  const failed = results.filter((r) => r.error !== null);
  const lines = [`Current partition replica assignment\n\n${assignmentJson(current)}\n\nSave this to use as the --reassignment-json-file option during rollback`];
  if (failed.length > 0) {
    lines.push(`Error reassigning partition(s):\n${failed.map((f) => `${f.topic}-${f.partition}: ${f.error!.message}`).join('\n')}`);
    return { out: lines.join('\n'), ok: false };
  }
  lines.push(`Successfully started partition reassignment${moves.length === 1 ? '' : 's'} for ${moves.map((m) => `${m.topic}-${m.partition}`).join(',')}`);
  return { out: lines.join('\n'), ok: true };
}

async function verify(admin: Admin, moves: PartitionMove[]): Promise<{ out: string; ok: boolean }> {
  const ongoing = await admin.listPartitionReassignments({ topics: [...new Set(moves.map((m) => m.topic))].map((topic) => ({ topic, partitions: moves.filter((m) => m.topic === topic).map((m) => m.partition) })) });
  const current = await currentAssignment(admin, [...new Set(moves.map((m) => m.topic))]);
  const lines = ['Status of partition reassignment:'];
  let allDone = true;
  for (const m of moves) {
    const name = `${m.topic}-${m.partition}`;
    if (ongoing.some((o) => o.topic === m.topic && o.partition === m.partition)) {
      lines.push(`Reassignment of partition ${name} is still in progress.`);
      allDone = false;
      continue;
    }
    const now = current.find((c) => c.topic === m.topic && c.partition === m.partition);
    if (now !== undefined && now.replicas.join() === m.replicas.join()) lines.push(`Reassignment of partition ${name} is completed.`);
    else {
      lines.push(`There is no active reassignment of partition ${name}, but replica set is ${JSON.stringify(now?.replicas ?? [])} rather than ${JSON.stringify(m.replicas)}.`);
      allDone = false;
    }
  }
  return { out: lines.join('\n'), ok: allDone };
}

async function cancel(admin: Admin, moves: PartitionMove[], timeout: number): Promise<{ out: string; ok: boolean }> {
  const topics = [...new Set(moves.map((m) => m.topic))];
  const results = await admin.alterPartitionReassignments({ timeout, topics: topics.map((topic) => ({ topic, partitionAssignment: moves.filter((m) => m.topic === topic).map((m) => ({ partition: m.partition, replicas: null })) })) });
  const cancelled = results.filter((r) => r.error === null).map((r) => `${r.topic}-${r.partition}`);
  const none = results.filter((r) => r.error?.type === 'NO_REASSIGNMENT_IN_PROGRESS').map((r) => `${r.topic}-${r.partition}`);
  const failed = results.filter((r) => r.error !== null && r.error.type !== 'NO_REASSIGNMENT_IN_PROGRESS');
  const lines: string[] = [];
  if (cancelled.length > 0) lines.push(`Successfully cancelled partition reassignment${cancelled.length === 1 ? '' : 's'} for: ${cancelled.join(',')}`);
  if (none.length > 0) lines.push(`None of the specified partition reassignments are active: ${none.join(',')}`);
  if (failed.length > 0) lines.push(`Error cancelling partition reassignment(s):\n${failed.map((f) => `${f.topic}-${f.partition}: ${f.error!.message}`).join('\n')}`);
  return { out: lines.join('\n'), ok: failed.length === 0 };
}

async function list(admin: Admin): Promise<string> {
  const ongoing = await admin.listPartitionReassignments();
  if (ongoing.length === 0) return 'No partition reassignments found.';
  return ['Current partition reassignments:', ...ongoing.map((o) => `${o.topic}-${o.partition}: replicas: ${o.replicas.join(',')}. adding: ${o.addingReplicas.join(',')}. removing: ${o.removingReplicas.join(',')}.`)].join('\n');
}

/** Runs the tool; resolves to the exit status. */
export const kafkaReassignPartitions = defineCliTool({
  name: 'kafka-reassign-partitions',
  usage: USAGE,
  options: {
    'bootstrap-server': { type: 'string' },
    'command-config': { type: 'string' },
    generate: { type: 'boolean' },
    execute: { type: 'boolean' },
    verify: { type: 'boolean' },
    cancel: { type: 'boolean' },
    list: { type: 'boolean' },
    'topics-to-move-json-file': { type: 'string' },
    'broker-list': { type: 'string' },
    'reassignment-json-file': { type: 'string' },
    'disable-rack-aware': { type: 'boolean' },
    timeout: { type: 'string' },
  },
  async run(values, { out }) {
    const actions = (['generate', 'execute', 'verify', 'cancel', 'list'] as const).filter((a) => values[a] === true);
    // --broker-list here is the brokers to assign to, not Kafka's old name for --bootstrap-server.
    const brokers = bootstrapServers({ 'bootstrap-server': values['bootstrap-server'] });
    if (actions.length !== 1) throw new UsageError('Command must include exactly one action: --generate, --execute, --verify, --cancel, or --list');
    const timeout = integerFlag(values.timeout, '--timeout', { positive: true }) ?? 10_000;
    const action = actions[0]!;
    const needFile = action === 'execute' || action === 'verify' || action === 'cancel';
    if (needFile && values['reassignment-json-file'] === undefined) throw new UsageError(`Missing required argument "[reassignment-json-file]" for --${action}`);
    if (action === 'generate' && (values['topics-to-move-json-file'] === undefined || values['broker-list'] === undefined)) throw new UsageError('--generate needs --topics-to-move-json-file and --broker-list');
    const moves = needFile ? parseReassignmentJson(readJson(values['reassignment-json-file']!, '--reassignment-json-file')) : [];
    const admin = kafkaFromProperties(brokers, readPropertiesFile(values['command-config'], '--command-config'), 'reassign-partitions').admin();
    await connectWithin(admin, brokers);
    try {
      switch (action) {
        case 'generate':
          out(await generate(admin, values['topics-to-move-json-file']!, values['broker-list']!));
          return 0;
        case 'list':
          out(await list(admin));
          return 0;
        default: {
          const r = action === 'execute' ? await execute(admin, moves, timeout) : action === 'verify' ? await verify(admin, moves) : await cancel(admin, moves, timeout);
          out(r.out);
          return r.ok ? 0 : 1;
        }
      }
    } finally {
      await admin.disconnect();
    }
  },
});
