import { ApiKey } from '../../protocol/generated/api-table.js';
import { groupErrorCode } from '../group/group-error-code.js';
import { defineHandler } from './api-handler.js';

/** JoinGroup: a member joins (or rejoins) a classic group; answered when the join phase completes. */
export const joinGroupHandler = defineHandler({
  apiKey: ApiKey.JoinGroup,
  minVersion: 0,
  maxVersion: 9,
  async handle(request, ctx) {
    const v = ctx.apiVersion;
    const out = await ctx.services.groupCoordinator.joinGroup({
      groupId: request.groupId,
      memberId: request.memberId,
      groupInstanceId: v >= 5 ? request.groupInstanceId ?? null : null,
      requireKnownMemberId: v >= 4,
      supportSkippingAssignment: v >= 9,
      clientId: ctx.header.clientId ?? '',
      clientHost: `/${ctx.connection.remoteAddress}`,
      // v0 has no rebalance timeout: the session timeout serves as both.
      rebalanceTimeoutMs: v >= 1 ? request.rebalanceTimeoutMs ?? request.sessionTimeoutMs : request.sessionTimeoutMs,
      sessionTimeoutMs: request.sessionTimeoutMs,
      protocolType: request.protocolType,
      protocols: request.protocols.map((p) => ({ name: p.name, metadata: p.metadata })),
    });
    return {
      throttleTimeMs: 0,
      errorCode: groupErrorCode(out.error),
      generationId: out.generationId,
      protocolType: out.protocolType,
      // Nullable from v7 on; older versions get ''.
      protocolName: v >= 7 ? out.protocolName : out.protocolName ?? '',
      leader: out.leaderId,
      skipAssignment: out.skipAssignment,
      memberId: out.memberId,
      members: out.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: m.metadata })),
    };
  },
});
