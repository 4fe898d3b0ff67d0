import { connect } from 'node:net';
import type { Socket } from 'node:net';

/** What a socket factory is given: where to connect, and the callback to call once connected. */
export interface SocketFactoryArgs {
  host: string;
  port: number;
  /** Call once the stream is ready for Kafka frames (TCP connected, TLS handshake done). */
  onConnect: () => void;
}

/**
 * Creates the stream a broker connection speaks over: the hook for TLS (return a `tls.connect`
 * socket and pass `onConnect` as its secure-connect listener) and for proxies. The shape is
 * KafkaJS's `socketFactory`.
 */
export type SocketFactory = (args: SocketFactoryArgs) => Socket;

/** Plain TCP with Nagle off. */
export const defaultSocketFactory: SocketFactory = ({ host, port, onConnect }) => {
  const socket = connect({ host, port }, onConnect);
  socket.setNoDelay(true);
  return socket;
};
