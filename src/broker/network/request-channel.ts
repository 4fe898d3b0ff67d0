/**
 * The seam between the network layer and request handling: the socket server cuts frames and
 * keeps order; a `RequestChannel` turns one request frame into an outcome. The channel never
 * sees a socket (ARCHITECTURE.md, convention 9).
 */

/** Who sent a request: passed with every frame. */
export interface ConnectionContext {
  /** `localAddress:localPort-remoteAddress:remotePort-index`, unique for the server's lifetime (Kafka's form). */
  connectionId: string;
  listenerName: string;
  remoteAddress: string;
  remotePort: number;
  localPort: number;
}

export type RequestOutcome =
  /**
   * An encoded response frame, size prefix included, as chunks (written without copying).
   * `onWritten` runs once the chunks have been handed to the kernel, or once the connection has
   * dropped them: then the chunks' memory may be reused (pooled fetch buffers).
   */
  | { kind: 'response'; chunks: Uint8Array[]; onWritten?: () => void }
  /** Nothing to send back, e.g. Produce with acks=0. */
  | { kind: 'noResponse' }
  /** Close the connection: an undecodable frame, an unsupported version of a non-ApiVersions request... */
  | { kind: 'close'; reason: string };

export interface RequestChannel {
  /**
   * Handles one request frame (without its size prefix). Called for one frame of a connection at
   * a time, in arrival order; frames of different connections are handled concurrently. The frame
   * is a view into the bytes the socket read; the network layer never reuses or modifies them, so
   * a handler may keep views into it (which keeps that read chunk alive). A rejection closes
   * the connection (and is logged as a bug); it never affects other connections. An outcome known
   * at once may be returned as such (no promise): the connection acts on it synchronously. A later
   * one may be any PromiseLike; the connection calls its `then` exactly once.
   */
  handle(frame: Buffer, ctx: ConnectionContext): RequestOutcome | PromiseLike<RequestOutcome>;
}
