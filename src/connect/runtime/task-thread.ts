/**
 * A Connect task on a thread of its own (the worker's `taskThreads` option), as Kafka Connect runs
 * each task on its own thread: a source task converting and producing and a sink task converting
 * and writing then use two cores instead of sharing one event loop.
 *
 * The thread (`runConnectTaskThread`, started from src/bin/task-thread-entry.cts) builds the task as
 * the worker would (task-runner.ts) with its own Kafka clients, plugins (built-ins and
 * `plugin.path`) and logger, and runs it. The worker keeps a ThreadedTask in its place, which relays:
 *   - to the thread: stop, pause, resume;
 *   - from the thread: started / failed to start (with the error), done / failed (with the error),
 *     stopped, each topic the task first used (the worker records it), and source offsets to store.
 * Source offsets: the thread starts with the connector's stored offsets (only this task writes
 * those of its source partitions) and sends the ones it commits to the worker, which writes them
 * to its offset store and answers once they are durable (or with the error).
 * An error crosses as its message and its stack trace with causes (what statuses show).
 */
import { parentPort, Worker as ThreadWorker, workerData } from 'node:worker_threads';
import { Kafka } from '../../client/kafka.js';
import { createLogger, type Logger } from '../../logging/logger.js';
import { COMMON_WORKER_CONFIG_DEF } from './config.js';
import { asError, stackTrace } from './errors/stack-trace.js';
import type { ConnectorConfig, ConnectorTaskId } from './herder.js';
import { canonicalJson, type OffsetBackingStore, type OffsetKey, type OffsetValue } from './offset-store.js';
import { createTaskRunner } from './task-runner.js';
import { prepareWorkerPlugins } from './worker-setup.js';
import { deferred, type WorkerTask } from './worker-tasks.js';

/** What the thread is started with (structured-cloned). */
export interface TaskThreadData {
  id: ConnectorTaskId;
  connectorConfig: ConnectorConfig;
  taskConfig: ConnectorConfig;
  workerConfig: Record<string, string>;
  offsetFlushIntervalMs: number;
  /** The connector's stored source offsets: [source partition, offset]. */
  offsets: ReadonlyArray<readonly [Readonly<Record<string, unknown>>, OffsetValue]>;
  logLevel: string;
}

/** An error as it crosses between threads. */
interface ErrorData {
  message: string;
  trace: string;
}

type ToThread = { type: 'stop' } | { type: 'pause' } | { type: 'resume' } | { type: 'offsets-stored'; request: number; error: ErrorData | null };
type FromThread =
  | { type: 'started' }
  | { type: 'start-failed'; error: ErrorData }
  | { type: 'done' }
  | { type: 'failed'; error: ErrorData }
  | { type: 'stopped'; error: ErrorData | null }
  | { type: 'topic'; topic: string }
  | { type: 'store-offsets'; request: number; entries: Array<readonly [OffsetKey, OffsetValue | null]> };

/** A task thread's young generation: 64 MB semi-spaces, as the Connect bins give their worker (bin/tool-thread.cts). */
const TASK_THREAD_YOUNG_GENERATION_MB = 3 * 64;

/** The script a task thread runs. */
const TASK_THREAD_ENTRY = new URL('../../bin/task-thread-entry.cjs', import.meta.url);

function errorData(e: unknown): ErrorData {
  const error = asError(e);
  return { message: error.message, trace: stackTrace(error) };
}

/** The error an ErrorData stands for: its message, and its trace as the stack (what statuses show). */
function errorFrom(data: ErrorData): Error {
  const error = new Error(data.message);
  error.stack = data.trace;
  return error;
}

/** A logger's level, for a thread's logger of the same level. */
export function loggerLevel(logger: Logger): string {
  const level = (logger as { level?: unknown }).level;
  return typeof level === 'string' ? level : 'info';
}

export interface ThreadedTaskHost {
  offsetStore: OffsetBackingStore;
  onTopic: (topic: string) => void;
  logger: Logger;
}

/** The worker's side of a task on its own thread. */
export class ThreadedTask implements WorkerTask {
  readonly id: string;
  private thread: ThreadWorker | null = null;
  private readonly finished = deferred();
  private started = deferred();
  private stopped = deferred();
  private exited = false;

  constructor(private readonly data: TaskThreadData, private readonly host: ThreadedTaskHost, private readonly entry: URL | string = TASK_THREAD_ENTRY) {
    this.id = `${data.id.connector}-${data.id.task}`;
  }

  get done(): Promise<void> {
    return this.finished.promise;
  }

  async start(): Promise<void> {
    const thread = new ThreadWorker(this.entry, { workerData: this.data, resourceLimits: { maxYoungGenerationSizeMb: TASK_THREAD_YOUNG_GENERATION_MB } });
    this.thread = thread;
    thread.on('message', (m: FromThread) => this.onMessage(m));
    thread.on('error', (e) => {
      this.host.logger.error({ task: this.id, err: e.message }, 'task thread failed');
      this.ended(e);
    });
    thread.on('exit', (code) => {
      this.exited = true;
      this.ended(new Error(`the task's thread exited with code ${code}`));
    });
    try {
      await this.started.promise;
    } catch (e) {
      await thread.terminate();
      throw e;
    }
  }

  /** The thread is gone: whatever still waits on it fails with `error`. */
  private ended(error: Error): void {
    this.started.reject(error);
    this.finished.reject(error);
    this.stopped.resolve(); // nothing left to stop
  }

  private onMessage(m: FromThread): void {
    switch (m.type) {
      case 'started':
        this.started.resolve();
        return;
      case 'start-failed':
        this.started.reject(errorFrom(m.error));
        return;
      case 'done':
        this.finished.resolve();
        return;
      case 'failed':
        this.finished.reject(errorFrom(m.error));
        return;
      case 'stopped':
        if (m.error === null) this.stopped.resolve();
        else this.stopped.reject(errorFrom(m.error));
        return;
      case 'topic':
        this.host.onTopic(m.topic);
        return;
      case 'store-offsets':
        this.host.offsetStore.set(m.entries).then(
          () => this.post({ type: 'offsets-stored', request: m.request, error: null }),
          (e: unknown) => this.post({ type: 'offsets-stored', request: m.request, error: errorData(e) }),
        );
        return;
    }
  }

  private post(m: ToThread): void {
    if (!this.exited) this.thread?.postMessage(m);
  }

  pause(): void {
    this.post({ type: 'pause' });
  }

  resume(): void {
    this.post({ type: 'resume' });
  }

  /** Stops the task on its thread (offsets committed, clients closed), then ends the thread. */
  async stop(): Promise<void> {
    const thread = this.thread;
    if (thread === null) return;
    this.post({ type: 'stop' });
    try {
      await this.stopped.promise;
    } finally {
      await thread.terminate();
    }
  }
}

/** Source offsets on a task's thread: read from the snapshot it started with, written through the worker. */
class ThreadOffsetStore implements OffsetBackingStore {
  private readonly offsets = new Map<string, OffsetValue>();
  private readonly waiting = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private nextRequest = 0;

  constructor(private readonly connector: string, snapshot: TaskThreadData['offsets'], private readonly send: (m: FromThread) => void) {
    for (const [partition, offset] of snapshot) this.offsets.set(canonicalJson([connector, partition]), offset);
  }

  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  get(key: OffsetKey): OffsetValue | null {
    return this.offsets.get(canonicalJson(key)) ?? null;
  }

  set(entries: ReadonlyArray<readonly [OffsetKey, OffsetValue | null]>): Promise<void> {
    const request = this.nextRequest++;
    return new Promise<void>((resolve, reject) => {
      this.waiting.set(request, {
        resolve: () => {
          for (const [k, v] of entries) {
            if (v === null) this.offsets.delete(canonicalJson(k));
            else this.offsets.set(canonicalJson(k), v);
          }
          resolve();
        },
        reject,
      });
      this.send({ type: 'store-offsets', request, entries: [...entries] });
    });
  }

  stored(request: number, error: ErrorData | null): void {
    const w = this.waiting.get(request);
    if (w === undefined) return;
    this.waiting.delete(request);
    if (error === null) w.resolve();
    else w.reject(errorFrom(error));
  }

  connectorOffsets(connector: string): Array<readonly [Readonly<Record<string, unknown>>, OffsetValue]> {
    if (connector !== this.connector) return [];
    return [...this.offsets].map(([k, v]) => [(JSON.parse(k) as [string, Record<string, unknown>])[1], v] as const);
  }
}

/** The task thread's main: builds and runs the task, relaying to and from the worker (see above). */
export async function runConnectTaskThread(): Promise<void> {
  const port = parentPort;
  if (port === null) throw new Error('runConnectTaskThread runs in a worker thread only');
  const data = workerData as TaskThreadData;
  const send = (m: FromThread): void => port.postMessage(m);
  const logger = createLogger({ name: 'connect', level: data.logLevel }).child({ connector: data.id.connector, task: data.id.task });
  const offsetStore = new ThreadOffsetStore(data.id.connector, data.offsets, send);
  const closers: Array<() => Promise<void> | void> = [];
  const close = async (): Promise<void> => {
    for (const c of closers.splice(0).reverse()) await Promise.resolve().then(c).catch(() => undefined);
  };
  let runner: WorkerTask | null = null;
  let stopping: Promise<void> | null = null;
  const stop = async (): Promise<void> => {
    let error: ErrorData | null = null;
    try {
      await runner?.stop();
    } catch (e) {
      error = errorData(e);
    }
    await close();
    send({ type: 'stopped', error });
    port.close();
  };
  port.on('message', (m: ToThread) => {
    switch (m.type) {
      case 'stop':
        stopping ??= stop();
        return;
      case 'pause':
        runner?.pause();
        return;
      case 'resume':
        runner?.resume();
        return;
      case 'offsets-stored':
        offsetStore.stored(m.request, m.error);
        return;
    }
  });
  try {
    const plugins = await prepareWorkerPlugins(data.workerConfig, logger);
    closers.push(() => plugins.close());
    const config = COMMON_WORKER_CONFIG_DEF.parse(data.workerConfig);
    const kafka = new Kafka({ clientId: (config['client.id'] as string) || 'connect', brokers: config['bootstrap.servers'] as string[], logger });
    const built = await createTaskRunner({
      id: data.id, connectorConfig: data.connectorConfig, taskConfig: data.taskConfig, workerConfig: data.workerConfig, kafka, logger,
      connectors: plugins.connectors, converters: plugins.converters, transforms: plugins.transforms,
      offsetStore, offsetFlushIntervalMs: data.offsetFlushIntervalMs,
      onTopic: (topic) => send({ type: 'topic', topic }),
      topicCreation: () => plugins.topicCreationFor(data.connectorConfig),
      closers,
    });
    await built.start();
    runner = built;
    built.done.then(() => send({ type: 'done' }), (e: unknown) => send({ type: 'failed', error: errorData(e) }));
    send({ type: 'started' });
  } catch (e) {
    await close();
    send({ type: 'start-failed', error: errorData(e) });
    port.close();
  }
}
