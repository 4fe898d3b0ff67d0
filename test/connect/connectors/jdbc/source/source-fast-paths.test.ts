/**
 * The JDBC source's fast paths against its general ones, on the same input: decimal text read
 * without BigDecimal.parse, DATETIME text read to milliseconds without BigInt, and MySQL pages
 * read through the text protocol (parameters inlined) against the binary protocol (prepared
 * statement) on every column type that path is used for, extremes and NULLs included; a table
 * with FLOAT and DOUBLE columns is read through the binary protocol.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BigDecimal } from '../../../../../src/connect/api/data/big-decimal.js';
import type { Struct } from '../../../../../src/connect/api/data/struct.js';
import { DataException } from '../../../../../src/connect/api/errors.js';
import { wallClockToEpochMicros, wallClockToEpochMillis } from '../../../../../src/connect/connectors/jdbc/db-time.js';
import { plainDecimal } from '../../../../../src/connect/connectors/jdbc/source/column-mapping.js';
import { createSchemaMapping, describeSourceColumns, resultColumns } from '../../../../../src/connect/connectors/jdbc/source/schema-mapping.js';
import { skipUnless } from '../../../../../src/testkit/database-process.js';
import { mariaDbAvailable } from '../../../../../src/testkit/mariadb-server.js';
import { pollRecords, silentLogger, startTask } from './source-test-support.js';
import { useMariaDbDatabase } from '../mariadb-database.js';

/** What the general path makes of decimal text, or the error's class name. */
function generalDecimal(text: string, scale: number): BigDecimal | string {
  try {
    return BigDecimal.parse(text).setScale(scale);
  } catch (e) {
    return (e as Error).constructor.name;
  }
}

describe('JDBC source fast paths without a database', () => {
  it('decimal text: plainDecimal gives what BigDecimal.parse(text).setScale(scale) gives, or leaves it to that path', () => {
    const texts = ['0', '-0', '0.00', '-0.00', '1', '-1', '12.', '.5', '-.5', '123.45', '-123.45', '999999999999999', '9999999999999.99',
      '99999999999999.99', '1234567890123456', '-999999999999.999', '1.5e3', '+1.00', '', '-', '.', '1..2', '1.2.3', ' 1.00', '1.00 ', '00012.30', '1,00'];
    for (let i = 0; i < 2000; i++) {
      const digits = String(Math.floor(Math.random() * 10 ** (1 + (i % 16))));
      const point = Math.floor(Math.random() * (digits.length + 1));
      texts.push(`${i % 3 === 0 ? '-' : ''}${digits.slice(0, point)}${point < digits.length ? '.' : ''}${digits.slice(point)}`);
    }
    let fast = 0;
    for (const text of texts) {
      for (const scale of [0, 1, 2, 3, 15]) {
        const result = plainDecimal(text, scale);
        if (result === undefined) continue;
        fast++;
        const expected = generalDecimal(text, scale);
        assert.ok(expected instanceof BigDecimal && result.equals(expected), `${text} scale ${scale}: ${result.toString()} vs ${String(expected)}`);
      }
    }
    assert.ok(fast > 1000, 'most plain texts take the fast path');
    assert.equal(plainDecimal('1234567890123456', 0), undefined, 'over 15 digits: the general path');
    assert.equal(plainDecimal('1.5', 2), undefined, 'another scale: the general path rescales');
  });

  it('DATETIME text: wallClockToEpochMillis is wallClockToEpochMicros rounded down to the millisecond', () => {
    const texts = ['1970-01-01 00:00:00', '1969-12-31 23:59:59.999999', '1969-12-31 23:59:59.9995', '2024-02-29 23:59:59.123456',
      '2024-02-29 23:59:59.1', '1000-01-01 00:00:00.000001', '9999-12-31 23:59:59.999999', '0999-06-15 12:00:00', '0001-01-01 00:00:00',
      '2024-03-31 02:30:00', '2024-10-27 02:30:00.5', '2023-02-29 10:00:00', '2024-04-31 00:00:00', '2024-01-15 08:30:00.250+05:30',
      '2024-01-15', '2024-01-15T08:30:00'];
    for (let i = 0; i < 2000; i++) {
      const d = new Date(Math.floor((Math.random() * 2 - 1) * 2e12) + Date.UTC(2000, 0, 1));
      const iso = d.toISOString();
      const frac = String(Math.floor(Math.random() * 1e6)).padStart(6, '0').slice(0, 1 + (i % 6));
      texts.push(`${iso.slice(0, 10)} ${iso.slice(11, 19)}${i % 7 === 0 ? '' : `.${frac}`}`);
    }
    for (const zone of ['UTC', 'Europe/Paris', 'America/New_York']) {
      for (const text of texts) {
        const micros = wallClockToEpochMicros(text, zone);
        const q = micros / 1000n;
        assert.equal(wallClockToEpochMillis(text, zone), Number(micros % 1000n < 0n ? q - 1n : q), `${text} in ${zone}`);
      }
    }
    for (const bad of ['0000-00-00 00:00:00', '2024-00-10 00:00:00', 'infinity']) assert.throws(() => wallClockToEpochMillis(bad, 'UTC'), DataException);
  });
});

describe('JDBC source pages through the MySQL text protocol', { skip: skipUnless(mariaDbAvailable()) }, () => {
  const db = useMariaDbDatabase('fastdb');

  it('gives the same records as the binary protocol for every column type it is used for', async () => {
    await db.conn.execute(`CREATE TABLE t (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      ti TINYINT, tiu TINYINT UNSIGNED, flag BOOLEAN, b1 BIT(1), b16 BIT(16), si SMALLINT, siu SMALLINT UNSIGNED,
      mi MEDIUMINT, miu MEDIUMINT UNSIGNED, i INT, iu INT UNSIGNED, bi BIGINT, biu BIGINT UNSIGNED,
      dec10 DECIMAL(10,2), dec0 DECIMAL(5,0), dec30 DECIMAL(30,9), d DATE, t0 TIME, t3 TIME(3), t6 TIME(6), dt0 DATETIME, dt6 DATETIME(6),
      ts3 TIMESTAMP(3) NULL, y YEAR, txt TEXT, vc VARCHAR(50), ch CHAR(3), en ENUM('a','b'), st SET('x','y'), js JSON,
      bin BLOB, vb VARBINARY(8), bn BINARY(3))`);
    await db.conn.execute(`INSERT INTO t (ti, tiu, flag, b1, b16, si, siu, mi, miu, i, iu, bi, biu, dec10, dec0, dec30, d, t0, t3, t6, dt0, dt6, ts3, y, txt, vc, ch, en, st, js, bin, vb, bn) VALUES
      (-128, 255, TRUE, b'1', b'1000000000000001', -32768, 65535, -8388608, 16777215, -2147483648, 4294967295, -9223372036854775808, 9223372036854775807,
       -12345678.91, 99999, -123456789012345678901.123456789, '1000-01-01', '23:59:59', '23:59:59.999', '00:00:00.000001', '9999-12-31 23:59:59', '1969-12-31 23:59:59.999999',
       '2038-01-19 03:14:07.999', 1901, 'Grüße, 世界 😀 \\\\ '' "', 'naïve 🚀', 'abc', 'b', 'x,y', '{"k": [1, 2]}', X'000102FEFF', X'00FF', X'0A'),
      (127, 0, FALSE, b'0', b'0', 32767, 0, 8388607, 0, 2147483647, 0, 9223372036854775807, 0,
       0.00, -0, 0.000000001, '2024-02-29', '00:00:00', '00:00:01.500', '12:34:56.123456', '2024-02-29 12:00:00', '2024-02-29 12:00:00.000000',
       '1970-01-01 00:00:01.000', 2155, '', '', '', 'a', '', '[]', X'', X'', X'000000')`);
    await db.conn.execute('INSERT INTO t (id, bi, biu) VALUES (9007199254740993, -9007199254740993, 9007199254740993)');
    const described = await describeSourceColumns(db.conn, { name: 't' });
    const sql = 'SELECT * FROM `t` WHERE `id` > ? ORDER BY `id` LIMIT 1000';
    const results = [await db.conn.query(sql, [-1n]), await db.conn.query(sql, [-1n], { inlineParameters: true })];
    const structs = results.map((result) => {
      const mapping = createSchemaMapping('t', result.columns.map((c) => c.name), described, resultColumns(result.columns), 'mysql', 'none', 'Europe/Paris', silentLogger());
      return result.rows.map((row) => mapping.toStruct(row));
    });
    assert.equal(structs[0]!.length, 3);
    assert.deepEqual(results[1]!.columns, results[0]!.columns);
    for (let i = 0; i < 3; i++) assert.ok(structs[1]![i]!.equals(structs[0]![i]), `row ${i}: ${structs[1]![i]!.toString()} vs ${structs[0]![i]!.toString()}`);
    const big = structs[0]![2]!;
    assert.equal(big.get('id'), 9007199254740993n);
    assert.equal(big.get('bi'), -9007199254740993n);
    assert.equal(big.get('biu'), 9007199254740993n);
    assert.equal(big.get('ti'), null);
  });

  it('reads a table with FLOAT and DOUBLE columns through the binary protocol: each value exactly as stored', async () => {
    await db.conn.execute('CREATE TABLE floats (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, f FLOAT, dbl DOUBLE)');
    const doubles = [Math.PI, 0.1 + 0.2, 1 / 3, -1e-300, 123456789.12345679, Number.MAX_VALUE];
    const floats = [Math.fround(Math.PI), Math.fround(1 / 3), Math.fround(0.1), Math.fround(16777217), Math.fround(-3.4e38), Math.fround(2.5)];
    for (let i = 0; i < doubles.length; i++) await db.conn.execute('INSERT INTO floats (f, dbl) VALUES (?, ?)', [floats[i], doubles[i]]);
    const { task, offsets } = await startTask({
      'connection.url': db.url, 'connection.user': db.server.user, 'connection.password': db.server.password, 'topic.prefix': 'db_', 'poll.interval.ms': '100',
      'connection.attempts': '1', mode: 'incrementing', 'incrementing.column.name': 'id', 'table.whitelist': 'floats',
    });
    try {
      const records = await pollRecords(task, offsets, doubles.length);
      assert.deepEqual(records.map((r) => (r.value as Struct).get('dbl')), doubles);
      assert.deepEqual(records.map((r) => (r.value as Struct).get('f')), floats);
    } finally {
      await task.stop();
    }
  });
});
