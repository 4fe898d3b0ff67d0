import { ApiKey } from '../../protocol/generated/api-table.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import type { FindCoordinatorResponseCoordinator } from '../../protocol/generated/find-coordinator.js';
import { groupErrorCode } from '../group/group-error-code.js';
import { defineHandler } from './api-handler.js';
import type { RequestContext } from './api-handler.js';

const GROUP_KEY = 0;
const TRANSACTION_KEY = 1;

async function coordinatorFor(key: string, keyType: number, ctx: RequestContext): Promise<FindCoordinatorResponseCoordinator> {
  const none = (errorCode: number, errorMessage: string | null): FindCoordinatorResponseCoordinator => ({ key, nodeId: -1, host: '', port: -1, errorCode, errorMessage });
  if (keyType === TRANSACTION_KEY) return none(ErrorCode.COORDINATOR_NOT_AVAILABLE, 'The transaction coordinator is not available (transactions are not supported yet).');
  if (keyType !== GROUP_KEY) return none(ErrorCode.INVALID_REQUEST, `Unknown coordinator type ${keyType}`);
  const { groupCoordinator, metadata } = ctx.services;
  const found = await groupCoordinator.findCoordinator(key);
  if (!found.ok) return none(groupErrorCode(found.error), null);
  const broker = metadata.brokers().find((b) => b.nodeId === found.nodeId);
  const endpoint = broker?.endpoints.find((e) => e.listenerName === ctx.connection.listenerName) ?? broker?.endpoints[0];
  if (endpoint === undefined) return none(ErrorCode.COORDINATOR_NOT_AVAILABLE, null);
  return { key, nodeId: found.nodeId, host: endpoint.host, port: endpoint.port, errorCode: ErrorCode.NONE, errorMessage: null };
}

/** FindCoordinator: a group's coordinator is the leader of its __consumer_offsets partition (single key, or batched v4+). */
export const findCoordinatorHandler = defineHandler({
  apiKey: ApiKey.FindCoordinator,
  minVersion: 0,
  maxVersion: 6,
  async handle(request, ctx) {
    const v = ctx.apiVersion;
    const keyType = v >= 1 ? request.keyType ?? GROUP_KEY : GROUP_KEY;
    if (v >= 4) {
      const coordinators: FindCoordinatorResponseCoordinator[] = [];
      for (const key of request.coordinatorKeys ?? []) coordinators.push(await coordinatorFor(key, keyType, ctx));
      return { throttleTimeMs: 0, coordinators };
    }
    const c = await coordinatorFor(request.key ?? '', keyType, ctx);
    return { throttleTimeMs: 0, errorCode: c.errorCode, errorMessage: c.errorMessage, nodeId: c.nodeId, host: c.host, port: c.port };
  },
});
