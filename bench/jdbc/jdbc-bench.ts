/**
 * The `jdbc` phase of the benchmark (issue #9's speed item): a MariaDB table copied
 * JdbcSource -> topic -> JdbcSink into a second database through the real `connect-standalone`
 * bin, next to a plain Node copy script (bench/jdbc/jdbc-copy-baseline.ts) run in the same round
 * against the same MariaDB server.
 *
 * The table: `items (id BIGINT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(64), city VARCHAR(32),
 * quantity INT, price DECIMAL(10,2), created_at DATETIME(6))`, about 100 bytes a row, filled once
 * with multi-row INSERTs. The target tables have the same columns plus `landed_at DATETIME(6)
 * DEFAULT CURRENT_TIMESTAMP(6)`, which nobody writes: the server stamps it when the row arrives.
 *
 * Each round:
 *  1. baseline: the copy script in its own process, timed from spawn to its exit;
 *  2. Connect bulk load: the worker is spawned with both connectors (source in incrementing mode on
 *     `id` from an empty offset file, JsonConverter with schemas, ValueToKey + ExtractField$Key so
 *     the key is the id; sink in upsert mode with pk.mode=record_key), timed from spawn until the
 *     target's MAX(id) is the source's (one partition, one task each: rows land in id order;
 *     the source side alone is timed too, until the topic's end offset reaches `rows`),
 *     then checked (count and a checksum of every copied column but the DATETIME, which Connect's
 *     Timestamp carries in milliseconds);
 *  3. incremental: `rows / 10` more rows inserted into the source (multi-row INSERTs of 1,000),
 *     timed from the first INSERT until the last of them is in the target;
 *  4. latency: `latencyRows` single-row INSERTs spaced 50-150 ms apart (poll.interval.ms=100);
 *     each row's latency is the target's landed_at minus the source's created_at (one server, one
 *     clock; landed_at is the time the sink's INSERT statement started, a little before its commit).
 * The rows added by 3 and 4 are deleted afterwards, so every round copies the same table.
 *
 * Used by bench/broker/run-broker-bench.ts (`--only jdbc`), or on its own:
 *   node dist/bench/jdbc/jdbc-bench.js [--rounds N] [--rows N] [--quick] [--profile DIR]
 *     [--batch-max-rows N] [--batch-size N]
 * where --quick is 100,000 rows, --batch-max-rows / --batch-size override the source's and the
 * sink's setting (the baseline's INSERTs follow batch.size), and --profile runs the worker under `node --cpu-prof` (a profile per thread) and prints
 * where its CPU time went. Skipped (with a message) when MariaDB is not installed.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import { Kafka } from '../../src/client/kafka.js';
import type { Admin } from '../../src/client/admin/admin.js';
import type { Pool, RowDataPacket } from 'mysql2/promise';
import { mariaDbAvailable, startMariaDb } from '../../src/testkit/mariadb-server.js';
import type { MariaDbServer } from '../../src/testkit/mariadb-server.js';
import { HOST, startBrokerProcess } from '../broker/broker-under-test.js';
import type { ServerProcess } from '../broker/broker-under-test.js';
import { killAll, sleep, track } from '../broker/processes.js';
import { median, medianRatio, percentile } from '../broker/stats.js';
import { createTopic, deleteTopic } from '../broker/wire.js';
import type { CopyBaselineParams } from './jdbc-copy-baseline.js';
import { endOffset, fmt, peakRssMB, printWorkerProfiles, workerProfiles, type BenchRow } from '../connect/connect-bench.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..', '..');
const CONNECT_STANDALONE = join(ROOT, (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin['connect-standalone']!);
const COPY_BASELINE = join(HERE, 'jdbc-copy-baseline.js');

const TARGET_RATIO = 0.5;
const SOURCE_DB = 'bench_src';
const TABLE = 'items';
const COLUMNS = ['id', 'name', 'city', 'quantity', 'price', 'created_at'];
/** The connector settings a user would tune for a bulk copy (reported with the figures). */
export const JDBC_SETTINGS = {
  /** Source: rows per poll() (Confluent's default 100). */
  batchMaxRows: 5000,
  /** Sink: rows per multi-row statement (Confluent's default 3000). */
  batchSize: 3000,
  pollIntervalMs: 100,
};
const CITIES = ['Amsterdam', 'Berlin', 'Copenhagen', 'Dublin', 'Edinburgh', 'Frankfurt', 'Geneva', 'Helsinki', 'Istanbul', 'Kraków'];

export interface JdbcRound {
  /** Baseline copy script: spawn to exit. */
  baselineMs: number;
  /** Its own timing: connecting to the last INSERT. */
  baselineCopyMs: number;
  /** Connect bulk load: spawn to the last row in the target. */
  bulkMs: number;
  /** Connect bulk load: spawn to the first row in the target (start-up, first poll, first put). */
  firstRowMs: number;
  /** Connect bulk load, source side: spawn to the topic's end offset at `rows`. */
  bulkSourceMs: number;
  /** Incremental rows: first INSERT into the source to the last row in the target. */
  incrementalMs: number;
  incrementalRows: number;
  /** Source INSERT to target row, ms, one per latency row. */
  latenciesMs: number[];
  /** Worker's VmHWM (MB). */
  workerPeakRssMB: number;
  /**
   * Worker CPU time (user + system) from the first row in the target to the last, per row copied,
   * in µs: what the worker spends per row, which contention from other processes barely changes
   * (unlike the rates).
   */
  workerCpuUsPerRow: number;
}

export interface JdbcBenchResult {
  skipped: string | null;
  rows: number;
  rowBytes: number;
  rounds: JdbcRound[];
  errors: string[];
  /** The worker's CPU profiles (with --profile), largest first. */
  profiles: string[];
}

export interface JdbcBenchOptions {
  /** Scratch directory (removed by the caller). */
  root: string;
  rounds: number;
  rows: number;
  /** Single-row INSERTs timed for latency per round. Default 200. */
  latencyRows?: number;
  log: (line: string) => void;
  profileDir?: string | null;
  /** Where the broker's, worker's and baseline's output go. */
  logFile?: string;
}

function sourceDdl(name: string): string {
  return `CREATE TABLE ${name} (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, name VARCHAR(64) NOT NULL, city VARCHAR(32) NOT NULL, quantity INT NOT NULL, price DECIMAL(10,2) NOT NULL, created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6))`;
}

function targetDdl(name: string): string {
  return `CREATE TABLE ${name} (id BIGINT NOT NULL PRIMARY KEY, name VARCHAR(64) NOT NULL, city VARCHAR(32) NOT NULL, quantity INT NOT NULL, price DECIMAL(10,2) NOT NULL, created_at DATETIME(6) NOT NULL, landed_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6))`;
}

/** Row i of the generated table (without id): ~50-char name, a city, an int, a decimal, a datetime to the millisecond. */
function generatedRow(i: number): unknown[] {
  const name = `customer ${i} ${'abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz'.slice(0, 52 - String(i).length)}`;
  const t = new Date(Date.UTC(2024, 0, 1) + i * 1001).toISOString().replace('T', ' ').replace('Z', '');
  return [name, CITIES[i % CITIES.length], i % 100_000, `${Math.floor(i / 7) % 100_000}.${String(i % 100).padStart(2, '0')}`, t];
}

async function insertRows(pool: Pool, table: string, from: number, count: number, perStatement: number): Promise<void> {
  for (let start = from; start < from + count; start += perStatement) {
    const rows: unknown[][] = [];
    for (let i = start; i < Math.min(from + count, start + perStatement); i++) rows.push(generatedRow(i));
    await pool.query(`INSERT INTO ${table} (name, city, quantity, price, created_at) VALUES ?`, [rows]);
  }
}

async function scalar(pool: Pool, sql: string): Promise<number> {
  const [rows] = await pool.query<RowDataPacket[]>(sql);
  const v = Object.values(rows[0] ?? {})[0] as unknown;
  return v === null || v === undefined ? 0 : Number(v);
}

async function checksum(pool: Pool, table: string): Promise<string> {
  const [rows] = await pool.query<RowDataPacket[]>(`SELECT COUNT(*) AS n, SUM(CRC32(CONCAT_WS('|', id, name, city, quantity, price))) AS c FROM ${table}`);
  return `${String(rows[0]!.n)}/${String(rows[0]!.c)}`;
}

/**
 * Polls `SELECT MAX(id)` of the target every 20 ms until it reaches `lastId`; ms since `t0`.
 * `onFirstRow` is called (with ms since `t0`) the first time the target holds a row above `firstAbove`.
 */
/** A process's CPU time so far (user + system, ms) from /proc; NaN where there is none. */
function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in USER_HZ (100 on Linux)
  } catch {
    return Number.NaN;
  }
}

async function waitForId(pool: Pool, table: string, lastId: number, t0: number, child: ReturnType<typeof spawn> | null, timeoutMs: number, what: string, firstAbove = Number.POSITIVE_INFINITY, onFirstRow?: (ms: number) => void): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  let seenFirst = false;
  for (;;) {
    if (child !== null && (child.exitCode !== null || child.signalCode !== null)) throw new Error(`connect-standalone exited with ${child.signalCode ?? child.exitCode} during ${what}`);
    const max = await scalar(pool, `SELECT MAX(id) FROM ${table}`);
    if (!seenFirst && max > firstAbove) {
      seenFirst = true;
      onFirstRow?.(performance.now() - t0);
    }
    if (max >= lastId) return performance.now() - t0;
    if (performance.now() > deadline) throw new Error(`${what}: the target did not reach id ${lastId} within ${timeoutMs / 1000} s`);
    await sleep(20);
  }
}

/** VmHWM (peak RSS) of a process in MB, NaN if unreadable. */
async function baselineRun(o: JdbcBenchOptions, db: MariaDbServer, pool: Pool, round: number): Promise<Pick<JdbcRound, 'baselineMs' | 'baselineCopyMs'>> {
  const target = `bench_dst_base_${round}`;
  await db.createDatabase(target);
  try {
    await pool.query(targetDdl(`${target}.${TABLE}`));
    const params: CopyBaselineParams = { host: db.host, port: db.port, user: db.user, password: db.password, sourceDatabase: SOURCE_DB, targetDatabase: target, table: TABLE, columns: COLUMNS, batchRows: JDBC_SETTINGS.batchSize };
    const t0 = performance.now();
    const child = track(spawn(process.execPath, [COPY_BASELINE, JSON.stringify(params)], { stdio: ['ignore', 'pipe', 'pipe'] }));
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), 900_000);
    const code = await new Promise<string>((resolve) => child.once('exit', (c, s) => resolve(String(s ?? c))));
    clearTimeout(timer);
    const baselineMs = performance.now() - t0;
    const result = stdout.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as { type: string; rows?: number; ms?: number }).find((m) => m.type === 'result');
    if (code !== '0' || result === undefined) throw new Error(`copy baseline exited with ${code}: ${stderr.trim()}`);
    if (result.rows !== o.rows) throw new Error(`copy baseline copied ${result.rows} of ${o.rows} rows`);
    const [a, b] = await Promise.all([checksum(pool, `${SOURCE_DB}.${TABLE}`), checksum(pool, `${target}.${TABLE}`)]);
    if (a !== b) throw new Error(`copy baseline: target ${b} differs from source ${a} (count/checksum)`);
    return { baselineMs, baselineCopyMs: result.ms! };
  } finally {
    await pool.query(`DROP DATABASE IF EXISTS ${target}`).catch(() => undefined);
  }
}

async function connectRun(o: JdbcBenchOptions, db: MariaDbServer, pool: Pool, admin: Admin, port: number, round: number): Promise<Omit<JdbcRound, 'baselineMs' | 'baselineCopyMs'>> {
  const dir = join(o.root, `jdbc-${round}`);
  mkdirSync(dir, { recursive: true });
  const target = `bench_dst_connect_${round}`;
  await db.createDatabase(target);
  await pool.query(targetDdl(`${target}.${TABLE}`));
  const prefix = `bench-jdbc-${round}-`;
  const topic = `${prefix}${TABLE}`;
  await createTopic(HOST, port, topic);
  const workerFile = join(dir, 'worker.properties');
  writeFileSync(workerFile, [
    `bootstrap.servers=${HOST}:${port}`,
    'key.converter=org.apache.kafka.connect.json.JsonConverter',
    'key.converter.schemas.enable=true',
    'value.converter=org.apache.kafka.connect.json.JsonConverter',
    'value.converter.schemas.enable=true',
    `offset.storage.file.filename=${join(dir, 'connect.offsets')}`,
    'offset.flush.interval.ms=10000',
    `listeners=http://${HOST}:0`,
    '',
  ].join('\n'));
  const common = [`connection.user=${db.user}`, `connection.password=${db.password}`, 'tasks.max=1'];
  const sourceFile = join(dir, 'source.properties');
  writeFileSync(sourceFile, [
    `name=bench-jdbc-source-${round}`,
    'connector.class=io.confluent.connect.jdbc.JdbcSourceConnector',
    `connection.url=${db.urlFor(SOURCE_DB)}`,
    ...common,
    `table.whitelist=${TABLE}`,
    'mode=incrementing',
    'incrementing.column.name=id',
    `topic.prefix=${prefix}`,
    `poll.interval.ms=${JDBC_SETTINGS.pollIntervalMs}`,
    `batch.max.rows=${JDBC_SETTINGS.batchMaxRows}`,
    'transforms=createKey,extractId',
    'transforms.createKey.type=org.apache.kafka.connect.transforms.ValueToKey',
    'transforms.createKey.fields=id',
    'transforms.extractId.type=org.apache.kafka.connect.transforms.ExtractField$Key',
    'transforms.extractId.field=id',
    '',
  ].join('\n'));
  const sinkFile = join(dir, 'sink.properties');
  writeFileSync(sinkFile, [
    `name=bench-jdbc-sink-${round}`,
    'connector.class=io.confluent.connect.jdbc.JdbcSinkConnector',
    `connection.url=${db.urlFor(target)}`,
    ...common,
    `topics=${topic}`,
    `table.name.format=${TABLE}`,
    'insert.mode=upsert',
    'pk.mode=record_key',
    'pk.fields=id',
    'auto.create=false',
    `batch.size=${JDBC_SETTINGS.batchSize}`,
    '',
  ].join('\n'));

  const nodeArgs = o.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${o.profileDir}`] : [];
  const out = o.logFile === undefined ? 'ignore' : openSync(o.logFile, 'a');
  const srcTable = `${SOURCE_DB}.${TABLE}`;
  const dstTable = `${target}.${TABLE}`;
  const lastBulkId = await scalar(pool, `SELECT MAX(id) FROM ${srcTable}`);
  const t0 = performance.now();
  const child = track(spawn(process.execPath, [...nodeArgs, CONNECT_STANDALONE, workerFile, sourceFile, sinkFile], { stdio: ['ignore', out, out], env: { ...process.env, SAMSA_LOG_LEVEL: 'warn' } }));
  if (typeof out === 'number') closeSync(out);
  const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(String(signal ?? code))));
  // The source side is watched by its own loop, so that a slow ListOffsets never delays noticing the target.
  let bulkSourceMs = Number.NaN;
  let watching = true;
  const watcher = (async (): Promise<void> => {
    while (watching && Number.isNaN(bulkSourceMs)) {
      if ((await endOffset(admin, topic).catch(() => 0)) >= o.rows) bulkSourceMs = performance.now() - t0;
      else await sleep(20);
    }
  })();
  try {
    let firstRowMs = Number.NaN;
    let firstRowCpuMs = Number.NaN;
    const bulkMs = await waitForId(pool, dstTable, lastBulkId, t0, child, 900_000, 'the bulk load', 0, (ms) => {
      firstRowMs = ms;
      firstRowCpuMs = cpuMs(child.pid!);
    });
    const workerCpuUsPerRow = ((cpuMs(child.pid!) - firstRowCpuMs) * 1000) / o.rows;
    watching = false;
    await watcher;
    if (Number.isNaN(bulkSourceMs) || bulkSourceMs > bulkMs) bulkSourceMs = bulkMs;
    const workerPeakRssMB = peakRssMB(child.pid!);
    const [a, b] = await Promise.all([checksum(pool, srcTable), checksum(pool, dstTable)]);
    if (a !== b) throw new Error(`Connect bulk load: target ${b} differs from source ${a} (count/checksum)`);

    const incrementalRows = Math.max(1000, Math.floor(o.rows / 10));
    const t1 = performance.now();
    await insertRows(pool, srcTable, o.rows, incrementalRows, 1000);
    const lastIncrementalId = await scalar(pool, `SELECT MAX(id) FROM ${srcTable}`);
    const incrementalMs = await waitForId(pool, dstTable, lastIncrementalId, t1, child, 600_000, 'the incremental load');

    const latencyRows = o.latencyRows ?? 200;
    const firstLatencyId = lastIncrementalId + 1;
    let lastLatencyId = lastIncrementalId;
    for (let i = 0; i < latencyRows; i++) {
      const [res] = await pool.query<mysql.ResultSetHeader>(`INSERT INTO ${srcTable} (name, city, quantity, price) VALUES (?, ?, ?, ?)`, [`latency ${i}`, CITIES[i % CITIES.length], i, '1.00']);
      lastLatencyId = res.insertId;
      await sleep(50 + Math.random() * 100);
    }
    await waitForId(pool, dstTable, lastLatencyId, performance.now(), child, 120_000, 'the latency rows');
    const [rows] = await pool.query<RowDataPacket[]>(`SELECT TIMESTAMPDIFF(MICROSECOND, s.created_at, t.landed_at) AS us FROM ${srcTable} s JOIN ${dstTable} t USING (id) WHERE s.id BETWEEN ? AND ?`, [firstLatencyId, lastLatencyId]);
    const latenciesMs = rows.map((r) => Number(r.us) / 1000).sort((a, b) => a - b);
    if (latenciesMs.length !== latencyRows) throw new Error(`latency: ${latenciesMs.length} of ${latencyRows} rows arrived`);
    return { bulkMs, bulkSourceMs, firstRowMs, incrementalMs, incrementalRows, latenciesMs, workerPeakRssMB, workerCpuUsPerRow };
  } finally {
    watching = false;
    await watcher;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
    await deleteTopic(HOST, port, topic).catch(() => undefined);
    await pool.query(`DELETE FROM ${srcTable} WHERE id > ?`, [o.rows]).catch(() => undefined);
    await pool.query(`DROP DATABASE IF EXISTS ${target}`).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the phase against its own MariaDB server and broker. Failures are recorded in `errors`; their figures are NaN. */
export async function runJdbcBench(o: JdbcBenchOptions): Promise<JdbcBenchResult> {
  const result: JdbcBenchResult = { skipped: null, rows: o.rows, rowBytes: 0, rounds: [], errors: [], profiles: [] };
  const available = mariaDbAvailable();
  if (!available.ok) {
    result.skipped = `jdbc phase skipped: ${available.message}`;
    o.log(`\n[jdbc] ${result.skipped}`);
    return result;
  }
  o.log(`\n[jdbc] own MariaDB and broker; ${o.rounds} x (a Node copy script with mysql2, streaming SELECT + INSERTs of ${JDBC_SETTINGS.batchSize} rows (the sink's batch.size); then connect-standalone JdbcSource (incrementing) -> topic -> JdbcSink (upsert), JsonConverter with schemas, batch.max.rows=${JDBC_SETTINGS.batchMaxRows}, batch.size=${JDBC_SETTINGS.batchSize}) over ${o.rows.toLocaleString('en-US')} rows`);
  const logDir = join(o.root, 'jdbc-broker');
  let db: MariaDbServer | null = null;
  let pool: Pool | null = null;
  let broker: ServerProcess | null = null;
  let admin: Admin | null = null;
  try {
    db = await startMariaDb({ dataDir: mkdtempSync(join(o.root, 'jdbc-mariadb-')) });
    // The test kit's server has a 64 MB buffer pool; the source and two copies of it are bigger. Same for both sides.
    await db.query('SET GLOBAL innodb_buffer_pool_size = 1073741824');
    pool = mysql.createPool({ host: db.host, port: db.port, user: db.user, password: db.password, connectionLimit: 4, dateStrings: true, supportBigNumbers: true, bigNumberStrings: true });
    await db.createDatabase(SOURCE_DB);
    await pool.query(sourceDdl(`${SOURCE_DB}.${TABLE}`));
    const tf = performance.now();
    await insertRows(pool, `${SOURCE_DB}.${TABLE}`, 0, o.rows, 5000);
    await pool.query(`ANALYZE TABLE ${SOURCE_DB}.${TABLE}`);
    const [st] = await pool.query<RowDataPacket[]>(`SELECT AVG(8 + LENGTH(name) + 1 + LENGTH(city) + 1 + 4 + 5 + 8) AS b FROM ${SOURCE_DB}.${TABLE}`);
    result.rowBytes = Number(st[0]!.b);
    o.log(`  source table filled in ${fmt(performance.now() - tf)} ms (${fmt(result.rowBytes, 1)} bytes of column data per row)`);
    broker = await startBrokerProcess({ logDir, logFile: o.logFile ?? null, overrides: { 'auto.create.topics.enable': 'false' } });
    admin = new Kafka({ clientId: 'samsa-bench-jdbc', brokers: [`${HOST}:${broker.port}`] }).admin();
    await admin.connect();
    for (let i = 0; i < o.rounds; i++) {
      const nan = { baselineMs: Number.NaN, baselineCopyMs: Number.NaN, bulkMs: Number.NaN, bulkSourceMs: Number.NaN, firstRowMs: Number.NaN, incrementalMs: Number.NaN, incrementalRows: 0, latenciesMs: [], workerPeakRssMB: Number.NaN, workerCpuUsPerRow: Number.NaN };
      const b = await baselineRun(o, db, pool, i).catch((err: unknown) => {
        result.errors.push(`jdbc baseline round ${i}: ${err instanceof Error ? err.message : String(err)}`);
        return nan;
      });
      const c = await connectRun(o, db, pool, admin, broker.port, i).catch((err: unknown) => {
        result.errors.push(`jdbc connect round ${i}: ${err instanceof Error ? err.message : String(err)}`);
        return nan;
      });
      const round: JdbcRound = { baselineMs: b.baselineMs, baselineCopyMs: b.baselineCopyMs, bulkMs: c.bulkMs, bulkSourceMs: c.bulkSourceMs, firstRowMs: c.firstRowMs, incrementalMs: c.incrementalMs, incrementalRows: c.incrementalRows, latenciesMs: c.latenciesMs, workerPeakRssMB: c.workerPeakRssMB, workerCpuUsPerRow: c.workerCpuUsPerRow };
      result.rounds.push(round);
      const rate = (rows: number, ms: number): string => `${fmt((rows / ms) * 1000)} rows/s`;
      const lat = round.latenciesMs;
      o.log(`  round ${i + 1}: baseline ${fmt(round.baselineMs)} ms (${rate(o.rows, round.baselineMs)}; ${fmt(round.baselineCopyMs)} ms copying); Connect bulk ${fmt(round.bulkMs)} ms (${rate(o.rows, round.bulkMs)}; source side ${fmt(round.bulkSourceMs)} ms, ${rate(o.rows, round.bulkSourceMs)}; first row in the target after ${fmt(round.firstRowMs)} ms), incremental ${fmt(round.incrementalRows)} rows in ${fmt(round.incrementalMs)} ms (${rate(round.incrementalRows, round.incrementalMs)}), latency p50 ${fmt(percentile(lat, 0.5), 1)} p99 ${fmt(percentile(lat, 0.99), 1)} ms, worker peak RSS ${fmt(round.workerPeakRssMB)} MB, worker CPU ${fmt(round.workerCpuUsPerRow, 1)} µs/row`);
      for (const e of result.errors) if (e.includes(`round ${i}:`)) o.log(`  ! ${e}`);
    }
  } catch (err) {
    result.errors.push(`jdbc: ${err instanceof Error ? err.message : String(err)}`);
    o.log(`  ! ${result.errors[result.errors.length - 1]!}`);
  } finally {
    await admin?.disconnect().catch(() => undefined);
    await pool?.end().catch(() => undefined);
    if (broker !== null) await broker.stop(30_000);
    await db?.stop().catch(() => undefined);
    rmSync(logDir, { recursive: true, force: true });
  }
  if (o.profileDir) result.profiles = workerProfiles(o.profileDir);
  return result;
}

export type JdbcRow = BenchRow;

/** The rows the phase adds to the benchmark's table (medians over the rounds; the ratio is the median of per-round ratios). */
export function jdbcRows(r: JdbcBenchResult): JdbcRow[] {
  if (r.skipped !== null) return [{ figure: 'JDBC: MariaDB table copy', samsa: r.skipped, baseline: '', ratio: '', target: '', result: 'skipped' }];
  const rowsPerS = (rows: number, ms: number[]): string => `${fmt((rows / median(ms)) * 1000)} rows/s`;
  const baselineMs = r.rounds.map((x) => x.baselineMs);
  const base = `Node copy script (mysql2) ${rowsPerS(r.rows, baselineMs)}`;
  const ratio = medianRatio(baselineMs, r.rounds.map((x) => x.bulkMs));
  const lat = r.rounds.flatMap((x) => x.latenciesMs).sort((a, b) => a - b);
  const settings = `batch.max.rows=${JDBC_SETTINGS.batchMaxRows}, batch.size=${JDBC_SETTINGS.batchSize}`;
  const incRows = r.rounds[0]?.incrementalRows ?? 0;
  return [
    {
      figure: `JDBC: ${fmt(r.rows)}-row MariaDB table (~${fmt(r.rowBytes)} B/row) JdbcSource (incrementing) -> topic -> JdbcSink (upsert) into a second database, connect-standalone, JsonConverter with schemas, ${settings}; spawn to the last row in the target`,
      samsa: rowsPerS(r.rows, r.rounds.map((x) => x.bulkMs)),
      baseline: base,
      ratio: fmt(ratio, 2),
      target: `>= ${TARGET_RATIO}`,
      result: Number.isFinite(ratio) ? (ratio >= TARGET_RATIO ? 'met' : 'MISSED') : 'n/a',
    },
    {
      figure: `JDBC: bulk load, source side only, spawn to the topic's end offset at ${fmt(r.rows)}`,
      samsa: rowsPerS(r.rows, r.rounds.map((x) => x.bulkSourceMs)),
      baseline: base,
      ratio: fmt(medianRatio(baselineMs, r.rounds.map((x) => x.bulkSourceMs)), 2),
      target: '',
      result: '',
    },
    {
      figure: `JDBC: incremental, ${fmt(incRows)} more rows inserted into the running source (INSERTs of 1,000), first INSERT to the last row in the target`,
      samsa: rowsPerS(incRows, r.rounds.map((x) => x.incrementalMs)),
      baseline: '',
      ratio: '',
      target: '',
      result: '',
    },
    {
      figure: `JDBC: end-to-end latency, source INSERT to the row in the target, poll.interval.ms=${JDBC_SETTINGS.pollIntervalMs}, ${fmt(lat.length)} single-row INSERTs 50-150 ms apart`,
      samsa: `p50 ${fmt(percentile(lat, 0.5), 1)} ms, p99 ${fmt(percentile(lat, 0.99), 1)} ms`,
      baseline: '',
      ratio: '',
      target: '',
      result: '',
    },
    {
      figure: 'JDBC: bulk load, spawn to the first row in the target (worker start, first poll, sink group join, first put)',
      samsa: `${fmt(median(r.rounds.map((x) => x.firstRowMs)))} ms`,
      baseline: '',
      ratio: '',
      target: '',
      result: '',
    },
    {
      figure: 'JDBC: worker peak RSS (VmHWM) after the bulk load',
      samsa: `${fmt(median(r.rounds.map((x) => x.workerPeakRssMB)))} MB`,
      baseline: '',
      ratio: '',
      target: '',
      result: '',
    },
  ];
}

async function main(): Promise<void> {
  let rounds = 1;
  let rows = 1_000_000;
  let profileDir: string | null = null;
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--rounds') rounds = Number(argv[++i]);
    else if (a === '--rows') rows = Number(argv[++i]);
    else if (a === '--quick') rows = 100_000;
    else if (a === '--profile') profileDir = argv[++i] ?? null;
    else if (a === '--batch-max-rows') JDBC_SETTINGS.batchMaxRows = Number(argv[++i]);
    else if (a === '--batch-size') JDBC_SETTINGS.batchSize = Number(argv[++i]);
    else throw new Error(`unknown argument ${a}`);
  }
  if (!Number.isInteger(rounds) || rounds < 1 || !Number.isInteger(rows) || rows < 1) throw new Error('--rounds and --rows expect positive integers');
  if (!Number.isInteger(JDBC_SETTINGS.batchMaxRows) || JDBC_SETTINGS.batchMaxRows < 1 || !Number.isInteger(JDBC_SETTINGS.batchSize) || JDBC_SETTINGS.batchSize < 1) throw new Error('--batch-max-rows and --batch-size expect positive integers');
  const root = mkdtempSync(join(tmpdir(), 'samsa-jdbc-bench-'));
  const cleanup = (): void => {
    killAll();
    rmSync(root, { recursive: true, force: true });
  };
  process.on('exit', cleanup);
  if (profileDir !== null) mkdirSync(profileDir, { recursive: true });
  const log = (l: string): void => void process.stderr.write(`${l}\n`);
  log(`load average ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
  const r = await runJdbcBench({ root, rounds, rows, log, profileDir, logFile: join(root, 'output.log') });
  const cols: (keyof JdbcRow)[] = ['figure', 'samsa', 'baseline', 'ratio', 'target', 'result'];
  console.log(`\n| Figure | Samsa | Baseline (median) | Ratio | Target | Result |\n|---|---:|---|---:|---:|---:|`);
  for (const row of jdbcRows(r)) console.log(`| ${cols.map((c) => row[c]).join(' | ')} |`);
  for (const e of r.errors) console.log(`error: ${e}`);
  log(`load average ${loadavg().map((v) => v.toFixed(2)).join(' ')} at end`);
  if (r.errors.length > 0 && existsSync(join(root, 'output.log'))) log(readFileSync(join(root, 'output.log'), 'utf8').slice(-3000));
  printWorkerProfiles(r.profiles);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err: unknown) => {
    process.stderr.write(`jdbc benchmark failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    killAll();
    process.exitCode = 1;
  });
}
