/**
 * The JDBC source plugin's version string and the logger its connector and tasks use when the
 * runtime creates them without one (the runtime instantiates plugins with `new C()`); tests
 * replace it with `setJdbcSourceLogger(silentLogger())`.
 */
import { createLogger } from '../../../../logging/logger.js';
import type { Logger } from '../../../../logging/logger.js';

export const JDBC_SOURCE_VERSION = '10.7.0-samsa';

let defaultLogger: Logger | null = null;

export function jdbcSourceLogger(): Logger {
  defaultLogger ??= createLogger({ name: 'jdbc-source' });
  return defaultLogger;
}

export function setJdbcSourceLogger(logger: Logger): void {
  defaultLogger = logger;
}
