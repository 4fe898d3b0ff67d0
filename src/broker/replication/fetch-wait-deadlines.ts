/**
 * The max-wait deadlines of long-polling fetches, on one timer: a wait joins with its max wait
 * and leaves when it ends, without a Node timer of its own (a long poll is usually answered by
 * the next append within a millisecond, and a `setTimeout` + `clearTimeout` per poll is garbage
 * and timer-list work thousands of times a second). Waits are kept in one FIFO per max-wait
 * value, linked through the waits themselves: the clock only moves forward, so each FIFO is in
 * deadline order and joining, leaving and expiring cost O(1) (the timer looks at each FIFO's
 * head). The timer is armed for the earliest deadline, re-armed only when a wait with an earlier
 * one joins or when it fires, and does not keep the process alive while no wait is queued.
 */
import { performance } from 'node:perf_hooks';

/** A wait as the deadlines see it: its links, and what ends it when its max wait is over. */
export interface DeadlineWait {
  /** Set while queued: `now()` at joining plus the max wait. */
  deadline: number;
  deadlineQueue: DeadlineQueue | null;
  prevByDeadline: DeadlineWait | null;
  nextByDeadline: DeadlineWait | null;
  /** Called once, when the max wait is over (the wait has left the queue by then). */
  expire(): void;
}

/** The waits sharing one max wait, oldest (earliest deadline) first. */
export interface DeadlineQueue {
  head: DeadlineWait | null;
  tail: DeadlineWait | null;
}

export class FetchWaitDeadlines {
  private readonly queues = new Map<number, DeadlineQueue>();
  private queued = 0;
  private timer: NodeJS.Timeout | undefined;
  /** The deadline the timer is armed for (Infinity when it is not armed). */
  private armedFor = Infinity;
  private timerRefed = false;

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Waits queued now (diagnostics, tests). */
  get size(): number {
    return this.queued;
  }

  /** Queues `wait` to expire `maxWaitMs` (> 0) from now. */
  add(wait: DeadlineWait, maxWaitMs: number): void {
    if (wait.deadlineQueue !== null) throw new Error('the wait is already queued');
    let queue = this.queues.get(maxWaitMs);
    if (queue === undefined) {
      queue = { head: null, tail: null };
      this.queues.set(maxWaitMs, queue);
    }
    wait.deadline = this.now() + maxWaitMs;
    wait.deadlineQueue = queue;
    wait.prevByDeadline = queue.tail;
    wait.nextByDeadline = null;
    if (queue.tail === null) queue.head = wait;
    else queue.tail.nextByDeadline = wait;
    queue.tail = wait;
    this.queued++;
    if (wait.deadline < this.armedFor) this.arm(wait.deadline);
    else if (!this.timerRefed) this.setRef(true);
  }

  /** Takes `wait` out (it ended otherwise); nothing when it is not queued. */
  remove(wait: DeadlineWait): void {
    const queue = wait.deadlineQueue;
    if (queue === null) return;
    const { prevByDeadline: prev, nextByDeadline: next } = wait;
    if (prev === null) queue.head = next;
    else prev.nextByDeadline = next;
    if (next === null) queue.tail = prev;
    else next.prevByDeadline = prev;
    wait.deadlineQueue = null;
    wait.prevByDeadline = null;
    wait.nextByDeadline = null;
    this.queued--;
    // An armed timer with nothing queued fires once, finds nothing and stops: it must not keep the process alive.
    if (this.queued === 0 && this.timerRefed) this.setRef(false);
  }

  private arm(deadline: number): void {
    clearTimeout(this.timer);
    this.armedFor = deadline;
    this.timer = setTimeout(this.fire, Math.max(1, Math.ceil(deadline - this.now())));
    this.timerRefed = true;
  }

  private setRef(ref: boolean): void {
    this.timerRefed = ref;
    if (this.timer === undefined) return;
    if (ref) this.timer.ref();
    else this.timer.unref();
  }

  private readonly fire = (): void => {
    this.timer = undefined;
    this.armedFor = Infinity;
    const now = this.now();
    let earliest = Infinity;
    for (const [maxWaitMs, queue] of this.queues) {
      for (let w = queue.head; w !== null && w.deadline <= now; w = queue.head) {
        this.remove(w);
        w.expire();
      }
      if (queue.head === null) this.queues.delete(maxWaitMs);
      else if (queue.head.deadline < earliest) earliest = queue.head.deadline;
    }
    if (earliest !== Infinity) this.arm(earliest);
  };
}
