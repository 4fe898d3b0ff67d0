import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConnectException } from '../../../../src/connect/api/errors.js';
import { DbConnectionProvider } from '../../../../src/connect/connectors/jdbc/db-connection-provider.js';
import { openDbConnection } from '../../../../src/connect/connectors/jdbc/db-connection.js';
import type { DbConnection } from '../../../../src/connect/connectors/jdbc/db-connection.js';
import { describeColumns, listTables, quoteTable } from '../../../../src/connect/connectors/jdbc/table-metadata.js';
import { silentLogger } from '../../../../src/logging/logger.js';
import { skipUnless } from '../../../../src/testkit/database-process.js';
import { mariaDbAvailable, startMariaDb } from '../../../../src/testkit/mariadb-server.js';
import type { MariaDbServer } from '../../../../src/testkit/mariadb-server.js';
import { capturingLogger } from './log-capture.js';

const skip = skipUnless(mariaDbAvailable());

describe('DbConnection on a real MariaDB (mysql2)', { skip }, () => {
  let server: MariaDbServer;
  let url: string;
  let conn: DbConnection;

  before(async () => {
    server = await startMariaDb();
    url = await server.createDatabase('shop');
    conn = await openDbConnection({ url, user: server.user, password: server.password }, silentLogger());
  });

  after(async () => {
    await conn?.close();
    await server?.stop();
  });

  it('connects with the password from connection.password or from the URL, over jdbc:mysql:// and jdbc:mariadb://', async () => {
    assert.equal(conn.dialect, 'mysql');
    assert.equal(conn.database, 'shop');
    const { rows } = await conn.query('SELECT DATABASE(), CURRENT_USER(), @@session.time_zone');
    assert.deepEqual(rows, [['shop', 'root@%', '+00:00']]);
    const viaUrl = await openDbConnection({ url: `${server.urlFor('shop', 'mysql')}?user=root&password=${encodeURIComponent(server.password)}` }, silentLogger());
    try {
      assert.deepEqual((await viaUrl.query('SELECT DATABASE()')).rows, [['shop']]);
      assert.equal(viaUrl.url.subprotocol, 'mysql');
    } finally {
      await viaUrl.close();
    }
  });

  it('fails with a wrong password: ConnectException naming the server\'s refusal, after every attempt', async () => {
    const { logger, lines } = capturingLogger();
    await assert.rejects(
      openDbConnection({ url, user: 'root', password: 'not-the-password', attempts: 2, backoffMs: 10 }, logger),
      (err: unknown) => {
        assert.ok(err instanceof ConnectException);
        assert.match(err.message, /Access denied for user 'root'@'127\.0\.0\.1' \(using password: YES\)/);
        assert.match(err.message, /after 2 attempts/);
        assert.doesNotMatch(err.message, /not-the-password/);
        return true;
      },
    );
    const retries = lines().filter((l) => String(l.msg).startsWith('Unable to connect to database on attempt'));
    assert.deepEqual(retries.map((l) => l.msg), ['Unable to connect to database on attempt 1/2. Will retry in 10 ms.']);
  });

  it('fails for an unreachable server with the network error', async () => {
    await assert.rejects(
      openDbConnection({ url: 'jdbc:mysql://127.0.0.1:1/shop', user: 'root', password: 'x', attempts: 1 }, silentLogger()),
      (err: unknown) => {
        assert.ok(err instanceof ConnectException);
        assert.match(err.message, /connect ECONNREFUSED 127\.0\.0\.1:1/);
        assert.match(err.message, /jdbc:mysql:\/\/127\.0\.0\.1:1\/shop/);
        return true;
      },
    );
  });

  it('round-trips every common type losslessly, bound as parameters and written as literals', async () => {
    await conn.execute(`CREATE TABLE types (
      id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      i INT, bi BIGINT, ubi BIGINT UNSIGNED, dec38 DECIMAL(38,10), dbl DOUBLE, flag TINYINT(1),
      d DATE, t TIME(6), dt3 DATETIME(3), dt6 DATETIME(6), ts TIMESTAMP(6) NULL,
      txt TEXT, vc VARCHAR(100), bin BLOB, vb VARBINARY(16))`);
    const values = [
      -2147483648,
      9223372036854775807n,
      18446744073709551615n,
      '1234567890123456789012345678.0123456789',
      1.7976931348623157e308,
      1,
      '2024-02-29',
      '838:59:59.999999',
      '1999-12-31 23:59:59.999',
      '2038-01-19 03:14:07.999999',
      '2024-06-30 12:00:00.000001',
      'Grüße, 世界 😀 — emoji in TEXT',
      'naïve 🚀',
      Buffer.from([0, 1, 2, 254, 255]),
      Buffer.from('00ff', 'hex'),
    ];
    const insert = `INSERT INTO types (i, bi, ubi, dec38, dbl, flag, d, t, dt3, dt6, ts, txt, vc, bin, vb) VALUES (${values.map((_, i) => conn.placeholder(i + 1)).join(', ')})`;
    assert.equal(await conn.execute(insert, values), 1);
    assert.equal(
      await conn.execute(`INSERT INTO types (i, bi, ubi, dec38, dbl, flag, d, t, dt3, dt6, ts, txt, vc, bin, vb) VALUES
        (-2147483648, 9223372036854775807, 18446744073709551615, 1234567890123456789012345678.0123456789, 1.7976931348623157e308, 1,
         '2024-02-29', '838:59:59.999999', '1999-12-31 23:59:59.999', '2038-01-19 03:14:07.999999', '2024-06-30 12:00:00.000001',
         'Grüße, 世界 😀 — emoji in TEXT', 'naïve 🚀', X'000102FEFF', X'00FF')`),
      1,
    );
    await conn.execute('INSERT INTO types (i) VALUES (NULL)');
    const { rows, columns } = await conn.query('SELECT i, bi, ubi, dec38, dbl, flag, d, t, dt3, dt6, ts, txt, vc, bin, vb FROM types ORDER BY id');
    assert.deepEqual(rows[0], values);
    assert.deepEqual(rows[1], values);
    assert.deepEqual(rows[2], values.map(() => null));
    assert.equal(typeof rows[0]![1], 'bigint');
    // The same row found by binding its BIGINT and DECIMAL values back as parameters.
    const found = await conn.query('SELECT COUNT(*) FROM types WHERE bi = ? AND ubi = ? AND dec38 = ?', [9223372036854775807n, 18446744073709551615n, '1234567890123456789012345678.0123456789']);
    assert.deepEqual(found.rows, [[2n]]);
    assert.deepEqual(
      columns.map((c) => [c.name, c.type]),
      [['i', 'INT'], ['bi', 'BIGINT'], ['ubi', 'BIGINT UNSIGNED'], ['dec38', 'DECIMAL'], ['dbl', 'DOUBLE'], ['flag', 'TINYINT'],
        ['d', 'DATE'], ['t', 'TIME'], ['dt3', 'DATETIME'], ['dt6', 'DATETIME'], ['ts', 'TIMESTAMP'],
        ['txt', 'TEXT'], ['vc', 'VARCHAR'], ['bin', 'BLOB'], ['vb', 'VARBINARY']],
    );
    const dec = columns.find((c) => c.name === 'dec38')!;
    assert.deepEqual([dec.precision, dec.scale, dec.table], [38, 10, 'types']);
    assert.equal(columns.find((c) => c.name === 'ubi')!.unsigned, true);
    assert.equal(columns.find((c) => c.name === 'dt3')!.scale, 3);
  });

  it('writes parameters as escaped literals: quotes, backslashes, NUL, ? in values and in quoted names; also under NO_BACKSLASH_ESCAPES', async () => {
    await conn.execute('CREATE TABLE `odd?name` (`k?` INT PRIMARY KEY, `v` TEXT, `b` BLOB)');
    const texts = ["it's", 'back\\slash\\', 'quote " and \' and \\\'', 'nul \u0000 sub \u001a nl \n cr \r tab \t', 'question ? marks ??', '', 'Grüße 😀'];
    const rowsFor = (offset: number): unknown[] => texts.flatMap((t, i) => [offset + i, t, Buffer.from(t, 'utf8')]);
    const values = (n: number): string => Array.from({ length: n }, () => '(?, ?, ?)').join(', ');
    assert.equal(await conn.execute(`INSERT INTO \`odd?name\` (\`k?\`, \`v\`, \`b\`) VALUES ${values(texts.length)}`, rowsFor(0)), texts.length);
    await assert.rejects(conn.execute('INSERT INTO `odd?name` (`k?`, `v`) VALUES (?, ?)', [1]), /parameters/);
    await conn.execute("SET GLOBAL sql_mode = CONCAT(@@GLOBAL.sql_mode, ',NO_BACKSLASH_ESCAPES')");
    const strict = await openDbConnection({ url, user: server.user, password: server.password }, silentLogger());
    try {
      assert.match(String((await strict.query('SELECT @@SESSION.sql_mode')).rows[0]![0]), /NO_BACKSLASH_ESCAPES/);
      assert.equal(await strict.execute(`INSERT INTO \`odd?name\` (\`k?\`, \`v\`, \`b\`) VALUES ${values(texts.length)}`, rowsFor(100)), texts.length);
    } finally {
      await strict.close();
      await conn.execute("SET GLOBAL sql_mode = REPLACE(@@GLOBAL.sql_mode, 'NO_BACKSLASH_ESCAPES', '')");
    }
    const { rows } = await conn.query('SELECT `k?`, `v`, `b` FROM `odd?name` ORDER BY `k?`');
    assert.deepEqual(rows, [...texts.map((t, i) => [i, t, Buffer.from(t, 'utf8')]), ...texts.map((t, i) => [100 + i, t, Buffer.from(t, 'utf8')])]);
    await conn.execute('DROP TABLE `odd?name`');
  });

  it('reads TIMESTAMP in UTC and binds a Date as its UTC time', async () => {
    await conn.execute('CREATE TABLE instants (ts TIMESTAMP(3) NULL, dt DATETIME(3))');
    const instant = new Date(Date.UTC(2024, 0, 15, 8, 30, 0, 250));
    await conn.execute('INSERT INTO instants VALUES (?, ?)', [instant, instant]);
    const { rows } = await conn.query('SELECT ts, dt, UNIX_TIMESTAMP(ts) FROM instants');
    assert.deepEqual(rows, [['2024-01-15 08:30:00.250', '2024-01-15 08:30:00.250', '1705307400.250']]);
  });

  it('commits a transaction that succeeds and rolls back one that throws', async () => {
    await conn.execute('CREATE TABLE ledger (id INT PRIMARY KEY, amount DECIMAL(10,2)) ENGINE=InnoDB');
    const result = await conn.transaction(async (tx) => {
      await tx.execute('INSERT INTO ledger VALUES (?, ?)', [1, '10.00']);
      return tx.execute('INSERT INTO ledger VALUES (?, ?)', [2, '20.00']);
    });
    assert.equal(result, 1);
    await assert.rejects(
      conn.transaction(async (tx) => {
        await tx.execute('INSERT INTO ledger VALUES (?, ?)', [3, '30.00']);
        await tx.execute('INSERT INTO ledger VALUES (?, ?)', [1, 'duplicate']);
      }),
      /Duplicate entry '1' for key 'PRIMARY'|Incorrect decimal value/,
    );
    assert.deepEqual((await conn.query('SELECT id, amount FROM ledger ORDER BY id')).rows, [[1, '10.00'], [2, '20.00']]);
    // The connection is usable after the rollback, outside any transaction.
    assert.equal(await conn.execute('DELETE FROM ledger WHERE id = ?', [2]), 1);
  });

  it('lists tables and views of the connected database and describes columns', async () => {
    await server.createDatabase('other');
    await server.query('CREATE TABLE other.elsewhere (x INT)');
    await conn.execute(`CREATE TABLE users (
      id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT, tenant INT NOT NULL, name VARCHAR(64) NOT NULL,
      balance DECIMAL(12,3) NULL DEFAULT 0, created DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), note TEXT,
      PRIMARY KEY (tenant, id), KEY (id))`);
    await conn.execute('CREATE VIEW user_names AS SELECT name FROM users');
    const tables = await listTables(conn, { tableTypes: ['TABLE'] });
    assert.deepEqual(tables.map((t) => t.name), ['instants', 'ledger', 'types', 'users']);
    assert.deepEqual(tables[0], { catalog: 'shop', name: 'instants' });
    const withViews = await listTables(conn, { tableTypes: ['TABLE', 'VIEW'] });
    assert.ok(withViews.some((t) => t.name === 'user_names'));
    assert.deepEqual((await listTables(conn, { catalogPattern: 'oth%', tableTypes: ['TABLE'] })), [{ catalog: 'other', name: 'elsewhere' }]);

    const columns = await describeColumns(conn, { catalog: 'shop', name: 'users' });
    assert.deepEqual(
      columns.map((c) => [c.name, c.type, c.nullable, c.primaryKey, c.autoIncrement]),
      [
        ['id', 'BIGINT UNSIGNED', false, true, true],
        ['tenant', 'INT', false, true, false],
        ['name', 'VARCHAR', false, false, false],
        ['balance', 'DECIMAL', true, false, false],
        ['created', 'DATETIME', false, false, false],
        ['note', 'TEXT', true, false, false],
      ],
    );
    const balance = columns.find((c) => c.name === 'balance')!;
    assert.deepEqual([balance.precision, balance.scale, balance.defaultValue], [12, 3, '0.000']);
    assert.equal(columns.find((c) => c.name === 'created')!.scale, 3);
    assert.equal(columns.find((c) => c.name === 'name')!.length, 64);
    assert.deepEqual(await describeColumns(conn, { name: 'users' }), columns, 'without a catalog: the connected database');
    assert.deepEqual(await describeColumns(conn, { name: 'missing' }), []);
    assert.equal(quoteTable(conn, { catalog: 'shop', name: 'we`ird' }), '`shop`.`we``ird`');
  });
  it('DbConnectionProvider keeps its connection while it works and replaces it after the server killed it', async () => {
    const provider = new DbConnectionProvider({ url, user: server.user, password: server.password, attempts: 1 }, silentLogger());
    try {
      const a = await provider.connection();
      const first = (await a.query('SELECT CONNECTION_ID()')).rows[0]![0];
      assert.equal(await provider.connection(), a, 'the same connection while it works');
      await server.query(`KILL ${first}`);
      const b = await provider.connection();
      assert.notEqual(b, a);
      const second = (await b.query('SELECT CONNECTION_ID()')).rows[0]![0];
      assert.notEqual(second, first);
      await assert.rejects(a.query('SELECT 1'), 'the killed connection is closed');
    } finally {
      await provider.close();
    }
  });
  it('DbConnectionProvider skips the validity check right after a successful use, and checks again after a failed one', async () => {
    // A bypass window no test run can outlast, so the assertions do not depend on timing.
    const provider = new DbConnectionProvider({ url, user: server.user, password: server.password, attempts: 1 }, silentLogger(), 5000, 600_000);
    try {
      const a = await provider.connection();
      const first = (await a.query('SELECT CONNECTION_ID()')).rows[0]![0];
      provider.used(true);
      await server.query(`KILL ${first}`);
      assert.equal(await provider.connection(), a, 'handed out without a round trip after a successful use');
      await assert.rejects(a.query('SELECT 1'), 'the statement finds the connection broken');
      provider.used(false);
      const b = await provider.connection();
      assert.notEqual(b, a, 'checked after the failed use, and replaced');
      assert.notEqual((await b.query('SELECT CONNECTION_ID()')).rows[0]![0], first);
    } finally {
      await provider.close();
    }
  });
});
