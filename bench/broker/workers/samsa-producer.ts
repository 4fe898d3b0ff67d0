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
import { emit, nowMs, runWorker, workerParams } from '../worker-io.js';
import type { ClientProducerParams } from '../client-workload.js';
import { sendAll } from '../client-workload.js';

runWorker(async () => {
  const p = workerParams<ClientProducerParams>();
  const kafka = new Kafka({ clientId: 'samsa-bench', brokers: [`127.0.0.1:${p.port}`] });
  const producer = kafka.producer({ idempotent: false, allowAutoTopicCreation: false });
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
