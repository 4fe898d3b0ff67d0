import { ApiKey } from '../../protocol/generated/api-table.js';
import { groupErrorCode } from '../group/group-error-code.js';
import { defineHandler } from './api-handler.js';

/** ListGroups: the groups this broker coordinates, optionally filtered by state (v4+) and type (v5+; all are "classic"). */
export const listGroupsHandler = defineHandler({
  apiKey: ApiKey.ListGroups,
  minVersion: 0,
  maxVersion: 5,
  async handle(request, ctx) {
    const v = ctx.apiVersion;
    const states = new Set((v >= 4 ? request.statesFilter ?? [] : []).map((s) => s.toLowerCase()));
    const types = new Set((v >= 5 ? request.typesFilter ?? [] : []).map((s) => s.toLowerCase()));
    const { error, groups } = ctx.services.groupCoordinator.listGroups();
    const typeOk = types.size === 0 || types.has('classic');
    return {
      throttleTimeMs: 0,
      errorCode: groupErrorCode(error),
      groups: groups
        .filter((g) => typeOk && (states.size === 0 || states.has(g.state.toLowerCase())))
        .map((g) => ({ groupId: g.groupId, protocolType: g.protocolType, groupState: g.state, groupType: 'classic' })),
    };
  },
});
