/**
 * The StandaloneHerder (Kafka's StandaloneHerder; the shared parts are in abstract-herder.ts): one
 * worker runs every connector and task. Connector configs, target states and task configs live in
 * a ConfigBackingStore (memory by default), statuses in the worker's StatusBackingStore, source
 * offsets in the worker's OffsetBackingStore; sink offsets are the consumer group `connect-<name>`.
 *
 * Requests are handled one at a time (Kafka's herder methods are synchronized). Semantics follow
 * Kafka: a config is validated before it is stored (BadRequestException listing every error); a
 * connector whose start fails is still created and shows FAILED; PAUSED keeps the tasks but pauses
 * them; STOPPED (KIP-875) stops the tasks and the connector and leaves zero task configs; offsets
 * can be altered or reset only while STOPPED; restart follows KIP-745 (`includeTasks`,
 * `onlyFailed`, the answer shows what restarts as RESTARTING).
 */
import type { Logger } from '../../logging/logger.js';
import { AbstractHerder } from './abstract-herder.js';
import { CONNECTOR_CONFIG_DEF } from './config.js';
import {
  AlreadyExistsException,
  type ConnectorConfig,
  type ConnectorInfo,
  type ConnectorOffsets,
  type ConnectorStateInfo,
  type PutConnectorOptions,
  type RestartRequest,
} from './herder.js';
import { MemoryConfigBackingStore } from './memory-config-store.js';
import type { ConfigBackingStore } from './storage.js';
import type { Worker } from './worker.js';

export { FRAMEWORK_OFFSETS_ALTERED_MESSAGE, FRAMEWORK_OFFSETS_RESET_MESSAGE, OFFSETS_ALTERED_MESSAGE, OFFSETS_RESET_MESSAGE } from './abstract-herder.js';

export interface StandaloneHerderOptions {
  /** Default: a MemoryConfigBackingStore. */
  configStore?: ConfigBackingStore;
  logger: Logger;
}

/** Runs one request at a time. */
export class RequestQueue {
  private tail: Promise<void> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn);
    this.tail = result.then(() => undefined, () => undefined);
    return result;
  }
}

export class StandaloneHerder extends AbstractHerder {
  private readonly queue = new RequestQueue();

  constructor(worker: Worker, options: StandaloneHerderOptions) {
    super(worker, options.configStore ?? new MemoryConfigBackingStore(), options.logger);
    worker.onTaskReconfigurationRequest((name) => void this.queue.run(() => this.reconfigureTasks(name)).catch((e: Error) => this.logger.error({ connector: name, err: e.message }, 'task reconfiguration failed')));
  }

  /** A connector asked for new task configs: when they differ from the current ones, its tasks restart with them (Kafka's StandaloneHerder.updateConnectorTasks). */
  private async reconfigureTasks(name: string): Promise<void> {
    const config = this.configStore.snapshot().connectorConfigs.get(name);
    if (config === undefined || this.targetState(name) === 'STOPPED' || !this.worker.isRunning(name)) return;
    const next = this.worker.connectorTaskConfigs(name, Number(CONNECTOR_CONFIG_DEF.parse(config)['tasks.max']));
    const current = this.configStore.snapshot().taskConfigs.get(name) ?? [];
    if (JSON.stringify(next) === JSON.stringify(current)) return;
    await this.worker.stopTasks(this.worker.taskIds(name));
    await this.updateTasks(name);
  }

  async start(): Promise<void> {
    await this.statusStore.start();
    await this.configStore.start();
    this.logger.info({ workerId: this.workerId }, 'standalone herder started');
  }

  /** Stops every task and connector (offsets committed), the offset store, then the other stores. */
  async stop(): Promise<void> {
    await this.queue.run(async () => {
      try {
        await this.worker.stop();
      } finally {
        await this.closeAdmin();
        await this.configStore.stop();
        await this.statusStore.stop();
      }
    });
  }

  putConnectorConfig(name: string, config: ConnectorConfig, options: PutConnectorOptions): Promise<{ created: boolean; info: ConnectorInfo }> {
    return this.queue.run(async () => {
      const full = this.validatedConfig(name, config);
      const exists = this.configStore.snapshot().connectorConfigs.has(name);
      if (exists && !options.allowReplace) throw new AlreadyExistsException(`Connector ${name} already exists`);
      if (exists) {
        await this.worker.stopTasks(this.worker.taskIds(name));
        await this.worker.stopConnector(name);
        await this.configStore.putConnectorConfig(name, full);
      } else {
        await this.configStore.putConnectorConfig(name, full, options.initialState ?? 'STARTED');
      }
      await this.startConnectorAndTasks(name);
      return this.connectorConfigPut(name, !exists);
    });
  }

  /** Starts the connector in its target state, then (unless STOPPED or failed) generates and starts its tasks. */
  private async startConnectorAndTasks(name: string): Promise<void> {
    const config = this.config(name);
    const target = this.targetState(name);
    await this.worker.startConnector(name, config, target);
    await this.updateTasks(name);
  }

  private async updateTasks(name: string): Promise<void> {
    const config = this.config(name);
    const target = this.targetState(name);
    if (target === 'STOPPED') {
      await this.configStore.putTaskConfigs(name, []);
      return;
    }
    if (!this.worker.isRunning(name)) return;
    const taskConfigs = this.generateTaskConfigs(name, config);
    if (taskConfigs === null) return;
    await this.configStore.putTaskConfigs(name, taskConfigs);
    for (const [task, taskConfig] of taskConfigs.entries()) await this.worker.startTask({ connector: name, task }, config, taskConfig, target);
  }

  deleteConnector(name: string): Promise<void> {
    return this.queue.run(async () => {
      this.config(name);
      await this.worker.stopTasks(this.worker.taskIds(name));
      await this.worker.stopConnector(name);
      await this.removeConnectorRecords(name);
    });
  }

  // ---- restarts and target states ----

  restartConnector(name: string, request: RestartRequest): Promise<ConnectorStateInfo> {
    return this.queue.run(async () => {
      const { answer, restartConnector, restartTasks } = this.restartPlan(name, request);

      const config = this.config(name);
      const target = this.targetState(name);
      await this.worker.stopTasks(restartTasks);
      if (restartConnector) {
        await this.worker.stopConnector(name);
        await this.worker.startConnector(name, config, target);
      }
      const taskConfigs = this.configStore.snapshot().taskConfigs.get(name) ?? [];
      if (restartConnector && target !== 'STOPPED' && taskConfigs.length === 0) {
        await this.updateTasks(name); // a connector that failed before it had tasks gets them now
      } else {
        for (const id of restartTasks) {
          const taskConfig = taskConfigs[id.task];
          if (taskConfig !== undefined) await this.worker.startTask(id, config, taskConfig, target);
        }
      }
      this.logger.info({ connector: name, restartConnector, tasks: restartTasks.map((t) => t.task) }, 'restarted');
      return answer;
    });
  }

  restartTask(name: string, task: number): Promise<void> {
    return this.queue.run(async () => {
      const config = this.config(name);
      await this.restartTaskHere({ connector: name, task }, config, this.storedTaskConfig(name, task));
    });
  }

  pauseConnector(name: string): Promise<void> {
    return this.queue.run(async () => {
      this.config(name);
      await this.configStore.putTargetState(name, 'PAUSED');
      await this.worker.setTargetState(name, 'PAUSED');
    });
  }

  resumeConnector(name: string): Promise<void> {
    return this.queue.run(async () => {
      this.config(name);
      const wasStopped = this.targetState(name) === 'STOPPED';
      await this.configStore.putTargetState(name, 'STARTED');
      if (!this.worker.connectorNames().includes(name)) {
        await this.startConnectorAndTasks(name);
        return;
      }
      await this.worker.setTargetState(name, 'STARTED');
      if (wasStopped) await this.updateTasks(name);
    });
  }

  stopConnector(name: string): Promise<void> {
    return this.queue.run(async () => {
      this.config(name);
      await this.configStore.putTaskConfigs(name, []);
      await this.configStore.putTargetState(name, 'STOPPED');
      await this.worker.setTargetState(name, 'STOPPED');
    });
  }

  // ---- active topics (KIP-558) ----

  resetConnectorActiveTopics(name: string): Promise<void> {
    return this.queue.run(async () => {
      this.config(name);
      await this.statusStore.deleteTopics(name);
    });
  }

  // ---- offsets (KIP-875) ----

  override connectorOffsets(name: string): Promise<ConnectorOffsets> {
    return this.queue.run(async () => this.readOffsets(name, this.config(name)));
  }

  alterConnectorOffsets(name: string, offsets: ConnectorOffsets): Promise<string> {
    return this.queue.run(() => this.alterOffsets(name, offsets));
  }

  resetConnectorOffsets(name: string): Promise<string> {
    return this.queue.run(() => this.resetOffsets(name));
  }
}
