/**
 * A consumer's Fetch request, encoded once per leader and sent again with new fetch offsets.
 *
 * A consumer asks the same leader for the same partitions fetch after fetch; only the offsets and
 * the correlation id change. Encoding the request anew each time (a request object per fetch, the
 * generic encoder) cost ~50 µs per fetch: the request path runs a few hundred times a second, too
 * rarely for V8 to optimize it, so it runs in the baseline tier. A prepared fetch is a copy of the
 * encoded frame with the offsets written in.
 *
 * Where the offsets sit in the frame depends on the version and on every field before them. They
 * are found by encoding the request once with marker offsets and looking for the markers' bytes;
 * a request in which some marker is not found exactly once is not prepared (the caller encodes
 * it as usual).
 */
import { Buffer } from 'node:buffer';
import type { FetchRequest } from '../../protocol/generated/fetch.js';

/** Marker offset of the i-th partition: 'SAMS' in the high half, i in the low half. */
const MARKER_BASE = 0x53414d53n << 32n;

export class PreparedFetch {
  private constructor(
    /** What the frame was made from (version, client, partitions, epochs, limits). */
    readonly signature: string,
    readonly apiVersion: number,
    private readonly frame: Buffer,
    /** Where each partition's fetch offset sits in the frame, in request order. */
    private readonly offsetAt: readonly number[],
  ) {}

  /**
   * Prepares `request` (its fetch offsets are ignored) with `encode`, which returns the whole
   * frame. Undefined when the offsets cannot be located.
   */
  static prepare(signature: string, apiVersion: number, request: FetchRequest, encode: (request: FetchRequest) => Buffer): PreparedFetch | undefined {
    let i = 0;
    const marked: FetchRequest = {
      ...request,
      topics: request.topics.map((t) => ({ ...t, partitions: t.partitions.map((p) => ({ ...p, fetchOffset: MARKER_BASE + BigInt(i++) })) })),
    };
    const frame = encode(marked);
    const offsetAt: number[] = [];
    const marker = Buffer.alloc(8);
    for (let n = 0; n < i; n++) {
      marker.writeBigInt64BE(MARKER_BASE + BigInt(n));
      const at = frame.indexOf(marker);
      if (at < 0 || frame.indexOf(marker, at + 1) >= 0) return undefined;
      offsetAt.push(at);
    }
    return new PreparedFetch(signature, apiVersion, frame, offsetAt);
  }

  /** Partitions in the request. */
  get partitionCount(): number {
    return this.offsetAt.length;
  }

  /** A new frame asking from `offsets` (one per partition, in request order). */
  frameFor(offsets: readonly bigint[]): Buffer {
    if (offsets.length !== this.offsetAt.length) throw new Error(`prepared fetch of ${this.offsetAt.length} partitions given ${offsets.length} offsets`);
    const out = Buffer.allocUnsafe(this.frame.length);
    this.frame.copy(out);
    for (let i = 0; i < offsets.length; i++) out.writeBigInt64BE(offsets[i]!, this.offsetAt[i]!);
    return out;
  }
}
