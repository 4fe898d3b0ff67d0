/**
 * kafka-console-consumer: prints records to standard output with Kafka's flags and formatter.
 *
 *   kafka-console-consumer --bootstrap-server localhost:9092 --topic t --from-beginning
 *   kafka-console-consumer ... --include 'orders.*' --group g --max-messages 10
 *   kafka-console-consumer ... --topic t --partition 0 --offset 42 --property print.key=true
 *
 * Without --group it uses a group of its own (console-consumer-<n>) and commits nothing, as Kafka
 * does. With --partition it reads that one partition from --offset; Samsa's consumer has no
 * group-less assign() yet, so this too runs in a group of its own, with the other partitions paused.
 * It ends after --max-messages, after --timeout-ms without a record, or on Ctrl-C / SIGTERM;
 * each way it commits what it printed (with --group) and prints "Processed a total of N messages"
 * on standard error.
 */
import { Buffer } from 'node:buffer';
import { once } from 'node:events';
import type { Consumer } from '../client/consumer/consumer.js';
import type { EachBatchPayload } from '../client/consumer/consumer-types.js';
import { connectWithin, kafkaFromProperties, readPropertiesFile } from './client-properties.js';
import { consumerSettings, isolationIsUncommitted, unknownPropertyWarning } from './client-options.js';
import { formatMessage, formatterSettings } from './message-formatter.js';
import { bootstrapServers, defineCliTool, integerFlag, keyValueFlags, UsageError } from './tool-runner.js';

const USAGE = `Read records from Kafka and print them on standard output.
Usage: kafka-console-consumer --bootstrap-server <host:port> (--topic <topic> | --include <regex>) [options]
  --bootstrap-server <String>        REQUIRED: the server(s) to connect to
  --topic <String>                   the topic to consume
  --include <String>                 a regular expression of topics to consume (instead of --topic; matched at start)
  --partition <Integer>              read only this partition (from --offset)
  --offset <String>                  with --partition: earliest, latest (default) or an offset
  --from-beginning                   start with the earliest record when there is no committed offset
  --group <String>                   the consumer group (default: console-consumer-<random>, no commits)
  --max-messages <Integer>           exit after this many records
  --timeout-ms <Integer>             exit when no record arrives for this long
  --skip-message-on-error            skip a record that cannot be printed instead of stopping
  --consumer-property <prop=value>   a consumer property (repeatable), e.g. fetch.min.bytes=1
  --consumer.config <String>         consumer properties file
  --isolation-level <String>         read_committed or read_uncommitted (default)
  --property <prop=value>            formatter settings (repeatable): print.key, print.value,
                                       print.headers, print.timestamp, print.partition, print.offset,
                                       key.separator, line.separator, headers.separator,
                                       headers.key.separator, null.literal`;

const OFFSET = /^(earliest|latest|\d+)$/;

type StopReason = 'done' | 'interrupted' | 'timeout' | 'closed-output' | { error: Error };

export const kafkaConsoleConsumer = defineCliTool({
  name: 'kafka-console-consumer',
  usage: USAGE,
  options: {
    'bootstrap-server': { type: 'string' },
    topic: { type: 'string' },
    include: { type: 'string' },
    whitelist: { type: 'string' },
    partition: { type: 'string' },
    offset: { type: 'string' },
    'from-beginning': { type: 'boolean' },
    group: { type: 'string' },
    'max-messages': { type: 'string' },
    'timeout-ms': { type: 'string' },
    'skip-message-on-error': { type: 'boolean' },
    'consumer-property': { type: 'string', multiple: true },
    'consumer.config': { type: 'string' },
    'isolation-level': { type: 'string' },
    property: { type: 'string', multiple: true },
  },
  async run(values, { err, onInterrupt }) {
    const brokers = bootstrapServers({ 'bootstrap-server': values['bootstrap-server'] });
    const include = values.include ?? values.whitelist;
    if ((values.topic === undefined) === (include === undefined)) throw new UsageError('Exactly one of --include/--topic is required.');
    const partition = integerFlag(values.partition, '--partition');
    if (partition !== undefined && values.topic === undefined) throw new UsageError('The topic is required when partition is specified.');
    if (values.offset !== undefined) {
      if (partition === undefined) throw new UsageError('The partition is required when offset is specified.');
      if (!OFFSET.test(values.offset)) throw new UsageError(`--offset must be earliest, latest or a non-negative number, got ${values.offset}`);
      if (values['from-beginning'] === true) throw new UsageError('Options from-beginning and offset cannot be specified together.');
    }
    if (partition !== undefined && values.group !== undefined) throw new UsageError('Options group and partition cannot be specified together.');
    const maxMessages = integerFlag(values['max-messages'], '--max-messages', { positive: true });
    const timeoutMs = integerFlag(values['timeout-ms'], '--timeout-ms', { positive: true });
    let includeRe: RegExp | undefined;
    if (include !== undefined) {
      try {
        includeRe = new RegExp(`^(?:${include})$`);
      } catch (e) {
        throw new UsageError(`--include ${include} is not a valid regular expression: ${(e as Error).message}`);
      }
    }
    const format = formatterSettings(keyValueFlags(values.property, '--property'));

    // Kafka's precedence: the file, then --consumer-property, then the explicit flags.
    const props = readPropertiesFile(values['consumer.config'], '--consumer.config');
    for (const [k, v] of keyValueFlags(values['consumer-property'], '--consumer-property')) props.set(k, v);
    const configuredGroup = props.get('group.id');
    if (values.group !== undefined && configuredGroup !== undefined && configuredGroup !== values.group) {
      throw new UsageError(`The group ids provided in different places (directly using '--group', via '--consumer-property', or via '--consumer.config') do not match. Detected group ids: '${values.group}', '${configuredGroup}'`);
    }
    const reset = props.get('auto.offset.reset');
    if (values['from-beginning'] === true && reset !== undefined && reset !== 'earliest') throw new UsageError(`Can't simultaneously specify --from-beginning and 'auto.offset.reset=${reset}'`);
    const settings = consumerSettings(props);
    for (const k of settings.unknown) err(unknownPropertyWarning(k));
    const userGroup = values.group ?? settings.groupId;
    if (partition !== undefined && userGroup !== undefined) throw new UsageError('Options group and partition cannot be specified together.');
    const groupId = userGroup ?? `console-consumer-${Math.floor(Math.random() * 100_000)}`;
    // Kafka: an auto-generated group commits nothing (its offsets would never be used again).
    const autoCommit = settings.autoCommit ?? userGroup !== undefined;
    const startAt = values.offset ?? (values['from-beginning'] === true ? 'earliest' : undefined);
    const readUncommitted = values['isolation-level'] !== undefined ? isolationIsUncommitted(values['isolation-level'], '--isolation-level') : (settings.options.readUncommitted ?? true);

    const kafka = kafkaFromProperties(brokers, props, 'console-consumer');
    let topics: string[];
    if (includeRe !== undefined) {
      const admin = kafka.admin();
      await connectWithin(admin, brokers);
      try {
        topics = (await admin.listTopics()).filter((t) => includeRe.test(t) && !t.startsWith('__')).sort();
      } finally {
        await admin.disconnect();
      }
      if (topics.length === 0) throw new Error(`no topic matches --include ${include}`);
    } else topics = [values.topic!];

    let partitionCount: number | undefined;
    if (partition !== undefined) {
      const admin = kafka.admin();
      await connectWithin(admin, brokers);
      try {
        const meta = await admin.fetchTopicMetadata({ topics });
        partitionCount = meta.topics[0]?.partitions.length ?? 0;
      } finally {
        await admin.disconnect();
      }
      if (partition >= partitionCount) throw new Error(`partition ${partition} does not exist: topic ${topics[0]} has ${partitionCount} partition(s)`);
    }

    let finish: (reason: StopReason) => void = () => {};
    const stopped = new Promise<StopReason>((resolve) => (finish = resolve));
    let count = 0;
    let idleTimer: NodeJS.Timeout | undefined;
    const armIdleTimer = (): void => {
      if (timeoutMs === undefined) return;
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => finish('timeout'), timeoutMs);
    };

    const stdout = process.stdout;
    const onOutputError = (e: NodeJS.ErrnoException): void => finish(e.code === 'EPIPE' ? 'closed-output' : { error: e });
    stdout.on('error', onOutputError);
    onInterrupt(() => finish('interrupted'));

    const consumer: Consumer = kafka.consumer({
      // Java's fetch.max.wait.ms (500 ms; the client's KafkaJS default is 5 s): a stop waits for the fetch in flight.
      maxWaitTimeInMs: 500,
      ...settings.options,
      groupId,
      readUncommitted,
      ...(startAt === 'earliest' ? { autoOffsetReset: 'earliest' as const } : startAt === 'latest' ? { autoOffsetReset: 'latest' as const } : {}),
      onCrash: (e) => finish({ error: e }),
      ...(partition === undefined
        ? {}
        : {
            rebalanceListener: {
              onPartitionsAssigned: () => {
                // One partition of one topic: pause the others, and start where --offset says.
                const others = [...Array(partitionCount).keys()].filter((p) => p !== partition);
                if (others.length > 0) consumer.pause([{ topic: topics[0]!, partitions: others }]);
                if (startAt !== undefined && startAt !== 'earliest' && startAt !== 'latest') consumer.seek({ topic: topics[0]!, partition, offset: startAt });
              },
            },
          }),
    });
    await connectWithin(consumer, brokers);
    let done = false;
    try {
      await consumer.subscribe({ topics, fromBeginning: startAt === 'earliest' });
      armIdleTimer();
      const running = consumer.run({
        autoCommit,
        ...(settings.autoCommitInterval === undefined ? {} : { autoCommitInterval: settings.autoCommitInterval }),
        eachBatchAutoResolve: false,
        eachBatch: async ({ batch, resolveOffset }: EachBatchPayload) => {
          if (done || (partition !== undefined && batch.partition !== partition)) return;
          const chunks: Buffer[] = [];
          let last: string | undefined;
          for (const message of batch.messages) {
            if (maxMessages !== undefined && count >= maxMessages) break;
            try {
              chunks.push(formatMessage(batch.partition, message, format));
            } catch (e) {
              if (values['skip-message-on-error'] !== true) throw e;
              err(`Error processing message, skipping it: ${(e as Error).message}`);
            }
            count++;
            last = message.offset;
          }
          if (chunks.length > 0 && !stdout.write(Buffer.concat(chunks))) await Promise.race([once(stdout, 'drain'), stopped]);
          // Only what was printed counts as processed (and is committed).
          if (last !== undefined) resolveOffset(last);
          if (chunks.length > 0) armIdleTimer();
          if (maxMessages !== undefined && count >= maxMessages) finish('done');
        },
      });
      const reason = await Promise.race([stopped, running.then(() => stopped)]);
      done = true;
      if (reason === 'timeout') err(`Error processing message, terminating consumer process: no record within ${timeoutMs} ms (--timeout-ms)`);
      if (typeof reason === 'object') throw reason.error;
    } finally {
      done = true;
      clearTimeout(idleTimer);
      await consumer.disconnect();
      stdout.off('error', onOutputError);
      err(`Processed a total of ${count} messages`);
    }
    return 0;
  },
});
