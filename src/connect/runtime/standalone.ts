/**
 * Standalone mode (Kafka's ConnectStandalone): one worker process run by a StandaloneHerder,
 * source offsets in a local file (FileOffsetBackingStore, `offset.storage.file.filename`),
 * plugins from `plugin.path`, the REST API on `listeners` (default `http://:8083`), and the
 * connectors of properties files created through the herder (so the REST API sees and manages
 * them like those created over HTTP).
 *
 * Startup follows Kafka's order: the worker properties are checked, plugins loaded, the REST
 * server bound (its advertised `host:port` is the worker id statuses show), then the worker and
 * herder start and the connector files are applied. Bad worker or connector properties throw a
 * ConfigException whose message names the key (and the file); whatever started is stopped again.
 */
import { readFileSync } from 'node:fs';
import { Properties } from 'properties-file';
import type { Logger } from '../../logging/logger.js';
import { ConfigException, ConnectException } from '../api/errors.js';
import { restServerPlacement } from '../rest/rest-config.js';
import type { RestServer } from '../rest/rest-server.js';
import { WORKER_CONFIG_DEF } from './config.js';
import { MemoryStatusBackingStore } from './memory-status-store.js';
import { FileOffsetBackingStore } from './offset-store.js';
import { StandaloneHerder } from './standalone-herder.js';
import { deferredHerder, prepareWorkerPlugins, startRestFor, usesTaskThreads, workerIdFor, type WorkerProcessOptions } from './worker-setup.js';
import { validateWorkerConfig, Worker, type Props } from './worker.js';

/** Reads a Java properties file into a plain object; a missing/unreadable file is a ConfigException naming it. */
export function readProperties(file: string): Record<string, string> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new ConfigException(`Cannot read properties file ${file}: ${(e as Error).message}`);
  }
  return new Properties(bytes).toObject();
}

/** Runs `fn`; a ConfigException it throws is thrown again with the properties file's name in front of its message. */
export function inFile<T>(file: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ConfigException) throw new ConfigException(`${file}: ${e.message}`, { cause: e });
    throw e;
  }
}

export interface Standalone {
  readonly worker: Worker;
  /** The herder the REST server serves. */
  readonly herder: StandaloneHerder;
  /** The REST server (`rest.url` is its advertised URL, e.g. `http://localhost:8083/`). */
  readonly rest: RestServer;
  /** Closes the REST server, then stops the tasks (offsets committed), the connectors and the stores. */
  stop(): Promise<void>;
}

export interface StandaloneOptions extends WorkerProcessOptions {
  /** The worker id statuses show; default the REST server's advertised `host:port`. */
  workerId?: string;
}

/** Runs every step even if one fails; throws the first error. */
async function closeAll(steps: ReadonlyArray<() => Promise<void>>): Promise<void> {
  let first: unknown = null;
  for (const step of steps) {
    try {
      await step();
    } catch (e) {
      first ??= e;
    }
  }
  if (first !== null) throw first;
}

/**
 * Starts a standalone worker, its herder and REST server, and creates the connectors of
 * `connectorFiles` through the herder. A connector whose properties are bad, or whose start
 * fails, stops the startup with an error naming its file (as Kafka's connect-standalone exits).
 */
export async function startStandalone(workerFile: string, connectorFiles: readonly string[], logger: Logger, options: StandaloneOptions = {}): Promise<Standalone> {
  const workerProps = readProperties(workerFile);
  inFile(workerFile, () => {
    validateWorkerConfig(workerProps);
    restServerPlacement(workerProps);
  });
  const connectors: Array<[string, Props]> = connectorFiles.map((f) => [f, readProperties(f)]);
  const plugins = await prepareWorkerPlugins(workerProps, logger);
  const cleanup: Array<() => Promise<void>> = [() => plugins.close()];
  const undo = (): Promise<void> => closeAll(cleanup.slice().reverse()).catch((e: unknown) => logger.warn({ err: (e as Error).message }, 'cleaning up after a failed start'));
  try {
    const slot = deferredHerder();
    const rest = await inFileAsync(workerFile, () => startRestFor(slot.herder, workerProps, logger, options.loggerLevels));
    cleanup.push(() => rest.close());
    logger.info({ url: rest.url }, `REST API listening at ${rest.url}`);

    const store = new FileOffsetBackingStore(WORKER_CONFIG_DEF.parse(workerProps)['offset.storage.file.filename'] as string);
    const worker = new Worker({
      workerConfig: workerProps, offsetStore: store, logger, statusStore: new MemoryStatusBackingStore(),
      workerId: options.workerId ?? workerIdFor(rest),
      connectors: options.connectors ?? plugins.connectors,
      converters: options.converters ?? plugins.converters,
      transforms: options.transforms ?? plugins.transforms,
      topicCreationFor: options.topicCreationFor ?? plugins.topicCreationFor,
      taskThreads: usesTaskThreads(options),
    });
    worker.onTaskFailure((task, e) => logger.error({ task, err: e.message }, 'task failed; it is not restarted'));
    for (const [file, props] of connectors) inFile(file, () => worker.validateConnector(props));
    const names = new Set<string>();
    for (const [file, props] of connectors) {
      if (names.has(props['name']!)) throw new ConfigException(`${file}: Connector ${props['name']} already exists`);
      names.add(props['name']!);
    }
    await store.start();
    const herder = new StandaloneHerder(worker, { logger });
    // The herder stops the worker and the offset store; the REST server closes before it.
    cleanup.splice(1, 0, () => herder.stop());
    await herder.start();
    slot.set(herder);
    for (const [file, props] of connectors) {
      const name = props['name']!;
      try {
        await herder.putConnectorConfig(name, { ...props }, { allowReplace: false });
      } catch (e) {
        if (e instanceof ConnectException) throw new ConfigException(`${file}: ${e.message}`, { cause: e });
        throw e;
      }
      const status = await herder.connectorStatus(name);
      if (status.connector.state === 'FAILED') {
        throw new ConnectException(`${file}: Connector ${name} failed to start: ${status.connector.trace?.split('\n')[0] ?? 'unknown error'}`);
      }
    }
    let stopping: Promise<void> | null = null;
    return {
      worker, herder, rest,
      stop: () => (stopping ??= closeAll([() => rest.close(), () => herder.stop(), () => plugins.close()])),
    };
  } catch (e) {
    await undo();
    throw e;
  }
}

async function inFileAsync<T>(file: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof ConfigException) throw new ConfigException(`${file}: ${e.message}`, { cause: e });
    throw e;
  }
}
