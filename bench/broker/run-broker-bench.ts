/**
 * Broker benchmark: `npm run bench` (builds, then runs dist/bench/broker/run-broker-bench.js).
 * Not a test: it asserts nothing, it prints a table of figures next to baselines that show what
 * this machine allows a Node process, and whether each target is met.
 *
 *   --quick          ~1 minute smoke run (small sizes, one round)
 *   --rounds N       baseline/broker pairs per figure (default 5; quick 1)
 *   --only LIST      comma-separated phases: start,latency,produce,consume,clients,groups,compaction,connect,jdbc
 *                    (groups and compaction have no targets; jdbc runs at most 3 rounds and is
 *                    skipped when MariaDB is not installed; default: all)
 *   --profile DIR    run the main broker under `node --cpu-prof`, write the profile to DIR and
 *                    print where its CPU time went
 *   --diagnose       preload broker-probe.js into the main broker: event-loop delay and GC
 *                    pauses per phase (no broker code changed)
 *   --json FILE      also write every raw measurement as JSON
 *   --broker-node-args "ARGS"
 *                    extra Node/V8 flags for the main broker (space-separated), for experiments
 *   --rdkafka-producer-config "k=v ..."
 *                    librdkafka properties for rdkafka_performance -P (each passed as -X k=v): in
 *                    the clients phase (default: librdkafka's own), and in the produce phase for
 *                    the run the target row is read from (default: linger.ms=0; that phase also
 *                    runs librdkafka's defaults every round, for information)
 *
 * Everything runs on 127.0.0.1. Temp dirs are removed and child processes killed at the end,
 * on error and on SIGINT/SIGTERM. See bench/README.md for what each figure measures.
 */
import { cpus, loadavg, tmpdir } from 'node:os';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statfsSync, statSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { HOST, PROBE_PATH, startBareServer, startBrokerProcess } from './broker-under-test.js';
import type { ServerProcess } from './broker-under-test.js';
import { formatSummary, summarizeProfile } from './cpu-profile-summary.js';
import { findRdkafkaPerformance, kcatConsume, kcatProduce, kcatVersion, rdkafkaPerformanceConsume, rdkafkaPerformanceProduce, writeKcatInput } from './external-clients.js';
import type { ThroughputResult } from './external-clients.js';
import { cpuMs, killAll, runCommand, runQueueWait, sampleRss, schedStat, sleep, startWorker } from './processes.js';
import { median, medianRatio, percentile } from './stats.js';
import { createTopic, deleteTopic } from './wire.js';
import { measureCommits, measureRebalance } from './group-bench.js';
import type { CommitResult } from './group-bench.js';
import { compactionScenarios, runCompactionScenario } from '../compaction.js';
import { clientRound, clientWarmUp, roundOrder } from './client-bench.js';
import { connectRows, runConnectBench } from '../connect/connect-bench.js';
import type { ConnectBenchResult } from '../connect/connect-bench.js';
import { jdbcRows, runJdbcBench } from '../jdbc/jdbc-bench.js';
import type { JdbcBenchResult } from '../jdbc/jdbc-bench.js';
import type { ClientName, ClientRun } from './client-bench.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const VALUE_BYTES = KiB;
/** ~1 MB batches, as librdkafka builds under load (batch.size=1000000), below message.max.bytes. */
const RECORDS_PER_BATCH = 960;
/**
 * The produce phase's C producer for the target row: librdkafka without its 5 ms linger. At its
 * defaults the tool tops out near 0.4x the null broker even against a broker that stores nothing
 * (the ceiling row shows it every run), which would make the target measure the tool.
 */
const UNCAPPED_RDKAFKA_PRODUCER_CONFIG: readonly string[] = ['linger.ms=0'];
const PHASES = ['start', 'latency', 'produce', 'consume', 'clients', 'groups', 'compaction', 'connect', 'jdbc'] as const;
type Phase = (typeof PHASES)[number];

interface Options {
  quick: boolean;
  rounds: number;
  only: Set<Phase>;
  profileDir: string | null;
  jsonFile: string | null;
  diagnose: boolean;
  /** Extra Node/V8 flags for the main broker (--broker-node-args). */
  brokerNodeArgs: string[];
  /** librdkafka properties for the produce and clients phases' C producer (--rdkafka-producer-config). */
  rdkafkaProducerConfig: string[];
}

function parseArgs(argv: string[]): Options {
  let quick = false;
  let rounds: number | null = null;
  let only = new Set<Phase>(PHASES);
  let profileDir: string | null = null;
  let jsonFile: string | null = null;
  let diagnose = false;
  let brokerNodeArgs: string[] = [];
  let rdkafkaProducerConfig: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--quick') quick = true;
    else if (a === '--rounds') rounds = Number(argv[++i]);
    else if (a === '--only') {
      const list = (argv[++i] ?? '').split(',').map((s) => s.trim()) as Phase[];
      for (const p of list) if (!PHASES.includes(p)) throw new Error(`unknown phase ${p}; phases: ${PHASES.join(',')}`);
      only = new Set(list);
    } else if (a === '--profile') profileDir = argv[++i] ?? null;
    else if (a === '--json') jsonFile = argv[++i] ?? null;
    else if (a === '--diagnose') diagnose = true;
    else if (a === '--broker-node-args') brokerNodeArgs = (argv[++i] ?? '').split(' ').filter((x) => x !== '');
    else if (a === '--rdkafka-producer-config') {
      rdkafkaProducerConfig = (argv[++i] ?? '').split(' ').filter((x) => x !== '');
      for (const kv of rdkafkaProducerConfig) if (!/^[a-z0-9.]+=\S+$/.test(kv)) throw new Error(`--rdkafka-producer-config expects key=value pairs, got ${kv}`);
    }    else throw new Error(`unknown argument ${a}`);
  }
  if (rounds !== null && (!Number.isInteger(rounds) || rounds < 1)) throw new Error('--rounds expects a positive integer');
  return { quick, rounds: rounds ?? (quick ? 1 : 5), only, profileDir, jsonFile, diagnose, brokerNodeArgs, rdkafkaProducerConfig };
}

interface Sizes {
  produceRecords: number;
  fillRecords: number;
  latencyMs: number;
  latencyRate: number;
  starts: number;
  idleRssRounds: number;
  pingPongCount: number;
  /** Rebalances timed per round in the groups phase. */
  rebalances: number;
  /** Length of each commit-throughput run. */
  commitMs: number;
  /** Records per client run in the clients phase. */
  clientRecords: number;
  /** Lines of 100 bytes per run in the connect phase. */
  connectLines: number;
  /** Rows of the MariaDB table copied per run in the jdbc phase. */
  jdbcRows: number;
}

function sizes(quick: boolean): Sizes {
  return quick
    ? { produceRecords: 96 * KiB, fillRecords: 256 * KiB, latencyMs: 3000, latencyRate: 10_000, starts: 3, idleRssRounds: 1, pingPongCount: 10_000, rebalances: 5, commitMs: 1000, clientRecords: 64 * KiB, connectLines: 100_000, jdbcRows: 100_000 }
    : { produceRecords: 512 * KiB, fillRecords: 2 * MiB, latencyMs: 10_000, latencyRate: 10_000, starts: 10, idleRssRounds: 3, pingPongCount: 30_000, rebalances: 20, commitMs: 3000, clientRecords: 512 * KiB, connectLines: 1_000_000, jdbcRows: 1_000_000 };
}

// ---------------------------------------------------------------------------------------------
// Results

interface Throughput {
  mbps: number;
  recordsPerSec: number;
  /** Broker CPU time (user + system) per second of the run, for broker runs. */
  brokerCpu?: number;
}

function throughput(bytes: number, records: number, ms: number): Throughput {
  return { mbps: bytes / 1e3 / ms, recordsPerSec: (records * 1000) / ms };
}

/** Start times (wall and CPU ms to the first accepted connection) of the bare server and the broker, run alternately. */
interface StartSeries {
  bareMs: number[];
  brokerMs: number[];
  bareCpuMs: number[];
  brokerCpuMs: number[];
}

/**
 * Set on some machines (this development machine's sandbox sets it): Node then reads and parses
 * that CA bundle before running any JavaScript, tens of milliseconds of every process's start that
 * no program can avoid. The start phase measures with the environment as it is and, when this is
 * set, again without it.
 */
const EXTRA_CA_CERTS = 'NODE_EXTRA_CA_CERTS';

interface Results {
  startedAt: string;
  machine: Record<string, unknown>;
  notes: string[];
  start: StartSeries & { bareIdleRssMB: number[]; brokerIdleRssMB: number[]; withoutExtraCaCerts: StartSeries | null };
  /** `e2e`: producing and consuming loops in one client process; `e2eTwoProcesses`: each in its own. */
  /**
   * `pingPong`: round trips back to back (the baseline the target names); `pingPongPaced`: one
   * round trip per ~1 ms timer tick, the pace of the end-to-end runs (information).
   */
  latency: { pingPong: { p50: number; p99: number }[]; pingPongPaced: { p50: number; p99: number }[]; e2e: E2eResult[]; e2eTwoProcesses: E2eResult[] };
  /**
   * `c`: the C producer the target row is read from (rdkafka_performance with `cConfig`, else
   * kcat); `cDefaults`: rdkafka_performance at librdkafka's defaults (information; empty with kcat).
   * The `*Ceiling` series: the same producer against the null Kafka broker
   * (workers/null-kafka-broker.ts), the producer's own ceiling.
   */
  produce: { client: string; cConfig: string[]; nullC: Throughput[]; c: Throughput[]; nullNode: Throughput[]; node: Throughput[]; peakRssMB: number;
    cCeiling: Throughput[]; cDefaults: Throughput[]; cDefaultsCeiling: Throughput[] };
  fill: { bytes: number; records: number; rssBeforeMB: number; rssAfterQuarterMB: number[]; mbps: number };
  /** `c`: the C consumer (rdkafka_performance -C, else kcat), next to `nullC`; `kcat`: kcat -C as well when the C consumer is rdkafka_performance (same baseline). */
  consume: { storedBytes: number; client: string; nullC: Throughput[]; c: Throughput[]; kcat: Throughput[]; nullNode: Throughput[]; node: Throughput[] };
  restart: { startMs: number; rssMB: number };
  /** Rebalance samples (ms) of every round; commit runs, one per round. */
  groups: { rebalanceMs: number[]; commit1: CommitResult[]; commit10: CommitResult[] };
  /** MB/s of log cleaned per scenario, one figure per round. */
  compaction: { name: string; cleanedMBps: number[] }[];
  /** The clients phase: per round, each client's produce and consume run (missing when it failed). */
  /** `rdkafkaProducerConfig`: the -X properties rdkafka_performance -P ran with (--rdkafka-producer-config; empty: librdkafka's defaults). */
  clients: { records: number; rdkafkaProducerConfig: string[]; rounds: { produce: Partial<Record<ClientName, ClientRun>>; consume: Partial<Record<ClientName, ClientRun>> }[] };
  /** The connect phase (bench/connect/connect-bench.ts). */
  connect: ConnectBenchResult | null;
  /** The jdbc phase (bench/jdbc/jdbc-bench.ts). */
  jdbc: JdbcBenchResult | null;
  errors: string[];
}

const results: Results = {
  startedAt: new Date().toISOString(),
  machine: {},
  notes: [],
  start: { bareMs: [], brokerMs: [], bareCpuMs: [], brokerCpuMs: [], bareIdleRssMB: [], brokerIdleRssMB: [], withoutExtraCaCerts: null },
  latency: { pingPong: [], pingPongPaced: [], e2e: [], e2eTwoProcesses: [] },
  produce: { client: '', cConfig: [], nullC: [], c: [], nullNode: [], node: [], peakRssMB: Number.NaN, cCeiling: [], cDefaults: [], cDefaultsCeiling: [] },
  fill: { bytes: 0, records: 0, rssBeforeMB: Number.NaN, rssAfterQuarterMB: [], mbps: Number.NaN },
  consume: { storedBytes: 0, client: '', nullC: [], c: [], kcat: [], nullNode: [], node: [] },
  restart: { startMs: Number.NaN, rssMB: Number.NaN },
  groups: { rebalanceMs: [], commit1: [], commit10: [] },
  compaction: [],
  clients: { records: 0, rdkafkaProducerConfig: [], rounds: [] },
  connect: null,
  jdbc: null,
  errors: [],
};

const NAN_THROUGHPUT: Throughput = { mbps: Number.NaN, recordsPerSec: Number.NaN };

/** Runs a broker measurement and adds the broker's CPU use during it (CPU seconds per second). */
async function withBrokerCpu(pid: number, fn: () => Promise<Throughput>): Promise<Throughput> {
  const c0 = cpuMs(pid);
  const t0 = performance.now();
  const r = await fn();
  return { ...r, brokerCpu: (cpuMs(pid) - c0) / (performance.now() - t0) };
}

/** Runs one measurement; a failure is recorded and NaN stands in for its figure. */
async function attempt<T>(what: string, fallback: T, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const msg = `${what}: ${err instanceof Error ? err.message : String(err)}`;
    results.errors.push(msg);
    log(`  ! ${msg.split('\n')[0]}`);
    return fallback;
  }
}

/**
 * Writes back every dirty page (`sync`) before a throughput run, so that no run pays for the
 * writeback of the data an earlier one left in the page cache. Not timed.
 */
async function flushDirtyPages(): Promise<void> {
  await runCommand('sync', [], 120_000);
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

// ---------------------------------------------------------------------------------------------
// Baselines

async function nullProduce(dir: string, bytes: number, round: string): Promise<Throughput> {
  await flushDirtyPages();
  const file = join(dir, `null-produce-${round}.bin`);
  const sink = startWorker<{ bytes: number; ms: number }>('null-produce-sink', { file }, 120_000);
  try {
    const { port } = (await sink.ready) as { port: number };
    const source = startWorker<{ bytes: number; ms: number }>('null-produce-source', { port, bytes }, 120_000);
    await source.result;
    const r = await sink.result;
    if (r.bytes !== bytes) throw new Error(`null broker received ${r.bytes} of ${bytes} bytes`);
    return throughput(r.bytes, r.bytes / VALUE_BYTES, r.ms);
  } finally {
    sink.kill();
    rmSync(file, { force: true });
  }
}

async function nullConsume(files: string[]): Promise<Throughput> {
  await flushDirtyPages();
  const server = startWorker<{ bytes: number }>('null-consume-server', { files }, 120_000);
  try {
    const { port } = (await server.ready) as { port: number };
    const reader = startWorker<{ bytes: number; ms: number }>('stream-reader', { port }, 120_000);
    const r = await reader.result;
    await server.result;
    return throughput(r.bytes, r.bytes / VALUE_BYTES, r.ms);
  } finally {
    server.kill();
  }
}

/** Back to back (`intervalMs` 0), or one round trip per `intervalMs` timer (warm-up 500 then). */
async function pingPong(count: number, intervalMs = 0): Promise<{ p50: number; p99: number }> {
  const server = startWorker<Record<string, never>>('ping-pong', { role: 'server' }, 120_000);
  try {
    const { port } = (await server.ready) as { port: number };
    const warmup = intervalMs > 0 ? 500 : 2000;
    const client = startWorker<{ p50: number; p99: number }>('ping-pong', { role: 'client', port, size: 64, warmup, count, intervalMs }, 120_000);
    const r = await client.result;
    return { p50: r.p50, p99: r.p99 };
  } finally {
    server.kill();
  }
}

// ---------------------------------------------------------------------------------------------
// Broker runs

async function nodeProduce(port: number, topic: string, records: number): Promise<Throughput> {
  await flushDirtyPages();
  const w = startWorker<{ records: number; valueBytes: number; ms: number }>(
    'protocol-producer',
    { port, topic, partition: 0, records, recordsPerBatch: RECORDS_PER_BATCH, valueBytes: VALUE_BYTES, maxInFlight: 8, acks: 1 },
    300_000,
  );
  const r = await w.result;
  return throughput(r.valueBytes, r.records, r.ms);
}

async function cProduce(port: number, topic: string, records: number, rdkafkaPerformance: string | null, kcatInput: string | null, config: readonly string[]): Promise<Throughput> {
  await flushDirtyPages();
  const bootstrap = `${HOST}:${port}`;
  let r: ThroughputResult;
  if (rdkafkaPerformance !== null) r = await rdkafkaPerformanceProduce(rdkafkaPerformance, bootstrap, topic, records, VALUE_BYTES, 300_000, 1, config);
  else r = await kcatProduce(bootstrap, topic, kcatInput!, records, VALUE_BYTES, 300_000);
  return throughput(r.bytes, r.records, r.ms);
}

interface E2eResult {
  p50: number;
  p99: number;
  p999: number;
  max: number;
  measured: number;
  stallsOver2ms?: number;
  worstStalls?: string[];
  /** Run-queue wait (ms per second, µs per timeslice) of the consumer, producer and broker main threads. */
  runQueue?: Record<string, { waitMsPerSec: number; waitUsPerSlice: number }>;
}

let brokerPidForSched = 0;

/**
 * How the end-to-end latency client runs: `one-process` puts the producing and the consuming loop
 * in one process (workers/latency-client.ts; the broker and the client are then one busy process
 * per core), `two-processes` gives each loop its own (three busy processes on two cores).
 */
type E2eClientLayout = 'one-process' | 'two-processes';

async function e2eLatency(port: number, topic: string, s: Sizes, layout: E2eClientLayout): Promise<E2eResult> {
  await createTopic(HOST, port, topic);
  const expected = Math.round((s.latencyRate * s.latencyMs) / 1000);
  const consume = { topic, expected, warmupRecords: Math.min(s.latencyRate, Math.floor(expected / 10)), timeoutMs: s.latencyMs + 30_000 };
  const produce = { topic, rate: s.latencyRate, durationMs: s.latencyMs, valueBytes: VALUE_BYTES, maxInFlight: 5 };
  type RunQueue = { waitMsPerSec: number; waitUsPerSlice: number };
  const brokerPid = brokerPidForSched;
  const sched0 = schedStat(brokerPid);
  const wall0 = performance.now();
  const workers: { kill(): void }[] = [];
  try {
    let r: E2eResult & { received: number } & RunQueue;
    let clientQueues: Record<string, RunQueue>;
    if (layout === 'one-process') {
      const client = startWorker<E2eResult & { received: number } & RunQueue>('latency-client', { port, consume, produce }, s.latencyMs + 40_000);
      workers.push(client);
      r = await client.result;
      clientQueues = { client: { waitMsPerSec: r.waitMsPerSec, waitUsPerSlice: r.waitUsPerSlice } };
    } else {
      const consumer = startWorker<E2eResult & { received: number } & RunQueue>('latency-consumer', { port, ...consume }, s.latencyMs + 40_000);
      workers.push(consumer);
      await consumer.ready;
      const producer = startWorker<{ records: number } & RunQueue>('latency-producer', { port, ...produce }, s.latencyMs + 30_000);
      workers.push(producer);
      const pr = await producer.result;
      r = await consumer.result;
      clientQueues = { producer: { waitMsPerSec: pr.waitMsPerSec, waitUsPerSlice: pr.waitUsPerSlice }, consumer: { waitMsPerSec: r.waitMsPerSec, waitUsPerSlice: r.waitUsPerSlice } };
    }
    if (r.received !== expected) throw new Error(`latency consumer received ${r.received} of ${expected} records`);
    r.runQueue = { broker: runQueueWait(sched0, schedStat(brokerPid), performance.now() - wall0), ...clientQueues };
    return r;
  } finally {
    for (const w of workers) w.kill();
    await deleteTopic(HOST, port, topic);
  }
}

async function nodeFetch(port: number, topic: string, untilOffset: number): Promise<Throughput> {
  await flushDirtyPages();
  const w = startWorker<{ records: number; bytes: number; ms: number }>('fetch-consumer', { port, topic, partition: 0, fromOffset: 0, untilOffset, partitionMaxBytes: 8 * MiB }, 300_000);
  const r = await w.result;
  if (r.records !== untilOffset) throw new Error(`fetch loop read ${r.records} of ${untilOffset} records`);
  return throughput(r.records * VALUE_BYTES, r.records, r.ms);
}

const SETTLE_MS = 3000;

/**
 * RSS once the process is idle: the lowest of the samples taken every 200 ms for SETTLE_MS.
 * A single sample mostly measures how much garbage the last run left before the next GC.
 */
async function settledRss(p: ServerProcess): Promise<number> {
  let low = Number.POSITIVE_INFINITY;
  for (let t = 0; t < SETTLE_MS; t += 200) {
    await sleep(200);
    low = Math.min(low, p.rss());
  }
  return Number.isFinite(low) ? low : Number.NaN;
}

function segmentFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.log'))
    .sort()
    .map((f) => join(dir, f));
}

// ---------------------------------------------------------------------------------------------
// Report

function fmt(v: number, digits = 0): string {
  if (!Number.isFinite(v)) return 'n/a';
  return v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

function tp(t: Throughput[]): string {
  return `${fmt(median(t.map((x) => x.mbps)))} MB/s, ${fmt(median(t.map((x) => x.recordsPerSec)) / 1000)}k rec/s`;
}

function verdict(ok: boolean | null): string {
  return ok === null ? 'n/a' : ok ? 'met' : 'MISSED';
}

interface Row {
  figure: string;
  samsa: string;
  baseline: string;
  ratio: string;
  target: string;
  result: string;
}

function buildRows(o: Options, s: Sizes): Row[] {
  const rows: Row[] = [];
  const r = results;
  if (o.only.has('produce')) {
    const ratioC = medianRatio(r.produce.c.map((x) => x.mbps), r.produce.nullC.map((x) => x.mbps));
    rows.push({
      figure: `Produce 1 KiB records, 1 partition, acks=1, ${r.produce.client} (${fmt(s.produceRecords / 1024)}Ki records per run)`,
      samsa: tp(r.produce.c),
      baseline: `null broker ${fmt(median(r.produce.nullC.map((x) => x.mbps)))} MB/s`,
      ratio: fmt(ratioC, 2),
      target: '>= 0.5',
      result: verdict(Number.isFinite(ratioC) ? ratioC >= 0.5 : null),
    });
    const ceilingRow = (c: Throughput[], ceiling: Throughput[], which: string): void => {
      if (ceiling.length === 0) return;
      const ratioK = medianRatio(c.map((x) => x.mbps), ceiling.map((x) => x.mbps));
      const ceilingToNull = medianRatio(ceiling.map((x) => x.mbps), r.produce.nullC.map((x) => x.mbps));
      rows.push({
        figure: `${which} against a null Kafka broker (frames and acknowledges, stores nothing): the producer's own ceiling, ${fmt(ceilingToNull, 2)}x the null broker`,
        samsa: tp(c),
        baseline: `null Kafka broker ${fmt(median(ceiling.map((x) => x.mbps)))} MB/s`,
        ratio: fmt(ratioK, 2),
        target: '(information)',
        result: '',
      });
    };
    ceilingRow(r.produce.c, r.produce.cCeiling, 'The same C producer');
    if (r.produce.cDefaults.length > 0) {
      const ratioD = medianRatio(r.produce.cDefaults.map((x) => x.mbps), r.produce.nullC.map((x) => x.mbps));
      rows.push({
        figure: `Produce, same, rdkafka_performance at librdkafka's defaults (linger.ms=5), in the same rounds`,
        samsa: tp(r.produce.cDefaults),
        baseline: `null broker ${fmt(median(r.produce.nullC.map((x) => x.mbps)))} MB/s`,
        ratio: fmt(ratioD, 2),
        target: '(information)',
        result: '',
      });
      ceilingRow(r.produce.cDefaults, r.produce.cDefaultsCeiling, 'The same at its defaults');
    }
    const ratioN = medianRatio(r.produce.node.map((x) => x.mbps), r.produce.nullNode.map((x) => x.mbps));
    rows.push({
      figure: `Produce, same, protocol-level Node producer (pre-built ~1 MB Produce v9 requests, 8 in flight)`,
      samsa: tp(r.produce.node),
      baseline: `null broker ${fmt(median(r.produce.nullNode.map((x) => x.mbps)))} MB/s`,
      ratio: fmt(ratioN, 2),
      target: '>= 0.5',
      result: verdict(Number.isFinite(ratioN) ? ratioN >= 0.5 : null),
    });
    rows.push({
      figure: 'RSS under load (peak during the produce runs)',
      samsa: `${fmt(r.produce.peakRssMB)} MB`,
      baseline: '',
      ratio: '',
      target: '',
      result: '',
    });
  }
  if (o.only.has('consume')) {
    const gb = fmt(r.consume.storedBytes / 1e9, 2);
    const ratioC = medianRatio(r.consume.c.map((x) => x.mbps), r.consume.nullC.map((x) => x.mbps));
    rows.push({
      figure: `Consume ${gb} GB from the start, ${r.consume.client} (librdkafka default fetch sizes)`,
      samsa: tp(r.consume.c),
      baseline: `null broker ${fmt(median(r.consume.nullC.map((x) => x.mbps)))} MB/s`,
      ratio: fmt(ratioC, 2),
      target: '>= 0.5',
      result: verdict(Number.isFinite(ratioC) ? ratioC >= 0.5 : null),
    });
    if (r.consume.kcat.length > 0) {
      const ratioK = medianRatio(r.consume.kcat.map((x) => x.mbps), r.consume.nullC.map((x) => x.mbps));
      rows.push({
        figure: `Consume ${gb} GB from the start, kcat -C -o beginning -e > /dev/null (kcat formats every record: CPU-bound on its side)`,
        samsa: tp(r.consume.kcat),
        baseline: `null broker ${fmt(median(r.consume.nullC.map((x) => x.mbps)))} MB/s`,
        ratio: fmt(ratioK, 2),
        target: '',
        result: '',
      });
    }
    const ratioN = medianRatio(r.consume.node.map((x) => x.mbps), r.consume.nullNode.map((x) => x.mbps));
    rows.push({
      figure: `Consume ${gb} GB from the start, Node fetch loop (Fetch v12, 8 MiB per request, one at a time)`,
      samsa: tp(r.consume.node),
      baseline: `null broker ${fmt(median(r.consume.nullNode.map((x) => x.mbps)))} MB/s`,
      ratio: fmt(ratioN, 2),
      target: '>= 0.5',
      result: verdict(Number.isFinite(ratioN) ? ratioN >= 0.5 : null),
    });
  }
  if (o.only.has('clients')) rows.push(...clientRows());
  if (o.only.has('latency')) {
    const pp = r.latency.pingPong;
    const latencyRow = (e2e: E2eResult[], how: string, isTarget: boolean): void => {
      const ratio99 = medianRatio(e2e.map((x) => x.p99), pp.map((x) => x.p99));
      const ratio50 = medianRatio(e2e.map((x) => x.p50), pp.map((x) => x.p50));
      rows.push({
        figure: `End-to-end latency at ${fmt(s.latencyRate)} rec/s, 1 KiB, acks=1, ${fmt(s.latencyMs / 1000)} s per run (p50 / p99), ${how}`,
        samsa: `${fmt(median(e2e.map((x) => x.p50)), 3)} / ${fmt(median(e2e.map((x) => x.p99)), 3)} ms`,
        baseline: `ping-pong ${fmt(median(pp.map((x) => x.p50)), 3)} / ${fmt(median(pp.map((x) => x.p99)), 3)} ms`,
        ratio: `${fmt(ratio50, 1)} / ${fmt(ratio99, 1)}`,
        target: isTarget ? 'p99 <= 6x' : '(information)',
        result: isTarget ? verdict(Number.isFinite(ratio99) ? ratio99 <= 6 : null) : '',
      });
    };
    latencyRow(r.latency.e2e, 'producer and consumer in one client process (as Kafka\'s end-to-end latency tool)', true);
    if (r.latency.e2eTwoProcesses.length > 0) latencyRow(r.latency.e2eTwoProcesses, 'producer and consumer in two processes (three busy processes on two cores)', false);
    const paced = r.latency.pingPongPaced;
    if (paced.length > 0) {
      const e2e = r.latency.e2e;
      rows.push({
        figure: 'The one-process end-to-end latency above against a ping-pong at its pace: one round trip per ~1 ms timer tick, so that both processes sleep between round trips as the broker and its client do (p50 / p99)',
        samsa: `${fmt(median(e2e.map((x) => x.p50)), 3)} / ${fmt(median(e2e.map((x) => x.p99)), 3)} ms`,
        baseline: `paced ping-pong ${fmt(median(paced.map((x) => x.p50)), 3)} / ${fmt(median(paced.map((x) => x.p99)), 3)} ms`,
        ratio: `${fmt(medianRatio(e2e.map((x) => x.p50), paced.map((x) => x.p50)), 1)} / ${fmt(medianRatio(e2e.map((x) => x.p99), paced.map((x) => x.p99)), 1)}`,
        target: '(information)',
        result: '',
      });
    }
  }
  if (o.only.has('start')) {
    const startRow = (series: StartSeries, how: string): void => {
      const startMed = median(series.brokerMs);
      rows.push({
        figure: `Process start to first accepted connection (median of ${series.brokerMs.length}, empty log dir; ${how}; CPU ms used by then in brackets)`,
        samsa: `${fmt(startMed)} ms (${fmt(median(series.brokerCpuMs))} CPU)`,
        baseline: `bare Node TCP server ${fmt(median(series.bareMs))} ms (${fmt(median(series.bareCpuMs))} CPU)`,
        ratio: fmt(medianRatio(series.brokerMs, series.bareMs), 2),
        target: '<= 150 ms',
        result: verdict(Number.isFinite(startMed) ? startMed <= 150 : null),
      });
    };
    startRow(r.start, r.start.withoutExtraCaCerts === null ? 'environment as it is' : `environment as it is, with ${EXTRA_CA_CERTS} set`);
    if (r.start.withoutExtraCaCerts !== null) startRow(r.start.withoutExtraCaCerts, `without ${EXTRA_CA_CERTS}, which makes every Node process parse a CA bundle before any JavaScript runs`);
    const rssMed = median(r.start.brokerIdleRssMB);
    rows.push({
      figure: 'Idle RSS (1 s after start, nothing stored)',
      samsa: `${fmt(rssMed)} MB`,
      baseline: `bare Node TCP server ${fmt(median(r.start.bareIdleRssMB))} MB`,
      ratio: fmt(medianRatio(r.start.brokerIdleRssMB, r.start.bareIdleRssMB), 2),
      target: '<= 60 MB',
      result: verdict(Number.isFinite(rssMed) ? rssMed <= 60 : null),
    });
  }
  if (o.only.has('consume')) {
    const f = r.fill;
    const q = f.rssAfterQuarterMB;
    // Growth with the data stored: after the last quarter vs after the first, both right after the
    // same kind of load (the step from "before" to the first quarter is the heap warming up).
    const growth = (q[q.length - 1] ?? Number.NaN) - (q[0] ?? Number.NaN);
    rows.push({
      figure: `RSS vs data stored (settled: lowest over 3 s idle): before the fill -> after each quarter of ${fmt(f.bytes / 1e9, 2)} GB`,
      samsa: `${fmt(f.rssBeforeMB)} -> ${q.map((v) => fmt(v)).join(' / ')} MB`,
      baseline: `after the first quarter (${fmt(f.bytes / 4e9, 2)} GB)`,
      ratio: Number.isFinite(growth) ? `${growth >= 0 ? '+' : ''}${fmt(growth)} MB` : '',
      target: '<= +16 MB',
      result: verdict(Number.isFinite(growth) ? growth <= 16 : null),
    });
    const idle = median(r.start.brokerIdleRssMB);
    const dRestart = r.restart.rssMB - idle;
    rows.push({
      figure: `RSS 1 s after a restart on the ${fmt(f.bytes / 1e9, 2)} GB log (start took ${fmt(r.restart.startMs)} ms)`,
      samsa: `${fmt(r.restart.rssMB)} MB`,
      baseline: Number.isFinite(idle) ? `idle, empty: ${fmt(idle)} MB` : 'idle, empty: not measured',
      ratio: Number.isFinite(dRestart) ? `${dRestart >= 0 ? '+' : ''}${fmt(dRestart)} MB` : '',
      target: '<= +16 MB',
      result: verdict(Number.isFinite(dRestart) ? dRestart <= 16 : null),
    });
  }
  if (o.only.has('groups')) {
    const g = r.groups;
    const sorted = g.rebalanceMs.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
    rows.push({
      figure: `Groups: 10-member group, an 11th joins, until all 11 SyncGroup responses (protocol-level members, ~1 ms heartbeats, after 5 untimed; median / p99 of ${sorted.length})`,
      samsa: `${fmt(percentile(sorted, 0.5), 1)} / ${fmt(percentile(sorted, 0.99), 1)} ms`,
      baseline: '',
      ratio: '',
      target: 'none',
      result: '',
    });
    const commits = (c: CommitResult[], n: number): Row => ({
      figure: `Groups: OffsetCommit v8 from one connection, 8 in flight, ${n} partition${n === 1 ? '' : 's'} per request (median of ${c.length} run(s))`,
      samsa: `${fmt(median(c.map((x) => x.requestsPerSec)))} requests/s${n === 1 ? '' : `, ${fmt(median(c.map((x) => x.offsetsPerSec)))} offsets/s`}`,
      baseline: '',
      ratio: '',
      target: 'none',
      result: '',
    });
    rows.push(commits(g.commit1, 1), commits(g.commit10, 10));
  }
  if (o.only.has('compaction')) {
    for (const c of r.compaction) {
      rows.push({
        figure: `Compaction (in-process LogCleaner pass, bench/compaction.ts): ${c.name} (median of ${c.cleanedMBps.length})`,
        samsa: `${fmt(median(c.cleanedMBps))} MB/s cleaned`,
        baseline: '',
        ratio: '',
        target: 'none',
        result: '',
      });
    }
  }
  if (o.only.has('connect') && r.connect !== null) rows.push(...connectRows(r.connect));
  if (o.only.has('jdbc') && r.jdbc !== null) rows.push(...jdbcRows(r.jdbc));
  return rows;
}

/** The clients phase's rows: each client's MB/s, then Samsa's ratios to librdkafka and to KafkaJS (medians of per-round ratios). */
function clientRows(): Row[] {
  const rows: Row[] = [];
  const c = results.clients;
  const producerConfigLabel = (): string => (c.rdkafkaProducerConfig.length === 0 ? 'defaults' : c.rdkafkaProducerConfig.map((kv) => `-X ${kv}`).join(' '));
  const ki = `${fmt(c.records / 1024)}Ki x 1 KiB records, 1 partition`;
  for (const kind of ['produce', 'consume'] as const) {
    const series = (name: ClientName): number[] => c.rounds.map((r) => r[kind][name]?.mbps ?? Number.NaN);
    const runs = (name: ClientName): Throughput[] => c.rounds.map((r) => r[kind][name] ?? NAN_THROUGHPUT);
    const what =
      kind === 'produce'
        ? `Clients, produce ${ki}, acks=1, first send to last ack`
        : `Clients, consume the same ${ki} from the start, first record to last`;
    const label: Record<ClientName, string> = {
      librdkafka: kind === 'produce' ? `rdkafka_performance -P (librdkafka 2.0.2, C, ${producerConfigLabel()})` : 'rdkafka_performance -C (librdkafka 2.0.2, C, defaults)',
      samsa: kind === 'produce' ? 'Samsa producer (idempotent: false, send() of 960 records, 5 outstanding)' : 'Samsa consumer (fresh group, eachBatch)',
      kafkajs: kind === 'produce' ? 'KafkaJS 2.2.4 producer (same calls)' : 'KafkaJS 2.2.4 consumer (fresh group, eachBatch)',
    };
    for (const name of ['librdkafka', 'kafkajs'] as const) {
      rows.push({ figure: `${what}: ${label[name]}`, samsa: tp(runs(name)), baseline: '', ratio: '', target: '', result: '' });
    }
    const samsa = series('samsa');
    const vsC = medianRatio(samsa, series('librdkafka'));
    const vsK = medianRatio(samsa, series('kafkajs'));
    rows.push({
      figure: `${what}: ${label.samsa}, vs librdkafka`,
      samsa: tp(runs('samsa')),
      baseline: `librdkafka ${fmt(median(series('librdkafka')))} MB/s`,
      ratio: fmt(vsC, 2),
      target: '>= 0.8',
      result: verdict(Number.isFinite(vsC) ? vsC >= 0.8 : null),
    });
    rows.push({
      figure: `${what}: ${label.samsa}, vs KafkaJS`,
      samsa: tp(runs('samsa')),
      baseline: `KafkaJS ${fmt(median(series('kafkajs')))} MB/s`,
      ratio: fmt(vsK, 2),
      target: '>= 1.5',
      result: verdict(Number.isFinite(vsK) ? vsK >= 1.5 : null),
    });
  }
  return rows;
}

function renderTable(rows: Row[]): string {
  const header: Row = { figure: 'Figure', samsa: 'Samsa', baseline: 'Baseline (median)', ratio: 'Ratio', target: 'Target', result: 'Result' };
  const cols: (keyof Row)[] = ['figure', 'samsa', 'baseline', 'ratio', 'target', 'result'];
  const lines = [`| ${cols.map((c) => header[c]).join(' | ')} |`, `|${cols.map((c) => (c === 'figure' || c === 'baseline' ? '---' : '---:')).join('|')}|`];
  for (const r of rows) lines.push(`| ${cols.map((c) => r[c]).join(' | ')} |`);
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const s = sizes(o.quick);
  const root = mkdtempSync(join(tmpdir(), 'samsa-bench-'));
  let cleaned = false;
  const cleanup = (): void => {
    if (cleaned) return;
    cleaned = true;
    killAll();
    rmSync(root, { recursive: true, force: true });
  };
  process.on('exit', cleanup);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      log(`\n${sig}: stopping, cleaning up ${root}`);
      cleanup();
      process.exit(130);
    });
  }
  // A hard bound on the whole run.
  // The jdbc phase adds its own budget: a MariaDB server, a 1,000,000-row table and ~3 min per round.
  const hardLimitMs = (o.quick ? 5 * 60_000 : 20 * 60_000) + (o.only.has('jdbc') ? (o.quick ? 3 : 12) * 60_000 : 0);
  setTimeout(() => {
    log(`\nthe run exceeded ${hardLimitMs / 60_000} minutes: stopping`);
    cleanup();
    process.exit(2);
  }, hardLimitMs).unref();

  const t0 = performance.now();
  const rdkafkaPerformance = findRdkafkaPerformance();
  const kcat = await kcatVersion();
  results.machine = {
    node: process.version,
    platform: `${process.platform}/${process.arch}`,
    cpus: `${cpus().length} x ${cpus()[0]?.model ?? '?'}`,
    loadavgAtStart: loadavg().map((v) => v.toFixed(2)).join(' '),
    kcat,
    rdkafkaPerformance,
  };
  log(`samsa broker benchmark${o.quick ? ' (--quick)' : ''}: ${results.machine.cpus}, Node ${process.version}, load average ${results.machine.loadavgAtStart}`);
  log(`temp dir ${root}; rounds ${o.rounds}`);
  const brokerLog = join(root, 'broker.log');
  const nodeArgs: string[] = [...o.brokerNodeArgs];
  if (o.brokerNodeArgs.length > 0) log(`main broker's extra Node flags: ${o.brokerNodeArgs.join(' ')}`);
  if (o.profileDir !== null) {
    mkdirSync(o.profileDir, { recursive: true });
    nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${o.profileDir}`);
  }

  // ---- start time and idle RSS -------------------------------------------------------------
  if (o.only.has('start')) {
    const withoutCa = process.env[EXTRA_CA_CERTS] === undefined ? null : [EXTRA_CA_CERTS];
    if (withoutCa !== null) results.start.withoutExtraCaCerts = { bareMs: [], brokerMs: [], bareCpuMs: [], brokerCpuMs: [] };
    log(`\n[start] ${s.starts} starts each of a bare Node TCP server and of the broker (fresh empty log dir each time)${withoutCa === null ? '' : `, with ${EXTRA_CA_CERTS} as set here and without it`}`);
    /** One bare start and one broker start into `series`; RSS 1 s after the start when `measureRss`. */
    const startPair = async (i: number, series: StartSeries, unsetEnv: readonly string[] | undefined, measureRss: boolean): Promise<void> => {
      await attempt(`bare server start ${i}`, undefined, async () => {
        const bare = await startBareServer(unsetEnv);
        try {
          series.bareMs.push(bare.startMs);
          series.bareCpuMs.push(bare.startCpuMs);
          if (measureRss) {
            await sleep(1000);
            results.start.bareIdleRssMB.push(bare.rss());
          }
        } finally {
          await bare.stop();
        }
      });
      await attempt(`broker start ${i}`, undefined, async () => {
        const b = await startBrokerProcess({ logDir: join(root, `start-${i}`), logFile: brokerLog, unsetEnv });
        try {
          series.brokerMs.push(b.startMs);
          series.brokerCpuMs.push(b.startCpuMs);
          if (measureRss) {
            await sleep(1000);
            results.start.brokerIdleRssMB.push(b.rss());
          }
        } finally {
          await b.stop();
          rmSync(join(root, `start-${i}`), { recursive: true, force: true });
        }
      });
      const at = (xs: number[]): string => fmt(xs[xs.length - 1] ?? Number.NaN, 1);
      log(`  start ${i + 1}${unsetEnv === undefined ? '' : ` without ${unsetEnv.join(', ')}`}: bare ${at(series.bareMs)} ms (${at(series.bareCpuMs)} CPU), broker ${at(series.brokerMs)} ms (${at(series.brokerCpuMs)} CPU)`);
    };
    for (let i = 0; i < s.starts; i++) {
      await startPair(i, results.start, undefined, i < s.idleRssRounds);
      if (results.start.withoutExtraCaCerts !== null) await startPair(i, results.start.withoutExtraCaCerts, withoutCa ?? undefined, false);
    }
    log(`  idle RSS: bare ${results.start.bareIdleRssMB.map((v) => fmt(v, 1)).join(', ')} MB; broker ${results.start.brokerIdleRssMB.map((v) => fmt(v, 1)).join(', ')} MB`);
  }

  // ---- the broker under test ---------------------------------------------------------------
  const mainDir = join(root, 'main');
  const probeOut = join(root, 'probe.json');
  const probePhases: string[] = ['startup and idle'];
  let broker: ServerProcess | null = null;
  /** With --diagnose: starts a new probe phase in the broker (SIGUSR2). */
  const markPhase = (name: string): void => {
    if (!o.diagnose || broker === null) return;
    broker.child.kill('SIGUSR2');
    probePhases.push(name);
  };
  if (o.only.has('latency') || o.only.has('produce') || o.only.has('consume') || o.only.has('clients')) {
    const env: Record<string, string> = {};
    if (o.diagnose) {
      nodeArgs.push('--import', pathToFileURL(PROBE_PATH).href);
      env.SAMSA_BENCH_PROBE_OUT = probeOut;
    }
    broker = await startBrokerProcess({ logDir: mainDir, logFile: brokerLog, nodeArgs, env });
    log(`\nbroker pid ${broker.pid} on ${HOST}:${broker.port}, log dir ${mainDir}${o.profileDir === null ? '' : ' (under --cpu-prof)'}`);
  }

  if (broker !== null && o.only.has('latency')) {
    const port = broker.port;
    markPhase('latency');
    brokerPidForSched = broker.pid;
    const pacedCount = s.latencyMs;
    log(`\n[latency] ${o.rounds} x (ping-pong ${s.pingPongCount} round trips back to back and ${pacedCount} paced at one per 1 ms tick, then end-to-end ${s.latencyMs / 1000} s at ${s.latencyRate} rec/s with one client process, then with two)`);
    const noE2e: E2eResult = { p50: Number.NaN, p99: Number.NaN, p999: Number.NaN, max: Number.NaN, measured: 0 };
    const logE2e = (label: string, e: E2eResult): void => {
      log(`  ${label}: end-to-end p50 ${fmt(e.p50, 3)} p99 ${fmt(e.p99, 3)} p99.9 ${fmt(e.p999, 3)} max ${fmt(e.max, 1)} ms (${e.measured} records)`);
      if (e.stallsOver2ms !== undefined) log(`    ${e.stallsOver2ms} stalls (runs of records over 2 ms); worst at s:latency/records: ${(e.worstStalls ?? []).join(' ')}`);
      if (e.runQueue !== undefined) {
        log(`    run-queue wait of the main threads (ms per s / µs per timeslice): ${Object.entries(e.runQueue).map(([k, v]) => `${k} ${fmt(v.waitMsPerSec, 1)} / ${fmt(v.waitUsPerSlice)}`).join(', ')}`);
      }
    };
    // The ping-pong baseline runs 2,000 warm-up round trips first; the broker gets a warm-up too
    // (3 s of the same load, not measured), so that round 1 does not time its JIT compiling.
    const warm = await attempt('e2e latency warm-up', noE2e, () => e2eLatency(port, 'lat-warm-up', { ...s, latencyMs: 3000 }, 'one-process'));
    log(`  warm-up (3 s, not counted): end-to-end p50 ${fmt(warm.p50, 3)} p99 ${fmt(warm.p99, 3)} ms`);
    for (let i = 0; i < o.rounds; i++) {
      markPhase(`latency round ${i + 1}`);
      const pp = await attempt(`ping-pong ${i}`, { p50: Number.NaN, p99: Number.NaN }, () => pingPong(s.pingPongCount));
      results.latency.pingPong.push(pp);
      const paced = await attempt(`paced ping-pong ${i}`, { p50: Number.NaN, p99: Number.NaN }, () => pingPong(pacedCount, 1));
      results.latency.pingPongPaced.push(paced);
      log(`  round ${i + 1}: ping-pong p50 ${fmt(pp.p50, 3)} p99 ${fmt(pp.p99, 3)} ms; paced (1 ms tick) p50 ${fmt(paced.p50, 3)} p99 ${fmt(paced.p99, 3)} ms`);
      const one = await attempt(`e2e latency ${i}`, noE2e, () => e2eLatency(port, `lat-${i}`, s, 'one-process'));
      results.latency.e2e.push(one);
      logE2e('one client process', one);
      const two = await attempt(`e2e latency ${i} (two processes)`, noE2e, () => e2eLatency(port, `lat2-${i}`, s, 'two-processes'));
      results.latency.e2eTwoProcesses.push(two);
      logE2e('two client processes', two);
    }
  }

  if (broker !== null && o.only.has('produce')) {
    const port = broker.port;
    const bytes = s.produceRecords * VALUE_BYTES;
    let kcatInput: string | null = null;
    if (rdkafkaPerformance === null) {
      kcatInput = join(root, 'kcat-input.txt');
      writeKcatInput(kcatInput, s.produceRecords, VALUE_BYTES);
      results.notes.push('rdkafka_performance not built (bench/broker/build-rdkafka-performance.sh): the C producer is kcat -P -l FILE');
    }
    const cConfig = rdkafkaPerformance === null ? [] : o.rdkafkaProducerConfig.length > 0 ? o.rdkafkaProducerConfig : [...UNCAPPED_RDKAFKA_PRODUCER_CONFIG];
    results.produce.cConfig = cConfig;
    results.produce.client = rdkafkaPerformance !== null ? 'rdkafka_performance (librdkafka 2.0.2, C)' : 'kcat -P (librdkafka, C)';
    if (cConfig.length > 0) results.produce.client += ` with ${cConfig.map((kv) => `-X ${kv}`).join(' ')}`;
    markPhase('produce');
    log(`\n[produce] ${o.rounds} x (null broker, ${results.produce.client}${rdkafkaPerformance !== null ? ', the same at librdkafka\'s defaults' : ''}, null broker, protocol-level Node producer), ${fmt(bytes / MiB)} MiB each`);
    let peak = Number.NaN;
    const track = (v: number): void => {
      if (!(v <= peak)) peak = v;
    };
    // The C producer's own ceiling: the same runs against a process that only frames and acknowledges.
    let nullKafka: { worker: ReturnType<typeof startWorker>; port: number } | null = null;
    if (rdkafkaPerformance !== null) {
      const worker = startWorker<never>('null-kafka-broker', { port: 0 }, 3_600_000);
      nullKafka = { worker, port: Number((await worker.ready).port) };
    }
    for (let i = 0; i < o.rounds; i++) {
      const n1 = await attempt(`null produce ${i}a`, NAN_THROUGHPUT, () => nullProduce(root, bytes, `${i}a`));
      const cRun = (topic: string, config: readonly string[]) => async (): Promise<Throughput> => {
        await createTopic(HOST, port, topic);
        const rss = sampleRss(broker!.pid);
        try {
          return await withBrokerCpu(broker!.pid, () => cProduce(port, topic, s.produceRecords, rdkafkaPerformance, kcatInput, config));
        } finally {
          track(rss.stop());
          await deleteTopic(HOST, port, topic);
        }
      };
      const c = await attempt(`C produce ${i}`, NAN_THROUGHPUT, cRun(`pc-${i}`, cConfig));
      const cd = rdkafkaPerformance === null ? null : await attempt(`C produce ${i} at librdkafka's defaults`, NAN_THROUGHPUT, cRun(`pd-${i}`, []));
      const n2 = await attempt(`null produce ${i}b`, NAN_THROUGHPUT, () => nullProduce(root, bytes, `${i}b`));
      const nd = await attempt(`Node produce ${i}`, NAN_THROUGHPUT, async () => {
        await createTopic(HOST, port, `pn-${i}`);
        const rss = sampleRss(broker!.pid);
        try {
          return await withBrokerCpu(broker!.pid, () => nodeProduce(port, `pn-${i}`, s.produceRecords));
        } finally {
          track(rss.stop());
          await deleteTopic(HOST, port, `pn-${i}`);
        }
      });
      let ceilingPart = '';
      if (nullKafka !== null) {
        const nk = nullKafka;
        const cc = await attempt(`C produce ${i} against the null Kafka broker`, NAN_THROUGHPUT, () => cProduce(nk.port, `pk-${i}`, s.produceRecords, rdkafkaPerformance, null, cConfig));
        const cdc = await attempt(`C produce ${i} at librdkafka's defaults against the null Kafka broker`, NAN_THROUGHPUT, () => cProduce(nk.port, `pkd-${i}`, s.produceRecords, rdkafkaPerformance, null, []));
        results.produce.cCeiling.push(cc);
        results.produce.cDefaultsCeiling.push(cdc);
        ceilingPart = `; against the null Kafka broker: C client ${fmt(cc.mbps)} MB/s, at defaults ${fmt(cdc.mbps)} MB/s`;
      }
      results.produce.nullC.push(n1);
      results.produce.c.push(c);
      if (cd !== null) results.produce.cDefaults.push(cd);
      results.produce.nullNode.push(n2);
      results.produce.node.push(nd);
      const defaultsPart = cd === null ? '' : `, at defaults ${fmt(cd.mbps)} MB/s (broker CPU ${fmt(cd.brokerCpu ?? Number.NaN, 2)})`;
      log(`  round ${i + 1}: null ${fmt(n1.mbps)} MB/s, C client ${fmt(c.mbps)} MB/s (broker CPU ${fmt(c.brokerCpu ?? Number.NaN, 2)})${defaultsPart}; null ${fmt(n2.mbps)} MB/s, Node producer ${fmt(nd.mbps)} MB/s (broker CPU ${fmt(nd.brokerCpu ?? Number.NaN, 2)})${ceilingPart}`);
    }
    nullKafka?.worker.kill();
    results.produce.peakRssMB = peak;
    log(`  broker RSS peak during produce: ${fmt(peak)} MB`);
    if (kcatInput !== null) rmSync(kcatInput, { force: true });
  }

  if (broker !== null && o.only.has('consume')) {
    const port = broker.port;
    const fillBytes = s.fillRecords * VALUE_BYTES;
    const free = freeBytes(root);
    let fillRecords = s.fillRecords;
    if (Number.isFinite(free) && free < fillBytes * 1.5) {
      fillRecords = Math.floor(free / 2 / VALUE_BYTES / RECORDS_PER_BATCH / 4) * RECORDS_PER_BATCH * 4;
      results.notes.push(`only ${fmt(free / 1e9, 1)} GB free under ${tmpdir()}: the consume log was scaled down to ${fmt((fillRecords * VALUE_BYTES) / 1e9, 2)} GB`);
    }
    const quarter = Math.ceil(fillRecords / 4 / RECORDS_PER_BATCH) * RECORDS_PER_BATCH;
    log(`\n[fill] topic "fill": 4 x ${fmt((quarter * VALUE_BYTES) / MiB)} MiB with the protocol-level producer; settled RSS (lowest over 3 s idle) before and after each quarter`);
    markPhase('fill');
    await createTopic(HOST, port, 'fill');
    results.fill.rssBeforeMB = await settledRss(broker);
    const fillStart = performance.now();
    for (let q = 0; q < 4; q++) {
      await attempt(`fill quarter ${q}`, NAN_THROUGHPUT, () => nodeProduce(port, 'fill', quarter));
      results.fill.rssAfterQuarterMB.push(await settledRss(broker));
    }
    results.fill.records = quarter * 4;
    results.fill.bytes = quarter * 4 * VALUE_BYTES;
    results.fill.mbps = results.fill.bytes / 1e3 / (performance.now() - fillStart - 4 * SETTLE_MS);
    log(`  RSS ${fmt(results.fill.rssBeforeMB, 1)} MB before, ${results.fill.rssAfterQuarterMB.map((v) => fmt(v, 1)).join(' / ')} MB after each quarter`);
    const files = segmentFiles(join(mainDir, 'fill-0'));
    results.consume.storedBytes = files.reduce((n, f) => n + statSync(f).size, 0);
    const records = results.fill.records;
    markPhase('consume');
    results.consume.client = rdkafkaPerformance !== null ? 'rdkafka_performance -C (librdkafka, C)' : 'kcat -C -o beginning -e > /dev/null (librdkafka, C)';
    log(`\n[consume] ${o.rounds} x (null broker, ${results.consume.client}${rdkafkaPerformance !== null ? ', kcat -C' : ''}, null broker, Node fetch loop) over ${fmt(results.consume.storedBytes / 1e9, 2)} GB in ${files.length} segment file(s)`);
    const kcatRun = (): Promise<Throughput> =>
      withBrokerCpu(broker!.pid, async () => {
        const r = await kcatConsume(`${HOST}:${port}`, 'fill', records, VALUE_BYTES, 300_000);
        return throughput(r.bytes, r.records, r.ms);
      });
    for (let i = 0; i < o.rounds; i++) {
      const n1 = await attempt(`null consume ${i}a`, NAN_THROUGHPUT, () => nullConsume(files));
      const c = await attempt(`C consume ${i}`, NAN_THROUGHPUT, async () => {
        await flushDirtyPages();
        if (rdkafkaPerformance === null) return kcatRun();
        return withBrokerCpu(broker!.pid, async () => {
          const r = await rdkafkaPerformanceConsume(rdkafkaPerformance, `${HOST}:${port}`, 'fill', records, VALUE_BYTES, 300_000);
          return throughput(r.bytes, r.records, r.ms);
        });
      });
      const k = rdkafkaPerformance === null ? null : await attempt(`kcat consume ${i}`, NAN_THROUGHPUT, kcatRun);
      const n2 = await attempt(`null consume ${i}b`, NAN_THROUGHPUT, () => nullConsume(files));
      const nd = await attempt(`Node fetch ${i}`, NAN_THROUGHPUT, () => withBrokerCpu(broker!.pid, () => nodeFetch(port, 'fill', records)));
      results.consume.nullC.push(n1);
      results.consume.c.push(c);
      if (k !== null) results.consume.kcat.push(k);
      results.consume.nullNode.push(n2);
      results.consume.node.push(nd);
      const kcatPart = k === null ? '' : `, kcat ${fmt(k.mbps)} MB/s (broker CPU ${fmt(k.brokerCpu ?? Number.NaN, 2)})`;
      log(`  round ${i + 1}: null ${fmt(n1.mbps)} MB/s, C client ${fmt(c.mbps)} MB/s (broker CPU ${fmt(c.brokerCpu ?? Number.NaN, 2)})${kcatPart}; null ${fmt(n2.mbps)} MB/s, Node fetch loop ${fmt(nd.mbps)} MB/s (broker CPU ${fmt(nd.brokerCpu ?? Number.NaN, 2)})`);
    }
  }

  if (broker !== null && o.only.has('clients')) {
    const port = broker.port;
    markPhase('clients');
    results.clients.records = s.clientRecords;
    if (rdkafkaPerformance === null) {
      results.notes.push('clients phase skipped: rdkafka_performance not built (bench/broker/build-rdkafka-performance.sh)');
    } else {
      log(`\n[clients] ${o.rounds} x (produce ${fmt(s.clientRecords / 1024)}Ki x 1 KiB records with librdkafka, Samsa and KafkaJS into fresh topics, then consume librdkafka's from the start with each), order rotating per round, after an unmeasured warm-up of the broker`);
      results.clients.rdkafkaProducerConfig = o.rdkafkaProducerConfig;
      const options = {
        host: HOST,
        port,
        brokerPid: broker.pid,
        rdkafkaPerformance,
        rdkafkaProducerConfig: o.rdkafkaProducerConfig,
        records: s.clientRecords,
        valueBytes: VALUE_BYTES,
        recordsPerSend: RECORDS_PER_BATCH,
        sendsInFlight: 5,
        round: 0,
        cpuMs,
        log,
      };
      await clientWarmUp(options);
      for (let i = 0; i < o.rounds; i++) {
        const r = await clientRound({ ...options, round: i });
        results.clients.rounds.push({ produce: r.produce, consume: r.consume });
        results.errors.push(...r.errors);
        const part = (runs: Partial<Record<ClientName, ClientRun>>): string =>
          roundOrder(i)
            .map((c) => `${c} ${fmt(runs[c]?.mbps ?? Number.NaN)} MB/s (${fmt(runs[c]?.ms ?? Number.NaN)} ms, broker CPU ${fmt(runs[c]?.brokerCpu ?? Number.NaN, 2)})`)
            .join(', ');
        log(`  round ${i + 1}: produce ${part(r.produce)}`);
        log(`           consume ${part(r.consume)}`);
      }
    }
  }

  if (broker !== null) {
    const how = await broker.stop(60_000);
    if (how !== '0') results.errors.push(`broker exited with ${how} at shutdown`);
  }

  if (o.only.has('consume') && results.fill.bytes > 0) {
    await attempt('restart on the filled log', undefined, async () => {
      const b = await startBrokerProcess({ logDir: mainDir, logFile: brokerLog });
      try {
        results.restart.startMs = b.startMs;
        await sleep(1000);
        results.restart.rssMB = b.rss();
      } finally {
        await b.stop();
      }
    });
    log(`\n[restart] on the filled log: accepting after ${fmt(results.restart.startMs)} ms, RSS ${fmt(results.restart.rssMB, 1)} MB after 1 s`);
  }

  if (o.only.has('groups')) {
    const groupsDir = join(root, 'groups');
    log(`\n[groups] own broker (group.initial.rebalance.delay.ms=0, offsets.topic.num.partitions=1); ${o.rounds} x (${s.rebalances} rebalances of 10 + 1 members, then ${fmt(s.commitMs / 1000)} s of OffsetCommit with 1 and with 10 partitions per request)`);
    await attempt('groups phase', undefined, async () => {
      const gb = await startBrokerProcess({
        logDir: groupsDir,
        logFile: brokerLog,
        overrides: { 'group.initial.rebalance.delay.ms': '0', 'offsets.topic.num.partitions': '1' },
      });
      try {
        await createTopic(HOST, gb.port, 'commits', 10);
        for (let i = 0; i < o.rounds; i++) {
          const samples = await attempt(`rebalance round ${i}`, [] as number[], () => measureRebalance({ host: HOST, port: gb.port, groupId: `rebalance-${i}`, members: 10, repetitions: s.rebalances }));
          results.groups.rebalanceMs.push(...samples);
          const commit = (n: number): Promise<CommitResult> =>
            attempt(`commits ${n}/request round ${i}`, { requestsPerSec: Number.NaN, offsetsPerSec: Number.NaN }, () =>
              measureCommits({ host: HOST, port: gb.port, groupId: `commits-${i}`, topic: 'commits', partitionsPerRequest: n, inFlight: 8, durationMs: s.commitMs }, 10),
            );
          const c1 = await commit(1);
          const c10 = await commit(10);
          results.groups.commit1.push(c1);
          results.groups.commit10.push(c10);
          const sorted = [...samples].sort((a, b) => a - b);
          log(`  round ${i + 1}: rebalance median ${fmt(percentile(sorted, 0.5), 1)} ms, max ${fmt(sorted[sorted.length - 1] ?? Number.NaN, 1)} ms; commits ${fmt(c1.requestsPerSec)}/s (1 partition), ${fmt(c10.requestsPerSec)}/s = ${fmt(c10.offsetsPerSec)} offsets/s (10 partitions)`);
        }
      } finally {
        const how = await gb.stop(60_000);
        if (how !== '0') results.errors.push(`groups broker exited with ${how} at shutdown`);
        rmSync(groupsDir, { recursive: true, force: true });
      }
    });
  }

  if (o.only.has('compaction')) {
    const scenarios = compactionScenarios(o.quick);
    log(`\n[compaction] ${o.rounds} x ${scenarios.length} LogCleaner passes in this process (bench/compaction.ts scenarios)`);
    results.compaction = scenarios.map((sc) => ({ name: sc.name, cleanedMBps: [] }));
    for (let i = 0; i < o.rounds; i++) {
      scenarios.forEach((sc, k) => {
        let mbps = Number.NaN;
        try {
          mbps = runCompactionScenario(sc).cleanedMBps;
        } catch (err) {
          const msg = `compaction ${sc.name} round ${i}: ${err instanceof Error ? err.message : String(err)}`;
          results.errors.push(msg);
          log(`  ! ${msg}`);
        }
        results.compaction[k]!.cleanedMBps.push(mbps);
      });
      log(`  round ${i + 1}: ${results.compaction.map((c) => `${fmt(c.cleanedMBps[i] ?? Number.NaN)} MB/s`).join(', ')}`);
    }
  }

  if (o.only.has('connect')) {
    results.connect = await runConnectBench({ root, rounds: o.rounds, lines: s.connectLines, log, logFile: brokerLog });
    results.errors.push(...results.connect.errors);
  }

  if (o.only.has('jdbc')) {
    // At most 3 rounds: each copies the whole table twice (baseline and Connect) at a few minutes a round.
    results.jdbc = await runJdbcBench({ root, rounds: Math.min(o.rounds, 3), rows: s.jdbcRows, log, logFile: brokerLog });
    results.errors.push(...results.jdbc.errors);
    if (results.jdbc.skipped !== null) results.notes.push(results.jdbc.skipped);
  }

  results.machine.loadavgAtEnd = loadavg().map((v) => v.toFixed(2)).join(' ');
  results.machine.minutes = ((performance.now() - t0) / 60_000).toFixed(1);
  const rows = buildRows(o, s);
  const out: string[] = [];
  out.push('');
  out.push(`Samsa broker benchmark, ${results.startedAt.slice(0, 10)}, Node ${process.version}, ${String(results.machine.cpus)}; load average ${String(results.machine.loadavgAtStart)} at start, ${String(results.machine.loadavgAtEnd)} at end; ${String(results.machine.minutes)} min${o.quick ? ' (--quick)' : ''}`);
  out.push(`Ratios are medians of per-round Samsa/baseline ratios over ${o.rounds} round(s), each broker run next to its own baseline run. MB = 10^6 bytes of record values (baselines: raw bytes).`);
  out.push('');
  out.push(renderTable(rows));
  for (const n of results.notes) out.push(`note: ${n}`);
  for (const e of results.errors) out.push(`error: ${e.split('\n')[0]}`);
  console.log(out.join('\n'));

  if (o.profileDir !== null) {
    const profiles = readdirSync(o.profileDir).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(o.profileDir!, f));
    const newest = profiles.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
    if (newest !== undefined) {
      console.log(`\nCPU profile of the main broker: ${newest}\n`);
      console.log(formatSummary(summarizeProfile(newest, 30)));
    }
  }
  if (o.diagnose && existsSync(probeOut)) {
    const phases = JSON.parse(readFileSync(probeOut, 'utf8')) as { loopDelayMs: { p50: number; p99: number; max: number }; gc: Record<string, { count: number; totalMs: number; maxMs: number }>; pausesOver5ms: number }[];
    console.log('\nMain broker, per phase (--diagnose): event-loop delay (1 ms resolution) and GC pauses');
    phases.forEach((ph, i) => {
      const gc = Object.entries(ph.gc).map(([k, g]) => `${k} ${g.count}x ${fmt(g.totalMs)} ms (max ${fmt(g.maxMs, 1)})`).join(', ');
      console.log(`  ${probePhases[i] ?? `phase ${i}`}: loop delay p50 ${fmt(ph.loopDelayMs.p50, 1)} p99 ${fmt(ph.loopDelayMs.p99, 1)} max ${fmt(ph.loopDelayMs.max, 1)} ms; GC ${gc === '' ? 'none' : gc}; ${ph.pausesOver5ms} pauses > 5 ms`);
    });
    (results as unknown as Record<string, unknown>).probe = phases.map((ph, i) => ({ phase: probePhases[i], ...ph }));
  }
  if (o.jsonFile !== null) writeFileSync(o.jsonFile, JSON.stringify(results, null, 2));
  cleanup();
}

/** Free bytes on the filesystem holding `dir` (NaN if unknown). */
function freeBytes(dir: string): number {
  try {
    const st = statfsSync(dir);
    return st.bavail * st.bsize;
  } catch {
    return Number.NaN;
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`broker benchmark failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  killAll();
  process.exitCode = 1;
});
