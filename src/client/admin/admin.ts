import { Buffer } from 'node:buffer';
import type { BrokerConnection } from '../connection/broker-connection.js';
import { ApiKey } from '../../protocol/generated/api-definitions.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { KafkaClientError, KafkaClientStateError, KafkaProtocolError } from '../client-errors.js';
import type { Cluster } from '../cluster/cluster.js';
import { isMetadataError } from '../cluster/cluster.js';
import { EARLIEST_TIMESTAMP, fetchCommittedOffsets, LATEST_TIMESTAMP, listPartitionOffsets } from '../cluster/partition-offsets.js';
import { withRetry } from '../retry.js';
import type { RetryOptions } from '../retry.js';
import type {
  AlterConfigsOptions,
  AlterConfigsResult,
  CreatePartitionsOptions,
  CreateTopicsOptions,
  DeleteGroupOffsetsResult,
  DeleteGroupsResult,
  DescribeConfigsOptions,
  DescribeConfigsResult,
  FetchOffsetsOptions,
  GroupDescriptions,
  GroupOverview,
  IncrementalAlterConfigsOptions,
  ITopicMetadata,
  OngoingPartitionReassignment,
  PartitionOffset,
  PartitionReassignment,
  PartitionReassignmentResult,
  SeekEntry,
  TopicOffsets,
} from './admin-types.js';

export interface AdminOptions {
  retry?: RetryOptions;
  metadataMaxAge?: number;
}

const LATEST = LATEST_TIMESTAMP;
const EARLIEST = EARLIEST_TIMESTAMP;

/** Group states in which the group has no members, so its offsets may be set from outside. */
const INACTIVE_GROUP_STATES = new Set(['Empty', 'Dead']);

/** Errors on deleting groups: one entry per group that failed, as KafkaJS's KafkaJSDeleteGroupsError. */
export class KafkaDeleteGroupsError extends KafkaClientError {
  constructor(readonly groups: DeleteGroupsResult[]) {
    super(`could not delete groups: ${groups.map((g) => `${g.groupId} (${g.error?.type})`).join(', ')}`);
    this.name = 'KafkaDeleteGroupsError';
  }
}

/**
 * The admin client, with KafkaJS's methods, arguments and results. Each call retries retriable
 * errors (KafkaJS's retry options), refreshing metadata first when the error says it is stale, and
 * goes to the right broker: topic operations to the controller, offsets and records to partition
 * leaders, group operations to the group's coordinator.
 */
export class Admin {
  constructor(
    private readonly cluster: Cluster,
    private readonly options: AdminOptions = {},
  ) {}

  async connect(): Promise<void> {
    await this.cluster.connect();
  }

  async disconnect(): Promise<void> {
    await this.cluster.disconnect();
  }

  private retry<T>(operation: () => Promise<T>): Promise<T> {
    return withRetry(operation, this.options.retry, async (error) => {
      if (isMetadataError(error)) {
        this.cluster.markStale();
        await this.cluster.refreshMetadata().catch(() => undefined);
      }
    });
  }

  // ---- topics ----

  /** Creates topics; resolves false when one of them already existed (KafkaJS), throws the first other error. */
  async createTopics(options: CreateTopicsOptions): Promise<boolean> {
    const { topics, validateOnly = false, waitForLeaders = true, timeout = 5000 } = options;
    let existed = false;
    await this.retry(async () => {
      const connection = await this.cluster.controllerConnection();
      const response = await connection.request(ApiKey.CreateTopics, {
        timeoutMs: timeout,
        validateOnly,
        topics: topics.map((t) => ({
          name: t.topic,
          numPartitions: t.numPartitions ?? -1,
          replicationFactor: t.replicationFactor ?? -1,
          assignments: (t.replicaAssignment ?? []).map((a) => ({ partitionIndex: a.partition, brokerIds: a.replicas })),
          configs: (t.configEntries ?? []).map((c) => ({ name: c.name, value: c.value })),
        })),
      });
      const failures = response.topics.filter((t) => t.errorCode !== 0);
      existed = failures.some((t) => t.errorCode === ErrorCode.TOPIC_ALREADY_EXISTS);
      const other = failures.find((t) => t.errorCode !== ErrorCode.TOPIC_ALREADY_EXISTS);
      if (other !== undefined) throw new KafkaProtocolError(other.errorCode, other.errorMessage ?? `topic ${other.name}`);
    });
    if (waitForLeaders && !validateOnly) {
      const names = topics.map((t) => t.topic);
      await this.retry(async () => {
        this.cluster.addTargetTopics(names);
        await this.cluster.refreshMetadata();
        for (const name of names) {
          const m = this.cluster.metadata.topics.get(name);
          if (m === undefined || m.partitions.length === 0 || m.partitions.some((p) => p.leader < 0)) {
            throw new KafkaProtocolError(ErrorCode.LEADER_NOT_AVAILABLE, `topic ${name} has no leaders yet`);
          }
        }
      });
    }
    return !existed;
  }

  async deleteTopics(options: { topics: string[]; timeout?: number }): Promise<void> {
    const { topics, timeout = 5000 } = options;
    await this.retry(async () => {
      const connection = await this.cluster.controllerConnection();
      const response = await connection.request(ApiKey.DeleteTopics, (version) =>
        version >= 6 ? { timeoutMs: timeout, topics: topics.map((name) => ({ name, topicId: 'AAAAAAAAAAAAAAAAAAAAAA' })) } : { timeoutMs: timeout, topicNames: topics },
      );
      const failed = response.responses.find((r) => r.errorCode !== 0);
      if (failed !== undefined) throw new KafkaProtocolError(failed.errorCode, failed.errorMessage ?? `topic ${failed.name}`);
    });
    for (const t of topics) this.cluster.metadata.forgetTopic(t);
  }

  async createPartitions(options: CreatePartitionsOptions): Promise<void> {
    const { topicPartitions, validateOnly = false, timeout = 5000 } = options;
    await this.retry(async () => {
      const connection = await this.cluster.controllerConnection();
      const response = await connection.request(ApiKey.CreatePartitions, {
        timeoutMs: timeout,
        validateOnly,
        topics: topicPartitions.map((t) => ({ name: t.topic, count: t.count, assignments: t.assignments === undefined ? null : t.assignments.map((brokerIds) => ({ brokerIds })) })),
      });
      const failed = response.results.find((r) => r.errorCode !== 0);
      if (failed !== undefined) throw new KafkaProtocolError(failed.errorCode, failed.errorMessage ?? `topic ${failed.name}`);
    });
    this.cluster.markStale();
  }

  /** Names of every topic in the cluster (internal ones included, as KafkaJS does). */
  async listTopics(): Promise<string[]> {
    return this.retry(async () => {
      const response = await this.cluster.fetchAllTopicsMetadata();
      return response.topics.filter((t) => t.name !== null && t.errorCode === 0).map((t) => t.name!);
    });
  }

  /** Metadata of the given topics (all topics when none are given); an unknown topic throws UNKNOWN_TOPIC_OR_PARTITION. */
  async fetchTopicMetadata(options: { topics?: string[] } = {}): Promise<{ topics: ITopicMetadata[] }> {
    return this.retry(async () => {
      let names = options.topics;
      if (names === undefined || names.length === 0) names = await this.listTopics();
      this.cluster.addTargetTopics(names);
      await this.cluster.refreshMetadata();
      return {
        topics: names.map((name) => {
          const m = this.cluster.metadata.topics.get(name);
          // Fresh metadata without the topic: it does not exist (not worth retrying).
          if (m === undefined) throw new KafkaProtocolError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic ${name}`, { retriable: false });
          return {
            name,
            topicId: m.topicId,
            isInternal: m.isInternal,
            partitions: m.partitions.map((p) => ({ partitionErrorCode: p.partitionErrorCode, partitionId: p.partitionId, leader: p.leader, replicas: p.replicas, isr: p.isr, offlineReplicas: p.offlineReplicas })),
          };
        }),
      };
    });
  }

  /** Per partition: the high watermark (`offset` and `high`) and the log start offset (`low`). */
  async fetchTopicOffsets(topic: string): Promise<TopicOffsets[]> {
    return this.retry(async () => {
      const high = await this.listOffsets(topic, () => LATEST);
      const low = await this.listOffsets(topic, () => EARLIEST);
      return [...high.keys()].sort((a, b) => a - b).map((partition) => {
        const h = high.get(partition)!.toString();
        return { partition, offset: h, high: h, low: low.get(partition)!.toString() };
      });
    });
  }

  /** Per partition: the first offset with a timestamp at or after `timestamp` (ms), or the high watermark when there is none. */
  async fetchTopicOffsetsByTimestamp(topic: string, timestamp?: number): Promise<PartitionOffset[]> {
    return this.retry(async () => {
      const high = await this.listOffsets(topic, () => LATEST);
      const found = timestamp === undefined ? high : await this.listOffsets(topic, () => BigInt(timestamp));
      return [...found.keys()].sort((a, b) => a - b).map((partition) => {
        const o = found.get(partition)!;
        return { partition, offset: (o < 0n ? high.get(partition)! : o).toString() };
      });
    });
  }

  /**
   * Per partition, the broker's ListOffsets answer for `timestamp`: a time in ms, or -1 (latest),
   * -2 (earliest), -3 (the record with the largest timestamp, KIP-734). Unlike
   * fetchTopicOffsetsByTimestamp there is no fallback: "-1" where no record qualifies (Kafka's
   * Admin.listOffsets; not in KafkaJS).
   */
  async listTopicOffsets(topic: string, timestamp: number): Promise<PartitionOffset[]> {
    return this.retry(async () => {
      const found = await this.listOffsets(topic, () => BigInt(timestamp));
      return [...found.keys()].sort((a, b) => a - b).map((partition) => ({ partition, offset: found.get(partition)!.toString() }));
    });
  }

  /** Deletes the records of partitions below the given offsets ("-1": up to the high watermark). */
  async deleteTopicRecords(options: { topic: string; partitions: SeekEntry[] }): Promise<void> {
    const { topic, partitions } = options;
    await this.retry(async () => {
      await this.cluster.refreshMetadataIfNecessary([topic]);
      const byLeader = this.byLeader(topic, partitions.map((p) => p.partition));
      await Promise.all(
        [...byLeader].map(async ([leader, ids]) => {
          const response = await this.cluster.request(leader, ApiKey.DeleteRecords, {
            timeoutMs: 5000,
            topics: [{ name: topic, partitions: partitions.filter((p) => ids.includes(p.partition)).map((p) => ({ partitionIndex: p.partition, offset: BigInt(p.offset) })) }],
          });
          for (const t of response.topics) for (const p of t.partitions) if (p.errorCode !== 0) throw new KafkaProtocolError(p.errorCode, `${topic}-${p.partitionIndex}`);
        }),
      );
    });
  }

  // ---- cluster and configs ----

  async describeCluster(): Promise<{ brokers: Array<{ nodeId: number; host: string; port: number }>; controller: number | null; clusterId: string }> {
    return this.retry(async () => {
      await this.cluster.refreshMetadata();
      const m = this.cluster.metadata;
      return {
        brokers: [...m.brokers.values()].map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port })),
        controller: m.controllerId >= 0 ? m.controllerId : null,
        clusterId: m.clusterId ?? '',
      };
    });
  }

  // ---- partition reassignment (Kafka's Admin API; not in KafkaJS) ----

  /**
   * Moves partitions to new replica lists (KIP-455), or cancels a move in progress (`replicas:
   * null`). Sent to the controller; a request-level error is thrown (retried when retriable), and
   * each partition's outcome is returned (`error` null when accepted).
   */
  async alterPartitionReassignments(options: { topics: PartitionReassignment[]; timeout?: number }): Promise<PartitionReassignmentResult[]> {
    const { topics, timeout = 30_000 } = options;
    return this.retry(async () => {
      const connection = await this.cluster.controllerConnection();
      const response = await connection.request(ApiKey.AlterPartitionReassignments, {
        timeoutMs: timeout,
        topics: topics.map((t) => ({ name: t.topic, partitions: t.partitionAssignment.map((p) => ({ partitionIndex: p.partition, replicas: p.replicas })) })),
      });
      if (response.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(response.errorCode, response.errorMessage);
      return response.responses.flatMap((t) =>
        t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex, error: p.errorCode === ErrorCode.NONE ? null : new KafkaProtocolError(p.errorCode, p.errorMessage) })),
      );
    });
  }

  /** The partitions being reassigned (of the given topics and partitions, or all). */
  async listPartitionReassignments(options: { topics?: Array<{ topic: string; partitions: number[] }>; timeout?: number } = {}): Promise<OngoingPartitionReassignment[]> {
    const { topics, timeout = 30_000 } = options;
    return this.retry(async () => {
      const connection = await this.cluster.controllerConnection();
      const response = await connection.request(ApiKey.ListPartitionReassignments, {
        timeoutMs: timeout,
        topics: topics === undefined ? null : topics.map((t) => ({ name: t.topic, partitionIndexes: t.partitions })),
      });
      if (response.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(response.errorCode, response.errorMessage);
      return response.topics.flatMap((t) =>
        t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex, replicas: p.replicas, addingReplicas: p.addingReplicas, removingReplicas: p.removingReplicas })),
      );
    });
  }

  async describeConfigs(options: DescribeConfigsOptions): Promise<DescribeConfigsResult> {
    const { resources, includeSynonyms = false } = options;
    const { results, throttleTime } = await this.configRequests(resources, async (connection, group) => {
      const response = await connection.request(ApiKey.DescribeConfigs, {
        includeSynonyms,
        includeDocumentation: false,
        resources: group.map((r) => ({ resourceType: r.type, resourceName: r.name, configurationKeys: r.configNames ?? null })),
      });
      const results = response.results.map((r) => ({
        errorCode: r.errorCode,
        errorMessage: r.errorMessage,
        resourceType: r.resourceType,
        resourceName: r.resourceName,
        configEntries: r.configs.map((c) => ({
          configName: c.name,
          configValue: c.value,
          readOnly: c.readOnly,
          // v0 has IsDefault; v1+ has ConfigSource instead (5 = DEFAULT_CONFIG) and decodes IsDefault as false.
          isDefault: c.configSource !== undefined && c.configSource >= 0 ? c.configSource === 5 : (c.isDefault ?? false),
          configSource: c.configSource ?? -1,
          isSensitive: c.isSensitive,
          configSynonyms: (c.synonyms ?? []).map((s) => ({ configName: s.name, configValue: s.value, configSource: s.source })),
        })),
      }));
      return { throttleTimeMs: response.throttleTimeMs, results };
    });
    return { resources: results, throttleTime };
  }

  /** AlterConfigs (the whole set of a resource's dynamic configs is replaced, as Kafka's API does). */
  async alterConfigs(options: AlterConfigsOptions): Promise<AlterConfigsResult> {
    const { resources, validateOnly = false } = options;
    const { results, throttleTime } = await this.configRequests(resources, async (connection, group) => {
      const response = await connection.request(ApiKey.AlterConfigs, {
        validateOnly,
        resources: group.map((r) => ({ resourceType: r.type, resourceName: r.name, configs: r.configEntries.map((c) => ({ name: c.name, value: c.value })) })),
      });
      return { throttleTimeMs: response.throttleTimeMs, results: response.responses.map((r) => ({ errorCode: r.errorCode, errorMessage: r.errorMessage, resourceType: r.resourceType, resourceName: r.resourceName })) };
    });
    return { resources: results, throttleTime };
  }

  /**
   * IncrementalAlterConfigs (Kafka's Admin.incrementalAlterConfigs; not in KafkaJS): only the named
   * configs change, each by its operation; the rest of the resource's dynamic configs stay. A
   * broker resource goes to that broker; a failed resource throws (the first one's error).
   */
  async incrementalAlterConfigs(options: IncrementalAlterConfigsOptions): Promise<AlterConfigsResult> {
    const { resources, validateOnly = false } = options;
    const { results, throttleTime } = await this.configRequests(resources, async (connection, group) => {
      const response = await connection.request(ApiKey.IncrementalAlterConfigs, {
        validateOnly,
        resources: group.map((r) => ({ resourceType: r.type, resourceName: r.name, configs: r.configEntries.map((c) => ({ name: c.name, configOperation: c.operation, value: c.value ?? null })) })),
      });
      return { throttleTimeMs: response.throttleTimeMs, results: response.responses.map((r) => ({ errorCode: r.errorCode, errorMessage: r.errorMessage, resourceType: r.resourceType, resourceName: r.resourceName })) };
    });
    return { resources: results, throttleTime };
  }

  /**
   * One config request per broker that must answer it (a broker resource goes to that broker, the
   * rest to any broker), with retries; the first failed resource throws.
   */
  private configRequests<R extends { type: number; name: string }, Out extends { errorCode: number; errorMessage: string | null; resourceName: string }>(
    resources: R[],
    send: (connection: BrokerConnection, group: R[]) => Promise<{ throttleTimeMs: number; results: Out[] }>,
  ): Promise<{ results: Out[]; throttleTime: number }> {
    return this.retry(async () => {
      const results: Out[] = [];
      let throttleTime = 0;
      for (const [nodeId, group] of this.byConfigBroker(resources)) {
        const connection = nodeId === undefined ? await this.cluster.anyConnection() : await this.cluster.connectionTo(nodeId);
        const response = await send(connection, group);
        throttleTime = Math.max(throttleTime, response.throttleTimeMs);
        results.push(...response.results);
      }
      const failed = results.find((r) => r.errorCode !== 0);
      if (failed !== undefined) throw new KafkaProtocolError(failed.errorCode, failed.errorMessage ?? failed.resourceName);
      return { results, throttleTime };
    });
  }

  // ---- groups ----

  async listGroups(): Promise<{ groups: GroupOverview[] }> {
    return this.retry(async () => {
      await this.cluster.refreshMetadataIfNecessary();
      const groups: GroupOverview[] = [];
      for (const nodeId of this.cluster.metadata.brokers.keys()) {
        const response = await this.cluster.request(nodeId, ApiKey.ListGroups, { statesFilter: [], typesFilter: [] });
        if (response.errorCode !== 0) throw new KafkaProtocolError(response.errorCode, 'ListGroups');
        for (const g of response.groups) groups.push({ groupId: g.groupId, protocolType: g.protocolType });
      }
      return { groups };
    });
  }

  async describeGroups(groupIds: string[]): Promise<GroupDescriptions> {
    return this.retry(async () => {
      const byCoordinator = new Map<number, string[]>();
      for (const id of groupIds) {
        const node = await this.cluster.coordinatorFor(id);
        byCoordinator.set(node, [...(byCoordinator.get(node) ?? []), id]);
      }
      const described = new Map<string, GroupDescriptions['groups'][number]>();
      for (const [node, ids] of byCoordinator) {
        const response = await this.cluster.request(node, ApiKey.DescribeGroups, { groups: ids, includeAuthorizedOperations: false });
        for (const g of response.groups) {
          if (g.errorCode !== 0 && new KafkaProtocolError(g.errorCode).retriable) throw new KafkaProtocolError(g.errorCode, `group ${g.groupId}`);
          described.set(g.groupId, {
            groupId: g.groupId,
            errorCode: g.errorCode,
            state: g.groupState,
            protocolType: g.protocolType,
            protocol: g.protocolData,
            members: g.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId ?? null, clientId: m.clientId, clientHost: m.clientHost, memberMetadata: Buffer.from(m.memberMetadata), memberAssignment: Buffer.from(m.memberAssignment) })),
          });
        }
      }
      return { groups: groupIds.map((id) => described.get(id)!).filter((g) => g !== undefined) };
    });
  }

  /** Deletes groups; throws KafkaDeleteGroupsError naming the groups that could not be deleted. */
  async deleteGroups(groupIds: string[]): Promise<DeleteGroupsResult[]> {
    const results = await this.retry(async () => {
      const out: DeleteGroupsResult[] = [];
      const byCoordinator = new Map<number, string[]>();
      for (const id of groupIds) {
        const node = await this.cluster.coordinatorFor(id);
        byCoordinator.set(node, [...(byCoordinator.get(node) ?? []), id]);
      }
      for (const [node, ids] of byCoordinator) {
        const response = await this.cluster.request(node, ApiKey.DeleteGroups, { groupsNames: ids });
        for (const r of response.results) {
          const error = r.errorCode === 0 ? undefined : new KafkaProtocolError(r.errorCode, `group ${r.groupId}`);
          if (error?.retriable === true) throw error;
          out.push({ groupId: r.groupId, errorCode: r.errorCode, ...(error === undefined ? {} : { error }) });
        }
      }
      return out;
    });
    const failed = results.filter((r) => r.errorCode !== 0);
    if (failed.length > 0) throw new KafkaDeleteGroupsError(failed);
    return results;
  }

  /**
   * Deletes a group's committed offsets of the given partitions (OffsetDelete; Kafka's Java Admin
   * calls it deleteConsumerGroupOffsets; KafkaJS has no such method). A group-level error
   * (GROUP_ID_NOT_FOUND, NON_EMPTY_GROUP, ...) is thrown as a KafkaProtocolError; partition-level
   * ones (GROUP_SUBSCRIBED_TO_TOPIC: the group consumes that topic; UNKNOWN_TOPIC_OR_PARTITION) are
   * in the result, one entry per partition asked for, and not retried.
   */
  async deleteGroupOffsets(options: { groupId: string; topics: Array<{ topic: string; partitions: number[] }> }): Promise<DeleteGroupOffsetsResult[]> {
    const { groupId, topics } = options;
    return this.retry(async () => {
      const node = await this.cluster.coordinatorFor(groupId);
      const response = await this.cluster.request(node, ApiKey.OffsetDelete, {
        groupId,
        topics: topics.map((t) => ({ name: t.topic, partitions: t.partitions.map((partitionIndex) => ({ partitionIndex })) })),
      });
      if (response.errorCode !== 0) throw new KafkaProtocolError(response.errorCode, `group ${groupId}`);
      const out: DeleteGroupOffsetsResult[] = [];
      for (const t of response.topics) {
        for (const p of t.partitions) {
          // The coordinator's answer per partition is final (as Kafka's Admin: not retried).
          const error = p.errorCode === 0 ? undefined : new KafkaProtocolError(p.errorCode, `${t.name}-${p.partitionIndex}`);
          out.push({ topic: t.name, partition: p.partitionIndex, errorCode: p.errorCode, ...(error === undefined ? {} : { error }) });
        }
      }
      return out;
    });
  }

  /** The broker coordinating a group (FindCoordinator). */
  async findGroupCoordinator(groupId: string): Promise<{ nodeId: number; host: string; port: number }> {
    return this.retry(async () => {
      const nodeId = await this.cluster.coordinatorFor(groupId);
      const broker = this.cluster.metadata.brokers.get(nodeId);
      return { nodeId, host: broker?.host ?? '', port: broker?.port ?? -1 };
    });
  }

  /** Committed offsets of a group ("-1" where none), for the given topics or every topic it committed. */
  async fetchOffsets(options: FetchOffsetsOptions): Promise<Array<{ topic: string; partitions: Array<{ partition: number; offset: string; metadata: string | null }> }>> {
    const { groupId } = options;
    return this.retry(async () => {
      let topics: Array<{ name: string; partitionIndexes: number[] }> | null = null;
      if (options.topics !== undefined) {
        await this.cluster.refreshMetadataIfNecessary(options.topics);
        topics = options.topics.map((name) => {
          const m = this.cluster.metadata.topics.get(name);
          if (m === undefined) throw new KafkaProtocolError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic ${name}`);
          return { name, partitionIndexes: m.partitions.map((p) => p.partitionId) };
        });
      }
      const byTopic = new Map<string, Array<{ partition: number; offset: string; metadata: string | null }>>();
      for (const c of await fetchCommittedOffsets(this.cluster, groupId, topics)) {
        const list = byTopic.get(c.topic) ?? [];
        list.push({ partition: c.partition, offset: c.offset.toString(), metadata: c.metadata });
        byTopic.set(c.topic, list);
      }
      const names = topics?.map((t) => t.name) ?? [...byTopic.keys()];
      return names.map((topic) => ({ topic, partitions: (byTopic.get(topic) ?? []).sort((a, b) => a.partition - b.partition) }));
    });
  }

  /** Commits offsets for a group that has no active members. */
  async setOffsets(options: { groupId: string; topic: string; partitions: SeekEntry[] }): Promise<void> {
    const { groupId, topic, partitions } = options;
    await this.assertGroupInactive(groupId);
    await this.retry(async () => {
      const node = await this.cluster.coordinatorFor(groupId);
      const response = await this.cluster.request(node, ApiKey.OffsetCommit, {
        groupId,
        generationIdOrMemberEpoch: -1,
        memberId: '',
        groupInstanceId: null,
        retentionTimeMs: -1n,
        topics: [{ name: topic, partitions: partitions.map((p) => ({ partitionIndex: p.partition, committedOffset: BigInt(p.offset), committedLeaderEpoch: -1, committedMetadata: null })) }],
      });
      for (const t of response.topics) for (const p of t.partitions) if (p.errorCode !== 0) throw new KafkaProtocolError(p.errorCode, `${t.name}-${p.partitionIndex}`);
    });
  }

  /** Moves a group's committed offsets of a topic to the end (or, with `earliest`, the start) of every partition. */
  async resetOffsets(options: { groupId: string; topic: string; earliest?: boolean }): Promise<void> {
    const { groupId, topic, earliest = false } = options;
    await this.assertGroupInactive(groupId);
    const offsets = await this.fetchTopicOffsets(topic);
    await this.setOffsets({ groupId, topic, partitions: offsets.map((o) => ({ partition: o.partition, offset: earliest ? o.low : o.high })) });
  }

  // ---- helpers ----

  private async assertGroupInactive(groupId: string): Promise<void> {
    const { groups } = await this.describeGroups([groupId]);
    const state = groups[0]?.state ?? 'Dead';
    if (!INACTIVE_GROUP_STATES.has(state)) {
      throw new KafkaClientStateError(`the consumer group ${groupId} must have no running members (it is ${state})`);
    }
  }

  /** Partitions of a topic grouped by leader; throws a retriable error when a leader is unknown. */
  private byLeader(topic: string, partitions: number[]): Map<number, number[]> {
    const out = new Map<number, number[]>();
    for (const p of partitions) {
      const leader = this.cluster.leaderFor(topic, p);
      if (leader === undefined) {
        const known = this.cluster.metadata.topics.has(topic);
        throw new KafkaProtocolError(known ? ErrorCode.LEADER_NOT_AVAILABLE : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `${topic}-${p}`);
      }
      out.set(leader, [...(out.get(leader) ?? []), p]);
    }
    return out;
  }

  /** ListOffsets for every partition of a topic; the offset per partition. */
  private async listOffsets(topic: string, timestampFor: (partition: number) => bigint): Promise<Map<number, bigint>> {
    await this.cluster.refreshMetadataIfNecessary([topic]);
    const meta = this.cluster.metadata.topics.get(topic);
    if (meta === undefined) throw new KafkaProtocolError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic ${topic}`);
    const found = await listPartitionOffsets(this.cluster, meta.partitions.map((p) => ({ topic, partition: p.partitionId, timestamp: timestampFor(p.partitionId) })));
    return new Map(meta.partitions.map((p) => [p.partitionId, found.get(`${topic}\0${p.partitionId}`) ?? -1n]));
  }

  /** Config resources grouped by the broker to ask: a broker resource goes to that broker, the rest to any. */
  private byConfigBroker<R extends { type: number; name: string }>(resources: R[]): Map<number | undefined, R[]> {
    const out = new Map<number | undefined, R[]>();
    for (const r of resources) {
      const node = r.type === 4 && r.name !== '' && Number.isInteger(Number(r.name)) ? Number(r.name) : undefined;
      out.set(node, [...(out.get(node) ?? []), r]);
    }
    return out;
  }
}
