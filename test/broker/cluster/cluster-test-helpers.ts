import { ErrorCode } from '../../../src/protocol/generated/error-codes.js';
import type { KafkaTestClient } from '../../../src/testkit/kafka-test-client.js';
import { pollUntil } from '../../../src/testkit/poll-until.js';
import { fetchFrom, produce } from '../handlers/handler-test-helpers.js';

/**
 * Produces (acks=all) to a broker that another broker's metadata named leader: its own view may lag
 * by a ZooKeeper notification, so NOT_LEADER_OR_FOLLOWER is retried for a while, as clients do.
 */
export async function produceAtLeader(client: KafkaTestClient, topic: string, partition: number, records: Uint8Array) {
  return pollUntil(`a produce to ${topic}-${partition} not refused as NOT_LEADER_OR_FOLLOWER`, () => produce(client, topic, partition, records), (r) => r.errorCode !== ErrorCode.NOT_LEADER_OR_FOLLOWER);
}

/**
 * Fetches from a broker that another broker's metadata named leader, retrying while its own view
 * lags (NOT_LEADER_OR_FOLLOWER) and, when `until` is given, until the response satisfies it: a new
 * leader's high watermark catches up once the remaining followers fetch again.
 */
export async function fetchAtLeader(client: KafkaTestClient, topic: string, partition: number, offset: bigint, until: (r: Awaited<ReturnType<typeof fetchFrom>>) => boolean = () => true) {
  return pollUntil(`a fetch from ${topic}-${partition} answered by its leader`, () => fetchFrom(client, topic, partition, offset), (r) => r.errorCode !== ErrorCode.NOT_LEADER_OR_FOLLOWER && until(r), { timeoutMs: 20_000 });
}
