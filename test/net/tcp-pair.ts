/**
 * A loopback TCP connection for the network tests: a server on 127.0.0.1, the client socket, the
 * socket the server accepted for it, and one close() for all three.
 */
import { once } from 'node:events';
import { createConnection, createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';

export interface TcpPair {
  client: Socket;
  /** The server's side of the connection. */
  peer: Socket;
  close(): void;
}

/** Connects a client to a fresh server; `onConnection` runs in the server's 'connection' listener, before any read. */
export async function tcpPair(onConnection?: (accepted: Socket) => void): Promise<TcpPair> {
  const server = createServer(onConnection);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const accepted = once(server, 'connection');
  const client = createConnection((server.address() as AddressInfo).port, '127.0.0.1');
  await once(client, 'connect');
  const [peer] = (await accepted) as [Socket];
  return {
    client,
    peer,
    close: () => {
      client.destroy();
      peer.destroy();
      server.close();
    },
  };
}
