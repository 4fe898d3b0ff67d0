/**
 * JdbcSinkTask (Confluent's io.confluent.connect.jdbc.sink.JdbcSinkTask): every put() is
 * validated record by record (RecordValidator), then written by the JdbcDbWriter in one
 * transaction (or one statement, which is atomic by itself). put() returns once the records are
 * in the database, as Confluent's does.
 *
 * Failures:
 *   - a record that is not what the sink needs (no schema, not a Struct, no key): reported to the
 *     errant record reporter when there is one (errors.tolerance=all: the dead letter queue),
 *     else the task fails with Confluent's message;
 *   - a database error: the writer reconnects and the task waits `retry.backoff.ms`, then throws a
 *     RetriableException, so the worker delivers the same batch again; after `max.retries`
 *     such retries in a row the task fails with a ConnectException naming the database's error
 *     (with a reporter: the batch is written record by record and the failing ones reported);
 *   - the database cannot be reached after `connection.attempts`: the task fails (nothing is reported);
 *   - a DDL or mapping problem (missing table without auto.create, a field without a column type,
 *     a required field auto.evolve cannot add): not retried; with a reporter, written record by
 *     record as above, else the task fails.
 * Nothing of a failed put() stays in the database: its transaction was rolled back.
 */
import { createLogger, type Logger } from '../../../../logging/logger.js';
import { SinkTask, type ConnectorProps, type ErrantRecordReporter, type SinkOffsets } from '../../../api/connector.js';
import type { SinkRecord } from '../../../api/data/connect-record.js';
import { ConnectException, RetriableException } from '../../../api/errors.js';
import { DbConnectionProvider } from '../db-connection-provider.js';
import { describeError } from '../db-connection.js';
import { parseJdbcUrl } from '../jdbc-url.js';
import { DatabaseUnavailableException, JdbcDbWriter } from './jdbc-db-writer.js';
import { JdbcSinkConfig } from './jdbc-sink-config.js';
import { JDBC_SINK_VERSION } from './jdbc-sink-version.js';
import { MySqlSinkDialect } from './mysql-sink-dialect.js';
import { PostgresSinkDialect } from './postgres-sink-dialect.js';
import { createRecordValidator, type RecordValidator } from './record-validator.js';
import type { SinkDialect } from './sink-dialect.js';

/** The dialect for `dialect.name`, or the one the URL leads to. */
export function sinkDialectFor(config: JdbcSinkConfig): SinkDialect {
  const name = config.dialectName !== '' ? config.dialectName : parseJdbcUrl(config.connectionUrl).dialect === 'mysql' ? 'MySqlDatabaseDialect' : 'PostgreSqlDatabaseDialect';
  return name === 'MySqlDatabaseDialect' ? new MySqlSinkDialect(config.quoteIdentifiers, config.timeZone) : new PostgresSinkDialect(config.quoteIdentifiers, config.timeZone);
}

/** A driver error with its SQL state or code, as Confluent's "Exception chain" lists SQLExceptions. */
function sqlErrorText(err: unknown): string {
  const e = err as { code?: unknown; sqlState?: unknown };
  const state = typeof e.sqlState === 'string' ? e.sqlState : typeof e.code === 'string' ? e.code : undefined;
  return `java.sql.SQLException: Exception chain:\n${state !== undefined ? `[${state}] ` : ''}${describeError(err)}\n`;
}

export class JdbcSinkTask extends SinkTask {
  /** Where the task logs; level from SAMSA_LOG_LEVEL (default warn). */
  static logger: Logger = createLogger({ name: 'JdbcSinkTask', level: process.env.SAMSA_LOG_LEVEL ?? 'warn' });

  private config!: JdbcSinkConfig;
  private dialect!: SinkDialect;
  private provider: DbConnectionProvider | null = null;
  private writer: JdbcDbWriter | null = null;
  private validator!: RecordValidator;
  private reporter: ErrantRecordReporter | null = null;
  private remainingRetries = 0;
  private readonly stopping = new AbortController();
  private log: Logger = JdbcSinkTask.logger;

  version(): string {
    return JDBC_SINK_VERSION;
  }

  start(props: ConnectorProps): void {
    this.config = new JdbcSinkConfig(props);
    this.log = JdbcSinkTask.logger.child({ connector: this.config.connectorName });
    this.dialect = sinkDialectFor(this.config);
    this.validator = createRecordValidator(this.config);
    this.remainingRetries = this.config.maxRetries;
    this.reporter = this.context?.errantRecordReporter?.() ?? null;
    this.initWriter();
    this.log.info({ dialect: this.dialect.name }, 'Started JDBC Sink task');
  }

  private initWriter(): void {
    this.provider = new DbConnectionProvider({
      url: this.config.connectionUrl,
      user: this.config.connectionUser,
      password: this.config.connectionPassword,
      attempts: this.config.connectionAttempts,
      backoffMs: this.config.connectionBackoffMs,
      signal: this.stopping.signal,
    }, this.log);
    this.writer = new JdbcDbWriter(this.config, this.dialect, this.provider, this.log);
  }

  private async closeWriter(): Promise<void> {
    const provider = this.provider;
    this.provider = null;
    this.writer = null;
    await provider?.close().catch(() => undefined);
  }

  async put(records: SinkRecord[]): Promise<void> {
    if (records.length === 0) return;
    const valid: SinkRecord[] = [];
    for (const record of records) {
      try {
        this.validator(record);
        valid.push(record);
      } catch (err) {
        if (this.reporter === null) throw err;
        await this.reporter(record, err as Error);
      }
    }
    if (valid.length === 0) return;
    try {
      await this.writer!.write(valid);
    } catch (err) {
      this.writer!.reset();
      if (err instanceof DatabaseUnavailableException) throw err; // not the records' fault: fail, as Confluent's connection provider does
      if (err instanceof ConnectException) {
        // DDL, mapping and data problems: retrying the same records would fail the same way.
        if (this.reporter === null) {
          this.log.error({ err: err.message }, 'JDBC sink write failed');
          throw err;
        }
        await this.unrollAndRetry(valid);
      } else {
        const message = sqlErrorText(err);
        this.log.warn({ records: valid.length, remainingRetries: this.remainingRetries, err: describeError(err) }, `Write of ${valid.length} records failed, remainingRetries=${this.remainingRetries}`);
        if (this.remainingRetries > 0) {
          await this.closeWriter();
          this.initWriter();
          this.remainingRetries--;
          await this.backoff(this.config.retryBackoffMs);
          throw new RetriableException(message, { cause: err });
        }
        if (this.reporter === null) {
          this.log.error('Failing task after exhausting retries; encountered 1 exceptions on last write attempt.');
          throw new ConnectException(message, { cause: err });
        }
        await this.unrollAndRetry(valid);
      }
    }
    this.remainingRetries = this.config.maxRetries;
  }

  /** Writes the records one at a time, reporting those that fail (Confluent's unrollAndRetry). */
  private async unrollAndRetry(records: readonly SinkRecord[]): Promise<void> {
    await this.closeWriter();
    this.initWriter();
    for (const record of records) {
      try {
        await this.writer!.write([record]);
      } catch (err) {
        this.writer!.reset();
        if (err instanceof DatabaseUnavailableException) throw err;
        const error = err instanceof ConnectException ? err : new ConnectException(sqlErrorText(err), { cause: err });
        this.log.debug({ err: error.message, topic: record.topic, partition: record.kafkaPartition, offset: String(record.kafkaOffset) }, 'reporting a record the sink could not write');
        await this.reporter!(record, error);
      }
    }
  }

  /** Kafka's `context.timeout(retry.backoff.ms)`: the task waits before the batch is redelivered. */
  private backoff(ms: number): Promise<void> {
    if (ms <= 0 || this.stopping.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const signal = this.stopping.signal;
      function done(): void {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });
  }

  override flush(_offsets: SinkOffsets): void {
    // Every put() committed its own transaction.
  }

  async stop(): Promise<void> {
    this.stopping.abort(new ConnectException('the JDBC sink task is stopping'));
    await this.closeWriter();
  }
}
