import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startBroker } from '../../../src/broker/broker.js';
import type { Broker } from '../../../src/broker/broker.js';
import { ProcessTracker, SYSTEM_PYTHON, assertToolsPresent, expectSuccess, skipUnlessTools } from '../../../src/testkit/interop-tools.js';

const require = createRequire(import.meta.url);
const { AssignerProtocol, Kafka, logLevel } = require('kafkajs') as typeof import('kafkajs');
/** The repository root, from dist/test/broker/group/. */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const SCRIPT = join(root, 'test', 'broker', 'group', 'python', 'confluent_group_consumer.py');

interface ConsumerRun {
  assigned: number[];
  records: [number, number, string][];
  committed: Record<string, number>;
  /** [unix seconds, partitions held from then on]. */
  history: [number, number[]][];
  left_at: number;
}

/** What a member held at `t` (unix seconds). */
function heldAt(history: [number, number[]][], t: number): number[] {
  let held: number[] = [];
  for (const [at, partitions] of history) if (at <= t) held = partitions;
  return held;
}

/**
 * Kafka's range assignor for kafkajs (which ships only its own round robin), over the standard
 * consumer protocol encoding, so that kafkajs and librdkafka members can agree on a protocol.
 */
const rangeAssigner: import('kafkajs').PartitionAssigner = ({ cluster }) => ({
  name: 'range',
  version: 0,
  async assign({ members, topics }) {
    const assignment = new Map<string, Record<string, number[]>>();
    const subscriptions = members.map((m) => ({ memberId: m.memberId, topics: AssignerProtocol.MemberMetadata.decode(m.memberMetadata)!.topics }));
    for (const topic of topics) {
      const partitions = cluster.findTopicPartitionMetadata(topic).map((p) => p.partitionId).sort((a, b) => a - b);
      const consumers = subscriptions.filter((s) => s.topics.includes(topic)).map((s) => s.memberId).sort();
      const per = Math.floor(partitions.length / consumers.length);
      const extra = partitions.length % consumers.length;
      consumers.forEach((id, i) => {
        const start = per * i + Math.min(i, extra);
        const own = assignment.get(id) ?? {};
        own[topic] = partitions.slice(start, start + per + (i < extra ? 1 : 0));
        assignment.set(id, own);
      });
    }
    return members.map((m) => ({
      memberId: m.memberId,
      memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 0, assignment: assignment.get(m.memberId) ?? {}, userData: Buffer.alloc(0) }),
    }));
  },
  protocol({ topics }) {
    return { name: 'range', metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData: Buffer.alloc(0) }) };
  },
});

describe('consumer groups with confluent-kafka (librdkafka)', { skip: skipUnlessTools(['confluent-kafka']) }, () => {
  let dir: string;
  let broker: Broker;
  const tracker = new ProcessTracker();

  before(async () => {
    assertToolsPresent(['confluent-kafka']);
    dir = mkdtempSync(join(tmpdir(), 'samsa-group-rdkafka-'));
    broker = await startBroker({
      port: 0,
      host: '127.0.0.1',
      logDirs: [dir],
      properties: { 'offsets.topic.replication.factor': '1', 'group.initial.rebalance.delay.ms': '0', 'group.min.session.timeout.ms': '1000' },
    });
    const kafka = new Kafka({ clientId: 'setup', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'rd', numPartitions: 3 }] });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'rd', messages: Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: `v${i}`, partition: i % 3 })) });
    await producer.disconnect();
  });

  after(async () => {
    tracker.killAll();
    await broker?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  async function consume(group: string, expected: number, instance?: string, assignor = 'range'): Promise<ConsumerRun> {
    const r = expectSuccess(
      await tracker.run(SYSTEM_PYTHON, [SCRIPT, broker.bootstrap, group, 'rd', String(expected), ...(instance === undefined ? [] : [instance])], {
        timeoutMs: 40_000,
        env: { ...process.env, ASSIGNOR: assignor },
      }),
    );
    return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as ConsumerRun;
  }

  it('a member subscribes, gets every partition, consumes and commits; the next member of the group starts at the commits', { timeout: 60_000 }, async () => {
    const first = await consume('rdkafka-group', 30);
    assert.deepEqual(first.assigned, [0, 1, 2]);
    assert.equal(first.records.length, 30);
    assert.deepEqual(first.committed, { 0: 10, 1: 10, 2: 10 });
    const kafka = new Kafka({ clientId: 'check', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    const described = await admin.describeGroups(['rdkafka-group']);
    const fetched = await admin.fetchOffsets({ groupId: 'rdkafka-group', topics: ['rd'] });
    await admin.disconnect();
    assert.equal(described.groups[0]!.state, 'Empty');
    assert.equal(described.groups[0]!.protocolType, 'consumer');
    assert.deepEqual(fetched[0]!.partitions.map((p) => [p.partition, p.offset]).sort(), [[0, '10'], [1, '10'], [2, '10']]);
    // Nothing new: a second run of the group reads nothing (it starts at the committed offsets).
    const second = await consume('rdkafka-group', 0);
    assert.deepEqual(second.records, []);
  });

  it('a restarted static member (same group.instance.id) rejoins without a rebalance and keeps its partitions', { timeout: 60_000 }, async () => {
    const kafka = new Kafka({ clientId: 'check', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const run = await consume('rdkafka-static', 30, 'static-1');
      assert.deepEqual(run.assigned, [0, 1, 2]);
      assert.equal(run.records.length, 30);
      // A static member does not leave on close: the group stays Stable with it as a member.
      const before = (await admin.describeGroups(['rdkafka-static'])).groups[0]!;
      assert.equal(before.state, 'Stable');
      assert.equal(before.members.length, 1);
      const oldMemberId = before.members[0]!.memberId;
      // Restart within the session timeout: watch the group state while the new process joins.
      const states = new Set<string>();
      let watching = true;
      const watcher = (async () => {
        while (watching) {
          states.add((await admin.describeGroups(['rdkafka-static'])).groups[0]!.state);
          await new Promise((r) => setTimeout(r, 20));
        }
      })();
      const again = await consume('rdkafka-static', 0, 'static-1');
      watching = false;
      await watcher;
      assert.deepEqual(again.assigned, [0, 1, 2]);
      assert.deepEqual(again.records, [], 'it resumes at the commits');
      assert.deepEqual([...states], ['Stable'], 'no rebalance happened');
      const after = (await admin.describeGroups(['rdkafka-static'])).groups[0]!;
      assert.equal(after.members.length, 1);
      assert.notEqual(after.members[0]!.memberId, oldMemberId, 'the restarted member got a new member id');
    } finally {
      await admin.disconnect();
    }
  });

  it('a group mixing a librdkafka and a kafkajs member (both with the range assignor) splits the partitions without overlap', { timeout: 60_000 }, async () => {
    const kafka = new Kafka({ clientId: 'mixed-kafkajs', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: 'mixed-rd-js', sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 100, partitionAssigners: [rangeAssigner] });
    const history: [number, number[]][] = [];
    consumer.on(consumer.events.GROUP_JOIN, (e) => void history.push([Date.now() / 1000, [...(e.payload.memberAssignment['rd'] ?? [])].sort((a, b) => a - b)]));
    const rd = consume('mixed-rd-js', -6);
    await consumer.connect();
    await consumer.subscribe({ topic: 'rd', fromBeginning: true });
    await consumer.run({ autoCommit: false, eachMessage: async () => undefined });
    await new Promise((r) => setTimeout(r, 6000));
    const jsLeftAt = Date.now() / 1000;
    await consumer.disconnect();
    const other = await rd;
    const t = Math.min(jsLeftAt, other.left_at) - 0.5;
    const held = `kafkajs ${JSON.stringify(history)}, librdkafka ${JSON.stringify(other.history)}`;
    const js = heldAt(history, t);
    const lib = heldAt(other.history, t);
    assert.ok(js.length > 0 && lib.length > 0, held);
    assert.deepEqual([...js, ...lib].sort(), [0, 1, 2], held);
  });

  it('two librdkafka members with the cooperative-sticky assignor (incremental rebalancing) split the partitions without overlap', { timeout: 60_000 }, async () => {
    const [a, b] = await Promise.all([consume('cooperative', -6, undefined, 'cooperative-sticky'), consume('cooperative', -6, undefined, 'cooperative-sticky')]);
    const t = Math.min(a.left_at, b.left_at) - 0.5;
    const held = `${JSON.stringify(a.history)} / ${JSON.stringify(b.history)}`;
    assert.ok(heldAt(a.history, t).length > 0 && heldAt(b.history, t).length > 0, held);
    assert.deepEqual([...heldAt(a.history, t), ...heldAt(b.history, t)].sort(), [0, 1, 2], held);
  });
});
