import { ApiKey } from '../../protocol/generated/api-table.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { defineHandler } from './api-handler.js';

/** ApiVersions: the exact version ranges this broker implements (computed from the handler registry). */
export const apiVersionsHandler = defineHandler({
  apiKey: ApiKey.ApiVersions,
  minVersion: 0,
  maxVersion: 4,
  async handle(_request, ctx) {
    return {
      errorCode: ErrorCode.NONE,
      apiKeys: ctx.services.apiVersions(),
      throttleTimeMs: 0,
      supportedFeatures: [],
      finalizedFeaturesEpoch: -1n,
      finalizedFeatures: [],
      zkMigrationReady: false,
    };
  },
});
