/**
 * Reusable buffers for Fetch response frames. A frame larger than one socket read is assembled
 * in a buffer of its own; a fresh multi-MiB buffer costs a page fault per 4 KiB page on first
 * touch (and is returned to the system when collected), which on some machines costs more than
 * everything else the consumer does with the records. The consumer takes a buffer here for each
 * Fetch, copies the records it hands out of it (so messages never view pooled memory), and gives
 * it back once the response is decoded.
 *
 * Measured on the 2-core development VM (2026-11-25, bench `--only clients`, 512 MiB of 1 KiB
 * records): a minor page fault costs ~14 us of CPU there (256 MiB first-touched: ~65k faults,
 * ~0.9 s). A fresh exactly-sized buffer per Fetch response, with messages as views of it and no
 * copy, took 1.3-2.7 s of consumer CPU and 29k-77k faults (glibc maps and unmaps ~1 MiB blocks;
 * how many depends on when the GC frees them), against 0.9-1.4 s and 13k-20k faults for this pool
 * plus the 8 KiB copy slabs; rounding the fresh buffers up to 256 KiB or 1 MiB was worse still
 * (85k-100k faults). The copy's own faults are the first touch of the slab memory the GC has not
 * handed back yet: a scavenge comes every few tens of MB of records, so that much is outstanding.
 */

const MIN_BYTES = 64 * 1024;
/** Free buffers kept, and their total size at most. */
const MAX_FREE = 4;
const MAX_FREE_BYTES = 64 * 1024 * 1024;

function roundUp(n: number): number {
  let size = MIN_BYTES;
  while (size < n) size *= 2;
  return size;
}

export class FramePool {
  private readonly free: Buffer[] = [];
  private freeBytes = 0;

  /** A buffer of at least `size` bytes (the caller takes a `subarray` of it): reused when one is free. */
  acquire(size: number): Buffer {
    for (let i = 0; i < this.free.length; i++) {
      const b = this.free[i]!;
      // Not a much larger one than needed: keep those for large frames.
      if (b.length >= size && b.length <= Math.max(MIN_BYTES, size * 4)) {
        this.free.splice(i, 1);
        this.freeBytes -= b.length;
        return b;
      }
    }
    return Buffer.allocUnsafeSlow(roundUp(size));
  }

  /** Gives a buffer from `acquire` back; nothing may use its contents afterwards. */
  release(buffer: Buffer): void {
    if (this.free.includes(buffer)) return;
    if (this.free.length >= MAX_FREE || this.freeBytes + buffer.length > MAX_FREE_BYTES) return;
    this.free.push(buffer);
    this.freeBytes += buffer.length;
  }
}
