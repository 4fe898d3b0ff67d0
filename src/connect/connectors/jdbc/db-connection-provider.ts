/**
 * Keeps one open DbConnection for a task and replaces it when it stops working, as Confluent's
 * CachedConnectionProvider does: `connection()` checks the cached connection (a short round
 * trip) and opens a new one, with `connection.attempts`/`connection.backoff.ms` retries, when
 * the database closed it, restarted or the network failed.
 */
import type { Logger } from '../../../logging/logger.js';
import { openDbConnection } from './db-connection.js';
import type { DbConnection, DbConnectionOptions } from './db-connection.js';

export class DbConnectionProvider {
  private current: DbConnection | null = null;
  private opening: Promise<DbConnection> | null = null;
  private closed = false;

  constructor(
    private readonly options: DbConnectionOptions,
    private readonly logger: Logger,
    /** How long the validity check may take. */
    private readonly validationTimeoutMs = 5000,
  ) {}

  /** A working connection: the cached one when it still answers, else a new one (ConnectException when that fails). */
  async connection(): Promise<DbConnection> {
    if (this.closed) throw new Error('DbConnectionProvider is closed');
    if (this.opening !== null) return this.opening;
    if (this.current !== null) {
      if (await this.current.isValid(this.validationTimeoutMs)) return this.current;
      this.logger.info('The database connection is invalid. Reconnecting...');
      const stale = this.current;
      this.current = null;
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

  /** Closes the cached connection; `connection()` may not be called afterwards. */
  async close(): Promise<void> {
    this.closed = true;
    const conn = this.current;
    this.current = null;
    await conn?.close();
  }
}
