/**
 * What the client library needs of a logger: leveled methods taking a context object and a
 * message, and `child` for bound context. A pino logger (`createLogger` in ./logger.ts) is one, so
 * applications pass theirs; without one the client logs nothing through `silentClientLogger()`.
 *
 * This module imports nothing: a process that only uses the client does not load pino (about
 * 0.5 MB of live heap, which in a small consumer process is the difference between V8 keeping
 * its young generation small and a cascade of full collections: bench/README.md).
 */
export interface ClientLogMethod {
  (context: object, message?: string): void;
  (message: string): void;
}

export interface ClientLogger {
  debug: ClientLogMethod;
  info: ClientLogMethod;
  warn: ClientLogMethod;
  error: ClientLogMethod;
  child(bindings: Record<string, unknown>): ClientLogger;
}

const ignore = (): void => {};

const SILENT: ClientLogger = Object.freeze({
  debug: ignore,
  info: ignore,
  warn: ignore,
  error: ignore,
  child: (): ClientLogger => SILENT,
});

/** A logger that drops everything (shared: it has no state). */
export function silentClientLogger(): ClientLogger {
  return SILENT;
}
