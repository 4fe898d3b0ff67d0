/**
 * How much JavaScript heap the broker allocates per request on the end-to-end latency path, and
 * how many scavenges that costs: the broker runs in this process (`startBroker`, the same code as
 * the bin), the latency client (`workers/latency-client.ts`: one producer sending single records
 * with acks=1, one consumer long-polling Fetch) in a child process, so this isolate's heap is the
 * broker's alone (plus this driver's few objects between runs).
 *
 * Allocation is measured with V8's GC profiler over each run: the heap used before each GC minus
 * the heap used after the previous one (or at the start), summed, plus what is used at the end
 * over the last GC. That counts every JavaScript object the broker made, whether it died young or
 * not; ArrayBuffer backing stores (Buffers) are outside the JavaScript heap and not counted.
 * Requests are the client's: Produce requests sent plus Fetch responses read.
 *
 *   node dist/bench/broker/alloc-per-request.js [--runs N] [--seconds S] [--rate R] [--sample FILE]
 *
 * `--sample FILE` also records a sampling heap profile of the last run (every 512 bytes on average,
 * objects that died young included) and writes it to FILE, for DevTools or a summary by function.
 *
 * A 3 s warm-up run (not counted) comes first, as in the benchmark. Unlike latency, these figures
 * hardly depend on the load of the machine.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GCProfiler, getHeapStatistics } from 'node:v8';
import { startBroker } from '../../src/broker/broker.js';
import type { ConsumeLoopParams } from './latency/consume-loop.js';
import type { ProduceLoopParams } from './latency/produce-loop.js';
import { startWorker } from './processes.js';
import { createTopic, deleteTopic } from './wire.js';

interface Options {
  runs: number;
  seconds: number;
  rate: number;
  /** Where to write a sampling heap profile of the last run (Chrome DevTools .heapprofile), if anywhere. */
  sampleFile: string | undefined;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { runs: 3, seconds: 10, rate: 10_000, sampleFile: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): number => {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v <= 0) throw new Error(`${a} needs a positive number`);
      return v;
    };
    if (a === '--runs') o.runs = value();
    else if (a === '--seconds') o.seconds = value();
    else if (a === '--rate') o.rate = value();
    else if (a === '--sample') o.sampleFile = argv[++i];
    else throw new Error(`unknown argument ${a}`);
  }
  return o;
}

interface GcEntry {
  gcType: string;
  beforeGC: { heapStatistics: { usedHeapSize: number } };
  afterGC: { heapStatistics: { usedHeapSize: number } };
}

interface LatencyResult {
  fetches: number;
  p99: number;
  produced?: { requests: number };
}

/** Bytes allocated and collections between start() and stop(). */
function heapMeter(): { stop: () => { bytes: number; scavenges: number; majors: number; other: string } } {
  const profiler = new GCProfiler();
  profiler.start();
  let used = getHeapStatistics().used_heap_size;
  return {
    stop() {
      const end = getHeapStatistics().used_heap_size;
      const entries = (profiler.stop() as unknown as { statistics: GcEntry[] }).statistics;
      let bytes = 0;
      let scavenges = 0;
      let majors = 0;
      const others = new Map<string, number>();
      for (const e of entries) {
        bytes += Math.max(0, e.beforeGC.heapStatistics.usedHeapSize - used);
        used = e.afterGC.heapStatistics.usedHeapSize;
        if (e.gcType === 'Scavenge') scavenges++;
        else if (e.gcType === 'MarkSweepCompact') majors++;
        else others.set(e.gcType, (others.get(e.gcType) ?? 0) + 1);
      }
      bytes += Math.max(0, end - used);
      return { bytes, scavenges, majors, other: [...others].map(([k, n]) => `, ${n} ${k}`).join('') };
    },
  };
}

const session = new Session();
session.connect();
function post(method: string, params: object): Promise<unknown> {
  return new Promise((resolve, reject) => session.post(method, params, (err, result) => (err !== null ? reject(err) : resolve(result))));
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const dir = mkdtempSync(join(tmpdir(), 'samsa-alloc-'));
  const broker = await startBroker({ port: 0, host: '127.0.0.1', logDirs: [dir] });
  const port = broker.port;
  try {
    const run = async (name: string, ms: number, measure: boolean): Promise<void> => {
      const topic = `alloc-${name.replace(/\W+/g, "-")}`;
      await createTopic('127.0.0.1', port, topic);
      const expected = Math.round((o.rate * ms) / 1000);
      const consume: ConsumeLoopParams = { topic, expected, warmupRecords: Math.min(10_000, Math.floor(expected / 10)), timeoutMs: ms + 30_000 };
      const produce: ProduceLoopParams = { topic, rate: o.rate, durationMs: ms, valueBytes: 1024, maxInFlight: 5 };
      const sampling = measure && name === `run ${o.runs}` && o.sampleFile !== undefined;
      if (sampling) await post('HeapProfiler.startSampling', { samplingInterval: 512, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
      const meter = measure ? heapMeter() : null;
      const r = await startWorker<LatencyResult>('latency-client', { port, consume, produce }, ms + 40_000).result;
      const m = meter?.stop();
      if (sampling) writeFileSync(o.sampleFile!, JSON.stringify(((await post('HeapProfiler.stopSampling', {})) as { profile: unknown }).profile));
      await deleteTopic('127.0.0.1', port, topic);
      if (m === undefined) return;
      const requests = r.fetches + (r.produced?.requests ?? 0);
      console.log(
        `${name}: ${r.produced?.requests ?? '?'} produce + ${r.fetches} fetch requests; broker ${(m.bytes / requests).toFixed(0)} B/request ` +
          `(${(m.bytes / 1e6).toFixed(1)} MB), ${m.scavenges} scavenges, ${m.majors} mark-compacts${m.other}; p99 ${r.p99.toFixed(3)} ms (indication only)`,
      );
    };
    await run('warm-up', 3000, false);
    for (let i = 1; i <= o.runs; i++) await run(`run ${i}`, o.seconds * 1000, true);
  } finally {
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
