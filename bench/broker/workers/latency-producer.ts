/**
 * End-to-end latency, producing side, in a process of its own (see latency/produce-loop.ts):
 * parameters as JSON in argv[2], the result and this process's run-queue wait as one JSON line.
 */
import type { ProduceLoopParams } from '../latency/produce-loop.js';
import { runProduceLoop } from '../latency/produce-loop.js';
import { runQueueWait, schedStat } from '../processes.js';
import { emit, runWorker, workerParams } from '../worker-io.js';
import { LatencyConnection } from '../latency/latency-connection.js';

runWorker(async () => {
  const p = workerParams<ProduceLoopParams & { port: number }>();
  const conn = await LatencyConnection.open('127.0.0.1', p.port);
  const sched0 = schedStat('self');
  const wall0 = performance.now();
  const r = await runProduceLoop(conn, p);
  conn.close();
  emit({ type: 'result', ...runQueueWait(sched0, schedStat('self'), performance.now() - wall0), ...r });
});
