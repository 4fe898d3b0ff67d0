/**
 * Distributed mode (Kafka's ConnectDistributed): one worker of the Connect cluster `group.id`,
 * from a worker properties file. Order of startup, as Kafka's: the REST server listens first (its
 * advertised URL is the worker's URL in the group and `host:port` its worker id), then the three
 * Kafka-backed stores are read, then the worker joins the group and runs what it is assigned.
 * Connectors are created through the REST API (any worker; writes go to the leader).
 *
 * Bad worker properties throw a ConfigException naming the key (and the file). Plugins
 * (`plugin.path`), topic creation (`topic.creation.*`) and the REST server come from worker-setup.ts,
 * as in standalone mode.
 */
import { Kafka } from '../../client/kafka.js';
import type { Logger } from '../../logging/logger.js';
import { ConfigException, ConnectException } from '../api/errors.js';
import { restServerPlacement } from '../rest/rest-config.js';
import type { RestServer } from '../rest/rest-server.js';
import { createKafkaBackingStores } from '../storage/distributed-storage-config.js';
import { DISTRIBUTED_CONFIG_DEF, parseDistributedConfig } from './distributed-config.js';
import { DistributedHerder, GroupStatusStore } from './distributed-herder.js';
import { inFile, readProperties } from './standalone.js';
import { Worker } from './worker.js';
import { deferredHerder, prepareWorkerPlugins, startRestFor, usesTaskThreads, workerIdFor, type WorkerProcessOptions } from './worker-setup.js';

export interface Distributed {
  readonly worker: Worker;
  readonly herder: DistributedHerder;
  readonly rest: RestServer;
  /** The worker's advertised REST URL, ending in `/`. */
  readonly url: string;
  /** Stops the tasks (offsets flushed) and connectors, leaves the group, stops the stores, closes the REST server. */
  stop(): Promise<void>;
}

/** What a program starting a distributed worker may set instead of the worker's own plugins and log levels. */
export type DistributedOptions = WorkerProcessOptions;

/** Starts a distributed worker from its properties file (see startDistributedWorker). */
export async function startDistributed(workerFile: string, logger: Logger, options: DistributedOptions = {}): Promise<Distributed> {
  const props = readProperties(workerFile);
  inFile(workerFile, () => parseDistributedConfig(props));
  return startDistributedWorker(props, logger, options);
}

/** Starts a distributed worker from its properties; resolves once it has joined the group. */
export async function startDistributedWorker(props: Readonly<Record<string, string>>, logger: Logger, options: DistributedOptions = {}): Promise<Distributed> {
  const group = parseDistributedConfig(props);
  restServerPlacement(props);
  const common = DISTRIBUTED_CONFIG_DEF.parse(props);
  const plugins = await prepareWorkerPlugins(props, logger);
  const slot = deferredHerder();
  let rest: RestServer;
  try {
    rest = await startRestFor(slot.herder, props, logger, options.loggerLevels);
  } catch (e) {
    await plugins.close();
    throw e;
  }
  logger.info({ url: rest.url }, `REST API listening at ${rest.url}`);
  const storeKafka = new Kafka({ clientId: `${(common['client.id'] as string) || 'connect'}-stores`, brokers: common['bootstrap.servers'] as string[], logger });
  try {
    const stores = createKafkaBackingStores(props, { kafka: storeKafka, logger });
    const groupStatusStore = new GroupStatusStore(stores.statusStore, (connector) => stores.configStore.contains(connector));
    const worker = new Worker({
      workerConfig: props, offsetStore: stores.offsetStore, statusStore: groupStatusStore, logger, workerId: workerIdFor(rest),
      connectors: options.connectors ?? plugins.connectors,
      converters: options.converters ?? plugins.converters,
      transforms: options.transforms ?? plugins.transforms,
      topicCreationFor: options.topicCreationFor ?? plugins.topicCreationFor,
      taskThreads: usesTaskThreads(options),
    });
    worker.onTaskFailure((task, e) => logger.error({ task, err: e.message }, 'task failed; restart it through the REST API'));
    const herder = new DistributedHerder({
      worker, configStore: stores.configStore, statusStore: stores.statusStore, offsetStore: stores.offsetStore, groupStatusStore,
      workerUrl: rest.url, logger, ...group,
    });
    slot.set(herder); // until it has joined, the herder answers 409 (rebalancing)
    try {
      await herder.start();
    } catch (e) {
      await herder.stop().catch(() => undefined);
      throw e instanceof ConnectException || e instanceof ConfigException ? e : new ConnectException(`Could not start the distributed worker: ${(e as Error).message}`, { cause: e });
    }
    const server = rest;
    let stopping: Promise<void> | null = null;
    return {
      worker, herder, rest: server, url: server.url,
      stop: () => (stopping ??= (async () => {
        try {
          await herder.stop();
        } finally {
          await server.close().catch(() => undefined);
          await plugins.close().catch(() => undefined);
        }
      })()),
    };
  } catch (e) {
    await rest.close().catch(() => undefined);
    await plugins.close().catch(() => undefined);
    throw e;
  }
}
