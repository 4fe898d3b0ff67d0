/**
 * The sending half of the null-broker produce baseline: connects and writes `bytes` bytes as
 * 1 MiB writes, waiting for 'drain' when the socket buffer is full, then ends the stream.
 */
import { connect } from 'node:net';
import { randomFillSync } from 'node:crypto';
import { emit, nowMs, runWorker, workerParams } from '../worker-io.js';

interface Params {
  port: number;
  bytes: number;
}

const MiB = 1024 * 1024;

runWorker(async () => {
  const { port, bytes } = workerParams<Params>();
  const chunk = randomFillSync(Buffer.allocUnsafe(MiB));
  const socket = connect({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const start = nowMs();
  let sent = 0;
  while (sent < bytes) {
    const n = Math.min(MiB, bytes - sent);
    const ok = socket.write(n === MiB ? chunk : chunk.subarray(0, n));
    sent += n;
    if (!ok) await new Promise((r) => socket.once('drain', r));
  }
  await new Promise<void>((resolve, reject) => {
    socket.once('end', resolve);
    socket.once('error', reject);
    socket.end();
    socket.resume();
  });
  emit({ type: 'result', bytes: sent, ms: nowMs() - start });
});
