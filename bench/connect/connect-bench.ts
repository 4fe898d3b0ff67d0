/**
 * The `connect` phase of the benchmark (issue #8's speed item): Kafka's Connect quickstart at
 * scale. A file of `lines` lines of 100 bytes goes FileStreamSource -> topic -> FileStreamSink
 * through the real `connect-standalone` bin (StringConverter for keys and values, the connectors'
 * defaults), next to a plain Samsa producer writing the same lines to a fresh topic, in the same
 * run against the same broker.
 *
 * Timed, each from just before the process is spawned (both pay for Node's start, loading the
 * code and connecting):
 *  - Connect end to end: until the sink file holds every line (its size equals the input's);
 *  - Connect source side: until the topic's end offset reaches `lines` (ListOffsets polled every
 *    20 ms in its own loop; the sink usually finishes within a poll of the source, as the sink
 *    task consumes while the source produces);
 *  - the plain producer (bench/connect/line-producer.ts): until its last send() resolved.
 * The worker's peak RSS is VmHWM from /proc/<pid>/status once the sink is complete.
 *
 * Used by bench/broker/run-broker-bench.ts (`--only connect`), or on its own:
 *   node dist/bench/connect/connect-bench.js [--rounds N] [--lines N] [--profile DIR]
 * where --profile runs the worker under `node --cpu-prof` and prints where its CPU time went.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka } from '../../src/client/kafka.js';
import type { Admin } from '../../src/client/admin/admin.js';
import { HOST, startBrokerProcess } from '../broker/broker-under-test.js';
import type { ServerProcess } from '../broker/broker-under-test.js';
import { formatSummary, summarizeProfile } from '../broker/cpu-profile-summary.js';
import { killAll, sleep, track } from '../broker/processes.js';
import { median, medianRatio } from '../broker/stats.js';
import { createTopic, deleteTopic } from '../broker/wire.js';
import type { LineProducerParams } from './line-producer.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..', '..');
const CONNECT_STANDALONE = join(ROOT, (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin['connect-standalone']!);
const LINE_PRODUCER = join(HERE, 'line-producer.js');

/** Bytes of each line, without its newline. */
export const LINE_BYTES = 100;
/** Lines per send() of the baseline producer: FileStreamSource's default batch.size. */
const RECORDS_PER_SEND = 2000;
const SENDS_IN_FLIGHT = 5;
const TARGET_RATIO = 0.5;

export interface ConnectRound {
  /** Spawn to the sink file complete. */
  endToEndMs: number;
  /** Spawn to the topic's end offset reaching every line. */
  sourceMs: number;
  /** Worker's VmHWM (MB, 10^6 bytes). */
  workerPeakRssMB: number;
  /** Spawn of the baseline producer process to its last acknowledgement. */
  producerMs: number;
  /** The baseline producer's own timing: reading the file to the last acknowledgement. */
  producerSendMs: number;
}

export interface ConnectBenchResult {
  lines: number;
  lineBytes: number;
  rounds: ConnectRound[];
  errors: string[];
  /** The worker's CPU profiles (with --profile), largest first. */
  profiles: string[];
}

export interface ConnectBenchOptions {
  /** Scratch directory (removed by the caller). */
  root: string;
  rounds: number;
  lines: number;
  log: (line: string) => void;
  /** Runs the worker under `node --cpu-prof`, profiles written here. */
  profileDir?: string | null;
  /** Where the broker's and worker's output go. */
  logFile?: string;
}

/** Writes `lines` lines of LINE_BYTES printable bytes each (distinct, numbered). */
export function writeLines(file: string, lines: number): number {
  const fd = openSync(file, 'w');
  try {
    const perChunk = 10_000;
    const filler = 'abcdefghijklmnopqrstuvwxyz0123456789'.repeat(4);
    for (let from = 0; from < lines; from += perChunk) {
      let s = '';
      for (let i = from; i < Math.min(lines, from + perChunk); i++) {
        const head = `line ${i} `;
        s += head + filler.slice(0, LINE_BYTES - head.length) + '\n';
      }
      writeSync(fd, s);
    }
  } finally {
    closeSync(fd);
  }
  return statSync(file).size;
}

/** VmHWM (peak RSS) of a process in MB, NaN if unreadable. */
/** A process's peak resident set (VmHWM) in MB, NaN when it cannot be read. */
export function peakRssMB(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m === null ? Number.NaN : (Number(m[1]) * 1024) / 1e6;
  } catch {
    return Number.NaN;
  }
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** The sum of a topic's high watermarks. */
export async function endOffset(admin: Admin, topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((n, p) => n + Number(p.high), 0);
}

/** One Connect run: spawn the worker, wait for the source side, then for the sink file. */
async function connectRun(o: ConnectBenchOptions, port: number, admin: Admin, input: string, inputBytes: number, round: number): Promise<Pick<ConnectRound, 'endToEndMs' | 'sourceMs' | 'workerPeakRssMB'>> {
  const dir = join(o.root, `connect-${round}`);
  mkdirSync(dir, { recursive: true });
  const topic = `connect-lines-${round}`;
  await createTopic(HOST, port, topic);
  const sink = join(dir, 'sink.txt');
  const workerFile = join(dir, 'worker.properties');
  writeFileSync(workerFile, [
    `bootstrap.servers=${HOST}:${port}`,
    'key.converter=org.apache.kafka.connect.storage.StringConverter',
    'value.converter=org.apache.kafka.connect.storage.StringConverter',
    `offset.storage.file.filename=${join(dir, 'connect.offsets')}`,
    'offset.flush.interval.ms=10000',
    // Any free port: the REST API is not used here, and 8083 may be taken.
    `listeners=http://${HOST}:0`,
    '',
  ].join('\n'));
  const sourceFile = join(dir, 'source.properties');
  writeFileSync(sourceFile, `name=bench-file-source-${round}\nconnector.class=FileStreamSource\ntasks.max=1\nfile=${input}\ntopic=${topic}\n`);
  const sinkFile = join(dir, 'sink.properties');
  writeFileSync(sinkFile, `name=bench-file-sink-${round}\nconnector.class=FileStreamSink\ntasks.max=1\nfile=${sink}\ntopics=${topic}\n`);

  const nodeArgs = o.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${o.profileDir}`] : [];
  const out = o.logFile === undefined ? 'ignore' : openSync(o.logFile, 'a');
  const t0 = performance.now();
  const child = track(spawn(process.execPath, [...nodeArgs, CONNECT_STANDALONE, workerFile, sourceFile, sinkFile], { stdio: ['ignore', out, out], env: { ...process.env, SAMSA_LOG_LEVEL: 'warn' } }));
  if (typeof out === 'number') closeSync(out);
  const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(String(signal ?? code))));
  const deadline = t0 + 600_000;
  // The source side is watched by its own loop, so that a slow ListOffsets never delays noticing the sink file.
  let sourceMs = Number.NaN;
  let watching = true;
  const watcher = (async (): Promise<void> => {
    while (watching && Number.isNaN(sourceMs)) {
      if ((await endOffset(admin, topic).catch(() => 0)) >= o.lines) sourceMs = performance.now() - t0;
      else await sleep(20);
    }
  })();
  try {
    let endToEndMs = Number.NaN;
    while (Number.isNaN(endToEndMs)) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`connect-standalone exited with ${child.signalCode ?? child.exitCode} before the sink file was complete${o.logFile === undefined ? '' : ` (output in ${o.logFile})`}`);
      if (performance.now() > deadline) throw new Error('the sink file was not complete within 10 minutes');
      if (fileSize(sink) >= inputBytes) endToEndMs = performance.now() - t0;
      else await sleep(20);
    }
    watching = false;
    await watcher;
    // Every line was in the topic before the sink could write it: a watcher that had not looked yet is bounded by the sink.
    if (Number.isNaN(sourceMs) || sourceMs > endToEndMs) sourceMs = endToEndMs;
    const workerPeakRssMB = peakRssMB(child.pid!);
    if (!readFileSync(sink).equals(readFileSync(input))) throw new Error('the sink file differs from the input');
    return { endToEndMs, sourceMs, workerPeakRssMB };
  } finally {
    watching = false;
    await watcher;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
    await deleteTopic(HOST, port, topic).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One baseline run: the plain producer in its own process. */
async function producerRun(port: number, input: string, lines: number, round: number): Promise<Pick<ConnectRound, 'producerMs' | 'producerSendMs'>> {
  const topic = `producer-lines-${round}`;
  await createTopic(HOST, port, topic);
  try {
    const params: LineProducerParams = { port, topic, file: input, recordsPerSend: RECORDS_PER_SEND, sendsInFlight: SENDS_IN_FLIGHT };
    const t0 = performance.now();
    const child = track(spawn(process.execPath, [LINE_PRODUCER, JSON.stringify(params)], { stdio: ['ignore', 'pipe', 'pipe'] }));
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), 600_000);
    const code = await new Promise<string>((resolve) => child.once('exit', (c, s) => resolve(String(s ?? c))));
    clearTimeout(timer);
    const result = stdout
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as { type: string; records?: number; ms?: number })
      .find((m) => m.type === 'result');
    if (code !== '0' || result === undefined) throw new Error(`line producer exited with ${code}: ${stderr.trim()}`);
    if (result.records !== lines) throw new Error(`line producer sent ${result.records} of ${lines} lines`);
    const producerMs = performance.now() - t0;
    return { producerMs, producerSendMs: result.ms! };
  } finally {
    await deleteTopic(HOST, port, topic).catch(() => undefined);
  }
}

/** Runs the phase against its own broker. Failures are recorded in `errors`; their figures are NaN. */
export async function runConnectBench(o: ConnectBenchOptions): Promise<ConnectBenchResult> {
  const result: ConnectBenchResult = { lines: o.lines, lineBytes: LINE_BYTES, rounds: [], errors: [], profiles: [] };
  const input = join(o.root, 'connect-input.txt');
  const inputBytes = writeLines(input, o.lines);
  o.log(`\n[connect] own broker; ${o.rounds} x (connect-standalone FileStreamSource -> topic -> FileStreamSink, StringConverter; then a plain Samsa producer, ${RECORDS_PER_SEND} lines per send(), ${SENDS_IN_FLIGHT} outstanding) over ${o.lines.toLocaleString('en-US')} lines of ${LINE_BYTES} bytes`);
  const logDir = join(o.root, 'connect-broker');
  let broker: ServerProcess | null = null;
  let kafka: Kafka | null = null;
  let admin: Admin | null = null;
  try {
    broker = await startBrokerProcess({ logDir, logFile: o.logFile ?? null, overrides: { 'auto.create.topics.enable': 'false' } });
    kafka = new Kafka({ clientId: 'samsa-bench-connect', brokers: [`${HOST}:${broker.port}`] });
    admin = kafka.admin();
    await admin.connect();
    for (let i = 0; i < o.rounds; i++) {
      const nan = { endToEndMs: Number.NaN, sourceMs: Number.NaN, workerPeakRssMB: Number.NaN, producerMs: Number.NaN, producerSendMs: Number.NaN };
      const c = await connectRun(o, broker.port, admin, input, inputBytes, i).catch((err: unknown) => {
        result.errors.push(`connect round ${i}: ${err instanceof Error ? err.message : String(err)}`);
        return nan;
      });
      const p = await producerRun(broker.port, input, o.lines, i).catch((err: unknown) => {
        result.errors.push(`producer round ${i}: ${err instanceof Error ? err.message : String(err)}`);
        return nan;
      });
      const round: ConnectRound = { endToEndMs: c.endToEndMs, sourceMs: c.sourceMs, workerPeakRssMB: c.workerPeakRssMB, producerMs: p.producerMs, producerSendMs: p.producerSendMs };
      result.rounds.push(round);
      const rate = (ms: number): string => `${fmt(o.lines / ms)}k rec/s`;
      o.log(`  round ${i + 1}: Connect end to end ${fmt(round.endToEndMs)} ms (${rate(round.endToEndMs)}), source side ${fmt(round.sourceMs)} ms (${rate(round.sourceMs)}), worker peak RSS ${fmt(round.workerPeakRssMB)} MB; plain producer ${fmt(round.producerMs)} ms (${rate(round.producerMs)}; ${fmt(round.producerSendMs)} ms from reading the file)`);
      for (const e of result.errors.slice(-2)) if (e.includes(`round ${i}`)) o.log(`  ! ${e}`);
    }
  } finally {
    await admin?.disconnect().catch(() => undefined);
    if (broker !== null) await broker.stop(30_000);
    rmSync(logDir, { recursive: true, force: true });
    rmSync(input, { force: true });
  }
  if (o.profileDir) result.profiles = workerProfiles(o.profileDir);
  return result;
}

/**
 * The CPU profiles written into `dir`, largest first: a worker process writes one per thread (its
 * main thread, the Connect worker's thread, one per task thread), and the busiest are the largest.
 */
export function workerProfiles(dir: string): string[] {
  const profiles = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(dir, f));
  return profiles.sort((a, b) => statSync(b).size - statSync(a).size);
}

/** Prints the summaries of the `count` busiest profiles of `profiles`. */
export function printWorkerProfiles(profiles: readonly string[], count = 2): void {
  for (const profile of profiles.slice(0, count)) {
    console.log(`\nCPU profile of a worker thread: ${profile}\n`);
    console.log(formatSummary(summarizeProfile(profile, 30)));
  }
  if (profiles.length > count) console.log(`\n(${profiles.length - count} smaller profiles of the worker's other threads not shown: ${profiles.slice(count).join(', ')})`);
}

/** A number with thousands separators and `digits` decimals, `n/a` when not finite. */
export function fmt(v: number, digits = 0): string {
  if (!Number.isFinite(v)) return 'n/a';
  return v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** A row of the benchmark's table. */
export interface BenchRow {
  figure: string;
  samsa: string;
  baseline: string;
  ratio: string;
  target: string;
  result: string;
}

/** The rows the phase adds to the benchmark's table (medians over the rounds; ratios are medians of per-round ratios). */
export type ConnectRow = BenchRow;

export function connectRows(r: ConnectBenchResult): BenchRow[] {
  const mb = (r.lines * r.lineBytes) / 1e6;
  const tp = (ms: number[]): string => {
    const m = median(ms);
    return `${fmt((mb * 1000) / m, 1)} MB/s, ${fmt(r.lines / m)}k rec/s`;
  };
  const producer = r.rounds.map((x) => x.producerMs);
  const base = `plain Samsa producer ${tp(producer)}`;
  // Throughput ratios: the inverse of the time ratios.
  const ratio = (ms: number[]): number => medianRatio(producer, ms);
  const e2e = ratio(r.rounds.map((x) => x.endToEndMs));
  const src = ratio(r.rounds.map((x) => x.sourceMs));
  const what = `${fmt(r.lines)} lines of ${r.lineBytes} bytes, connect-standalone, StringConverter, spawn to`;
  return [
    {
      figure: `Connect: FileStreamSource -> topic -> FileStreamSink, ${what} the sink file complete`,
      samsa: tp(r.rounds.map((x) => x.endToEndMs)),
      baseline: base,
      ratio: fmt(e2e, 2),
      target: `>= ${TARGET_RATIO}`,
      result: Number.isFinite(e2e) ? (e2e >= TARGET_RATIO ? 'met' : 'MISSED') : 'n/a',
    },
    {
      figure: `Connect: source side only, ${what} the topic's end offset at ${fmt(r.lines)}`,
      samsa: tp(r.rounds.map((x) => x.sourceMs)),
      baseline: base,
      ratio: fmt(src, 2),
      target: '',
      result: '',
    },
    {
      figure: 'Connect: worker peak RSS (VmHWM) during the run',
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
  let lines = 1_000_000;
  let profileDir: string | null = null;
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--rounds') rounds = Number(argv[++i]);
    else if (a === '--lines') lines = Number(argv[++i]);
    else if (a === '--profile') profileDir = argv[++i] ?? null;
    else throw new Error(`unknown argument ${a}`);
  }
  if (!Number.isInteger(rounds) || rounds < 1 || !Number.isInteger(lines) || lines < 1) throw new Error('--rounds and --lines expect positive integers');
  const root = mkdtempSync(join(tmpdir(), 'samsa-connect-bench-'));
  const cleanup = (): void => {
    killAll();
    rmSync(root, { recursive: true, force: true });
  };
  process.on('exit', cleanup);
  if (profileDir !== null) mkdirSync(profileDir, { recursive: true });
  const log = (l: string): void => void process.stderr.write(`${l}\n`);
  log(`load average ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
  const r = await runConnectBench({ root, rounds, lines, log, profileDir, logFile: join(root, 'output.log') });
  const rows = connectRows(r);
  const cols: (keyof BenchRow)[] = ['figure', 'samsa', 'baseline', 'ratio', 'target', 'result'];
  console.log(`\n| Figure | Samsa | Baseline (median) | Ratio | Target | Result |\n|---|---:|---|---:|---:|---:|`);
  for (const row of rows) console.log(`| ${cols.map((c) => row[c]).join(' | ')} |`);
  for (const e of r.errors) console.log(`error: ${e}`);
  log(`load average ${loadavg().map((v) => v.toFixed(2)).join(' ')} at end`);
  if (r.errors.length > 0 && existsSync(join(root, 'output.log'))) log(readFileSync(join(root, 'output.log'), 'utf8').slice(-3000));
  printWorkerProfiles(r.profiles);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err: unknown) => {
    process.stderr.write(`connect benchmark failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    killAll();
    process.exitCode = 1;
  });
}
