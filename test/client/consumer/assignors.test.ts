import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { it } from 'node:test';
import { decodeAssignment, decodeSubscription, encodeAssignment, encodeSubscription } from '../../../src/client/consumer/consumer-protocol.js';
import type { AssignorMember, GroupAssignment } from '../../../src/client/consumer/partition-assignor.js';
import { rangeAssignor } from '../../../src/client/consumer/range-assignor.js';
import { roundRobinAssignor } from '../../../src/client/consumer/round-robin-assignor.js';

const member = (memberId: string, topics: string[], groupInstanceId: string | null = null): AssignorMember => ({ memberId, groupInstanceId, topics });
const flat = (a: GroupAssignment): Record<string, string[]> =>
  Object.fromEntries([...a].map(([m, topics]) => [m, [...topics].sort(([x], [y]) => (x < y ? -1 : 1)).flatMap(([t, ps]) => [...ps].sort((x, y) => x - y).map((p) => `${t}p${p}`))]));

it('range: the Java RangeAssignor example (two members, two topics of three partitions)', () => {
  const r = rangeAssignor.assign([member('C1', ['t0', 't1']), member('C0', ['t0', 't1'])], new Map([['t0', 3], ['t1', 3]]));
  assert.deepStrictEqual(flat(r), { C1: ['t0p2', 't1p2'], C0: ['t0p0', 't0p1', 't1p0', 't1p1'] });
});

it('roundrobin: the Java RoundRobinAssignor examples (same subscriptions; and unequal ones)', () => {
  const same = roundRobinAssignor.assign([member('C0', ['t0', 't1']), member('C1', ['t0', 't1'])], new Map([['t0', 3], ['t1', 3]]));
  assert.deepStrictEqual(flat(same), { C0: ['t0p0', 't0p2', 't1p1'], C1: ['t0p1', 't1p0', 't1p2'] });
  const unequal = roundRobinAssignor.assign(
    [member('C0', ['t0']), member('C1', ['t0', 't1']), member('C2', ['t0', 't1', 't2'])],
    new Map([['t0', 1], ['t1', 2], ['t2', 3]]),
  );
  assert.deepStrictEqual(flat(unequal), { C0: ['t0p0'], C1: ['t1p0'], C2: ['t1p1', 't2p0', 't2p1', 't2p2'] });
});

it('members are ordered by group instance id when they have one (Java\'s MemberInfo order)', () => {
  const r = rangeAssignor.assign([member('a', ['t'], 'z-static'), member('b', ['t'], 'a-static')], new Map([['t', 2]]));
  assert.deepStrictEqual(flat(r), { a: ['tp1'], b: ['tp0'] });
  const more = rangeAssignor.assign([member('m1', ['t']), member('m2', ['t']), member('m3', ['t'])], new Map([['t', 7]]));
  assert.deepStrictEqual(flat(more), { m1: ['tp0', 'tp1', 'tp2'], m2: ['tp3', 'tp4'], m3: ['tp5', 'tp6'] });
});

it('subscriptions and assignments use the Java consumer protocol framing (readable by kafkajs)', () => {
  const require = createRequire(import.meta.url);
  const { AssignerProtocol } = require('kafkajs') as { AssignerProtocol: { MemberMetadata: { decode(b: Buffer): { version: number; topics: string[] }; encode(m: { version: number; topics: string[]; userData: Buffer }): Buffer }; MemberAssignment: { decode(b: Buffer): { version: number; assignment: Record<string, number[]> }; encode(a: { version: number; assignment: Record<string, number[]>; userData: Buffer }): Buffer } } };
  const sub = encodeSubscription(['b-topic', 'a-topic']);
  assert.deepStrictEqual(AssignerProtocol.MemberMetadata.decode(Buffer.from(sub)).topics, ['a-topic', 'b-topic']);
  assert.deepStrictEqual(decodeSubscription(AssignerProtocol.MemberMetadata.encode({ version: 0, topics: ['x', 'y'], userData: Buffer.alloc(0) })).topics, ['x', 'y']);
  const asg = encodeAssignment(new Map([['t', [2, 0]], ['s', [1]]]));
  assert.deepStrictEqual(AssignerProtocol.MemberAssignment.decode(Buffer.from(asg)).assignment, { s: [1], t: [0, 2] });
  assert.deepStrictEqual(decodeAssignment(AssignerProtocol.MemberAssignment.encode({ version: 0, assignment: { q: [3, 4] }, userData: Buffer.alloc(0) })).assignedPartitions, [{ topic: 'q', partitions: [3, 4] }]);
  assert.deepStrictEqual(decodeAssignment(new Uint8Array(0)).assignedPartitions, [], 'an empty assignment (no partitions for this member)');
});

it('cooperative-sticky: balanced from scratch, keeps owned partitions, withholds a partition that changes owner for one round', async () => {
  const { cooperativeStickyAssignor } = await import('../../../src/client/consumer/cooperative-sticky-assignor.js');
  assert.equal(cooperativeStickyAssignor.name, 'cooperative-sticky');
  const fresh = cooperativeStickyAssignor.assign([member('A', ['t']), member('B', ['t']), member('C', ['t'])], new Map([['t', 7]]));
  const sizes = Object.values(flat(fresh)).map((p) => p.length).sort();
  assert.deepStrictEqual(sizes, [2, 2, 3]);
  assert.deepStrictEqual(Object.values(flat(fresh)).flat().sort(), ['tp0', 'tp1', 'tp2', 'tp3', 'tp4', 'tp5', 'tp6']);

  // A owned everything; B joins: A keeps two, two move to B — withheld this round.
  const owned = { ...member('A', ['t']), ownedPartitions: [{ topic: 't', partitions: [0, 1, 2, 3] }] };
  const round1 = flat(cooperativeStickyAssignor.assign([owned, member('B', ['t'])], new Map([['t', 4]])));
  assert.equal(round1.A!.length, 2, 'A keeps half');
  assert.deepStrictEqual(round1.B, [], 'B gets nothing until A has revoked');
  // Round 2: A owns only what it kept; B now receives the other two.
  const kept = round1.A!.map((x) => Number(x.slice(2)));
  const round2 = flat(cooperativeStickyAssignor.assign([{ ...member('A', ['t']), ownedPartitions: [{ topic: 't', partitions: kept }] }, member('B', ['t'])], new Map([['t', 4]])));
  assert.deepStrictEqual(round2.A, round1.A, 'sticky: A keeps the same partitions');
  assert.deepStrictEqual([...round2.A!, ...round2.B!].sort(), ['tp0', 'tp1', 'tp2', 'tp3']);

  // Different subscriptions: only subscribed members receive a topic's partitions.
  const mixed = flat(cooperativeStickyAssignor.assign([member('A', ['t', 'u']), member('B', ['u'])], new Map([['t', 2], ['u', 2]])));
  assert.ok(mixed.B!.every((p) => p.startsWith('u')));
  assert.equal(mixed.A!.length + mixed.B!.length, 4);
  assert.equal(mixed.B!.length, 2, 'balanced: B takes both of u, A both of t');
});
