/**
 * Parses the `connection.url` of Confluent's JDBC connectors: the JDBC URL forms of MySQL
 * Connector/J (`jdbc:mysql://`), MariaDB Connector/J (`jdbc:mariadb://`) and the PostgreSQL JDBC
 * driver (`jdbc:postgresql://`, also `jdbc:postgresql:db`), with their default ports (3306, 5432),
 * optional database, IPv6 hosts in brackets, `user:password@` (MySQL form), and `?key=value&...`
 * parameters. Several hosts (failover/load-balancing lists) are accepted; the first is used and
 * `ignoredHosts` says which were dropped, so the caller can log it. Anything else is a
 * ConfigException naming `connection.url`.
 */
import { ConfigException } from '../../api/errors.js';

/** The SQL dialect a URL leads to: MariaDB speaks MySQL's protocol and SQL. */
export type JdbcDialect = 'mysql' | 'postgresql';

/** How the connection uses TLS, from `sslmode`/`sslMode`/`useSSL`. */
export type JdbcSslMode = 'disable' | 'require' | 'verify';

export interface JdbcUrl {
  /** The URL as given. */
  readonly url: string;
  /** `mysql`, `mariadb` or `postgresql`: the JDBC subprotocol. */
  readonly subprotocol: 'mysql' | 'mariadb' | 'postgresql';
  readonly dialect: JdbcDialect;
  readonly host: string;
  readonly port: number;
  /** The database in the path; undefined when the URL names none. */
  readonly database: string | undefined;
  /** Every `?key=value` parameter, decoded (keys as written). */
  readonly params: Readonly<Record<string, string>>;
  /** From the `user` parameter or a `user:password@` prefix. */
  readonly user: string | undefined;
  /** From the `password` parameter or a `user:password@` prefix. */
  readonly password: string | undefined;
  /** Hosts after the first in a multi-host URL, which are not used. */
  readonly ignoredHosts: readonly string[];
  readonly ssl: JdbcSslMode;
  /** PostgreSQL's `currentSchema` parameter, when given. */
  readonly currentSchema: string | undefined;
}

const DEFAULT_PORTS = { mysql: 3306, mariadb: 3306, postgresql: 5432 } as const;

function fail(url: string, why: string): never {
  throw new ConfigException(`Invalid value ${redactJdbcUrl(url)} for configuration connection.url: ${why}`);
}

/** The URL with any password (parameter or `user:password@`) replaced by `****`, for logs and messages. */
export function redactJdbcUrl(url: string): string {
  return url
    .replace(/([?&;]password=)[^&;]*/gi, '$1****')
    .replace(/^(jdbc:[a-z]+(?::[a-z]+)?:\/\/[^/@:]*:)[^/@]*@/i, '$1****@');
}

/** Parses `connection.url`; throws ConfigException for anything that is not a MySQL, MariaDB or PostgreSQL JDBC URL. */
export function parseJdbcUrl(url: string): JdbcUrl {
  const trimmed = url.trim();
  const head = /^jdbc:(mysql|mariadb|postgresql)(?::([a-z:]+))?:(.*)$/i.exec(trimmed);
  if (head === null) {
    fail(url, 'expected a JDBC URL of the form jdbc:mysql://host:port/database, jdbc:mariadb://host:port/database or jdbc:postgresql://host:port/database');
  }
  const subprotocol = head[1]!.toLowerCase() as JdbcUrl['subprotocol'];
  const dialect: JdbcDialect = subprotocol === 'postgresql' ? 'postgresql' : 'mysql';
  let rest = head[3]!;
  // Connector/J's high-availability forms: jdbc:mysql:loadbalance://, jdbc:mariadb:failover://, ...
  if (head[2] !== undefined && dialect === 'postgresql') fail(url, `unknown PostgreSQL URL form jdbc:postgresql:${head[2]}:`);

  let query = '';
  const q = rest.indexOf('?');
  if (q >= 0) {
    query = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  const params = parseParams(url, query);

  let hostPart: string;
  let path: string | undefined;
  if (rest.startsWith('//')) {
    const afterSlashes = rest.slice(2);
    const slash = afterSlashes.indexOf('/');
    hostPart = slash >= 0 ? afterSlashes.slice(0, slash) : afterSlashes;
    path = slash >= 0 ? afterSlashes.slice(slash + 1) : undefined;
  } else if (dialect === 'postgresql') {
    // jdbc:postgresql:database and jdbc:postgresql:/ mean localhost:5432.
    hostPart = '';
    path = rest.startsWith('/') ? rest.slice(1) : rest;
  } else {
    fail(url, `expected // after jdbc:${subprotocol}:`);
  }

  let userInfo: string | undefined;
  const at = hostPart.lastIndexOf('@');
  if (at >= 0) {
    if (dialect === 'postgresql') fail(url, 'the PostgreSQL driver takes user and password as URL parameters (?user=...&password=...), not user@host');
    userInfo = hostPart.slice(0, at);
    hostPart = hostPart.slice(at + 1);
  }

  const hosts = splitHosts(url, hostPart, DEFAULT_PORTS[subprotocol]);
  const first = hosts[0] ?? { host: 'localhost', port: DEFAULT_PORTS[subprotocol] };

  let database: string | undefined;
  if (path !== undefined && path !== '') {
    try {
      database = decodeURIComponent(path);
    } catch {
      fail(url, `the database name ${path} is not URL-encoded correctly`);
    }
    if (database.includes('/')) fail(url, `the database name ${database} contains '/'`);
  }

  let user = params.user;
  let password = params.password;
  if (userInfo !== undefined) {
    const colon = userInfo.indexOf(':');
    user ??= decodeURIComponent(colon >= 0 ? userInfo.slice(0, colon) : userInfo);
    if (colon >= 0) password ??= decodeURIComponent(userInfo.slice(colon + 1));
  }

  return {
    url,
    subprotocol,
    dialect,
    host: first.host,
    port: first.port,
    database,
    params,
    user: user === '' ? undefined : user,
    password,
    ignoredHosts: hosts.slice(1).map((h) => (h.host.includes(':') ? `[${h.host}]:${h.port}` : `${h.host}:${h.port}`)),
    ssl: sslMode(url, dialect, params),
    currentSchema: dialect === 'postgresql' ? params.currentSchema : undefined,
  };
}

function parseParams(url: string, query: string): Record<string, string> {
  const params: Record<string, string> = {};
  if (query === '') return params;
  // Connector/J and MariaDB accept '&'; the PostgreSQL driver only '&'. Some guides use ';' for MariaDB too.
  for (const pair of query.split(/[&;]/)) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = eq >= 0 ? pair.slice(0, eq) : pair;
    const value = eq >= 0 ? pair.slice(eq + 1) : '';
    try {
      params[decodeURIComponent(key)] = decodeURIComponent(value.replace(/\+/g, ' '));
    } catch {
      fail(url, `the parameter ${key} is not URL-encoded correctly`);
    }
  }
  return params;
}

function splitHosts(url: string, hostPart: string, defaultPort: number): { host: string; port: number }[] {
  if (hostPart === '') return [];
  if (/address=\(/i.test(hostPart)) fail(url, 'the address=(host=...)(port=...) host form is not supported; write host:port');
  const hosts: { host: string; port: number }[] = [];
  for (const spec of hostPart.split(',')) {
    if (spec === '') fail(url, 'empty host in the host list');
    let host: string;
    let portText: string | undefined;
    if (spec.startsWith('[')) {
      const close = spec.indexOf(']');
      if (close < 0) fail(url, `unclosed [ in host ${spec}`);
      host = spec.slice(1, close);
      const after = spec.slice(close + 1);
      if (after !== '' && !after.startsWith(':')) fail(url, `unexpected ${after} after ${spec.slice(0, close + 1)}`);
      portText = after === '' ? undefined : after.slice(1);
    } else {
      const colon = spec.indexOf(':');
      if (colon >= 0 && spec.indexOf(':', colon + 1) >= 0) fail(url, `IPv6 address ${spec} must be written in brackets: [${spec}]`);
      host = colon >= 0 ? spec.slice(0, colon) : spec;
      portText = colon >= 0 ? spec.slice(colon + 1) : undefined;
    }
    if (host === '') fail(url, `missing host name in ${spec}`);
    let port = defaultPort;
    if (portText !== undefined) {
      if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) fail(url, `invalid port ${portText}`);
      port = Number(portText);
    }
    hosts.push({ host, port });
  }
  return hosts;
}

function sslMode(url: string, dialect: JdbcDialect, params: Record<string, string>): JdbcSslMode {
  if (dialect === 'postgresql') {
    const mode = params.sslmode ?? (params.ssl === 'true' ? 'verify-full' : undefined);
    switch (mode) {
      case undefined:
      case 'disable':
      case 'allow':
      case 'prefer':
        // The Node driver cannot fall back between plain and TLS as the JDBC driver does for
        // allow/prefer; it connects in plain text, which a default PostgreSQL server accepts.
        return 'disable';
      case 'require':
        return 'require';
      case 'verify-ca':
      case 'verify-full':
        return 'verify';
      default:
        return fail(url, `unknown sslmode ${mode} (disable, allow, prefer, require, verify-ca, verify-full)`);
    }
  }
  const mode = (params.sslMode ?? params.sslmode)?.toUpperCase();
  if (mode !== undefined) {
    switch (mode) {
      case 'DISABLED':
      case 'PREFERRED':
        return 'disable';
      case 'REQUIRED':
        return 'require';
      case 'VERIFY_CA':
      case 'VERIFY_IDENTITY':
        return 'verify';
      default:
        return fail(url, `unknown sslMode ${mode} (DISABLED, PREFERRED, REQUIRED, VERIFY_CA, VERIFY_IDENTITY)`);
    }
  }
  const useSsl = params.useSSL ?? params.useSsl ?? params.ssl;
  if (useSsl === 'true') return params.verifyServerCertificate === 'false' || params.trustServerCertificate === 'true' ? 'require' : 'verify';
  return 'disable';
}
