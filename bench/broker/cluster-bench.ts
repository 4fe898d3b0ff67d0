/**
 * The cluster row of the benchmark (issue #7): a real ZooKeeper and three Samsa broker processes
 * on this machine, one partition with replication factor 3 and min.insync.replicas=2.
 *
 *   - throughput of 1 KiB records with acks=all (rdkafka_performance -P -a -1), beside acks=1 on
 *     the same cluster;
 *   - end-to-end latency p50/p99 at 10,000 records/s with acks=all (the latency workers of the
 *     single-broker bench, pointed at the leader);
 *   - failover: from stopping the partition's leader (SIGTERM: a controlled shutdown; SIGKILL: a
 *     crash, noticed when its ZooKeeper session expires) to the first acks=all produce answered by
 *     the new leader.
 *
 * Usage: node dist/bench/broker/cluster-bench.js [--rounds N] [--quick] [--json FILE]
 */
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { ApiKey } from '../../src/protocol/generated/api-table.js';
import { buildRecordBatch } from '../../src/protocol/records/index.js';
import { KafkaTestClient } from '../../src/testkit/kafka-test-client.js';
import { SamsaCluster } from '../../src/testkit/samsa-cluster.js';
import { ZooKeeperCluster } from '../../src/testkit/zookeeper-server.js';
import { findRdkafkaPerformance, rdkafkaPerformanceProduce } from './external-clients.js';
import { killAll, sleep, startWorker } from './processes.js';
import { median } from './stats.js';
import { createTopic, deleteTopic } from './wire.js';

const VALUE_BYTES = 1024;
const HOST = '127.0.0.1';

interface Options {
  rounds: number;
  quick: boolean;
  json: string | null;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { rounds: 3, quick: false, json: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--rounds') o.rounds = Number(argv[++i]);
    else if (a === '--quick') o.quick = true;
    else if (a === '--json') o.json = argv[++i]!;
    else throw new Error(`unknown argument ${a}`);
  }
  if (!Number.isInteger(o.rounds) || o.rounds < 1) throw new Error('--rounds must be a positive integer');
  return o;
}

function log(msg: string): void {
  process.stderr.write(`${msg}\n`);
}

async function leaderOf(cluster: SamsaCluster, topic: string): Promise<number> {
  for (const id of cluster.nodeIds) {
    if (!cluster.isRunning(id)) continue;
    const client = await KafkaTestClient.connect(HOST, cluster.portOf(id)).catch(() => null);
    if (client === null) continue;
    try {
      const md = await client.send(ApiKey.Metadata, 12, { topics: [{ name: topic, topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
      const p = md.topics[0]?.partitions[0];
      if (p !== undefined && p.errorCode === 0 && p.leaderId >= 0) return p.leaderId;
    } catch {
      // ask the next broker
    } finally {
      client.close();
    }
  }
  return -1;
}

async function waitForFullIsr(cluster: SamsaCluster, topic: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = await KafkaTestClient.connect(HOST, cluster.portOf(cluster.nodeIds.find((id) => cluster.isRunning(id))!));
    try {
      const md = await client.send(ApiKey.Metadata, 12, { topics: [{ name: topic, topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
      const p = md.topics[0]?.partitions[0];
      if (p !== undefined && p.leaderId >= 0 && p.isrNodes.length === 3) return;
    } finally {
      client.close();
    }
    if (Date.now() > deadline) throw new Error(`${topic}: ISR not back to 3 within ${timeoutMs} ms`);
    await sleep(100);
  }
}

/**
 * Stops the leader of `topic`-0 with `signal` and measures, from the signal, how long until an
 * acks=all produce (tried every 20 ms against every running broker) succeeds.
 */
async function failover(cluster: SamsaCluster, topic: string, signal: 'SIGTERM' | 'SIGKILL'): Promise<{ ms: number; from: number; to: number }> {
  const leader = await leaderOf(cluster, topic);
  if (leader < 0) throw new Error(`${topic} has no leader`);
  const batch = buildRecordBatch([{ key: null, value: Buffer.alloc(VALUE_BYTES, 'f') }]);
  const clients = new Map<number, KafkaTestClient>();
  for (const id of cluster.nodeIds) if (id !== leader) clients.set(id, await KafkaTestClient.connect(HOST, cluster.portOf(id)));
  const t0 = performance.now();
  const stopped = signal === 'SIGTERM' ? cluster.stopBroker(leader) : cluster.killBroker(leader);
  try {
    for (;;) {
      for (const [id, client] of clients) {
        const res = await client.send(ApiKey.Produce, 9, { transactionalId: null, acks: -1, timeoutMs: 2000, topicData: [{ name: topic, partitionData: [{ index: 0, records: batch }] }] });
        if (res.responses[0]!.partitionResponses[0]!.errorCode === 0) return { ms: performance.now() - t0, from: leader, to: id };
      }
      if (performance.now() - t0 > 60_000) throw new Error(`no new leader for ${topic} within 60 s of ${signal}`);
      await sleep(20);
    }
  } finally {
    for (const c of clients.values()) c.close();
    await stopped;
    await cluster.startBroker(leader);
    await waitForFullIsr(cluster, topic);
  }
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const records = o.quick ? 32 * 1024 : 256 * 1024;
  const latencyMs = o.quick ? 3000 : 10_000;
  const rate = 10_000;
  const bin = findRdkafkaPerformance();
  if (bin === null) throw new Error('rdkafka_performance is missing: build it with `bash bench/broker/build-rdkafka-performance.sh` (see bench/README.md); the cluster bench needs it for acks=all');
  log(`[cluster] ZooKeeper + 3 broker processes, RF 3, min.insync.replicas=2; ${o.rounds} rounds`);
  const zookeeper = await ZooKeeperCluster.start();
  const cluster = await SamsaCluster.start({ zookeeper, brokers: 3, processes: true, properties: { 'zookeeper.session.timeout.ms': '6000', 'min.insync.replicas': '2', 'offsets.topic.replication.factor': '3' } });
  const results = { acksAll: [] as number[], acks1: [] as number[], p50: [] as number[], p99: [] as number[], sigterm: [] as number[], sigkill: [] as number[] };
  try {
    for (let round = 0; round < o.rounds; round++) {
      const topic = `cluster-bench-${round}`;
      const port1 = cluster.portOf(cluster.nodeIds[0]!);
      await createTopic(HOST, port1, topic, 1, 3);
      await waitForFullIsr(cluster, topic);
      const all = await rdkafkaPerformanceProduce(bin, cluster.bootstrap, topic, records, VALUE_BYTES, 300_000, -1);
      const one = await rdkafkaPerformanceProduce(bin, cluster.bootstrap, topic, records, VALUE_BYTES, 300_000, 1);
      results.acksAll.push(all.bytes / 1e6 / (all.ms / 1000));
      results.acks1.push(one.bytes / 1e6 / (one.ms / 1000));
      log(`  round ${round + 1}: acks=all ${results.acksAll.at(-1)!.toFixed(0)} MB/s, acks=1 ${results.acks1.at(-1)!.toFixed(0)} MB/s`);

      const latTopic = `cluster-latency-${round}`;
      await createTopic(HOST, port1, latTopic, 1, 3);
      await waitForFullIsr(cluster, latTopic);
      const leaderPort = cluster.portOf(await leaderOf(cluster, latTopic));
      const expected = Math.round((rate * latencyMs) / 1000);
      const consumer = startWorker<{ p50: number; p99: number; received: number }>('latency-consumer', { port: leaderPort, topic: latTopic, expected, warmupRecords: Math.min(rate, Math.floor(expected / 10)), timeoutMs: latencyMs + 30_000 }, latencyMs + 40_000);
      await consumer.ready;
      const producer = startWorker<{ records: number }>('latency-producer', { port: leaderPort, topic: latTopic, rate, durationMs: latencyMs, valueBytes: VALUE_BYTES, maxInFlight: 5, acks: -1 }, latencyMs + 30_000);
      await producer.result;
      const lat = await consumer.result;
      results.p50.push(lat.p50);
      results.p99.push(lat.p99);
      log(`  round ${round + 1}: e2e acks=all p50 ${lat.p50.toFixed(2)} ms, p99 ${lat.p99.toFixed(2)} ms`);
      await deleteTopic(HOST, port1, latTopic);

      const term = await failover(cluster, topic, 'SIGTERM');
      results.sigterm.push(term.ms);
      log(`  round ${round + 1}: SIGTERM of leader ${term.from} → first acks=all produce at ${term.to} after ${term.ms.toFixed(0)} ms`);
      const kill = await failover(cluster, topic, 'SIGKILL');
      results.sigkill.push(kill.ms);
      log(`  round ${round + 1}: SIGKILL of leader ${kill.from} → first acks=all produce at ${kill.to} after ${kill.ms.toFixed(0)} ms`);
      await deleteTopic(HOST, cluster.portOf(cluster.nodeIds.find((id) => cluster.isRunning(id))!), topic);
    }
  } finally {
    await cluster.close();
    await zookeeper.close();
    killAll();
  }
  const fmt = (v: number): string => (v >= 100 ? v.toFixed(0) : v.toFixed(2));
  const rows = [
    ['Produce 1 KiB, RF 3, acks=all (rdkafka_performance)', `${fmt(median(results.acksAll))} MB/s`],
    ['Produce 1 KiB, RF 3, acks=1 (same cluster)', `${fmt(median(results.acks1))} MB/s`],
    [`End-to-end latency at ${rate} rec/s, acks=all (p50 / p99)`, `${fmt(median(results.p50))} / ${fmt(median(results.p99))} ms`],
    ['Failover, controlled shutdown (SIGTERM of the leader → first acks=all produce)', `${fmt(median(results.sigterm))} ms (target < 1000)`],
    ['Failover, crash (SIGKILL of the leader → first acks=all produce; session timeout 6 s)', `${fmt(median(results.sigkill))} ms`],
  ];
  process.stdout.write(`\n| Cluster figure (median of ${o.rounds}) | Samsa |\n|---|---|\n${rows.map((r) => `| ${r[0]} | ${r[1]} |`).join('\n')}\n`);
  if (o.json !== null) writeFileSync(o.json, JSON.stringify(results, null, 2));
}

main().catch((err: unknown) => {
  killAll();
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
