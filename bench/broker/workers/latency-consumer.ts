/**
 * End-to-end latency, consuming side: long-polls Fetch (max wait 500 ms, min bytes 1) from
 * offset 0 of a fresh topic, one request at a time, until `expected` records have arrived.
 * For each record, latency = the monotonic time at which the response carrying it was fully
 * read minus the send time stamped in its first 8 bytes. The first `warmupRecords` are left out.
 * Sends `{"type":"ready"}` once its first fetch is on the wire, so the producer starts after it.
 */
import { decodeRecords, iterateBatches } from '../../../src/protocol/records/index.js';
import { percentile } from '../stats.js';
import { runQueueWait, schedStat } from '../processes.js';
import { emit, runWorker, workerParams } from '../worker-io.js';
import { decodeFetch, fetchFrame, PipelinedConnection } from '../wire.js';

interface Params {
  port: number;
  topic: string;
  expected: number;
  warmupRecords: number;
  timeoutMs: number;
}

runWorker(async () => {
  const p = workerParams<Params>();
  const conn = await PipelinedConnection.open('127.0.0.1', p.port);
  const sched0 = schedStat('self');
  const wall0 = performance.now();
  const latencies: number[] = [];
  // Stalls: runs of consecutive records above STALL_MS, as [seconds since the first record, worst latency ms, records].
  const STALL_MS = 2;
  const stalls: [number, number, number][] = [];
  let firstStamp = -1n;
  let inStall = false;
  let offset = 0n;
  let received = 0;
  let fetches = 0;
  const deadline = Date.now() + p.timeoutMs;
  let first = true;
  while (received < p.expected && Date.now() < deadline) {
    const pending = conn.send(fetchFrame(p.topic, 0, offset, { maxWaitMs: 500, minBytes: 1, maxBytes: 8 << 20, partitionMaxBytes: 8 << 20 }));
    if (first) {
      emit({ type: 'ready' });
      first = false;
    }
    const { frame, receivedAtNs } = await pending;
    fetches++;
    const fetched = decodeFetch(frame);
    if (fetched.errorCode !== 0) throw new Error(`fetch failed with error code ${fetched.errorCode}`);
    for (const batch of iterateBatches(fetched.records, { trailingPartial: 'ignore', verifyCrc: false })) {
      const h = batch.header;
      const records = decodeRecords(batch.bytes, 61, batch.bytes.length, h.recordsCount, { baseOffset: h.baseOffset, baseTimestamp: h.baseTimestamp, logAppendTime: null });
      for (const r of records) {
        const v = r.value!;
        const stamp = new DataView(v.buffer, v.byteOffset, v.byteLength).getBigInt64(0);
        const latency = Number(receivedAtNs - stamp) / 1e6;
        if (firstStamp < 0n) firstStamp = stamp;
        if (received >= p.warmupRecords) {
          latencies.push(latency);
          if (latency > STALL_MS) {
            if (!inStall) stalls.push([Number(stamp - firstStamp) / 1e9, latency, 0]);
            const last = stalls[stalls.length - 1]!;
            last[1] = Math.max(last[1], latency);
            last[2]++;
          }
          inStall = latency > STALL_MS;
        }
        received++;
      }
      offset = h.baseOffset + BigInt(h.lastOffsetDelta) + 1n;
    }
  }
  conn.close();
  latencies.sort((a, b) => a - b);
  emit({
    type: 'result',
    ...runQueueWait(sched0, schedStat('self'), performance.now() - wall0),
    received,
    measured: latencies.length,
    fetches,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    p999: percentile(latencies, 0.999),
    max: latencies[latencies.length - 1] ?? Number.NaN,
    stallsOver2ms: stalls.length,
    worstStalls: stalls.sort((a, b) => b[1] - a[1]).slice(0, 8).map(([at, worst, n]) => `${at.toFixed(2)}s:${worst.toFixed(1)}ms/${n}rec`),
  });
});
