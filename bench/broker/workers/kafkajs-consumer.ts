/**
 * KafkaJS's consumer (kafkajs from npm) in its own process, for the `clients` phase: the same
 * as samsa-consumer.ts (a fresh group, fromBeginning, eachBatch counting records and value
 * bytes), KafkaJS's defaults otherwise (1 MiB per partition per fetch, 10 MiB per fetch,
 * read_committed, auto commit). Logging off. Result: the time from the first batch handed to
 * eachBatch to the last record.
 */
import kafkajs from 'kafkajs';
import { consumeTimed } from '../client-workload.js';
import type { ClientConsumerParams } from '../client-workload.js';
import { emit, runWorker, workerParams } from '../worker-io.js';

runWorker(async () => {
  const p = workerParams<ClientConsumerParams>();
  const kafka = new kafkajs.Kafka({ clientId: 'kafkajs-bench', brokers: [`127.0.0.1:${p.port}`], logLevel: kafkajs.logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: p.groupId, allowAutoTopicCreation: false });
  await consumer.connect();
  const result = await consumeTimed(consumer, p);
  await consumer.disconnect();
  emit({ type: 'result', ...result });
});
