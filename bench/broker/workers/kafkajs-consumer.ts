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
  let cpu0 = process.cpuUsage();
  let cpu = cpu0;
  let faults0 = 0;
  let faults = 0;
  let end = 0;
  let records = 0;
  let bytes = 0;
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  await consumer.run({
    eachBatch: async ({ batch }) => {
      if (records === 0) {
        start = nowMs();
        cpu0 = process.cpuUsage();
        faults0 = process.resourceUsage().minorPageFault;
      }
      for (const m of batch.messages) bytes += m.value?.length ?? 0;
      records += batch.messages.length;
      if (records >= p.records && end === 0) {
        end = nowMs();
        cpu = process.cpuUsage(cpu0);
        faults = process.resourceUsage().minorPageFault - faults0;
        finish();
      }
    },
  });
  await done;
  await consumer.disconnect();
  emit({ type: 'result', records, valueBytes: bytes, ms: end - start, cpuMs: (cpu.user + cpu.system) / 1000, sysMs: cpu.system / 1000, pageFaults: faults });
});
