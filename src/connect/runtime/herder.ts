/**
 * The Herder (Kafka's org.apache.kafka.connect.runtime.Herder): what the REST API and the
 * command-line tools ask of a Connect worker, whatever its mode. StandaloneHerder keeps connector
 * configs in memory and offsets in a file; DistributedHerder keeps them in Kafka topics and shares
 * the work with the other workers of its group.
 *
 * Shapes follow Kafka's REST entities (snake_case where Kafka's JSON has it), so the REST layer
 * serialises them as they are. Failures are the exceptions at the end of this file; the REST
 * layer maps each to Kafka's status code and `{"error_code": ..., "message": ...}` body.
 */
import { ConnectException } from '../api/errors.js';

export type ConnectorConfig = Record<string, string>;

/** `source` or `sink` (Kafka's ConnectorType; `unknown` when the class cannot be loaded). */
export type ConnectorType = 'source' | 'sink' | 'unknown';

/** The state a user asked for (Kafka's TargetState). */
export type TargetState = 'STARTED' | 'PAUSED' | 'STOPPED';

/** Kafka's AbstractStatus.State, plus RESTARTING which the restart endpoint reports. */
export type ConnectState = 'UNASSIGNED' | 'RUNNING' | 'PAUSED' | 'STOPPED' | 'FAILED' | 'DESTROYED' | 'RESTARTING';

export interface ConnectorTaskId {
  connector: string;
  task: number;
}

/** GET /connectors/{name}, POST /connectors (Kafka's ConnectorInfo). */
export interface ConnectorInfo {
  name: string;
  config: ConnectorConfig;
  tasks: ConnectorTaskId[];
  type: ConnectorType;
}

/** One element of GET /connectors/{name}/tasks (Kafka's TaskInfo). */
export interface TaskInfo {
  id: ConnectorTaskId;
  config: ConnectorConfig;
}

/** Kafka's ConnectorStateInfo.ConnectorState / TaskState: `trace` only when FAILED. */
export interface ConnectorStateEntry {
  state: ConnectState;
  worker_id: string;
  trace?: string;
}

export interface TaskStateEntry extends ConnectorStateEntry {
  id: number;
}

/** GET /connectors/{name}/status (Kafka's ConnectorStateInfo). */
export interface ConnectorStateInfo {
  name: string;
  connector: ConnectorStateEntry;
  tasks: TaskStateEntry[];
  type: ConnectorType;
}

/**
 * GET /connectors/{name}/offsets: `{"offsets": [{"partition": {...}, "offset": {...}}]}`. A sink's
 * partition is `{"kafka_topic", "kafka_partition"}` and its offset `{"kafka_offset"}`; a source's are
 * the connector's own maps. PATCH takes the same shape (an `offset` of null removes a partition).
 */
export interface ConnectorOffsets {
  offsets: Array<{ partition: Record<string, unknown>; offset: Record<string, unknown> | null }>;
}

/** GET /connector-plugins (Kafka's PluginInfo); `type` also names transformations etc. with connectorsOnly=false. */
export interface PluginInfo {
  class: string;
  type: 'source' | 'sink' | 'converter' | 'header_converter' | 'transformation' | 'predicate';
  version?: string;
}

/** PUT /connector-plugins/{plugin}/config/validate (Kafka's ConfigInfos). */
export interface ConfigInfos {
  name: string;
  error_count: number;
  groups: string[];
  configs: Array<{
    definition: {
      name: string;
      type: string;
      required: boolean;
      default_value: string | null;
      importance: string;
      documentation: string;
      group: string | null;
      order: number;
      width: string;
      display_name: string;
      dependents: string[];
    };
    value: {
      name: string;
      value: string | null;
      recommended_values: string[];
      errors: string[];
      visible: boolean;
    };
  }>;
}

export interface RestartRequest {
  includeTasks: boolean;
  onlyFailed: boolean;
}

export interface PutConnectorOptions {
  /** PUT /connectors/{name}/config replaces; POST /connectors refuses an existing name (409). */
  allowReplace: boolean;
  /** POST /connectors `initial_state` (KIP-980); STARTED when absent. */
  initialState?: TargetState;
}

export interface Herder {
  /** This worker's id as statuses show it: `host:port` of its REST listener. */
  readonly workerId: string;
  /** The cluster id of the Kafka cluster the worker uses (GET /). */
  kafkaClusterId(): Promise<string>;

  connectors(): Promise<string[]>;
  connectorInfo(name: string): Promise<ConnectorInfo>;
  connectorConfig(name: string): Promise<ConnectorConfig>;
  /** Creates or (allowReplace) updates a connector; the config is validated first (BadRequestException naming every bad key). */
  putConnectorConfig(name: string, config: ConnectorConfig, options: PutConnectorOptions): Promise<{ created: boolean; info: ConnectorInfo }>;
  deleteConnector(name: string): Promise<void>;

  connectorStatus(name: string): Promise<ConnectorStateInfo>;
  taskStatus(name: string, task: number): Promise<TaskStateEntry>;
  taskConfigs(name: string): Promise<TaskInfo[]>;

  /** Kafka's restartConnectorAndTasks: the returned status shows what will restart as RESTARTING. */
  restartConnector(name: string, request: RestartRequest): Promise<ConnectorStateInfo>;
  restartTask(name: string, task: number): Promise<void>;
  pauseConnector(name: string): Promise<void>;
  resumeConnector(name: string): Promise<void>;
  stopConnector(name: string): Promise<void>;

  /** The topics the connector's tasks produced to or consumed from since creation or the last reset (KIP-558). */
  connectorActiveTopics(name: string): Promise<string[]>;
  resetConnectorActiveTopics(name: string): Promise<void>;

  connectorOffsets(name: string): Promise<ConnectorOffsets>;
  /** The connector must be STOPPED (else BadRequestException); returns Kafka's success message. */
  alterConnectorOffsets(name: string, offsets: ConnectorOffsets): Promise<string>;
  resetConnectorOffsets(name: string): Promise<string>;

  connectorPlugins(connectorsOnly: boolean): PluginInfo[];
  validateConnectorConfig(plugin: string, config: ConnectorConfig): Promise<ConfigInfos>;
}

/** 404: no such connector, task or plugin (Kafka's NotFoundException). */
export class NotFoundException extends ConnectException {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NotFoundException';
  }
}

/** 409: a connector of that name exists already (Kafka's AlreadyExistsException). */
export class AlreadyExistsException extends ConnectException {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AlreadyExistsException';
  }
}

/** 400: a request the herder refuses as given (Kafka's BadRequestException); ConfigException maps to 400 too. */
export class BadRequestException extends ConnectException {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BadRequestException';
  }
}

/** 409: the group is rebalancing; try again (Kafka's RebalanceNeededException / "Cannot complete request momentarily due to stale configuration"). */
export class RebalanceInProgressException extends ConnectException {
  constructor(message = 'Cannot complete request momentarily due to stale configuration (typically caused by a concurrent config change)', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RebalanceInProgressException';
  }
}

/**
 * A write that only the group's leader may perform (Kafka's NotLeaderException). The REST layer
 * forwards the request to `leaderUrl` (e.g. `http://host:8083/`) and relays its answer; with no
 * known leader it answers 409.
 */
export class NotLeaderException extends ConnectException {
  constructor(message: string, readonly leaderUrl: string | null, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NotLeaderException';
  }
}

/** HTTP status for a herder failure, as Kafka's ConnectExceptionMapper chooses it. */
export function httpStatusFor(error: unknown): number {
  if (error instanceof NotFoundException) return 404;
  if (error instanceof AlreadyExistsException || error instanceof RebalanceInProgressException || error instanceof NotLeaderException) return 409;
  if (error instanceof BadRequestException || (error instanceof Error && error.name === 'ConfigException')) return 400;
  return 500;
}
