/**
 * A worker killed in the middle of a large copy: a `connect-distributed` process (the installed
 * bin) copies a 50,000-row MariaDB table through a topic into a second database (source in
 * incrementing mode with ValueToKey/ExtractField keys, sink upserting by record key). When part of
 * the rows have arrived the process gets SIGKILL — no flush, no commit, no goodbye — and a new
 * worker process is started on the same properties: the connectors come back from the config
 * topic, the source resumes from its last flushed offset, the sink from its last committed
 * consumer offset, and the re-delivered rows are upserted. The target ends with exactly the
 * source's rows, including rows inserted after the restart — nothing lost, nothing extra.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DbConnection } from '../../../../../src/connect/connectors/jdbc/db-connection.js';
import { skipUnless } from '../../../../../src/testkit/database-process.js';
import { mariaDbAvailable, startMariaDb, type MariaDbServer } from '../../../../../src/testkit/mariadb-server.js';
import { startTestBroker, type TestBroker } from '../../../../client/client-test-support.js';
import {
  comparableRows, connect, connectorStatus, httpSettled, insertRows, jsonWorkerProps, until, waitCount, waitRunning, waitTopic,
  TEST_BROKER_OPTIONS,
} from './jdbc-e2e-support.js';
import { startWorkerProcess, type WorkerProcess } from '../../../distributed/distributed-test-support.js';

const skip = skipUnless(mariaDbAvailable());

const ROWS = 50_000;
const COLUMNS = 'id, name, amount, created, note';



function rowTuple(i: number): string {
  const created = new Date(Date.UTC(2023, 5, 1) + i * 1_237).toISOString().replace('T', ' ').replace('Z', '');
  return `('row ${i}', ${((i % 100_000) / 100).toFixed(2)}, '${created}', ${i % 4 === 0 ? 'NULL' : `'n${i}'`})`;
}

describe('JDBC copy survives a SIGKILLed connect-distributed worker', { skip }, () => {
  let broker: TestBroker;
  let server: MariaDbServer;
  let source: DbConnection;
  let target: DbConnection;
  let dir: string;
  const processes: WorkerProcess[] = [];

  before(async () => {
    [broker, server] = await Promise.all([startTestBroker(TEST_BROKER_OPTIONS), startMariaDb()]);
    await server.createDatabase('big');
    await server.createDatabase('big_copy');
    source = await connect(server.urlFor('big', 'mysql'), server.user, server.password);
    target = await connect(server.urlFor('big_copy', 'mysql'), server.user, server.password);
    dir = mkdtempSync(join(tmpdir(), 'samsa-jdbc-kill-'));
  });

  after(async () => {
    for (const w of processes) if (!w.exited) w.child.kill('SIGKILL');
    await Promise.all(processes.map((w) => w.result.catch(() => undefined)));
    await source?.close();
    await target?.close();
    await server?.stop();
    await broker?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('killed mid-copy and restarted: the target ends with exactly the source\'s rows', async () => {
    await source.execute(`CREATE TABLE orders (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, name VARCHAR(40) NOT NULL,
      amount DECIMAL(10,2) NOT NULL, created DATETIME(3) NOT NULL, note VARCHAR(20) NULL)`);
    await insertRows(source, 'orders', 'name, amount, created, note', ROWS, rowTuple, 2000);

    const workerFile = join(dir, 'connect-distributed.properties');
    writeFileSync(workerFile, Object.entries(jsonWorkerProps(broker.bootstrap, 'kill')).map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
    const first = startWorkerProcess(workerFile);
    processes.push(first);
    const firstUrl = await first.url;

    // The source hands out 1,000-row pages and waits poll.interval.ms between them, so the copy takes a while.
    const sourceConfig = {
      'connector.class': 'io.confluent.connect.jdbc.JdbcSourceConnector',
      'connection.url': server.urlFor('big', 'mysql'), 'connection.user': 'root', 'connection.password': server.password,
      mode: 'incrementing', 'incrementing.column.name': 'id', 'table.whitelist': 'orders', 'topic.prefix': 'big_',
      'batch.max.rows': '500', 'poll.interval.ms': '200', 'tasks.max': '1',
      transforms: 'createKey,extractId',
      'transforms.createKey.type': 'org.apache.kafka.connect.transforms.ValueToKey', 'transforms.createKey.fields': 'id',
      'transforms.extractId.type': 'org.apache.kafka.connect.transforms.ExtractField$Key', 'transforms.extractId.field': 'id',
    };
    const sinkConfig = {
      'connector.class': 'io.confluent.connect.jdbc.JdbcSinkConnector',
      'connection.url': server.urlFor('big_copy', 'mysql'), 'connection.user': 'root', 'connection.password': server.password,
      topics: 'big_orders', 'table.name.format': 'orders', 'insert.mode': 'upsert', 'pk.mode': 'record_key', 'pk.fields': 'id',
      'auto.create': 'true', 'tasks.max': '1',
    };
    assert.equal((await httpSettled('PUT', `${firstUrl}connectors/big-source/config`, sourceConfig)).status, 201);
    await waitTopic(broker.broker.port, 'big_orders');
    assert.equal((await httpSettled('PUT', `${firstUrl}connectors/big-sink/config`, sinkConfig)).status, 201);

    // Some rows have arrived, not all: kill the worker.
    let copied = 0;
    await until('part of the rows in the target', async () => {
      try {
        copied = Number((await target.query('SELECT COUNT(*) FROM orders')).rows[0]![0]);
      } catch {
        return false;
      }
      return copied >= 5_000;
    }, 90_000);
    first.child.kill('SIGKILL');
    const killed = await first.result;
    assert.equal(killed.code, 128 + 9, 'ended by SIGKILL');
    const atKill = Number((await target.query('SELECT COUNT(*) FROM orders')).rows[0]![0]);
    assert.ok(atKill < ROWS, `the worker was killed in the middle of the copy (${atKill} of ${ROWS} rows copied)`);

    // A new worker process on the same properties: the connectors come back from the config topic and finish the copy.
    const second = startWorkerProcess(workerFile);
    processes.push(second);
    const secondUrl = await second.url;
    assert.deepEqual((await httpSettled('GET', `${secondUrl}connectors`)).body, ['big-sink', 'big-source']);
    await waitRunning(secondUrl, 'big-source', 90_000);
    await waitRunning(secondUrl, 'big-sink', 90_000);
    await insertRows(source, 'orders', 'name, amount, created, note', 1_000, rowTuple, 1000, ROWS);
    await waitCount(target, 'SELECT COUNT(*) FROM orders', ROWS + 1_000, 120_000);
    const expected = await comparableRows(source, `SELECT ${COLUMNS} FROM orders ORDER BY id`);
    assert.equal(expected.length, ROWS + 1_000);
    assert.deepEqual(await comparableRows(target, `SELECT ${COLUMNS} FROM orders ORDER BY id`), expected);
    const status = await connectorStatus(secondUrl, 'big-source');
    assert.equal(status?.tasks[0]?.worker_id, new URL(secondUrl).host);

    second.child.kill('SIGTERM');
    const stopped = await second.result;
    assert.equal(stopped.code, 0, stopped.stderr);
  });
});
