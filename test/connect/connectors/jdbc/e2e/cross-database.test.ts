/**
 * MariaDB → PostgreSQL and PostgreSQL → MariaDB through one distributed worker (REST API, JSON
 * with schemas): a table with a column of each kind (integers of every size at their limits,
 * decimals, dates, times, timestamps incl. MySQL TIMESTAMP and PostgreSQL timestamptz, text with
 * unicode and emoji, NULLs, binary) is copied by the JDBC source into a topic and by the JDBC sink
 * (auto.create) into the other database. The created column types and every value are compared
 * column by column, the values read back from both databases.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DbConnection } from '../../../../../src/connect/connectors/jdbc/db-connection.js';
import { startDistributedWorker, type Distributed } from '../../../../../src/connect/runtime/distributed.js';
import { silentLogger } from '../../../../../src/logging/logger.js';
import { skipUnless } from '../../../../../src/testkit/database-process.js';
import { mariaDbAvailable, startMariaDb, type MariaDbServer } from '../../../../../src/testkit/mariadb-server.js';
import { postgresAvailable, startPostgres, type PostgresServer } from '../../../../../src/testkit/postgres-server.js';
import { startTestBroker, type TestBroker } from '../../../../client/client-test-support.js';
import { connect, httpSettled, jsonWorkerProps, silenceJdbcConnectors, waitCount, waitRunning, waitTopic, TEST_BROKER_OPTIONS } from './jdbc-e2e-support.js';

const skip = skipUnless(mariaDbAvailable()) || skipUnless(postgresAvailable());

/** How a column's values compare across the two databases. */
type Kind = 'int' | 'decimal' | 'date' | 'time' | 'timestamp' | 'text' | 'bytes' | 'double' | 'bool';

/** A value read from either database in one canonical text per kind. */
function canonical(kind: Kind, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  switch (kind) {
    case 'int':
    case 'double':
      return String(value);
    case 'bool':
      return value === true || value === 1 ? 'true' : value === false || value === 0 ? 'false' : `?${String(value)}`;
    case 'decimal': {
      // Same number, whatever the scale the column keeps: no trailing fraction zeros.
      const s = String(value);
      return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
    }
    case 'date':
      return String(value);
    case 'time':
      // '12:34:56.700' and '12:34:56.7' are the same time of day: milliseconds, 3 digits.
      return String(value).replace(/^(\d+:\d\d:\d\d)(?:\.(\d*))?$/, (_, hms: string, frac?: string) => `${hms}.${(frac ?? '').padEnd(3, '0').slice(0, 3)}`);
    case 'timestamp': {
      // Wall-clock text is UTC here (db.timezone UTC, sessions in UTC); timestamptz ends with +00.
      const s = String(value).replace(' ', 'T').replace(/\+00(:00)?$/, '');
      const ms = Date.parse(`${s}Z`);
      return Number.isNaN(ms) ? `?${String(value)}` : new Date(ms).toISOString();
    }
    case 'text':
      return String(value);
    case 'bytes':
      return Buffer.isBuffer(value) ? value.toString('hex') : `?${String(value)}`;
  }
}

/** Asserts that `columns` hold the same values in both result sets, one column at a time (rows in id order). */
async function assertSameColumns(source: DbConnection, sourceSql: string, target: DbConnection, targetSql: string, columns: ReadonlyArray<[string, Kind]>): Promise<void> {
  const from = (await source.query(sourceSql)).rows;
  const to = (await target.query(targetSql)).rows;
  assert.equal(to.length, from.length, 'row count');
  columns.forEach(([name, kind], c) => {
    assert.deepEqual(to.map((r) => canonical(kind, r[c])), from.map((r) => canonical(kind, r[c])), `column ${name} (${kind})`);
  });
}

describe('JDBC across databases: MariaDB → PostgreSQL and PostgreSQL → MariaDB', { skip }, () => {
  let broker: TestBroker;
  let maria: MariaDbServer;
  let postgres: PostgresServer;
  let worker: Distributed;
  let mariaUrl: string;
  let pgUrl: string;
  let mariaConn: DbConnection;
  let pgConn: DbConnection;

  before(async () => {
    silenceJdbcConnectors();
    [broker, maria, postgres] = await Promise.all([startTestBroker(TEST_BROKER_OPTIONS), startMariaDb(), startPostgres()]);
    mariaUrl = await maria.createDatabase('shop');
    pgUrl = await postgres.createDatabase('shop');
    mariaConn = await connect(mariaUrl, maria.user, maria.password);
    pgConn = await connect(pgUrl, postgres.user, postgres.password);
    worker = await startDistributedWorker(jsonWorkerProps(broker.bootstrap, 'cross'), silentLogger());
  });

  after(async () => {
    await worker?.stop();
    await mariaConn?.close();
    await pgConn?.close();
    await maria?.stop();
    await postgres?.stop();
    await broker?.close();
  });

  const sourceConfig = (url: string, user: string, password: string, table: string, prefix: string): Record<string, string> => ({
    'connector.class': 'io.confluent.connect.jdbc.JdbcSourceConnector', 'connection.url': url, 'connection.user': user,
    'connection.password': password, mode: 'incrementing', 'incrementing.column.name': 'id', 'table.whitelist': table,
    'topic.prefix': prefix, 'tasks.max': '1', 'poll.interval.ms': '200',
  });
  const sinkConfig = (url: string, user: string, password: string, topic: string): Record<string, string> => ({
    'connector.class': 'io.confluent.connect.jdbc.JdbcSinkConnector', 'connection.url': url, 'connection.user': user,
    'connection.password': password, topics: topic, 'auto.create': 'true', 'auto.evolve': 'true',
    'insert.mode': 'insert', 'tasks.max': '1',
  });

  it('MariaDB → PostgreSQL: every column type maps and every value arrives', async () => {
    await mariaConn.execute(`CREATE TABLE kinds (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      i8 TINYINT, i16 SMALLINT, i24 MEDIUMINT, i32 INT, i64 BIGINT, u8 TINYINT UNSIGNED, u32 INT UNSIGNED,
      dec_a DECIMAL(20,6), dec_b DECIMAL(5,0), dbl DOUBLE, d DATE, t TIME(3), dt DATETIME(3), ts TIMESTAMP(3) NULL,
      txt TEXT, vc VARCHAR(100), bl BLOB, vb VARBINARY(16), nothing INT NULL)`);
    await mariaConn.execute(`INSERT INTO kinds (i8, i16, i24, i32, i64, u8, u32, dec_a, dec_b, dbl, d, t, dt, ts, txt, vc, bl, vb, nothing) VALUES
      (-128, -32768, -8388608, -2147483648, -9223372036854775808, 0, 0, -99999999999999.999999, -99999, -1.5e300,
        '1000-01-01', '00:00:00.000', '1000-01-01 00:00:00.000', '1970-01-01 00:00:01.000', '', 'a', X'', X'00', NULL),
      (127, 32767, 8388607, 2147483647, 9223372036854775807, 255, 4294967295, 99999999999999.999999, 99999, 2.25,
        '9999-12-31', '23:59:59.999', '9999-12-31 23:59:59.999', '2038-01-19 03:14:07.999', 'Zoë ✓ 中文 😀🎉', 'ünïcödé 𝄞',
        X'00FF10DEADBEEF', X'CAFEBABE', NULL),
      (0, 0, 0, 0, 0, 7, 7, 0.000001, 0, 0, '2024-02-29', '12:34:56.700', '2024-02-29 12:34:56.789', '2024-02-29 12:34:56.789',
        'line\\nbreak \\'quoted\\' \\\\ backslash', 'tab\\there', X'0A0D', NULL, NULL),
      (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`);
    assert.equal((await httpSettled('PUT', `${worker.url}connectors/maria-kinds/config`, sourceConfig(mariaUrl, maria.user, maria.password, 'kinds', 'm2p_'))).status, 201);
    await waitTopic(broker.broker.port, 'm2p_kinds');
    assert.equal((await httpSettled('PUT', `${worker.url}connectors/pg-kinds-sink/config`, sinkConfig(pgUrl, postgres.user, postgres.password, 'm2p_kinds'))).status, 201);
    await waitRunning(worker.url, 'maria-kinds');
    await waitRunning(worker.url, 'pg-kinds-sink');
    await waitCount(pgConn, 'SELECT COUNT(*) FROM m2p_kinds', 4);

    const types = (await pgConn.query(`SELECT column_name, data_type, is_nullable FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = 'm2p_kinds' ORDER BY ordinal_position`)).rows;
    assert.deepEqual(types, [
      ['id', 'integer', 'NO'],
      ['i8', 'smallint', 'YES'], ['i16', 'smallint', 'YES'], ['i24', 'integer', 'YES'], ['i32', 'integer', 'YES'], ['i64', 'bigint', 'YES'],
      ['u8', 'smallint', 'YES'], ['u32', 'bigint', 'YES'],
      ['dec_a', 'numeric', 'YES'], ['dec_b', 'numeric', 'YES'], ['dbl', 'double precision', 'YES'],
      ['d', 'date', 'YES'], ['t', 'time without time zone', 'YES'], ['dt', 'timestamp without time zone', 'YES'], ['ts', 'timestamp without time zone', 'YES'],
      ['txt', 'text', 'YES'], ['vc', 'text', 'YES'], ['bl', 'bytea', 'YES'], ['vb', 'bytea', 'YES'], ['nothing', 'integer', 'YES'],
    ]);
    const columns: Array<[string, Kind]> = [
      ['id', 'int'], ['i8', 'int'], ['i16', 'int'], ['i24', 'int'], ['i32', 'int'], ['i64', 'int'], ['u8', 'int'], ['u32', 'int'],
      ['dec_a', 'decimal'], ['dec_b', 'decimal'], ['dbl', 'double'], ['d', 'date'], ['t', 'time'], ['dt', 'timestamp'], ['ts', 'timestamp'],
      ['txt', 'text'], ['vc', 'text'], ['bl', 'bytes'], ['vb', 'bytes'], ['nothing', 'int'],
    ];
    const list = columns.map(([c]) => c).join(', ');
    await assertSameColumns(mariaConn, `SELECT ${list} FROM kinds ORDER BY id`, pgConn, `SELECT ${list} FROM m2p_kinds ORDER BY id`, columns);
    // Spot checks against literal values, so that a shared misreading cannot pass.
    const row = (await pgConn.query('SELECT i64, dec_a, txt, bl, ts FROM m2p_kinds WHERE id = 2')).rows[0]!;
    assert.deepEqual(row, [9223372036854775807n, '99999999999999.999999', 'Zoë ✓ 中文 😀🎉', Buffer.from('00ff10deadbeef', 'hex'), '2038-01-19 03:14:07.999']);
  });

  it('PostgreSQL → MariaDB: every column type maps (timestamptz as UTC) and every value arrives', async () => {
    await pgConn.execute(`CREATE TABLE kinds (id SERIAL PRIMARY KEY, i16 SMALLINT, i32 INTEGER, i64 BIGINT,
      dec_a NUMERIC(20,6), dec_b NUMERIC(5,0), dbl DOUBLE PRECISION, flag BOOLEAN, d DATE, t TIME(3), ts TIMESTAMP(3), tz TIMESTAMPTZ(3),
      txt TEXT, vc VARCHAR(100), raw BYTEA, nothing INTEGER)`);
    await pgConn.execute(`INSERT INTO kinds (i16, i32, i64, dec_a, dec_b, dbl, flag, d, t, ts, tz, txt, vc, raw, nothing) VALUES
      (-32768, -2147483648, -9223372036854775808, -99999999999999.999999, -99999, -1.5e300, false,
        '1000-01-01', '00:00:00', '1000-01-01 00:00:00', '1970-01-01 00:00:00+00', '', 'a', '\\x', NULL),
      (32767, 2147483647, 9223372036854775807, 99999999999999.999999, 99999, 2.25, true,
        '9999-12-31', '23:59:59.999', '9999-12-31 23:59:59.999', '2038-01-19 05:14:07.999+02', 'Zoë ✓ 中文 😀🎉', 'ünïcödé 𝄞', '\\x00ff10deadbeef', NULL),
      (0, 0, 0, 0.000001, 0, 0, NULL, '2024-02-29', '12:34:56.7', '2024-02-29 12:34:56.789', '2024-02-29 12:34:56.789-05:30',
        E'line\\nbreak ''quoted'' \\\\ backslash', E'tab\\there', '\\x0a0d', NULL),
      (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`);
    assert.equal((await httpSettled('PUT', `${worker.url}connectors/pg-kinds/config`, sourceConfig(pgUrl, postgres.user, postgres.password, 'kinds', 'p2m_'))).status, 201);
    await waitTopic(broker.broker.port, 'p2m_kinds');
    assert.equal((await httpSettled('PUT', `${worker.url}connectors/maria-kinds-sink/config`, sinkConfig(mariaUrl.replace('jdbc:mariadb:', 'jdbc:mysql:'), maria.user, maria.password, 'p2m_kinds'))).status, 201);
    await waitRunning(worker.url, 'pg-kinds');
    await waitRunning(worker.url, 'maria-kinds-sink');
    await waitCount(mariaConn, 'SELECT COUNT(*) FROM p2m_kinds', 4);

    const types = (await mariaConn.query(`SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'p2m_kinds' ORDER BY ORDINAL_POSITION`)).rows;
    assert.deepEqual(types, [
      ['id', 'int(11)', 'NO'], ['i16', 'smallint(6)', 'YES'], ['i32', 'int(11)', 'YES'], ['i64', 'bigint(20)', 'YES'],
      ['dec_a', 'decimal(65,6)', 'YES'], ['dec_b', 'decimal(65,0)', 'YES'], ['dbl', 'double', 'YES'], ['flag', 'tinyint(4)', 'YES'],
      ['d', 'date', 'YES'], ['t', 'time(3)', 'YES'], ['ts', 'datetime(3)', 'YES'], ['tz', 'datetime(3)', 'YES'],
      ['txt', 'text', 'YES'], ['vc', 'text', 'YES'], ['raw', 'blob', 'YES'], ['nothing', 'int(11)', 'YES'],
    ]);
    const columns: Array<[string, Kind]> = [
      ['id', 'int'], ['i16', 'int'], ['i32', 'int'], ['i64', 'int'], ['dec_a', 'decimal'], ['dec_b', 'decimal'], ['dbl', 'double'],
      ['flag', 'bool'], ['d', 'date'], ['t', 'time'], ['ts', 'timestamp'], ['tz', 'timestamp'], ['txt', 'text'], ['vc', 'text'],
      ['raw', 'bytes'], ['nothing', 'int'],
    ];
    const list = columns.map(([c]) => c).join(', ');
    await assertSameColumns(pgConn, `SELECT ${list} FROM kinds ORDER BY id`, mariaConn, `SELECT ${list} FROM p2m_kinds ORDER BY id`, columns);
    const row = (await mariaConn.query('SELECT i64, dec_a, txt, raw, tz FROM p2m_kinds WHERE id = 2')).rows[0]!;
    assert.deepEqual(row, [9223372036854775807n, '99999999999999.999999', 'Zoë ✓ 中文 😀🎉', Buffer.from('00ff10deadbeef', 'hex'), '2038-01-19 03:14:07.999']);
    const zoned = (await mariaConn.query('SELECT tz FROM p2m_kinds WHERE id = 3')).rows[0]![0];
    assert.equal(zoned, '2024-02-29 18:04:56.789', 'timestamptz -05:30 lands as its UTC instant');
  });
});
