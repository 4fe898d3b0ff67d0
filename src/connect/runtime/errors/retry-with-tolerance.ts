/**
 * Kafka Connect's error handling for the record pipeline (Kafka's RetryWithToleranceOperator), driven by
 * a connector's `errors.*` settings:
 *
 * - An operation (a converter, a transformation) that throws a RetriableException is retried
 *   with exponential backoff (300 ms, doubling, capped at `errors.retry.delay.max.ms`) until
 *   `errors.retry.timeout.ms` has passed (0: no retry; -1: forever).
 * - Any other error (or retries running out) is reported to the error reporters (log, dead letter
 *   queue) and then, with `errors.tolerance=none`, thrown as Kafka's
 *   `ConnectException: Tolerance exceeded in error handler` whose cause is the original error
 *   (the task fails); with `errors.tolerance=all` the record is skipped.
 *
 * Only the conversion and transformation stages run through the operator; a task's own `put` /
 * `poll` failures fail the task as in Kafka (a RetriableException from them is retried by the task).
 */
import { ConnectException, RetriableException } from '../../api/errors.js';
import type { Props } from '../worker.js';
import { CONNECTOR_CONFIG_DEF, SINK_CONNECTOR_CONFIG_DEF } from '../config.js';
import { asError } from './stack-trace.js';

/** Kafka's Stage enum: where in the pipeline an error happened. */
export type Stage = 'KEY_CONVERTER' | 'VALUE_CONVERTER' | 'HEADER_CONVERTER' | 'TRANSFORMATION' | 'TASK_PUT' | 'TASK_POLL' | 'KAFKA_PRODUCE' | 'KAFKA_CONSUME';

/** The record a sink task consumed, as it came from Kafka (original bytes). */
export interface ConsumedRecord {
  topic: string;
  partition: number;
  offset: bigint;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer | Buffer[] | undefined>;
}

/** What an error reporter learns about one failure (Kafka's ProcessingContext). */
export interface ProcessingContext {
  stage: Stage;
  /** The class that failed, e.g. `org.apache.kafka.connect.json.JsonConverter`. */
  executingClass: string;
  error: Error;
  attempts: number;
  /** Sink tasks: the consumed record. */
  consumed?: ConsumedRecord;
  /** Source tasks: the polled record (a SourceRecord). */
  sourceRecord?: unknown;
}

export interface ErrorReporter {
  report(context: ProcessingContext): Promise<void>;
  close(): Promise<void>;
}

export interface ErrorHandlingConfig {
  retryTimeoutMs: number;
  retryDelayMaxMs: number;
  tolerance: 'none' | 'all';
  logEnable: boolean;
  logIncludeMessages: boolean;
  /** Sinks only; empty: no dead letter queue. */
  deadLetterQueueTopic: string;
  deadLetterQueueReplicationFactor: number;
  deadLetterQueueContextHeaders: boolean;
}

/** The `errors.*` settings of a connector configuration. */
export function errorHandlingConfig(props: Props, isSink: boolean): ErrorHandlingConfig {
  const c = CONNECTOR_CONFIG_DEF.parse(props);
  const s = isSink ? SINK_CONNECTOR_CONFIG_DEF.parse(props) : null;
  return {
    retryTimeoutMs: Number(c['errors.retry.timeout.ms'] as bigint),
    retryDelayMaxMs: Number(c['errors.retry.delay.max.ms'] as bigint),
    tolerance: c['errors.tolerance'] as 'none' | 'all',
    logEnable: c['errors.log.enable'] as boolean,
    logIncludeMessages: c['errors.log.include.messages'] as boolean,
    deadLetterQueueTopic: s === null ? '' : (s['errors.deadletterqueue.topic.name'] as string),
    deadLetterQueueReplicationFactor: s === null ? 3 : (s['errors.deadletterqueue.topic.replication.factor'] as number),
    deadLetterQueueContextHeaders: s === null ? false : (s['errors.deadletterqueue.context.headers.enable'] as boolean),
  };
}

const RETRY_DELAY_MIN_MS = 300;

export type OperationResult<T> = { ok: true; value: T } | { ok: false };

function isPromiseLike<T>(value: T | Promise<T>): value is Promise<T> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function';
}

export class RetryWithToleranceOperator {
  private errors = 0;

  constructor(
    private readonly config: Pick<ErrorHandlingConfig, 'retryTimeoutMs' | 'retryDelayMaxMs' | 'tolerance'>,
    private readonly reporters: readonly ErrorReporter[] = [],
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  /** How many operations failed so far (tolerated or not). */
  errorCount(): number {
    return this.errors;
  }

  /**
   * Runs `operation`: its value, or `{ ok: false }` when it failed and the failure is tolerated
   * (the caller skips the record). Throws when the failure is not tolerated.
   */
  async execute<T>(stage: Stage, executingClass: string, operation: () => T | Promise<T>, record: Pick<ProcessingContext, 'consumed' | 'sourceRecord'> = {}): Promise<OperationResult<T>> {
    return this.executeNow(stage, executingClass, operation, record);
  }

  /**
   * `execute` without a promise when it can be: a synchronous operation that succeeds at once
   * gives its result synchronously (the record pipeline's common case, run for every record);
   * an asynchronous operation, a failure, retries and error reports give a promise, as `execute`.
   * The retry timeout of an operation that failed synchronously counts from that failure.
   */
  executeNow<T>(stage: Stage, executingClass: string, operation: () => T | Promise<T>, record: Pick<ProcessingContext, 'consumed' | 'sourceRecord'> = {}): OperationResult<T> | Promise<OperationResult<T>> {
    let value: T | Promise<T>;
    try {
      value = operation();
    } catch (e) {
      return this.afterFailure(stage, executingClass, operation, record, e, Date.now());
    }
    if (isPromiseLike(value)) {
      const started = Date.now();
      return Promise.resolve(value).then(
        (v): OperationResult<T> => ({ ok: true, value: v }),
        (e: unknown) => this.afterFailure(stage, executingClass, operation, record, e, started),
      );
    }
    return { ok: true, value };
  }

  /** The first attempt failed with `failure`: retries (RetriableException), then reports and tolerates or throws. */
  private async afterFailure<T>(stage: Stage, executingClass: string, operation: () => T | Promise<T>, record: Pick<ProcessingContext, 'consumed' | 'sourceRecord'>, failure: unknown, started: number): Promise<OperationResult<T>> {
    let attempts = 1;
    let delay = RETRY_DELAY_MIN_MS;
    let error = asError(failure);
    for (;;) {
      if (!(error instanceof RetriableException && this.mayRetry(started))) break;
      const remaining = this.config.retryTimeoutMs < 0 ? delay : Math.max(0, started + this.config.retryTimeoutMs - Date.now());
      await this.sleep(Math.min(delay, this.config.retryDelayMaxMs, remaining));
      delay *= 2;
      attempts++;
      try {
        return { ok: true, value: await operation() };
      } catch (e) {
        error = asError(e);
      }
    }
    this.errors++;
    for (const r of this.reporters) await r.report({ stage, executingClass, error, attempts, ...record });
    if (this.config.tolerance === 'all') return { ok: false };
    throw new ConnectException('Tolerance exceeded in error handler', { cause: error });
  }

  /** Whether a log or dead letter queue reporter is configured (Kafka offers sink tasks an errant record reporter only then). */
  hasReporters(): boolean {
    return this.reporters.length > 0;
  }

  /**
   * Kafka's executeFailed: an operation that already failed, e.g. a record a sink task reported
   * as errant (KIP-610), is reported like any other failure, then tolerated (resolves) or, with
   * `errors.tolerance=none`, thrown as "Tolerance exceeded in error handler".
   */
  async executeFailed(stage: Stage, executingClass: string, error: Error, record: Pick<ProcessingContext, 'consumed' | 'sourceRecord'> = {}): Promise<void> {
    this.errors++;
    for (const r of this.reporters) await r.report({ stage, executingClass, error, attempts: 1, ...record });
    if (this.config.tolerance === 'all') return;
    throw new ConnectException('Tolerance exceeded in error handler', { cause: error });
  }

  private mayRetry(started: number): boolean {
    if (this.config.retryTimeoutMs < 0) return true;
    return Date.now() - started < this.config.retryTimeoutMs;
  }

  async close(): Promise<void> {
    for (const r of this.reporters) await r.close().catch(() => undefined);
  }
}
