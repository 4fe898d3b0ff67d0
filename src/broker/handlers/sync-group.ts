import { ApiKey } from '../../protocol/generated/api-table.js';
import { groupErrorCode } from '../group/group-error-code.js';
import { defineHandler } from './api-handler.js';

/** SyncGroup: the leader hands in the assignments; every member gets its own once they are stored. */
export const syncGroupHandler = defineHandler({
  apiKey: ApiKey.SyncGroup,
  minVersion: 0,
  maxVersion: 5,
  async handle(request, ctx) {
    const v = ctx.apiVersion;
    const out = await ctx.services.groupCoordinator.syncGroup({
      groupId: request.groupId,
      generationId: request.generationId,
      memberId: request.memberId,
      groupInstanceId: v >= 3 ? request.groupInstanceId ?? null : null,
      protocolType: v >= 5 ? request.protocolType ?? null : null,
      protocolName: v >= 5 ? request.protocolName ?? null : null,
      assignments: request.assignments.map((a) => ({ memberId: a.memberId, assignment: a.assignment })),
    });
    return { throttleTimeMs: 0, errorCode: groupErrorCode(out.error), protocolType: out.protocolType, protocolName: out.protocolName, assignment: out.assignment };
  },
});
