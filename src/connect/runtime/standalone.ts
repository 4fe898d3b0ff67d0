/**
 * Standalone mode (Kafka's ConnectStandalone): one worker process run by a StandaloneHerder,
 * source offsets in a local file (FileOffsetBackingStore, `offset.storage.file.filename`),
 * connectors from properties files created through the herder (so a REST server attached to
 * `herder` later sees and manages them).
 *
 * Bad worker or connector properties throw a ConfigException whose message names the key (and
 * the file). `plugin.path` and `listeners` are accepted but not used yet: only the built-in
 * connectors are available and no REST API is served.
 */
import { readFileSync } from 'node:fs';
import { Properties } from 'properties-file';
import type { Logger } from '../../logging/logger.js';
import { ConfigException } from '../api/errors.js';
import { WORKER_CONFIG_DEF } from './config.js';
import { ConnectException } from '../api/errors.js';
import type { ConnectorPluginRegistry } from '../connectors/registry.js';
import type { ConverterRegistry } from '../converters/registry.js';
import { MemoryStatusBackingStore } from './memory-status-store.js';
import { FileOffsetBackingStore } from './offset-store.js';
import { StandaloneHerder } from './standalone-herder.js';
import { validateWorkerConfig, Worker, type Props, type WorkerOptions } from './worker.js';

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

function inFile<T>(file: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ConfigException) throw new ConfigException(`${file}: ${e.message}`, { cause: e });
    throw e;
  }
}

export interface Standalone {
  readonly worker: Worker;
  /** The herder the REST server (when attached) serves. */
  readonly herder: StandaloneHerder;
  /** Stops the tasks (offsets committed), the connectors and the stores. */
  stop(): Promise<void>;
}

export interface StandaloneOptions {
  /** The worker id statuses show; default `<hostname>:<rest.port>`. */
  workerId?: string;
  connectors?: ConnectorPluginRegistry;
  converters?: ConverterRegistry;
  topicCreationFor?: WorkerOptions['topicCreationFor'];
}

/**
 * Starts a standalone worker and herder and creates the connectors of `connectorFiles` through the
 * herder. A connector whose properties are bad, or whose start fails, stops the startup with an
 * error naming its file (as Kafka's connect-standalone exits).
 */
export async function startStandalone(workerFile: string, connectorFiles: readonly string[], logger: Logger, options: StandaloneOptions = {}): Promise<Standalone> {
  const workerProps = readProperties(workerFile);
  inFile(workerFile, () => validateWorkerConfig(workerProps));
  const connectors: Array<[string, Props]> = connectorFiles.map((f) => [f, readProperties(f)]);
  const store = new FileOffsetBackingStore(WORKER_CONFIG_DEF.parse(workerProps)['offset.storage.file.filename'] as string);
  const worker = new Worker({
    workerConfig: workerProps, offsetStore: store, logger, statusStore: new MemoryStatusBackingStore(),
    ...(options.workerId === undefined ? {} : { workerId: options.workerId }),
    ...(options.connectors === undefined ? {} : { connectors: options.connectors }),
    ...(options.converters === undefined ? {} : { converters: options.converters }),
    ...(options.topicCreationFor === undefined ? {} : { topicCreationFor: options.topicCreationFor }),
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
  await herder.start();
  try {
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
  } catch (e) {
    await herder.stop().catch(() => undefined);
    throw e;
  }
  return { worker, herder, stop: () => herder.stop() };
}
