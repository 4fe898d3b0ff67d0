/**
 * The DistributedHerder (Kafka's DistributedHerder, reduced): workers with the same `group.id`
 * share connectors and tasks. Configs, target states and task configs live in the config topic
 * (KafkaConfigBackingStore), statuses in the status topic, source offsets in the offset topic;
 * the WorkerGroupMember's leader decides who runs what.
 *
 * - One queue runs every herder operation (Kafka's single herder thread): assignments,
 *   revocations, config-topic updates and REST requests never interleave.
 * - Assignments: `onRevoked` stops the revoked tasks (offsets flushed) and connectors; `onAssigned`
 *   reads the config topic up to the assignment's offset and starts what is assigned and not yet
 *   running (connectors in their target state, tasks with the snapshot's task configs). A
 *   CONFIG_MISMATCH assignment reads the config topic to the end; the member then rejoins.
 * - Task configs: the worker running a connector asks it for its task configs after starting it
 *   and after a config change, and writes them to the config topic when they differ from the
 *   snapshot's. (Kafka sends them to the leader over REST, which writes them; only one worker runs
 *   a connector, so Samsa's owner writes them itself.)
 * - Config-topic records from any worker: a connector added or removed or new task configs make
 *   the leader rebalance; a target state change applies to what runs here (STOPPED stops tasks and
 *   connector); a changed config restarts the connector here and regenerates its task configs;
 *   tasks whose configs changed are stopped here and started again by the rebalance that follows;
 *   a restart request restarts what runs here (statuses RESTARTING, then RUNNING).
 * - REST: reads answer from this worker's snapshot and status store (409 before the worker has
 *   joined the group); writes are the leader's (others throw NotLeaderException with the leader's
 *   URL, and the REST layer forwards) and answer once the leader has read its write back.
 *   Restarting a task, or a connector alone, is done by the worker that runs it: the leader throws
 *   NotLeaderException with the owner's URL (Kafka's NotAssignedException), which the REST layer
 *   forwards too.
 * - Statuses carry the group generation; UNASSIGNED and FAILED are written with Kafka's putSafe
 *   rules, and nothing is written for a connector that has been deleted.
 */
import type { Logger } from '../../logging/logger.js';
import { ConnectException } from '../api/errors.js';
import type { KafkaConfigBackingStore } from '../storage/kafka-config-backing-store.js';
import type { KafkaOffsetBackingStore } from '../storage/kafka-offset-backing-store.js';
import type { KafkaStatusBackingStore } from '../storage/kafka-status-backing-store.js';
import { AbstractHerder } from './abstract-herder.js';
import { assignmentFailed, type ConnectAssignment } from './distributed/connect-protocol.js';
import { WorkerGroupMember, type RevokedWork, type WorkerGroupSettings } from './distributed/worker-group-member.js';
import {
  AlreadyExistsException,
  NotLeaderException,
  RebalanceInProgressException,
  type ConnectorConfig,
  type ConnectorInfo,
  type ConnectorOffsets,
  type ConnectorStateInfo,
  type ConnectorTaskId,
  type PutConnectorOptions,
  type RestartRequest,
  type TargetState,
} from './herder.js';
import { RequestQueue } from './standalone-herder.js';
import type { ConnectorStatus, StatusBackingStore, TaskStatus } from './storage.js';
import type { Worker } from './worker.js';

/** How long a write waits to be read back, and a worker to catch up with the config topic (Kafka: 30 s total). */
const CONFIG_READ_TIMEOUT_MS = 30_000;

export interface DistributedHerderOptions extends WorkerGroupSettings {
  /** Built with `statusStore` = a GroupStatusStore over `statusStore` below and `offsetStore` = `offsetStore` below. */
  worker: Worker;
  configStore: KafkaConfigBackingStore;
  statusStore: KafkaStatusBackingStore;
  offsetStore: KafkaOffsetBackingStore;
  /** The GroupStatusStore the worker reports through (the herder tells it the generation). */
  groupStatusStore: GroupStatusStore;
  logger: Logger;
}

const taskKey = (id: ConnectorTaskId): string => `${id.connector}-${id.task}`;

function sameConfigs(a: readonly ConnectorConfig[], b: readonly ConnectorConfig[]): boolean {
  if (a.length !== b.length) return false;
  const canonical = (c: ConnectorConfig): string => JSON.stringify(Object.entries(c).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
  return a.every((c, i) => canonical(c) === canonical(b[i]!));
}

/**
 * The status store a distributed worker reports through: statuses get the group generation,
 * UNASSIGNED and FAILED go through Kafka's putSafe (a worker that lost a task does not overwrite
 * the new owner's newer status), and statuses of connectors no longer configured are dropped (a
 * deleted connector's worker stopping it would otherwise write it back).
 */
export class GroupStatusStore implements StatusBackingStore {
  generation = 0;
  constructor(private readonly store: KafkaStatusBackingStore, private readonly exists: (connector: string) => boolean) {}
  start(): Promise<void> {
    return this.store.start();
  }
  stop(): Promise<void> {
    return this.store.stop();
  }
  async putConnector(status: ConnectorStatus): Promise<void> {
    if (!this.exists(status.connector)) return;
    const s = { ...status, generation: this.generation };
    if (s.state === 'UNASSIGNED' || s.state === 'FAILED') await this.store.putConnectorSafe(s);
    else await this.store.putConnector(s);
  }
  async putTask(status: TaskStatus): Promise<void> {
    if (!this.exists(status.id.connector) && status.state !== 'DESTROYED') return;
    const s = { ...status, generation: this.generation };
    if (s.state === 'UNASSIGNED' || s.state === 'FAILED') await this.store.putTaskSafe(s);
    else await this.store.putTask(s);
  }
  getConnector(connector: string): ConnectorStatus | null {
    return this.store.getConnector(connector);
  }
  getTask(id: ConnectorTaskId): TaskStatus | null {
    return this.store.getTask(id);
  }
  getAllTasks(connector: string): TaskStatus[] {
    return this.store.getAllTasks(connector);
  }
  deleteConnector(connector: string): Promise<void> {
    return this.store.deleteConnector(connector);
  }
  connectors(): string[] {
    return this.store.connectors();
  }
  putTopic(connector: string, topic: string): Promise<void> {
    return this.store.putTopic(connector, topic);
  }
  getAllTopics(connector: string): string[] {
    return this.store.getAllTopics(connector);
  }
  deleteTopics(connector: string): Promise<void> {
    return this.store.deleteTopics(connector);
  }
}

export class DistributedHerder extends AbstractHerder {
  readonly member: WorkerGroupMember;
  readonly workerUrl: string;
  private readonly queue = new RequestQueue();
  private readonly kafkaConfigStore: KafkaConfigBackingStore;
  private readonly kafkaStatusStore: KafkaStatusBackingStore;
  private readonly kafkaOffsetStore: KafkaOffsetBackingStore;
  private readonly groupStatusStore: GroupStatusStore;
  /** The last (successful) assignment this worker acted on. */
  private assignment: ConnectAssignment | null = null;
  /** The config offset of the last record that calls for a rebalance (a connector added or removed, task configs committed). */
  private rebalanceNeededAt = -1n;
  private stopping = false;
  private started = false;
  /** The connectors this worker has seen configured (to tell a new connector from an updated one). */
  private readonly knownConnectors = new Set<string>();

  constructor(options: DistributedHerderOptions) {
    super(options.worker, options.configStore, options.logger);
    this.kafkaConfigStore = options.configStore;
    this.kafkaStatusStore = options.statusStore;
    this.kafkaOffsetStore = options.offsetStore;
    this.groupStatusStore = options.groupStatusStore;
    this.workerUrl = options.workerUrl;
    this.member = new WorkerGroupMember({
      kafka: options.worker.kafka,
      groupId: options.groupId,
      workerUrl: options.workerUrl,
      configOffset: () => this.kafkaConfigStore.snapshot().offset,
      configSnapshot: () => {
        const snapshot = this.kafkaConfigStore.snapshot();
        const connectors = new Map<string, number>();
        for (const name of snapshot.connectorConfigs.keys()) connectors.set(name, snapshot.taskConfigs.get(name)?.length ?? 0);
        return { connectors };
      },
      ...(options.protocols === undefined ? {} : { protocols: options.protocols }),
      ...(options.sessionTimeoutMs === undefined ? {} : { sessionTimeoutMs: options.sessionTimeoutMs }),
      ...(options.heartbeatIntervalMs === undefined ? {} : { heartbeatIntervalMs: options.heartbeatIntervalMs }),
      ...(options.rebalanceTimeoutMs === undefined ? {} : { rebalanceTimeoutMs: options.rebalanceTimeoutMs }),
      ...(options.scheduledRebalanceMaxDelayMs === undefined ? {} : { scheduledRebalanceMaxDelayMs: options.scheduledRebalanceMaxDelayMs }),
      ...(options.retryBackoffMs === undefined ? {} : { retryBackoffMs: options.retryBackoffMs }),
      onAssigned: (assignment, generation) => this.onAssigned(assignment, generation),
      onRevoked: (revoked) => this.onRevoked(revoked),
      onFatalError: (error) => this.logger.error({ err: error.message }, 'the worker left its group on an unrecoverable error'),
      logger: options.logger,
    });
    // A connector that runs here asks for new task configs: written when they differ (then the leader rebalances).
    options.worker.onTaskReconfigurationRequest((name) => void this.queue.run(() => this.reconfigureTasks(name)).catch((e: Error) => this.logger.error({ connector: name, err: e.message }, 'task reconfiguration failed')));
    this.kafkaConfigStore.setUpdateListener({
      onConnectorConfigUpdate: (c) => this.onConnectorConfigUpdate(c),
      onConnectorConfigRemove: (c) => this.onConnectorConfigRemove(c),
      onTaskConfigUpdate: (c) => this.onTaskConfigUpdate(c),
      onConnectorTargetStateChange: (c) => this.onTargetStateChange(c),
      onRestartRequest: (r) => this.onRestartRequest(r),
    });
  }

  /** Reads the three topics, then joins the group (resolves once this worker has its first assignment). */
  async start(): Promise<void> {
    await this.kafkaStatusStore.start();
    await this.kafkaConfigStore.start();
    await this.kafkaOffsetStore.start();
    for (const name of this.kafkaConfigStore.snapshot().connectorConfigs.keys()) this.knownConnectors.add(name);
    this.started = true;
    await this.member.start();
    await this.member.ensureActive();
    this.logger.info({ workerId: this.workerId, workerUrl: this.workerUrl }, 'distributed herder started');
  }

  /** Stops the tasks (offsets flushed) and connectors, leaves the group, then stops the stores. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    const errors: unknown[] = [];
    // Work first, so that no other worker starts a task before its offsets are flushed here.
    await this.queue.run(() => this.worker.stop()).catch((e: unknown) => errors.push(e)); // also stops the offset store
    await this.member.stop().catch((e: unknown) => errors.push(e));
    await this.closeAdmin();
    await this.kafkaConfigStore.stop().catch((e: unknown) => errors.push(e));
    await this.kafkaStatusStore.stop().catch((e: unknown) => errors.push(e));
    this.logger.info({ workerId: this.workerId }, 'distributed herder stopped');
    if (errors.length > 0) throw errors[0];
  }

  /** Whether this worker leads the group now. */
  get isLeader(): boolean {
    return this.member.isLeader;
  }

  /** The connectors and tasks this worker was assigned (null before it joined). */
  get currentAssignment(): { connectors: string[]; tasks: ConnectorTaskId[] } | null {
    const a = this.assignment;
    return a === null ? null : { connectors: [...a.connectors], tasks: a.tasks.map((t) => ({ ...t })) };
  }

  protected override checkReadable(): void {
    if (!this.started || this.assignment === null) throw new RebalanceInProgressException('Cannot complete request because of a conflicting operation (e.g. worker rebalance)');
  }

  // ---- the group's callbacks ----

  private async onRevoked(revoked: RevokedWork): Promise<void> {
    if (this.stopping) return;
    await this.queue.run(async () => {
      this.logger.info({ connectors: revoked.connectors, tasks: revoked.tasks.map(taskKey) }, 'stopping revoked work');
      await this.worker.stopTasks(revoked.tasks).catch((e: Error) => this.logger.error({ err: e.message }, 'a revoked task failed to stop cleanly'));
      for (const c of revoked.connectors) await this.worker.stopConnector(c);
      const a = this.assignment;
      if (a !== null) {
        const tasks = new Set(revoked.tasks.map(taskKey));
        this.assignment = { ...a, connectors: a.connectors.filter((c) => !revoked.connectors.includes(c)), tasks: a.tasks.filter((t) => !tasks.has(taskKey(t))) };
      }
    });
  }

  private async onAssigned(assignment: ConnectAssignment, generation: number): Promise<void> {
    if (this.stopping) return;
    await this.queue.run(async () => {
      if (this.stopping) return;
      if (assignmentFailed(assignment)) {
        this.logger.info({ configOffset: assignment.configOffset }, 'config offset mismatch: reading the config topic before rejoining');
        await this.kafkaConfigStore.refresh(CONFIG_READ_TIMEOUT_MS).catch((e: Error) => this.logger.error({ err: e.message }, 'could not read the config topic'));
        return;
      }
      this.groupStatusStore.generation = generation;
      if (this.kafkaConfigStore.snapshot().offset < assignment.configOffset) await this.kafkaConfigStore.refresh(CONFIG_READ_TIMEOUT_MS);
      this.assignment = assignment;
      await this.startAssignedWork(assignment);
      if (this.member.isLeader && this.rebalanceNeededAt > assignment.configOffset) this.member.requestRejoin('the connectors or their tasks changed during the rebalance');
    });
  }

  /** Starts the assigned connectors and tasks that are not running; stops running work no longer assigned. */
  private async startAssignedWork(assignment: ConnectAssignment): Promise<void> {
    const assignedTasks = new Set(assignment.tasks.map(taskKey));
    const stray = this.worker.taskIds().filter((t) => !assignedTasks.has(taskKey(t)));
    if (stray.length > 0) await this.worker.stopTasks(stray).catch(() => undefined);
    for (const c of this.worker.connectorNames()) if (!assignment.connectors.includes(c)) await this.worker.stopConnector(c);

    const snapshot = this.configStore.snapshot();
    const running = new Set(this.worker.connectorNames());
    for (const name of assignment.connectors) {
      if (running.has(name)) continue;
      const config = snapshot.connectorConfigs.get(name);
      if (config === undefined) continue; // deleted since the assignment
      await this.worker.startConnector(name, config, snapshot.targetStates.get(name) ?? 'STARTED');
      await this.reconfigureTasks(name);
    }
    const runningTasks = new Set(this.worker.taskIds().map(taskKey));
    const toStart = assignment.tasks.filter((t) => !runningTasks.has(taskKey(t)));
    if (toStart.length > 0) await this.kafkaOffsetStore.refresh(CONFIG_READ_TIMEOUT_MS).catch((e: Error) => this.logger.warn({ err: e.message }, 'could not read the offset topic to its end'));
    for (const id of toStart) await this.startTask(id);
  }

  private async startTask(id: ConnectorTaskId): Promise<void> {
    const snapshot = this.configStore.snapshot();
    const config = snapshot.connectorConfigs.get(id.connector);
    const taskConfig = snapshot.taskConfigs.get(id.connector)?.[id.task];
    if (config === undefined || taskConfig === undefined) {
      this.logger.warn({ task: taskKey(id) }, 'assigned a task whose configuration is unknown here; it starts after the next rebalance');
      return;
    }
    await this.worker.startTask(id, config, taskConfig, snapshot.targetStates.get(id.connector) ?? 'STARTED');
  }

  /**
   * The owner of a running connector: asks it for its task configs and writes them when they
   * differ from the snapshot's (the commit record makes the leader rebalance).
   */
  private async reconfigureTasks(name: string): Promise<void> {
    const snapshot = this.kafkaConfigStore.snapshot();
    const config = snapshot.connectorConfigs.get(name);
    if (config === undefined || (snapshot.targetStates.get(name) ?? 'STARTED') === 'STOPPED' || !this.worker.isRunning(name)) return;
    const taskConfigs = this.generateTaskConfigs(name, config);
    if (taskConfigs === null) return;
    const current = snapshot.taskConfigs.get(name) ?? [];
    if (sameConfigs(taskConfigs, current) && !snapshot.inconsistentConnectors.has(name) && snapshot.taskCounts.has(name)) return;
    this.logger.info({ connector: name, tasks: taskConfigs.length }, 'writing new task configurations');
    await this.kafkaConfigStore.putTaskConfigs(name, taskConfigs).catch((e: Error) => this.logger.error({ connector: name, err: e.message }, 'could not write the task configurations'));
  }

  // ---- config topic updates (from any worker) ----

  private needRebalance(reason: string): void {
    this.rebalanceNeededAt = this.kafkaConfigStore.snapshot().offset;
    if (this.member.isLeader && !this.stopping) this.member.requestRejoin(reason);
  }

  private enqueue(what: string, fn: () => Promise<void>): void {
    if (this.stopping) return;
    void this.queue.run(async () => {
      if (!this.stopping) await fn();
    }).catch((e: Error) => this.logger.error({ err: e.message, what }, 'handling a config update failed'));
  }

  private runsConnector(name: string): boolean {
    return this.assignment?.connectors.includes(name) ?? false;
  }

  private onConnectorConfigUpdate(name: string): void {
    if (!this.knownConnectors.has(name)) {
      this.knownConnectors.add(name);
      this.needRebalance(`connector ${name} was created`);
    }
    this.enqueue('connector config update', async () => {
      if (!this.runsConnector(name) || !this.worker.connectorNames().includes(name)) return;
      const snapshot = this.configStore.snapshot();
      const config = snapshot.connectorConfigs.get(name);
      if (config === undefined) return;
      this.logger.info({ connector: name }, 'connector reconfigured: restarting it');
      await this.worker.stopConnector(name);
      await this.worker.startConnector(name, config, snapshot.targetStates.get(name) ?? 'STARTED');
      await this.reconfigureTasks(name);
    });
  }

  private onConnectorConfigRemove(name: string): void {
    this.knownConnectors.delete(name);
    this.needRebalance(`connector ${name} was deleted`);
    this.enqueue('connector removal', async () => {
      await this.worker.stopTasks(this.worker.taskIds(name)).catch(() => undefined);
      await this.worker.stopConnector(name);
    });
  }

  private onTaskConfigUpdate(name: string): void {
    this.needRebalance(`the tasks of connector ${name} changed`);
    this.enqueue('task config update', async () => {
      // Started again, with their new configs, by the rebalance that follows; tasks beyond the new
      // count (all of them for a STOPPED connector) are gone, and so are their statuses.
      const count = this.configStore.snapshot().taskConfigs.get(name)?.length ?? 0;
      const tasks = this.worker.taskIds(name);
      const kept = tasks.filter((t) => t.task < count);
      const removed = tasks.filter((t) => t.task >= count);
      if (kept.length > 0) await this.worker.stopTasks(kept).catch(() => undefined);
      if (removed.length > 0) await this.worker.stopTasks(removed, { forget: true }).catch(() => undefined);
    });
  }

  private onTargetStateChange(name: string): void {
    this.enqueue('target state change', async () => {
      const state: TargetState = this.targetState(name);
      const wasStopped = this.worker.connectorNames().includes(name) && !this.worker.isRunning(name);
      this.logger.info({ connector: name, state }, 'target state changed');
      await this.worker.setTargetState(name, state);
      if (state === 'STARTED' && this.runsConnector(name) && wasStopped) await this.reconfigureTasks(name);
      if (state !== 'STOPPED') {
        // Tasks assigned here that were stopped (STOPPED → PAUSED/STARTED) start again.
        const a = this.assignment;
        const running = new Set(this.worker.taskIds(name).map(taskKey));
        for (const id of a?.tasks.filter((t) => t.connector === name && !running.has(taskKey(t))) ?? []) await this.startTask(id);
      }
    });
  }

  private onRestartRequest(request: { connector: string; onlyFailed: boolean; includeTasks: boolean }): void {
    this.enqueue('restart request', async () => {
      const snapshot = this.configStore.snapshot();
      const config = snapshot.connectorConfigs.get(request.connector);
      if (config === undefined) return;
      let plan;
      try {
        plan = this.restartPlan(request.connector, request);
      } catch {
        return;
      }
      const a = this.assignment;
      const target = snapshot.targetStates.get(request.connector) ?? 'STARTED';
      const localTasks = plan.restartTasks.filter((t) => a?.tasks.some((x) => taskKey(x) === taskKey(t)));
      const restartConnector = plan.restartConnector && this.runsConnector(request.connector);
      if (!restartConnector && localTasks.length === 0) return;
      this.logger.info({ connector: request.connector, restartConnector, tasks: localTasks.map((t) => t.task) }, 'restarting');
      const generation = this.groupStatusStore.generation;
      if (restartConnector) await this.groupStatusStore.putConnector({ connector: request.connector, state: 'RESTARTING', trace: null, workerId: this.workerId, generation });
      for (const id of localTasks) await this.groupStatusStore.putTask({ id, state: 'RESTARTING', trace: null, workerId: this.workerId, generation });
      await this.worker.stopTasks(localTasks).catch(() => undefined);
      if (restartConnector) {
        await this.worker.stopConnector(request.connector);
        await this.worker.startConnector(request.connector, config, target);
        await this.reconfigureTasks(request.connector);
      }
      for (const id of localTasks) await this.startTask(id);
    });
  }

  // ---- REST writes: the leader's ----

  /** Throws NotLeaderException (the REST layer forwards to the leader) unless this worker leads a stable group. */
  private requireLeader(): void {
    if (this.stopping) throw new RebalanceInProgressException('Cannot complete request because the worker is stopping');
    if (this.assignment === null) throw new RebalanceInProgressException('Cannot complete request because of a conflicting operation (e.g. worker rebalance)');
    if (!this.member.isLeader) throw new NotLeaderException('Cannot complete request because of a conflicting operation (e.g. worker rebalance)', this.member.leaderUrl);
  }

  /** The leader reads the config topic to its end before it decides (Kafka's leader is always current). */
  private async leaderRefresh(): Promise<void> {
    await this.kafkaConfigStore.refresh(CONFIG_READ_TIMEOUT_MS);
  }

  putConnectorConfig(name: string, config: ConnectorConfig, options: PutConnectorOptions): Promise<{ created: boolean; info: ConnectorInfo }> {
    return this.queue.run(async () => {
      this.requireLeader();
      const full = this.validatedConfig(name, config);
      await this.leaderRefresh();
      const exists = this.configStore.snapshot().connectorConfigs.has(name);
      if (exists && !options.allowReplace) throw new AlreadyExistsException(`Connector ${name} already exists`);
      if (exists) await this.configStore.putConnectorConfig(name, full);
      else await this.configStore.putConnectorConfig(name, full, options.initialState ?? 'STARTED');
      return this.connectorConfigPut(name, !exists);
    });
  }

  deleteConnector(name: string): Promise<void> {
    return this.queue.run(async () => {
      this.requireLeader();
      await this.leaderRefresh();
      this.config(name);
      await this.removeConnectorRecords(name);
    });
  }

  restartConnector(name: string, request: RestartRequest): Promise<ConnectorStateInfo> {
    return this.queue.run(async () => {
      if (!request.includeTasks && !request.onlyFailed) {
        // Kafka's restartConnector(name): done by the worker running it.
        this.checkReadable();
        const config = this.config(name);
        if (this.runsConnector(name)) {
          const answer = this.restartPlan(name, request).answer;
          await this.worker.stopConnector(name);
          await this.worker.startConnector(name, config, this.targetState(name));
          await this.reconfigureTasks(name);
          return answer;
        }
        this.forwardToOwner(name);
      }
      this.requireLeader();
      await this.leaderRefresh();
      const plan = this.restartPlan(name, request);
      await this.configStore.putRestartRequest({ connector: name, onlyFailed: request.onlyFailed, includeTasks: request.includeTasks });
      return plan.answer;
    });
  }

  /** Not run here: the leader sends the request to the owner (Kafka's NotAssignedException), another worker to the leader. */
  private forwardToOwner(target: string | ConnectorTaskId): never {
    if (this.member.isLeader) {
      const url = this.member.ownerUrl(target);
      if (url === null) throw new RebalanceInProgressException(`Cannot complete request momentarily: ${typeof target === 'string' ? `connector ${target}` : `task ${taskKey(target)}`} is not assigned to any worker (typically during a rebalance)`);
      throw new NotLeaderException(`Cannot complete request because ${typeof target === 'string' ? `connector ${target}` : `task ${taskKey(target)}`} is not assigned to this worker`, url);
    }
    this.requireLeader();
    throw new ConnectException('unreachable');
  }

  restartTask(name: string, task: number): Promise<void> {
    return this.queue.run(async () => {
      this.checkReadable();
      const config = this.config(name);
      const id: ConnectorTaskId = { connector: name, task };
      const taskConfig = this.storedTaskConfig(name, task);
      if (!(this.assignment?.tasks.some((t) => taskKey(t) === taskKey(id)) ?? false)) this.forwardToOwner(id);
      await this.restartTaskHere(id, config, taskConfig);
    });
  }

  private async writeTargetState(name: string, state: TargetState): Promise<void> {
    await this.queue.run(async () => {
      this.requireLeader();
      await this.leaderRefresh();
      this.config(name);
      // Kafka: a stopped connector has zero task configs, written before the target state.
      if (state === 'STOPPED') await this.configStore.putTaskConfigs(name, []);
      await this.configStore.putTargetState(name, state);
      await this.leaderRefresh();
    });
  }

  pauseConnector(name: string): Promise<void> {
    return this.writeTargetState(name, 'PAUSED');
  }

  resumeConnector(name: string): Promise<void> {
    return this.writeTargetState(name, 'STARTED');
  }

  stopConnector(name: string): Promise<void> {
    return this.writeTargetState(name, 'STOPPED');
  }

  resetConnectorActiveTopics(name: string): Promise<void> {
    return this.queue.run(async () => {
      this.checkReadable();
      this.config(name);
      await this.statusStore.deleteTopics(name);
    });
  }

  alterConnectorOffsets(name: string, offsets: ConnectorOffsets): Promise<string> {
    return this.queue.run(async () => {
      this.requireLeader();
      await this.leaderRefresh();
      return this.alterOffsets(name, offsets);
    });
  }

  resetConnectorOffsets(name: string): Promise<string> {
    return this.queue.run(async () => {
      this.requireLeader();
      await this.leaderRefresh();
      return this.resetOffsets(name);
    });
  }

  override async connectorOffsets(name: string): Promise<ConnectorOffsets> {
    this.checkReadable();
    const config = this.config(name);
    if (this.typeOf(config) !== 'sink') await this.kafkaOffsetStore.refresh(CONFIG_READ_TIMEOUT_MS);
    return this.readOffsets(name, config);
  }
}
