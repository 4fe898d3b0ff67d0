/**
 * Where a Connect worker keeps its state, as interfaces (Kafka's ConfigBackingStore and
 * StatusBackingStore; OffsetBackingStore is in offset-store.ts). Standalone mode keeps configs and
 * statuses in memory; distributed mode keeps each in a compacted Kafka topic
 * (`config.storage.topic`, `status.storage.topic`) in Kafka's own key and value formats, so that
 * Java workers' topics and Samsa's read the same.
 */
import type { ConnectState, ConnectorConfig, ConnectorTaskId, TargetState } from './herder.js';

/** The configuration of every connector as one consistent view (Kafka's ClusterConfigState). */
export interface ClusterConfigState {
  /** Kafka's config offset: the offset after the last record read (-1 when empty); workers agree on an assignment only at the same offset. */
  offset: bigint;
  connectorConfigs: Map<string, ConnectorConfig>;
  targetStates: Map<string, TargetState>;
  /** Task configs of each connector, by task number; only complete generations (after their commit record). */
  taskConfigs: Map<string, ConnectorConfig[]>;
}

export interface ConfigUpdateListener {
  onConnectorConfigUpdate?(connector: string): void;
  onConnectorConfigRemove?(connector: string): void;
  onTaskConfigUpdate?(connector: string): void;
  onConnectorTargetStateChange?(connector: string): void;
  /** Kafka's restart requests (`restart-connector-<name>` records). */
  onRestartRequest?(request: { connector: string; onlyFailed: boolean; includeTasks: boolean }): void;
}

export interface ConfigBackingStore {
  start(): Promise<void>;
  stop(): Promise<void>;
  snapshot(): ClusterConfigState;
  setUpdateListener(listener: ConfigUpdateListener): void;
  /** Resolves once this store has read everything written before the call (Kafka's refresh / readToEnd). */
  refresh(timeoutMs: number): Promise<void>;
  putConnectorConfig(connector: string, config: ConnectorConfig, targetState?: TargetState): Promise<void>;
  removeConnectorConfig(connector: string): Promise<void>;
  /** Writes one record per task, then the commit record that makes them visible together. */
  putTaskConfigs(connector: string, configs: ConnectorConfig[]): Promise<void>;
  putTargetState(connector: string, state: TargetState): Promise<void>;
  putRestartRequest(request: { connector: string; onlyFailed: boolean; includeTasks: boolean }): Promise<void>;
}

/** A connector's or task's reported state (Kafka's ConnectorStatus / TaskStatus). */
export interface ConnectorStatus {
  connector: string;
  state: ConnectState;
  trace: string | null;
  workerId: string;
  generation: number;
}

export interface TaskStatus {
  id: ConnectorTaskId;
  state: ConnectState;
  trace: string | null;
  workerId: string;
  generation: number;
}

export interface StatusBackingStore {
  start(): Promise<void>;
  stop(): Promise<void>;
  putConnector(status: ConnectorStatus): Promise<void>;
  putTask(status: TaskStatus): Promise<void>;
  getConnector(connector: string): ConnectorStatus | null;
  getTask(id: ConnectorTaskId): TaskStatus | null;
  getAllTasks(connector: string): TaskStatus[];
  /** Removes the connector's and its tasks' statuses (connector deleted). */
  deleteConnector(connector: string): Promise<void>;
  connectors(): string[];
  /** KIP-558 active topics. */
  putTopic(connector: string, topic: string): Promise<void>;
  getAllTopics(connector: string): string[];
  deleteTopics(connector: string): Promise<void>;
}
