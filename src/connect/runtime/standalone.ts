/**
 * Standalone mode (Kafka's ConnectStandalone): one worker process, source offsets in a local
 * file (FileOffsetBackingStore, `offset.storage.file.filename`), connectors from properties files.
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
import { FileOffsetBackingStore } from './offset-store.js';
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
  /** Stops the tasks (offsets committed), the connectors and the offset store. */
  stop(): Promise<void>;
}

/** Starts a standalone worker with the connectors of `connectorFiles`. */
export async function startStandalone(workerFile: string, connectorFiles: readonly string[], logger: Logger): Promise<Standalone> {
  const workerProps = readProperties(workerFile);
  inFile(workerFile, () => validateWorkerConfig(workerProps));
  const connectors: Array<[string, Props]> = connectorFiles.map((f) => [f, readProperties(f)]);
  const store = new FileOffsetBackingStore(WORKER_CONFIG_DEF.parse(workerProps)['offset.storage.file.filename'] as string);
  await store.start();
  const worker = new Worker({ workerConfig: workerProps, offsetStore: store, logger });
  worker.onTaskFailure((task, e) => logger.error({ task, err: e.message }, 'task failed; it is not restarted'));
  for (const [file, props] of connectors) inFile(file, () => worker.validateConnector(props));
  const names = new Set<string>();
  for (const [file, props] of connectors) {
    if (names.has(props['name']!)) throw new ConfigException(`${file}: Connector ${props['name']} already exists`);
    names.add(props['name']!);
  }
  try {
    for (const [file, props] of connectors) {
      try {
        await worker.startConnector(props);
      } catch (e) {
        if (e instanceof ConfigException) throw new ConfigException(`${file}: ${e.message}`, { cause: e });
        throw e;
      }
    }
  } catch (e) {
    await worker.stop().catch(() => undefined);
    throw e;
  }
  return { worker, stop: () => worker.stop() };
}
