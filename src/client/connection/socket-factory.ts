import { Buffer } from 'node:buffer';
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
 * What a read takes when `headOnly()` says the next frame is probably large: enough for its size
 * prefix and header, little enough that copying it into the frame's own buffer costs nothing much.
 * The rest of the frame is then read straight into that buffer.
 */
const HEAD_READ_BYTES = 16 * 1024;

/** Where `connectPlain` reads go. */
export interface PlainReads {
  /**
   * The memory the next socket read may fill, or undefined for the reused read buffer. Asked
   * after every read: a reader assembling a large frame returns the rest of that frame, so the
   * kernel copies the bytes straight into it.
   */
  target?(): Buffer | undefined;
  /**
   * Asked when `target` gives nothing: true when the next frame is probably large (the last one
   * was). The read then takes only the first HEAD_READ_BYTES of the reused buffer. A whole 256 KiB
   * read would have to be copied into the frame's own buffer; most of a large frame is instead read
   * straight into it once its size is known.
   */
  headOnly?(): boolean;
  /** `n` bytes were read into the start of `into` (the reused buffer: valid only during the call). */
  onRead(n: number, into: Buffer, reused: boolean): void;
}

/**
 * Plain TCP with Nagle off, reading into one reused buffer, or into the memory `reads.target()`
 * gives (no 'data' events, no buffer allocated per read).
 */
export function connectPlain({ host, port, onConnect }: SocketFactoryArgs, reads: PlainReads): Socket {
  const buffer = Buffer.allocUnsafeSlow(READ_BUFFER_BYTES);
  const head = buffer.subarray(0, HEAD_READ_BYTES);
  const socket = connect(
    {
      host,
      port,
      onread: {
        buffer: () => reads.target?.() ?? (reads.headOnly?.() === true ? head : buffer),
        callback: (n: number, into: Uint8Array) => {
          reads.onRead(n, into as Buffer, into === buffer || into === head);
          return true;
        },
      },
    },
    onConnect,
  );
  socket.setNoDelay(true);
  return socket;
}
