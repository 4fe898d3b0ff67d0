/**
 * Null broker, produce side: accepts one TCP connection, and appends everything it reads to a
 * new file with 1 MiB synchronous writes (`fs.writeSync`, no fsync, as a broker's append without
 * flush). This is what a Node process on this machine can ingest and store, with no protocol work.
 * Result: bytes and the time from the first byte read to the last write done.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import { emit, nowMs, runWorker, workerParams } from '../worker-io.js';

interface Params {
  file: string;
}

const MiB = 1024 * 1024;

runWorker(async () => {
  const { file } = workerParams<Params>();
  const fd = openSync(file, 'wx');
  const buf = Buffer.allocUnsafe(MiB);
  let filled = 0;
  let bytes = 0;
  let firstByteAt = -1;
  await new Promise<void>((resolve, reject) => {
    const server = createServer((socket) => {
      server.close();
      socket.on('data', (chunk: Buffer) => {
        if (firstByteAt < 0) firstByteAt = nowMs();
        bytes += chunk.length;
        let pos = 0;
        while (pos < chunk.length) {
          const n = chunk.copy(buf, filled, pos);
          filled += n;
          pos += n;
          if (filled === MiB) {
            writeSync(fd, buf, 0, MiB);
            filled = 0;
          }
        }
      });
      socket.on('end', () => {
        if (filled > 0) writeSync(fd, buf, 0, filled);
        closeSync(fd);
        const ms = nowMs() - firstByteAt;
        emit({ type: 'result', bytes, ms });
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
});
