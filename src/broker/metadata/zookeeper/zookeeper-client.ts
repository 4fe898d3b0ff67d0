/**
 * A promise-based ZooKeeper client for cluster mode, over `node-zookeeper-client` (pure
 * JavaScript: installs from npm alone and runs on Windows without a C toolchain; it speaks
 * ZooKeeper's wire protocol including multi-op transactions, ephemeral and sequential nodes,
 * one-shot watches, chroot in the connect string and session expiry).
 *
 * Failures from ZooKeeper are `ZooKeeperError` values carrying ZooKeeper's error name
 * (`NO_NODE`, `NODE_EXISTS`, `BAD_VERSION`, `NOT_EMPTY`, `SESSION_EXPIRED`, `CONNECTION_LOSS`...):
 * the metadata store turns them into Kafka behaviour. A lost session is reported once through
 * `onSessionExpired`; the client is then unusable until `renewSession` opens a new session in
 * its place (the broker then re-registers and runs for controller again, as Kafka's does).
 */
import { Buffer } from 'node:buffer';
import * as zookeeper from 'node-zookeeper-client';
import type { Client, Event as ZkEvent, Stat } from 'node-zookeeper-client';

export type ZooKeeperNodeMode = 'persistent' | 'ephemeral' | 'persistentSequential' | 'ephemeralSequential';

export interface ZooKeeperClientOptions {
  /** `host:port[,host:port...][/chroot]` (Kafka's zookeeper.connect). */
  connectString: string;
  /** zookeeper.session.timeout.ms (ZooKeeper bounds it to [2, 20] x its tickTime). Default 18000. */
  sessionTimeoutMs?: number;
  /** zookeeper.connection.timeout.ms: how long `connect` waits for a session. Default: the session timeout. */
  connectionTimeoutMs?: number;
  /** Resume an existing session (tests use it to expire a session on purpose). */
  session?: { id: Buffer; password: Buffer };
}

export interface ZooKeeperNodeData {
  data: Buffer;
  version: number;
  /** Session id (hex) owning an ephemeral node; null for a persistent one. */
  ephemeralOwner: string | null;
}

/** A change a watch reports, once. */
export interface ZooKeeperWatchEvent {
  type: 'created' | 'deleted' | 'dataChanged' | 'childrenChanged';
  path: string;
}

export type ZooKeeperOp =
  | { op: 'create'; path: string; data?: Buffer; mode?: ZooKeeperNodeMode }
  | { op: 'setData'; path: string; data: Buffer; version?: number }
  | { op: 'check'; path: string; version: number }
  | { op: 'delete'; path: string; version?: number };

export class ZooKeeperError extends Error {
  constructor(
    /** ZooKeeper's error name, e.g. NO_NODE, or CONNECT_TIMEOUT when no session was made in time. */
    readonly code: string,
    readonly path: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'ZooKeeperError';
  }
}

const MODES: Record<ZooKeeperNodeMode, number> = {
  persistent: zookeeper.CreateMode.PERSISTENT,
  ephemeral: zookeeper.CreateMode.EPHEMERAL,
  persistentSequential: zookeeper.CreateMode.PERSISTENT_SEQUENTIAL,
  ephemeralSequential: zookeeper.CreateMode.EPHEMERAL_SEQUENTIAL,
};

/** ZooKeeper's operation codes (its wire protocol), for the multi workaround below. */
const OP_DELETE = 2;
const OP_SET_DATA = 5;
const OP_CHECK = 13;

const EVENT_TYPES: Record<number, ZooKeeperWatchEvent['type']> = {
  [zookeeper.Event.NODE_CREATED]: 'created',
  [zookeeper.Event.NODE_DELETED]: 'deleted',
  [zookeeper.Event.NODE_DATA_CHANGED]: 'dataChanged',
  [zookeeper.Event.NODE_CHILDREN_CHANGED]: 'childrenChanged',
};

function toError(err: unknown, path?: string): ZooKeeperError {
  if (err instanceof ZooKeeperError) return err;
  if (err instanceof zookeeper.Exception) {
    const p = err.getPath?.() ?? path;
    return new ZooKeeperError(err.getName(), p, `ZooKeeper ${err.getName()}${p === undefined ? '' : ` at ${p}`}`);
  }
  const message = err instanceof Error ? err.message : String(err);
  return new ZooKeeperError('CLIENT_ERROR', path, message);
}

type WatchCallback = (event: ZooKeeperWatchEvent) => void;

/**
 * The library's watcher for `watch`, the same function each time for the same callback: the
 * library keeps one registration per path and function, so a callback watched again before it
 * fired is not called twice.
 */
const WRAPPED_WATCHERS = new WeakMap<WatchCallback, (event: ZkEvent) => void>();

function watcherFor(watch: WatchCallback | undefined): ((event: ZkEvent) => void) | undefined {
  if (watch === undefined) return undefined;
  let w = WRAPPED_WATCHERS.get(watch);
  if (w === undefined) {
    w = (e) => {
      const type = EVENT_TYPES[e.getType()];
      if (type !== undefined) watch({ type, path: e.getPath() });
    };
    WRAPPED_WATCHERS.set(watch, w);
  }
  return w;
}

/** Opens a library client and waits for its session; rejects with CONNECT_TIMEOUT. */
function openSession(options: ZooKeeperClientOptions): Promise<Client> {
  const sessionTimeout = options.sessionTimeoutMs ?? 18_000;
  const extra = options.session === undefined ? {} : { sessionId: options.session.id, sessionPassword: options.session.password };
  const client = zookeeper.createClient(options.connectString, { sessionTimeout, spinDelay: 200, retries: 0, ...extra } as Parameters<typeof zookeeper.createClient>[1]);
  const timeoutMs = options.connectionTimeoutMs ?? sessionTimeout;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.close();
      reject(new ZooKeeperError('CONNECT_TIMEOUT', undefined, `no ZooKeeper session with ${options.connectString} within ${timeoutMs} ms (zookeeper.connection.timeout.ms)`));
    }, timeoutMs);
    client.once('connected', () => {
      clearTimeout(timer);
      resolve(client);
    });
    client.connect();
  });
}

export class ZooKeeperClient {
  private expiredHandlers: (() => void)[] = [];
  private renewedHandlers: (() => void)[] = [];
  private expired = false;
  private closed = false;
  /** Rejections of the calls waiting for an answer. */
  private readonly pending = new Set<(err: unknown) => void>();

  private constructor(
    private client: Client,
    private readonly options: ZooKeeperClientOptions,
  ) {
    this.watchExpiry(client);
  }

  /** Connects and waits for a session (zookeeper.connection.timeout.ms); rejects with CONNECT_TIMEOUT. */
  static async connect(options: ZooKeeperClientOptions): Promise<ZooKeeperClient> {
    return new ZooKeeperClient(await openSession(options), options);
  }

  private watchExpiry(client: Client): void {
    client.on('expired', () => {
      if (this.expired || this.closed || client !== this.client) return;
      this.expired = true;
      this.failPending('SESSION_EXPIRED');
      for (const h of this.expiredHandlers) h();
    });
  }

  /**
   * After an expiry: opens a new session in place of the lost one (retrying every `retryMs` until
   * it succeeds or the client is closed) and then calls the `onSessionRenewed` handlers, which
   * re-create what the old session held (ephemeral nodes, watches). Resolves true once renewed.
   */
  async renewSession(retryMs = 1000): Promise<boolean> {
    while (this.expired && !this.closed) {
      try {
        const next = await openSession({ connectString: this.options.connectString, sessionTimeoutMs: this.options.sessionTimeoutMs ?? 18_000, connectionTimeoutMs: this.options.connectionTimeoutMs ?? this.options.sessionTimeoutMs ?? 18_000 });
        if (this.closed) {
          next.close();
          return false;
        }
        const old = this.client;
        this.client = next;
        this.watchExpiry(next);
        old.close();
        this.expired = false;
        for (const h of this.renewedHandlers) h();
        return true;
      } catch {
        await new Promise((r) => setTimeout(r, retryMs));
      }
    }
    return !this.closed && !this.expired;
  }

  /** Called after `renewSession` replaced an expired session with a new one. */
  onSessionRenewed(handler: () => void): void {
    this.renewedHandlers.push(handler);
  }

  /** The session id, as ZooKeeper prints it (hex). */
  get sessionId(): string {
    return this.client.getSessionId().toString('hex');
  }

  /** Id and password of the session (to resume it from another client). */
  get session(): { id: Buffer; password: Buffer } {
    return { id: this.client.getSessionId(), password: this.client.getSessionPassword() };
  }

  get isExpired(): boolean {
    return this.expired;
  }

  /** Called once if ZooKeeper expires this session (ephemeral nodes are gone, watches lost). */
  onSessionExpired(handler: () => void): void {
    this.expiredHandlers.push(handler);
  }

  /**
   * Runs one library call and settles with it. A call made while the session is expired fails at
   * once with SESSION_EXPIRED, and calls still waiting when it expires are failed the same way:
   * the library may otherwise never answer them, and whatever waits on them would wait forever.
   */
  private request<T>(path: string, run: (client: Client, resolve: (value: T) => void, reject: (err: unknown) => void) => void): Promise<T> {
    if (this.expired || this.closed) return Promise.reject(new ZooKeeperError(this.closed ? 'CLOSED' : 'SESSION_EXPIRED', path, `ZooKeeper ${this.closed ? 'client closed' : 'session expired'} (at ${path})`));
    return new Promise<T>((resolve, reject) => {
      const fail = (err: unknown): void => {
        this.pending.delete(fail);
        reject(err);
      };
      this.pending.add(fail);
      run(
        this.client,
        (value) => {
          this.pending.delete(fail);
          resolve(value);
        },
        fail,
      );
    });
  }

  /** Creates a node; returns its path (with the sequence suffix for sequential modes). */
  create(path: string, data: Buffer = Buffer.alloc(0), mode: ZooKeeperNodeMode = 'persistent'): Promise<string> {
    return this.request(path, (client, resolve, reject) => {
      client.create(path, data, MODES[mode], (err, created) => (err ? reject(toError(err, path)) : resolve(created)));
    });
  }

  /** Creates `path` and any missing parents (persistent, empty); existing nodes are fine. */
  ensurePath(path: string): Promise<void> {
    return this.request(path, (client, resolve, reject) => {
      client.mkdirp(path, (err) => (err ? reject(toError(err, path)) : resolve()));
    });
  }

  /**
   * The node's data, version and owner (the session id in hex of an ephemeral node, else null),
   * or null when it does not exist. `watch` fires once on its next change (or creation).
   */
  getData(path: string, watch?: (event: ZooKeeperWatchEvent) => void): Promise<ZooKeeperNodeData | null> {
    return this.request(path, (client, resolve, reject) => {
      const cb = (err: unknown, data: Buffer, stat: Stat): void => {
        if (err) {
          const e = toError(err, path);
          if (e.code !== 'NO_NODE') return reject(e);
          // Kafka watches nodes that do not exist yet: set an exists-watch so creation is reported.
          if (watch === undefined) return resolve(null);
          this.exists(path, watch).then(
            (version) => (version === null ? resolve(null) : this.getData(path, watch).then(resolve, reject)),
            reject,
          );
          return;
        }
        const owner = stat.ephemeralOwner.toString('hex');
        resolve({ data: data ?? Buffer.alloc(0), version: stat.version, ephemeralOwner: /^0+$/.test(owner) ? null : owner });
      };
      const w = watcherFor(watch);
      if (w === undefined) client.getData(path, cb);
      else client.getData(path, w, cb);
    });
  }

  /** Sets the node's data when its version is `version` (-1: any); returns the new version. */
  setData(path: string, data: Buffer, version = -1): Promise<number> {
    return this.request(path, (client, resolve, reject) => {
      client.setData(path, data, version, (err, stat) => (err ? reject(toError(err, path)) : resolve(stat.version)));
    });
  }

  /** The node's version, or null when it does not exist; `watch` fires once on creation, deletion or data change. */
  exists(path: string, watch?: (event: ZooKeeperWatchEvent) => void): Promise<number | null> {
    return this.request(path, (client, resolve, reject) => {
      const cb = (err: unknown, stat: Stat | null): void => (err ? reject(toError(err, path)) : resolve(stat ? stat.version : null));
      const w = watcherFor(watch);
      if (w === undefined) client.exists(path, cb);
      else client.exists(path, w, cb);
    });
  }

  /**
   * Child names (sorted), or null when the node does not exist; `watch` fires once when children
   * change (ZooKeeper sets no watch on a node that does not exist).
   */
  getChildren(path: string, watch?: (event: ZooKeeperWatchEvent) => void): Promise<string[] | null> {
    return this.request(path, (client, resolve, reject) => {
      const cb = (err: unknown, children: string[]): void => {
        if (err) {
          const e = toError(err, path);
          return e.code === 'NO_NODE' ? resolve(null) : reject(e);
        }
        resolve([...children].sort());
      };
      const w = watcherFor(watch);
      if (w === undefined) client.getChildren(path, cb);
      else client.getChildren(path, w, cb);
    });
  }

  /** Deletes the node when its version is `version` (-1: any). */
  delete(path: string, version = -1): Promise<void> {
    return this.request(path, (client, resolve, reject) => {
      client.remove(path, version, (err) => (err ? reject(toError(err, path)) : resolve()));
    });
  }

  /** Runs the operations atomically (ZooKeeper's multi): all apply or none; the error names the first failure. */
  multi(ops: readonly ZooKeeperOp[]): Promise<void> {
    const tx = this.client.transaction();
    // node-zookeeper-client 1.1.3's Transaction turns a version of 0 into -1 ("any version") in
    // check, setData and remove (`version || -1`), which would defeat fencing by zkVersion (a new
    // node has version 0). So those operations go onto the transaction's operation list directly,
    // with ZooKeeper's op codes, exactly as its own methods would put them there.
    const raw = (tx as unknown as { ops: object[] }).ops;
    if (!Array.isArray(raw)) throw new Error('node-zookeeper-client Transaction has no ops list: check the workaround in ZooKeeperClient.multi');
    for (const o of ops) {
      switch (o.op) {
        case 'create':
          tx.create(o.path, o.data ?? Buffer.alloc(0), MODES[o.mode ?? 'persistent']);
          break;
        case 'setData':
          raw.push({ type: OP_SET_DATA, path: o.path, data: o.data, version: o.version ?? -1 });
          break;
        case 'check':
          raw.push({ type: OP_CHECK, path: o.path, version: o.version });
          break;
        case 'delete':
          raw.push({ type: OP_DELETE, path: o.path, version: o.version ?? -1 });
          break;
      }
    }
    return this.request<void>(ops[0]?.path ?? '/', (_client, resolve, reject) => {
      tx.commit((err, results: { type: number; err?: number }[] | undefined) => {
        if (!err) return resolve();
        const failed = results?.findIndex((r) => r.err !== undefined && r.err !== 0 && r.err !== zookeeper.Exception.RUNTIME_INCONSISTENCY) ?? -1;
        const e = toError(err, failed >= 0 ? ops[failed]?.path : undefined);
        reject(new ZooKeeperError(e.code, failed >= 0 ? ops[failed]!.path : e.path, `${e.message}${failed >= 0 ? ` (operation ${failed}: ${ops[failed]!.op} ${ops[failed]!.path})` : ''}`));
      });
    });
  }

  private failPending(code: string): void {
    const waiting = [...this.pending];
    this.pending.clear();
    for (const fail of waiting) fail(new ZooKeeperError(code, undefined, `ZooKeeper ${code === 'CLOSED' ? 'client closed' : 'session expired'} before the answer came`));
  }

  /** Ends the session (its ephemeral nodes go away). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.client.close();
    this.failPending('CLOSED');
  }
}
