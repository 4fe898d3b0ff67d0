import { ApiKey } from '../../protocol/generated/api-table.js';
import { defineHandler } from './api-handler.js';
import { alterResourceConfigs, alterResponses } from './config-resource.js';

/**
 * AlterConfigs (the legacy, replacing form): a topic's overrides, or a broker's (or the cluster
 * default's) dynamic configs, become exactly the configs given; keys left out return to their
 * defaults. validate_only checks without changing anything.
 */
export const alterConfigsHandler = defineHandler({
  apiKey: ApiKey.AlterConfigs,
  minVersion: 0,
  maxVersion: 2,
  async handle(request, ctx) {
    const responses = await alterResponses(request.resources, async (resource) => {
      const nulls = resource.configs.filter((c) => c.value === null).map((c) => c.name);
      if (nulls.length > 0) return { error: 'INVALID_REQUEST', message: `Null value not supported for : ${nulls.join(',')}` };
      const configs: Record<string, string> = {};
      for (const c of resource.configs) configs[c.name] = c.value!;
      return alterResourceConfigs(resource, () => ({ ok: true, configs }), request.validateOnly, ctx);
    });
    return { throttleTimeMs: 0, responses };
  },
});
