/**
 * What the generated API table (generated/api-definitions.ts) is built from that does not come
 * from the schemas: the types of its rows, and the registry through which each row's codecs reach
 * their per-API module. The table imports no codec module, so that a process loads only the codecs
 * it uses: api-table.ts provides every module, the client only those it sends.
 */
import type { ProtocolReader } from './primitives/protocol-reader.js';
import type { ProtocolWriter } from './primitives/protocol-writer.js';

/** Encoder signature shared by every message (the value's type is erased in the table). */
export type MessageEncoder = (w: ProtocolWriter, value: object, version: number) => void;
export type MessageDecoder = (r: ProtocolReader, version: number) => object;

export interface MessageCodec {
  name: string;
  encode: MessageEncoder;
  decode: MessageDecoder;
}

/** One row per API key, from the schemas: the versions Kafka defines and how they are encoded. */
export interface ApiDefinition {
  apiKey: number;
  name: string;
  minVersion: number;
  maxVersion: number;
  /** First flexible (compact, tagged-field) version, or -1 if none is. */
  firstFlexibleVersion: number;
  /** KIP-896 deprecated range, or null. */
  deprecatedVersions: { min: number; max: number } | null;
  /** When true, maxVersion is still unstable upstream and is not advertised by default. */
  latestVersionUnstable: boolean;
  listeners: readonly string[];
  request: MessageCodec;
  response: MessageCodec;
}

/** The per-API modules, by API key, as functions that return them (see provideCodecModule). */
const codecModules: (() => object)[] = [];

/** Makes API `apiKey`'s codecs usable through API_DEFINITIONS: `module` returns its generated module. */
export function provideCodecModule(apiKey: number, module: () => object): void {
  codecModules[apiKey] = module;
}

/** Whether API `apiKey`'s module has been provided (see provideCodecModule). */
export function isCodecModuleProvided(apiKey: number): boolean {
  return codecModules[apiKey] !== undefined;
}

function codecFunction<F>(apiKey: number, fn: string): F {
  const module = codecModules[apiKey];
  if (module === undefined) {
    throw new Error(`the codecs of API key ${apiKey} are not loaded: import protocol/generated/api-table.js (every API) or provide its module (provideCodecModule)`);
  }
  return (module() as Record<string, F>)[fn]!;
}

/**
 * A message's codec, taken from its module (`encode<Name>`, `decode<Name>`) on first use: building
 * the API table touches none of the per-API modules, so the server bundle
 * (scripts/bundle-server.ts), which runs a module only when one of its exports is first used, does
 * not load the codec of an API before a request of that API.
 */
export function lazyCodec(apiKey: number, name: string): MessageCodec {
  let encode: MessageEncoder | undefined;
  let decode: MessageDecoder | undefined;
  return {
    name,
    encode: (w, value, version) => (encode ??= codecFunction<MessageEncoder>(apiKey, `encode${name}`))(w, value, version),
    decode: (r, version) => (decode ??= codecFunction<MessageDecoder>(apiKey, `decode${name}`))(r, version),
  };
}
