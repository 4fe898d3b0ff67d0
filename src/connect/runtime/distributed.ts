/**
 * Distributed mode (Kafka's ConnectDistributed): one worker of the Connect cluster `group.id`,
 * from a worker properties file. Order of startup, as Kafka's: the REST server listens first (its
 * advertised URL is the worker's URL in the group and `host:port` its worker id), then the three
 * Kafka-backed stores are read, then the worker joins the group and runs what it is assigned.
 * Connectors are created through the REST API (any worker; writes go to the leader).
 *
 * Bad worker properties throw a ConfigException naming the key (and the file).
 */
import { Kafka } from '../../client/kafka.js';
import type { Logger } from '../../logging/logger.js';
import { ConfigException, ConnectException } from '../api/errors.js';
import type { ConnectorPluginRegistry } from '../connectors/registry.js';
import type { ConverterRegistry } from '../converters/registry.js';
import { restServerPlacement } from '../rest/rest-config.js';
import { startRestServer, type RestServer } from '../rest/rest-server.js';
import { createKafkaBackingStores } from '../storage/distributed-storage-config.js';
import { DISTRIBUTED_CONFIG_DEF, parseDistributedConfig } from './distributed-config.js';
import { DistributedHerder, GroupStatusStore } from './distributed-herder.js';
import { RebalanceInProgressException, type Herder } from './herder.js';
import { readProperties } from './standalone.js';
import { Worker, type WorkerOptions } from './worker.js';

/** GET / `version` (the package's). */
const CONNECT_VERSION = '0.1.0';

export interface Distributed {
  readonly worker: Worker;
  readonly herder: DistributedHerder;
  readonly rest: RestServer;
  /** The worker's advertised REST URL, ending in `/`. */
  readonly url: string;
  /** Stops the tasks (offsets flushed) and connectors, leaves the group, stops the stores, closes the REST server. */
  stop(): Promise<void>;
}

export interface DistributedOptions {
  connectors?: ConnectorPluginRegistry;
  converters?: ConverterRegistry;
  topicCreationFor?: WorkerOptions['topicCreationFor'];
}

/**
 * The REST server is started before the herder exists (the herder needs the server's URL): until
 * the herder is set, every call answers 409 as Kafka's does while a worker is starting.
 */
function deferredHerder(get: () => Herder | null): Herder {
  return new Proxy({} as Herder, {
    get(_target, prop) {
      const herder = get();
      if (prop === 'workerId') return herder?.workerId ?? '';
      if (herder === null) {
        return () => {
          throw new RebalanceInProgressException('Cannot complete request because the worker is starting');
        };
      }
      const value = (herder as unknown as Record<string | symbol, unknown>)[prop];
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(herder) : value;
    },
  });
}

function inFile<T>(file: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ConfigException) throw new ConfigException(`${file}: ${e.message}`, { cause: e });
    throw e;
  }
}

/** Starts a distributed worker from its properties file (see startDistributedWorker). */
export async function startDistributed(workerFile: string, logger: Logger, options: DistributedOptions = {}): Promise<Distributed> {
  const props = readProperties(workerFile);
  inFile(workerFile, () => parseDistributedConfig(props));
  return startDistributedWorker(props, logger, options);
}

/** Starts a distributed worker from its properties; resolves once it has joined the group. */
export async function startDistributedWorker(props: Readonly<Record<string, string>>, logger: Logger, options: DistributedOptions = {}): Promise<Distributed> {
  const group = parseDistributedConfig(props);
  const placement = restServerPlacement(props);
  const common = DISTRIBUTED_CONFIG_DEF.parse(props);
  let herder: DistributedHerder | null = null;
  const rest = await startRestServer({ herder: deferredHerder(() => herder), ...placement, logger, version: CONNECT_VERSION, commit: 'unknown' });
  const url = rest.url;
  const workerId = new URL(url).host;
  const storeKafka = new Kafka({ clientId: `${(common['client.id'] as string) || 'connect'}-${group.groupId}-stores`, brokers: common['bootstrap.servers'] as string[], logger });
  try {
    const stores = createKafkaBackingStores(props, { kafka: storeKafka, logger });
    const groupStatusStore = new GroupStatusStore(stores.statusStore, (connector) => stores.configStore.contains(connector));
    const worker = new Worker({
      workerConfig: props, offsetStore: stores.offsetStore, statusStore: groupStatusStore, logger, workerId,
      ...(options.connectors === undefined ? {} : { connectors: options.connectors }),
      ...(options.converters === undefined ? {} : { converters: options.converters }),
      ...(options.topicCreationFor === undefined ? {} : { topicCreationFor: options.topicCreationFor }),
    });
    worker.onTaskFailure((task, e) => logger.error({ task, err: e.message }, 'task failed; restart it through the REST API'));
    const h = new DistributedHerder({
      worker, configStore: stores.configStore, statusStore: stores.statusStore, offsetStore: stores.offsetStore, groupStatusStore,
      workerUrl: url, logger, ...group,
    });
    try {
      await h.start();
    } catch (e) {
      await h.stop().catch(() => undefined);
      throw e instanceof ConnectException || e instanceof ConfigException ? e : new ConnectException(`Could not start the distributed worker: ${(e as Error).message}`, { cause: e });
    }
    herder = h;
    let stopping: Promise<void> | null = null;
    return {
      worker, herder: h, rest, url,
      stop: () => (stopping ??= (async () => {
        try {
          await h.stop();
        } finally {
          await rest.close().catch(() => undefined);
        }
      })()),
    };
  } catch (e) {
    await rest.close().catch(() => undefined);
    throw e;
  }
}
