/**
 * Latency baseline: small-message round trips over loopback between two Node processes.
 * role "server": echoes every chunk back. role "client": sends `size`-byte messages one at a
 * time (the next only after the echo is complete) for `warmup` + `count` round trips and
 * reports percentiles of the last `count`, in milliseconds.
 *
 * With `intervalMs`, the client waits that long (a timer) after each echo before sending the
 * next: both processes then sleep between round trips, as the broker and its clients do in the
 * end-to-end latency run (one batch per ~1 ms tick), and every round trip pays for waking them.
 * Without it the round trips go back to back and neither process ever sleeps for long.
 */
import { connect, createServer } from 'node:net';
import { percentile } from '../stats.js';
import { emit, runWorker, workerParams } from '../worker-io.js';

interface Params {
  role: 'server' | 'client';
  port?: number;
  size?: number;
  warmup?: number;
  count?: number;
  intervalMs?: number;
}

runWorker(async () => {
  const p = workerParams<Params>();
  if (p.role === 'server') {
    await new Promise<void>((resolve, reject) => {
      const server = createServer((socket) => {
        server.close();
        socket.setNoDelay(true);
        socket.on('data', (chunk: Buffer) => socket.write(chunk));
        socket.on('end', () => {
          socket.end();
          resolve();
        });
        socket.on('error', reject);
      });
      server.on('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        emit({ type: 'ready', port: typeof address === 'object' && address !== null ? address.port : -1 });
      });
    });
    return;
  }
  const size = p.size ?? 64;
  const warmup = p.warmup ?? 2000;
  const count = p.count ?? 20_000;
  const intervalMs = p.intervalMs ?? 0;
  const message = Buffer.alloc(size, 7);
  const samples = new Float64Array(count);
  await new Promise<void>((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: p.port! });
    socket.setNoDelay(true);
    let i = 0;
    let got = 0;
    let sentAt = 0n;
    const sendOne = (): void => {
      got = 0;
      sentAt = process.hrtime.bigint();
      socket.write(message);
    };
    socket.on('data', (chunk: Buffer) => {
      got += chunk.length;
      if (got < size) return;
      const rtt = Number(process.hrtime.bigint() - sentAt) / 1e6;
      if (i >= warmup) samples[i - warmup] = rtt;
      i++;
      if (i < warmup + count) {
        if (intervalMs > 0) setTimeout(sendOne, intervalMs);
        else sendOne();
      }
      else {
        socket.end();
        resolve();
      }
    });
    socket.on('error', reject);
    socket.once('connect', sendOne);
  });
  const sorted = Array.from(samples).sort((a, b) => a - b);
  emit({ type: 'result', count, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), p999: percentile(sorted, 0.999), max: sorted[sorted.length - 1] });
});
