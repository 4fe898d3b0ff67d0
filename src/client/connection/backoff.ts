/**
 * Exponential backoff with jitter: `initialMs * multiplier^(attempt-1)`, capped at `maxMs`, then
 * multiplied by a random factor in [1 - jitter, 1 + jitter] (Java's reconnect.backoff.ms /
 * reconnect.backoff.max.ms use 0.2). `random` is injectable for tests.
 */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  multiplier?: number;
  jitter?: number;
  random?: () => number;
}

export function backoff(attempt: number, options: BackoffOptions): number {
  const multiplier = options.multiplier ?? 2;
  const jitter = options.jitter ?? 0.2;
  const random = options.random ?? Math.random;
  const exp = Math.min(options.maxMs, options.initialMs * multiplier ** Math.max(0, attempt - 1));
  const factor = 1 - jitter + 2 * jitter * random();
  return Math.max(0, Math.round(exp * factor));
}
