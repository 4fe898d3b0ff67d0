/**
 * HTTP helpers for the REST API tests: one JSON request with fetch, and polling until a status
 * settles (no timing assertions: a wait that never ends fails with what it last saw).
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { Logger } from '../../../src/logging/logger.js';

export interface HttpResult {
  status: number;
  /** The parsed JSON body, or null when there is none. */
  body: any;
  headers: Headers;
}

/** Sends `body` as JSON (or `raw` as is) and parses the JSON answer. */
export async function http(baseUrl: string, method: string, path: string, body?: unknown, raw?: string): Promise<HttpResult> {
  const url = `${baseUrl.replace(/\/$/, '')}${path}`;
  const init: RequestInit = { method, headers: { accept: 'application/json' } };
  if (raw !== undefined || body !== undefined) {
    init.headers = { accept: 'application/json', 'content-type': 'application/json' };
    init.body = raw ?? JSON.stringify(body);
  }
  const response = await fetch(url, init);
  const text = await response.text();
  return { status: response.status, body: text === '' ? null : JSON.parse(text), headers: response.headers };
}

/** Polls `probe` until `done` holds for its result; fails after `limitMs` with the last result. */
export async function eventually<T>(what: string, probe: () => Promise<T>, done: (value: T) => boolean, limitMs = 30_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`still waiting for ${what}; last: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A real pino logger at `info` that writes nowhere, so log levels are meaningful in tests. */
export function quietInfoLogger(): Logger {
  return pino({ level: 'info' }, new Writable({ write: (_chunk, _enc, cb) => cb() }));
}
