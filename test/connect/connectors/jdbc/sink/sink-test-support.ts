/**
 * Shared pieces of the JDBC sink tests: a throwaway MariaDB or PostgreSQL behind one interface
 * (a database per test, reading rows back through the foundation's DbConnection, column types
 * from information_schema), a JdbcSinkTask run through the task API with a SinkTaskContext whose
 * errant record reporter collects what it is given, and record builders.
 */
import type { SinkTaskContext } from '../../../../../src/connect/api/connector.js';
import { SinkRecord } from '../../../../../src/connect/api/data/connect-record.js';
import type { Schema } from '../../../../../src/connect/api/data/schema.js';
import { openDbConnection, type DbConnection } from '../../../../../src/connect/connectors/jdbc/db-connection.js';
import { JdbcSinkTask } from '../../../../../src/connect/connectors/jdbc/sink/jdbc-sink-task.js';
import { silentLogger } from '../../../../../src/logging/logger.js';
import { skipUnless } from '../../../../../src/testkit/database-process.js';
import { mariaDbAvailable, startMariaDb, type MariaDbServer } from '../../../../../src/testkit/mariadb-server.js';
import { postgresAvailable, startPostgres, type PostgresServer } from '../../../../../src/testkit/postgres-server.js';

JdbcSinkTask.logger = silentLogger();

export type DatabaseKind = 'mariadb' | 'postgres';

export const KINDS: ReadonlyArray<{ kind: DatabaseKind; skip: false | string }> = [
  { kind: 'mariadb', skip: skipUnless(mariaDbAvailable()) },
  { kind: 'postgres', skip: skipUnless(postgresAvailable()) },
];

export interface TestDatabase {
  readonly kind: DatabaseKind;
  readonly url: string;
  readonly user: string;
  readonly password: string;
  /** Rows of a query, values as DbConnection returns them. */
  rows(sql: string): Promise<unknown[][]>;
  execute(sql: string): Promise<void>;
  /** `[column, type, nullable]` per column, types as information_schema writes them (MySQL COLUMN_TYPE, PostgreSQL data_type). */
  columns(table: string): Promise<Array<[string, string, boolean]>>;
  /** `[column]` of the table's primary key, in order. */
  primaryKey(table: string): Promise<string[]>;
  q(identifier: string): string;
  close(): Promise<void>;
}

export interface TestServer {
  kind: DatabaseKind;
  /** A new, empty database. */
  database(name: string): Promise<TestDatabase>;
  stop(): Promise<void>;
}

export async function startServer(kind: DatabaseKind): Promise<TestServer> {
  const server: MariaDbServer | PostgresServer = kind === 'mariadb' ? await startMariaDb() : await startPostgres();
  const opened: DbConnection[] = [];
  return {
    kind,
    async database(name) {
      const url = await server.createDatabase(name);
      const conn = await openDbConnection({ url, user: server.user, password: server.password }, silentLogger());
      opened.push(conn);
      const mysql = kind === 'mariadb';
      return {
        kind, url, user: server.user, password: server.password,
        rows: async (sql) => (await conn.query(sql)).rows,
        execute: async (sql) => void (await conn.execute(sql)),
        async columns(table) {
          const { rows } = mysql
            ? await conn.query('SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION', [table])
            : await conn.query('SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position', [table]);
          return rows.map((r) => [String(r[0]), String(r[1]).toLowerCase(), r[2] === 'YES']);
        },
        async primaryKey(table) {
          const { rows } = mysql
            ? await conn.query("SELECT COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND CONSTRAINT_NAME = 'PRIMARY' ORDER BY ORDINAL_POSITION", [table])
            : await conn.query("SELECT k.column_name FROM information_schema.table_constraints c JOIN information_schema.key_column_usage k ON k.constraint_name = c.constraint_name AND k.table_name = c.table_name WHERE c.constraint_type = 'PRIMARY KEY' AND c.table_name = $1 ORDER BY k.ordinal_position", [table]);
          return rows.map((r) => String(r[0]));
        },
        q: (identifier) => conn.quoteIdentifier(identifier),
        close: () => conn.close(),
      };
    },
    async stop() {
      for (const c of opened) await c.close().catch(() => undefined);
      await server.stop();
    },
  };
}

/** A started JdbcSinkTask with the database's connection settings, plus what its errant record reporter received. */
export interface RunningTask {
  task: JdbcSinkTask;
  reported: Array<{ record: SinkRecord; error: Error }>;
  put(records: SinkRecord[]): Promise<void>;
  stop(): Promise<void>;
}

export function startTask(db: TestDatabase, props: Record<string, string>, options: { reporter?: boolean } = {}): RunningTask {
  const task = new JdbcSinkTask();
  const reported: Array<{ record: SinkRecord; error: Error }> = [];
  const context: SinkTaskContext = {
    configs: () => props,
    assignment: () => [],
    pause: () => undefined,
    resume: () => undefined,
    offset: () => undefined,
    requestCommit: () => undefined,
    errantRecordReporter: () => (options.reporter ? async (record, error) => void reported.push({ record, error }) : null),
  };
  task.initialize(context);
  task.start({
    name: 'jdbc-sink-test', 'connection.url': db.url, 'connection.user': db.user, 'connection.password': db.password,
    'retry.backoff.ms': '10', ...props,
  });
  return { task, reported, put: (records) => Promise.resolve(task.put(records)), stop: () => Promise.resolve(task.stop()) };
}

let offset = 0n;

/** A SinkRecord on `topic` partition 0 with the next offset. */
export function record(topic: string, keySchema: Schema | null, key: unknown, valueSchema: Schema | null, value: unknown, partition = 0): SinkRecord {
  return new SinkRecord({ topic, kafkaPartition: partition, kafkaOffset: offset++, keySchema, key, valueSchema, value, timestamp: 1_700_000_000_000 });
}
