/**
 * How the benchmark's worker processes talk to the orchestrator: the parameters come as one JSON
 * argument, and every message goes out as one JSON line on stdout (`{"type":"ready",...}` when a
 * server is listening, `{"type":"result",...}` at the end). Errors go to stderr with exit code 1.
 */

export function workerParams<T>(): T {
  const raw = process.argv[2];
  if (raw === undefined) throw new Error('missing JSON parameters argument');
  return JSON.parse(raw) as T;
}

export function emit(message: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(message, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}\n`);
}

/** Runs a worker's main function: exit 0 after it resolves (even with sockets left open), 1 on error. */
export function runWorker(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}

/** Monotonic time in milliseconds (CLOCK_MONOTONIC: the same clock in every process of this machine). */
export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
