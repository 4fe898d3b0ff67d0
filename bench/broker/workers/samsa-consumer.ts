/**
 * Samsa's consumer (src/client) in its own process, for the `clients` phase: joins a fresh group,
 * subscribes to the topic from the beginning and reads `records` records with `eachBatch`
 * (counting records and value bytes), the consumer's defaults otherwise (1 MiB per partition per
 * fetch, 10 MiB per fetch, read_committed, auto commit). Result: the time from the first batch
 * handed to eachBatch to the last record, as rdkafka_performance -C times itself (first message
 * to last): joining the group and the first fetch's round trip are left out for every client.
 */
import { Kafka } from '../../../src/client/kafka.js';
import { emit, nowMs, runWorker, workerParams } from '../worker-io.js';
import type { ClientConsumerParams } from '../client-workload.js';

runWorker(async () => {
  const p = workerParams<ClientConsumerParams>();
  const kafka = new Kafka({ clientId: 'samsa-bench', brokers: [`127.0.0.1:${p.port}`] });
  let fail!: (e: Error) => void;
  const crashed = new Promise<never>((_, reject) => (fail = reject));
  const consumer = kafka.consumer({ groupId: p.groupId, allowAutoTopicCreation: false, onCrash: (e) => fail(e) });
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
  await Promise.race([done, crashed]);
  await consumer.disconnect();
  emit({ type: 'result', records, valueBytes: bytes, ms: end - start, cpuMs: (cpu.user + cpu.system) / 1000, sysMs: cpu.system / 1000, pageFaults: faults });
});
