/**
 * The `clients` phase of the broker benchmark: Samsa's client library next to librdkafka's C
 * client (rdkafka_performance) and KafkaJS (from npm), against the same broker and the same
 * workload (1 KiB records, one partition, acks=1), each client in its own process.
 *
 * First an unmeasured warm-up of the broker (`clientWarmUp`). Per round: three fresh topics are
 * produced by the three producers (the order rotates every round), then the records librdkafka
 * wrote are consumed from the start by the three consumers (same rotation), then the topics are
 * deleted. Every producer is timed from its first send to
 * its last acknowledgement, every consumer from its first record to its last (librdkafka's tool
 * times itself that way; the Node workers do the same), so connecting, metadata and joining a
 * group are left out for all three. See bench/README.md.
 */
import { runCommand, startWorker } from './processes.js';
import { rdkafkaPerformanceConsume, rdkafkaPerformanceProduce } from './external-clients.js';
import type { ClientConsumerParams, ClientMeasurement, ClientProducerParams } from './client-workload.js';
import { createTopic, deleteTopic } from './wire.js';

export type ClientName = 'librdkafka' | 'samsa' | 'kafkajs';
export const CLIENT_NAMES: readonly ClientName[] = ['librdkafka', 'samsa', 'kafkajs'];

export interface ClientRun {
  mbps: number;
  recordsPerSec: number;
  ms: number;
  /** Broker CPU time (user + system) per second of the run. */
  brokerCpu: number;
}

export interface ClientBenchOptions {
  host: string;
  port: number;
  brokerPid: number;
  rdkafkaPerformance: string;
  /** librdkafka properties for rdkafka_performance -P (`key=value`, each passed as -X); empty: librdkafka's defaults. */
  rdkafkaProducerConfig: readonly string[];
  records: number;
  valueBytes: number;
  /** Messages per send() call of the Node producers. */
  recordsPerSend: number;
  /** send() calls outstanding at once in the Node producers. */
  sendsInFlight: number;
  round: number;
  /** CPU time (ms) of a process so far. */
  cpuMs: (pid: number) => number;
  log: (line: string) => void;
}

export interface ClientRound {
  produce: Partial<Record<ClientName, ClientRun>>;
  consume: Partial<Record<ClientName, ClientRun>>;
  errors: string[];
}

const TIMEOUT_MS = 300_000;

function run(records: number, valueBytes: number, ms: number, brokerCpu: number): ClientRun {
  return { mbps: (records * valueBytes) / 1e3 / ms, recordsPerSec: (records * 1000) / ms, ms, brokerCpu };
}

/** The order of the clients in round `i`: rotated by one each round. */
export function roundOrder(i: number): ClientName[] {
  return CLIENT_NAMES.map((_, k) => CLIENT_NAMES[(k + i) % CLIENT_NAMES.length]!);
}

async function produceWith(client: ClientName, o: ClientBenchOptions, topic: string): Promise<{ records: number; ms: number }> {
  if (client === 'librdkafka') {
    const r = await rdkafkaPerformanceProduce(o.rdkafkaPerformance, `${o.host}:${o.port}`, topic, o.records, o.valueBytes, TIMEOUT_MS, 1, o.rdkafkaProducerConfig);
    return { records: r.records, ms: r.ms };
  }
  const params: ClientProducerParams = { port: o.port, topic, records: o.records, valueBytes: o.valueBytes, recordsPerSend: o.recordsPerSend, sendsInFlight: o.sendsInFlight, acks: 1 };
  const w = startWorker<{ records: number; ms: number }>(`${client}-producer`, params, TIMEOUT_MS);
  const r = await w.result;
  if (r.records !== o.records) throw new Error(`${client} producer sent ${r.records} of ${o.records} records`);
  return r;
}

async function consumeWith(client: ClientName, o: ClientBenchOptions, topic: string): Promise<{ records: number; ms: number }> {
  if (client === 'librdkafka') {
    const r = await rdkafkaPerformanceConsume(o.rdkafkaPerformance, `${o.host}:${o.port}`, topic, o.records, o.valueBytes, TIMEOUT_MS);
    return { records: r.records, ms: r.firstToLastMs ?? r.ms };
  }
  const params: ClientConsumerParams = { port: o.port, topic, groupId: `bench-${client}-${o.round}-${Date.now()}`, records: o.records, valueBytes: o.valueBytes };
  const w = startWorker<ClientMeasurement>(`${client}-consumer`, params, TIMEOUT_MS);
  const r = await w.result;
  if (r.records !== o.records || r.valueBytes !== o.records * o.valueBytes) throw new Error(`${client} consumer read ${r.records} records (${r.valueBytes} value bytes), expected ${o.records}`);
  // Where a Node consumer's time goes: its CPU (all threads, GC included) and minor page faults
  // over the timed part. First touches of fresh memory are costly on some VMs (the consumer's
  // copies of the records live in memory the GC hands back only every few tens of MB).
  o.log(`  (${o.round < 0 ? 'warm-up' : `round ${o.round + 1}`}) ${client} consumer: ${Math.round(r.cpuMs)} ms CPU (${Math.round(r.sysMs)} ms system), ${r.pageFaults} minor page faults in ${Math.round(r.ms)} ms`);
  return r;
}

async function measured(o: ClientBenchOptions, fn: () => Promise<{ records: number; ms: number }>): Promise<ClientRun> {
  // Write back what earlier runs left dirty, so no run pays for another's writeback (not timed).
  await runCommand('sync', [], 120_000);
  const c0 = o.cpuMs(o.brokerPid);
  const t0 = performance.now();
  const r = await fn();
  return run(r.records, o.valueBytes, r.ms, (o.cpuMs(o.brokerPid) - c0) / (performance.now() - t0));
}

/**
 * Before the measured rounds: one unmeasured pass through the broker's produce and fetch paths
 * (librdkafka's and Samsa's producers into one topic, then the three consumers reading it), so
 * that no client's figure includes the broker's own JIT warm-up. Without it, the first client of
 * round 1 met a broker whose request path still ran in V8's baseline tier, and a client waiting on
 * every Fetch (as Samsa's consumer does) read ~15% slower in round 1 than in round 3. KafkaJS's
 * producer is left out (it takes ~10 s and adds nothing the others do not warm). Failures are
 * logged, not counted: the rounds report their own.
 */
export async function clientWarmUp(o: ClientBenchOptions): Promise<void> {
  const topic = 'clients-warm-up';
  const t0 = performance.now();
  try {
    await createTopic(o.host, o.port, topic);
    for (const c of ['librdkafka', 'samsa'] as const) await produceWith(c, { ...o, round: -1 }, topic);
    for (const c of CLIENT_NAMES) await consumeWith(c, { ...o, round: -1, records: o.records * 2 }, topic);
  } catch (err) {
    o.log(`  ! warm-up: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]}`);
  } finally {
    await deleteTopic(o.host, o.port, topic).catch(() => undefined);
  }
  o.log(`  warm-up (not measured): ${Math.round((performance.now() - t0) / 1000)} s`);
}

/** One round: three producers into three fresh topics, then three consumers of librdkafka's topic. */
export async function clientRound(o: ClientBenchOptions): Promise<ClientRound> {
  const out: ClientRound = { produce: {}, consume: {}, errors: [] };
  const order = roundOrder(o.round);
  const topicOf = (c: ClientName): string => `clients-${o.round}-${c}`;
  const note = (what: string, err: unknown): void => {
    const msg = `${what}: ${err instanceof Error ? err.message : String(err)}`;
    out.errors.push(msg);
    o.log(`  ! ${msg.split('\n')[0]}`);
  };
  try {
    for (const c of order) {
      try {
        await createTopic(o.host, o.port, topicOf(c));
        out.produce[c] = await measured(o, () => produceWith(c, o, topicOf(c)));
      } catch (err) {
        note(`${c} produce, round ${o.round}`, err);
      }
    }
    if (out.produce.librdkafka !== undefined) {
      for (const c of order) {
        try {
          out.consume[c] = await measured(o, () => consumeWith(c, o, topicOf('librdkafka')));
        } catch (err) {
          note(`${c} consume, round ${o.round}`, err);
        }
      }
    }
  } finally {
    for (const c of CLIENT_NAMES) await deleteTopic(o.host, o.port, topicOf(c)).catch(() => undefined);
  }
  return out;
}
