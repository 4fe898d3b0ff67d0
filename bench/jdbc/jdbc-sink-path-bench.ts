/**
 * The JDBC sink's share of the copy, in one process and without Kafka: records shaped as the JDBC
 * benchmark's source writes them (JsonConverter with schemas: the `items` struct, an int64 key)
 * are converted back with a JsonConverter (toConnectData) in batches and written by a
 * JdbcSinkTask (upsert, pk.mode=record_key, batch.size 3000) into its own MariaDB. Per round:
 * the process's CPU time (user + system) per row and the rows/s, for the conversion and for the
 * puts. CPU per row is the figure to compare between builds: other processes on the machine move
 * it much less than the rates.
 *
 *   node dist/bench/jdbc/jdbc-sink-path-bench.js [--rows N] [--batch N] [--rounds N] [--overlap]
 *
 * --overlap converts the next batch while the previous put runs (one put at a time, in order),
 * what a runtime overlapping them would get; then the conversion and put shares are not told apart.
 *
 * Batches default to 1,250 records, what one partition's fetch of ~1 MB holds in the full benchmark.
 */
import { cpuUsage } from 'node:process';
import { BigDecimal } from '../../src/connect/api/data/big-decimal.js';
import { SinkRecord } from '../../src/connect/api/data/connect-record.js';
import { Decimal, Timestamp } from '../../src/connect/api/data/logical.js';
import { Schema } from '../../src/connect/api/data/schema.js';
import { SchemaBuilder } from '../../src/connect/api/data/schema-builder.js';
import { Struct } from '../../src/connect/api/data/struct.js';
import { JdbcSinkTask } from '../../src/connect/connectors/jdbc/sink/jdbc-sink-task.js';
import { JsonConverter } from '../../src/connect/converters/json/json-converter.js';
import { silentLogger } from '../../src/logging/logger.js';
import { mariaDbAvailable, startMariaDb } from '../../src/testkit/mariadb-server.js';

const CITIES = ['Amsterdam', 'Berlin', 'Copenhagen', 'Dublin', 'Edinburgh', 'Frankfurt', 'Geneva', 'Helsinki', 'Istanbul', 'Kraków'];

const VALUE_SCHEMA = SchemaBuilder.struct().name('items')
  .field('id', Schema.INT64_SCHEMA)
  .field('name', Schema.STRING_SCHEMA)
  .field('city', Schema.STRING_SCHEMA)
  .field('quantity', Schema.INT32_SCHEMA)
  .field('price', Decimal.schema(2))
  .field('created_at', Timestamp.SCHEMA)
  .build();

function arg(argv: string[], name: string, fallback: number): number {
  const i = argv.indexOf(name);
  const v = i >= 0 ? Number(argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name} expects a positive integer`);
  return v;
}

/** The key and value bytes of row `id`, as the source's converters write them. */
function encodeRows(rows: number): Array<{ key: Buffer; value: Buffer }> {
  const keys = new JsonConverter();
  keys.configure({}, true);
  const values = new JsonConverter();
  values.configure({}, false);
  const out: Array<{ key: Buffer; value: Buffer }> = [];
  for (let id = 1; id <= rows; id++) {
    const value = new Struct(VALUE_SCHEMA)
      .put('id', BigInt(id))
      .put('name', `customer ${id} ${'x'.repeat(20 + (id % 20))}`)
      .put('city', CITIES[id % CITIES.length]!)
      .put('quantity', id % 1000)
      .put('price', new BigDecimal(BigInt(id % 100_000), 2))
      .put('created_at', new Date(Date.UTC(2024, 0, 1) + id * 1000 + (id % 1000)));
    // Copies: the converter writes into shared slabs.
    out.push({ key: Buffer.from(keys.fromConnectData('items', null, Schema.INT64_SCHEMA, BigInt(id))!), value: Buffer.from(values.fromConnectData('items', null, VALUE_SCHEMA, value)!) });
  }
  return out;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const rows = arg(argv, '--rows', 200_000);
  const batch = arg(argv, '--batch', 1250);
  const rounds = arg(argv, '--rounds', 3);
  const overlap = argv.includes('--overlap');
  const available = mariaDbAvailable();
  if (!available.ok) {
    console.log(`skipped: ${available.message}`);
    return;
  }
  JdbcSinkTask.logger = silentLogger();
  const encoded = encodeRows(rows);
  const db = await startMariaDb();
  try {
    await db.query('SET GLOBAL innodb_buffer_pool_size = 1073741824');
    const url = await db.createDatabase('sink_path');
    const ddl = 'CREATE TABLE sink_path.items (id BIGINT NOT NULL PRIMARY KEY, name VARCHAR(64) NOT NULL, city VARCHAR(32) NOT NULL, quantity INT NOT NULL, price DECIMAL(10,2) NOT NULL, created_at DATETIME(6) NOT NULL, landed_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6))';
    for (let round = 1; round <= rounds; round++) {
      await db.query('DROP TABLE IF EXISTS sink_path.items');
      await db.query(ddl);
      const keys = new JsonConverter();
      keys.configure({}, true);
      const values = new JsonConverter();
      values.configure({}, false);
      const task = new JdbcSinkTask();
      task.initialize({ configs: () => ({}), assignment: () => [], pause: () => undefined, resume: () => undefined, offset: () => undefined, requestCommit: () => undefined, errantRecordReporter: () => null });
      task.start({
        name: 'sink-path', 'connection.url': url, 'connection.user': db.user, 'connection.password': db.password, topics: 'items',
        'insert.mode': 'upsert', 'pk.mode': 'record_key', 'pk.fields': 'id', 'auto.create': 'false', 'batch.size': '3000',
      });
      let convertUs = 0;
      let putUs = 0;
      let inFlight: Promise<void> | null = null;
      const started = performance.now();
      const cpu0 = cpuUsage();
      for (let from = 0; from < rows; from += batch) {
        const c0 = cpuUsage();
        const records: SinkRecord[] = [];
        for (let i = from; i < Math.min(rows, from + batch); i++) {
          const key = keys.toConnectData('items', null, encoded[i]!.key);
          const value = values.toConnectData('items', null, encoded[i]!.value);
          records.push(new SinkRecord({ topic: 'items', kafkaPartition: 0, kafkaOffset: BigInt(i), keySchema: key.schema, key: key.value, valueSchema: value.schema, value: value.value, timestamp: 0 }));
        }
        const c1 = cpuUsage(c0);
        convertUs += c1.user + c1.system;
        if (overlap) {
          await inFlight;
          inFlight = Promise.resolve(task.put(records));
          // The put runs up to its first wait for the database before the next conversion.
          await new Promise((resolve) => setImmediate(resolve));
          continue;
        }
        const p0 = cpuUsage();
        await task.put(records);
        const p1 = cpuUsage(p0);
        putUs += p1.user + p1.system;
      }
      await inFlight;
      const total = cpuUsage(cpu0);
      const ms = performance.now() - started;
      await task.stop();
      const [check] = await db.query('SELECT COUNT(*) AS n FROM sink_path.items');
      if (Number(check!['n']) !== rows) throw new Error(`expected ${rows} rows in the target, found ${String(check!['n'])}`);
      console.log(`round ${round}: ${rows.toLocaleString('en-US')} rows in batches of ${batch}: ${Math.round(rows / (ms / 1000)).toLocaleString('en-US')} rows/s, CPU ${((total.user + total.system) / rows).toFixed(2)} µs/row ${overlap ? ', conversion overlapping the puts' : ` (conversion ${(convertUs / rows).toFixed(2)}, put ${(putUs / rows).toFixed(2)})`}`);
    }
  } finally {
    await db.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
