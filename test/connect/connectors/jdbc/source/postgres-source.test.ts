/**
 * The JDBC source against a real PostgreSQL: the PostgreSQL dialect's type mapping column by
 * column with both numeric.mapping values, timestamp/timestamptz in and out of db.timezone,
 * schema-qualified partitions, timestamp+incrementing with updates and a restart, bad input.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BigDecimal } from '../../../../../src/connect/api/data/big-decimal.js';
import type { Struct } from '../../../../../src/connect/api/data/struct.js';
import { ConnectException } from '../../../../../src/connect/api/errors.js';
import { openDbConnection } from '../../../../../src/connect/connectors/jdbc/db-connection.js';
import type { DbConnection } from '../../../../../src/connect/connectors/jdbc/db-connection.js';
import { JdbcSourceConnector } from '../../../../../src/connect/connectors/jdbc/source/jdbc-source-connector.js';
import { skipUnless } from '../../../../../src/testkit/database-process.js';
import { postgresAvailable, startPostgres } from '../../../../../src/testkit/postgres-server.js';
import type { PostgresServer } from '../../../../../src/testkit/postgres-server.js';
import { field, ids, pollFor, pollRecords, silentLogger, startTask } from './source-test-support.js';

const skip = skipUnless(postgresAvailable());

describe('JDBC source connector on a real PostgreSQL', { skip }, () => {
  let server: PostgresServer;
  let url: string;
  let conn: DbConnection;
  let base: Record<string, string>;

  before(async () => {
    server = await startPostgres();
    url = await server.createDatabase('srcdb');
    conn = await openDbConnection({ url, user: server.user, password: server.password }, silentLogger());
    base = {
      'connection.url': url, 'connection.user': server.user, 'connection.password': server.password,
      'topic.prefix': 'pg_', 'poll.interval.ms': '100', 'connection.attempts': '1',
    };
    await conn.execute(`CREATE TABLE types (
      id SERIAL PRIMARY KEY, s SMALLINT, i INTEGER NOT NULL, b BIGINT,
      n10 NUMERIC(10,2), n4 NUMERIC(4,0), n12 NUMERIC(12,0), n30 NUMERIC(30,5), nu NUMERIC,
      r REAL, dp DOUBLE PRECISION, flag BOOLEAN, bit1 BIT(1), bit12 BIT(12),
      d DATE, t TIME(3), ts TIMESTAMP(6), tstz TIMESTAMPTZ(3),
      txt TEXT, vc VARCHAR(20), ch CHAR(3), js JSON, jsb JSONB, u UUID, ba BYTEA, iv INTERVAL)`);
    await conn.execute(`INSERT INTO types (s, i, b, n10, n4, n12, n30, nu, r, dp, flag, bit1, bit12, d, t, ts, tstz, txt, vc, ch, js, jsb, u, ba, iv) VALUES
      (-32768, -2147483648, -9223372036854775808, -12345678.91, 9999, 123456789012, 1234567890123456789012345.12345, 3.14159265358979323846,
       1.5, 2.25, true, B'1', B'100000000001', '2024-02-29', '23:59:59.999', '2024-06-30 12:00:00.000001', '2024-01-15 08:30:00.250+01',
       'Grüße, 世界 😀', 'naïve 🚀', 'abc', '{"k": [1, 2]}', '{"a": 1}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '\\x000102feff', '1 day')`);
    await conn.execute('INSERT INTO types (i) VALUES (7)');
  });

  after(async () => {
    await conn?.close();
    await server?.stop();
  });

  const shapeOf = (schema: NonNullable<Awaited<ReturnType<typeof pollRecords>>[number]['valueSchema']>): Record<string, string> =>
    Object.fromEntries(schema.fields().map((f) => [f.name, `${f.schema.name ?? f.schema.type}${f.schema.parameters?.get('scale') !== undefined ? `(${f.schema.parameters.get('scale')})` : ''}${f.schema.optional ? '?' : ''}`]));

  it('maps every column type as Confluent does (PostgreSQL dialect), numeric.mapping=none', async () => {
    const { task, offsets } = await startTask({ ...base, mode: 'bulk', 'table.whitelist': 'types', 'db.timezone': 'America/New_York' });
    try {
      const [full, nulls] = await pollRecords(task, offsets, 2);
      assert.equal(full!.topic, 'pg_types');
      assert.deepEqual(full!.sourcePartition, { protocol: '1', table: 'public.types' });
      assert.equal(full!.valueSchema!.name, 'types');
      const D = 'org.apache.kafka.connect.data.Decimal';
      assert.deepEqual(shapeOf(full!.valueSchema!), {
        id: 'INT32', s: 'INT16?', i: 'INT32', b: 'INT64?',
        n10: `${D}(2)?`, n4: `${D}(0)?`, n12: `${D}(0)?`, n30: `${D}(5)?`, nu: `${D}(127)?`,
        r: 'FLOAT32?', dp: 'FLOAT64?', flag: 'BOOLEAN?', bit1: 'BOOLEAN?', bit12: 'BYTES?',
        d: 'org.apache.kafka.connect.data.Date?', t: 'org.apache.kafka.connect.data.Time?',
        ts: 'org.apache.kafka.connect.data.Timestamp?', tstz: 'org.apache.kafka.connect.data.Timestamp?',
        txt: 'STRING?', vc: 'STRING?', ch: 'STRING?', js: 'STRING?', jsb: 'STRING?', u: 'STRING?', ba: 'BYTES?',
        // interval has no Connect mapping: left out, as Confluent does
      });
      const v = full!.value as Struct;
      assert.equal(v.get('s'), -32768);
      assert.equal(v.get('i'), -2147483648);
      assert.equal(v.get('b'), -9223372036854775808n);
      assert.ok((v.get('n10') as BigDecimal).equals(new BigDecimal(-1234567891n, 2)));
      assert.ok((v.get('n30') as BigDecimal).equals(BigDecimal.parse('1234567890123456789012345.12345')));
      assert.equal((v.get('nu') as BigDecimal).compareTo(BigDecimal.parse('3.14159265358979323846')), 0);
      assert.equal(v.get('r'), 1.5);
      assert.equal(v.get('dp'), 2.25);
      assert.equal(v.get('flag'), true);
      assert.equal(v.get('bit1'), true);
      assert.deepEqual([...(v.get('bit12') as Uint8Array)], [0x08, 0x01]);
      assert.equal((v.get('d') as Date).toISOString(), '2024-02-29T00:00:00.000Z');
      assert.equal((v.get('t') as Date).getTime(), 86_399_999);
      // timestamp (no zone) is read in db.timezone (New York, UTC-4 in summer); timestamptz is an instant.
      assert.equal((v.get('ts') as Date).toISOString(), '2024-06-30T16:00:00.000Z');
      assert.equal((v.get('tstz') as Date).toISOString(), '2024-01-15T07:30:00.250Z');
      assert.equal(v.get('txt'), 'Grüße, 世界 😀');
      assert.equal(v.get('vc'), 'naïve 🚀');
      assert.equal(v.get('ch'), 'abc');
      assert.deepEqual(JSON.parse(v.get('js') as string), { k: [1, 2] });
      assert.deepEqual(JSON.parse(v.get('jsb') as string), { a: 1 });
      assert.equal(v.get('u'), 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11');
      assert.deepEqual([...(v.get('ba') as Uint8Array)], [0, 1, 2, 254, 255]);
      const n = nulls!.value as Struct;
      assert.equal(n.get('i'), 7);
      for (const f of nulls!.valueSchema!.fields()) if (f.name !== 'id' && f.name !== 'i') assert.equal(n.get(f.name), null, f.name);
    } finally {
      await task.stop();
    }
  });

  it('numeric.mapping=best_fit and precision_only map NUMERIC by precision and scale', async () => {
    for (const [mapping, expected] of [
      ['best_fit', { n10: 'FLOAT64?', n4: 'INT16?', n12: 'INT64?', n30: 'org.apache.kafka.connect.data.Decimal(5)?' }],
      ['precision_only', { n10: 'org.apache.kafka.connect.data.Decimal(2)?', n4: 'INT16?', n12: 'INT64?', n30: 'org.apache.kafka.connect.data.Decimal(5)?' }],
    ] as const) {
      const { task, offsets } = await startTask({ ...base, mode: 'bulk', 'table.whitelist': 'types', 'numeric.mapping': mapping });
      try {
        const [full] = await pollRecords(task, offsets, 2);
        const shape = shapeOf(full!.valueSchema!);
        assert.deepEqual({ n10: shape['n10'], n4: shape['n4'], n12: shape['n12'], n30: shape['n30'] }, expected, mapping);
        const v = full!.value as Struct;
        assert.equal(v.get('n4'), 9999);
        assert.equal(v.get('n12'), 123456789012n);
        if (mapping === 'best_fit') assert.equal(v.get('n10'), -12345678.91);
      } finally {
        await task.stop();
      }
    }
  });

  it('timestamp+incrementing on timestamptz: inserts and updates, restart resumes after the committed row', async () => {
    await conn.execute(`CREATE TABLE events (id BIGSERIAL PRIMARY KEY, what TEXT NOT NULL, changed TIMESTAMPTZ(6) NOT NULL DEFAULT clock_timestamp())`);
    await conn.execute(`INSERT INTO events (what) SELECT 'e' || g FROM generate_series(1, 1205) g`);
    const props = { ...base, mode: 'timestamp+incrementing', 'timestamp.column.name': 'changed', 'incrementing.column.name': 'id', 'table.whitelist': 'events', 'batch.max.rows': '500' };
    let { task, offsets } = await startTask(props);
    try {
      const records = await pollRecords(task, offsets, 1205);
      assert.deepEqual(ids(records), Array.from({ length: 1205 }, (_, i) => i + 1));
      assert.equal(field(records[0]!, 'id'), 1n);
      assert.deepEqual(offsets.offset({ protocol: '1', table: 'public.events' })!['incrementing'], 1205);
      await conn.execute(`UPDATE events SET what = 'changed', changed = clock_timestamp() WHERE id = 3`);
      const updated = await pollRecords(task, offsets, 1);
      assert.deepEqual([field(updated[0]!, 'id'), field(updated[0]!, 'what')], [3n, 'changed']);
    } finally {
      await task.stop();
    }
    await conn.execute(`INSERT INTO events (what) VALUES ('late')`);
    ({ task } = await startTask(props, offsets));
    try {
      const records = await pollRecords(task, offsets, 1);
      assert.deepEqual([field(records[0]!, 'id'), field(records[0]!, 'what')], [1206n, 'late']);
      assert.deepEqual(await pollFor(task, offsets, 400), []);
    } finally {
      await task.stop();
    }
  });

  it('timestamp mode with timestamp.initial and timestamp.delay.interval.ms', async () => {
    await conn.execute(`CREATE TABLE readings (id INT PRIMARY KEY, at TIMESTAMP(3) NOT NULL)`);
    await conn.execute(`INSERT INTO readings VALUES (1, '2020-01-01 00:00:00'), (2, '2024-01-01 00:00:00'), (3, now() AT TIME ZONE 'UTC' + interval '1 hour')`);
    const props = { ...base, mode: 'timestamp', 'timestamp.column.name': 'at', 'table.whitelist': 'readings', 'timestamp.initial': String(Date.UTC(2023, 0, 1)), 'timestamp.delay.interval.ms': '1000' };
    const { task, offsets } = await startTask(props);
    try {
      // Row 1 is before timestamp.initial; row 3 is in the future (after now - delay).
      assert.deepEqual(ids(await pollRecords(task, offsets, 1)), [2]);
      assert.deepEqual(await pollFor(task, offsets, 400), []);
      assert.deepEqual(offsets.offset({ protocol: '1', table: 'public.readings' }), { timestamp: Date.UTC(2024, 0, 1), timestamp_nanos: 0 });
    } finally {
      await task.stop();
    }
  });

  it('query mode in timestamp mode: the query\'s timestamptz column decides how the bounds are bound', async () => {
    await conn.execute(`CREATE TABLE orders (id INT PRIMARY KEY, placed TIMESTAMPTZ NOT NULL, total NUMERIC(8,2) NOT NULL)`);
    await conn.execute(`INSERT INTO orders VALUES (1, '2024-03-01 10:00:00+05', 10.5), (2, '2024-03-01 06:00:00+00', 20), (3, '2024-03-01 04:59:59.5+00', 30)`);
    const props = { ...base, mode: 'timestamp', 'timestamp.column.name': 'placed', query: 'SELECT id, placed, total FROM orders', 'topic.prefix': 'orders_q', 'db.timezone': 'Asia/Tokyo' };
    const { task, offsets } = await startTask(props);
    try {
      const records = await pollRecords(task, offsets, 3);
      assert.deepEqual(ids(records), [3, 1, 2]);
      assert.deepEqual(records.map((r) => (field(r, 'placed') as Date).toISOString()), ['2024-03-01T04:59:59.500Z', '2024-03-01T05:00:00.000Z', '2024-03-01T06:00:00.000Z']);
      assert.deepEqual(offsets.offset({ query: 'query' }), { timestamp: Date.UTC(2024, 2, 1, 6), timestamp_nanos: 0 });
      await conn.execute(`INSERT INTO orders VALUES (4, '2024-03-01 06:00:00.001+00', 1)`);
      assert.deepEqual(ids(await pollRecords(task, offsets, 1)), [4]);
    } finally {
      await task.stop();
    }
  });

  it('bad input: a wrong password fails the connector with the server\'s refusal; an autodetected incrementing column must exist', async () => {
    const connector = new JdbcSourceConnector(silentLogger());
    connector.initialize({ raiseError: () => undefined });
    await assert.rejects(connector.start({ ...base, mode: 'bulk', 'connection.password': 'wrong' }), (e: unknown) => {
      assert.ok(e instanceof ConnectException);
      assert.match(e.message, /password authentication failed for user "postgres"/);
      return true;
    });
    await conn.execute('CREATE TABLE plain (v TEXT NOT NULL)');
    await conn.execute(`INSERT INTO plain VALUES ('x')`);
    const { task, offsets } = await startTask({ ...base, mode: 'incrementing', 'table.whitelist': 'plain' });
    try {
      await assert.rejects(pollRecords(task, offsets, 1), {
        message: 'Cannot make incremental queries on public.plain: incrementing.column.name is empty and the table has no auto-increment column',
      });
    } finally {
      await task.stop();
    }
  });
});
