/**
 * Keeps memory that the process frees for its next allocations, instead of giving it back to the
 * system at once: for the consumer, whose Fetch responses (about 1 MiB each) are fresh buffers
 * that its messages view, and that the GC frees in bulk, tens of MB at a time.
 *
 * Node allocates the memory of Buffers with the C library's malloc. glibc serves a request of
 * 128 KiB or more with a fresh mmap and unmaps it when freed, and gives the free top of its heap
 * back to the system once that exceeds 128 KiB: each fresh page is then zeroed and faulted in
 * again by the kernel on first touch (on some VMs a fault costs ~14 us, more than decoding the
 * records in that page). glibc adjusts both thresholds upwards by itself (mallopt(3), "dynamic
 * mmap threshold"): when a block it had mmapped is freed, blocks up to that size come from its
 * heap from then on, and the free top of the heap is kept up to twice that size. Freeing one
 * mmapped block of `RETAINED_BYTES` (24 MiB; glibc adjusts for blocks up to 32 MiB on 64-bit)
 * thus lets ~1 MiB responses come from the heap and keeps up to ~48 MiB of freed memory for
 * reuse: about what the GC frees in one go when a consumer reads at full speed.
 *
 * Any glibc process that once frees a block that large gets the same settings. Elsewhere (musl,
 * macOS, Windows) this is one allocation of untouched memory, freed by the next GC, and nothing
 * else. Measured on the 2-core development VM (2026-11-26, `--only clients`, 512 MiB of 1 KiB
 * records): fresh Fetch buffers without this took 30k-125k minor page faults per run, with it
 * 1k-8k once warm.
 */
import { Buffer } from 'node:buffer';

const RETAINED_BYTES = 24 * 1024 * 1024;

let done = false;

/**
 * Allocates and drops a `RETAINED_BYTES` buffer, untouched (see above): once per module instance,
 * i.e. once per thread that loads it (the thresholds are the process's; a second thread's call
 * changes nothing and costs one more untouched allocation).
 */
export function retainFreedMemory(): void {
  if (done) return;
  done = true;
  // allocUnsafeSlow: its own allocation, not a pool slice, and not zero-filled (no page is touched).
  Buffer.allocUnsafeSlow(RETAINED_BYTES);
}
