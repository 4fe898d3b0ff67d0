/**
 * Issue #9's guide scenario end to end, in distributed mode through the REST API: a real broker,
 * a real MariaDB with a source database `mydb` and a target database, one Connect worker started
 * in-process with its REST server on a free port. The source and sink are created with the
 * guide's JSON (only the URL, password and a short poll.interval.ms changed): 10,000 rows of
 * mydb.users reach topic my_topic_users as JsonConverter records with schemas and the sink
 * creates a table with identical rows; rows inserted later follow. Then timestamp+incrementing
 * mode with ValueToKey/ExtractField keys: updated rows are picked up, the upserting sink converges
 * to the source, and tombstones produced with Samsa's producer delete rows.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Kafka } from '../../../../../src/client/kafka.js';
import type { DbConnection } from '../../../../../src/connect/connectors/jdbc/db-connection.js';
import { startDistributedWorker, type Distributed } from '../../../../../src/connect/runtime/distributed.js';
import { silentLogger } from '../../../../../src/logging/logger.js';
import { skipUnless } from '../../../../../src/testkit/database-process.js';
import { mariaDbAvailable, startMariaDb, type MariaDbServer } from '../../../../../src/testkit/mariadb-server.js';
import { dumpTopic } from '../../../../../src/testkit/topic-dump.js';
import { startTestBroker, type TestBroker } from '../../../../client/client-test-support.js';
import {
  comparableRows, connect, httpSettled, insertRows, jsonWorkerProps, silenceJdbcConnectors, sleep, until, waitCount, waitRunning, waitTopic,
  TEST_BROKER_OPTIONS,
} from './jdbc-e2e-support.js';

const skip = skipUnless(mariaDbAvailable());

const USERS_COLUMNS = 'id, name, email, created, balance, nickname';

function userTuple(i: number): string {
  const created = new Date(Date.UTC(2024, 0, 1) + i * 61_001).toISOString().replace('T', ' ').replace('Z', '');
  const nickname = i % 3 === 0 ? 'NULL' : `'nick ${i} ✓'`;
  return `('user ${i}', 'user${i}@example.com', '${created}', ${(i * 7.31 - 5000).toFixed(2)}, ${nickname})`;
}

describe('JDBC guide scenario: MariaDB → topic → MariaDB through a distributed worker', { skip }, () => {
  let broker: TestBroker;
  let server: MariaDbServer;
  let worker: Distributed;
  let source: DbConnection;
  let target: DbConnection;
  let targetUrl: string;

  before(async () => {
    silenceJdbcConnectors();
    [broker, server] = await Promise.all([startTestBroker(TEST_BROKER_OPTIONS), startMariaDb()]);
    await server.createDatabase('mydb');
    targetUrl = await server.createDatabase('mydb_copy');
    source = await connect(server.urlFor('mydb', 'mysql'), server.user, server.password);
    target = await connect(targetUrl, server.user, server.password);
    worker = await startDistributedWorker(jsonWorkerProps(broker.bootstrap, 'guide'), silentLogger());
  });

  after(async () => {
    await worker?.stop();
    await source?.close();
    await target?.close();
    await server?.stop();
    await broker?.close();
  });

  it('10,000 rows of mydb.users reach my_topic_users as JSON with schemas and an identical auto-created table; later rows follow', async () => {
    await source.execute(`CREATE TABLE users (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, name VARCHAR(64) NOT NULL,
      email VARCHAR(128) NOT NULL, created DATETIME(3) NOT NULL, balance DECIMAL(12,2) NOT NULL, nickname VARCHAR(64) NULL)`);
    await insertRows(source, 'users', 'name, email, created, balance, nickname', 10_000, userTuple);

    // The guide's JSON; the URL and password point at the test's MariaDB, polls are frequent.
    const sourceRequest = {
      name: 'my-source-connect', config: {
        'connector.class': 'io.confluent.connect.jdbc.JdbcSourceConnector',
        'connection.url': `jdbc:mysql://127.0.0.1:${server.port}/mydb`, 'connection.user': 'root',
        'connection.password': server.password, mode: 'incrementing', 'incrementing.column.name': 'id',
        'table.whitelist': 'users', 'topic.prefix': 'my_topic_', 'tasks.max': '1', 'poll.interval.ms': '200',
      },
    };
    const sinkRequest = {
      name: 'my-sink-connect', config: {
        'connector.class': 'io.confluent.connect.jdbc.JdbcSinkConnector',
        'connection.url': `jdbc:mysql://127.0.0.1:${server.port}/mydb_copy`, 'connection.user': 'root',
        'connection.password': server.password, 'auto.create': 'true', 'auto.evolve': 'true',
        'delete.enabled': 'false', 'tasks.max': '1', topics: 'my_topic_users',
      },
    };
    const created = await httpSettled('POST', `${worker.url}connectors`, sourceRequest);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual(created.body, { name: 'my-source-connect', config: { ...sourceRequest.config, name: 'my-source-connect' }, tasks: [], type: 'source' });
    await waitTopic(broker.broker.port, 'my_topic_users');
    const sinkCreated = await httpSettled('POST', `${worker.url}connectors`, sinkRequest);
    assert.equal(sinkCreated.status, 201, JSON.stringify(sinkCreated.body));
    await waitRunning(worker.url, 'my-source-connect');
    await waitRunning(worker.url, 'my-sink-connect');

    await waitCount(target, 'SELECT COUNT(*) FROM my_topic_users', 10_000, 90_000);
    const expected = await comparableRows(source, `SELECT ${USERS_COLUMNS} FROM users ORDER BY id`);
    assert.equal(expected.length, 10_000);
    assert.deepEqual(await comparableRows(target, `SELECT ${USERS_COLUMNS} FROM my_topic_users ORDER BY id`), expected);
    const columns = (await target.query(`SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA = 'mydb_copy' AND TABLE_NAME = 'my_topic_users' ORDER BY ORDINAL_POSITION`)).rows;
    assert.deepEqual(columns, [
      ['id', 'int(11)', 'NO'], ['name', 'text', 'NO'], ['email', 'text', 'NO'], ['created', 'datetime(3)', 'NO'],
      ['balance', 'decimal(65,2)', 'NO'], ['nickname', 'text', 'YES'],
    ]);

    // The topic: 10,000 JsonConverter records, null keys, Confluent's envelope.
    const dump = await dumpTopic('127.0.0.1', broker.broker.port, 'my_topic_users', 30_000);
    assert.equal(dump.records.length, 10_000);
    assert.equal(dump.records[0]!.key, null);
    const first = JSON.parse(dump.records[0]!.value!) as { schema: unknown; payload: Record<string, unknown> };
    assert.deepEqual(first.schema, {
      type: 'struct',
      fields: [
        { type: 'int32', optional: false, field: 'id' },
        { type: 'string', optional: false, field: 'name' },
        { type: 'string', optional: false, field: 'email' },
        { type: 'int64', optional: false, name: 'org.apache.kafka.connect.data.Timestamp', version: 1, field: 'created' },
        { type: 'bytes', optional: false, name: 'org.apache.kafka.connect.data.Decimal', version: 1, parameters: { scale: '2' }, field: 'balance' },
        { type: 'string', optional: true, field: 'nickname' },
      ],
      optional: false,
      name: 'users',
    });
    // Row 0: balance -5000.00 = unscaled -500000 = 0xF85EE0 as two's complement, base64 "+F7g".
    assert.deepEqual(first.payload, { id: 1, name: 'user 0', email: 'user0@example.com', created: Date.UTC(2024, 0, 1), balance: '+F7g', nickname: null });
    assert.deepEqual(dump.records.map((r) => (JSON.parse(r.value!) as { payload: { id: number } }).payload.id), Array.from({ length: 10_000 }, (_, i) => i + 1));

    // Rows inserted later flow through too.
    await insertRows(source, 'users', 'name, email, created, balance, nickname', 5, userTuple, 5, 10_000);
    await waitCount(target, 'SELECT COUNT(*) FROM my_topic_users', 10_005, 20_000);
    assert.deepEqual(await comparableRows(target, `SELECT ${USERS_COLUMNS} FROM my_topic_users WHERE id > 10000 ORDER BY id`),
      await comparableRows(source, `SELECT ${USERS_COLUMNS} FROM users WHERE id > 10000 ORDER BY id`));
  });

  it('timestamp+incrementing picks up updates; upsert with record keys converges; tombstones delete', async () => {
    await source.execute(`CREATE TABLE items (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, label VARCHAR(64) NOT NULL, qty INT NULL,
      price DECIMAL(8,3) NOT NULL, updated TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3))`);
    await insertRows(source, 'items', 'label, qty, price', 200, (i) => `('item ${i}', ${i % 5 === 0 ? 'NULL' : i}, ${(i / 8).toFixed(3)})`);
    const sourceConfig = {
      'connector.class': 'io.confluent.connect.jdbc.JdbcSourceConnector',
      'connection.url': `jdbc:mysql://127.0.0.1:${server.port}/mydb`, 'connection.user': 'root', 'connection.password': server.password,
      mode: 'timestamp+incrementing', 'incrementing.column.name': 'id', 'timestamp.column.name': 'updated',
      'table.whitelist': 'items', 'topic.prefix': 'ts_', 'tasks.max': '1', 'poll.interval.ms': '200',
      transforms: 'createKey,extractInt',
      'transforms.createKey.type': 'org.apache.kafka.connect.transforms.ValueToKey', 'transforms.createKey.fields': 'id',
      'transforms.extractInt.type': 'org.apache.kafka.connect.transforms.ExtractField$Key', 'transforms.extractInt.field': 'id',
    };
    const sinkConfig = {
      'connector.class': 'io.confluent.connect.jdbc.JdbcSinkConnector',
      'connection.url': targetUrl.replace('jdbc:mariadb:', 'jdbc:mysql:'), 'connection.user': 'root', 'connection.password': server.password,
      topics: 'ts_items', 'table.name.format': 'items_copy', 'insert.mode': 'upsert', 'pk.mode': 'record_key', 'pk.fields': 'id',
      'delete.enabled': 'true', 'auto.create': 'true', 'auto.evolve': 'true', 'tasks.max': '1',
    };
    assert.equal((await httpSettled('PUT', `${worker.url}connectors/items-source/config`, sourceConfig)).status, 201);
    await waitTopic(broker.broker.port, 'ts_items');
    assert.equal((await httpSettled('PUT', `${worker.url}connectors/items-sink/config`, sinkConfig)).status, 201);
    await waitRunning(worker.url, 'items-source');
    await waitRunning(worker.url, 'items-sink');
    const columns = 'id, label, qty, price, updated';
    const converged = async (what: string): Promise<void> => {
      let expected: unknown[][] = [];
      let actual: unknown[][] = [];
      try {
        await until(what, async () => {
          expected = await comparableRows(source, `SELECT ${columns} FROM items ORDER BY id`);
          try {
            actual = await comparableRows(target, `SELECT ${columns} FROM items_copy ORDER BY id`);
          } catch {
            return false;
          }
          return JSON.stringify(actual) === JSON.stringify(expected);
        }, 30_000);
      } finally {
        assert.deepEqual(actual, expected, what);
      }
    };
    await converged('the 200 items copied');
    assert.deepEqual((await target.query(`SELECT COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE
      WHERE TABLE_SCHEMA = 'mydb_copy' AND TABLE_NAME = 'items_copy' AND CONSTRAINT_NAME = 'PRIMARY'`)).rows, [['id']]);

    // Updates (a later timestamp, same id) are picked up and upserted; a new row is inserted.
    await sleep(20);
    await source.execute(`UPDATE items SET label = CONCAT(label, ' (changed)'), qty = NULL WHERE id % 10 = 3`);
    await source.execute(`UPDATE items SET price = price + 1000, qty = 7 WHERE id IN (1, 5, 200)`);
    await source.execute(`INSERT INTO items (label, qty, price) VALUES ('late ☃', 1, 0.001)`);
    await converged('the updated items upserted');
    assert.equal((await target.query('SELECT COUNT(*) FROM items_copy')).rows[0]![0], 201n);

    // The keys are the bare ids (ValueToKey + ExtractField$Key), as the sink's record_key pk expects.
    const topic = await dumpTopic('127.0.0.1', broker.broker.port, 'ts_items', 30_000);
    assert.deepEqual(JSON.parse(topic.records[0]!.key!), { schema: { type: 'int32', optional: false }, payload: 1 });
    assert.ok(topic.records.length >= 201 + 20 + 3, `every insert and update became a record (${topic.records.length})`);

    // Deletes: rows removed at the source, tombstones (key, null value) produced with Samsa's producer.
    const kafka = new Kafka({ clientId: 'jdbc-e2e-tombstones', brokers: [broker.bootstrap] });
    const producer = kafka.producer();
    await producer.connect();
    try {
      const deleted = [2, 3, 50, 199, 201];
      await source.execute(`DELETE FROM items WHERE id IN (${deleted.join(', ')})`);
      await producer.send({
        topic: 'ts_items',
        messages: deleted.map((id) => ({ key: JSON.stringify({ schema: { type: 'int32', optional: false }, payload: id }), value: null })),
      });
    } finally {
      await producer.disconnect();
    }
    await converged('the deleted items gone from the target');
    assert.equal((await target.query('SELECT COUNT(*) FROM items_copy')).rows[0]![0], 196n);
  });
});
