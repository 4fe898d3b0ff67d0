import { ApiKey } from '../../protocol/generated/api-table.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import type {
  IncrementalAlterConfigsRequestAlterConfigsResource,
  IncrementalAlterConfigsResponseAlterConfigsResourceResponse,
} from '../../protocol/generated/incremental-alter-configs.js';
import { applyIncrementalAlter } from '../config/apply-incremental-alter.js';
import { brokerConfigDefinitions } from '../config/broker-config-definitions.js';
import { validateTopicConfigs } from '../config/topic-config.js';
import { defineHandler } from './api-handler.js';
import type { RequestContext } from './api-handler.js';
import { brokerResourceId, ConfigResourceType, configResourceTypeName, validateDynamicBrokerConfigs } from './config-resource.js';

type AlterFailure = { error: 'INVALID_REQUEST' | 'INVALID_CONFIG' | 'UNKNOWN_TOPIC_OR_PARTITION'; message: string };

async function alter(resource: IncrementalAlterConfigsRequestAlterConfigsResource, validateOnly: boolean, ctx: RequestContext): Promise<AlterFailure | null> {
  const { metadata, config, nodeId } = ctx.services;
  const ops = resource.configs.map((c) => ({ name: c.name, op: c.configOperation, value: c.value }));
  switch (resource.resourceType) {
    case ConfigResourceType.TOPIC: {
      const name = resource.resourceName;
      if (name === '') return { error: 'INVALID_REQUEST', message: 'Default topic resources are not allowed.' };
      const topic = metadata.topic(name);
      if (topic === undefined) return { error: 'UNKNOWN_TOPIC_OR_PARTITION', message: `The topic '${name}' does not exist.` };
      const applied = applyIncrementalAlter(topic.configs, ops);
      if (!applied.ok) return applied;
      const valid = validateTopicConfigs(applied.configs, config);
      if (!valid.ok) return { error: 'INVALID_CONFIG', message: valid.message };
      if (validateOnly) return null;
      const r = await metadata.setTopicConfigs(name, applied.configs);
      if (!r.ok) return { error: 'UNKNOWN_TOPIC_OR_PARTITION', message: r.message };
      ctx.logger.info({ topic: name, configs: applied.configs }, 'altered topic configs');
      return null;
    }
    case ConfigResourceType.BROKER: {
      const id = brokerResourceId(resource.resourceName, nodeId, 'alter');
      if ('error' in id) return id;
      const applied = applyIncrementalAlter(metadata.brokerConfigs(id.brokerId), ops, brokerConfigDefinitions);
      if (!applied.ok) return applied;
      const invalid = validateDynamicBrokerConfigs(applied.configs, id.brokerId !== null);
      if (invalid !== null) return invalid;
      if (validateOnly) return null;
      await metadata.setBrokerConfigs(id.brokerId, applied.configs);
      ctx.logger.info({ broker: id.brokerId ?? '<default>', keys: Object.keys(applied.configs) }, 'altered dynamic broker configs');
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
 * IncrementalAlterConfigs: SET, DELETE, APPEND and SUBTRACT on a topic's overrides or on a
 * broker's (or the cluster default's) dynamic configs; the merged result is validated as a whole.
 * validate_only checks without changing anything.
 */
export const incrementalAlterConfigsHandler = defineHandler({
  apiKey: ApiKey.IncrementalAlterConfigs,
  minVersion: 0,
  maxVersion: 1,
  async handle(request, ctx) {
    const responses: IncrementalAlterConfigsResponseAlterConfigsResourceResponse[] = [];
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
