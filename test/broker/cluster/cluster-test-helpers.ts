import { ErrorCode } from '../../../src/protocol/generated/error-codes.js';
import type { KafkaTestClient } from '../../../src/testkit/kafka-test-client.js';
import { pollUntil } from '../../../src/testkit/poll-until.js';
import { produce } from '../handlers/handler-test-helpers.js';

/**
 * Produces (acks=all) to a broker that another broker's metadata named leader: its own view may lag
 * by a ZooKeeper notification, so NOT_LEADER_OR_FOLLOWER is retried for a while, as clients do.
 */
export async function produceAtLeader(client: KafkaTestClient, topic: string, partition: number, records: Uint8Array) {
  return pollUntil(`a produce to ${topic}-${partition} not refused as NOT_LEADER_OR_FOLLOWER`, () => produce(client, topic, partition, records), (r) => r.errorCode !== ErrorCode.NOT_LEADER_OR_FOLLOWER);
}
