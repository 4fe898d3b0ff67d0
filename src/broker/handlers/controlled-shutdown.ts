import { ApiKey } from '../../protocol/generated/api-table.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { NotControllerError } from '../controller/controller.js';
import { defineHandler } from './api-handler.js';

/**
 * ControlledShutdown: a broker about to stop asks the controller to move the leadership of its
 * partitions to other in-sync replicas and to take it out of every ISR. The answer lists the
 * partitions it still leads (no other replica in sync). Only the controller serves it
 * (NOT_CONTROLLER elsewhere); a broker without ZooKeeper has nowhere to move leadership to and
 * answers with its partitions remaining.
 */
export const controlledShutdownHandler = defineHandler({
  apiKey: ApiKey.ControlledShutdown,
  minVersion: 0,
  maxVersion: 3,
  async handle(request, ctx) {
    const role = ctx.services.controller();
    if (role === null) {
      if (request.brokerId !== ctx.services.nodeId) return { errorCode: ErrorCode.BROKER_NOT_AVAILABLE, remainingPartitions: [] };
      const remainingPartitions = ctx.services.metadata.topics().flatMap((t) => t.partitions.filter((p) => p.leader === request.brokerId).map((p) => ({ topicName: t.name, partitionIndex: p.partition })));
      return { errorCode: ErrorCode.NONE, remainingPartitions };
    }
    if (!ctx.services.metadata.brokers().some((b) => b.nodeId === request.brokerId)) return { errorCode: ErrorCode.BROKER_NOT_AVAILABLE, remainingPartitions: [] };
    try {
      const remaining = await role.controlledShutdown(request.brokerId);
      ctx.logger.info({ brokerId: request.brokerId, remaining: remaining.length }, 'controlled shutdown of a broker');
      return { errorCode: ErrorCode.NONE, remainingPartitions: remaining.map((r) => ({ topicName: r.topic, partitionIndex: r.partition })) };
    } catch (err) {
      if (err instanceof NotControllerError) return { errorCode: ErrorCode.NOT_CONTROLLER, remainingPartitions: [] };
      throw err;
    }
  },
});
