/**
 * Baseline for start time and idle memory: a Node process that only listens on a TCP port
 * (given as argument) and accepts connections. It stays up until SIGTERM.
 */
import { createServer } from 'node:net';

const port = Number(process.argv[2]);
const server = createServer((socket) => {
  socket.on('error', () => {});
  socket.resume();
});
server.listen(port, '127.0.0.1');
process.once('SIGTERM', () => server.close(() => process.exit(0)));
