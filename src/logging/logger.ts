import { pino } from 'pino';
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
  return pino({ name: options.name ?? 'samsa', level: options.level ?? process.env.SAMSA_LOG_LEVEL ?? 'info' });
}

/** A logger that drops everything: the default for embedded use in tests. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
