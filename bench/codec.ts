/**
 * Codec benchmark: prints MB/s for the hot paths of protocol/records.
 * Not a test. Run with `npm run bench:codec` (builds, then runs dist/bench/codec.js).
 *
 * Each benchmark runs a warm-up, then several timed rounds of about
 * ROUND_MS; the best round is reported (the least disturbed by other load).
 */
import { pathToFileURL } from 'node:url';
import {
  buildRecordBatch,
  COMPRESSION_CODEC_NAMES,
  CompressionCodec,
  crc32c,
  decodeRecordBatches,
  type RecordInput,
  validateBatches,
} from '../src/protocol/records/index.js';
import { ApiKey } from '../src/protocol/generated/api-table.js';
import type { ProduceRequest } from '../src/protocol/generated/produce.js';
import { decodeRequest, encodeRequest } from '../src/protocol/request-frame.js';

export interface CodecBenchmark {
  readonly name: string;
  /** Bytes processed by one call of `run`, for the MB/s figure. */
  readonly bytesPerRun: number;
  /** Returns a number so that the work cannot be optimized away. */
  readonly run: () => number;
  /** Target throughput in MB/s (1 MB = 10^6 bytes), if any. */
  readonly targetMBps?: number;
}

const ROUND_MS = 400;
const ROUNDS = 5;
const KiB = 1024;
const MiB = 1024 * KiB;

/** Deterministic pseudo-random bytes that compress like text (for the compressed variants). */
function payload(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  const words = ['kafka ', 'samsa ', '{"id":', '"name":"', 'record ', 'offset ', '}, ', 'value '];
  let pos = 0;
  while (pos < length) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const w = (x & 3) === 0 ? String(x >>> 20) : words[(x >>> 8) & 7]!;
    for (let i = 0; i < w.length && pos < length; i++) out[pos++] = w.charCodeAt(i);
  }
  return out;
}

/** ~16 KiB batches of 1 KiB records (15 records: 61 + 15 x ~1050 bytes). */
function recordsForBatch(batchIndex: number): RecordInput[] {
  return Array.from({ length: 15 }, (_, i) => ({
    key: payload(16, batchIndex * 100 + i + 1),
    value: payload(KiB, batchIndex * 1000 + i + 1),
    headers: i % 4 === 0 ? [{ key: 'trace-id', value: payload(16, i + 7) }] : [],
    timestamp: 1_700_000_000_000n + BigInt(i),
  }));
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

/** 64 batches of ~16 KiB (about 1 MiB) with `codec`, as one records field. */
function recordsField(codec: number): Uint8Array {
  return concat(Array.from({ length: 64 }, (_, b) => buildRecordBatch(recordsForBatch(b), { compression: codec, baseOffset: BigInt(b * 15) })));
}

function decodeAll(records: Uint8Array): number {
  let n = 0;
  for (const batch of decodeRecordBatches(records)) {
    for (const r of batch.records) n += r.value === null ? 0 : r.value.length;
  }
  return n;
}

function codecBenchmarks(): CodecBenchmark[] {
  const crcInput = payload(MiB, 42);
  const plain = recordsField(CompressionCodec.NONE);
  const batchRecords = recordsForBatch(0);
  const builtSize = buildRecordBatch(batchRecords).length;
  const list: CodecBenchmark[] = [
    { name: 'CRC-32C over 1 MiB', bytesPerRun: crcInput.length, run: () => crc32c(crcInput), targetMBps: 4000 },
    {
      name: `full decode: 64 batches x ~16 KiB of 1 KiB records, uncompressed, CRC checked (${(plain.length / KiB).toFixed(0)} KiB)`,
      bytesPerRun: plain.length,
      run: () => decodeAll(plain),
      targetMBps: 500,
    },
    {
      name: `header-only validateBatches (length, magic, CRC) of the same 64 batches`,
      bytesPerRun: plain.length,
      run: () => validateBatches(plain).batchCount,
    },
    {
      name: `build one ~16 KiB batch of 1 KiB records, uncompressed (${(builtSize / KiB).toFixed(1)} KiB)`,
      bytesPerRun: builtSize,
      run: () => buildRecordBatch(batchRecords).length,
    },
  ];
  // Informational: the same work with each codec (MB/s of uncompressed batch bytes).
  for (const codec of [CompressionCodec.GZIP, CompressionCodec.SNAPPY, CompressionCodec.LZ4, CompressionCodec.ZSTD]) {
    const compressed = recordsField(codec);
    list.push({
      name: `full decode, ${COMPRESSION_CODEC_NAMES[codec]} (${(compressed.length / KiB).toFixed(0)} KiB compressed)`,
      bytesPerRun: plain.length,
      run: () => decodeAll(compressed),
    });
    list.push({
      name: `build one ~16 KiB batch, ${COMPRESSION_CODEC_NAMES[codec]}`,
      bytesPerRun: builtSize,
      run: () => buildRecordBatch(batchRecords, { compression: codec }).length,
    });
  }
  return list;
}

// ---------------------------------------------------------------------------
// What the broker does per Produce request before appending: cut the frame, decode header and
// body with the generated codec (records stay views into the frame), then per partition check
// each batch's length, magic and CRC without decoding records.

/** A Produce v9 request frame (with size prefix): 1 topic, 8 partitions x 8 batches of ~16 KiB. */
function produceRequestFrame(): Buffer {
  const batches = Array.from({ length: 64 }, (_, b) => buildRecordBatch(recordsForBatch(b), { producerId: 7n, producerEpoch: 0, baseSequence: b * 15 }));
  const partitionData = Array.from({ length: 8 }, (_, p) => ({ index: p, records: concat(batches.slice(p * 8, p * 8 + 8)) }));
  return encodeRequest({
    apiKey: ApiKey.Produce,
    apiVersion: 9,
    correlationId: 1,
    clientId: 'bench',
    body: { transactionalId: null, acks: -1, timeoutMs: 30000, topicData: [{ name: 'bench-topic', partitionData }] },
  });
}

function validateProduceFrame(frame: Buffer): number {
  const size = frame.readInt32BE(0);
  const { body } = decodeRequest(frame.subarray(4, 4 + size));
  let batches = 0;
  for (const topic of (body as ProduceRequest).topicData) {
    for (const partition of topic.partitionData) {
      if (partition.records !== null) batches += validateBatches(partition.records).batchCount;
    }
  }
  return batches;
}

export function leadBenchmarks(): CodecBenchmark[] {
  const frame = produceRequestFrame();
  if (validateProduceFrame(frame) !== 64) throw new Error('produce frame does not hold 64 batches');
  return [
    {
      name: `header-only validation of a Produce v9 request, 64 batches (${(frame.length / KiB).toFixed(0)} KiB): frame, header, body, per-batch length/magic/CRC`,
      bytesPerRun: frame.length,
      run: () => validateProduceFrame(frame),
      targetMBps: 2000,
    },
  ];
}
// ---------------------------------------------------------------------------

export interface BenchmarkResult {
  readonly name: string;
  readonly mbPerSecond: number;
  readonly targetMBps?: number;
}

export function runBenchmark(b: CodecBenchmark): BenchmarkResult {
  let sink = 0;
  const deadline = performance.now() + ROUND_MS / 2;
  while (performance.now() < deadline) sink += b.run();
  let best = 0;
  for (let round = 0; round < ROUNDS; round++) {
    let runs = 0;
    const start = performance.now();
    let now = start;
    while (now - start < ROUND_MS) {
      sink += b.run();
      runs++;
      now = performance.now();
    }
    best = Math.max(best, (runs * b.bytesPerRun) / ((now - start) / 1000) / 1e6);
  }
  if (sink === Number.MIN_SAFE_INTEGER) console.log(sink);
  return { name: b.name, mbPerSecond: best, targetMBps: b.targetMBps };
}

function format(r: BenchmarkResult): string {
  const figure = r.mbPerSecond >= 1000 ? `${(r.mbPerSecond / 1000).toFixed(2)} GB/s` : `${r.mbPerSecond.toFixed(0)} MB/s`;
  const target = r.targetMBps === undefined ? '' : r.mbPerSecond >= r.targetMBps ? `  (target ${r.targetMBps} MB/s: met)` : `  (target ${r.targetMBps} MB/s: MISSED)`;
  return `${figure.padStart(11)}  ${r.name}${target}`;
}

export function main(): void {
  console.log(`samsa codec benchmark: node ${process.version}, ${process.platform}/${process.arch}, best of ${ROUNDS} x ${ROUND_MS} ms`);
  for (const b of [...codecBenchmarks(), ...leadBenchmarks()]) console.log(format(runBenchmark(b)));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
