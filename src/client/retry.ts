import { KafkaClientError, KafkaRetriesExhaustedError } from './client-errors.js';

/** KafkaJS's retry options, with its defaults. */
export interface RetryOptions {
  /** Longest total time spent retrying, default 30000 ms. */
  maxRetryTime?: number;
  /** First wait, default 300 ms. */
  initialRetryTime?: number;
  /** Jitter: each wait is multiplied by a random factor in [1 - factor, 1 + factor], default 0.2. */
  factor?: number;
  /** Growth of the wait per retry, default 2. */
  multiplier?: number;
  /** Retries after the first attempt, default 5. */
  retries?: number;
}

export interface RetryContext {
  /** 0 for the first attempt. */
  attempt: number;
}

export const DEFAULT_RETRY: Required<RetryOptions> = { maxRetryTime: 30_000, initialRetryTime: 300, factor: 0.2, multiplier: 2, retries: 5 };

/** Whether the client may retry after `error`: a retriable KafkaClientError. */
export function isRetriableError(error: unknown): boolean {
  return error instanceof KafkaClientError && error.retriable;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Runs `operation` until it resolves, a non-retriable error is thrown, or the retries run out
 * (count or `maxRetryTime`), waiting with exponential backoff and jitter between attempts.
 * `beforeRetry` runs before each retry (e.g. a metadata refresh after NOT_LEADER_OR_FOLLOWER).
 * Running out rethrows a KafkaRetriesExhaustedError whose `cause` is the last error.
 */
export async function withRetry<T>(
  operation: (ctx: RetryContext) => Promise<T>,
  options: RetryOptions = {},
  beforeRetry?: (error: Error, ctx: RetryContext) => Promise<void> | void,
): Promise<T> {
  const o = { ...DEFAULT_RETRY, ...options };
  const started = Date.now();
  let wait = o.initialRetryTime;
  for (let attempt = 0; ; attempt++) {
    try {
      return await operation({ attempt });
    } catch (err) {
      if (!isRetriableError(err)) throw err;
      const delay = Math.round(wait * (1 - o.factor + 2 * o.factor * Math.random()));
      if (attempt >= o.retries || Date.now() - started + delay > o.maxRetryTime) {
        throw new KafkaRetriesExhaustedError(err as Error, attempt);
      }
      await sleep(delay);
      wait = Math.min(wait * o.multiplier, o.maxRetryTime);
      if (beforeRetry !== undefined) await beforeRetry(err as Error, { attempt: attempt + 1 });
    }
  }
}
