/**
 * End-to-end latency, producing side, as a loop over one connection: produces `rate` records per
 * second for `durationMs`, with acks=1 (or `acks`). Every ~1 ms tick, the records that are due go
 * out as one batch (what a producer with linger.ms of about 1 does); each record's key is the
 * monotonic time in ns at which its batch was built and sent (`process.hrtime.bigint()`, the same
 * clock in every process, as an int64), its value `valueBytes` bytes. At most `maxInFlight`
 * requests are outstanding; records not yet sendable wait and are stamped when they go out, so
 * producer-side queueing is not counted. Run by workers/latency-producer.ts (a process of its own)
 * and workers/latency-client.ts (next to the consuming loop in one process).
 */
import { buildRecordBatch } from '../../../src/protocol/records/index.js';
import type { PipelinedConnection } from '../wire.js';
import { produceErrorCodeInPlace, produceFrame } from '../wire.js';

export interface ProduceLoopParams {
  topic: string;
  rate: number;
  durationMs: number;
  valueBytes: number;
  maxInFlight: number;
  /** Default 1; the cluster bench uses -1 (all). */
  acks?: number;
}

export interface ProduceLoopResult {
  records: number;
  requests: number;
  maxBatch: number;
  ms: number;
}

/** Resolves once every record is acknowledged; rejects on a produce error or a connection failure. */
export async function runProduceLoop(conn: PipelinedConnection, p: ProduceLoopParams): Promise<ProduceLoopResult> {
  const total = Math.round((p.rate * p.durationMs) / 1000);
  const template = Buffer.alloc(p.valueBytes, 'x');
  const start = process.hrtime.bigint();
  let sent = 0;
  let acked = 0;
  let requests = 0;
  let maxBatch = 0;
  await new Promise<void>((resolve, reject) => {
    const tick = (): void => {
      const now = process.hrtime.bigint();
      const due = Math.min(total, Math.floor((Number(now - start) / 1e9) * p.rate));
      if (due > sent && conn.inFlight < p.maxInFlight) {
        // At most ~512 KiB per request (max.message.bytes is 1 MiB): a backlog after a stall goes
        // out over the next ticks rather than as one oversized batch.
        const n = Math.min(due - sent, Math.max(1, Math.floor((512 * 1024) / p.valueBytes)));
        const key = Buffer.allocUnsafe(8);
        const stamp = process.hrtime.bigint();
        key.writeBigInt64BE(stamp, 0);
        const records = [];
        for (let i = 0; i < n; i++) records.push({ key, value: template });
        const frame = produceFrame(p.topic, 0, p.acks ?? 1, buildRecordBatch(records, { timestamp: BigInt(Date.now()) }));
        sent += n;
        requests++;
        if (n > maxBatch) maxBatch = n;
        conn.send(frame).then(({ frame: response }) => {
          const errorCode = produceErrorCodeInPlace(response);
          if (errorCode !== 0) {
            reject(new Error(`produce failed with error code ${errorCode}`));
            return;
          }
          acked += n;
          if (acked === total) resolve();
        }, reject);
      }
      if (sent < total) setTimeout(tick, 1);
    };
    tick();
  });
  return { records: sent, requests, maxBatch, ms: Number(process.hrtime.bigint() - start) / 1e6 };
}
