/**
 * The JDBC source's share of the copy, in one process and without Kafka: a JdbcSourceTask in
 * incrementing mode (batch.max.rows 5000, as the JDBC benchmark sets it) polls its own MariaDB's
 * `items` table, shaped and filled like the full benchmark's, until every row was returned as a
 * SourceRecord. Per round: the process's CPU time (user + system) per row and the rows/s. With
 * --convert each polled record's value is also written by a JsonConverter with schemas (what the
 * worker does next), reported apart. CPU per row is the figure to compare between builds: other
 * processes on the machine move it much less than the rates.
 *
 *   node dist/bench/jdbc/jdbc-source-path-bench.js [--rows N] [--rounds N] [--convert]
 */
import { cpuUsage } from 'node:process';
import { Struct } from '../../src/connect/api/data/struct.js';
import { JdbcSourceConnector } from '../../src/connect/connectors/jdbc/source/jdbc-source-connector.js';
import { JdbcSourceTask } from '../../src/connect/connectors/jdbc/source/jdbc-source-task.js';
import { JsonConverter } from '../../src/connect/converters/json/json-converter.js';
import { silentLogger } from '../../src/logging/logger.js';
import { mariaDbAvailable, startMariaDb } from '../../src/testkit/mariadb-server.js';

const CITIES = ['Amsterdam', 'Berlin', 'Copenhagen', 'Dublin', 'Edinburgh', 'Frankfurt', 'Geneva', 'Helsinki', 'Istanbul', 'Kraków'];

function arg(argv: string[], name: string, fallback: number): number {
  const i = argv.indexOf(name);
  const v = i >= 0 ? Number(argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name} expects a positive integer`);
  return v;
}

/** Row i as a VALUES tuple, as the full benchmark generates it (~97 bytes of column data). */
function rowSql(i: number): string {
  const name = `customer ${i} ${'abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz'.slice(0, 52 - String(i).length)}`;
  const t = new Date(Date.UTC(2024, 0, 1) + i * 1001).toISOString().replace('T', ' ').replace('Z', '');
  return `('${name}','${CITIES[i % CITIES.length]!}',${i % 100_000},${Math.floor(i / 7) % 100_000}.${String(i % 100).padStart(2, '0')},'${t}')`;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const rows = arg(argv, '--rows', 200_000);
  const rounds = arg(argv, '--rounds', 3);
  const convert = argv.includes('--convert');
  const available = mariaDbAvailable();
  if (!available.ok) {
    console.log(`skipped: ${available.message}`);
    return;
  }
  const db = await startMariaDb();
  try {
    await db.query('SET GLOBAL innodb_buffer_pool_size = 1073741824');
    const url = await db.createDatabase('source_path');
    await db.query('CREATE TABLE source_path.items (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, name VARCHAR(64) NOT NULL, city VARCHAR(32) NOT NULL, quantity INT NOT NULL, price DECIMAL(10,2) NOT NULL, created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6))');
    for (let from = 1; from <= rows; from += 5000) {
      const values: string[] = [];
      for (let i = from; i < Math.min(rows + 1, from + 5000); i++) values.push(rowSql(i));
      await db.query(`INSERT INTO source_path.items (name, city, quantity, price, created_at) VALUES ${values.join(',')}`);
    }
    // The task's settings as the connector makes them for one task.
    const connector = new JdbcSourceConnector(silentLogger());
    connector.initialize({ raiseError: () => undefined });
    await connector.start({
      name: 'source-path', 'connection.url': url, 'connection.user': db.user, 'connection.password': db.password,
      mode: 'incrementing', 'incrementing.column.name': 'id', 'table.whitelist': 'items', 'topic.prefix': 'bench-',
      'poll.interval.ms': '100', 'batch.max.rows': '5000',
    });
    const taskProps = connector.taskConfigs(1)[0]!;
    await connector.stop();
    for (let round = 1; round <= rounds; round++) {
      const task = new JdbcSourceTask(silentLogger());
      task.initialize({ configs: () => taskProps, offsetStorageReader: () => ({ offset: () => null, offsets: (ps) => new Map(ps.map((p) => [p, null])) }) });
      await task.start(taskProps);
      const values = new JsonConverter();
      values.configure({}, false);
      let seen = 0;
      let pollUs = 0;
      let convertUs = 0;
      let checksum = 0n;
      const started = performance.now();
      const cpu0 = cpuUsage();
      while (seen < rows) {
        const p0 = cpuUsage();
        const records = await task.poll();
        const p1 = cpuUsage(p0);
        pollUs += p1.user + p1.system;
        if (records === null) continue;
        seen += records.length;
        checksum += (records[records.length - 1]!.value as Struct).get('id') as bigint;
        if (convert) {
          const c0 = cpuUsage();
          for (const r of records) values.fromConnectData(r.topic, null, r.valueSchema, r.value);
          const c1 = cpuUsage(c0);
          convertUs += c1.user + c1.system;
        }
      }
      const total = cpuUsage(cpu0);
      const ms = performance.now() - started;
      await task.stop();
      if (seen !== rows || checksum === 0n) throw new Error(`expected ${rows} records, got ${seen}`);
      console.log(`round ${round}: ${rows.toLocaleString('en-US')} rows: ${Math.round(rows / (ms / 1000)).toLocaleString('en-US')} rows/s, CPU ${((total.user + total.system) / rows).toFixed(2)} µs/row (poll ${(pollUs / rows).toFixed(2)}${convert ? `, JSON ${(convertUs / rows).toFixed(2)}` : ''})`);
    }
  } finally {
    await db.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
