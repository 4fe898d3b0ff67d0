/**
 * End-to-end latency with the producing and the consuming loop in one process, each on its own
 * connection (as Kafka's own end-to-end latency tool runs its producer and consumer in one JVM):
 * the broker and this process are then the only busy processes, one per core of a 2-core machine.
 * The consuming loop's first Fetch goes out before the first record. Parameters as JSON in argv[2]
 * (both loops' parameters and `port`); the result is the consuming loop's, with the producing
 * loop's under `produced`, and this process's run-queue wait.
 */
import type { ConsumeLoopParams } from '../latency/consume-loop.js';
import { runConsumeLoop } from '../latency/consume-loop.js';
import type { ProduceLoopParams } from '../latency/produce-loop.js';
import { runProduceLoop } from '../latency/produce-loop.js';
import { runQueueWait, schedStat } from '../processes.js';
import { emit, runWorker, workerParams } from '../worker-io.js';
import { LatencyConnection } from '../latency/latency-connection.js';

runWorker(async () => {
  const p = workerParams<{ port: number; consume: ConsumeLoopParams; produce: ProduceLoopParams }>();
  const fetchConn = await LatencyConnection.open('127.0.0.1', p.port);
  const produceConn = await LatencyConnection.open('127.0.0.1', p.port);
  const sched0 = schedStat('self');
  const wall0 = performance.now();
  let firstFetchSent!: () => void;
  // The producing loop starts once the first Fetch is on the wire; a failure of either loop ends the run.
  const produced = new Promise<void>((resolve) => (firstFetchSent = resolve)).then(() => runProduceLoop(produceConn, p.produce));
  const [c, pr] = await Promise.all([runConsumeLoop(fetchConn, p.consume, () => firstFetchSent()), produced]);
  fetchConn.close();
  produceConn.close();
  emit({ type: 'result', ...runQueueWait(sched0, schedStat('self'), performance.now() - wall0), ...c, produced: pr });
});
