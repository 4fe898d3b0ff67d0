/**
 * The client of the null-broker consume baseline: connects, reads until the server ends the
 * stream, and discards the bytes. Result: bytes and the time from connect to end.
 */
import { connect } from 'node:net';
import { emit, nowMs, runWorker, workerParams } from '../worker-io.js';

interface Params {
  port: number;
}

runWorker(async () => {
  const { port } = workerParams<Params>();
  const start = nowMs();
  let bytes = 0;
  await new Promise<void>((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
    });
    socket.on('end', () => {
      socket.end();
      resolve();
    });
    socket.on('error', reject);
  });
  emit({ type: 'result', bytes, ms: nowMs() - start });
});
