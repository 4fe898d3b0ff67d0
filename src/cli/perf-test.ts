/**
 * What kafka-producer-perf-test and kafka-consumer-perf-test share: Java's number and date
 * formats for their output, the live progress line (a terminal only), Kafka's metrics table, and
 * the client properties they understand.
 */
import type { ConsumerOptions } from '../client/consumer/consumer.js';
import type { ProducerOptions } from '../client/producer/producer.js';
import { CompressionTypes } from '../client/producer/producer-types.js';
import type { Line } from './tool-runner.js';
import { UsageError } from './tool-runner.js';

/** Java's `%.Nf` (NaN and Infinity as Java prints them). */
export function fixed(value: number, digits: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  return value.toFixed(digits);
}

/** Java's SimpleDateFormat("yyyy-MM-dd HH:mm:ss:SSS"), local time (ConsumerPerformance's default --date-format). */
export function javaDate(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}:${p(d.getMilliseconds(), 3)}`;
}

export const MB = 1024 * 1024;

/**
 * A live progress line, rewritten in place with `\r` on stderr, only when stdout is a terminal (a
 * pipe or file gets Kafka's lines alone). `clear()` before printing a regular line.
 */
export class ProgressLine {
  private shown = false;
  constructor(private readonly enabled = process.stdout.isTTY === true && process.stderr.isTTY === true) {}

  update(text: string): void {
    if (!this.enabled) return;
    process.stderr.write(`\r\x1b[K${text}`);
    this.shown = true;
  }

  clear(): void {
    if (!this.enabled || !this.shown) return;
    process.stderr.write('\r\x1b[K');
    this.shown = false;
  }
}

/** Kafka's ToolsUtils.printMetrics: a "Metric Name / Value" table, names padded, values to 3 decimals. */
export function printMetrics(out: Line, metrics: ReadonlyMap<string, number>): void {
  const names = [...metrics.keys()].sort();
  const width = Math.max('Metric Name'.length, ...names.map((n) => n.length));
  out('');
  out(`${'Metric Name'.padEnd(width)}   Value`);
  for (const n of names) out(`${n.padEnd(width)} : ${fixed(metrics.get(n)!, 3)}`);
}

function msValue(props: ReadonlyMap<string, string>, key: string): number | undefined {
  const v = props.get(key);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v.trim())) throw new UsageError(`${key} must be a non-negative integer, got ${v}`);
  return Number(v);
}

function booleanValue(props: ReadonlyMap<string, string>, key: string): boolean | undefined {
  const v = props.get(key)?.trim().toLowerCase();
  if (v === undefined) return undefined;
  if (v !== 'true' && v !== 'false') throw new UsageError(`${key} must be true or false, got ${props.get(key)}`);
  return v === 'true';
}

/** Properties the tools read themselves or that need no counterpart (serializers: the tools send bytes). */
const CONNECTION_KEYS = ['bootstrap.servers', 'client.id', 'security.protocol', 'request.timeout.ms', 'default.api.timeout.ms', 'socket.connection.setup.timeout.ms', 'reconnect.backoff.ms', 'reconnect.backoff.max.ms'];
const IGNORED_PRODUCER_KEYS = ['key.serializer', 'value.serializer', 'buffer.memory', 'send.buffer.bytes', 'receive.buffer.bytes', 'metadata.max.idle.ms', 'partitioner.class', 'max.block.ms', 'retries'];
const IGNORED_CONSUMER_KEYS = ['key.deserializer', 'value.deserializer', 'enable.auto.commit', 'auto.commit.interval.ms', 'max.poll.records', 'send.buffer.bytes', 'receive.buffer.bytes', 'group.id', 'auto.offset.reset', 'receive.buffer.bytes'];

export interface ProducerSettings {
  options: ProducerOptions;
  /** -1, 0 or 1 (acks=all is -1). */
  acks: number;
  compression: CompressionTypes;
  /** Properties the client does not understand (reported as Kafka's client does: a warning). */
  unknown: string[];
}

/** Producer properties (Java client names) → Samsa's producer options. */
export function producerSettings(props: ReadonlyMap<string, string>): ProducerSettings {
  const acksText = (props.get('acks') ?? 'all').trim().toLowerCase();
  const acks = acksText === 'all' || acksText === '-1' ? -1 : acksText === '1' ? 1 : acksText === '0' ? 0 : NaN;
  if (Number.isNaN(acks)) throw new UsageError(`acks must be all, -1, 0 or 1, got ${props.get('acks')}`);
  const codecs: Record<string, CompressionTypes> = { none: CompressionTypes.None, gzip: CompressionTypes.GZIP, snappy: CompressionTypes.Snappy, lz4: CompressionTypes.LZ4, zstd: CompressionTypes.ZSTD };
  const codecName = (props.get('compression.type') ?? 'none').trim().toLowerCase();
  const compression = codecs[codecName];
  if (compression === undefined) throw new UsageError(`compression.type must be none, gzip, snappy, lz4 or zstd, got ${props.get('compression.type')}`);
  // As the Java client: idempotence is on unless acks is not all (then off unless asked for).
  const idempotent = booleanValue(props, 'enable.idempotence') ?? acks === -1;
  if (idempotent && acks !== -1) throw new UsageError('enable.idempotence=true needs acks=all');
  const options: ProducerOptions = { idempotent, allowAutoTopicCreation: true, compression };
  const set = <K extends keyof ProducerOptions>(key: K, value: ProducerOptions[K] | undefined) => {
    if (value !== undefined) options[key] = value;
  };
  set('lingerMs', msValue(props, 'linger.ms'));
  set('batchSize', msValue(props, 'batch.size'));
  set('maxInFlightRequests', msValue(props, 'max.in.flight.requests.per.connection'));
  set('deliveryTimeoutMs', msValue(props, 'delivery.timeout.ms'));
  set('maxRequestSize', msValue(props, 'max.request.size'));
  set('retryBackoffMs', msValue(props, 'retry.backoff.ms'));
  set('retryBackoffMaxMs', msValue(props, 'retry.backoff.max.ms'));
  set('metadataMaxAge', msValue(props, 'metadata.max.age.ms'));
  const known = new Set([...CONNECTION_KEYS, ...IGNORED_PRODUCER_KEYS, 'acks', 'compression.type', 'enable.idempotence', 'linger.ms', 'batch.size', 'max.in.flight.requests.per.connection', 'delivery.timeout.ms', 'max.request.size', 'retry.backoff.ms', 'retry.backoff.max.ms', 'metadata.max.age.ms']);
  return { options, acks, compression, unknown: [...props.keys()].filter((k) => !known.has(k)) };
}

/** Consumer properties (Java client names) → Samsa's consumer options (groupId set by the caller). */
export function consumerSettings(props: ReadonlyMap<string, string>): { options: Omit<ConsumerOptions, 'groupId'>; unknown: string[] } {
  const options: Omit<ConsumerOptions, 'groupId'> = {};
  const set = <K extends keyof ConsumerOptions>(key: K, value: ConsumerOptions[K] | undefined) => {
    if (value !== undefined) (options as ConsumerOptions)[key] = value;
  };
  set('sessionTimeout', msValue(props, 'session.timeout.ms'));
  set('heartbeatInterval', msValue(props, 'heartbeat.interval.ms'));
  set('rebalanceTimeout', msValue(props, 'max.poll.interval.ms'));
  set('maxBytesPerPartition', msValue(props, 'max.partition.fetch.bytes'));
  set('minBytes', msValue(props, 'fetch.min.bytes'));
  set('maxBytes', msValue(props, 'fetch.max.bytes'));
  set('maxWaitTimeInMs', msValue(props, 'fetch.max.wait.ms'));
  set('metadataMaxAge', msValue(props, 'metadata.max.age.ms'));
  set('checkCrcs', booleanValue(props, 'check.crcs'));
  const isolation = props.get('isolation.level');
  if (isolation !== undefined) {
    if (isolation !== 'read_committed' && isolation !== 'read_uncommitted') throw new UsageError(`isolation.level must be read_committed or read_uncommitted, got ${isolation}`);
    options.readUncommitted = isolation === 'read_uncommitted';
  }
  const instance = props.get('group.instance.id');
  if (instance !== undefined && instance !== '') options.groupInstanceId = instance;
  const known = new Set([...CONNECTION_KEYS, ...IGNORED_CONSUMER_KEYS, 'session.timeout.ms', 'heartbeat.interval.ms', 'max.poll.interval.ms', 'max.partition.fetch.bytes', 'fetch.min.bytes', 'fetch.max.bytes', 'fetch.max.wait.ms', 'metadata.max.age.ms', 'check.crcs', 'isolation.level', 'group.instance.id']);
  return { options, unknown: [...props.keys()].filter((k) => !known.has(k)) };
}

/** The brokers from --bootstrap-server, else the properties' bootstrap.servers, as a --bootstrap-server value. */
export function bootstrapFrom(flag: string | undefined, props: ReadonlyMap<string, string>): string | undefined {
  return flag ?? props.get('bootstrap.servers');
}
