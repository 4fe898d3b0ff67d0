import { ApiKey } from '../../protocol/generated/api-table.js';
import { groupErrorCode } from '../group/group-error-code.js';
import { defineHandler } from './api-handler.js';

/** Heartbeat: keeps a member's session alive; REBALANCE_IN_PROGRESS tells it to rejoin. */
export const heartbeatHandler = defineHandler({
  apiKey: ApiKey.Heartbeat,
  minVersion: 0,
  maxVersion: 4,
  async handle(request, ctx) {
    const error = await ctx.services.groupCoordinator.heartbeat({
      groupId: request.groupId,
      memberId: request.memberId,
      groupInstanceId: ctx.apiVersion >= 3 ? request.groupInstanceId ?? null : null,
      generationId: request.generationId,
    });
    return { throttleTimeMs: 0, errorCode: groupErrorCode(error) };
  },
});
