/**
 * ReplicaManager's long-polling fetches on a single broker (real logs, LocalMetadataStore): woken
 * by appends, min.bytes counted across appends, max.wait.ms, the shutdown signal, and the list
 * of waiting fetches emptied whichever way a wait ends.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { systemClock, timerScheduler } from '../../../src/broker/clock.js';
import { LocalMetadataStore } from '../../../src/broker/metadata/local-metadata-store.js';
import { ReplicaManager } from '../../../src/broker/replication/replica-manager.js';
import type { FetchParams, FetchPartitionResult } from '../../../src/broker/replication/replica-manager.js';
import { DEFAULT_LOG_CONFIG } from '../../../src/broker/storage/log-config.js';
import { LogManager } from '../../../src/broker/storage/log-manager.js';
import { ReadBufferPool } from '../../../src/broker/storage/read-buffer-pool.js';
import { silentLogger } from '../../../src/logging/logger.js';
import { buildRecordBatch } from '../../../src/protocol/records/index.js';

function batch(values: string[]): Uint8Array {
  return buildRecordBatch(
    values.map((v) => ({ key: null, value: Buffer.from(v), headers: [], timestamp: BigInt(Date.now()) })),
    { producerId: -1n, producerEpoch: -1, baseSequence: -1 },
  );
}

describe('ReplicaManager long-polling fetches', () => {
  let dir: string;
  let logs: LogManager;
  let manager: ReplicaManager;
  const pool = new ReadBufferPool({ minPooledBytes: 1 });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'samsa-long-poll-'));
    const metadata = new LocalMetadataStore({ dir, nodeId: 0, clusterId: 'c', endpoints: [], logger: silentLogger() });
    assert.ok((await metadata.createTopic({ name: 't', numPartitions: 2, replicationFactor: 1, configs: {} })).ok);
    logs = LogManager.open({ logDirs: [join(dir, 'logs')], nodeId: 0, clusterId: 'c', defaultConfig: DEFAULT_LOG_CONFIG, clock: systemClock, scheduler: timerScheduler(), logger: silentLogger() });
    manager = new ReplicaManager(0, logs, metadata, () => DEFAULT_LOG_CONFIG, new Map(), silentLogger());
    manager.start();
  });

  after(() => {
    manager.close();
    logs.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function params(partition: number, fetchOffset: number, extra: Partial<FetchParams> = {}): FetchParams {
    return {
      partitions: [{ topic: 't', partition, fetchOffset, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1 }],
      maxWaitMs: 60_000,
      minBytes: 1,
      maxBytes: 1 << 20,
      isolation: 'highWatermark',
      buffers: pool.lease(),
      ...extra,
    };
  }

  /** Fetches, then gives the lease's buffers back (the results' lengths stay readable). */
  async function fetch(p: FetchParams): Promise<FetchPartitionResult[]> {
    try {
      return await manager.fetchNowOrLater(p);
    } finally {
      p.buffers!.release();
    }
  }

  it('answers at once with data, and leaves nothing waiting', () => {
    assert.ok(manager.appendRecords('t', 0, batch(['a'])).ok);
    const p = params(0, 0, { signal: new AbortController().signal });
    const results = manager.fetchNowOrLater(p);
    p.buffers!.release();
    assert.ok(Array.isArray(results), 'no promise when data is there');
    assert.ok((results[0]!.records?.length ?? 0) > 0);
    assert.equal(manager.waitingFetches, 0);
  });

  it('wakes waiting fetches with the next append, and forgets them', async () => {
    const signal = new AbortController().signal;
    const waiting = [fetch(params(0, 1, { signal })), fetch(params(0, 1, { signal }))];
    assert.equal(manager.waitingFetches, 2);
    assert.ok(manager.appendRecords('t', 0, batch(['b'])).ok);
    const answers = await Promise.all(waiting);
    for (const r of answers) assert.ok((r[0]!.records?.length ?? 0) > 0, 'the woken fetch reads the new batch');
    assert.equal(manager.waitingFetches, 0);
  });

  it('waits for min.bytes across appends to one partition while another stays idle', async () => {
    const signal = new AbortController().signal;
    const one = batch(['c']).length;
    const p = params(1, 0, { signal, minBytes: 2 * one + 1 });
    p.partitions.push({ topic: 't', partition: 0, fetchOffset: 2, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1 });
    const waiting = fetch(p);
    let settled = false;
    void waiting.then(() => (settled = true));
    assert.ok(manager.appendRecords('t', 1, batch(['c'])).ok);
    assert.ok(manager.appendRecords('t', 1, batch(['d'])).ok);
    await new Promise((r) => setImmediate(r));
    assert.equal(settled, false, 'two small batches are still short of min.bytes');
    assert.equal(manager.waitingFetches, 1);
    assert.ok(manager.appendRecords('t', 1, batch(['e'])).ok);
    const [r1, r0] = await waiting;
    assert.equal(r1!.records!.length, 3 * one, 'the three batches of partition 1');
    assert.equal(r0!.records?.length ?? 0, 0);
    assert.equal(manager.waitingFetches, 0);
  });

  it('ends at max.wait.ms with what there is, and forgets the wait', async () => {
    const r = await fetch(params(0, 2, { signal: new AbortController().signal, maxWaitMs: 20 }));
    assert.equal(r[0]!.error, null);
    assert.equal(r[0]!.records?.length ?? 0, 0);
    assert.equal(manager.waitingFetches, 0);
  });

  it('ends every wait of a shutdown signal when it aborts, not those of another signal', async () => {
    const shutdown = new AbortController();
    const other = new AbortController();
    const ending = [fetch(params(0, 2, { signal: shutdown.signal })), fetch(params(1, 3, { signal: shutdown.signal }))];
    const staying = fetch(params(0, 2, { signal: other.signal }));
    assert.equal(manager.waitingFetches, 3);
    shutdown.abort();
    for (const r of await Promise.all(ending)) assert.equal(r[0]!.records?.length ?? 0, 0);
    assert.equal(manager.waitingFetches, 1);
    other.abort();
    await staying;
    assert.equal(manager.waitingFetches, 0);
    // A fetch arriving with an aborted signal does not wait.
    assert.equal((await fetch(params(0, 2, { signal: shutdown.signal })))[0]!.records?.length ?? 0, 0);
    assert.equal(manager.waitingFetches, 0);
  });

  it('gives every pooled read buffer back once the leases are released', () => {
    assert.equal(pool.stats().lent, 0);
  });
});
