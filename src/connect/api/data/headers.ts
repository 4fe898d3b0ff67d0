/**
 * Connect headers (Kafka's ConnectHeaders / Header): an ordered list of key, schema, value
 * triples. Keys may repeat; `lastWithName` gives the latest, as Kafka does. Values added with a
 * schema are validated against it.
 */
import { DataException } from '../errors.js';
import { validateValue } from './schema.js';
import type { Schema } from './schema.js';
import { Schema as Schemas } from './schema.js';
import { valueToString } from './values.js';

export interface Header {
  readonly key: string;
  readonly schema: Schema | null;
  readonly value: unknown;
}

/** The list of every empty ConnectHeaders until its first add (never added to: frozen). */
const NO_HEADERS: Header[] = Object.freeze([]) as unknown as Header[];

export class ConnectHeaders implements Iterable<Header> {
  /** The headers; NO_HEADERS (shared) while empty, so a record without headers costs no array. */
  private list: Header[] = NO_HEADERS;

  constructor(headers?: Iterable<Header>) {
    if (headers instanceof ConnectHeaders) {
      if (headers.list.length > 0) this.list = headers.list.slice();
    } else if (headers) {
      for (const h of headers) this.writable().push(h);
    }
  }

  /** The list, made this instance's own before a change. */
  private writable(): Header[] {
    if (this.list === NO_HEADERS) this.list = [];
    return this.list;
  }

  get size(): number {
    return this.list.length;
  }

  isEmpty(): boolean {
    return this.list.length === 0;
  }

  [Symbol.iterator](): Iterator<Header> {
    return this.list[Symbol.iterator]();
  }

  /** Adds a header; a non-null schema is checked against the value (Kafka's ConnectHeaders.add). */
  add(key: string, value: unknown, schema: Schema | null = null): this {
    if (key === null || key === undefined) throw new DataException('Header key cannot be null');
    if (schema !== null) validateValue(schema, value ?? null, key);
    this.writable().push(Object.freeze({ key, schema, value: value ?? null }));
    return this;
  }

  addString(key: string, value: string | null): this { return this.add(key, value, Schemas.OPTIONAL_STRING_SCHEMA); }
  addBoolean(key: string, value: boolean): this { return this.add(key, value, Schemas.BOOLEAN_SCHEMA); }
  addInt32(key: string, value: number): this { return this.add(key, value, Schemas.INT32_SCHEMA); }
  addInt64(key: string, value: bigint): this { return this.add(key, value, Schemas.INT64_SCHEMA); }
  addFloat64(key: string, value: number): this { return this.add(key, value, Schemas.FLOAT64_SCHEMA); }
  addBytes(key: string, value: Uint8Array): this { return this.add(key, value, Schemas.BYTES_SCHEMA); }

  lastWithName(key: string): Header | null {
    for (let i = this.list.length - 1; i >= 0; i--) if (this.list[i]!.key === key) return this.list[i]!;
    return null;
  }

  allWithName(key: string): Header[] {
    return this.list.filter((h) => h.key === key);
  }

  remove(key: string): this {
    for (let i = this.list.length - 1; i >= 0; i--) if (this.list[i]!.key === key) this.list.splice(i, 1);
    return this;
  }

  /** Keeps only the last header for each key (Kafka's retainLatest()). */
  retainLatest(): this {
    const seen = new Set<string>();
    for (let i = this.list.length - 1; i >= 0; i--) {
      const k = this.list[i]!.key;
      if (seen.has(k)) this.list.splice(i, 1);
      else seen.add(k);
    }
    return this;
  }

  clear(): this {
    this.list = NO_HEADERS;
    return this;
  }

  duplicate(): ConnectHeaders {
    return new ConnectHeaders(this);
  }

  toString(): string {
    return `ConnectHeaders(headers=${this.list.map((h) => `${h.key}=${valueToString(h.value)}`).join(', ')})`;
  }
}
