/**
 * Samsa's consumer (src/client) in its own process, for the `clients` phase: joins a fresh group,
 * subscribes to the topic from the beginning and reads `records` records with `eachBatch`
 * (counting records and value bytes), the consumer's defaults otherwise (1 MiB per partition per
 * fetch, 10 MiB per fetch, read_committed, auto commit). Result: the time from the first batch
 * handed to eachBatch to the last record, as rdkafka_performance -C times itself (first message
 * to last): joining the group and the first fetch's round trip are left out for every client.
 */
import { Kafka } from '../../../src/client/kafka.js';
import { consumeTimed } from '../client-workload.js';
import type { ClientConsumerParams } from '../client-workload.js';
import { emit, runWorker, workerParams } from '../worker-io.js';

runWorker(async () => {
  const p = workerParams<ClientConsumerParams>();
  const kafka = new Kafka({ clientId: 'samsa-bench', brokers: [`127.0.0.1:${p.port}`] });
  let fail!: (e: Error) => void;
  const crashed = new Promise<never>((_, reject) => (fail = reject));
  const consumer = kafka.consumer({ groupId: p.groupId, allowAutoTopicCreation: false, onCrash: (e) => fail(e) });
  await consumer.connect();
  const result = await consumeTimed(consumer, p, crashed);
  await consumer.disconnect();
  emit({ type: 'result', ...result });
});
