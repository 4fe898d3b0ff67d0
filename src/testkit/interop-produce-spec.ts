/** Compression codecs by their Kafka names; the number is the codec id in record batch attributes. */
export const CODEC_IDS = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 } as const;
export type InteropCodec = keyof typeof CODEC_IDS;
export const INTEROP_CODECS: readonly InteropCodec[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

/** The codec name for the id in a batch's attributes (bits 0-2). */
export function codecName(id: number): InteropCodec | `unknown-${number}` {
  for (const [name, value] of Object.entries(CODEC_IDS)) if (value === id) return name as InteropCodec;
  return `unknown-${id}`;
}

export interface InteropMessage {
  key: string;
  value: string;
}

/** What every third-party producer in the interop tests sends: the same topic, records and headers. */
export interface InteropProduceSpec {
  topic: string;
  messages: InteropMessage[];
  /** Sent on every record, in this order. */
  headers: Array<[string, string]>;
}

/**
 * The records the interop producers send. The values are long and repetitive on purpose:
 * librdkafka sends a batch uncompressed when compressing would not make it smaller, so short
 * values would silently turn every kcat capture into codec "none".
 */
export const INTEROP_PRODUCE_SPEC: InteropProduceSpec = {
  topic: 'samsa-interop',
  messages: [
    { key: 'key-1', value: `value-1 ${'samsa '.repeat(40).trim()}` },
    { key: 'key-2', value: `value-2 ${'kafka '.repeat(40).trim()}` },
  ],
  headers: [
    ['h1', 'v1'],
    ['trace', 'abc-123'],
  ],
};
