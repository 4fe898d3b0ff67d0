/**
 * A kafkajs consumer-group member run as its own process by the group tests (so that it can be
 * SIGKILLed: no LeaveGroup, its session must expire). Arguments: bootstrap, group id, topic,
 * session timeout ms. Prints one JSON line per assignment: {"memberId", "partitions"}; consumes
 * without committing.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Kafka, logLevel } = require('kafkajs') as typeof import('kafkajs');

const [bootstrap, groupId, topic, sessionTimeout] = process.argv.slice(2);
const kafka = new Kafka({ clientId: 'group-member', brokers: [bootstrap!], logLevel: logLevel.NOTHING, retry: { retries: 20, initialRetryTime: 100, maxRetryTime: 1000 } });
const consumer = kafka.consumer({ groupId: groupId!, sessionTimeout: Number(sessionTimeout), heartbeatInterval: 300, rebalanceTimeout: 10_000, maxWaitTimeInMs: 100, retry: { retries: 20 } });
consumer.on(consumer.events.GROUP_JOIN, (e) => {
  const partitions = (e.payload.memberAssignment[topic!] ?? []).slice().sort((a, b) => a - b);
  process.stdout.write(`${JSON.stringify({ memberId: e.payload.memberId, partitions })}\n`);
});
await consumer.connect();
await consumer.subscribe({ topic: topic!, fromBeginning: true });
await consumer.run({ autoCommit: false, eachMessage: async () => undefined });
process.on('SIGTERM', () => {
  void consumer.disconnect().finally(() => process.exit(0));
});
