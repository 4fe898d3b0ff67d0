import type { AlterConfigsRequestAlterConfigsResource, AlterConfigsResponseAlterConfigsResourceResponse } from '../../protocol/generated/alter-configs.js';
import { ApiKey } from '../../protocol/generated/api-table.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { validateTopicConfigs } from '../config/topic-config.js';
import { defineHandler } from './api-handler.js';
import type { RequestContext } from './api-handler.js';
import { brokerResourceId, ConfigResourceType, configResourceTypeName, validateDynamicBrokerConfigs } from './config-resource.js';

type AlterFailure = { error: 'INVALID_REQUEST' | 'INVALID_CONFIG' | 'UNKNOWN_TOPIC_OR_PARTITION'; message: string };

async function alter(resource: AlterConfigsRequestAlterConfigsResource, validateOnly: boolean, ctx: RequestContext): Promise<AlterFailure | null> {
  const { metadata, config, nodeId } = ctx.services;
  const nulls = resource.configs.filter((c) => c.value === null).map((c) => c.name);
  if (nulls.length > 0) return { error: 'INVALID_REQUEST', message: `Null value not supported for : ${nulls.join(',')}` };
  const configs: Record<string, string> = {};
  for (const c of resource.configs) configs[c.name] = c.value!;

  switch (resource.resourceType) {
    case ConfigResourceType.TOPIC: {
      const name = resource.resourceName;
      if (name === '') return { error: 'INVALID_REQUEST', message: 'Default topic resources are not allowed.' };
      if (metadata.topic(name) === undefined) return { error: 'UNKNOWN_TOPIC_OR_PARTITION', message: `The topic '${name}' does not exist.` };
      const valid = validateTopicConfigs(configs, config);
      if (!valid.ok) return { error: 'INVALID_CONFIG', message: valid.message };
      if (validateOnly) return null;
      const r = await metadata.setTopicConfigs(name, configs);
      if (!r.ok) return { error: 'UNKNOWN_TOPIC_OR_PARTITION', message: r.message };
      ctx.logger.info({ topic: name, configs }, 'replaced topic configs');
      return null;
    }
    case ConfigResourceType.BROKER: {
      const id = brokerResourceId(resource.resourceName, nodeId, 'alter');
      if ('error' in id) return id;
      const invalid = validateDynamicBrokerConfigs(configs, id.brokerId !== null);
      if (invalid !== null) return invalid;
      if (validateOnly) return null;
      await metadata.setBrokerConfigs(id.brokerId, configs);
      ctx.logger.info({ broker: id.brokerId ?? '<default>', keys: Object.keys(configs) }, 'replaced dynamic broker configs');
      return null;
    }
    default:
      return {
        error: 'INVALID_REQUEST',
        message: `AlterConfigs is only supported for topics and brokers, but resource type is ${configResourceTypeName(resource.resourceType)}`,
      };
  }
}

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
    const responses: AlterConfigsResponseAlterConfigsResourceResponse[] = [];
    for (const resource of request.resources) {
      const failure = await alter(resource, request.validateOnly, ctx);
      responses.push({
        resourceType: resource.resourceType,
        resourceName: resource.resourceName,
        errorCode: failure === null ? ErrorCode.NONE : ErrorCode[failure.error],
        errorMessage: failure?.message ?? null,
      });
    }
    return { throttleTimeMs: 0, responses };
  },
});
