/**
 * Errors raised by the protocol codec. Decoding untrusted bytes never throws anything else:
 * every failure (short buffer, bad length, bad varint, null where not allowed) is a
 * ProtocolDecodeError naming the message, version and field where it happened.
 */

export type ProtocolDecodeReason =
  | 'BUFFER_UNDERFLOW'
  | 'INVALID_LENGTH'
  | 'INVALID_VARINT'
  | 'UNEXPECTED_NULL'
  | 'INVALID_TAGGED_FIELD'
  | 'UNSUPPORTED_VERSION'
  | 'UNKNOWN_API_KEY'
  | 'TRAILING_BYTES';

export class ProtocolDecodeError extends Error {
  override readonly name = 'ProtocolDecodeError';
  /** The message being decoded, e.g. `ProduceRequest`; empty until the top-level decoder adds it. */
  messageName = '';
  /** The version being decoded; -1 until the top-level decoder adds it. */
  version = -1;

  constructor(
    readonly reason: ProtocolDecodeReason,
    /** Dotted path of the field, e.g. `TopicData.PartitionData.Records`. */
    readonly field: string,
    readonly detail: string,
  ) {
    super(`${reason} at ${field}: ${detail}`);
  }

  /** Adds the message name and version once the top-level decoder knows them. */
  withContext(messageName: string, version: number): this {
    if (this.messageName === '') {
      this.messageName = messageName;
      this.version = version;
      this.message = `${this.reason} at ${messageName} v${version} ${this.field}: ${this.detail}`;
    }
    return this;
  }
}

/** Raised when a value cannot be written at the requested version (Java's UnsupportedVersionException). */
export class ProtocolEncodeError extends Error {
  override readonly name = 'ProtocolEncodeError';
  constructor(
    readonly messageName: string,
    readonly version: number,
    readonly field: string,
    detail: string,
  ) {
    super(`cannot encode ${messageName} v${version} ${field}: ${detail}`);
  }
}
