import { ApiKey } from '../../protocol/generated/api-table.js';
import { groupErrorCode } from '../group/group-error-code.js';
import { defineHandler } from './api-handler.js';

/** DeleteGroups: removes empty groups and their offsets (tombstones); NON_EMPTY_GROUP while members remain. */
export const deleteGroupsHandler = defineHandler({
  apiKey: ApiKey.DeleteGroups,
  minVersion: 0,
  maxVersion: 2,
  async handle(request, ctx) {
    const errors = await ctx.services.groupCoordinator.deleteGroups(request.groupsNames);
    return { throttleTimeMs: 0, results: request.groupsNames.map((groupId) => ({ groupId, errorCode: groupErrorCode(errors.get(groupId) ?? null) })) };
  },
});
