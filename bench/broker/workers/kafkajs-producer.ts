/**
 * KafkaJS's producer (kafkajs from npm) in its own process, for the `clients` phase: the same
 * workload and call pattern as samsa-producer.ts (send() calls of `recordsPerSend` messages to
 * partition 0, acks=1, up to `sendsInFlight` calls outstanding; each call is one Produce request
 * in KafkaJS), KafkaJS's defaults otherwise (no idempotence, no compression). Logging off.
 * Result: the time from the first send() call to the last one resolving.
 */
import kafkajs from 'kafkajs';
import type { Message } from 'kafkajs';
import { produceTimed } from '../client-workload.js';
import type { ClientProducerParams } from '../client-workload.js';
import { emit, runWorker, workerParams } from '../worker-io.js';

runWorker(async () => {
  const p = workerParams<ClientProducerParams>();
  const kafka = new kafkajs.Kafka({ clientId: 'kafkajs-bench', brokers: [`127.0.0.1:${p.port}`], logLevel: kafkajs.logLevel.NOTHING });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const value = Buffer.alloc(p.valueBytes, 'v');
  const messages: Message[] = Array.from({ length: p.recordsPerSend }, () => ({ value, partition: 0 }));
  const result = await produceTimed(p, messages.length, (n) => producer.send({ topic: p.topic, acks: p.acks, messages: n === messages.length ? messages : messages.slice(0, n) }));
  await producer.disconnect();
  emit({ type: 'result', ...result });
});
