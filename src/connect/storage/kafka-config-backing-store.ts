/**
 * Connector configurations, task configurations, target states and restart requests in the
 * `config.storage.topic` (Kafka's KafkaConfigBackingStore), in Kafka's record formats so that Java
 * workers and Samsa workers read each other's topic. Keys are plain UTF-8 strings; values are
 * JsonConverter output with `schemas.enable=false` (compact JSON, fields in schema order):
 *
 * | key | value |
 * |---|---|
 * | `connector-<name>` | `{"properties":{...}}`; null (tombstone) deletes the connector |
 * | `task-<name>-<n>` | `{"properties":{...}}` — applied only when the commit record arrives |
 * | `commit-<name>` | `{"tasks":N}` — makes tasks 0..N-1 visible together |
 * | `target-state-<name>` | `{"state":"PAUSED","state.v2":"STOPPED"}` (`state` holds PAUSED for STOPPED, for older workers) |
 * | `restart-connector-<name>` | `{"include-tasks":false,"only-failed":false}` |
 *
 * Reading follows Kafka's rules: a task config waits (deferred) for its connector's commit record;
 * a commit whose tasks 0..N-1 are not all among the deferred configs (lost to compaction) marks the
 * connector inconsistent (its tasks read as none until a complete commit arrives); a commit for a
 * connector without a config is ignored; a connector tombstone drops its tasks; a target state
 * tombstone falls back to STARTED while the connector exists. Session keys (`session-key`), task
 * count records (`tasks-fencing-<name>`, exactly-once support) and logger levels
 * (`logger-cluster-<namespace>`) are read past and ignored: Samsa has no signed inter-worker
 * requests, exactly-once source or cluster-wide logger levels yet.
 *
 * The snapshot offset is Kafka's: the offset after the last record read (-1 before any), so that
 * Java and Samsa workers compare the same number in the group protocol.
 */
import { silentLogger } from '../../logging/logger.js';
import type { Logger } from '../../logging/logger.js';
import { Schema } from '../api/data/schema.js';
import { SchemaBuilder } from '../api/data/schema-builder.js';
import { Struct } from '../api/data/struct.js';
import { ConfigException, ConnectException } from '../api/errors.js';
import type { ConnectorConfig, TargetState } from '../runtime/herder.js';
import type { ClusterConfigState, ConfigBackingStore, ConfigUpdateListener } from '../runtime/storage.js';
import { internalConverter } from './internal-converter.js';
import { KafkaBasedLog } from './kafka-based-log.js';
import type { KafkaBasedLogRecord, KafkaBasedLogTopicOptions } from './kafka-based-log.js';

export const CONNECTOR_PREFIX = 'connector-';
export const TASK_PREFIX = 'task-';
export const COMMIT_TASKS_PREFIX = 'commit-';
export const TARGET_STATE_PREFIX = 'target-state-';
export const RESTART_PREFIX = 'restart-connector-';
const TASK_COUNT_RECORD_PREFIX = 'tasks-fencing-';
const SESSION_KEY_KEY = 'session-key';
const LOGGER_CLUSTER_PREFIX = 'logger-cluster-';

const CONNECTOR_CONFIGURATION_V0 = SchemaBuilder.struct().field('properties', SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.OPTIONAL_STRING_SCHEMA).build()).build();
const TASK_CONFIGURATION_V0 = CONNECTOR_CONFIGURATION_V0;
const CONNECTOR_TASKS_COMMIT_V0 = SchemaBuilder.struct().field('tasks', Schema.INT32_SCHEMA).build();
const TARGET_STATE_V1 = SchemaBuilder.struct().field('state', Schema.STRING_SCHEMA).field('state.v2', Schema.OPTIONAL_STRING_SCHEMA).build();
const RESTART_REQUEST_V0 = SchemaBuilder.struct().field('include-tasks', Schema.BOOLEAN_SCHEMA).field('only-failed', Schema.BOOLEAN_SCHEMA).build();

/** Kafka's time limit for a write plus its read-back (READ_WRITE_TOTAL_TIMEOUT_MS). */
const READ_WRITE_TOTAL_TIMEOUT_MS = 30_000;

const TARGET_STATES: ReadonlySet<string> = new Set(['STARTED', 'PAUSED', 'STOPPED']);

/** ClusterConfigState plus what Kafka's snapshot also carries. */
export interface KafkaClusterConfigState extends ClusterConfigState {
  /** Connectors whose last task commit named tasks whose configs were missing (compaction); they have no tasks until recommitted. */
  inconsistentConnectors: Set<string>;
  /** The task count of each connector's last commit record. */
  taskCounts: Map<string, number>;
}

/** config.storage.topic, config.storage.replication.factor and the other `config.storage.*` settings (the topic has one partition). */
export type KafkaConfigBackingStoreOptions = Omit<KafkaBasedLogTopicOptions, 'partitions'>;

export class KafkaConfigBackingStore implements ConfigBackingStore {
  readonly topic: string;
  private readonly log: KafkaBasedLog;
  private readonly converter = internalConverter();
  private readonly logger: Logger;
  private listener: ConfigUpdateListener = {};
  private started = false;
  private offset = -1n;
  private readonly connectorConfigs = new Map<string, ConnectorConfig>();
  private readonly targetStates = new Map<string, TargetState>();
  private readonly taskCounts = new Map<string, number>();
  /** Applied task configs: connector → task number → config. */
  private readonly taskConfigs = new Map<string, Map<number, ConnectorConfig>>();
  /** Task configs read but not yet committed. */
  private readonly deferred = new Map<string, Map<number, ConnectorConfig>>();
  private readonly inconsistent = new Set<string>();

  constructor(options: KafkaConfigBackingStoreOptions) {
    if (typeof options.topic !== 'string' || options.topic.trim() === '') throw new ConfigException('Must specify topic for connector configuration.');
    this.topic = options.topic;
    this.logger = options.logger ?? silentLogger();
    this.log = new KafkaBasedLog({
      ...options,
      partitions: 1,
      topicConfigName: 'config.storage.topic',
      topicPurpose: 'connector configurations',
      onRecord: (record) => this.read(record),
      logger: this.logger,
    });
  }

  setUpdateListener(listener: ConfigUpdateListener): void {
    this.listener = listener;
  }

  /** Reads the whole topic (no listener calls for what was there before); a topic with more than one partition is refused as Kafka does. */
  async start(): Promise<void> {
    // A restarted store reads the topic again from the beginning.
    this.offset = -1n;
    for (const m of [this.connectorConfigs, this.targetStates, this.taskCounts, this.taskConfigs, this.deferred]) m.clear();
    this.inconsistent.clear();
    await this.log.start();
    const partitions = this.log.partitionCount;
    if (partitions > 1) {
      await this.log.stop();
      throw new ConfigException(`Topic '${this.topic}' supplied via the 'config.storage.topic' property is required to have a single partition in order to guarantee consistency of connector configurations, but found ${partitions} partitions.`);
    }
    this.started = true;
  }

  async stop(): Promise<void> {
    this.started = false;
    await this.log.stop();
  }

  snapshot(): KafkaClusterConfigState {
    const taskConfigs = new Map<string, ConnectorConfig[]>();
    for (const [connector, count] of this.taskCounts) {
      if (this.inconsistent.has(connector)) {
        taskConfigs.set(connector, []);
        continue;
      }
      const applied = this.taskConfigs.get(connector);
      const list: ConnectorConfig[] = [];
      for (let i = 0; i < count; i++) {
        const config = applied?.get(i);
        if (config !== undefined) list.push({ ...config });
      }
      taskConfigs.set(connector, list);
    }
    return {
      offset: this.offset,
      connectorConfigs: new Map([...this.connectorConfigs].map(([k, v]) => [k, { ...v }])),
      targetStates: new Map(this.targetStates),
      taskConfigs,
      inconsistentConnectors: new Set(this.inconsistent),
      taskCounts: new Map(this.taskCounts),
    };
  }

  async refresh(timeoutMs: number): Promise<void> {
    await this.log.readToEnd(timeoutMs);
  }

  /** Writes the target state record first (when given), then the config; resolves once both are read back. */
  async putConnectorConfig(connector: string, config: ConnectorConfig, targetState?: TargetState): Promise<void> {
    const records: Array<{ key: string; value: Buffer | null }> = [];
    if (targetState !== undefined) records.push({ key: TARGET_STATE_PREFIX + connector, value: this.serializeTargetState(targetState) });
    records.push({ key: CONNECTOR_PREFIX + connector, value: this.serialize(CONNECTOR_CONFIGURATION_V0, new Struct(CONNECTOR_CONFIGURATION_V0).put('properties', new Map(Object.entries(config)))) });
    await this.write('connector configuration', records);
  }

  /** Tombstones for the connector's config and target state; resolves once read back. */
  async removeConnectorConfig(connector: string): Promise<void> {
    await this.write('connector removal', [
      { key: CONNECTOR_PREFIX + connector, value: null },
      { key: TARGET_STATE_PREFIX + connector, value: null },
    ]);
  }

  /** Kafka's order: read to the end, write every task config, read them back, then the commit record, read back. */
  async putTaskConfigs(connector: string, configs: ConnectorConfig[]): Promise<void> {
    const deadline = Date.now() + READ_WRITE_TOTAL_TIMEOUT_MS;
    try {
      await this.log.readToEnd(READ_WRITE_TOTAL_TIMEOUT_MS);
      const tasks = configs.map((config, index) => ({ key: `${TASK_PREFIX}${connector}-${index}`, value: this.serialize(TASK_CONFIGURATION_V0, new Struct(TASK_CONFIGURATION_V0).put('properties', new Map(Object.entries(config)))) }));
      await this.log.sendAll(tasks);
      if (tasks.length > 0) await this.log.readToEnd(Math.max(1, deadline - Date.now()));
      await this.log.send(COMMIT_TASKS_PREFIX + connector, this.serialize(CONNECTOR_TASKS_COMMIT_V0, new Struct(CONNECTOR_TASKS_COMMIT_V0).put('tasks', configs.length)));
      await this.log.readToEnd(Math.max(1, deadline - Date.now()));
    } catch (e) {
      throw new ConnectException(`Error writing task configurations of connector ${connector} to Kafka: ${(e as Error).message}`, { cause: e });
    }
  }

  /** Resolves once the record is acknowledged (Kafka does not wait to read it back here). */
  async putTargetState(connector: string, state: TargetState): Promise<void> {
    try {
      await this.log.send(TARGET_STATE_PREFIX + connector, this.serializeTargetState(state));
    } catch (e) {
      throw new ConnectException(`Error writing target state to Kafka: ${(e as Error).message}`, { cause: e });
    }
  }

  async putRestartRequest(request: { connector: string; onlyFailed: boolean; includeTasks: boolean }): Promise<void> {
    const value = new Struct(RESTART_REQUEST_V0).put('include-tasks', request.includeTasks).put('only-failed', request.onlyFailed);
    await this.write('restart request', [{ key: RESTART_PREFIX + request.connector, value: this.serialize(RESTART_REQUEST_V0, value) }]);
  }

  /** Whether the connector has a config (Kafka's contains()). */
  contains(connector: string): boolean {
    return this.connectorConfigs.has(connector);
  }

  private async write(what: string, records: Array<{ key: string; value: Buffer | null }>): Promise<void> {
    const deadline = Date.now() + READ_WRITE_TOTAL_TIMEOUT_MS;
    try {
      await this.log.sendAll(records);
      await this.log.readToEnd(Math.max(1, deadline - Date.now()));
    } catch (e) {
      throw new ConnectException(`Error writing ${what} to Kafka: ${(e as Error).message}`, { cause: e });
    }
  }

  private serializeTargetState(state: TargetState): Buffer {
    // Older workers know no STOPPED: they read `state`, which says PAUSED for it.
    const value = new Struct(TARGET_STATE_V1).put('state', state === 'STOPPED' ? 'PAUSED' : state).put('state.v2', state);
    return this.serialize(TARGET_STATE_V1, value);
  }

  private serialize(schema: Schema, value: Struct): Buffer {
    return this.converter.fromConnectData(this.topic, null, schema, value)!;
  }

  // ---- reading ----

  private read(record: KafkaBasedLogRecord): void {
    if (record.key === null) {
      this.logger.error({ offset: record.offset }, 'Discarding config update record with a null key');
      return;
    }
    const key = record.key.toString('utf8');
    let value: unknown;
    try {
      value = this.converter.toConnectData(this.topic, null, record.value).value;
    } catch (e) {
      this.logger.error({ key, err: (e as Error).message }, 'Failed to convert config data to Kafka Connect format');
      return;
    }
    this.offset = record.offset + 1n;
    if (key.startsWith(TARGET_STATE_PREFIX)) this.readTargetState(key.slice(TARGET_STATE_PREFIX.length), value);
    else if (key.startsWith(CONNECTOR_PREFIX)) this.readConnectorConfig(key.slice(CONNECTOR_PREFIX.length), value);
    else if (key.startsWith(TASK_PREFIX)) this.readTaskConfig(key, value);
    else if (key.startsWith(COMMIT_TASKS_PREFIX)) this.readTasksCommit(key.slice(COMMIT_TASKS_PREFIX.length), value);
    else if (key.startsWith(RESTART_PREFIX)) this.readRestartRequest(key.slice(RESTART_PREFIX.length), value);
    else if (key.startsWith(TASK_COUNT_RECORD_PREFIX) || key === SESSION_KEY_KEY || key.startsWith(LOGGER_CLUSTER_PREFIX)) this.logger.debug({ key }, 'ignoring a config record Samsa does not use');
    else this.logger.error({ key }, 'Discarding config update record with invalid key');
  }

  private readTargetState(connector: string, value: unknown): void {
    let removed = false;
    let changed = true;
    if (value === null) {
      // Written with the connector's tombstone; a connector that still has a config falls back to STARTED.
      this.targetStates.delete(connector);
      removed = true;
      if (this.connectorConfigs.has(connector)) this.targetStates.set(connector, 'STARTED');
    } else {
      if (!(value instanceof Map)) {
        this.logger.error({ connector }, 'Ignoring target state because it is in the wrong format');
        return;
      }
      let state = value.get('state.v2');
      if (state !== undefined && state !== null && typeof state !== 'string') state = null;
      if (state === undefined || state === null) state = value.get('state'); // written by an older worker
      if (typeof state !== 'string' || !TARGET_STATES.has(state)) {
        this.logger.error({ connector, state: String(state) }, 'Invalid target state for connector');
        return;
      }
      const previous = this.targetStates.get(connector);
      this.targetStates.set(connector, state as TargetState);
      changed = previous !== state;
    }
    // No call for a removal (the connector's removal reports it) or for a connector not created yet.
    if (this.started && !removed && changed && this.connectorConfigs.has(connector)) this.listener.onConnectorTargetStateChange?.(connector);
  }

  private readConnectorConfig(connector: string, value: unknown): void {
    let removed = false;
    if (value === null) {
      this.removeConnector(connector);
      removed = true;
    } else {
      const properties = value instanceof Map ? value.get('properties') : undefined;
      if (!(properties instanceof Map)) {
        this.logger.error({ connector }, "Invalid data for config for connector: 'properties' field should be a Map");
        return;
      }
      this.connectorConfigs.set(connector, stringMap(properties));
      if (!this.targetStates.has(connector)) this.targetStates.set(connector, 'STARTED');
    }
    if (!this.started) return;
    if (removed) this.listener.onConnectorConfigRemove?.(connector);
    else this.listener.onConnectorConfigUpdate?.(connector);
  }

  private readTaskConfig(key: string, value: unknown): void {
    const id = parseTaskKey(key);
    if (id === null) {
      this.logger.error({ key }, "Ignoring task configuration because the key couldn't be parsed as a task config key");
      return;
    }
    const properties = value instanceof Map ? value.get('properties') : undefined;
    if (!(properties instanceof Map)) {
      this.logger.error({ key }, 'Ignoring task configuration because it is null or in the wrong format');
      return;
    }
    let pending = this.deferred.get(id.connector);
    if (pending === undefined) this.deferred.set(id.connector, (pending = new Map()));
    pending.set(id.task, stringMap(properties));
  }

  private readTasksCommit(connector: string, value: unknown): void {
    if (!this.connectorConfigs.has(connector)) {
      // Deleted before these task configs were published, its traces compacted away: ignore them.
      this.removeConnector(connector);
      this.logger.debug({ connector }, 'Ignoring task configs for a connector that no longer exists');
      return;
    }
    const tasks = value instanceof Map ? value.get('tasks') : undefined;
    if (typeof tasks !== 'bigint' && typeof tasks !== 'number') {
      this.logger.error({ connector }, 'Ignoring connector tasks configuration commit because it is in the wrong format');
      return;
    }
    const count = Number(tasks);
    const pending = this.deferred.get(connector);
    let complete = true;
    for (let i = 0; i < count; i++) if (pending?.get(i) === undefined) complete = false;
    if (!complete) {
      this.logger.debug({ connector }, 'incomplete set of task configs (probably compaction): not applying them');
      this.inconsistent.add(connector);
    } else {
      if (pending !== undefined) {
        let applied = this.taskConfigs.get(connector);
        if (applied === undefined) this.taskConfigs.set(connector, (applied = new Map()));
        for (const [task, config] of pending) applied.set(task, config);
      }
      this.inconsistent.delete(connector);
    }
    // Cleared either way: an incomplete set must be rewritten in full after this commit.
    pending?.clear();
    this.taskCounts.set(connector, count);
    if (this.started) this.listener.onTaskConfigUpdate?.(connector);
  }

  private readRestartRequest(connector: string, value: unknown): void {
    if (!(value instanceof Map)) {
      this.logger.error({ connector }, 'Ignoring restart request because the value is not a Map');
      return;
    }
    const onlyFailed = value.get('only-failed');
    const includeTasks = value.get('include-tasks');
    const request = { connector, onlyFailed: typeof onlyFailed === 'boolean' ? onlyFailed : false, includeTasks: typeof includeTasks === 'boolean' ? includeTasks : false };
    if (this.started) this.listener.onRestartRequest?.(request);
  }

  private removeConnector(connector: string): void {
    this.connectorConfigs.delete(connector);
    this.taskCounts.delete(connector);
    this.taskConfigs.delete(connector);
    this.deferred.delete(connector);
  }
}

/** `task-<connector>-<n>`: the connector name may itself hold dashes (Kafka splits at the last one). */
function parseTaskKey(key: string): { connector: string; task: number } | null {
  const body = key.slice(TASK_PREFIX.length);
  const dash = body.lastIndexOf('-');
  if (dash <= 0) return null;
  const task = body.slice(dash + 1);
  if (!/^-?\d+$/.test(task)) return null;
  return { connector: body.slice(0, dash), task: Number(task) };
}

/** A JSON object read as a Map → a string-to-string config (null values dropped). */
function stringMap(map: Map<unknown, unknown>): ConnectorConfig {
  const out: ConnectorConfig = {};
  for (const [k, v] of map) if (typeof k === 'string' && v !== null && v !== undefined) out[k] = typeof v === 'string' ? v : String(v);
  return out;
}
