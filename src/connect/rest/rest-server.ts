/**
 * Kafka Connect's REST API (Kafka's RestServer + ConnectorsResource, ConnectorPluginsResource,
 * LoggingResource, RootResource) on fastify. Every operation goes through the worker's Herder;
 * herder failures become Kafka's `{"error_code": <status>, "message": "..."}` bodies with the status
 * `httpStatusFor` chooses. A herder call that answers NotLeaderException is forwarded to the leader
 * (same method, path, query and body, with Kafka's `forward` flag) and the leader's answer relayed.
 */
import { hostname } from 'node:os';
import { fastify, LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from '../../logging/logger.js';
import { ConfigException } from '../api/errors.js';
import { httpStatusFor, NotLeaderException, type ConnectorConfig, type ConnectorOffsets, type Herder, type TargetState } from '../runtime/herder.js';
import { LoggerLevels, pinoLevel } from './logger-levels.js';
import { parseListener } from './rest-config.js';
import { RestError } from './rest-error.js';

export interface RestServerOptions {
  herder: Herder;
  /** Kafka's `listeners`: one `http://host:port` (host empty = every interface; port 0 = any free port). Default `http://:8083`. */
  listeners?: string[];
  /** The URL other workers and clients are given, e.g. `http://connect-1:8083/`; overrides advertisedHost/advertisedPort. */
  advertisedUrl?: string;
  /** `rest.advertised.host.name`: default the listener's host, or this machine's name when listening on every interface. */
  advertisedHost?: string;
  /** `rest.advertised.port`: default the bound port. */
  advertisedPort?: number;
  logger: Logger;
  /** The named log levels /admin/loggers reads and sets; default: a LoggerLevels over `logger` alone. */
  loggerLevels?: LoggerLevels;
  /** GET / `version` and `commit`. */
  version: string;
  commit: string;
}

export interface RestServer {
  /** The advertised URL, ending in `/` (e.g. `http://127.0.0.1:8083/`). */
  readonly url: string;
  /** The port the server is bound to. */
  readonly port: number;
  close(): Promise<void>;
}

/** How long a forwarded request may take (Kafka's ConnectorsResource REQUEST_TIMEOUT_MS). */
const FORWARD_TIMEOUT_MS = 90_000;

type Req = FastifyRequest<{ Params: Record<string, string>; Querystring: Record<string, string | string[] | undefined>; Body: unknown }>;
type Handler = (req: Req, reply: FastifyReply) => Promise<unknown>;

/** The last value of a query parameter (`?a=1&a=2` → `2`), or undefined. */
function query(req: Req, name: string): string | undefined {
  const v = req.query[name];
  return Array.isArray(v) ? v[v.length - 1] : v;
}

/** Java's Boolean.valueOf, as JAX-RS reads a boolean query parameter: only `true` (any case) is true. */
function booleanParam(req: Req, name: string, defaultValue: boolean): boolean {
  const v = query(req, name);
  return v === undefined ? defaultValue : v.toLowerCase() === 'true';
}

/** A JSON object of strings (Kafka's Map<String, String>): scalars are taken as their text, as Jackson does. */
function stringMap(value: unknown, what: string): ConnectorConfig {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new RestError(400, `${what} must be a JSON object of strings`);
  const entries = Object.entries(value).map(([k, v]): [string, string] => {
    if (typeof v === 'string') return [k, v];
    if (typeof v === 'number' || typeof v === 'boolean') return [k, String(v)];
    throw new RestError(400, `${what}: the value of ${k} must be a string, not ${v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v}`);
  });
  // fromEntries defines own properties, so a "__proto__" key stays a plain key.
  return Object.fromEntries(entries);
}

/** Kafka's checkAndPutConnectorConfigName: a `name` in the config must equal the URL's/request's. */
function withName(name: string, config: ConnectorConfig): ConnectorConfig {
  const included = config['name'];
  if (included !== undefined && included !== name) {
    throw new RestError(400, `Connector name configuration (${included}) doesn't match connector name in the URL (${name})`);
  }
  return { ...config, name };
}

function taskId(req: Req): number {
  const raw = req.params['task']!;
  // JAX-RS answers 404 when an Integer path parameter does not parse.
  if (!/^-?\d+$/.test(raw)) throw new RestError(404, 'HTTP 404 Not Found');
  return Number(raw);
}

/** POST /connectors `initial_state` (KIP-980): RUNNING, PAUSED or STOPPED. */
function initialState(value: unknown): TargetState | undefined {
  if (value === undefined || value === null) return undefined;
  switch (typeof value === 'string' ? value.toUpperCase() : value) {
    case 'RUNNING':
      return 'STARTED';
    case 'PAUSED':
      return 'PAUSED';
    case 'STOPPED':
      return 'STOPPED';
    default:
      throw new RestError(400, `Invalid initial_state ${JSON.stringify(value)}: must be one of RUNNING, PAUSED, STOPPED`);
  }
}

/** Kafka's ConnectorPluginsResource.normalizedPluginName: `FooConnector` → `Foo`. */
function normalizedPluginName(name: string): string {
  return name.endsWith('Connector') && name.length > 'Connector'.length ? name.slice(0, -'Connector'.length) : name;
}

function bracketed(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** Starts the REST server on the (single) listener; resolves once it is listening. */
export async function startRestServer(options: RestServerOptions): Promise<RestServer> {
  const listeners = options.listeners ?? ['http://:8083'];
  if (listeners.length !== 1) throw new ConfigException(`Invalid value ${listeners.join(',')} for configuration listeners: Samsa serves one REST listener; give exactly one`);
  const listener = parseListener(listeners[0]!);
  const { herder } = options;
  const logger = options.logger.child({ component: 'connect-rest' });
  const levels = options.loggerLevels ?? new LoggerLevels(options.logger);

  const app = fastify({
    loggerInstance: logger,
    // Requests are logged once, when answered (below), like Kafka's request log.
    logController: new LogController({ disableRequestLogging: true }),
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 2048 },
  });

  // Every body is JSON whatever its content type (curl -d sends form encoding); an empty body is absent.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => {
    const text = body as string;
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (e) {
      done(new RestError(400, `Unable to parse the request body as JSON: ${(e as Error).message}`), undefined);
    }
  });

  /** Route patterns (as regexes) with their methods, to tell 405 from 404. */
  const known: Array<{ pattern: RegExp; methods: Set<string> }> = [];
  const route = (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, handler: Handler): void => {
    const source = `^${url.replace(/:[A-Za-z]+/g, '[^/]+')}/?$`;
    let entry = known.find((k) => k.pattern.source === source);
    if (entry === undefined) known.push((entry = { pattern: new RegExp(source), methods: new Set() }));
    entry.methods.add(method);
    app.route({ method, url, handler: handler as never });
  };

  const forward = async (req: Req, reply: FastifyReply, error: NotLeaderException): Promise<void> => {
    const flag = query(req, 'forward');
    if (flag !== undefined && flag.toLowerCase() !== 'true') {
      // A forwarded request that lands on a non-leader again: the group is changing (Kafka allows two hops).
      throw new RestError(409, 'Cannot complete request because of a conflicting operation (e.g. worker rebalance)');
    }
    if (error.leaderUrl === null) {
      throw new RestError(409, 'Cannot complete request momentarily due to no known leader URL, likely because a rebalance was underway.');
    }
    const original = new URL(req.url, 'http://placeholder');
    const params = new URLSearchParams(original.search);
    params.delete('forward');
    // Kafka: a user's request (no flag) may be forwarded twice; a request forwarded once carries forward=false.
    params.set('forward', flag === undefined ? 'true' : 'false');
    const target = `${error.leaderUrl.replace(/\/+$/, '')}${original.pathname}?${params.toString()}`;
    logger.debug({ method: req.method, target }, 'forwarding request to the leader');
    let response: Response;
    try {
      response = await fetch(target, {
        method: req.method,
        headers: req.body === undefined ? {} : { 'content-type': 'application/json' },
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
        signal: AbortSignal.timeout(FORWARD_TIMEOUT_MS),
      });
    } catch (e) {
      throw new RestError(500, `IO Error trying to forward REST request: ${(e as Error).message}`, { cause: e });
    }
    const text = await response.text();
    reply.code(response.status);
    const location = response.headers.get('location');
    // Kafka builds Location on the worker the user called, so it names that worker, not the leader.
    if (location !== null) reply.header('location', `http://${req.headers.host ?? 'localhost'}${new URL(location, target).pathname}`);
    const type = response.headers.get('content-type');
    if (type !== null) reply.header('content-type', type);
    await reply.send(text === '' ? undefined : text);
  };

  app.setErrorHandler(async (error: unknown, request, reply) => {
    const req = request as Req;
    if (error instanceof NotLeaderException) {
      try {
        await forward(req, reply, error);
        return reply;
      } catch (e) {
        error = e;
      }
    }
    let status: number;
    if (error instanceof RestError) status = error.status;
    else if (typeof (error as { statusCode?: unknown }).statusCode === 'number' && !(error instanceof ConfigException)) status = (error as { statusCode: number }).statusCode;
    else status = httpStatusFor(error);
    const message = error instanceof Error ? error.message : String(error);
    if (status >= 500) logger.error({ method: request.method, url: request.url, err: error }, 'REST request failed');
    else logger.debug({ method: request.method, url: request.url, status, message }, 'REST request refused');
    return reply.code(status).type('application/json').send({ error_code: status, message });
  });

  app.addHook('onResponse', async (request, reply) => {
    logger.debug({ method: request.method, url: request.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'REST request');
  });

  app.setNotFoundHandler(async (request, reply) => {
    const path = new URL(request.url, 'http://placeholder').pathname;
    const matches = known.filter((k) => k.pattern.test(path));
    if (matches.length > 0) {
      const allowed = [...new Set(matches.flatMap((m) => [...m.methods]))].sort();
      return reply.code(405).header('allow', allowed.join(', ')).send({ error_code: 405, message: 'HTTP 405 Method Not Allowed' });
    }
    return reply.code(404).send({ error_code: 404, message: 'HTTP 404 Not Found' });
  });

  // --- root ---------------------------------------------------------------------------------
  route('GET', '/', async () => ({ version: options.version, commit: options.commit, kafka_cluster_id: await herder.kafkaClusterId() }));

  // --- connectors -----------------------------------------------------------------------------
  route('GET', '/connectors', async (req) => {
    const raw = req.query['expand'];
    if (raw === undefined) return herder.connectors();
    const expansions = Array.isArray(raw) ? raw : [raw];
    const out: Record<string, Record<string, unknown>> = {};
    for (const name of await herder.connectors()) {
      try {
        const entry: Record<string, unknown> = {};
        for (const e of expansions) {
          if (e === 'status') entry['status'] = await herder.connectorStatus(name);
          else if (e === 'info') entry['info'] = await herder.connectorInfo(name);
          else logger.info({ expansion: e }, 'ignoring unknown expansion type');
        }
        out[name] = entry;
      } catch (e) {
        // Deleted while we looked it up: left out, as Kafka does.
        if (httpStatusFor(e) !== 404) throw e;
      }
    }
    return out;
  });

  route('POST', '/connectors', async (req, reply) => {
    const body = req.body;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new RestError(400, 'The request body must be a JSON object {"name": ..., "config": {...}}');
    const request = body as { name?: unknown; config?: unknown; initial_state?: unknown };
    if (request.name !== undefined && request.name !== null && typeof request.name !== 'string') throw new RestError(400, 'The connector name must be a string');
    // Kafka trims the name; a missing one is left for the herder's validation to report.
    const name = typeof request.name === 'string' ? request.name.trim() : '';
    if (request.config === undefined || request.config === null) throw new RestError(400, 'Connector config must be provided in the "config" field of the request');
    const config = withName(name, stringMap(request.config, 'Connector config'));
    const state = initialState(request.initial_state);
    const { info } = await herder.putConnectorConfig(name, config, state === undefined ? { allowReplace: false } : { allowReplace: false, initialState: state });
    return reply.code(201).header('location', location(req, name)).send(info);
  });

  route('GET', '/connectors/:connector', async (req) => herder.connectorInfo(req.params['connector']!));
  route('DELETE', '/connectors/:connector', async (req, reply) => {
    await herder.deleteConnector(req.params['connector']!);
    return reply.code(204).send();
  });

  route('GET', '/connectors/:connector/config', async (req) => herder.connectorConfig(req.params['connector']!));
  route('PUT', '/connectors/:connector/config', async (req, reply) => {
    const name = req.params['connector']!;
    const config = withName(name, stringMap(req.body ?? null, 'Connector config'));
    const { created, info } = await herder.putConnectorConfig(name, config, { allowReplace: true });
    if (created) reply.code(201).header('location', location(req, name));
    return reply.send(info);
  });

  route('GET', '/connectors/:connector/status', async (req) => herder.connectorStatus(req.params['connector']!));
  route('GET', '/connectors/:connector/tasks', async (req) => herder.taskConfigs(req.params['connector']!));
  route('GET', '/connectors/:connector/tasks/:task/status', async (req) => herder.taskStatus(req.params['connector']!, taskId(req)));

  route('POST', '/connectors/:connector/restart', async (req, reply) => {
    const includeTasks = booleanParam(req, 'includeTasks', false);
    const onlyFailed = booleanParam(req, 'onlyFailed', false);
    const state = await herder.restartConnector(req.params['connector']!, { includeTasks, onlyFailed });
    // Kafka: restarting the connector alone keeps the old answer (no body); otherwise 202 with what restarts.
    if (!includeTasks && !onlyFailed) return reply.code(204).send();
    return reply.code(202).send(state);
  });
  route('POST', '/connectors/:connector/tasks/:task/restart', async (req, reply) => {
    await herder.restartTask(req.params['connector']!, taskId(req));
    return reply.code(204).send();
  });
  route('PUT', '/connectors/:connector/pause', async (req, reply) => {
    await herder.pauseConnector(req.params['connector']!);
    return reply.code(202).send();
  });
  route('PUT', '/connectors/:connector/resume', async (req, reply) => {
    await herder.resumeConnector(req.params['connector']!);
    return reply.code(202).send();
  });
  route('PUT', '/connectors/:connector/stop', async (req, reply) => {
    await herder.stopConnector(req.params['connector']!);
    return reply.code(204).send();
  });

  route('GET', '/connectors/:connector/topics', async (req) => {
    const name = req.params['connector']!;
    return { [name]: { topics: await herder.connectorActiveTopics(name) } };
  });
  route('PUT', '/connectors/:connector/topics/reset', async (req, reply) => {
    await herder.resetConnectorActiveTopics(req.params['connector']!);
    return reply.code(202).send();
  });

  route('GET', '/connectors/:connector/offsets', async (req) => herder.connectorOffsets(req.params['connector']!));
  route('PATCH', '/connectors/:connector/offsets', async (req) => {
    const offsets = connectorOffsets(req.body);
    return { message: await herder.alterConnectorOffsets(req.params['connector']!, offsets) };
  });
  route('DELETE', '/connectors/:connector/offsets', async (req) => ({ message: await herder.resetConnectorOffsets(req.params['connector']!) }));

  // --- connector plugins ----------------------------------------------------------------------
  route('GET', '/connector-plugins', async (req) => herder.connectorPlugins(booleanParam(req, 'connectorsOnly', true)));
  route('PUT', '/connector-plugins/:plugin/config/validate', async (req) => {
    const plugin = req.params['plugin']!;
    const config = stringMap(req.body ?? null, 'Connector config');
    const included = config['connector.class'];
    if (included !== undefined && !normalizedPluginName(included).endsWith(normalizedPluginName(plugin))) {
      throw new RestError(400, `Included connector type ${included} does not match request type ${plugin}`);
    }
    return herder.validateConnectorConfig(plugin, config);
  });

  // --- logger levels --------------------------------------------------------------------------
  route('GET', '/admin/loggers', async () => levels.all());
  route('GET', '/admin/loggers/:logger', async (req) => levels.level(req.params['logger']!));
  route('PUT', '/admin/loggers/:logger', async (req, reply) => {
    const name = req.params['logger']!;
    const body = req.body;
    const level = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>)['level'] : undefined;
    if (level === undefined || level === null) throw new RestError(400, "Desired 'level' parameter was not specified in request.");
    if (typeof level !== 'string' || pinoLevel(level) === null) throw new RestError(404, `invalid log level '${String(level)}'.`);
    let scope = query(req, 'scope') ?? 'worker';
    if (scope.toLowerCase() !== 'worker' && scope.toLowerCase() !== 'cluster') {
      logger.warn({ scope }, 'invalid scope in request to adjust logging level; using worker');
      scope = 'worker';
    }
    const affected = levels.setLevel(name, level);
    logger.info({ logger: name, level, scope }, 'log level changed');
    // scope=cluster: Kafka answers 204 and sets the level on every worker; Samsa sets it on this worker only.
    if (scope.toLowerCase() === 'cluster') return reply.code(204).send();
    return affected;
  });

  try {
    await app.listen({ host: listener.host === '' ? '0.0.0.0' : listener.host, port: listener.port });
  } catch (e) {
    await app.close().catch(() => undefined);
    throw e;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : listener.port;
  let url: string;
  if (options.advertisedUrl !== undefined) {
    url = options.advertisedUrl.endsWith('/') ? options.advertisedUrl : `${options.advertisedUrl}/`;
  } else {
    const wildcard = listener.host === '' || listener.host === '0.0.0.0' || listener.host === '::';
    const host = options.advertisedHost ?? (wildcard ? hostname() : listener.host);
    url = `http://${bracketed(host)}:${options.advertisedPort ?? port}/`;
  }
  logger.info({ url, port }, 'REST server listening');
  return {
    url,
    port,
    close: async () => {
      await app.close();
    },
  };
}

/** Kafka's Location header for a created connector: the request's base URL + /connectors/{name}. */
function location(req: Req, name: string): string {
  return `http://${req.headers.host ?? 'localhost'}/connectors/${encodeURIComponent(name).replace(/%2F/gi, '/')}`;
}

/** PATCH /connectors/{name}/offsets body → ConnectorOffsets; Kafka's 400 when no offsets are given. */
function connectorOffsets(body: unknown): ConnectorOffsets {
  const offsets = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>)['offsets'] : undefined;
  if (!Array.isArray(offsets) || offsets.length === 0) throw new RestError(400, 'Partitions / offsets need to be provided for an alter offsets request');
  return {
    offsets: offsets.map((o, i) => {
      const entry = o as Record<string, unknown> | null;
      const partition = entry?.['partition'];
      const offset = entry?.['offset'];
      if (partition === null || typeof partition !== 'object' || Array.isArray(partition)) throw new RestError(400, `offsets[${i}].partition must be a JSON object`);
      if (offset !== null && offset !== undefined && (typeof offset !== 'object' || Array.isArray(offset))) throw new RestError(400, `offsets[${i}].offset must be a JSON object or null`);
      return { partition: partition as Record<string, unknown>, offset: (offset ?? null) as Record<string, unknown> | null };
    }),
  };
}
