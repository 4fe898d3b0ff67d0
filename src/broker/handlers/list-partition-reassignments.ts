import { ApiKey } from '../../protocol/generated/api-table.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import type { ListPartitionReassignmentsResponseOngoingTopicReassignment } from '../../protocol/generated/list-partition-reassignments.js';
import { NotControllerError } from '../controller/controller.js';
import type { OngoingReassignment } from '../controller/controller.js';
import { defineHandler } from './api-handler.js';

/**
 * ListPartitionReassignments (kafka-reassign-partitions --verify/--list): the partitions being
 * moved, with all, adding and removing replicas. Served by the controller; a broker without
 * ZooKeeper never has any.
 */
export const listPartitionReassignmentsHandler = defineHandler({
  apiKey: ApiKey.ListPartitionReassignments,
  minVersion: 0,
  maxVersion: 0,
  async handle(request, ctx) {
    const role = ctx.services.controller();
    let ongoing: OngoingReassignment[] = [];
    if (role !== null) {
      try {
        ongoing = await role.listReassignments(request.topics === null ? null : new Set(request.topics.map((t) => t.name)));
      } catch (err) {
        if (err instanceof NotControllerError) return { throttleTimeMs: 0, errorCode: ErrorCode.NOT_CONTROLLER, errorMessage: null, topics: [] };
        throw err;
      }
    }
    const wanted = request.topics === null ? null : new Map(request.topics.map((t) => [t.name, new Set(t.partitionIndexes)]));
    const byTopic = new Map<string, ListPartitionReassignmentsResponseOngoingTopicReassignment>();
    for (const r of ongoing) {
      if (wanted !== null && wanted.get(r.topic)?.has(r.partition) !== true) continue;
      let entry = byTopic.get(r.topic);
      if (entry === undefined) {
        entry = { name: r.topic, partitions: [] };
        byTopic.set(r.topic, entry);
      }
      entry.partitions.push({ partitionIndex: r.partition, replicas: r.replicas, addingReplicas: r.addingReplicas, removingReplicas: r.removingReplicas });
    }
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, topics: [...byTopic.values()] };
  },
});
