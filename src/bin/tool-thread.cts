/*
 * Kafka Connect workers run in a thread of the bin's process with a larger young generation than
 * Node's default (64 MB semi-spaces instead of 16 MB), the way Kafka's own Connect scripts give the
 * JVM a larger heap. A Connect worker turns every record into several short-lived objects (rows,
 * Structs, converted bytes); with the default size they outlive one or two scavenges far more
 * often, and the JDBC benchmark's worker spent a quarter of its CPU collecting them (17-21 -> 12
 * µs per row with the larger size). V8 sizes the young generation when an isolate is created, so a
 * running process cannot change it (v8.setFlagsFromString leaves it as it was); a worker thread's
 * isolate takes its size from `resourceLimits`, and the process stays one process (a SIGKILL ends
 * it whole, as before).
 *
 * The process forwards SIGINT and SIGTERM to the thread, where the tool's handlers run as they
 * would in the main thread, and exits with the thread's exit code. Not used when the user sized
 * the young generation (`--max-semi-space-size` or `--min-semi-space-size` in the Node flags or
 * NODE_OPTIONS) or set SAMSA_TOOL_THREAD=0.
 */
import { join } from 'node:path';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';

/** The tools that run a Kafka Connect worker. */
const TOOLS_IN_A_THREAD = new Set(['connect-standalone', 'connect-distributed']);

/** The thread's young generation for 64 MB semi-spaces: V8 sizes it as three semi-spaces (the two of the scavenger and the new large-object space). */
export const TOOL_THREAD_YOUNG_GENERATION_MB = 3 * 64;

/** The entry of the tool's thread (tool-thread-entry.cts). */
const THREAD_ENTRY = join(__dirname, 'tool-thread-entry.cjs');

/** Whether `argv` (`<tool> [args]`), run from the main thread, goes to a thread of its own, given the process's Node flags and environment. */
export function runsInToolThread(argv: readonly string[], execArgv: readonly string[] = process.execArgv, env: NodeJS.ProcessEnv = process.env, mainThread = isMainThread): boolean {
  if (!mainThread || !TOOLS_IN_A_THREAD.has(argv[0] ?? '') || env.SAMSA_TOOL_THREAD === '0') return false;
  const flags = [...execArgv, ...(env.NODE_OPTIONS ?? '').split(/\s+/)];
  return !flags.some((f) => /^--(max|min)-semi-space-size(=|$)/.test(f));
}

/**
 * Runs `argv`'s tool in a thread (see above); the process exits when the thread does, with its exit
 * code. `entry` is the script the thread runs (tests give their own).
 */
export function runToolInThread(argv: readonly string[], entry: string = THREAD_ENTRY): void {
  const thread = new Worker(entry, { workerData: { argv: [...argv] }, resourceLimits: { maxYoungGenerationSizeMb: TOOL_THREAD_YOUNG_GENERATION_MB } });
  const forward = (signal: NodeJS.Signals): void => thread.postMessage({ signal });
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  thread.on('error', (err) => {
    console.error(err);
    process.exit(1);
  });
  thread.on('exit', (code) => process.exit(code));
}

/**
 * In the tool's thread: emits the signals the process forwards on this thread's `process`, where
 * the tool listens for them as it would in the main thread.
 */
export function receiveForwardedSignals(): void {
  const port = parentPort;
  if (port === null) throw new Error('receiveForwardedSignals runs in a worker thread only');
  port.on('message', (message: { signal: NodeJS.Signals }) => {
    process.emit(message.signal, message.signal);
  });
  // The forwarded signals must not keep the thread alive once the tool is done.
  port.unref();
}
