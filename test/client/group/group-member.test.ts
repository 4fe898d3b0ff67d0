/**
 * The generic group member (Kafka's AbstractCoordinator) against an in-process broker, with a
 * protocol type of its own: protocol selection, the leader's assignment reaching every member,
 * onJoinPrepare before each rebalance, requestRejoin, LeaveGroup on stop, a protocol-type clash
 * (INCONSISTENT_GROUP_PROTOCOL is fatal) and a broker restart (the coordinator is found again).
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { Kafka } from '../../../src/client/kafka.js';
import type { GroupMember, GroupMemberMetadata } from '../../../src/client/group/group-member.js';
import { pollUntil } from '../../../src/testkit/poll-until.js';
import { startTestBroker, type TestBroker } from '../client-test-support.js';

let broker: TestBroker;
let counter = 0;
const members: GroupMember[] = [];

interface Recorder {
  member: GroupMember;
  prepared: number;
  leaderSaw: GroupMemberMetadata[][];
  completed: Array<{ generation: number; memberId: string; protocol: string; assignment: string }>;
  fatal: Error | undefined;
}

function join(groupId: string, name: string, protocols: string[], protocolType = 'samsa-test', sessionTimeoutMs = 30_000): Recorder {
  const r = { prepared: 0, leaderSaw: [], completed: [], fatal: undefined } as unknown as Recorder;
  r.member = new Kafka({ clientId: name, brokers: [broker.bootstrap] }).groupMember({
    groupId,
    protocolType,
    sessionTimeoutMs,
    heartbeatIntervalMs: 100,
    rebalanceTimeoutMs: 5000,
    callbacks: {
      metadata: () => protocols.map((p) => ({ name: p, metadata: Buffer.from(`${name}:${p}`) })),
      onJoinPrepare: () => void r.prepared++,
      performAssignment: (_leader, protocol, ms) => {
        r.leaderSaw.push(ms);
        return new Map(ms.map((m) => [m.memberId, Buffer.from(`for ${Buffer.from(m.metadata).toString()} via ${protocol}`)]));
      },
      onJoinComplete: (generation, memberId, protocol, assignment) => void r.completed.push({ generation, memberId, protocol, assignment: Buffer.from(assignment).toString() }),
      onFatalError: (e) => (r.fatal = e),
    },
  });
  members.push(r.member);
  return r;
}

before(async () => {
  broker = await startTestBroker({ properties: { 'group.initial.rebalance.delay.ms': '0', 'group.min.session.timeout.ms': '500', 'offsets.topic.replication.factor': '1' } });
});

afterEach(async () => {
  await Promise.all(members.splice(0).map((m) => m.stop().catch(() => undefined)));
});

after(async () => {
  await broker.close();
});

describe('GroupMember', () => {
  it('two members agree on the common protocol; the leader’s assignment reaches each member', async () => {
    const groupId = `generic-${++counter}`;
    const a = join(groupId, 'a', ['beta', 'alpha']);
    const b = join(groupId, 'b', ['alpha']);
    await a.member.start();
    await a.member.awaitJoin();
    await b.member.start();
    await pollUntil('both members in one generation', () => [a.member.generation, b.member.generation, a.member.isStable, b.member.isStable], ([ga, gb, sa, sb]) => ga === gb && (ga as number) > 0 && sa === true && sb === true);
    const leader = a.member.isLeader ? a : b;
    assert.equal([a, b].filter((x) => x.member.isLeader).length, 1);
    assert.equal(a.member.leader, b.member.leader);
    const lastView = leader.leaderSaw.at(-1)!;
    assert.deepEqual(lastView.map((m) => Buffer.from(m.metadata).toString()).sort(), ['a:alpha', 'b:alpha']);
    assert.equal(a.completed.at(-1)!.assignment, 'for a:alpha via alpha');
    assert.equal(b.completed.at(-1)!.assignment, 'for b:alpha via alpha');
    assert.equal(a.member.protocol, 'alpha');
    // onJoinPrepare ran before every completed join
    assert.equal(a.prepared, a.completed.length);
    assert.equal(b.prepared, b.completed.length);

    const admin = new Kafka({ brokers: [broker.bootstrap] }).admin();
    await admin.connect();
    const { groups } = await admin.describeGroups([groupId]);
    await admin.disconnect();
    assert.deepEqual([groups[0]!.protocolType, groups[0]!.protocol, groups[0]!.members.length], ['samsa-test', 'alpha', 2]);
  });

  it('requestRejoin starts a new generation for everyone; stop() leaves at once (no session timeout wait)', async () => {
    const groupId = `generic-${++counter}`;
    const a = join(groupId, 'a', ['p']);
    const b = join(groupId, 'b', ['p']);
    await Promise.all([a.member.start(), b.member.start()]);
    await pollUntil('one generation', () => [a.member.generation, b.member.generation, a.member.isStable && b.member.isStable], ([ga, gb, s]) => ga === gb && s === true);
    const generation = a.member.generation;
    const prepared = b.prepared;
    a.member.requestRejoin('test');
    await pollUntil('a new generation', () => [a.member.generation, b.member.generation, a.member.isStable && b.member.isStable], ([ga, gb, s]) => ga === gb && (ga as number) > generation && s === true);
    assert.ok(b.prepared > prepared, 'the other member prepared for the rebalance too');
    // The session timeout is 30 s: a new generation within 10 s with b alone means a LeaveGroup.
    const before = b.member.generation;
    await a.member.stop();
    await pollUntil('b alone in a new generation', () => [b.member.generation, b.member.isStable, b.member.isLeader], ([g, s, l]) => (g as number) > before && s === true && l === true);
    assert.equal(b.leaderSaw.at(-1)!.length, 1);
  });

  it('a member with another protocol type cannot join: INCONSISTENT_GROUP_PROTOCOL is fatal', async () => {
    const groupId = `generic-${++counter}`;
    const a = join(groupId, 'a', ['p'], 'connect');
    await a.member.start();
    await a.member.awaitJoin();
    const other = join(groupId, 'other', ['p'], 'consumer');
    await other.member.start();
    await assert.rejects(other.member.awaitJoin(), /INCONSISTENT_GROUP_PROTOCOL/);
    assert.match(other.fatal!.message, /INCONSISTENT_GROUP_PROTOCOL/);
    assert.ok(a.member.isStable);
  });

  it('a broker restart: the members find the coordinator again and keep working', async () => {
    const groupId = `generic-${++counter}`;
    const a = join(groupId, 'a', ['p'], 'samsa-test', 3000);
    await a.member.start();
    await a.member.awaitJoin();
    const generation = a.member.generation;
    await broker.restart();
    a.member.requestRejoin('after restart');
    await pollUntil('a new generation after the restart', () => [a.member.generation, a.member.isStable], ([g, s]) => (g as number) > generation && s === true, { timeoutMs: 20_000 });
    assert.equal(a.completed.at(-1)!.assignment, 'for a:p via p');
  });
});
