/**
 * What every herder shares (Kafka's AbstractHerder): reading connector configs, task configs and
 * statuses from the herder's ConfigBackingStore and the worker's StatusBackingStore, validating a
 * connector configuration against the framework's and the connector's ConfigDefs, listing plugins,
 * and reading, altering and resetting offsets (KIP-875: source offsets in the worker's
 * OffsetBackingStore, sink offsets in the consumer group `connect-<name>`).
 *
 * Subclasses decide who may write and how work is started: StandaloneHerder runs everything on its
 * one worker; DistributedHerder lets the leader write to the config topic and each worker run what
 * the group assigned to it.
 */
import type { Admin } from '../../client/admin/admin.js';
import type { Logger } from '../../logging/logger.js';
import { NO_DEFAULT_VALUE, type ConfigDef, type ConfigKey, type ConfigValue } from '../api/config-def.js';
import { SinkConnector, SourceConnector, type Connector } from '../api/connector.js';
import { ConnectException } from '../api/errors.js';
import { newConverters } from '../converters/registry.js';
import { buildTransformationChain } from '../transforms/transform-chain.js';
import { CONNECTOR_CONFIG_DEF, SINK_CONNECTOR_CONFIG_DEF } from './config.js';
import {
  BadRequestException,
  NotFoundException,
  type ConfigInfos,
  type ConnectorConfig,
  type ConnectorInfo,
  type ConnectorOffsets,
  type ConnectorStateInfo,
  type ConnectorTaskId,
  type ConnectorType,
  type Herder,
  type PluginInfo,
  type PutConnectorOptions,
  type RestartRequest,
  type TargetState,
  type TaskInfo,
  type TaskStateEntry,
} from './herder.js';
import type { OffsetKey, OffsetValue } from './offset-store.js';
import type { ConfigBackingStore, ConnectorStatus, StatusBackingStore, TaskStatus } from './storage.js';
import type { Worker } from './worker.js';

export const OFFSETS_ALTERED_MESSAGE = 'The offsets for this connector have been altered successfully';
export const OFFSETS_RESET_MESSAGE = 'The offsets for this connector have been reset successfully';
export const FRAMEWORK_OFFSETS_ALTERED_MESSAGE = 'The Connect framework-managed offsets for this connector have been altered successfully. However, if this connector manages offsets externally, they will need to be manually altered in the system that the connector uses.';
export const FRAMEWORK_OFFSETS_RESET_MESSAGE = 'The Connect framework-managed offsets for this connector have been reset successfully. However, if this connector manages offsets externally, they will need to be manually reset in the system that the connector uses.';

/**
 * KIP-875's optional connector hook (Kafka's SourceConnector/SinkConnector.alterOffsets): it may
 * reject the offsets (throw) and says whether the connector's offsets are only the framework's
 * (true) or also kept elsewhere (false). Samsa's SPI does not declare it; a connector without it
 * counts as true (the FileStream connectors manage no external offsets, as Kafka's return true).
 */
type AlterOffsetsHook = (config: ConnectorConfig, offsets: ConnectorOffsets['offsets']) => boolean | Promise<boolean>;

/** What a restart request restarts, and the answer showing it as RESTARTING (KIP-745). */
export interface RestartPlan {
  answer: ConnectorStateInfo;
  restartConnector: boolean;
  restartTasks: ConnectorTaskId[];
}

/** The converters Kafka ships, listed by GET /connector-plugins?connectorsOnly=false when the registry knows them. */

function keyGroup(name: string): string {
  if (name.startsWith('errors.')) return 'Error Handling';
  if (name === 'transforms') return 'Transforms';
  return 'Common';
}

function defaultText(key: ConfigKey): string | null {
  if (key.defaultValue === NO_DEFAULT_VALUE || key.defaultValue === null) return null;
  return Array.isArray(key.defaultValue) ? key.defaultValue.join(',') : String(key.defaultValue);
}

/** The key a ConfigException message names (`... for configuration <key>: ...`), or the fallback. */
function keyOfMessage(message: string, fallback: string): string {
  return /for configuration (\S+?):? /.exec(`${message} `)?.[1] ?? fallback;
}

export abstract class AbstractHerder implements Herder {
  readonly workerId: string;
  protected readonly statusStore: StatusBackingStore;
  private admin: Promise<Admin> | null = null;

  protected constructor(protected readonly worker: Worker, protected readonly configStore: ConfigBackingStore, protected readonly logger: Logger) {
    this.workerId = worker.workerId;
    this.statusStore = worker.statusStore;
  }

  /** Called by reads of the config view; the distributed herder refuses them (409) until it has a current view. */
  protected checkReadable(): void {}

  /** One admin client for the herder's lifetime, connected on first use. */
  protected adminClient(): Promise<Admin> {
    if (this.admin === null) {
      const admin = this.worker.kafka.admin();
      const connecting = admin.connect().then(() => admin);
      this.admin = connecting;
      connecting.catch(() => {
        if (this.admin === connecting) this.admin = null; // try again next time
      });
    }
    return this.admin;
  }

  protected async closeAdmin(): Promise<void> {
    const admin = this.admin;
    this.admin = null;
    await admin?.then((a) => a.disconnect()).catch(() => undefined);
  }

  async kafkaClusterId(): Promise<string> {
    return (await (await this.adminClient()).describeCluster()).clusterId;
  }

  // ---- configs ----

  protected config(name: string): ConnectorConfig {
    const config = this.configStore.snapshot().connectorConfigs.get(name);
    if (config === undefined) throw new NotFoundException(`Connector ${name} not found`);
    return config;
  }

  protected targetState(name: string): TargetState {
    return this.configStore.snapshot().targetStates.get(name) ?? 'STARTED';
  }

  protected typeOf(config: ConnectorConfig): ConnectorType {
    return this.worker.connectorType(config['connector.class'] ?? '');
  }

  protected info(name: string): ConnectorInfo {
    const config = this.config(name);
    const tasks = this.configStore.snapshot().taskConfigs.get(name) ?? [];
    return { name, config: { ...config }, tasks: tasks.map((_, task) => ({ connector: name, task })), type: this.typeOf(config) };
  }

  async connectors(): Promise<string[]> {
    this.checkReadable();
    return [...this.configStore.snapshot().connectorConfigs.keys()].sort();
  }

  async connectorInfo(name: string): Promise<ConnectorInfo> {
    this.checkReadable();
    return this.info(name);
  }

  async connectorConfig(name: string): Promise<ConnectorConfig> {
    this.checkReadable();
    return { ...this.config(name) };
  }

  async taskConfigs(name: string): Promise<TaskInfo[]> {
    this.checkReadable();
    this.config(name);
    return (this.configStore.snapshot().taskConfigs.get(name) ?? []).map((config, task) => ({ id: { connector: name, task }, config: { ...config } }));
  }

  /**
   * The connector config as it will be stored (`name` added) after Kafka's validation; a
   * BadRequestException listing every error otherwise.
   */
  protected validatedConfig(name: string, config: ConnectorConfig): ConnectorConfig {
    const full: ConnectorConfig = { ...config };
    full['name'] ??= name;
    const className = full['connector.class'];
    if (className === undefined || className.trim() === '') throw new BadRequestException(`Connector config ${JSON.stringify(full)} contains no connector type`);
    const infos = this.validate(className, full);
    if (infos.error_count > 0) {
      const messages = infos.configs.flatMap((c) => c.value.errors);
      throw new BadRequestException(`Connector configuration is invalid and contains the following ${infos.error_count} error(s):\n${messages.join('\n')}\nYou can also find the above list of errors at the endpoint \`/connector-plugins/{connectorType}/config/validate\``);
    }
    return full;
  }

  // ---- statuses ----

  protected stateInfo(name: string): ConnectorStateInfo {
    const config = this.config(name);
    const connector = this.statusStore.getConnector(name);
    if (connector === null) throw new NotFoundException(`No status found for connector ${name}`);
    return {
      name,
      connector: { state: connector.state, worker_id: connector.workerId, ...(connector.state === 'FAILED' && connector.trace !== null ? { trace: connector.trace } : {}) },
      tasks: this.statusStore.getAllTasks(name).map((t) => this.taskEntry(t)),
      type: this.typeOf(config),
    };
  }

  protected taskEntry(t: TaskStatus): TaskStateEntry {
    return { id: t.id.task, state: t.state, worker_id: t.workerId, ...(t.state === 'FAILED' && t.trace !== null ? { trace: t.trace } : {}) };
  }

  async connectorStatus(name: string): Promise<ConnectorStateInfo> {
    return this.stateInfo(name);
  }

  async taskStatus(name: string, task: number): Promise<TaskStateEntry> {
    const status = this.statusStore.getTask({ connector: name, task });
    if (status === null) throw new NotFoundException(`No status found for task ${name}-${task}`);
    return this.taskEntry(status);
  }

  /** KIP-745: what `request` restarts given the stored statuses, and the answer showing it as RESTARTING. */
  protected restartPlan(name: string, request: RestartRequest): RestartPlan {
    if (!this.configStore.snapshot().connectorConfigs.has(name)) throw new NotFoundException(`Unknown connector: ${name}`);
    const current = this.statusStore.getConnector(name);
    if (current === null) throw new NotFoundException(`Status for connector ${name} not found`);
    const restartConnector = !request.onlyFailed || current.state === 'FAILED';
    const tasks = this.statusStore.getAllTasks(name);
    const restartTasks = request.includeTasks ? tasks.filter((t) => !request.onlyFailed || t.state === 'FAILED').map((t) => t.id) : [];
    const answer = this.stateInfo(name);
    if (restartConnector) answer.connector = { state: 'RESTARTING', worker_id: answer.connector.worker_id };
    answer.tasks = answer.tasks.map((t) => (restartTasks.some((id) => id.task === t.id) ? { id: t.id, state: 'RESTARTING', worker_id: t.worker_id } : t));
    return { answer, restartConnector, restartTasks };
  }

  /** The answer to a connector config PUT, logged. */
  protected connectorConfigPut(name: string, created: boolean): { created: boolean; info: ConnectorInfo } {
    this.logger.info({ connector: name, created }, created ? 'connector created' : 'connector reconfigured');
    return { created, info: this.info(name) };
  }

  /** Removes a deleted connector's config, statuses and active topics from the stores. */
  protected async removeConnectorRecords(name: string): Promise<void> {
    await this.configStore.removeConnectorConfig(name);
    await this.statusStore.deleteConnector(name);
    await this.statusStore.deleteTopics(name);
    this.logger.info({ connector: name }, 'connector deleted');
  }

  /** The stored config of task `task` of the connector; NotFoundException when there is none. */
  protected storedTaskConfig(name: string, task: number): ConnectorConfig {
    const taskConfig = (this.configStore.snapshot().taskConfigs.get(name) ?? [])[task];
    if (taskConfig === undefined) throw new NotFoundException(`Task ${name}-${task} not found`);
    return taskConfig;
  }

  /** The task configs the running connector generates for its `tasks.max`; null (logged) when it fails to. */
  protected generateTaskConfigs(name: string, config: ConnectorConfig): ConnectorConfig[] | null {
    try {
      return this.worker.connectorTaskConfigs(name, Number(CONNECTOR_CONFIG_DEF.parse(config)['tasks.max']));
    } catch (e) {
      this.logger.error({ connector: name, err: (e as Error).message }, 'could not get the task configurations');
      return null;
    }
  }

  /** Stops a task this worker runs and starts it again, in its connector's target state. */
  protected async restartTaskHere(id: ConnectorTaskId, config: ConnectorConfig, taskConfig: ConnectorConfig): Promise<void> {
    await this.worker.stopTasks([id]);
    await this.worker.startTask(id, config, taskConfig, this.targetState(id.connector));
  }

  // ---- active topics (KIP-558) ----

  async connectorActiveTopics(name: string): Promise<string[]> {
    this.config(name);
    return this.statusStore.getAllTopics(name);
  }

  // ---- offsets (KIP-875) ----

  async connectorOffsets(name: string): Promise<ConnectorOffsets> {
    this.checkReadable();
    return this.readOffsets(name, this.config(name));
  }

  protected groupId(name: string): string {
    return `connect-${name}`;
  }

  /** Source: the offset store's entries of the connector; sink: the group's committed offsets. */
  protected async readOffsets(name: string, config: ConnectorConfig): Promise<ConnectorOffsets> {
    if (this.typeOf(config) === 'sink') {
      const committed = await (await this.adminClient()).fetchOffsets({ groupId: this.groupId(name) });
      return {
        offsets: committed.flatMap((t) => t.partitions.filter((p) => BigInt(p.offset) >= 0n).map((p) => ({
          partition: { kafka_topic: t.topic, kafka_partition: p.partition },
          offset: { kafka_offset: Number(p.offset) },
        }))),
      };
    }
    return { offsets: this.worker.offsetStore.connectorOffsets(name).map(([partition, offset]) => ({ partition: { ...partition }, offset: { ...offset } })) };
  }

  protected requireStopped(name: string): ConnectorConfig {
    const config = this.config(name);
    if (this.targetState(name) !== 'STOPPED') {
      throw new BadRequestException(`Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/${name}/stop' endpoint`);
    }
    return config;
  }

  /** Alters the offsets of a STOPPED connector; Kafka's success message. */
  protected async alterOffsets(name: string, offsets: ConnectorOffsets): Promise<string> {
    const config = this.requireStopped(name);
    if (offsets?.offsets === undefined || offsets.offsets === null || offsets.offsets.length === 0) throw new BadRequestException('Partitions / offsets need to be provided for an alter offsets request');
    const frameworkOnly = await this.connectorAltersOffsets(config, offsets.offsets);
    if (this.typeOf(config) === 'sink') await this.alterSinkOffsets(name, offsets);
    else await this.alterSourceOffsets(name, offsets);
    return frameworkOnly ? OFFSETS_ALTERED_MESSAGE : FRAMEWORK_OFFSETS_ALTERED_MESSAGE;
  }

  /** Resets the offsets of a STOPPED connector (source: tombstones; sink: the group is deleted); Kafka's success message. */
  protected async resetOffsets(name: string): Promise<string> {
    const config = this.requireStopped(name);
    const current = (await this.readOffsets(name, config)).offsets.map((o) => ({ partition: o.partition, offset: null }));
    const frameworkOnly = await this.connectorAltersOffsets(config, current);
    if (this.typeOf(config) === 'sink') {
      const admin = await this.adminClient();
      const groups = (await admin.listGroups()).groups.map((g) => g.groupId);
      if (groups.includes(this.groupId(name))) await admin.deleteGroups([this.groupId(name)]);
    } else {
      await this.worker.offsetStore.set(this.worker.offsetStore.connectorOffsets(name).map(([partition]) => [[name, partition], null] as const));
    }
    return frameworkOnly ? OFFSETS_RESET_MESSAGE : FRAMEWORK_OFFSETS_RESET_MESSAGE;
  }

  /** Runs the connector's alterOffsets hook when it has one (a ConnectException from it is a 400). */
  protected async connectorAltersOffsets(config: ConnectorConfig, offsets: ConnectorOffsets['offsets']): Promise<boolean> {
    const connector = this.worker.connectorPlugins.newConnector(config['connector.class'] ?? '');
    const hook = (connector as unknown as { alterOffsets?: AlterOffsetsHook }).alterOffsets;
    if (typeof hook !== 'function') return true;
    try {
      return await hook.call(connector, { ...config }, offsets);
    } catch (e) {
      throw new BadRequestException(`Failed to alter the offsets of connector ${config['name'] ?? ''}: ${(e as Error).message}`, { cause: e });
    }
  }

  protected async alterSourceOffsets(name: string, offsets: ConnectorOffsets): Promise<void> {
    const entries: Array<readonly [OffsetKey, OffsetValue | null]> = offsets.offsets.map(({ partition, offset }) => {
      if (partition === null || typeof partition !== 'object' || Array.isArray(partition)) throw new BadRequestException('Source partitions may not be null');
      if (offset !== null && (typeof offset !== 'object' || Array.isArray(offset))) throw new BadRequestException(`Source offsets must be JSON objects or null, found ${JSON.stringify(offset)}`);
      return [[name, partition], offset] as const;
    });
    await this.worker.offsetStore.set(entries);
  }

  protected async alterSinkOffsets(name: string, offsets: ConnectorOffsets): Promise<void> {
    const toSet = new Map<string, Array<{ partition: number; offset: string }>>();
    const toDelete = new Map<string, number[]>();
    for (const { partition, offset } of offsets.offsets) {
      if (partition === null || partition === undefined) throw new BadRequestException('The partition for a sink connector offset cannot be null or missing');
      if (!('kafka_topic' in partition) || !('kafka_partition' in partition)) throw new BadRequestException("The partition for a sink connector offset must contain the keys 'kafka_topic' and 'kafka_partition'");
      const topic = partition['kafka_topic'];
      const p = partition['kafka_partition'];
      if (typeof topic !== 'string' || topic === '') throw new BadRequestException('Kafka topic names must be valid strings and may not be null');
      if (p === null || p === undefined) throw new BadRequestException('Kafka partitions must be valid numbers and may not be null');
      const partitionNumber = Number(p);
      if (!Number.isInteger(partitionNumber) || partitionNumber < 0) throw new BadRequestException(`Failed to parse the following Kafka partition value in the provided offsets: '${String(p)}'. Partition values for sink connectors need to be integers.`);
      if (offset === null) {
        toDelete.set(topic, [...(toDelete.get(topic) ?? []), partitionNumber]);
        continue;
      }
      if (!('kafka_offset' in offset)) throw new BadRequestException("The offset for a sink connector should either be null or contain the key 'kafka_offset'");
      const o = offset['kafka_offset'];
      if (o === undefined || o === null) throw new BadRequestException("The offset for a sink connector should either be null or contain the key 'kafka_offset'");
      if (!/^\d+$/.test(String(o))) throw new BadRequestException(`Failed to parse the following Kafka offset value in the provided offsets: '${String(o)}'. Offset values for sink connectors need to be integers.`);
      toSet.set(topic, [...(toSet.get(topic) ?? []), { partition: partitionNumber, offset: String(o) }]);
    }
    const admin = await this.adminClient();
    for (const [topic, partitions] of toSet) await admin.setOffsets({ groupId: this.groupId(name), topic, partitions });
    if (toDelete.size > 0) {
      const results = await admin.deleteGroupOffsets({ groupId: this.groupId(name), topics: [...toDelete].map(([topic, partitions]) => ({ topic, partitions })) });
      const failed = results.find((r) => r.errorCode !== 0);
      if (failed !== undefined) throw new ConnectException(`Failed to delete the offsets of ${failed.topic}-${failed.partition} for connector ${name}: ${failed.error?.message ?? `error code ${failed.errorCode}`}`);
    }
  }

  // ---- plugins and validation ----

  connectorPlugins(connectorsOnly: boolean): PluginInfo[] {
    const plugins: PluginInfo[] = [];
    const registry = this.worker.connectorPlugins;
    for (const className of registry.classNames()) {
      const c = registry.newConnector(className);
      plugins.push({ class: className, type: c instanceof SinkConnector ? 'sink' : 'source', version: c.version() });
    }
    if (connectorsOnly) return plugins;
    const converters = this.worker.converterPlugins;
    for (const className of converters.classNames()) {
      const instance = converters.create(className, 'converter') as unknown as Record<string, unknown>;
      if (typeof instance['fromConnectData'] === 'function') plugins.push({ class: className, type: 'converter' });
      if (typeof instance['fromConnectHeader'] === 'function') plugins.push({ class: className, type: 'header_converter' });
    }
    const transforms = this.worker.transformPlugins;
    for (const className of transforms.transformationClassNames().sort()) plugins.push({ class: className, type: 'transformation' });
    for (const className of transforms.predicateClassNames().sort()) plugins.push({ class: className, type: 'predicate' });
    return plugins;
  }

  async validateConnectorConfig(plugin: string, config: ConnectorConfig): Promise<ConfigInfos> {
    return this.validate(plugin, config);
  }

  /** Kafka's AbstractHerder.validateConnectorConfig: every key of the framework's and the connector's ConfigDefs with its errors. */
  protected validate(plugin: string, config: ConnectorConfig): ConfigInfos {
    let connector: Connector;
    try {
      connector = this.worker.connectorPlugins.newConnector(plugin);
    } catch (e) {
      throw new BadRequestException((e as Error).message, { cause: e });
    }
    const isSink = connector instanceof SinkConnector;
    const props: ConnectorConfig = { ...config, 'connector.class': config['connector.class'] ?? plugin };
    const defs: Array<[ConfigDef, boolean]> = [[CONNECTOR_CONFIG_DEF, true]];
    if (isSink) defs.push([SINK_CONNECTOR_CONFIG_DEF, true]);
    const entries = new Map<string, { key: ConfigKey; framework: boolean; value: ConfigValue }>();
    for (const [def, framework] of defs) {
      const values = def.validate(props);
      for (const value of values) entries.set(value.name, { key: def.configKeys().get(value.name)!, framework, value });
    }
    const addError = (name: string, message: string): void => {
      const entry = entries.get(name);
      if (entry !== undefined) {
        if (!entry.value.errorMessages.includes(message)) entry.value.errorMessages.push(message);
        return;
      }
      entries.set(name, {
        key: { name, type: 'STRING', defaultValue: null, validator: null, importance: 'LOW', documentation: '' },
        framework: true,
        value: { name, value: props[name] ?? null, errorMessages: [message] },
      });
    };
    if (entries.get('connector.class')!.value.errorMessages.length === 0 && !(connector instanceof SourceConnector) && !isSink) {
      addError('connector.class', `Invalid value ${plugin} for configuration connector.class: the class is neither a source nor a sink connector`);
    }
    if (isSink) {
      const topics = (props['topics'] ?? '').trim();
      const regex = (props['topics.regex'] ?? '').trim();
      if (topics !== '' && regex !== '') {
        const m = 'topics and topics.regex are mutually exclusive options, but both are set.';
        addError('topics', m);
        addError('topics.regex', m);
      } else if (topics === '' && regex === '') {
        const m = 'Must configure one of topics or topics.regex';
        addError('topics', m);
        addError('topics.regex', m);
      } else if (regex !== '') {
        try {
          new RegExp(regex);
        } catch (e) {
          addError('topics.regex', `Invalid value ${regex} for configuration topics.regex: ${(e as Error).message}`);
        }
      }
      const dlq = (props['errors.deadletterqueue.topic.name'] ?? '').trim();
      if (dlq !== '' && topics.split(',').map((t) => t.trim()).includes(dlq)) {
        addError('errors.deadletterqueue.topic.name', `The DLQ topic '${dlq}' may not be included in the list of topics ('topics=${topics}') consumed by the connector`);
      }
    }
    try {
      newConverters(this.worker.workerConfig, props, this.worker.converterPlugins);
    } catch (e) {
      addError(keyOfMessage((e as Error).message, 'value.converter'), (e as Error).message);
    }
    try {
      buildTransformationChain(props, this.worker.transformPlugins).close();
    } catch (e) {
      addError(keyOfMessage((e as Error).message, 'transforms'), (e as Error).message);
    }
    const connectorDef = connector.config();
    const own = (() => {
      try {
        return connector.validate(props).configValues;
      } catch (e) {
        return [{ name: 'connector.class', value: null, errorMessages: [(e as Error).message] }];
      }
    })();
    for (const value of own) {
      const key = connectorDef.configKeys().get(value.name);
      if (entries.has(value.name)) {
        for (const m of value.errorMessages) addError(value.name, m);
      } else if (key !== undefined) {
        entries.set(value.name, { key, framework: false, value: { ...value, errorMessages: [...value.errorMessages] } });
      } else {
        for (const m of value.errorMessages) addError(value.name, m);
      }
    }
    let order = 0;
    const configs: ConfigInfos['configs'] = [];
    const groups: string[] = [];
    let errorCount = 0;
    for (const { key, framework, value } of entries.values()) {
      const group = framework ? keyGroup(key.name) : null;
      if (group !== null && !groups.includes(group)) groups.push(group);
      errorCount += value.errorMessages.length;
      const raw = props[key.name];
      configs.push({
        definition: {
          name: key.name,
          type: key.type,
          required: key.defaultValue === NO_DEFAULT_VALUE,
          default_value: defaultText(key),
          importance: key.importance,
          documentation: key.documentation,
          group,
          order: framework ? ++order : -1,
          width: 'NONE',
          display_name: key.name,
          dependents: [],
        },
        value: { name: key.name, value: key.type === 'PASSWORD' && raw !== undefined ? '[hidden]' : (raw ?? defaultText(key)), recommended_values: [], errors: [...value.errorMessages], visible: true },
      });
    }
    return { name: props['connector.class']!, error_count: errorCount, groups, configs };
  }

  /** The connector's status as stored (for tools and tests). */
  connectorStatusEntry(name: string): ConnectorStatus | null {
    return this.statusStore.getConnector(name);
  }

  // ---- what each mode does its own way ----

  abstract putConnectorConfig(name: string, config: ConnectorConfig, options: PutConnectorOptions): Promise<{ created: boolean; info: ConnectorInfo }>;
  abstract deleteConnector(name: string): Promise<void>;
  abstract restartConnector(name: string, request: RestartRequest): Promise<ConnectorStateInfo>;
  abstract restartTask(name: string, task: number): Promise<void>;
  abstract pauseConnector(name: string): Promise<void>;
  abstract resumeConnector(name: string): Promise<void>;
  abstract stopConnector(name: string): Promise<void>;
  abstract resetConnectorActiveTopics(name: string): Promise<void>;
  abstract alterConnectorOffsets(name: string, offsets: ConnectorOffsets): Promise<string>;
  abstract resetConnectorOffsets(name: string): Promise<string>;
}
