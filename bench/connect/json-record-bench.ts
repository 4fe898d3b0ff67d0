/**
 * Micro-benchmark of the worker's per-record work outside the connectors, for a JDBC-like row
 * (issue #9): what WorkerSourceTask.send and WorkerSinkTask.convertBatch do to each record, with
 * the JDBC bench's settings (JsonConverter with schemas.enable=true for keys and values, the
 * transforms ValueToKey fields=id then ExtractField$Key field=id).
 *
 *   source: SourceRecord(Struct) -> transformation chain -> key and value fromConnectData
 *   sink:   key and value toConnectData (of the source side's bytes) -> SinkRecord
 *
 * The row is `id` int64, `name` and `city` optional strings, `quantity` optional int32, `price`
 * optional Decimal(scale 2), `created_at` optional Timestamp, as the JDBC source maps the bench's
 * table; a new (equal) Schema object every `--page` rows, as the JDBC source builds one per page.
 *
 * Prints, per side, CPU µs per record (process.cpuUsage over `--records` records in chunks of
 * `--chunk`, after a warm-up, garbage collection included), or with `--alloc` the bytes of JS heap
 * allocated per record instead (at most 50 chunks, a forced GC before each chunk and side, the
 * heap's growth over it; it needs `--expose-gc` and a young generation large enough that no GC
 * runs inside a chunk):
 *
 *   node dist/bench/connect/json-record-bench.js [--records N] [--rounds N] [--page N] [--chunk N]
 *   node --expose-gc --max-semi-space-size=64 dist/bench/connect/json-record-bench.js --alloc
 */
import { getHeapStatistics } from 'node:v8';
import { SourceRecord, SinkRecord } from '../../src/connect/api/data/connect-record.js';
import { ConnectHeaders } from '../../src/connect/api/data/headers.js';
import { BigDecimal } from '../../src/connect/api/data/big-decimal.js';
import { Decimal, Timestamp } from '../../src/connect/api/data/logical.js';
import type { Schema } from '../../src/connect/api/data/schema.js';
import { SchemaBuilder } from '../../src/connect/api/data/schema-builder.js';
import { Struct } from '../../src/connect/api/data/struct.js';
import { JsonConverter } from '../../src/connect/converters/json/json-converter.js';
import { buildTransformationChain } from '../../src/connect/transforms/transform-chain.js';

const TOPIC = 'items';

function rowSchema(): Schema {
  return SchemaBuilder.struct().name('items')
    .field('id', SchemaBuilder.int64().build())
    .field('name', SchemaBuilder.string().optional().build())
    .field('city', SchemaBuilder.string().optional().build())
    .field('quantity', SchemaBuilder.int32().optional().build())
    .field('price', Decimal.builder(2).optional().build())
    .field('created_at', Timestamp.builder().optional().build())
    .build();
}

const CITIES = ['Amsterdam', 'Berlin', 'Lisbon', 'Oslo', 'Prague', 'Vienna', 'Zürich', 'Tallinn'];

/** The records of rows [from, from + count), one Schema object per `page` rows. */
function sourceRecords(from: number, count: number, page: number): SourceRecord[] {
  const partition = { table: 'items' };
  const records: SourceRecord[] = [];
  let schema = rowSchema();
  for (let i = from; i < from + count; i++) {
    if (i % page === 0) schema = rowSchema();
    const value = new Struct(schema)
      .put('id', BigInt(i + 1))
      .put('name', `item-${i}-${'x'.repeat(20 + (i % 20))}`)
      .put('city', CITIES[i % CITIES.length]!)
      .put('quantity', i % 1000)
      .put('price', new BigDecimal(BigInt(100 + ((i * 7919) % 9_999_900)), 2))
      .put('created_at', new Date(1_700_000_000_000 + i * 1000 + (i % 1000)));
    records.push(new SourceRecord({ sourcePartition: partition, sourceOffset: { incrementing: i + 1 }, topic: TOPIC, valueSchema: schema, value }));
  }
  return records;
}

function converter(isKey: boolean): JsonConverter {
  const c = new JsonConverter();
  c.configure({ 'schemas.enable': 'true' }, isKey);
  return c;
}

interface Encoded {
  key: Buffer | null;
  value: Buffer | null;
}

/** The source side's work for a batch: transforms then converters, as WorkerSourceTask.send. */
class SourceSide {
  private readonly chain = buildTransformationChain<SourceRecord>({
    transforms: 'createKey,extractId',
    'transforms.createKey.type': 'org.apache.kafka.connect.transforms.ValueToKey',
    'transforms.createKey.fields': 'id',
    'transforms.extractId.type': 'org.apache.kafka.connect.transforms.ExtractField$Key',
    'transforms.extractId.field': 'id',
  });
  private readonly keyConverter = converter(true);
  private readonly valueConverter = converter(false);

  run(records: readonly SourceRecord[], out: Encoded[]): void {
    for (const record of records) {
      const r = this.chain.apply(record)!;
      out.push({
        key: this.keyConverter.fromConnectData(r.topic, r.headers, r.keySchema, r.key),
        value: this.valueConverter.fromConnectData(r.topic, r.headers, r.valueSchema, r.value),
      });
    }
  }
}

/** The sink side's work for a batch: converters then the SinkRecord, as WorkerSinkTask.convertBatch. */
class SinkSide {
  private readonly keyConverter = converter(true);
  private readonly valueConverter = converter(false);

  run(messages: readonly Encoded[], out: SinkRecord[]): void {
    let offset = 0n;
    for (const m of messages) {
      const headers = new ConnectHeaders();
      const key = this.keyConverter.toConnectData(TOPIC, headers, m.key);
      const value = this.valueConverter.toConnectData(TOPIC, headers, m.value);
      out.push(new SinkRecord({
        topic: TOPIC, kafkaPartition: 0, kafkaOffset: offset++,
        keySchema: key.schema, key: key.value, valueSchema: value.schema, value: value.value,
        timestamp: 1_700_000_000_000, timestampType: 'CreateTime', headers,
      }));
    }
  }
}

/** The fetched copy of what the producer sent: each message in its own buffer, as a consumer hands them out. */
function fetched(encoded: readonly Encoded[]): Encoded[] {
  return encoded.map((e) => ({ key: e.key === null ? null : Buffer.from(e.key), value: e.value === null ? null : Buffer.from(e.value) }));
}

const gc = (globalThis as { gc?: () => void }).gc;

function heapUsed(): number {
  return getHeapStatistics().used_heap_size;
}

interface SideFigures {
  cpuUsPerRecord: number;
  bytesPerRecord: number | null;
}

/**
 * Runs `records` records through both sides in chunks. With `alloc`, a forced GC before each
 * chunk and each side, and the heap growth over it counted (its CPU figures then include the GC
 * threads' leftover work, so they are not used); without, the CPU time per side, GC included.
 */
function measure(records: number, page: number, chunk: number, alloc: boolean): { source: SideFigures; sink: SideFigures; valueBytes: number; keyBytes: number } {
  const source = new SourceSide();
  const sink = new SinkSide();
  // Warm-up: both sides, a few pages.
  for (let i = 0; i < 4; i++) {
    const encoded: Encoded[] = [];
    source.run(sourceRecords(i * chunk, chunk, page), encoded);
    sink.run(fetched(encoded), []);
  }
  let sourceCpu = 0;
  let sinkCpu = 0;
  let sourceBytes = 0;
  let sinkBytes = 0;
  let sample: Encoded | undefined;
  for (let from = 0; from < records; from += chunk) {
    const input = sourceRecords(from, chunk, page);
    const encoded: Encoded[] = [];
    if (alloc) gc!();
    let heap = heapUsed();
    let cpu = process.cpuUsage();
    source.run(input, encoded);
    let used = process.cpuUsage(cpu);
    sourceCpu += used.user + used.system;
    sourceBytes += heapUsed() - heap;
    const messages = fetched(encoded);
    sample ??= messages[0];
    const out: SinkRecord[] = [];
    if (alloc) gc!();
    heap = heapUsed();
    cpu = process.cpuUsage();
    sink.run(messages, out);
    used = process.cpuUsage(cpu);
    sinkCpu += used.user + used.system;
    sinkBytes += heapUsed() - heap;
  }
  const n = Math.ceil(records / chunk) * chunk;
  return {
    source: { cpuUsPerRecord: sourceCpu / n, bytesPerRecord: alloc ? sourceBytes / n : null },
    sink: { cpuUsPerRecord: sinkCpu / n, bytesPerRecord: alloc ? sinkBytes / n : null },
    valueBytes: sample?.value?.length ?? 0,
    keyBytes: sample?.key?.length ?? 0,
  };
}

function main(): void {
  const argv = process.argv.slice(2);
  const arg = (name: string, def: number): number => {
    const i = argv.indexOf(name);
    return i >= 0 ? Number(argv[i + 1]) : def;
  };
  const records = arg('--records', 200_000);
  const rounds = arg('--rounds', 3);
  const page = arg('--page', 5000);
  const chunk = arg('--chunk', 1000);
  const alloc = argv.includes('--alloc');
  if (alloc && gc === undefined) throw new Error('--alloc needs node --expose-gc');
  const bytes = (b: number | null): string => (b === null ? '' : ` ${Math.round(b)} B`);
  const totals: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const f = measure(alloc ? Math.min(records, 50 * chunk) : records, page, chunk, alloc);
    const total = alloc ? f.source.bytesPerRecord! + f.sink.bytesPerRecord! : null;
    console.log(`round ${r + 1}: source ${alloc ? '' : `${f.source.cpuUsPerRecord.toFixed(2)} µs`}${bytes(f.source.bytesPerRecord)}; `
      + `sink ${alloc ? '' : `${f.sink.cpuUsPerRecord.toFixed(2)} µs`}${bytes(f.sink.bytesPerRecord)}; `
      + `total ${alloc ? '' : `${(f.source.cpuUsPerRecord + f.sink.cpuUsPerRecord).toFixed(2)} µs`}${bytes(total)} per record (value ${f.valueBytes} B, key ${f.keyBytes} B)`);
    totals.push(alloc ? total! : f.source.cpuUsPerRecord + f.sink.cpuUsPerRecord);
  }
  totals.sort((a, b) => a - b);
  console.log(`median total ${alloc ? `${Math.round(totals[totals.length >> 1]!)} B` : `${totals[totals.length >> 1]!.toFixed(2)} µs`} per record, minimum ${alloc ? `${Math.round(totals[0]!)} B` : `${totals[0]!.toFixed(2)} µs`}`);
}

main();
