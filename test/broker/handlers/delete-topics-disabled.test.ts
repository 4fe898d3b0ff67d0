import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiKey } from '../../../src/protocol/generated/api-table.js';
import { ErrorCode } from '../../../src/protocol/generated/error-codes.js';
import { createTopic, metadataOf, startHandlerTestBroker } from './handler-test-helpers.js';
import type { HandlerTestBroker } from './handler-test-helpers.js';

describe('DeleteTopics with delete.topic.enable=false', () => {
  let t: HandlerTestBroker;

  before(async () => {
    t = await startHandlerTestBroker({ 'delete.topic.enable': 'false' });
  });

  after(async () => {
    await t?.close();
  });

  it('answers TOPIC_DELETION_DISABLED (v3+) or INVALID_REQUEST (v1-v2) and keeps the topic', async () => {
    await createTopic(t.client, 'protected');
    const v4 = await t.client.send(ApiKey.DeleteTopics, 4, { topicNames: ['protected', 'unknown'], timeoutMs: 5000 });
    assert.deepStrictEqual(v4.responses.map((r) => r.errorCode), [ErrorCode.TOPIC_DELETION_DISABLED, ErrorCode.TOPIC_DELETION_DISABLED]);
    const v1 = await t.client.send(ApiKey.DeleteTopics, 1, { topicNames: ['protected'], timeoutMs: 5000 });
    assert.deepStrictEqual(v1.responses.map((r) => r.errorCode), [ErrorCode.INVALID_REQUEST]);
    assert.equal((await metadataOf(t.client, ['protected'])).topics[0]!.errorCode, ErrorCode.NONE);
  });
});
