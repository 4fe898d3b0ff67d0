/**
 * A Connect worker's membership of its cluster's group (Kafka's WorkerGroupMember +
 * WorkerCoordinator): joins the `connect` group with the worker's URL and config offset, lets the
 * leader assign connectors and tasks (EagerAssignor for protocol `default`, the incremental
 * cooperative assignor for `compatible` / `sessioned`), and hands each assignment and revocation
 * to the herder through `onAssigned` / `onRevoked`.
 */
import type { Kafka } from '../../../client/kafka.js';
import type { GroupMember, GroupMemberMetadata, GroupProtocolMetadata } from '../../../client/group/group-member.js';
import { silentLogger } from '../../../logging/logger.js';
import type { Logger } from '../../../logging/logger.js';
import {
  assignmentFailed,
  compatibilityOfProtocol,
  CONNECT_PROTOCOL_NAMES,
  CONNECT_PROTOCOL_V0,
  CONNECT_PROTOCOL_V1,
  CONNECT_PROTOCOL_V2,
  CONNECT_PROTOCOL_VERSIONS,
  decodeAssignment,
  decodeWorkerState,
  encodeAssignment,
  encodeWorkerState,
} from './connect-protocol.js';
import type { ConnectAssignment, ConnectorTaskId, ConnectProtocolCompatibility, WorkerState } from './connect-protocol.js';
import { taskKey } from './connect-assignor.js';
import type { AssignorMember, ConfigSnapshot, ConnectAssignor } from './connect-assignor.js';
import { EagerAssignor } from './eager-assignor.js';
import { IncrementalCooperativeAssignor } from './incremental-cooperative-assignor.js';

/** What a worker stops running: everything it had (eager) or what the leader revoked (cooperative). */
export interface RevokedWork {
  /** The leader of the generation that assigned it. */
  leader: string;
  connectors: string[];
  tasks: ConnectorTaskId[];
}

/** How a worker takes part in its Connect cluster's group: the group, its URL, the protocol and the group timeouts. */
export interface WorkerGroupSettings {
  /** group.id of the Connect cluster. */
  groupId: string;
  /** This worker's REST URL as other workers reach it (rest.advertised.*, the REST server's advertised URL), sent in its metadata. */
  workerUrl: string;
  /** connect.protocol: eager (`default`), compatible or sessioned; default sessioned. */
  protocols?: ConnectProtocolCompatibility;
  /** session.timeout.ms, default 10000. */
  sessionTimeoutMs?: number;
  /** heartbeat.interval.ms, default 3000. */
  heartbeatIntervalMs?: number;
  /** rebalance.timeout.ms, default 60000. */
  rebalanceTimeoutMs?: number;
  /** scheduled.rebalance.max.delay.ms, default 300000: how long a departed worker's work waits for it to return. */
  scheduledRebalanceMaxDelayMs?: number;
  /** retry.backoff.ms, default 100. */
  retryBackoffMs?: number;
}

export interface WorkerGroupMemberOptions extends WorkerGroupSettings {
  kafka: Kafka;
  /** The offset of the config topic this worker has read up to. */
  configOffset(): bigint;
  /** The connectors this worker knows with their task counts (read when it joins, and when it leads). */
  configSnapshot(): { connectors: ReadonlyMap<string, number> };
  /**
   * A new assignment (after every rebalance). Cooperative protocols: the full set this worker now
   * runs (what it kept plus what was added). A failed assignment (error CONFIG_MISMATCH) means:
   * read the config topic to at least `assignment.configOffset`; the member rejoins once this
   * callback returns.
   */
  onAssigned(assignment: ConnectAssignment, generation: number): void | Promise<void>;
  /** Work to stop before the rebalance goes on (awaited). */
  onRevoked(revoked: RevokedWork): void | Promise<void>;
  /** The member stopped on an error it cannot recover from. */
  onFatalError?(error: Error): void;
  logger?: Logger;
}

/** The leader's view of the last assignment: who runs what, and their URLs (Kafka's LeaderState). */
interface LeaderState {
  urls: Map<string, string>;
  connectorOwners: Map<string, string>;
  taskOwners: Map<string, string>;
}

/**
 * `start()` joins (and keeps the membership alive in the background); `ensureActive()` waits for
 * an assignment; `requestRejoin()` triggers a rebalance (the herder calls it after a config change
 * as leader); `stop()` leaves the group. Assignments with a `delay` make the member rejoin after
 * that delay; cooperative revocations make it rejoin at once, as Kafka's herder does.
 */
export class WorkerGroupMember {
  private readonly options: WorkerGroupMemberOptions;
  private readonly logger: Logger;
  private readonly member: GroupMember;
  private readonly mode: ConnectProtocolCompatibility;
  private readonly eagerAssignor = new EagerAssignor();
  private readonly incrementalAssignor: ConnectAssignor;
  /** The protocol of the last completed generation (the configured mode until then). */
  private currentMode: ConnectProtocolCompatibility;
  private assignmentSnapshot: ConnectAssignment | null = null;
  private joinSnapshot: ConfigSnapshot | null = null;
  private leaderStateValue: LeaderState | null = null;
  private delayTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private lastCompletedGeneration = -1;

  constructor(options: WorkerGroupMemberOptions) {
    this.options = options;
    this.logger = (options.logger ?? silentLogger()).child({ groupId: options.groupId, workerUrl: options.workerUrl });
    this.mode = options.protocols ?? 'sessioned';
    if (!(this.mode in CONNECT_PROTOCOL_NAMES)) throw new Error(`connect.protocol must be eager, compatible or sessioned, not ${String(this.mode)}`);
    this.currentMode = this.mode;
    this.incrementalAssignor = new IncrementalCooperativeAssignor({ maxDelayMs: options.scheduledRebalanceMaxDelayMs ?? 300_000, logger: this.logger });
    this.member = options.kafka.groupMember({
      groupId: options.groupId,
      protocolType: 'connect',
      sessionTimeoutMs: options.sessionTimeoutMs ?? 10_000,
      rebalanceTimeoutMs: options.rebalanceTimeoutMs ?? 60_000,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 3000,
      retryBackoffMs: options.retryBackoffMs,
      logger: options.logger,
      callbacks: {
        metadata: () => this.metadata(),
        onJoinPrepare: () => this.onJoinPrepare(),
        performAssignment: (leaderId, protocol, members, generation) => this.performAssignment(leaderId, protocol, members, generation),
        onJoinComplete: (generation, memberId, protocol, bytes) => this.onJoinComplete(generation, memberId, protocol, bytes),
        onFatalError: (error) => options.onFatalError?.(error),
      },
    });
  }

  /** Connects and starts joining; see `ensureActive` to wait for the first assignment. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.member.start();
  }

  /** Resolves with the current assignment once the member has one and no rebalance is pending. */
  async ensureActive(): Promise<ConnectAssignment> {
    for (;;) {
      await this.member.awaitJoin();
      const a = this.assignmentSnapshot;
      if (a !== null && this.member.isStable) return a;
      await new Promise((resolve) => setTimeout(resolve, 10)); // a rejoin is about to start
    }
  }

  /** Asks the group to rebalance. */
  requestRejoin(reason = 'requested by the herder'): void {
    this.member.requestRejoin(reason);
  }

  /** Leaves the group and closes its connections (the herder stops its work itself). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.clearDelayTimer();
    await this.member.stop();
    this.leaderStateValue = null;
  }

  /** The current assignment (null before the first join). */
  get assignment(): ConnectAssignment | null {
    return this.assignmentSnapshot;
  }

  get memberId(): string {
    return this.member.memberId;
  }

  get generation(): number {
    return this.member.generation;
  }

  /** Whether this worker is the leader of the current assignment. */
  get isLeader(): boolean {
    const a = this.assignmentSnapshot;
    return a !== null && a.leader !== '' && a.leader === this.member.memberId;
  }

  /** The leader's REST URL (null before the first assignment). */
  get leaderUrl(): string | null {
    return this.assignmentSnapshot?.leaderUrl ?? null;
  }

  /** The protocol version in use: 0 eager, 1 compatible, 2 sessioned. */
  get currentProtocolVersion(): number {
    return CONNECT_PROTOCOL_VERSIONS[this.currentMode];
  }

  /**
   * Leader only, outside a rebalance: the URL of the worker running a connector (a name) or a task
   * (a ConnectorTaskId), else null (Kafka's WorkerCoordinator.ownerUrl).
   */
  ownerUrl(target: string | ConnectorTaskId): string | null {
    const state = this.leaderStateValue;
    if (state === null || !this.isLeader || !this.member.isStable) return null;
    const owner = typeof target === 'string' ? state.connectorOwners.get(target) : state.taskOwners.get(taskKey(target));
    return owner === undefined ? null : (state.urls.get(owner) ?? null);
  }

  // ---- the coordinator callbacks ----

  private metadata(): GroupProtocolMetadata[] {
    const snapshot: ConfigSnapshot = { offset: this.options.configOffset(), connectors: this.options.configSnapshot().connectors };
    this.joinSnapshot = snapshot;
    const state: WorkerState = { url: this.options.workerUrl, configOffset: snapshot.offset, assignment: this.assignmentSnapshot };
    const eager = { name: CONNECT_PROTOCOL_NAMES.eager, metadata: encodeWorkerState(state, CONNECT_PROTOCOL_V0) };
    const compatible = { name: CONNECT_PROTOCOL_NAMES.compatible, metadata: encodeWorkerState(state, CONNECT_PROTOCOL_V1) };
    const sessioned = { name: CONNECT_PROTOCOL_NAMES.sessioned, metadata: encodeWorkerState(state, CONNECT_PROTOCOL_V2) };
    switch (this.mode) {
      case 'eager':
        return [eager];
      case 'compatible':
        return [compatible, eager];
      case 'sessioned':
        return [sessioned, compatible, eager];
    }
  }

  private async onJoinPrepare(): Promise<void> {
    this.leaderStateValue = null;
    this.clearDelayTimer();
    const a = this.assignmentSnapshot;
    if (this.currentMode === 'eager') {
      // Eager: everything stops before the group rebalances.
      if (a !== null && !assignmentFailed(a)) await this.options.onRevoked({ leader: a.leader, connectors: [...a.connectors], tasks: [...a.tasks] });
      this.assignmentSnapshot = null;
    } else {
      this.logger.debug('cooperative rebalance: keeping the assignment until the leader revokes it');
    }
  }

  private performAssignment(leaderId: string, protocol: string, members: GroupMemberMetadata[], generation: number): Map<string, Uint8Array> {
    const mode = compatibilityOfProtocol(protocol);
    const protocolVersion = CONNECT_PROTOCOL_VERSIONS[mode];
    const decoded: AssignorMember[] = members.map((m) => ({ memberId: m.memberId, state: decodeWorkerState(m.metadata) }));
    const snapshot = this.joinSnapshot ?? { offset: this.options.configOffset(), connectors: this.options.configSnapshot().connectors };
    const assignor = mode === 'eager' ? this.eagerAssignor : this.incrementalAssignor;
    const assignments = assignor.performAssignment({
      leaderId,
      protocolVersion,
      members: decoded,
      snapshot,
      generation,
      lastCompletedGeneration: this.lastCompletedGeneration,
      freshSnapshot: () => ({ offset: this.options.configOffset(), connectors: this.options.configSnapshot().connectors }),
    });
    // Who runs what after this round, for ownerUrl (cooperative: what each member keeps plus what it gets).
    const urls = new Map(decoded.map((m) => [m.memberId, m.state.url]));
    const connectorOwners = new Map<string, string>();
    const taskOwners = new Map<string, string>();
    for (const m of decoded) {
      const a = assignments.get(m.memberId);
      if (a === undefined || assignmentFailed(a)) continue;
      const kept = mode === 'eager' || m.state.assignment === null ? { connectors: [], tasks: [] } : m.state.assignment;
      const revokedConnectors = new Set(a.revokedConnectors);
      const revokedTasks = new Set(a.revokedTasks.map(taskKey));
      for (const c of [...kept.connectors.filter((c) => !revokedConnectors.has(c)), ...a.connectors]) connectorOwners.set(c, m.memberId);
      for (const t of [...kept.tasks.filter((t) => !revokedTasks.has(taskKey(t))), ...a.tasks]) taskOwners.set(taskKey(t), m.memberId);
    }
    this.leaderStateValue = { urls, connectorOwners, taskOwners };
    return new Map([...assignments].map(([id, a]) => [id, encodeAssignment(a)]));
  }

  private async onJoinComplete(generation: number, memberId: string, protocol: string, bytes: Uint8Array): Promise<void> {
    const received = decodeAssignment(bytes);
    this.currentMode = compatibilityOfProtocol(protocol);
    let assignment = received;
    const hasRevocations = received.revokedConnectors.length > 0 || received.revokedTasks.length > 0;
    if (this.currentMode !== 'eager') {
      if (hasRevocations) await this.options.onRevoked({ leader: received.leader, connectors: [...received.revokedConnectors], tasks: [...received.revokedTasks] });
      const previous = this.assignmentSnapshot;
      if (previous !== null && !assignmentFailed(received)) {
        // The leader sends only what changes: this worker keeps what it ran minus the revoked.
        const revokedConnectors = new Set(received.revokedConnectors);
        const revokedTasks = new Set(received.revokedTasks.map(taskKey));
        const connectors = [...new Set([...received.connectors, ...previous.connectors.filter((c) => !revokedConnectors.has(c))])];
        const seen = new Set<string>();
        const tasks: ConnectorTaskId[] = [];
        for (const t of [...received.tasks, ...previous.tasks.filter((t) => !revokedTasks.has(taskKey(t)))]) {
          if (seen.has(taskKey(t))) continue;
          seen.add(taskKey(t));
          tasks.push(t);
        }
        assignment = { ...received, connectors, tasks };
      }
    }
    this.lastCompletedGeneration = generation;
    this.assignmentSnapshot = assignmentFailed(received) && this.currentMode !== 'eager' ? this.assignmentSnapshot : assignment;
    this.logger.info({ generation, memberId, protocol, leader: received.leader, error: received.error, connectors: assignment.connectors, tasks: assignment.tasks.map(taskKey), delay: received.delay }, 'joined group and got assignment');
    await this.options.onAssigned(assignment, generation);
    if (this.stopped) return;
    if (assignmentFailed(received)) {
      this.requestRejoin('the assignment failed (config offset mismatch)');
    } else if (hasRevocations) {
      this.requestRejoin('work was revoked');
    } else if (received.delay > 0) {
      this.clearDelayTimer();
      this.delayTimer = setTimeout(() => {
        this.delayTimer = undefined;
        this.requestRejoin('scheduled rebalance delay expired');
      }, received.delay);
      this.delayTimer.unref();
    }
  }

  private clearDelayTimer(): void {
    if (this.delayTimer !== undefined) clearTimeout(this.delayTimer);
    this.delayTimer = undefined;
  }
}
