/**
 * JdbcSinkTask through the task API against real MariaDB and PostgreSQL servers: auto.create
 * column types (information_schema), values read back exactly column by column, insert / upsert /
 * update modes, the four pk.modes, idempotent redelivery with upsert, deletes from tombstones,
 * auto.evolve, and the failures: unmappable schemas, NOT NULL violations (retries, then a
 * ConnectException; nothing of the batch committed) and schemaless records (Confluent's message,
 * or the errant record reporter when the runtime provides one).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BigDecimal } from '../../../../../src/connect/api/data/big-decimal.js';
import { ConnectDate, Decimal, Time, Timestamp } from '../../../../../src/connect/api/data/logical.js';
import { Schema } from '../../../../../src/connect/api/data/schema.js';
import { SchemaBuilder } from '../../../../../src/connect/api/data/schema-builder.js';
import { Struct } from '../../../../../src/connect/api/data/struct.js';
import { ConnectException, RetriableException } from '../../../../../src/connect/api/errors.js';
import { KINDS, record, startServer, startTask, type TestDatabase, type TestServer } from './sink-test-support.js';

const ALL_TYPES = SchemaBuilder.struct().name('alltypes')
  .field('id', Schema.INT32_SCHEMA)
  .field('i8', Schema.INT8_SCHEMA)
  .field('i16', Schema.INT16_SCHEMA)
  .field('i64', Schema.INT64_SCHEMA)
  .field('f32', Schema.FLOAT32_SCHEMA)
  .field('f64', Schema.FLOAT64_SCHEMA)
  .field('flag', Schema.BOOLEAN_SCHEMA)
  .field('name', Schema.STRING_SCHEMA)
  .field('data', Schema.BYTES_SCHEMA)
  .field('amount', Decimal.schema(2))
  .field('day', ConnectDate.SCHEMA)
  .field('at', Time.SCHEMA)
  .field('ts', Timestamp.SCHEMA)
  .field('note', Schema.OPTIONAL_STRING_SCHEMA)
  .field('qty', Schema.OPTIONAL_INT32_SCHEMA)
  .build();

function allTypes(id: number, values: Partial<Record<string, unknown>> = {}): Struct {
  const s = new Struct(ALL_TYPES)
    .put('id', id).put('i8', -128).put('i16', 32767).put('i64', 9223372036854775807n).put('f32', 1.5).put('f64', -2.25e-10)
    .put('flag', true).put('name', 'Grüße, 世界 🎉 \'quoted\' \\ back').put('data', Buffer.from([0, 1, 2, 254, 255]))
    .put('amount', BigDecimal.parse('123456789012345678901234567890.12'))
    .put('day', new Date(Date.UTC(2024, 1, 29))).put('at', new Date(Date.UTC(1970, 0, 1, 23, 59, 59, 123)))
    .put('ts', new Date(Date.UTC(2024, 1, 29, 23, 59, 59, 123)));
  for (const [k, v] of Object.entries(values)) s.put(k, v);
  return s;
}

const KEY = SchemaBuilder.struct().name('key').field('id', Schema.INT64_SCHEMA).build();
const ITEM = SchemaBuilder.struct().name('item').field('id', Schema.INT64_SCHEMA).field('name', Schema.STRING_SCHEMA).field('qty', Schema.OPTIONAL_INT32_SCHEMA).build();
const key = (id: bigint): Struct => new Struct(KEY).put('id', id);
const item = (id: bigint, name: string, qty: number | null): Struct => new Struct(ITEM).put('id', id).put('name', name).put('qty', qty);

for (const { kind, skip } of KINDS) {
  describe(`JdbcSinkTask on ${kind}`, { skip }, () => {
    let server: TestServer;
    let n = 0;
    const fresh = (): Promise<TestDatabase> => server.database(`sink${n++}`);

    before(async () => {
      server = await startServer(kind);
    });
    after(async () => {
      await server?.stop();
    });

    it('auto.create makes the table with the dialect\'s column types, and every type is read back exactly', async () => {
      const db = await fresh();
      const t = startTask(db, { topics: 'alltypes', 'auto.create': 'true', 'pk.mode': 'record_value', 'pk.fields': 'id' });
      await t.put([
        record('alltypes', null, null, ALL_TYPES, allTypes(1)),
        record('alltypes', null, null, ALL_TYPES, allTypes(2, { i8: 127, i16: -32768, i64: -9223372036854775808n, flag: false, name: '', data: Buffer.alloc(0), amount: BigDecimal.parse('-0.01'), day: new Date(Date.UTC(1969, 11, 31)), at: new Date(0), ts: new Date(Date.UTC(1999, 11, 31, 23, 0, 0, 1)), note: 'ünïcødé', qty: 0 })),
      ]);
      await t.stop();
      const cols = await db.columns('alltypes');
      if (kind === 'mariadb') {
        assert.deepEqual(cols, [
          ['id', 'int(11)', false], ['i8', 'tinyint(4)', false], ['i16', 'smallint(6)', false], ['i64', 'bigint(20)', false],
          ['f32', 'float', false], ['f64', 'double', false], ['flag', 'tinyint(4)', false], ['name', 'text', false], ['data', 'blob', false],
          ['amount', 'decimal(65,2)', false], ['day', 'date', false], ['at', 'time(3)', false], ['ts', 'datetime(3)', false],
          ['note', 'text', true], ['qty', 'int(11)', true],
        ]);
      } else {
        assert.deepEqual(cols, [
          ['id', 'integer', false], ['i8', 'smallint', false], ['i16', 'smallint', false], ['i64', 'bigint', false],
          ['f32', 'real', false], ['f64', 'double precision', false], ['flag', 'boolean', false], ['name', 'text', false], ['data', 'bytea', false],
          ['amount', 'numeric', false], ['day', 'date', false], ['at', 'time without time zone', false], ['ts', 'timestamp without time zone', false],
          ['note', 'text', true], ['qty', 'integer', true],
        ]);
      }
      assert.deepEqual(await db.primaryKey('alltypes'), ['id']);
      const rows = await db.rows(`SELECT * FROM ${db.q('alltypes')} ORDER BY ${db.q('id')}`);
      const bool = (b: boolean): unknown => (kind === 'mariadb' ? (b ? 1 : 0) : b);
      assert.deepEqual(rows, [
        [1, -128, 32767, 9223372036854775807n, 1.5, -2.25e-10, bool(true), 'Grüße, 世界 🎉 \'quoted\' \\ back', Buffer.from([0, 1, 2, 254, 255]),
          '123456789012345678901234567890.12', '2024-02-29', '23:59:59.123', '2024-02-29 23:59:59.123', null, null],
        [2, 127, -32768, -9223372036854775808n, 1.5, -2.25e-10, bool(false), '', Buffer.alloc(0),
          '-0.01', '1969-12-31', kind === 'mariadb' ? '00:00:00.000' : '00:00:00', '1999-12-31 23:00:00.001', 'ünïcødé', 0],
      ]);
    });

    it('db.timezone writes Timestamps as wall-clock time in that zone (and keeps the instant in a zone-aware column)', async () => {
      const db = await fresh();
      const schema = SchemaBuilder.struct().field('id', Schema.INT32_SCHEMA).field('ts', Timestamp.SCHEMA).field('at', Time.SCHEMA).build();
      if (kind === 'postgres') await db.execute('CREATE TABLE zoned (id INT PRIMARY KEY, ts TIMESTAMP, at TIME, tstz TIMESTAMPTZ)');
      const t = startTask(db, { topics: 'zoned', 'auto.create': 'true', 'auto.evolve': 'true', 'db.timezone': 'Europe/Paris', 'insert.mode': 'upsert', 'pk.mode': 'record_value', 'pk.fields': 'id' });
      const winter = new Date(Date.UTC(2024, 0, 15, 12, 0, 0, 250));
      const summer = new Date(Date.UTC(2024, 6, 15, 12, 0, 0));
      await t.put([
        record('zoned', null, null, schema, new Struct(schema).put('id', 1).put('ts', winter).put('at', new Date(Date.UTC(1970, 0, 1, 8, 30)))),
        record('zoned', null, null, schema, new Struct(schema).put('id', 2).put('ts', summer).put('at', new Date(Date.UTC(1970, 0, 1, 23, 30)))),
      ]);
      if (kind === 'postgres') {
        const tz = SchemaBuilder.struct().field('id', Schema.INT32_SCHEMA).field('tstz', Timestamp.SCHEMA).build();
        await t.put([record('zoned', null, null, tz, new Struct(tz).put('id', 1).put('tstz', winter))]);
      }
      await t.stop();
      const rows = await db.rows(`SELECT ${db.q('ts')}, ${db.q('at')} FROM ${db.q('zoned')} ORDER BY ${db.q('id')}`);
      // Paris is UTC+1 in January, UTC+2 in July; Time is written with the zone's offset on 1970-01-01 (+1).
      const fraction = kind === 'mariadb' ? '.000' : '';
      assert.deepEqual(rows, [['2024-01-15 13:00:00.25' + (kind === 'mariadb' ? '0' : ''), `09:30:00${fraction}`], [`2024-07-15 14:00:00${fraction}`, `00:30:00${fraction}`]]);
      if (kind === 'postgres') assert.deepEqual(await db.rows('SELECT tstz FROM zoned WHERE id = 1'), [['2024-01-15 12:00:00.25+00']]);
    });

    it('insert mode writes every record; a failing batch is retried, then fails naming the cause, and none of it is committed', async () => {
      const db = await fresh();
      const t = startTask(db, { topics: 'items', 'auto.create': 'true', 'pk.mode': 'record_key', 'max.retries': '1' });
      await t.put([1n, 2n, 3n].map((id) => record('items', KEY, key(id), ITEM, item(id, `item ${id}`, Number(id)))));
      assert.deepEqual(await db.rows(`SELECT id, name, qty FROM ${db.q('items')} ORDER BY id`), [[1n, 'item 1', 1], [2n, 'item 2', 2], [3n, 'item 3', 3]]);
      // A new row and a duplicate key in one batch: insert mode refuses the duplicate.
      const batch = [record('items', KEY, key(4n), ITEM, item(4n, 'item 4', 4)), record('items', KEY, key(2n), ITEM, item(2n, 'again', 9))];
      await assert.rejects(t.put(batch), (e: Error) => e instanceof RetriableException && /Exception chain:\n.*[Dd]uplicate/.test(e.message));
      await assert.rejects(t.put(batch), (e: Error) => e instanceof ConnectException && !(e instanceof RetriableException) && /[Dd]uplicate/.test(e.message));
      assert.deepEqual(await db.rows(`SELECT id, name FROM ${db.q('items')} ORDER BY id`), [[1n, 'item 1'], [2n, 'item 2'], [3n, 'item 3']], 'item 4 was rolled back with its batch');
      await t.stop();
    });

    it('a put() beyond the 65,535 bind-parameter limit is split into several statements of one transaction', async () => {
      const db = await fresh();
      const t = startTask(db, { topics: 'bulk', 'auto.create': 'true', 'insert.mode': 'upsert', 'pk.mode': 'record_key', 'batch.size': '100000' });
      const batch = Array.from({ length: 25_000 }, (_, i) => record('bulk', KEY, key(BigInt(i)), ITEM, item(BigInt(i), `row ${i}`, i)));
      await t.put(batch); // 25,000 rows x 3 columns = 75,000 parameters
      await t.stop();
      assert.deepEqual(await db.rows(`SELECT COUNT(*), SUM(qty), MAX(name) FROM ${db.q('bulk')}`), [[25_000n, kind === 'mariadb' ? '312487500' : 312487500n, 'row 9999']]);
    });

    it('upsert with pk.mode=record_key converges after updates, and redelivering a batch changes nothing', async () => {
      const db = await fresh();
      const t = startTask(db, { topics: 'stock', 'auto.create': 'true', 'insert.mode': 'upsert', 'pk.mode': 'record_key' });
      await t.put([1n, 2n, 3n].map((id) => record('stock', KEY, key(id), ITEM, item(id, `v1 ${id}`, 10))));
      const second = [
        record('stock', KEY, key(2n), ITEM, item(2n, 'v2 2', 20)),
        record('stock', KEY, key(3n), ITEM, item(3n, 'v2 3', null)),
        record('stock', KEY, key(4n), ITEM, item(4n, 'v1 4', 40)),
        record('stock', KEY, key(3n), ITEM, item(3n, 'v3 3', 33)),
      ];
      await t.put(second);
      const expected = [[1n, 'v1 1', 10], [2n, 'v2 2', 20], [3n, 'v3 3', 33], [4n, 'v1 4', 40]];
      assert.deepEqual(await db.rows(`SELECT id, name, qty FROM ${db.q('stock')} ORDER BY id`), expected);
      await t.put(second);
      await t.put(second);
      assert.deepEqual(await db.rows(`SELECT id, name, qty FROM ${db.q('stock')} ORDER BY id`), expected);
      assert.deepEqual(await db.primaryKey('stock'), ['id']);
      await t.stop();
    });

    it('pk.mode=record_value with pk.fields, and a primitive record key with one pk.fields name', async () => {
      const db = await fresh();
      const schema = SchemaBuilder.struct().field('code', Schema.STRING_SCHEMA).field('label', Schema.STRING_SCHEMA).build();
      const t = startTask(db, { topics: 'codes', 'auto.create': 'true', 'insert.mode': 'upsert', 'pk.mode': 'record_value', 'pk.fields': 'code' });
      await t.put([record('codes', null, null, schema, new Struct(schema).put('code', 'a').put('label', 'A')), record('codes', null, null, schema, new Struct(schema).put('code', 'a').put('label', 'A2'))]);
      await t.stop();
      assert.deepEqual(await db.rows(`SELECT ${db.q('code')}, ${db.q('label')} FROM ${db.q('codes')}`), [['a', 'A2']]);
      assert.deepEqual((await db.columns('codes'))[0], ['code', kind === 'mariadb' ? 'varchar(256)' : 'text', false]);

      const t2 = startTask(db, { topics: 'named', 'auto.create': 'true', 'insert.mode': 'upsert', 'pk.mode': 'record_key', 'pk.fields': 'name' });
      const v = SchemaBuilder.struct().field('n', Schema.INT32_SCHEMA).build();
      await t2.put([record('named', Schema.STRING_SCHEMA, 'x', v, new Struct(v).put('n', 1)), record('named', Schema.STRING_SCHEMA, 'y', v, new Struct(v).put('n', 2)), record('named', Schema.STRING_SCHEMA, 'x', v, new Struct(v).put('n', 3))]);
      await t2.stop();
      assert.deepEqual(await db.rows(`SELECT ${db.q('name')}, ${db.q('n')} FROM ${db.q('named')} ORDER BY 1`), [['x', 3], ['y', 2]]);
    });

    it('pk.mode=kafka keys rows by __connect_topic, __connect_partition, __connect_offset', async () => {
      const db = await fresh();
      const t = startTask(db, { topics: 'events', 'auto.create': 'true', 'insert.mode': 'upsert', 'pk.mode': 'kafka' });
      const v = SchemaBuilder.struct().field('what', Schema.STRING_SCHEMA).build();
      const batch = [record('events', null, null, v, new Struct(v).put('what', 'a'), 0), record('events', null, null, v, new Struct(v).put('what', 'b'), 1)];
      await t.put(batch);
      await t.put(batch); // redelivery: the same coordinates, the same rows
      await t.stop();
      assert.deepEqual(await db.primaryKey('events'), ['__connect_topic', '__connect_partition', '__connect_offset']);
      const rows = await db.rows(`SELECT * FROM ${db.q('events')} ORDER BY 2`);
      assert.deepEqual(rows, [['events', 0, batch[0]!.kafkaOffset, 'a'], ['events', 1, batch[1]!.kafkaOffset, 'b']]);
      if (kind === 'mariadb') assert.equal((await db.columns('events'))[0]![1], 'varchar(256)');
    });

    it('update mode changes existing rows only', async () => {
      const db = await fresh();
      const seed = startTask(db, { topics: 'acct', 'auto.create': 'true', 'insert.mode': 'upsert', 'pk.mode': 'record_key' });
      await seed.put([1n, 2n].map((id) => record('acct', KEY, key(id), ITEM, item(id, `old ${id}`, 1))));
      await seed.stop();
      const t = startTask(db, { topics: 'acct', 'insert.mode': 'update', 'pk.mode': 'record_key' });
      await t.put([record('acct', KEY, key(2n), ITEM, item(2n, 'new 2', 5)), record('acct', KEY, key(9n), ITEM, item(9n, 'nobody', 5))]);
      await t.stop();
      assert.deepEqual(await db.rows(`SELECT id, name, qty FROM ${db.q('acct')} ORDER BY id`), [[1n, 'old 1', 1], [2n, 'new 2', 5]]);
    });

    it('delete.enabled: a tombstone deletes the row with its key; a write after a delete in the same batch stays', async () => {
      const db = await fresh();
      const t = startTask(db, { topics: 'users', 'auto.create': 'true', 'insert.mode': 'upsert', 'pk.mode': 'record_key', 'delete.enabled': 'true' });
      await t.put([record('users', KEY, key(1n), null, null)]); // a delete before the table exists: nothing to do, no table made
      assert.deepEqual(await db.columns('users'), []);
      await t.put([1n, 2n, 3n, 4n].map((id) => record('users', KEY, key(id), ITEM, item(id, `u${id}`, null))));
      await t.put([
        record('users', KEY, key(2n), null, null),
        record('users', KEY, key(3n), null, null),
        record('users', KEY, key(4n), null, null),
        record('users', KEY, key(3n), ITEM, item(3n, 'u3 again', 7)),
        record('users', KEY, key(9n), null, null), // deleting a row that is not there is fine
      ]);
      await t.stop();
      assert.deepEqual(await db.rows(`SELECT id, name, qty FROM ${db.q('users')} ORDER BY id`), [[1n, 'u1', null], [3n, 'u3 again', 7]]);
      // A new task (a restart) whose first record is a tombstone deletes from the existing table.
      const restarted = startTask(db, { topics: 'users', 'insert.mode': 'upsert', 'pk.mode': 'record_key', 'delete.enabled': 'true' });
      await restarted.put([record('users', KEY, key(1n), null, null), record('users', KEY, key(5n), ITEM, item(5n, 'u5', 5))]);
      await restarted.stop();
      assert.deepEqual(await db.rows(`SELECT id, name, qty FROM ${db.q('users')} ORDER BY id`), [[3n, 'u3 again', 7], [5n, 'u5', 5]]);
    });

    it('auto.evolve adds new optional columns and columns with defaults; a new required field without default is refused', async () => {
      const db = await fresh();
      const t = startTask(db, { topics: 'people', 'auto.create': 'true', 'auto.evolve': 'true', 'insert.mode': 'upsert', 'pk.mode': 'record_key' });
      await t.put([record('people', KEY, key(1n), ITEM, item(1n, 'ann', 1))]);
      const v2 = SchemaBuilder.struct().name('item').field('id', Schema.INT64_SCHEMA).field('name', Schema.STRING_SCHEMA).field('qty', Schema.OPTIONAL_INT32_SCHEMA)
        .field('email', Schema.OPTIONAL_STRING_SCHEMA).field('status', SchemaBuilder.string().defaultValue('new').build()).build();
      await t.put([record('people', KEY, key(2n), v2, new Struct(v2).put('id', 2n).put('name', 'bob').put('email', 'bob@example.com').put('status', 'active'))]);
      const cols = await db.columns('people');
      assert.deepEqual(cols.slice(3), [['email', 'text', true], ['status', 'text', false]]);
      assert.deepEqual(await db.rows(`SELECT id, name, email, status FROM ${db.q('people')} ORDER BY id`), [[1n, 'ann', null, 'new'], [2n, 'bob', 'bob@example.com', 'active']]);

      const v3 = SchemaBuilder.struct().name('item').field('id', Schema.INT64_SCHEMA).field('name', Schema.STRING_SCHEMA).field('age', Schema.INT32_SCHEMA).build();
      await assert.rejects(t.put([record('people', KEY, key(3n), v3, new Struct(v3).put('id', 3n).put('name', 'cy').put('age', 30))]),
        /Cannot ALTER TABLE "people" to add missing field SinkRecordField\{schema=Schema\{INT32\}, name='age', isPrimaryKey=false\}, as the field is not optional and does not have a default value/);
      await t.stop();
      const frozen = startTask(db, { topics: 'people', 'pk.mode': 'record_key' });
      const v4 = SchemaBuilder.struct().field('id', Schema.INT64_SCHEMA).field('extra', Schema.OPTIONAL_STRING_SCHEMA).build();
      await assert.rejects(frozen.put([record('people', KEY, key(5n), v4, new Struct(v4).put('id', 5n))]), /Table "people" is missing fields \(\[SinkRecordField\{schema=Schema\{STRING\}, name='extra', isPrimaryKey=false\}\]\) and auto-evolution is disabled/);
      await frozen.stop();
      assert.equal((await db.rows(`SELECT COUNT(*) FROM ${db.q('people')}`))[0]![0], 2n);
    });

    it('a field whose schema has no column type fails the task naming it; nothing is created or written', async () => {
      const db = await fresh();
      const nested = SchemaBuilder.struct().name('address').field('city', Schema.STRING_SCHEMA).build();
      const v = SchemaBuilder.struct().field('id', Schema.INT32_SCHEMA).field('address', nested).build();
      const t = startTask(db, { topics: 'nested', 'auto.create': 'true' });
      await assert.rejects(t.put([record('nested', null, null, v, new Struct(v).put('id', 1).put('address', new Struct(nested).put('city', 'Oslo')))]),
        (e: Error) => e instanceof ConnectException && e.message === "address (STRUCT) type doesn't have a mapping to the SQL database column type");
      await t.stop();
      assert.deepEqual(await db.columns('nested'), []);
      const missing = startTask(db, { topics: 'absent' });
      await assert.rejects(missing.put([record('absent', null, null, ITEM, item(1n, 'x', 1))]), /^.*Table "absent" is missing and auto-creation is disabled$/);
      await missing.stop();
    });

    it('a NOT NULL violation in the middle of a batch: retried max.retries times, then the task fails naming the column; no row of the batch is committed', async () => {
      const db = await fresh();
      await db.execute(`CREATE TABLE ${db.q('strict')} (${db.q('id')} BIGINT PRIMARY KEY, ${db.q('name')} TEXT NOT NULL, ${db.q('qty')} INT)`);
      const t = startTask(db, { topics: 'strict', 'pk.mode': 'record_key', 'max.retries': '2' });
      const loose = SchemaBuilder.struct().field('id', Schema.INT64_SCHEMA).field('name', Schema.OPTIONAL_STRING_SCHEMA).field('qty', Schema.OPTIONAL_INT32_SCHEMA).build();
      const batch = [1n, 2n, 3n].map((id) => record('strict', KEY, key(id), loose, new Struct(loose).put('id', id).put('name', id === 2n ? null : `n${id}`)));
      await assert.rejects(t.put(batch), RetriableException);
      await assert.rejects(t.put(batch), RetriableException);
      await assert.rejects(t.put(batch), (e: Error) => !(e instanceof RetriableException) && e instanceof ConnectException && /name/.test(e.message) && /null/i.test(e.message));
      assert.deepEqual(await db.rows(`SELECT COUNT(*) FROM ${db.q('strict')}`), [[0n]]);
      // With an errant record reporter the batch is written record by record and only the bad one is reported.
      const tolerant = startTask(db, { topics: 'strict', 'pk.mode': 'record_key', 'max.retries': '0' }, { reporter: true });
      await tolerant.put(batch);
      await tolerant.stop();
      assert.deepEqual(tolerant.reported.map((r) => r.record.kafkaOffset), [batch[1]!.kafkaOffset]);
      assert.match(tolerant.reported[0]!.error.message, /name/);
      assert.deepEqual(await db.rows(`SELECT id, name FROM ${db.q('strict')} ORDER BY id`), [[1n, 'n1'], [3n, 'n3']]);
      await t.stop();
    });

    it('an upsert put sent as one statement without a transaction is still all or nothing', async () => {
      const db = await fresh();
      await db.execute(`CREATE TABLE ${db.q('strict_up')} (${db.q('id')} BIGINT PRIMARY KEY, ${db.q('name')} TEXT NOT NULL, ${db.q('qty')} INT)`);
      const t = startTask(db, { topics: 'strict_up', 'insert.mode': 'upsert', 'pk.mode': 'record_key', 'max.retries': '0' });
      const loose = SchemaBuilder.struct().field('id', Schema.INT64_SCHEMA).field('name', Schema.OPTIONAL_STRING_SCHEMA).field('qty', Schema.OPTIONAL_INT32_SCHEMA).build();
      const row = (id: bigint, name: string | null): ReturnType<typeof record> => record('strict_up', KEY, key(id), loose, new Struct(loose).put('id', id).put('name', name));
      await t.put([row(1n, 'one'), row(2n, 'two')]);
      // Rows before and after the bad one, and an update of an existing row: none of it stays.
      await assert.rejects(t.put([row(3n, 'three'), row(1n, 'changed'), row(4n, null), row(5n, 'five')]), (e: Error) => e instanceof ConnectException && /name/.test(e.message));
      assert.deepEqual(await db.rows(`SELECT id, name FROM ${db.q('strict_up')} ORDER BY id`), [[1n, 'one'], [2n, 'two']]);
      await t.stop();
    });

    it('a wrong password fails the put naming the cause; a view is written only when table.types includes VIEW', async () => {
      const db = await fresh();
      const t = startTask(db, { topics: 'x', 'connection.password': 'wrong', 'connection.attempts': '1' });
      await assert.rejects(t.put([record('x', null, null, ITEM, item(1n, 'a', 1))]), (e: Error) => e instanceof ConnectException && /^Could not connect to jdbc:\w+:\/\/127\.0\.0\.1:\d+\/sink\d+ as \w+ after 1 attempt: .*(Access denied|password authentication failed)/.test(e.message));
      await t.stop();
      // Even with an errant record reporter: an unreachable database is not the records' fault.
      const tolerant = startTask(db, { topics: 'x', 'connection.password': 'wrong', 'connection.attempts': '1' }, { reporter: true });
      await assert.rejects(tolerant.put([record('x', null, null, ITEM, item(1n, 'a', 1))]), /Could not connect/);
      await tolerant.stop();
      assert.equal(tolerant.reported.length, 0);

      await db.execute(`CREATE TABLE ${db.q('base')} (${db.q('id')} BIGINT PRIMARY KEY, ${db.q('name')} TEXT, ${db.q('qty')} INT)`);
      await db.execute(`CREATE VIEW ${db.q('items_view')} AS SELECT ${db.q('id')}, ${db.q('name')}, ${db.q('qty')} FROM ${db.q('base')}`);
      const tables = startTask(db, { topics: 'items_view' });
      await assert.rejects(tables.put([record('items_view', null, null, ITEM, item(1n, 'a', 1))]), /^.*View "items_view" is a VIEW, which table.types \(TABLE\) does not include$/);
      await tables.stop();
      const views = startTask(db, { topics: 'items_view', 'table.types': 'TABLE,VIEW' });
      await views.put([record('items_view', null, null, ITEM, item(1n, 'through the view', 1))]);
      await views.stop();
      assert.deepEqual(await db.rows(`SELECT ${db.q('id')}, ${db.q('name')} FROM ${db.q('base')}`), [[1n, 'through the view']]);
    });

    it('a record without a schema fails with Confluent\'s message saying to enable schemas, or goes to the errant record reporter', async () => {
      const db = await fresh();
      const schemaless = record('loose', null, null, null, new Map<string, unknown>([['id', 1n], ['name', 'x']]));
      const t = startTask(db, { topics: 'loose', 'auto.create': 'true' });
      await assert.rejects(t.put([schemaless]), (e: Error) => e instanceof ConnectException
        && e.message.startsWith("The JDBC sink connector 'jdbc-sink-test' is configured with 'delete.enabled=false' and 'pk.mode=none' and therefore requires non-null record values that are structs, but found record at (topic='loose',partition=0,offset=")
        && e.message.includes('with a HashMap value and null value schema.')
        && e.message.includes('schemas.enable=true'));
      await t.stop();
      const tolerant = startTask(db, { topics: 'loose', 'auto.create': 'true', 'pk.mode': 'record_value', 'pk.fields': 'id', 'insert.mode': 'upsert' }, { reporter: true });
      await tolerant.put([record('loose', null, null, ITEM, item(1n, 'good', 1)), schemaless, record('loose', null, null, ITEM, item(2n, 'good too', 2))]);
      await tolerant.stop();
      assert.equal(tolerant.reported.length, 1);
      assert.equal(tolerant.reported[0]!.record, schemaless);
      assert.match(tolerant.reported[0]!.error.message, /requires non-null record values that are structs/);
      assert.deepEqual(await db.rows(`SELECT id, name FROM ${db.q('loose')} ORDER BY id`), [[1n, 'good'], [2n, 'good too']]);
    });
  });
}
