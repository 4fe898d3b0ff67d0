import { brokerConfigDefinitions } from '../config/broker-config-definitions.js';
import { parseConfigValue } from '../config/config-definition.js';
import { ConfigError } from '../config/config-error.js';
import type { DynamicBrokerConfigs } from '../config/dynamic-broker-configs.js';
import type { MetadataStore } from '../metadata/metadata-store.js';
import { StorageError } from '../storage/storage-error.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { validateTopicConfigs } from '../config/topic-config.js';
import type { RequestContext } from './api-handler.js';

/**
 * What the config APIs (DescribeConfigs, AlterConfigs, IncrementalAlterConfigs) share: the
 * resource type numbers, how a BROKER resource name names a broker, and the checks on dynamic
 * broker configs. Failures are typed values; the handlers turn them into error codes.
 */
export const ConfigResourceType = {
  UNKNOWN: 0,
  ANY: 1,
  TOPIC: 2,
  GROUP: 3,
  BROKER: 4,
  BROKER_LOGGER: 8,
  CLIENT_METRICS: 16,
} as const;

/** Kafka's name for a resource type number, for error messages. */
export function configResourceTypeName(type: number): string {
  for (const [name, value] of Object.entries(ConfigResourceType)) if (value === type) return name;
  return String(type);
}

export type ConfigResourceFailure = { error: 'INVALID_REQUEST' | 'INVALID_CONFIG'; message: string };

/** The dynamic broker configs in force on broker `nodeId` (its own and the cluster default). */
export function dynamicBrokerConfigs(metadata: MetadataStore, nodeId: number): DynamicBrokerConfigs {
  return { broker: metadata.brokerConfigs(nodeId), clusterDefault: metadata.brokerConfigs(null) };
}

/**
 * The broker a BROKER resource names: null for the cluster-wide default (an empty name), else
 * this broker's id. Another broker's id is INVALID_REQUEST, worded as Kafka words it for
 * DescribeConfigs (`describe`) or the alter APIs.
 */
export function brokerResourceId(name: string, nodeId: number, purpose: 'describe' | 'alter'): { brokerId: number | null } | ConfigResourceFailure {
  if (name === '') return { brokerId: null };
  if (!/^[+-]?\d+$/.test(name) || !Number.isSafeInteger(Number(name))) {
    return { error: 'INVALID_REQUEST', message: `Broker id must be an integer, but it is: ${name}` };
  }
  const id = Number(name);
  if (id !== nodeId) {
    const expected = purpose === 'describe' ? `${nodeId} or empty string` : String(nodeId);
    return { error: 'INVALID_REQUEST', message: `Unexpected broker id, expected ${expected}, but received ${name}` };
  }
  return { brokerId: id };
}

/**
 * Checks dynamic broker configs as Kafka's DynamicBrokerConfig.validate does: every key must be
 * dynamically updatable, per-broker keys cannot be set as the cluster default, and each value must
 * be valid for its key (INVALID_CONFIG). Null values are INVALID_REQUEST.
 *
 * Deviation: Kafka stores keys it does not know; Samsa refuses them (INVALID_CONFIG), since it
 * could neither describe nor apply them.
 */
export function validateDynamicBrokerConfigs(configs: Readonly<Record<string, string | null>>, perBroker: boolean): ConfigResourceFailure | null {
  const nulls = Object.keys(configs).filter((k) => configs[k] === null);
  if (nulls.length > 0) return { error: 'INVALID_REQUEST', message: `Null value not supported for : ${nulls.join(',')}` };
  const unknown = Object.keys(configs).filter((k) => !brokerConfigDefinitions.has(k));
  if (unknown.length > 0) return { error: 'INVALID_CONFIG', message: `Unknown broker configs: ${unknown.join(', ')}` };
  const readOnly = Object.keys(configs).filter((k) => brokerConfigDefinitions.get(k)!.dynamic === 'read-only');
  if (readOnly.length > 0) return { error: 'INVALID_CONFIG', message: `Cannot update these configs dynamically: ${readOnly.join(', ')}` };
  if (!perBroker) {
    const onlyPerBroker = Object.keys(configs).filter((k) => brokerConfigDefinitions.get(k)!.dynamic === 'per-broker');
    if (onlyPerBroker.length > 0) {
      return { error: 'INVALID_CONFIG', message: `Cannot update these configs at default cluster level, broker id must be specified: ${onlyPerBroker.join(', ')}` };
    }
  }
  for (const [key, value] of Object.entries(configs)) {
    try {
      parseConfigValue(brokerConfigDefinitions.get(key)!, value!);
    } catch (err) {
      if (err instanceof ConfigError) return { error: 'INVALID_CONFIG', message: err.message };
      throw err;
    }
  }
  return null;
}

/** Why altering one resource's configs failed. */
export type AlterFailure = { error: 'INVALID_REQUEST' | 'INVALID_CONFIG' | 'UNKNOWN_TOPIC_OR_PARTITION' | 'KAFKA_STORAGE_ERROR'; message: string };

/** Computes a resource's new configs from its current ones (replace for AlterConfigs, operations for the incremental form). */
export type ConfigChange = (current: Readonly<Record<string, string>>, resource: 'topic' | 'broker') => { ok: true; configs: Record<string, string> } | ({ ok: false } & AlterFailure);

/**
 * The part AlterConfigs and IncrementalAlterConfigs share: find the TOPIC or BROKER resource,
 * compute its new configs, validate them as a whole, and (unless validate_only) store them.
 * Returns null on success.
 */
export async function alterResourceConfigs(
  resource: { resourceType: number; resourceName: string },
  change: ConfigChange,
  validateOnly: boolean,
  ctx: RequestContext,
): Promise<AlterFailure | null> {
  const { metadata, config, nodeId } = ctx.services;
  switch (resource.resourceType) {
    case ConfigResourceType.TOPIC: {
      const name = resource.resourceName;
      if (name === '') return { error: 'INVALID_REQUEST', message: 'Default topic resources are not allowed.' };
      const topic = metadata.topic(name);
      if (topic === undefined) return { error: 'UNKNOWN_TOPIC_OR_PARTITION', message: `The topic '${name}' does not exist.` };
      const next = change(topic.configs, 'topic');
      if (!next.ok) return { error: next.error, message: next.message };
      const valid = validateTopicConfigs(next.configs, config);
      if (!valid.ok) return { error: 'INVALID_CONFIG', message: valid.message };
      if (validateOnly) return null;
      const r = await metadata.setTopicConfigs(name, next.configs);
      if (!r.ok) return { error: r.error === 'KAFKA_STORAGE_ERROR' ? r.error : 'UNKNOWN_TOPIC_OR_PARTITION', message: r.message };
      ctx.logger.info({ topic: name, configs: next.configs }, 'changed topic configs');
      return null;
    }
    case ConfigResourceType.BROKER: {
      const id = brokerResourceId(resource.resourceName, nodeId, 'alter');
      if ('error' in id) return id;
      const next = change(metadata.brokerConfigs(id.brokerId), 'broker');
      if (!next.ok) return { error: next.error, message: next.message };
      const invalid = validateDynamicBrokerConfigs(next.configs, id.brokerId !== null);
      if (invalid !== null) return invalid;
      if (validateOnly) return null;
      try {
        await metadata.setBrokerConfigs(id.brokerId, next.configs);
      } catch (err) {
        if (err instanceof StorageError) return { error: 'KAFKA_STORAGE_ERROR', message: err.message };
        throw err;
      }
      ctx.logger.info({ broker: id.brokerId ?? '<default>', keys: Object.keys(next.configs) }, 'changed dynamic broker configs');
      return null;
    }
    default:
      return {
        error: 'INVALID_REQUEST',
        message: `AlterConfigs is only supported for topics and brokers, but resource type is ${configResourceTypeName(resource.resourceType)}`,
      };
  }
}

/** Runs `alter` for every resource of a request and builds the per-resource results both alter APIs return. */
export async function alterResponses<R extends { resourceType: number; resourceName: string }>(
  resources: readonly R[],
  alter: (resource: R) => Promise<AlterFailure | null>,
): Promise<{ resourceType: number; resourceName: string; errorCode: number; errorMessage: string | null }[]> {
  const out = [];
  for (const resource of resources) {
    const failure = await alter(resource);
    out.push({
      resourceType: resource.resourceType,
      resourceName: resource.resourceName,
      errorCode: failure === null ? ErrorCode.NONE : ErrorCode[failure.error],
      errorMessage: failure?.message ?? null,
    });
  }
  return out;
}
