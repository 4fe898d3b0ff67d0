import { ConfigError } from './config-error.js';

/** One entry of `listeners` / `advertised.listeners`: `NAME://host:port`. */
export interface ListenerEndpoint {
  /** The listener name, upper-cased as Kafka normalises it (`PLAINTEXT`, `INTERNAL`). */
  readonly name: string;
  /** Host name or address without brackets; '' binds every interface (and advertises localhost). */
  readonly host: string;
  /** 0..65535; 0 asks the OS for a free port (handy in tests). */
  readonly port: number;
  /** From listener.security.protocol.map. */
  readonly securityProtocol: SecurityProtocol;
}

export type SecurityProtocol = 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL';
const SECURITY_PROTOCOLS: readonly string[] = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'];

/** Parses listener.security.protocol.map (`NAME:PROTOCOL,...`); names are upper-cased. */
export function parseSecurityProtocolMap(key: string, text: string): Map<string, SecurityProtocol> {
  const map = new Map<string, SecurityProtocol>();
  const trimmed = text.trim();
  if (trimmed === '') return map;
  for (const entry of trimmed.split(/\s*,\s*/)) {
    const m = /^([^:\s]+)\s*:\s*([^:\s]+)$/.exec(entry);
    if (m === null) {
      throw ConfigError.invalidValue(key, text, `Expected NAME:PROTOCOL pairs separated by commas, got '${entry}'`);
    }
    const name = m[1]!.toUpperCase();
    const protocol = m[2]!.toUpperCase();
    if (!SECURITY_PROTOCOLS.includes(protocol)) {
      throw ConfigError.invalidValue(key, text, `Unknown security protocol ${m[2]} for listener ${m[1]} (expected one of ${SECURITY_PROTOCOLS.join(', ')})`);
    }
    if (map.has(name)) throw ConfigError.invalidValue(key, text, `Listener ${name} is mapped more than once`);
    map.set(name, protocol as SecurityProtocol);
  }
  return map;
}

const LISTENER = /^([^:/\s]+):\/\/(?:\[([0-9a-fA-F:.%\w-]*)\]|([0-9a-zA-Z\-%._]*)):(\d+)$/;

/**
 * Parses a `listeners`-style value: `PLAINTEXT://:9092`, `PLAINTEXT://0.0.0.0:9092`,
 * `PLAINTEXT://[::1]:9092`, several separated by commas. Each name must be in `protocols` and
 * appear once; `uniquePorts` also rejects two listeners on one non-zero port (Kafka requires it
 * of `listeners`, not of `advertised.listeners`).
 */
export function parseListenerEndpoints(
  key: string,
  text: string,
  protocols: ReadonlyMap<string, SecurityProtocol>,
  uniquePorts: boolean,
): ListenerEndpoint[] {
  const endpoints: ListenerEndpoint[] = [];
  const trimmed = text.trim();
  if (trimmed === '') throw ConfigError.invalidValue(key, text, 'Expected at least one listener NAME://host:port');
  for (const entry of trimmed.split(/\s*,\s*/)) {
    const m = LISTENER.exec(entry);
    if (m === null) {
      throw ConfigError.invalidValue(key, text, `'${entry}' is not a listener of the form NAME://host:port (e.g. PLAINTEXT://:9092 or PLAINTEXT://[::1]:9092)`);
    }
    const name = m[1]!.toUpperCase();
    const host = m[2] ?? m[3] ?? '';
    const port = Number(m[4]);
    if (port > 65535) throw ConfigError.invalidValue(key, text, `Port ${port} of listener ${name} is out of range 0..65535`);
    const securityProtocol = protocols.get(name);
    if (securityProtocol === undefined) {
      throw ConfigError.invalidValue(key, text, `No security protocol defined for listener ${name}: add it to listener.security.protocol.map`);
    }
    if (endpoints.some((e) => e.name === name)) {
      throw ConfigError.invalidValue(key, text, `Each listener must have a different name; ${name} appears more than once`);
    }
    if (uniquePorts && port !== 0 && endpoints.some((e) => e.port === port)) {
      throw ConfigError.invalidValue(key, text, `Each listener must have a different port; ${port} appears more than once`);
    }
    endpoints.push({ name, host, port, securityProtocol });
  }
  return endpoints;
}

/** `NAME://host:port`, with brackets around an IPv6 host. */
export function formatListenerEndpoint(e: ListenerEndpoint): string {
  const host = e.host.includes(':') ? `[${e.host}]` : e.host;
  return `${e.name}://${host}:${e.port}`;
}
