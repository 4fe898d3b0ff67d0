/**
 * Connector and task statuses in memory (Kafka's MemoryStatusBackingStore): standalone mode's
 * StatusBackingStore. A DESTROYED status removes the entry, as in Kafka. Active topics (KIP-558)
 * are kept per connector in first-seen order.
 */
import type { ConnectorTaskId } from './herder.js';
import type { ConnectorStatus, StatusBackingStore, TaskStatus } from './storage.js';

const taskKey = (id: ConnectorTaskId): string => `${id.connector}\u0000${id.task}`;

export class MemoryStatusBackingStore implements StatusBackingStore {
  private readonly connectorStatuses = new Map<string, ConnectorStatus>();
  private readonly taskStatuses = new Map<string, TaskStatus>();
  private readonly topics = new Map<string, Set<string>>();

  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  async putConnector(status: ConnectorStatus): Promise<void> {
    if (status.state === 'DESTROYED') this.connectorStatuses.delete(status.connector);
    else this.connectorStatuses.set(status.connector, { ...status });
  }

  async putTask(status: TaskStatus): Promise<void> {
    if (status.state === 'DESTROYED') this.taskStatuses.delete(taskKey(status.id));
    else this.taskStatuses.set(taskKey(status.id), { ...status, id: { ...status.id } });
  }

  getConnector(connector: string): ConnectorStatus | null {
    return this.connectorStatuses.get(connector) ?? null;
  }

  getTask(id: ConnectorTaskId): TaskStatus | null {
    return this.taskStatuses.get(taskKey(id)) ?? null;
  }

  getAllTasks(connector: string): TaskStatus[] {
    return [...this.taskStatuses.values()].filter((t) => t.id.connector === connector).sort((a, b) => a.id.task - b.id.task);
  }

  /** Removes one task's status (its connector now has fewer tasks, or was stopped). */
  deleteTask(id: ConnectorTaskId): void {
    this.taskStatuses.delete(taskKey(id));
  }

  async deleteConnector(connector: string): Promise<void> {
    this.connectorStatuses.delete(connector);
    for (const t of this.getAllTasks(connector)) this.taskStatuses.delete(taskKey(t.id));
  }

  connectors(): string[] {
    return [...this.connectorStatuses.keys()];
  }

  async putTopic(connector: string, topic: string): Promise<void> {
    let set = this.topics.get(connector);
    if (set === undefined) this.topics.set(connector, (set = new Set()));
    set.add(topic);
  }

  getAllTopics(connector: string): string[] {
    return [...(this.topics.get(connector) ?? [])];
  }

  async deleteTopics(connector: string): Promise<void> {
    this.topics.delete(connector);
  }
}
