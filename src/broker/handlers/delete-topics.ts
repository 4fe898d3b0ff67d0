import { ApiKey } from '../../protocol/generated/api-table.js';
import type { DeleteTopicsResponseDeletableTopicResult } from '../../protocol/generated/delete-topics.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { defineHandler } from './api-handler.js';

const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';

/**
 * DeleteTopics: deletes topics by name, or (v6) by topic id; their partitions' logs go with them.
 * With delete.topic.enable=false every topic gets TOPIC_DELETION_DISABLED (INVALID_REQUEST before
 * v3, which has no such code). A v6 entry naming both a name and an id makes the whole request
 * INVALID_REQUEST, as in Kafka.
 */
export const deleteTopicsHandler = defineHandler({
  apiKey: ApiKey.DeleteTopics,
  minVersion: 1,
  maxVersion: 6,
  async handle(request, ctx) {
    const { metadata, config } = ctx.services;
    const version = ctx.apiVersion;
    const entries = version >= 6
      ? (request.topics ?? []).map((t) => ({ name: t.name, topicId: t.topicId }))
      : (request.topicNames ?? []).map((name) => ({ name: name as string | null, topicId: ZERO_UUID }));
    const all = (errorCode: number, errorMessage: string): DeleteTopicsResponseDeletableTopicResult[] =>
      entries.map((e) => ({ name: e.name, topicId: e.topicId, errorCode, errorMessage }));

    if (entries.some((e) => e.name !== null && e.topicId !== ZERO_UUID)) {
      return { throttleTimeMs: 0, responses: all(ErrorCode.INVALID_REQUEST, 'Topic name and topic ID can not both be specified.') };
    }
    if (!config.deleteTopicEnable) {
      const code = version < 3 ? ErrorCode.INVALID_REQUEST : ErrorCode.TOPIC_DELETION_DISABLED;
      return { throttleTimeMs: 0, responses: all(code, 'Topic deletion is disabled.') };
    }

    const responses: DeleteTopicsResponseDeletableTopicResult[] = [];
    for (const e of entries) {
      const byId = e.topicId !== ZERO_UUID;
      const topic = byId ? metadata.topicById(e.topicId) : e.name === null ? undefined : metadata.topic(e.name);
      if (topic === undefined) {
        responses.push(byId
          ? { name: null, topicId: e.topicId, errorCode: ErrorCode.UNKNOWN_TOPIC_ID, errorMessage: `Topic id ${e.topicId} does not exist.` }
          : { name: e.name, topicId: ZERO_UUID, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: 'This server does not host this topic-partition.' });
        continue;
      }
      const deleted = await metadata.deleteTopic(topic.name);
      if (!deleted.ok) {
        responses.push({ name: topic.name, topicId: e.topicId, errorCode: ErrorCode[deleted.error], errorMessage: deleted.message });
        continue;
      }
      ctx.logger.info({ topic: topic.name, topicId: topic.topicId }, 'deleted topic on request');
      responses.push({ name: topic.name, topicId: topic.topicId, errorCode: ErrorCode.NONE, errorMessage: null });
    }
    return { throttleTimeMs: 0, responses };
  },
});
