import { ApiKey } from '../../protocol/generated/api-table.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import type { MetadataResponseMetadataResponseTopic } from '../../protocol/generated/metadata.js';
import type { TopicMetadata } from '../metadata/metadata-store.js';
import { topicNameProblem } from '../metadata/topic-name.js';
import { defineHandler } from './api-handler.js';
import type { RequestContext } from './api-handler.js';

const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';
/** Kafka's "authorized operations not requested" marker. */
const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;

/**
 * A topic as Metadata describes it. A partition without a leader (offline, or not elected yet)
 * carries LEADER_NOT_AVAILABLE; replicas on brokers that are not registered are listed as offline.
 */
function describeTopic(topic: TopicMetadata, live: ReadonlySet<number>): MetadataResponseMetadataResponseTopic {
  return {
    errorCode: ErrorCode.NONE,
    name: topic.name,
    topicId: topic.topicId,
    isInternal: topic.internal,
    partitions: topic.partitions.map((p) => ({
      errorCode: p.leader >= 0 && live.has(p.leader) ? ErrorCode.NONE : ErrorCode.LEADER_NOT_AVAILABLE,
      partitionIndex: p.partition,
      leaderId: p.leader >= 0 && live.has(p.leader) ? p.leader : -1,
      leaderEpoch: p.leaderEpoch,
      replicaNodes: p.replicas,
      isrNodes: p.isr,
      offlineReplicas: p.replicas.filter((r) => !live.has(r)),
    })),
    topicAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
  };
}

function errorTopic(name: string | null, topicId: string, errorCode: number): MetadataResponseMetadataResponseTopic {
  return { errorCode, name, topicId, isInternal: false, partitions: [], topicAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED };
}

async function autoCreate(name: string, ctx: RequestContext, live: ReadonlySet<number>): Promise<MetadataResponseMetadataResponseTopic> {
  const { config, metadata } = ctx.services;
  if (topicNameProblem(name) !== null) return errorTopic(name, ZERO_UUID, ErrorCode.INVALID_TOPIC_EXCEPTION);
  const created = await metadata.createTopic({
    name,
    numPartitions: config.numPartitions,
    replicationFactor: config.defaultReplicationFactor,
    configs: {},
  });
  if (created.ok) {
    ctx.logger.info({ topic: name }, 'auto-created topic from a Metadata request');
    // Kafka answers LEADER_NOT_AVAILABLE, without partitions, for a topic it has just created; clients retry.
    return errorTopic(name, created.value.topicId, ErrorCode.LEADER_NOT_AVAILABLE);
  }
  if (created.error === 'TOPIC_ALREADY_EXISTS') {
    const existing = metadata.topic(name);
    if (existing !== undefined) return describeTopic(existing, live);
  }
  return errorTopic(name, ZERO_UUID, ErrorCode[created.error]);
}

/** Metadata: brokers, cluster id, controller, and the requested (or all) topics; auto-creates topics when allowed. */
export const metadataHandler = defineHandler({
  apiKey: ApiKey.Metadata,
  minVersion: 0,
  maxVersion: 12,
  async handle(request, ctx) {
    const { metadata, config } = ctx.services;
    const version = ctx.apiVersion;
    // v0: an empty list means all topics; v1+: null means all topics.
    const all = request.topics === null || (version === 0 && request.topics.length === 0);
    const allowAuto = config.autoCreateTopicsEnable && (version < 4 || request.allowAutoTopicCreation !== false);
    const topics: MetadataResponseMetadataResponseTopic[] = [];
    const brokers = metadata.brokers();
    const live = new Set(brokers.map((b) => b.nodeId));
    if (all) {
      for (const t of metadata.topics()) topics.push(describeTopic(t, live));
    } else {
      for (const requested of request.topics ?? []) {
        if (requested.name === null || requested.name === undefined) {
          const byId = requested.topicId !== undefined && requested.topicId !== ZERO_UUID ? metadata.topicById(requested.topicId) : undefined;
          topics.push(byId !== undefined ? describeTopic(byId, live) : errorTopic(null, requested.topicId ?? ZERO_UUID, ErrorCode.UNKNOWN_TOPIC_ID));
          continue;
        }
        const existing = metadata.topic(requested.name);
        if (existing !== undefined) topics.push(describeTopic(existing, live));
        else if (allowAuto) topics.push(await autoCreate(requested.name, ctx, live));
        else topics.push(errorTopic(requested.name, ZERO_UUID, topicNameProblem(requested.name) === null ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.INVALID_TOPIC_EXCEPTION));
      }
    }
    return {
      throttleTimeMs: 0,
      brokers: brokers.map((b) => {
        const endpoint = b.endpoints.find((e) => e.listenerName === ctx.connection.listenerName) ?? b.endpoints[0]!;
        return { nodeId: b.nodeId, host: endpoint.host, port: endpoint.port, rack: b.rack };
      }),
      clusterId: metadata.clusterId(),
      controllerId: metadata.controllerId(),
      topics,
      clusterAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
    };
  },
});
