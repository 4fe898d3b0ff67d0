/**
 * What every Connect worker process (standalone or distributed) sets up around its Worker and
 * Herder, from the worker properties:
 *
 *  - `prepareWorkerPlugins`: the plugin registries (built-in connectors, converters,
 *    transformations and predicates, plus whatever `plugin.path` provides) and the KIP-158 topic
 *    creation hook source tasks use (`topic.creation.*`), sharing one Admin client;
 *  - `startRestFor`: the REST API (Kafka's RestServer) on `listeners` / `rest.*`, reporting
 *    Samsa's version and commit on `GET /`;
 *  - `deferredHerder`: a stand-in herder to start the REST server with before the real herder
 *    exists, because (as in Kafka) the REST server's advertised address is the worker id the
 *    worker and herder are created with.
 *
 * plugin.path entries that are not existing directories are logged and ignored, as Kafka does
 * ("Could not get listing for plugin path: ... Ignoring."), so a worker file naming a directory
 * that is not there still starts with the built-in plugins.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Admin } from '../../client/admin/admin.js';
import { Kafka } from '../../client/kafka.js';
import { samsaVersion } from '../../common/samsa-version.js';
import type { Logger } from '../../logging/logger.js';
import { defaultConnectorRegistry, type ConnectorPluginRegistry } from '../connectors/registry.js';
import { defaultConverterRegistry, type ConverterRegistry } from '../converters/registry.js';
import type { LoggerLevels } from '../rest/logger-levels.js';
import { restServerPlacement } from '../rest/rest-config.js';
import { RestError } from '../rest/rest-error.js';
import { startRestServer, type RestServer } from '../rest/rest-server.js';
import { defaultTransformRegistry, type TransformRegistry } from '../transforms/registry.js';
import type { ConnectorConfig, Herder } from './herder.js';
import { loadPlugins, PLUGIN_PATH_CONFIG, type PluginDescription } from './plugins.js';
import { TopicCreation } from './topic-creation.js';
import type { TopicCreationHook } from './worker-tasks.js';

/** The plugins and topic creation of one worker process. Pass the fields to `new Worker({...})`. */
export interface WorkerPlugins {
  connectors: ConnectorPluginRegistry;
  converters: ConverterRegistry;
  transforms: TransformRegistry;
  /** What plugin.path added (empty without plugin.path). */
  loaded: PluginDescription[];
  /**
   * WorkerOptions.topicCreationFor: the topic creation of a source connector, or null when the
   * worker disabled it (`topic.creation.enable=false`) or the connector sets no `topic.creation.*`.
   * Throws ConfigException for bad `topic.creation.*` settings.
   */
  topicCreationFor: (connectorConfig: ConnectorConfig) => TopicCreationHook | null;
  /** Disconnects the shared Admin client (if topic creation ever used it). Call after the worker stopped. */
  close(): Promise<void>;
}

/** What a program starting a worker process (standalone or distributed) may set instead of the worker's own plugins and log levels. */
export interface WorkerProcessOptions {
  /** Registries to use instead of the built-in plugins plus `plugin.path`'s (all three, or none, are usual). */
  connectors?: ConnectorPluginRegistry;
  converters?: ConverterRegistry;
  transforms?: TransformRegistry;
  /** Overrides the topic creation built from `topic.creation.*`. */
  topicCreationFor?: WorkerPlugins['topicCreationFor'];
  /** The named log levels GET/PUT /admin/loggers serve; default the root logger alone. */
  loggerLevels?: LoggerLevels;
  /**
   * Each task on a thread of its own (WorkerOptions.taskThreads; the Connect bins set it). Ignored
   * when registries or a topic creation are given here: a task's thread loads the worker's own plugins.
   */
  taskThreads?: boolean;
}

/** The Connect bins' default for `taskThreads`: on, unless SAMSA_TASK_THREADS=0. */
export function taskThreadsFromEnvironment(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.SAMSA_TASK_THREADS !== '0';
}

/** Whether a worker process started with `options` runs each task on a thread of its own. */
export function usesTaskThreads(options: WorkerProcessOptions): boolean {
  return options.taskThreads === true && options.connectors === undefined && options.converters === undefined && options.transforms === undefined && options.topicCreationFor === undefined;
}

/** The worker's `plugin.path` entries (comma-separated, blanks dropped). */
export function pluginPathEntries(workerProps: Readonly<Record<string, string>>): string[] {
  const raw = workerProps[PLUGIN_PATH_CONFIG];
  if (raw === undefined) return [];
  return raw.split(',').map((p) => p.trim()).filter((p) => p !== '');
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** A worker property as a list (Kafka's LIST: comma-separated, trimmed). */
function listProperty(workerProps: Readonly<Record<string, string>>, key: string, defaultValue: string[]): string[] {
  const raw = workerProps[key];
  if (raw === undefined || raw.trim() === '') return defaultValue;
  return raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/**
 * The registries of a worker: the built-in plugins plus those found under `plugin.path`, and a
 * topic creation hook sharing one Admin client (created on first use, connected lazily, closed by
 * `close()`). A plugin.path entry that is not an existing directory is logged and ignored.
 */
export async function prepareWorkerPlugins(workerProps: Readonly<Record<string, string>>, logger: Logger): Promise<WorkerPlugins> {
  const connectors = defaultConnectorRegistry();
  const converters = defaultConverterRegistry();
  const transforms = defaultTransformRegistry();
  const usable: string[] = [];
  for (const entry of pluginPathEntries(workerProps)) {
    if (isDirectory(resolve(entry))) usable.push(entry);
    else logger.error({ path: entry }, `Could not get listing for plugin path: ${entry}. Ignoring.`);
  }
  const { loaded } = usable.length === 0 ? { loaded: [] } : await loadPlugins(usable, { connectors, converters, transforms }, logger);

  const props = { ...workerProps };
  let admin: Admin | null = null;
  let connecting: Promise<void> | null = null;
  let closed = false;
  const connectedAdmin = async (): Promise<Admin> => {
    if (closed) throw new Error('the worker is shutting down; topic creation is closed');
    if (admin === null) {
      const clientId = `${(props['client.id'] ?? '').trim() || 'connect'}-shared-admin`;
      admin = new Kafka({ clientId, brokers: listProperty(props, 'bootstrap.servers', ['localhost:9092']), logger }).admin();
    }
    const a: Admin = admin;
    connecting ??= a.connect().catch((e: unknown) => {
      connecting = null;
      throw e;
    });
    await connecting;
    return a;
  };
  // TopicCreation keeps the admin it is given; this one connects on first use.
  const lazyAdmin = new Proxy({} as Admin, {
    get(_target, property) {
      // Not a promise (so awaiting it is harmless), and no symbol-keyed members.
      if (property === 'then' || typeof property === 'symbol') return undefined;
      return async (...args: unknown[]): Promise<unknown> => {
        const a = await connectedAdmin();
        const method = (a as unknown as Record<PropertyKey, unknown>)[property];
        if (typeof method !== 'function') throw new TypeError(`Admin.${String(property)} is not a method`);
        return (method as (...a: unknown[]) => unknown).apply(a, args);
      };
    },
  });

  return {
    connectors,
    converters,
    transforms,
    loaded,
    topicCreationFor: (connectorConfig) => TopicCreation.fromConfigs(props, { ...connectorConfig }, lazyAdmin),
    close: async () => {
      closed = true;
      if (admin === null) return;
      const a: Admin = admin;
      admin = null;
      if (connecting !== null) await connecting.catch(() => undefined);
      connecting = null;
      await a.disconnect().catch((e: unknown) => logger.warn({ err: (e as Error).message }, 'closing the shared admin client failed'));
    },
  };
}

let cachedCommit: string | undefined;

/** The git ref file `ref` under `gitDir` (loose, or in packed-refs), or null. */
function readRef(gitDir: string, ref: string): string | null {
  const loose = join(gitDir, ref);
  if (existsSync(loose)) return readFileSync(loose, 'utf8').trim();
  const packed = join(gitDir, 'packed-refs');
  if (!existsSync(packed)) return null;
  for (const line of readFileSync(packed, 'utf8').split('\n')) {
    const [sha, name] = line.trim().split(' ');
    if (name === ref && sha !== undefined) return sha;
  }
  return null;
}

/**
 * The commit GET / reports: the git commit of the Samsa checkout this runs from (read from its
 * `.git`, worktrees included), or `unknown` when it does not run from a git checkout (an
 * installed package, the server bundle).
 */
export function samsaCommitId(): string {
  if (cachedCommit !== undefined) return cachedCommit;
  cachedCommit = 'unknown';
  try {
    // dist/src/connect/runtime/ → the package root.
    const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
    let gitDir = join(root, '.git');
    if (!existsSync(gitDir)) return cachedCommit;
    if (!statSync(gitDir).isDirectory()) {
      const m = /^gitdir:\s*(.+)$/m.exec(readFileSync(gitDir, 'utf8'));
      if (m === null) return cachedCommit;
      gitDir = isAbsolute(m[1]!.trim()) ? m[1]!.trim() : resolve(root, m[1]!.trim());
    }
    const head = readFileSync(join(gitDir, 'HEAD'), 'utf8').trim();
    let sha: string | null = head;
    if (head.startsWith('ref:')) {
      const ref = head.slice(4).trim();
      sha = readRef(gitDir, ref);
      // A worktree's branch refs live in the main repository's git directory.
      const common = join(gitDir, 'commondir');
      if (sha === null && existsSync(common)) sha = readRef(resolve(gitDir, readFileSync(common, 'utf8').trim()), ref);
    }
    if (sha !== null && /^[0-9a-f]{40}$/.test(sha)) cachedCommit = sha;
  } catch {
    // Not a readable checkout: 'unknown'.
  }
  return cachedCommit;
}

/**
 * Starts the REST API for `herder` where the worker properties place it (`listeners`, else
 * `rest.host.name` / `rest.port`; `rest.advertised.*`), with Samsa's version and commit on GET /.
 * Throws ConfigException for bad placement settings.
 */
export async function startRestFor(herder: Herder, workerProps: Readonly<Record<string, string>>, logger: Logger, loggerLevels?: LoggerLevels): Promise<RestServer> {
  const placement = restServerPlacement(workerProps);
  return startRestServer({
    herder,
    listeners: placement.listeners,
    ...(placement.advertisedHost === undefined ? {} : { advertisedHost: placement.advertisedHost }),
    ...(placement.advertisedPort === undefined ? {} : { advertisedPort: placement.advertisedPort }),
    logger,
    ...(loggerLevels === undefined ? {} : { loggerLevels }),
    version: samsaVersion(),
    commit: samsaCommitId(),
  });
}

/** A herder to hand the REST server before the real one exists; `set` it once the herder is ready. */
export interface DeferredHerder {
  /** Forwards every call to the herder given to `set`; before that, calls fail with 503. */
  readonly herder: Herder;
  set(herder: Herder): void;
}

/**
 * A DeferredHerder. Until `set`, every herder call throws a 503 RestError "Worker is still starting
 * up" (Kafka's wording for requests that arrive before the herder is ready).
 */
export function deferredHerder(): DeferredHerder {
  let target: Herder | null = null;
  const herder = new Proxy({} as Herder, {
    get(_t, property) {
      if (property === 'then' || typeof property === 'symbol') return undefined;
      if (target === null) {
        return () => {
          throw new RestError(503, 'Worker is still starting up');
        };
      }
      const value = (target as unknown as Record<PropertyKey, unknown>)[property];
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return {
    herder,
    set(h) {
      target = h;
    },
  };
}

/** The worker id a REST server's advertised URL stands for (Kafka: the advertised `host:port`). */
export function workerIdFor(rest: RestServer): string {
  return new URL(rest.url).host;
}
