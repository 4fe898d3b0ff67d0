/**
 * The deterministic records the real-client interop tests produce, the JSON-lines shape every
 * reading client dumps them in, and the exact comparison of the two.
 *
 * Record `i` of a dataset: key `key-<i mod keys>`, a value of exactly `valueBytes` ASCII bytes
 * that starts with `<producer>:<i>:`, headers naming the producer and the sequence number, and
 * timestamp `baseTimestamp + i`. The partition follows the key (`keyIndex mod partitions`), so
 * every key lives in one partition and a partition's records are the dataset's in `i` order.
 */

export interface InteropRecord {
  /** Position in the dataset (the order the producer sends in). */
  seq: number;
  partition: number;
  key: string;
  value: string;
  headers: Array<[string, string]>;
  /** CreateTime in ms; null when the producing client picks it (kcat cannot set one per record). */
  timestamp: number | null;
}

export interface InteropDatasetOptions {
  producer: string;
  count: number;
  partitions: number;
  /** null: the producer stamps the records itself. */
  baseTimestamp: number | null;
  /** false: only headers that are the same for every record of a partition (kcat sets headers per run). */
  perRecordHeaders?: boolean;
  /** Distinct keys; default 250. */
  keys?: number;
  /** Value length in bytes; default 100. */
  valueBytes?: number;
}

const FILLER = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
/** A non-ASCII header value, to see UTF-8 survive every client. */
export const INTEROP_NOTE = 'café ✓';

export function buildInteropDataset(options: InteropDatasetOptions): InteropRecord[] {
  const keys = options.keys ?? 250;
  const valueBytes = options.valueBytes ?? 100;
  const perRecordHeaders = options.perRecordHeaders ?? true;
  const records: InteropRecord[] = [];
  for (let seq = 0; seq < options.count; seq++) {
    const keyIndex = seq % keys;
    const partition = keyIndex % options.partitions;
    const prefix = `${options.producer}:${seq}:`;
    let value = prefix;
    for (let j = 0; value.length < valueBytes; j++) value += FILLER[(seq + j) % FILLER.length];
    const headers: Array<[string, string]> = perRecordHeaders
      ? [['producer', options.producer], ['seq', String(seq)], ['note', INTEROP_NOTE]]
      : [['producer', options.producer], ['partition', String(partition)], ['note', INTEROP_NOTE]];
    records.push({
      seq,
      partition,
      key: `key-${keyIndex}`,
      value: value.slice(0, valueBytes),
      headers,
      timestamp: options.baseTimestamp === null ? null : options.baseTimestamp + seq,
    });
  }
  return records;
}

/** The dataset as JSON lines with the topic added: the input of the Python producer helpers. */
export function datasetJsonLines(topic: string, records: readonly InteropRecord[]): string {
  return records.map((r) => JSON.stringify({ topic, ...r })).join('\n') + '\n';
}

/** One record as a reading client reports it (strings decoded as UTF-8). */
export interface ConsumedRecord {
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
  headers: Array<[string, string | null]>;
  timestamp: number;
  /** 0 CreateTime, 1 LogAppendTime, when the client tells. */
  timestampType?: number;
}

/** Parses a reader's stdout: one JSON object per line; lines that are not JSON objects are an error. */
export function parseConsumedLines(stdout: string): ConsumedRecord[] {
  const out: ConsumedRecord[] = [];
  for (const line of stdout.split('\n')) {
    if (line.trim() === '') continue;
    const r = JSON.parse(line) as ConsumedRecord;
    if (typeof r.partition !== 'number' || typeof r.offset !== 'number') throw new Error(`not a consumed record: ${line}`);
    out.push(r);
  }
  return out;
}

export interface CompareOptions {
  /** For records with `timestamp: null`: the window the broker-side or client-side stamp must fall in. */
  timestampWindow?: { min: number; max: number };
  /** Stop listing problems after this many; default 10. */
  maxProblems?: number;
}

/**
 * Compares what a client read with the dataset, exactly: per partition the same records in the
 * same order at offsets 0, 1, 2, ... with the same key, value, headers (names, values, order) and
 * timestamp, and nothing else. Returns the problems found (empty when equal).
 */
export function compareConsumed(expected: readonly InteropRecord[], consumed: readonly ConsumedRecord[], options: CompareOptions = {}): string[] {
  const maxProblems = options.maxProblems ?? 10;
  const problems: string[] = [];
  const add = (p: string): boolean => {
    problems.push(p);
    return problems.length >= maxProblems;
  };
  const want = new Map<number, InteropRecord[]>();
  for (const r of expected) {
    let list = want.get(r.partition);
    if (list === undefined) want.set(r.partition, (list = []));
    list.push(r);
  }
  const got = new Map<number, ConsumedRecord[]>();
  for (const r of consumed) {
    let list = got.get(r.partition);
    if (list === undefined) got.set(r.partition, (list = []));
    list.push(r);
  }
  for (const p of got.keys()) if (!want.has(p) && add(`partition ${p}: ${got.get(p)!.length} unexpected records`)) return problems;
  for (const [p, wantList] of [...want.entries()].sort((a, b) => a[0] - b[0])) {
    const gotList = got.get(p) ?? [];
    if (gotList.length !== wantList.length && add(`partition ${p}: expected ${wantList.length} records, read ${gotList.length}`)) return problems;
    const n = Math.min(gotList.length, wantList.length);
    for (let i = 0; i < n; i++) {
      const w = wantList[i]!;
      const g = gotList[i]!;
      const where = `partition ${p} record #${i} (seq ${w.seq})`;
      if (g.offset !== i && add(`${where}: offset ${g.offset}, expected ${i} (order or gap)`)) return problems;
      if (g.key !== w.key && add(`${where}: key ${JSON.stringify(g.key)}, expected ${JSON.stringify(w.key)}`)) return problems;
      if (g.value !== w.value && add(`${where}: value ${JSON.stringify(g.value)}, expected ${JSON.stringify(w.value)}`)) return problems;
      if (JSON.stringify(g.headers) !== JSON.stringify(w.headers) && add(`${where}: headers ${JSON.stringify(g.headers)}, expected ${JSON.stringify(w.headers)}`)) return problems;
      if (w.timestamp !== null) {
        if (g.timestamp !== w.timestamp && add(`${where}: timestamp ${g.timestamp}, expected ${w.timestamp}`)) return problems;
      } else if (options.timestampWindow !== undefined) {
        const { min, max } = options.timestampWindow;
        if ((g.timestamp < min || g.timestamp > max) && add(`${where}: timestamp ${g.timestamp} outside the produce window [${min}, ${max}]`)) return problems;
      }
      if (g.timestampType !== undefined && g.timestampType !== 0 && add(`${where}: timestamp type ${g.timestampType}, expected 0 (CreateTime)`)) return problems;
    }
  }
  return problems;
}
