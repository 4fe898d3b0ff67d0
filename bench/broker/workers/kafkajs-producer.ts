/**
 * KafkaJS's producer (kafkajs from npm) in its own process, for the `clients` phase: the same
 * workload and call pattern as samsa-producer.ts (send() calls of `recordsPerSend` messages to
 * partition 0, acks=1, up to `sendsInFlight` calls outstanding; each call is one Produce request
 * in KafkaJS), KafkaJS's defaults otherwise (no idempotence, no compression). Logging off.
 * Result: the time from the first send() call to the last one resolving.
 */
import kafkajs from 'kafkajs';
import type { Message } from 'kafkajs';
import { emit, nowMs, runWorker, workerParams } from '../worker-io.js';
import type { ClientProducerParams } from '../client-workload.js';
import { sendAll } from '../client-workload.js';

runWorker(async () => {
  const p = workerParams<ClientProducerParams>();
  const kafka = new kafkajs.Kafka({ clientId: 'kafkajs-bench', brokers: [`127.0.0.1:${p.port}`], logLevel: kafkajs.logLevel.NOTHING });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const value = Buffer.alloc(p.valueBytes, 'v');
  const messages: Message[] = Array.from({ length: p.recordsPerSend }, () => ({ value, partition: 0 }));
  const start = nowMs();
  const cpu0 = process.cpuUsage();
  const faults0 = process.resourceUsage().minorPageFault;
  const records = await sendAll(p, messages.length, (n) => producer.send({ topic: p.topic, acks: p.acks, messages: n === messages.length ? messages : messages.slice(0, n) }));
  const ms = nowMs() - start;
  const cpu = process.cpuUsage(cpu0);
  const faults = process.resourceUsage().minorPageFault - faults0;
  await producer.disconnect();
  emit({ type: 'result', records, valueBytes: records * p.valueBytes, ms, cpuMs: (cpu.user + cpu.system) / 1000, sysMs: cpu.system / 1000, pageFaults: faults });
});
