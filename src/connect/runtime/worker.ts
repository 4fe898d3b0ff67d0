/**
 * The Worker (Kafka's Worker + StandaloneHerder, reduced to standalone mode): validates and starts
 * connectors from their properties, asks each for `tasks.max` task configurations, and runs a
 * WorkerSourceTask or WorkerSinkTask per configuration with Samsa's client. `stop()` stops every
 * task (each commits its offsets), then the connectors, then the offset store.
 */
import { Kafka } from '../../client/kafka.js';
import type { Logger } from '../../logging/logger.js';
import { ConfigDef } from '../api/config-def.js';
import { SinkConnector, SinkTask, SourceConnector, SourceTask, type Connector } from '../api/connector.js';
import { ConfigException, ConnectException } from '../api/errors.js';
import { defaultConnectorRegistry, type ConnectorPluginRegistry } from '../connectors/registry.js';
import { defaultConverterRegistry, newConverters, type ConverterRegistry } from '../converters/registry.js';
import { CONNECTOR_CONFIG_DEF, WORKER_CONFIG_DEF, sinkTopics } from './config.js';
import type { OffsetBackingStore } from './offset-store.js';
import type { SinkRecord, SourceRecord } from '../api/data/connect-record.js';
import { buildTransformationChain } from '../transforms/transform-chain.js';
import { WorkerSinkTask, WorkerSourceTask, type WorkerTask } from './worker-tasks.js';

export type Props = Readonly<Record<string, string>>;

/** Throws a ConfigException for the first bad key of `props` against `def` (Kafka's message texts). */
function check(def: ConfigDef, props: Props): Record<string, unknown> {
  return def.parse(props);
}

/** Validates a worker configuration: every declared key, and that the converters can be created. */
export function validateWorkerConfig(props: Props): void {
  check(WORKER_CONFIG_DEF, props);
  newConverters(props);
}

export interface WorkerOptions {
  workerConfig: Props;
  offsetStore: OffsetBackingStore;
  logger: Logger;
  connectors?: ConnectorPluginRegistry;
  converters?: ConverterRegistry;
}

interface RunningConnector {
  name: string;
  connector: Connector;
  tasks: WorkerTask[];
}

export class Worker {
  private readonly kafka: Kafka;
  private readonly running = new Map<string, RunningConnector>();
  private readonly connectorRegistry: ConnectorPluginRegistry;
  private readonly converterRegistry: ConverterRegistry;
  private readonly flushIntervalMs: number;
  private failureHandlers: Array<(task: string, error: Error) => void> = [];

  constructor(private readonly options: WorkerOptions) {
    const config = WORKER_CONFIG_DEF.parse(options.workerConfig);
    this.flushIntervalMs = Number(config['offset.flush.interval.ms'] as bigint);
    const clientId = (config['client.id'] as string) || 'connect';
    this.kafka = new Kafka({ clientId, brokers: config['bootstrap.servers'] as string[], logger: options.logger });
    this.connectorRegistry = options.connectors ?? defaultConnectorRegistry();
    this.converterRegistry = options.converters ?? defaultConverterRegistry();
  }

  /** Called when a task fails after it started (the worker keeps running its other tasks, as Kafka does). */
  onTaskFailure(handler: (task: string, error: Error) => void): void {
    this.failureHandlers.push(handler);
  }

  /** Checks a connector's properties without starting it; throws a ConfigException naming the key. */
  validateConnector(props: Props): Connector {
    const base = check(CONNECTOR_CONFIG_DEF, props);
    const className = base['connector.class'] as string;
    let connector: Connector;
    try {
      connector = this.connectorRegistry.newConnector(className);
    } catch (e) {
      throw new ConfigException(`Invalid value ${className} for configuration connector.class: ${(e as Error).message}`);
    }
    if (connector instanceof SinkConnector) sinkTopics(props);
    newConverters(this.options.workerConfig, props, this.converterRegistry);
    const errors = connector.validate(props).configValues.flatMap((v) => v.errorMessages);
    if (errors.length > 0) throw new ConfigException(errors.join('; '));
    return connector;
  }

  async startConnector(props: Props): Promise<void> {
    const name = props['name']!;
    const connector = this.validateConnector(props);
    if (this.running.has(name)) throw new ConfigException(`Connector ${name} already exists`);
    const maxTasks = CONNECTOR_CONFIG_DEF.parse(props)['tasks.max'] as number;
    // A bad transforms/predicates setting fails here, naming the key, before anything starts.
    buildTransformationChain(props).close();
    const logger = this.options.logger.child({ connector: name });
    connector.initialize({ raiseError: (e) => logger.error({ err: e.message }, 'connector raised an error') });
    await connector.start(props);
    const entry: RunningConnector = { name, connector, tasks: [] };
    this.running.set(name, entry);
    const taskConfigs = connector.taskConfigs(maxTasks).slice(0, maxTasks);
    let topics: string[] | null = null;
    if (connector instanceof SinkConnector) {
      const spec = sinkTopics(props);
      topics = 'topics' in spec ? spec.topics : await this.matchTopics(spec.regex);
    }
    for (const [i, taskProps] of taskConfigs.entries()) {
      const taskConfig = { ...props, ...taskProps };
      const id = `${name}-${i}`;
      const task = new (connector.taskClass())();
      const converters = newConverters(this.options.workerConfig, props, this.converterRegistry);
      const common = { id, connectorName: name, taskConfig, kafka: this.kafka, converters, offsetFlushIntervalMs: this.flushIntervalMs, logger: logger.child({ task: i }) };
      let worker: WorkerTask;
      // Each task has its own transformation chain (transforms keep per-schema caches), as in Kafka.
      let chain;
      if (connector instanceof SourceConnector && task instanceof SourceTask) {
        const sourceChain = (chain = buildTransformationChain<SourceRecord>(props));
        worker = new WorkerSourceTask({ ...common, task, transform: (r) => sourceChain.apply(r), offsetStore: this.options.offsetStore });
      } else if (connector instanceof SinkConnector && task instanceof SinkTask) {
        const sinkChain = (chain = buildTransformationChain<SinkRecord>(props));
        worker = new WorkerSinkTask({ ...common, task, topics: topics!, transform: (r) => sinkChain.apply(r) });
      } else {
        throw new ConnectException(`Connector ${name}: ${connector.constructor.name} must be a SourceConnector or SinkConnector with a matching task class`);
      }
      await worker.start();
      entry.tasks.push(worker);
      const used = chain;
      void worker.done.catch(() => undefined).finally(() => used.close());
      worker.done.catch((e: Error) => {
        for (const h of this.failureHandlers) h(id, e);
      });
      logger.info({ task: id }, 'task started');
    }
    logger.info({ connectorClass: connector.constructor.name, tasks: entry.tasks.length }, 'connector started');
  }

  /** topics.regex: the existing topics matching it when the connector starts (new topics are not picked up yet). */
  private async matchTopics(regex: RegExp): Promise<string[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const topics = (await admin.listTopics()).filter((t) => regex.test(t)).sort();
      if (topics.length === 0) throw new ConnectException(`No topic matches topics.regex ${regex.source}`);
      return topics;
    } finally {
      await admin.disconnect();
    }
  }

  /** Stops every task (committing offsets), then the connectors; the offset store is stopped last. */
  async stop(): Promise<void> {
    const errors: unknown[] = [];
    await Promise.all([...this.running.values()].flatMap((c) => c.tasks.map((t) => t.stop().catch((e: unknown) => errors.push(e)))));
    for (const c of this.running.values()) {
      try {
        await c.connector.stop();
      } catch (e) {
        errors.push(e);
      }
    }
    this.running.clear();
    await this.options.offsetStore.stop();
    if (errors.length > 0) throw errors[0];
  }
}
