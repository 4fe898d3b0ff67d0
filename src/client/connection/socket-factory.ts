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

/** Size of the reused read buffer of `connectPlain`. */
const READ_BUFFER_BYTES = 256 * 1024;

/**
 * Plain TCP with Nagle off, reading into one reused buffer: `onBytes` gets a view of it that is
 * valid only during the call (no 'data' events, no buffer allocated per read).
 */
export function connectPlain({ host, port, onConnect }: SocketFactoryArgs, onBytes: (bytes: Buffer) => void): Socket {
  const buffer = Buffer.allocUnsafeSlow(READ_BUFFER_BYTES);
  const socket = connect(
    {
      host,
      port,
      onread: {
        buffer,
        callback: (n: number) => {
        onBytes(buffer.subarray(0, n));
        return true;
      },
    },
  }, onConnect);
  socket.setNoDelay(true);
  return socket;
}
