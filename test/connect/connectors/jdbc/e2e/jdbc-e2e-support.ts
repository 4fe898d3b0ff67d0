/**
 * Shared pieces of the JDBC end-to-end tests (issue #9's acceptance scenarios): distributed worker
 * properties with the JsonConverter (schemas enabled), connector configs as the guides write them,
 * REST helpers that wait for a connector's status, and reading rows back from a database in a
 * form that compares across MariaDB and PostgreSQL (Buffers as hex, Dates as ISO text).
 */
import assert from 'node:assert/strict';
import { openDbConnection, type DbConnection } from '../../../../../src/connect/connectors/jdbc/db-connection.js';
import { JdbcSinkTask } from '../../../../../src/connect/connectors/jdbc/sink/jdbc-sink-task.js';
import { setJdbcSourceLogger } from '../../../../../src/connect/connectors/jdbc/source/version.js';
import { silentLogger } from '../../../../../src/logging/logger.js';
import { dumpTopic } from '../../../../../src/testkit/topic-dump.js';
import { http, until, workerProps } from '../../../distributed/distributed-test-support.js';

export { http, httpSettled, sleep, until } from '../../../distributed/distributed-test-support.js';

/**
 * The tests' broker: no initial rebalance delay (group.initial.rebalance.delay.ms=0, as
 * development setups configure it), so that every new sink consumer group starts at once.
 */
export const TEST_BROKER_OPTIONS = { properties: { 'group.initial.rebalance.delay.ms': '0' } };

/** Both connectors log through their own default loggers; the tests keep them quiet. */
export function silenceJdbcConnectors(): void {
  setJdbcSourceLogger(silentLogger());
  JdbcSinkTask.logger = silentLogger();
}

/** Distributed worker properties (short group timeouts, REST on port 0) with JsonConverter keys and values, schemas enabled. */
export function jsonWorkerProps(bootstrap: string, prefix: string, extra: Record<string, string> = {}): Record<string, string> {
  return workerProps(bootstrap, prefix, {
    'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'key.converter.schemas.enable': 'true',
    'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'value.converter.schemas.enable': 'true',
    ...extra,
  });
}

export interface ConnectorStatus {
  name: string;
  connector: { state: string; worker_id: string; trace?: string };
  tasks: Array<{ id: number; state: string; worker_id: string; trace?: string }>;
  type: string;
}

export async function connectorStatus(workerUrl: string, name: string): Promise<ConnectorStatus | null> {
  const answer = await http('GET', `${workerUrl}connectors/${name}/status`);
  return answer.status === 200 ? (answer.body as ConnectorStatus) : null;
}

/** Waits until the connector and all of its (at least one) tasks are RUNNING. */
export async function waitRunning(workerUrl: string, name: string, timeoutMs = 60_000): Promise<void> {
  await until(`${name} RUNNING`, async () => {
    const s = await connectorStatus(workerUrl, name);
    return s !== null && s.connector.state === 'RUNNING' && s.tasks.length > 0 && s.tasks.every((t) => t.state === 'RUNNING');
  }, timeoutMs);
}

/** Waits until the connector or one of its tasks is FAILED and returns that status. */
export async function waitFailed(workerUrl: string, name: string, timeoutMs = 60_000): Promise<ConnectorStatus> {
  let last: ConnectorStatus | null = null;
  await until(`${name} FAILED`, async () => {
    last = await connectorStatus(workerUrl, name);
    return last !== null && (last.connector.state === 'FAILED' || last.tasks.some((t) => t.state === 'FAILED'));
  }, timeoutMs);
  return last!;
}

/** A DbConnection as the tests' superuser. */
export function connect(url: string, user: string, password: string): Promise<DbConnection> {
  return openDbConnection({ url, user, password }, silentLogger());
}

/** A database value in a form both databases' values compare in: Buffers as hex, bigints and numbers as decimal text, Dates as ISO. */
export function comparable(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (Buffer.isBuffer(value)) return `0x${value.toString('hex')}`;
  if (typeof value === 'bigint' || typeof value === 'number') return String(value);
  if (value instanceof Date) return value.toISOString();
  return value;
}

/** Every row of `sql`, each value made `comparable`. */
export async function comparableRows(conn: DbConnection, sql: string): Promise<unknown[][]> {
  return (await conn.query(sql)).rows.map((row) => row.map(comparable));
}

/** Waits until `sql` answers a single count equal to `expected`. */
export async function waitCount(conn: DbConnection, sql: string, expected: number, timeoutMs = 60_000): Promise<void> {
  let seen: unknown = undefined;
  try {
    await until(`${sql} = ${expected}`, async () => {
      try {
        seen = (await conn.query(sql)).rows[0]?.[0];
      } catch (e) {
        seen = (e as Error).message; // the table may not exist yet
        return false;
      }
      return Number(seen) === expected;
    }, timeoutMs);
  } catch (e) {
    assert.fail(`${(e as Error).message}; last answer ${String(seen)}`);
  }
}

/** Inserts `count` rows through multi-row INSERTs of `chunk` rows; `valuesOf(i)` gives row i's SQL tuple text. */
export async function insertRows(conn: DbConnection, table: string, columns: string, count: number, valuesOf: (i: number) => string, chunk = 1000, from = 0): Promise<void> {
  for (let start = from; start < from + count; start += chunk) {
    const tuples: string[] = [];
    for (let i = start; i < Math.min(start + chunk, from + count); i++) tuples.push(valuesOf(i));
    await conn.execute(`INSERT INTO ${table} (${columns}) VALUES ${tuples.join(', ')}`);
  }
}

/**
 * Waits until `topic` holds a record. The tests create a sink only once its topic exists: Samsa's
 * consumer re-reads the metadata of a subscribed topic that does not exist yet only on its
 * periodic refresh (every 30 s), so a sink created first would idle that long (reported on
 * issue #9; Kafka's consumer retries such a topic after retry.backoff.ms).
 */
export async function waitTopic(brokerPort: number, topic: string, timeoutMs = 60_000): Promise<void> {
  await until(`a record in ${topic}`, async () => {
    try {
      return (await dumpTopic('127.0.0.1', brokerPort, topic, 5000)).records.length > 0;
    } catch {
      return false;
    }
  }, timeoutMs);
}
