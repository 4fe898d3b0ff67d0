/**
 * The guide's JDBC source end to end: a real broker, a real MariaDB, the Worker and
 * StandaloneHerder with the JsonConverter (schemas enabled), the connector configured with
 * Confluent's class name and keys. Checks the JSON on the topic (Confluent's shape for a Struct
 * with Decimal and Timestamp fields), incremental pickup, a worker restart resuming from the
 * offset file without duplicates, and a wrong password failing the connector with the cause.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openDbConnection } from '../../../../../src/connect/connectors/jdbc/db-connection.js';
import type { DbConnection } from '../../../../../src/connect/connectors/jdbc/db-connection.js';
import { setJdbcSourceLogger } from '../../../../../src/connect/connectors/jdbc/source/version.js';
import { defaultConnectorRegistry } from '../../../../../src/connect/connectors/registry.js';
import { MemoryStatusBackingStore } from '../../../../../src/connect/runtime/memory-status-store.js';
import { FileOffsetBackingStore } from '../../../../../src/connect/runtime/offset-store.js';
import { StandaloneHerder } from '../../../../../src/connect/runtime/standalone-herder.js';
import { Worker } from '../../../../../src/connect/runtime/worker.js';
import { silentLogger } from '../../../../../src/logging/logger.js';
import { skipUnless } from '../../../../../src/testkit/database-process.js';
import { mariaDbAvailable, startMariaDb } from '../../../../../src/testkit/mariadb-server.js';
import type { MariaDbServer } from '../../../../../src/testkit/mariadb-server.js';
import { pollUntil } from '../../../../../src/testkit/poll-until.js';
import { dumpTopic } from '../../../../../src/testkit/topic-dump.js';
import type { ConsumedRecord } from '../../../../../src/testkit/interop-dataset.js';
import { startTestBroker, type TestBroker } from '../../../../client/client-test-support.js';

const skip = skipUnless(mariaDbAvailable());

describe('JdbcSourceConnector in a standalone worker, JSON with schemas', { skip }, () => {
  let broker: TestBroker;
  let server: MariaDbServer;
  let url: string;
  let conn: DbConnection;
  let dir: string;

  before(async () => {
    setJdbcSourceLogger(silentLogger());
    broker = await startTestBroker();
    server = await startMariaDb();
    url = await server.createDatabase('mydb');
    conn = await openDbConnection({ url, user: server.user, password: server.password }, silentLogger());
    dir = mkdtempSync(join(tmpdir(), 'samsa-jdbc-source-'));
  });

  after(async () => {
    await conn?.close();
    await server?.stop();
    await broker?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function startWorker(): Promise<StandaloneHerder> {
    const offsetFile = join(dir, 'offsets.json');
    const offsetStore = new FileOffsetBackingStore(offsetFile);
    await offsetStore.start(); // loads the file, as connect-standalone does
    const worker = new Worker({
      workerConfig: {
        'bootstrap.servers': broker.bootstrap,
        'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
        'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
        'offset.storage.file.filename': offsetFile,
        'offset.flush.interval.ms': '200',
      },
      offsetStore,
      statusStore: new MemoryStatusBackingStore(),
      logger: silentLogger(),
      workerId: 'jdbc-worker:8083',
      connectors: defaultConnectorRegistry(),
    });
    const herder = new StandaloneHerder(worker, { logger: silentLogger() });
    await herder.start();
    return herder;
  }

  const topicRecords = async (topic: string, count: number): Promise<ConsumedRecord[]> =>
    pollUntil(`${count} records in ${topic}`, async () => {
      try {
        return (await dumpTopic('127.0.0.1', broker.broker.port, topic, 5000)).records;
      } catch {
        return [];
      }
    }, (records) => records.length >= count, { timeoutMs: 30_000, intervalMs: 200 });

  it('copies mydb.users to my_topic_users as Confluent\'s JSON, picks up new rows, and resumes after a restart', async () => {
    await conn.execute('CREATE TABLE users (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, name VARCHAR(40) NOT NULL, balance DECIMAL(10,2), created DATETIME(3))');
    await conn.execute(`INSERT INTO users (name, balance, created) VALUES ('alice', 123.45, '2024-01-15 08:30:00.250'), ('bob', NULL, NULL), ('Zoë 😀', -0.5, '1999-12-31 23:59:59.999')`);
    const config = {
      'connector.class': 'io.confluent.connect.jdbc.JdbcSourceConnector',
      'connection.url': url.replace('jdbc:mariadb:', 'jdbc:mysql:'), 'connection.user': server.user, 'connection.password': server.password,
      mode: 'incrementing', 'incrementing.column.name': 'id', 'table.whitelist': 'users', 'topic.prefix': 'my_topic_', 'tasks.max': '1',
      'poll.interval.ms': '200',
    };
    let herder = await startWorker();
    try {
      await herder.putConnectorConfig('my-source-connect', config, { allowReplace: false });
      const records = await topicRecords('my_topic_users', 3);
      assert.equal(records.length, 3);
      assert.equal(records[0]!.key, null);
      const first = JSON.parse(records[0]!.value!) as { schema: unknown; payload: unknown };
      assert.deepEqual(first.schema, {
        type: 'struct',
        fields: [
          { type: 'int32', optional: false, field: 'id' },
          { type: 'string', optional: false, field: 'name' },
          { type: 'bytes', optional: true, name: 'org.apache.kafka.connect.data.Decimal', version: 1, parameters: { scale: '2' }, field: 'balance' },
          { type: 'int64', optional: true, name: 'org.apache.kafka.connect.data.Timestamp', version: 1, field: 'created' },
        ],
        optional: false,
        name: 'users',
      });
      // 12345 = 0x3039 → base64 "MDk="; -50 = 0xCE → "zg=="
      assert.deepEqual(first.payload, { id: 1, name: 'alice', balance: 'MDk=', created: Date.UTC(2024, 0, 15, 8, 30, 0, 250) });
      assert.deepEqual(JSON.parse(records[1]!.value!).payload, { id: 2, name: 'bob', balance: null, created: null });
      assert.deepEqual(JSON.parse(records[2]!.value!).payload, { id: 3, name: 'Zoë 😀', balance: 'zg==', created: Date.UTC(1999, 11, 31, 23, 59, 59, 999) });

      await conn.execute(`INSERT INTO users (name) VALUES ('carol'), ('dave')`);
      const more = await topicRecords('my_topic_users', 5);
      assert.deepEqual(more.map((r) => JSON.parse(r.value!).payload.id), [1, 2, 3, 4, 5]);
      const status = await herder.connectorStatus('my-source-connect');
      assert.equal(status.connector.state, 'RUNNING');
      assert.deepEqual(status.tasks.map((t) => t.state), ['RUNNING']);
    } finally {
      await herder.stop();
    }

    // A new worker on the same offset file: only the row inserted while it was down.
    await conn.execute(`INSERT INTO users (name) VALUES ('erin')`);
    herder = await startWorker();
    try {
      await herder.putConnectorConfig('my-source-connect', config, { allowReplace: false });
      const all = await topicRecords('my_topic_users', 6);
      await new Promise((r) => setTimeout(r, 1000)); // several polls: nothing more may come
      const final = await topicRecords('my_topic_users', 6);
      assert.deepEqual(final.map((r) => JSON.parse(r.value!).payload.id), [1, 2, 3, 4, 5, 6]);
      assert.equal(all.length, 6);
    } finally {
      await herder.stop();
    }
    const stored = JSON.parse(readFileSync(join(dir, 'offsets.json'), 'utf8')) as { entries: unknown[] };
    assert.deepEqual(stored.entries, [[['my-source-connect', { protocol: '1', table: 'mydb.users' }], { incrementing: 6 }]]);
  });

  it('spreads the tables over tasks.max tasks, each copying its own tables', async () => {
    const spreadUrl = await server.createDatabase('spread');
    const spread = await openDbConnection({ url: spreadUrl, user: server.user, password: server.password }, silentLogger());
    try {
      for (const t of ['t1', 't2', 't3']) {
        await spread.execute(`CREATE TABLE ${t} (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, label VARCHAR(10) NOT NULL)`);
        await spread.execute(`INSERT INTO ${t} (label) VALUES ('${t}-a'), ('${t}-b')`);
      }
    } finally {
      await spread.close();
    }
    const herder = await startWorker();
    try {
      await herder.putConnectorConfig('spread-source', {
        'connector.class': 'JdbcSourceConnector', 'connection.url': spreadUrl, 'connection.user': server.user, 'connection.password': server.password,
        mode: 'incrementing', 'incrementing.column.name': 'id', 'topic.prefix': 'spread_', 'tasks.max': '2', 'poll.interval.ms': '200',
      }, { allowReplace: false });
      const tasks = await herder.taskConfigs('spread-source');
      assert.deepEqual(tasks.map((t) => t.config['tables']), ['`spread`.`t1`,`spread`.`t2`', '`spread`.`t3`']);
      for (const t of ['t1', 't2', 't3']) {
        const records = await topicRecords(`spread_${t}`, 2);
        assert.deepEqual(records.map((r) => JSON.parse(r.value!).payload.label), [`${t}-a`, `${t}-b`]);
      }
      const status = await pollUntil('2 running tasks', () => herder.connectorStatus('spread-source'), (s) => s.tasks.length === 2 && s.tasks.every((t) => t.state === 'RUNNING'));
      assert.equal(status.connector.state, 'RUNNING');
    } finally {
      await herder.stop();
    }
  });

  it('fails the connector with the database\'s refusal when the password is wrong', async () => {
    const herder = await startWorker();
    try {
      await herder.putConnectorConfig('bad-password', {
        'connector.class': 'JdbcSource', 'connection.url': url, 'connection.user': 'root', 'connection.password': 'wrong',
        'connection.attempts': '1', mode: 'bulk', 'topic.prefix': 'bad_',
      }, { allowReplace: false }).catch(() => undefined);
      const status = await pollUntil('the connector FAILED', () => herder.connectorStatus('bad-password'), (s) => s.connector.state === 'FAILED', { timeoutMs: 20_000 });
      assert.match(status.connector.trace ?? '', /Access denied for user 'root'@'127\.0\.0\.1' \(using password: YES\)/);
    } finally {
      await herder.stop();
    }
  });
});
