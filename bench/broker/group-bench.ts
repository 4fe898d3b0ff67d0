/**
 * The `groups` phase of the broker benchmark: consumer-group coordination, measured with
 * protocol-level clients (one KafkaTestClient connection per member), so that the figures are
 * the broker's share of the work and not a client library's timers.
 *
 * - Rebalance: a stable group of 10 members; an 11th joins. Measured from the 11th member's first
 *   JoinGroup being sent until the last of the 11 SyncGroup responses of the new generation has
 *   arrived. The 10 members learn of the rebalance as real consumers do, from a Heartbeat answered
 *   REBALANCE_IN_PROGRESS, but they heartbeat every ~1 ms rather than every few seconds, and
 *   rejoin at once. Afterwards the 11th leaves (LeaveGroup) and the 10 settle again (not timed).
 *   A few untimed repetitions come first.
 * - Commit throughput: OffsetCommit v8 requests from one connection, `inFlight` at a time, for a
 *   simple (memberless) group; each request commits `partitionsPerRequest` partitions.
 */
import { KafkaTestClient } from '../../src/testkit/kafka-test-client.js';
import { ApiKey } from '../../src/protocol/generated/api-table.js';
import { ErrorCode } from '../../src/protocol/error-codes.js';
import type { JoinGroupRequest, JoinGroupResponse } from '../../src/protocol/generated/join-group.js';
import type { SyncGroupRequest } from '../../src/protocol/generated/sync-group.js';
import type { OffsetCommitRequest } from '../../src/protocol/generated/offset-commit.js';
import { sleep } from './processes.js';

const JOIN_GROUP_VERSION = 9;
const SYNC_GROUP_VERSION = 5;
const HEARTBEAT_VERSION = 4;
const LEAVE_GROUP_VERSION = 5;
const OFFSET_COMMIT_VERSION = 8;
const FIND_COORDINATOR_VERSION = 3;

const SESSION_TIMEOUT_MS = 30_000;
const REBALANCE_TIMEOUT_MS = 30_000;
/** Gap between a member's heartbeats while it waits for a rebalance. */
const HEARTBEAT_GAP_MS = 1;
const PROTOCOL_METADATA = Buffer.from('bench');
const ASSIGNMENT = Buffer.from('assignment');

interface Member {
  readonly client: KafkaTestClient;
  memberId: string;
  /** Generation of the member's last successful SyncGroup; -1 before any. */
  generation: number;
}

/** Members per generation, as the leader's JoinGroup response lists them. */
type GenerationSizes = Map<number, number>;

function joinRequest(groupId: string, memberId: string): JoinGroupRequest {
  return {
    groupId,
    sessionTimeoutMs: SESSION_TIMEOUT_MS,
    rebalanceTimeoutMs: REBALANCE_TIMEOUT_MS,
    memberId,
    groupInstanceId: null,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: PROTOCOL_METADATA }],
    reason: null,
  };
}

/**
 * JoinGroup (again with the assigned id after MEMBER_ID_REQUIRED), then SyncGroup, the leader
 * sending an assignment for every member; both again while the broker answers
 * REBALANCE_IN_PROGRESS. Sets the member's generation when its SyncGroup succeeds.
 */
async function joinAndSync(groupId: string, m: Member, sizes: GenerationSizes): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    let join: JoinGroupResponse = await m.client.send(ApiKey.JoinGroup, JOIN_GROUP_VERSION, joinRequest(groupId, m.memberId));
    if (join.errorCode === ErrorCode.MEMBER_ID_REQUIRED) {
      m.memberId = join.memberId;
      join = await m.client.send(ApiKey.JoinGroup, JOIN_GROUP_VERSION, joinRequest(groupId, m.memberId));
    }
    if (join.errorCode === ErrorCode.UNKNOWN_MEMBER_ID) {
      m.memberId = '';
      continue;
    }
    if (join.errorCode === ErrorCode.REBALANCE_IN_PROGRESS) continue;
    if (join.errorCode !== ErrorCode.NONE) throw new Error(`JoinGroup failed with error code ${join.errorCode}`);
    m.memberId = join.memberId;
    const leader = join.leader === join.memberId;
    if (leader) sizes.set(join.generationId, join.members.length);
    const sync: SyncGroupRequest = {
      groupId,
      generationId: join.generationId,
      memberId: m.memberId,
      groupInstanceId: null,
      protocolType: 'consumer',
      protocolName: join.protocolName,
      assignments: leader ? join.members.map((x) => ({ memberId: x.memberId, assignment: ASSIGNMENT })) : [],
    };
    const res = await m.client.send(ApiKey.SyncGroup, SYNC_GROUP_VERSION, sync);
    if (res.errorCode === ErrorCode.REBALANCE_IN_PROGRESS || res.errorCode === ErrorCode.ILLEGAL_GENERATION) continue;
    if (res.errorCode !== ErrorCode.NONE) throw new Error(`SyncGroup failed with error code ${res.errorCode}`);
    m.generation = join.generationId;
    return;
  }
  throw new Error(`member ${m.memberId} did not complete a JoinGroup/SyncGroup after 50 attempts`);
}

/**
 * Runs every member until the group is stable with `expected` members: all of them synced at the
 * same generation, whose leader listed `expected` members. Members in `joining` start with a
 * JoinGroup (in array order, before anything else is sent); the others heartbeat every
 * HEARTBEAT_GAP_MS and rejoin when a heartbeat is answered with an error. Resolves with the
 * performance.now() at which the group became stable (the last SyncGroup response arrived).
 */
async function stabilise(groupId: string, members: Member[], joining: Set<Member>, expected: number, timeoutMs: number): Promise<number> {
  const sizes: GenerationSizes = new Map();
  let stableAt = Number.NaN;
  let failure: Error | null = null;
  const deadline = performance.now() + timeoutMs;
  const check = (): void => {
    const g = members[0]!.generation;
    if (g >= 0 && sizes.get(g) === expected && members.every((m) => m.generation === g)) stableAt = performance.now();
  };
  const run = async (m: Member): Promise<void> => {
    let mustJoin = joining.has(m);
    while (Number.isNaN(stableAt) && failure === null) {
      if (performance.now() > deadline) throw new Error(`group ${groupId} not stable with ${expected} members after ${timeoutMs} ms`);
      if (mustJoin) {
        await joinAndSync(groupId, m, sizes);
        mustJoin = false;
        check();
        continue;
      }
      // Wait for the broker to announce a rebalance (or, once synced, for the others).
      const hb = await m.client.send(ApiKey.Heartbeat, HEARTBEAT_VERSION, { groupId, generationId: m.generation, memberId: m.memberId, groupInstanceId: null });
      if (hb.errorCode === ErrorCode.UNKNOWN_MEMBER_ID) m.memberId = '';
      if (hb.errorCode !== ErrorCode.NONE) mustJoin = true;
      else await sleep(HEARTBEAT_GAP_MS);
    }
  };
  await Promise.all(
    members.map((m) =>
      run(m).catch((err: unknown) => {
        failure ??= err instanceof Error ? err : new Error(String(err));
      }),
    ),
  );
  if (failure !== null) throw failure;
  return stableAt;
}

export interface RebalanceOptions {
  host: string;
  port: number;
  groupId: string;
  /** Members of the stable group before the newcomer joins. */
  members: number;
  repetitions: number;
  /** Untimed repetitions first (JIT warm-up of the broker's group paths); default 5. */
  warmup?: number;
  /** Bound on each stabilisation. */
  timeoutMs?: number;
}

/** Milliseconds per repetition from the newcomer's first JoinGroup sent to the last SyncGroup response. */
export async function measureRebalance(o: RebalanceOptions): Promise<number[]> {
  const timeoutMs = o.timeoutMs ?? 20_000;
  const clients: KafkaTestClient[] = [];
  try {
    for (let i = 0; i <= o.members; i++) clients.push(await KafkaTestClient.connect(o.host, o.port, `samsa-bench-member-${i}`));
    await waitForCoordinator(clients[0]!, o.groupId, timeoutMs);
    const stable: Member[] = clients.slice(0, o.members).map((client) => ({ client, memberId: '', generation: -1 }));
    await stabilise(o.groupId, stable, new Set(stable), o.members, timeoutMs);
    const samples: number[] = [];
    const warmup = o.warmup ?? 5;
    for (let rep = 0; rep < warmup + o.repetitions; rep++) {
      const newcomer: Member = { client: clients[o.members]!, memberId: '', generation: -1 };
      const t0 = performance.now();
      const stableAt = await stabilise(o.groupId, [newcomer, ...stable], new Set([newcomer]), o.members + 1, timeoutMs);
      if (rep >= warmup) samples.push(stableAt - t0);
      const left = await newcomer.client.send(ApiKey.LeaveGroup, LEAVE_GROUP_VERSION, { groupId: o.groupId, members: [{ memberId: newcomer.memberId, groupInstanceId: null, reason: null }] });
      if (left.errorCode !== ErrorCode.NONE) throw new Error(`LeaveGroup failed with error code ${left.errorCode}`);
      await stabilise(o.groupId, stable, new Set(), o.members, timeoutMs);
    }
    return samples;
  } finally {
    for (const c of clients) c.close();
  }
}

async function waitForCoordinator(client: KafkaTestClient, key: string, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const r = await client.send(ApiKey.FindCoordinator, FIND_COORDINATOR_VERSION, { key, keyType: 0 });
    if (r.errorCode === ErrorCode.NONE) return;
    if (performance.now() > deadline) throw new Error(`FindCoordinator ${key}: error code ${r.errorCode} after ${timeoutMs} ms`);
    await sleep(20);
  }
}

export interface CommitOptions {
  host: string;
  port: number;
  groupId: string;
  /** An existing topic with at least `partitionsPerRequest` partitions. */
  topic: string;
  partitionsPerRequest: number;
  inFlight: number;
  durationMs: number;
}

export interface CommitResult {
  requestsPerSec: number;
  offsetsPerSec: number;
}

function commitRequest(o: CommitOptions, offset: bigint, firstPartition: number, partitionCount: number): OffsetCommitRequest {
  return {
    groupId: o.groupId,
    generationIdOrMemberEpoch: -1,
    memberId: '',
    groupInstanceId: null,
    topics: [
      {
        name: o.topic,
        partitions: Array.from({ length: o.partitionsPerRequest }, (_, i) => ({
          partitionIndex: (firstPartition + i) % partitionCount,
          committedOffset: offset,
          committedLeaderEpoch: -1,
          committedMetadata: null,
        })),
      },
    ],
  };
}

/**
 * OffsetCommit requests/s over `durationMs` from one connection with `inFlight` requests
 * outstanding (after a warm-up until the group's coordinator accepts commits). Every partition in
 * every response must succeed.
 */
export async function measureCommits(o: CommitOptions, partitionCount: number): Promise<CommitResult> {
  const client = await KafkaTestClient.connect(o.host, o.port, 'samsa-bench-committer');
  try {
    await waitForCoordinator(client, o.groupId, 20_000);
    const firstError = (r: { topics: { partitions: { errorCode: number }[] }[] }): number => r.topics.flatMap((t) => t.partitions).find((p) => p.errorCode !== ErrorCode.NONE)?.errorCode ?? ErrorCode.NONE;
    for (let i = 0; ; i++) {
      const code = firstError(await client.send(ApiKey.OffsetCommit, OFFSET_COMMIT_VERSION, commitRequest(o, 0n, 0, partitionCount)));
      if (code === ErrorCode.NONE) break;
      if (i === 500) throw new Error(`OffsetCommit warm-up: error code ${code}`);
      await sleep(20);
    }
    let next = 0;
    let completed = 0;
    const t0 = performance.now();
    const end = t0 + o.durationMs;
    const lane = async (): Promise<void> => {
      while (performance.now() < end) {
        const n = next++;
        const r = await client.send(ApiKey.OffsetCommit, OFFSET_COMMIT_VERSION, commitRequest(o, BigInt(n + 1), n * o.partitionsPerRequest, partitionCount));
        const code = firstError(r);
        if (code !== ErrorCode.NONE) throw new Error(`OffsetCommit failed with error code ${code}`);
        completed++;
      }
    };
    await Promise.all(Array.from({ length: o.inFlight }, lane));
    const seconds = (performance.now() - t0) / 1000;
    return { requestsPerSec: completed / seconds, offsetsPerSec: (completed * o.partitionsPerRequest) / seconds };
  } finally {
    client.close();
  }
}
