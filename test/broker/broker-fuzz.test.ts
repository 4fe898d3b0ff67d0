import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, it } from 'node:test';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { FrameReader } from '../../src/net/frame-reader.js';
import { startBroker } from '../../src/broker/broker.js';
import type { Broker } from '../../src/broker/broker.js';
import { API_DEFINITIONS, ApiKey } from '../../src/protocol/generated/api-table.js';
import { ErrorCode } from '../../src/protocol/generated/error-codes.js';
import { buildRecordBatch, decodeRecordBatches } from '../../src/protocol/records/index.js';
import { encodeRequest } from '../../src/protocol/request-frame.js';
import type { ApiKeyNumber } from '../../src/protocol/request-frame.js';
import { KafkaTestClient } from '../../src/testkit/kafka-test-client.js';
import { randomStruct, schemaByName, seededRng } from '../support/random-message.js';
import type { Rng } from '../support/random-message.js';

/** APIs whose random (but valid) requests would change cluster state: fuzzed only through mutations. */
const STATEFUL = new Set<number>([ApiKey.CreateTopics, ApiKey.DeleteTopics, ApiKey.CreatePartitions, ApiKey.DeleteRecords, ApiKey.AlterConfigs, ApiKey.IncrementalAlterConfigs]);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const capturesDir = join(root, 'test', 'fixtures', 'captures');

function seedFrames(rng: Rng): Buffer[] {
  const frames: Buffer[] = [];
  if (existsSync(capturesDir)) {
    for (const f of readdirSync(capturesDir).filter((x) => x.endsWith('.bin')).sort()) frames.push(readFileSync(join(capturesDir, f)));
  }
  for (const def of API_DEFINITIONS) {
    if (STATEFUL.has(def.apiKey)) continue;
    const schema = schemaByName(def.request.name);
    for (let version = def.minVersion; version <= def.maxVersion; version++) {
      const body = randomStruct(schema, schema.name, version, rng);
      frames.push(encodeRequest({ apiKey: def.apiKey as ApiKeyNumber, apiVersion: version, correlationId: 1, clientId: 'fuzz', body: body as never }).subarray(4));
    }
  }
  return frames;
}

function mutate(frame: Buffer, rng: Rng): Buffer {
  const out = Buffer.from(frame);
  const n = 1 + Math.floor(rng() * 4);
  for (let i = 0; i < n && out.length > 0; i++) {
    const at = Math.floor(rng() * out.length);
    out[at] = rng() < 0.5 ? Math.floor(rng() * 256) : [0, 0x7f, 0x80, 0xff][Math.floor(rng() * 4)]!;
  }
  return rng() < 0.2 ? out.subarray(0, Math.floor(rng() * out.length)) : out;
}

function sizePrefixed(frame: Buffer, rng: Rng): Buffer {
  const prefix = Buffer.alloc(4);
  // Mostly honest sizes; sometimes lies (too short, too long, negative, absurd).
  const r = rng();
  prefix.writeInt32BE(r < 0.9 ? frame.length : [frame.length + 5, -1, 0x7fffffff, Math.max(0, frame.length - 3)][Math.floor(rng() * 4)]!, 0);
  return Buffer.concat([prefix, frame]);
}

/** A raw connection that writes a frame plus a probe and waits for the probe's answer or the close. */
class FuzzConnection {
  private readonly reader = new FrameReader({ maxFrameBytes: 0x7fffffff });
  private waiter: ((outcome: 'answered' | 'closed') => void) | null = null;
  private probeId = -1;
  private closed = false;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.reader.push(chunk);
      for (;;) {
        const r = this.reader.next();
        if (r.kind !== 'frame') break;
        if (r.frame.length >= 4 && r.frame.readInt32BE(0) === this.probeId) this.settle('answered');
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.closed = true;
      this.settle('closed');
    });
  }

  static open(port: number): Promise<FuzzConnection> {
    return new Promise((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port });
      s.once('connect', () => resolve(new FuzzConnection(s)));
      s.once('error', reject);
    });
  }

  private settle(outcome: 'answered' | 'closed'): void {
    const w = this.waiter;
    this.waiter = null;
    w?.(outcome);
  }

  sendAndProbe(frame: Buffer, probe: Buffer, probeId: number, timeoutMs: number): Promise<'answered' | 'closed' | 'timeout'> {
    if (this.closed) return Promise.resolve('closed');
    this.probeId = probeId;
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.waiter = null;
        resolve('timeout');
      }, timeoutMs);
      this.waiter = (o) => {
        clearTimeout(t);
        resolve(o);
      };
      this.socket.write(frame);
      this.socket.write(probe);
    });
  }

  destroy(): void {
    this.socket.destroy();
  }
}

let dir: string;
let broker: Broker;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'samsa-fuzz-'));
  broker = await startBroker({ port: 0, host: '127.0.0.1', logDirs: [dir], properties: { 'auto.create.topics.enable': 'false', 'connections.max.idle.ms': '10000' } });
});

after(async () => {
  await broker?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('random and mutated frames never crash the broker, disturb other clients or damage stored data', { timeout: 120_000 }, async () => {
  const good = await KafkaTestClient.connect('127.0.0.1', broker.port);
  const created = await good.send(ApiKey.CreateTopics, 7, { topics: [{ name: 'kept', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
  assert.equal(created.topics[0]!.errorCode, ErrorCode.NONE);
  const records = buildRecordBatch([{ key: Buffer.from('k'), value: Buffer.from('precious') }], {});
  const produced = await good.send(ApiKey.Produce, 9, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: 'kept', partitionData: [{ index: 0, records }] }] });
  assert.equal(produced.responses[0]!.partitionResponses[0]!.errorCode, ErrorCode.NONE);

  const rng = seededRng(4242);
  const seeds = seedFrames(rng);
  const PROBE_ID = 0x7eadbeef;
  const probe = encodeRequest({ apiKey: ApiKey.ApiVersions, apiVersion: 0, correlationId: PROBE_ID, clientId: 'probe', body: {} });
  let sent = 0;
  let closedByBroker = 0;
  let answered = 0;
  let busy = 0;
  let conn = await FuzzConnection.open(broker.port);
  let goodUsedAt = Date.now();
  for (let i = 0; i < 3000; i++) {
    const seed = seeds[Math.floor(rng() * seeds.length)]!;
    // Each fuzz frame is followed by a valid probe: its answer shows the connection survived the frame.
    const outcome = await conn.sendAndProbe(sizePrefixed(rng() < 0.15 ? seed : mutate(seed, rng), rng), probe, PROBE_ID, 3000);
    sent++;
    if (outcome === 'answered') answered++;
    else {
      if (outcome === 'closed') closedByBroker++;
      else busy++; // e.g. a Fetch long-polling for its max wait: give up on that connection
      conn.destroy();
      conn = await FuzzConnection.open(broker.port);
    }
    // The well-behaved client checks in every 250 frames, and at least every second so that a slow
    // stretch (a machine under load, probes waiting out their timeout) never lets it idle out.
    if (i % 250 === 0 || Date.now() - goodUsedAt > 1000) {
      const meta = await good.send(ApiKey.Metadata, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
      assert.ok(meta.topics.some((t) => t.name === 'kept'), `after ${i} frames: topic list lost 'kept'`);
      goodUsedAt = Date.now();
    }
  }
  conn.destroy();
  const fetched = await good.send(ApiKey.Fetch, 12, {
    replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
    topics: [{ topic: 'kept', partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }],
    forgottenTopicsData: [], rackId: '',
  });
  const values = decodeRecordBatches(fetched.responses[0]!.partitions[0]!.records!).flatMap((b) => b.records).map((r) => Buffer.from(r.value!).toString());
  assert.equal(values[0], 'precious', 'the stored record is intact');
  assert.equal(sent, 3000);
  assert.ok(closedByBroker > 100, `bad frames closed only ${closedByBroker} connections`);
  assert.ok(answered > 100, `only ${answered} connections survived their frame`);
  assert.ok(busy < 300, `${busy} connections stopped answering`);
  good.close();
});
