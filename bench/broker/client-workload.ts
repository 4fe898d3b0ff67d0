/**
 * What the client workers of the `clients` phase share: their parameters and the send loop
 * (so Samsa's and KafkaJS's producers are driven exactly alike), the consume loop and the
 * measurements. Not a worker itself.
 */
import { nowMs } from './worker-io.js';

export interface ClientProducerParams {
  port: number;
  topic: string;
  records: number;
  valueBytes: number;
  /** Messages per send() call. */
  recordsPerSend: number;
  /** send() calls outstanding at once. */
  sendsInFlight: number;
  acks: number;
}

export interface ClientConsumerParams {
  port: number;
  topic: string;
  groupId: string;
  /** Records the partition holds: the worker stops after reading them all. */
  records: number;
  valueBytes: number;
}

/**
 * Sends `p.records` records as calls of up to `perCall` messages, keeping `p.sendsInFlight`
 * calls outstanding; resolves with the records sent once every call has resolved.
 */
export async function sendAll(p: ClientProducerParams, perCall: number, send: (n: number) => Promise<unknown>): Promise<number> {
  let queued = 0;
  const lane = async (): Promise<void> => {
    while (queued < p.records) {
      const n = Math.min(perCall, p.records - queued);
      queued += n;
      await send(n);
    }
  };
  await Promise.all(Array.from({ length: p.sendsInFlight }, lane));
  return queued;
}

/** What a client worker reports: the timed part's records, value bytes, time, CPU and page faults. */
export interface ClientMeasurement {
  records: number;
  valueBytes: number;
  ms: number;
  cpuMs: number;
  sysMs: number;
  pageFaults: number;
}

/** CPU time and minor page faults of this process from now until `stop()`. */
function processUsage(): { stop(): { cpuMs: number; sysMs: number; pageFaults: number } } {
  const cpu0 = process.cpuUsage();
  const faults0 = process.resourceUsage().minorPageFault;
  return {
    stop() {
      const cpu = process.cpuUsage(cpu0);
      return { cpuMs: (cpu.user + cpu.system) / 1000, sysMs: cpu.system / 1000, pageFaults: process.resourceUsage().minorPageFault - faults0 };
    },
  };
}

/** `sendAll` timed from the first send() call to the last one resolving. */
export async function produceTimed(p: ClientProducerParams, perCall: number, send: (n: number) => Promise<unknown>): Promise<ClientMeasurement> {
  const start = nowMs();
  const usage = processUsage();
  const records = await sendAll(p, perCall, send);
  const ms = nowMs() - start;
  return { records, valueBytes: records * p.valueBytes, ms, ...usage.stop() };
}

/** The part of a KafkaJS-shaped consumer the consume workers drive (Samsa's and KafkaJS's both fit). */
export interface BenchConsumer {
  subscribe(subscription: { topics: string[]; fromBeginning: boolean }): Promise<unknown>;
  run(config: { eachBatch: (payload: { batch: { messages: Array<{ value: Buffer | null }> } }) => Promise<void> }): Promise<unknown>;
}

/**
 * Subscribes from the beginning and reads `p.records` records with eachBatch, counting records and
 * value bytes; timed from the first batch handed to eachBatch to the last record (as
 * rdkafka_performance -C times itself). Rejects if `crashed` does first.
 */
export async function consumeTimed(consumer: BenchConsumer, p: ClientConsumerParams, crashed?: Promise<never>): Promise<ClientMeasurement> {
  await consumer.subscribe({ topics: [p.topic], fromBeginning: true });
  let start = 0;
  let end = 0;
  let records = 0;
  let bytes = 0;
  let usage: ReturnType<typeof processUsage> | null = null;
  let measured = { cpuMs: 0, sysMs: 0, pageFaults: 0 };
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  await consumer.run({
    eachBatch: async ({ batch }) => {
      if (records === 0) {
        start = nowMs();
        usage = processUsage();
      }
      for (const m of batch.messages) bytes += m.value?.length ?? 0;
      records += batch.messages.length;
      if (records >= p.records && end === 0) {
        end = nowMs();
        measured = usage!.stop();
        finish();
      }
    },
  });
  await (crashed === undefined ? done : Promise.race([done, crashed]));
  return { records, valueBytes: bytes, ms: end - start, ...measured };
}
