/**
 * Generic membership of a classic-protocol group (Kafka's AbstractCoordinator): JoinGroup /
 * SyncGroup / Heartbeat / LeaveGroup for any protocol type (`connect`, or an application's own),
 * with the protocol-specific parts — the metadata offered, the leader's assignment, what happens
 * before and after a rebalance — supplied as callbacks.
 */
import { ApiKey } from '../../protocol/generated/api-definitions.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { silentClientLogger } from '../../logging/client-logger.js';
import type { ClientLogger } from '../../logging/client-logger.js';
import { KafkaClientError, KafkaClientStateError, KafkaConnectionError, KafkaProtocolError } from '../client-errors.js';
import type { Cluster } from '../cluster/cluster.js';
import { backoff } from '../connection/backoff.js';

/** One member of a JoinGroup response, as the leader sees it. */
export interface GroupMemberMetadata {
  memberId: string;
  groupInstanceId: string | null;
  metadata: Uint8Array;
}

/** A protocol offered in JoinGroup: its name and this member's metadata for it. */
export interface GroupProtocolMetadata {
  name: string;
  metadata: Uint8Array;
}

/** The protocol-specific half of a group member (Kafka's AbstractCoordinator abstract methods). */
export interface GroupMemberCallbacks {
  /** The protocols this member supports, preferred first, with its metadata for each (asked before every JoinGroup). */
  metadata(): GroupProtocolMetadata[];
  /**
   * Runs once before each rebalance this member takes part in (before the first JoinGroup of a
   * round): eager protocols give up their assignment here. `generation` and `memberId` are those
   * of the last completed join (-1 and '' when none).
   */
  onJoinPrepare?(generation: number, memberId: string): void | Promise<void>;
  /** Leader only: every member's assignment bytes (members absent from the map get empty bytes); `generation` is the one being formed. */
  performAssignment(leaderId: string, protocol: string, members: GroupMemberMetadata[], generation: number): Map<string, Uint8Array> | Promise<Map<string, Uint8Array>>;
  /** After SyncGroup succeeded: this member's assignment bytes in the new generation. */
  onJoinComplete(generation: number, memberId: string, protocol: string, assignment: Uint8Array): void | Promise<void>;
  /** The member stopped on an error that retrying cannot fix (INCONSISTENT_GROUP_PROTOCOL, an authorization failure, a callback that threw). */
  onFatalError?(error: Error): void;
}

export interface GroupMemberOptions {
  groupId: string;
  /** JoinGroup's protocol type, e.g. `connect`. Every member of a group must use the same one. */
  protocolType: string;
  /** session.timeout.ms, default 10000 (Connect's default). */
  sessionTimeoutMs?: number;
  /** rebalance.timeout.ms, default 60000. */
  rebalanceTimeoutMs?: number;
  /** heartbeat.interval.ms, default 3000. */
  heartbeatIntervalMs?: number;
  /** group.instance.id: static membership (no LeaveGroup on stop). */
  groupInstanceId?: string;
  /** retry.backoff.ms after a failed join, default 100 (grows exponentially up to 10 s while failures repeat). */
  retryBackoffMs?: number;
  callbacks: GroupMemberCallbacks;
  logger?: ClientLogger;
}

/** Errors after which the coordinator must be found again. */
const COORDINATOR_ERRORS: ReadonlySet<number> = new Set([ErrorCode.NOT_COORDINATOR, ErrorCode.COORDINATOR_NOT_AVAILABLE, ErrorCode.COORDINATOR_LOAD_IN_PROGRESS]);
/** Errors after which the member is no longer known under its generation: join again from scratch. */
const RESET_ERRORS: ReadonlySet<number> = new Set([ErrorCode.UNKNOWN_MEMBER_ID, ErrorCode.ILLEGAL_GENERATION, ErrorCode.FENCED_INSTANCE_ID]);
/** Errors that retrying cannot fix. */
const FATAL_ERRORS: ReadonlySet<number> = new Set([ErrorCode.INCONSISTENT_GROUP_PROTOCOL, ErrorCode.GROUP_AUTHORIZATION_FAILED, ErrorCode.INVALID_SESSION_TIMEOUT, ErrorCode.GROUP_MAX_SIZE_REACHED, ErrorCode.FENCED_INSTANCE_ID, ErrorCode.INVALID_GROUP_ID]);

/**
 * A member of a group. `start()` connects and runs the membership loop in the background: find the
 * coordinator, `onJoinPrepare`, JoinGroup (repeated with the member id the broker assigns on
 * MEMBER_ID_REQUIRED), the leader runs `performAssignment`, SyncGroup, `onJoinComplete`, then
 * heartbeats every `heartbeatIntervalMs` on the group connection until a heartbeat says the group
 * rebalances (REBALANCE_IN_PROGRESS), the membership was lost (UNKNOWN_MEMBER_ID,
 * ILLEGAL_GENERATION: join as a new member) or `requestRejoin` is called. A lost coordinator
 * (NOT_COORDINATOR, a closed connection, no answer within the session timeout) is found again
 * with FindCoordinator. Failed joins are retried with exponential backoff. `stop()` sends
 * LeaveGroup (not for a static member) and closes the connections.
 *
 * The callbacks run one at a time on the membership loop (heartbeats continue meanwhile); a
 * callback that throws stops the member (`onFatalError`).
 */
export class GroupMember {
  private readonly cluster: Cluster;
  private readonly options: GroupMemberOptions;
  private readonly callbacks: GroupMemberCallbacks;
  private readonly logger: ClientLogger;
  private running = false;
  /** Between start() and stop(): the connections are open (also after a fatal error stopped the loop). */
  private started = false;
  private loopDone: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  private currentMemberId = '';
  private currentGeneration = -1;
  private leaderId = '';
  private protocolName: string | null = null;
  /** Whether this member holds an assignment of a completed generation (heartbeats run). */
  private stable = false;
  private rejoinNeeded = true;
  private rejoinReason = 'initial join';
  private needsJoinPrepare = true;
  private coordinatorId: number | undefined;
  private joining = false;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private heartbeatInFlight = false;
  private lastHeartbeatOkAt = 0;
  private readonly joinWaiters: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];

  constructor(cluster: Cluster, options: GroupMemberOptions) {
    if (typeof options?.groupId !== 'string' || options.groupId === '') throw new KafkaClientStateError('a group member needs a groupId');
    if (typeof options.protocolType !== 'string' || options.protocolType === '') throw new KafkaClientStateError('a group member needs a protocolType');
    if (options.callbacks === undefined) throw new KafkaClientStateError('a group member needs callbacks');
    this.cluster = cluster;
    this.options = options;
    this.callbacks = options.callbacks;
    this.logger = (options.logger ?? silentClientLogger()).child({ groupId: options.groupId, protocolType: options.protocolType });
  }

  /** The generation of the last completed join, -1 before the first. */
  get generation(): number {
    return this.currentGeneration;
  }

  /** This member's id ('' until the coordinator gave one). */
  get memberId(): string {
    return this.currentMemberId;
  }

  /** The leader of the last completed generation ('' before the first). */
  get leader(): string {
    return this.leaderId;
  }

  /** Whether this member led the last completed generation. */
  get isLeader(): boolean {
    return this.stable && this.leaderId !== '' && this.leaderId === this.currentMemberId;
  }

  /** The protocol the coordinator chose in the last completed generation. */
  get protocol(): string | null {
    return this.protocolName;
  }

  /** Whether the member has a completed generation and no rebalance is pending. */
  get isStable(): boolean {
    return this.stable && !this.rejoinNeeded;
  }

  /** Connects and starts the membership loop; returns at once (see `awaitJoin`). */
  async start(): Promise<void> {
    if (this.started) throw new KafkaClientStateError('the group member is already started');
    await this.cluster.connect();
    this.started = true;
    this.running = true;
    this.loopDone = this.loop();
  }

  /** Resolves when the member next completes a join (at once if it is stable); rejects if it stops first. */
  awaitJoin(): Promise<void> {
    if (this.isStable) return Promise.resolve();
    if (!this.running) return Promise.reject(new KafkaClientStateError('the group member is not running'));
    return new Promise((resolve, reject) => this.joinWaiters.push({ resolve, reject }));
  }

  /** Asks for a rebalance: the member joins again (the other members follow when the coordinator tells them). */
  requestRejoin(reason: string): void {
    if (!this.rejoinNeeded) this.logger.debug({ reason }, 'rejoin requested');
    this.rejoinNeeded = true;
    this.rejoinReason = reason;
    this.wakeLoop();
  }

  /** Leaves the group (LeaveGroup, unless static) and closes the connections. */
  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    this.running = false;
    this.stopHeartbeats();
    // A pending JoinGroup may be held by the coordinator for up to the rebalance timeout, and a
    // connection's requests are answered in order: drop that connection so the leave is not queued behind it.
    if (this.joining && this.coordinatorId !== undefined) this.cluster.closeConnection(this.coordinatorId, 'group');
    this.wakeLoop();
    await this.loopDone?.catch(() => undefined);
    if (this.currentMemberId !== '' && this.options.groupInstanceId === undefined) {
      await this.leaveGroup().catch((err: Error) => this.logger.debug({ err: err.message }, 'LeaveGroup failed'));
    }
    this.stable = false;
    this.currentMemberId = '';
    this.currentGeneration = -1;
    this.failJoinWaiters(new KafkaClientStateError('the group member stopped'));
    await this.cluster.disconnect();
  }

  // ---- the membership loop ----

  private async loop(): Promise<void> {
    let failures = 0;
    while (this.running) {
      if (!this.rejoinNeeded) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
        this.wake = undefined;
        continue;
      }
      try {
        await this.joinGroup();
        failures = 0;
      } catch (err) {
        if (!this.running) break;
        const error = err as Error;
        if (!isRetriable(error)) {
          this.fail(error);
          break;
        }
        failures++;
        const wait = backoff(failures, { initialMs: this.options.retryBackoffMs ?? 100, maxMs: 10_000 });
        this.logger.info({ err: error.message, retryInMs: wait }, 'joining the group failed, retrying');
        await this.sleepUnlessWoken(wait);
      }
    }
  }

  private async joinGroup(): Promise<void> {
    if (this.needsJoinPrepare) {
      this.stopHeartbeats();
      this.stable = false;
      this.logger.debug({ reason: this.rejoinReason, generation: this.currentGeneration }, 'rebalance started');
      await this.runCallback(() => this.callbacks.onJoinPrepare?.(this.currentGeneration, this.currentMemberId));
      this.needsJoinPrepare = false;
    }
    this.stopHeartbeats();
    this.stable = false;
    // Cleared before joining: a request made while the join is in flight makes the member join again.
    this.rejoinNeeded = false;
    const coordinator = await this.findCoordinator();
    const sessionTimeoutMs = this.options.sessionTimeoutMs ?? 10_000;
    const rebalanceTimeoutMs = this.options.rebalanceTimeoutMs ?? 60_000;
    const protocols = this.callbacks.metadata();
    if (protocols.length === 0) throw new KafkaClientStateError('a group member must offer at least one protocol');
    this.joining = true;
    let join;
    try {
      for (;;) {
        if (!this.running) throw new KafkaClientStateError('the group member stopped while joining');
        join = await this.cluster.groupRequest(
          coordinator,
          ApiKey.JoinGroup,
          (version) => ({
            groupId: this.options.groupId,
            sessionTimeoutMs,
            rebalanceTimeoutMs,
            memberId: this.currentMemberId,
            groupInstanceId: version >= 5 ? (this.options.groupInstanceId ?? null) : null,
            protocolType: this.options.protocolType,
            protocols,
            reason: version >= 8 ? this.rejoinReason : null,
          }),
          { timeoutMs: rebalanceTimeoutMs + 5000 },
        );
        if (join.errorCode === ErrorCode.MEMBER_ID_REQUIRED) {
          this.currentMemberId = join.memberId; // KIP-394: join again with the id the coordinator gave
          continue;
        }
        break;
      }
    } catch (err) {
      this.rejoinNeeded = true;
      if (err instanceof KafkaConnectionError) this.coordinatorId = undefined;
      throw err;
    } finally {
      this.joining = false;
    }
    if (join.errorCode !== 0) {
      this.rejoinNeeded = true;
      this.handleGroupError(join.errorCode);
      throw new KafkaProtocolError(join.errorCode, 'JoinGroup');
    }
    if (!this.running) throw new KafkaClientStateError('the group member stopped while joining');
    const protocol = join.protocolName ?? protocols[0]!.name;
    if (join.protocolType !== undefined && join.protocolType !== null && join.protocolType !== this.options.protocolType) {
      throw new KafkaProtocolError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, `JoinGroup answered protocol type ${join.protocolType}`);
    }
    this.currentMemberId = join.memberId;
    const generation = join.generationId;
    let assignments: Array<{ memberId: string; assignment: Uint8Array }> = [];
    if (join.leader === join.memberId && join.skipAssignment !== true) {
      const members = join.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId ?? null, metadata: m.metadata }));
      this.logger.debug({ generation, protocol, members: members.length }, 'elected leader: assigning');
      const result = await this.runCallback(() => this.callbacks.performAssignment(join.leader, protocol, members, generation));
      assignments = [...result].map(([memberId, assignment]) => ({ memberId, assignment }));
    }
    let sync;
    try {
      sync = await this.cluster.groupRequest(
        coordinator,
        ApiKey.SyncGroup,
        (version) => ({
          groupId: this.options.groupId,
          generationId: generation,
          memberId: this.currentMemberId,
          groupInstanceId: version >= 3 ? (this.options.groupInstanceId ?? null) : null,
          protocolType: version >= 5 ? this.options.protocolType : null,
          protocolName: version >= 5 ? protocol : null,
          assignments,
        }),
        { timeoutMs: rebalanceTimeoutMs + 5000 },
      );
    } catch (err) {
      this.rejoinNeeded = true;
      if (err instanceof KafkaConnectionError) this.coordinatorId = undefined;
      throw err;
    }
    if (sync.errorCode !== 0) {
      this.rejoinNeeded = true;
      this.handleGroupError(sync.errorCode);
      throw new KafkaProtocolError(sync.errorCode, 'SyncGroup');
    }
    if (!this.running) throw new KafkaClientStateError('the group member stopped while joining');
    this.currentGeneration = generation;
    this.leaderId = join.leader;
    this.protocolName = protocol;
    this.stable = true;
    this.needsJoinPrepare = true;
    this.startHeartbeats(coordinator);
    this.logger.debug({ generation, memberId: this.currentMemberId, leader: join.leader, protocol }, 'joined the group');
    await this.runCallback(() => this.callbacks.onJoinComplete(generation, this.currentMemberId, protocol, sync.assignment));
    if (!this.rejoinNeeded) {
      const waiters = this.joinWaiters.splice(0);
      for (const w of waiters) w.resolve();
    }
  }

  /** Updates the membership state after an error code of JoinGroup, SyncGroup or Heartbeat. */
  private handleGroupError(code: number): void {
    if (COORDINATOR_ERRORS.has(code)) {
      this.coordinatorId = undefined;
      return;
    }
    if (code === ErrorCode.UNKNOWN_MEMBER_ID || code === ErrorCode.ILLEGAL_GENERATION) {
      // The coordinator no longer knows this member in its generation: join as a new member.
      this.currentMemberId = '';
      this.currentGeneration = -1;
      this.stable = false;
    }
  }

  private async findCoordinator(): Promise<number> {
    if (this.coordinatorId !== undefined) return this.coordinatorId;
    const id = await this.cluster.coordinatorFor(this.options.groupId);
    this.coordinatorId = id;
    return id;
  }

  private async leaveGroup(): Promise<void> {
    const coordinator = await this.cluster.coordinatorFor(this.options.groupId);
    const response = await this.cluster.groupRequest(coordinator, ApiKey.LeaveGroup, (version) =>
      version >= 3
        ? { groupId: this.options.groupId, members: [{ memberId: this.currentMemberId, groupInstanceId: this.options.groupInstanceId ?? null, reason: version >= 5 ? 'the member is stopping' : null }] }
        : { groupId: this.options.groupId, memberId: this.currentMemberId },
    );
    const code = response.errorCode !== 0 ? response.errorCode : (response.members?.[0]?.errorCode ?? 0);
    if (code !== 0) throw new KafkaProtocolError(code, 'LeaveGroup');
    this.logger.debug({ memberId: this.currentMemberId }, 'left the group');
  }

  // ---- heartbeats ----

  private startHeartbeats(coordinator: number): void {
    this.stopHeartbeats();
    this.lastHeartbeatOkAt = Date.now();
    this.heartbeatTimer = setInterval(() => void this.heartbeat(coordinator), this.options.heartbeatIntervalMs ?? 3000);
  }

  private stopHeartbeats(): void {
    if (this.heartbeatTimer !== undefined) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
  }

  private async heartbeat(coordinator: number): Promise<void> {
    if (this.heartbeatInFlight || !this.stable || !this.running) return;
    const generation = this.currentGeneration;
    const memberId = this.currentMemberId;
    this.heartbeatInFlight = true;
    try {
      const target = this.coordinatorId ?? (await this.findCoordinator());
      if (target !== coordinator) {
        // The coordinator moved: heartbeat the new one from now on.
        this.startHeartbeats(target);
        return;
      }
      const response = await this.cluster.groupRequest(coordinator, ApiKey.Heartbeat, (version) => ({
        groupId: this.options.groupId,
        generationId: generation,
        memberId,
        groupInstanceId: version >= 3 ? (this.options.groupInstanceId ?? null) : null,
      }), { timeoutMs: this.options.sessionTimeoutMs ?? 10_000 });
      if (generation !== this.currentGeneration || memberId !== this.currentMemberId) return; // a newer join answered meanwhile
      if (response.errorCode === 0) {
        this.lastHeartbeatOkAt = Date.now();
        return;
      }
      this.logger.debug({ error: response.errorCode, generation }, 'heartbeat asks to rejoin');
      if (FATAL_ERRORS.has(response.errorCode)) {
        this.fail(new KafkaProtocolError(response.errorCode, 'Heartbeat'));
        return;
      }
      this.handleGroupError(response.errorCode);
      if (response.errorCode === ErrorCode.REBALANCE_IN_PROGRESS || RESET_ERRORS.has(response.errorCode)) {
        this.requestRejoin(response.errorCode === ErrorCode.REBALANCE_IN_PROGRESS ? 'the group is rebalancing' : 'the membership was lost');
      }
    } catch (err) {
      this.logger.debug({ err: (err as Error).message }, 'heartbeat failed');
      // No answer: the coordinator may have moved or died; find it again for the next heartbeat.
      this.coordinatorId = undefined;
      if (Date.now() - this.lastHeartbeatOkAt > (this.options.sessionTimeoutMs ?? 10_000)) {
        this.requestRejoin('no successful heartbeat within the session timeout');
      }
    } finally {
      this.heartbeatInFlight = false;
    }
  }

  // ---- helpers ----

  /** Runs a callback; its error is fatal for the member (marked so the loop does not retry). */
  private async runCallback<T>(fn: () => T | Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw new CallbackError(err);
    }
  }

  private fail(error: Error): void {
    const cause = error instanceof CallbackError ? (error.cause as Error) : error;
    this.logger.error({ err: cause.message }, 'group member stopped on a fatal error');
    this.running = false;
    this.stable = false;
    this.stopHeartbeats();
    this.failJoinWaiters(cause);
    this.callbacks.onFatalError?.(cause);
  }

  private failJoinWaiters(error: Error): void {
    for (const w of this.joinWaiters.splice(0)) w.reject(error);
  }

  private wakeLoop(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private sleepUnlessWoken(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

/** A callback threw: the member stops rather than retrying. */
class CallbackError extends KafkaClientError {
  constructor(cause: unknown) {
    super(`a group member callback failed: ${(cause as Error)?.message ?? String(cause)}`, { retriable: false, cause });
  }
}

function isRetriable(error: Error): boolean {
  if (error instanceof CallbackError) return false;
  if (error instanceof KafkaProtocolError) return !FATAL_ERRORS.has(error.code);
  if (error instanceof KafkaClientStateError) return false;
  return true; // connection errors, timeouts
}
