/**
 * Where a new topic's (or new partitions') replicas go: Kafka's assignment, so that a Samsa
 * cluster spreads leaders and followers the way Kafka operators expect.
 *
 * Without racks, brokers are taken in id order. The first replica of partition p is broker
 * (p + startIndex) mod n; the others follow at a shift from it that grows by one every n
 * partitions, so replicas of consecutive partitions do not all land on the same followers.
 * With racks (`broker.rack` on every broker), brokers are first arranged alternating racks
 * (r1-b, r2-b, r3-b, r1-b, ...) and each further replica skips brokers whose rack, or the broker
 * itself, already holds one (until every rack / broker does). `startIndex` and the initial shift
 * are random in Kafka; callers pass them for determinism.
 */

export interface AssignableBroker {
  id: number;
  rack: string | null;
}

export type AssignmentResult =
  | { ok: true; assignment: number[][] }
  | { ok: false; error: 'INVALID_REPLICATION_FACTOR' | 'INVALID_PARTITIONS' | 'INVALID_REPLICA_ASSIGNMENT'; message: string };

export interface AssignmentOptions {
  partitions: number;
  replicationFactor: number;
  /** Id of the first new partition (adding partitions to an existing topic); default 0. */
  firstPartitionId?: number;
  /** Kafka picks these at random; default random. */
  startIndex?: number;
  replicaShift?: number;
  random?: () => number;
}

export function assignReplicas(brokers: readonly AssignableBroker[], options: AssignmentOptions): AssignmentResult {
  const { partitions, replicationFactor } = options;
  if (!Number.isInteger(partitions) || partitions <= 0) return { ok: false, error: 'INVALID_PARTITIONS', message: `Number of partitions must be larger than 0, got ${partitions}.` };
  if (!Number.isInteger(replicationFactor) || replicationFactor <= 0) {
    return { ok: false, error: 'INVALID_REPLICATION_FACTOR', message: `Replication factor must be larger than 0, got ${replicationFactor}.` };
  }
  if (replicationFactor > brokers.length) {
    return { ok: false, error: 'INVALID_REPLICATION_FACTOR', message: `Replication factor: ${replicationFactor} larger than available brokers: ${brokers.length}.` };
  }
  const withRack = brokers.filter((b) => b.rack !== null).length;
  if (withRack !== 0 && withRack !== brokers.length) {
    return { ok: false, error: 'INVALID_REPLICA_ASSIGNMENT', message: 'Not all brokers have rack information for replica rack aware assignment.' };
  }
  const random = options.random ?? Math.random;
  const n = brokers.length;
  const startIndex = options.startIndex ?? Math.floor(random() * n);
  let shift = options.replicaShift ?? Math.floor(random() * n);
  const first = options.firstPartitionId ?? 0;
  const assignment: number[][] = [];
  if (withRack === 0) {
    const ids = brokers.map((b) => b.id).sort((a, b) => a - b);
    for (let p = first; p < first + partitions; p++) {
      if (p > 0 && p % n === 0) shift++;
      const leaderIndex = (p + startIndex) % n;
      const replicas = [ids[leaderIndex]!];
      for (let j = 0; j < replicationFactor - 1; j++) replicas.push(ids[followerIndex(leaderIndex, shift, j, n)]!);
      assignment.push(replicas);
    }
    return { ok: true, assignment };
  }
  const arranged = rackAlternated(brokers);
  const rackOf = new Map(brokers.map((b) => [b.id, b.rack!]));
  const rackCount = new Set(rackOf.values()).size;
  for (let p = first; p < first + partitions; p++) {
    if (p > 0 && p % n === 0) shift++;
    const leaderIndex = (p + startIndex) % n;
    const leader = arranged[leaderIndex]!;
    const replicas = [leader];
    const racks = new Set([rackOf.get(leader)]);
    const used = new Set([leader]);
    let k = 0;
    for (let j = 0; j < replicationFactor - 1; j++) {
      for (;;) {
        const candidate = arranged[followerIndex(leaderIndex, shift * rackCount, k++, n)]!;
        const rack = rackOf.get(candidate);
        if ((!racks.has(rack) || racks.size === rackCount) && (!used.has(candidate) || used.size === n)) {
          replicas.push(candidate);
          racks.add(rack);
          used.add(candidate);
          break;
        }
      }
    }
    assignment.push(replicas);
  }
  return { ok: true, assignment };
}

function followerIndex(leaderIndex: number, shift: number, j: number, n: number): number {
  return (leaderIndex + 1 + ((shift + j) % (n - 1))) % n;
}

/** Brokers in rack-alternating order: the first of each rack (racks by name), then the second of each, ... */
export function rackAlternated(brokers: readonly AssignableBroker[]): number[] {
  const byRack = new Map<string, number[]>();
  for (const b of [...brokers].sort((x, y) => x.id - y.id)) {
    const list = byRack.get(b.rack ?? '') ?? [];
    list.push(b.id);
    byRack.set(b.rack ?? '', list);
  }
  const racks = [...byRack.keys()].sort();
  const out: number[] = [];
  for (let i = 0; out.length < brokers.length; i++) {
    for (const r of racks) {
      const id = byRack.get(r)![i];
      if (id !== undefined) out.push(id);
    }
  }
  return out;
}
