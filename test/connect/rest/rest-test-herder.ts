/**
 * The Herder the REST API tests talk to, from ONE factory: `createRestTestHerder`, a real
 * StandaloneHerder over a real Worker (FileStream connectors, an offsets file in `dir`, the
 * given broker). The tests speak HTTP only and assert what Kafka's REST API answers.
 *
 * The failure wrappers at the end (`notLeaderHerder`, `failingHerder`) are for situations a
 * standalone worker never meets (a rebalance, another leader, a crash); they answer every call
 * with an error, so no herder runs behind them.
 */
import { join } from 'node:path';
import { silentLogger } from '../../../src/logging/logger.js';
import { NotLeaderException, type Herder } from '../../../src/connect/runtime/herder.js';
import { MemoryStatusBackingStore } from '../../../src/connect/runtime/memory-status-store.js';
import { FileOffsetBackingStore } from '../../../src/connect/runtime/offset-store.js';
import { StandaloneHerder } from '../../../src/connect/runtime/standalone-herder.js';
import { Worker } from '../../../src/connect/runtime/worker.js';

export interface RestTestHerderOptions {
  /** bootstrap.servers of the broker the worker uses. */
  bootstrap: string;
  /** A directory for the worker's files (offsets). */
  dir: string;
  /** The worker id statuses show (host:port of its REST listener). */
  workerId?: string;
}

export interface RestTestHerder extends Herder {
  /** Stops the herder, its connectors and tasks. */
  stop(): Promise<void>;
}

/** The one place the REST tests get their Herder from: a started StandaloneHerder. */
export async function createRestTestHerder(options: RestTestHerderOptions): Promise<RestTestHerder> {
  const offsetStore = new FileOffsetBackingStore(join(options.dir, 'rest-test.offsets'));
  const worker = new Worker({
    workerConfig: {
      'bootstrap.servers': options.bootstrap,
      'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'offset.storage.file.filename': join(options.dir, 'rest-test.offsets'),
      'offset.flush.interval.ms': '1000',
    },
    offsetStore,
    logger: silentLogger(),
    statusStore: new MemoryStatusBackingStore(),
    workerId: options.workerId ?? 'localhost:8083',
  });
  await offsetStore.start();
  const herder = new StandaloneHerder(worker, { logger: silentLogger() });
  await herder.start();
  return herder;
}

/** A worker that is not the leader: every herder call answers NotLeaderException pointing at `leaderUrl`. */
export function notLeaderHerder(leaderUrl: string | null, workerId = 'follower:8083'): Herder {
  return failingHerder(() => new NotLeaderException('This worker is not the leader', leaderUrl), workerId);
}

/** A herder whose every call throws `error()` (a rebalance in progress, an internal failure...). */
export function failingHerder(error: () => Error, workerId = 'failing:8083'): Herder {
  const fail = (): never => {
    throw error();
  };
  const failAsync = async (): Promise<never> => fail();
  return {
    workerId,
    kafkaClusterId: failAsync,
    connectors: failAsync,
    connectorInfo: failAsync,
    connectorConfig: failAsync,
    putConnectorConfig: failAsync,
    deleteConnector: failAsync,
    connectorStatus: failAsync,
    taskStatus: failAsync,
    taskConfigs: failAsync,
    restartConnector: failAsync,
    restartTask: failAsync,
    pauseConnector: failAsync,
    resumeConnector: failAsync,
    stopConnector: failAsync,
    connectorActiveTopics: failAsync,
    resetConnectorActiveTopics: failAsync,
    connectorOffsets: failAsync,
    alterConnectorOffsets: failAsync,
    resetConnectorOffsets: failAsync,
    connectorPlugins: fail,
    validateConnectorConfig: failAsync,
  };
}
