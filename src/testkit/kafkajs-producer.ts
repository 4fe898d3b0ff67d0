import { createRequire } from 'node:module';
import type { InteropCodec, InteropProduceSpec } from './interop-produce-spec.js';

// kafkajs and the compression bindings are CommonJS packages; kafkajs is a devDependency, so it is
// loaded only when a test or script actually runs it.
const require = createRequire(import.meta.url);
type KafkaJs = typeof import('kafkajs');

function loadKafkaJs(): KafkaJs {
  return require('kafkajs') as KafkaJs;
}

/** The installed kafkajs version (from its package.json). */
export function kafkajsVersion(): string {
  const pkgPath = require.resolve('kafkajs/package.json');
  return (require(pkgPath) as { version: string }).version;
}

let codecsRegistered = false;

/**
 * kafkajs ships only gzip; snappy, lz4 and zstd are plug-ins it looks up in `CompressionCodecs`.
 * These adapters are written here over the compression packages the project already depends on:
 * raw (unframed) snappy, as librdkafka also sends; the LZ4 frame format Kafka requires; a zstd frame.
 * The record batch around the compressed bytes is still built entirely by kafkajs.
 */
export function registerKafkajsCodecs(): void {
  if (codecsRegistered) return;
  const kafkajs = loadKafkaJs();
  const snappy = require('snappy') as typeof import('snappy');
  const lz4 = require('lz4-napi') as typeof import('lz4-napi');
  const zstd = require('@toondepauw/node-zstd') as typeof import('@toondepauw/node-zstd');
  const zstdEncoder = new zstd.Encoder(3);
  const zstdDecoder = new zstd.Decoder();
  const codecs = kafkajs.CompressionCodecs as Record<number, () => unknown>;
  codecs[kafkajs.CompressionTypes.Snappy] = () => ({
    compress: async (encoder: { buffer: Buffer }) => snappy.compressSync(encoder.buffer),
    decompress: async (buffer: Buffer) => snappy.uncompressSync(buffer) as Buffer,
  });
  codecs[kafkajs.CompressionTypes.LZ4] = () => ({
    compress: async (encoder: { buffer: Buffer }) => lz4.compressFrameSync(encoder.buffer),
    decompress: async (buffer: Buffer) => lz4.decompressFrameSync(buffer),
  });
  codecs[kafkajs.CompressionTypes.ZSTD] = () => ({
    compress: async (encoder: { buffer: Buffer }) => zstdEncoder.encodeSync(encoder.buffer),
    decompress: async (buffer: Buffer) => zstdDecoder.decodeSync(buffer),
  });
  codecsRegistered = true;
}

export interface KafkajsProduceOptions {
  bootstrap: string;
  spec: InteropProduceSpec;
  codec: InteropCodec;
  /** An idempotent producer, which asks for InitProducerId first. */
  idempotent?: boolean;
  clientId: string;
  /** Give up (and disconnect) after this long; default 20 s. */
  timeoutMs?: number;
}

export interface KafkajsProduceResult {
  /** The kafkajs calls made, as readable source text for provenance notes. */
  description: string;
  /** kafkajs's own log lines (warn and above), for failure messages. */
  log: string[];
}

const CODEC_TYPES: Record<InteropCodec, keyof KafkaJs['CompressionTypes']> = {
  none: 'None',
  gzip: 'GZIP',
  snappy: 'Snappy',
  lz4: 'LZ4',
  zstd: 'ZSTD',
};

/** Produces the spec's messages in one `send` with a kafkajs producer, then disconnects; bounded by `timeoutMs`. */
export async function runKafkajsProducer(options: KafkajsProduceOptions): Promise<KafkajsProduceResult> {
  const kafkajs = loadKafkaJs();
  if (options.codec !== 'none' && options.codec !== 'gzip') registerKafkajsCodecs();
  const log: string[] = [];
  const kafka = new kafkajs.Kafka({
    clientId: options.clientId,
    brokers: [options.bootstrap],
    connectionTimeout: 3000,
    requestTimeout: 5000,
    retry: { retries: 0 },
    logLevel: kafkajs.logLevel.WARN,
    logCreator: () => (entry) => log.push(`${entry.label} ${entry.namespace}: ${entry.log.message}`),
  });
  const idempotent = options.idempotent === true;
  // An idempotent kafkajs producer refuses to start without retries.
  const producer = kafka.producer({
    createPartitioner: kafkajs.Partitioners.DefaultPartitioner,
    ...(idempotent ? { idempotent: true, maxInFlightRequests: 1, retry: { retries: 1 } } : {}),
  });
  const headers = Object.fromEntries(options.spec.headers);
  const description = [
    `new Kafka({ clientId: ${JSON.stringify(options.clientId)}, brokers: [BOOTSTRAP] })`,
    `.producer({ createPartitioner: Partitioners.DefaultPartitioner${idempotent ? ', idempotent: true, maxInFlightRequests: 1, retry: { retries: 1 }' : ''} })`,
    `.send({ topic: ${JSON.stringify(options.spec.topic)}, acks: -1, compression: CompressionTypes.${CODEC_TYPES[options.codec]}, ` +
      `messages: [${options.spec.messages.length} × { key, value, headers: ${JSON.stringify(headers)} }] })`,
  ].join('');
  const timeoutMs = options.timeoutMs ?? 20_000;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`kafkajs produce did not finish within ${timeoutMs} ms; log: ${log.join(' | ')}`)), timeoutMs);
  });
  try {
    await Promise.race([
      (async () => {
        await producer.connect();
        await producer.send({
          topic: options.spec.topic,
          acks: -1,
          compression: kafkajs.CompressionTypes[CODEC_TYPES[options.codec]],
          messages: options.spec.messages.map((m) => ({ key: m.key, value: m.value, headers })),
        });
      })(),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
    await Promise.race([producer.disconnect().catch(() => undefined), new Promise((r) => setTimeout(r, 2000).unref())]);
  }
  return { description, log };
}
