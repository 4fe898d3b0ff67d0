import { Buffer } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import { decodeConsumerProtocolSubscription } from '../../protocol/generated/consumer-protocol-subscription.js';
import type { GroupMetadataValue } from '../../protocol/generated/internal/group-metadata-value.js';
import { ProtocolReader } from '../../protocol/primitives/protocol-reader.js';
import { ClassicGroup } from './classic-group.js';
import type { ClassicGroupMember, ClassicGroupState, MemberProtocol } from './classic-group.js';
import type { CommittedOffset, GroupRecord } from './group-records.js';

/** The failures of group operations, by Kafka's error names (the handlers turn them into codes). */
export type GroupError =
  | 'COORDINATOR_NOT_AVAILABLE'
  | 'COORDINATOR_LOAD_IN_PROGRESS'
  | 'NOT_COORDINATOR'
  | 'INVALID_GROUP_ID'
  | 'INVALID_SESSION_TIMEOUT'
  | 'UNKNOWN_MEMBER_ID'
  | 'MEMBER_ID_REQUIRED'
  | 'FENCED_INSTANCE_ID'
  | 'ILLEGAL_GENERATION'
  | 'REBALANCE_IN_PROGRESS'
  | 'INCONSISTENT_GROUP_PROTOCOL'
  | 'GROUP_MAX_SIZE_REACHED'
  | 'GROUP_ID_NOT_FOUND'
  | 'NON_EMPTY_GROUP'
  | 'GROUP_SUBSCRIBED_TO_TOPIC'
  | 'OFFSET_METADATA_TOO_LARGE'
  | 'INVALID_COMMIT_OFFSET_SIZE'
  | 'UNKNOWN_TOPIC_OR_PARTITION'
  | 'UNKNOWN_SERVER_ERROR'
  | 'INVALID_REQUEST';

export interface GroupCoordinatorConfig {
  groupMinSessionTimeoutMs: number;
  groupMaxSessionTimeoutMs: number;
  groupInitialRebalanceDelayMs: number;
  groupMaxSize: number;
  offsetsRetentionMs: number;
  /** Kafka's offset.metadata.max.bytes (default 4096). */
  offsetMetadataMaxBytes: number;
}

/** Kafka's GroupCoordinator.NewMemberJoinTimeoutMs: a new member's JoinGroup is dropped after 5 minutes. */
export const NEW_MEMBER_JOIN_TIMEOUT_MS = 5 * 60 * 1000;

export interface JoinGroupParams {
  groupId: string;
  /** '' when unknown. */
  memberId: string;
  groupInstanceId: string | null;
  /** JoinGroup v4+: a new dynamic member first gets MEMBER_ID_REQUIRED with its id (KIP-394). */
  requireKnownMemberId: boolean;
  /** JoinGroup v9+ (KIP-814). */
  supportSkippingAssignment: boolean;
  clientId: string;
  clientHost: string;
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
  protocolType: string;
  protocols: MemberProtocol[];
  /** Where the response goes (the runtime's id for this request). */
  replyId: number;
}

export interface JoinGroupMemberInfo {
  memberId: string;
  groupInstanceId: string | null;
  metadata: Uint8Array;
}

export interface JoinGroupOutcome {
  error: GroupError | null;
  memberId: string;
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  leaderId: string;
  skipAssignment: boolean;
  members: JoinGroupMemberInfo[];
}

export interface SyncGroupParams {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  /** SyncGroup v5+; null when not given. */
  protocolType: string | null;
  protocolName: string | null;
  assignments: { memberId: string; assignment: Uint8Array }[];
  replyId: number;
}

export interface SyncGroupOutcome {
  error: GroupError | null;
  protocolType: string | null;
  protocolName: string | null;
  assignment: Uint8Array;
}

export type Reply = { replyId: number; join: JoinGroupOutcome } | { replyId: number; sync: SyncGroupOutcome };

/**
 * What an operation produced: records to append to the shard's __consumer_offsets partition, the
 * response (sent only once the records are appended), and replies to waiting JoinGroup/SyncGroup
 * requests that the operation completed. `replay`: apply the records to this state machine once
 * appended (offset commits, tombstones); group snapshots are already reflected in memory, as in
 * Kafka. `onAppendFailure` gives the outcome to use instead when the append fails.
 */
export interface CoordinatorResult<T> {
  records: GroupRecord[];
  replay: boolean;
  response: T;
  replies: Reply[];
  onAppendFailure?: (error: GroupError) => CoordinatorResult<T>;
}

export interface HeartbeatParams {
  groupId: string;
  memberId: string;
  groupInstanceId: string | null;
  generationId: number;
}

export interface LeaveGroupParams {
  groupId: string;
  members: { memberId: string; groupInstanceId: string | null }[];
}

export interface LeaveGroupOutcome {
  error: GroupError | null;
  members: { memberId: string; groupInstanceId: string | null; error: GroupError | null }[];
}

export interface OffsetCommitParams {
  groupId: string;
  memberId: string;
  groupInstanceId: string | null;
  /** -1: a commit from outside group management. */
  generationId: number;
  /** -1: the broker's offsets.retention.minutes (no expire timestamp). */
  retentionTimeMs: number;
  offsets: { topic: string; partition: number; offset: bigint; leaderEpoch: number; metadata: string | null; commitTimestamp: number }[];
}

export interface PartitionErrors {
  /** `topic\0partition` → error (null = NONE). */
  errors: Map<string, GroupError | null>;
}

export interface FetchedOffset {
  topic: string;
  partition: number;
  offset: bigint;
  leaderEpoch: number;
  metadata: string;
  error: GroupError | 'UNSTABLE_OFFSET_COMMIT' | null;
}

export interface GroupDescription {
  groupId: string;
  state: ClassicGroupState;
  protocolType: string;
  protocolName: string;
  members: { memberId: string; groupInstanceId: string | null; clientId: string; clientHost: string; metadata: Uint8Array; assignment: Uint8Array }[];
}

export interface GroupOverview {
  groupId: string;
  protocolType: string;
  state: ClassicGroupState;
}

const EMPTY = new Uint8Array(0);

export function tpKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

function copy(bytes: Uint8Array): Uint8Array {
  return Uint8Array.prototype.slice.call(bytes);
}

/** Accumulates what an operation produces. */
class Effects {
  readonly records: GroupRecord[] = [];
  readonly replies: Reply[] = [];
  /** Set by a JoinGroup that persists a static member's new id without a rebalance. */
  joinAppendFailure: ((error: GroupError) => CoordinatorResult<void>) | null = null;

  result<T>(response: T, replay = false): CoordinatorResult<T> {
    const r: CoordinatorResult<T> = { records: this.records, replay, response, replies: this.replies };
    if (this.joinAppendFailure !== null) (r as CoordinatorResult<unknown>).onAppendFailure = this.joinAppendFailure as (error: GroupError) => CoordinatorResult<unknown>;
    return r;
  }
}

function joinError(memberId: string, error: GroupError): JoinGroupOutcome {
  return { error, memberId, generationId: -1, protocolType: null, protocolName: null, leaderId: '', skipAssignment: false, members: [] };
}

function syncError(error: GroupError): SyncGroupOutcome {
  return { error, protocolType: null, protocolName: null, assignment: EMPTY };
}

/**
 * The group coordinator of one __consumer_offsets partition as a state machine (Kafka's
 * GroupCoordinator + GroupMetadataManager for classic groups): each operation takes the request
 * and the time and returns records to append plus responses; `replay(record)` rebuilds the state
 * from the partition's log; `tick(now)` runs what falls due (session expiry, rebalance and
 * initial-delay timeouts, pending-sync expiry). No I/O, no timers: the runtime
 * (GroupCoordinator) appends, answers and calls `tick`.
 */
export class GroupCoordinatorShard {
  readonly groups = new Map<string, ClassicGroup>();
  /** group id → `topic\0partition` → committed offset. */
  readonly offsets = new Map<string, Map<string, { topic: string; partition: number; value: CommittedOffset }>>();

  constructor(
    readonly config: GroupCoordinatorConfig,
    private readonly newMemberId: (prefix: string) => string = (prefix) => `${prefix}-${randomUUID()}`,
  ) {}

  // ---------------------------------------------------------------- replay (loading)

  /** Applies one record of the partition's log (loading, and offsets/tombstones once appended). */
  replay(record: GroupRecord, now: number): void {
    if (record.kind === 'offsetCommit') {
      if (record.value === null) {
        const m = this.offsets.get(record.group);
        m?.delete(tpKey(record.topic, record.partition));
        if (m !== undefined && m.size === 0) {
          this.offsets.delete(record.group);
          const g = this.groups.get(record.group);
          if (g !== undefined && (g.is('Dead') || (g.is('Empty') && g.protocolType === null && g.generationId === 0))) this.groups.delete(record.group);
        }
        return;
      }
      let m = this.offsets.get(record.group);
      if (m === undefined) this.offsets.set(record.group, (m = new Map()));
      m.set(tpKey(record.topic, record.partition), { topic: record.topic, partition: record.partition, value: record.value });
      if (!this.groups.has(record.group)) this.groups.set(record.group, new ClassicGroup(record.group, 'Empty', now));
      return;
    }
    if (record.value === null) {
      this.groups.delete(record.group);
      return;
    }
    this.groups.set(record.group, this.groupFromRecord(record.group, record.value, now));
  }

  private groupFromRecord(groupId: string, v: GroupMetadataValue, now: number): ClassicGroup {
    const ts = v.currentStateTimestamp !== undefined && v.currentStateTimestamp >= 0n ? Number(v.currentStateTimestamp) : now;
    const group = new ClassicGroup(groupId, v.members.length === 0 ? 'Empty' : 'Stable', ts);
    group.generationId = v.generation;
    group.protocolType = v.protocolType === '' ? null : v.protocolType;
    group.protocolName = v.protocol === '' ? null : v.protocol;
    for (const m of v.members) {
      group.add({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId ?? null,
        clientId: m.clientId,
        clientHost: m.clientHost,
        rebalanceTimeoutMs: m.rebalanceTimeout !== undefined && m.rebalanceTimeout >= 0 ? m.rebalanceTimeout : m.sessionTimeout,
        sessionTimeoutMs: m.sessionTimeout,
        protocolType: v.protocolType,
        protocols: [{ name: v.protocol ?? '', metadata: copy(m.subscription) }],
        assignment: copy(m.assignment),
        awaitingJoin: null,
        awaitingSync: null,
        isNew: false,
        heartbeatDeadline: Infinity,
        supportsSkipAssignment: false,
      });
    }
    group.protocolType = v.protocolType === '' ? null : v.protocolType;
    group.leaderId = v.leader !== null && v.leader !== '' && group.has(v.leader) ? v.leader : group.leaderId;
    group.subscribedTopics = this.computeSubscribedTopics(group);
    return group;
  }

  /** After the log is replayed: members of loaded groups must heartbeat within their session timeout. */
  onLoaded(now: number): CoordinatorResult<void> {
    const fx = new Effects();
    for (const group of this.groups.values()) {
      for (const m of group.members.values()) m.heartbeatDeadline = now + m.sessionTimeoutMs;
      if (group.members.size > this.config.groupMaxSize) this.prepareRebalance(group, fx, now);
    }
    return fx.result(undefined);
  }

  // ---------------------------------------------------------------- JoinGroup

  joinGroup(p: JoinGroupParams, now: number): CoordinatorResult<void> {
    const fx = new Effects();
    const reply = (o: JoinGroupOutcome): CoordinatorResult<void> => {
      fx.replies.push({ replyId: p.replyId, join: o });
      return fx.result(undefined);
    };
    if (p.groupId === '') return reply(joinError(p.memberId, 'INVALID_GROUP_ID'));
    if (p.sessionTimeoutMs < this.config.groupMinSessionTimeoutMs || p.sessionTimeoutMs > this.config.groupMaxSessionTimeoutMs) {
      return reply(joinError(p.memberId, 'INVALID_SESSION_TIMEOUT'));
    }
    const isUnknown = p.memberId === '';
    let group = this.groups.get(p.groupId);
    if (group === undefined || group.is('Dead')) {
      if (!isUnknown) return reply(joinError(p.memberId, 'UNKNOWN_MEMBER_ID'));
      if (group === undefined) {
        group = new ClassicGroup(p.groupId, 'Empty', now);
        this.groups.set(p.groupId, group);
      }
    }
    if (!this.acceptJoiningMember(group, p.memberId)) {
      group.pendingMembers.delete(p.memberId);
      const m = group.members.get(p.memberId);
      if (m !== undefined) this.dropMember(group, m, fx, 'GROUP_MAX_SIZE_REACHED');
      fx.replies.push({ replyId: p.replyId, join: joinError('', 'GROUP_MAX_SIZE_REACHED') });
      if (group.is('PreparingRebalance')) this.maybeCompleteJoin(group, fx, now);
      return fx.result(undefined);
    }
    if (isUnknown) this.newMemberJoin(group, p, fx, now);
    else this.currentMemberJoin(group, p, fx, now);
    if (group.is('PreparingRebalance')) this.maybeCompleteJoin(group, fx, now);
    return fx.result(undefined);
  }

  private acceptJoiningMember(group: ClassicGroup, memberId: string): boolean {
    switch (group.state) {
      case 'Empty':
      case 'Dead':
        return true;
      case 'PreparingRebalance':
        return (group.members.get(memberId)?.awaitingJoin ?? null) !== null || group.numAwaitingJoin() < this.config.groupMaxSize;
      case 'CompletingRebalance':
      case 'Stable':
        return group.has(memberId) || group.members.size < this.config.groupMaxSize;
    }
  }

  private newMemberJoin(group: ClassicGroup, p: JoinGroupParams, fx: Effects, now: number): void {
    if (group.is('Dead')) {
      fx.replies.push({ replyId: p.replyId, join: joinError('', 'COORDINATOR_NOT_AVAILABLE') });
      return;
    }
    if (!group.supportsProtocols(p.protocolType, p.protocols.map((x) => x.name))) {
      fx.replies.push({ replyId: p.replyId, join: joinError('', 'INCONSISTENT_GROUP_PROTOCOL') });
      return;
    }
    const newMemberId = this.newMemberId(p.groupInstanceId ?? p.clientId);
    if (p.groupInstanceId !== null) {
      const oldMemberId = group.staticMemberId(p.groupInstanceId);
      if (oldMemberId !== undefined) this.updateStaticMemberAndRebalance(group, oldMemberId, newMemberId, p, fx, now);
      else this.addMemberAndRebalance(group, newMemberId, p, fx, now);
      return;
    }
    if (p.requireKnownMemberId) {
      group.pendingMembers.set(newMemberId, now + p.sessionTimeoutMs);
      fx.replies.push({ replyId: p.replyId, join: joinError(newMemberId, 'MEMBER_ID_REQUIRED') });
      return;
    }
    this.addMemberAndRebalance(group, newMemberId, p, fx, now);
  }

  private currentMemberJoin(group: ClassicGroup, p: JoinGroupParams, fx: Effects, now: number): void {
    const reply = (o: JoinGroupOutcome): void => void fx.replies.push({ replyId: p.replyId, join: o });
    if (group.is('Dead')) return reply(joinError(p.memberId, 'COORDINATOR_NOT_AVAILABLE'));
    if (!group.supportsProtocols(p.protocolType, p.protocols.map((x) => x.name))) return reply(joinError(p.memberId, 'INCONSISTENT_GROUP_PROTOCOL'));
    if (group.isPendingMember(p.memberId)) {
      if (p.groupInstanceId !== null) return reply(joinError(p.memberId, 'INVALID_REQUEST'));
      group.pendingMembers.delete(p.memberId);
      this.addMemberAndRebalance(group, p.memberId, p, fx, now);
      return;
    }
    const memberError = this.validateCurrentMember(group, p.memberId, p.groupInstanceId);
    if (memberError !== null) return reply(joinError(p.memberId, memberError));
    const member = group.members.get(p.memberId)!;
    const current = (members: JoinGroupMemberInfo[]): JoinGroupOutcome => ({
      error: null,
      memberId: p.memberId,
      generationId: group.generationId,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      leaderId: group.leaderId ?? '',
      skipAssignment: false,
      members,
    });
    switch (group.state) {
      case 'PreparingRebalance':
        this.updateMember(member, p, p.replyId, fx);
        this.maybePrepareRebalance(group, fx, now);
        return;
      case 'CompletingRebalance':
        if (ClassicGroup.sameProtocols(member, p.protocols)) {
          return reply(current(group.isLeader(p.memberId) ? this.currentMemberMetadata(group) : []));
        }
        this.updateMember(member, p, p.replyId, fx);
        this.maybePrepareRebalance(group, fx, now);
        return;
      case 'Stable':
        if (group.isLeader(p.memberId) || !ClassicGroup.sameProtocols(member, p.protocols)) {
          this.updateMember(member, p, p.replyId, fx);
          this.maybePrepareRebalance(group, fx, now);
          return;
        }
        return reply(current([]));
      case 'Empty':
      case 'Dead':
        return reply(joinError(p.memberId, 'UNKNOWN_MEMBER_ID'));
    }
  }

  private addMemberAndRebalance(group: ClassicGroup, memberId: string, p: JoinGroupParams, fx: Effects, now: number): void {
    const member: ClassicGroupMember = {
      memberId,
      groupInstanceId: p.groupInstanceId,
      clientId: p.clientId,
      clientHost: p.clientHost,
      rebalanceTimeoutMs: p.rebalanceTimeoutMs,
      sessionTimeoutMs: p.sessionTimeoutMs,
      protocolType: p.protocolType,
      protocols: p.protocols.map((x) => ({ name: x.name, metadata: copy(x.metadata) })),
      assignment: EMPTY,
      awaitingJoin: p.replyId,
      awaitingSync: null,
      isNew: true,
      heartbeatDeadline: now + NEW_MEMBER_JOIN_TIMEOUT_MS,
      supportsSkipAssignment: p.supportSkippingAssignment,
    };
    if (group.is('PreparingRebalance') && group.generationId === 0) group.newMemberAdded = true;
    group.add(member);
    this.maybePrepareRebalance(group, fx, now);
  }

  private updateMember(member: ClassicGroupMember, p: JoinGroupParams, replyId: number | null, fx: Effects): void {
    member.protocols = p.protocols.map((x) => ({ name: x.name, metadata: copy(x.metadata) }));
    member.rebalanceTimeoutMs = p.rebalanceTimeoutMs;
    member.sessionTimeoutMs = p.sessionTimeoutMs;
    member.supportsSkipAssignment = p.supportSkippingAssignment;
    // A JoinGroup still waiting for this member (its client gave up and retried) is answered so it
    // does not wait forever; the client has already moved on to the new request.
    if (member.awaitingJoin !== null && replyId !== null && member.awaitingJoin !== replyId) {
      fx.replies.push({ replyId: member.awaitingJoin, join: joinError(member.memberId, 'REBALANCE_IN_PROGRESS') });
    }
    member.awaitingJoin = replyId;
  }

  private updateStaticMemberAndRebalance(group: ClassicGroup, oldMemberId: string, newMemberId: string, p: JoinGroupParams, fx: Effects, now: number): void {
    const currentLeader = group.leaderId;
    const member = group.members.get(oldMemberId)!;
    // Fence whoever still waits under the old member id.
    if (member.awaitingJoin !== null) fx.replies.push({ replyId: member.awaitingJoin, join: joinError(oldMemberId, 'FENCED_INSTANCE_ID') });
    if (member.awaitingSync !== null) fx.replies.push({ replyId: member.awaitingSync, sync: syncError('FENCED_INSTANCE_ID') });
    member.awaitingJoin = null;
    member.awaitingSync = null;
    const oldProtocols = member.protocols;
    const oldTimeouts = { rebalance: member.rebalanceTimeoutMs, session: member.sessionTimeoutMs };
    this.replaceMemberId(group, member, oldMemberId, newMemberId);
    member.heartbeatDeadline = now + member.sessionTimeoutMs;
    this.updateMember(member, p, p.replyId, fx);
    switch (group.state) {
      case 'Stable': {
        if (group.protocolName === group.selectProtocol()) {
          // Same protocol: no rebalance; persist the new member id and answer with the current generation.
          fx.records.push(this.groupMetadataRecord(group, null));
          const isLeader = group.isLeader(newMemberId);
          const skip = p.supportSkippingAssignment && isLeader;
          member.awaitingJoin = null;
          const ok: JoinGroupOutcome = {
            error: null,
            memberId: newMemberId,
            generationId: group.generationId,
            protocolType: group.protocolType,
            protocolName: group.protocolName,
            // Before v9 the old leader id is returned so that a restarted static leader does not run an assignment the stable group would ignore.
            leaderId: p.supportSkippingAssignment ? group.leaderId ?? '' : currentLeader ?? '',
            skipAssignment: skip,
            members: skip ? this.currentMemberMetadata(group) : [],
          };
          fx.replies.push({ replyId: p.replyId, join: ok });
          fx.joinAppendFailure = (error) => {
            member.protocols = oldProtocols;
            member.rebalanceTimeoutMs = oldTimeouts.rebalance;
            member.sessionTimeoutMs = oldTimeouts.session;
            this.replaceMemberId(group, member, newMemberId, oldMemberId);
            member.heartbeatDeadline = now + member.sessionTimeoutMs;
            const failed = joinError('', error);
            return { records: [], replay: false, response: undefined, replies: [...fx.replies.filter((r) => r.replyId !== p.replyId), { replyId: p.replyId, join: { ...failed, generationId: group.generationId, protocolType: group.protocolType, protocolName: group.protocolName, leaderId: currentLeader ?? '' } }] };
          };
        } else {
          this.maybePrepareRebalance(group, fx, now);
        }
        return;
      }
      case 'CompletingRebalance':
        this.prepareRebalance(group, fx, now);
        return;
      case 'PreparingRebalance':
      case 'Empty':
      case 'Dead':
        return;
    }
  }

  private replaceMemberId(group: ClassicGroup, member: ClassicGroupMember, from: string, to: string): void {
    group.members.delete(from);
    member.memberId = to;
    group.members.set(to, member);
    if (group.leaderId === from) group.leaderId = to;
    if (member.groupInstanceId !== null) group.staticMembers.set(member.groupInstanceId, to);
    if (group.pendingSyncMembers.delete(from)) group.pendingSyncMembers.add(to);
  }

  private currentMemberMetadata(group: ClassicGroup): JoinGroupMemberInfo[] {
    return [...group.members.values()].map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: ClassicGroup.metadataFor(m, group.protocolName) }));
  }

  private validateCurrentMember(group: ClassicGroup, memberId: string, groupInstanceId: string | null): GroupError | null {
    if (groupInstanceId !== null) {
      const current = group.staticMemberId(groupInstanceId);
      if (current === undefined) return 'UNKNOWN_MEMBER_ID';
      if (current !== memberId) return 'FENCED_INSTANCE_ID';
      return null;
    }
    return group.has(memberId) ? null : 'UNKNOWN_MEMBER_ID';
  }

  // ---------------------------------------------------------------- rebalance

  private maybePrepareRebalance(group: ClassicGroup, fx: Effects, now: number): void {
    if (group.canRebalance()) this.prepareRebalance(group, fx, now);
  }

  private prepareRebalance(group: ClassicGroup, fx: Effects, now: number): void {
    if (group.is('CompletingRebalance')) this.resetAndPropagateAssignmentError(group, 'REBALANCE_IN_PROGRESS', fx, now);
    group.syncDeadline = Infinity;
    if (group.is('Empty')) {
      const delay = this.config.groupInitialRebalanceDelayMs;
      group.initialDelay = { deadline: now + delay, remainingMs: Math.max(group.rebalanceTimeoutMs() - delay, 0) };
      group.rebalanceDeadline = Infinity;
    } else {
      group.initialDelay = null;
      group.rebalanceDeadline = now + group.rebalanceTimeoutMs();
    }
    group.transitionTo('PreparingRebalance', now);
  }

  /** Completes the join phase once every member has rejoined (not during the initial delay). */
  private maybeCompleteJoin(group: ClassicGroup, fx: Effects, now: number): void {
    if (group.is('PreparingRebalance') && group.initialDelay === null && group.hasAllMembersJoined()) this.completeJoin(group, fx, now);
  }

  private completeJoin(group: ClassicGroup, fx: Effects, now: number): void {
    group.rebalanceDeadline = Infinity;
    group.initialDelay = null;
    for (const m of [...group.members.values()]) {
      if (m.awaitingJoin === null && m.groupInstanceId === null) this.dropMember(group, m, fx, 'UNKNOWN_MEMBER_ID');
    }
    if (group.is('Dead')) return;
    if (group.members.size > 0 && !this.maybeElectNewJoinedLeader(group)) {
      // Nobody rejoined (only static members that did not come back): wait another rebalance timeout.
      group.rebalanceDeadline = now + group.rebalanceTimeoutMs();
      return;
    }
    this.initNextGeneration(group, now);
    if (group.is('Empty')) {
      fx.records.push(this.groupMetadataRecord(group, null));
      return;
    }
    for (const m of group.members.values()) {
      const outcome: JoinGroupOutcome = {
        error: null,
        memberId: m.memberId,
        generationId: group.generationId,
        protocolType: group.protocolType,
        protocolName: group.protocolName,
        leaderId: group.leaderId ?? '',
        skipAssignment: false,
        members: group.isLeader(m.memberId) ? this.currentMemberMetadata(group) : [],
      };
      if (m.awaitingJoin !== null) fx.replies.push({ replyId: m.awaitingJoin, join: outcome });
      m.awaitingJoin = null;
      m.heartbeatDeadline = now + m.sessionTimeoutMs;
      m.isNew = false;
      group.pendingSyncMembers.add(m.memberId);
    }
    group.syncDeadline = now + group.rebalanceTimeoutMs();
  }

  private maybeElectNewJoinedLeader(group: ClassicGroup): boolean {
    if (group.leaderId === null) return false;
    const leader = group.members.get(group.leaderId);
    if (leader !== undefined && leader.awaitingJoin !== null) return true;
    for (const m of group.members.values()) {
      if (m.awaitingJoin !== null) {
        group.leaderId = m.memberId;
        return true;
      }
    }
    return false;
  }

  private initNextGeneration(group: ClassicGroup, now: number): void {
    group.generationId += 1;
    group.pendingSyncMembers.clear();
    if (group.members.size > 0) {
      group.protocolName = group.selectProtocol();
      group.subscribedTopics = this.computeSubscribedTopics(group);
      group.transitionTo('CompletingRebalance', now);
    } else {
      group.protocolName = null;
      group.subscribedTopics = this.computeSubscribedTopics(group);
      group.transitionTo('Empty', now);
    }
  }

  /** The topics of a consumer group's subscriptions (ConsumerProtocolSubscription); null when unknown. */
  private computeSubscribedTopics(group: ClassicGroup): Set<string> | null {
    if (group.protocolType !== 'consumer' || group.protocolName === null) return group.members.size === 0 ? new Set() : null;
    const topics = new Set<string>();
    try {
      for (const m of group.members.values()) {
        const bytes = ClassicGroup.metadataFor(m, group.protocolName);
        const r = new ProtocolReader(bytes);
        const version = r.int16('version');
        for (const t of decodeConsumerProtocolSubscription(r, Math.min(version, 3)).topics) topics.add(t);
      }
    } catch {
      return null;
    }
    return topics;
  }

  /** Removes a member, answering whatever request of it still waits. */
  private dropMember(group: ClassicGroup, member: ClassicGroupMember, fx: Effects, error: GroupError): void {
    if (member.awaitingJoin !== null) fx.replies.push({ replyId: member.awaitingJoin, join: joinError('', error) });
    if (member.awaitingSync !== null) fx.replies.push({ replyId: member.awaitingSync, sync: syncError(error) });
    member.awaitingJoin = null;
    member.awaitingSync = null;
    group.remove(member.memberId);
  }

  private removeMemberAndUpdateGroup(group: ClassicGroup, member: ClassicGroupMember, fx: Effects, now: number): void {
    this.dropMember(group, member, fx, 'UNKNOWN_MEMBER_ID');
    switch (group.state) {
      case 'Stable':
      case 'CompletingRebalance':
        this.maybePrepareRebalance(group, fx, now);
        break;
      case 'PreparingRebalance':
        this.maybeCompleteJoin(group, fx, now);
        break;
      default:
        break;
    }
  }

  private resetAndPropagateAssignmentError(group: ClassicGroup, error: GroupError, fx: Effects, now: number): void {
    for (const m of group.members.values()) m.assignment = EMPTY;
    this.propagateAssignment(group, error, fx, now);
  }

  private propagateAssignment(group: ClassicGroup, error: GroupError | null, fx: Effects, now: number): void {
    for (const m of group.members.values()) {
      if (m.awaitingSync === null) continue;
      fx.replies.push({
        replyId: m.awaitingSync,
        sync: error === null ? { error: null, protocolType: group.protocolType, protocolName: group.protocolName, assignment: m.assignment } : syncError(error),
      });
      m.awaitingSync = null;
      m.heartbeatDeadline = now + m.sessionTimeoutMs;
    }
  }

  private groupMetadataRecord(group: ClassicGroup, assignments: Map<string, Uint8Array> | null): GroupRecord {
    return {
      kind: 'groupMetadata',
      group: group.groupId,
      value: {
        protocolType: group.protocolType ?? '',
        generation: group.generationId,
        protocol: group.protocolName,
        leader: group.leaderId,
        currentStateTimestamp: BigInt(group.stateTimestamp),
        members: [...group.members.values()].map((m) => ({
          memberId: m.memberId,
          groupInstanceId: m.groupInstanceId,
          clientId: m.clientId,
          clientHost: m.clientHost,
          rebalanceTimeout: m.rebalanceTimeoutMs,
          sessionTimeout: m.sessionTimeoutMs,
          subscription: ClassicGroup.metadataFor(m, group.protocolName),
          assignment: assignments?.get(m.memberId) ?? m.assignment,
        })),
      },
    };
  }

  // ---------------------------------------------------------------- SyncGroup

  syncGroup(p: SyncGroupParams, now: number): CoordinatorResult<void> {
    const fx = new Effects();
    const reply = (o: SyncGroupOutcome): CoordinatorResult<void> => {
      fx.replies.push({ replyId: p.replyId, sync: o });
      return fx.result(undefined);
    };
    if (p.groupId === '') return reply(syncError('INVALID_GROUP_ID'));
    const group = this.groups.get(p.groupId);
    if (group === undefined) return reply(syncError('UNKNOWN_MEMBER_ID'));
    if (group.is('Dead')) return reply(syncError('COORDINATOR_NOT_AVAILABLE'));
    const error =
      this.validateCurrentMember(group, p.memberId, p.groupInstanceId) ??
      (p.generationId !== group.generationId
        ? 'ILLEGAL_GENERATION'
        : (p.protocolType !== null && p.protocolType !== group.protocolType) || (p.protocolName !== null && p.protocolName !== group.protocolName)
          ? 'INCONSISTENT_GROUP_PROTOCOL'
          : null);
    if (error !== null) return reply(syncError(error));
    switch (group.state) {
      case 'Empty':
        return reply(syncError('UNKNOWN_MEMBER_ID'));
      case 'PreparingRebalance':
        return reply(syncError('REBALANCE_IN_PROGRESS'));
      case 'Stable': {
        group.pendingSyncMembers.delete(p.memberId);
        if (group.pendingSyncMembers.size === 0) group.syncDeadline = Infinity;
        const member = group.members.get(p.memberId)!;
        member.heartbeatDeadline = now + member.sessionTimeoutMs;
        return reply({ error: null, protocolType: group.protocolType, protocolName: group.protocolName, assignment: member.assignment });
      }
      case 'CompletingRebalance': {
        const member = group.members.get(p.memberId)!;
        if (member.awaitingSync !== null && member.awaitingSync !== p.replyId) fx.replies.push({ replyId: member.awaitingSync, sync: syncError('REBALANCE_IN_PROGRESS') });
        member.awaitingSync = p.replyId;
        group.pendingSyncMembers.delete(p.memberId);
        if (group.pendingSyncMembers.size === 0) group.syncDeadline = Infinity;
        if (!group.isLeader(p.memberId)) return fx.result(undefined);
        const assignments = new Map<string, Uint8Array>();
        for (const a of p.assignments) if (group.has(a.memberId)) assignments.set(a.memberId, copy(a.assignment));
        for (const id of group.members.keys()) if (!assignments.has(id)) assignments.set(id, EMPTY);
        const generation = group.generationId;
        fx.records.push(this.groupMetadataRecord(group, assignments));
        // Applied as if the append succeeded; onAppendFailure undoes it. (Appends are synchronous, so
        // nothing runs between this operation and its append.)
        for (const [id, a] of assignments) group.members.get(id)!.assignment = a;
        this.propagateAssignment(group, null, fx, now);
        group.transitionTo('Stable', now);
        const result = fx.result(undefined);
        result.onAppendFailure = (appendError) => {
          const fx2 = new Effects();
          if (group.generationId === generation && group.is('Stable')) {
            // Undo: back to CompletingRebalance with the error for everyone who waited, then rebalance.
            group.transitionTo('CompletingRebalance', now);
            for (const r of fx.replies) if ('sync' in r) fx2.replies.push({ replyId: r.replyId, sync: syncError(appendError) });
            for (const m of group.members.values()) m.assignment = EMPTY;
            this.maybePrepareRebalance(group, fx2, now);
          }
          return fx2.result(undefined);
        };
        return result;
      }
      case 'Dead':
        return reply(syncError('COORDINATOR_NOT_AVAILABLE'));
    }
  }

  // ---------------------------------------------------------------- Heartbeat / LeaveGroup

  heartbeat(p: HeartbeatParams, now: number): CoordinatorResult<GroupError | null> {
    const fx = new Effects();
    if (p.groupId === '') return fx.result('INVALID_GROUP_ID');
    const group = this.groups.get(p.groupId);
    if (group === undefined) return fx.result('UNKNOWN_MEMBER_ID');
    if (group.is('Dead')) return fx.result('COORDINATOR_NOT_AVAILABLE');
    const error = this.validateCurrentMember(group, p.memberId, p.groupInstanceId) ?? (p.generationId !== group.generationId ? 'ILLEGAL_GENERATION' : null);
    if (error !== null) return fx.result(error);
    if (group.is('Empty')) return fx.result('UNKNOWN_MEMBER_ID');
    const member = group.members.get(p.memberId)!;
    member.heartbeatDeadline = now + member.sessionTimeoutMs;
    return fx.result(group.is('PreparingRebalance') ? 'REBALANCE_IN_PROGRESS' : null);
  }

  leaveGroup(p: LeaveGroupParams, now: number): CoordinatorResult<LeaveGroupOutcome> {
    const fx = new Effects();
    if (p.groupId === '') return fx.result({ error: 'INVALID_GROUP_ID', members: [] });
    const group = this.groups.get(p.groupId);
    if (group === undefined) return fx.result({ error: null, members: p.members.map((m) => ({ ...m, error: 'UNKNOWN_MEMBER_ID' as GroupError })) });
    if (group.is('Dead')) return fx.result({ error: 'COORDINATOR_NOT_AVAILABLE', members: [] });
    const members: LeaveGroupOutcome['members'] = [];
    for (const leaving of p.members) {
      let error: GroupError | null = null;
      if (leaving.memberId === '') {
        const current = leaving.groupInstanceId === null ? undefined : group.staticMemberId(leaving.groupInstanceId);
        if (current === undefined) error = 'UNKNOWN_MEMBER_ID';
        else this.removeMemberAndUpdateGroup(group, group.members.get(current)!, fx, now);
      } else if (group.isPendingMember(leaving.memberId)) {
        group.pendingMembers.delete(leaving.memberId);
        this.maybeCompleteJoin(group, fx, now);
      } else {
        error = this.validateCurrentMember(group, leaving.memberId, leaving.groupInstanceId);
        if (error === null) this.removeMemberAndUpdateGroup(group, group.members.get(leaving.memberId)!, fx, now);
      }
      members.push({ memberId: leaving.memberId, groupInstanceId: leaving.groupInstanceId, error });
    }
    return fx.result({ error: null, members });
  }

  // ---------------------------------------------------------------- offsets

  commitOffsets(p: OffsetCommitParams, now: number): CoordinatorResult<PartitionErrors> {
    const fx = new Effects();
    const all = (error: GroupError | null): PartitionErrors => ({ errors: new Map(p.offsets.map((o) => [tpKey(o.topic, o.partition), error])) });
    let group = this.groups.get(p.groupId);
    if (group === undefined) {
      if (p.generationId >= 0) return fx.result(all('ILLEGAL_GENERATION'));
      group = new ClassicGroup(p.groupId, 'Empty', now);
      this.groups.set(p.groupId, group);
    }
    let error: GroupError | null = null;
    if (group.is('Dead')) error = 'COORDINATOR_NOT_AVAILABLE';
    else if (p.generationId >= 0 || p.memberId !== '' || p.groupInstanceId !== null) {
      error = this.validateCurrentMember(group, p.memberId, p.groupInstanceId) ?? (p.generationId !== group.generationId ? 'ILLEGAL_GENERATION' : null);
    } else if (!group.is('Empty')) error = 'UNKNOWN_MEMBER_ID';
    if (error === null && group.is('CompletingRebalance')) error = 'REBALANCE_IN_PROGRESS';
    if (error !== null) return fx.result(all(error));
    if (group.is('Stable') || group.is('PreparingRebalance')) {
      const member = group.members.get(p.memberId)!;
      member.heartbeatDeadline = now + member.sessionTimeoutMs;
    }
    const errors = new Map<string, GroupError | null>();
    for (const o of p.offsets) {
      const key = tpKey(o.topic, o.partition);
      const metadata = o.metadata ?? '';
      if (Buffer.byteLength(metadata, 'utf8') > this.config.offsetMetadataMaxBytes) {
        errors.set(key, 'OFFSET_METADATA_TOO_LARGE');
        continue;
      }
      errors.set(key, null);
      fx.records.push({
        kind: 'offsetCommit',
        group: p.groupId,
        topic: o.topic,
        partition: o.partition,
        value: {
          offset: o.offset,
          leaderEpoch: o.leaderEpoch,
          metadata,
          commitTimestamp: o.commitTimestamp < 0 ? now : o.commitTimestamp,
          expireTimestamp: p.retentionTimeMs >= 0 ? now + p.retentionTimeMs : null,
        },
      });
    }
    const result = fx.result({ errors }, true);
    result.onAppendFailure = (appendError) => {
      const failed = new Map(errors);
      for (const [k, v] of failed) if (v === null) failed.set(k, appendError);
      return { records: [], replay: false, response: { errors: failed }, replies: [] };
    };
    return result;
  }

  /** Committed offsets of a group: the given partitions, or all (null). Unknown groups have none. */
  fetchOffsets(groupId: string, partitions: { topic: string; partition: number }[] | null): FetchedOffset[] {
    const group = this.groups.get(groupId);
    const offsets = group === undefined || group.is('Dead') ? undefined : this.offsets.get(groupId);
    const wanted = partitions ?? [...(offsets?.values() ?? [])].map((o) => ({ topic: o.topic, partition: o.partition }));
    return wanted.map(({ topic, partition }) => {
      const c = offsets?.get(tpKey(topic, partition))?.value;
      return c === undefined
        ? { topic, partition, offset: -1n, leaderEpoch: -1, metadata: '', error: null }
        : { topic, partition, offset: c.offset, leaderEpoch: c.leaderEpoch, metadata: c.metadata, error: null };
    });
  }

  private offsetTombstones(groupId: string, keys: Iterable<string>): GroupRecord[] {
    const m = this.offsets.get(groupId);
    const out: GroupRecord[] = [];
    for (const k of keys) {
      const o = m?.get(k);
      if (o !== undefined) out.push({ kind: 'offsetCommit', group: groupId, topic: o.topic, partition: o.partition, value: null });
    }
    return out;
  }

  deleteGroups(groupIds: string[]): CoordinatorResult<Map<string, GroupError | null>> {
    const fx = new Effects();
    const errors = new Map<string, GroupError | null>();
    const deleted: ClassicGroup[] = [];
    for (const id of groupIds) {
      const group = this.groups.get(id);
      if (group === undefined || group.is('Dead')) errors.set(id, 'GROUP_ID_NOT_FOUND');
      else if (!group.is('Empty')) errors.set(id, 'NON_EMPTY_GROUP');
      else {
        group.state = 'Dead';
        deleted.push(group);
        errors.set(id, null);
        fx.records.push(...this.offsetTombstones(id, this.offsets.get(id)?.keys() ?? []));
        if (group.generationId > 0 || group.protocolType !== null) fx.records.push({ kind: 'groupMetadata', group: id, value: null });
      }
    }
    // Groups without offsets nor a group record have nothing to tombstone: drop them now.
    for (const g of deleted) if (!this.offsets.has(g.groupId) && g.generationId === 0 && g.protocolType === null) this.groups.delete(g.groupId);
    const result = fx.result(errors, true);
    result.onAppendFailure = (appendError) => {
      for (const g of deleted) if (g.is('Dead')) g.state = 'Empty';
      const failed = new Map(errors);
      for (const g of deleted) failed.set(g.groupId, appendError);
      return { records: [], replay: false, response: failed, replies: [] };
    };
    return result;
  }

  deleteOffsets(groupId: string, partitions: { topic: string; partition: number }[]): CoordinatorResult<{ error: GroupError | null; partitions: Map<string, GroupError | null> }> {
    const fx = new Effects();
    const group = this.groups.get(groupId);
    if (group === undefined || group.is('Dead')) return fx.result({ error: 'GROUP_ID_NOT_FOUND', partitions: new Map() });
    const errors = new Map<string, GroupError | null>();
    let eligible: { topic: string; partition: number }[];
    if (group.is('Empty')) eligible = partitions;
    else if (group.protocolType === 'consumer') {
      eligible = [];
      for (const tp of partitions) {
        if (group.subscribedTopics?.has(tp.topic) === true) errors.set(tpKey(tp.topic, tp.partition), 'GROUP_SUBSCRIBED_TO_TOPIC');
        else eligible.push(tp);
      }
    } else return fx.result({ error: 'NON_EMPTY_GROUP', partitions: new Map() });
    for (const tp of eligible) errors.set(tpKey(tp.topic, tp.partition), null);
    fx.records.push(...this.offsetTombstones(groupId, eligible.map((tp) => tpKey(tp.topic, tp.partition))));
    const result = fx.result({ error: null as GroupError | null, partitions: errors }, true);
    result.onAppendFailure = (appendError) => ({ records: [], replay: false, response: { error: appendError, partitions: new Map() }, replies: [] });
    return result;
  }

  /** Tombstones every group's offsets of deleted topics (Kafka's handleDeletedPartitions). */
  removeOffsetsOfTopics(topics: ReadonlySet<string>): CoordinatorResult<number> {
    const fx = new Effects();
    for (const [groupId, offsets] of this.offsets) {
      const keys = [...offsets].filter(([, o]) => topics.has(o.topic)).map(([k]) => k);
      fx.records.push(...this.offsetTombstones(groupId, keys));
    }
    return fx.result(fx.records.length, true);
  }

  /**
   * Offsets past their retention (Kafka's removeExpiredOffsets): of an Empty group, once the
   * retention has passed since it became empty; of a Stable consumer group, those of topics it no
   * longer subscribes to; of a group used only for offset storage, since their commit. Empty groups
   * left without offsets are deleted (tombstone).
   */
  expireOffsets(now: number): CoordinatorResult<number> {
    const fx = new Effects();
    const retention = this.config.offsetsRetentionMs;
    let removed = 0;
    for (const [groupId, offsets] of this.offsets) {
      const group = this.groups.get(groupId);
      if (group === undefined) continue;
      let base: ((c: CommittedOffset) => number) | null = null;
      let subscribed: Set<string> = new Set();
      if (group.protocolType !== null && group.is('Empty')) base = () => group.stateTimestamp;
      else if (group.protocolType === 'consumer' && group.subscribedTopics !== null && group.is('Stable')) {
        base = (c) => c.commitTimestamp;
        subscribed = group.subscribedTopics;
      } else if (group.protocolType === null) base = (c) => c.commitTimestamp;
      if (base === null) continue;
      const expired: string[] = [];
      for (const [k, o] of offsets) {
        if (subscribed.has(o.topic)) continue;
        const c = o.value;
        const isExpired = c.expireTimestamp !== null ? now >= c.expireTimestamp : now - base(c) >= retention;
        if (isExpired) expired.push(k);
      }
      if (expired.length === 0) continue;
      removed += expired.length;
      fx.records.push(...this.offsetTombstones(groupId, expired));
      if (group.is('Empty') && expired.length === offsets.size) {
        group.state = 'Dead';
        if (group.generationId > 0) fx.records.push({ kind: 'groupMetadata', group: groupId, value: null });
      }
    }
    const result = fx.result(removed, true);
    result.onAppendFailure = () => {
      for (const g of this.groups.values()) if (g.is('Dead')) g.state = 'Empty';
      return { records: [], replay: false, response: 0, replies: [] };
    };
    return result;
  }

  // ---------------------------------------------------------------- describe / list

  describeGroup(groupId: string): GroupDescription {
    const group = this.groups.get(groupId);
    if (group === undefined || group.is('Dead')) return { groupId, state: 'Dead', protocolType: '', protocolName: '', members: [] };
    const stable = group.is('Stable');
    return {
      groupId,
      state: group.state,
      protocolType: group.protocolType ?? '',
      protocolName: stable ? group.protocolName ?? '' : '',
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        metadata: stable ? ClassicGroup.metadataFor(m, group.protocolName) : EMPTY,
        assignment: stable ? m.assignment : EMPTY,
      })),
    };
  }

  listGroups(): GroupOverview[] {
    const out: GroupOverview[] = [];
    for (const g of this.groups.values()) if (!g.is('Dead')) out.push({ groupId: g.groupId, protocolType: g.protocolType ?? '', state: g.state });
    return out;
  }

  // ---------------------------------------------------------------- time

  /** The earliest deadline of any group (Infinity: none). */
  nextDeadline(): number {
    let next = Infinity;
    for (const g of this.groups.values()) {
      next = Math.min(next, g.rebalanceDeadline, g.syncDeadline, g.initialDelay?.deadline ?? Infinity);
      for (const d of g.pendingMembers.values()) next = Math.min(next, d);
      for (const m of g.members.values()) next = Math.min(next, m.heartbeatDeadline);
    }
    return next;
  }

  /** Runs every deadline that has passed: expired sessions, pending members, initial delays, rebalance and sync timeouts. */
  tick(now: number): CoordinatorResult<void> {
    const fx = new Effects();
    for (const group of [...this.groups.values()]) {
      if (group.is('Dead')) continue;
      for (const [id, deadline] of [...group.pendingMembers]) {
        if (deadline <= now) {
          group.pendingMembers.delete(id);
          this.maybeCompleteJoin(group, fx, now);
        }
      }
      for (const m of [...group.members.values()]) {
        if (m.heartbeatDeadline > now || !group.has(m.memberId)) continue;
        if (!m.isNew && (m.awaitingJoin !== null || m.awaitingSync !== null)) {
          // Members waiting in a rebalance need no heartbeat; the rebalance re-arms their session.
          m.heartbeatDeadline = Infinity;
          continue;
        }
        this.removeMemberAndUpdateGroup(group, m, fx, now);
      }
      if (group.initialDelay !== null && !group.is('PreparingRebalance')) group.initialDelay = null;
      if (group.initialDelay !== null && group.initialDelay.deadline <= now) {
        const d = group.initialDelay;
        if (group.newMemberAdded && d.remainingMs !== 0) {
          group.newMemberAdded = false;
          const delay = Math.min(this.config.groupInitialRebalanceDelayMs, d.remainingMs);
          group.initialDelay = { deadline: now + delay, remainingMs: Math.max(d.remainingMs - delay, 0) };
        } else {
          group.newMemberAdded = false;
          this.completeJoin(group, fx, now);
        }
      }
      if (group.rebalanceDeadline <= now) {
        group.rebalanceDeadline = Infinity;
        if (group.is('PreparingRebalance')) this.completeJoin(group, fx, now);
      }
      if (group.syncDeadline <= now) {
        group.syncDeadline = Infinity;
        if ((group.is('CompletingRebalance') || group.is('Stable')) && group.pendingSyncMembers.size > 0) {
          for (const id of [...group.pendingSyncMembers]) {
            const m = group.members.get(id);
            if (m !== undefined) this.dropMember(group, m, fx, 'UNKNOWN_MEMBER_ID');
          }
          group.pendingSyncMembers.clear();
          this.prepareRebalance(group, fx, now);
        }
      }
    }
    return fx.result(undefined);
  }

  /** Answers every waiting request (the partition is being unloaded or the broker shuts down). */
  unload(error: GroupError): Reply[] {
    const replies: Reply[] = [];
    for (const g of this.groups.values()) {
      for (const m of g.members.values()) {
        if (m.awaitingJoin !== null) replies.push({ replyId: m.awaitingJoin, join: joinError(m.memberId, error) });
        if (m.awaitingSync !== null) replies.push({ replyId: m.awaitingSync, sync: syncError(error) });
        m.awaitingJoin = null;
        m.awaitingSync = null;
      }
    }
    return replies;
  }
}
