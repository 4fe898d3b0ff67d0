import { ApiKey } from '../../protocol/generated/api-table.js';
import type { DescribeGroupsResponseDescribedGroup } from '../../protocol/generated/describe-groups.js';
import { groupErrorCode } from '../group/group-error-code.js';
import { defineHandler } from './api-handler.js';

const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;
/** Without an authorizer every operation a group supports is allowed: READ (3), DELETE (6), DESCRIBE (8). */
const GROUP_OPERATIONS = (1 << 3) | (1 << 6) | (1 << 8);

/** DescribeGroups: state, protocol and members (with metadata and assignment once Stable); unknown groups are Dead. */
export const describeGroupsHandler = defineHandler({
  apiKey: ApiKey.DescribeGroups,
  minVersion: 0,
  maxVersion: 5,
  async handle(request, ctx) {
    const ops = ctx.apiVersion >= 3 && request.includeAuthorizedOperations === true ? GROUP_OPERATIONS : AUTHORIZED_OPERATIONS_OMITTED;
    const groups: DescribeGroupsResponseDescribedGroup[] = [];
    for (const groupId of request.groups) {
      const { error, group } = await ctx.services.groupCoordinator.describeGroup(groupId);
      groups.push({
        errorCode: groupErrorCode(error),
        groupId,
        groupState: error === null ? group.state : '',
        protocolType: group.protocolType,
        protocolData: group.protocolName,
        members: group.members.map((m) => ({
          memberId: m.memberId,
          groupInstanceId: m.groupInstanceId,
          clientId: m.clientId,
          clientHost: m.clientHost,
          memberMetadata: m.metadata,
          memberAssignment: m.assignment,
        })),
        authorizedOperations: ops,
      });
    }
    return { throttleTimeMs: 0, groups };
  },
});
