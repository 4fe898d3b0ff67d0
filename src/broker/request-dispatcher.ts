import { Buffer } from 'node:buffer';
import type { Logger } from '../logging/logger.js';
import { ApiKey, provideAllCodecs } from '../protocol/generated/api-table.js';
import { encodeApiVersionsResponse } from '../protocol/generated/api-versions.js';
import { ErrorCode } from '../protocol/generated/error-codes.js';
import { ProtocolDecodeError } from '../protocol/primitives/protocol-error.js';
import { ProtocolReader } from '../protocol/primitives/protocol-reader.js';
import { ProtocolWriter } from '../protocol/primitives/protocol-writer.js';
import { apiDefinition, encodeResponseChunks, readRequestFrameHeader } from '../protocol/request-frame.js';
import type { ApiKeyNumber } from '../protocol/request-frame.js';
import type { ApiHandler, BrokerServices, RequestContext } from './handlers/api-handler.js';
import type { RequestHeader } from '../protocol/generated/request-header.js';
import type { ConnectionContext, RequestChannel, RequestOutcome } from './network/socket-server.js';
import { StorageError } from './storage/storage-error.js';

/**
 * Turns request frames into handler calls and responses: decodes the header, checks the API and
 * version against the registry, decodes the body with the generated codec, runs the handler and
 * encodes its response. An undecodable frame or an unsupported API/version closes the connection
 * (Kafka's rule), except ApiVersions at an unknown version, which gets UNSUPPORTED_VERSION in the
 * v0 layout so the client can retry with a version the broker knows.
 */
const NO_RESPONSE: RequestOutcome = Object.freeze({ kind: 'noResponse' });

function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

export class RequestDispatcher implements RequestChannel {
  private readonly handlers = new Map<number, ApiHandler>();

  constructor(
    handlers: readonly ApiHandler[],
    private readonly services: () => BrokerServices,
    private readonly logger: Logger,
  ) {
    // Every API's codecs (api-table.ts provides them when it runs; in the server bundle a module
    // runs on first use, so this call makes sure it has before the first request is decoded).
    provideAllCodecs();
    for (const h of handlers) {
      if (this.handlers.has(h.apiKey)) throw new Error(`two handlers for API key ${h.apiKey}`);
      this.handlers.set(h.apiKey, h);
    }
  }

  /** What ApiVersions advertises: exactly the versions the handlers implement. */
  apiVersions(): { apiKey: number; minVersion: number; maxVersion: number }[] {
    return [...this.handlers.values()]
      .sort((a, b) => a.apiKey - b.apiKey)
      .map((h) => ({ apiKey: h.apiKey, minVersion: h.minVersion, maxVersion: h.maxVersion }));
  }

  /**
   * Synchronous when the handler is (Produce with acks 0/1, a Fetch with data at once...): no
   * promise is created for those; a handler's promise is chained.
   */
  handle(frame: Buffer, connection: ConnectionContext): RequestOutcome | PromiseLike<RequestOutcome> {
    // One reader for the header and the body.
    const r = new ProtocolReader(frame);
    let header: RequestHeader;
    try {
      header = readRequestFrameHeader(r);
    } catch (err) {
      return { kind: 'close', reason: err instanceof ProtocolDecodeError ? `undecodable request header: ${err.message}` : String(err) };
    }
    const apiKey = header.requestApiKey;
    const version = header.requestApiVersion;
    const handler = this.handlers.get(apiKey);
    const apiName = apiDefinition(apiKey)?.name ?? String(apiKey);
    if (handler === undefined) {
      return { kind: 'close', reason: `unsupported API ${apiName} (key ${apiKey}) from client ${header.clientId ?? ''}` };
    }
    if (version < handler.minVersion || version > handler.maxVersion) {
      if (apiKey === ApiKey.ApiVersions) return { kind: 'response', chunks: this.unsupportedApiVersions(header.correlationId, handler) };
      return { kind: 'close', reason: `unsupported version ${version} of ${apiName} from client ${header.clientId ?? ''}` };
    }
    let body: object;
    const def = apiDefinition(apiKey)!;
    try {
      body = def.request.decode(r, version);
      if (r.pos !== frame.length) return { kind: 'close', reason: `${frame.length - r.pos} trailing bytes after ${def.request.name} v${version}` };
    } catch (err) {
      if (err instanceof ProtocolDecodeError) return { kind: 'close', reason: `undecodable ${def.request.name}: ${err.message}` };
      throw err;
    }
    const ctx = new HandlerRequestContext(header, version, connection, this.services(), this.logger, apiName);
    let result: ReturnType<ApiHandler['handle']>;
    try {
      result = handler.handle(body as never, ctx);
    } catch (err) {
      return this.failed(err, ctx, apiKey, version);
    }
    if (isPromiseLike(result)) {
      return result.then(
        (response) => this.respond(response, ctx, apiKey, version),
        (err: unknown) => this.failed(err, ctx, apiKey, version),
      );
    }
    return this.respond(result, ctx, apiKey, version);
  }

  private respond(response: object | null, ctx: HandlerRequestContext, apiKey: number, version: number): RequestOutcome {
    if (response === null) {
      ctx.responseDone();
      return NO_RESPONSE;
    }
    let chunks: Uint8Array[];
    try {
      chunks = encodeResponseChunks(apiKey as ApiKeyNumber, version, ctx.header.correlationId, response as never);
    } catch (err) {
      return this.failed(err, ctx, apiKey, version);
    }
    return ctx.hasAfterResponse ? { kind: 'response', chunks, onWritten: () => ctx.responseDone() } : { kind: 'response', chunks };
  }

  private failed(err: unknown, ctx: HandlerRequestContext, apiKey: number, version: number): RequestOutcome {
    // A bug, not bad input: log it and answer UNKNOWN_SERVER_ERROR where the response has a
    // top-level error code; otherwise the connection is closed (the client reconnects). A write
    // the disk refused (StorageError: a full disk, say) is no bug: KAFKA_STORAGE_ERROR.
    const storage = err instanceof StorageError;
    ctx.logger.error({ err }, storage ? 'request failed: the disk refused a write' : 'request failed with an unexpected error');
    ctx.responseDone();
    const chunks = this.topLevelError(apiKey, version, ctx.header.correlationId, storage ? ErrorCode.KAFKA_STORAGE_ERROR : ErrorCode.UNKNOWN_SERVER_ERROR);
    return chunks === null ? { kind: 'close', reason: `${storage ? 'storage' : 'unexpected'} error in ${ctx.apiName}: ${String(err)}` } : { kind: 'response', chunks };
  }

  private topLevelError(apiKey: number, version: number, correlationId: number, errorCode: number): Uint8Array[] | null {
    // Encoders fill missing fields with their defaults, so this is the default response with the
    // error set. Decoding it back tells whether this version has a top-level error code at all.
    const def = apiDefinition(apiKey)!;
    try {
      const w = new ProtocolWriter(64);
      def.response.encode(w, { errorCode }, version);
      const check = def.response.decode(new ProtocolReader(w.toBytes()), version) as { errorCode?: number };
      if (check.errorCode !== errorCode) return null;
      return encodeResponseChunks(apiKey as ApiKeyNumber, version, correlationId, { errorCode } as never);
    } catch {
      return null;
    }
  }

  /** ApiVersions v0 layout, error UNSUPPORTED_VERSION, listing the ApiVersions range only. */
  private unsupportedApiVersions(correlationId: number, handler: ApiHandler): Uint8Array[] {
    const w = new ProtocolWriter(64);
    w.int32(correlationId);
    encodeApiVersionsResponse(
      w,
      { errorCode: ErrorCode.UNSUPPORTED_VERSION, apiKeys: [{ apiKey: ApiKey.ApiVersions, minVersion: handler.minVersion, maxVersion: handler.maxVersion }] },
      0,
    );
    const size = Buffer.allocUnsafe(4);
    size.writeInt32BE(w.length, 0);
    return [size, ...w.toChunks()];
  }
}

/**
 * The context one handler call gets. The per-request logger is a child logger, created only
 * when a handler logs (pino serialises a child's bindings eagerly, which the hot path should not
 * pay for every request); callbacks registered with `afterResponse` run once, in order.
 */
class HandlerRequestContext implements RequestContext {
  private childLogger: Logger | undefined;
  /** The first `afterResponse` callback (the usual only one: a fetch's buffer lease), then any others. */
  private firstCallback: (() => void) | undefined;
  private moreCallbacks: (() => void)[] | undefined;

  constructor(
    readonly header: RequestHeader,
    readonly apiVersion: number,
    readonly connection: ConnectionContext,
    readonly services: BrokerServices,
    private readonly parentLogger: Logger,
    readonly apiName: string,
  ) {}

  get logger(): Logger {
    this.childLogger ??= this.parentLogger.child({ api: this.apiName, version: this.apiVersion, clientId: this.header.clientId, connectionId: this.connection.connectionId });
    return this.childLogger;
  }

  afterResponse(callback: () => void): void {
    if (this.firstCallback === undefined && this.moreCallbacks === undefined) this.firstCallback = callback;
    else (this.moreCallbacks ??= []).push(callback);
  }

  get hasAfterResponse(): boolean {
    return this.firstCallback !== undefined || this.moreCallbacks !== undefined;
  }

  /** Runs the `afterResponse` callbacks (once, in registration order). */
  responseDone(): void {
    const first = this.firstCallback;
    const more = this.moreCallbacks;
    this.firstCallback = undefined;
    this.moreCallbacks = undefined;
    if (first !== undefined) this.runCallback(first);
    if (more !== undefined) for (const c of more) this.runCallback(c);
  }

  private runCallback(callback: () => void): void {
    try {
      callback();
    } catch (err) {
      this.logger.error({ err }, 'afterResponse callback failed');
    }
  }
}
