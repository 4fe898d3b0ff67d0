/**
 * The per-partition log settings (Kafka's topic-level configs, resolved against the broker's
 * defaults by broker/config). Sizes in bytes, times in milliseconds; -1 means unlimited where
 * Kafka says so.
 */
export interface LogConfig {
  /** segment.bytes (log.segment.bytes), default 1 GiB. */
  segmentBytes: number;
  /** segment.ms (log.roll.ms / log.roll.hours), default 7 days. */
  segmentMs: number;
  /** segment.jitter.ms, default 0. */
  segmentJitterMs: number;
  /** segment.index.bytes (log.index.size.max.bytes), default 10 MiB. */
  segmentIndexBytes: number;
  /** index.interval.bytes (log.index.interval.bytes), default 4096. */
  indexIntervalBytes: number;
  /** retention.ms (log.retention.ms/minutes/hours), default 7 days; -1 keeps forever. */
  retentionMs: number;
  /** retention.bytes (log.retention.bytes), default -1 (no size limit). */
  retentionBytes: number;
  /** flush.messages (log.flush.interval.messages): fsync after this many messages; default unlimited (MAX_SAFE_INTEGER). */
  flushMessages: number;
  /** flush.ms (log.flush.interval.ms): fsync when the oldest unflushed data is this old; default unlimited. */
  flushMs: number;
  /** max.message.bytes (message.max.bytes): largest record batch accepted, default 1048588. */
  maxMessageBytes: number;
  /** message.timestamp.type (log.message.timestamp.type). */
  messageTimestampType: 'CreateTime' | 'LogAppendTime';
  /** cleanup.policy (log.cleanup.policy), default ['delete']. */
  cleanupPolicy: ReadonlyArray<'delete' | 'compact'>;
  /** file.delete.delay.ms (log.segment.delete.delay.ms), default 60000. */
  fileDeleteDelayMs: number;
  /** preallocate (log.preallocate), default false. */
  preallocate: boolean;
  /**
   * message.timestamp.before.max.ms (log.message.timestamp.before.max.ms): with CreateTime, how far
   * in the past a batch's base timestamp may be; absent means unlimited (Kafka's default).
   */
  messageTimestampBeforeMaxMs?: number;
  /**
   * message.timestamp.after.max.ms (log.message.timestamp.after.max.ms): with CreateTime, how far
   * in the future a batch's max timestamp may be; absent means unlimited.
   */
  messageTimestampAfterMaxMs?: number;
  /** delete.retention.ms (log.cleaner.delete.retention.ms): how long the cleaner keeps tombstones once it has seen them; default 1 day. */
  deleteRetentionMs: number;
  /** min.cleanable.dirty.ratio (log.cleaner.min.cleanable.ratio): the dirty share of the log that makes it worth cleaning; default 0.5. */
  minCleanableDirtyRatio: number;
  /** min.compaction.lag.ms (log.cleaner.min.compaction.lag.ms): records younger than this are not compacted; default 0. */
  minCompactionLagMs: number;
  /**
   * max.compaction.lag.ms (log.cleaner.max.compaction.lag.ms): a dirty record older than this makes
   * the log cleanable whatever its dirty ratio, and caps segment.ms of compacted logs; default
   * unlimited (MAX_SAFE_INTEGER).
   */
  maxCompactionLagMs: number;
}

export const DEFAULT_LOG_CONFIG: LogConfig = {
  segmentBytes: 1024 * 1024 * 1024,
  segmentMs: 7 * 24 * 60 * 60 * 1000,
  segmentJitterMs: 0,
  segmentIndexBytes: 10 * 1024 * 1024,
  indexIntervalBytes: 4096,
  retentionMs: 7 * 24 * 60 * 60 * 1000,
  retentionBytes: -1,
  flushMessages: Number.MAX_SAFE_INTEGER,
  flushMs: Number.MAX_SAFE_INTEGER,
  maxMessageBytes: 1048588,
  messageTimestampType: 'CreateTime',
  cleanupPolicy: ['delete'],
  fileDeleteDelayMs: 60000,
  preallocate: false,
  deleteRetentionMs: 24 * 60 * 60 * 1000,
  minCleanableDirtyRatio: 0.5,
  minCompactionLagMs: 0,
  maxCompactionLagMs: Number.MAX_SAFE_INTEGER,
};
