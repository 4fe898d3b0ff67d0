/**
 * The worker's task runners (Kafka's WorkerSourceTask and WorkerSinkTask).
 *
 * Source: poll → transformation chain → key/value/header converters → producer. Up to
 * MAX_BATCHES_IN_FLIGHT polled batches wait for their acknowledgement at once (the next poll does
 * not wait for the previous batch's acks, as in Kafka). A record's source offset becomes
 * committable once the producer acknowledged it and every batch polled before it; a failed send
 * fails the task and no later offset is taken. Every
 * `offset.flush.interval.ms` and on stop the committable offsets (latest per source partition)
 * are written to the offset store, then `SourceTask.commit()` runs. Records polled after a stop
 * was requested are dropped, uncommitted: they are read again after a restart (at-least-once).
 *
 * Sink: a consumer in group `connect-<connector name>` (auto.offset.reset earliest, no
 * auto-commit) → converters (toConnectData) → transformation chain → `SinkTask.put(batch)`.
 * One put() runs at a time, and the next batch is converted while it runs (a put() that waits for
 * a database leaves the thread free for that); a batch's offsets become committable when its
 * put() returned. A RetriableException from put() has the same records put again.
 * Every `offset.flush.interval.ms`, before partitions are revoked and on stop, the task's
 * `preCommit()` (by default `flush()`) runs and then the offsets it returned are committed, so a
 * committed offset never runs ahead of what the task made durable.
 *
 * Conversion and transformation run through the task's RetryWithToleranceOperator (`errors.*`
 * settings): a tolerated failure skips the record (sinks: after it went to the dead letter queue).
 * A sink task may report records it cannot write through `context.errantRecordReporter()` (KIP-610,
 * stage TASK_PUT; offered when a dead letter queue or error logging is configured): they go to the
 * same reporters with their consumed bytes, and fail the task unless `errors.tolerance=all`.
 * Pausing (target state PAUSED): a source task stops polling and keeps its producer; a sink task
 * pauses every assigned partition of its consumer. The first time a task produces to or consumes
 * from a topic it reports it through `onTopic` (KIP-558 active topics).
 */
import type { Logger } from '../../logging/logger.js';
import type { Kafka } from '../../client/kafka.js';
import type { Producer } from '../../client/producer/producer.js';
import type { Consumer, ConsumerOptions } from '../../client/consumer/consumer.js';
import type { KafkaMessage } from '../../client/consumer/consumer-types.js';
import type { SinkOffsets, SinkTask, SinkTaskContext, SourceTaskContext, TopicPartition } from '../api/connector.js';
import { SourceTask, topicPartitionKey } from '../api/connector.js';
import { SinkRecord, type SourceRecord } from '../api/data/connect-record.js';
import { ConnectHeaders } from '../api/data/headers.js';
import type { SchemaAndValue } from '../api/data/schema.js';
import { RetriableException } from '../api/errors.js';
import type { ConnectorConverters } from '../converters/registry.js';
import type { TransformationChain, TransformationStage } from '../transforms/transform-chain.js';
import type { ConsumedRecord, RetryWithToleranceOperator } from './errors/retry-with-tolerance.js';
import { canonicalJson, type OffsetBackingStore, type OffsetKey, type OffsetValue } from './offset-store.js';

/**
 * A transformation chain as the task pipeline sees it: a record in, the transformed record or
 * null (dropped) out.
 * The worker builds it from the connector's `transforms` / `predicates` settings
 * (src/connect/transforms/transform-chain.ts), one chain per task.
 */
export type RecordTransform<R> = (record: R) => R | null;

export interface WorkerTask {
  readonly id: string;
  start(): Promise<void>;
  /** Stops the task: stops polling/consuming, commits offsets, stops the task itself. */
  stop(): Promise<void>;
  /** Resolves when the task's loop ended (stopped or failed); rejects with the failure. */
  readonly done: Promise<void>;
  /** Target state PAUSED: stop processing records but keep the clients and the task. */
  pause(): void;
  /** Target state STARTED again. */
  resume(): void;
}

/** The Kafka class names of a task's converters, for error reports (`__connect.errors.class.name`). */
export interface ConverterClassNames {
  key: string;
  value: string;
  header: string;
}

/** What a source task needs of KIP-158 topic creation: make sure `topic` exists before the first send to it. */
export interface TopicCreationHook {
  ensure(topic: string): Promise<void>;
}

/** The name shown for a transformation in error reports. */
function transformationClass(stage: { transformation: object }): string {
  return stage.transformation.constructor.name;
}

/** Whether a consumed message has any header. */
function hasHeaders(headers: KafkaMessage['headers']): boolean {
  for (const _ in headers) return true;
  return false;
}

/** A lock that serialises the sink task's calls (put, preCommit, open, close). */
class Mutex {
  private tail: Promise<void> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn);
    this.tail = result.then(() => undefined, () => undefined);
    return result;
  }
}

/** A promise with its resolve and reject; a rejection nobody awaits is not reported as unhandled. */
export function deferred(): { promise: Promise<void>; resolve: () => void; reject: (e: Error) => void } {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

export interface SourceTaskOptions {
  id: string;
  connectorName: string;
  task: SourceTask;
  taskConfig: Record<string, string>;
  kafka: Kafka;
  converters: ConnectorConverters;
  converterClasses: ConverterClassNames;
  chain: TransformationChain<SourceRecord>;
  errors: RetryWithToleranceOperator;
  offsetStore: OffsetBackingStore;
  offsetFlushIntervalMs: number;
  logger: Logger;
  /** Called once per topic, the first time the task produced to it. */
  onTopic?: (topic: string) => void;
  topicCreation?: TopicCreationHook | null;
}

/**
 * How many polled batches may wait for their acknowledgement at once. Kafka's WorkerSourceTask
 * polls on while earlier records are in flight (bounded by the producer's buffer.memory); this
 * bounds the records held the same way.
 */
const MAX_BATCHES_IN_FLIGHT = 4;

/** How many records of a polled batch a source task converts before it lets other work on the thread run. */
const SOURCE_SLICE_RECORDS = 500;

/** Resolves after the I/O and timers that are due have run (a macrotask later). */
function yieldToOtherTasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A polled batch handed to the producer, kept in poll order until it and every batch before it were acknowledged. */
interface InFlightBatch {
  readonly records: readonly SourceRecord[];
  readonly topics: readonly string[];
  acked: boolean;
  failed: boolean;
  /** Settles (never rejects) once the producer acknowledged or failed the batch. */
  settled: Promise<void>;
}

/** A record as handed to the producer. */
interface ProducerMessage {
  key: Buffer | null;
  value: Buffer | null;
  partition: number | undefined;
  timestamp: number | undefined;
  headers: Record<string, Buffer> | undefined;
}

export class WorkerSourceTask implements WorkerTask {
  readonly id: string;
  private readonly producer: Producer;
  private stopping = false;
  private loop: Promise<void> | null = null;
  private readonly finished = deferred();
  /** Acknowledged source offsets not yet written to the store: canonical key → [key, offset]. */
  private readonly committable = new Map<string, readonly [OffsetKey, OffsetValue]>();
  private flushTimer: NodeJS.Timeout | null = null;
  private committing: Promise<void> = Promise.resolve();
  private pauseGate: { promise: Promise<void>; resolve: () => void } | null = null;
  /** Topics produced to (reported as active) and topics made sure to exist. */
  private readonly activeTopics = new Set<string>();
  private readonly ensuredTopics = new Set<string>();
  /** Batches sent and not yet acknowledged together with every batch before them, in poll order. */
  private readonly inFlight: InFlightBatch[] = [];
  /** The first failed send: the task fails; no later batch's offsets become committable. */
  private sendFailure: Error | null = null;
  /** Set when making a batch's offsets committable failed: no later batch's offsets are taken. */
  private drainStopped = false;
  /** Whether the task overrides SourceTask.commitRecord (otherwise it is not called per record). */
  private readonly commitsRecords: boolean;
  /** The task's commitRecord calls, in acknowledgement (= poll) order. */
  private recordCommits: Promise<void> = Promise.resolve();

  constructor(private readonly options: SourceTaskOptions) {
    this.id = options.id;
    this.producer = options.kafka.producer();
    this.commitsRecords = options.task.commitRecord !== SourceTask.prototype.commitRecord;
  }

  get done(): Promise<void> {
    return this.finished.promise;
  }

  async start(): Promise<void> {
    const { task, taskConfig, offsetStore, connectorName } = this.options;
    const context: SourceTaskContext = {
      configs: () => taskConfig,
      offsetStorageReader: () => ({
        offset: (partition) => (offsetStore.get([connectorName, partition]) as Record<string, unknown> | null) ?? null,
        offsets: (partitions) => new Map(partitions.map((p) => [p, (offsetStore.get([connectorName, p]) as Record<string, unknown> | null) ?? null])),
      }),
    };
    task.initialize(context);
    await this.producer.connect();
    await task.start(taskConfig);
    if (this.options.offsetFlushIntervalMs > 0) {
      this.flushTimer = setInterval(() => void this.commitOffsets().catch((e: Error) => this.options.logger.error({ task: this.id, err: e.message }, 'offset commit failed')), this.options.offsetFlushIntervalMs);
    }
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    try {
      while (!this.stopping) {
        if (this.sendFailure !== null) throw this.sendFailure;
        if (this.pauseGate !== null) {
          await this.pauseGate.promise;
          continue;
        }
        if (this.inFlight.length >= MAX_BATCHES_IN_FLIGHT) {
          await this.inFlight[0]!.settled;
          continue;
        }
        let records: SourceRecord[] | null;
        try {
          records = await this.options.task.poll();
        } catch (e) {
          if (!(e instanceof RetriableException)) throw e;
          this.options.logger.warn({ task: this.id, err: e.message }, 'poll failed; retrying');
          continue;
        }
        if (this.stopping) break;
        if (records === null || records.length === 0) continue;
        await this.send(records);
      }
      await this.awaitSent();
      if (this.sendFailure !== null) throw this.sendFailure;
      this.finished.resolve();
    } catch (e) {
      const error = e instanceof Error ? e : new Error(String(e));
      this.options.logger.error({ task: this.id, err: error.message }, 'source task failed');
      this.finished.reject(error);
      // As in Kafka, what was acknowledged before the failure still has its offsets committed on stop.
      await this.awaitSent();
    }
  }

  /** Waits until every batch sent is acknowledged, or the first failed one is reached, and the task's commitRecord calls ran. */
  private async awaitSent(): Promise<void> {
    for (;;) {
      const head = this.inFlight[0];
      if (head === undefined || head.failed || head.acked) break; // an acknowledged head still queued: acknowledging failed
      await head.settled;
    }
    await this.recordCommits;
  }

  pause(): void {
    if (this.pauseGate !== null) return;
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    this.pauseGate = { promise, resolve };
  }

  resume(): void {
    const gate = this.pauseGate;
    this.pauseGate = null;
    gate?.resolve();
  }

  /**
   * Converts one polled batch and hands it to the producer without waiting for the
   * acknowledgement (see `acknowledged`). Each step runs through the error handler; a step that
   * completes synchronously (the usual case) costs no promise.
   */
  private async send(records: SourceRecord[]): Promise<void> {
    const { converters, converterClasses, errors, chain } = this.options;
    const stages = chain.stages;
    const byTopic = new Map<string, ProducerMessage[]>();
    // The steps run for each record are made once per batch and read the record at hand from
    // these variables, which stay put while a step runs: the loop waits for each step, retries
    // and error reports included, before it moves on. Error reporters copy the context when called.
    const context: { sourceRecord: SourceRecord | null } = { sourceRecord: null };
    let stage: TransformationStage<SourceRecord> | undefined;
    let input: SourceRecord = records[0]!;
    let current: SourceRecord = records[0]!;
    const applyStage = (): SourceRecord | null => stage!.apply(input);
    const convertKey = (): Buffer | null => converters.keyConverter.fromConnectData(current.topic, current.headers, current.keySchema, current.key);
    const convertValue = (): Buffer | null => converters.valueConverter.fromConnectData(current.topic, current.headers, current.valueSchema, current.value);
    for (let r = 0; r < records.length; r++) {
      // A large poll is converted in slices, so that other tasks on this thread (a sink's put
      // coming back from its database, a consumer's group protocol) are not kept waiting for all of it.
      if (r > 0 && r % SOURCE_SLICE_RECORDS === 0) await yieldToOtherTasks();
      const record = records[r]!;
      context.sourceRecord = record;
      let transformed: SourceRecord | null = record;
      for (let s = 0; s < stages.length && transformed !== null; s++) {
        stage = stages[s]!;
        input = transformed;
        let result = errors.executeNow('TRANSFORMATION', transformationClass(stage), applyStage, context);
        if (result instanceof Promise) result = await result;
        transformed = result.ok ? result.value : null;
      }
      if (transformed === null) continue;
      current = transformed;
      const topic = current.topic;
      let headers: Record<string, Buffer> | undefined;
      if (!current.headers.isEmpty()) {
        const withHeaders = current;
        let result = errors.executeNow('HEADER_CONVERTER', converterClasses.header, () => {
          let out: Record<string, Buffer> | undefined;
          for (const h of withHeaders.headers) {
            const bytes = converters.headerConverter.fromConnectHeader(topic, h.key, h.schema, h.value);
            if (bytes !== null) (out ??= {})[h.key] = bytes;
          }
          return out;
        }, context);
        if (result instanceof Promise) result = await result;
        if (!result.ok) continue;
        headers = result.value;
      }
      let key = errors.executeNow('KEY_CONVERTER', converterClasses.key, convertKey, context);
      if (key instanceof Promise) key = await key;
      if (!key.ok) continue;
      let value = errors.executeNow('VALUE_CONVERTER', converterClasses.value, convertValue, context);
      if (value instanceof Promise) value = await value;
      if (!value.ok) continue;
      const message: ProducerMessage = {
        key: key.value,
        value: value.value,
        partition: current.kafkaPartition ?? undefined,
        timestamp: current.timestamp ?? undefined,
        headers,
      };
      let list = byTopic.get(topic);
      if (list === undefined) {
        if (!this.ensuredTopics.has(topic)) {
          await this.options.topicCreation?.ensure(topic);
          this.ensuredTopics.add(topic);
        }
        byTopic.set(topic, (list = []));
      }
      list.push(message);
    }
    const batch: InFlightBatch = { records, topics: [...byTopic.keys()], acked: false, failed: false, settled: Promise.resolve() };
    this.inFlight.push(batch);
    const sent = byTopic.size === 0 ? Promise.resolve() : this.producer.sendBatch({ topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
    batch.settled = sent.then(
      () => {
        batch.acked = true;
        try {
          this.acknowledged();
        } catch (e) {
          // E.g. a source offset that is not a JSON value: the task fails, no later offset is taken.
          this.drainStopped = true;
          this.sendFailure ??= e instanceof Error ? e : new Error(String(e));
          this.pauseGate?.resolve();
        }
      },
      (e: unknown) => {
        batch.failed = true;
        this.sendFailure ??= e instanceof Error ? e : new Error(String(e));
        this.pauseGate?.resolve(); // a paused task fails now, not once resumed
      },
    );
  }

  /**
   * A batch was acknowledged: the leading acknowledged batches (and only those, so offsets
   * advance in poll order and never past a failed batch) make their source offsets committable and go to the task's
   * commitRecord. Records dropped by a transformation or skipped by the error handler count as
   * acknowledged with their batch.
   */
  private acknowledged(): void {
    while (!this.drainStopped && this.inFlight.length > 0 && this.inFlight[0]!.acked) {
      const batch = this.inFlight.shift()!;
      for (const topic of batch.topics) {
        if (this.activeTopics.has(topic)) continue;
        this.activeTopics.add(topic);
        this.options.onTopic?.(topic);
      }
      this.markCommittable(batch.records);
      if (this.commitsRecords) this.recordCommits = this.recordCommits.then(() => this.commitRecords(batch.records));
    }
  }

  /** Records each source partition's latest offset in the batch (its key's canonical form worked out once per partition object). */
  private markCommittable(records: readonly SourceRecord[]): void {
    const connectorName = this.options.connectorName;
    let partition: Readonly<Record<string, unknown>> | null = null;
    let canonical = '';
    let key: OffsetKey | null = null;
    let offset: OffsetValue | null = null;
    for (const record of records) {
      if (record.sourcePartition === null || record.sourceOffset === null) continue;
      if (record.sourcePartition !== partition) {
        if (key !== null) this.committable.set(canonical, [key, offset!]);
        partition = record.sourcePartition;
        key = [connectorName, partition];
        canonical = canonicalJson(key);
      }
      offset = record.sourceOffset;
    }
    if (key !== null) this.committable.set(canonical, [key, offset!]);
  }

  /** The task's commitRecord for each record, in order; a failure is logged (as Kafka does), not fatal. */
  private async commitRecords(records: readonly SourceRecord[]): Promise<void> {
    for (const record of records) {
      try {
        const done = this.options.task.commitRecord(record, null);
        if (done instanceof Promise) await done;
      } catch (e) {
        this.options.logger.error({ task: this.id, err: (e as Error).message }, 'commitRecord() failed');
      }
    }
  }

  /** Writes the committable offsets to the store, then calls the task's commit(). */
  commitOffsets(): Promise<void> {
    const run = this.committing.then(async () => {
      if (this.committable.size === 0) return;
      const entries = [...this.committable.values()];
      this.committable.clear();
      try {
        await this.options.offsetStore.set(entries);
      } catch (e) {
        for (const [k, v] of entries) if (!this.committable.has(canonicalJson(k))) this.committable.set(canonicalJson(k), [k, v]);
        throw e;
      }
      await this.options.task.commit();
    });
    this.committing = run.catch(() => undefined);
    return run;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.resume();
    if (this.flushTimer !== null) clearInterval(this.flushTimer);
    await this.loop?.catch(() => undefined);
    try {
      await this.commitOffsets();
    } finally {
      try {
        await this.options.task.stop();
      } finally {
        await this.producer.disconnect();
      }
    }
  }
}

export interface SinkTaskOptions {
  id: string;
  connectorName: string;
  task: SinkTask;
  taskConfig: Record<string, string>;
  kafka: Kafka;
  topics: string[];
  converters: ConnectorConverters;
  converterClasses: ConverterClassNames;
  chain: TransformationChain<SinkRecord>;
  errors: RetryWithToleranceOperator;
  offsetFlushIntervalMs: number;
  logger: Logger;
  /** Called once per topic, the first time the task received records from it. */
  onTopic?: (topic: string) => void;
  /** The worker's `consumer.*` and the connector's `consumer.override.*` settings (consumer-overrides.ts). */
  consumerSettings?: Partial<ConsumerOptions>;
}

/** A batch handed to the sink task's put() (see WorkerSinkTask.startPut). */
interface PendingPut {
  readonly records: SinkRecord[];
  readonly topic: string;
  readonly partition: number;
  /** The offset to commit for the partition once the records are put. */
  readonly next: bigint;
  /** Settles (never rejects) when put() returned or threw; `error` says which. */
  done: Promise<void>;
  error: unknown;
}

/** How long a sink task waits before putting a batch again after a RetriableException. */
const RETRIABLE_PUT_BACKOFF_MS = 100;

export class WorkerSinkTask implements WorkerTask {
  readonly id: string;
  private readonly consumer: Consumer;
  private readonly lock = new Mutex();
  private readonly finished = deferred();
  /** The next offset to consume for each partition whose records were put. */
  private readonly current: SinkOffsets = new Map();
  private readonly lastCommitted = new Map<string, bigint>();
  private assigned: TopicPartition[] = [];
  private readonly paused = new Set<string>();
  private readonly seeks: Array<TopicPartition & { offset: bigint }> = [];
  private commitRequested = false;
  private lastCommit = Date.now();
  private flushTimer: NodeJS.Timeout | null = null;
  private stopping = false;
  private failed = false;
  /** Target state PAUSED: every assigned partition is paused in the consumer. */
  private targetPaused = false;
  private readonly activeTopics = new Set<string>();
  /** Each record put → what was consumed for it; kept only once the task asked for the errant record reporter. */
  private consumedRecords: WeakMap<SinkRecord, ConsumedRecord> | null = null;
  /** The batch handed to put() and not yet settled (see startPut). */
  private pendingPut: PendingPut | null = null;

  constructor(private readonly options: SinkTaskOptions) {
    this.id = options.id;
    this.consumer = options.kafka.consumer({
      autoOffsetReset: 'earliest',
      ...options.consumerSettings,
      groupId: `connect-${options.connectorName}`,
      logger: options.logger,
      rebalanceListener: {
        onPartitionsRevoked: (partitions) => this.lock.run(async () => {
          const tps = partitions.flatMap((p) => (p.partitions ?? []).map((partition) => ({ topic: p.topic, partition })));
          await this.commitLocked(tps).catch((e: Error) => this.options.logger.warn({ task: this.id, err: e.message }, 'commit before revocation failed'));
          await this.options.task.close(tps);
          for (const tp of tps) {
            this.current.delete(topicPartitionKey(tp));
            this.lastCommitted.delete(topicPartitionKey(tp));
          }
          this.assigned = this.assigned.filter((a) => !tps.some((t) => t.topic === a.topic && t.partition === a.partition));
        }),
        onPartitionsAssigned: (partitions) => this.lock.run(async () => {
          const tps = partitions.flatMap((p) => (p.partitions ?? []).map((partition) => ({ topic: p.topic, partition })));
          this.assigned.push(...tps);
          if (this.targetPaused && tps.length > 0) this.consumer.pause(tps.map((tp) => ({ topic: tp.topic, partitions: [tp.partition] })));
          await this.options.task.open(tps);
        }),
      },
      onCrash: (e) => this.finished.reject(e),
    });
  }

  get done(): Promise<void> {
    return this.finished.promise;
  }

  async start(): Promise<void> {
    const { task, taskConfig, topics } = this.options;
    const context: SinkTaskContext = {
      configs: () => taskConfig,
      assignment: () => [...this.assigned],
      pause: (...tps) => {
        for (const tp of tps) this.paused.add(topicPartitionKey(tp));
        this.consumer.pause(tps.map((tp) => ({ topic: tp.topic, partitions: [tp.partition] })));
      },
      resume: (...tps) => {
        for (const tp of tps) this.paused.delete(topicPartitionKey(tp));
        if (this.targetPaused) return; // resumed together with the connector
        this.consumer.resume(tps.map((tp) => ({ topic: tp.topic, partitions: [tp.partition] })));
      },
      offset: (offsets) => void this.seeks.push(...offsets),
      requestCommit: () => void (this.commitRequested = true),
      errantRecordReporter: () => {
        if (!this.options.errors.hasReporters()) return null; // Kafka: only with a dead letter queue or error logging
        this.consumedRecords ??= new WeakMap();
        return (record, error) => this.options.errors.executeFailed('TASK_PUT', 'org.apache.kafka.connect.sink.SinkTask', error, { consumed: this.consumedRecord(record) });
      },
    };
    task.initialize(context);
    await task.start(taskConfig);
    await this.consumer.connect();
    await this.consumer.subscribe({ topics, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, isStale }) => {
        if (this.stopping || batch.messages.length === 0) return;
        if (!this.activeTopics.has(batch.topic)) {
          this.activeTopics.add(batch.topic);
          this.options.onTopic?.(batch.topic);
        }
        // Converted outside the lock: while the previous batch's put() is still running.
        let records: SinkRecord[];
        try {
          records = await this.convertBatch(batch.topic, batch.partition, batch.messages);
        } catch (e) {
          // A RetriableException: the consumer delivers the same batch again after a backoff.
          if (e instanceof RetriableException) throw e;
          this.fail(e);
          return;
        }
        await this.lock.run(async () => {
          await this.settlePut();
          // Stopping, failed, or the previous put() paused or moved this partition (a seek, a
          // rebalance): these records are not put; the consumer delivers them again from its
          // position when the partition is consumed again.
          if (this.stopping || isStale()) return;
          if (this.commitRequested || (this.options.offsetFlushIntervalMs > 0 && Date.now() - this.lastCommit >= this.options.offsetFlushIntervalMs)) await this.commitLocked(null);
          const last = BigInt(batch.messages[batch.messages.length - 1]!.offset);
          this.startPut({ records, topic: batch.topic, partition: batch.partition, next: last + 1n, error: null, done: Promise.resolve() });
          resolveOffset(last.toString()); // moves the consumer's position; nothing is auto-committed
        });
      },
    });
    if (this.options.offsetFlushIntervalMs > 0) {
      this.flushTimer = setInterval(() => void this.lock.run(() => this.commitLocked(null)).catch((e: Error) => this.options.logger.error({ task: this.id, err: e.message }, 'offset commit failed')), this.options.offsetFlushIntervalMs);
    }
  }

  /**
   * Hands a batch to the task's put() without waiting for it: the consumer goes on to the next
   * batch, which is converted while the task writes this one. Only one put() runs at a time, and
   * nothing else is asked of the task (put, preCommit, open, close, stop) before it settled
   * (`settlePut`, first thing under the lock). A failed put() is settled at once.
   */
  private startPut(put: PendingPut): void {
    let result: void | Promise<void>;
    try {
      result = this.options.task.put(put.records);
    } catch (e) {
      result = Promise.reject(e);
    }
    put.done = Promise.resolve(result).then(
      () => {
        if (this.commitRequested) void this.lock.run(() => this.settlePut().then(() => (this.commitRequested ? this.commitLocked(null) : undefined))).catch((e: Error) => this.options.logger.error({ task: this.id, err: e.message }, 'offset commit failed'));
      },
      (e: unknown) => {
        put.error = e ?? new Error('put() failed');
        void this.lock.run(() => this.settlePut());
      },
    );
    this.pendingPut = put;
  }

  /**
   * Waits for the put() in progress. Done: its records' offsets become committable and the seeks
   * the task asked for apply. A RetriableException: the same records are put again after a
   * backoff (Kafka's WorkerSinkTask redelivers the batch), unless the task is stopping (they are
   * consumed again after a restart). Anything else fails the task. Call with the lock held.
   */
  private async settlePut(): Promise<void> {
    for (;;) {
      const put = this.pendingPut;
      if (put === null) return;
      await put.done;
      if (put !== this.pendingPut) continue;
      if (put.error === null) {
        this.pendingPut = null;
        this.current.set(topicPartitionKey(put), { topic: put.topic, partition: put.partition, offset: put.next });
        this.applySeeks();
        return;
      }
      const error = put.error;
      if (error instanceof RetriableException && !this.stopping) {
        this.options.logger.warn({ task: this.id, err: error.message, records: put.records.length }, 'put() failed with a retriable error; putting the batch again');
        await new Promise((resolve) => setTimeout(resolve, RETRIABLE_PUT_BACKOFF_MS));
        if (this.stopping) continue;
        put.error = null;
        this.startPut(put);
        continue;
      }
      this.pendingPut = null;
      if (!(error instanceof RetriableException)) this.fail(error);
      return;
    }
  }

  /** The task failed, as in Kafka: consumption stops, nothing more is committed. */
  private fail(e: unknown): void {
    if (this.failed) return;
    const error = e instanceof Error ? e : new Error(String(e));
    this.options.logger.error({ task: this.id, err: error.message }, 'sink task failed');
    this.failed = true;
    this.stopping = true;
    this.finished.reject(error);
    setImmediate(() => void this.consumer.stop().catch(() => undefined));
  }

  private applySeeks(): void {
    for (const s of this.seeks.splice(0)) {
      this.consumer.seek({ topic: s.topic, partition: s.partition, offset: s.offset.toString() });
      this.current.set(topicPartitionKey(s), { topic: s.topic, partition: s.partition, offset: s.offset });
    }
  }

  pause(): void {
    this.targetPaused = true;
    if (this.assigned.length > 0) this.consumer.pause(this.assigned.map((tp) => ({ topic: tp.topic, partitions: [tp.partition] })));
  }

  resume(): void {
    this.targetPaused = false;
    const resumable = this.assigned.filter((tp) => !this.paused.has(topicPartitionKey(tp)));
    if (resumable.length > 0) this.consumer.resume(resumable.map((tp) => ({ topic: tp.topic, partitions: [tp.partition] })));
  }

  /**
   * Consumed messages → converters (headers, key, value) → transformations, each step through the
   * error handler: the records to put, without those a transformation dropped or a tolerated
   * error skipped. A step that completes synchronously (the usual case) costs no promise.
   */
  private async convertBatch(topic: string, partition: number, messages: readonly KafkaMessage[]): Promise<SinkRecord[]> {
    const { converters, converterClasses, errors, chain } = this.options;
    const stages = chain.stages;
    const records: SinkRecord[] = [];
    // The steps run for each message are made once per batch and read the message at hand from
    // these variables, which stay put while a step runs: the loop waits for each step, retries and
    // error reports included, before it moves on. What was consumed is described (an object) only
    // when an error reporter reads it (they copy the context when called) or the task may report
    // errant records.
    let m: KafkaMessage = messages[0]!;
    let offset = 0n;
    let timestamp = 0;
    let headers = new ConnectHeaders();
    let stage: TransformationStage<SinkRecord> | undefined;
    let input: SinkRecord | undefined;
    const consumed = (): ConsumedRecord => ({ topic, partition, offset, timestamp, key: m.key, value: m.value, headers: m.headers });
    const context = { get consumed(): ConsumedRecord { return consumed(); } };
    const convertKey = (): SchemaAndValue => converters.keyConverter.toConnectData(topic, headers, m.key);
    const convertValue = (): SchemaAndValue => converters.valueConverter.toConnectData(topic, headers, m.value);
    const applyStage = (): SinkRecord | null => stage!.apply(input!);
    for (const message of messages) {
      m = message;
      offset = BigInt(m.offset);
      timestamp = Number(m.timestamp);
      // Headers first: the key and value converters see them (Kafka reports the stages key, value, header).
      if (hasHeaders(m.headers)) {
        const withHeaders = m;
        let result = errors.executeNow('HEADER_CONVERTER', converterClasses.header, () => {
          const out = new ConnectHeaders();
          for (const name in withHeaders.headers) {
            const v = withHeaders.headers[name];
            for (const bytes of v === undefined ? [] : Array.isArray(v) ? v : [v]) {
              const sv = converters.headerConverter.toConnectHeader(topic, name, bytes);
              out.add(name, sv.value, sv.schema);
            }
          }
          return out;
        }, context);
        if (result instanceof Promise) result = await result;
        if (!result.ok) continue;
        headers = result.value;
      } else {
        headers = new ConnectHeaders();
      }
      let key = errors.executeNow('KEY_CONVERTER', converterClasses.key, convertKey, context);
      if (key instanceof Promise) key = await key;
      if (!key.ok) continue;
      let value = errors.executeNow('VALUE_CONVERTER', converterClasses.value, convertValue, context);
      if (value instanceof Promise) value = await value;
      if (!value.ok) continue;
      let record: SinkRecord | null = new SinkRecord({
        topic, kafkaPartition: partition, kafkaOffset: offset,
        keySchema: key.value.schema, key: key.value.value, valueSchema: value.value.schema, value: value.value.value,
        timestamp, timestampType: (m.attributes & 0x08) !== 0 ? 'LogAppendTime' : 'CreateTime', headers,
      });
      for (let s = 0; s < stages.length && record !== null; s++) {
        stage = stages[s]!;
        input = record;
        let result = errors.executeNow('TRANSFORMATION', transformationClass(stage), applyStage, context);
        if (result instanceof Promise) result = await result;
        record = result.ok ? result.value : null;
      }
      if (record !== null) {
        records.push(record);
        this.consumedRecords?.set(record, consumed());
      }
    }
    return records;
  }

  /** The consumed bytes of a record put to the task; for a record the task made itself, its data converted back (as Kafka's WorkerErrantRecordReporter does). */
  private consumedRecord(record: SinkRecord): ConsumedRecord {
    const consumed = this.consumedRecords?.get(record);
    if (consumed !== undefined) return consumed;
    const { converters } = this.options;
    const headers: Record<string, Buffer[]> = {};
    for (const h of record.headers) {
      const bytes = converters.headerConverter.fromConnectHeader(record.topic, h.key, h.schema, h.value);
      if (bytes !== null) (headers[h.key] ??= []).push(bytes);
    }
    return {
      topic: record.topic, partition: record.kafkaPartition ?? 0, offset: record.kafkaOffset, timestamp: record.timestamp ?? -1,
      key: converters.keyConverter.fromConnectData(record.topic, record.headers, record.keySchema, record.key),
      value: converters.valueConverter.fromConnectData(record.topic, record.headers, record.valueSchema, record.value),
      headers,
    };
  }

  /** preCommit (flush) then commit the offsets it returned; `only` limits it to those partitions. Call with the lock held. */
  private async commitLocked(only: TopicPartition[] | null): Promise<void> {
    await this.settlePut();
    if (this.failed) return; // a failed task's offsets are not committed
    this.lastCommit = Date.now();
    this.commitRequested = false;
    const offsets: SinkOffsets = new Map();
    for (const [k, o] of this.current) {
      if (only !== null && !only.some((tp) => topicPartitionKey(tp) === k)) continue;
      offsets.set(k, { ...o });
    }
    if (offsets.size === 0) return;
    const committable = await this.options.task.preCommit(offsets);
    const toCommit = [...committable.values()].filter((o) => this.lastCommitted.get(topicPartitionKey(o)) !== o.offset);
    if (toCommit.length === 0) return;
    await this.consumer.commitOffsets(toCommit.map((o) => ({ topic: o.topic, partition: o.partition, offset: o.offset.toString() })));
    for (const o of toCommit) this.lastCommitted.set(topicPartitionKey(o), o.offset);
  }

  async stop(): Promise<void> {
    if (this.flushTimer !== null) clearInterval(this.flushTimer);
    // Wait for a put in progress, refuse further batches, then flush and commit while still in the group.
    await this.lock.run(async () => {
      this.stopping = true;
      await this.commitLocked(null).catch((e: Error) => this.options.logger.error({ task: this.id, err: e.message }, 'final offset commit failed'));
    });
    try {
      await this.consumer.disconnect();
      await this.lock.run(async () => {
        if (this.assigned.length > 0) await this.options.task.close(this.assigned);
        this.assigned = [];
      });
    } finally {
      await this.options.task.stop();
      this.finished.resolve();
    }
  }
}
