/**
 * Connect workers' group membership against an in-process broker: several WorkerGroupMembers
 * (each on its own Kafka client) join one `connect` group; the leader deals out connectors and
 * tasks; work moves when a member leaves (LeaveGroup), when one dies without leaving (a child
 * process killed with SIGKILL: reassigned after the session timeout), and when the leader is
 * behind the config topic (CONFIG_MISMATCH, then a successful round). Eager (`default`) and
 * cooperative (`sessioned`) protocols.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, afterEach, before, describe, it } from 'node:test';
import { Kafka } from '../../../../src/client/kafka.js';
import { pollUntil } from '../../../../src/testkit/poll-until.js';
import { WorkerGroupMember } from '../../../../src/connect/runtime/distributed/worker-group-member.js';
import type { WorkerGroupMemberOptions } from '../../../../src/connect/runtime/distributed/worker-group-member.js';
import { decodeAssignment, decodeWorkerState } from '../../../../src/connect/runtime/distributed/connect-protocol.js';
import type { ConnectAssignment, ConnectProtocolCompatibility } from '../../../../src/connect/runtime/distributed/connect-protocol.js';
import { startTestBroker, type TestBroker } from '../../../client/client-test-support.js';

const here = dirname(fileURLToPath(import.meta.url));
const MEMBER_PROCESS = join(here, 'worker-group-member-process.js');

let broker: TestBroker;
let groupCounter = 0;
const workers: TestWorker[] = [];
const children: ChildProcess[] = [];

/** A worker's group membership plus what it would run, updated from onAssigned / onRevoked as a herder would. */
class TestWorker {
  readonly member: WorkerGroupMember;
  connectors: string[] = [];
  tasks: string[] = [];
  readonly assignments: ConnectAssignment[] = [];
  readonly revocations: Array<{ connectors: string[]; tasks: string[] }> = [];
  fatal: Error | undefined;

  constructor(
    readonly url: string,
    groupId: string,
    readonly config: { offset: bigint; connectors: Map<string, number> },
    protocol: ConnectProtocolCompatibility,
    extra: Partial<WorkerGroupMemberOptions> = {},
  ) {
    this.member = new WorkerGroupMember({
      kafka: new Kafka({ clientId: url, brokers: [broker.bootstrap] }),
      groupId,
      workerUrl: url,
      configOffset: () => this.config.offset,
      configSnapshot: () => ({ connectors: this.config.connectors }),
      protocols: protocol,
      sessionTimeoutMs: 3000,
      heartbeatIntervalMs: 100,
      rebalanceTimeoutMs: 5000,
      scheduledRebalanceMaxDelayMs: 0,
      onAssigned: (assignment) => {
        this.assignments.push(assignment);
        if (assignment.error !== 0) return;
        this.connectors = [...assignment.connectors];
        this.tasks = assignment.tasks.map((t) => `${t.connector}-${t.task}`);
      },
      onRevoked: (revoked) => {
        const tasks = revoked.tasks.map((t) => `${t.connector}-${t.task}`);
        this.revocations.push({ connectors: revoked.connectors, tasks });
        this.connectors = this.connectors.filter((c) => !revoked.connectors.includes(c));
        this.tasks = this.tasks.filter((t) => !tasks.includes(t));
      },
      onFatalError: (e) => {
        this.fatal = e;
      },
      ...extra,
    });
    workers.push(this);
  }

  get stable(): boolean {
    const a = this.member.assignment;
    return a !== null && a.error === 0 && this.member.generation >= 0;
  }
}

function allWork(connectors: Map<string, number>): { connectors: string[]; tasks: string[] } {
  return {
    connectors: [...connectors.keys()].sort(),
    tasks: [...connectors].flatMap(([c, n]) => Array.from({ length: n }, (_, i) => `${c}-${i}`)).sort(),
  };
}

/** What the given workers run together, sorted (duplicates kept, so "exactly once" is checked). */
function running(ws: Array<{ connectors: string[]; tasks: string[] }>): { connectors: string[]; tasks: string[] } {
  return { connectors: ws.flatMap((w) => w.connectors).sort(), tasks: ws.flatMap((w) => w.tasks).sort() };
}

/** Waits until the workers share one generation, none is rebalancing, and together run every connector and task exactly once. */
async function settled(ws: TestWorker[], connectors: Map<string, number>, what: string, timeoutMs = 20_000): Promise<void> {
  const expected = JSON.stringify(allWork(connectors));
  await pollUntil(
    what,
    () => ({ generations: ws.map((w) => w.member.generation), stable: ws.map((w) => w.stable), running: running(ws) }),
    (s) => s.stable.every(Boolean) && new Set(s.generations).size === 1 && JSON.stringify(s.running) === expected,
    { timeoutMs },
  );
}

const CONNECTORS = new Map([['conn-a', 3], ['conn-b', 2], ['conn-c', 1]]);

before(async () => {
  broker = await startTestBroker({ properties: { 'group.initial.rebalance.delay.ms': '0', 'group.min.session.timeout.ms': '500', 'offsets.topic.replication.factor': '1' } });
});

afterEach(async () => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  await Promise.all(workers.splice(0).map((w) => w.member.stop().catch(() => undefined)));
});

after(async () => {
  await broker.close();
});

for (const protocol of ['eager', 'sessioned'] as const) {
  describe(`WorkerGroupMember (${protocol})`, () => {
    it('three workers: one leader, every connector and task assigned exactly once; the group is a connect group', async () => {
      const groupId = `connect-cluster-${++groupCounter}`;
      const config = { offset: 10n, connectors: CONNECTORS };
      const ws = [1, 2, 3].map((i) => new TestWorker(`http://worker-${i}:8083`, groupId, config, protocol));
      await Promise.all(ws.map((w) => w.member.start()));
      await Promise.all(ws.map((w) => w.member.ensureActive()));
      await settled(ws, CONNECTORS, 'three workers to share the work');
      const leaders = ws.filter((w) => w.member.isLeader);
      assert.equal(leaders.length, 1);
      for (const w of ws) {
        assert.equal(w.member.leaderUrl, leaders[0]!.url);
        assert.equal(w.member.assignment!.configOffset, 10n);
        assert.equal(w.member.currentProtocolVersion, protocol === 'eager' ? 0 : 2);
      }
      // Eager round-robin gives each of 3 workers 1 connector and 2 tasks; the cooperative assignor balances to the same counts.
      assert.deepEqual(ws.map((w) => [w.connectors.length, w.tasks.length]), [[1, 2], [1, 2], [1, 2]]);
      // The leader knows who runs what.
      const leader = leaders[0]!;
      for (const w of ws) for (const c of w.connectors) assert.equal(leader.member.ownerUrl(c), w.url);
      const owner = ws.find((w) => w.tasks.includes('conn-a-1'))!;
      assert.equal(leader.member.ownerUrl({ connector: 'conn-a', task: 1 }), owner.url);
      assert.equal(ws.find((w) => !w.member.isLeader)!.member.ownerUrl('conn-a'), null);

      const admin = new Kafka({ brokers: [broker.bootstrap] }).admin();
      await admin.connect();
      try {
        const { groups } = await admin.describeGroups([groupId]);
        assert.equal(groups[0]!.protocolType, 'connect');
        assert.equal(groups[0]!.protocol, protocol === 'eager' ? 'default' : 'sessioned');
        assert.equal(groups[0]!.state, 'Stable');
        assert.equal(groups[0]!.members.length, 3);
        // Each member's metadata is its worker state; its assignment decodes to what it runs (eager) or what it got last.
        for (const m of groups[0]!.members) {
          const state = decodeWorkerState(m.memberMetadata);
          const w = ws.find((x) => x.url === state.url)!;
          assert.equal(state.configOffset, 10n);
          assert.equal(m.memberId, w.member.memberId);
          assert.equal(decodeAssignment(m.memberAssignment).leader, leader.member.memberId);
        }
      } finally {
        await admin.disconnect();
      }
    });

    it('a worker that leaves (LeaveGroup): its connectors and tasks go to the others', async () => {
      const groupId = `connect-cluster-${++groupCounter}`;
      const config = { offset: 1n, connectors: CONNECTORS };
      const ws = [1, 2, 3].map((i) => new TestWorker(`http://worker-${i}:8083`, groupId, config, protocol));
      await Promise.all(ws.map((w) => w.member.start()));
      await settled(ws, CONNECTORS, 'three workers to share the work');
      const leaving = ws.find((w) => w.connectors.length + w.tasks.length > 0)!;
      const had = running([leaving]);
      const generation = leaving.member.generation;
      await leaving.member.stop();
      const rest = ws.filter((w) => w !== leaving);
      await settled(rest, CONNECTORS, 'the two remaining workers to take over');
      assert.ok(rest[0]!.member.generation > generation);
      const now = running(rest);
      for (const c of had.connectors) assert.ok(now.connectors.includes(c));
      for (const t of had.tasks) assert.ok(now.tasks.includes(t));
    });

    it('a worker killed without leaving: its work is reassigned after the session timeout', async () => {
      const groupId = `connect-cluster-${++groupCounter}`;
      const config = { offset: 1n, connectors: CONNECTORS };
      const ws = [1, 2].map((i) => new TestWorker(`http://worker-${i}:8083`, groupId, config, protocol));
      await Promise.all(ws.map((w) => w.member.start()));
      await settled(ws, CONNECTORS, 'two workers to share the work');
      const child = spawn(process.execPath, [MEMBER_PROCESS, broker.bootstrap, groupId, 'http://worker-3:8083', protocol, '1500', JSON.stringify(Object.fromEntries(CONNECTORS))], { stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(child);
      const childRuns = { connectors: [] as string[], tasks: [] as string[] };
      let buf = '';
      child.stdout!.on('data', (d: Buffer) => {
        buf += d.toString('utf8');
        for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
          const line = JSON.parse(buf.slice(0, nl)) as { connectors: string[]; tasks: string[] };
          buf = buf.slice(nl + 1);
          childRuns.connectors = line.connectors;
          childRuns.tasks = line.tasks;
        }
      });
      child.stderr!.on('data', (d: Buffer) => process.stderr.write(d));
      // The child joins and gets a share (cooperative: after the follow-up round that hands over the revoked work).
      const expected = JSON.stringify(allWork(CONNECTORS));
      await pollUntil('the child worker to get a share', () => ({ child: childRuns.tasks.length + childRuns.connectors.length, all: JSON.stringify(running([...ws, childRuns])) === expected, stable: ws.every((w) => w.stable) }), (s) => s.child > 0 && s.all && s.stable, { timeoutMs: 20_000 });
      const generation = ws[0]!.member.generation;
      child.kill('SIGKILL');
      // No LeaveGroup: the coordinator notices the missing heartbeats after 1.5 s and rebalances.
      await settled(ws, CONNECTORS, 'the two workers to take over the killed worker’s work');
      assert.ok(ws[0]!.member.generation > generation);
    });

    it('a leader behind the config topic: CONFIG_MISMATCH, then it catches up and assigns', async () => {
      const groupId = `connect-cluster-${++groupCounter}`;
      const behind = { offset: 5n, connectors: new Map([['old', 1]]) };
      const leader = new TestWorker('http://leader:8083', groupId, behind, protocol, {
        onAssigned: (assignment) => {
          leader.assignments.push(assignment);
          // As a herder does on a failed assignment: read the config topic up to the offset it names.
          if (assignment.error === 1) {
            behind.offset = assignment.configOffset;
            behind.connectors = new Map([['old', 1], ['newer', 2]]);
            return;
          }
          leader.connectors = [...assignment.connectors];
          leader.tasks = assignment.tasks.map((t) => `${t.connector}-${t.task}`);
        },
      });
      await leader.member.start();
      await leader.member.ensureActive();
      assert.ok(leader.member.isLeader);
      const ahead = new TestWorker('http://member:8083', groupId, { offset: 7n, connectors: new Map([['old', 1], ['newer', 2]]) }, protocol);
      await ahead.member.start();
      const expected = new Map([['old', 1], ['newer', 2]]);
      await settled([leader, ahead], expected, 'the workers to agree at offset 7');
      assert.ok(leader.member.isLeader, 'the first member stays leader');
      const mismatch = ahead.assignments.find((a) => a.error === 1);
      assert.ok(mismatch !== undefined, 'the member saw a CONFIG_MISMATCH assignment');
      assert.equal(mismatch.configOffset, 7n);
      assert.deepEqual([mismatch.connectors, mismatch.tasks], [[], []]);
      assert.ok(leader.assignments.some((a) => a.error === 1 && a.configOffset === 7n));
      assert.equal(leader.member.assignment!.configOffset, 7n);
      assert.equal(ahead.member.assignment!.configOffset, 7n);
    });
  });
}

describe('WorkerGroupMember (sessioned): scheduled.rebalance.max.delay.ms', () => {
  it('a departed worker’s work is held back for the delay, then reassigned', async () => {
    const groupId = `connect-cluster-${++groupCounter}`;
    const config = { offset: 1n, connectors: CONNECTORS };
    const ws = [1, 2, 3].map((i) => new TestWorker(`http://worker-${i}:8083`, groupId, config, 'sessioned', { scheduledRebalanceMaxDelayMs: 1500 }));
    await Promise.all(ws.map((w) => w.member.start()));
    await settled(ws, CONNECTORS, 'three workers to share the work');
    const leaving = ws.find((w) => !w.member.isLeader && w.connectors.length + w.tasks.length > 0)!;
    const rest = ws.filter((w) => w !== leaving);
    const before = new Map(rest.map((w) => [w, running([w])]));
    await leaving.member.stop();
    // First the remaining workers get an assignment that carries the delay and moves nothing: each
    // runs what it ran before (onAssigned gets the full set a cooperative worker runs)...
    await pollUntil('an assignment with a scheduled delay', () => rest.every((w) => w.assignments.some((a) => a.delay > 0)));
    for (const w of rest) {
      const delayed = w.assignments.find((a) => a.delay > 0)!;
      assert.ok(delayed.delay <= 1500);
      assert.deepEqual(running([{ connectors: delayed.connectors, tasks: delayed.tasks.map((t) => `${t.connector}-${t.task}`) }]), before.get(w));
    }
    // ...then, when it expires, they rejoin and the leader hands the held-back work out.
    await settled(rest, CONNECTORS, 'the remaining workers to take over after the delay');
  });
});

describe('WorkerGroupMember (compatible and eager members together)', () => {
  it('a group of compatible and eager workers agrees on the eager protocol `default`', async () => {
    const groupId = `connect-cluster-${++groupCounter}`;
    const config = { offset: 1n, connectors: CONNECTORS };
    const ws = [new TestWorker('http://a:8083', groupId, config, 'compatible'), new TestWorker('http://b:8083', groupId, config, 'eager')];
    await Promise.all(ws.map((w) => w.member.start()));
    await settled(ws, CONNECTORS, 'both workers to share the work');
    for (const w of ws) assert.equal(w.member.currentProtocolVersion, 0);
  });
});
