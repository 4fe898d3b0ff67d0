/** A group member as an assignor sees it: its id, static id, and subscribed topics. */
export interface AssignorMember {
  memberId: string;
  groupInstanceId: string | null;
  topics: string[];
  /** Partitions the member owns now (ConsumerProtocolSubscription v1+ `ownedPartitions`); empty under the eager protocol. */
  ownedPartitions?: Array<{ topic: string; partitions: number[] }>;
}

/** topic -> partitions, per member id. */
export type GroupAssignment = Map<string, Map<string, number[]>>;

/**
 * An eager partition assignor, run by the group leader. `name` is the protocol name sent in
 * JoinGroup: members of other clients using the same name must compute the same thing, so
 * Samsa's assignors are the Java client's (`range`, `roundrobin`).
 */
export interface PartitionAssignor {
  readonly name: string;
  /**
   * `cooperative` (KIP-429): members keep their partitions through a rebalance and give up only
   * those the assignment moves (then join again). Default `eager`: everything is revoked before joining.
   */
  readonly rebalanceProtocol?: 'eager' | 'cooperative';
  assign(members: readonly AssignorMember[], partitionsPerTopic: ReadonlyMap<string, number>): GroupAssignment;
}

/** Java's MemberInfo order: by group instance id when both have one, else by member id. */
export function compareMembers(a: AssignorMember, b: AssignorMember): number {
  if (a.groupInstanceId !== null && b.groupInstanceId !== null) {
    if (a.groupInstanceId !== b.groupInstanceId) return a.groupInstanceId < b.groupInstanceId ? -1 : 1;
  } else if (a.groupInstanceId !== null) {
    return -1;
  } else if (b.groupInstanceId !== null) {
    return 1;
  }
  return a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0;
}

export function emptyAssignment(members: readonly AssignorMember[]): GroupAssignment {
  return new Map(members.map((m) => [m.memberId, new Map<string, number[]>()]));
}

export function addPartition(assignment: GroupAssignment, memberId: string, topic: string, partition: number): void {
  const topics = assignment.get(memberId)!;
  const list = topics.get(topic);
  if (list === undefined) topics.set(topic, [partition]);
  else list.push(partition);
}
