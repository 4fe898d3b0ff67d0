/**
 * The controller's leadership decisions for one partition, as pure functions of the partition's
 * assignment, its current leader and ISR, and which brokers are alive (Kafka's ZooKeeper-mode
 * controller rules). The controller applies the results with fenced partition-state writes.
 *
 * - A new partition: the first live replica (assignment order) leads; the ISR is the live replicas.
 * - A failed broker: removed from the ISR of partitions it follows (leader epoch bumped, as Kafka
 *   does for every leader/ISR change made by the controller); partitions it led get the first
 *   replica that is alive and in the ISR. With no such replica the partition goes offline
 *   (leader -1) and keeps its last ISR member, so that the data it holds can lead again when it
 *   returns — unless `unclean.leader.election.enable`, which takes any live replica (possible loss).
 * - Preferred leader election: the first replica of the assignment, when alive and in the ISR.
 * - Controlled shutdown: leadership moves to another live ISR member; the broker leaves the ISR.
 */

export interface Leadership {
  /** -1 when the partition has no leader (offline). */
  leader: number;
  leaderEpoch: number;
  isr: number[];
}

export type LeadershipChange = { changed: false } | { changed: true; next: Leadership; unclean: boolean };

export const NO_LEADER = -1;

export function initialLeadership(replicas: readonly number[], live: ReadonlySet<number>): Leadership {
  const isr = replicas.filter((r) => live.has(r));
  return { leader: isr[0] ?? NO_LEADER, leaderEpoch: 0, isr: isr.length > 0 ? isr : [...replicas] };
}

/** After `dead` brokers stopped (session gone): new leader and/or smaller ISR, if anything changes. */
export function afterBrokerFailure(replicas: readonly number[], current: Leadership, live: ReadonlySet<number>, uncleanLeaderElection: boolean): LeadershipChange {
  const liveIsr = current.isr.filter((r) => live.has(r));
  if (current.leader !== NO_LEADER && live.has(current.leader)) {
    if (liveIsr.length === current.isr.length) return { changed: false };
    return { changed: true, unclean: false, next: { leader: current.leader, leaderEpoch: current.leaderEpoch + 1, isr: liveIsr } };
  }
  return electFromIsr(replicas, current, live, uncleanLeaderElection);
}

/** An offline partition (leader -1) after brokers came back: elects when an eligible replica is alive. */
export function afterBrokerStartup(replicas: readonly number[], current: Leadership, live: ReadonlySet<number>, uncleanLeaderElection: boolean): LeadershipChange {
  if (current.leader !== NO_LEADER) return { changed: false };
  return electFromIsr(replicas, current, live, uncleanLeaderElection);
}

/** Moves leadership to the preferred (first) replica when it is alive, in the ISR and not already leading. */
export function preferredLeader(replicas: readonly number[], current: Leadership, live: ReadonlySet<number>): LeadershipChange {
  const preferred = replicas[0];
  if (preferred === undefined || preferred === current.leader || !live.has(preferred) || !current.isr.includes(preferred)) return { changed: false };
  return { changed: true, unclean: false, next: { leader: preferred, leaderEpoch: current.leaderEpoch + 1, isr: current.isr } };
}

/** `stopping` shuts down cleanly: it leaves the ISR, and leadership moves to another live ISR member if it led. */
export function controlledShutdown(replicas: readonly number[], current: Leadership, stopping: number, live: ReadonlySet<number>): LeadershipChange {
  if (!current.isr.includes(stopping) && current.leader !== stopping) return { changed: false };
  const isr = current.isr.filter((r) => r !== stopping);
  if (current.leader !== stopping) return { changed: true, unclean: false, next: { leader: current.leader, leaderEpoch: current.leaderEpoch + 1, isr } };
  const next = replicas.find((r) => r !== stopping && live.has(r) && isr.includes(r));
  // The only ISR member stays leader until it is gone: moving would lose acknowledged data.
  if (next === undefined) return { changed: false };
  return { changed: true, unclean: false, next: { leader: next, leaderEpoch: current.leaderEpoch + 1, isr } };
}

function electFromIsr(replicas: readonly number[], current: Leadership, live: ReadonlySet<number>, unclean: boolean): LeadershipChange {
  const liveIsr = current.isr.filter((r) => live.has(r));
  const clean = replicas.find((r) => live.has(r) && liveIsr.includes(r));
  if (clean !== undefined) return { changed: true, unclean: false, next: { leader: clean, leaderEpoch: current.leaderEpoch + 1, isr: liveIsr } };
  if (unclean) {
    const any = replicas.find((r) => live.has(r));
    if (any !== undefined) return { changed: true, unclean: true, next: { leader: any, leaderEpoch: current.leaderEpoch + 1, isr: [any] } };
  }
  // Offline: keep the last ISR member (the replica most likely to have every acknowledged record).
  const keep = current.isr.length > 0 ? current.isr.slice(0, 1) : [];
  const isr = liveIsr.length > 0 ? liveIsr : current.leader !== NO_LEADER && current.isr.includes(current.leader) ? [current.leader] : keep;
  if (current.leader === NO_LEADER && sameMembers(isr, current.isr)) return { changed: false };
  return { changed: true, unclean: false, next: { leader: NO_LEADER, leaderEpoch: current.leaderEpoch + 1, isr } };
}

function sameMembers(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
