/**
 * Connector configurations, target states and task configurations in memory (Kafka's
 * MemoryConfigBackingStore): standalone mode's ConfigBackingStore. Every write bumps the
 * snapshot offset and notifies the update listener synchronously.
 */
import type { ConnectorConfig, TargetState } from './herder.js';
import type { ClusterConfigState, ConfigBackingStore, ConfigUpdateListener } from './storage.js';

export class MemoryConfigBackingStore implements ConfigBackingStore {
  private offset = -1n;
  private readonly connectorConfigs = new Map<string, ConnectorConfig>();
  private readonly targetStates = new Map<string, TargetState>();
  private readonly taskConfigs = new Map<string, ConnectorConfig[]>();
  private listener: ConfigUpdateListener = {};

  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  snapshot(): ClusterConfigState {
    return {
      offset: this.offset,
      connectorConfigs: new Map([...this.connectorConfigs].map(([k, v]) => [k, { ...v }])),
      targetStates: new Map(this.targetStates),
      taskConfigs: new Map([...this.taskConfigs].map(([k, v]) => [k, v.map((c) => ({ ...c }))])),
    };
  }

  setUpdateListener(listener: ConfigUpdateListener): void {
    this.listener = listener;
  }

  async refresh(): Promise<void> {}

  async putConnectorConfig(connector: string, config: ConnectorConfig, targetState?: TargetState): Promise<void> {
    this.offset++;
    this.connectorConfigs.set(connector, { ...config });
    if (targetState !== undefined) this.targetStates.set(connector, targetState);
    else if (!this.targetStates.has(connector)) this.targetStates.set(connector, 'STARTED');
    this.listener.onConnectorConfigUpdate?.(connector);
  }

  async removeConnectorConfig(connector: string): Promise<void> {
    this.offset++;
    this.connectorConfigs.delete(connector);
    this.targetStates.delete(connector);
    this.taskConfigs.delete(connector);
    this.listener.onConnectorConfigRemove?.(connector);
  }

  async putTaskConfigs(connector: string, configs: ConnectorConfig[]): Promise<void> {
    this.offset++;
    this.taskConfigs.set(connector, configs.map((c) => ({ ...c })));
    this.listener.onTaskConfigUpdate?.(connector);
  }

  async putTargetState(connector: string, state: TargetState): Promise<void> {
    this.offset++;
    this.targetStates.set(connector, state);
    this.listener.onConnectorTargetStateChange?.(connector);
  }

  async putRestartRequest(request: { connector: string; onlyFailed: boolean; includeTasks: boolean }): Promise<void> {
    this.listener.onRestartRequest?.(request);
  }
}
