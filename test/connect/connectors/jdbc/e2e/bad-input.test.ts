/**
 * Bad input through a distributed worker's REST API, with a real MariaDB: a wrong password, a
 * database nobody listens for, a missing table (source whitelist; sink without auto.create), a
 * record whose schema has no column type (an array field) and a row the table refuses (NULL into
 * NOT NULL). Each fails
 * the connector or its task with a trace in GET /connectors/{name}/status that names the cause;
 * the refused batch leaves nothing behind; with errors.tolerance=all and a dead letter queue, the
 * unmappable records go to the DLQ with the error headers while the good ones are written.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Kafka } from '../../../../../src/client/kafka.js';
import type { DbConnection } from '../../../../../src/connect/connectors/jdbc/db-connection.js';
import { startDistributedWorker, type Distributed } from '../../../../../src/connect/runtime/distributed.js';
import { silentLogger } from '../../../../../src/logging/logger.js';
import { freePort } from '../../../../../src/testkit/broker-process.js';
import { skipUnless } from '../../../../../src/testkit/database-process.js';
import { mariaDbAvailable, startMariaDb, type MariaDbServer } from '../../../../../src/testkit/mariadb-server.js';
import { dumpTopic } from '../../../../../src/testkit/topic-dump.js';
import { startTestBroker, type TestBroker } from '../../../../client/client-test-support.js';
import {
  connect, httpSettled, jsonWorkerProps, silenceJdbcConnectors, until, waitCount, waitFailed, waitRunning, type ConnectorStatus,
  TEST_BROKER_OPTIONS,
} from './jdbc-e2e-support.js';

const skip = skipUnless(mariaDbAvailable());

const ROW_SCHEMA = {
  type: 'struct', name: 'row', optional: false,
  fields: [{ field: 'id', type: 'int32', optional: false }, { field: 'name', type: 'string', optional: true }],
};
const TAGGED_SCHEMA = {
  type: 'struct', name: 'tagged', optional: false,
  fields: [{ field: 'id', type: 'int32', optional: false }, { field: 'tags', type: 'array', items: { type: 'string', optional: false }, optional: false }],
};

/** The trace of whatever failed: the connector or one of its tasks. */
function failureTrace(status: ConnectorStatus): string {
  if (status.connector.state === 'FAILED') return status.connector.trace ?? '';
  return status.tasks.find((t) => t.state === 'FAILED')?.trace ?? '';
}

describe('JDBC connectors on bad input: FAILED with the cause in the status, or the DLQ when tolerated', { skip }, () => {
  let broker: TestBroker;
  let server: MariaDbServer;
  let worker: Distributed;
  let kafka: Kafka;
  let db: DbConnection;
  let dbUrl: string;
  let deadPort: number;

  before(async () => {
    silenceJdbcConnectors();
    [broker, server, deadPort] = await Promise.all([startTestBroker(TEST_BROKER_OPTIONS), startMariaDb(), freePort()]);
    dbUrl = (await server.createDatabase('mydb')).replace('jdbc:mariadb:', 'jdbc:mysql:');
    db = await connect(dbUrl, server.user, server.password);
    kafka = new Kafka({ clientId: 'jdbc-e2e-bad-input', brokers: [broker.bootstrap] });
    worker = await startDistributedWorker(jsonWorkerProps(broker.bootstrap, 'bad'), silentLogger());
  });

  after(async () => {
    await worker?.stop();
    await db?.close();
    await server?.stop();
    await broker?.close();
  });

  /** Produces JsonConverter envelopes (null keys) to `topic` in one send, so that they arrive in one batch. */
  async function produce(topic: string, schema: unknown, payloads: unknown[]): Promise<void> {
    const producer = kafka.producer();
    await producer.connect();
    try {
      await producer.send({ topic, messages: payloads.map((payload) => ({ key: null, value: JSON.stringify({ schema, payload }) })) });
    } finally {
      await producer.disconnect();
    }
  }

  async function create(name: string, config: Record<string, string>): Promise<void> {
    const answer = await httpSettled('PUT', `${worker.url}connectors/${name}/config`, config);
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
  }

  const sourceConfig = (extra: Record<string, string>): Record<string, string> => ({
    'connector.class': 'io.confluent.connect.jdbc.JdbcSourceConnector', 'connection.url': dbUrl, 'connection.user': 'root',
    'connection.password': server.password, 'connection.attempts': '1', mode: 'incrementing', 'incrementing.column.name': 'id',
    'topic.prefix': 'bad_', 'tasks.max': '1', 'poll.interval.ms': '200', ...extra,
  });
  const sinkConfig = (topic: string, extra: Record<string, string>): Record<string, string> => ({
    'connector.class': 'io.confluent.connect.jdbc.JdbcSinkConnector', 'connection.url': dbUrl, 'connection.user': 'root',
    'connection.password': server.password, 'connection.attempts': '1', topics: topic, 'auto.create': 'true',
    'max.retries': '0', 'tasks.max': '1', ...extra,
  });

  it('source: a wrong password, an unreachable database and a missing table fail with the database\'s and the network\'s message', async () => {
    await db.execute('CREATE TABLE accounts (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, name VARCHAR(20))');
    await create('src-wrong-password', sourceConfig({ 'connection.password': 'not-the-password', 'table.whitelist': 'accounts' }));
    const denied = await waitFailed(worker.url, 'src-wrong-password');
    assert.match(failureTrace(denied), /Access denied for user 'root'@'[^']+' \(using password: YES\)/);

    await create('src-unreachable', sourceConfig({ 'connection.url': `jdbc:mysql://127.0.0.1:${deadPort}/mydb`, 'table.whitelist': 'accounts' }));
    const unreachable = await waitFailed(worker.url, 'src-unreachable');
    assert.match(failureTrace(unreachable), new RegExp(`ECONNREFUSED 127\\.0\\.0\\.1:${deadPort}`));

    // A whitelisted table that does not exist: no table for the task, which fails with Confluent's message.
    await create('src-missing-table', sourceConfig({ 'table.whitelist': 'no_such_table' }));
    const missing = await waitFailed(worker.url, 'src-missing-table');
    assert.equal(missing.connector.state, 'RUNNING');
    assert.deepEqual(missing.tasks.map((t) => t.state), ['FAILED']);
    assert.match(failureTrace(missing), /ConnectException: Invalid configuration: each JdbcSourceTask must have at least one table assigned to it or one query specified/);
  });

  it('sink: a wrong password and an unreachable database fail the task with the cause', async () => {
    await produce('bad_people', ROW_SCHEMA, [{ id: 1, name: 'a' }]);
    await create('sink-wrong-password', sinkConfig('bad_people', { 'connection.password': 'not-the-password' }));
    assert.match(failureTrace(await waitFailed(worker.url, 'sink-wrong-password')), /Access denied for user 'root'@'[^']+' \(using password: YES\)/);
    await create('sink-unreachable', sinkConfig('bad_people', { 'connection.url': `jdbc:mysql://127.0.0.1:${deadPort}/mydb` }));
    assert.match(failureTrace(await waitFailed(worker.url, 'sink-unreachable')), new RegExp(`ECONNREFUSED 127\\.0\\.0\\.1:${deadPort}`));
  });

  it('sink: a missing table without auto.create fails the task naming the table; nothing is created', async () => {
    await produce('bad_missing', ROW_SCHEMA, [{ id: 1, name: 'a' }, { id: 2, name: 'b' }]);
    await create('sink-missing-table', sinkConfig('bad_missing', { 'auto.create': 'false' }));
    const status = await waitFailed(worker.url, 'sink-missing-table');
    assert.equal(status.connector.state, 'RUNNING');
    assert.deepEqual(status.tasks.map((t) => t.state), ['FAILED']);
    assert.match(failureTrace(status), /TableAlterOrCreateException: Table "bad_missing" is missing and auto-creation is disabled/);
    assert.deepEqual((await db.query("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'mydb' AND TABLE_NAME = 'bad_missing'")).rows, [[0n]]);
  });

  it('sink: a row the table refuses fails the task with the database\'s message and commits nothing of the batch', async () => {
    await db.execute('CREATE TABLE strict_people (id INT NOT NULL PRIMARY KEY, name VARCHAR(20) NOT NULL)');
    await produce('strict_people', ROW_SCHEMA, [{ id: 1, name: 'a' }, { id: 2, name: 'b' }, { id: 3, name: null }, { id: 4, name: 'd' }]);
    await create('sink-not-null', sinkConfig('strict_people', { 'auto.create': 'false' }));
    assert.match(failureTrace(await waitFailed(worker.url, 'sink-not-null')), /Column 'name' cannot be null/);
    assert.deepEqual((await db.query('SELECT COUNT(*) FROM strict_people')).rows, [[0n]]);
  });

  it('sink: a record whose schema has no column type fails the task; tolerated, it goes to the DLQ and the good records are written', async () => {
    await produce('bad_tagged', TAGGED_SCHEMA, [{ id: 1, tags: ['x'] }, { id: 2, tags: [] }]);
    await create('sink-unmappable', sinkConfig('bad_tagged', {}));
    const failed = await waitFailed(worker.url, 'sink-unmappable');
    assert.match(failureTrace(failed), /tags \(ARRAY\) type doesn't have a mapping to the SQL database column type|ARRAY.*doesn't have a mapping to the SQL database column type/);
    assert.deepEqual((await db.query("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'mydb' AND TABLE_NAME = 'bad_tagged'")).rows, [[0n]]);

    // Tolerated: a mixed topic, the array records to the DLQ, the others into the table.
    await produce('mixed_rows', ROW_SCHEMA, [{ id: 1, name: 'one' }]);
    await produce('mixed_rows', TAGGED_SCHEMA, [{ id: 2, tags: ['x'] }]);
    await produce('mixed_rows', ROW_SCHEMA, [{ id: 3, name: 'three' }]);
    await create('sink-tolerant', sinkConfig('mixed_rows', {
      'errors.tolerance': 'all', 'errors.deadletterqueue.topic.name': 'mixed_dlq', 'errors.deadletterqueue.topic.replication.factor': '1',
      'errors.deadletterqueue.context.headers.enable': 'true',
    }));
    await waitRunning(worker.url, 'sink-tolerant');
    await waitCount(db, 'SELECT COUNT(*) FROM mixed_rows', 2);
    assert.deepEqual((await db.query('SELECT id, name FROM mixed_rows ORDER BY id')).rows, [[1, 'one'], [3, 'three']]);
    let dead: Awaited<ReturnType<typeof dumpTopic>>['records'] = [];
    await until('one record in the DLQ', async () => {
      try {
        dead = (await dumpTopic('127.0.0.1', broker.broker.port, 'mixed_dlq', 5000)).records;
      } catch {
        dead = [];
      }
      return dead.length >= 1;
    });
    assert.equal(dead.length, 1);
    assert.deepEqual(JSON.parse(dead[0]!.value!).payload, { id: 2, tags: ['x'] });
    const headers = new Map(dead[0]!.headers);
    assert.equal(headers.get('__connect.errors.topic'), 'mixed_rows');
    assert.equal(headers.get('__connect.errors.offset'), '1');
    assert.equal(headers.get('__connect.errors.stage'), 'TASK_PUT');
    // The table exists by then (created from record 1) and auto.evolve is off: the message names the field it cannot add.
    assert.equal(headers.get('__connect.errors.exception.message'),
      "Cannot ALTER TABLE \"mixed_rows\" to add missing field SinkRecordField{schema=Schema{ARRAY}, name='tags', isPrimaryKey=false}, as the field is not optional and does not have a default value");
    await waitRunning(worker.url, 'sink-tolerant');
  });
});
