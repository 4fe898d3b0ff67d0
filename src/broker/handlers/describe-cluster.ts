import { ApiKey } from '../../protocol/generated/api-table.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { defineHandler } from './api-handler.js';

/** DescribeCluster: cluster id, controller and brokers (endpoint type 1 = brokers; controllers are not separate here). */
export const describeClusterHandler = defineHandler({
  apiKey: ApiKey.DescribeCluster,
  minVersion: 0,
  maxVersion: 1,
  async handle(request, ctx) {
    const { metadata } = ctx.services;
    const endpointType = request.endpointType ?? 1;
    if (endpointType !== 1) {
      return {
        throttleTimeMs: 0, errorCode: ErrorCode.UNSUPPORTED_ENDPOINT_TYPE, errorMessage: 'Only broker endpoints (1) are served',
        endpointType, clusterId: metadata.clusterId(), controllerId: -1, brokers: [], clusterAuthorizedOperations: -2147483648,
      };
    }
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      endpointType,
      clusterId: metadata.clusterId(),
      controllerId: metadata.controllerId(),
      brokers: metadata.brokers().map((b) => {
        const e = b.endpoints.find((x) => x.listenerName === ctx.connection.listenerName) ?? b.endpoints[0]!;
        return { brokerId: b.nodeId, host: e.host, port: e.port, rack: b.rack };
      }),
      clusterAuthorizedOperations: -2147483648,
    };
  },
});
