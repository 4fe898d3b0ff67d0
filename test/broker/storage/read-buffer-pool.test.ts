import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ReadBufferPool } from '../../../src/broker/storage/read-buffer-pool.js';

describe('ReadBufferPool', () => {
  it('lends power-of-two slabs, cut to the size asked, and lends the same memory again after release', () => {
    const pool = new ReadBufferPool({ minPooledBytes: 1024, maxSlabBytes: 1 << 20, maxPooledBytes: 4 << 20 });
    const a = pool.lease();
    const first = a.allocate(3000);
    assert.equal(first.length, 3000);
    assert.equal(first.buffer.byteLength, 4096, 'a 4 KiB slab backs a 3000-byte read');
    first.fill(7);
    assert.deepEqual(pool.stats(), { slabsAllocated: 1, reused: 0, lent: 1, idleBytes: 0 });
    a.release();
    assert.deepEqual(pool.stats(), { slabsAllocated: 1, reused: 0, lent: 0, idleBytes: 4096 });
    const b = pool.lease();
    const again = b.allocate(4096);
    assert.equal(again.buffer, first.buffer, 'the idle slab is reused');
    assert.equal(pool.stats().reused, 1);
    const other = b.allocate(2500);
    assert.notEqual(other.buffer, again.buffer, 'a slab is lent to one reader at a time');
    b.release();
    b.release();
    assert.equal(pool.stats().lent, 0, 'release is idempotent');
  });

  it('allocates plainly below minPooledBytes and above maxSlabBytes, and refuses use after release', () => {
    const pool = new ReadBufferPool({ minPooledBytes: 1024, maxSlabBytes: 8192 });
    const lease = pool.lease();
    assert.equal(lease.allocate(100).length, 100);
    assert.equal(lease.allocate(10_000).length, 10_000);
    assert.equal(pool.stats().slabsAllocated, 0);
    lease.release();
    assert.throws(() => lease.allocate(2048), /after release/);
  });

  it('keeps at most maxPooledBytes of idle slabs', () => {
    const pool = new ReadBufferPool({ minPooledBytes: 1024, maxSlabBytes: 1 << 20, maxPooledBytes: 10_000 });
    const leases = [pool.lease(), pool.lease(), pool.lease()];
    for (const l of leases) l.allocate(4096);
    for (const l of leases) l.release();
    assert.equal(pool.stats().idleBytes, 8192, 'the third 4 KiB slab would pass 10,000 bytes: dropped');
    pool.clear();
    assert.equal(pool.stats().idleBytes, 0);
  });

  it('releaseAndReuse gives the slabs back and keeps the lease open', () => {
    const pool = new ReadBufferPool({ minPooledBytes: 1024 });
    const lease = pool.lease();
    const first = lease.allocate(2048);
    lease.releaseAndReuse();
    const second = lease.allocate(2048);
    assert.equal(second.buffer, first.buffer);
    lease.release();
    assert.equal(pool.stats().lent, 0);
  });
});
