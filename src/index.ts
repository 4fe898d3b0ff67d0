/**
 * Samsa's public surface: what users may rely on. Everything not exported here is internal.
 * Today that is the protocol layer; the broker (`startBroker`), the client library and the tools
 * are added by the issues that build them.
 */
export * as protocol from './protocol/index.js';
