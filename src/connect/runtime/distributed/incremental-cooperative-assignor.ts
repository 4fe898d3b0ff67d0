/**
 * Kafka Connect's IncrementalCooperativeAssignor (KIP-415; protocols `compatible` and
 * `sessioned`): workers keep what they run across rebalances; the leader sends each worker only
 * what to start and what to stop. Work of a worker that left is held back for
 * `scheduled.rebalance.max.delay.ms` in case it returns, then given to the others.
 */
import type { Logger } from '../../../logging/logger.js';
import { silentLogger } from '../../../logging/logger.js';
import { AssignmentError } from './connect-protocol.js';
import type { ConnectAssignment, ConnectorTaskId } from './connect-protocol.js';
import { compareStrings, compareTaskIds, leaderConfig, taskKey, tasksOf } from './connect-assignor.js';
import type { AssignorInput, ConnectAssignor } from './connect-assignor.js';

export interface IncrementalCooperativeAssignorOptions {
  /** scheduled.rebalance.max.delay.ms (Kafka's default 300000). */
  maxDelayMs: number;
  /** The clock (ms), injectable for tests; default Date.now. */
  now?: () => number;
  logger?: Logger;
}

/** An insertion-ordered set of connectors and tasks (Kafka's ConnectorsAndTasks with LinkedHashSets). */
class Work {
  readonly connectors = new Set<string>();
  readonly tasks = new Map<string, ConnectorTaskId>();

  static of(connectors: Iterable<string>, tasks: Iterable<ConnectorTaskId>): Work {
    const w = new Work();
    for (const c of connectors) w.connectors.add(c);
    for (const t of tasks) w.tasks.set(taskKey(t), t);
    return w;
  }

  addAll(other: Work): this {
    for (const c of other.connectors) this.connectors.add(c);
    for (const [k, t] of other.tasks) this.tasks.set(k, t);
    return this;
  }

  removeAll(other: Work): this {
    for (const c of other.connectors) this.connectors.delete(c);
    for (const k of other.tasks.keys()) this.tasks.delete(k);
    return this;
  }

  get isEmpty(): boolean {
    return this.connectors.size === 0 && this.tasks.size === 0;
  }

  /** `base` minus every `toSubtract`, sorted (Kafka builds the difference in TreeSets). */
  static diff(base: Work, ...toSubtract: Work[]): Work {
    const connectors = [...base.connectors].filter((c) => !toSubtract.some((s) => s.connectors.has(c))).sort(compareStrings);
    const tasks = [...base.tasks.values()].filter((t) => !toSubtract.some((s) => s.tasks.has(taskKey(t)))).sort(compareTaskIds);
    return Work.of(connectors, tasks);
  }
}

/** One worker's load while the assignment is computed (Kafka's WorkerLoad: lists, in order). */
interface WorkerLoad {
  worker: string;
  connectors: string[];
  tasks: ConnectorTaskId[];
}

const byConnectors = (a: WorkerLoad, b: WorkerLoad): number => a.connectors.length - b.connectors.length || compareStrings(a.worker, b.worker);
const byTasks = (a: WorkerLoad, b: WorkerLoad): number => a.tasks.length - b.tasks.length || compareStrings(a.worker, b.worker);

/**
 * The leader's algorithm, state kept across rebalances (only meaningful while this worker stays
 * leader; a generation gap clears the view of the previous assignment):
 *
 * - configured = the connectors and tasks of the config snapshot; active = what members report running
 * - deleted = previous − configured (revoked from whoever runs them); duplicated = run by two members (revoked)
 * - lost = previous − active − deleted: held back while a departed worker may return. The first
 *   time, a delay of maxDelay is scheduled and sent to everyone (they rejoin when it expires); when
 *   it has expired, lost work goes to the workers that joined empty meanwhile, or as new work.
 * - created = configured − previous − active
 * - load balancing (only when no delay is active): revoke from workers above the balanced share;
 *   successive revoking rounds are spaced by an exponential backoff (1 ms × 40^n, capped at maxDelay)
 * - created and reassigned work goes to the least-loaded workers (connectors, then tasks).
 */
export class IncrementalCooperativeAssignor implements ConnectAssignor {
  private readonly maxDelay: number;
  private readonly now: () => number;
  private readonly logger: Logger;
  private previousAssignment = new Work();
  private readonly previousRevocation = new Work();
  private revokedInPrevious = false;
  private readonly candidateWorkersForReassignment = new Set<string>();
  private scheduledRebalance = 0;
  private delay = 0;
  private previousGenerationId = -1;
  private previousMembers = new Set<string>();
  private numSuccessiveRevokingRebalances = 0;

  constructor(options: IncrementalCooperativeAssignorOptions) {
    this.maxDelay = options.maxDelayMs;
    this.now = options.now ?? Date.now;
    this.logger = options.logger ?? silentLogger();
  }

  performAssignment(input: AssignorInput): Map<string, ConnectAssignment> {
    const leader = input.members.find((m) => m.memberId === input.leaderId);
    if (leader === undefined) throw new Error(`the leader ${input.leaderId} is not among the members`);
    const fill = (error: number, offset: bigint, perMember: (id: string) => Pick<ConnectAssignment, 'connectors' | 'tasks' | 'revokedConnectors' | 'revokedTasks'>, delay: number): Map<string, ConnectAssignment> =>
      new Map(input.members.map((m) => [m.memberId, { version: input.protocolVersion, error, leader: input.leaderId, leaderUrl: leader.state.url, configOffset: offset, delay, ...perMember(m.memberId) }]));
    const config = leaderConfig(input);
    if (config.snapshot === null) {
      return fill(AssignmentError.CONFIG_MISMATCH, config.maxOffset, () => ({ connectors: [], tasks: [], revokedConnectors: [], revokedTasks: [] }), 0);
    }
    const memberAssignments = new Map(input.members.map((m) => [m.memberId, Work.of(m.state.assignment?.connectors ?? [], m.state.assignment?.tasks ?? [])]));
    const result = this.computeAssignment(config.snapshot, input.lastCompletedGeneration ?? -1, input.generation ?? -1, memberAssignments);
    return fill(AssignmentError.NONE, config.offset, (id) => ({
      connectors: result.assignedConnectors.get(id) ?? [],
      tasks: result.assignedTasks.get(id) ?? [],
      revokedConnectors: [...(result.revoked.get(id)?.connectors ?? [])],
      revokedTasks: [...(result.revoked.get(id)?.tasks.values() ?? [])],
    }), this.delay);
  }

  /** The scheduled delay of the last assignment (0 for none). */
  get currentDelay(): number {
    return this.delay;
  }

  private computeAssignment(
    snapshot: NonNullable<ReturnType<typeof leaderConfig>['snapshot']>,
    lastCompletedGenerationId: number,
    currentGenerationId: number,
    memberAssignments: Map<string, Work>,
  ): { assignedConnectors: Map<string, string[]>; assignedTasks: Map<string, ConnectorTaskId[]>; revoked: Map<string, Work> } {
    if (this.previousGenerationId !== lastCompletedGenerationId) {
      this.logger.debug({ previousGenerationId: this.previousGenerationId, lastCompletedGenerationId }, 'generation mismatch: clearing the view of the previous assignment');
      this.previousAssignment = new Work();
    }
    const configuredConnectors = [...snapshot.connectors.keys()].sort(compareStrings);
    const configured = Work.of(configuredConnectors, configuredConnectors.flatMap((c) => tasksOf(snapshot, c)));
    const active = new Work();
    for (const w of memberAssignments.values()) active.addAll(w);

    // A previous revocation that did not take effect: start again from what is really running.
    if (!this.previousRevocation.isEmpty) {
      const notApplied = [...this.previousRevocation.connectors].some((c) => active.connectors.has(c)) || [...this.previousRevocation.tasks.keys()].some((k) => active.tasks.has(k));
      if (notApplied) this.previousAssignment = Work.of(active.connectors, active.tasks.values());
      this.previousRevocation.connectors.clear();
      this.previousRevocation.tasks.clear();
    }

    const deleted = Work.diff(this.previousAssignment, configured);
    const duplicated = duplicatedAssignments(memberAssignments);
    const lost = Work.diff(this.previousAssignment, active, deleted);
    const created = Work.diff(configured, this.previousAssignment, active);

    const currentWorkerAssignment = workerLoads(memberAssignments, deleted);
    const toRevoke = new Map<string, Work>();
    const deletedToRevoke = intersection(deleted, memberAssignments);
    addAll(toRevoke, deletedToRevoke);
    const duplicatedToRevoke = intersection(duplicated, memberAssignments);
    addAll(toRevoke, duplicatedToRevoke);

    const nextWorkerAssignment = workerLoads(memberAssignments, new Work());
    removeAll(nextWorkerAssignment, deletedToRevoke);
    removeAll(nextWorkerAssignment, duplicatedToRevoke);

    const lostToReassign = new Work();
    this.handleLostAssignments(lost, lostToReassign, nextWorkerAssignment);

    if (this.delay === 0) {
      const balancing = performLoadBalancingRevocations(configured, nextWorkerAssignment);
      if (this.revokedInPrevious && balancing.size > 0) {
        this.numSuccessiveRevokingRebalances++;
        this.delay = revokingBackoff(this.numSuccessiveRevokingRebalances, this.maxDelay);
        if (this.delay !== 0) {
          this.scheduledRebalance = this.now() + this.delay;
          this.logger.debug({ delay: this.delay }, 'consecutive revoking rebalances: revocations postponed');
        } else {
          addAll(toRevoke, balancing);
          removeAll(nextWorkerAssignment, balancing);
        }
      } else if (balancing.size > 0) {
        addAll(toRevoke, balancing);
        removeAll(nextWorkerAssignment, balancing);
        this.revokedInPrevious = true;
      } else if (this.revokedInPrevious) {
        this.revokedInPrevious = false;
        this.numSuccessiveRevokingRebalances = 0;
      }
    } else {
      this.revokedInPrevious = false;
    }

    const toAssign = new Work().addAll(created).addAll(lostToReassign);
    assignConnectors(nextWorkerAssignment, [...toAssign.connectors]);
    assignTasks(nextWorkerAssignment, [...toAssign.tasks.values()]);

    const current = new Map(currentWorkerAssignment.map((w) => [w.worker, w]));
    const assignedConnectors = new Map<string, string[]>();
    const assignedTasks = new Map<string, ConnectorTaskId[]>();
    for (const w of nextWorkerAssignment) {
      const before = current.get(w.worker);
      const hadConnectors = new Set(before?.connectors ?? []);
      const hadTasks = new Set((before?.tasks ?? []).map(taskKey));
      assignedConnectors.set(w.worker, w.connectors.filter((c) => !hadConnectors.has(c)));
      assignedTasks.set(w.worker, w.tasks.filter((t) => !hadTasks.has(taskKey(t))));
    }

    // The view for the next round: what everyone runs after this one, minus the revoked, plus what is held back.
    const previous = new Work();
    for (const w of nextWorkerAssignment) previous.addAll(Work.of(w.connectors, w.tasks));
    for (const r of toRevoke.values()) {
      previous.removeAll(r);
      this.previousRevocation.addAll(r);
    }
    previous.addAll(lost);
    this.previousAssignment = previous;
    this.previousGenerationId = currentGenerationId;
    this.previousMembers = new Set(memberAssignments.keys());
    return { assignedConnectors, assignedTasks, revoked: toRevoke };
  }

  private handleLostAssignments(lost: Work, toReassign: Work, workers: WorkerLoad[]): void {
    if (lost.isEmpty && !this.revokedInPrevious) {
      this.resetDelay();
      return;
    }
    const now = this.now();
    const activeMembers = new Set(workers.map((w) => w.worker));
    if (this.scheduledRebalance <= 0 && [...this.previousMembers].every((m) => activeMembers.has(m))) {
      // No worker left: the work is missing because some worker missed the last assignment.
      toReassign.addAll(lost);
      return;
    }
    if (this.maxDelay === 0) {
      toReassign.addAll(lost);
      return;
    }
    if (this.scheduledRebalance > 0 && now >= this.scheduledRebalance) {
      // The delay expired: the lost work goes to the workers that joined empty meanwhile, else as new work.
      const candidates = [...this.candidateWorkersForReassignment].map((id) => workers.find((w) => w.worker === id)).filter((w): w is WorkerLoad => w !== undefined);
      if (candidates.length > 0) {
        let i = 0;
        for (const c of lost.connectors) candidates[i++ % candidates.length]!.connectors.push(c);
        i = 0;
        for (const t of lost.tasks.values()) candidates[i++ % candidates.length]!.tasks.push(t);
      } else {
        toReassign.addAll(lost);
      }
      this.resetDelay();
      this.revokedInPrevious = false;
      return;
    }
    for (const w of workers) if (w.connectors.length === 0 && w.tasks.length === 0) this.candidateWorkersForReassignment.add(w.worker);
    if (now < this.scheduledRebalance) {
      const diff = this.scheduledRebalance - now;
      this.delay = diff > 0 ? Math.min(diff, this.maxDelay) : 0;
    } else {
      this.delay = this.maxDelay;
    }
    this.scheduledRebalance = now + this.delay;
    this.logger.debug({ delay: this.delay, lost: { connectors: [...lost.connectors], tasks: [...lost.tasks.keys()] } }, 'work of a departed worker held back');
  }

  private resetDelay(): void {
    this.candidateWorkersForReassignment.clear();
    this.scheduledRebalance = 0;
    this.delay = 0;
  }
}

/** Kafka's ExponentialBackoff(initial 1 (0 when maxDelay is 0), multiplier 40, max maxDelay, no jitter). */
function revokingBackoff(attempts: number, maxDelay: number): number {
  const initial = maxDelay === 0 ? 0 : 1;
  const expMax = maxDelay > initial ? Math.log(maxDelay / Math.max(initial, 1)) / Math.log(40) : 0;
  if (expMax === 0) return initial;
  const value = Math.floor(initial * Math.pow(40, Math.min(attempts, expMax)));
  return value > maxDelay ? maxDelay : value;
}

function duplicatedAssignments(members: Map<string, Work>): Work {
  const connectorCounts = new Map<string, number>();
  const taskCounts = new Map<string, { task: ConnectorTaskId; n: number }>();
  for (const w of members.values()) {
    for (const c of w.connectors) connectorCounts.set(c, (connectorCounts.get(c) ?? 0) + 1);
    for (const [k, t] of w.tasks) taskCounts.set(k, { task: t, n: (taskCounts.get(k)?.n ?? 0) + 1 });
  }
  return Work.of([...connectorCounts].filter(([, n]) => n > 1).map(([c]) => c), [...taskCounts.values()].filter((x) => x.n > 1).map((x) => x.task));
}

/** Per member: the part of `work` it runs. */
function intersection(work: Work, members: Map<string, Work>): Map<string, Work> {
  const out = new Map<string, Work>();
  for (const [id, w] of members) out.set(id, Work.of([...w.connectors].filter((c) => work.connectors.has(c)), [...w.tasks.values()].filter((t) => work.tasks.has(taskKey(t)))));
  return out;
}

function addAll(target: Map<string, Work>, add: Map<string, Work>): void {
  for (const [id, w] of add) {
    if (w.isEmpty && target.has(id)) continue;
    let t = target.get(id);
    if (t === undefined) {
      t = new Work();
      target.set(id, t);
    }
    t.addAll(w);
  }
}

function removeAll(loads: WorkerLoad[], remove: Map<string, Work>): void {
  for (const l of loads) {
    const r = remove.get(l.worker);
    if (r === undefined) continue;
    l.connectors = l.connectors.filter((c) => !r.connectors.has(c));
    l.tasks = l.tasks.filter((t) => !r.tasks.has(taskKey(t)));
  }
}

/** The members' loads (sorted by member id, for a deterministic order), without `exclude`. */
function workerLoads(members: Map<string, Work>, exclude: Work): WorkerLoad[] {
  return [...members]
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([worker, w]) => ({ worker, connectors: [...w.connectors].filter((c) => !exclude.connectors.has(c)), tasks: [...w.tasks.values()].filter((t) => !exclude.tasks.has(taskKey(t))) }));
}

function performLoadBalancingRevocations(configured: Work, workers: WorkerLoad[]): Map<string, Work> {
  if (workers.every((w) => w.connectors.length === 0 && w.tasks.length === 0)) return new Map();
  if (configured.isEmpty) return new Map();
  const result = new Map<string, Work>();
  const connectorRevocations = balancingRevocations(configured.connectors.size, workers, (w) => w.connectors);
  const taskRevocations = balancingRevocations(configured.tasks.size, workers, (w) => w.tasks);
  for (const [worker, revoked] of connectorRevocations) result.set(worker, Work.of(revoked, []));
  for (const [worker, revoked] of taskRevocations) {
    const w = result.get(worker) ?? new Work();
    for (const t of revoked) w.tasks.set(taskKey(t), t);
    result.set(worker, w);
  }
  return result;
}

/** What to take from each worker above its balanced share of `total` (Kafka's loadBalancingRevocations). */
function balancingRevocations<E>(total: number, workers: WorkerLoad[], allocation: (w: WorkerLoad) => E[]): Map<string, E[]> {
  const minPerWorker = Math.floor(total / workers.length);
  const workersWithExtra = total % workers.length;
  const atMinimum = workers.filter((w) => allocation(w).length === minPerWorker).length;
  const atExtra = workers.filter((w) => allocation(w).length === minPerWorker + 1).length;
  if (atExtra === workersWithExtra && atMinimum + atExtra === workers.length) return new Map();
  const result = new Map<string, E[]>();
  let allocatedExtras = 0;
  for (const w of workers) {
    const size = allocation(w).length;
    if (size <= minPerWorker) continue;
    let max: number;
    if (allocatedExtras < workersWithExtra) {
      allocatedExtras++;
      if (size === minPerWorker + 1) continue;
      max = minPerWorker + 1;
    } else {
      max = minPerWorker;
    }
    result.set(w.worker, allocation(w).slice(0, size - max));
  }
  return result;
}

/** Round-robin over the least-loaded workers first (Kafka's assignConnectors, step for step). */
function assignConnectors(workers: WorkerLoad[], connectors: string[]): void {
  if (connectors.length === 0) return;
  workers.sort(byConnectors);
  const first = workers[0]!;
  let next = 0;
  while (next < connectors.length) {
    const firstLoad = first.connectors.length;
    let upTo = workers.findIndex((w) => w.connectors.length > firstLoad);
    if (upTo < 0) upTo = workers.length;
    for (const w of workers.slice(0, upTo)) {
      w.connectors.push(connectors[next++]!);
      if (next >= connectors.length) break;
    }
  }
}

/** Round-robin over the least-loaded workers first (Kafka's assignTasks, step for step). */
function assignTasks(workers: WorkerLoad[], tasks: ConnectorTaskId[]): void {
  if (tasks.length === 0) return;
  workers.sort(byTasks);
  const first = workers[0]!;
  let next = 0;
  while (next < tasks.length) {
    const firstLoad = first.tasks.length;
    let upTo = workers.findIndex((w) => w.tasks.length > firstLoad);
    if (upTo < 0) upTo = workers.length;
    for (const w of workers.slice(0, upTo)) {
      w.tasks.push(tasks[next++]!);
      if (next >= tasks.length) break;
    }
  }
}
