/** Kafka's classic group states. */
import { Buffer } from 'node:buffer';

export type ClassicGroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

export interface MemberProtocol {
  name: string;
  metadata: Uint8Array;
}

/** A member of a classic group (Kafka's MemberMetadata). */
export interface ClassicGroupMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
  protocolType: string;
  /** In the member's order of preference. */
  protocols: MemberProtocol[];
  assignment: Uint8Array;
  /** Reply id of the JoinGroup waiting for the rebalance, or null. */
  awaitingJoin: number | null;
  /** Reply id of the SyncGroup waiting for the leader's assignment, or null. */
  awaitingSync: number | null;
  /** Joined during this rebalance and never completed one: expires after the new-member join timeout. */
  isNew: boolean;
  /** When the session expires unless a heartbeat (or a rebalance step) comes first; Infinity: not tracked. */
  heartbeatDeadline: number;
  /** The pending JoinGroup came at v9+ (KIP-814: a static leader may skip the assignment). */
  supportsSkipAssignment: boolean;
}

/** The initial-rebalance delay of a new group (Kafka's InitialDelayedJoin). */
export interface InitialDelay {
  deadline: number;
  remainingMs: number;
}

const EMPTY = new Uint8Array(0);

/**
 * A classic group: members, generation, selected protocol and leader, plus the deadlines of its
 * rebalance. Only data and small queries; the transitions live in GroupCoordinatorShard.
 */
export class ClassicGroup {
  state: ClassicGroupState;
  stateTimestamp: number;
  generationId = 0;
  protocolType: string | null = null;
  protocolName: string | null = null;
  leaderId: string | null = null;
  readonly members = new Map<string, ClassicGroupMember>();
  /** Member ids handed out with MEMBER_ID_REQUIRED (KIP-394), with their expiry. */
  readonly pendingMembers = new Map<string, number>();
  /** group.instance.id → member id. */
  readonly staticMembers = new Map<string, string>();
  /** Members that got their JoinGroup response and still owe a SyncGroup. */
  readonly pendingSyncMembers = new Set<string>();
  newMemberAdded = false;
  initialDelay: InitialDelay | null = null;
  /** When the join phase ends even if members are missing (rebalance timeout). */
  rebalanceDeadline = Infinity;
  /** When members still owing a SyncGroup are removed. */
  syncDeadline = Infinity;
  /** Topics of the consumer protocol subscriptions (null: unknown / not a consumer group). */
  subscribedTopics: Set<string> | null = null;

  constructor(
    readonly groupId: string,
    state: ClassicGroupState,
    now: number,
  ) {
    this.state = state;
    this.stateTimestamp = now;
  }

  is(state: ClassicGroupState): boolean {
    return this.state === state;
  }

  transitionTo(state: ClassicGroupState, now: number): void {
    this.state = state;
    this.stateTimestamp = now;
  }

  has(memberId: string): boolean {
    return this.members.has(memberId);
  }

  isLeader(memberId: string): boolean {
    return this.leaderId === memberId;
  }

  isPendingMember(memberId: string): boolean {
    return this.pendingMembers.has(memberId);
  }

  staticMemberId(groupInstanceId: string): string | undefined {
    return this.staticMembers.get(groupInstanceId);
  }

  numAwaitingJoin(): number {
    let n = 0;
    for (const m of this.members.values()) if (m.awaitingJoin !== null) n++;
    return n;
  }

  hasAllMembersJoined(): boolean {
    return this.members.size === this.numAwaitingJoin() && this.pendingMembers.size === 0;
  }

  /** The longest rebalance timeout of the members (how long a join phase may last). */
  rebalanceTimeoutMs(): number {
    let max = 0;
    for (const m of this.members.values()) max = Math.max(max, m.rebalanceTimeoutMs);
    return max;
  }

  add(member: ClassicGroupMember): void {
    if (this.members.size === 0) this.protocolType = member.protocolType;
    this.members.set(member.memberId, member);
    if (member.groupInstanceId !== null) this.staticMembers.set(member.groupInstanceId, member.memberId);
    this.leaderId ??= member.memberId;
  }

  remove(memberId: string): void {
    const member = this.members.get(memberId);
    if (member !== undefined) {
      this.members.delete(memberId);
      if (member.groupInstanceId !== null && this.staticMembers.get(member.groupInstanceId) === memberId) this.staticMembers.delete(member.groupInstanceId);
    }
    this.pendingMembers.delete(memberId);
    this.pendingSyncMembers.delete(memberId);
    if (this.leaderId === memberId) this.leaderId = this.members.keys().next().value ?? null;
  }

  /** Protocols every member supports. */
  candidateProtocols(): Set<string> {
    const counts = new Map<string, number>();
    for (const m of this.members.values()) for (const p of new Set(m.protocols.map((x) => x.name))) counts.set(p, (counts.get(p) ?? 0) + 1);
    const out = new Set<string>();
    for (const [p, n] of counts) if (n === this.members.size) out.add(p);
    return out;
  }

  /** Whether a member with these protocols may join (Kafka's supportsProtocols). */
  supportsProtocols(protocolType: string, protocols: readonly string[]): boolean {
    if (this.is('Empty')) return protocolType !== '' && protocols.length > 0;
    if (this.protocolType !== protocolType) return false;
    const candidates = this.candidateProtocols();
    return protocols.some((p) => candidates.has(p));
  }

  /** The protocol all members support, chosen by each member's first preference among them (most votes). */
  selectProtocol(): string {
    const candidates = this.candidateProtocols();
    const votes = new Map<string, number>();
    for (const m of this.members.values()) {
      const vote = m.protocols.find((p) => candidates.has(p.name))?.name;
      if (vote !== undefined) votes.set(vote, (votes.get(vote) ?? 0) + 1);
    }
    let best: string | null = null;
    let bestVotes = -1;
    for (const [p, n] of votes) {
      if (n > bestVotes) {
        best = p;
        bestVotes = n;
      }
    }
    if (best === null) throw new Error(`no protocol supported by every member of group ${this.groupId}`);
    return best;
  }

  /** The member's metadata for the group's selected protocol. */
  static metadataFor(member: ClassicGroupMember, protocol: string | null): Uint8Array {
    return member.protocols.find((p) => p.name === protocol)?.metadata ?? EMPTY;
  }

  /** Whether a rejoining member brings exactly the protocols it had. */
  static sameProtocols(member: ClassicGroupMember, protocols: readonly MemberProtocol[]): boolean {
    if (member.protocols.length !== protocols.length) return false;
    return member.protocols.every((p, i) => p.name === protocols[i]!.name && Buffer.compare(p.metadata, protocols[i]!.metadata) === 0);
  }

  canRebalance(): boolean {
    return this.is('Stable') || this.is('CompletingRebalance') || this.is('Empty');
  }
}
