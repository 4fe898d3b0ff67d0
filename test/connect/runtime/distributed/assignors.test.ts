/**
 * The Connect assignors on worked examples. Expected assignments are derived by hand from Kafka's
 * algorithms (EagerAssignor: connectors then tasks round-robin over members sorted by id;
 * IncrementalCooperativeAssignor: KIP-415, as in Kafka's IncrementalCooperativeAssignorTest
 * scenarios — initial assignment, a worker joining, a worker leaving with
 * scheduled.rebalance.max.delay.ms, the worker returning); each derivation is in the comments.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AssignmentError } from '../../../../src/connect/runtime/distributed/connect-protocol.js';
import type { ConnectAssignment, ConnectorTaskId } from '../../../../src/connect/runtime/distributed/connect-protocol.js';
import type { AssignorInput, ConfigSnapshot } from '../../../../src/connect/runtime/distributed/connect-assignor.js';
import { EagerAssignor } from '../../../../src/connect/runtime/distributed/eager-assignor.js';
import { IncrementalCooperativeAssignor } from '../../../../src/connect/runtime/distributed/incremental-cooperative-assignor.js';

const t = (connector: string, task: number): ConnectorTaskId => ({ connector, task });
const ts = (...ids: string[]): ConnectorTaskId[] => ids.map((s) => t(s.slice(0, s.lastIndexOf('-')), Number(s.slice(s.lastIndexOf('-') + 1))));
const snapshot = (offset: bigint, connectors: Record<string, number>): ConfigSnapshot => ({ offset, connectors: new Map(Object.entries(connectors)) });

function eagerInput(members: Array<[string, bigint]>, leaderSnapshot: ConfigSnapshot, fresh: ConfigSnapshot = leaderSnapshot, leaderId = members[0]![0]): AssignorInput {
  return {
    leaderId,
    protocolVersion: 0,
    members: members.map(([memberId, configOffset]) => ({ memberId, state: { url: `http://${memberId}:8083`, configOffset, assignment: null } })),
    snapshot: leaderSnapshot,
    freshSnapshot: () => fresh,
  };
}

describe('EagerAssignor', () => {
  it('one connector with one task over two workers: the connector to the first, the task to the next (Kafka’s testNormalJoinGroupLeader)', () => {
    const out = new EagerAssignor().performAssignment(eagerInput([['leader', 1n], ['member', 1n]], snapshot(1n, { connector1: 1 })));
    assert.deepEqual(out.get('leader')!.connectors, ['connector1']);
    assert.deepEqual(out.get('leader')!.tasks, []);
    assert.deepEqual(out.get('member')!.connectors, []);
    assert.deepEqual(out.get('member')!.tasks, [t('connector1', 0)]);
    for (const a of out.values()) assert.deepEqual([a.version, a.error, a.leader, a.leaderUrl, a.configOffset], [0, 0, 'leader', 'http://leader:8083', 1n]);
  });

  it('connectors first, then tasks continue the same circular walk over members sorted by id', () => {
    // members sorted: w1 w2 w3; connectors sorted: a b → a:w1 b:w2; tasks a-0 a-1 b-0 b-1 b-2 → w3 w1 w2 w3 w1
    const out = new EagerAssignor().performAssignment(eagerInput([['w3', 4n], ['w1', 4n], ['w2', 4n]], snapshot(4n, { b: 3, a: 2 }), undefined, 'w2'));
    assert.deepEqual(out.get('w1')!.connectors, ['a']);
    assert.deepEqual(out.get('w2')!.connectors, ['b']);
    assert.deepEqual(out.get('w3')!.connectors, []);
    assert.deepEqual(out.get('w1')!.tasks, ts('a-1', 'b-2'));
    assert.deepEqual(out.get('w2')!.tasks, ts('b-0'));
    assert.deepEqual(out.get('w3')!.tasks, ts('a-0', 'b-1'));
    assert.equal(out.get('w1')!.leaderUrl, 'http://w2:8083');
  });

  it('a leader behind a member that cannot catch up: every member gets an empty CONFIG_MISMATCH at the max offset', () => {
    let freshAsked = 0;
    const input = eagerInput([['l', 5n], ['m', 7n]], snapshot(5n, { c: 1 }), snapshot(6n, { c: 1 }));
    const fresh = input.freshSnapshot;
    input.freshSnapshot = () => (freshAsked++, fresh());
    const out = new EagerAssignor().performAssignment(input);
    assert.equal(freshAsked, 1);
    for (const a of out.values()) {
      assert.equal(a.error, AssignmentError.CONFIG_MISMATCH);
      assert.equal(a.configOffset, 7n);
      assert.deepEqual([a.connectors, a.tasks], [[], []]);
    }
  });

  it('a leader behind whose fresh snapshot has caught up assigns from the fresh snapshot at its offset', () => {
    const out = new EagerAssignor().performAssignment(eagerInput([['l', 5n], ['m', 7n]], snapshot(5n, { old: 1 }), snapshot(8n, { newer: 0 })));
    assert.equal(out.get('l')!.error, AssignmentError.NONE);
    assert.equal(out.get('l')!.configOffset, 8n);
    assert.deepEqual(out.get('l')!.connectors, ['newer']);
    assert.deepEqual(out.get('m')!.tasks, []);
  });

  it('a leader ahead of the members assigns at the max member offset (its own)', () => {
    const out = new EagerAssignor().performAssignment(eagerInput([['l', 9n], ['m', 3n]], snapshot(9n, { c: 2 })));
    assert.equal(out.get('m')!.configOffset, 9n);
    assert.equal(out.get('m')!.error, 0);
  });
});

/** Members that apply what the leader sends, as workers do: stop the revoked, start the assigned. */
class Cluster {
  readonly running = new Map<string, { connectors: string[]; tasks: ConnectorTaskId[] }>();
  generation = 0;
  lastCompleted = -1;
  clock = 10_000;
  readonly assignor = new IncrementalCooperativeAssignor({ maxDelayMs: 1000, now: () => this.clock });

  rebalance(members: string[], connectors: Record<string, number>): Map<string, ConnectAssignment> {
    for (const id of [...this.running.keys()]) if (!members.includes(id)) this.running.delete(id);
    this.generation++;
    const input: AssignorInput = {
      leaderId: members[0]!,
      protocolVersion: 2,
      generation: this.generation,
      lastCompletedGeneration: this.lastCompleted,
      members: members.map((memberId) => {
        const r = this.running.get(memberId);
        return { memberId, state: { url: `http://${memberId}`, configOffset: 1n, assignment: r === undefined ? null : { version: 2, error: 0, leader: members[0]!, leaderUrl: '', configOffset: 1n, connectors: r.connectors, tasks: r.tasks, revokedConnectors: [], revokedTasks: [], delay: 0 } } };
      }),
      snapshot: snapshot(1n, connectors),
      freshSnapshot: () => snapshot(1n, connectors),
    };
    const out = this.assignor.performAssignment(input);
    this.lastCompleted = this.generation;
    for (const [id, a] of out) {
      const r = this.running.get(id) ?? { connectors: [], tasks: [] };
      const revokedTasks = new Set(a.revokedTasks.map((x) => `${x.connector}-${x.task}`));
      r.connectors = [...r.connectors.filter((c) => !a.revokedConnectors.includes(c)), ...a.connectors];
      r.tasks = [...r.tasks.filter((x) => !revokedTasks.has(`${x.connector}-${x.task}`)), ...a.tasks];
      this.running.set(id, r);
    }
    return out;
  }

  /** Every configured connector and task runs exactly once. */
  assertComplete(connectors: Record<string, number>): void {
    const all = [...this.running.values()];
    const runningConnectors = all.flatMap((r) => r.connectors).sort();
    const runningTasks = all.flatMap((r) => r.tasks.map((x) => `${x.connector}-${x.task}`)).sort();
    assert.deepEqual(runningConnectors, Object.keys(connectors).sort());
    assert.deepEqual(runningTasks, Object.entries(connectors).flatMap(([c, n]) => Array.from({ length: n }, (_, i) => `${c}-${i}`)).sort());
  }
}

describe('IncrementalCooperativeAssignor (KIP-415)', () => {
  const config = { c1: 4, c2: 4 };

  it('initial assignment: connectors then tasks round-robin over the least loaded', () => {
    const c = new Cluster();
    const out = c.rebalance(['w1', 'w2'], config);
    // connectors: sorted by load then id → w1, w2: c1→w1, c2→w2; tasks (sorted ids) alternate w1, w2
    assert.deepEqual(out.get('w1')!.connectors, ['c1']);
    assert.deepEqual(out.get('w2')!.connectors, ['c2']);
    assert.deepEqual(out.get('w1')!.tasks, ts('c1-0', 'c1-2', 'c2-0', 'c2-2'));
    assert.deepEqual(out.get('w2')!.tasks, ts('c1-1', 'c1-3', 'c2-1', 'c2-3'));
    for (const a of out.values()) assert.deepEqual([a.revokedConnectors, a.revokedTasks, a.delay, a.version], [[], [], 0, 2]);
    c.assertComplete(config);
  });

  it('a joining worker: first round revokes the excess, the next assigns it to the newcomer', () => {
    const c = new Cluster();
    c.rebalance(['w1', 'w2'], config);
    // 8 tasks over 3 workers: 2 each plus 2 extras; w1 and w2 run 4 → each keeps 3, revoking its first task
    const r1 = c.rebalance(['w1', 'w2', 'w3'], config);
    assert.deepEqual(r1.get('w1')!.revokedTasks, ts('c1-0'));
    assert.deepEqual(r1.get('w2')!.revokedTasks, ts('c1-1'));
    assert.deepEqual(r1.get('w3')!.tasks, []);
    assert.deepEqual(r1.get('w1')!.revokedConnectors, []); // 2 connectors over 3 workers: 1, 1, 0 is balanced
    // the follow-up round: the revoked tasks are unassigned ("created") and go to the least loaded, w3
    const r2 = c.rebalance(['w1', 'w2', 'w3'], config);
    assert.deepEqual(r2.get('w3')!.tasks, ts('c1-0', 'c1-1'));
    assert.deepEqual([r2.get('w1')!.tasks, r2.get('w2')!.tasks], [[], []]);
    for (const a of r2.values()) assert.deepEqual([a.revokedTasks, a.delay], [[], 0]);
    c.assertComplete(config);
    assert.deepEqual([...c.running.values()].map((r) => r.tasks.length), [3, 3, 2]);
  });

  it('a departed worker’s work waits scheduled.rebalance.max.delay.ms, then goes to the others', () => {
    const c = new Cluster();
    c.rebalance(['w1', 'w2'], config);
    c.rebalance(['w1', 'w2', 'w3'], config);
    c.rebalance(['w1', 'w2', 'w3'], config);
    // w2 (c2, c1-3, c2-1, c2-3) leaves: its work is lost; a delay of maxDelay is scheduled, nothing moves
    const r1 = c.rebalance(['w1', 'w3'], config);
    for (const a of r1.values()) assert.deepEqual([a.connectors, a.tasks, a.revokedTasks, a.delay], [[], [], [], 1000]);
    // half-way: still waiting, with the remaining delay
    c.clock += 400;
    const r2 = c.rebalance(['w1', 'w3'], config);
    for (const a of r2.values()) assert.deepEqual([a.tasks, a.delay], [[], 600]);
    // expired: lost work is new work → c2 to w3 (no connector), tasks to the least loaded: w3 (2) gets c1-3 then w3, w1 get c2-1, c2-3
    c.clock += 600;
    const r3 = c.rebalance(['w1', 'w3'], config);
    assert.deepEqual(r3.get('w3')!.connectors, ['c2']);
    assert.deepEqual(r3.get('w3')!.tasks, ts('c1-3', 'c2-1'));
    assert.deepEqual(r3.get('w1')!.tasks, ts('c2-3'));
    for (const a of r3.values()) assert.equal(a.delay, 0);
    c.assertComplete(config);
  });

  it('a worker that comes back (empty, new member id) within the delay gets the lost work when it expires', () => {
    const c = new Cluster();
    c.rebalance(['w1', 'w2'], config);
    c.rebalance(['w1', 'w2'], config);
    c.rebalance(['w1'], config); // w2 leaves: delay 1000
    c.clock += 300;
    const back = c.rebalance(['w1', 'w2b'], config); // back as w2b: still waiting (700 left); w2b is a candidate
    for (const a of back.values()) assert.deepEqual([a.tasks, a.delay], [[], 700]);
    c.clock += 700;
    const r = c.rebalance(['w1', 'w2b'], config);
    assert.deepEqual(r.get('w2b')!.connectors, ['c2']);
    assert.deepEqual(r.get('w2b')!.tasks, ts('c1-1', 'c1-3', 'c2-1', 'c2-3'));
    assert.deepEqual(r.get('w1')!.tasks, []);
    c.assertComplete(config);
  });

  it('a deleted connector is revoked from whoever runs it; a new one is assigned', () => {
    const c = new Cluster();
    c.rebalance(['w1', 'w2'], config);
    const next = { c2: 4, c3: 1 };
    const r = c.rebalance(['w1', 'w2'], next);
    assert.deepEqual(r.get('w1')!.revokedConnectors, ['c1']);
    assert.deepEqual(r.get('w1')!.revokedTasks, ts('c1-0', 'c1-2'));
    assert.deepEqual(r.get('w2')!.revokedTasks, ts('c1-1', 'c1-3'));
    // c3 goes to the worker with fewer connectors after the revocations: w1 (0)
    assert.deepEqual(r.get('w1')!.connectors, ['c3']);
    c.assertComplete(next);
  });

  it('a leader behind the members answers CONFIG_MISMATCH with its version', () => {
    const a = new IncrementalCooperativeAssignor({ maxDelayMs: 1000 });
    const out = a.performAssignment({ leaderId: 'l', protocolVersion: 1, members: [{ memberId: 'l', state: { url: 'u', configOffset: 1n, assignment: null } }, { memberId: 'm', state: { url: 'v', configOffset: 4n, assignment: null } }], snapshot: snapshot(1n, {}), freshSnapshot: () => snapshot(2n, {}) });
    for (const x of out.values()) assert.deepEqual([x.version, x.error, x.configOffset], [1, AssignmentError.CONFIG_MISMATCH, 4n]);
  });
});
