/**
 * The sink tasks' consumer settings, as Kafka reads them: worker properties prefixed `consumer.`
 * (e.g. `consumer.session.timeout.ms=10000`), then the connector's `consumer.override.` ones
 * (KIP-458; Kafka's default `connector.client.config.override.policy` is All, so every override is
 * taken). The Java consumer keys the Samsa consumer has are mapped to its options; the group id,
 * offset commits and deserializers belong to the worker, so those keys are ignored with a warning,
 * as are keys Samsa's consumer does not know.
 */
import type { ConsumerOptions } from '../../client/consumer/consumer.js';
import type { Logger } from '../../logging/logger.js';
import { ConfigException } from '../api/errors.js';

type Settable = Pick<ConsumerOptions, 'sessionTimeout' | 'heartbeatInterval' | 'rebalanceTimeout' | 'maxBytesPerPartition' | 'minBytes' | 'maxBytes' | 'maxWaitTimeInMs' | 'metadataMaxAge' | 'checkCrcs' | 'readUncommitted' | 'autoOffsetReset' | 'groupInstanceId'>;

function integer(key: string, value: string, min: number): number {
  const n = Number(value.trim());
  if (!Number.isInteger(n) || n < min) throw new ConfigException(`Invalid value ${value} for configuration ${key}: Value must be at least ${min}`);
  return n;
}

function bool(key: string, value: string): boolean {
  const v = value.trim().toLowerCase();
  if (v !== 'true' && v !== 'false') throw new ConfigException(`Invalid value ${value} for configuration ${key}: Expected value to be either true or false`);
  return v === 'true';
}

/** Java consumer key → how it sets the Samsa consumer's option. */
const MAPPERS: Record<string, (key: string, value: string, into: Settable) => void> = {
  'session.timeout.ms': (k, v, o) => void (o.sessionTimeout = integer(k, v, 1)),
  'heartbeat.interval.ms': (k, v, o) => void (o.heartbeatInterval = integer(k, v, 1)),
  'max.poll.interval.ms': (k, v, o) => void (o.rebalanceTimeout = integer(k, v, 1)),
  'max.partition.fetch.bytes': (k, v, o) => void (o.maxBytesPerPartition = integer(k, v, 0)),
  'fetch.min.bytes': (k, v, o) => void (o.minBytes = integer(k, v, 0)),
  'fetch.max.bytes': (k, v, o) => void (o.maxBytes = integer(k, v, 0)),
  'fetch.max.wait.ms': (k, v, o) => void (o.maxWaitTimeInMs = integer(k, v, 0)),
  'metadata.max.age.ms': (k, v, o) => void (o.metadataMaxAge = integer(k, v, 0)),
  'check.crcs': (k, v, o) => void (o.checkCrcs = bool(k, v)),
  'group.instance.id': (_k, v, o) => void (o.groupInstanceId = v),
  'isolation.level': (k, v, o) => {
    const level = v.trim().toLowerCase();
    if (level !== 'read_committed' && level !== 'read_uncommitted') throw new ConfigException(`Invalid value ${v} for configuration ${k}: String must be one of: read_committed, read_uncommitted`);
    o.readUncommitted = level === 'read_uncommitted';
  },
  'auto.offset.reset': (k, v, o) => {
    const policy = v.trim().toLowerCase();
    if (policy !== 'earliest' && policy !== 'latest' && policy !== 'none') throw new ConfigException(`Invalid value ${v} for configuration ${k}: String must be one of: latest, earliest, none`);
    o.autoOffsetReset = policy;
  },
};

/** Keys the worker decides for its sink tasks: accepted in the files, not applied. */
const WORKER_OWNED = new Set(['group.id', 'enable.auto.commit', 'key.deserializer', 'value.deserializer', 'bootstrap.servers', 'client.id']);

/**
 * The consumer options for a sink task of a connector: `consumer.*` of the worker, overridden by
 * `consumer.override.*` of the connector. A bad value throws a ConfigException naming the key.
 */
export function sinkConsumerOverrides(workerProps: Readonly<Record<string, string>>, connectorProps: Readonly<Record<string, string>>, logger: Logger): Settable {
  const settings: Settable = {};
  const apply = (props: Readonly<Record<string, string>>, prefix: string): void => {
    for (const [fullKey, value] of Object.entries(props)) {
      if (!fullKey.startsWith(prefix)) continue;
      const key = fullKey.slice(prefix.length);
      if (prefix === 'consumer.' && key.startsWith('override.')) continue;
      const mapper = MAPPERS[key];
      if (mapper !== undefined) {
        mapper(fullKey, value, settings);
      } else {
        logger.warn({ key: fullKey }, WORKER_OWNED.has(key) ? 'this consumer setting is decided by the worker and ignored' : 'this consumer setting is not supported by Samsa\'s consumer and ignored');
      }
    }
  };
  apply(workerProps, 'consumer.');
  apply(connectorProps, 'consumer.override.');
  return settings;
}
