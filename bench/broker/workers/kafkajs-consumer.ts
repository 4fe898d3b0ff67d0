/**
 * KafkaJS's consumer (kafkajs from npm) in its own process, for the `clients` phase: the same
 * as samsa-consumer.ts (a fresh group, fromBeginning, eachBatch counting records and value
 * bytes), KafkaJS's defaults otherwise (1 MiB per partition per fetch, 10 MiB per fetch,
 * read_committed, auto commit). Logging off. Result: the time from the first batch handed to
 * eachBatch to the last record.
 */
import kafkajs from 'kafkajs';
import { emit, nowMs, runWorker, workerParams } from '../worker-io.js';
import type { ClientConsumerParams } from '../client-workload.js';

runWorker(async () => {
  const p = workerParams<ClientConsumerParams>();
  const kafka = new kafkajs.Kafka({ clientId: 'kafkajs-bench', brokers: [`127.0.0.1:${p.port}`], logLevel: kafkajs.logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: p.groupId, allowAutoTopicCreation: false });
  await consumer.connect();
  await consumer.subscribe({ topics: [p.topic], fromBeginning: true });
  let start = 0;
  let end = 0;
  let records = 0;
  let bytes = 0;
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  await consumer.run({
    eachBatch: async ({ batch }) => {
      if (records === 0) start = nowMs();
      for (const m of batch.messages) bytes += m.value?.length ?? 0;
      records += batch.messages.length;
      if (records >= p.records && end === 0) {
        end = nowMs();
        finish();
      }
    },
  });
  await done;
  await consumer.disconnect();
  emit({ type: 'result', records, valueBytes: bytes, ms: end - start });
});
