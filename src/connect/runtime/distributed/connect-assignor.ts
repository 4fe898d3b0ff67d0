/**
 * What a Connect group leader's assignor works from and returns (Kafka's ConnectAssignor): the
 * members' decoded worker states, the leader's view of the config topic, and one assignment per
 * member. Shared by the eager and the incremental cooperative assignors.
 */
import type { ConnectAssignment, ConnectorTaskId, WorkerState } from './connect-protocol.js';

/** The part of the config topic an assignor needs (Kafka's ClusterConfigState, reduced). */
export interface ConfigSnapshot {
  /** The config topic offset this snapshot reflects. */
  offset: bigint;
  /** Every connector and how many task configs it has (tasks 0..n-1). */
  connectors: ReadonlyMap<string, number>;
}

/** A member of the group with its decoded JoinGroup metadata. */
export interface AssignorMember {
  memberId: string;
  state: WorkerState;
}

export interface AssignorInput {
  leaderId: string;
  /** The protocol version the coordinator chose (0 eager, 1 compatible, 2 sessioned). */
  protocolVersion: number;
  members: AssignorMember[];
  /** The leader's config snapshot taken when it joined (Kafka's coordinator.configSnapshot()). */
  snapshot: ConfigSnapshot;
  /** The generation being formed (the JoinGroup response's), for the cooperative assignor's bookkeeping. */
  generation?: number;
  /** The generation of the leader's last completed join (-1 for none). */
  lastCompletedGeneration?: number;
  /** A fresh snapshot, asked for when the leader is behind a member (Kafka's configFreshSnapshot()). */
  freshSnapshot(): ConfigSnapshot;
}

/** Kafka's ConnectAssignor: the leader's computation of every member's assignment. */
export interface ConnectAssignor {
  performAssignment(input: AssignorInput): Map<string, ConnectAssignment>;
}

/**
 * The config snapshot an assignment is computed from, or null when the leader cannot catch up
 * with the newest config offset a member reported (the assignment is then CONFIG_MISMATCH).
 * As Kafka: the max offset over the members; a leader behind it takes a fresh snapshot and uses
 * it if that one has caught up.
 */
export function leaderConfig(input: AssignorInput): { snapshot: ConfigSnapshot; offset: bigint; maxOffset: bigint } | { snapshot: null; offset: null; maxOffset: bigint } {
  let maxOffset: bigint | undefined;
  for (const m of input.members) if (maxOffset === undefined || m.state.configOffset > maxOffset) maxOffset = m.state.configOffset;
  const max = maxOffset ?? input.snapshot.offset;
  if (input.snapshot.offset < max) {
    const fresh = input.freshSnapshot();
    if (fresh.offset < max) return { snapshot: null, offset: null, maxOffset: max };
    return { snapshot: fresh, offset: fresh.offset, maxOffset: max };
  }
  return { snapshot: input.snapshot, offset: max, maxOffset: max };
}

/** The tasks of a snapshot's connector, in ConnectorTaskId order. */
export function tasksOf(snapshot: ConfigSnapshot, connector: string): ConnectorTaskId[] {
  const n = snapshot.connectors.get(connector) ?? 0;
  return Array.from({ length: n }, (_, task) => ({ connector, task }));
}

/** Java's String.compareTo order (UTF-16 code units), which JavaScript's `<` on strings also uses. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** ConnectorTaskId.compareTo: by connector, then task number. */
export function compareTaskIds(a: ConnectorTaskId, b: ConnectorTaskId): number {
  return compareStrings(a.connector, b.connector) || a.task - b.task;
}

/** `connector-task`, the text form of a ConnectorTaskId (Kafka's toString). */
export function taskKey(t: ConnectorTaskId): string {
  return `${t.connector}-${t.task}`;
}
