/**
 * A throwaway PostgreSQL server for tests: `initdb` into a temp data directory (superuser
 * `postgres` with a password, scram-sha-256 for every connection, so a wrong password is really
 * refused), then `postgres` on a free loopback port with its Unix socket in that directory. The
 * distribution's service and clusters are not used. PostgreSQL refuses to run as root, so when
 * the tests run as root (CI) both commands run as the `postgres` system user (or `nobody` when
 * there is none) with the directory handed to that user. `stop()` shuts the server down (fast
 * shutdown) and removes the directory.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { chmodSync, chownSync, closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './broker-process.js';
import { connectWhenReady, findBinary, logFileTail, postgresLibDirs, runToCompletion, stopServer, trackServer, type DatabaseServer, type DatabaseServerOptions } from './database-process.js';

/** `password` is the superuser `postgres`'s. */
export type PostgresOptions = DatabaseServerOptions;

export interface PostgresServer extends DatabaseServer {
  readonly user: 'postgres';
  /** `jdbc:postgresql://127.0.0.1:PORT/postgres`; `query` runs as `postgres` in database `postgres`. */
  readonly url: string;
}

function binary(name: string): string | null {
  // The versioned directory first: /usr/local/bin may hold links to one version's tools.
  return findBinary([name], postgresLibDirs()) ?? findBinary([name]);
}

/** The installed PostgreSQL, or why there is none (for skips). */
export function postgresAvailable(): { ok: true } | { ok: false; message: string } {
  if (binary('initdb') !== null && binary('postgres') !== null) return { ok: true };
  return { ok: false, message: 'PostgreSQL is not installed (initdb and postgres not found on the PATH or in /usr/lib/postgresql/*/bin; apt-get install postgresql)' };
}

/** The user a root process runs PostgreSQL as: `postgres` when it exists, else `nobody`. */
function unprivilegedUser(): { uid: number; gid: number; name: string } {
  const passwd = readFileSync('/etc/passwd', 'utf8').split('\n').map((l) => l.split(':'));
  for (const name of ['postgres', 'nobody']) {
    const entry = passwd.find((f) => f[0] === name);
    if (entry !== undefined && entry.length >= 4) return { name, uid: Number(entry[2]), gid: Number(entry[3]) };
  }
  throw new Error('running as root and neither a postgres nor a nobody user exists to run PostgreSQL as');
}

export async function startPostgres(options: PostgresOptions = {}): Promise<PostgresServer> {
  const began = Date.now();
  const initdb = binary('initdb');
  const postgres = binary('postgres');
  if (initdb === null || postgres === null) throw new Error((postgresAvailable() as { message: string }).message);
  const ownsDir = options.dataDir === undefined;
  const dir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'samsa-postgres-'));
  const password = options.password ?? 'samsa-test-pw';
  const dataDir = join(dir, 'data');
  const runAs = process.getuid?.() === 0 ? unprivilegedUser() : null;
  const identity = runAs === null ? {} : { uid: runAs.uid, gid: runAs.gid };
  let child: ChildProcess | null = null;
  const logFile = join(dir, 'server.log');
  try {
    const pwFile = join(dir, 'pwfile');
    writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
    if (runAs !== null) {
      chownSync(dir, runAs.uid, runAs.gid);
      chownSync(pwFile, runAs.uid, runAs.gid);
      chmodSync(dir, 0o700);
    }
    await runToCompletion(initdb, ['-D', dataDir, '-U', 'postgres', `--pwfile=${pwFile}`, '--auth=scram-sha-256', '--encoding=UTF8', '--locale=C', '--no-sync'], {
      ...identity,
      cwd: dir,
      timeoutMs: 120_000,
      env: { ...process.env, LC_ALL: 'C', LANG: 'C' },
    });
    rmSync(pwFile, { force: true });
    const port = await freePort();
    const out = openSync(logFile, 'a');
    if (runAs !== null) chownSync(logFile, runAs.uid, runAs.gid);
    try {
      child = spawn(postgres, [
        '-D', dataDir,
        '-p', String(port),
        '-c', 'listen_addresses=127.0.0.1',
        '-c', `unix_socket_directories=${dir}`,
        '-c', 'fsync=off',
        '-c', 'synchronous_commit=off',
        '-c', 'full_page_writes=off',
        '-c', 'max_connections=200',
        '-c', 'shared_buffers=64MB',
      ], { ...identity, cwd: dir, stdio: ['ignore', out, out], env: { ...process.env, LC_ALL: 'C', LANG: 'C' } });
    } finally {
      closeSync(out);
    }
    trackServer(child);
    const server = child;
    const admin = await connectWhenReady('postgres', server, options.startTimeoutMs ?? 60_000, () => logFileTail(logFile), async () => {
      const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password, database: 'postgres', connectionTimeoutMillis: 2000 });
      try {
        await client.connect();
      } catch (err) {
        await client.end().catch(() => undefined);
        throw err;
      }
      client.on('error', () => undefined);
      return client;
    });
    let stopped = false;
    return {
      host: '127.0.0.1',
      port,
      user: 'postgres',
      password,
      url: `jdbc:postgresql://127.0.0.1:${port}/postgres`,
      startedInMs: Date.now() - began,
      async query(sql, params) {
        const result = await admin.query(sql, params);
        return result.rows as Record<string, unknown>[];
      },
      async createDatabase(name) {
        const quoted = `"${name.replace(/"/g, '""')}"`;
        await admin.query(`DROP DATABASE IF EXISTS ${quoted}`);
        await admin.query(`CREATE DATABASE ${quoted}`);
        return `jdbc:postgresql://127.0.0.1:${port}/${encodeURIComponent(name)}`;
      },
      urlFor(name) {
        return `jdbc:postgresql://127.0.0.1:${port}/${encodeURIComponent(name)}`;
      },
      logTail(chars = 3000) {
        return logFileTail(logFile, chars);
      },
      async stop() {
        if (stopped) return;
        stopped = true;
        await admin.end().catch(() => undefined);
        // SIGTERM is PostgreSQL's "smart" shutdown, which waits for clients; SIGINT is "fast".
        await stopServer(server, 10_000, 'SIGINT');
        if (ownsDir) rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    if (child !== null) await stopServer(child, 2000);
    if (ownsDir) rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
