import assert from 'node:assert/strict';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Admin } from '../../src/client/admin/admin.js';
import type { Consumer } from '../../src/client/consumer/consumer.js';
import { Kafka } from '../../src/client/kafka.js';
import { runCommand } from './cli-test-support.js';
import {
  assignmentText,
  formatRow,
  kafkaConsumerGroups,
  membersTable,
  offsetsTable,
  parseDateTime,
  parseDuration,
  parseTopicArg,
  planReset,
  resetTable,
  stateTable,
  type PartitionFacts,
} from '../../src/cli/kafka-consumer-groups.js';
import { pollUntil } from '../../src/testkit/poll-until.js';
import { assertToolsPresent, skipUnlessTools } from '../../src/testkit/interop-tools.js';
import { startTestBroker, type TestBroker } from '../client/client-test-support.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const BIN = join(root, 'dist', 'src', 'bin', 'kafka-consumer-groups.cjs');

interface Run {
  code: number;
  out: string;
  err: string;
}

/** Runs a command asynchronously (the broker lives in this process and must keep answering), optionally feeding stdin. */
async function runProcess(command: string, args: string[], input?: string): Promise<Run> {
  const r = await runCommand(command, args, input === undefined ? {} : { input });
  return { code: r.code, out: r.stdout, err: r.stderr };
}

/** The installed bin, as a user runs it. */
const bin = (args: string[]): Promise<Run> => runProcess(process.execPath, [BIN, ...args]);

/** The tool in this process (usage errors, which need no broker). */
async function inProcess(argv: string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await kafkaConsumerGroups(argv, (s) => out.push(s), (s) => err.push(s));
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const facts = (over: Partial<PartitionFacts> = {}): PartitionFacts => ({ topic: 't', partition: 0, earliest: 10n, latest: 100n, committed: 60n, ...over });

describe('kafka-consumer-groups: planning and formatting', () => {
  it('planReset: every scenario, Kafka’s clamping to the log and its fallbacks', () => {
    const plan = (spec: Parameters<typeof planReset>[0], f: PartitionFacts[] = [facts()]): bigint[] => planReset(spec, f).map((p) => p.offset);
    assert.deepEqual(plan({ kind: 'to-earliest' }), [10n]);
    assert.deepEqual(plan({ kind: 'to-latest' }), [100n]);
    assert.deepEqual(plan({ kind: 'to-current' }), [60n]);
    assert.deepEqual(plan({ kind: 'to-current' }, [facts({ committed: null })]), [100n], 'no committed offset: the log end');
    assert.deepEqual(plan({ kind: 'to-offset', offset: 42n }), [42n]);
    assert.deepEqual(plan({ kind: 'to-offset', offset: 500n }), [100n], 'above the log end: the log end');
    assert.deepEqual(plan({ kind: 'to-offset', offset: 3n }), [10n], 'below the log start: the log start');
    assert.deepEqual(plan({ kind: 'shift-by', shift: -15n }), [45n]);
    assert.deepEqual(plan({ kind: 'shift-by', shift: 25n }), [85n]);
    assert.deepEqual(plan({ kind: 'shift-by', shift: -100n }), [10n]);
    assert.deepEqual(plan({ kind: 'shift-by', shift: 1000n }), [100n]);
    assert.throws(() => plan({ kind: 'shift-by', shift: 1n }, [facts({ committed: null })]), /^Error: Cannot shift offset for partition t-0 since there is no current committed offset$/);
    assert.deepEqual(plan({ kind: 'to-timestamp', timestamp: 0 }, [facts({ forTimestamp: 77n })]), [77n]);
    assert.deepEqual(plan({ kind: 'to-timestamp', timestamp: 0 }, [facts({ forTimestamp: null })]), [100n], 'no record at or after the time: the log end');
    assert.deepEqual(
      planReset({ kind: 'to-earliest' }, [facts(), facts({ topic: 'u', partition: 3, earliest: 0n })]),
      [{ topic: 't', partition: 0, offset: 10n }, { topic: 'u', partition: 3, offset: 0n }],
    );
  });

  it('--to-datetime: Kafka’s format, UTC without a zone, strict fields', () => {
    assert.equal(parseDateTime('2024-03-05T10:20:30.456'), Date.UTC(2024, 2, 5, 10, 20, 30, 456));
    assert.equal(parseDateTime('2024-03-05T10:20:30.456Z'), Date.UTC(2024, 2, 5, 10, 20, 30, 456));
    assert.equal(parseDateTime('2024-03-05T10:20:30.456+02:00'), Date.UTC(2024, 2, 5, 8, 20, 30, 456));
    assert.equal(parseDateTime('2024-03-05T10:20:30.456-0130'), Date.UTC(2024, 2, 5, 11, 50, 30, 456));
    assert.equal(parseDateTime('2024-03-05T10:20:30.456+05'), Date.UTC(2024, 2, 5, 5, 20, 30, 456));
    assert.equal(parseDateTime('2024-03-05T10:20:30'), Date.UTC(2024, 2, 5, 10, 20, 30), 'milliseconds may be left out');
    for (const bad of ['2024-02-30T00:00:00.000', '2024-03-05 10:20:30.456', '2024-03-05T25:00:00.000', 'yesterday', '2024-03-05T10:20:30.456+25:00']) {
      assert.throws(() => parseDateTime(bad), /--to-datetime must look like YYYY-MM-DDTHH:mm:SS\.sss/, bad);
    }
  });

  it('--by-duration: ISO-8601 PnDTnHnMnS as Java’s Duration.parse', () => {
    assert.equal(parseDuration('PT1H'), 3_600_000);
    assert.equal(parseDuration('P1DT2H3M4.5S'), 86_400_000 + 2 * 3_600_000 + 3 * 60_000 + 4_500);
    assert.equal(parseDuration('pt30m'), 1_800_000);
    assert.equal(parseDuration('P2D'), 2 * 86_400_000);
    assert.equal(parseDuration('-PT10S'), -10_000);
    for (const bad of ['P', 'PT', '1H', 'P1H', 'PT1X', 'P1Y']) assert.throws(() => parseDuration(bad), /--by-duration must be an ISO-8601 duration/, bad);
  });

  it('--topic t and t:0,1,2', () => {
    assert.deepEqual(parseTopicArg('orders'), { topic: 'orders', partitions: null });
    assert.deepEqual(parseTopicArg('orders:0,2,5'), { topic: 'orders', partitions: [0, 2, 5] });
    assert.throws(() => parseTopicArg('orders:x'), /Invalid partition 'x' specified in topic arg 'orders:x'/);
    assert.throws(() => parseTopicArg('orders:'), /expected topic name and partitions/);
  });

  it('tables: Kafka’s column widths (at least 15, or the widest value), "-" for unknown values', () => {
    const rows = offsetsTable([
      { group: 'g', topic: 'orders', partition: 0, currentOffset: 60n, logEndOffset: 100n, consumerId: 'consumer-1-with-a-long-member-id', host: '/127.0.0.1', clientId: 'c1' },
      { group: 'g', topic: 'a-very-long-topic-name', partition: 1, currentOffset: null, logEndOffset: 5n, consumerId: null, host: null, clientId: null },
      { group: 'g', topic: 'gone', partition: 2, currentOffset: 7n, logEndOffset: null, consumerId: '-', host: '-', clientId: '-' },
    ]);
    assert.deepEqual(rows, [
      'GROUP           TOPIC                  PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID                      HOST            CLIENT-ID',
      'g               orders                 0          60              100             40              consumer-1-with-a-long-member-id /127.0.0.1      c1',
      'g               a-very-long-topic-name 1          -               5               -               -                                -               -',
      'g               gone                   2          7               -               -               -                                -               -',
    ]);
    const members = [{ group: 'g', consumerId: 'm-1', groupInstanceId: '', host: '/10.0.0.1', clientId: 'cli', assignment: [{ topic: 'b', partition: 2 }, { topic: 'a', partition: 1 }, { topic: 'b', partition: 0 }] }];
    assert.deepEqual(membersTable(members, false), ['GROUP           CONSUMER-ID     HOST            CLIENT-ID       #PARTITIONS     ', 'g               m-1             /10.0.0.1       cli             3               ']);
    assert.deepEqual(membersTable(members, true), ['GROUP           CONSUMER-ID     HOST            CLIENT-ID       #PARTITIONS     ASSIGNMENT', 'g               m-1             /10.0.0.1       cli             3               a(1), b(0,2)']);
    assert.deepEqual(membersTable([...members, { group: 'g', consumerId: 'm-2', groupInstanceId: 'static-1', host: '/10.0.0.2', clientId: 'cli', assignment: [] }], true), [
      'GROUP           CONSUMER-ID     GROUP-INSTANCE-ID HOST            CLIENT-ID       #PARTITIONS     ASSIGNMENT',
      'g               m-1                               /10.0.0.1       cli             3               a(1), b(0,2)',
      'g               m-2             static-1          /10.0.0.2       cli             0               -',
    ]);
    assert.equal(assignmentText([]), '-');
    assert.deepEqual(stateTable({ group: 'g', coordinator: { nodeId: 1, host: 'localhost', port: 9092 }, assignmentStrategy: 'range', state: 'Stable', members: 2 }), [
      'GROUP           COORDINATOR (ID)          ASSIGNMENT-STRATEGY  STATE                #MEMBERS',
      'g               localhost:9092  (1)       range                Stable               2',
    ]);
    assert.deepEqual(resetTable([{ group: 'g', topic: 'orders', partition: 0, offset: 0n }]), ['GROUP           TOPIC           PARTITION  NEW-OFFSET', 'g               orders          0          0']);
    assert.equal(formatRow([3], ['a', 'b']), 'a   b');
  });

  it('usage errors exit 1 with one line naming the problem', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--list'], /Missing required argument "\[bootstrap-server\]"/],
      [['--bootstrap-server', 'h:1'], /exactly one action: --list, --describe, --delete, --reset-offsets, --delete-offsets/],
      [['--bootstrap-server', 'h:1', '--list', '--describe'], /exactly one action/],
      [['--bootstrap-server', 'h:1', '--describe'], /Option \[describe\] takes one of these options: \[all-groups\], \[group\]/],
      [['--bootstrap-server', 'h:1', '--describe', '--group', 'g', '--members', '--state'], /at most one of these options/],
      [['--bootstrap-server', 'h:1', '--delete', '--group', 'g', '--topic', 't'], /does not support topic-specific offset deletion/],
      [['--bootstrap-server', 'h:1', '--delete-offsets', '--group', 'g'], /Option \[delete-offsets\] takes the following options/],
      [['--bootstrap-server', 'h:1', '--reset-offsets', '--group', 'g', '--topic', 't'], /requires one of the following scenarios/],
      [['--bootstrap-server', 'h:1', '--reset-offsets', '--group', 'g', '--to-earliest'], /One of the reset scopes should be defined: --all-topics, --topic\./],
      [['--bootstrap-server', 'h:1', '--reset-offsets', '--group', 'g', '--topic', 't', '--to-earliest', '--to-latest'], /"\[to-earliest\]" can't be used with option "\[to-latest\]"/],
      [['--bootstrap-server', 'h:1', '--reset-offsets', '--group', 'g', '--topic', 't', '--to-earliest', '--dry-run', '--execute'], /only accepts one of \[execute\] and \[dry-run\]/],
      [['--bootstrap-server', 'h:1', '--reset-offsets', '--group', 'g', '--topic', 't', '--to-offset', '-3'], /--to-offset must be a non-negative integer/],
      [['--bootstrap-server', 'h:1', '--reset-offsets', '--group', 'g', '--topic', 't', '--to-datetime', 'now'], /--to-datetime must look like/],
      [['--bootstrap-server', 'h:1', '--list', '--state', 'sleepy'], /Invalid state list 'sleepy'/],
      [['--bootstrap-server', 'h:1', '--list', '--to-earliest'], /can only be used with option "\[reset-offsets\]"/],
      [['--bootstrap-server', 'h:1', '--list', '--nope'], /nope/],
      [['--bootstrap-server', 'h:1', '--list', '--command-config', '/nonexistent/client.properties'], /cannot read --command-config \/nonexistent\/client\.properties/],
    ];
    for (const [argv, expected] of cases) {
      const r = await inProcess(argv);
      assert.equal(r.code, 1, argv.join(' '));
      assert.equal(r.out, '', argv.join(' '));
      assert.equal(r.err.split('\n').length, 1, `${argv.join(' ')}: ${r.err}`);
      assert.match(r.err, /^kafka-consumer-groups: .* \(see kafka-consumer-groups --help\)$/);
      assert.match(r.err, expected, argv.join(' '));
    }
  });
});

describe('kafka-consumer-groups against a broker (the installed bin)', { skip: skipUnlessTools(['kcat']), timeout: 240_000 }, () => {
  let tb: TestBroker;
  let kafka: Kafka;
  let admin: Admin;
  let server: string;

  const committed = async (groupId: string): Promise<string[]> => (await admin.fetchOffsets({ groupId, topics: ['orders'] }))[0]!.partitions.map((p) => p.offset);
  const stateOf = async (groupId: string): Promise<string> => (await admin.describeGroups([groupId])).groups[0]!.state;

  before(async () => {
    assertToolsPresent(['kcat']);
    tb = await startTestBroker({ properties: { 'group.initial.rebalance.delay.ms': '0', 'num.partitions': '1' } });
    server = tb.bootstrap;
    kafka = new Kafka({ clientId: 'cg-test', brokers: [server], retry: { initialRetryTime: 50, retries: 8 } });
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 1 }], waitForLeaders: true });
  });

  after(async () => {
    await admin?.disconnect();
    await tb?.close();
  });

  it('kcat writes 100 records; a consumer group reads exactly 60 and commits; --describe shows CURRENT-OFFSET 60, LOG-END-OFFSET 100, LAG 40', async () => {
    const lines = Array.from({ length: 100 }, (_, i) => `record-${i}`).join('\n') + '\n';
    const produced = await runProcess('kcat', ['-P', '-b', server, '-t', 'orders', '-p', '0'], lines);
    assert.equal(produced.code, 0, produced.err);
    assert.equal((await admin.fetchTopicOffsets('orders'))[0]!.high, '100');

    const consumer = kafka.consumer({ groupId: 'g', maxWaitTimeInMs: 100 });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: ['orders'], fromBeginning: true });
      let seen = 0;
      let sixty!: () => void;
      const reached = new Promise<void>((r) => (sixty = r));
      await consumer.run({
        autoCommit: false,
        eachMessage: async ({ message }) => {
          if (seen < 60 && message.offset === String(seen)) seen++;
          if (seen === 60) sixty();
        },
      });
      await reached;
      await consumer.commitOffsets([{ topic: 'orders', partition: 0, offset: '60' }]);
    } finally {
      await consumer.disconnect();
    }
    assert.deepEqual(await committed('g'), ['60']);
    await pollUntil('group g empty', () => stateOf('g'), (s) => s === 'Empty');

    const described = await bin(['--bootstrap-server', server, '--describe', '--group', 'g']);
    assert.equal(described.code, 0, described.err);
    assert.equal(described.err, "Consumer group 'g' has no active members.\n");
    assert.equal(
      described.out,
      '\n' +
        'GROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID     HOST            CLIENT-ID\n' +
        'g               orders          0          60              100             40              -               -               -\n',
    );
    // --offsets is the default sub-action.
    assert.equal((await bin(['--bootstrap-server', server, '--describe', '--group', 'g', '--offsets'])).out, described.out);

    const listed = await bin(['--bootstrap-server', server, '--list']);
    assert.equal(listed.code, 0, listed.err);
    assert.equal(listed.out, 'g\n');
    const withState = await bin(['--bootstrap-server', server, '--list', '--state']);
    assert.equal(withState.out, 'GROUP           STATE\ng               Empty\n');
    assert.equal((await bin(['--bootstrap-server', server, '--list', '--state', 'stable'])).out, 'GROUP           STATE\n');
  });

  it('with an active member: --describe --members [--verbose], --state, the offsets table with the member, and reset and delete refusals', async () => {
    const consumer = kafka.consumer({ groupId: 'g', maxWaitTimeInMs: 100 });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: ['orders'] });
      await consumer.run({ autoCommit: false, eachMessage: async () => {} });
      await pollUntil('group g stable', () => admin.describeGroups(['g']), (d) => d.groups[0]?.state === 'Stable' && d.groups[0].members.length === 1);
      const member = (await admin.describeGroups(['g'])).groups[0]!.members[0]!;
      assert.equal(member.clientHost, '/127.0.0.1');
      const id = member.memberId;
      const idWidth = Math.max(15, id.length);

      const members = await bin(['--bootstrap-server', server, '--describe', '--group', 'g', '--members']);
      assert.equal(members.code, 0, members.err);
      assert.equal(members.err, '');
      assert.equal(members.out, `\nGROUP           ${'CONSUMER-ID'.padEnd(idWidth)} HOST            CLIENT-ID       #PARTITIONS     \ng               ${id.padEnd(idWidth)} /127.0.0.1      cg-test         1               \n`);
      const verbose = await bin(['--bootstrap-server', server, '--describe', '--group', 'g', '--members', '--verbose']);
      assert.equal(verbose.out, `\nGROUP           ${'CONSUMER-ID'.padEnd(idWidth)} HOST            CLIENT-ID       #PARTITIONS     ASSIGNMENT\ng               ${id.padEnd(idWidth)} /127.0.0.1      cg-test         1               orders(0)\n`);

      const state = await bin(['--bootstrap-server', server, '--describe', '--group', 'g', '--state']);
      assert.equal(state.code, 0, state.err);
      const coordinator = `127.0.0.1:${tb.broker.port}  (${tb.broker.nodeId})`.padEnd(25);
      assert.equal(state.out, `\nGROUP           ${'COORDINATOR (ID)'.padEnd(coordinator.length)} ASSIGNMENT-STRATEGY  STATE                #MEMBERS\ng               ${coordinator} range                Stable               1\n`);

      const offsets = await bin(['--bootstrap-server', server, '--describe', '--group', 'g']);
      assert.equal(offsets.err, '');
      assert.equal(
        offsets.out,
        `\nGROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             ${'CONSUMER-ID'.padEnd(idWidth)} HOST            CLIENT-ID\n` +
          `g               orders          0          60              100             40              ${id.padEnd(idWidth)} /127.0.0.1      cg-test\n`,
      );

      const reset = await bin(['--bootstrap-server', server, '--reset-offsets', '--group', 'g', '--topic', 'orders', '--to-earliest', '--execute']);
      assert.equal(reset.code, 1);
      assert.equal(reset.err, "Error: Assignments can only be reset if the group 'g' is inactive, but the current state is Stable.\n");
      assert.equal(reset.out, '');
      assert.deepEqual(await committed('g'), ['60']);

      const deleteOffsets = await bin(['--bootstrap-server', server, '--delete-offsets', '--group', 'g', '--topic', 'orders']);
      assert.equal(deleteOffsets.code, 1);
      assert.equal(deleteOffsets.err, 'Error: Encountered some partition-level error, see the follow-up details.\n');
      assert.equal(deleteOffsets.out, '\nTOPIC           PARTITION  STATUS\norders          0          Error: The consumer group is actively subscribed to the topic\n');

      const deleted = await bin(['--bootstrap-server', server, '--delete', '--group', 'g']);
      assert.equal(deleted.code, 1);
      assert.equal(deleted.err, 'Error: Deletion of some consumer groups failed:\n');
      assert.equal(deleted.out, "* Group 'g' could not be deleted due to: NON_EMPTY_GROUP: The group is not empty.\n");
    } finally {
      await consumer.disconnect();
    }
    await pollUntil('group g empty', () => stateOf('g'), (s) => s === 'Empty');
    assert.deepEqual(await committed('g'), ['60']);
  });

  it('--reset-offsets: --dry-run prints the plan and changes nothing; --execute commits it', async () => {
    const dry = await bin(['--bootstrap-server', server, '--reset-offsets', '--group', 'g', '--topic', 'orders', '--to-earliest', '--dry-run']);
    assert.equal(dry.code, 0, dry.err);
    assert.equal(dry.err, '');
    assert.equal(dry.out, '\nGROUP           TOPIC           PARTITION  NEW-OFFSET\ng               orders          0          0\n');
    assert.deepEqual(await committed('g'), ['60'], 'a dry run commits nothing');

    const byDefault = await bin(['--bootstrap-server', server, '--reset-offsets', '--group', 'g', '--topic', 'orders:0', '--to-latest']);
    assert.equal(byDefault.code, 0, byDefault.err);
    assert.match(byDefault.err, /^WARN: No action will be performed as the --execute option is missing/);
    assert.equal(byDefault.out, '\nGROUP           TOPIC           PARTITION  NEW-OFFSET\ng               orders          0          100\n');
    assert.deepEqual(await committed('g'), ['60'], 'without --execute: a dry run');

    const shifted = await bin(['--bootstrap-server', server, '--reset-offsets', '--group', 'g', '--all-topics', '--shift-by', '-10', '--execute']);
    assert.equal(shifted.code, 0, shifted.err);
    assert.equal(shifted.out, '\nGROUP           TOPIC           PARTITION  NEW-OFFSET\ng               orders          0          50\n');
    assert.deepEqual(await committed('g'), ['50']);

    const clamped = await bin(['--bootstrap-server', server, '--reset-offsets', '--group', 'g', '--topic', 'orders', '--to-offset', '1000', '--execute']);
    assert.equal(clamped.code, 0, clamped.err);
    assert.deepEqual(await committed('g'), ['100'], '--to-offset beyond the log end: the log end');

    const byTime = await bin(['--bootstrap-server', server, '--reset-offsets', '--group', 'g', '--topic', 'orders', '--to-datetime', '2000-01-01T00:00:00.000', '--execute']);
    assert.equal(byTime.code, 0, byTime.err);
    assert.deepEqual(await committed('g'), ['0'], 'every record is newer than 2000');
    const byDuration = await bin(['--bootstrap-server', server, '--reset-offsets', '--group', 'g', '--topic', 'orders', '--by-duration', 'P3650D', '--execute']);
    assert.equal(byDuration.code, 0, byDuration.err);
    assert.equal(byDuration.out, '\nGROUP           TOPIC           PARTITION  NEW-OFFSET\ng               orders          0          0\n');
    const current = await bin(['--bootstrap-server', server, '--reset-offsets', '--group', 'g', '--topic', 'orders', '--to-current', '--execute']);
    assert.equal(current.out, '\nGROUP           TOPIC           PARTITION  NEW-OFFSET\ng               orders          0          0\n');

    // A group that does not exist yet may be given offsets (Kafka resets Dead groups too); --describe --all-groups then shows both, one table each.
    const fresh = await bin(['--bootstrap-server', server, '--reset-offsets', '--group', 'h', '--topic', 'orders', '--to-offset', '30', '--execute']);
    assert.equal(fresh.code, 0, fresh.err);
    assert.deepEqual(await committed('h'), ['30']);
    const all = await bin(['--bootstrap-server', server, '--describe', '--all-groups']);
    assert.equal(all.code, 0, all.err);
    assert.equal(all.err, "Consumer group 'g' has no active members.\nConsumer group 'h' has no active members.\n");
    const header = 'GROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID     HOST            CLIENT-ID\n';
    assert.equal(
      all.out,
      `\n${header}g               orders          0          0               100             100             -               -               -\n` +
        `\n${header}h               orders          0          30              100             70              -               -               -\n`,
    );

    const missing = await bin(['--bootstrap-server', server, '--reset-offsets', '--group', 'g', '--topic', 'orders:7', '--to-earliest', '--execute']);
    assert.equal(missing.code, 1);
    assert.equal(missing.err, 'Error: Executing consumer group command failed due to The partitions "orders-7" do not exist\n');
  });

  it('--delete-offsets, then --delete; unknown groups fail with one line', async () => {
    const deleteOffsets = await bin(['--bootstrap-server', server, '--delete-offsets', '--group', 'g', '--topic', 'orders']);
    assert.equal(deleteOffsets.code, 0, deleteOffsets.err);
    assert.equal(deleteOffsets.err, '');
    assert.equal(deleteOffsets.out, 'Request succeeded for deleting offsets from group g.\n\nTOPIC           PARTITION  STATUS\norders          0          Successful\n');
    assert.deepEqual(await committed('g'), ['-1']);

    const deleted = await bin(['--bootstrap-server', server, '--delete', '--group', 'g']);
    assert.equal(deleted.code, 0, deleted.err);
    assert.equal(deleted.out, "Deletion of requested consumer groups ('g') was successful.\n");
    assert.equal((await bin(['--bootstrap-server', server, '--list'])).out, 'h\n');
    const deletedAll = await bin(['--bootstrap-server', server, '--delete', '--all-groups']);
    assert.equal(deletedAll.code, 0, deletedAll.err);
    assert.equal(deletedAll.out, "Deletion of requested consumer groups ('h') was successful.\n");
    assert.equal((await bin(['--bootstrap-server', server, '--list'])).out, '');

    const unknown = await bin(['--bootstrap-server', server, '--describe', '--group', 'nope']);
    assert.equal(unknown.code, 1);
    assert.equal(unknown.out, '');
    assert.equal(unknown.err, "Error: Consumer group 'nope' does not exist.\n");
    const unknownState = await bin(['--bootstrap-server', server, '--describe', '--group', 'nope', '--state']);
    assert.equal(unknownState.code, 1);
    assert.equal(unknownState.err, "Error: Consumer group 'nope' does not exist.\n");
    const deleteUnknown = await bin(['--bootstrap-server', server, '--delete', '--group', 'nope']);
    assert.equal(deleteUnknown.code, 1);
    assert.equal(deleteUnknown.err, 'Error: Deletion of some consumer groups failed:\n');
    assert.equal(deleteUnknown.out, "* Group 'nope' could not be deleted due to: GROUP_ID_NOT_FOUND: The group id does not exist.\n");
    const offsetsUnknownTopic = await bin(['--bootstrap-server', server, '--delete-offsets', '--group', 'nope', '--topic', 'no-such-topic']);
    assert.equal(offsetsUnknownTopic.code, 1);
    assert.equal(offsetsUnknownTopic.err, 'Error: Encountered some partition-level error, see the follow-up details.\n');
    assert.equal(offsetsUnknownTopic.out, '\nTOPIC           PARTITION  STATUS\nno-such-topic   -          Error: This server does not host this topic-partition.\n');

    const unreachable = await bin(['--bootstrap-server', '127.0.0.1:1', '--list', '--timeout', '2000']);
    assert.equal(unreachable.code, 1);
    assert.equal(unreachable.out, '');
    assert.match(unreachable.err, /^Error: Executing consumer group command failed due to could not reach the cluster at 127\.0\.0\.1:1\b[^\n]*\n$/);

    const noServer = await bin(['--describe', '--group', 'g']);
    assert.equal(noServer.code, 1);
    assert.equal(noServer.err, 'kafka-consumer-groups: Missing required argument "[bootstrap-server]" (see kafka-consumer-groups --help)\n');
  });
});
