/**
 * Waits for something asynchronous to be true in a test: calls `probe` every `intervalMs` until
 * `accept` says yes to what it returned, and returns that value. After `timeoutMs` it throws,
 * naming `what` and the last value seen.
 */
export async function pollUntil<T>(
  what: string,
  probe: () => T | Promise<T>,
  accept: (value: T) => boolean = (value) => Boolean(value),
  options: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${describe(value)}`);
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 50));
  }
}

function describe(value: unknown): string {
  try {
    return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))?.slice(0, 500) ?? String(value);
  } catch {
    return String(value);
  }
}
