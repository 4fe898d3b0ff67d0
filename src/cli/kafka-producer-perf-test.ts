/**
 * kafka-producer-perf-test (Kafka's ProducerPerformance): sends records as fast as allowed and
 * reports throughput and latency as Kafka does, against any Kafka-compatible cluster through
 * Samsa's producer.
 *
 *   kafka-producer-perf-test --topic t --num-records 100000 --record-size 100 --throughput -1 --producer-props bootstrap.servers=localhost:9092 acks=1
 */
import { Buffer } from 'node:buffer';
import { producerSettings, unknownPropertyWarning } from './client-options.js';
import { readFileSync } from 'node:fs';
import { connectWithin, kafkaFromProperties, readPropertiesFile } from './client-properties.js';
import { bootstrapFrom, fixed, MB, printMetrics, ProgressLine } from './perf-test.js';
import { bootstrapServers, defineCliTool, integerFlag, keyValueFlags, UsageError } from './tool-runner.js';
import type { Line } from './tool-runner.js';

const USAGE = `This tool is used to verify the producer performance.
Usage: kafka-producer-perf-test --topic <topic> --num-records <n> (--record-size <bytes> | --payload-file <file>) --throughput <rec/s> (--producer-props k=v ... | --producer.config <file> | --bootstrap-server <host:port>)
  --topic <String>                 REQUIRED: the topic to produce to
  --num-records <Long>             REQUIRED: how many records to send
  --record-size <Integer>          the size of each record in bytes (or --payload-file)
  --payload-file <String>          a file of payloads, one picked at random per record (split by --payload-delimiter)
  --payload-delimiter <String>     the payload separator in --payload-file (default: \\n)
  --throughput <Number>            REQUIRED: throttle to about this many records/sec; -1 for no throttling
  --producer-props <k=v> ...       producer properties, space-separated (bootstrap.servers, acks, linger.ms,
                                   batch.size, compression.type, enable.idempotence, ...); the flag may repeat
  --producer.config <String>       a producer properties file (--producer-props win)
  --bootstrap-server <String>      the cluster (instead of bootstrap.servers in the properties)
  --print-metrics                  print a table of producer metrics at the end
  --reporting-interval <Long>      ms between progress lines (default 5000)`;

/** Kafka's ProducerPerformance.Stats: per-window lines and a final summary with latency percentiles (sampled up to 500000 latencies). */
export class ProducerStats {
  private readonly start: number;
  private windowStart: number;
  private readonly latencies: number[] = [];
  private readonly sampling: number;
  count = 0;
  bytes = 0;
  private maxLatency = 0;
  private totalLatency = 0;
  private windowCount = 0;
  private windowMaxLatency = 0;
  private windowTotalLatency = 0;
  private windowBytes = 0;

  constructor(
    numRecords: number,
    private readonly reportingIntervalMs: number,
    private readonly print: Line,
    now = Date.now(),
  ) {
    this.start = now;
    this.windowStart = now;
    this.sampling = Math.max(1, Math.floor(numRecords / Math.min(Math.max(numRecords, 1), 500_000)));
  }

  /** One acknowledged record: `iteration` is its index in the run. */
  record(iteration: number, latencyMs: number, bytes: number, now: number): void {
    this.count++;
    this.bytes += bytes;
    this.totalLatency += latencyMs;
    this.maxLatency = Math.max(this.maxLatency, latencyMs);
    this.windowCount++;
    this.windowBytes += bytes;
    this.windowTotalLatency += latencyMs;
    this.windowMaxLatency = Math.max(this.windowMaxLatency, latencyMs);
    if (iteration % this.sampling === 0) this.latencies.push(latencyMs);
    if (now - this.windowStart >= this.reportingIntervalMs) {
      this.print(this.windowLine(now));
      this.windowStart = now;
      this.windowCount = 0;
      this.windowMaxLatency = 0;
      this.windowTotalLatency = 0;
      this.windowBytes = 0;
    }
  }

  windowLine(now: number): string {
    const elapsed = Math.max(now - this.windowStart, 1);
    return `${this.windowCount} records sent, ${fixed((1000 * this.windowCount) / elapsed, 1)} records/sec (${fixed((1000 * this.windowBytes) / elapsed / MB, 2)} MB/sec), ${fixed(this.windowTotalLatency / this.windowCount, 1)} ms avg latency, ${fixed(this.windowMaxLatency, 1)} ms max latency.`;
  }

  /** The running totals, for the live progress line. */
  progress(now: number, total: number): string {
    const elapsed = Math.max(now - this.start, 1);
    return `${this.count}/${total} records sent, ${fixed((1000 * this.count) / elapsed, 1)} records/sec (${fixed((1000 * this.bytes) / elapsed / MB, 2)} MB/sec), ${fixed(this.count === 0 ? 0 : this.totalLatency / this.count, 1)} ms avg latency`;
  }

  totalLine(now: number): string {
    const elapsed = Math.max(now - this.start, 1);
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const percentile = (p: number) => (sorted.length === 0 ? 0 : sorted[Math.floor(p * sorted.length)]!);
    return (
      `${this.count} records sent, ${fixed((1000 * this.count) / elapsed, 6)} records/sec (${fixed((1000 * this.bytes) / elapsed / MB, 2)} MB/sec), ` +
      `${fixed(this.totalLatency / this.count, 2)} ms avg latency, ${fixed(this.maxLatency, 2)} ms max latency, ` +
      `${percentile(0.5)} ms 50th, ${percentile(0.95)} ms 95th, ${percentile(0.99)} ms 99th, ${percentile(0.999)} ms 99.9th.`
    );
  }

  elapsedMs(now: number): number {
    return now - this.start;
  }
}

/** Kafka's payload: `size` random upper-case letters. */
function randomPayload(size: number): Buffer {
  const b = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) b[i] = 65 + Math.floor(Math.random() * 26);
  return b;
}

function readPayloads(file: string, delimiter: string): Buffer[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read --payload-file ${file}: ${(err as Error).message}`);
  }
  const payloads = text.split(delimiter).filter((p) => p !== '').map((p) => Buffer.from(p, 'utf8'));
  if (payloads.length === 0) throw new UsageError(`File is empty: ${file}`);
  return payloads;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Records sent but not yet acknowledged, at most (the Java producer's buffer.memory plays this part). */
const MAX_OUTSTANDING = 10_000;

/** Runs the tool; resolves to the exit status. Takes `--producer-props a=b c=d` and `--throughput -1` as Kafka's argparse does. */
export const kafkaProducerPerfTest = defineCliTool({
    name: 'kafka-producer-perf-test',
    argvForms: { lists: ['--producer-props'], negativeValues: ['--throughput'] },
    usage: USAGE,
    options: {
      topic: { type: 'string' },
      'num-records': { type: 'string' },
      'record-size': { type: 'string' },
      'payload-file': { type: 'string' },
      'payload-delimiter': { type: 'string' },
      throughput: { type: 'string' },
      'producer-props': { type: 'string', multiple: true },
      'producer.config': { type: 'string' },
      'bootstrap-server': { type: 'string' },
      'print-metrics': { type: 'boolean' },
      'reporting-interval': { type: 'string' },
    },
    async run(values, { out, err, onInterrupt }) {
      const topic = values.topic;
      if (topic === undefined) throw new UsageError('Missing required argument "[topic]"');
      const numRecords = integerFlag(values['num-records'], '--num-records');
      if (numRecords === undefined) throw new UsageError('Missing required argument "[num-records]"');
      if (values.throughput === undefined) throw new UsageError('Missing required argument "[throughput]"');
      const throughput = Number(values.throughput);
      if (!Number.isFinite(throughput) || throughput === 0 || (throughput < 0 && throughput !== -1)) throw new UsageError(`--throughput must be a positive number of records/sec, or -1 for no throttling, got ${values.throughput}`);
      const recordSize = integerFlag(values['record-size'], '--record-size');
      if ((recordSize === undefined) === (values['payload-file'] === undefined)) throw new UsageError('Either --record-size or --payload-file must be specified but not both.');
      const reportingInterval = integerFlag(values['reporting-interval'], '--reporting-interval', { positive: true }) ?? 5000;
      const props = new Map([...readPropertiesFile(values['producer.config'], '--producer.config'), ...keyValueFlags(values['producer-props'], '--producer-props')]);
      const bootstrap = bootstrapFrom(values['bootstrap-server'], props);
      if (bootstrap === undefined) throw new UsageError('Missing required argument "[bootstrap-server]" (or bootstrap.servers in --producer-props / --producer.config)');
      const brokers = bootstrapServers({ 'bootstrap-server': bootstrap });
      const settings = producerSettings(props);
      for (const k of settings.unknown) err(unknownPropertyWarning(k));
      const payloads = values['payload-file'] === undefined ? [randomPayload(recordSize!)] : readPayloads(values['payload-file'], (values['payload-delimiter'] ?? '\\n').replace(/\\n/g, '\n').replace(/\\t/g, '\t'));

      const kafka = kafkaFromProperties(brokers, props, 'perf-producer-client');
      const producer = kafka.producer(settings.options);
      await connectWithin(producer, brokers);
      const progress = new ProgressLine();
      const print: Line = (line) => {
        progress.clear();
        out(line);
      };
      let stopped = false;
      onInterrupt(() => {
        stopped = true;
      });
      let outstanding = 0;
      let released: (() => void) | undefined;
      let failures = 0;
      let firstFailure: string | undefined;
      const stats = new ProducerStats(numRecords, reportingInterval, print);
      const progressTimer = setInterval(() => progress.update(stats.progress(Date.now(), numRecords)), 250);
      const startMs = Date.now();
      try {
        for (let i = 0; i < numRecords && !stopped; i++) {
          if (throughput > 0) {
            const due = startMs + (i / throughput) * 1000;
            const wait = due - Date.now();
            if (wait > 0) await sleep(wait);
          }
          while (outstanding >= MAX_OUTSTANDING) await new Promise<void>((resolve) => (released = resolve));
          const value = payloads.length === 1 ? payloads[0]! : payloads[Math.floor(Math.random() * payloads.length)]!;
          const sendStart = Date.now();
          outstanding++;
          producer
            .send({ topic, messages: [{ value }], acks: settings.acks })
            .then(
              () => {
                const now = Date.now();
                stats.record(i, now - sendStart, value.length, now);
              },
              (e: unknown) => {
                failures++;
                firstFailure ??= (e as Error).message;
              },
            )
            .finally(() => {
              outstanding--;
              const r = released;
              released = undefined;
              r?.();
            });
          // Let acknowledgements run now and then (the loop itself never waits when unthrottled).
          if (i % 1000 === 999) await new Promise<void>((resolve) => setImmediate(resolve));
        }
        while (outstanding > 0) await new Promise<void>((resolve) => (released = resolve));
      } finally {
        clearInterval(progressTimer);
        progress.clear();
        await producer.disconnect();
      }
      if (stats.count > 0) out(stats.totalLine(Date.now()));
      if (values['print-metrics'] === true) {
        const clientId = props.get('client.id') ?? 'perf-producer-client';
        const elapsedSec = Math.max(stats.elapsedMs(Date.now()), 1) / 1000;
        const tag = `{client-id=${clientId}}`;
        printMetrics(
          out,
          new Map([
            [`producer-metrics:record-send-total:${tag}`, stats.count],
            [`producer-metrics:record-send-rate:${tag}`, stats.count / elapsedSec],
            [`producer-metrics:record-error-total:${tag}`, failures],
            [`producer-metrics:outgoing-byte-total:${tag}`, stats.bytes],
            [`producer-metrics:outgoing-byte-rate:${tag}`, stats.bytes / elapsedSec],
            [`producer-metrics:record-size-avg:${tag}`, stats.count === 0 ? 0 : stats.bytes / stats.count],
          ]),
        );
      }
      if (failures > 0) {
        err(`Error: ${failures} of ${numRecords} records were not sent: ${firstFailure}`);
        return 1;
      }
      return stopped ? 130 : 0;
    },
});
