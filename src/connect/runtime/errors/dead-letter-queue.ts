/**
 * The dead letter queue of a sink connector (Kafka's DeadLetterQueueReporter):
 * `errors.deadletterqueue.topic.name`. A record that failed in conversion or transformation is
 * written to that topic as it was consumed: the original key, value and headers bytes. With
 * `errors.deadletterqueue.context.headers.enable=true` these headers describe the failure (values
 * are UTF-8 strings, as Kafka writes them):
 *
 *   __connect.errors.topic, __connect.errors.partition, __connect.errors.offset (the consumed record),
 *   __connect.errors.connector.name, __connect.errors.task.id (the task number),
 *   __connect.errors.stage (e.g. VALUE_CONVERTER), __connect.errors.class.name (the failing class),
 *   __connect.errors.exception.class.name (Kafka's Java class name for Connect's exceptions, e.g.
 *   org.apache.kafka.connect.errors.DataException; other errors by their JavaScript name),
 *   __connect.errors.exception.message, __connect.errors.exception.stacktrace (JavaScript stacks)
 *
 * A missing topic is created with one partition and replication factor
 * min(`errors.deadletterqueue.topic.replication.factor`, number of brokers): Kafka uses the value
 * as given (so its default 3 fails on a one-broker cluster); Samsa caps it so that the default works
 * on a development cluster.
 */
import { Buffer } from 'node:buffer';
import type { Kafka } from '../../../client/kafka.js';
import type { Producer } from '../../../client/producer/producer.js';
import type { Logger } from '../../../logging/logger.js';
import type { ErrorReporter, ProcessingContext } from './retry-with-tolerance.js';
import { stackTrace } from './stack-trace.js';

export const DLQ_HEADER_PREFIX = '__connect.errors.';
export const ERROR_HEADER_ORIG_TOPIC = `${DLQ_HEADER_PREFIX}topic`;
export const ERROR_HEADER_ORIG_PARTITION = `${DLQ_HEADER_PREFIX}partition`;
export const ERROR_HEADER_ORIG_OFFSET = `${DLQ_HEADER_PREFIX}offset`;
export const ERROR_HEADER_CONNECTOR_NAME = `${DLQ_HEADER_PREFIX}connector.name`;
export const ERROR_HEADER_TASK_ID = `${DLQ_HEADER_PREFIX}task.id`;
export const ERROR_HEADER_STAGE = `${DLQ_HEADER_PREFIX}stage`;
export const ERROR_HEADER_EXECUTING_CLASS = `${DLQ_HEADER_PREFIX}class.name`;
export const ERROR_HEADER_EXCEPTION = `${DLQ_HEADER_PREFIX}exception.class.name`;
export const ERROR_HEADER_EXCEPTION_MESSAGE = `${DLQ_HEADER_PREFIX}exception.message`;
export const ERROR_HEADER_EXCEPTION_STACK_TRACE = `${DLQ_HEADER_PREFIX}exception.stacktrace`;

/** Connect's exceptions by Kafka's Java class names, so DLQ readers can match them as they do Kafka's. */
const JAVA_EXCEPTION_CLASSES: Readonly<Record<string, string>> = {
  ConnectException: 'org.apache.kafka.connect.errors.ConnectException',
  DataException: 'org.apache.kafka.connect.errors.DataException',
  RetriableException: 'org.apache.kafka.connect.errors.RetriableException',
  SchemaBuilderException: 'org.apache.kafka.connect.errors.SchemaBuilderException',
  ConfigException: 'org.apache.kafka.common.config.ConfigException',
};

/** The exception class name Kafka would write: the Java name of a Connect exception, else the JavaScript name. */
export function exceptionClassName(error: Error): string {
  return JAVA_EXCEPTION_CLASSES[error.name] ?? error.name;
}

export interface DeadLetterQueueOptions {
  topic: string;
  replicationFactor: number;
  contextHeaders: boolean;
  connectorName: string;
  taskNumber: number;
}

export class DeadLetterQueueReporter implements ErrorReporter {
  private constructor(
    private readonly options: DeadLetterQueueOptions,
    private readonly producer: Producer,
    private readonly logger: Logger,
  ) {}

  /** Creates the topic when missing and connects the reporter's producer. */
  static async create(kafka: Kafka, options: DeadLetterQueueOptions, logger: Logger): Promise<DeadLetterQueueReporter> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      if (!(await admin.listTopics()).includes(options.topic)) {
        const brokers = (await admin.describeCluster()).brokers.length;
        const replicationFactor = Math.max(1, Math.min(options.replicationFactor, brokers));
        await admin.createTopics({ topics: [{ topic: options.topic, numPartitions: 1, replicationFactor }] });
        logger.info({ topic: options.topic, replicationFactor }, 'created the dead letter queue topic');
      }
    } finally {
      await admin.disconnect();
    }
    const producer = kafka.producer();
    await producer.connect();
    return new DeadLetterQueueReporter(options, producer, logger);
  }

  async report(context: ProcessingContext): Promise<void> {
    const consumed = context.consumed;
    if (consumed === undefined) return; // sink records only, as in Kafka
    const headers: Record<string, Buffer | Buffer[]> = {};
    for (const [k, v] of Object.entries(consumed.headers)) if (v !== undefined) headers[k] = v;
    if (this.options.contextHeaders) {
      const put = (name: string, value: string | null | undefined): void => {
        if (value !== null && value !== undefined) headers[name] = Buffer.from(value, 'utf8');
      };
      put(ERROR_HEADER_ORIG_TOPIC, consumed.topic);
      put(ERROR_HEADER_ORIG_PARTITION, String(consumed.partition));
      put(ERROR_HEADER_ORIG_OFFSET, consumed.offset.toString());
      put(ERROR_HEADER_CONNECTOR_NAME, this.options.connectorName);
      put(ERROR_HEADER_TASK_ID, String(this.options.taskNumber));
      put(ERROR_HEADER_STAGE, context.stage);
      put(ERROR_HEADER_EXECUTING_CLASS, context.executingClass);
      put(ERROR_HEADER_EXCEPTION, exceptionClassName(context.error));
      put(ERROR_HEADER_EXCEPTION_MESSAGE, context.error.message);
      put(ERROR_HEADER_EXCEPTION_STACK_TRACE, stackTrace(context.error));
    }
    try {
      await this.producer.send({ topic: this.options.topic, messages: [{ key: consumed.key, value: consumed.value, headers }] });
    } catch (e) {
      // Kafka logs a failed DLQ write and carries on.
      this.logger.error({ topic: this.options.topic, err: (e as Error).message }, 'could not write to the dead letter queue');
    }
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }
}
