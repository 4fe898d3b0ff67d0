import { ApiKey } from '../../protocol/generated/api-table.js';
import { applyIncrementalAlter } from '../config/apply-incremental-alter.js';
import { brokerConfigDefinitions } from '../config/broker-config-definitions.js';
import { defineHandler } from './api-handler.js';
import { alterResourceConfigs, alterResponses } from './config-resource.js';

/**
 * IncrementalAlterConfigs: SET, DELETE, APPEND and SUBTRACT on a topic's overrides or on a
 * broker's (or the cluster default's) dynamic configs; the merged result is validated as a whole.
 * validate_only checks without changing anything.
 */
export const incrementalAlterConfigsHandler = defineHandler({
  apiKey: ApiKey.IncrementalAlterConfigs,
  minVersion: 0,
  maxVersion: 1,
  async handle(request, ctx) {
    const responses = await alterResponses(request.resources, (resource) => {
      const ops = resource.configs.map((c) => ({ name: c.name, op: c.configOperation, value: c.value }));
      return alterResourceConfigs(
        resource,
        (current, kind) => (kind === 'topic' ? applyIncrementalAlter(current, ops) : applyIncrementalAlter(current, ops, brokerConfigDefinitions)),
        request.validateOnly,
        ctx,
      );
    });
    return { throttleTimeMs: 0, responses };
  },
});
