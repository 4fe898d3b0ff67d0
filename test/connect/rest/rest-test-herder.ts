/**
 * The Herder the REST API tests talk to, from ONE factory: `createRestTestHerder`.
 *
 * REPLACED BY THE StandaloneHerder WHEN MERGED: until the real StandaloneHerder is in this branch,
 * the factory returns a small in-memory Herder that enforces the same rules the tests check —
 * connector configs validated with the real ConfigDefs and connector plugins (a bad key is named),
 * duplicates refused, unknown connectors/tasks not found, offsets changed only when STOPPED — but
 * runs no tasks. The tests only speak HTTP and assert what any Herder must do, so swapping the
 * factory's body for `new StandaloneHerder(...)` must keep them passing.
 *
 * The failure wrappers at the end (`notLeaderHerder`, `failingHerder`) are test doubles for
 * situations a standalone worker never meets (a rebalance, another leader, a crash); they stay.
 */
import { Kafka } from '../../../src/client/kafka.js';
import { silentLogger } from '../../../src/logging/logger.js';
import { SinkConnector, SourceConnector, type Connector } from '../../../src/connect/api/connector.js';
import { ConfigException } from '../../../src/connect/api/errors.js';
import { defaultConnectorRegistry } from '../../../src/connect/connectors/registry.js';
import { CONNECTOR_CONFIG_DEF, sinkTopics } from '../../../src/connect/runtime/config.js';
import {
  AlreadyExistsException,
  BadRequestException,
  NotFoundException,
  NotLeaderException,
  type ConfigInfos,
  type ConnectorConfig,
  type ConnectorInfo,
  type ConnectorOffsets,
  type ConnectorStateInfo,
  type Herder,
  type PluginInfo,
  type PutConnectorOptions,
  type RestartRequest,
  type TargetState,
  type TaskInfo,
  type TaskStateEntry,
} from '../../../src/connect/runtime/herder.js';

export interface RestTestHerderOptions {
  /** bootstrap.servers of the broker the worker uses. */
  bootstrap: string;
  /** A directory for the worker's files (offsets). */
  dir: string;
  /** The worker id statuses show (host:port of its REST listener). */
  workerId?: string;
}

export interface RestTestHerder extends Herder {
  /** Stops the herder (and its connectors). */
  stop(): Promise<void>;
}

/** The one place the REST tests get their Herder from. */
export async function createRestTestHerder(options: RestTestHerderOptions): Promise<RestTestHerder> {
  return new InMemoryHerder(options);
}

interface Entry {
  config: ConnectorConfig;
  type: 'source' | 'sink';
  target: TargetState;
  tasks: TaskInfo[];
}

/** Replaced by the StandaloneHerder when merged (see the file comment). */
class InMemoryHerder implements RestTestHerder {
  readonly workerId: string;
  private readonly registry = defaultConnectorRegistry();
  private readonly connectorsByName = new Map<string, Entry>();

  constructor(private readonly options: RestTestHerderOptions) {
    this.workerId = options.workerId ?? 'localhost:8083';
  }

  async kafkaClusterId(): Promise<string> {
    const admin = new Kafka({ clientId: 'rest-test-herder', brokers: [this.options.bootstrap], logger: silentLogger() }).admin();
    await admin.connect();
    try {
      return (await admin.describeCluster()).clusterId;
    } finally {
      await admin.disconnect();
    }
  }

  async connectors(): Promise<string[]> {
    return [...this.connectorsByName.keys()].sort();
  }

  private entry(name: string): Entry {
    const e = this.connectorsByName.get(name);
    if (e === undefined) throw new NotFoundException(`Connector ${name} not found`);
    return e;
  }

  async connectorInfo(name: string): Promise<ConnectorInfo> {
    const e = this.entry(name);
    return { name, config: { ...e.config }, tasks: e.tasks.map((t) => t.id), type: e.type };
  }

  async connectorConfig(name: string): Promise<ConnectorConfig> {
    return { ...this.entry(name).config };
  }

  /** Validates as the worker does; a ConfigException names the first bad key. */
  private validate(config: ConnectorConfig): Connector {
    CONNECTOR_CONFIG_DEF.parse(config);
    const connector = this.registry.newConnector(config['connector.class']!);
    if (connector instanceof SinkConnector) sinkTopics(config);
    const errors = connector.validate(config).configValues.flatMap((v) => v.errorMessages);
    if (errors.length > 0) throw new BadRequestException(`Connector configuration is invalid and contains the following ${errors.length} error(s):\n${errors.join('\n')}`);
    return connector;
  }

  async putConnectorConfig(name: string, config: ConnectorConfig, options: PutConnectorOptions): Promise<{ created: boolean; info: ConnectorInfo }> {
    const existing = this.connectorsByName.get(name);
    if (existing !== undefined && !options.allowReplace) throw new AlreadyExistsException(`Connector ${name} already exists`);
    const connector = this.validate(config);
    const maxTasks = CONNECTOR_CONFIG_DEF.parse(config)['tasks.max'] as number;
    await connector.start(config);
    const taskConfigs = connector.taskConfigs(maxTasks).slice(0, maxTasks);
    await connector.stop();
    const type = connector instanceof SourceConnector ? 'source' : 'sink';
    const tasks = taskConfigs.map((c, i) => ({ id: { connector: name, task: i }, config: { ...config, ...c } }));
    this.connectorsByName.set(name, { config: { ...config }, type, target: existing?.target ?? options.initialState ?? 'STARTED', tasks });
    return { created: existing === undefined, info: await this.connectorInfo(name) };
  }

  async deleteConnector(name: string): Promise<void> {
    this.entry(name);
    this.connectorsByName.delete(name);
  }

  private state(e: Entry): 'RUNNING' | 'PAUSED' | 'STOPPED' {
    return e.target === 'STARTED' ? 'RUNNING' : e.target;
  }

  async connectorStatus(name: string): Promise<ConnectorStateInfo> {
    const e = this.entry(name);
    const state = this.state(e);
    const tasks = state === 'STOPPED' ? [] : e.tasks.map((t) => ({ id: t.id.task, state, worker_id: this.workerId }));
    return { name, connector: { state, worker_id: this.workerId }, tasks, type: e.type };
  }

  async taskStatus(name: string, task: number): Promise<TaskStateEntry> {
    const found = (await this.connectorStatus(name)).tasks.find((t) => t.id === task);
    if (found === undefined) throw new NotFoundException(`No status found for task ${name}-${task}`);
    return found;
  }

  async taskConfigs(name: string): Promise<TaskInfo[]> {
    return this.entry(name).tasks.map((t) => ({ id: { ...t.id }, config: { ...t.config } }));
  }

  async restartConnector(name: string, request: RestartRequest): Promise<ConnectorStateInfo> {
    const status = await this.connectorStatus(name);
    // Nothing here fails, so onlyFailed restarts nothing; otherwise the connector (and its tasks) restart.
    if (request.onlyFailed) return status;
    return {
      ...status,
      connector: { ...status.connector, state: 'RESTARTING' },
      tasks: request.includeTasks ? status.tasks.map((t) => ({ ...t, state: 'RESTARTING' })) : status.tasks,
    };
  }

  async restartTask(name: string, task: number): Promise<void> {
    if (!this.entry(name).tasks.some((t) => t.id.task === task)) throw new NotFoundException(`Task ${name}-${task} not found`);
  }

  async pauseConnector(name: string): Promise<void> {
    this.entry(name).target = 'PAUSED';
  }

  async resumeConnector(name: string): Promise<void> {
    this.entry(name).target = 'STARTED';
  }

  async stopConnector(name: string): Promise<void> {
    this.entry(name).target = 'STOPPED';
  }

  async connectorActiveTopics(name: string): Promise<string[]> {
    this.entry(name);
    return [];
  }

  async resetConnectorActiveTopics(name: string): Promise<void> {
    this.entry(name);
  }

  async connectorOffsets(name: string): Promise<ConnectorOffsets> {
    this.entry(name);
    return { offsets: [] };
  }

  private requireStopped(name: string): Entry {
    const e = this.entry(name);
    if (e.target !== 'STOPPED') throw new BadRequestException(`Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/${name}/stop' endpoint`);
    return e;
  }

  async alterConnectorOffsets(name: string, _offsets: ConnectorOffsets): Promise<string> {
    this.requireStopped(name);
    return 'The offsets for this connector have been altered successfully';
  }

  async resetConnectorOffsets(name: string): Promise<string> {
    this.requireStopped(name);
    return 'The offsets for this connector have been reset successfully';
  }

  connectorPlugins(_connectorsOnly: boolean): PluginInfo[] {
    return this.registry.classNames().map((className) => {
      const c = this.registry.newConnector(className);
      return { class: className, type: c instanceof SourceConnector ? 'source' : 'sink', version: c.version() };
    });
  }

  async validateConnectorConfig(plugin: string, config: ConnectorConfig): Promise<ConfigInfos> {
    let connector: Connector;
    try {
      connector = this.registry.newConnector(plugin);
    } catch (e) {
      if (e instanceof ConfigException) throw new NotFoundException(e.message);
      throw e;
    }
    const props: ConnectorConfig = { ...config, 'connector.class': config['connector.class'] ?? plugin };
    const values = [...CONNECTOR_CONFIG_DEF.validate(props), ...connector.validate(props).configValues];
    const keys = new Map([...CONNECTOR_CONFIG_DEF.configKeys(), ...connector.config().configKeys()]);
    const configs = values.map((v, order) => {
      const key = keys.get(v.name)!;
      return {
        definition: { name: v.name, type: key.type, required: typeof key.defaultValue === 'symbol', default_value: typeof key.defaultValue === 'symbol' || key.defaultValue === null ? null : String(key.defaultValue), importance: key.importance, documentation: key.documentation, group: null, order, width: 'NONE', display_name: v.name, dependents: [] },
        value: { name: v.name, value: props[v.name] ?? null, recommended_values: [], errors: v.errorMessages, visible: true },
      };
    });
    return { name: this.registry.className(plugin)!, error_count: configs.reduce((n, c) => n + c.value.errors.length, 0), groups: [], configs };
  }

  async stop(): Promise<void> {
    this.connectorsByName.clear();
  }
}

/** A worker that is not the leader: every herder call answers NotLeaderException pointing at `leaderUrl`. */
export function notLeaderHerder(leaderUrl: string | null, workerId = 'follower:8083'): Herder {
  return failingHerder(() => new NotLeaderException('This worker is not the leader', leaderUrl), workerId);
}

/** A herder whose every call throws `error()` (a rebalance in progress, an internal failure...). */
export function failingHerder(error: () => Error, workerId = 'failing:8083'): Herder {
  const fail = (): never => {
    throw error();
  };
  const failAsync = async (): Promise<never> => fail();
  return {
    workerId,
    kafkaClusterId: failAsync,
    connectors: failAsync,
    connectorInfo: failAsync,
    connectorConfig: failAsync,
    putConnectorConfig: failAsync,
    deleteConnector: failAsync,
    connectorStatus: failAsync,
    taskStatus: failAsync,
    taskConfigs: failAsync,
    restartConnector: failAsync,
    restartTask: failAsync,
    pauseConnector: failAsync,
    resumeConnector: failAsync,
    stopConnector: failAsync,
    connectorActiveTopics: failAsync,
    resetConnectorActiveTopics: failAsync,
    connectorOffsets: failAsync,
    alterConnectorOffsets: failAsync,
    resetConnectorOffsets: failAsync,
    connectorPlugins: fail,
    validateConnectorConfig: failAsync,
  };
}
