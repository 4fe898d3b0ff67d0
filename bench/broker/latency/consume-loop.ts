/**
 * End-to-end latency, consuming side, as a loop over one connection: long-polls Fetch (max wait
 * 500 ms, min bytes 1) from offset 0 of a fresh topic, one request at a time, until `expected`
 * records have arrived. For each record, latency = the monotonic time at which the response
 * carrying it was fully read minus the send time stamped in its key (an int64 of ns). The first
 * `warmupRecords` are left out. Run by workers/latency-consumer.ts (a process of its own) and
 * workers/latency-client.ts (next to the producing loop in one process).
 *
 * The loop allocates as little as it can per record and per fetch (the response is read in place
 * in the connection's read buffer, keys by a record walk, the request frame is reused with its
 * offset rewritten, latencies go to a preallocated array, no promise per fetch): its own garbage
 * collection pauses would otherwise be counted as the broker's latency.
 */
import { scanRecordKeys } from '../../../src/broker/storage/scan-record-keys.js';
import { RECORD_BATCH_OVERHEAD } from '../../../src/protocol/records/index.js';
import { percentile } from '../stats.js';
import type { FetchedInPlace } from '../wire.js';
import { readFetchInPlace, ReusableFetchFrame } from '../wire.js';
import type { LatencyConnection } from './latency-connection.js';
import { LoopEnd } from './loop-end.js';

export interface ConsumeLoopParams {
  topic: string;
  expected: number;
  warmupRecords: number;
  timeoutMs: number;
}

export interface ConsumeLoopResult {
  received: number;
  measured: number;
  fetches: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
  /** Runs of consecutive records above 2 ms. */
  stallsOver2ms: number;
  /** The worst of those runs, as `<s since the first record>s:<worst ms>ms/<records>rec`. */
  worstStalls: string[];
}

/** Reads a big-endian int64 as a number of ns (exact below 2^53 ns, about 104 days of uptime). */
function readStampNs(buf: Uint8Array, pos: number): number {
  const hi = ((buf[pos]! << 24) | (buf[pos + 1]! << 16) | (buf[pos + 2]! << 8) | buf[pos + 3]!) >>> 0;
  const lo = ((buf[pos + 4]! << 24) | (buf[pos + 5]! << 16) | (buf[pos + 6]! << 8) | buf[pos + 7]!) >>> 0;
  return hi * 2 ** 32 + lo;
}

/** Runs until `expected` records arrived or `timeoutMs` passed; `onFirstFetchSent` runs once the first Fetch is on the wire. */
export async function runConsumeLoop(conn: LatencyConnection, p: ConsumeLoopParams, onFirstFetchSent: () => void): Promise<ConsumeLoopResult> {
  const latencies = new Float64Array(Math.max(0, p.expected - p.warmupRecords));
  let measured = 0;
  // Stalls: runs of consecutive records above STALL_MS, as [seconds since the first record, worst latency ms, records].
  const STALL_MS = 2;
  const stalls: [number, number, number][] = [];
  let firstStampNs = -1;
  let inStall = false;
  let offset = 0;
  let received = 0;
  let fetches = 0;
  let receivedAtNs = 0;
  const visit = (_delta: number, data: Uint8Array, keyStart: number, keyLength: number): void => {
    if (keyLength !== 8) throw new Error(`record ${received} has a ${keyLength}-byte key, not an 8-byte stamp`);
    const stamp = readStampNs(data, keyStart);
    const latency = (receivedAtNs - stamp) / 1e6;
    if (firstStampNs < 0) firstStampNs = stamp;
    if (received >= p.warmupRecords && measured < latencies.length) {
      latencies[measured++] = latency;
      if (latency > STALL_MS) {
        if (!inStall) stalls.push([(stamp - firstStampNs) / 1e9, latency, 0]);
        const last = stalls[stalls.length - 1]!;
        last[1] = Math.max(last[1], latency);
        last[2]++;
      }
      inStall = latency > STALL_MS;
    }
    received++;
  };
  const request = new ReusableFetchFrame(p.topic, 0, { maxWaitMs: 500, minBytes: 1, maxBytes: 8 << 20, partitionMaxBytes: 8 << 20 });
  const fetched: FetchedInPlace = { errorCode: 0, recordsStart: 0, recordsEnd: 0 };
  // One Fetch at a time: each response is walked where it was read, then the next Fetch goes out.
  const loop = new LoopEnd();
  const { end } = loop;
  loop.timer = setTimeout(() => end(), p.timeoutMs);
  conn.onFailure = end;
  conn.onFrame = (buf, start, _end, atNs) => {
    if (loop.over) return;
    try {
      receivedAtNs = Number(atNs);
      fetches++;
      readFetchInPlace(buf, start, fetched);
      if (fetched.errorCode !== 0) throw new Error(`fetch failed with error code ${fetched.errorCode}`);
      // Whole batches (a trailing partial one is left for the next fetch, as clients do).
      let pos = fetched.recordsStart;
      const recordsEnd = fetched.recordsEnd;
      while (recordsEnd - pos >= RECORD_BATCH_OVERHEAD) {
        const size = buf.readInt32BE(pos + 8) + 12;
        if (size > recordsEnd - pos) break;
        scanRecordKeys(buf, pos, visit);
        offset = buf.readUInt32BE(pos) * 0x100000000 + buf.readUInt32BE(pos + 4) + buf.readInt32BE(pos + 23) + 1;
        pos += size;
      }
      if (received >= p.expected) end();
      else conn.send(request.setOffset(offset));
    } catch (err) {
      end(err as Error);
    }
  };
  conn.send(request.setOffset(offset));
  onFirstFetchSent();
  await loop.done;
  const sorted = latencies.subarray(0, measured).sort();
  return {
    received,
    measured,
    fetches,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    p999: percentile(sorted, 0.999),
    max: measured === 0 ? Number.NaN : sorted[measured - 1]!,
    stallsOver2ms: stalls.length,
    worstStalls: stalls.sort((a, b) => b[1] - a[1]).slice(0, 8).map(([at, worst, n]) => `${at.toFixed(2)}s:${worst.toFixed(1)}ms/${n}rec`),
  };
}
