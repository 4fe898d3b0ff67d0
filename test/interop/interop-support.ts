/**
 * What the real-client interop tests share: an in-process broker, and for each client the same
 * operations (list metadata, create a topic, produce a dataset, read a topic back) with results in
 * one shape. The Python clients run as helper scripts (test/interop/python/), kcat as itself,
 * kafkajs in this process.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startBroker } from '../../src/broker/broker.js';
import type { Broker } from '../../src/broker/broker.js';
import { createLogger, silentLogger } from '../../src/logging/logger.js';
import { ApiKey } from '../../src/protocol/generated/api-table.js';
import { buildInteropDataset, compareConsumed, datasetJsonLines, parseConsumedLines } from '../../src/testkit/interop-dataset.js';
import type { ConsumedRecord, InteropRecord } from '../../src/testkit/interop-dataset.js';
import { ProcessTracker, SYSTEM_PYTHON, assertToolsPresent, expectSuccess, skipUnlessTools, toolStatus } from '../../src/testkit/interop-tools.js';
import type { InteropTool, RunResult } from '../../src/testkit/interop-tools.js';
import { KafkaTestClient } from '../../src/testkit/kafka-test-client.js';
import { dumpTopic } from '../../src/testkit/topic-dump.js';

/** Records per client, as the issue asks. */
export const RECORD_COUNT = 10_000;
/** Partitions asked of CreateTopics; auto-created topics get the broker's num.partitions instead. */
export const ADMIN_PARTITIONS = 4;
export const AUTO_PARTITIONS = 3;

/** Set SAMSA_INTEROP_DEBUG=1 for the clients' protocol debug logs (on failure they are in the message). */
export const DEBUG = process.env.SAMSA_INTEROP_DEBUG === '1';
/** SAMSA_INTEROP_AUTO_CREATE=1 takes the auto-creation path even where the broker serves CreateTopics. */
const FORCE_AUTO_CREATE = process.env.SAMSA_INTEROP_AUTO_CREATE === '1';

const here = dirname(fileURLToPath(import.meta.url));
/** The repository root, from dist/test/interop/. */
const root = resolve(here, '..', '..', '..');
const PYTHON_DIR = join(root, 'test', 'interop', 'python');
const PYTHON_SCRIPTS: Partial<Record<InteropTool, string>> = {
  'confluent-kafka': join(PYTHON_DIR, 'confluent_client.py'),
  'kafka-python': join(PYTHON_DIR, 'kafka_python_client.py'),
};

export interface InteropContext {
  broker: Broker;
  dir: string;
  tracker: ProcessTracker;
  /** Whether the broker advertises CreateTopics; when not, topics are auto-created via Metadata. */
  createTopicsServed: boolean;
  close(): Promise<void>;
}

/** A broker in this process on 127.0.0.1:0 with num.partitions = AUTO_PARTITIONS, and a process tracker. */
export async function startInteropContext(): Promise<InteropContext> {
  const dir = mkdtempSync(join(tmpdir(), 'samsa-interop-'));
  const broker = await startBroker({
    port: 0,
    host: '127.0.0.1',
    logDirs: [join(dir, 'data')],
    properties: { 'num.partitions': String(AUTO_PARTITIONS) },
    logger: process.env.SAMSA_INTEROP_BROKER_LOG === '1' ? createLogger() : silentLogger(),
  });
  const tracker = new ProcessTracker();
  let createTopicsServed = false;
  const client = await KafkaTestClient.connect('127.0.0.1', broker.port);
  try {
    const versions = await client.send(ApiKey.ApiVersions, 3, { clientSoftwareName: 'samsa-interop', clientSoftwareVersion: '1' });
    createTopicsServed = versions.apiKeys.some((k) => k.apiKey === ApiKey.CreateTopics);
  } finally {
    client.close();
  }
  return {
    broker,
    dir,
    tracker,
    createTopicsServed,
    async close() {
      tracker.killAll();
      await broker.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function runPython(ctx: InteropContext, tool: InteropTool, args: string[], timeoutMs: number): Promise<RunResult> {
  const script = PYTHON_SCRIPTS[tool];
  if (script === undefined) throw new Error(`${tool} has no Python helper`);
  return ctx.tracker.run(SYSTEM_PYTHON, [script, ...args, ...(DEBUG ? ['--debug'] : [])], { timeoutMs, env: { ...process.env, PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1' } });
}

function jsonLines<T>(stdout: string): T[] {
  return stdout.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as T);
}

// ---------------------------------------------------------------------------------------------
// kafkajs (loaded lazily: a devDependency)

const require = createRequire(import.meta.url);
type KafkaJs = typeof import('kafkajs');

function kafkajsClient(ctx: InteropContext, log: string[]): import('kafkajs').Kafka {
  const kafkajs = require('kafkajs') as KafkaJs;
  return new kafkajs.Kafka({
    clientId: 'samsa-interop-kafkajs',
    brokers: [ctx.broker.bootstrap],
    connectionTimeout: 5000,
    requestTimeout: 15_000,
    retry: { retries: 2, initialRetryTime: 100 },
    logLevel: DEBUG ? kafkajs.logLevel.DEBUG : kafkajs.logLevel.WARN,
    logCreator: () => (entry) => {
      const { message, ...extra } = entry.log;
      log.push(`${entry.label} ${entry.namespace}: ${message} ${JSON.stringify(extra)}`);
      if (log.length > 2000) log.splice(0, 1000);
    },
  });
}

/** Runs `fn`, rejecting after `ms` with `what` and kafkajs's log in the message. */
async function bounded<T>(what: string, ms: number, log: string[], fn: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      fn(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: not done within ${ms} ms; kafkajs log:\n${log.slice(-40).join('\n')}`)), ms);
      }),
    ]);
  } catch (err) {
    if (err instanceof Error && !err.message.includes('kafkajs log:')) err.message += `\nkafkajs log:\n${log.slice(-40).join('\n')}`;
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------------------------------------
// Metadata

export interface ClientMetadata {
  clusterId: string | null;
  brokers: Array<{ id: number; host: string; port: number }>;
  topics: Record<string, { partitions: Array<{ id: number; leader: number; replicas: number[]; isrs: number[] }> }>;
}

interface KcatMetadata {
  brokers: Array<{ id: number; name: string }>;
  topics: Array<{ topic: string; error?: string; partitions: Array<{ partition: number; leader: number; replicas: Array<{ id: number }>; isrs: Array<{ id: number }> }> }>;
}

/** What `tool` reports from a Metadata request for all topics. */
export async function listMetadata(ctx: InteropContext, tool: InteropTool): Promise<ClientMetadata> {
  switch (tool) {
    case 'kcat': {
      const r = expectSuccess(await ctx.tracker.run('kcat', ['-L', '-J', '-b', ctx.broker.bootstrap, '-m', '10', ...(DEBUG ? ['-d', 'broker,protocol'] : [])], { timeoutMs: 20_000 }));
      const md = JSON.parse(r.stdout) as KcatMetadata;
      return {
        clusterId: null, // kcat does not print it
        brokers: md.brokers.map((b) => {
          const i = b.name.lastIndexOf(':');
          return { id: b.id, host: b.name.slice(0, i), port: Number(b.name.slice(i + 1)) };
        }),
        topics: Object.fromEntries(md.topics.map((t) => [t.topic, {
          partitions: t.partitions.map((p) => ({ id: p.partition, leader: p.leader, replicas: p.replicas.map((x) => x.id), isrs: p.isrs.map((x) => x.id) })).sort((a, b) => a.id - b.id),
        }])),
      };
    }
    case 'confluent-kafka':
    case 'kafka-python': {
      const r = expectSuccess(await runPython(ctx, tool, ['metadata', '--bootstrap', ctx.broker.bootstrap, '--timeout', '20'], 30_000));
      const md = JSON.parse(r.stdout) as { cluster_id: string | null } & Omit<ClientMetadata, 'clusterId'>;
      return { clusterId: md.cluster_id, brokers: md.brokers, topics: md.topics };
    }
    case 'kafkajs': {
      const log: string[] = [];
      const admin = kafkajsClient(ctx, log).admin();
      try {
        return await bounded('kafkajs metadata', 20_000, log, async () => {
          await admin.connect();
          const cluster = await admin.describeCluster();
          const { topics } = await admin.fetchTopicMetadata();
          return {
            clusterId: cluster.clusterId,
            brokers: cluster.brokers.map((b) => ({ id: b.nodeId, host: b.host, port: b.port })),
            topics: Object.fromEntries(topics.map((t) => [t.name, {
              partitions: t.partitions.map((p) => ({ id: p.partitionId, leader: p.leader, replicas: p.replicas, isrs: p.isr })).sort((a, b) => a.id - b.id),
            }])),
          };
        });
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Topic creation

export interface CreatedTopic {
  /** 'admin': the client's CreateTopics; 'auto': auto-creation through the client's Metadata request. */
  mode: 'admin' | 'auto';
  partitions: number;
}

/**
 * Creates `topic` with `tool`: through its admin API (CreateTopics, ADMIN_PARTITIONS partitions)
 * when it has one and the broker serves it, else by auto-creation (the broker's num.partitions).
 */
export async function createTopic(ctx: InteropContext, tool: InteropTool, topic: string): Promise<CreatedTopic> {
  const mode = tool !== 'kcat' && ctx.createTopicsServed && !FORCE_AUTO_CREATE ? 'admin' : 'auto';
  switch (tool) {
    case 'kcat': {
      // kcat has no admin API. `-L -t TOPIC` sends a Metadata request for the topic, which
      // auto-creates it; repeat until its partitions have leaders.
      const deadline = Date.now() + 20_000;
      for (;;) {
        const r = expectSuccess(await ctx.tracker.run('kcat', ['-L', '-J', '-b', ctx.broker.bootstrap, '-t', topic, '-m', '10'], { timeoutMs: 20_000 }));
        const md = JSON.parse(r.stdout) as KcatMetadata;
        const t = md.topics.find((x) => x.topic === topic);
        if (t !== undefined && t.error === undefined && t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0)) return { mode, partitions: t.partitions.length };
        if (Date.now() > deadline) throw new Error(`kcat: topic ${topic} not created within 20 s: ${r.stdout}`);
        await new Promise((r2) => setTimeout(r2, 100));
      }
    }
    case 'confluent-kafka':
    case 'kafka-python': {
      const r = expectSuccess(await runPython(ctx, tool, ['create-topic', '--bootstrap', ctx.broker.bootstrap, '--topic', topic, '--mode', mode, '--partitions', String(ADMIN_PARTITIONS), '--timeout', '20'], 30_000));
      return JSON.parse(r.stdout) as CreatedTopic;
    }
    case 'kafkajs': {
      const log: string[] = [];
      const admin = kafkajsClient(ctx, log).admin();
      try {
        return await bounded('kafkajs create topic', 20_000, log, async () => {
          await admin.connect();
          if (mode === 'admin') {
            const created = await admin.createTopics({ topics: [{ topic, numPartitions: ADMIN_PARTITIONS, replicationFactor: 1 }], waitForLeaders: true, timeout: 10_000 });
            if (!created) throw new Error(`kafkajs createTopics returned false: ${topic} already existed`);
          } else {
            // kafkajs's admin never asks for auto-creation (its Metadata requests say
            // allowAutoTopicCreation=false) and its producer has no metadata call: the test's
            // own client asks for it; kafkajs then waits for the partitions.
            const tc = await KafkaTestClient.connect('127.0.0.1', ctx.broker.port);
            try {
              await tc.send(ApiKey.Metadata, 12, { topics: [{ topicId: 'AAAAAAAAAAAAAAAAAAAAAA', name: topic }], allowAutoTopicCreation: true, includeTopicAuthorizedOperations: false });
            } finally {
              tc.close();
            }
          }
          const deadline = Date.now() + 20_000;
          while (Date.now() < deadline) {
            const { topics } = await admin.fetchTopicMetadata({ topics: [topic] }).catch(() => ({ topics: [] as import('kafkajs').ITopicMetadata[] }));
            const t = topics.find((x) => x.name === topic);
            if (t !== undefined && t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0)) return { mode, partitions: t.partitions.length };
            await new Promise((r2) => setTimeout(r2, 100));
          }
          throw new Error(`kafkajs: topic ${topic} has no partitions with leaders after 20 s`);
        });
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Produce

export interface ProduceReport {
  /** Per acknowledged record: where the client says it was written. Null when the client does not tell (kcat). */
  acks: Array<{ seq: number; partition: number; offset: number }> | null;
  /** Records the client reported as failed. */
  errors: Array<{ seq: number; error: string }>;
  /** The client's settings, for the test's diagnostics. */
  description: string;
  /** Wall-clock window of the produce run (for records the client timestamps itself). */
  startedMs: number;
  finishedMs: number;
}

export type ProduceCompression = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';
export const CODEC_NAMES: Record<number, ProduceCompression> = { 0: 'none', 1: 'gzip', 2: 'snappy', 3: 'lz4', 4: 'zstd' };

/** Produces `records` to `topic` with `tool`, in `seq` order, acks=all (idempotent where the client can). */
export async function produceDataset(ctx: InteropContext, tool: InteropTool, topic: string, records: readonly InteropRecord[], compression: ProduceCompression): Promise<ProduceReport> {
  const startedMs = Date.now();
  switch (tool) {
    case 'kcat': {
      // kcat sends one partition per run (-p) and the same headers on every record (-H), and
      // stamps records itself; so one idempotent run per partition, in parallel.
      const partitions = [...new Set(records.map((r) => r.partition))].sort((a, b) => a - b);
      const runs = await Promise.all(partitions.map((p) => {
        const mine = records.filter((r) => r.partition === p);
        const args = ['-P', '-b', ctx.broker.bootstrap, '-t', topic, '-p', String(p), '-K', '\t', '-z', compression,
          '-X', 'enable.idempotence=true', '-X', 'acks=all', '-X', 'linger.ms=10', '-X', 'message.timeout.ms=30000', '-X', 'client.id=samsa-interop-kcat'];
        for (const [k, v] of mine[0]!.headers) args.push('-H', `${k}=${v}`);
        if (DEBUG) args.push('-d', 'broker,protocol,msg');
        for (const r of mine) {
          if (r.timestamp !== null) throw new Error('kcat cannot set per-record timestamps; build its dataset with baseTimestamp null');
          if (JSON.stringify(r.headers) !== JSON.stringify(mine[0]!.headers)) throw new Error('kcat sets the same headers on every record of a run');
        }
        return ctx.tracker.run('kcat', args, { timeoutMs: 60_000, input: mine.map((r) => `${r.key}\t${r.value}\n`).join('') });
      }));
      for (const r of runs) {
        expectSuccess(r);
        if (/% ERROR|Delivery failed/i.test(r.stderr)) throw new Error(`kcat reported errors:\n${r.stderr.slice(-3000)}`);
      }
      return { acks: null, errors: [], description: `kcat ${runs[0]!.command.replace(/-p \d+/, '-p P')} (one run per partition)`, startedMs, finishedMs: Date.now() };
    }
    case 'confluent-kafka':
    case 'kafka-python': {
      const input = join(ctx.dir, `${topic}.jsonl`);
      writeFileSync(input, datasetJsonLines(topic, records));
      const r = await runPython(ctx, tool, ['produce', '--bootstrap', ctx.broker.bootstrap, '--input', input, '--compression', compression, '--timeout', '60'], 90_000);
      const lines = jsonLines<{ seq: number; partition?: number; offset?: number; error?: string }>(r.stdout);
      const acks = lines.filter((l) => l.error === undefined).map((l) => ({ seq: l.seq, partition: l.partition!, offset: l.offset! }));
      const errors = lines.filter((l) => l.error !== undefined).map((l) => ({ seq: l.seq, error: l.error! }));
      if (errors.length === 0) expectSuccess(r);
      const description = tool === 'confluent-kafka'
        ? `confluent_kafka.Producer(enable.idempotence=true, acks=all, linger.ms=10, compression.type=${compression})`
        : `kafka.KafkaProducer(acks='all', retries=5, max_in_flight_requests_per_connection=1, linger_ms=10, compression_type=${compression})`;
      return { acks, errors, description, startedMs, finishedMs: Date.now() };
    }
    case 'kafkajs': {
      const kafkajs = require('kafkajs') as KafkaJs;
      const log: string[] = [];
      const producer = kafkajsClient(ctx, log).producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
      const codec = { none: 'None', gzip: 'GZIP', snappy: 'Snappy', lz4: 'LZ4', zstd: 'ZSTD' } as const;
      if (compression !== 'none' && compression !== 'gzip') throw new Error('kafkajs ships gzip only');
      const acks: Array<{ seq: number; partition: number; offset: number }> = [];
      const errors: Array<{ seq: number; error: string }> = [];
      try {
        await bounded('kafkajs produce', 60_000, log, async () => {
          await producer.connect();
          const chunk = 500;
          for (let i = 0; i < records.length; i += chunk) {
            const part = records.slice(i, i + chunk);
            const result = await producer.send({
              topic,
              acks: -1,
              compression: kafkajs.CompressionTypes[codec[compression]],
              messages: part.map((r) => ({
                partition: r.partition,
                key: r.key,
                value: r.value,
                headers: Object.fromEntries(r.headers),
                ...(r.timestamp === null ? {} : { timestamp: String(r.timestamp) }),
              })),
            });
            // One RecordMetadata per partition: its records got baseOffset, baseOffset + 1, ... in send order.
            for (const md of result) {
              if (md.errorCode !== 0) {
                for (const r of part.filter((x) => x.partition === md.partition)) errors.push({ seq: r.seq, error: `error code ${md.errorCode}` });
                continue;
              }
              let offset = Number(md.baseOffset);
              for (const r of part.filter((x) => x.partition === md.partition)) acks.push({ seq: r.seq, partition: md.partition, offset: offset++ });
            }
          }
        });
      } finally {
        await producer.disconnect().catch(() => undefined);
      }
      acks.sort((a, b) => a.seq - b.seq);
      return { acks, errors, description: `kafkajs producer({ idempotent: true, maxInFlightRequests: 1 }).send({ acks: -1, compression: ${codec[compression]} }) × ${Math.ceil(records.length / 500)}`, startedMs, finishedMs: Date.now() };
    }
  }
}

/** Problems with a producer's acknowledgements: every record acked once, at its partition and the next offset there. */
export function checkAcks(records: readonly InteropRecord[], report: ProduceReport, maxProblems = 10): string[] {
  const problems: string[] = report.errors.slice(0, maxProblems).map((e) => `seq ${e.seq} failed: ${e.error}`);
  if (report.acks === null) return problems;
  if (report.acks.length !== records.length) problems.push(`${report.acks.length} acknowledgements for ${records.length} records`);
  const bySeq = new Map(report.acks.map((a) => [a.seq, a]));
  const next = new Map<number, number>();
  for (const r of records) {
    if (problems.length >= maxProblems) break;
    const expectedOffset = next.get(r.partition) ?? 0;
    next.set(r.partition, expectedOffset + 1);
    const a = bySeq.get(r.seq);
    if (a === undefined) problems.push(`seq ${r.seq}: no acknowledgement`);
    else if (a.partition !== r.partition || a.offset !== expectedOffset) problems.push(`seq ${r.seq}: acknowledged at ${a.partition}/${a.offset}, expected ${r.partition}/${expectedOffset}`);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Consume

export type ReaderTool = 'kcat' | 'confluent-kafka' | 'kafka-python';

interface KcatRecord {
  partition: number;
  offset: number;
  tstype: string;
  ts: number;
  headers?: Array<string | null>;
  key: string | null;
  payload: string | null;
}

/** Reads every record of `topic` from the beginning to the end offsets, with `tool` and no consumer group. */
export async function readTopic(ctx: InteropContext, tool: ReaderTool, topic: string): Promise<ConsumedRecord[]> {
  switch (tool) {
    case 'kcat': {
      // Without -G kcat assigns every partition itself (no group coordinator); -e exits at the end.
      const r = expectSuccess(await ctx.tracker.run('kcat', ['-C', '-b', ctx.broker.bootstrap, '-t', topic, '-o', 'beginning', '-e', '-J', '-q',
        '-X', 'client.id=samsa-interop-kcat', ...(DEBUG ? ['-d', 'broker,protocol,fetch'] : [])], { timeoutMs: 60_000 }));
      return r.stdout.split('\n').filter((l) => l.trim() !== '').map((l) => {
        const m = JSON.parse(l) as KcatRecord;
        const headers: Array<[string, string | null]> = [];
        const flat = m.headers ?? [];
        for (let i = 0; i + 1 < flat.length; i += 2) headers.push([flat[i]!, flat[i + 1]!]);
        return { partition: m.partition, offset: m.offset, key: m.key, value: m.payload, headers, timestamp: m.ts, timestampType: m.tstype === 'create' ? 0 : m.tstype === 'logappend' ? 1 : -1 };
      });
    }
    case 'confluent-kafka':
    case 'kafka-python': {
      const r = expectSuccess(await runPython(ctx, tool, ['consume', '--bootstrap', ctx.broker.bootstrap, '--topic', topic, '--timeout', '60'], 90_000));
      return parseConsumedLines(r.stdout);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The suite every client file runs

export interface ClientSuiteOptions {
  /** The client under test: lists metadata, creates the topic and produces. */
  client: InteropTool;
  /** Another client that reads the records back. */
  reader: ReaderTool;
  compression: ProduceCompression;
  /** More tests for the same suite, run after the others with the same broker. */
  more?: (context: () => InteropContext) => void;
}

/**
 * For `client`: list metadata; create a topic (admin API or auto-creation); produce RECORD_COUNT
 * keyed records with headers and timestamps; read them back with `reader` and compare every
 * field and the per-partition order exactly, and check the broker's own view the same way.
 */
export function clientSuite(options: ClientSuiteOptions): void {
  const { client, reader, compression } = options;
  const name = `${client} against the broker (read back with ${reader})`;
  describe(name, { skip: skipUnlessTools([client, reader]), timeout: 150_000 }, () => {
    let ctx: InteropContext | undefined;
    const seedTopic = `seed-${client}`;

    before(async () => {
      assertToolsPresent([client, reader]);
      ctx = await startInteropContext();
      // A topic for the metadata listing to show (auto-created by a Metadata request).
      const tc = await KafkaTestClient.connect('127.0.0.1', ctx.broker.port);
      try {
        await tc.send(ApiKey.Metadata, 12, { topics: [{ topicId: 'AAAAAAAAAAAAAAAAAAAAAA', name: seedTopic }], allowAutoTopicCreation: true, includeTopicAuthorizedOperations: false });
      } finally {
        tc.close();
      }
    });

    after(async () => {
      await ctx?.close();
    });

    it(`lists brokers and topics (${toolStatus(client).version ?? client})`, { timeout: 40_000 }, async () => {
      const md = await listMetadata(ctx!, client);
      assert.deepStrictEqual(md.brokers, [{ id: ctx!.broker.nodeId, host: '127.0.0.1', port: ctx!.broker.port }]);
      if (md.clusterId !== null) assert.equal(md.clusterId, ctx!.broker.clusterId);
      assertTopicDescribed(md, seedTopic, AUTO_PARTITIONS, ctx!.broker.nodeId);
    });

    it(`creates a topic, produces ${RECORD_COUNT} keyed records with headers (${compression}), and ${reader} reads exactly them back`, { timeout: 120_000 }, async (t) => {
      const topic = `interop-${client}-${compression}`;
      const created = await createTopic(ctx!, client, topic);
      t.diagnostic(created.mode === 'admin'
        ? `topic created with ${client}'s admin API (CreateTopics), ${created.partitions} partitions`
        : `topic auto-created (num.partitions=${AUTO_PARTITIONS}) ${client === 'kafkajs' ? 'by a Metadata request of the test client (kafkajs never asks for auto-creation)' : `through ${client}'s Metadata request`}: ` +
          (client === 'kcat' ? 'kcat has no admin API' : ctx!.createTopicsServed ? 'SAMSA_INTEROP_AUTO_CREATE=1' : 'the broker does not serve CreateTopics'));
      assert.equal(created.partitions, created.mode === 'admin' ? ADMIN_PARTITIONS : AUTO_PARTITIONS);
      assertTopicDescribed(await listMetadata(ctx!, client), topic, created.partitions, ctx!.broker.nodeId);

      const baseTimestamp = Math.floor(Date.now() / 1000) * 1000 - 60_000;
      const records = buildInteropDataset({ producer: client, count: RECORD_COUNT, partitions: created.partitions, baseTimestamp: client === 'kcat' ? null : baseTimestamp, perRecordHeaders: client !== 'kcat' });
      const report = await produceDataset(ctx!, client, topic, records, compression);
      t.diagnostic(`produced with ${report.description} in ${report.finishedMs - report.startedMs} ms`);
      assert.deepStrictEqual(checkAcks(records, report), [], 'acknowledgements');
      const window = { timestampWindow: { min: report.startedMs, max: report.finishedMs } };

      // The broker's own view (Fetch through the project's codec, CRCs checked).
      const dump = await dumpTopic('127.0.0.1', ctx!.broker.port, topic);
      const stored = dump.records;
      assert.deepStrictEqual(compareConsumed(records, stored, window), [], 'what the broker stored');
      const codecs = new Map<string, number>();
      for (const b of dump.batches) codecs.set(CODEC_NAMES[b.codec] ?? `codec ${b.codec}`, (codecs.get(CODEC_NAMES[b.codec] ?? `codec ${b.codec}`) ?? 0) + 1);
      t.diagnostic(`stored in ${dump.batches.length} batches: ${[...codecs].map(([c, n]) => `${n} ${c}`).join(', ')}`);
      assert.ok((codecs.get(compression) ?? 0) > 0, `some batches stored as sent, with ${compression}`);
      const idempotent = client !== 'kafka-python';
      assert.ok(dump.batches.every((b) => (b.producerId >= 0n) === idempotent), idempotent ? 'every batch carries the producer id (idempotent producer)' : 'no producer id (kafka-python 2.0 is not idempotent)');

      const started = Date.now();
      const consumed = await readTopic(ctx!, reader, topic);
      t.diagnostic(`${reader} read ${consumed.length} records in ${Date.now() - started} ms`);
      assert.deepStrictEqual(compareConsumed(records, consumed, window), [], `what ${reader} read`);
      // Where the client stamped the records, the reader must see the stored stamps.
      const storedTs = new Map(stored.map((r) => [`${r.partition}/${r.offset}`, r.timestamp]));
      const tsMismatch = consumed.filter((r) => storedTs.get(`${r.partition}/${r.offset}`) !== r.timestamp).slice(0, 5);
      assert.deepStrictEqual(tsMismatch, [], 'timestamps as stored');
    });

    options.more?.(() => ctx!);
  });
}

function assertTopicDescribed(md: ClientMetadata, topic: string, partitions: number, nodeId: number): void {
  const t = md.topics[topic];
  assert.ok(t !== undefined, `topic ${topic} listed (topics: ${Object.keys(md.topics).join(', ')})`);
  assert.deepStrictEqual(t.partitions, Array.from({ length: partitions }, (_, id) => ({ id, leader: nodeId, replicas: [nodeId], isrs: [nodeId] })));
}
