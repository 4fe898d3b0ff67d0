import { ApiKey } from '../../protocol/generated/api-table.js';
import { groupErrorCode } from '../group/group-error-code.js';
import { defineHandler } from './api-handler.js';

/** LeaveGroup: one member (v0-2) or a batch of members, by member id or group.instance.id (v3+). */
export const leaveGroupHandler = defineHandler({
  apiKey: ApiKey.LeaveGroup,
  minVersion: 0,
  maxVersion: 5,
  async handle(request, ctx) {
    const v = ctx.apiVersion;
    const members = v >= 3 ? (request.members ?? []).map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId ?? null })) : [{ memberId: request.memberId ?? '', groupInstanceId: null }];
    const out = await ctx.services.groupCoordinator.leaveGroup({ groupId: request.groupId, members });
    if (v < 3) {
      // One member: its error is the response's error.
      return { throttleTimeMs: 0, errorCode: groupErrorCode(out.error ?? out.members[0]?.error ?? null) };
    }
    return {
      throttleTimeMs: 0,
      errorCode: groupErrorCode(out.error),
      members: out.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, errorCode: groupErrorCode(m.error) })),
    };
  },
});
