/**
 * Keeps one open DbConnection for a task and replaces it when it stops working, as Confluent's
 * CachedConnectionProvider does: `connection()` checks the cached connection (a short round
 * trip) and opens a new one, with `connection.attempts`/`connection.backoff.ms` retries, when
 * the database closed it, restarted or the network failed. As connection pools do (HikariCP's
 * 500 ms "alive bypass"), the check is skipped for a connection whose last use, reported with
 * `used(true)`, succeeded less than VALIDATION_BYPASS_MS ago: a sink writing batch after batch does not
 * wait a round trip before each one. Should such a connection have broken meanwhile, the
 * statement fails and the caller's error handling reconnects.
 */
import type { Logger } from '../../../logging/logger.js';
import { openDbConnection } from './db-connection.js';
import type { DbConnection, DbConnectionOptions } from './db-connection.js';

/** How long after a successful use a connection is handed out without the validity round trip. */
export const VALIDATION_BYPASS_MS = 500;

export class DbConnectionProvider {
  private current: DbConnection | null = null;
  /** When `used()` last reported a success on `current` (ms since the epoch; 0: never). */
  private lastUsedAt = 0;
  private opening: Promise<DbConnection> | null = null;
  private closed = false;

  constructor(
    private readonly options: DbConnectionOptions,
    private readonly logger: Logger,
    /** How long the validity check may take. */
    private readonly validationTimeoutMs = 5000,
    /** How long after a successful use the check is skipped (0: never skipped). */
    private readonly validationBypassMs = VALIDATION_BYPASS_MS,
  ) {}

  /** A working connection: the cached one when it still answers, else a new one (ConnectException when that fails). */
  async connection(): Promise<DbConnection> {
    if (this.closed) throw new Error('DbConnectionProvider is closed');
    if (this.opening !== null) return this.opening;
    if (this.current !== null) {
      if (Date.now() - this.lastUsedAt < this.validationBypassMs) return this.current;
      if (await this.current.isValid(this.validationTimeoutMs)) return this.current;
      this.logger.info('The database connection is invalid. Reconnecting...');
      const stale = this.current;
      this.current = null;
      this.lastUsedAt = 0;
      await stale.close().catch(() => undefined);
    }
    this.opening = openDbConnection(this.options, this.logger);
    try {
      this.current = await this.opening;
      if (this.closed) {
        await this.current.close();
        this.current = null;
        throw new Error('DbConnectionProvider is closed');
      }
      return this.current;
    } finally {
      this.opening = null;
    }
  }

  /**
   * Reports a use of the connection `connection()` returned: after a success the next
   * `connection()` within the bypass window skips the validity check; after a failure it checks.
   */
  used(succeeded: boolean): void {
    this.lastUsedAt = succeeded && this.current !== null ? Date.now() : 0;
  }

  /** Closes the cached connection; `connection()` may not be called afterwards. */
  async close(): Promise<void> {
    this.closed = true;
    const conn = this.current;
    this.current = null;
    await conn?.close();
  }
}
