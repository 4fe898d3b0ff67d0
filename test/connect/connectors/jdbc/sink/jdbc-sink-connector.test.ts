/**
 * The JDBC sink end to end: records produced to a real broker as JsonConverter JSON with schemas,
 * a Worker + StandaloneHerder running `io.confluent.connect.jdbc.JdbcSinkConnector` with the
 * guide's configuration, rows checked in real MariaDB and PostgreSQL databases. Failures show in
 * the connector status: a NOT NULL violation fails the task with the database's message and
 * commits nothing of the batch; schemaless records fail it with the message saying to enable
 * schemas, or, with errors.tolerance=all, go to the dead letter queue through the errant record
 * reporter (stage TASK_PUT) while the task keeps running.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Kafka } from '../../../../../src/client/kafka.js';
import { BigDecimal } from '../../../../../src/connect/api/data/big-decimal.js';
import { Decimal, Timestamp } from '../../../../../src/connect/api/data/logical.js';
import { Schema, type Schema as SchemaType } from '../../../../../src/connect/api/data/schema.js';
import { SchemaBuilder } from '../../../../../src/connect/api/data/schema-builder.js';
import { Struct } from '../../../../../src/connect/api/data/struct.js';
import { JsonConverter } from '../../../../../src/connect/converters/json/json-converter.js';
import { skipUnless } from '../../../../../src/testkit/database-process.js';
import { mariaDbAvailable } from '../../../../../src/testkit/mariadb-server.js';
import { postgresAvailable } from '../../../../../src/testkit/postgres-server.js';
import { startTestBroker, type TestBroker } from '../../../../client/client-test-support.js';
import { startHerder, until, type HerderFixture } from '../../../runtime/herder-test-support.js';
import { startServer, type TestDatabase, type TestServer } from './sink-test-support.js';

const skip = skipUnless(mariaDbAvailable()) || skipUnless(postgresAvailable());

const USER = SchemaBuilder.struct().name('users').field('id', Schema.INT64_SCHEMA).field('name', Schema.STRING_SCHEMA)
  .field('balance', Decimal.builder(2).optional().build()).field('created', Timestamp.builder().optional().build()).build();
const USER_KEY = SchemaBuilder.struct().name('users_key').field('id', Schema.INT64_SCHEMA).build();

const json = new JsonConverter();
json.configure({ 'schemas.enable': 'true' }, false);
const plainJson = new JsonConverter();
plainJson.configure({ 'schemas.enable': 'false' }, false);

function encode(schema: SchemaType | null, value: unknown): Buffer | null {
  return json.fromConnectData('t', null, schema, value);
}

function user(id: number, name: string, balance: string | null): Struct {
  return new Struct(USER).put('id', BigInt(id)).put('name', name).put('balance', balance === null ? null : BigDecimal.parse(balance)).put('created', new Date(Date.UTC(2024, 0, 1, 0, 0, id % 60)));
}

const JSON_CONVERTERS = {
  'key.converter': 'org.apache.kafka.connect.json.JsonConverter', 'key.converter.schemas.enable': 'true',
  'value.converter': 'org.apache.kafka.connect.json.JsonConverter', 'value.converter.schemas.enable': 'true',
};

describe('JdbcSinkConnector through the Worker and StandaloneHerder', { skip }, () => {
  let broker: TestBroker;
  let kafka: Kafka;
  let fx: HerderFixture;
  let maria: TestServer;
  let postgres: TestServer;

  before(async () => {
    [broker, maria, postgres] = await Promise.all([startTestBroker(), startServer('mariadb'), startServer('postgres')]);
    kafka = new Kafka({ clientId: 'jdbc-sink-test', brokers: [broker.bootstrap] });
    fx = await startHerder(broker.bootstrap);
  });
  after(async () => {
    await fx?.stop();
    await broker?.close();
    await maria?.stop();
    await postgres?.stop();
  });

  async function produce(topic: string, messages: Array<{ key: Buffer | string | null; value: Buffer | string | null }>): Promise<void> {
    const producer = kafka.producer();
    await producer.connect();
    for (let i = 0; i < messages.length; i += 500) await producer.send({ topic, messages: messages.slice(i, i + 500).map((m) => ({ ...m, partition: 0 })) });
    await producer.disconnect();
  }

  async function taskState(name: string): Promise<{ state: string | undefined; trace: string | undefined }> {
    const status = await fx.herder.connectorStatus(name);
    return { state: status.tasks[0]?.state, trace: status.tasks[0]?.trace };
  }

  async function count(db: TestDatabase, table: string): Promise<number> {
    const cols = await db.columns(table);
    if (cols.length === 0) return -1;
    return Number((await db.rows(`SELECT COUNT(*) FROM ${db.q(table)}`))[0]![0]);
  }

  it('the guide\'s configuration: a topic of JSON records with schemas becomes a table created in MariaDB', async () => {
    const db = await maria.database('mydb');
    await produce('my_topic_users', Array.from({ length: 1000 }, (_, i) => ({ key: null, value: encode(USER, user(i, `user ${i} ✓`, i % 3 === 0 ? null : `${i}.25`)) })));
    await fx.herder.putConnectorConfig('my-sink-connect', {
      'connector.class': 'io.confluent.connect.jdbc.JdbcSinkConnector',
      'connection.url': db.url.replace('jdbc:mariadb:', 'jdbc:mysql:'), 'connection.user': db.user, 'connection.password': db.password,
      'auto.create': 'true', 'auto.evolve': 'true', 'delete.enabled': 'false', 'tasks.max': '1', topics: 'my_topic_users',
      ...JSON_CONVERTERS,
    }, { allowReplace: false });
    await until('1000 rows in my_topic_users', async () => (await count(db, 'my_topic_users')) === 1000);
    assert.deepEqual(await taskState('my-sink-connect'), { state: 'RUNNING', trace: undefined });
    assert.deepEqual(await db.columns('my_topic_users'), [['id', 'bigint(20)', false], ['name', 'text', false], ['balance', 'decimal(65,2)', true], ['created', 'datetime(3)', true]]);
    assert.deepEqual(await db.rows('SELECT id, name, balance, created FROM my_topic_users WHERE id IN (3, 998) ORDER BY id'), [
      [3n, 'user 3 ✓', null, '2024-01-01 00:00:03.000'],
      [998n, 'user 998 ✓', '998.25', '2024-01-01 00:00:38.000'],
    ]);
    // Rows produced later flow too.
    await produce('my_topic_users', [{ key: null, value: encode(USER, user(5000, 'late', '1.00')) }]);
    await until('the late row', async () => (await count(db, 'my_topic_users')) === 1001);
    await fx.herder.deleteConnector('my-sink-connect');
  });

  it('upsert with pk.mode=record_key into PostgreSQL converges to the latest record per key; tombstones delete', async () => {
    const db = await postgres.database('target');
    const k = (id: number): Buffer | null => encode(USER_KEY, new Struct(USER_KEY).put('id', BigInt(id)));
    await produce('accounts', [
      ...[1, 2, 3, 4].map((id) => ({ key: k(id), value: encode(USER, user(id, `v1 ${id}`, '10.00')) })),
      { key: k(2), value: encode(USER, user(2, 'v2 2', '20.50')) },
      { key: k(3), value: null },
      { key: k(4), value: encode(USER, user(4, 'v2 4', null)) },
      { key: k(2), value: encode(USER, user(2, 'v3 2', '-0.01')) },
    ]);
    await fx.herder.putConnectorConfig('pg-upsert', {
      'connector.class': 'JdbcSink', 'connection.url': db.url, 'connection.user': db.user, 'connection.password': db.password,
      'auto.create': 'true', 'insert.mode': 'upsert', 'pk.mode': 'record_key', 'delete.enabled': 'true', topics: 'accounts', ...JSON_CONVERTERS,
    }, { allowReplace: false });
    const expected = [[1n, 'v1 1', '10.00'], [2n, 'v3 2', '-0.01'], [4n, 'v2 4', null]];
    await until('the table converged', async () => (await count(db, 'accounts')) === 3 && JSON.stringify(await db.rows('SELECT id::text, name, balance FROM accounts ORDER BY id')) === JSON.stringify(expected.map((r) => [String(r[0]), r[1], r[2]])));
    assert.deepEqual(await db.rows('SELECT id, name, balance FROM accounts ORDER BY id'), expected);
    assert.deepEqual(await db.primaryKey('accounts'), ['id']);
    assert.equal((await taskState('pg-upsert')).state, 'RUNNING');
    await fx.herder.deleteConnector('pg-upsert');
  });

  it('a NOT NULL violation fails the task with the database\'s message; nothing of the batch is in the table', async () => {
    const db = await maria.database('strictdb');
    await db.execute('CREATE TABLE strict_users (id BIGINT PRIMARY KEY, name TEXT NOT NULL, balance DECIMAL(65,2), created DATETIME(3))');
    const loose = SchemaBuilder.struct().name('users').field('id', Schema.INT64_SCHEMA).field('name', Schema.OPTIONAL_STRING_SCHEMA).build();
    await produce('strict_users', [1, 2, 3].map((id) => ({ key: null, value: encode(loose, new Struct(loose).put('id', BigInt(id)).put('name', id === 2 ? null : `n${id}`)) })));
    await fx.herder.putConnectorConfig('strict', {
      'connector.class': 'JdbcSinkConnector', 'connection.url': db.url, 'connection.user': db.user, 'connection.password': db.password,
      'pk.mode': 'record_value', 'pk.fields': 'id', topics: 'strict_users', 'max.retries': '1', 'retry.backoff.ms': '50', ...JSON_CONVERTERS,
    }, { allowReplace: false });
    await until('the task FAILED', async () => (await taskState('strict')).state === 'FAILED');
    const { trace } = await taskState('strict');
    assert.match(trace!, /Exception chain:\n.*Column 'name' cannot be null/);
    assert.equal(await count(db, 'strict_users'), 0);
    await fx.herder.deleteConnector('strict');
  });

  it('schemaless records: the task fails saying to enable schemas; with errors.tolerance=all they go to the dead letter queue', async () => {
    const db = await postgres.database('plain');
    await produce('plain_users', [1, 2].map((id) => ({ key: null, value: plainJson.fromConnectData('plain_users', null, USER, user(id, `p${id}`, '1.00')) })));
    const config = {
      'connector.class': 'io.confluent.connect.jdbc.JdbcSinkConnector', 'connection.url': db.url, 'connection.user': db.user, 'connection.password': db.password,
      'auto.create': 'true', topics: 'plain_users',
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter', 'value.converter.schemas.enable': 'false',
    };
    await fx.herder.putConnectorConfig('plain-strict', config, { allowReplace: false });
    await until('the task FAILED', async () => (await taskState('plain-strict')).state === 'FAILED');
    const { trace } = await taskState('plain-strict');
    assert.match(trace!, /^ConnectException: The JDBC sink connector 'plain-strict' is configured with 'delete.enabled=false' and 'pk.mode=none' and therefore requires non-null record values that are structs, but found record at \(topic='plain_users',partition=0,offset=0,timestamp=\d+\) with a HashMap value and null value schema\./);
    assert.match(trace!, /schemas\.enable=true/);
    await fx.herder.deleteConnector('plain-strict');

    await fx.herder.putConnectorConfig('plain-tolerant', {
      ...config, 'errors.tolerance': 'all', 'errors.deadletterqueue.topic.name': 'plain-dlq', 'errors.deadletterqueue.context.headers.enable': 'true',
    }, { allowReplace: false });
    const consumer = kafka.consumer({ groupId: 'plain-dlq-reader' });
    await consumer.connect();
    await consumer.subscribe({ topics: ['plain-dlq'], fromBeginning: true });
    const dead: Array<{ value: string; headers: Record<string, string> }> = [];
    await consumer.run({
      eachMessage: async ({ message }) => {
        const headers: Record<string, string> = {};
        for (const [name, v] of Object.entries(message.headers)) headers[name] = (Array.isArray(v) ? v[0]! : v!).toString('utf8');
        dead.push({ value: message.value!.toString(), headers });
      },
    });
    await until('two records in the DLQ', () => dead.length >= 2);
    await consumer.disconnect();
    assert.deepEqual(dead.map((d) => JSON.parse(d.value).name), ['p1', 'p2']);
    assert.deepEqual(dead.map((d) => [d.headers['__connect.errors.offset'], d.headers['__connect.errors.stage'], d.headers['__connect.errors.exception.class.name']]), [
      ['0', 'TASK_PUT', 'org.apache.kafka.connect.errors.ConnectException'],
      ['1', 'TASK_PUT', 'org.apache.kafka.connect.errors.ConnectException'],
    ]);
    assert.match(dead[0]!.headers['__connect.errors.exception.message']!, /requires non-null record values that are structs/);
    assert.equal((await taskState('plain-tolerant')).state, 'RUNNING');
    assert.equal(await count(db, 'plain_users'), -1, 'no table was created');
    await fx.herder.deleteConnector('plain-tolerant');

    // A dead letter queue without errors.tolerance=all: the record is reported, then the task fails as Kafka's executeFailed does.
    await fx.herder.putConnectorConfig('plain-dlq-only', { ...config, 'errors.deadletterqueue.topic.name': 'plain-dlq-2' }, { allowReplace: false });
    await until('the task FAILED', async () => (await taskState('plain-dlq-only')).state === 'FAILED');
    const failed = (await taskState('plain-dlq-only')).trace!;
    assert.match(failed, /^ConnectException: Tolerance exceeded in error handler\n/);
    assert.match(failed, /\nCaused by: ConnectException: The JDBC sink connector 'plain-dlq-only' is configured with/);
    await fx.herder.deleteConnector('plain-dlq-only');
  });
});
