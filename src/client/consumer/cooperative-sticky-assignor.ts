import { compareMembers, emptyAssignment } from './partition-assignor.js';
import type { AssignorMember, GroupAssignment, PartitionAssignor } from './partition-assignor.js';

/**
 * A cooperative sticky assignor under the Java client's protocol name `cooperative-sticky`: the
 * group leader keeps every member's owned partitions where balance allows, hands out the rest to
 * the least-loaded eligible members, then moves partitions from the most- to the least-loaded
 * until no eligible member is two or more partitions apart. A partition that changes owner is left
 * out of this round's assignment (KIP-429): its old owner revokes it and rejoins, and the next
 * round gives it to the new owner. The balancing is Samsa's own (the result is balanced and
 * sticky like Java's, not necessarily identical); members only need to agree on the protocol and
 * the subscription/assignment format, which are the Java client's.
 */
export const cooperativeStickyAssignor: PartitionAssignor = {
  name: 'cooperative-sticky',
  rebalanceProtocol: 'cooperative',
  assign(members: readonly AssignorMember[], partitionsPerTopic: ReadonlyMap<string, number>): GroupAssignment {
    const ordered = [...members].sort(compareMembers);
    const target = stickyTarget(ordered, partitionsPerTopic);
    const owner = new Map<string, string>();
    for (const m of ordered) for (const t of m.ownedPartitions ?? []) for (const p of t.partitions) if (!owner.has(`${t.topic}\0${p}`)) owner.set(`${t.topic}\0${p}`, m.memberId);
    const assignment = emptyAssignment(members);
    for (const [memberId, partitions] of target) {
      for (const tp of partitions) {
        const previous = owner.get(tp);
        // Moving from another member: withheld this round, until its owner has revoked it.
        if (previous !== undefined && previous !== memberId) continue;
        const [topic, p] = tp.split('\0') as [string, string];
        const topics = assignment.get(memberId)!;
        topics.set(topic, [...(topics.get(topic) ?? []), Number(p)].sort((a, b) => a - b));
      }
    }
    return assignment;
  },
};

/** The balanced, sticky target: member id -> partitions as `topic\0partition`. */
function stickyTarget(ordered: readonly AssignorMember[], partitionsPerTopic: ReadonlyMap<string, number>): Map<string, Set<string>> {
  const target = new Map<string, Set<string>>(ordered.map((m) => [m.memberId, new Set<string>()]));
  const eligible = new Map<string, AssignorMember[]>(); // topic -> members subscribed
  for (const m of ordered) for (const t of m.topics) if (partitionsPerTopic.has(t)) eligible.set(t, [...(eligible.get(t) ?? []), m]);
  const all: string[] = [];
  for (const t of [...eligible.keys()].sort()) for (let p = 0; p < partitionsPerTopic.get(t)!; p++) all.push(`${t}\0${p}`);
  const topicOf = (tp: string): string => tp.slice(0, tp.indexOf('\0'));
  const taken = new Set<string>();
  // 1. Keep what members own (still existing, still subscribed; the first claimant in member order wins).
  for (const m of ordered) {
    for (const t of m.ownedPartitions ?? []) {
      if (!m.topics.includes(t.topic) || !partitionsPerTopic.has(t.topic)) continue;
      for (const p of t.partitions) {
        const tp = `${t.topic}\0${p}`;
        if (p < partitionsPerTopic.get(t.topic)! && !taken.has(tp)) {
          taken.add(tp);
          target.get(m.memberId)!.add(tp);
        }
      }
    }
  }
  const load = (id: string): number => target.get(id)!.size;
  // 2. Everything else to the least-loaded eligible member (ties: member order).
  for (const tp of all) {
    if (taken.has(tp)) continue;
    const candidates = eligible.get(topicOf(tp))!;
    let best = candidates[0]!;
    for (const c of candidates) if (load(c.memberId) < load(best.memberId)) best = c;
    target.get(best.memberId)!.add(tp);
    taken.add(tp);
  }
  // 3. Balance: move one partition at a time from a member to an eligible one with at least two fewer.
  for (let moved = true; moved; ) {
    moved = false;
    const byLoad = [...ordered].sort((a, b) => load(b.memberId) - load(a.memberId) || compareMembers(a, b));
    for (const from of byLoad) {
      // Prefer giving away what the member did not own before (no revocation needed).
      const owned = new Set((from.ownedPartitions ?? []).flatMap((t) => t.partitions.map((p) => `${t.topic}\0${p}`)));
      const movable = [...target.get(from.memberId)!].sort((a, b) => Number(owned.has(a)) - Number(owned.has(b)) || (a < b ? -1 : a > b ? 1 : 0));
      for (const tp of movable) {
        const receivers = eligible.get(topicOf(tp))!.filter((c) => load(c.memberId) <= load(from.memberId) - 2);
        if (receivers.length === 0) continue;
        let to = receivers[0]!;
        for (const r of receivers) if (load(r.memberId) < load(to.memberId)) to = r;
        target.get(from.memberId)!.delete(tp);
        target.get(to.memberId)!.add(tp);
        moved = true;
        break;
      }
      if (moved) break;
    }
  }
  return target;
}
