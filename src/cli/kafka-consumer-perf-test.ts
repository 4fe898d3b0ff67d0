/**
 * kafka-consumer-perf-test (Kafka's ConsumerPerformance): consumes a number of messages in a
 * consumer group and reports throughput as Kafka does, against any Kafka-compatible cluster
 * through Samsa's consumer.
 *
 *   kafka-consumer-perf-test --bootstrap-server localhost:9092 --topic t --messages 100000 [--group g] [--from-latest] [--show-detailed-stats]
 */
import { consumerSettings, unknownPropertyWarning } from './client-options.js';
import { connectWithin, kafkaFromProperties, readPropertiesFile } from './client-properties.js';
import { fixed, javaDate, MB, printMetrics, ProgressLine } from './perf-test.js';
import { bootstrapServers, defineCliTool, integerFlag, UsageError } from './tool-runner.js';
import type { Line } from './tool-runner.js';

const USAGE = `This tool is used to verify the consumer performance.
Usage: kafka-consumer-perf-test --bootstrap-server <host:port> --topic <topic> --messages <n> [options]
  --bootstrap-server <String>      REQUIRED (unless --broker-list): the server(s) to connect to
  --broker-list <String>           DEPRECATED, use --bootstrap-server
  --topic <String>                 REQUIRED: the topic to consume from
  --messages <Long>                REQUIRED: how many messages to consume (also --num-records)
  --group <String>                 the consumer group id (default: perf-consumer-<random>)
  --from-latest                    start from the latest offset when the group has none (default: earliest)
  --timeout <Long>                 stop when no message arrives for this many ms (default 10000)
  --consumer.config <String>       a consumer properties file
  --fetch-size <Integer>           max.partition.fetch.bytes (default 1048576)
  --show-detailed-stats            a stats line every --reporting-interval instead of the summary
  --reporting-interval <Long>      ms between detailed stats lines (default 5000)
  --hide-header                    leave out the header line
  --print-metrics                  print a table of consumer metrics at the end
  --threads, --num-fetch-threads   accepted and ignored (as in Kafka)`;

export const SUMMARY_HEADER = 'start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec';
export const DETAILED_HEADER = 'time, threadId, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec';

/** Kafka's summary row. */
export function summaryRow(startMs: number, endMs: number, bytes: number, messages: number, joinMs: number): string {
  const elapsedSec = (endMs - startMs) / 1000;
  const mb = bytes / MB;
  const fetchMs = endMs - startMs - joinMs;
  return [javaDate(startMs), javaDate(endMs), fixed(mb, 4), fixed(mb / elapsedSec, 4), String(messages), fixed(messages / elapsedSec, 4), String(joinMs), String(fetchMs), fixed(mb / (fetchMs / 1000), 4), fixed(messages / (fetchMs / 1000), 4)].join(', ');
}

/** Kafka's detailed-stats row for the interval from `lastMs` to `nowMs`. */
export function detailedRow(nowMs: number, lastMs: number, bytes: number, lastBytes: number, messages: number, lastMessages: number, joinMsInInterval: number): string {
  const elapsedMs = nowMs - lastMs;
  const intervalMb = (bytes - lastBytes) / MB;
  const intervalMessages = messages - lastMessages;
  const fetchMs = elapsedMs - joinMsInInterval;
  return [
    javaDate(nowMs),
    '0',
    fixed(bytes / MB, 4),
    fixed((1000 * intervalMb) / elapsedMs, 4),
    String(messages),
    fixed((intervalMessages / elapsedMs) * 1000, 4),
    String(joinMsInInterval),
    String(fetchMs),
    fixed((1000 * intervalMb) / fetchMs, 4),
    fixed((1000 * intervalMessages) / fetchMs, 4),
  ].join(', ');
}

export const kafkaConsumerPerfTest = defineCliTool({
  name: 'kafka-consumer-perf-test',
  usage: USAGE,
  options: {
    'bootstrap-server': { type: 'string' },
    'broker-list': { type: 'string' },
    topic: { type: 'string' },
    messages: { type: 'string' },
    'num-records': { type: 'string' },
    group: { type: 'string' },
    'from-latest': { type: 'boolean' },
    timeout: { type: 'string' },
    'consumer.config': { type: 'string' },
    'fetch-size': { type: 'string' },
    'show-detailed-stats': { type: 'boolean' },
    'reporting-interval': { type: 'string' },
    'hide-header': { type: 'boolean' },
    'print-metrics': { type: 'boolean' },
    threads: { type: 'string' },
    'num-fetch-threads': { type: 'string' },
  },
  async run(values, { out, err, onInterrupt }) {
    const brokers = bootstrapServers(values);
    const topic = values.topic;
    if (topic === undefined) throw new UsageError('Missing required argument "[topic]"');
    const count = integerFlag(values.messages ?? values['num-records'], values.messages === undefined ? '--num-records' : '--messages', { positive: true });
    if (count === undefined) throw new UsageError('Missing required argument "[messages]"');
    const timeoutMs = integerFlag(values.timeout, '--timeout', { positive: true }) ?? 10_000;
    const reportingInterval = integerFlag(values['reporting-interval'], '--reporting-interval', { positive: true }) ?? 5000;
    const fetchSize = integerFlag(values['fetch-size'], '--fetch-size', { positive: true });
    const detailed = values['show-detailed-stats'] === true;
    const props = readPropertiesFile(values['consumer.config'], '--consumer.config');
    const settings = consumerSettings(props);
    for (const k of settings.unknown) err(unknownPropertyWarning(k));
    const groupId = values.group ?? props.get('group.id') ?? `perf-consumer-${Math.floor(Math.random() * 100_000)}`;

    const kafka = kafkaFromProperties(brokers, props, 'perf-consumer-client');
    const admin = kafka.admin();
    await connectWithin(admin, brokers);
    try {
      if (!(await admin.listTopics()).includes(topic)) throw new Error(`Topic '${topic}' does not exist`);
    } finally {
      await admin.disconnect();
    }

    let joinStart = Date.now();
    let joinMs = 0;
    let joinMsInInterval = 0;
    const consumer = kafka.consumer({
      ...settings.options,
      groupId,
      checkCrcs: settings.options.checkCrcs ?? false,
      // The Java client's fetch.max.wait.ms (500; Samsa's consumer defaults to KafkaJS's 5000): a fetch waiting at the end does not hold up the exit.
      maxWaitTimeInMs: settings.options.maxWaitTimeInMs ?? 500,
      ...(fetchSize === undefined ? {} : { maxBytesPerPartition: fetchSize }),
      autoOffsetReset: values['from-latest'] === true ? 'latest' : 'earliest',
      rebalanceListener: {
        onPartitionsRevoked: () => {
          joinStart = Date.now();
        },
        onPartitionsAssigned: () => {
          const took = Date.now() - joinStart;
          joinMs += took;
          joinMsInInterval += took;
        },
      },
    });
    await connectWithin(consumer, brokers);
    const progress = new ProgressLine();
    const print: Line = (line) => {
      progress.clear();
      out(line);
    };
    if (values['hide-header'] !== true) print(detailed ? DETAILED_HEADER : SUMMARY_HEADER);

    let messages = 0;
    let bytes = 0;
    let lastMessages = 0;
    let lastBytes = 0;
    let finish: (reason: 'done' | 'timeout' | 'interrupted') => void = () => {};
    const finished = new Promise<'done' | 'timeout' | 'interrupted'>((resolve) => (finish = resolve));
    onInterrupt(() => finish('interrupted'));
    const startMs = Date.now();
    let lastReport = startMs;
    let lastConsumed = startMs;
    const watchdog = setInterval(() => {
      const now = Date.now();
      if (now - lastConsumed > timeoutMs) finish('timeout');
      const elapsedSec = Math.max(now - startMs, 1) / 1000;
      progress.update(`${messages}/${count} messages, ${fixed(bytes / MB, 4)} MB, ${fixed(messages / elapsedSec, 1)} nMsg.sec, ${fixed(bytes / MB / elapsedSec, 4)} MB.sec`);
    }, 100);
    let endMs: number;
    let reason: 'done' | 'timeout' | 'interrupted';
    try {
      await consumer.subscribe({ topics: [topic], fromBeginning: values['from-latest'] !== true });
      const running = consumer.run({
        eachBatchAutoResolve: false,
        eachBatch: async ({ batch, resolveOffset, isRunning }) => {
          if (messages >= count || !isRunning()) return;
          const now = Date.now();
          if (batch.messages.length > 0) lastConsumed = now;
          for (const m of batch.messages) {
            if (messages >= count) break;
            messages++;
            bytes += (m.key?.length ?? 0) + (m.value?.length ?? 0);
            resolveOffset(m.offset);
            if (now - lastReport >= reportingInterval) {
              if (detailed) print(detailedRow(now, lastReport, bytes, lastBytes, messages, lastMessages, joinMsInInterval));
              joinMsInInterval = 0;
              lastReport = now;
              lastMessages = messages;
              lastBytes = bytes;
            }
          }
          if (messages >= count) finish('done');
        },
      });
      // run() resolves once the group is joined; the timeout counts from the start, join included.
      running.catch(() => {});
      reason = await Promise.race([finished, running.then(() => finished)]);
      endMs = Date.now();
    } finally {
      clearInterval(watchdog);
      progress.clear();
      await consumer.disconnect().catch(() => {});
    }
    if (reason === 'timeout') out(`WARNING: Exiting before consuming the expected number of messages: timeout (${timeoutMs} ms) exceeded. You can use the --timeout option to increase the timeout.`);
    if (!detailed) out(summaryRow(startMs, endMs, bytes, messages, joinMs));
    if (values['print-metrics'] === true) {
      const clientId = props.get('client.id') ?? 'perf-consumer-client';
      const elapsedSec = Math.max(endMs - startMs, 1) / 1000;
      const tag = `{client-id=${clientId}}`;
      printMetrics(
        out,
        new Map([
          [`consumer-fetch-manager-metrics:records-consumed-total:${tag}`, messages],
          [`consumer-fetch-manager-metrics:records-consumed-rate:${tag}`, messages / elapsedSec],
          [`consumer-fetch-manager-metrics:bytes-consumed-total:${tag}`, bytes],
          [`consumer-fetch-manager-metrics:bytes-consumed-rate:${tag}`, bytes / elapsedSec],
          [`consumer-coordinator-metrics:rebalance-latency-total:${tag}`, joinMs],
        ]),
      );
    }
    return reason === 'interrupted' ? 130 : 0;
  },
});
