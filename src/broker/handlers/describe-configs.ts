import { ApiKey } from '../../protocol/generated/api-table.js';
import type {
  DescribeConfigsRequestDescribeConfigsResource,
  DescribeConfigsResponseDescribeConfigsResourceResult,
  DescribeConfigsResponseDescribeConfigsResult,
} from '../../protocol/generated/describe-configs.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { describeBrokerConfigs, describeTopicConfigs } from '../config/config-entry.js';
import type { ConfigEntry } from '../config/config-entry.js';
import { topicNameProblem } from '../metadata/topic-name.js';
import { defineHandler } from './api-handler.js';
import type { RequestContext } from './api-handler.js';
import { brokerResourceId, ConfigResourceType, dynamicBrokerConfigs } from './config-resource.js';

type Described = { ok: true; configs: ConfigEntry[] } | { ok: false; error: 'INVALID_REQUEST' | 'INVALID_TOPIC_EXCEPTION' | 'UNKNOWN_TOPIC_OR_PARTITION'; message: string };

function describe(
  resource: DescribeConfigsRequestDescribeConfigsResource,
  options: { includeSynonyms: boolean; includeDocumentation: boolean },
  ctx: RequestContext,
): Described {
  const { metadata, config, nodeId } = ctx.services;
  const dynamic = dynamicBrokerConfigs(metadata, nodeId);
  const keys = resource.configurationKeys;
  switch (resource.resourceType) {
    case ConfigResourceType.TOPIC: {
      const problem = topicNameProblem(resource.resourceName);
      if (problem !== null) return { ok: false, error: 'INVALID_TOPIC_EXCEPTION', message: problem };
      const topic = metadata.topic(resource.resourceName);
      if (topic === undefined) return { ok: false, error: 'UNKNOWN_TOPIC_OR_PARTITION', message: `The topic '${resource.resourceName}' does not exist.` };
      return { ok: true, configs: describeTopicConfigs(config, topic.configs, { ...options, keys, dynamic }) };
    }
    case ConfigResourceType.BROKER: {
      const id = brokerResourceId(resource.resourceName, nodeId, 'describe');
      if ('error' in id) return { ok: false, error: 'INVALID_REQUEST', message: id.message };
      return { ok: true, configs: describeBrokerConfigs(config, dynamic, { ...options, keys, perBroker: id.brokerId !== null }) };
    }
    default:
      return { ok: false, error: 'INVALID_REQUEST', message: `Unsupported resource type: ${resource.resourceType}` };
  }
}

/** An entry in the fields `version` has: is_default in v0, source and synonyms from v1, type and documentation from v3. */
function forVersion(c: ConfigEntry, version: number): DescribeConfigsResponseDescribeConfigsResourceResult {
  const entry: DescribeConfigsResponseDescribeConfigsResourceResult = { name: c.name, value: c.value, readOnly: c.readOnly, isSensitive: c.isSensitive };
  if (version === 0) entry.isDefault = c.isDefault;
  if (version >= 1) {
    entry.configSource = c.configSource;
    entry.synonyms = c.synonyms;
  }
  if (version >= 3) {
    entry.configType = c.configType;
    entry.documentation = c.documentation;
  }
  return entry;
}

/**
 * DescribeConfigs: the configs of topics (values in force, with their sources: topic override,
 * dynamic broker, static broker, default) and of this broker (by its id) or the cluster-wide
 * dynamic defaults (an empty name); synonyms and documentation on request, all keys or the named
 * ones. Other resource types (BROKER_LOGGER, CLIENT_METRICS, ...) are INVALID_REQUEST.
 */
export const describeConfigsHandler = defineHandler({
  apiKey: ApiKey.DescribeConfigs,
  minVersion: 1,
  maxVersion: 4,
  async handle(request, ctx) {
    const options = { includeSynonyms: request.includeSynonyms ?? false, includeDocumentation: request.includeDocumentation ?? false };
    const results: DescribeConfigsResponseDescribeConfigsResult[] = request.resources.map((resource) => {
      const base = { resourceType: resource.resourceType, resourceName: resource.resourceName };
      const described = describe(resource, options, ctx);
      if (!described.ok) return { ...base, errorCode: ErrorCode[described.error], errorMessage: described.message, configs: [] };
      return { ...base, errorCode: ErrorCode.NONE, errorMessage: null, configs: described.configs.map((c) => forVersion(c, ctx.apiVersion)) };
    });
    return { throttleTimeMs: 0, results };
  },
});
