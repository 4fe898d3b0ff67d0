/**
 * Builds what runs one task (Kafka's Worker.buildWorkerTask): the connector's task instance, its
 * converters, transformation chain and error handling (log reporter, and for sinks a dead letter
 * queue), wired into a WorkerSourceTask or WorkerSinkTask. Used by the Worker for a task on its
 * own thread and by a task thread (task-thread.ts) for a task on a thread of its own.
 */
import type { Kafka } from '../../client/kafka.js';
import type { Logger } from '../../logging/logger.js';
import { SinkConnector, SinkTask, SourceConnector, SourceTask } from '../api/connector.js';
import type { SinkRecord, SourceRecord } from '../api/data/connect-record.js';
import { ConnectException } from '../api/errors.js';
import type { ConnectorPluginRegistry } from '../connectors/registry.js';
import { converterSetting, newConverters, type ConverterRegistry } from '../converters/registry.js';
import type { TransformRegistry } from '../transforms/registry.js';
import { buildTransformationChain, type TransformationChain } from '../transforms/transform-chain.js';
import { sinkTopics } from './config.js';
import { sinkConsumerOverrides } from './consumer-overrides.js';
import { DeadLetterQueueReporter } from './errors/dead-letter-queue.js';
import { LogReporter } from './errors/log-reporter.js';
import { errorHandlingConfig, RetryWithToleranceOperator, type ErrorReporter } from './errors/retry-with-tolerance.js';
import type { ConnectorConfig, ConnectorTaskId } from './herder.js';
import type { OffsetBackingStore } from './offset-store.js';
import { WorkerSinkTask, WorkerSourceTask, type TopicCreationHook, type WorkerTask } from './worker-tasks.js';

export interface TaskRunnerContext {
  id: ConnectorTaskId;
  connectorConfig: ConnectorConfig;
  taskConfig: ConnectorConfig;
  workerConfig: Readonly<Record<string, string>>;
  kafka: Kafka;
  logger: Logger;
  connectors: ConnectorPluginRegistry;
  converters: ConverterRegistry;
  transforms: TransformRegistry;
  offsetStore: OffsetBackingStore;
  offsetFlushIntervalMs: number;
  /** Called once per topic the task first produced to or consumed from. */
  onTopic: (topic: string) => void;
  /** A source task's topic creation (KIP-158); null: none. Asked for only for source tasks. */
  topicCreation: () => TopicCreationHook | null;
  /** Where what is built registers its clean-up; the caller runs them (last first) once the task stopped or failed to start. */
  closers: Array<() => Promise<void> | void>;
}

/** The task's runner, not started. Throws (a ConnectException, a ConfigException...) when it cannot be built. */
export async function createTaskRunner(c: TaskRunnerContext): Promise<WorkerTask> {
  const key = `${c.id.connector}-${c.id.task}`;
  const connector = c.connectors.newConnector(c.connectorConfig['connector.class'] ?? '');
  const task = new (connector.taskClass())();
  const isSink = connector instanceof SinkConnector;
  const converters = newConverters(c.workerConfig, c.connectorConfig, c.converters);
  const converterClasses = {
    key: c.converters.resolve(converterSetting('key.converter', c.workerConfig, c.connectorConfig).className) ?? 'key.converter',
    value: c.converters.resolve(converterSetting('value.converter', c.workerConfig, c.connectorConfig).className) ?? 'value.converter',
    header: c.converters.resolve(converterSetting('header.converter', c.workerConfig, c.connectorConfig).className) ?? 'header.converter',
  };
  const errorConfig = errorHandlingConfig(c.connectorConfig, isSink);
  const reporters: ErrorReporter[] = [];
  if (isSink && errorConfig.deadLetterQueueTopic !== '') {
    reporters.push(await DeadLetterQueueReporter.create(c.kafka, {
      topic: errorConfig.deadLetterQueueTopic, replicationFactor: errorConfig.deadLetterQueueReplicationFactor,
      contextHeaders: errorConfig.deadLetterQueueContextHeaders, connectorName: c.id.connector, taskNumber: c.id.task,
    }, c.logger));
  }
  if (errorConfig.logEnable) reporters.push(new LogReporter(key, errorConfig.logIncludeMessages, c.logger));
  const errors = new RetryWithToleranceOperator(errorConfig, reporters);
  c.closers.push(() => errors.close());
  const common = { id: key, connectorName: c.id.connector, taskConfig: { ...c.taskConfig }, kafka: c.kafka, converters, converterClasses, errors, offsetFlushIntervalMs: c.offsetFlushIntervalMs, logger: c.logger, onTopic: c.onTopic };
  if (connector instanceof SourceConnector && task instanceof SourceTask) {
    const chain: TransformationChain<SourceRecord> = buildTransformationChain<SourceRecord>(c.connectorConfig, c.transforms);
    c.closers.push(() => chain.close());
    return new WorkerSourceTask({ ...common, task, chain, offsetStore: c.offsetStore, topicCreation: c.topicCreation() });
  }
  if (connector instanceof SinkConnector && task instanceof SinkTask) {
    const chain: TransformationChain<SinkRecord> = buildTransformationChain<SinkRecord>(c.connectorConfig, c.transforms);
    c.closers.push(() => chain.close());
    const spec = sinkTopics(c.connectorConfig);
    const topics = 'topics' in spec ? spec.topics : await matchTopics(c.kafka, spec.regex);
    const consumerSettings = sinkConsumerOverrides(c.workerConfig, c.connectorConfig, c.logger);
    return new WorkerSinkTask({ ...common, task, chain, topics, consumerSettings });
  }
  throw new ConnectException(`Connector ${c.id.connector}: ${connector.constructor.name} must be a SourceConnector or SinkConnector with a matching task class`);
}

/** topics.regex: the existing topics matching it when the task starts (new topics are not picked up yet). */
async function matchTopics(kafka: Kafka, regex: RegExp): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => regex.test(t)).sort();
    if (topics.length === 0) throw new ConnectException(`No topic matches topics.regex ${regex.source}`);
    return topics;
  } finally {
    await admin.disconnect();
  }
}
