/**
 * Time and periodic work, injected so that time-dependent logic (retention, segment roll,
 * session timeouts) is testable without sleeping.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export interface Scheduler {
  /** Runs `task` every `periodMs` (first run after `periodMs`); returns a function that cancels it. */
  schedule(name: string, periodMs: number, task: () => void): () => void;
}

/** A Scheduler on Node timers; timers are unref'd so they never keep the process alive. */
export function timerScheduler(): Scheduler {
  return {
    schedule(_name, periodMs, task) {
      const t = setInterval(task, periodMs);
      t.unref();
      return () => clearInterval(t);
    },
  };
}

/** A clock and scheduler that tests advance by hand. */
export class ManualClock implements Clock, Scheduler {
  private readonly tasks = new Set<{ periodMs: number; next: number; task: () => void }>();
  constructor(private time = 0) {}

  now(): number {
    return this.time;
  }

  schedule(_name: string, periodMs: number, task: () => void): () => void {
    const entry = { periodMs, next: this.time + periodMs, task };
    this.tasks.add(entry);
    return () => this.tasks.delete(entry);
  }

  /** Moves time forward, running every task that falls due, in time order. */
  advance(ms: number): void {
    const target = this.time + ms;
    for (;;) {
      let due: { periodMs: number; next: number; task: () => void } | undefined;
      for (const t of this.tasks) if (t.next <= target && (due === undefined || t.next < due.next)) due = t;
      if (due === undefined) break;
      this.time = due.next;
      due.next += due.periodMs;
      due.task();
    }
    this.time = target;
  }
}
