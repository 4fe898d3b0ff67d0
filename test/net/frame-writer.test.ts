import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { FrameReader } from '../../src/net/frame-reader.js';
import { FrameWriter } from '../../src/net/frame-writer.js';
import { tcpPair } from './tcp-pair.js';

/** A Writable whose writes complete only when the test says so; records each writev batch. */
class HeldWritable extends Writable {
  readonly batches: Buffer[][] = [];
  private held: Array<() => void> = [];

  constructor(highWaterMark: number) {
    super({ highWaterMark });
  }

  override _writev(chunks: Array<{ chunk: Buffer }>, callback: (error?: Error | null) => void): void {
    this.batches.push(chunks.map((c) => c.chunk));
    this.held.push(() => callback());
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.batches.push([chunk]);
    this.held.push(() => callback());
  }

  release(): void {
    const held = this.held.splice(0);
    for (const h of held) h();
  }
}

function frame(...parts: Buffer[]): Buffer[] {
  const size = Buffer.alloc(4);
  size.writeInt32BE(parts.reduce((n, p) => n + p.length, 0), 0);
  return [size, ...parts];
}

describe('FrameWriter', () => {
  it('hands the chunks of a frame to the stream in one writev batch, as the same buffers (no copy)', () => {
    const stream = new HeldWritable(1024);
    const writer = new FrameWriter(stream);
    // A first write goes straight to _write; the next frames are batched behind it.
    writer.write(frame(Buffer.from('a')));
    const big = Buffer.alloc(500, 7);
    const chunks = frame(Buffer.from('head'), big, Buffer.alloc(0), Buffer.from('tail'));
    writer.write(chunks);
    stream.release();
    assert.equal(stream.batches.length, 2);
    const batch = stream.batches[1]!;
    assert.deepEqual(batch, chunks.filter((c) => c.length > 0));
    assert.ok(batch.includes(big), 'the large chunk itself was passed down, not a copy');
  });

  it('asks the caller to wait above the high-water mark and wakes it once the bytes are flushed', async () => {
    const stream = new HeldWritable(1 << 20);
    const progress: number[] = [];
    const writer = new FrameWriter(stream, { highWaterMark: 100, onProgress: () => progress.push(writer.pendingBytes) });
    assert.equal(writer.write(frame(Buffer.alloc(50))), true, '54 bytes pending < 100');
    assert.equal(writer.write(frame(Buffer.alloc(50))), false, '108 bytes pending >= 100');
    let woken = false;
    const drained = writer.drained().then(() => (woken = true));
    await new Promise((r) => setImmediate(r));
    assert.equal(woken, false);
    stream.release(); // the first frame completes
    await new Promise((r) => setImmediate(r));
    stream.release(); // the second one
    await drained;
    assert.equal(woken, true);
    assert.equal(writer.pendingBytes, 0);
    assert.ok(progress.length >= 1);
    assert.equal(writer.write([]), true, 'an empty frame writes nothing');
  });

  it('releases waiters when the stream is destroyed, and drops later writes without throwing', async () => {
    const stream = new HeldWritable(1 << 20);
    stream.on('error', () => {});
    const writer = new FrameWriter(stream, { highWaterMark: 10 });
    assert.equal(writer.write(frame(Buffer.alloc(20))), false);
    const drained = writer.drained();
    stream.destroy();
    await drained;
    assert.equal(writer.write(frame(Buffer.alloc(20))), true);
    await writer.drained();
  });

  it('calls onWritten once the frame has been flushed, at once for an empty frame or a gone stream', async () => {
    const stream = new HeldWritable(1 << 20);
    stream.on('error', () => {});
    const writer = new FrameWriter(stream);
    const calls: string[] = [];
    writer.write(frame(Buffer.from('first')), () => calls.push('first'));
    writer.write(frame(Buffer.from('second'), Buffer.from('more')), () => calls.push('second'));
    await new Promise((r) => setImmediate(r));
    assert.equal(calls.length, 0, 'nothing is flushed while the stream holds the writes');
    stream.release();
    await new Promise((r) => setImmediate(r));
    stream.release();
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(calls, ['first', 'second'], 'in order, once each');
    writer.write([Buffer.alloc(0)], () => calls.push('empty'));
    assert.deepEqual(calls.slice(2), ['empty'], 'an empty frame is done at once');
    writer.write(frame(Buffer.from('held')), () => calls.push('held'));
    writer.write(frame(Buffer.from('queued')), () => calls.push('queued'));
    stream.destroy();
    await new Promise((r) => setImmediate(r));
    // The write in progress completes (a socket's is cancelled) after destroy(); then the queued
    // one fails with ERR_STREAM_DESTROYED: both count as done.
    stream.release();
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(calls.slice(3).sort(), ['held', 'queued']);
    writer.write(frame(Buffer.from('late')), () => calls.push('late'));
    assert.equal(calls[calls.length - 1], 'late', 'a write to a gone stream is done at once');
  });

  it('writes frames over a real socket that a FrameReader reads back', async () => {
    const { client, peer, close } = await tcpPair();
    try {
      const writer = new FrameWriter(client);
      const reader = new FrameReader({ maxFrameBytes: 1 << 20 });
      const payloads = [Buffer.from('x'), Buffer.alloc(200_000, 3), Buffer.alloc(0), Buffer.from('last')];
      const received: Buffer[] = [];
      const done = new Promise<void>((resolve) => {
        peer.on('data', (chunk: Buffer) => {
          reader.push(chunk);
          for (let r = reader.next(); r.kind === 'frame'; r = reader.next()) received.push(Buffer.from(r.frame));
          if (received.length === payloads.length) resolve();
        });
      });
      for (const p of payloads) if (!writer.write(frame(p.subarray(0, 1), p.subarray(1)))) await writer.drained();
      await done;
      assert.deepEqual(received, payloads);
    } finally {
      close();
    }
  });

  // The timeout turns a corrupted stream (a frame that never completes) into a failure, not a hang.
  it('copies small frames into a reused buffer without corrupting frames the socket still holds', { timeout: 60_000 }, async () => {
    const { client, peer, close } = await tcpPair();
    try {
      const writer = new FrameWriter(client);
      const reader = new FrameReader({ maxFrameBytes: 1 << 20 });
      // Distinct contents per frame, sizes around the copy threshold; written in bursts (frames
      // queue in user space, where the copy must stay untouched) and one by one (the scratch is reused).
      const payloads: Buffer[] = [];
      for (let i = 0; i < 600; i++) {
        const size = [10, 3000, 20_000, 64 * 1024 - 4, 64 * 1024, 100_000][i % 6]!;
        payloads.push(Buffer.alloc(size, i % 251));
      }
      const received: Buffer[] = [];
      const done = new Promise<void>((resolve, reject) => {
        peer.on('data', (chunk: Buffer) => {
          reader.push(chunk);
          for (let r = reader.next(); r.kind === 'frame'; r = reader.next()) {
            const i = received.length;
            received.push(Buffer.from(r.frame));
            if (!received[i]!.equals(payloads[i]!)) reject(new Error(`frame ${i} arrived corrupted`));
          }
          if (reader.error !== undefined) reject(new Error(reader.error.message));
          if (received.length === payloads.length) resolve();
        });
      });
      done.catch(() => {}); // awaited below
      let flushedCallbacks = 0;
      // The first half goes out while the peer does not read: the kernel's buffers fill and the
      // rest waits in user space.
      peer.pause();
      let queuedInUserSpace = 0;
      for (const [i, p] of payloads.entries()) {
        if (i === 300) {
          assert.ok(queuedInUserSpace > 100, `frames queued in user space: ${queuedInUserSpace}`);
          peer.resume();
          await writer.drained();
        }
        writer.write(frame(p.subarray(0, 1), p.subarray(1)), () => flushedCallbacks++);
        if (client.writableLength > 0) queuedInUserSpace++;
        if (i >= 300) {
          await writer.drained();
          await new Promise((r) => setImmediate(r));
        }
      }
      await done;
      assert.equal(received.length, payloads.length);
      for (let i = 0; i < payloads.length; i++) assert.ok(received[i]!.equals(payloads[i]!), `frame ${i} arrived intact`);
      await new Promise((r) => setImmediate(r));
      assert.equal(flushedCallbacks, payloads.length);
    } finally {
      close();
    }
  });

  it('on a plain socket with nothing queued, a frame the kernel takes whole is done when write() returns; one taken in part or queued is done once flushed, in order', { timeout: 60_000 }, async () => {
    const { client, peer, close } = await tcpPair();
    try {
      let progress = 0;
      const writer = new FrameWriter(client, { onProgress: () => progress++ });
      const reader = new FrameReader({ maxFrameBytes: 4 << 20 });
      const received: Buffer[] = [];
      peer.on('data', (chunk: Buffer) => {
        reader.push(chunk);
        for (let f = reader.nextFrame(); f !== null; f = reader.nextFrame()) received.push(Buffer.from(f));
      });
      // A small single-chunk frame and a small frame of several chunks on an idle connection.
      const order: number[] = [];
      const single = Buffer.concat(frame(Buffer.from('one chunk')));
      writer.write([single], () => order.push(0));
      assert.deepEqual(order, [0], 'done before write() returned');
      writer.write(frame(Buffer.from('several'), Buffer.from(' chunks')), () => order.push(1));
      assert.deepEqual(order, [0, 1]);
      assert.equal(progress, 2);
      // The peer stops reading: single-chunk frames of 1 MiB fill the kernel's buffers, the first
      // is taken in part, the others queue; none is done until the peer reads.
      peer.pause();
      const payloads = [Buffer.from('one chunk'), Buffer.from('several chunks')];
      for (let i = 0; i < 8; i++) {
        const p = Buffer.alloc(1 << 20, 10 + i);
        payloads.push(p);
        writer.write([Buffer.concat(frame(p))], () => order.push(2 + i));
      }
      // Small multi-chunk frames behind them must not reuse memory the socket still holds.
      for (let i = 0; i < 20; i++) {
        const p = Buffer.alloc(100 + i, 100 + i);
        payloads.push(p);
        writer.write(frame(p.subarray(0, 1), p.subarray(1)), () => order.push(10 + i));
      }
      await new Promise((r) => setTimeout(r, 20));
      assert.ok(order.length < 2 + 28, `frames waiting for the peer are not done yet (${order.length} done)`);
      assert.ok(writer.pendingBytes > 0);
      peer.resume();
      await writer.drained();
      while (order.length < 30 || received.length < payloads.length) await new Promise((r) => setTimeout(r, 5));
      assert.deepEqual(order, Array.from({ length: 30 }, (_, i) => i), 'each frame done once, in order');
      assert.equal(received.length, payloads.length);
      for (let i = 0; i < payloads.length; i++) assert.ok(received[i]!.equals(payloads[i]!), `frame ${i} arrived intact`);
    } finally {
      close();
    }
  });
});
