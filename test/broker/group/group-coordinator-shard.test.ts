import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../../src/broker/clock.js';
import { GroupCoordinatorShard, tpKey } from '../../../src/broker/group/group-coordinator-shard.js';
import type { CoordinatorResult, GroupCoordinatorConfig, JoinGroupOutcome, JoinGroupParams, Reply, SyncGroupOutcome } from '../../../src/broker/group/group-coordinator-shard.js';
import { decodeGroupRecord, encodeGroupRecord } from '../../../src/broker/group/group-records.js';
import { partitionForGroup, javaStringHashCode } from '../../../src/broker/group/partition-for-group.js';
import { encodeConsumerProtocolSubscription } from '../../../src/protocol/generated/consumer-protocol-subscription.js';
import { ProtocolWriter } from '../../../src/protocol/primitives/protocol-writer.js';
import type { GroupRecord } from '../../../src/broker/group/group-records.js';

const CONFIG: GroupCoordinatorConfig = {
  groupMinSessionTimeoutMs: 1000,
  groupMaxSessionTimeoutMs: 60_000,
  groupInitialRebalanceDelayMs: 0,
  groupMaxSize: 100,
  offsetsRetentionMs: 60_000,
  offsetMetadataMaxBytes: 4096,
};

/** A shard with deterministic member ids, a manual clock, and a log of every record it appended. */
class Harness {
  readonly clock = new ManualClock(1_000_000);
  readonly shard: GroupCoordinatorShard;
  readonly log: GroupRecord[] = [];
  private replyId = 0;
  private ids = 0;
  readonly replies = new Map<number, Reply>();

  constructor(config: Partial<GroupCoordinatorConfig> = {}) {
    this.shard = new GroupCoordinatorShard({ ...CONFIG, ...config }, (prefix) => `${prefix}-${++this.ids}`);
  }

  /** What the runtime does: "append" (to this.log), replay when asked, collect replies, run due deadlines. */
  run<T>(result: CoordinatorResult<T>): T {
    this.log.push(...result.records.map((r) => decodeGroupRecord(encodeGroupRecord(r).key, encodeGroupRecord(r).value)!));
    if (result.replay) for (const r of result.records) this.shard.replay(r, this.clock.now());
    for (const r of result.replies) this.replies.set(r.replyId, r);
    if (this.shard.nextDeadline() <= this.clock.now()) this.run(this.shard.tick(this.clock.now()));
    return result.response;
  }

  advance(ms: number): void {
    this.clock.advance(ms);
    this.run(this.shard.tick(this.clock.now()));
  }

  join(p: Partial<JoinGroupParams> & { memberId?: string }): number {
    const replyId = ++this.replyId;
    this.run(
      this.shard.joinGroup(
        {
          groupId: 'g',
          memberId: '',
          groupInstanceId: null,
          requireKnownMemberId: true,
          supportSkippingAssignment: false,
          clientId: 'client',
          clientHost: '/127.0.0.1',
          rebalanceTimeoutMs: 10_000,
          sessionTimeoutMs: 6000,
          protocolType: 'consumer',
          protocols: [{ name: 'range', metadata: Buffer.from('sub') }],
          ...p,
          replyId,
        },
        this.clock.now(),
      ),
    );
    return replyId;
  }

  joinReply(id: number): JoinGroupOutcome | undefined {
    const r = this.replies.get(id);
    return r !== undefined && 'join' in r ? r.join : undefined;
  }

  syncReply(id: number): SyncGroupOutcome | undefined {
    const r = this.replies.get(id);
    return r !== undefined && 'sync' in r ? r.sync : undefined;
  }

  /** KIP-394: the first JoinGroup gets MEMBER_ID_REQUIRED and an id; the second joins with it. */
  newMember(p: Partial<JoinGroupParams> = {}): { memberId: string; replyId: number } {
    const first = this.joinReply(this.join(p))!;
    assert.equal(first.error, 'MEMBER_ID_REQUIRED');
    return { memberId: first.memberId, replyId: this.join({ ...p, memberId: first.memberId }) };
  }

  sync(memberId: string, generationId: number, assignments: Record<string, string> = {}, extra: { groupInstanceId?: string | null } = {}): number {
    const replyId = ++this.replyId;
    this.run(
      this.shard.syncGroup(
        {
          groupId: 'g',
          generationId,
          memberId,
          groupInstanceId: extra.groupInstanceId ?? null,
          protocolType: 'consumer',
          protocolName: null,
          assignments: Object.entries(assignments).map(([m, a]) => ({ memberId: m, assignment: Buffer.from(a) })),
        ...{ replyId },
        },
        this.clock.now(),
      ),
    );
    return replyId;
  }

  heartbeat(memberId: string, generationId: number, groupInstanceId: string | null = null) {
    return this.run(this.shard.heartbeat({ groupId: 'g', memberId, generationId, groupInstanceId }, this.clock.now()));
  }

  state() {
    return this.shard.groups.get('g')?.state;
  }
}

describe('GroupCoordinatorShard: join, sync, heartbeat', () => {
  it('a first member gets MEMBER_ID_REQUIRED, joins, leads generation 1 and gets its assignment from its SyncGroup', () => {
    const h = new Harness();
    const a = h.newMember();
    const joined = h.joinReply(a.replyId)!;
    assert.equal(joined.error, null);
    assert.equal(joined.generationId, 1);
    assert.equal(joined.leaderId, a.memberId);
    assert.equal(joined.protocolName, 'range');
    assert.deepEqual(joined.members.map((m) => [m.memberId, Buffer.from(m.metadata).toString()]), [[a.memberId, 'sub']]);
    assert.equal(h.state(), 'CompletingRebalance');
    const s = h.sync(a.memberId, 1, { [a.memberId]: 'p0,p1' });
    assert.equal(Buffer.from(h.syncReply(s)!.assignment).toString(), 'p0,p1');
    assert.equal(h.state(), 'Stable');
    const snapshot = h.log.at(-1)!;
    assert.equal(snapshot.kind, 'groupMetadata');
    assert.equal(snapshot.kind === 'groupMetadata' && snapshot.value?.generation, 1);
    assert.equal(h.heartbeat(a.memberId, 1), null);
    assert.equal(h.heartbeat(a.memberId, 0), 'ILLEGAL_GENERATION');
    assert.equal(h.heartbeat('nobody', 1), 'UNKNOWN_MEMBER_ID');
  });

  it('a new member triggers a rebalance: heartbeats say REBALANCE_IN_PROGRESS until everyone rejoined; followers wait for the leader’s SyncGroup', () => {
    const h = new Harness();
    const a = h.newMember();
    h.sync(a.memberId, 1, { [a.memberId]: 'all' });
    const b = h.newMember();
    assert.equal(h.state(), 'PreparingRebalance');
    assert.equal(h.joinReply(b.replyId), undefined, 'the new member waits for the others');
    assert.equal(h.heartbeat(a.memberId, 1), 'REBALANCE_IN_PROGRESS');
    const rejoin = h.join({ memberId: a.memberId });
    const ja = h.joinReply(rejoin)!;
    const jb = h.joinReply(b.replyId)!;
    assert.equal(ja.generationId, 2);
    assert.equal(jb.generationId, 2);
    assert.equal(ja.leaderId, a.memberId);
    assert.equal(ja.members.length, 2, 'the leader gets every member');
    assert.equal(jb.members.length, 0);
    const sb = h.sync(b.memberId, 2);
    assert.equal(h.syncReply(sb), undefined, 'a follower waits for the leader');
    const sa = h.sync(a.memberId, 2, { [a.memberId]: 'x', [b.memberId]: 'y' });
    assert.equal(Buffer.from(h.syncReply(sa)!.assignment).toString(), 'x');
    assert.equal(Buffer.from(h.syncReply(sb)!.assignment).toString(), 'y');
    assert.equal(h.state(), 'Stable');
  });

  it('an expired session removes the member and rebalances the rest; the last member leaving empties the group (generation bumped, snapshot written)', () => {
    const h = new Harness();
    const a = h.newMember();
    const b = h.newMember();
    h.join({ memberId: a.memberId });
    h.sync(a.memberId, 2, { [a.memberId]: 'x', [b.memberId]: 'y' });
    h.sync(b.memberId, 2);
    for (let t = 0; t < 2; t++) {
      h.advance(2000);
      assert.equal(h.heartbeat(a.memberId, 2), null);
    }
    h.advance(2500);
    assert.equal(h.state(), 'PreparingRebalance', 'b has not heartbeaten for 6.5 s (session 6 s)');
    assert.equal(h.heartbeat(a.memberId, 2), 'REBALANCE_IN_PROGRESS');
    assert.equal(h.shard.groups.get('g')!.has(b.memberId), false);
    const r = h.join({ memberId: a.memberId });
    assert.equal(h.joinReply(r)!.generationId, 3);
    h.sync(a.memberId, 3, { [a.memberId]: 'xy' });
    const leave = h.run(h.shard.leaveGroup({ groupId: 'g', members: [{ memberId: a.memberId, groupInstanceId: null }] }, h.clock.now()));
    assert.deepEqual(leave.members.map((m) => m.error), [null]);
    assert.equal(h.state(), 'Empty');
    assert.equal(h.shard.groups.get('g')!.generationId, 4);
    const last = h.log.at(-1)!;
    assert.ok(last.kind === 'groupMetadata' && last.value !== null && last.value.members.length === 0 && last.value.generation === 4);
  });

  it('members that do not rejoin within the rebalance timeout are removed', () => {
    const h = new Harness();
    const a = h.newMember();
    const b = h.newMember();
    h.join({ memberId: a.memberId });
    h.sync(a.memberId, 2, {});
    h.sync(b.memberId, 2);
    // a rejoins (the leader forces a rebalance); b never does.
    const r = h.join({ memberId: a.memberId, rebalanceTimeoutMs: 3000 });
    h.heartbeat(b.memberId, 2);
    h.advance(2000);
    assert.equal(h.joinReply(r), undefined);
    h.advance(8500);
    const joined = h.joinReply(r)!;
    assert.equal(joined.generationId, 3);
    assert.deepEqual(joined.members.map((m) => m.memberId), [a.memberId]);
  });

  it('protocol type, protocols, session timeout, group id and size are checked', () => {
    const h = new Harness({ groupMaxSize: 2 });
    assert.equal(h.joinReply(h.join({ sessionTimeoutMs: 500 }))!.error, 'INVALID_SESSION_TIMEOUT');
    assert.equal(h.joinReply(h.join({ groupId: '' }))!.error, 'INVALID_GROUP_ID');
    assert.equal(h.joinReply(h.join({ memberId: 'ghost' }))!.error, 'UNKNOWN_MEMBER_ID');
    const a = h.newMember();
    h.sync(a.memberId, 1, {});
    assert.equal(h.joinReply(h.join({ protocolType: 'connect', requireKnownMemberId: false }))!.error, 'INCONSISTENT_GROUP_PROTOCOL');
    assert.equal(h.joinReply(h.join({ protocols: [{ name: 'roundrobin', metadata: Buffer.alloc(0) }], requireKnownMemberId: false }))!.error, 'INCONSISTENT_GROUP_PROTOCOL');
    assert.equal(h.state(), 'Stable');
    const small = new Harness({ groupMaxSize: 1 });
    const only = small.newMember();
    small.sync(only.memberId, 1, {});
    assert.equal(small.joinReply(small.join({ requireKnownMemberId: false }))!.error, 'GROUP_MAX_SIZE_REACHED');
    assert.equal(small.state(), 'Stable');
  });

  it('chooses the protocol every member supports, by the members’ preferences', () => {
    const h = new Harness();
    const p = (...names: string[]) => names.map((name) => ({ name, metadata: Buffer.from(name) }));
    const a = h.newMember({ protocols: p('range', 'roundrobin') });
    const b = h.newMember({ protocols: p('roundrobin', 'range') });
    const c = h.newMember({ protocols: p('roundrobin', 'sticky', 'range') });
    assert.equal(h.joinReply(h.join({ memberId: a.memberId, protocols: p('range', 'roundrobin') }))!.protocolName, 'roundrobin');
    const jc = h.joinReply(c.replyId)!;
    assert.equal(jc.protocolName, 'roundrobin');
    assert.equal(h.joinReply(b.replyId)!.protocolName, 'roundrobin');
  });

  it('works for any protocol type (connect) and relays the bytes untouched', () => {
    const h = new Harness();
    const meta = Buffer.from([0, 1, 2, 255, 254]);
    const a = h.newMember({ protocolType: 'connect', protocols: [{ name: 'sessioned', metadata: meta }] });
    const j = h.joinReply(a.replyId)!;
    assert.equal(j.protocolType, 'connect');
    assert.deepEqual(Buffer.from(j.members[0]!.metadata), meta);
  });

  it('static membership: a restarted member with the same group.instance.id rejoins a stable group without a rebalance and keeps its assignment; the old member id is fenced', () => {
    const h = new Harness();
    const a = h.joinReply(h.join({ groupInstanceId: 'instance-a' }))!;
    assert.equal(a.error, null, 'static members need no MEMBER_ID_REQUIRED round');
    const b = h.newMember();
    const ra = h.join({ memberId: a.memberId, groupInstanceId: 'instance-a' });
    const gen = h.joinReply(ra)!.generationId;
    h.sync(a.memberId, gen, { [a.memberId]: 'A', [b.memberId]: 'B' }, { groupInstanceId: 'instance-a' });
    h.sync(b.memberId, gen);
    assert.equal(h.state(), 'Stable');
    // The process restarts: it has lost its member id.
    const restarted = h.joinReply(h.join({ groupInstanceId: 'instance-a' }))!;
    assert.equal(restarted.error, null);
    assert.notEqual(restarted.memberId, a.memberId);
    assert.equal(restarted.generationId, gen, 'same generation: no rebalance');
    assert.equal(h.state(), 'Stable');
    assert.equal(h.heartbeat(b.memberId, gen), null, 'the other member is not told to rejoin');
    const s = h.sync(restarted.memberId, gen, {}, { groupInstanceId: 'instance-a' });
    assert.equal(Buffer.from(h.syncReply(s)!.assignment).toString(), 'A');
    assert.equal(h.heartbeat(a.memberId, gen, 'instance-a'), 'FENCED_INSTANCE_ID');
    const last = h.log.at(-1)!;
    assert.ok(last.kind === 'groupMetadata' && last.value!.members.some((m) => m.memberId === restarted.memberId && m.groupInstanceId === 'instance-a'));
  });
});

describe('GroupCoordinatorShard: offsets, deletion, expiry, replay', () => {
  function commit(h: Harness, p: { memberId?: string; generationId?: number; offset?: bigint; partition?: number; retentionTimeMs?: number; group?: string }) {
    return h.run(
      h.shard.commitOffsets(
        {
          groupId: p.group ?? 'g',
          memberId: p.memberId ?? '',
          groupInstanceId: null,
          generationId: p.generationId ?? -1,
          retentionTimeMs: p.retentionTimeMs ?? -1,
          offsets: [{ topic: 't', partition: p.partition ?? 0, offset: p.offset ?? 5n, leaderEpoch: -1, metadata: 'm', commitTimestamp: -1 }],
        },
        h.clock.now(),
      ),
    ).errors.get(tpKey('t', p.partition ?? 0));
  }

  it('simple commits (generation -1) are accepted for unknown and empty groups; a non-empty group needs a member with the right generation', () => {
    const h = new Harness();
    assert.equal(commit(h, { offset: 7n }), null);
    assert.deepEqual(h.shard.fetchOffsets('g', [{ topic: 't', partition: 0 }, { topic: 't', partition: 1 }]).map((o) => [o.offset, o.metadata]), [[7n, 'm'], [-1n, '']]);
    assert.equal(commit(h, { group: 'other', generationId: 3, memberId: 'x' }), 'ILLEGAL_GENERATION');
    const a = h.newMember();
    assert.equal(commit(h, { memberId: a.memberId, generationId: 1 }), 'REBALANCE_IN_PROGRESS');
    h.sync(a.memberId, 1, {});
    assert.equal(commit(h, {}), 'UNKNOWN_MEMBER_ID');
    assert.equal(commit(h, { memberId: a.memberId, generationId: 0 }), 'ILLEGAL_GENERATION');
    assert.equal(commit(h, { memberId: a.memberId, generationId: 1, offset: 9n }), null);
    assert.equal(h.shard.fetchOffsets('g', null)[0]!.offset, 9n);
  });

  it('DeleteGroups refuses non-empty and unknown groups, tombstones an empty group and its offsets', () => {
    const h = new Harness();
    const a = h.newMember();
    h.sync(a.memberId, 1, {});
    commit(h, { memberId: a.memberId, generationId: 1 });
    assert.equal(h.run(h.shard.deleteGroups(['g', 'missing'])).get('g'), 'NON_EMPTY_GROUP');
    assert.equal(h.run(h.shard.deleteGroups(['missing'])).get('missing'), 'GROUP_ID_NOT_FOUND');
    h.run(h.shard.leaveGroup({ groupId: 'g', members: [{ memberId: a.memberId, groupInstanceId: null }] }, h.clock.now()));
    const before = h.log.length;
    assert.equal(h.run(h.shard.deleteGroups(['g'])).get('g'), null);
    const tombstones = h.log.slice(before);
    assert.deepEqual(tombstones.map((r) => [r.kind, r.value]), [['offsetCommit', null], ['groupMetadata', null]]);
    assert.equal(h.shard.groups.has('g'), false);
    assert.equal(h.shard.fetchOffsets('g', null).length, 0);
    assert.equal(h.run(h.shard.deleteOffsets('g', [{ topic: 't', partition: 0 }])).error, 'GROUP_ID_NOT_FOUND');
  });

  it('OffsetDelete on a live consumer group removes only offsets of topics it does not subscribe to', () => {
    const h = new Harness();
    const w = new ProtocolWriter(64);
    w.int16(0);
    encodeConsumerProtocolSubscription(w, { topics: ['t'], userData: null }, 0);
    const a = h.newMember({ protocols: [{ name: 'range', metadata: w.toBytes() }] });
    h.sync(a.memberId, 1, {});
    commit(h, { memberId: a.memberId, generationId: 1 });
    h.run(h.shard.commitOffsets({ groupId: 'g', memberId: a.memberId, groupInstanceId: null, generationId: 1, retentionTimeMs: -1, offsets: [{ topic: 'old', partition: 0, offset: 3n, leaderEpoch: -1, metadata: null, commitTimestamp: -1 }] }, h.clock.now()));
    const out = h.run(h.shard.deleteOffsets('g', [{ topic: 't', partition: 0 }, { topic: 'old', partition: 0 }]));
    assert.equal(out.error, null);
    assert.equal(out.partitions.get(tpKey('t', 0)), 'GROUP_SUBSCRIBED_TO_TOPIC');
    assert.equal(out.partitions.get(tpKey('old', 0)), null);
    assert.deepEqual(h.shard.fetchOffsets('g', null).map((o) => o.topic), ['t']);
  });

  it('offsets of an empty group expire after the retention, then the group is deleted', () => {
    const h = new Harness();
    const a = h.newMember();
    h.sync(a.memberId, 1, {});
    commit(h, { memberId: a.memberId, generationId: 1 });
    h.advance(120_000);
    // A stable group keeps its offsets (its subscription bytes are not a consumer-protocol subscription,
    // so it is not known which topics it no longer consumes).
    assert.equal(h.run(h.shard.expireOffsets(h.clock.now())), 0);
    h.run(h.shard.leaveGroup({ groupId: 'g', members: [{ memberId: a.memberId, groupInstanceId: null }] }, h.clock.now()));
    h.advance(30_000);
    assert.equal(h.run(h.shard.expireOffsets(h.clock.now())), 0);
    h.advance(30_000);
    assert.equal(h.run(h.shard.expireOffsets(h.clock.now())), 1);
    assert.equal(h.shard.groups.has('g'), false);
    // An explicit retention (OffsetCommit v2-v4) uses its own expire timestamp.
    commit(h, { group: 'simple', retentionTimeMs: 1000 });
    h.advance(1000);
    assert.equal(h.run(h.shard.expireOffsets(h.clock.now())), 1);
  });

  it('replaying the appended records rebuilds groups, members, assignments and offsets; loaded members must heartbeat in time', () => {
    const h = new Harness();
    const a = h.newMember();
    h.sync(a.memberId, 1, { [a.memberId]: 'assigned' });
    commit(h, { memberId: a.memberId, generationId: 1, offset: 42n });
    commit(h, { group: 'gone', offset: 1n });
    h.run(h.shard.deleteGroups(['gone']));
    const loaded = new GroupCoordinatorShard(CONFIG);
    for (const r of h.log) loaded.replay(r, h.clock.now());
    loaded.onLoaded(h.clock.now());
    const g = loaded.groups.get('g')!;
    assert.equal(g.state, 'Stable');
    assert.equal(g.generationId, 1);
    assert.equal(g.leaderId, a.memberId);
    assert.equal(Buffer.from(g.members.get(a.memberId)!.assignment).toString(), 'assigned');
    assert.equal(loaded.fetchOffsets('g', null)[0]!.offset, 42n);
    assert.equal(loaded.groups.has('gone'), false);
    assert.equal(loaded.heartbeat({ groupId: 'g', memberId: a.memberId, generationId: 1, groupInstanceId: null }, h.clock.now()).response, null);
    const t = loaded.tick(h.clock.now() + 7000);
    void t;
    assert.equal(g.state, 'Empty', 'no heartbeat within the session timeout after loading');
  });
});

describe('partitionForGroup', () => {
  it('is Kafka’s Utils.abs(groupId.hashCode) % n over UTF-16 code units', () => {
    assert.equal(javaStringHashCode(''), 0);
    assert.equal(javaStringHashCode('hello'), 99162322);
    assert.equal(javaStringHashCode('\u{1F600}'), 0xd83d * 31 + 0xde00);
    // Integer.MIN_VALUE: Utils.abs gives 0 (a mask would give 0).
    assert.equal(javaStringHashCode('polygenelubricants'), -2147483648);
    assert.equal(partitionForGroup('polygenelubricants', 50), 0);
    // A negative hash: abs, not a mask (-1 → 1, where & 0x7fffffff would give 2147483647).
    // Cross-checked against Σ c_i·31^(n-1-i) mod 2^32 computed with BigInt.
    for (const id of ['console-consumer-12345', 'connect-cluster', 'grüße', 'my-group', 'consumer-group']) {
      let sum = 0n;
      for (let i = 0; i < id.length; i++) sum += BigInt(id.charCodeAt(i)) * 31n ** BigInt(id.length - 1 - i);
      const signed = Number(BigInt.asIntN(32, sum));
      assert.equal(javaStringHashCode(id), signed);
      assert.equal(partitionForGroup(id, 50), signed === -2147483648 ? 0 : Math.abs(signed) % 50);
    }
    assert.ok(['my-group', 'consumer-group'].some((id) => javaStringHashCode(id) < 0), 'a negative hash is covered');
    assert.equal(partitionForGroup('hello', 50), 99162322 % 50);
  });
});
