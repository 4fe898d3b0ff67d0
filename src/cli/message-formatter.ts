/**
 * How kafka-console-consumer prints a record: Kafka's default formatter and its `--property`
 * settings (print.timestamp, print.partition, print.offset, print.headers, print.key,
 * print.value, key.separator, line.separator, headers.separator, headers.key.separator,
 * null.literal). Fields come in Kafka's order, each followed by key.separator except the last,
 * which is followed by line.separator. Keys, values and header values are written as raw bytes.
 */
import { Buffer } from 'node:buffer';
import type { KafkaMessage } from '../client/consumer/consumer-types.js';
import { UsageError } from './tool-runner.js';

export interface FormatterSettings {
  printTimestamp: boolean;
  printPartition: boolean;
  printOffset: boolean;
  printHeaders: boolean;
  printKey: boolean;
  printValue: boolean;
  keySeparator: Buffer;
  lineSeparator: Buffer;
  headersSeparator: Buffer;
  headerKeySeparator: Buffer;
  nullLiteral: Buffer;
}

const KNOWN = new Set(['print.timestamp', 'print.partition', 'print.offset', 'print.headers', 'print.key', 'print.value', 'key.separator', 'line.separator', 'headers.separator', 'headers.key.separator', 'null.literal', 'key.deserializer', 'value.deserializer', 'headers.deserializer']);

/** The record batch attribute bit for LogAppendTime timestamps. */
const LOG_APPEND_TIME = 0x08;

export function formatterSettings(props: ReadonlyMap<string, string>): FormatterSettings {
  for (const k of props.keys()) if (!KNOWN.has(k)) throw new UsageError(`--property ${k} is not a formatter property (print.key, print.value, print.headers, print.timestamp, print.partition, print.offset, key.separator, line.separator, headers.separator, headers.key.separator, null.literal)`);
  for (const k of ['key.deserializer', 'value.deserializer', 'headers.deserializer']) {
    const v = props.get(k);
    if (v !== undefined && !/(StringDeserializer|ByteArrayDeserializer)$/.test(v)) throw new UsageError(`--property ${k}=${v}: only the string and byte-array deserializers are built in`);
  }
  const flag = (k: string, fallback: boolean): boolean => {
    const v = props.get(k);
    if (v === undefined) return fallback;
    if (!/^(true|false)$/i.test(v.trim())) throw new UsageError(`--property ${k} must be true or false, got ${v}`);
    return v.trim().toLowerCase() === 'true';
  };
  const text = (k: string, fallback: string): Buffer => Buffer.from(props.get(k) ?? fallback, 'utf8');
  return {
    printTimestamp: flag('print.timestamp', false),
    printPartition: flag('print.partition', false),
    printOffset: flag('print.offset', false),
    printHeaders: flag('print.headers', false),
    printKey: flag('print.key', false),
    printValue: flag('print.value', true),
    keySeparator: text('key.separator', '\t'),
    lineSeparator: text('line.separator', '\n'),
    headersSeparator: text('headers.separator', ','),
    headerKeySeparator: text('headers.key.separator', ':'),
    nullLiteral: text('null.literal', 'null'),
  };
}

/** The bytes printed for one record. */
export function formatMessage(partition: number, message: KafkaMessage, s: FormatterSettings): Buffer {
  const parts: Buffer[] = [];
  const fields: Array<() => void> = [];
  if (s.printTimestamp) {
    fields.push(() => {
      const ts = Number(message.timestamp);
      parts.push(Buffer.from(ts < 0 ? 'NO_TIMESTAMP' : `${(message.attributes & LOG_APPEND_TIME) !== 0 ? 'LogAppendTime' : 'CreateTime'}:${message.timestamp}`));
    });
  }
  if (s.printPartition) fields.push(() => parts.push(Buffer.from(`Partition:${partition}`)));
  if (s.printOffset) fields.push(() => parts.push(Buffer.from(`Offset:${message.offset}`)));
  if (s.printHeaders) {
    fields.push(() => {
      const pairs: Buffer[] = [];
      for (const [name, value] of Object.entries(message.headers)) {
        for (const v of Array.isArray(value) ? value : [value]) pairs.push(Buffer.concat([Buffer.from(name), s.headerKeySeparator, v ?? s.nullLiteral]));
      }
      if (pairs.length === 0) parts.push(Buffer.from('NO_HEADERS'));
      pairs.forEach((p, i) => {
        if (i > 0) parts.push(s.headersSeparator);
        parts.push(p);
      });
    });
  }
  if (s.printKey) fields.push(() => parts.push(message.key ?? s.nullLiteral));
  if (s.printValue) fields.push(() => parts.push(message.value ?? s.nullLiteral));
  fields.forEach((write, i) => {
    write();
    parts.push(i === fields.length - 1 ? s.lineSeparator : s.keySeparator);
  });
  return Buffer.concat(parts);
}
