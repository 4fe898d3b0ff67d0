/**
 * End-to-end latency, consuming side, in a process of its own (see latency/consume-loop.ts):
 * parameters as JSON in argv[2]; `{"type":"ready"}` once its first fetch is on the wire (so the
 * producer starts after it), then the result and this process's run-queue wait as JSON lines.
 */
import type { ConsumeLoopParams } from '../latency/consume-loop.js';
import { runConsumeLoop } from '../latency/consume-loop.js';
import { runQueueWait, schedStat } from '../processes.js';
import { emit, runWorker, workerParams } from '../worker-io.js';
import { LatencyConnection } from '../latency/latency-connection.js';

runWorker(async () => {
  const p = workerParams<ConsumeLoopParams & { port: number }>();
  const conn = await LatencyConnection.open('127.0.0.1', p.port);
  const sched0 = schedStat('self');
  const wall0 = performance.now();
  const r = await runConsumeLoop(conn, p, () => emit({ type: 'ready' }));
  conn.close();
  emit({ type: 'result', ...runQueueWait(sched0, schedStat('self'), performance.now() - wall0), ...r });
});
