/**
 * A distributed worker's settings (Kafka's DistributedConfig): the keys of every worker
 * (config.ts), the storage topics (../storage/distributed-storage-config.ts) and the group's:
 *
 * | key | default | |
 * |---|---|---|
 * | `group.id` | (required) | the Connect cluster this worker joins |
 * | `connect.protocol` | `sessioned` | `eager`, `compatible` or `sessioned` |
 * | `session.timeout.ms` | 10000 | a worker silent this long leaves the group |
 * | `heartbeat.interval.ms` | 3000 | |
 * | `rebalance.timeout.ms` | 60000 | how long the group waits for workers to rejoin |
 * | `scheduled.rebalance.max.delay.ms` | 300000 | how long a departed worker's work waits for it to return (cooperative) |
 * | `worker.sync.timeout.ms` | 3000 | how long a worker tries to read the config topic before it gives up its leadership work |
 * | `retry.backoff.ms` | 100 | |
 *
 * Missing or bad keys are ConfigExceptions with Kafka's messages, e.g.
 * `Missing required configuration "group.id" which has no default value.`
 */
import { ConfigDef, Range, ValidString } from '../api/config-def.js';
import { newConverters } from '../converters/registry.js';
import { defineDistributedStorageConfigs } from '../storage/distributed-storage-config.js';
import type { ConnectProtocolCompatibility } from './distributed/connect-protocol.js';
import { defineCommonWorkerConfigs } from './config.js';

export const GROUP_ID_CONFIG = 'group.id';

/** Every key a distributed worker reads. */
export const DISTRIBUTED_CONFIG_DEF: ConfigDef = defineDistributedStorageConfigs(defineCommonWorkerConfigs(new ConfigDef()))
  .define(GROUP_ID_CONFIG, 'STRING', { importance: 'HIGH', documentation: 'A unique string that identifies the Connect cluster group this worker belongs to' })
  .define('connect.protocol', 'STRING', { defaultValue: 'sessioned', validator: ValidString.in('eager', 'compatible', 'sessioned'), importance: 'LOW', documentation: 'Compatibility mode for Kafka Connect Protocol' })
  .define('session.timeout.ms', 'INT', { defaultValue: 10000, importance: 'HIGH', documentation: 'The timeout used to detect worker failures' })
  .define('heartbeat.interval.ms', 'INT', { defaultValue: 3000, importance: 'HIGH', documentation: 'The expected time between heartbeats to the group coordinator' })
  .define('rebalance.timeout.ms', 'INT', { defaultValue: 60000, importance: 'HIGH', documentation: 'The maximum allowed time for each worker to join the group once a rebalance has begun' })
  .define('scheduled.rebalance.max.delay.ms', 'INT', { defaultValue: 300000, validator: Range.between(0, 2147483647), importance: 'LOW', documentation: 'The maximum delay that is scheduled in order to wait for the return of one or more departed workers before rebalancing and reassigning their connectors and tasks to the group' })
  .define('worker.sync.timeout.ms', 'INT', { defaultValue: 3000, importance: 'MEDIUM', documentation: 'How long to wait for the worker to catch up with the config topic' })
  .define('retry.backoff.ms', 'LONG', { defaultValue: 100, validator: Range.atLeast(0), importance: 'LOW', documentation: 'The amount of time to wait before attempting to retry a failed request' });

/** The group settings of a distributed worker. */
export interface DistributedGroupSettings {
  groupId: string;
  protocols: ConnectProtocolCompatibility;
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  rebalanceTimeoutMs: number;
  scheduledRebalanceMaxDelayMs: number;
  workerSyncTimeoutMs: number;
  retryBackoffMs: number;
}

/**
 * Validates a distributed worker's properties (every key, the storage topics, the converters)
 * and returns its group settings; a ConfigException naming the first bad key otherwise.
 */
export function parseDistributedConfig(props: Readonly<Record<string, string>>): DistributedGroupSettings {
  const v = DISTRIBUTED_CONFIG_DEF.parse(props);
  newConverters(props);
  return {
    groupId: v[GROUP_ID_CONFIG] as string,
    protocols: v['connect.protocol'] as ConnectProtocolCompatibility,
    sessionTimeoutMs: v['session.timeout.ms'] as number,
    heartbeatIntervalMs: v['heartbeat.interval.ms'] as number,
    rebalanceTimeoutMs: v['rebalance.timeout.ms'] as number,
    scheduledRebalanceMaxDelayMs: v['scheduled.rebalance.max.delay.ms'] as number,
    workerSyncTimeoutMs: v['worker.sync.timeout.ms'] as number,
    retryBackoffMs: Number(v['retry.backoff.ms'] as bigint),
  };
}
