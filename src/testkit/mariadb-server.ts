/**
 * A throwaway MariaDB server for tests: `mariadb-install-db` into a temp data directory, then
 * `mariadbd` on a free loopback port with its socket and pid file in that directory (the
 * package's own service and configuration files are not used: --no-defaults). User `root` gets a
 * password, and root's password-less accounts for 127.0.0.1/::1/hostname are removed, so a wrong
 * password is really refused. `stop()` shuts the server down and removes the directory.
 * Runs as root (CI) with --user=root, or as any other user.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { freePort } from './broker-process.js';
import { connectWhenReady, findBinary, logFileTail, runToCompletion, stopServer, trackServer, type DatabaseServer, type DatabaseServerOptions } from './database-process.js';

const SBIN_DIRS = ['/usr/sbin', '/usr/libexec', '/usr/local/sbin', '/usr/local/mysql/bin'];

/** `password` is root's. */
export type MariaDbOptions = DatabaseServerOptions;

export interface MariaDbServer extends DatabaseServer {
  readonly user: 'root';
  /** `jdbc:mariadb://127.0.0.1:PORT/` (no database). `query` runs as root with no default database. */
  readonly url: string;
  /** The `jdbc:mariadb://` URL of database `name` (the `mysql` subprotocol with `scheme: 'mysql'`). */
  urlFor(name: string, scheme?: 'mariadb' | 'mysql'): string;
}

/** The installed MariaDB, or why there is none (for skips). */
export function mariaDbAvailable(): { ok: true } | { ok: false; message: string } {
  const server = findBinary(['mariadbd'], SBIN_DIRS);
  const install = findBinary(['mariadb-install-db'], ['/usr/bin', ...SBIN_DIRS]);
  if (server !== null && install !== null) return { ok: true };
  return { ok: false, message: 'MariaDB is not installed (mariadbd and mariadb-install-db not found; apt-get install mariadb-server)' };
}

export async function startMariaDb(options: MariaDbOptions = {}): Promise<MariaDbServer> {
  const began = Date.now();
  const mariadbd = findBinary(['mariadbd'], SBIN_DIRS);
  const installDb = findBinary(['mariadb-install-db'], ['/usr/bin', ...SBIN_DIRS]);
  if (mariadbd === null || installDb === null) throw new Error((mariaDbAvailable() as { message: string }).message);
  const ownsDir = options.dataDir === undefined;
  const dir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'samsa-mariadb-'));
  const password = options.password ?? 'samsa-test-pw';
  const dataDir = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  const userArgs = asRoot ? ['--user=root'] : [];
  let child: ChildProcess | null = null;
  const logFile = join(dir, 'server.log');
  try {
    await runToCompletion(installDb, ['--no-defaults', ...userArgs, `--datadir=${dataDir}`, '--auth-root-authentication-method=normal', '--skip-test-db'], { timeoutMs: 60_000 });
    const initFile = join(dir, 'init.sql');
    const quoted = password.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
    // One statement per line: the server reads --init-file line by line.
    writeFileSync(initFile, [
      "DELETE FROM mysql.global_priv WHERE User = '' OR (User = 'root' AND Host <> 'localhost');",
      "DELETE FROM mysql.proxies_priv WHERE Host <> 'localhost';",
      'FLUSH PRIVILEGES;',
      `CREATE USER 'root'@'%' IDENTIFIED BY '${quoted}';`,
      "GRANT ALL PRIVILEGES ON *.* TO 'root'@'%' WITH GRANT OPTION;",
      `ALTER USER 'root'@'localhost' IDENTIFIED BY '${quoted}';`,
      '',
    ].join('\n'));
    // Its own temporary directory: the server's internal temporary tables must not live in the
    // shared /tmp, where other processes' clean-ups can remove them under it.
    const serverTmp = join(dir, 'tmp');
    mkdirSync(serverTmp, { recursive: true });
    const port = await freePort();
    const out = openSync(logFile, 'a');
    try {
      child = spawn(mariadbd, [
        '--no-defaults',
        ...userArgs,
        `--datadir=${dataDir}`,
        `--port=${port}`,
        '--bind-address=127.0.0.1',
        `--socket=${join(dir, 'mariadb.sock')}`,
        `--pid-file=${join(dir, 'mariadb.pid')}`,
        `--tmpdir=${serverTmp}`,
        '--skip-name-resolve',
        `--init-file=${initFile}`,
        '--innodb-buffer-pool-size=64M',
        '--innodb-log-file-size=48M',
        '--innodb-flush-log-at-trx-commit=2',
        '--skip-log-bin',
        '--max-connections=200',
        '--character-set-server=utf8mb4',
        '--collation-server=utf8mb4_unicode_ci',
      ], { stdio: ['ignore', out, out] });
    } finally {
      closeSync(out);
    }
    trackServer(child);
    const server = child;
    const admin = await connectWhenReady('mariadbd', server, options.startTimeoutMs ?? 60_000, () => logFileTail(logFile), () =>
      mysql.createConnection({ host: '127.0.0.1', port, user: 'root', password, connectTimeout: 2000, multipleStatements: false }));
    const url = `jdbc:mariadb://127.0.0.1:${port}/`;
    let stopped = false;
    return {
      host: '127.0.0.1',
      port,
      user: 'root',
      password,
      url,
      startedInMs: Date.now() - began,
      async query(sql, params) {
        const [rows] = await admin.query(sql, params);
        return Array.isArray(rows) ? (rows as Record<string, unknown>[]) : [];
      },
      async createDatabase(name) {
        await admin.query(`DROP DATABASE IF EXISTS \`${name.replace(/`/g, '``')}\``);
        await admin.query(`CREATE DATABASE \`${name.replace(/`/g, '``')}\``);
        return `jdbc:mariadb://127.0.0.1:${port}/${encodeURIComponent(name)}`;
      },
      urlFor(name, scheme = 'mariadb') {
        return `jdbc:${scheme}://127.0.0.1:${port}/${encodeURIComponent(name)}`;
      },
      logTail(chars = 3000) {
        return logFileTail(logFile, chars);
      },
      async stop() {
        if (stopped) return;
        stopped = true;
        await admin.end().catch(() => undefined);
        await stopServer(server);
        if (ownsDir) rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    if (child !== null) await stopServer(child, 2000);
    if (ownsDir) rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
