import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConnectException } from '../../../../src/connect/api/errors.js';
import { DbConnectionProvider } from '../../../../src/connect/connectors/jdbc/db-connection-provider.js';
import { openDbConnection } from '../../../../src/connect/connectors/jdbc/db-connection.js';
import type { DbConnection } from '../../../../src/connect/connectors/jdbc/db-connection.js';
import { describeColumns, listTables, quoteTable } from '../../../../src/connect/connectors/jdbc/table-metadata.js';
import { silentLogger } from '../../../../src/logging/logger.js';
import { skipUnless } from '../../../../src/testkit/database-process.js';
import { postgresAvailable, startPostgres } from '../../../../src/testkit/postgres-server.js';
import type { PostgresServer } from '../../../../src/testkit/postgres-server.js';
import { capturingLogger } from './log-capture.js';

const skip = skipUnless(postgresAvailable());

describe('DbConnection on a real PostgreSQL (pg)', { skip }, () => {
  let server: PostgresServer;
  let url: string;
  let conn: DbConnection;

  before(async () => {
    server = await startPostgres();
    url = await server.createDatabase('shop');
    conn = await openDbConnection({ url, user: server.user, password: server.password }, silentLogger());
  });

  after(async () => {
    await conn?.close();
    await server?.stop();
  });

  it('connects with the password from connection.password or from the URL', async () => {
    assert.equal(conn.dialect, 'postgresql');
    assert.equal(conn.database, 'shop');
    const { rows } = await conn.query("SELECT current_database(), current_user, current_setting('TimeZone')");
    assert.deepEqual(rows, [['shop', 'postgres', 'UTC']]);
    const viaUrl = await openDbConnection({ url: `${url}?user=postgres&password=${encodeURIComponent(server.password)}&currentSchema=app` }, silentLogger());
    try {
      assert.deepEqual((await viaUrl.query('SELECT current_database(), current_user')).rows, [['shop', 'postgres']]);
      assert.deepEqual((await viaUrl.query("SELECT current_setting('search_path')")).rows, [['app']]);
    } finally {
      await viaUrl.close();
    }
  });

  it('fails with a wrong password: ConnectException naming the server\'s refusal, after every attempt', async () => {
    const { logger, lines } = capturingLogger();
    await assert.rejects(
      openDbConnection({ url, user: 'postgres', password: 'not-the-password', attempts: 3, backoffMs: 10 }, logger),
      (err: unknown) => {
        assert.ok(err instanceof ConnectException);
        assert.match(err.message, /password authentication failed for user "postgres"/);
        assert.match(err.message, /after 3 attempts/);
        assert.doesNotMatch(err.message, /not-the-password/);
        return true;
      },
    );
    const retries = lines().filter((l) => String(l.msg).startsWith('Unable to connect to database on attempt'));
    assert.equal(retries.length, 2);
  });

  it('fails for an unreachable server with the network error', async () => {
    await assert.rejects(
      openDbConnection({ url: 'jdbc:postgresql://127.0.0.1:1/shop', user: 'postgres', password: 'x', attempts: 1 }, silentLogger()),
      (err: unknown) => {
        assert.ok(err instanceof ConnectException);
        assert.match(err.message, /connect ECONNREFUSED 127\.0\.0\.1:1/);
        return true;
      },
    );
  });

  it('round-trips every common type losslessly, bound as parameters and written as literals', async () => {
    await conn.execute(`CREATE TABLE types (
      id SERIAL PRIMARY KEY,
      i INTEGER, bi BIGINT, dec38 NUMERIC(38,10), big_numeric NUMERIC, dbl DOUBLE PRECISION, flag BOOLEAN,
      d DATE, t TIME(6), ts3 TIMESTAMP(3), ts6 TIMESTAMP(6), tstz TIMESTAMPTZ,
      txt TEXT, vc VARCHAR(100), bin BYTEA)`);
    const values = [
      -2147483648,
      9223372036854775807n,
      '1234567890123456789012345678.0123456789',
      '-99999999999999999999999999999999999999999.000000000000000000001',
      1.7976931348623157e308,
      true,
      '2024-02-29',
      '23:59:59.999999',
      '1999-12-31 23:59:59.999',
      '2038-01-19 03:14:07.999999',
      '2024-06-30 12:00:00.000001+00',
      'Grüße, 世界 😀 — emoji in TEXT',
      'naïve 🚀',
      Buffer.from([0, 1, 2, 254, 255]),
    ];
    const names = 'i, bi, dec38, big_numeric, dbl, flag, d, t, ts3, ts6, tstz, txt, vc, bin';
    assert.equal(await conn.execute(`INSERT INTO types (${names}) VALUES (${values.map((_, i) => conn.placeholder(i + 1)).join(', ')})`, values), 1);
    assert.equal(
      await conn.execute(`INSERT INTO types (${names}) VALUES
        (-2147483648, 9223372036854775807, 1234567890123456789012345678.0123456789,
         -99999999999999999999999999999999999999999.000000000000000000001, 1.7976931348623157e308, TRUE,
         '2024-02-29', '23:59:59.999999', '1999-12-31 23:59:59.999', '2038-01-19 03:14:07.999999',
         '2024-06-30 14:00:00.000001+02', 'Grüße, 世界 😀 — emoji in TEXT', 'naïve 🚀', '\\x000102feff')`),
      1,
    );
    await conn.execute('INSERT INTO types (i) VALUES (NULL)');
    const { rows, columns } = await conn.query(`SELECT ${names} FROM types ORDER BY id`);
    assert.deepEqual(rows[0], values);
    assert.deepEqual(rows[1], values, 'the +02 literal reads back in UTC');
    assert.deepEqual(rows[2], values.map(() => null));
    const found = await conn.query('SELECT COUNT(*) FROM types WHERE bi = $1 AND dec38 = $2', [9223372036854775807n, '1234567890123456789012345678.0123456789']);
    assert.deepEqual(found.rows, [[2n]]);
    assert.deepEqual(
      columns.map((c) => [c.name, c.type, c.table]),
      [['i', 'int4', 'types'], ['bi', 'int8', 'types'], ['dec38', 'numeric', 'types'], ['big_numeric', 'numeric', 'types'],
        ['dbl', 'float8', 'types'], ['flag', 'bool', 'types'], ['d', 'date', 'types'], ['t', 'time', 'types'],
        ['ts3', 'timestamp', 'types'], ['ts6', 'timestamp', 'types'], ['tstz', 'timestamptz', 'types'],
        ['txt', 'text', 'types'], ['vc', 'varchar', 'types'], ['bin', 'bytea', 'types']],
    );
    const dec = columns.find((c) => c.name === 'dec38')!;
    assert.deepEqual([dec.precision, dec.scale, dec.nullable], [38, 10, true]);
    const unconstrained = columns.find((c) => c.name === 'big_numeric')!;
    assert.deepEqual([unconstrained.precision, unconstrained.scale], [undefined, undefined]);
    assert.equal(columns.find((c) => c.name === 'ts3')!.scale, 3);
    assert.equal(columns.find((c) => c.name === 'vc')!.precision, 100);
  });

  it('binds a Date as its UTC time and reads timestamptz in UTC', async () => {
    await conn.execute('CREATE TABLE instants (tstz TIMESTAMPTZ(3), ts TIMESTAMP(3))');
    const instant = new Date(Date.UTC(2024, 0, 15, 8, 30, 0, 250));
    await conn.execute('INSERT INTO instants VALUES ($1, $2)', [instant, instant]);
    const { rows } = await conn.query('SELECT tstz, ts, EXTRACT(EPOCH FROM tstz)::text FROM instants');
    assert.deepEqual(rows, [['2024-01-15 08:30:00.25+00', '2024-01-15 08:30:00.25', '1705307400.250000']]);
  });

  it('commits a transaction that succeeds and rolls back one that throws', async () => {
    await conn.execute('CREATE TABLE ledger (id INT PRIMARY KEY, amount NUMERIC(10,2))');
    await conn.transaction(async (tx) => {
      await tx.execute('INSERT INTO ledger VALUES ($1, $2)', [1, '10.00']);
      await tx.execute('INSERT INTO ledger VALUES ($1, $2)', [2, '20.00']);
    });
    await assert.rejects(
      conn.transaction(async (tx) => {
        await tx.execute('INSERT INTO ledger VALUES ($1, $2)', [3, '30.00']);
        await tx.execute('INSERT INTO ledger VALUES ($1, $2)', [1, '11.00']);
      }),
      /duplicate key value violates unique constraint "ledger_pkey"/,
    );
    assert.deepEqual((await conn.query('SELECT id, amount FROM ledger ORDER BY id')).rows, [[1, '10.00'], [2, '20.00']]);
    assert.equal(await conn.execute('DELETE FROM ledger WHERE id = $1', [2]), 1);
  });

  it('lists tables and views across schemas and describes columns', async () => {
    await conn.execute('CREATE SCHEMA app');
    await conn.execute(`CREATE TABLE app.users (
      id BIGSERIAL, tenant INT NOT NULL, name VARCHAR(64) NOT NULL, balance NUMERIC(12,3) DEFAULT 0,
      created TIMESTAMPTZ(3) NOT NULL DEFAULT now(), note TEXT, code INT GENERATED ALWAYS AS IDENTITY,
      PRIMARY KEY (tenant, id))`);
    await conn.execute('CREATE VIEW app.user_names AS SELECT name FROM app.users');
    const tables = await listTables(conn, { tableTypes: ['TABLE'] });
    assert.deepEqual(tables.map((t) => `${t.schema}.${t.name}`), ['app.users', 'public.instants', 'public.ledger', 'public.types']);
    assert.deepEqual(tables[0], { catalog: 'shop', schema: 'app', name: 'users' });
    assert.deepEqual((await listTables(conn, { schemaPattern: 'app', tableTypes: ['TABLE', 'VIEW'] })).map((t) => t.name), ['user_names', 'users']);
    assert.deepEqual(await listTables(conn, { catalogPattern: 'elsewhere', tableTypes: ['TABLE'] }), []);

    const columns = await describeColumns(conn, { schema: 'app', name: 'users' });
    assert.deepEqual(
      columns.map((c) => [c.name, c.type, c.nullable, c.primaryKey, c.autoIncrement]),
      [
        ['id', 'int8', false, true, true],
        ['tenant', 'int4', false, true, false],
        ['name', 'varchar', false, false, false],
        ['balance', 'numeric', true, false, false],
        ['created', 'timestamptz', false, false, false],
        ['note', 'text', true, false, false],
        ['code', 'int4', false, false, true],
      ],
    );
    const balance = columns.find((c) => c.name === 'balance')!;
    assert.deepEqual([balance.precision, balance.scale, balance.defaultValue], [12, 3, '0']);
    assert.equal(columns.find((c) => c.name === 'created')!.scale, 3);
    assert.equal(columns.find((c) => c.name === 'name')!.length, 64);
    assert.deepEqual((await describeColumns(conn, { name: 'ledger' })).map((c) => c.name), ['id', 'amount'], 'without a schema: the current schema');
    assert.deepEqual(await describeColumns(conn, { schema: 'app', name: 'missing' }), []);
    assert.equal(quoteTable(conn, { catalog: 'shop', schema: 'app', name: 'we"ird' }), '"app"."we""ird"');
  });
  it('DbConnectionProvider keeps its connection while it works and replaces it after the server killed it', async () => {
    const provider = new DbConnectionProvider({ url, user: server.user, password: server.password, attempts: 1 }, silentLogger());
    try {
      const a = await provider.connection();
      const first = (await a.query('SELECT pg_backend_pid()')).rows[0]![0];
      assert.equal(await provider.connection(), a, 'the same connection while it works');
      await server.query(`SELECT pg_terminate_backend(${first})`);
      const b = await provider.connection();
      assert.notEqual(b, a);
      const second = (await b.query('SELECT pg_backend_pid()')).rows[0]![0];
      assert.notEqual(second, first);
      await assert.rejects(a.query('SELECT 1'), 'the killed connection is closed');
    } finally {
      await provider.close();
    }
  });
});
