import { Socket } from 'node:net';

/**
 * Reads a plain TCP socket into one caller-owned, reused buffer instead of Node's stream layer:
 * Node's `onread` mode (what `net.connect({ onread })` gives a client socket), switched on for a
 * socket that a `net.Server` accepted, which cannot be created with that option.
 *
 * Without it every socket read allocates an ArrayBuffer and a Buffer, goes through
 * `Readable.push` (a `process.nextTick` per read) and an event emission; with it, Node calls
 * `onRead(n, buffer)` with the bytes in the start of `buffer`, valid only during the call (the
 * next read overwrites them), and nothing else. `socket.pause()` and `socket.resume()` stop and
 * restart the reads as before (Node handles both for `onread` sockets), and 'end', 'error' and
 * 'close' are emitted as before; 'data' is not.
 *
 * Node offers `onread` only through the socket constructor, so this sets the same two internal
 * fields that constructor sets (found by their symbols' names) and tells the handle to read into
 * `buffer`, as Node itself does then. It checks that all three exist and are unset and returns
 * false otherwise (a Node version that names them differently, a TLS socket, a stream that is not
 * a TCP socket): the caller then reads 'data' events. Call it synchronously in the 'connection'
 * listener, before the event loop has run a read.
 */
export function readIntoReusedBuffer(socket: Socket, buffer: Buffer, onRead: (n: number, buffer: Buffer) => void): boolean {
  if (!(socket instanceof Socket) || (socket as { encrypted?: boolean }).encrypted === true || buffer.length === 0) return false;
  const handle = (socket as unknown as { _handle?: { useUserBuffer?: unknown } | null })._handle;
  if (handle === null || handle === undefined || typeof handle.useUserBuffer !== 'function') return false;
  let kBuffer: symbol | undefined;
  let kBufferCb: symbol | undefined;
  for (const s of Object.getOwnPropertySymbols(socket)) {
    if (s.description === 'kBuffer') kBuffer = s;
    else if (s.description === 'kBufferCb') kBufferCb = s;
  }
  const fields = socket as unknown as Record<symbol, unknown>;
  if (kBuffer === undefined || kBufferCb === undefined || fields[kBuffer] !== null || fields[kBufferCb] !== null) return false;
  (handle.useUserBuffer as (b: Uint8Array) => void).call(handle, buffer);
  fields[kBuffer] = buffer;
  fields[kBufferCb] = (n: number, into: Buffer): boolean => {
    onRead(n, into);
    // true: keep reading (pausing goes through socket.pause()).
    return true;
  };
  return true;
}
