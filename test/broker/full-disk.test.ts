/**
 * A full disk, for real: the broker (its own process, kafka-server-start) keeps its log dir on a
 * small tmpfs, a producer fills it, and the last bytes are taken by a filler file. The broker
 * must keep serving with Kafka's error codes (KAFKA_STORAGE_ERROR, COORDINATOR_NOT_AVAILABLE), make
 * no half change (a topic in memory but not on disk), stop cleanly, and lose none of the records it
 * acknowledged once it starts again with room.
 *
 * Mounting a tmpfs needs root: elsewhere the suite is skipped with a message, except under CI=true.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, statfsSync, truncateSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Kafka } from '../../src/client/kafka.js';
import { ErrorCode } from '../../src/protocol/generated/error-codes.js';
import { ApiKey } from '../../src/protocol/generated/api-table.js';
import { BrokerProcess, freePort } from '../../src/testkit/broker-process.js';
import { KafkaTestClient } from '../../src/testkit/kafka-test-client.js';
import { dumpTopic } from '../../src/testkit/topic-dump.js';

const TOPIC = 'filling';
const RECORDS_PER_SEND = 50;
const VALUE_BYTES = 1000;

function mount(dir: string, size: string, remount = false): void {
  execFileSync('mount', remount ? ['-o', `remount,size=${size}`, dir] : ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
}

function unmount(dir: string): void {
  try {
    execFileSync('umount', [dir], { stdio: 'pipe' });
  } catch {
    // Not mounted (the mount failed, or a test already unmounted it).
  }
}

/** Whether this process can mount a tmpfs (root, with the capability): false, or why not. */
function cannotMount(): string | false {
  if (process.env.CI === 'true') return false; // CI runs as root: a failure there is a failure
  if (process.getuid?.() !== 0) return 'skipped: mounting a tmpfs for a real full disk needs root';
  const probe = mkdtempSync(join(tmpdir(), 'samsa-mount-probe-'));
  try {
    mount(probe, '64k');
    unmount(probe);
    return false;
  } catch (err) {
    return `skipped: cannot mount a tmpfs here (${(err as Error).message.split('\n')[0]})`;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

function valueOf(send: number, i: number): string {
  return `${send}-${i}-`.padEnd(VALUE_BYTES, String.fromCharCode(97 + ((send + i) % 26)));
}

const PAGE = 4096;

/** Temporary files of atomic writes left in the log dir: a failed write must remove its own. */
function leftoverTemporaryFiles(dataDir: string): string[] {
  return readdirSync(dataDir).filter((f) => f.endsWith('.tmp'));
}

/**
 * Fills what is left of the tmpfs under `dir` with one file of whole pages (tmpfs hands out
 * space by the page), leaving `pagesFree` pages; returns its path.
 */
function fillUp(dir: string, pagesFree = 0): string {
  const path = join(dir, 'filler');
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(PAGE, 0x5a);
  let size = 0;
  try {
    for (;;) size += writeSync(fd, chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    closeSync(fd);
  }
  assert.equal(statfsSync(dir).bavail, 0, 'the file system is full');
  if (pagesFree > 0) truncateSync(path, size - pagesFree * PAGE);
  return path;
}

describe('a full disk', { skip: cannotMount(), timeout: 180_000 }, () => {
  let root: string;
  let mnt: string;
  let port: number;
  let broker: BrokerProcess | undefined;

  const start = async (): Promise<BrokerProcess> => {
    broker = await BrokerProcess.start({ port, logDir: join(mnt, 'data'), overrides: { 'num.partitions': '1', 'offsets.topic.num.partitions': '3' } });
    return broker;
  };

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'samsa-full-disk-'));
    mnt = join(root, 'mnt');
    mkdirSync(mnt);
    mount(mnt, '2m');
    port = await freePort();
    await start();
  });

  after(async () => {
    broker?.kill('SIGKILL');
    await broker?.waitForExit(10_000).catch(() => undefined);
    unmount(mnt);
    rmSync(root, { recursive: true, force: true });
  });

  it('answers with Kafka error codes, changes nothing by halves, stops cleanly and keeps every acknowledged record', async () => {
    const kafka = new Kafka({ brokers: [`127.0.0.1:${port}`], clientId: 'full-disk' });
    // Not idempotent: no block of producer ids is taken before the disk fills (InitProducerId below).
    const producer = kafka.producer({ allowAutoTopicCreation: true, idempotent: false, deliveryTimeoutMs: 2000, retryBackoffMs: 50 });
    await producer.connect();
    const acked: { key: string; value: string; offset: number }[] = [];
    let failure: Error | undefined;
    try {
      for (let send = 0; send < 200 && failure === undefined; send++) {
        const messages = Array.from({ length: RECORDS_PER_SEND }, (_, i) => ({ key: `k${send}-${i}`, value: valueOf(send, i) }));
        try {
          const [meta] = await producer.send({ topic: TOPIC, acks: -1, messages });
          const base = Number(meta!.baseOffset);
          messages.forEach((m, i) => acked.push({ key: m.key, value: m.value, offset: base + i }));
        } catch (err) {
          failure = err as Error;
        }
      }
    } finally {
      await producer.disconnect();
    }
    assert.ok(failure !== undefined, 'a 2 MiB disk fills within 200 sends of 50 KB');
    assert.match(failure.message, /KAFKA_STORAGE_ERROR/);
    assert.ok(acked.length >= 10 * RECORDS_PER_SEND, `records were acknowledged before the disk filled (${acked.length})`);
    // The log's own files and the broker's small files: what the append left, a filler takes.
    const filler = fillUp(mnt);

    const client = await KafkaTestClient.connect('127.0.0.1', port, 'full-disk');
    try {
      // A topic that cannot be stored is refused, and not half made.
      const created = await client.send(ApiKey.CreateTopics, 7, { topics: [{ name: 'late', numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
      assert.equal(created.topics[0]!.errorCode, ErrorCode.KAFKA_STORAGE_ERROR, created.topics[0]!.errorMessage ?? '');
      const listed = await client.send(ApiKey.Metadata, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
      assert.deepEqual(listed.topics.map((t) => t.name).sort(), [TOPIC]);
      assert.deepEqual(leftoverTemporaryFiles(join(mnt, 'data')), []);
      // The offsets topic cannot be created: no coordinator yet, a retriable answer.
      const found = await client.send(ApiKey.FindCoordinator, 4, { keyType: 0, coordinatorKeys: ['g1'] });
      assert.equal(found.coordinators![0]!.errorCode, ErrorCode.COORDINATOR_NOT_AVAILABLE);
      // A block of producer ids cannot be stored.
      const init = await client.send(ApiKey.InitProducerId, 4, { transactionalId: null, transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 });
      assert.equal(init.errorCode, ErrorCode.KAFKA_STORAGE_ERROR);
      // Nor a topic config change; the topic keeps its configs.
      const altered = await client.send(ApiKey.IncrementalAlterConfigs, 1, {
        resources: [{ resourceType: 2, resourceName: TOPIC, configs: [{ name: 'retention.ms', configOperation: 0, value: '1000' }] }],
        validateOnly: false,
      });
      assert.equal(altered.responses[0]!.errorCode, ErrorCode.KAFKA_STORAGE_ERROR);
      const described = await client.send(ApiKey.DescribeConfigs, 4, { resources: [{ resourceType: 2, resourceName: TOPIC, configurationKeys: ['retention.ms'] }], includeSynonyms: false, includeDocumentation: false });
      assert.notEqual(described.results[0]!.configs[0]!.value, '1000');

      // Still serving: everything acknowledged reads back.
      const during = await dumpTopic('127.0.0.1', port, TOPIC);
      assert.deepEqual(during.records.map((r) => [r.offset, r.key, r.value]), acked.map((r) => [r.offset, r.key, r.value]));

      // Room again: what was refused works now, without a restart (a new topic is made whole,
      // producer ids are handed out). The filled log stays offline until a restart, as Kafka's
      // failed log dirs do.
      rmSync(filler);
      const later = await client.send(ApiKey.CreateTopics, 7, { topics: [{ name: 'late', numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
      assert.equal(later.topics[0]!.errorCode, ErrorCode.NONE, later.topics[0]!.errorMessage ?? '');
      const initLater = await client.send(ApiKey.InitProducerId, 4, { transactionalId: null, transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 });
      assert.equal(initLater.errorCode, ErrorCode.NONE);
    } finally {
      client.close();
    }

    // Room for the metadata (one page) but not for the partitions' files: the topic is made, and a
    // partition whose log could not be created answers KAFKA_STORAGE_ERROR, not a stale-metadata error.
    const refilled = fillUp(mnt, 1);
    const halfClient = await KafkaTestClient.connect('127.0.0.1', port, 'full-disk');
    try {
      const half = await halfClient.send(ApiKey.CreateTopics, 7, { topics: [{ name: 'half', numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
      assert.equal(half.topics[0]!.errorCode, ErrorCode.NONE, half.topics[0]!.errorMessage ?? '');
    } finally {
      halfClient.close();
    }
    const halfProducer = kafka.producer({ idempotent: false, deliveryTimeoutMs: 1000, retryBackoffMs: 50 });
    await halfProducer.connect();
    try {
      await assert.rejects(halfProducer.send({ topic: 'half', acks: -1, messages: [{ value: 'x', partition: 1 }] }), /KAFKA_STORAGE_ERROR.*could not be created/);
      // No half-made directory is left for the next start to load.
      assert.equal(existsSync(join(mnt, 'data', 'half-1')), false);
    } finally {
      await halfProducer.disconnect();
    }

    // SIGTERM with the disk full: the logs are still closed and the process ends cleanly.
    broker!.kill('SIGTERM');
    const exit = await broker!.waitForExit(20_000);
    assert.deepEqual(exit, { code: 0, signal: null }, broker!.log.slice(-3000));
    assert.match(broker!.log, /"msg":"log manager closed"/);
    assert.deepEqual(leftoverTemporaryFiles(join(mnt, 'data')), [], 'the checkpoints that failed at shutdown left no temporary file');

    rmSync(refilled);
    mount(mnt, '32m', true);
    await start();
    const after = await dumpTopic('127.0.0.1', port, TOPIC);
    assert.deepEqual(after.records.map((r) => [r.offset, r.key, r.value]), acked.map((r) => [r.offset, r.key, r.value]), 'every acknowledged record, once, in order');

    // The log takes appends again, right after the acknowledged ones; the topic made once there
    // was room is there.
    const again = kafka.producer({ deliveryTimeoutMs: 10_000 });
    await again.connect();
    try {
      const [meta] = await again.send({ topic: TOPIC, acks: -1, messages: [{ key: 'after', value: 'restart' }] });
      assert.equal(Number(meta!.baseOffset), acked.length);
      const [late] = await again.send({ topic: 'late', acks: -1, messages: [{ key: 'a', value: 'b', partition: 1 }] });
      assert.equal(late!.errorCode, 0);
      // The partition whose log could not be created is made at the start.
      const [half] = await again.send({ topic: 'half', acks: -1, messages: [{ key: 'a', value: 'b', partition: 1 }] });
      assert.equal(half!.errorCode, 0);
    } finally {
      await again.disconnect();
    }
  });
});
