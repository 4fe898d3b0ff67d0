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

function intProperty(props: Props, key: string, min = 0): number | undefined {
  const v = props.get(key);
  if (v === undefined) return undefined;
  const n = Number(v.trim());
  if (!/^-?\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < min) throw new UsageError(`property ${key} must be an integer >= ${min}, got ${v}`);
  return n;
}

function boolProperty(props: Props, key: string): boolean | undefined {
  const v = props.get(key)?.trim().toLowerCase();
  if (v === undefined) return undefined;
  if (v !== 'true' && v !== 'false') throw new UsageError(`property ${key} must be true or false, got ${props.get(key)}`);
  return v === 'true';
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
  acks: number;
}

/**
 * Producer options and acks from producer properties. As in the Java client, idempotence is on
 * unless asked off, and acks=0/1 without an explicit enable.idempotence turns it off (an
 * explicit enable.idempotence=true with acks other than all is a configuration error).
 */
export function producerSettings(props: Props, defaults: { acks?: number; lingerMs?: number } = {}): ProducerSettings {
  const acksText = props.get('acks');
  const acks = acksText === undefined ? (defaults.acks ?? -1) : acksValue(acksText, 'property acks');
  const idempotenceAsked = boolProperty(props, 'enable.idempotence');
  if (idempotenceAsked === true && acks !== -1) throw new UsageError(`property enable.idempotence=true needs acks=all, got acks=${acksText ?? String(acks)}`);
  const options: ProducerOptions = { idempotent: idempotenceAsked ?? acks === -1 };
  const compression = props.get('compression.type');
  if (compression !== undefined) options.compression = compressionCodec(compression, 'property compression.type');
  const linger = intProperty(props, 'linger.ms') ?? defaults.lingerMs;
  if (linger !== undefined) options.lingerMs = linger;
  const batch = intProperty(props, 'batch.size', 1);
  if (batch !== undefined) options.batchSize = batch;
  const inFlight = intProperty(props, 'max.in.flight.requests.per.connection', 1);
  if (inFlight !== undefined) options.maxInFlightRequests = inFlight;
  const delivery = intProperty(props, 'delivery.timeout.ms', 1);
  if (delivery !== undefined) options.deliveryTimeoutMs = delivery;
  const maxRequest = intProperty(props, 'max.request.size', 1);
  if (maxRequest !== undefined) options.maxRequestSize = maxRequest;
  const backoff = intProperty(props, 'retry.backoff.ms');
  if (backoff !== undefined) options.retryBackoffMs = backoff;
  const backoffMax = intProperty(props, 'retry.backoff.max.ms');
  if (backoffMax !== undefined) options.retryBackoffMaxMs = backoffMax;
  if (props.get('transactional.id') !== undefined) throw new UsageError('property transactional.id: transactions are not implemented yet');
  return { options, acks };
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
  options: Omit<ConsumerOptions, 'groupId'> & { groupId?: string };
  /** enable.auto.commit, when set. */
  autoCommit: boolean | undefined;
  /** auto.commit.interval.ms, when set. */
  autoCommitInterval: number | undefined;
}

/** Consumer options from consumer properties (group.id included when present). */
export function consumerSettings(props: Props): ConsumerSettings {
  const options: ConsumerSettings['options'] = {};
  const group = props.get('group.id');
  if (group !== undefined && group !== '') options.groupId = group;
  const instance = props.get('group.instance.id');
  if (instance !== undefined && instance !== '') options.groupInstanceId = instance;
  const session = intProperty(props, 'session.timeout.ms', 1);
  if (session !== undefined) options.sessionTimeout = session;
  const heartbeat = intProperty(props, 'heartbeat.interval.ms', 1);
  if (heartbeat !== undefined) options.heartbeatInterval = heartbeat;
  const poll = intProperty(props, 'max.poll.interval.ms', 1);
  if (poll !== undefined) options.rebalanceTimeout = poll;
  const minBytes = intProperty(props, 'fetch.min.bytes');
  if (minBytes !== undefined) options.minBytes = minBytes;
  const maxBytes = intProperty(props, 'fetch.max.bytes', 1);
  if (maxBytes !== undefined) options.maxBytes = maxBytes;
  const wait = intProperty(props, 'fetch.max.wait.ms');
  if (wait !== undefined) options.maxWaitTimeInMs = wait;
  const perPartition = intProperty(props, 'max.partition.fetch.bytes', 1);
  if (perPartition !== undefined) options.maxBytesPerPartition = perPartition;
  const crcs = boolProperty(props, 'check.crcs');
  if (crcs !== undefined) options.checkCrcs = crcs;
  const reset = props.get('auto.offset.reset')?.trim().toLowerCase();
  if (reset !== undefined) {
    if (reset !== 'earliest' && reset !== 'latest' && reset !== 'none') throw new UsageError(`property auto.offset.reset must be earliest, latest or none; got ${props.get('auto.offset.reset')}`);
    options.autoOffsetReset = reset;
  }
  const isolation = props.get('isolation.level');
  if (isolation !== undefined) options.readUncommitted = isolationIsUncommitted(isolation, 'property isolation.level');
  const strategies = props.get('partition.assignment.strategy');
  if (strategies !== undefined) {
    options.partitionAssigners = strategies.split(',').map((s) => s.trim()).filter((s) => s !== '').map((s) => {
      const a = ASSIGNORS[s.toLowerCase()];
      if (a === undefined) throw new UsageError(`property partition.assignment.strategy: unknown assignor ${s} (range, roundrobin, cooperative-sticky)`);
      return a;
    });
  }
  return { options, autoCommit: boolProperty(props, 'enable.auto.commit'), autoCommitInterval: intProperty(props, 'auto.commit.interval.ms', 1) };
}

/** read_committed → false, read_uncommitted → true. */
export function isolationIsUncommitted(value: string, where: string): boolean {
  const v = value.trim().toLowerCase();
  if (v === 'read_uncommitted') return true;
  if (v === 'read_committed') return false;
  throw new UsageError(`${where} must be read_committed or read_uncommitted, got ${value}`);
}
