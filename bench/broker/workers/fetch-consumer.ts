/**
 * A Node fetch loop: Fetch v12 requests for one partition, one at a time, from `fromOffset`
 * until `untilOffset`, each asking for up to `partitionMaxBytes`; the next offset comes from the
 * last complete batch of each response (batch headers only, records are not decoded).
 * Result: records and bytes received, and the time from the first request to the last response.
 */
import { emit, nowMs, runWorker, workerParams } from '../worker-io.js';
import { decodeFetch, fetchFrame, PipelinedConnection, walkBatches } from '../wire.js';

interface Params {
  port: number;
  topic: string;
  partition: number;
  fromOffset: number;
  untilOffset: number;
  partitionMaxBytes: number;
}

runWorker(async () => {
  const p = workerParams<Params>();
  const conn = await PipelinedConnection.open('127.0.0.1', p.port);
  const start = nowMs();
  let offset = BigInt(p.fromOffset);
  const until = BigInt(p.untilOffset);
  let records = 0;
  let bytes = 0;
  let requests = 0;
  while (offset < until) {
    const { frame } = await conn.send(fetchFrame(p.topic, p.partition, offset, { maxWaitMs: 500, minBytes: 1, maxBytes: p.partitionMaxBytes, partitionMaxBytes: p.partitionMaxBytes }));
    requests++;
    const fetched = decodeFetch(frame);
    if (fetched.errorCode !== 0) throw new Error(`fetch at offset ${offset} failed with error code ${fetched.errorCode}`);
    const walk = walkBatches(fetched.records);
    if (walk.nextOffset < 0n) throw new Error(`fetch at offset ${offset} returned no complete batch (${fetched.records.length} bytes)`);
    records += walk.records;
    bytes += walk.bytes;
    offset = walk.nextOffset;
  }
  const ms = nowMs() - start;
  conn.close();
  emit({ type: 'result', records, bytes, requests, ms });
});
