/**
 * A result that will be known later, for the broker's long-poll path (a waiting Fetch): a
 * `PromiseLike` settled once and consumed once, with none of a Promise's per-step objects.
 *
 * A waiting fetch passes through three continuations on its way to the socket (the handler
 * shapes the response, the dispatcher encodes it, the connection writes it); as Promises each
 * step costs a reaction, a derived promise and a microtask job, plus the resolving functions of
 * the first. Here `then()` stores its two callbacks and returns the next `OneShotResult`, and
 * settling runs the continuation at once, synchronously, down the chain: the response is
 * written in the same turn that read it.
 *
 * Rules (programming errors throw): `then()` at most once per instance (every user of this path
 * consumes the result exactly once; `await` counts as one `then`); `resolve`/`reject` after
 * settlement are ignored, as for a Promise. A continuation that throws rejects the next result;
 * one that returns a thenable is adopted. A rejection nobody consumes is dropped silently (unlike
 * a Promise's unhandled rejection): the consumers here always pass an error continuation.
 */
export class OneShotResult<T> implements PromiseLike<T> {
  /** 0 pending, 1 fulfilled, 2 rejected. */
  private state: 0 | 1 | 2 = 0;
  private value: unknown = undefined;
  private consumed = false;
  private onValue: ((value: T) => unknown) | null | undefined = undefined;
  private onError: ((err: unknown) => unknown) | null | undefined = undefined;
  private next: OneShotResult<unknown> | null = null;

  resolve(value: T): void {
    if (this.state !== 0) return;
    this.state = 1;
    this.value = value;
    this.settleNext();
  }

  reject(err: unknown): void {
    if (this.state !== 0) return;
    this.state = 2;
    this.value = err;
    this.settleNext();
  }

  then<R1 = T, R2 = never>(
    onValue?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onError?: ((err: unknown) => R2 | PromiseLike<R2>) | null,
  ): OneShotResult<R1 | R2> {
    if (this.consumed) throw new Error('OneShotResult.then() called twice: a one-shot result has one consumer');
    this.consumed = true;
    const next = new OneShotResult<R1 | R2>();
    this.onValue = onValue;
    this.onError = onError;
    this.next = next as OneShotResult<unknown>;
    if (this.state !== 0) this.settleNext();
    return next;
  }

  /** Runs the consumer's continuation (once both the value and the consumer are there). */
  private settleNext(): void {
    const next = this.next;
    if (next === null) return;
    this.next = null;
    const fulfilled = this.state === 1;
    const handler = fulfilled ? this.onValue : this.onError;
    this.onValue = undefined;
    this.onError = undefined;
    if (typeof handler !== 'function') {
      if (fulfilled) next.resolve(this.value);
      else next.reject(this.value);
      return;
    }
    let out: unknown;
    try {
      out = (handler as (v: unknown) => unknown)(this.value);
    } catch (err) {
      next.reject(err);
      return;
    }
    if (typeof (out as { then?: unknown } | null)?.then === 'function') {
      (out as PromiseLike<unknown>).then(
        (v) => next.resolve(v),
        (e: unknown) => next.reject(e),
      );
    } else {
      next.resolve(out);
    }
  }
}
