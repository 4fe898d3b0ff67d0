import { ApiKey } from '../../protocol/generated/api-table.js';
import type { AlterPartitionReassignmentsResponseReassignableTopicResponse } from '../../protocol/generated/alter-partition-reassignments.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { NotControllerError } from '../controller/controller.js';
import type { ReassignmentRequest, ReassignmentResult } from '../controller/controller.js';
import { defineHandler } from './api-handler.js';

/**
 * AlterPartitionReassignments (KIP-455; kafka-reassign-partitions --execute, Admin
 * alterPartitionReassignments): moves partitions to new replica sets, or cancels a move (null
 * replicas). The controller carries it out; another broker answers NOT_CONTROLLER. A broker
 * without ZooKeeper has no other broker to move anything to.
 */
export const alterPartitionReassignmentsHandler = defineHandler({
  apiKey: ApiKey.AlterPartitionReassignments,
  minVersion: 0,
  maxVersion: 0,
  async handle(request, ctx) {
    const top = (errorCode: number, errorMessage: string | null) => ({ throttleTimeMs: 0, errorCode, errorMessage, responses: [] });
    const role = ctx.services.controller();
    if (role === null) return top(ErrorCode.INVALID_REQUEST, 'Partition reassignment needs a cluster (zookeeper.connect): this broker runs alone.');
    const requests: ReassignmentRequest[] = request.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex, replicas: p.replicas })));
    let results: Map<string, ReassignmentResult>;
    try {
      results = await role.reassignPartitions(requests);
    } catch (err) {
      if (err instanceof NotControllerError) return top(ErrorCode.NOT_CONTROLLER, null);
      throw err;
    }
    const responses: AlterPartitionReassignmentsResponseReassignableTopicResponse[] = request.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => {
        const r = results.get(`${t.name}-${p.partitionIndex}`) ?? { error: 'UNKNOWN_TOPIC_OR_PARTITION' as const, message: 'Not handled by the controller.' };
        return { partitionIndex: p.partitionIndex, errorCode: r.error === null ? ErrorCode.NONE : ErrorCode[r.error], errorMessage: r.error === null ? null : r.message };
      }),
    }));
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, responses };
  },
});
