import { errorName, isRetriable } from '../protocol/error-codes.js';

/**
 * The client's error types. Every error the client rejects with is a `KafkaClientError`; its
 * `retriable` flag says whether trying again may succeed (the client's own retries use it).
 * KafkaJS users: `KafkaProtocolError` plays the part of `KafkaJSProtocolError` (same `type`,
 * `code`, `retriable` fields), `KafkaConnectionError` of `KafkaJSConnectionError`, and so on.
 */
export class KafkaClientError extends Error {
  readonly retriable: boolean;
  constructor(message: string, options: { retriable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KafkaClientError';
    this.retriable = options.retriable ?? false;
  }
}

/** An error code from a broker response: the Kafka error table gives its name and retriability. */
export class KafkaProtocolError extends KafkaClientError {
  /** Kafka's error code (e.g. 6). */
  readonly code: number;
  /** Kafka's error name (e.g. `NOT_LEADER_OR_FOLLOWER`), as KafkaJS's `type`. */
  readonly type: string;
  /** `options.retriable` overrides the error table where the client knows better (e.g. a topic absent from fresh metadata). */
  constructor(code: number, detail?: string | null, options: { retriable?: boolean } = {}) {
    const type = errorName(code);
    super(detail ? `${type}: ${detail}` : type, { retriable: options.retriable ?? isRetriable(code) });
    this.name = 'KafkaProtocolError';
    this.code = code;
    this.type = type;
  }
}

/** The connection to a broker failed or closed; retriable (the client reconnects). */
export class KafkaConnectionError extends KafkaClientError {
  readonly broker: string;
  constructor(message: string, broker: string, cause?: unknown) {
    super(`${message} (${broker})`, { retriable: true, cause });
    this.name = 'KafkaConnectionError';
    this.broker = broker;
  }
}

/** No response within the request timeout; retriable. */
export class KafkaRequestTimeoutError extends KafkaClientError {
  readonly broker: string;
  readonly apiKey: number;
  constructor(apiName: string, apiKey: number, broker: string, timeoutMs: number) {
    super(`${apiName} request to ${broker} timed out after ${timeoutMs} ms`, { retriable: true });
    this.name = 'KafkaRequestTimeoutError';
    this.broker = broker;
    this.apiKey = apiKey;
  }
}

/** The retries of an operation ran out (count or time); `cause` is the last error. */
export class KafkaRetriesExhaustedError extends KafkaClientError {
  readonly retryCount: number;
  constructor(cause: Error, retryCount: number) {
    super(`${cause.message} (gave up after ${retryCount} retries)`, { retriable: false, cause });
    this.name = 'KafkaRetriesExhaustedError';
    this.retryCount = retryCount;
  }
}

/** The client was used in a state where the call is not allowed (not connected, disconnected, bad arguments). */
export class KafkaClientStateError extends KafkaClientError {
  constructor(message: string) {
    super(message, { retriable: false });
    this.name = 'KafkaClientStateError';
  }
}

/** Throws a `KafkaProtocolError` for a non-zero error code. */
export function throwIfError(code: number, detail?: string | null): void {
  if (code !== 0) throw new KafkaProtocolError(code, detail);
}
