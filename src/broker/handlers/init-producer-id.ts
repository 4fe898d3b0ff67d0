import { ApiKey } from '../../protocol/generated/api-table.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { defineHandler } from './api-handler.js';

/**
 * InitProducerId for idempotent producers (no transactional id): a fresh producer id with epoch 0.
 * A producer that presents its current id and epoch (KIP-360, v3+) gets the epoch bumped.
 * Transactional ids need the transaction coordinator (a later issue): they are refused.
 */
export const initProducerIdHandler = defineHandler({
  apiKey: ApiKey.InitProducerId,
  minVersion: 0,
  maxVersion: 5,
  async handle(request, ctx) {
    if (request.transactionalId !== null) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, producerId: -1n, producerEpoch: -1 };
    }
    const currentId = request.producerId ?? -1n;
    const currentEpoch = request.producerEpoch ?? -1;
    if (currentId >= 0n && currentEpoch >= 0 && currentEpoch < 32766) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId: currentId, producerEpoch: currentEpoch + 1 };
    }
    const producerId = await ctx.services.producerIds.nextProducerId();
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId, producerEpoch: 0 };
  },
});
