/**
 * Connector, task and active-topic statuses in the `status.storage.topic` (Kafka's
 * KafkaStatusBackingStore), in Kafka's record formats. Keys are UTF-8 strings, values JsonConverter
 * output with `schemas.enable=false`:
 *
 * | key | value |
 * |---|---|
 * | `status-connector-<name>` | `{"state":"RUNNING","trace":null,"worker_id":"host:8083","generation":3}` |
 * | `status-task-<name>-<n>` | the same shape |
 * | `status-topic-<topic>:connector-<name>` | `{"topic":{"name":"t","connector":"c","task":0,"discoverTimestamp":1700000000000}}` |
 *
 * A null value (tombstone) removes a status; a DESTROYED status is written as one. A status
 * becomes visible to get*() once read back from the topic; the put methods resolve after that.
 *
 * Kafka's generation rules: the `put*Safe` methods (Kafka's putSafe, used for UNASSIGNED and FAILED
 * reports) write only when there is no status yet, the stored one is from the same worker, or its
 * generation is not newer than the new one's; and when reading, a task's UNASSIGNED status does not
 * replace a RUNNING status of the same or a newer generation (a worker that had not yet seen the
 * other worker's RUNNING report).
 */
import { silentLogger } from '../../logging/logger.js';
import type { Logger } from '../../logging/logger.js';
import { Schema } from '../api/data/schema.js';
import { SchemaBuilder } from '../api/data/schema-builder.js';
import { Struct } from '../api/data/struct.js';
import { ConfigException, ConnectException } from '../api/errors.js';
import type { ConnectState, ConnectorTaskId } from '../runtime/herder.js';
import type { ConnectorStatus, StatusBackingStore, TaskStatus } from '../runtime/storage.js';
import { internalConverter } from './internal-converter.js';
import { KafkaBasedLog } from './kafka-based-log.js';
import type { KafkaBasedLogRecord, KafkaBasedLogTopicOptions } from './kafka-based-log.js';

export const TASK_STATUS_PREFIX = 'status-task-';
export const CONNECTOR_STATUS_PREFIX = 'status-connector-';
export const TOPIC_STATUS_PREFIX = 'status-topic-';
export const TOPIC_STATUS_SEPARATOR = ':connector-';

const STATUS_SCHEMA_V0 = SchemaBuilder.struct()
  .field('state', Schema.STRING_SCHEMA)
  .field('trace', SchemaBuilder.string().optional().build())
  .field('worker_id', Schema.STRING_SCHEMA)
  .field('generation', Schema.INT32_SCHEMA)
  .build();
const TOPIC_STATUS_VALUE_SCHEMA_V0 = SchemaBuilder.struct()
  .field('name', Schema.STRING_SCHEMA)
  .field('connector', Schema.STRING_SCHEMA)
  .field('task', Schema.INT32_SCHEMA)
  .field('discoverTimestamp', Schema.INT64_SCHEMA)
  .build();
const TOPIC_STATUS_SCHEMA_V0 = SchemaBuilder.map(Schema.STRING_SCHEMA, TOPIC_STATUS_VALUE_SCHEMA_V0).build();

const STATES: ReadonlySet<string> = new Set(['UNASSIGNED', 'RUNNING', 'PAUSED', 'STOPPED', 'FAILED', 'DESTROYED', 'RESTARTING']);

/** Kafka's TopicStatus (KIP-558). */
export interface TopicStatus {
  topic: string;
  connector: string;
  task: number;
  discoverTimestamp: number;
}

/** status.storage.topic, status.storage.partitions (Kafka's default 5), status.storage.replication.factor and the other `status.storage.*` settings. */
export type KafkaStatusBackingStoreOptions = KafkaBasedLogTopicOptions;

type AnyStatus = ConnectorStatus | TaskStatus;

export class KafkaStatusBackingStore implements StatusBackingStore {
  readonly topic: string;
  private readonly log: KafkaBasedLog;
  private readonly converter = internalConverter();
  private readonly logger: Logger;
  private readonly connectorStatuses = new Map<string, ConnectorStatus>();
  /** connector → task number → status */
  private readonly taskStatuses = new Map<string, Map<number, TaskStatus>>();
  /** connector → topic → status */
  private readonly topics = new Map<string, Map<string, TopicStatus>>();

  constructor(options: KafkaStatusBackingStoreOptions) {
    if (typeof options.topic !== 'string' || options.topic.trim() === '') throw new ConfigException('Must specify topic for connector status.');
    this.topic = options.topic;
    this.logger = options.logger ?? silentLogger();
    this.log = new KafkaBasedLog({
      ...options,
      topicConfigName: 'status.storage.topic',
      topicPurpose: 'connector and task statuses',
      onRecord: (record) => this.read(record),
      logger: this.logger,
    });
  }

  async start(): Promise<void> {
    // A restarted store reads the topic again from the beginning.
    this.connectorStatuses.clear();
    this.taskStatuses.clear();
    this.topics.clear();
    await this.log.start();
  }

  async stop(): Promise<void> {
    await this.log.stop();
  }

  /** Resolves once every status written before the call has been read. */
  async refresh(timeoutMs?: number): Promise<void> {
    await this.log.readToEnd(timeoutMs);
  }

  /** Kafka's put(ConnectorStatus): written whatever is stored. */
  async putConnector(status: ConnectorStatus): Promise<void> {
    await this.write(CONNECTOR_STATUS_PREFIX + status.connector, status);
  }

  /** Kafka's putSafe(ConnectorStatus): skipped (resolving false) when another worker stored a newer generation. */
  async putConnectorSafe(status: ConnectorStatus): Promise<boolean> {
    if (!canWriteSafely(this.connectorStatuses.get(status.connector), status)) return false;
    await this.putConnector(status);
    return true;
  }

  async putTask(status: TaskStatus): Promise<void> {
    await this.write(taskKey(status.id), status);
  }

  /** Kafka's putSafe(TaskStatus). */
  async putTaskSafe(status: TaskStatus): Promise<boolean> {
    if (!canWriteSafely(this.getTask(status.id) ?? undefined, status)) return false;
    await this.putTask(status);
    return true;
  }

  getConnector(connector: string): ConnectorStatus | null {
    return this.connectorStatuses.get(connector) ?? null;
  }

  getTask(id: ConnectorTaskId): TaskStatus | null {
    return this.taskStatuses.get(id.connector)?.get(id.task) ?? null;
  }

  getAllTasks(connector: string): TaskStatus[] {
    return [...(this.taskStatuses.get(connector)?.values() ?? [])].sort((a, b) => a.id.task - b.id.task);
  }

  /** Tombstones for the connector's status and each of its tasks' (Kafka writes DESTROYED, i.e. tombstones, on deletion). */
  async deleteConnector(connector: string): Promise<void> {
    const keys = [CONNECTOR_STATUS_PREFIX + connector, ...this.getAllTasks(connector).map((t) => taskKey(t.id))];
    await this.send(keys.map((key) => ({ key, value: null })));
  }

  connectors(): string[] {
    return [...this.connectorStatuses.keys()].sort();
  }

  /** Records that a task of the connector used the topic (KIP-558); `task` and `discoverTimestamp` as Kafka's TopicStatus. */
  async putTopic(connector: string, topic: string, task = 0, discoverTimestamp: number = Date.now()): Promise<void> {
    const inner = new Struct(TOPIC_STATUS_VALUE_SCHEMA_V0).put('name', topic).put('connector', connector).put('task', task).put('discoverTimestamp', BigInt(discoverTimestamp));
    const value = this.converter.fromConnectData(this.topic, null, TOPIC_STATUS_SCHEMA_V0, new Map([['topic', inner]]));
    await this.send([{ key: topicKey(topic, connector), value }]);
  }

  getAllTopics(connector: string): string[] {
    return [...(this.topics.get(connector)?.keys() ?? [])].sort();
  }

  /** The active topics with Kafka's TopicStatus details. */
  getAllTopicStatuses(connector: string): TopicStatus[] {
    return [...(this.topics.get(connector)?.values() ?? [])];
  }

  async deleteTopics(connector: string): Promise<void> {
    await this.send(this.getAllTopics(connector).map((topic) => ({ key: topicKey(topic, connector), value: null })));
  }

  private async write(key: string, status: AnyStatus): Promise<void> {
    await this.send([{ key, value: status.state === 'DESTROYED' ? null : this.serialize(status) }]);
  }

  private async send(records: Array<{ key: string; value: Buffer | null }>): Promise<void> {
    if (records.length === 0) return;
    try {
      await this.log.sendAll(records);
      await this.log.readToEnd();
    } catch (e) {
      throw new ConnectException(`Failed to write status update to ${this.topic}: ${(e as Error).message}`, { cause: e });
    }
  }

  private serialize(status: AnyStatus): Buffer {
    const struct = new Struct(STATUS_SCHEMA_V0).put('state', status.state).put('trace', status.trace).put('worker_id', status.workerId).put('generation', status.generation);
    return this.converter.fromConnectData(this.topic, null, STATUS_SCHEMA_V0, struct)!;
  }

  // ---- reading ----

  private read(record: KafkaBasedLogRecord): void {
    const key = record.key?.toString('utf8') ?? '';
    if (key.startsWith(CONNECTOR_STATUS_PREFIX)) this.readConnectorStatus(key.slice(CONNECTOR_STATUS_PREFIX.length), record.value);
    else if (key.startsWith(TASK_STATUS_PREFIX)) this.readTaskStatus(key, record.value);
    else if (key.startsWith(TOPIC_STATUS_PREFIX)) this.readTopicStatus(key, record.value);
    else this.logger.warn({ key }, 'Discarding record with invalid key');
  }

  private readConnectorStatus(connector: string, value: Buffer | null): void {
    if (connector === '') return;
    if (value === null) {
      this.connectorStatuses.delete(connector);
      this.taskStatuses.delete(connector);
      return;
    }
    const parsed = this.parseStatus(value);
    if (parsed !== null) this.connectorStatuses.set(connector, { connector, ...parsed });
  }

  private readTaskStatus(key: string, value: Buffer | null): void {
    const id = parseTaskStatusKey(key);
    if (id === null) {
      this.logger.warn({ key }, 'Discarding record with invalid task status key');
      return;
    }
    if (value === null) {
      this.taskStatuses.get(id.connector)?.delete(id.task);
      if (this.taskStatuses.get(id.connector)?.size === 0) this.taskStatuses.delete(id.connector);
      return;
    }
    const parsed = this.parseStatus(value);
    if (parsed === null) return;
    const current = this.getTask(id);
    // A late UNASSIGNED from a worker that had not seen another's RUNNING report of this or a newer generation.
    if (parsed.state === 'UNASSIGNED' && current !== null && current.state === 'RUNNING' && current.generation >= parsed.generation) {
      this.logger.trace({ task: id, generation: parsed.generation }, 'Ignoring stale UNASSIGNED status');
      return;
    }
    let tasks = this.taskStatuses.get(id.connector);
    if (tasks === undefined) this.taskStatuses.set(id.connector, (tasks = new Map()));
    tasks.set(id.task, { id, ...parsed });
  }

  private readTopicStatus(key: string, value: Buffer | null): void {
    const separator = key.indexOf(TOPIC_STATUS_SEPARATOR, TOPIC_STATUS_PREFIX.length);
    const topic = separator < 0 ? '' : key.slice(TOPIC_STATUS_PREFIX.length, separator);
    const connector = separator < 0 ? '' : key.slice(separator + TOPIC_STATUS_SEPARATOR.length);
    if (topic === '' || connector === '') {
      this.logger.warn({ key }, 'Discarding record with invalid topic status key');
      return;
    }
    if (value === null) {
      this.topics.get(connector)?.delete(topic);
      return;
    }
    try {
      const outer = this.converter.toConnectData(this.topic, null, value).value;
      const inner = outer instanceof Map ? outer.get('topic') : undefined;
      if (!(inner instanceof Map)) throw new Error('no "topic" object');
      const status: TopicStatus = { topic: String(inner.get('name')), connector: String(inner.get('connector')), task: Number(inner.get('task')), discoverTimestamp: Number(inner.get('discoverTimestamp')) };
      let byTopic = this.topics.get(connector);
      if (byTopic === undefined) this.topics.set(connector, (byTopic = new Map()));
      byTopic.set(topic, status);
    } catch (e) {
      this.logger.warn({ key, err: (e as Error).message }, 'Failed to parse topic status');
    }
  }

  private parseStatus(value: Buffer): { state: ConnectState; trace: string | null; workerId: string; generation: number } | null {
    try {
      const map = this.converter.toConnectData(this.topic, null, value).value;
      if (!(map instanceof Map)) throw new Error('not a JSON object');
      const state = map.get('state');
      const trace = map.get('trace');
      const workerId = map.get('worker_id');
      const generation = map.get('generation');
      if (typeof state !== 'string' || !STATES.has(state)) throw new Error(`invalid state ${String(state)}`);
      if (typeof workerId !== 'string') throw new Error('worker_id is not a string');
      if (typeof generation !== 'bigint' && typeof generation !== 'number') throw new Error('generation is not a number');
      return { state: state as ConnectState, trace: typeof trace === 'string' ? trace : null, workerId, generation: Number(generation) };
    } catch (e) {
      this.logger.error({ err: (e as Error).message }, 'Failed to deserialize status');
      return null;
    }
  }
}

/** Kafka's CacheEntry.canWriteSafely. */
function canWriteSafely(stored: AnyStatus | undefined, status: AnyStatus): boolean {
  return stored === undefined || stored.workerId === status.workerId || stored.generation <= status.generation;
}

function taskKey(id: ConnectorTaskId): string {
  return `${TASK_STATUS_PREFIX}${id.connector}-${id.task}`;
}

function topicKey(topic: string, connector: string): string {
  return `${TOPIC_STATUS_PREFIX}${topic}${TOPIC_STATUS_SEPARATOR}${connector}`;
}

/** `status-task-<connector>-<n>`, the connector name possibly holding dashes. */
function parseTaskStatusKey(key: string): ConnectorTaskId | null {
  const body = key.slice(TASK_STATUS_PREFIX.length);
  const dash = body.lastIndexOf('-');
  if (dash <= 0 || !/^\d+$/.test(body.slice(dash + 1))) return null;
  return { connector: body.slice(0, dash), task: Number(body.slice(dash + 1)) };
}
