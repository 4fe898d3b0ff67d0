import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Socket } from 'node:net';
import { describe, it } from 'node:test';
import { readIntoReusedBuffer } from '../../src/net/socket-reads.js';
import { tcpPair } from './tcp-pair.js';
import type { TcpPair } from './tcp-pair.js';

/** A connection whose accepted socket is switched to reused-buffer reads in the 'connection' listener. */
async function acceptedPair(buffer: Buffer, onRead: (n: number, into: Buffer) => void): Promise<TcpPair & { switched: boolean }> {
  let switched = false;
  const pair = await tcpPair((s) => {
    switched = readIntoReusedBuffer(s, buffer, onRead);
  });
  return { ...pair, switched };
}

describe('readIntoReusedBuffer', () => {
  it('delivers every byte through the callback, in the one buffer, without data events; pause stops the reads and resume restarts them', async () => {
    const buffer = Buffer.alloc(1024);
    const received: Buffer[] = [];
    const buffersSeen = new Set<ArrayBufferLike>();
    let largestRead = 0;
    const { client, peer, switched, close } = await acceptedPair(buffer, (n, into) => {
      buffersSeen.add(into.buffer);
      largestRead = Math.max(largestRead, n);
      received.push(Buffer.from(into.subarray(0, n)));
    });
    try {
      assert.equal(switched, true);
      let dataEvents = 0;
      peer.on('data', () => dataEvents++);
      const sent = Buffer.alloc(300_000);
      for (let i = 0; i < sent.length; i++) sent[i] = (i * 7) & 0xff;
      client.write(sent);
      while (Buffer.concat(received).length < sent.length) await new Promise((r) => setTimeout(r, 5));
      assert.ok(Buffer.concat(received).equals(sent));
      assert.ok(largestRead <= buffer.length, `reads of at most the buffer size (largest ${largestRead})`);
      assert.deepEqual([...buffersSeen], [buffer.buffer], 'always the same buffer');
      assert.equal(dataEvents, 0);

      peer.pause();
      const before = received.length;
      client.write(Buffer.alloc(5000, 1));
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(received.length, before, 'nothing is read while paused');
      peer.resume();
      while (Buffer.concat(received).length < sent.length + 5000) await new Promise((r) => setTimeout(r, 5));
      const ended = once(peer, 'end');
      client.end();
      await ended;
    } finally {
      close();
    }
  });

  it('refuses what is not a plain accepted TCP socket, and an empty buffer: the caller reads data events', async () => {
    assert.equal(readIntoReusedBuffer(new Socket(), Buffer.alloc(16), () => {}), false, 'no handle yet');
    const { switched, close } = await acceptedPair(Buffer.alloc(0), () => {});
    try {
      assert.equal(switched, false);
    } finally {
      close();
    }
  });
});
