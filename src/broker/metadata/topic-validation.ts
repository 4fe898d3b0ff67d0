/**
 * The checks every MetadataStore makes before creating topics or partitions, whatever keeps the
 * metadata (a local file, ZooKeeper): Kafka's topic name rules, existing and colliding names,
 * partition counts, and explicit replica assignments against the known brokers.
 */
import type { MetadataError } from './metadata-store.js';
import { collisionKey, hasCollisionChars, topicNameProblem } from './topic-name.js';

/**
 * Upper bound on the partitions one request may create. Kafka has no such limit, but a single
 * CreateTopics/CreatePartitions asking for millions of partitions (a typo, or a fuzzer) would
 * exhaust memory and file handles; this refuses it with INVALID_PARTITIONS instead.
 */
export const MAX_PARTITIONS_PER_REQUEST = 100_000;

export interface ValidationFailure {
  ok: false;
  error: MetadataError;
  message: string;
}

/** Why a topic called `name` cannot be created next to `existing` topics, or null. */
export function newTopicProblem(name: string, existing: Iterable<string>): ValidationFailure | null {
  const problem = topicNameProblem(name);
  if (problem !== null) return { ok: false, error: 'INVALID_TOPIC_EXCEPTION', message: problem };
  const names = [...existing];
  if (names.includes(name)) return { ok: false, error: 'TOPIC_ALREADY_EXISTS', message: `Topic '${name}' already exists.` };
  if (hasCollisionChars(name)) {
    const clash = names.find((t) => collisionKey(t) === collisionKey(name));
    if (clash !== undefined) return { ok: false, error: 'INVALID_TOPIC_EXCEPTION', message: `Topic '${name}' collides with existing topic: ${clash}` };
  }
  return null;
}

/** Why `count` partitions cannot be created in one request, or null. */
export function partitionCountProblem(count: number): ValidationFailure | null {
  if (count <= 0) return { ok: false, error: 'INVALID_PARTITIONS', message: 'Number of partitions must be larger than 0.' };
  if (count > MAX_PARTITIONS_PER_REQUEST) {
    return { ok: false, error: 'INVALID_PARTITIONS', message: `Cannot create ${count} partitions at once (at most ${MAX_PARTITIONS_PER_REQUEST}).` };
  }
  return null;
}

/** Why explicit replica lists for partitions `from`, `from + 1`, ... are not acceptable with `brokers`, or null. */
export function assignmentProblem(assignments: readonly number[][], from: number, brokers: ReadonlySet<number>): ValidationFailure | null {
  if (assignments.length > MAX_PARTITIONS_PER_REQUEST) return partitionCountProblem(assignments.length);
  for (const [i, replicas] of assignments.entries()) {
    if (replicas.length === 0 || new Set(replicas).size !== replicas.length) {
      return { ok: false, error: 'INVALID_REPLICA_ASSIGNMENT', message: `Duplicate or empty replica list for partition ${from + i}: ${replicas.join(',')}` };
    }
    const unknown = replicas.find((r) => !brokers.has(r));
    if (unknown !== undefined) return { ok: false, error: 'INVALID_REPLICA_ASSIGNMENT', message: `Unknown broker ${unknown} in replica assignment for partition ${from + i}` };
  }
  return null;
}

/** Why growing a topic from `current` to `totalCount` partitions (with `assignments` for the new ones, if given) is refused, or null. */
export function partitionIncreaseProblem(current: number, totalCount: number, assignments: readonly number[][] | undefined): ValidationFailure | null {
  if (totalCount <= current) {
    return { ok: false, error: 'INVALID_PARTITIONS', message: `Topic currently has ${current} partitions, which is higher than the requested ${totalCount}.` };
  }
  if (assignments !== undefined && assignments.length !== totalCount - current) {
    return { ok: false, error: 'INVALID_REPLICA_ASSIGNMENT', message: `Increasing the number of partitions by ${totalCount - current} but ${assignments.length} assignments provided.` };
  }
  return null;
}

/** What Kafka answers for a topic this cluster does not have. */
export const UNKNOWN_TOPIC: ValidationFailure = Object.freeze({ ok: false, error: 'UNKNOWN_TOPIC_OR_PARTITION', message: 'This server does not host this topic-partition.' });
