/**
 * All the partition logs of this broker (Kafka's LogManager): it owns the `log.dirs`, their
 * `meta.properties`, the root checkpoint files and the clean-shutdown marker; it loads and
 * recovers every partition directory at startup, creates and deletes logs, and runs the
 * periodic retention, flush, checkpoint and producer-expiration tasks on the injected Scheduler.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock, Scheduler } from '../clock.js';
import type { Logger } from '../../logging/logger.js';
import { RepeatedFailureLog } from '../../logging/repeated-failure-log.js';
import { fsyncDirectory, offsetCheckpointFile, writeFileAtomically, type TopicPartitionOffset } from './checkpoint-file.js';
import type { LogConfig } from './log-config.js';
import { LogCleaner } from './log-cleaner.js';
import { Log } from './log.js';

export const RECOVERY_POINT_CHECKPOINT_FILE = 'recovery-point-offset-checkpoint';
export const LOG_START_OFFSET_CHECKPOINT_FILE = 'log-start-offset-checkpoint';
export const HIGH_WATERMARK_CHECKPOINT_FILE = 'replication-offset-checkpoint';
export const META_PROPERTIES_FILE = 'meta.properties';
export const CLEAN_SHUTDOWN_FILE = '.kafka_cleanshutdown';
export const DELETE_DIR_SUFFIX = '-delete';

export interface LogManagerOptions {
  logDirs: string[];
  nodeId: number;
  /** The cluster id to use or check; without it the stored one is used, or a new one generated. */
  clusterId?: string;
  defaultConfig: LogConfig;
  /** The config of a topic found on disk at startup (default: defaultConfig). */
  configFor?: (topic: string) => LogConfig;
  clock: Clock;
  scheduler: Scheduler;
  logger: Logger;
  /** log.flush.offset.checkpoint.interval.ms: how often recovery points and log start offsets are checkpointed (default 60000). */
  flushCheckpointIntervalMs?: number;
  /** log.retention.check.interval.ms (default 300000). */
  retentionCheckIntervalMs?: number;
  /** log.flush.scheduler.interval.ms: how often flush.ms and rolled segments are checked (default 1000). */
  flushSchedulerIntervalMs?: number;
  /** producer.id.expiration.ms (default 86400000). */
  producerIdExpirationMs?: number;
  /** producer.id.expiration.check.interval.ms (default 600000). */
  producerIdExpirationCheckIntervalMs?: number;
  /** log.cleaner.enable: whether the background cleaner compacts logs (default true; `cleaner.cleanNow` works either way). */
  cleanerEnable?: boolean;
  /** log.cleaner.backoff.ms: how often an idle cleaner looks for a log to clean (default 15000). */
  cleanerBackoffMs?: number;
  /** log.cleaner.dedupe.buffer.size (default 128 MiB). */
  cleanerDedupeBufferSize?: number;
  /** Bytes the cleaner reads per step at most before it yields to the event loop (default 1 MiB). */
  cleanerStepBytes?: number;
  /** Milliseconds a cleaner step may take before it yields to the event loop (default 10). */
  cleanerStepMs?: number;
  /** How the cleaner schedules its next step while it has work (default: setImmediate, so I/O is served in between). */
  cleanerDefer?: (step: () => void) => void;
}

/** Kafka's legal topic names: [a-zA-Z0-9._-], 1 to 249 characters, not "." or "..". */
export function isLegalTopicName(topic: string): boolean {
  return topic.length > 0 && topic.length <= 249 && topic !== '.' && topic !== '..' && /^[a-zA-Z0-9._-]+$/.test(topic);
}

/** A random Kafka UUID in its text form (22 base64url characters), never starting with '-'. */
export function randomKafkaUuid(): string {
  for (;;) {
    const bytes = randomBytes(16);
    const s = bytes.toString('base64url');
    if (!s.startsWith('-') && !bytes.every((b) => b === 0)) return s;
  }
}

/** Parses a Java properties file of simple `key=value` lines (comments with # or !). */
function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    const m = /^([^=:\s]+)\s*[=:\s]\s*(.*)$/.exec(line);
    if (m !== null) out.set(m[1]!, m[2]!);
  }
  return out;
}

/**
 * The node id and cluster id recorded in the first log dir that has a meta.properties (null
 * fields when none has, or it lacks them); LogManager.open checks every dir against them.
 */
export function readMetaProperties(logDirs: readonly string[]): { nodeId: number | null; clusterId: string | null } {
  for (const dir of logDirs) {
    const path = join(dir, META_PROPERTIES_FILE);
    if (!existsSync(path)) continue;
    const props = parseProperties(readFileSync(path, 'utf8'));
    const id = props.get('version') === '0' ? props.get('broker.id') : props.get('node.id');
    const nodeId = id !== undefined && /^\d+$/.test(id) ? Number(id) : null;
    return { nodeId, clusterId: props.get('cluster.id') ?? null };
  }
  return { nodeId: null, clusterId: null };
}

/** `<topic>-<partition>` directory names: the partition follows the last '-'. */
export function parseTopicPartitionDirName(name: string): { topic: string; partition: number } | null {
  const m = /^(.+)-(\d+)$/.exec(name);
  if (m === null) return null;
  const partition = Number(m[2]);
  if (!Number.isSafeInteger(partition) || partition > 0x7fffffff || !isLegalTopicName(m[1]!)) return null;
  return { topic: m[1]!, partition };
}

function key(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}

export class LogManager {
  readonly clusterId: string;
  readonly logDirs: readonly string[];
  /**
   * The high watermark of a partition, for retention (only data below it may be deleted).
   * The partition layer sets it; without it the log end offset is used.
   */
  highWatermarkProvider?: (topic: string, partition: number) => number | undefined;

  private readonly logs = new Map<string, Log>();
  private readonly dirOf = new Map<string, string>();
  private readonly cancels: Array<() => void> = [];
  private readonly pendingDeletions = new Set<Promise<void>>();
  private closed = false;
  /** Log compaction; its background steps run from the 'log-cleaner' task. */
  readonly cleaner: LogCleaner;
  private cleanerRunning = false;

  private constructor(
    private readonly opts: LogManagerOptions,
    clusterId: string,
  ) {
    this.clusterId = clusterId;
    this.logDirs = opts.logDirs;
    this.cleaner = new LogCleaner({
      source: {
        allLogs: () => this.logs.values(),
        logDirOf: (topic, partition) => this.logDirOf(topic, partition),
        highWatermark: (log) => this.highWatermarkProvider?.(log.topic, log.partition),
      },
      logDirs: opts.logDirs,
      clock: opts.clock,
      logger: opts.logger.child({ component: 'log-cleaner' }),
      dedupeBufferSize: opts.cleanerDedupeBufferSize,
      stepBytes: opts.cleanerStepBytes,
      stepMs: opts.cleanerStepMs,
    });
  }

  /** Checks and loads every log directory, recovering each partition as needed, then starts the periodic tasks. */
  static open(opts: LogManagerOptions): LogManager {
    if (opts.logDirs.length === 0) throw new Error('log.dirs is empty');
    for (const d of opts.logDirs) mkdirSync(d, { recursive: true });
    const clusterId = LogManager.checkMetaProperties(opts);
    const manager = new LogManager(opts, clusterId);
    try {
      for (const dir of opts.logDirs) manager.loadDir(dir);
    } catch (err) {
      for (const log of manager.logs.values()) log.closeHandles();
      throw err;
    }
    manager.startTasks();
    return manager;
  }

  /** Reads (or writes) meta.properties in every dir; returns the cluster id. Throws when a dir belongs to another node or cluster. */
  private static checkMetaProperties(opts: LogManagerOptions): string {
    let clusterId = opts.clusterId;
    let clusterIdSource = 'the configuration';
    const missing: string[] = [];
    for (const dir of opts.logDirs) {
      const path = join(dir, META_PROPERTIES_FILE);
      if (!existsSync(path)) {
        missing.push(dir);
        continue;
      }
      const props = parseProperties(readFileSync(path, 'utf8'));
      const version = props.get('version');
      const storedNode = version === '0' ? props.get('broker.id') : props.get('node.id');
      if (version !== '0' && version !== '1') throw new Error(`${path}: unsupported meta.properties version ${JSON.stringify(version)}`);
      if (storedNode === undefined || Number(storedNode) !== opts.nodeId) {
        throw new Error(`${path}: the log directory belongs to node ${storedNode ?? '(none)'}, but this broker is node ${opts.nodeId}`);
      }
      const storedCluster = props.get('cluster.id');
      if (storedCluster !== undefined) {
        if (clusterId !== undefined && storedCluster !== clusterId) {
          throw new Error(`${path}: the log directory belongs to cluster ${storedCluster}, but ${clusterIdSource} says ${clusterId}`);
        }
        clusterId = storedCluster;
        clusterIdSource = path;
      }
    }
    const id = clusterId ?? randomKafkaUuid();
    for (const dir of missing) {
      writeFileAtomically(
        join(dir, META_PROPERTIES_FILE),
        `#\n#Written by Samsa ${new Date(opts.clock.now()).toISOString()}\nversion=1\ncluster.id=${id}\nnode.id=${opts.nodeId}\ndirectory.id=${randomKafkaUuid()}\n`,
      );
    }
    return id;
  }

  private get logger(): Logger {
    return this.opts.logger;
  }

  private loadDir(dir: string): void {
    const cleanShutdownPath = join(dir, CLEAN_SHUTDOWN_FILE);
    const hadCleanShutdown = existsSync(cleanShutdownPath);
    const recoveryPoints = this.readOffsetCheckpoint(join(dir, RECOVERY_POINT_CHECKPOINT_FILE));
    const logStartOffsets = this.readOffsetCheckpoint(join(dir, LOG_START_OFFSET_CHECKPOINT_FILE));
    const started = this.opts.clock.now();
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (!statSync(path).isDirectory()) continue;
      if (name.endsWith(DELETE_DIR_SUFFIX)) {
        this.removeLater(path);
        continue;
      }
      if (name.endsWith('-future') || name.endsWith('-stray')) {
        this.logger.warn({ dir: path }, 'ignoring a future/stray replica directory');
        continue;
      }
      const tp = parseTopicPartitionDirName(name);
      if (tp === null) {
        this.logger.warn({ dir: path }, 'ignoring a directory that is not a topic-partition');
        continue;
      }
      const k = key(tp.topic, tp.partition);
      const other = this.dirOf.get(k);
      if (other !== undefined) throw new Error(`duplicate log directories for ${k}: ${join(other, name)} and ${path}`);
      let log: Log;
      try {
        log = Log.open({
          dir: path,
          topic: tp.topic,
          partition: tp.partition,
          config: this.opts.configFor?.(tp.topic) ?? this.opts.defaultConfig,
          recoveryPoint: recoveryPoints.get(k) ?? 0,
          logStartOffset: logStartOffsets.get(k),
          hadCleanShutdown,
          clock: this.opts.clock,
          logger: this.logger.child({ topic: tp.topic, partition: tp.partition }),
        });
      } catch (err) {
        throw new Error(`cannot load the log in ${path}: ${(err as Error).message}`, { cause: err });
      }
      this.logs.set(k, log);
      this.dirOf.set(k, dir);
    }
    // From here on a crash is an unclean shutdown.
    if (hadCleanShutdown) {
      rmSync(cleanShutdownPath, { force: true });
      fsyncDirectory(dir);
    }
    // A dir without logs and without checkpoint files already says what empty files would: skip
    // the fsyncs (a fresh broker starts faster); the periodic task and shutdown write them.
    const nothingToRecord = this.logsIn(dir).length === 0 && !existsSync(join(dir, RECOVERY_POINT_CHECKPOINT_FILE)) && !existsSync(join(dir, LOG_START_OFFSET_CHECKPOINT_FILE));
    if (!nothingToRecord) this.writeCheckpointsForDir(dir);
    this.logger.info({ dir, logs: [...this.dirOf.values()].filter((d) => d === dir).length, hadCleanShutdown, ms: this.opts.clock.now() - started }, 'loaded log directory');
  }

  private readOffsetCheckpoint(path: string): Map<string, number> {
    const out = new Map<string, number>();
    try {
      for (const e of offsetCheckpointFile(path).read()) out.set(key(e.topic, e.partition), e.offset);
    } catch (err) {
      this.logger.warn({ err, path }, 'ignoring an unreadable checkpoint file');
    }
    return out;
  }

  private startTasks(): void {
    const { scheduler } = this.opts;
    const guard = (name: string, task: () => void): (() => void) => {
      const failures = new RepeatedFailureLog(this.logger, `periodic log task ${name}`);
      return () => {
        if (this.closed) return;
        try {
          task();
          failures.succeeded();
        } catch (err) {
          failures.failed(err);
        }
      };
    };
    this.cancels.push(scheduler.schedule('log-retention', this.opts.retentionCheckIntervalMs ?? 300_000, guard('log-retention', () => this.cleanupLogs())));
    this.cancels.push(scheduler.schedule('log-flusher', this.opts.flushSchedulerIntervalMs ?? 1000, guard('log-flusher', () => this.flushDirtyLogs())));
    this.cancels.push(
      scheduler.schedule('log-recovery-point-checkpoint', this.opts.flushCheckpointIntervalMs ?? 60_000, guard('log-recovery-point-checkpoint', () => this.checkpointLogs())),
    );
    if (this.opts.cleanerEnable !== false) {
      this.cancels.push(scheduler.schedule('log-cleaner', this.opts.cleanerBackoffMs ?? 15_000, guard('log-cleaner', () => this.runCleaner())));
    }
    const expirationMs = this.opts.producerIdExpirationMs ?? 86_400_000;
    this.cancels.push(
      scheduler.schedule('producer-id-expiration', this.opts.producerIdExpirationCheckIntervalMs ?? 600_000, guard('producer-id-expiration', () => {
        const now = this.opts.clock.now();
        for (const log of this.logs.values()) log.removeExpiredProducers(now, expirationMs);
      })),
    );
  }

  /**
   * Runs the cleaner until it is idle, one bounded step at a time, each step in its own turn of
   * the event loop (`cleanerDefer`), so that produce and fetch requests are served in between.
   */
  private runCleaner(): void {
    if (this.closed || this.cleanerRunning) return;
    this.cleanerRunning = true;
    const defer = this.opts.cleanerDefer ?? ((step: () => void) => setImmediate(step).unref());
    const step = (): void => {
      let more = false;
      if (!this.closed) {
        try {
          more = this.cleaner.tick();
        } catch (err) {
          this.logger.error({ err }, 'log cleaner step failed');
        }
      }
      if (more) defer(step);
      else this.cleanerRunning = false;
    };
    step();
  }

  // ---------------------------------------------------------------------------------------------
  // Logs

  getLog(topic: string, partition: number): Log | undefined {
    return this.logs.get(key(topic, partition));
  }

  allLogs(): Log[] {
    return [...this.logs.values()];
  }

  /** The log directory (an entry of log.dirs) holding a partition. */
  logDirOf(topic: string, partition: number): string | undefined {
    return this.dirOf.get(key(topic, partition));
  }

  /** Creates the log (in the log dir with the fewest logs), or returns the existing one with `config` applied. */
  createLog(topic: string, partition: number, config: LogConfig, topicId?: string): Log {
    this.checkOpen();
    const k = key(topic, partition);
    const existing = this.logs.get(k);
    if (existing !== undefined) {
      if (topicId !== undefined && existing.topicId !== undefined && existing.topicId !== topicId) {
        throw new Error(`log ${k} belongs to topic id ${existing.topicId}, not ${topicId}`);
      }
      existing.updateConfig(config);
      return existing;
    }
    if (!isLegalTopicName(topic)) throw new Error(`illegal topic name ${JSON.stringify(topic)}`);
    if (!Number.isInteger(partition) || partition < 0) throw new Error(`illegal partition ${partition}`);
    const counts = new Map<string, number>(this.logDirs.map((d) => [d, 0]));
    for (const d of this.dirOf.values()) counts.set(d, (counts.get(d) ?? 0) + 1);
    let dir = this.logDirs[0]!;
    for (const d of this.logDirs) if (counts.get(d)! < counts.get(dir)!) dir = d;
    const logDir = join(dir, k);
    const fresh = !existsSync(logDir);
    let log: Log;
    try {
      log = Log.open({
        dir: logDir,
        topic,
        partition,
        topicId,
        config,
        recoveryPoint: 0,
        hadCleanShutdown: true,
        clock: this.opts.clock,
        logger: this.logger.child({ topic, partition }),
      });
    } catch (err) {
      // A full disk, say: leave no half-made directory for the next start to load.
      if (fresh) {
        try {
          rmSync(logDir, { recursive: true, force: true });
        } catch (cleanup) {
          this.logger.warn({ err: cleanup, topic, partition, dir: logDir }, 'could not remove a log directory left by a failed creation');
        }
      }
      throw err;
    }
    fsyncDirectory(dir);
    this.logs.set(k, log);
    this.dirOf.set(k, dir);
    this.logger.info({ topic, partition, dir }, 'created log');
    return log;
  }

  /**
   * Deletes a log: its files are closed, the directory is renamed to
   * `<topic>-<partition>.<uuid hex>-delete` at once, and removed in the background.
   */
  deleteLog(topic: string, partition: number): void {
    const k = key(topic, partition);
    const log = this.logs.get(k);
    const dir = this.dirOf.get(k);
    if (log === undefined || dir === undefined) return;
    this.cleaner.abort(log);
    this.logs.delete(k);
    this.dirOf.delete(k);
    this.cleaner.forget(topic, partition);
    log.closeHandles();
    const suffix = `.${randomBytes(16).toString('hex')}${DELETE_DIR_SUFFIX}`;
    const room = 255 - suffix.length - `-${partition}`.length;
    const target = join(dir, `${topic.slice(0, room)}-${partition}${suffix}`);
    renameSync(log.dir, target);
    fsyncDirectory(dir);
    this.writeCheckpointsForDir(dir);
    this.cleaner.writeCheckpoints();
    this.removeLater(target);
    this.logger.info({ topic, partition }, 'deleted log');
  }

  private removeLater(path: string): void {
    const p = rm(path, { recursive: true, force: true })
      .catch((err: unknown) => this.logger.warn({ err, path }, 'cannot remove a deleted log directory'))
      .finally(() => this.pendingDeletions.delete(p));
    this.pendingDeletions.add(p);
  }

  /** Resolves when the background removals of deleted log directories have finished. */
  async awaitDeletions(): Promise<void> {
    while (this.pendingDeletions.size > 0) await Promise.all([...this.pendingDeletions]);
  }

  // ---------------------------------------------------------------------------------------------
  // Periodic work

  /** Retention on every log (the 'log-retention' task). Returns the number of segments deleted. */
  cleanupLogs(): number {
    const now = this.opts.clock.now();
    let deleted = 0;
    for (const log of this.logs.values()) {
      try {
        const hw = this.highWatermarkProvider?.(log.topic, log.partition);
        deleted += log.applyRetention(now, hw ?? log.logEndOffset);
      } catch (err) {
        this.logger.error({ err, topic: log.topic, partition: log.partition }, 'retention failed');
      }
    }
    return deleted;
  }

  /** flush.ms and the fsync of rolled segments on every log (the 'log-flusher' task). */
  flushDirtyLogs(): void {
    const now = this.opts.clock.now();
    for (const log of this.logs.values()) {
      try {
        log.flushIfDue(now);
      } catch (err) {
        this.logger.error({ err, topic: log.topic, partition: log.partition }, 'flush failed');
      }
    }
  }

  /** Writes recovery-point-offset-checkpoint and log-start-offset-checkpoint in every log dir. */
  checkpointLogs(): void {
    for (const dir of this.logDirs) this.writeCheckpointsForDir(dir);
  }

  private logsIn(dir: string): Log[] {
    const out: Log[] = [];
    for (const [k, d] of this.dirOf) if (d === dir) out.push(this.logs.get(k)!);
    return out;
  }

  private writeCheckpointsForDir(dir: string): void {
    const logs = this.logsIn(dir);
    offsetCheckpointFile(join(dir, RECOVERY_POINT_CHECKPOINT_FILE)).write(logs.map((l) => ({ topic: l.topic, partition: l.partition, offset: l.recoveryPoint })));
    offsetCheckpointFile(join(dir, LOG_START_OFFSET_CHECKPOINT_FILE)).write(
      logs.filter((l) => l.logStartOffset > (l.segmentBaseOffsets()[0] ?? 0)).map((l) => ({ topic: l.topic, partition: l.partition, offset: l.logStartOffset })),
    );
  }

  /** Writes replication-offset-checkpoint in each log dir from high watermarks keyed `<topic>-<partition>` (partitions without a log here are skipped). */
  checkpointHighWatermarks(highWatermarks: ReadonlyMap<string, number>): void {
    const byDir = new Map<string, TopicPartitionOffset[]>(this.logDirs.map((d) => [d, []]));
    for (const [k, offset] of highWatermarks) {
      const log = this.logs.get(k);
      const dir = this.dirOf.get(k);
      if (log === undefined || dir === undefined) continue;
      byDir.get(dir)!.push({ topic: log.topic, partition: log.partition, offset });
    }
    for (const [dir, entries] of byDir) offsetCheckpointFile(join(dir, HIGH_WATERMARK_CHECKPOINT_FILE)).write(entries);
  }

  /** The high watermarks of every log dir's replication-offset-checkpoint, keyed `<topic>-<partition>`. */
  loadHighWatermarks(): Map<string, number> {
    const out = new Map<string, number>();
    for (const dir of this.logDirs) {
      for (const [k, v] of this.readOffsetCheckpoint(join(dir, HIGH_WATERMARK_CHECKPOINT_FILE))) out.set(k, v);
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // Shutdown

  /**
   * Clean shutdown: stops the tasks, flushes and closes every log (with a producer snapshot at
   * its end), writes the checkpoints and, in each dir where everything closed, the
   * clean-shutdown marker so the next start skips recovery.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const cancel of this.cancels) cancel();
    this.cleaner.close();
    const failedDirs = new Set<string>();
    for (const [k, log] of this.logs) {
      try {
        const wasOffline = log.isOffline;
        log.close();
        if (wasOffline) failedDirs.add(this.dirOf.get(k)!);
      } catch (err) {
        failedDirs.add(this.dirOf.get(k)!);
        this.logger.error({ err, topic: log.topic, partition: log.partition }, 'error closing a log');
        log.closeHandles();
      }
    }
    for (const dir of this.logDirs) {
      try {
        this.writeCheckpointsForDir(dir);
        if (!failedDirs.has(dir)) writeFileAtomically(join(dir, CLEAN_SHUTDOWN_FILE), JSON.stringify({ version: 0, brokerEpoch: -1 }));
      } catch (err) {
        this.logger.error({ err, dir }, 'cannot write the shutdown checkpoints');
      }
    }
    this.logger.info({ logs: this.logs.size }, 'log manager closed');
  }

  private checkOpen(): void {
    if (this.closed) throw new Error('the log manager is closed');
  }
}
