/**
 * The end of a callback-driven latency loop, settled once: `end()` resolves `done`, `end(err)`
 * rejects it, later calls are ignored, and the loop's timer (if set) is cleared. Callbacks check
 * `over` to do nothing once the loop has ended.
 */
export class LoopEnd {
  over = false;
  /** The loop's timer (its tick or its deadline), cleared when the loop ends. */
  timer: NodeJS.Timeout | undefined;
  readonly done: Promise<void>;
  private settle!: (err?: Error) => void;

  constructor() {
    this.done = new Promise<void>((resolve, reject) => {
      this.settle = (err) => (err === undefined ? resolve() : reject(err));
    });
  }

  readonly end = (err?: Error): void => {
    if (this.over) return;
    this.over = true;
    clearTimeout(this.timer);
    this.settle(err);
  };
}
