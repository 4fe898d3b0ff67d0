import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FrameReader } from '../../src/net/frame-reader.js';
import type { FrameReadResult } from '../../src/net/frame-reader.js';
import { seededRng } from '../support/random-message.js';

function sizePrefixed(payload: Buffer): Buffer {
  const prefix = Buffer.alloc(4);
  prefix.writeInt32BE(payload.length, 0);
  return Buffer.concat([prefix, payload]);
}

function prefix(size: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(size, 0);
  return b;
}

/** Every frame `next()` yields until it needs more bytes (or fails). */
function drain(reader: FrameReader): Buffer[] {
  const out: Buffer[] = [];
  for (;;) {
    const r = reader.next();
    if (r.kind === 'incomplete') return out;
    if (r.kind === 'invalid') assert.fail(`unexpected error: ${r.error.message}`);
    out.push(r.frame);
  }
}

function payload(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
}

/** 1-20 frames, a fifth of them up to 4 KiB and the rest under 40 bytes, and their size-prefixed stream. */
function randomFrameStream(rng: () => number, round: number): { payloads: Buffer[]; stream: Buffer } {
  const payloads: Buffer[] = [];
  const n = 1 + Math.floor(rng() * 20);
  for (let i = 0; i < n; i++) payloads.push(payload(Math.floor(rng() < 0.2 ? rng() * 4096 : rng() * 40), round + i));
  return { payloads, stream: Buffer.concat(payloads.map(sizePrefixed)) };
}

/**
 * Pushes `stream` into the reader in chunks as sockets hand them over (half the time 1-8 bytes,
 * else up to 3,000), calling `afterEach` after every push.
 */
function feedInRandomChunks(reader: FrameReader, stream: Buffer, rng: () => number, afterEach: () => void): void {
  for (let pos = 0; pos < stream.length; ) {
    const len = 1 + Math.floor(rng() * (rng() < 0.5 ? 8 : 3000));
    reader.push(stream.subarray(pos, pos + len));
    pos += len;
    afterEach();
  }
}

describe('FrameReader', () => {
  it('returns a frame that lies inside one chunk as a view of that chunk (no copy)', () => {
    const reader = new FrameReader({ maxFrameBytes: 1024 });
    const chunk = sizePrefixed(payload(100, 1));
    reader.push(chunk);
    const r = reader.next();
    assert.equal(r.kind, 'frame');
    const frame = (r as Extract<FrameReadResult, { kind: 'frame' }>).frame;
    assert.deepEqual(frame, payload(100, 1));
    assert.equal(frame.buffer, chunk.buffer, 'same memory as the pushed chunk');
    assert.equal(frame.byteOffset, chunk.byteOffset + 4);
    assert.equal(reader.next().kind, 'incomplete');
    assert.equal(reader.bufferedBytes, 0);
  });

  it('cuts many frames out of one chunk, each a view', () => {
    const reader = new FrameReader({ maxFrameBytes: 1024 });
    const payloads = [payload(5, 1), payload(0, 2), payload(300, 3), payload(1, 4), payload(17, 5)];
    const chunk = Buffer.concat(payloads.map(sizePrefixed));
    reader.push(chunk);
    const frames = drain(reader);
    assert.deepEqual(frames, payloads);
    for (const f of frames) if (f.length > 0) assert.equal(f.buffer, chunk.buffer);
  });

  it('assembles frames fed one byte at a time', () => {
    const reader = new FrameReader({ maxFrameBytes: 1024 });
    const payloads = [payload(9, 1), payload(0, 2), payload(200, 3)];
    const stream = Buffer.concat(payloads.map(sizePrefixed));
    const frames: Buffer[] = [];
    for (let i = 0; i < stream.length; i++) {
      assert.equal(reader.push(stream.subarray(i, i + 1)), undefined);
      frames.push(...drain(reader));
    }
    assert.deepEqual(frames, payloads);
    assert.equal(reader.bufferedBytes, 0);
  });

  it('handles a size prefix split across chunks and a frame spanning three chunks', () => {
    const reader = new FrameReader({ maxFrameBytes: 1024 });
    const p = payload(50, 7);
    const whole = sizePrefixed(p);
    reader.push(whole.subarray(0, 2));
    assert.equal(reader.next().kind, 'incomplete');
    assert.equal(reader.bufferedBytes, 2);
    reader.push(whole.subarray(2, 10));
    assert.equal(reader.next().kind, 'incomplete');
    assert.equal(reader.hasCompleteFrame, false);
    reader.push(whole.subarray(10, 30));
    assert.equal(reader.next().kind, 'incomplete');
    reader.push(Buffer.concat([whole.subarray(30), sizePrefixed(payload(3, 8)).subarray(0, 5)]));
    assert.equal(reader.hasCompleteFrame, true);
    assert.deepEqual(drain(reader), [p]);
    assert.equal(reader.bufferedBytes, 1, 'the next frame has its prefix read and one byte');
    reader.push(sizePrefixed(payload(3, 8)).subarray(5));
    assert.deepEqual(drain(reader), [payload(3, 8)]);
  });

  it('accepts a frame of exactly maxFrameBytes and an empty frame', () => {
    const reader = new FrameReader({ maxFrameBytes: 64 });
    reader.push(Buffer.concat([sizePrefixed(payload(64, 1)), sizePrefixed(Buffer.alloc(0))]));
    const frames = drain(reader);
    assert.equal(frames.length, 2);
    assert.equal(frames[0]!.length, 64);
    assert.equal(frames[1]!.length, 0);
  });

  it('refuses a size one above the maximum as soon as the prefix arrives, without buffering the frame', () => {
    const reader = new FrameReader({ maxFrameBytes: 64 });
    const err = reader.push(prefix(65));
    assert.deepEqual(err, { reason: 'FRAME_TOO_LARGE', size: 65, maxFrameBytes: 64, message: 'invalid frame size 65 (larger than 64)' });
    assert.equal(reader.bufferedBytes, 0);
    const r = reader.next();
    assert.equal(r.kind, 'invalid');
    // Sticky: more bytes are refused and not kept.
    assert.deepEqual(reader.push(Buffer.alloc(1000)), err);
    assert.equal(reader.bufferedBytes, 0);
    assert.equal(reader.next().kind, 'invalid');
    assert.equal(reader.hasCompleteFrame, false);
  });

  it('refuses a huge claimed size split across chunks (no allocation of the claimed size)', () => {
    const reader = new FrameReader({ maxFrameBytes: 100 * 1024 * 1024 });
    const p = prefix(0x7fffffff);
    assert.equal(reader.push(p.subarray(0, 3)), undefined);
    const err = reader.push(p.subarray(3));
    assert.equal(err?.reason, 'FRAME_TOO_LARGE');
    assert.equal(err?.size, 0x7fffffff);
  });

  it('refuses a negative size', () => {
    const reader = new FrameReader({ maxFrameBytes: 64 });
    reader.push(Buffer.concat([sizePrefixed(payload(3, 1)), prefix(-1), Buffer.alloc(10)]));
    // The push reported nothing: the first frame's prefix was valid; the bad one comes after it.
    const first = reader.next();
    assert.equal(first.kind, 'frame');
    const r = reader.next();
    assert.equal(r.kind, 'invalid');
    assert.equal((r as Extract<FrameReadResult, { kind: 'invalid' }>).error.reason, 'NEGATIVE_FRAME_SIZE');
    assert.equal((r as Extract<FrameReadResult, { kind: 'invalid' }>).error.size, -1);
    assert.equal(reader.error?.reason, 'NEGATIVE_FRAME_SIZE');
  });

  it('refuses invalid maxFrameBytes', () => {
    assert.throws(() => new FrameReader({ maxFrameBytes: -1 }), RangeError);
    assert.throws(() => new FrameReader({ maxFrameBytes: 1.5 }), RangeError);
    assert.throws(() => new FrameReader({ maxFrameBytes: 2 ** 31 }), RangeError);
  });

  it('ignores empty chunks', () => {
    const reader = new FrameReader({ maxFrameBytes: 64 });
    reader.push(Buffer.alloc(0));
    assert.equal(reader.next().kind, 'incomplete');
    reader.push(sizePrefixed(payload(2, 1)));
    reader.push(Buffer.alloc(0));
    assert.deepEqual(drain(reader), [payload(2, 1)]);
  });

  it('reproduces a random frame stream under random chunking (seeded)', () => {
    const rng = seededRng(20240611);
    for (let round = 0; round < 200; round++) {
      const reader = new FrameReader({ maxFrameBytes: 4096 });
      const { payloads, stream } = randomFrameStream(rng, round);
      const frames: Buffer[] = [];
      feedInRandomChunks(reader, stream, rng, () => {
        // Sometimes leave frames in the reader for a while (as a connection with a full queue does).
        if (rng() < 0.7) frames.push(...drain(reader));
      });
      frames.push(...drain(reader));
      assert.deepEqual(frames, payloads, `round ${round}`);
      assert.equal(reader.bufferedBytes, 0);
    }
  });

  it('nextFrame() yields the same frames as next() under random chunking, without result objects (seeded)', () => {
    const rng = seededRng(20261126);
    for (let round = 0; round < 100; round++) {
      const reader = new FrameReader({ maxFrameBytes: 4096 });
      const { payloads, stream } = randomFrameStream(rng, round);
      const frames: Buffer[] = [];
      feedInRandomChunks(reader, stream, rng, () => {
        for (let f = reader.nextFrame(); f !== null; f = reader.nextFrame()) frames.push(f);
      });
      assert.deepEqual(frames, payloads, `round ${round}`);
      assert.equal(reader.error, undefined);
      assert.equal(reader.bufferedBytes, 0);
    }
  });

  it('nextFrame() returns null at a refused size prefix and the error stays set', () => {
    const reader = new FrameReader({ maxFrameBytes: 64 });
    reader.push(Buffer.concat([sizePrefixed(payload(3, 1)), prefix(65), Buffer.alloc(10)]));
    assert.deepEqual(reader.nextFrame(), payload(3, 1));
    assert.equal(reader.nextFrame(), null);
    assert.equal(reader.error?.reason, 'FRAME_TOO_LARGE');
    reader.push(sizePrefixed(payload(2, 2)));
    assert.equal(reader.nextFrame(), null, 'sticky: nothing more is cut');
    assert.equal(reader.next().kind, 'invalid');
  });
  it('pushCopy() copies from a reused buffer: frames survive the buffer being overwritten (seeded random chunking)', () => {
    const rng = seededRng(20261127);
    const reused = Buffer.alloc(3000);
    for (let round = 0; round < 200; round++) {
      const reader = new FrameReader({ maxFrameBytes: 4096 });
      const { payloads, stream } = randomFrameStream(rng, round);
      const frames: Buffer[] = [];
      for (let pos = 0; pos < stream.length; ) {
        // Reads of 1-8 bytes, up to 3,000, or exactly the next frame (the latency path's case).
        const exact = rng() < 0.3 && stream.length - pos >= 4 ? 4 + stream.readInt32BE(pos) : 0;
        const len = Math.min(reused.length, exact > 0 ? exact : 1 + Math.floor(rng() * (rng() < 0.5 ? 8 : 3000)), stream.length - pos);
        stream.copy(reused, 0, pos, pos + len);
        assert.equal(reader.pushCopy(reused, len), undefined);
        pos += len;
        reused.fill(0xee);
        if (rng() < 0.7) frames.push(...drain(reader));
      }
      frames.push(...drain(reader));
      assert.deepEqual(frames, payloads, `round ${round}`);
      assert.equal(reader.bufferedBytes, 0);
    }
  });

  it('pushCopy() of exactly one frame returns it in memory of its own, not shared with the source', () => {
    const reader = new FrameReader({ maxFrameBytes: 64 });
    const source = Buffer.concat([sizePrefixed(payload(10, 3)), Buffer.alloc(20)]);
    reader.pushCopy(source, 14);
    assert.equal(reader.bufferedBytes, 10);
    assert.equal(reader.hasCompleteFrame, true);
    const frame = reader.nextFrame()!;
    assert.deepEqual(frame, payload(10, 3));
    source.fill(0);
    assert.deepEqual(frame, payload(10, 3), 'overwriting the source leaves the frame intact');
    assert.equal(reader.nextFrame(), null);
    assert.equal(reader.bufferedBytes, 0);
  });

  it('pushCopy() refuses too large and negative sizes as push() does, also when the read is exactly that frame', () => {
    const tooLarge = new FrameReader({ maxFrameBytes: 8 });
    const frame9 = sizePrefixed(payload(9, 1));
    assert.equal(tooLarge.pushCopy(frame9, frame9.length)?.reason, 'FRAME_TOO_LARGE');
    assert.equal(tooLarge.nextFrame(), null);
    assert.equal(tooLarge.bufferedBytes, 0, 'nothing of the refused frame is held');
    const atMax = new FrameReader({ maxFrameBytes: 9 });
    atMax.pushCopy(frame9, frame9.length);
    assert.deepEqual(atMax.nextFrame(), payload(9, 1));
    const negative = new FrameReader({ maxFrameBytes: 64 });
    const bytes = Buffer.concat([prefix(-1), Buffer.alloc(8)]);
    assert.equal(negative.pushCopy(bytes, bytes.length)?.reason, 'NEGATIVE_FRAME_SIZE');
    assert.equal(negative.next().kind, 'invalid');
    assert.throws(() => new FrameReader({ maxFrameBytes: 64 }).pushCopy(bytes, bytes.length + 1), RangeError, 'more bytes than the source holds is a programming error');
  });
});
