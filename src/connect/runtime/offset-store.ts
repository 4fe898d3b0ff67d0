/**
 * Source offsets: where each source partition's records were last acknowledged.
 *
 * Keys and values are JSON values. A key is Kafka's `[connectorName, sourcePartition]`, a value
 * the source offset object (null deletes). They are compared by their canonical JSON text
 * (object keys sorted), so `{ a, b }` and `{ b, a }` are the same partition.
 *
 * FileOffsetBackingStore (standalone mode, `offset.storage.file.filename`): Kafka writes a
 * Java-serialized HashMap; Samsa writes a JSON document instead:
 *
 *     {"format":"samsa-connect-offsets","version":1,"entries":[[key, value], ...]}
 *
 * e.g. `[["local-file-source",{"filename":"test.txt"}],{"position":1234}]`. Each save writes the
 * whole map to `<file>.tmp`, syncs and closes it, then renames it over the file, so a crash
 * leaves either the old or the new map (never a torn one). Integers beyond 2^53 in offsets
 * (bigint) are written as JSON numbers with all their digits and read back as bigint.
 */
import { existsSync, readFileSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { ConnectException } from '../api/errors.js';

export type OffsetKey = readonly [string, Readonly<Record<string, unknown>>];
export type OffsetValue = Readonly<Record<string, unknown>>;

const FORMAT = 'samsa-connect-offsets';

/** Canonical JSON text: object keys sorted, bigint as a plain number literal. */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new ConnectException(`Offsets must be finite numbers, got ${value}`);
    return JSON.stringify(value);
  }
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  throw new ConnectException(`Offsets and partitions must be JSON values, got a ${typeof value}`);
}

const BIGINT_MARK = '\u0000bigint:';

/**
 * JSON.parse, with integers beyond Number.MAX_SAFE_INTEGER as bigint (Node 20's JSON.parse has no
 * access to the source text of numbers, so such literals are turned into marked strings first).
 */
export function parseJsonWithBigInts(text: string): unknown {
  const marked = text.replace(/"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g, (token) => {
    if (token.startsWith('"') || !/^-?\d+$/.test(token) || Number.isSafeInteger(Number(token))) return token;
    return JSON.stringify(BIGINT_MARK + token);
  });
  return JSON.parse(marked, (_key, value: unknown) => (typeof value === 'string' && value.startsWith(BIGINT_MARK) ? BigInt(value.slice(BIGINT_MARK.length)) : value));
}

/** Kafka's OffsetBackingStore, reduced to what the standalone worker needs. */
export interface OffsetBackingStore {
  start(): Promise<void>;
  stop(): Promise<void>;
  get(key: OffsetKey): OffsetValue | null;
  /** Stores the entries (a null value removes the key); resolves once they are durable. */
  set(entries: ReadonlyArray<readonly [OffsetKey, OffsetValue | null]>): Promise<void>;
  /** Every stored [sourcePartition, offset] of one connector (GET /connectors/{name}/offsets). */
  connectorOffsets(connector: string): Array<readonly [Readonly<Record<string, unknown>>, OffsetValue]>;
}

/** Offsets in memory only (Kafka's MemoryOffsetBackingStore): lost when the process ends. */
export class MemoryOffsetBackingStore implements OffsetBackingStore {
  protected readonly data = new Map<string, readonly [OffsetKey, OffsetValue]>();

  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  get(key: OffsetKey): OffsetValue | null {
    return this.data.get(canonicalJson(key))?.[1] ?? null;
  }

  connectorOffsets(connector: string): Array<readonly [Readonly<Record<string, unknown>>, OffsetValue]> {
    return [...this.data.values()].filter(([k]) => k[0] === connector).map(([k, v]) => [k[1], v] as const);
  }

  async set(entries: ReadonlyArray<readonly [OffsetKey, OffsetValue | null]>): Promise<void> {
    for (const [k, v] of entries) {
      if (v === null) this.data.delete(canonicalJson(k));
      else this.data.set(canonicalJson(k), [k, v]);
    }
    await this.save();
  }

  protected async save(): Promise<void> {}
}

export class FileOffsetBackingStore extends MemoryOffsetBackingStore {
  /** Saves run one after another, each writing the map as it is then. */
  private saving: Promise<void> = Promise.resolve();

  constructor(readonly file: string) {
    super();
  }

  /** Loads the file; a missing file is an empty map, an unreadable one an error naming the file. */
  override async start(): Promise<void> {
    this.data.clear();
    if (!existsSync(this.file)) return;
    let doc: unknown;
    try {
      doc = parseJsonWithBigInts(readFileSync(this.file, 'utf8'));
    } catch (e) {
      throw new ConnectException(`Could not read the offsets file ${this.file}: ${(e as Error).message}`, { cause: e });
    }
    const d = doc as { format?: unknown; version?: unknown; entries?: unknown };
    if (typeof doc !== 'object' || doc === null || d.format !== FORMAT || d.version !== 1 || !Array.isArray(d.entries)) {
      throw new ConnectException(`The offsets file ${this.file} is not a Samsa Connect offsets file (format ${FORMAT}, version 1)`);
    }
    for (const entry of d.entries as unknown[]) {
      if (!Array.isArray(entry) || entry.length !== 2 || !Array.isArray(entry[0]) || entry[1] === null || typeof entry[1] !== 'object') {
        throw new ConnectException(`The offsets file ${this.file} has a malformed entry: ${canonicalJson(entry)}`);
      }
      const key = entry[0] as unknown as OffsetKey;
      this.data.set(canonicalJson(key), [key, entry[1] as OffsetValue]);
    }
  }

  override async stop(): Promise<void> {
    await this.saving;
  }

  protected override save(): Promise<void> {
    const run = this.saving.then(() => this.writeNow());
    this.saving = run.catch(() => undefined);
    return run;
  }

  private async writeNow(): Promise<void> {
    const entries = [...this.data.values()].map(([k, v]) => `[${canonicalJson(k)},${canonicalJson(v)}]`);
    const text = `{"format":"${FORMAT}","version":1,"entries":[${entries.length === 0 ? '' : `\n${entries.join(',\n')}\n`}]}\n`;
    const tmp = `${this.file}.tmp`;
    const handle = await open(tmp, 'w');
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close(); // closed before the rename: Windows cannot rename an open file
    }
    try {
      await rename(tmp, this.file);
    } catch (e) {
      await unlink(tmp).catch(() => undefined);
      throw new ConnectException(`Could not write the offsets file ${this.file}: ${(e as Error).message}`, { cause: e });
    }
  }
}
