/**
 * Kafka's producer and consumer properties (what `--producer-property`, `--producer.config`,
 * `--consumer-property` and `--consumer.config` carry) turned into Samsa client options. Only the
 * properties Samsa's client implements are read; a bad value fails naming the key. Connection
 * properties (client.id, request.timeout.ms, ...) are read by client-properties.ts.
 */
import type { ConsumerOptions } from '../client/consumer/consumer.js';
import { cooperativeStickyAssignor } from '../client/consumer/cooperative-sticky-assignor.js';
import type { PartitionAssignor } from '../client/consumer/partition-assignor.js';
import { rangeAssignor } from '../client/consumer/range-assignor.js';
import { roundRobinAssignor } from '../client/consumer/round-robin-assignor.js';
import type { ProducerOptions } from '../client/producer/producer.js';
import { CompressionTypes } from '../client/producer/producer-types.js';
import { UsageError } from './tool-runner.js';

type Props = ReadonlyMap<string, string>;

/** Connection properties (read by client-properties.ts) and ones that need no counterpart here (the tools send and print bytes). */
const CONNECTION_KEYS = ['bootstrap.servers', 'client.id', 'security.protocol', 'request.timeout.ms', 'default.api.timeout.ms', 'socket.connection.setup.timeout.ms', 'reconnect.backoff.ms', 'reconnect.backoff.max.ms'];
const IGNORED_PRODUCER_KEYS = ['key.serializer', 'value.serializer', 'buffer.memory', 'send.buffer.bytes', 'receive.buffer.bytes', 'metadata.max.idle.ms', 'partitioner.class', 'max.block.ms', 'retries'];
const IGNORED_CONSUMER_KEYS = ['key.deserializer', 'value.deserializer', 'max.poll.records', 'send.buffer.bytes', 'receive.buffer.bytes', 'exclude.internal.topics', 'allow.auto.create.topics'];

/** Reads properties by type, remembering which keys were read so that the rest can be reported (the Java client warns about them). */
class PropertyReader {
  private readonly read = new Set<string>();

  constructor(
    private readonly props: Props,
    ignored: readonly string[],
  ) {
    for (const k of [...CONNECTION_KEYS, ...ignored]) this.read.add(k);
  }

  text(key: string): string | undefined {
    this.read.add(key);
    return this.props.get(key);
  }

  int(key: string, min = 0): number | undefined {
    const v = this.text(key);
    if (v === undefined) return undefined;
    const n = Number(v.trim());
    if (!/^-?\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < min) throw new UsageError(`property ${key} must be an integer >= ${min}, got ${v}`);
    return n;
  }

  bool(key: string): boolean | undefined {
    const v = this.text(key)?.trim().toLowerCase();
    if (v === undefined) return undefined;
    if (v !== 'true' && v !== 'false') throw new UsageError(`property ${key} must be true or false, got ${this.props.get(key)}`);
    return v === 'true';
  }

  /** Keys given but never read: not properties the client knows. */
  unknown(): string[] {
    return [...this.props.keys()].filter((k) => !this.read.has(k));
  }
}

/** Kafka's warning for a property the client does not know, as the tools print it on stderr. */
export function unknownPropertyWarning(key: string): string {
  return `WARN The configuration '${key}' was supplied but isn't a known config.`;
}

/** Kafka's codec names (compression.type, --compression-codec) → the record batch codec. */
export function compressionCodec(name: string, where: string): CompressionTypes {
  switch (name.trim().toLowerCase()) {
    case 'none':
    case 'uncompressed':
      return CompressionTypes.None;
    case 'gzip':
      return CompressionTypes.GZIP;
    case 'snappy':
      return CompressionTypes.Snappy;
    case 'lz4':
      return CompressionTypes.LZ4;
    case 'zstd':
      return CompressionTypes.ZSTD;
    default:
      throw new UsageError(`${where} must be one of none, gzip, snappy, lz4, zstd; got ${name}`);
  }
}

/** acks as Kafka spells it: all, -1, 0, 1. */
export function acksValue(value: string, where: string): number {
  const v = value.trim().toLowerCase();
  if (v === 'all' || v === '-1') return -1;
  if (v === '0' || v === '1') return Number(v);
  throw new UsageError(`${where} must be all, -1, 0 or 1; got ${value}`);
}

export interface ProducerSettings {
  options: ProducerOptions;
  /** -1 (all), 0 or 1. */
  acks: number;
  compression: CompressionTypes;
  /** Properties the client does not know (warn about them). */
  unknown: string[];
}

/**
 * Producer options and acks from producer properties. As in the Java client, idempotence is on
 * unless asked off, and acks=0/1 without an explicit enable.idempotence turns it off (an
 * explicit enable.idempotence=true with acks other than all is a configuration error).
 */
export function producerSettings(props: Props, defaults: { lingerMs?: number } = {}): ProducerSettings {
  const r = new PropertyReader(props, IGNORED_PRODUCER_KEYS);
  const acksText = r.text('acks');
  const acks = acksText === undefined ? -1 : acksValue(acksText, 'property acks');
  const idempotenceAsked = r.bool('enable.idempotence');
  if (idempotenceAsked === true && acks !== -1) throw new UsageError(`property enable.idempotence=true needs acks=all, got acks=${acksText ?? String(acks)}`);
  const codec = r.text('compression.type');
  const compression = codec === undefined ? CompressionTypes.None : compressionCodec(codec, 'property compression.type');
  const options: ProducerOptions = { idempotent: idempotenceAsked ?? acks === -1, compression };
  const set = <K extends keyof ProducerOptions>(key: K, value: ProducerOptions[K] | undefined): void => {
    if (value !== undefined) options[key] = value;
  };
  set('lingerMs', r.int('linger.ms') ?? defaults.lingerMs);
  set('batchSize', r.int('batch.size', 1));
  set('maxInFlightRequests', r.int('max.in.flight.requests.per.connection', 1));
  set('deliveryTimeoutMs', r.int('delivery.timeout.ms', 1));
  set('maxRequestSize', r.int('max.request.size', 1));
  set('retryBackoffMs', r.int('retry.backoff.ms'));
  set('retryBackoffMaxMs', r.int('retry.backoff.max.ms'));
  set('metadataMaxAge', r.int('metadata.max.age.ms'));
  if (r.text('transactional.id') !== undefined) throw new UsageError('property transactional.id: transactions are not implemented yet');
  return { options, acks, compression, unknown: r.unknown() };
}

const ASSIGNORS: Record<string, PartitionAssignor> = {
  range: rangeAssignor,
  roundrobin: roundRobinAssignor,
  'cooperative-sticky': cooperativeStickyAssignor,
  'org.apache.kafka.clients.consumer.rangeassignor': rangeAssignor,
  'org.apache.kafka.clients.consumer.roundrobinassignor': roundRobinAssignor,
  'org.apache.kafka.clients.consumer.cooperativestickyassignor': cooperativeStickyAssignor,
};

export interface ConsumerSettings {
  options: Omit<ConsumerOptions, 'groupId'>;
  /** group.id, when set. */
  groupId: string | undefined;
  /** enable.auto.commit, when set. */
  autoCommit: boolean | undefined;
  /** auto.commit.interval.ms, when set. */
  autoCommitInterval: number | undefined;
  /** Properties the client does not know (warn about them). */
  unknown: string[];
}

/** Consumer options from consumer properties. */
export function consumerSettings(props: Props): ConsumerSettings {
  const r = new PropertyReader(props, IGNORED_CONSUMER_KEYS);
  const options: Omit<ConsumerOptions, 'groupId'> = {};
  const set = <K extends keyof ConsumerOptions>(key: K, value: ConsumerOptions[K] | undefined): void => {
    if (value !== undefined) (options as ConsumerOptions)[key] = value;
  };
  const instance = r.text('group.instance.id');
  if (instance !== undefined && instance !== '') options.groupInstanceId = instance;
  set('sessionTimeout', r.int('session.timeout.ms', 1));
  set('heartbeatInterval', r.int('heartbeat.interval.ms', 1));
  set('rebalanceTimeout', r.int('max.poll.interval.ms', 1));
  set('minBytes', r.int('fetch.min.bytes'));
  set('maxBytes', r.int('fetch.max.bytes', 1));
  set('maxWaitTimeInMs', r.int('fetch.max.wait.ms'));
  set('maxBytesPerPartition', r.int('max.partition.fetch.bytes', 1));
  set('metadataMaxAge', r.int('metadata.max.age.ms'));
  set('checkCrcs', r.bool('check.crcs'));
  const reset = r.text('auto.offset.reset')?.trim().toLowerCase();
  if (reset !== undefined) {
    if (reset !== 'earliest' && reset !== 'latest' && reset !== 'none') throw new UsageError(`property auto.offset.reset must be earliest, latest or none; got ${props.get('auto.offset.reset')}`);
    options.autoOffsetReset = reset;
  }
  const isolation = r.text('isolation.level');
  if (isolation !== undefined) options.readUncommitted = isolationIsUncommitted(isolation, 'property isolation.level');
  const strategies = r.text('partition.assignment.strategy');
  if (strategies !== undefined) {
    options.partitionAssigners = strategies.split(',').map((s) => s.trim()).filter((s) => s !== '').map((s) => {
      const a = ASSIGNORS[s.toLowerCase()];
      if (a === undefined) throw new UsageError(`property partition.assignment.strategy: unknown assignor ${s} (range, roundrobin, cooperative-sticky)`);
      return a;
    });
  }
  const group = r.text('group.id');
  return { options, groupId: group === undefined || group === '' ? undefined : group, autoCommit: r.bool('enable.auto.commit'), autoCommitInterval: r.int('auto.commit.interval.ms', 1), unknown: r.unknown() };
}

/** read_committed → false, read_uncommitted → true. */
export function isolationIsUncommitted(value: string, where: string): boolean {
  const v = value.trim().toLowerCase();
  if (v === 'read_uncommitted') return true;
  if (v === 'read_committed') return false;
  throw new UsageError(`${where} must be read_committed or read_uncommitted, got ${value}`);
}
