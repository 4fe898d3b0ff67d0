/**
 * The JDBC sink's statements written as text on MySQL/MariaDB (BufferedRecords builds each row's
 * literals itself when the connection inlines parameters) against the general path (placeholders
 * and parameter arrays, inlined by the connection): the same SQL text, statement by statement,
 * and the same rows in the database, on values that are hard to quote (quotes, backslashes, NUL,
 * unicode, bytes, NULLs, decimals, instants before 1970, other zones), with repeated keys.
 * Also the connection's literals against mysql2's own escaping in both sql_modes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as mysql from 'mysql2/promise';
import { BigDecimal } from '../../../../../src/connect/api/data/big-decimal.js';
import { SinkRecord } from '../../../../../src/connect/api/data/connect-record.js';
import { ConnectDate, Decimal, Time, Timestamp } from '../../../../../src/connect/api/data/logical.js';
import { Schema } from '../../../../../src/connect/api/data/schema.js';
import { SchemaBuilder } from '../../../../../src/connect/api/data/schema-builder.js';
import { Struct } from '../../../../../src/connect/api/data/struct.js';
import { bindValue, type DbConnection } from '../../../../../src/connect/connectors/jdbc/db-connection.js';
import { inlineParameters, mysqlLiteral } from '../../../../../src/connect/connectors/jdbc/mysql-connection.js';
import { BufferedRecords } from '../../../../../src/connect/connectors/jdbc/sink/buffered-records.js';
import { DbStructure } from '../../../../../src/connect/connectors/jdbc/sink/db-structure.js';
import { JdbcSinkConfig } from '../../../../../src/connect/connectors/jdbc/sink/jdbc-sink-config.js';
import { MySqlSinkDialect } from '../../../../../src/connect/connectors/jdbc/sink/mysql-sink-dialect.js';
import { silentLogger } from '../../../../../src/logging/logger.js';
import { skipUnless } from '../../../../../src/testkit/database-process.js';
import { mariaDbAvailable } from '../../../../../src/testkit/mariadb-server.js';
import { useMariaDbDatabase } from '../mariadb-database.js';

const HARD_STRINGS = [
  '', 'plain', "it's", 'say "hi"', 'back\\slash', 'trailing\\', "\\'", 'nul\u0000byte', 'tab\tnew\nline\rcr', 'ctrl-z\u001a', 'bs\b',
  'Grüße, 世界 😀', 'naïve 🚀', "'; DROP TABLE t; --", '?', '`tick`', '%_',
];

describe('MySQL literals', () => {
  it('are mysql2\'s escaping of the bound value, in both sql_modes', () => {
    const values: unknown[] = [
      ...HARD_STRINGS, null, undefined, 0, -0, 1.5, -2.25e-7, 1e21, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53 + 2,
      0n, -9223372036854775808n, 18446744073709551615n, true, false,
      Buffer.from([0, 0x27, 0x5c, 0xff]), new Uint8Array([1, 2, 3]), new Date(Date.UTC(1969, 11, 31, 23, 59, 59, 999)),
    ];
    for (const noBackslashEscapes of [false, true]) {
      for (const value of values) {
        const expected = mysql.escape(bindValue(value) as never, false, 'Z', { noBackslashEscapes } as never);
        assert.equal(mysqlLiteral(value, noBackslashEscapes), expected, `${noBackslashEscapes} ${String(value)}`);
      }
    }
  });
});

const KEY_SCHEMA = SchemaBuilder.struct().name('k').field('id', Schema.INT64_SCHEMA).field('code', Schema.STRING_SCHEMA).build();
const VALUE_SCHEMA = SchemaBuilder.struct().name('v')
  .field('id', Schema.INT64_SCHEMA)
  .field('code', Schema.STRING_SCHEMA)
  .field('s', Schema.OPTIONAL_STRING_SCHEMA)
  .field('withDefault', SchemaBuilder.string().optional().defaultValue("def'ault").build())
  .field('price', Decimal.builder(3).optional().build())
  .field('at', Timestamp.builder().optional().build())
  .field('day', ConnectDate.builder().optional().build())
  .field('tod', Time.builder().optional().build())
  .field('raw', Schema.OPTIONAL_BYTES_SCHEMA)
  .field('flag', Schema.OPTIONAL_BOOLEAN_SCHEMA)
  .field('ratio', Schema.OPTIONAL_FLOAT64_SCHEMA)
  .field('tiny', Schema.OPTIONAL_INT8_SCHEMA)
  .build();

/** Records with hard values; keys repeat, so upserts keep the last record per key. */
function records(): SinkRecord[] {
  const out: SinkRecord[] = [];
  const decimals = ['0.000', '-0.001', '123456789012345678901234567.891', '-99.5', '1e3'];
  const instants = [0, -1, Date.UTC(1900, 0, 1), Date.UTC(2024, 2, 31, 1, 30), Date.UTC(2024, 9, 27, 0, 59, 59, 999), Date.UTC(9999, 11, 30, 23, 59, 59, 999)];
  for (let i = 0; i < 60; i++) {
    const id = BigInt(i % 20) - 5n; // 20 keys, each three times; negatives
    const code = HARD_STRINGS[(i % 20) % HARD_STRINGS.length]!;
    const key = new Struct(KEY_SCHEMA).put('id', id).put('code', code);
    const nulls = i % 7 === 3;
    const value = new Struct(VALUE_SCHEMA)
      .put('id', id)
      .put('code', code)
      .put('s', nulls ? null : HARD_STRINGS[(i * 5) % HARD_STRINGS.length]!)
      .put('withDefault', i % 2 === 0 ? null : `v${i}\\`)
      .put('price', nulls ? null : BigDecimal.parse(decimals[i % decimals.length]!).setScale(3))
      .put('at', nulls ? null : new Date(instants[i % instants.length]!))
      .put('day', nulls ? null : new Date(Date.UTC(1970 + i, i % 12, 1)))
      .put('tod', nulls ? null : new Date(((i * 3_599_999) % 86_400_000)))
      .put('raw', nulls ? null : Buffer.from([i, 0, 0x27, 0x5c, 0xff]))
      .put('flag', nulls ? null : i % 2 === 0)
      .put('ratio', nulls ? null : i / 7)
      .put('tiny', nulls ? null : (i % 256) - 128);
    out.push(new SinkRecord({ topic: 'hard', kafkaPartition: 0, kafkaOffset: BigInt(i), keySchema: KEY_SCHEMA, key, valueSchema: VALUE_SCHEMA, value, timestamp: 0 }));
  }
  return out;
}

/** The real connection, recording what it executes; without `sqlLiteral` when `general` (the writer then binds parameters). */
function recording(conn: DbConnection, general: boolean): { conn: DbConnection; statements: Array<{ sql: string; params: readonly unknown[] }> } {
  const statements: Array<{ sql: string; params: readonly unknown[] }> = [];
  const wrapped: DbConnection = {
    dialect: conn.dialect,
    database: conn.database,
    url: conn.url,
    query: (sql, params, options) => conn.query(sql, params, options),
    execute: (sql, params = []) => {
      statements.push({ sql, params });
      return conn.execute(sql, params);
    },
    transaction: (fn) => conn.transaction(() => fn(wrapped)),
    quoteIdentifier: (name) => conn.quoteIdentifier(name),
    placeholder: (i) => conn.placeholder(i),
    isValid: (ms) => conn.isValid(ms),
    close: () => conn.close(),
    ...(general ? {} : { sqlLiteral: conn.sqlLiteral }),
  };
  return { conn: wrapped, statements };
}

describe('JDBC sink statements as text on MariaDB', { skip: skipUnless(mariaDbAvailable()) }, () => {
  const db = useMariaDbDatabase('sink_text');

  for (const [mode, pkMode, timeZone] of [['upsert', 'record_key', 'UTC'], ['upsert', 'record_key', 'Europe/Paris'], ['insert', 'kafka', 'America/New_York']] as const) {
    it(`${mode} (pk.mode=${pkMode}, db.timezone=${timeZone}): the same SQL text and the same rows as the general path`, async () => {
      const config = new JdbcSinkConfig({
        name: 'text-test', 'connection.url': db.url, topics: 'hard', 'insert.mode': mode, 'pk.mode': pkMode,
        ...(pkMode === 'record_key' ? { 'pk.fields': 'id,code' } : {}), 'auto.create': 'true', 'db.timezone': timeZone, 'batch.size': '7',
      });
      const dialect = new MySqlSinkDialect(config.quoteIdentifiers, config.timeZone);
      const contents: unknown[][][] = [];
      const texts: string[][] = [];
      for (const general of [true, false]) {
        const table = `hard_${mode}_${timeZone.replace('/', '_').toLowerCase()}_${general ? 'general' : 'text'}`;
        const tableId = dialect.parseTableId(table);
        const rec = recording(db.conn, general);
        const buffer = new BufferedRecords(config, tableId, dialect, new DbStructure(dialect, silentLogger()), null);
        await buffer.prepare(rec.conn, records());
        rec.statements.length = 0; // the CREATE TABLE
        await buffer.execute(rec.conn);
        assert.ok(rec.statements.length > 1, 'batch.size splits the rows into several statements');
        texts.push(rec.statements.map((s) => (s.params.length === 0 ? s.sql : inlineParameters(s.sql, s.params, false)).replaceAll(table, 'T')));
        if (!general) assert.ok(rec.statements.every((s) => s.params.length === 0), 'the text path sends no parameters');
        else assert.ok(rec.statements.every((s) => s.params.length > 0), 'the general path binds parameters');
        const cols = mode === 'insert' ? '`__connect_offset`' : '`id`, `code`';
        contents.push((await db.conn.query(`SELECT * FROM \`${table}\` ORDER BY ${cols}`)).rows);
      }
      assert.deepEqual(texts[1], texts[0]);
      assert.deepEqual(contents[1], contents[0]);
      assert.equal(contents[0]!.length, mode === 'upsert' ? 20 : 60);
    });
  }
});
