/**
 * kafka-consumer-groups: list, describe and delete consumer groups, reset their committed offsets
 * and delete offsets, with Kafka's flags and output, against any Kafka-compatible cluster through
 * Samsa's client.
 *
 *   kafka-consumer-groups --bootstrap-server localhost:9092 --list [--state [stable,empty]]
 *   kafka-consumer-groups --bootstrap-server localhost:9092 --describe (--group g ... | --all-groups) [--offsets | --members [--verbose] | --state]
 *   kafka-consumer-groups --bootstrap-server localhost:9092 --delete (--group g ... | --all-groups)
 *   kafka-consumer-groups --bootstrap-server localhost:9092 --delete-offsets --group g --topic t[:0,1]
 *   kafka-consumer-groups --bootstrap-server localhost:9092 --reset-offsets (--group g ... | --all-groups) (--topic t[:0,1] ... | --all-topics)
 *       (--to-earliest | --to-latest | --to-current | --to-offset n | --shift-by n | --to-datetime d | --by-duration PnDTnHnMnS) [--dry-run | --execute]
 *
 * Kafka's output is reproduced: tables padded to the widest value (at least Kafka's minimum column
 * widths), a blank line before each table, '-' where a value is unknown, and its notes on stderr
 * ("Consumer group 'g' has no active members."). Unlike Kafka, every failure (an unknown group, a
 * refused reset, a failed deletion) goes to stderr (Kafka 3.7+ prints "Error: ..." on stdout) and
 * ends with exit status 1 (Kafka exits 0 for most of them).
 */
import type { Admin } from '../client/admin/admin.js';
import { KafkaDeleteGroupsError } from '../client/admin/admin.js';
import type { GroupDescription } from '../client/admin/admin-types.js';
import { KafkaProtocolError } from '../client/client-errors.js';
import { decodeAssignment } from '../client/consumer/consumer-protocol.js';
import { ErrorCode } from '../protocol/generated/error-codes.js';
import { connectWithin, kafkaFromProperties, readPropertiesFile } from './client-properties.js';
import { bootstrapServers, defineCliTool, integerFlag, UsageError, type CliTool, type Line } from './tool-runner.js';

const USAGE = `List all consumer groups, describe a consumer group, delete consumer group info, or reset consumer group offsets.
Usage: kafka-consumer-groups --bootstrap-server <host:port> (--list | --describe | --delete | --reset-offsets | --delete-offsets) [options]
  --bootstrap-server <String>      REQUIRED: the Kafka server to connect to
  --command-config <String>        client properties file (client.id, timeouts)
  --timeout <Long>                 ms to wait to reach the cluster (default 15000)
  --list                           list all consumer groups
  --describe                       describe the group(s): offsets and lag (--offsets, the default), --members or --state
  --delete                         delete the group(s)
  --reset-offsets                  reset the committed offsets of inactive group(s); --dry-run (default) or --execute
  --delete-offsets                 delete the committed offsets of one group for the given --topic(s)
  --group <String>                 the consumer group (repeatable)
  --all-groups                     apply to all consumer groups
  --offsets                        --describe: partitions with CURRENT-OFFSET, LOG-END-OFFSET and LAG (default)
  --members                        --describe: the members; with --verbose, their assignments too
  --state [String]                 --describe: the group's coordinator, strategy, state and member count;
                                   --list: show states, or list only groups in the comma-separated states
  --verbose                        with --describe --members: adds the ASSIGNMENT column
  --topic <String>                 --reset-offsets/--delete-offsets: topic or topic:0,1,2 (repeatable)
  --all-topics                     --reset-offsets: every topic the group has committed offsets for
  --to-earliest | --to-latest | --to-current
  --to-offset <Long>               reset to this offset (kept within the log's start and end)
  --shift-by <Long>                move the committed offset by n (may be negative; kept within the log)
  --to-datetime <String>           the first offset at or after YYYY-MM-DDTHH:mm:SS.sss (UTC unless a zone: Z, +01:00, -0800)
  --by-duration <String>           the first offset at or after now minus an ISO-8601 duration PnDTnHnMnS
  --dry-run                        --reset-offsets: only print the plan (the default)
  --execute                        --reset-offsets: commit the new offsets`;

const MISSING = '-';
/** Kafka's ConsumerGroupState names, as --list --state accepts them (case-insensitively). */
const GROUP_STATES = ['PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead', 'Empty'];
const REBALANCING = new Set(['PreparingRebalance', 'CompletingRebalance', 'AwaitingSync', 'Assigning', 'Reconciling']);
/** Kafka's messages for the errors this tool prints (Errors.message()). */
const ERROR_MESSAGES: Record<string, string> = {
  GROUP_ID_NOT_FOUND: 'The group id does not exist.',
  NON_EMPTY_GROUP: 'The group is not empty.',
  INVALID_GROUP_ID: 'The configured groupId is invalid.',
  GROUP_AUTHORIZATION_FAILED: 'Group authorization failed.',
  TOPIC_AUTHORIZATION_FAILED: 'Topic authorization failed.',
  GROUP_SUBSCRIBED_TO_TOPIC: 'The consumer group is actively subscribed to the topic',
  UNKNOWN_TOPIC_OR_PARTITION: 'This server does not host this topic-partition.',
  COORDINATOR_NOT_AVAILABLE: 'The coordinator is not available.',
  NOT_COORDINATOR: 'This is not the correct coordinator.',
};

function errorMessage(e: unknown): string {
  if (e instanceof KafkaProtocolError) return ERROR_MESSAGES[e.type] ?? e.type;
  return e instanceof Error ? e.message : String(e);
}

// ---- formatting ----

/** Java's `%-Ns` for every column but the last (which is not padded), joined by single spaces. */
export function formatRow(widths: readonly number[], values: readonly string[]): string {
  return values.map((v, i) => (i < widths.length ? v.padEnd(widths[i]!) : v)).join(' ');
}

function widest(min: number, values: Iterable<string>): number {
  let w = min;
  for (const v of values) w = Math.max(w, v.length);
  return w;
}

/** One row of --describe --offsets. */
export interface OffsetRow {
  group: string;
  topic: string | null;
  partition: number | null;
  currentOffset: bigint | null;
  logEndOffset: bigint | null;
  consumerId: string | null;
  host: string | null;
  clientId: string | null;
}

/** Kafka's lag: log end minus the committed offset, unknown ('-') when either is. */
export function lagOf(row: Pick<OffsetRow, 'currentOffset' | 'logEndOffset'>): bigint | null {
  return row.currentOffset === null || row.currentOffset < 0n || row.logEndOffset === null ? null : row.logEndOffset - row.currentOffset;
}

const show = (v: string | number | bigint | null): string => (v === null ? MISSING : String(v));

/** The --describe --offsets table (without the blank line Kafka prints before it). */
export function offsetsTable(rows: readonly OffsetRow[]): string[] {
  const widths = [
    widest(15, rows.map((r) => r.group)),
    widest(15, rows.map((r) => r.topic ?? MISSING)),
    10,
    15,
    15,
    15,
    widest(15, rows.map((r) => r.consumerId ?? MISSING)),
    widest(15, rows.map((r) => r.host ?? MISSING)),
  ];
  return [
    formatRow(widths, ['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID']),
    ...rows.map((r) => formatRow(widths, [r.group, show(r.topic), show(r.partition), show(r.currentOffset), show(r.logEndOffset), show(lagOf(r)), show(r.consumerId), show(r.host), show(r.clientId)])),
  ];
}

export interface MemberRow {
  group: string;
  consumerId: string;
  /** group.instance.id of a static member ('' for a dynamic one); any makes Kafka add the GROUP-INSTANCE-ID column. */
  groupInstanceId: string;
  host: string;
  clientId: string;
  assignment: Array<{ topic: string; partition: number }>;
}

/** Kafka's ASSIGNMENT column: `topic(0,1), other(2)`, topics sorted, '-' when none. */
export function assignmentText(assignment: ReadonlyArray<{ topic: string; partition: number }>): string {
  if (assignment.length === 0) return MISSING;
  const byTopic = new Map<string, number[]>();
  for (const a of assignment) byTopic.set(a.topic, [...(byTopic.get(a.topic) ?? []), a.partition]);
  return [...byTopic].map(([topic, ps]) => `${topic}(${ps.sort((x, y) => x - y).join(',')})`).sort().join(', ');
}

/**
 * The --describe --members table; `verbose` adds ASSIGNMENT, static members GROUP-INSTANCE-ID.
 * Kafka leaves a space after #PARTITIONS' padding.
 */
export function membersTable(rows: readonly MemberRow[], verbose: boolean): string[] {
  const withInstance = rows.some((r) => r.groupInstanceId !== '');
  const columns = (group: string, consumerId: string, groupInstanceId: string, host: string, clientId: string, partitions: string): string[] =>
    withInstance ? [group, consumerId, groupInstanceId, host, clientId, partitions] : [group, consumerId, host, clientId, partitions];
  const widths = [
    widest(15, rows.map((r) => r.group)),
    widest(15, rows.map((r) => r.consumerId)),
    ...(withInstance ? [widest(17, rows.map((r) => r.groupInstanceId))] : []),
    widest(15, rows.map((r) => r.host)),
    widest(15, rows.map((r) => r.clientId)),
    15,
  ];
  const line = (values: string[], assignment: string): string => `${formatRow(widths, [...values, ''])}${verbose ? assignment : ''}`;
  return [
    line(columns('GROUP', 'CONSUMER-ID', 'GROUP-INSTANCE-ID', 'HOST', 'CLIENT-ID', '#PARTITIONS'), 'ASSIGNMENT'),
    ...rows.map((r) => line(columns(r.group, r.consumerId, r.groupInstanceId, r.host, r.clientId, String(r.assignment.length)), assignmentText(r.assignment))),
  ];
}

export interface StateRow {
  group: string;
  coordinator: { nodeId: number; host: string; port: number };
  assignmentStrategy: string;
  state: string;
  members: number;
}

/** The --describe --state table. */
export function stateTable(r: StateRow): string[] {
  const coordinator = `${r.coordinator.host}:${r.coordinator.port}  (${r.coordinator.nodeId})`;
  const widths = [Math.max(15, r.group.length), Math.max(25, coordinator.length), 20, 20];
  return [
    formatRow(widths, ['GROUP', 'COORDINATOR (ID)', 'ASSIGNMENT-STRATEGY', 'STATE', '#MEMBERS']),
    formatRow(widths, [r.group, coordinator, r.assignmentStrategy === '' ? MISSING : r.assignmentStrategy, r.state, String(r.members)]),
  ];
}

export interface PlannedOffset {
  group: string;
  topic: string;
  partition: number;
  offset: bigint;
}

/** The reset plan table (GROUP TOPIC PARTITION NEW-OFFSET). */
export function resetTable(rows: readonly PlannedOffset[]): string[] {
  const widths = [widest(15, rows.map((r) => r.group)), widest(15, rows.map((r) => r.topic)), 10];
  return [formatRow(widths, ['GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET']), ...rows.map((r) => formatRow(widths, [r.group, r.topic, String(r.partition), String(r.offset)]))];
}

// ---- reset planning ----

export type ResetSpec =
  | { kind: 'to-earliest' }
  | { kind: 'to-latest' }
  | { kind: 'to-current' }
  | { kind: 'to-offset'; offset: bigint }
  | { kind: 'shift-by'; shift: bigint }
  /** --to-datetime and --by-duration: the offsets found for a timestamp (ms). */
  | { kind: 'to-timestamp'; timestamp: number };

/** What the plan needs to know about a partition. */
export interface PartitionFacts {
  topic: string;
  partition: number;
  /** Log start offset. */
  earliest: bigint;
  /** Log end offset (high watermark). */
  latest: bigint;
  /** The group's committed offset, null when none. */
  committed: bigint | null;
  /** For 'to-timestamp': the first offset with a timestamp at or after it, null when there is none (Kafka then falls back to the log end). */
  forTimestamp?: bigint | null;
}

const clamp = (offset: bigint, f: PartitionFacts): bigint => (offset > f.latest ? f.latest : offset < f.earliest ? f.earliest : offset);

/** Kafka's GroupOffsetsResetter: the new offset of each partition (in the order given). */
export function planReset(spec: ResetSpec, partitions: readonly PartitionFacts[]): Array<{ topic: string; partition: number; offset: bigint }> {
  return partitions.map((f) => {
    let offset: bigint;
    switch (spec.kind) {
      case 'to-earliest':
        offset = f.earliest;
        break;
      case 'to-latest':
        offset = f.latest;
        break;
      case 'to-current':
        offset = f.committed ?? f.latest;
        break;
      case 'to-offset':
        offset = clamp(spec.offset, f);
        break;
      case 'shift-by':
        if (f.committed === null) throw new Error(`Cannot shift offset for partition ${f.topic}-${f.partition} since there is no current committed offset`);
        offset = clamp(f.committed + spec.shift, f);
        break;
      case 'to-timestamp':
        offset = f.forTimestamp ?? f.latest;
        break;
    }
    return { topic: f.topic, partition: f.partition, offset };
  });
}

/** Kafka's --to-datetime: YYYY-MM-DDTHH:mm:SS.sss with an optional zone (Z, ±HH, ±HHmm, ±HH:mm); UTC without one. Milliseconds may be left out. */
export function parseDateTime(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{3}))?(Z|[+-]\d{2}(?::?\d{2})?)?$/.exec(text.trim());
  const bad = (): never => {
    throw new UsageError(`--to-datetime must look like YYYY-MM-DDTHH:mm:SS.sss with an optional zone (Z, +01:00), got ${text}`);
  };
  if (m === null) return bad();
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const ms = m[7] === undefined ? 0 : Number(m[7]);
  const local = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  const check = new Date(local);
  // Kafka parses strictly (no 2024-02-30): the fields must survive the round trip.
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || check.getUTCHours() !== hour || check.getUTCMinutes() !== minute || check.getUTCSeconds() !== second) return bad();
  let offsetMinutes = 0;
  const zone = m[8];
  if (zone !== undefined && zone !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    const h = Number(digits.slice(0, 2));
    const mm = digits.length > 2 ? Number(digits.slice(2)) : 0;
    if (h > 18 || mm > 59) return bad();
    offsetMinutes = (zone[0] === '-' ? -1 : 1) * (h * 60 + mm);
  }
  return local - offsetMinutes * 60_000;
}

/** An ISO-8601 duration as Java's Duration.parse reads it (PnDTnHnMn.nS, signs allowed), in ms. */
export function parseDuration(text: string): number {
  const m = /^([-+]?)P(?:([-+]?\d+)D)?(?:T(?:([-+]?\d+)H)?(?:([-+]?\d+)M)?(?:([-+]?\d+)(?:[.,](\d{1,9}))?S)?)?$/i.exec(text.trim());
  if (m === null || m.slice(2, 6).every((g) => g === undefined) || /T$/i.test(text.trim())) {
    throw new UsageError(`--by-duration must be an ISO-8601 duration PnDTnHnMnS (e.g. PT1H30M, P1D), got ${text}`);
  }
  const n = (g: string | undefined): number => (g === undefined ? 0 : Number(g));
  const seconds = n(m[5]);
  const fraction = m[6] === undefined ? 0 : Number(`0.${m[6]}`) * 1000 * (m[5]?.startsWith('-') ? -1 : 1);
  const total = n(m[2]) * 86_400_000 + n(m[3]) * 3_600_000 + n(m[4]) * 60_000 + seconds * 1000 + Math.trunc(fraction);
  return m[1] === '-' ? -total : total;
}

/** `t` (every partition) or `t:0,1,2`. */
export function parseTopicArg(arg: string): { topic: string; partitions: number[] | null } {
  const colon = arg.indexOf(':');
  if (colon < 0) return { topic: arg, partitions: null };
  const topic = arg.slice(0, colon);
  const list = arg.slice(colon + 1);
  if (topic === '' || list === '' || list.includes(':')) throw new UsageError(`Invalid topic arg '${arg}', expected topic name and partitions`);
  const partitions = list.split(',').map((p) => {
    if (!/^\d+$/.test(p.trim())) throw new UsageError(`Invalid partition '${p}' specified in topic arg '${arg}'`);
    return Number(p.trim());
  });
  return { topic, partitions };
}


// ---- the tool ----

type Action = 'list' | 'describe' | 'delete' | 'reset-offsets' | 'delete-offsets';
const ACTIONS: readonly Action[] = ['list', 'describe', 'delete', 'reset-offsets', 'delete-offsets'];
const SCENARIOS = ['to-offset', 'to-datetime', 'by-duration', 'to-earliest', 'to-latest', 'shift-by', 'to-current'] as const;

const OPTIONS = {
  'bootstrap-server': { type: 'string' },
  'command-config': { type: 'string' },
  timeout: { type: 'string' },
  list: { type: 'boolean' },
  describe: { type: 'boolean' },
  delete: { type: 'boolean' },
  'reset-offsets': { type: 'boolean' },
  'delete-offsets': { type: 'boolean' },
  group: { type: 'string', multiple: true },
  'all-groups': { type: 'boolean' },
  members: { type: 'boolean' },
  offsets: { type: 'boolean' },
  state: { type: 'string' },
  topic: { type: 'string', multiple: true },
  'all-topics': { type: 'boolean' },
  'to-earliest': { type: 'boolean' },
  'to-latest': { type: 'boolean' },
  'to-current': { type: 'boolean' },
  'to-offset': { type: 'string' },
  'shift-by': { type: 'string' },
  'to-datetime': { type: 'string' },
  'by-duration': { type: 'string' },
  'dry-run': { type: 'boolean' },
  execute: { type: 'boolean' },
} as const;

interface Io {
  out: Line;
  err: Line;
}

/** A signed long flag (--to-offset, --shift-by). */
function longFlag(value: string | undefined, flag: string, allowNegative: boolean): bigint | undefined {
  if (value === undefined) return undefined;
  if (!(allowNegative ? /^[-+]?\d+$/ : /^\+?\d+$/).test(value.trim())) throw new UsageError(`${flag} must be ${allowNegative ? 'an integer' : 'a non-negative integer'}, got ${value}`);
  return BigInt(value.trim());
}

/** The reset scenario from the flags (exactly one), checked before connecting. */
function resetSpecOf(values: Record<string, unknown>, now: () => number): ResetSpec {
  const given = SCENARIOS.filter((s) => values[s] !== undefined && values[s] !== false);
  if (given.length === 0) throw new UsageError(`Option [reset-offsets] requires one of the following scenarios: ${SCENARIOS.map((s) => `--${s}`).join(', ')}`);
  if (given.length > 1) throw new UsageError(`Option "[${given[0]}]" can't be used with option "[${given[1]}]"`);
  switch (given[0]!) {
    case 'to-earliest':
      return { kind: 'to-earliest' };
    case 'to-latest':
      return { kind: 'to-latest' };
    case 'to-current':
      return { kind: 'to-current' };
    case 'to-offset':
      return { kind: 'to-offset', offset: longFlag(values['to-offset'] as string, '--to-offset', false)! };
    case 'shift-by':
      return { kind: 'shift-by', shift: longFlag(values['shift-by'] as string, '--shift-by', true)! };
    case 'to-datetime':
      return { kind: 'to-timestamp', timestamp: parseDateTime(values['to-datetime'] as string) };
    case 'by-duration':
      return { kind: 'to-timestamp', timestamp: now() - parseDuration(values['by-duration'] as string) };
  }
}

const tool = defineCliTool({
  name: 'kafka-consumer-groups',
  usage: USAGE,
  // Bare `--state` means "show the state" (with --describe) or "every state" (with --list); --shift-by may be negative.
  argvForms: { optionalValues: { '--state': '' }, negativeValues: ['--shift-by', '--to-offset'] },
  failurePrefix: 'Error: Executing consumer group command failed due to ',
  options: OPTIONS,
  async run(values, { out, err }) {
    const brokers = bootstrapServers(values);
    const actions = ACTIONS.filter((a) => values[a] === true);
    if (actions.length !== 1) throw new UsageError(`Command must include exactly one action: ${ACTIONS.map((a) => `--${a}`).join(', ')}`);
    const action = actions[0]!;
    const groups = values.group ?? [];
    const allGroups = values['all-groups'] === true;
    const topics = values.topic ?? [];
    if (groups.length > 0 && allGroups) throw new UsageError('Option "[group]" can\'t be used with option "[all-groups]"');
    if ((action === 'describe' || action === 'delete' || action === 'reset-offsets') && groups.length === 0 && !allGroups) {
      throw new UsageError(`Option [${action}] takes one of these options: [all-groups], [group]`);
    }
    if (action === 'list' && (groups.length > 0 || allGroups)) throw new UsageError('Option "[group]" can\'t be used with option "[list]"');
    if (topics.length > 0 && action !== 'reset-offsets' && action !== 'delete-offsets') {
      throw new UsageError(action === 'delete' ? 'The consumer does not support topic-specific offset deletion from a consumer group.' : `Option "[topic]" can't be used with option "[${action}]"`);
    }
    if (action === 'describe') {
      const sub = (['members', 'offsets'] as const).filter((s) => values[s] === true).length + (values.state !== undefined ? 1 : 0);
      if (sub > 1) throw new UsageError('Option [describe] takes at most one of these options: [members], [offsets], [state]');
      if (values.state !== undefined && values.state !== '') throw new UsageError('Option [describe] does not take a value for [state]');
    } else if (values.members === true || values.offsets === true || (values.state !== undefined && action !== 'list')) {
      throw new UsageError(`--members, --offsets and --state go with --describe${values.state !== undefined ? ' (--state also with --list)' : ''}`);
    }
    if (action === 'delete-offsets' && (groups.length !== 1 || topics.length === 0)) throw new UsageError('Option [delete-offsets] takes the following options: [group] (one), [topic]');
    const timeoutMs = integerFlag(values.timeout, '--timeout', { positive: true });
    const props = readPropertiesFile(values['command-config'], '--command-config');
    let spec: ResetSpec | undefined;
    const stateFilter = action === 'list' && values.state !== undefined && values.state !== '' ? parseStates(values.state) : null;
    if (action === 'reset-offsets') {
      if (values['dry-run'] === true && values.execute === true) throw new UsageError('Option [reset-offsets] only accepts one of [execute] and [dry-run]');
      if (topics.length > 0 && values['all-topics'] === true) throw new UsageError('Option "[topic]" can\'t be used with option "[all-topics]"');
      if (topics.length === 0 && values['all-topics'] !== true) throw new UsageError('One of the reset scopes should be defined: --all-topics, --topic.');
      for (const t of topics) parseTopicArg(t);
      spec = resetSpecOf(values as Record<string, unknown>, Date.now);
    } else {
      const stray = [...SCENARIOS, 'all-topics', 'dry-run', 'execute'].filter((s) => (values as Record<string, unknown>)[s] !== undefined);
      if (stray.length > 0) throw new UsageError(`Option "[${stray[0]}]" can only be used with option "[reset-offsets]"`);
    }
    const admin = kafkaFromProperties(brokers, props, 'kafka-consumer-groups').admin();
    if (action === 'reset-offsets' && values['dry-run'] !== true && values.execute !== true) {
      err('WARN: No action will be performed as the --execute option is missing. You should add the --dry-run option explicitly if you are scripting this command.');
    }
    await connectWithin(admin, brokers, timeoutMs);
    const io: Io = { out, err };
    try {
      switch (action) {
        case 'list':
          return await list(admin, stateFilter, values.state !== undefined, io);
        case 'describe': {
          const ids = allGroups ? await consumerGroupIds(admin) : groups;
          if (values.members === true) return await describeMembers(admin, ids, values.verbose === true, io);
          if (values.state !== undefined) return await describeStates(admin, ids, io);
          return await describeOffsets(admin, ids, io);
        }
        case 'delete':
          return await deleteGroups(admin, allGroups ? await consumerGroupIds(admin) : groups, io);
        case 'delete-offsets':
          return await deleteOffsets(admin, groups[0]!, topics, io);
        case 'reset-offsets':
          return await resetOffsets(admin, allGroups ? await consumerGroupIds(admin) : groups, topics, values['all-topics'] === true, spec!, values.execute === true, io);
      }
    } finally {
      await admin.disconnect();
    }
  },
});

/** Runs the tool; resolves to the exit status. */
export const kafkaConsumerGroups: CliTool = tool;

function parseStates(text: string): Set<string> {
  const byLower = new Map(GROUP_STATES.map((s) => [s.toLowerCase(), s]));
  const out = new Set<string>();
  for (const s of text.split(',').map((x) => x.trim())) {
    const state = byLower.get(s.toLowerCase());
    if (state === undefined) throw new UsageError(`Invalid state list '${text}'. Valid states are: ${GROUP_STATES.join(', ')}`);
    out.add(state);
  }
  return out;
}

/** Consumer groups: those of the "consumer" protocol and those that only commit offsets (protocol type ""), as Kafka's listConsumerGroups. */
async function consumerGroupIds(admin: Admin): Promise<string[]> {
  const { groups } = await admin.listGroups();
  return [...new Set(groups.filter((g) => g.protocolType === 'consumer' || g.protocolType === '').map((g) => g.groupId))].sort();
}

async function describe(admin: Admin, ids: string[]): Promise<Map<string, GroupDescription>> {
  const { groups } = ids.length === 0 ? { groups: [] } : await admin.describeGroups([...new Set(ids)]);
  // GROUP_ID_NOT_FOUND (newer brokers' answer for an unknown group) reads as Dead; other errors (authorization) fail.
  const failed = groups.find((g) => g.errorCode !== 0 && g.errorCode !== ErrorCode.GROUP_ID_NOT_FOUND);
  if (failed !== undefined) throw new KafkaProtocolError(failed.errorCode, `group ${failed.groupId}`);
  return new Map(groups.map((g) => [g.groupId, g]));
}

/** A group's state; unknown groups (Dead, or GROUP_ID_NOT_FOUND from newer brokers) are 'Dead'. */
function stateOf(g: GroupDescription | undefined): string {
  if (g === undefined || g.errorCode !== 0) return 'Dead';
  return g.state;
}

/** Kafka's notes before a group's table; false when there is nothing to print (and, for an unknown group, the error). */
function noteState(group: string, state: string, rows: number, io: Io): { print: boolean; failed: boolean } {
  if (state === 'Dead') {
    io.err(`Error: Consumer group '${group}' does not exist.`);
    return { print: false, failed: true };
  }
  if (state === 'Empty') io.err(`Consumer group '${group}' has no active members.`);
  else if (REBALANCING.has(state)) io.err(`Warning: Consumer group '${group}' is rebalancing.`);
  return { print: rows > 0, failed: false };
}

function assignmentOf(g: GroupDescription, m: GroupDescription['members'][number]): Array<{ topic: string; partition: number }> {
  if (g.protocolType !== 'consumer' || m.memberAssignment.length === 0) return [];
  try {
    return decodeAssignment(m.memberAssignment).assignedPartitions.flatMap((a) => a.partitions.map((partition) => ({ topic: a.topic, partition })));
  } catch {
    return [];
  }
}

async function list(admin: Admin, filter: Set<string> | null, withState: boolean, io: Io): Promise<number> {
  const ids = await consumerGroupIds(admin);
  if (!withState) {
    for (const id of ids) io.out(id);
    return 0;
  }
  const described = await describe(admin, ids);
  const rows = ids.map((id) => [id, stateOf(described.get(id))] as const).filter(([, s]) => filter === null || filter.has(s));
  const widths = [widest(15, rows.map(([id]) => id))];
  io.out(formatRow(widths, ['GROUP', 'STATE']));
  for (const [id, state] of rows) io.out(formatRow(widths, [id, state]));
  return 0;
}

async function describeOffsets(admin: Admin, ids: string[], io: Io): Promise<number> {
  const described = await describe(admin, ids);
  let status = 0;
  const logEnds = new Map<string, Map<number, bigint> | null>();
  const logEndOf = async (topic: string, partition: number): Promise<bigint | null> => {
    if (!logEnds.has(topic)) {
      try {
        logEnds.set(topic, new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, BigInt(o.high)])));
      } catch (e) {
        if (!(e instanceof KafkaProtocolError) || e.type !== 'UNKNOWN_TOPIC_OR_PARTITION') throw e;
        logEnds.set(topic, null);
      }
    }
    return logEnds.get(topic)?.get(partition) ?? null;
  };
  for (const group of [...new Set(ids)].sort()) {
    const g = described.get(group);
    const state = stateOf(g);
    const rows: OffsetRow[] = [];
    if (state !== 'Dead' && g !== undefined) {
      const committed = new Map<string, bigint>();
      for (const t of await admin.fetchOffsets({ groupId: group })) for (const p of t.partitions) if (p.offset !== '-1') committed.set(`${t.topic}\0${p.partition}`, BigInt(p.offset));
      const assigned = new Set<string>();
      const members = g.members.map((m) => ({ m, assignment: assignmentOf(g, m) })).filter((x) => x.assignment.length > 0);
      members.sort((a, b) => b.assignment.length - a.assignment.length);
      const byTopicPartition = (a: { topic: string; partition: number }, b: { topic: string; partition: number }): number => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition);
      for (const { m, assignment } of members) {
        for (const tp of [...assignment].sort(byTopicPartition)) {
          const key = `${tp.topic}\0${tp.partition}`;
          assigned.add(key);
          rows.push({ group, topic: tp.topic, partition: tp.partition, currentOffset: committed.get(key) ?? null, logEndOffset: await logEndOf(tp.topic, tp.partition), consumerId: m.memberId, host: m.clientHost, clientId: m.clientId });
        }
      }
      const unassigned = [...committed.keys()].filter((k) => !assigned.has(k)).map((k) => {
        const [topic, partition] = k.split('\0') as [string, string];
        return { topic, partition: Number(partition) };
      });
      for (const tp of unassigned.sort(byTopicPartition)) {
        rows.push({ group, topic: tp.topic, partition: tp.partition, currentOffset: committed.get(`${tp.topic}\0${tp.partition}`)!, logEndOffset: await logEndOf(tp.topic, tp.partition), consumerId: MISSING, host: MISSING, clientId: MISSING });
      }
    }
    const { print, failed } = noteState(group, state, rows.length, io);
    if (failed) status = 1;
    if (!print) continue;
    io.out('');
    for (const line of offsetsTable(rows)) io.out(line);
  }
  return status;
}

async function describeMembers(admin: Admin, ids: string[], verbose: boolean, io: Io): Promise<number> {
  const described = await describe(admin, ids);
  let status = 0;
  for (const group of [...new Set(ids)].sort()) {
    const g = described.get(group);
    const state = stateOf(g);
    const rows: MemberRow[] = state === 'Dead' || g === undefined ? [] : g.members.map((m) => ({ group, consumerId: m.memberId, groupInstanceId: m.groupInstanceId ?? '', host: m.clientHost, clientId: m.clientId, assignment: assignmentOf(g, m) }));
    const { print, failed } = noteState(group, state, rows.length, io);
    if (failed) status = 1;
    if (!print) continue;
    io.out('');
    for (const line of membersTable(rows, verbose)) io.out(line);
  }
  return status;
}

async function describeStates(admin: Admin, ids: string[], io: Io): Promise<number> {
  const described = await describe(admin, ids);
  let status = 0;
  for (const group of [...new Set(ids)].sort()) {
    const g = described.get(group);
    const state = stateOf(g);
    const { failed } = noteState(group, state, 1, io);
    if (failed || g === undefined) {
      status = 1;
      continue;
    }
    const coordinator = await admin.findGroupCoordinator(group);
    io.out('');
    for (const line of stateTable({ group, coordinator, assignmentStrategy: g.protocol, state, members: g.members.length })) io.out(line);
  }
  return status;
}

async function deleteGroups(admin: Admin, ids: string[], io: Io): Promise<number> {
  const unique = [...new Set(ids)];
  let failed: Array<{ groupId: string; reason: string }> = [];
  try {
    if (unique.length > 0) await admin.deleteGroups(unique);
  } catch (e) {
    if (!(e instanceof KafkaDeleteGroupsError)) throw e;
    failed = e.groups.map((g) => ({ groupId: g.groupId, reason: g.error === undefined ? `error ${g.errorCode}` : `${g.error.type}: ${errorMessage(g.error)}` }));
  }
  const succeeded = unique.filter((id) => !failed.some((f) => f.groupId === id));
  const quoted = (list: string[]): string => list.map((g) => `'${g}'`).join(', ');
  if (failed.length === 0) {
    io.out(`Deletion of requested consumer groups (${quoted(succeeded)}) was successful.`);
    return 0;
  }
  io.err('Error: Deletion of some consumer groups failed:');
  for (const f of failed) io.out(`* Group '${f.groupId}' could not be deleted due to: ${f.reason}`);
  if (succeeded.length > 0) {
    io.out('');
    io.out(`These consumer groups were deleted successfully: ${quoted(succeeded)}`);
  }
  return 1;
}

/** The partitions of a topic, or null when it does not exist. */
async function partitionsOf(admin: Admin, topic: string): Promise<number[] | null> {
  try {
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    return (topics[0]?.partitions ?? []).map((p) => p.partitionId).sort((a, b) => a - b);
  } catch (e) {
    if (e instanceof KafkaProtocolError && e.type === 'UNKNOWN_TOPIC_OR_PARTITION') return null;
    throw e;
  }
}

async function deleteOffsets(admin: Admin, groupId: string, topicArgs: string[], io: Io): Promise<number> {
  const results = new Map<string, { topic: string; partition: number; error: string | null }>();
  const request = new Map<string, Set<number>>();
  for (const arg of topicArgs) {
    const { topic, partitions } = parseTopicArg(arg);
    const list = partitions ?? (await partitionsOf(admin, topic));
    if (list === null) {
      results.set(`${topic}\0-1`, { topic, partition: -1, error: ERROR_MESSAGES.UNKNOWN_TOPIC_OR_PARTITION! });
      continue;
    }
    const set = request.get(topic) ?? new Set<number>();
    for (const p of list) set.add(p);
    request.set(topic, set);
  }
  let topLevel: string | null = null;
  const asked = [...request].map(([topic, ps]) => ({ topic, partitions: [...ps].sort((a, b) => a - b) }));
  if (asked.length > 0) {
    try {
      for (const r of await admin.deleteGroupOffsets({ groupId, topics: asked })) {
        results.set(`${r.topic}\0${r.partition}`, { topic: r.topic, partition: r.partition, error: r.error === undefined ? null : errorMessage(r.error) });
      }
    } catch (e) {
      if (!(e instanceof KafkaProtocolError)) throw e;
      topLevel = errorMessage(e);
      for (const t of asked) for (const partition of t.partitions) results.set(`${t.topic}\0${partition}`, { topic: t.topic, partition, error: topLevel });
    }
  }
  const anyFailed = [...results.values()].some((r) => r.error !== null);
  if (topLevel !== null) io.err(`Error: ${topLevel}`);
  else if (anyFailed) io.err('Error: Encountered some partition-level error, see the follow-up details.');
  else io.out(`Request succeeded for deleting offsets from group ${groupId}.`);
  const rows = [...results.values()].sort((a, b) => {
    const ka = a.topic + String(a.partition);
    const kb = b.topic + String(b.partition);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  const widths = [widest(15, rows.map((r) => r.topic)), 10];
  io.out('');
  io.out(formatRow(widths, ['TOPIC', 'PARTITION', 'STATUS']));
  for (const r of rows) io.out(formatRow(widths, [r.topic, r.partition >= 0 ? String(r.partition) : MISSING, r.error === null ? 'Successful' : `Error: ${r.error}`]));
  return anyFailed ? 1 : 0;
}

async function resetOffsets(admin: Admin, ids: string[], topicArgs: string[], allTopics: boolean, spec: ResetSpec, execute: boolean, io: Io): Promise<number> {
  const described = await describe(admin, ids);
  const plan: PlannedOffset[] = [];
  let status = 0;
  const logOffsets = new Map<string, Map<number, { low: bigint; high: bigint }>>();
  const offsetsOf = async (topic: string): Promise<Map<number, { low: bigint; high: bigint }>> => {
    let m = logOffsets.get(topic);
    if (m === undefined) {
      m = new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, { low: BigInt(o.low), high: BigInt(o.high) }]));
      logOffsets.set(topic, m);
    }
    return m;
  };
  const timestampOffsets = new Map<string, Map<number, bigint>>();
  for (const group of [...new Set(ids)].sort()) {
    const state = stateOf(described.get(group));
    if (state !== 'Empty' && state !== 'Dead') {
      io.err(`Error: Assignments can only be reset if the group '${group}' is inactive, but the current state is ${state}.`);
      status = 1;
      continue;
    }
    const committed = new Map<string, bigint>();
    for (const t of await admin.fetchOffsets({ groupId: group })) for (const p of t.partitions) if (p.offset !== '-1') committed.set(`${t.topic}\0${p.partition}`, BigInt(p.offset));
    // The partitions in scope.
    const scope: Array<{ topic: string; partition: number }> = [];
    if (allTopics) {
      for (const k of committed.keys()) {
        const [topic, partition] = k.split('\0') as [string, string];
        scope.push({ topic, partition: Number(partition) });
      }
    } else {
      for (const arg of topicArgs) {
        const { topic, partitions } = parseTopicArg(arg);
        const existing = await partitionsOf(admin, topic);
        if (existing === null) throw new Error(`The topic '${topic}' does not exist`);
        const missing = (partitions ?? []).filter((p) => !existing.includes(p));
        if (missing.length > 0) throw new Error(`The partitions "${missing.map((p) => `${topic}-${p}`).join(',')}" do not exist`);
        for (const partition of partitions ?? existing) if (!scope.some((s) => s.topic === topic && s.partition === partition)) scope.push({ topic, partition });
      }
    }
    scope.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
    const facts: PartitionFacts[] = [];
    for (const { topic, partition } of scope) {
      const log = (await offsetsOf(topic)).get(partition);
      if (log === undefined) throw new Error(`The partitions "${topic}-${partition}" do not exist`);
      let forTimestamp: bigint | null | undefined;
      if (spec.kind === 'to-timestamp') {
        let byTs = timestampOffsets.get(topic);
        if (byTs === undefined) {
          byTs = new Map((await admin.fetchTopicOffsetsByTimestamp(topic, spec.timestamp)).map((o) => [o.partition, BigInt(o.offset)]));
          timestampOffsets.set(topic, byTs);
        }
        forTimestamp = byTs.get(partition) ?? null;
      }
      facts.push({ topic, partition, earliest: log.low, latest: log.high, committed: committed.get(`${topic}\0${partition}`) ?? null, ...(forTimestamp === undefined ? {} : { forTimestamp }) });
    }
    const planned = planReset(spec, facts);
    if (execute && planned.length > 0) {
      const byTopic = new Map<string, Array<{ partition: number; offset: string }>>();
      for (const p of planned) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), { partition: p.partition, offset: p.offset.toString() }]);
      for (const [topic, partitions] of byTopic) await admin.setOffsets({ groupId: group, topic, partitions });
    }
    for (const p of planned) plan.push({ group, ...p });
  }
  if (plan.length > 0) {
    io.out('');
    for (const line of resetTable(plan)) io.out(line);
  }
  return status;
}
