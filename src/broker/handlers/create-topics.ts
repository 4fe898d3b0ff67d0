import { ApiKey } from '../../protocol/generated/api-table.js';
import type { CreateTopicsRequestCreatableTopic, CreateTopicsResponseCreatableTopicResult } from '../../protocol/generated/create-topics.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { describeTopicConfigs } from '../config/config-entry.js';
import { validateTopicConfigs } from '../config/topic-config.js';
import type { CreateTopicSpec, TopicMetadata } from '../metadata/metadata-store.js';
import { defineHandler } from './api-handler.js';
import type { RequestContext } from './api-handler.js';
import { dynamicBrokerConfigs } from './config-resource.js';

const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';
/** CreateTopics' "use the broker default" for num_partitions and replication_factor. */
const USE_DEFAULT = -1;

type ErrorName = keyof typeof ErrorCode;

function failed(name: string, error: ErrorName, message: string): CreateTopicsResponseCreatableTopicResult {
  return {
    name,
    topicId: ZERO_UUID,
    errorCode: ErrorCode[error],
    errorMessage: message,
    topicConfigErrorCode: ErrorCode.NONE,
    numPartitions: -1,
    replicationFactor: -1,
    configs: null,
  };
}

function created(topic: TopicMetadata, topicId: string, ctx: RequestContext): CreateTopicsResponseCreatableTopicResult {
  const { config, metadata, nodeId } = ctx.services;
  const configs = describeTopicConfigs(config, topic.configs, {
    includeSynonyms: false,
    includeDocumentation: false,
    dynamic: dynamicBrokerConfigs(metadata, nodeId),
  });
  return {
    name: topic.name,
    topicId,
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    topicConfigErrorCode: ErrorCode.NONE,
    numPartitions: topic.partitions.length,
    replicationFactor: topic.partitions[0]?.replicas.length ?? -1,
    configs: configs.map((c) => ({ name: c.name, value: c.value, readOnly: c.readOnly, configSource: c.configSource, isSensitive: c.isSensitive })),
  };
}

/** The replica lists of explicit assignments, in partition order, or why they are unusable. */
function explicitAssignments(topic: CreateTopicsRequestCreatableTopic): { ok: true; value: number[][] } | { ok: false; message: string } {
  const sorted = [...topic.assignments].sort((a, b) => a.partitionIndex - b.partitionIndex);
  for (const [i, a] of sorted.entries()) {
    if (a.partitionIndex !== i) {
      return { ok: false, message: `Partitions should be a consecutive 0-based integer sequence, but got ${sorted.map((s) => s.partitionIndex).join(',')}` };
    }
  }
  if (new Set(sorted.map((a) => a.brokerIds.length)).size !== 1) return { ok: false, message: 'All partitions should have the same number of replicas' };
  return { ok: true, value: sorted.map((a) => a.brokerIds) };
}

/**
 * One topic of a CreateTopics request, checked in Kafka's order: existence, null configs, both
 * counts and assignments given, counts and assignments (through a validate-only create in the
 * metadata store), then the configs; created unless validateOnly.
 */
async function createOne(topic: CreateTopicsRequestCreatableTopic, validateOnly: boolean, ctx: RequestContext): Promise<CreateTopicsResponseCreatableTopicResult> {
  const { metadata, config } = ctx.services;
  const name = topic.name;
  if (metadata.topic(name) !== undefined) return failed(name, 'TOPIC_ALREADY_EXISTS', `Topic '${name}' already exists.`);
  const configs: Record<string, string | null> = {};
  for (const c of topic.configs) configs[c.name] = c.value;
  const nulls = Object.keys(configs).filter((k) => configs[k] === null);
  if (nulls.length > 0) return failed(name, 'INVALID_CONFIG', `Null value not supported for topic configs: ${nulls.join(',')}`);

  let spec: CreateTopicSpec;
  if (topic.assignments.length > 0) {
    if (topic.numPartitions !== USE_DEFAULT || topic.replicationFactor !== USE_DEFAULT) {
      return failed(name, 'INVALID_REQUEST', 'Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.');
    }
    const assignments = explicitAssignments(topic);
    if (!assignments.ok) return failed(name, 'INVALID_REPLICA_ASSIGNMENT', assignments.message);
    spec = { name, numPartitions: assignments.value.length, replicationFactor: assignments.value[0]!.length, assignments: assignments.value, configs: configs as Record<string, string> };
  } else {
    const numPartitions = topic.numPartitions === USE_DEFAULT ? config.numPartitions : topic.numPartitions;
    const replicationFactor = topic.replicationFactor === USE_DEFAULT ? config.defaultReplicationFactor : topic.replicationFactor;
    if (numPartitions <= 0) return failed(name, 'INVALID_PARTITIONS', 'Number of partitions must be larger than 0.');
    if (replicationFactor <= 0) return failed(name, 'INVALID_REPLICATION_FACTOR', 'Replication factor must be larger than 0.');
    spec = { name, numPartitions, replicationFactor, configs: configs as Record<string, string> };
  }

  const check = await metadata.createTopic(spec, { validateOnly: true });
  if (!check.ok) return failed(name, check.error, check.message);
  const valid = validateTopicConfigs(configs, config);
  if (!valid.ok) return failed(name, 'INVALID_CONFIG', valid.message);
  if (validateOnly) return created(check.value, ZERO_UUID, ctx);

  const result = await metadata.createTopic(spec);
  if (!result.ok) return failed(name, result.error, result.message);
  return created(result.value, result.value.topicId, ctx);
}

/**
 * CreateTopics: creates topics with a partition count and replication factor (-1: the broker's
 * num.partitions / default.replication.factor) or explicit replica assignments, and config
 * overrides; validate_only checks everything and creates nothing. v5+ answers with the topic's
 * partition count, replication factor and configs, v7 with its id.
 */
export const createTopicsHandler = defineHandler({
  apiKey: ApiKey.CreateTopics,
  minVersion: 2,
  maxVersion: 7,
  async handle(request, ctx) {
    const counts = new Map<string, number>();
    for (const t of request.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
    const validateOnly = request.validateOnly ?? false;
    const topics: CreateTopicsResponseCreatableTopicResult[] = [];
    for (const t of request.topics) {
      if (counts.get(t.name)! > 1) topics.push(failed(t.name, 'INVALID_REQUEST', 'Found multiple entries for this topic.'));
      else topics.push(await createOne(t, validateOnly, ctx));
    }
    return { throttleTimeMs: 0, topics };
  },
});
