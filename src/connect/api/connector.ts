/**
 * The connector SPI (Kafka's org.apache.kafka.connect.connector / .source / .sink packages).
 *
 * A Connector is configured with its properties, declares its settings (`config()`), and splits
 * its work into at most `maxTasks` task configurations; the worker creates one task per
 * configuration from `taskClass()`. Source tasks are polled for SourceRecords, which the worker
 * converts and produces; sink tasks are given SinkRecords consumed from Kafka.
 *
 * Differences from Kafka: `poll()`, `put()`, `flush()` and the lifecycle methods may return
 * promises (the worker awaits them); `taskClass()` returns a constructor;
 * ConnectorContext.requestTaskReconfiguration is optional (a runtime may not offer it yet).
 */
import { ConfigDef, type ConfigValue } from './config-def.js';
import type { SinkRecord, SourceRecord } from './data/connect-record.js';

export type ConnectorProps = Readonly<Record<string, string>>;
type MaybePromise<T> = T | Promise<T>;

/** What a connector may ask of the runtime. */
export interface ConnectorContext {
  /** Reports an unrecoverable error; the worker fails the connector. */
  raiseError(error: Error): void;
  /**
   * Asks the runtime to call `taskConfigs` again and restart the tasks with the new
   * configurations (e.g. a JDBC source found new tables). Optional: runtimes without it ignore
   * the need, and connectors call it only when present.
   */
  requestTaskReconfiguration?(): void;
}

/** The result of `Connector.validate`: per-key values and error messages. */
export interface ConfigValidation {
  readonly configValues: ConfigValue[];
}

export abstract class Connector {
  protected context: ConnectorContext | null = null;

  initialize(context: ConnectorContext): void {
    this.context = context;
  }

  /** The connector's version string (shown by the REST API). */
  abstract version(): string;
  abstract start(props: ConnectorProps): MaybePromise<void>;
  /** The task class the worker instantiates for each task configuration. */
  abstract taskClass(): new () => Task;
  /** At most `maxTasks` configurations, one per task to run. */
  abstract taskConfigs(maxTasks: number): Array<Record<string, string>>;
  abstract stop(): MaybePromise<void>;
  /** The connector's declared settings. */
  abstract config(): ConfigDef;

  /** Validates `props` against `config()` (Kafka's default implementation). */
  validate(props: ConnectorProps): ConfigValidation {
    return { configValues: this.config().validate(props) };
  }
}

export abstract class SourceConnector extends Connector {}
export abstract class SinkConnector extends Connector {}

export interface Task {
  version(): string;
  start(props: ConnectorProps): MaybePromise<void>;
  stop(): MaybePromise<void>;
}

/** Reads the offsets the runtime stored for source partitions (Kafka's OffsetStorageReader). */
export interface OffsetStorageReader {
  offset(partition: Readonly<Record<string, unknown>>): Record<string, unknown> | null;
  offsets(partitions: ReadonlyArray<Readonly<Record<string, unknown>>>): Map<Readonly<Record<string, unknown>>, Record<string, unknown> | null>;
}

export interface SourceTaskContext {
  configs(): ConnectorProps;
  offsetStorageReader(): OffsetStorageReader;
}

/**
 * A source task: `poll()` returns the next records (null or [] when there are none yet; it may
 * wait a while but should return when `stop()` is called). The worker commits each record's
 * `sourceOffset` to the offset store only after the producer acknowledged it (at-least-once).
 */
export abstract class SourceTask implements Task {
  protected context!: SourceTaskContext;

  initialize(context: SourceTaskContext): void {
    this.context = context;
  }

  abstract version(): string;
  abstract start(props: ConnectorProps): MaybePromise<void>;
  abstract poll(): Promise<SourceRecord[] | null>;
  /** Called after an offset commit of the records polled so far (optional hook). */
  commit(): MaybePromise<void> {}
  /**
   * Called once `record` was acknowledged by Kafka (or dropped by a transform). `metadata` is
   * always null for now: the worker sends each polled batch with one sendBatch, whose result is
   * per partition, not per record.
   */
  commitRecord(_record: SourceRecord, _metadata: { topic: string; partition: number; offset: bigint } | null): MaybePromise<void> {}
  abstract stop(): MaybePromise<void>;
}

export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

export function topicPartitionKey(tp: TopicPartition): string {
  return `${tp.topic}-${tp.partition}`;
}

/** Offsets as sink tasks see them: `${topic}-${partition}` → { topic, partition, offset } (the next offset to consume). */
export type SinkOffsets = Map<string, TopicPartition & { offset: bigint }>;

export interface SinkTaskContext {
  configs(): ConnectorProps;
  /** The partitions currently assigned to this task. */
  assignment(): TopicPartition[];
  pause(...partitions: TopicPartition[]): void;
  resume(...partitions: TopicPartition[]): void;
  /** Asks the worker to rewind/advance partitions (applied before the next delivery). */
  offset(offsets: ReadonlyArray<TopicPartition & { offset: bigint }>): void;
  /** Asks the worker to commit offsets as soon as possible. */
  requestCommit(): void;
  /**
   * Kafka's KIP-610 errant record reporter: hands a record the task cannot write to the worker's
   * error handling (`errors.tolerance`, `errors.log.enable`, the dead letter queue), as if it had
   * failed in a converter. The promise resolves once the record was reported (and, with
   * `errors.tolerance=all`, skipped); with `errors.tolerance=none` it rejects with Kafka's
   * "Tolerance exceeded in error handler", which the task should let fail it. Returns null when
   * the connector has neither a dead letter queue nor error logging configured (as Kafka does),
   * and is absent on runtimes that predate it.
   */
  errantRecordReporter?(): ErrantRecordReporter | null;
}

/** Reports one record a sink task could not process (Kafka's ErrantRecordReporter.report). */
export type ErrantRecordReporter = (record: SinkRecord, error: Error) => Promise<void>;

/**
 * A sink task: `put()` receives batches of records; `flush()` must make everything put so far
 * durable — the worker commits consumer offsets only after it returned. `open`/`close` bracket
 * the task's ownership of partitions.
 */
export abstract class SinkTask implements Task {
  protected context!: SinkTaskContext;

  initialize(context: SinkTaskContext): void {
    this.context = context;
  }

  abstract version(): string;
  abstract start(props: ConnectorProps): MaybePromise<void>;
  abstract put(records: SinkRecord[]): MaybePromise<void>;
  /** Makes the records put so far durable. */
  flush(_currentOffsets: SinkOffsets): MaybePromise<void> {}
  /** Flushes and returns the offsets safe to commit (Kafka's default: flush, then all of them). */
  async preCommit(currentOffsets: SinkOffsets): Promise<SinkOffsets> {
    await this.flush(currentOffsets);
    return currentOffsets;
  }
  open(_partitions: TopicPartition[]): MaybePromise<void> {}
  close(_partitions: TopicPartition[]): MaybePromise<void> {}
  abstract stop(): MaybePromise<void>;
}

export { ConfigDef };
