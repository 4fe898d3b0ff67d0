/**
 * The worker properties that place the REST server (Kafka's RestServerConfig): `listeners`
 * (default `http://:8083`), the legacy `rest.host.name` / `rest.port` used when `listeners` is
 * not set, and what other workers and clients are told: `rest.advertised.host.name`,
 * `rest.advertised.port`, `rest.advertised.listener`. Only `http` is served; an https listener
 * is a ConfigException saying TLS is not supported yet.
 */
import { ConfigException } from '../api/errors.js';

/** One parsed listener: `http://host:port` (host empty = every interface). */
export interface RestListener {
  protocol: 'http';
  host: string;
  port: number;
}

/** Where the REST server listens and what it advertises (what `startRestServer` takes). */
export interface RestServerPlacement {
  listeners: string[];
  /** `rest.advertised.host.name`; default: the listener's host, or this machine's name when it listens on every interface. */
  advertisedHost?: string;
  /** `rest.advertised.port`; default: the port the server is bound to. */
  advertisedPort?: number;
}

export const DEFAULT_REST_PORT = 8083;

const LISTENER = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(\[[0-9A-Fa-f:.]*\]|[^:/[\]]*):(\d+)\/?$/;

/** Parses one entry of `listeners`; ConfigException naming `key` when it is not `http://host:port`. */
export function parseListener(value: string, key = 'listeners'): RestListener {
  const m = LISTENER.exec(value.trim());
  if (m === null) throw new ConfigException(`Invalid value ${value} for configuration ${key}: a listener must be protocol://host:port, e.g. http://localhost:8083`);
  const protocol = m[1]!.toLowerCase();
  if (protocol === 'https') throw new ConfigException(`Invalid value ${value} for configuration ${key}: TLS (https) listeners are not supported yet; use http`);
  if (protocol !== 'http') throw new ConfigException(`Invalid value ${value} for configuration ${key}: unsupported protocol ${m[1]}; only http is supported`);
  const port = Number(m[3]);
  if (!Number.isInteger(port) || port > 65535) throw new ConfigException(`Invalid value ${value} for configuration ${key}: port must be between 0 and 65535`);
  let host = m[2]!;
  if (host.startsWith('[')) host = host.slice(1, -1);
  return { protocol: 'http', host, port };
}

function port(props: Readonly<Record<string, string | undefined>>, key: string): number | undefined {
  const raw = props[key];
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw.trim());
  if (!/^\d+$/.test(raw.trim()) || n > 65535) throw new ConfigException(`Invalid value ${raw} for configuration ${key}: Not a number of type INT between 0 and 65535`);
  return n;
}

/**
 * Worker properties → the REST server's placement, with Kafka's precedence: `listeners` when set,
 * else `http://${rest.host.name}:${rest.port}` (defaults: every interface, 8083).
 */
export function restServerPlacement(props: Readonly<Record<string, string | undefined>>): RestServerPlacement {
  const listenersRaw = props['listeners'];
  let listeners: string[];
  if (listenersRaw !== undefined && listenersRaw.trim() !== '') {
    listeners = listenersRaw.split(',').map((l) => l.trim()).filter((l) => l !== '');
    for (const l of listeners) parseListener(l);
  } else {
    const host = props['rest.host.name']?.trim() ?? '';
    const p = port(props, 'rest.port') ?? DEFAULT_REST_PORT;
    listeners = [`http://${host.includes(':') ? `[${host}]` : host}:${p}`];
  }
  if (listeners.length > 1) throw new ConfigException(`Invalid value ${listenersRaw} for configuration listeners: Samsa serves one REST listener; give exactly one`);
  const advertisedListener = props['rest.advertised.listener']?.trim();
  if (advertisedListener !== undefined && advertisedListener !== '') {
    const p = advertisedListener.toLowerCase();
    if (p === 'https') throw new ConfigException(`Invalid value ${advertisedListener} for configuration rest.advertised.listener: TLS (https) is not supported yet; use http`);
    if (p !== 'http') throw new ConfigException(`Invalid value ${advertisedListener} for configuration rest.advertised.listener: String must be one of: http, https`);
  }
  const placement: RestServerPlacement = { listeners };
  const advertisedHost = props['rest.advertised.host.name']?.trim();
  if (advertisedHost !== undefined && advertisedHost !== '') placement.advertisedHost = advertisedHost;
  const advertisedPort = port(props, 'rest.advertised.port');
  if (advertisedPort !== undefined) placement.advertisedPort = advertisedPort;
  return placement;
}
