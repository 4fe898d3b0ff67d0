/**
 * Samsa's producer (src/client) in its own process, for the `clients` phase: `records` records
 * of `valueBytes` bytes (no key, one shared value buffer, as rdkafka_performance -P) to one
 * partition with acks=1 (`idempotent: false`, which acks=1 needs), the producer's defaults
 * otherwise (batch.size 1000000, linger.ms 0, 5 batches in flight per partition). The records go
 * as send() calls of `recordsPerSend` messages with up to `sendsInFlight` calls outstanding.
 * Result: the time from the first send() call to the last one resolving (the last acknowledgement).
 */
import { Kafka } from '../../../src/client/kafka.js';
import type { Message } from '../../../src/client/producer/producer-types.js';
import { produceTimed } from '../client-workload.js';
import type { ClientProducerParams } from '../client-workload.js';
import { emit, runWorker, workerParams } from '../worker-io.js';

runWorker(async () => {
  const p = workerParams<ClientProducerParams>();
  const kafka = new Kafka({ clientId: 'samsa-bench', brokers: [`127.0.0.1:${p.port}`] });
  const producer = kafka.producer({ idempotent: false, allowAutoTopicCreation: false });
  await producer.connect();
  const value = Buffer.alloc(p.valueBytes, 'v');
  const messages: Message[] = Array.from({ length: p.recordsPerSend }, () => ({ value, partition: 0 }));
  const result = await produceTimed(p, messages.length, (n) => producer.send({ topic: p.topic, acks: p.acks, messages: n === messages.length ? messages : messages.slice(0, n) }));
  await producer.disconnect();
  emit({ type: 'result', ...result });
});
