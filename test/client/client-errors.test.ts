import assert from 'node:assert/strict';
import { it } from 'node:test';
import { KafkaClientError, KafkaProtocolError, KafkaRetriesExhaustedError } from '../../src/client/client-errors.js';
import { backoff } from '../../src/client/connection/backoff.js';
import { withRetry } from '../../src/client/retry.js';

it('protocol errors carry code, Kafka name and retriability from the error table', () => {
  const notLeader = new KafkaProtocolError(6);
  assert.equal(notLeader.type, 'NOT_LEADER_OR_FOLLOWER');
  assert.equal(notLeader.retriable, true);
  assert.ok(notLeader instanceof KafkaClientError && notLeader instanceof Error);
  const exists = new KafkaProtocolError(36, 'topic t exists');
  assert.equal(exists.type, 'TOPIC_ALREADY_EXISTS');
  assert.equal(exists.retriable, false);
  assert.equal(exists.message, 'TOPIC_ALREADY_EXISTS: topic t exists');
  assert.equal(new KafkaProtocolError(9999).type, 'UNKNOWN_ERROR_CODE_9999');
});

it('backoff grows exponentially up to its cap, with jitter in [1-j, 1+j]', () => {
  const at = (attempt: number, r: number) => backoff(attempt, { initialMs: 50, maxMs: 1000, random: () => r });
  assert.deepStrictEqual([1, 2, 3, 4, 5, 6, 7].map((a) => at(a, 0.5)), [50, 100, 200, 400, 800, 1000, 1000]);
  assert.equal(at(3, 0), 160);
  assert.equal(at(3, 1), 240);
});

it('withRetry retries retriable errors only, and gives up after its retries', async () => {
  let calls = 0;
  const ok = await withRetry(async () => {
    if (++calls < 3) throw new KafkaProtocolError(6);
    return 'done';
  }, { initialRetryTime: 1 });
  assert.equal(ok, 'done');
  assert.equal(calls, 3);

  calls = 0;
  await assert.rejects(withRetry(async () => { calls++; throw new KafkaProtocolError(36); }, { initialRetryTime: 1 }), (e: unknown) => e instanceof KafkaProtocolError && e.code === 36);
  assert.equal(calls, 1, 'a fatal error is not retried');

  calls = 0;
  await assert.rejects(withRetry(async () => { calls++; throw new KafkaProtocolError(6); }, { initialRetryTime: 1, retries: 2 }), (e: unknown) => e instanceof KafkaRetriesExhaustedError && (e.cause as KafkaProtocolError).code === 6);
  assert.equal(calls, 3);
});
