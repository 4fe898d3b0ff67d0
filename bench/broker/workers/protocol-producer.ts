/**
 * The "protocol-level Node producer": Samsa has no client library yet, so this sends pre-built
 * Produce v9 requests (one uncompressed batch of `recordsPerBatch` records with `valueBytes`-byte
 * values each, no key) over one connection, keeping up to `maxInFlight` requests pipelined, and
 * checks every response's error code. Eight distinct requests are built up front and cycled,
 * so the measured loop does no encoding: it shows what the broker can take, not client costs.
 * Result: records acknowledged and the time from the first send to the last response.
 */
import { emit, nowMs, runWorker, workerParams } from '../worker-io.js';
import { buildValueBatch, PipelinedConnection, produceError, produceFrame } from '../wire.js';

interface Params {
  port: number;
  topic: string;
  partition: number;
  records: number;
  recordsPerBatch: number;
  valueBytes: number;
  maxInFlight: number;
  acks: number;
}

runWorker(async () => {
  const p = workerParams<Params>();
  const frames: Buffer[] = [];
  for (let i = 0; i < 8; i++) frames.push(produceFrame(p.topic, p.partition, p.acks, buildValueBatch(p.recordsPerBatch, p.valueBytes, i + 1)));
  const requests = Math.ceil(p.records / p.recordsPerBatch);
  const conn = await PipelinedConnection.open('127.0.0.1', p.port);
  const start = nowMs();
  let sent = 0;
  let acked = 0;
  let wireBytes = 0;
  await new Promise<void>((resolve, reject) => {
    const pump = (): void => {
      while (sent < requests && conn.inFlight < p.maxInFlight) {
        const frame = frames[sent % frames.length]!;
        sent++;
        wireBytes += frame.length;
        conn.send(frame).then(({ frame: response }) => {
          const { errorCode } = produceError(response);
          if (errorCode !== 0) {
            reject(new Error(`produce failed with error code ${errorCode}`));
            return;
          }
          acked++;
          if (acked === requests) resolve();
          else pump();
        }, reject);
      }
    };
    pump();
  });
  const ms = nowMs() - start;
  conn.close();
  const records = requests * p.recordsPerBatch;
  emit({ type: 'result', records, valueBytes: records * p.valueBytes, wireBytes, ms });
});
