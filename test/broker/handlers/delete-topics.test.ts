import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ApiKey } from '../../../src/protocol/generated/api-table.js';
import { ErrorCode } from '../../../src/protocol/generated/error-codes.js';
import { batch, createTopic, metadataOf, produce, startHandlerTestBroker, ZERO_UUID } from './handler-test-helpers.js';
import type { HandlerTestBroker } from './handler-test-helpers.js';

describe('DeleteTopics', () => {
  let t: HandlerTestBroker;

  before(async () => {
    t = await startHandlerTestBroker();
  });

  after(async () => {
    await t?.close();
  });

  it('deletes a topic by name: Metadata no longer lists it and its partition directories are gone', async () => {
    await createTopic(t.client, 'doomed', 2);
    assert.equal((await produce(t.client, 'doomed', 1, batch(['a', 'b']))).errorCode, ErrorCode.NONE);
    assert.ok(existsSync(join(t.dir, 'doomed-0')));

    const res = await t.client.send(ApiKey.DeleteTopics, 5, { topicNames: ['doomed'], timeoutMs: 5000 });
    assert.deepStrictEqual(res.responses.map((r) => [r.name, r.errorCode, r.errorMessage]), [['doomed', ErrorCode.NONE, null]]);

    const all = await metadataOf(t.client, null);
    assert.equal(all.topics.some((x) => x.name === 'doomed'), false);
    const one = await metadataOf(t.client, ['doomed']);
    assert.equal(one.topics[0]!.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    assert.equal(existsSync(join(t.dir, 'doomed-0')), false);
    assert.equal(existsSync(join(t.dir, 'doomed-1')), false);
    assert.equal(readdirSync(t.dir).some((d) => d.startsWith('doomed-') && !d.endsWith('-delete')), false);
    // Producing to it now fails; the name can be used again.
    assert.equal((await produce(t.client, 'doomed', 0, batch(['c']))).errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    await createTopic(t.client, 'doomed', 1);
  });

  it('answers UNKNOWN_TOPIC_OR_PARTITION for an unknown name, per topic', async () => {
    await createTopic(t.client, 'keep-going');
    const res = await t.client.send(ApiKey.DeleteTopics, 1, { topicNames: ['never-was', 'keep-going'], timeoutMs: 5000 });
    assert.deepStrictEqual(res.responses.map((r) => [r.name, r.errorCode]), [
      ['never-was', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
      ['keep-going', ErrorCode.NONE],
    ]);
  });

  it('deletes by topic id (v6) and answers UNKNOWN_TOPIC_ID for an unknown id', async () => {
    const created = await createTopic(t.client, 'by-id');
    const unknownId = 'AAAAAAAAAAAAAAAAAAAAAQ';
    const res = await t.client.send(ApiKey.DeleteTopics, 6, {
      topics: [{ name: null, topicId: created.topicId! }, { name: null, topicId: unknownId }],
      timeoutMs: 5000,
    });
    assert.deepStrictEqual(res.responses.map((r) => [r.name, r.topicId, r.errorCode]), [
      ['by-id', created.topicId, ErrorCode.NONE],
      [null, unknownId, ErrorCode.UNKNOWN_TOPIC_ID],
    ]);
    assert.equal((await metadataOf(t.client, ['by-id'])).topics[0]!.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });

  it('deletes by name in v6 and answers the topic id', async () => {
    const created = await createTopic(t.client, 'by-name-v6');
    const res = await t.client.send(ApiKey.DeleteTopics, 6, { topics: [{ name: 'by-name-v6', topicId: ZERO_UUID }], timeoutMs: 5000 });
    assert.deepStrictEqual(res.responses.map((r) => [r.name, r.topicId, r.errorCode]), [['by-name-v6', created.topicId, ErrorCode.NONE]]);
  });

  it('refuses a whole v6 request where an entry has both a name and an id', async () => {
    const created = await createTopic(t.client, 'both-given');
    await createTopic(t.client, 'innocent');
    const res = await t.client.send(ApiKey.DeleteTopics, 6, {
      topics: [{ name: 'both-given', topicId: created.topicId! }, { name: 'innocent', topicId: ZERO_UUID }],
      timeoutMs: 5000,
    });
    assert.deepStrictEqual(res.responses.map((r) => r.errorCode), [ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REQUEST]);
    const md = await metadataOf(t.client, ['both-given', 'innocent']);
    assert.deepStrictEqual(md.topics.map((x) => x.errorCode), [ErrorCode.NONE, ErrorCode.NONE]);
  });
});
