/**
 * The Worker (Kafka's org.apache.kafka.connect.runtime.Worker): runs the connectors and tasks a
 * herder tells it to run, with Samsa's client. A standalone herder runs everything; a distributed
 * herder runs only what the group assigned to this worker. The worker does not decide what runs:
 * it starts and stops connectors (`startConnector` / `stopConnector`), asks a running connector for
 * its task configurations (`connectorTaskConfigs`), starts and stops tasks by id (`startTask` /
 * `stopTasks`) and applies target states (`setTargetState`: PAUSED pauses the tasks, STOPPED stops
 * the connector).
 *
 * Every transition is reported to the StatusBackingStore the herder passes in, as Kafka's
 * connector and task status listeners report them: RUNNING once started, PAUSED, STOPPED (KIP-875),
 * FAILED with the error's stack trace, and UNASSIGNED when stopped (shutdown, not failure). The
 * generation of a status counts the starts of that connector or task on this worker. Topics a task
 * produced to or consumed from are reported once each (`putTopic`, KIP-558).
 *
 * A failure never escapes to the herder: a connector whose start throws, or a task that fails,
 * shows FAILED and the other connectors and tasks keep running.
 */
import { hostname } from 'node:os';
import { Kafka } from '../../client/kafka.js';
import type { Logger } from '../../logging/logger.js';
import { SinkConnector, SourceConnector, type Connector } from '../api/connector.js';
import { ConfigException, ConnectException } from '../api/errors.js';
import { defaultConnectorRegistry, type ConnectorPluginRegistry } from '../connectors/registry.js';
import { defaultConverterRegistry, newConverters, type ConverterRegistry } from '../converters/registry.js';
import { defaultTransformRegistry, type TransformRegistry } from '../transforms/registry.js';
import { buildTransformationChain } from '../transforms/transform-chain.js';
import { COMMON_WORKER_CONFIG_DEF, CONNECTOR_CONFIG_DEF, WORKER_CONFIG_DEF, sinkTopics } from './config.js';
import { errorHandlingConfig } from './errors/retry-with-tolerance.js';
import { asError, stackTrace } from './errors/stack-trace.js';
import type { ConnectState, ConnectorConfig, ConnectorTaskId, ConnectorType, TargetState } from './herder.js';
import { MemoryStatusBackingStore } from './memory-status-store.js';
import type { OffsetBackingStore } from './offset-store.js';
import type { StatusBackingStore } from './storage.js';
import { createTaskRunner } from './task-runner.js';
import { loggerLevel, ThreadedTask } from './task-thread.js';
import type { TopicCreationHook, WorkerTask } from './worker-tasks.js';

export type Props = Readonly<Record<string, string>>;

/** Validates a worker configuration: every declared key, and that the converters can be created. */
export function validateWorkerConfig(props: Props): void {
  WORKER_CONFIG_DEF.parse(props);
  newConverters(props);
}

export interface WorkerOptions {
  workerConfig: Props;
  offsetStore: OffsetBackingStore;
  logger: Logger;
  /** The id statuses show (Kafka: the REST listener's `host:port`); default `<hostname>:<rest.port>`. */
  workerId?: string;
  /** Where statuses and active topics are reported; default a MemoryStatusBackingStore of its own. */
  statusStore?: StatusBackingStore;
  connectors?: ConnectorPluginRegistry;
  converters?: ConverterRegistry;
  /** The transformations and predicates `transforms.*.type` / `predicates.*.type` name; default the built-in ones. */
  transforms?: TransformRegistry;
  /**
   * KIP-158: the topic creation of a source connector's tasks (another module builds it from
   * `topic.creation.*`); null or absent: topics are not created by the worker.
   */
  topicCreationFor?: (connectorConfig: ConnectorConfig) => TopicCreationHook | null;
  /**
   * Each task on a thread of its own (task-thread.ts), as Kafka Connect runs each task on its own
   * thread: the Connect bins set it. The thread builds the task from the built-in plugins and
   * `plugin.path` (not from `connectors` / `converters` / `transforms`), so it is for workers whose
   * registries are those of prepareWorkerPlugins. Default false: tasks run on the worker's thread.
   */
  taskThreads?: boolean;
}

export interface StartTaskOptions {
  /** Overrides `WorkerOptions.topicCreationFor` for this (source) task. */
  topicCreation?: TopicCreationHook | null;
}

interface WorkerConnector {
  name: string;
  config: ConnectorConfig;
  connector: Connector;
  type: ConnectorType;
  targetState: TargetState;
  /** connector.start() ran and stop() has not. */
  started: boolean;
  failed: boolean;
}

interface RunningTask {
  id: ConnectorTaskId;
  runner: WorkerTask | null;
  /** Settles (never rejects) once startTask has finished, started or failed: a stop waits for it. */
  starting: Promise<void>;
  close: () => Promise<void>;
  failed: boolean;
  stopping: boolean;
}

const taskKey = (id: ConnectorTaskId): string => `${id.connector}-${id.task}`;

export class Worker {
  readonly workerId: string;
  readonly kafka: Kafka;
  readonly statusStore: StatusBackingStore;
  private readonly connectors = new Map<string, WorkerConnector>();
  private readonly tasks = new Map<string, RunningTask>();
  private readonly generations = new Map<string, number>();
  private readonly connectorRegistry: ConnectorPluginRegistry;
  private readonly converterRegistry: ConverterRegistry;
  private readonly transformRegistry: TransformRegistry;
  private readonly flushIntervalMs: number;
  private failureHandlers: Array<(task: string, error: Error) => void> = [];
  private reconfigurationHandlers: Array<(connector: string) => void> = [];

  constructor(private readonly options: WorkerOptions) {
    const config = COMMON_WORKER_CONFIG_DEF.parse(options.workerConfig);
    this.flushIntervalMs = Number(config['offset.flush.interval.ms'] as bigint);
    const clientId = (config['client.id'] as string) || 'connect';
    this.kafka = new Kafka({ clientId, brokers: config['bootstrap.servers'] as string[], logger: options.logger });
    this.connectorRegistry = options.connectors ?? defaultConnectorRegistry();
    this.converterRegistry = options.converters ?? defaultConverterRegistry();
    this.transformRegistry = options.transforms ?? defaultTransformRegistry();
    this.statusStore = options.statusStore ?? new MemoryStatusBackingStore();
    this.workerId = options.workerId ?? `${hostname()}:${config['rest.port'] as number}`;
  }

  get connectorPlugins(): ConnectorPluginRegistry {
    return this.connectorRegistry;
  }

  get converterPlugins(): ConverterRegistry {
    return this.converterRegistry;
  }

  get transformPlugins(): TransformRegistry {
    return this.transformRegistry;
  }

  get offsetStore(): OffsetBackingStore {
    return this.options.offsetStore;
  }

  get workerConfig(): Props {
    return this.options.workerConfig;
  }

  /** Called when a task fails after it started (the worker keeps running its other tasks, as Kafka does). */
  onTaskFailure(handler: (task: string, error: Error) => void): void {
    this.failureHandlers.push(handler);
  }

  /** Called when a running connector asks for new task configurations (ConnectorContext.requestTaskReconfiguration); the herder regenerates them. */
  onTaskReconfigurationRequest(handler: (connector: string) => void): void {
    this.reconfigurationHandlers.push(handler);
  }

  /** source or sink for a connector class name or alias; `unknown` when it cannot be loaded. */
  connectorType(className: string): ConnectorType {
    try {
      const c = this.connectorRegistry.newConnector(className);
      return c instanceof SinkConnector ? 'sink' : c instanceof SourceConnector ? 'source' : 'unknown';
    } catch {
      return 'unknown';
    }
  }

  /**
   * Checks a connector's properties without starting it; throws a ConfigException for the first
   * bad key (Kafka's message texts). The herder's validation collects every error instead.
   */
  validateConnector(props: Props): Connector {
    const base = CONNECTOR_CONFIG_DEF.parse(props);
    const className = base['connector.class'] as string;
    let connector: Connector;
    try {
      connector = this.connectorRegistry.newConnector(className);
    } catch (e) {
      throw new ConfigException(`Invalid value ${className} for configuration connector.class: ${(e as Error).message}`);
    }
    errorHandlingConfig(props, connector instanceof SinkConnector);
    if (connector instanceof SinkConnector) sinkTopics(props);
    newConverters(this.options.workerConfig, props, this.converterRegistry);
    buildTransformationChain(props, this.transformRegistry).close();
    const errors = connector.validate(props).configValues.flatMap((v) => v.errorMessages);
    if (errors.length > 0) throw new ConfigException(errors.join('; '));
    return connector;
  }

  private nextGeneration(key: string): number {
    const g = (this.generations.get(key) ?? -1) + 1;
    this.generations.set(key, g);
    return g;
  }

  private async reportConnector(name: string, state: ConnectState, error: unknown = null): Promise<void> {
    const generation = this.generations.get(`connector:${name}`) ?? 0;
    try {
      await this.statusStore.putConnector({ connector: name, state, trace: error === null ? null : stackTrace(error), workerId: this.workerId, generation });
    } catch (e) {
      this.options.logger.error({ connector: name, state, err: (e as Error).message }, 'could not record the connector status');
    }
  }

  private async reportTask(id: ConnectorTaskId, state: ConnectState, error: unknown = null): Promise<void> {
    const generation = this.generations.get(`task:${taskKey(id)}`) ?? 0;
    try {
      await this.statusStore.putTask({ id: { ...id }, state, trace: error === null ? null : stackTrace(error), workerId: this.workerId, generation });
    } catch (e) {
      this.options.logger.error({ task: taskKey(id), state, err: (e as Error).message }, 'could not record the task status');
    }
  }

  /**
   * Starts a connector: `connector.start(config)` unless the target state is STOPPED. Reports
   * RUNNING, PAUSED or STOPPED, or FAILED (with the trace) when the class cannot be loaded or start
   * throws; the returned promise resolves either way (check `isRunning`).
   */
  async startConnector(name: string, config: ConnectorConfig, targetState: TargetState): Promise<void> {
    if (this.connectors.has(name)) throw new ConnectException(`Connector ${name} is already running on this worker`);
    this.nextGeneration(`connector:${name}`);
    const logger = this.options.logger.child({ connector: name });
    let connector: Connector;
    try {
      connector = this.connectorRegistry.newConnector(config['connector.class'] ?? '');
    } catch (e) {
      logger.error({ err: (e as Error).message }, 'connector class not found');
      await this.reportConnector(name, 'FAILED', e);
      return;
    }
    const entry: WorkerConnector = {
      name, config: { ...config }, connector, targetState, started: false, failed: false,
      type: connector instanceof SinkConnector ? 'sink' : connector instanceof SourceConnector ? 'source' : 'unknown',
    };
    this.connectors.set(name, entry);
    connector.initialize({
      raiseError: (e) => {
        logger.error({ err: e.message }, 'connector raised an error');
        entry.failed = true;
        void this.reportConnector(name, 'FAILED', e);
      },
      requestTaskReconfiguration: () => {
        if (this.connectors.get(name) !== entry) return; // a stopped or replaced connector asks for nothing
        logger.info('connector requested task reconfiguration');
        for (const h of this.reconfigurationHandlers) h(name);
      },
    });
    await this.transitionConnector(entry, targetState, logger);
  }

  private async transitionConnector(entry: WorkerConnector, targetState: TargetState, logger: Logger): Promise<void> {
    entry.targetState = targetState;
    try {
      if (targetState === 'STOPPED') {
        if (entry.started) {
          entry.started = false;
          await entry.connector.stop();
        }
        entry.failed = false;
        await this.reportConnector(entry.name, 'STOPPED');
        return;
      }
      if (!entry.started) {
        entry.failed = false;
        await entry.connector.start(entry.config);
        entry.started = true;
        logger.info({ connectorClass: entry.connector.constructor.name }, 'connector started');
      }
      if (!entry.failed) await this.reportConnector(entry.name, targetState === 'PAUSED' ? 'PAUSED' : 'RUNNING');
    } catch (e) {
      logger.error({ err: asError(e).message }, 'connector failed');
      entry.failed = true;
      await this.reportConnector(entry.name, 'FAILED', e);
    }
  }

  /** The connector is started here and has not failed (Kafka's Worker.isRunning). */
  isRunning(name: string): boolean {
    const c = this.connectors.get(name);
    return c !== undefined && c.started && !c.failed;
  }

  /** The connectors this worker runs (in any state). */
  connectorNames(): string[] {
    return [...this.connectors.keys()];
  }

  /** The ids of the tasks this worker runs, optionally of one connector. */
  taskIds(connector?: string): ConnectorTaskId[] {
    return [...this.tasks.values()].map((t) => t.id).filter((id) => connector === undefined || id.connector === connector).sort((a, b) => (a.connector === b.connector ? a.task - b.task : a.connector < b.connector ? -1 : 1));
  }

  /**
   * At most `maxTasks` task configurations of a running connector (Kafka's
   * Worker.connectorTaskConfigs), each merged over the connector's configuration.
   */
  connectorTaskConfigs(name: string, maxTasks: number): ConnectorConfig[] {
    const c = this.connectors.get(name);
    if (c === undefined || !c.started) throw new ConnectException(`Connector ${name} not running`);
    return c.connector.taskConfigs(maxTasks).slice(0, maxTasks).map((t) => ({ ...c.config, ...t }));
  }

  /** Stops a connector (not its tasks: stop those first with `stopTasks`) and reports UNASSIGNED unless it failed or was STOPPED. */
  async stopConnector(name: string): Promise<void> {
    const c = this.connectors.get(name);
    if (c === undefined) return;
    this.connectors.delete(name);
    try {
      if (c.started) await c.connector.stop();
    } catch (e) {
      this.options.logger.error({ connector: name, err: asError(e).message }, 'connector stop failed');
    }
    if (!c.failed && c.targetState !== 'STOPPED') await this.reportConnector(name, 'UNASSIGNED');
  }

  /**
   * Applies a target state to a connector and its tasks here: PAUSED pauses the tasks (source:
   * no polling; sink: every partition paused), STARTED resumes them (starting the connector again
   * if it was STOPPED), STOPPED stops the tasks and the connector.
   */
  async setTargetState(connector: string, state: TargetState): Promise<void> {
    // Distributed mode: a worker may run some of a connector's tasks without the connector itself.
    const c = this.connectors.get(connector);
    const logger = this.options.logger.child({ connector });
    if (state === 'STOPPED') {
      await this.stopTasks(this.taskIds(connector), { forget: true });
      if (c !== undefined) await this.transitionConnector(c, 'STOPPED', logger);
      return;
    }
    if (c === undefined) {
      // only the tasks run here
    } else if (c.failed && c.targetState !== 'STOPPED') {
      // Kafka: a failed connector ignores target state changes other than STOPPED (restart it instead).
      c.targetState = state;
      logger.warn({ state }, 'the connector has failed; its new target state applies when it is restarted');
    } else {
      await this.transitionConnector(c, state, logger);
    }
    for (const id of this.taskIds(connector)) {
      const t = this.tasks.get(taskKey(id))!;
      if (t.runner === null || t.failed) continue;
      if (state === 'PAUSED') t.runner.pause();
      else t.runner.resume();
      await this.reportTask(id, state === 'PAUSED' ? 'PAUSED' : 'RUNNING');
    }
  }

  /**
   * Starts one task of a connector with its task configuration (from `connectorTaskConfigs`).
   * Reports RUNNING (PAUSED when the target state is PAUSED) or FAILED with the trace; resolves
   * either way. A STOPPED connector runs no tasks: nothing starts.
   */
  async startTask(id: ConnectorTaskId, connectorConfig: ConnectorConfig, taskConfig: ConnectorConfig, targetState: TargetState, options: StartTaskOptions = {}): Promise<void> {
    if (targetState === 'STOPPED') return;
    const key = taskKey(id);
    if (this.tasks.has(key)) throw new ConnectException(`Task ${key} is already running on this worker`);
    this.nextGeneration(`task:${key}`);
    const logger = this.options.logger.child({ connector: id.connector, task: id.task });
    const closers: Array<() => Promise<void> | void> = [];
    const close = async (): Promise<void> => {
      for (const c of closers.splice(0).reverse()) await Promise.resolve().then(c).catch(() => undefined);
    };
    let startFinished!: () => void;
    const entry: RunningTask = { id: { ...id }, runner: null, starting: new Promise<void>((resolve) => (startFinished = resolve)), close, failed: false, stopping: false };
    this.tasks.set(key, entry);
    try {
      const onTopic = (topic: string): void => void this.statusStore.putTopic(id.connector, topic).catch((e: Error) => logger.warn({ topic, err: e.message }, 'could not record an active topic'));
      let runner: WorkerTask;
      if (this.options.taskThreads === true && options.topicCreation === undefined) {
        runner = new ThreadedTask({
          id: { ...id }, connectorConfig: { ...connectorConfig }, taskConfig: { ...taskConfig }, workerConfig: { ...this.options.workerConfig },
          offsetFlushIntervalMs: this.flushIntervalMs, offsets: this.options.offsetStore.connectorOffsets(id.connector).map(([p, o]) => [p, o] as const),
          logLevel: loggerLevel(this.options.logger),
        }, { offsetStore: this.options.offsetStore, onTopic, logger });
      } else {
        runner = await createTaskRunner({
          id, connectorConfig, taskConfig, workerConfig: this.options.workerConfig, kafka: this.kafka, logger,
          connectors: this.connectorRegistry, converters: this.converterRegistry, transforms: this.transformRegistry,
          offsetStore: this.options.offsetStore, offsetFlushIntervalMs: this.flushIntervalMs, onTopic,
          topicCreation: () => (options.topicCreation !== undefined ? options.topicCreation : (this.options.topicCreationFor?.(connectorConfig) ?? null)),
          closers,
        });
      }
      await runner.start();
      entry.runner = runner;
      runner.done.catch((e: unknown) => {
        if (entry.stopping) return;
        const error = asError(e);
        entry.failed = true;
        void this.reportTask(id, 'FAILED', error);
        for (const h of this.failureHandlers) h(key, error);
      });
      if (targetState === 'PAUSED') runner.pause();
      await this.reportTask(id, targetState === 'PAUSED' ? 'PAUSED' : 'RUNNING');
      logger.info('task started');
    } catch (e) {
      logger.error({ err: asError(e).message }, 'task failed to start');
      entry.failed = true;
      await close();
      await this.reportTask(id, 'FAILED', e);
    } finally {
      startFinished();
    }
  }

  /**
   * Stops tasks and waits for each to finish gracefully (offsets committed). A stopped task is
   * reported UNASSIGNED unless it had failed; `forget` removes its status instead (a STOPPED
   * connector has no tasks).
   */
  async stopTasks(ids: readonly ConnectorTaskId[], options: { forget?: boolean } = {}): Promise<void> {
    const errors: unknown[] = [];
    await Promise.all(ids.map(async (id) => {
      const key = taskKey(id);
      const t = this.tasks.get(key);
      if (t === undefined) return;
      t.stopping = true;
      try {
        await t.starting; // a task still starting is stopped once it has (its runner is set then)
        await t.runner?.stop();
      } catch (e) {
        errors.push(e);
        this.options.logger.error({ task: key, err: asError(e).message }, 'task stop failed');
      } finally {
        await t.close();
        this.tasks.delete(key);
      }
      if (options.forget === true) {
        const store = this.statusStore as StatusBackingStore & { deleteTask?: (id: ConnectorTaskId) => void };
        if (store.deleteTask !== undefined) store.deleteTask(id);
        else await this.reportTask(id, 'DESTROYED');
      } else if (!t.failed) {
        await this.reportTask(id, 'UNASSIGNED');
      }
    }));
    if (errors.length > 0) throw errors[0];
  }

  /** Stops every task (committing offsets), then the connectors, then the offset store. */
  async stop(): Promise<void> {
    const errors: unknown[] = [];
    await this.stopTasks(this.taskIds()).catch((e: unknown) => errors.push(e));
    for (const name of this.connectorNames()) await this.stopConnector(name).catch((e: unknown) => errors.push(e));
    await this.options.offsetStore.stop();
    if (errors.length > 0) throw errors[0];
  }
}
