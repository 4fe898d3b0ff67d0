import type { Logger } from './logger.js';

/**
 * Logs the failures of a task that runs again and again (a checkpoint every few seconds) without
 * repeating itself while the cause lasts (a full disk): the first failure at error level, the
 * same failure again only as a count, a different one at error level, and the first success
 * after failures at info level with that count.
 */
export class RepeatedFailureLog {
  private lastFailure: string | null = null;
  private repeats = 0;

  constructor(
    private readonly logger: Logger,
    /** What the task does, for the messages: "checkpoint high watermarks". */
    private readonly task: string,
  ) {}

  failed(err: unknown, context: Record<string, unknown> = {}): void {
    const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    if (text === this.lastFailure) {
      this.repeats++;
      return;
    }
    this.lastFailure = text;
    this.repeats = 0;
    this.logger.error({ ...context, err, task: this.task }, `${this.task} failed (the same failure again is not logged until it succeeds)`);
  }

  succeeded(): void {
    if (this.lastFailure === null) return;
    this.logger.info({ task: this.task, failedAgain: this.repeats }, `${this.task} succeeded again`);
    this.lastFailure = null;
    this.repeats = 0;
  }
}
