/**
 * End-to-end latency, producing side, as a loop over one connection: produces `rate` records per
 * second for `durationMs`, with acks=1 (or `acks`). Every ~1 ms tick, the records that are due go
 * out as one batch (what a producer with linger.ms of about 1 does); each record's key is the
 * monotonic time in ns at which its batch was built and sent (`process.hrtime.bigint()`, the same
 * clock in every process, as an int64), its value `valueBytes` bytes. At most `maxInFlight`
 * requests are outstanding; records not yet sendable wait and are stamped when they go out, so
 * producer-side queueing is not counted. Run by workers/latency-producer.ts (a process of its own)
 * and workers/latency-client.ts (next to the consuming loop in one process).
 *
 * The loop allocates little per request: each request is written by a `ProduceRequestWriter`
 * into a buffer that is used again once its response has arrived (the broker has then read it
 * all), responses are read in place, one timer is re-armed for every tick, no promise per request.
 */
import { produceErrorCodeInPlace } from '../wire.js';
import type { LatencyConnection } from './latency-connection.js';
import { LoopEnd } from './loop-end.js';
import { ProduceRequestWriter } from './produce-request-writer.js';

export interface ProduceLoopParams {
  topic: string;
  rate: number;
  durationMs: number;
  valueBytes: number;
  maxInFlight: number;
  /** Default 1. */
  acks?: number;
}

export interface ProduceLoopResult {
  records: number;
  requests: number;
  maxBatch: number;
  ms: number;
}

/** Resolves once every record is acknowledged; rejects on a produce error or a connection failure. */
export async function runProduceLoop(conn: LatencyConnection, p: ProduceLoopParams): Promise<ProduceLoopResult> {
  const total = Math.round((p.rate * p.durationMs) / 1000);
  const writer = new ProduceRequestWriter(p.topic, 0, p.acks ?? 1, Buffer.alloc(p.valueBytes, 'x'));
  // At most ~512 KiB per request (max.message.bytes is 1 MiB): a backlog after a stall goes
  // out over the next ticks rather than as one oversized batch.
  const maxRecordsPerRequest = Math.max(1, Math.floor((512 * 1024) / p.valueBytes));
  // Request buffers: free ones, and those in flight (oldest first) with their record counts.
  const free: Buffer[] = [];
  const inFlight: Buffer[] = [];
  const inFlightRecords: number[] = [];
  // Monotonic ns as numbers (exact below 2^53 ns, about 104 days of uptime): no BigInt arithmetic per tick.
  const start = Number(process.hrtime.bigint());
  let sent = 0;
  let acked = 0;
  let requests = 0;
  let maxBatch = 0;
  const loop = new LoopEnd();
  const { end } = loop;
  conn.onFailure = end;
  conn.onFrame = (buf, frameStart) => {
    if (loop.over) return;
    const errorCode = produceErrorCodeInPlace(buf, frameStart);
    if (errorCode !== 0) {
      end(new Error(`produce failed with error code ${errorCode}`));
      return;
    }
    const done = inFlight.shift();
    if (done === undefined) {
      end(new Error('produce response without a request'));
      return;
    }
    free.push(done);
    acked += inFlightRecords.shift()!;
    if (acked === total) end();
  };
  const tick = (): void => {
    if (loop.over) return;
    const now = Number(process.hrtime.bigint());
    const due = Math.min(total, Math.floor(((now - start) / 1e9) * p.rate));
    if (due > sent && inFlight.length < p.maxInFlight) {
      const n = Math.min(due - sent, maxRecordsPerRequest);
      const bytes = writer.frameBytes(n);
      let out = free.pop();
      if (out === undefined || out.length < bytes) out = Buffer.allocUnsafe(Math.max(bytes, writer.frameBytes(maxRecordsPerRequest)));
      const stamp = Number(process.hrtime.bigint());
      const length = writer.write(out, n, stamp, Date.now());
      inFlight.push(out);
      inFlightRecords.push(n);
      sent += n;
      requests++;
      if (n > maxBatch) maxBatch = n;
      try {
        conn.send(out.subarray(0, length));
      } catch (err) {
        end(err as Error);
        return;
      }
    }
    if (sent < total) timer.refresh();
  };
  const timer = setTimeout(tick, 1);
  loop.timer = timer;
  tick();
  await loop.done;
  return { records: sent, requests, maxBatch, ms: (Number(process.hrtime.bigint()) - start) / 1e6 };
}
