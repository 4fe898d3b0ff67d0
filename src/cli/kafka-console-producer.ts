/**
 * kafka-console-producer: reads lines from standard input (a file with `<`) and produces each as a
 * record, with Kafka's flags and its line format:
 *
 *   kafka-console-producer --bootstrap-server localhost:9092 --topic t
 *   kafka-console-producer --broker-list localhost:9092 --topic t --property parse.key=true --property key.separator=:
 *   kafka-console-producer ... --property parse.headers=true   # h1:v1,h2:v2<TAB>key<TAB>value
 *
 * A `>` prompt is shown only when standard input is a terminal.
 */
import { Buffer } from 'node:buffer';
import { createInterface } from 'node:readline';
import type { Producer } from '../client/producer/producer.js';
import type { IHeaders, Message } from '../client/producer/producer-types.js';
import { connectWithin, kafkaFromProperties, readPropertiesFile } from './client-properties.js';
import { acksValue, compressionCodec, producerSettings, unknownPropertyWarning } from './client-options.js';
import { bootstrapServers, defineCliTool, integerFlag, keyValueFlags, UsageError } from './tool-runner.js';

const USAGE = `Read data from standard input and publish it to Kafka, one record per line.
Usage: kafka-console-producer --bootstrap-server <host:port> --topic <topic> [options]
  --bootstrap-server <String>        REQUIRED (or --broker-list): the server(s) to connect to
  --broker-list <String>             the older name of --bootstrap-server
  --topic <String>                   REQUIRED: the topic to produce to
  --property <prop=value>            line reader settings (repeatable):
                                       parse.key=true, key.separator (default TAB),
                                       parse.headers=true, headers.delimiter (default TAB),
                                       headers.separator (default ,), headers.key.separator (default :),
                                       null.marker (a key, value or header value equal to it is sent as null),
                                       ignore.error=true (a line without key separator is sent with no key)
  --producer-property <prop=value>   a producer property (repeatable), e.g. acks=1, linger.ms=5
  --producer.config <String>         producer properties file
  --compression-codec [String]       none, gzip, snappy, lz4 or zstd (gzip when given without a value)
  --request-required-acks <String>   all/-1, 0 or 1 (default -1)
  --sync                             send each record and wait for its acknowledgement before the next
  --timeout <Integer>                linger.ms: how long a record may wait to be batched (default 1000)
  --batch-size <Integer>             batch.size in bytes (default 16384)
  --request-timeout-ms <Integer>     request.timeout.ms (default 1500)`;

export interface LineReaderSettings {
  parseKey: boolean;
  keySeparator: string;
  parseHeaders: boolean;
  headersDelimiter: string;
  headersSeparator: string;
  headerKeySeparator: string;
  nullMarker: string | undefined;
  ignoreError: boolean;
}

function boolSetting(props: ReadonlyMap<string, string>, key: string): boolean {
  const v = props.get(key);
  if (v === undefined) return false;
  if (!/^(true|false)$/i.test(v.trim())) throw new UsageError(`--property ${key} must be true or false, got ${v}`);
  return v.trim().toLowerCase() === 'true';
}

function separatorSetting(props: ReadonlyMap<string, string>, key: string, fallback: string): string {
  const v = props.get(key) ?? fallback;
  if (v === '') throw new UsageError(`--property ${key} must not be empty`);
  return v;
}

export function lineReaderSettings(props: ReadonlyMap<string, string>): LineReaderSettings {
  return {
    parseKey: boolSetting(props, 'parse.key'),
    keySeparator: separatorSetting(props, 'key.separator', '\t'),
    parseHeaders: boolSetting(props, 'parse.headers'),
    headersDelimiter: separatorSetting(props, 'headers.delimiter', '\t'),
    headersSeparator: separatorSetting(props, 'headers.separator', ','),
    headerKeySeparator: separatorSetting(props, 'headers.key.separator', ':'),
    nullMarker: props.get('null.marker'),
    ignoreError: boolSetting(props, 'ignore.error'),
  };
}

/** Kafka's LineMessageReader: one line → a record (headers, then key, then value), or an error naming the line. */
export function parseLine(line: string, lineNumber: number, s: LineReaderSettings): Message {
  const nullable = (text: string): string | null => (s.nullMarker !== undefined && text === s.nullMarker ? null : text);
  let rest = line;
  let headers: IHeaders | undefined;
  if (s.parseHeaders) {
    const end = rest.indexOf(s.headersDelimiter);
    if (end < 0) {
      if (!s.ignoreError) throw new Error(`No headers delimiter found on line number ${lineNumber}: '${line}'`);
    } else {
      headers = {};
      const text = rest.slice(0, end);
      rest = rest.slice(end + s.headersDelimiter.length);
      for (const pair of text === '' ? [] : text.split(s.headersSeparator)) {
        const k = pair.indexOf(s.headerKeySeparator);
        if (k < 0) throw new Error(`No header key separator found in pair '${pair}' on line number ${lineNumber}`);
        const name = pair.slice(0, k);
        const value = nullable(pair.slice(k + s.headerKeySeparator.length));
        const prior = headers[name];
        // A repeated header name keeps every value, in order (Kafka headers are a list).
        headers[name] = prior === undefined ? (value ?? undefined) : [...(Array.isArray(prior) ? prior : [prior]), ...(value === null ? [] : [value])];
      }
    }
  }
  if (s.parseKey) {
    const k = rest.indexOf(s.keySeparator);
    if (k < 0) {
      if (!s.ignoreError) throw new Error(`No key separator found on line number ${lineNumber}: '${line}'`);
      return { key: null, value: nullable(rest), ...(headers === undefined ? {} : { headers }) };
    }
    return { key: nullable(rest.slice(0, k)), value: nullable(rest.slice(k + s.keySeparator.length)), ...(headers === undefined ? {} : { headers }) };
  }
  return { value: nullable(rest), ...(headers === undefined ? {} : { headers }) };
}

const MAX_UNACKNOWLEDGED = 20_000;

/** Runs the tool; resolves to the exit status. */
export const kafkaConsoleProducer = defineCliTool({
  name: 'kafka-console-producer',
  usage: USAGE,
  argvForms: { optionalValues: { '--compression-codec': 'gzip' } },
  options: {
    'bootstrap-server': { type: 'string' },
    'broker-list': { type: 'string' },
    topic: { type: 'string' },
    property: { type: 'string', multiple: true },
    'producer-property': { type: 'string', multiple: true },
    'producer.config': { type: 'string' },
    'compression-codec': { type: 'string' },
    'request-required-acks': { type: 'string' },
    sync: { type: 'boolean' },
    timeout: { type: 'string' },
    'batch-size': { type: 'string' },
    'request-timeout-ms': { type: 'string' },
  },
  async run(values, { out, err, onInterrupt }) {
    const brokers = bootstrapServers(values);
    if (values.topic === undefined) throw new UsageError('Missing required argument "[topic]"');
    const topic = values.topic;
    const reader = lineReaderSettings(keyValueFlags(values.property, '--property'));
    // Kafka's precedence: the file, then --producer-property, then the explicit flags.
    const props = readPropertiesFile(values['producer.config'], '--producer.config');
    for (const [k, v] of keyValueFlags(values['producer-property'], '--producer-property')) props.set(k, v);
    if (values['request-required-acks'] !== undefined) props.set('acks', String(acksValue(values['request-required-acks'], '--request-required-acks')));
    if (values['compression-codec'] !== undefined) props.set('compression.type', values['compression-codec']);
    const linger = integerFlag(values.timeout, '--timeout');
    if (linger !== undefined) props.set('linger.ms', String(linger));
    const batchSize = integerFlag(values['batch-size'], '--batch-size', { positive: true });
    if (batchSize !== undefined) props.set('batch.size', String(batchSize));
    const requestTimeout = integerFlag(values['request-timeout-ms'], '--request-timeout-ms', { positive: true });
    if (requestTimeout !== undefined) props.set('request.timeout.ms', String(requestTimeout));
    if (!props.has('request.timeout.ms')) props.set('request.timeout.ms', '1500');
    if (props.has('compression.type')) compressionCodec(props.get('compression.type')!, 'compression');
    const { options, acks, unknown } = producerSettings(props, { lingerMs: 1000 });
    for (const k of unknown) err(unknownPropertyWarning(k));
    if (!props.has('batch.size')) options.batchSize = 16_384;
    const producer: Producer = kafkaFromProperties(brokers, props, 'console-producer').producer(options);
    await connectWithin(producer, brokers);

    const prompt = process.stdin.isTTY === true;
    const lines = createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
    onInterrupt(() => lines.close());
    let failures = 0;
    let lineNumber = 0;
    const pending = new Set<Promise<void>>();
    const describe = (m: Message): string => `key: ${m.key === null || m.key === undefined ? 'null' : `${Buffer.byteLength(m.key as string)} bytes`}, value: ${m.value === null ? 'null' : `${Buffer.byteLength(m.value as string)} bytes`}`;
    const send = (m: Message): Promise<void> =>
      producer.send({ topic, messages: [m], acks }).then(
        () => undefined,
        (e: unknown) => {
          failures++;
          err(`Error when sending message to topic ${topic} with ${describe(m)} with error: ${(e as Error).message}`);
        },
      );
    try {
      if (prompt) process.stdout.write('>');
      for await (const line of lines) {
        lineNumber++;
        const message = parseLine(line, lineNumber, reader);
        if (values.sync === true) await send(message);
        else {
          const p = send(message);
          pending.add(p);
          void p.then(() => pending.delete(p));
          if (pending.size >= MAX_UNACKNOWLEDGED) await Promise.race(pending);
        }
        if (prompt) process.stdout.write('>');
      }
      await producer.flush();
      await Promise.all(pending);
    } finally {
      lines.close();
      await producer.disconnect();
    }
    if (prompt) out('');
    return failures === 0 ? 0 : 1;
  },
});
