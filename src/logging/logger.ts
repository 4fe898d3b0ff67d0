import { isMainThread } from 'node:worker_threads';
import { destination, pino } from 'pino';
import type { Logger as PinoLogger } from 'pino';

/**
 * Structured logging for every subsystem (pino: JSON lines, cheap when a level is off).
 * Log with context: `logger.child({ topic, partition })`, `logger.warn({ clientId, err }, 'msg')`.
 */
export type Logger = PinoLogger;

export interface LoggerOptions {
  /** 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent'; default from SAMSA_LOG_LEVEL or 'info'. */
  level?: string;
  name?: string;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  // Straight to file descriptor 1, as pino's default destination does when process.stdout is
  // untouched, but without reading process.stdout.fd: making process.stdout loads Node's stream
  // modules, milliseconds of a broker's start that nothing else needs. Buffered writes are
  // flushed when the process exits, but pino hooks that only in the main thread: in a worker
  // thread (the Connect bins run their worker in one, bin/tool-thread.cts) every line is written
  // at once, or the last lines before an exit would be lost.
  return pino({ name: options.name ?? 'samsa', level: options.level ?? process.env.SAMSA_LOG_LEVEL ?? 'info' }, destination({ dest: 1, minLength: 0, sync: !isMainThread }));
}

/** A logger that drops everything: the default for embedded use in tests. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
