/**
 * Reusable buffers for the bytes a Fetch reads from segment files.
 *
 * A fetch reads up to max.partition.fetch.bytes (often 1-8 MiB) per partition and the response
 * writes those bytes to the socket as they are. Allocating a fresh buffer of that size per fetch
 * costs page faults on every new mapping and, worse, V8 collects garbage early and often when
 * that much external memory comes and goes. So reads of `minPooledBytes` or more borrow a slab
 * of the next power-of-two size from this pool and give it back once the response has been
 * handed to the kernel (or dropped). The default threshold is low (4 KiB, where Node's own
 * shared pool stops): a consumer at the log end fetches a few KiB at a time, thousands of times
 * a second, and each plain allocation would be a new ArrayBuffer for the garbage collector.
 *
 * Ownership: whoever holds a `ReadBufferLease` must not touch its buffers after `release()`;
 * the pool hands the same memory to the next reader. The pool keeps at most `maxPooledBytes`
 * of idle slabs; slabs beyond that (or above `maxSlabBytes`) are left to the garbage collector.
 */
import { Buffer } from 'node:buffer';

export interface ReadBufferPoolOptions {
  /** Reads smaller than this get a plain allocation (from Node's shared pool below 4 KiB). Default 4 KiB. */
  minPooledBytes?: number;
  /** Largest slab kept; larger reads get a plain allocation. Default 64 MiB. */
  maxSlabBytes?: number;
  /** Idle slab bytes kept in the pool; beyond this released slabs are dropped. Default 32 MiB. */
  maxPooledBytes?: number;
}

/** Counters for tests and diagnostics. */
export interface ReadBufferPoolStats {
  /** Slabs allocated because no idle slab of the size class was free. */
  slabsAllocated: number;
  /** Acquisitions served from an idle slab. */
  reused: number;
  /** Slabs currently lent out. */
  lent: number;
  /** Bytes of idle slabs held. */
  idleBytes: number;
}

export class ReadBufferPool {
  readonly minPooledBytes: number;
  readonly maxSlabBytes: number;
  readonly maxPooledBytes: number;
  /** Idle slabs by size (a power of two). */
  private readonly idle = new Map<number, Buffer[]>();
  private idleBytes = 0;
  private lent = 0;
  private slabsAllocated = 0;
  private reused = 0;

  constructor(options: ReadBufferPoolOptions = {}) {
    this.minPooledBytes = options.minPooledBytes ?? 4 * 1024;
    this.maxSlabBytes = options.maxSlabBytes ?? 64 * 1024 * 1024;
    this.maxPooledBytes = options.maxPooledBytes ?? 32 * 1024 * 1024;
  }

  /** A lease through which one request borrows buffers; release it once its response is written. */
  lease(): ReadBufferLease {
    return new ReadBufferLease(this);
  }

  stats(): ReadBufferPoolStats {
    return { slabsAllocated: this.slabsAllocated, reused: this.reused, lent: this.lent, idleBytes: this.idleBytes };
  }

  /** Drops every idle slab (broker shutdown, or memory pressure). */
  clear(): void {
    this.idle.clear();
    this.idleBytes = 0;
  }

  /** @internal A slab of at least `size` bytes, or null when `size` is not pooled. */
  takeSlab(size: number): Buffer | null {
    if (size < this.minPooledBytes || size > this.maxSlabBytes) return null;
    const slabSize = slabSizeFor(size);
    const free = this.idle.get(slabSize);
    this.lent++;
    const slab = free?.pop();
    if (slab !== undefined) {
      this.idleBytes -= slabSize;
      this.reused++;
      return slab;
    }
    this.slabsAllocated++;
    return Buffer.allocUnsafeSlow(slabSize);
  }

  /** @internal Returns a slab taken with `takeSlab`. */
  giveBack(slab: Buffer): void {
    this.lent--;
    if (this.idleBytes + slab.length > this.maxPooledBytes) return;
    let free = this.idle.get(slab.length);
    if (free === undefined) {
      free = [];
      this.idle.set(slab.length, free);
    }
    free.push(slab);
    this.idleBytes += slab.length;
  }
}

/** The buffers borrowed for one request. `allocate` is what storage reads call. */
export class ReadBufferLease {
  /** The slabs lent to this lease: null until the first (most fetches at the log end read under 4 KiB and take none). */
  private slabs: Buffer[] | null = null;
  private released = false;

  constructor(private readonly pool: ReadBufferPool) {}

  /** A buffer of exactly `size` bytes (contents undefined): a view of a pooled slab, or a plain allocation. */
  readonly allocate = (size: number): Buffer => {
    if (this.released) throw new Error('ReadBufferLease used after release');
    const slab = this.pool.takeSlab(size);
    if (slab === null) return Buffer.allocUnsafe(size);
    // A one-slot array for the usual single slab (an array grown by push starts at 17 slots).
    if (this.slabs === null) this.slabs = [slab];
    else this.slabs.push(slab);
    return slab.subarray(0, size);
  };

  /** Gives every borrowed slab back; the buffers handed out must no longer be used. Idempotent. */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.releaseAndReuse();
  }

  /**
   * Gives the slabs back but keeps the lease usable: for a caller that discards what it read and
   * reads again (a long-polling fetch that waits for more data).
   */
  releaseAndReuse(): void {
    const slabs = this.slabs;
    if (slabs === null) return;
    this.slabs = null;
    for (const s of slabs) this.pool.giveBack(s);
  }
}

/** Allocation function accepted by storage reads: returns a buffer of exactly `size` bytes. */
export type ReadAllocator = (size: number) => Buffer;

function slabSizeFor(size: number): number {
  let s = 1;
  while (s < size) s *= 2;
  return s;
}
