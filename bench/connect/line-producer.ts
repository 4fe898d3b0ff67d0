/**
 * The baseline of the `connect` bench phase, in its own process: a plain Samsa producer
 * (src/client) writing the lines of a file to one partition, as a program that does not use
 * Connect would: read the file, split it into lines, send them as string values with no key
 * (the producer's defaults, as the Connect worker's own producer), `recordsPerSend` lines per send() and up to
 * `sendsInFlight` send() calls outstanding. Emits `ready` once connected, `result` at the end
 * with the time from reading the file to the last acknowledgement.
 */
import { readFileSync } from 'node:fs';
import { Kafka } from '../../src/client/kafka.js';
import type { Message } from '../../src/client/producer/producer-types.js';
import { emit, nowMs, runWorker, workerParams } from '../broker/worker-io.js';

export interface LineProducerParams {
  port: number;
  topic: string;
  file: string;
  recordsPerSend: number;
  sendsInFlight: number;
}

runWorker(async () => {
  const p = workerParams<LineProducerParams>();
  const kafka = new Kafka({ clientId: 'samsa-bench-lines', brokers: [`127.0.0.1:${p.port}`] });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  emit({ type: 'ready' });
  const start = nowMs();
  const text = readFileSync(p.file, 'utf8');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  let next = 0;
  let bytes = 0;
  const lane = async (): Promise<void> => {
    while (next < lines.length) {
      const from = next;
      next = Math.min(lines.length, next + p.recordsPerSend);
      const messages: Message[] = [];
      for (let i = from; i < next; i++) {
        messages.push({ value: lines[i]!, partition: 0 });
        bytes += lines[i]!.length;
      }
      await producer.send({ topic: p.topic, messages });
    }
  };
  await Promise.all(Array.from({ length: p.sendsInFlight }, lane));
  const ms = nowMs() - start;
  await producer.disconnect();
  emit({ type: 'result', records: lines.length, valueBytes: bytes, ms });
});
