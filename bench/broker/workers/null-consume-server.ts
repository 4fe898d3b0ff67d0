/**
 * Null broker, consume side: accepts one TCP connection and streams files (page-cached: the
 * orchestrator points it at the log segments it just wrote) to it with `fs.createReadStream`
 * (1 MiB reads) piped into the socket, then ends. This is what a Node process on this machine can
 * serve from the page cache, with no protocol work.
 */
import { createReadStream } from 'node:fs';
import { createServer } from 'node:net';
import type { Socket } from 'node:net';
import { emit, runWorker, workerParams } from '../worker-io.js';

interface Params {
  files: string[];
}

function pipeFile(file: string, socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    const rs = createReadStream(file, { highWaterMark: 1024 * 1024 });
    rs.on('error', reject);
    rs.on('end', resolve);
    rs.pipe(socket, { end: false });
  });
}

runWorker(async () => {
  const { files } = workerParams<Params>();
  await new Promise<void>((resolve, reject) => {
    const server = createServer((socket) => {
      server.close();
      socket.setNoDelay(true);
      socket.on('error', reject);
      (async () => {
        for (const f of files) await pipeFile(f, socket);
        socket.end();
      })().catch(reject);
      socket.on('close', () => {
        emit({ type: 'result', bytes: socket.bytesWritten });
        resolve();
      });
      socket.resume();
    });
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      emit({ type: 'ready', port: typeof address === 'object' && address !== null ? address.port : -1 });
    });
  });
});
