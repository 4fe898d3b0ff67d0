import { Buffer } from 'node:buffer';
import { API_DEFINITIONS, ApiKey } from './generated/api-definitions.js';
import type { ApiDefinition, ApiRequestTypes, ApiResponseTypes } from './generated/api-definitions.js';
import { decodeRequestHeader, encodeRequestHeader } from './generated/request-header.js';
import type { RequestHeader } from './generated/request-header.js';
import { decodeResponseHeader, encodeResponseHeader } from './generated/response-header.js';
import { ProtocolDecodeError, ProtocolEncodeError } from './primitives/protocol-error.js';
import { ProtocolReader } from './primitives/protocol-reader.js';
import { ProtocolWriter } from './primitives/protocol-writer.js';

export type { RequestHeader };
export type ApiKeyNumber = keyof ApiRequestTypes;

/** The schema row of an API key, or undefined for a key Kafka does not define. */
export function apiDefinition(apiKey: number): ApiDefinition | undefined {
  return API_DEFINITIONS[apiKey];
}

function isFlexible(apiKey: number, apiVersion: number): boolean {
  const def = API_DEFINITIONS[apiKey];
  return def !== undefined && def.firstFlexibleVersion >= 0 && apiVersion >= def.firstFlexibleVersion;
}

/** Request header version for an API version: v2 when flexible, else v1 (v0 for ControlledShutdown v0). */
export function requestHeaderVersion(apiKey: number, apiVersion: number): number {
  if (isFlexible(apiKey, apiVersion)) return 2;
  if (apiKey === ApiKey.ControlledShutdown && apiVersion === 0) return 0;
  return 1;
}

/** Response header version: v1 when flexible, else v0; ApiVersions responses always use v0. */
export function responseHeaderVersion(apiKey: number, apiVersion: number): number {
  if (apiKey === ApiKey.ApiVersions) return 0;
  return isFlexible(apiKey, apiVersion) ? 1 : 0;
}

export interface DecodedRequestHeader {
  header: RequestHeader;
  /** Offset in the frame where the body starts. */
  bodyOffset: number;
}

/**
 * Decodes the header of a request frame (the bytes after the 4-byte size prefix). Works for any
 * version of a known API key, including versions above what Samsa supports, so that an
 * ApiVersions request at an unknown version can still be answered.
 */
export function decodeRequestFrameHeader(frame: Uint8Array): DecodedRequestHeader {
  const r = new ProtocolReader(frame);
  const header = readRequestFrameHeader(r);
  return { header, bodyOffset: r.pos };
}

/**
 * `decodeRequestFrameHeader` through a reader positioned at the start of the frame: leaves it at
 * the start of the body, so the same reader decodes the body (the broker's request path).
 */
export function readRequestFrameHeader(r: ProtocolReader): RequestHeader {
  const frame = r.buf;
  r.pos = 0;
  if (frame.length < 4) throw new ProtocolDecodeError('BUFFER_UNDERFLOW', 'RequestApiKey', 'frame shorter than an API key and version').withContext('RequestHeader', -1);
  const apiKey = r.int16('RequestApiKey');
  const apiVersion = r.int16('RequestApiVersion');
  if (API_DEFINITIONS[apiKey] === undefined) {
    throw new ProtocolDecodeError('UNKNOWN_API_KEY', 'RequestApiKey', `unknown API key ${apiKey}`).withContext('RequestHeader', -1);
  }
  r.pos = 0;
  return decodeRequestHeader(r, requestHeaderVersion(apiKey, apiVersion));
}

export interface DecodedRequest<K extends ApiKeyNumber = ApiKeyNumber> {
  header: RequestHeader & { requestApiKey: K };
  body: ApiRequestTypes[K];
}

/** Decodes a whole request frame (without the size prefix). Trailing bytes are an error. */
export function decodeRequest(frame: Uint8Array): DecodedRequest {
  const { header, bodyOffset } = decodeRequestFrameHeader(frame);
  const def = API_DEFINITIONS[header.requestApiKey]!;
  const r = new ProtocolReader(frame, bodyOffset);
  const body = def.request.decode(r, header.requestApiVersion);
  if (r.pos !== frame.length) {
    throw new ProtocolDecodeError('TRAILING_BYTES', '', `${frame.length - r.pos} bytes left after the body`).withContext(def.request.name, header.requestApiVersion);
  }
  return { header, body } as DecodedRequest;
}

export interface RequestToEncode<K extends ApiKeyNumber> {
  apiKey: K;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
  body: ApiRequestTypes[K];
}

/** Encodes a request with its size prefix, as chunks ready for `socket.writev`-style output. */
export function encodeRequestChunks<K extends ApiKeyNumber>(req: RequestToEncode<K>): Uint8Array[] {
  const def = API_DEFINITIONS[req.apiKey];
  if (def === undefined) throw new ProtocolEncodeError('RequestHeader', -1, 'RequestApiKey', `unknown API key ${req.apiKey}`);
  const w = new ProtocolWriter();
  w.reserveSizePrefix();
  encodeRequestHeader(
    w,
    { requestApiKey: req.apiKey, requestApiVersion: req.apiVersion, correlationId: req.correlationId, clientId: req.clientId },
    requestHeaderVersion(req.apiKey, req.apiVersion),
  );
  def.request.encode(w, req.body as object, req.apiVersion);
  return w.toFrameChunks();
}

/** Encodes a request with its size prefix as one buffer. */
export function encodeRequest<K extends ApiKeyNumber>(req: RequestToEncode<K>): Buffer {
  return Buffer.concat(encodeRequestChunks(req));
}

/** Encodes a response (header + body) with its size prefix, as chunks; large record data is not copied. */
export function encodeResponseChunks<K extends ApiKeyNumber>(
  apiKey: K,
  apiVersion: number,
  correlationId: number,
  body: ApiResponseTypes[K],
): Uint8Array[] {
  const def = API_DEFINITIONS[apiKey];
  if (def === undefined) throw new ProtocolEncodeError('ResponseHeader', -1, 'apiKey', `unknown API key ${apiKey}`);
  const w = new ProtocolWriter();
  w.reserveSizePrefix();
  encodeResponseHeader(w, { correlationId }, responseHeaderVersion(apiKey, apiVersion));
  def.response.encode(w, body as object, apiVersion);
  return w.toFrameChunks();
}

export function encodeResponse<K extends ApiKeyNumber>(apiKey: K, apiVersion: number, correlationId: number, body: ApiResponseTypes[K]): Buffer {
  return Buffer.concat(encodeResponseChunks(apiKey, apiVersion, correlationId, body));
}

export interface DecodedResponse<K extends ApiKeyNumber> {
  correlationId: number;
  body: ApiResponseTypes[K];
}

/** Decodes a response frame (without the size prefix) for the API and version of its request. */
export function decodeResponse<K extends ApiKeyNumber>(apiKey: K, apiVersion: number, frame: Uint8Array): DecodedResponse<K> {
  const def = API_DEFINITIONS[apiKey];
  if (def === undefined) throw new ProtocolDecodeError('UNKNOWN_API_KEY', '', `unknown API key ${apiKey}`).withContext('ResponseHeader', -1);
  const r = new ProtocolReader(frame);
  const header = decodeResponseHeader(r, responseHeaderVersion(apiKey, apiVersion));
  const body = def.response.decode(r, apiVersion) as ApiResponseTypes[K];
  if (r.pos !== frame.length) {
    throw new ProtocolDecodeError('TRAILING_BYTES', '', `${frame.length - r.pos} bytes left after the body`).withContext(def.response.name, apiVersion);
  }
  return { correlationId: header.correlationId, body };
}
