/**
 * zookeeper-server-start [-daemon] zookeeper.properties
 *
 * For people following Kafka's quickstart: starts the installed Apache ZooKeeper server with the
 * given file (ZooKeeper's own zoo.cfg keys, as in Kafka's config/zookeeper.properties). Samsa does
 * not implement ZooKeeper; this finds the real one (see zookeeper-installation.ts) and runs it in
 * the foreground, passing SIGINT/SIGTERM on, or with `-daemon` in the background with its console
 * output in logs/zookeeper.out. A missing installation or a bad file exits with status 1 and a
 * message saying what to do.
 */
import { versionLine } from '../common/samsa-version.js';
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { join } from 'node:path';
import { Properties } from 'properties-file';
import { findZooKeeper, zooKeeperServerArgs } from './zookeeper-installation.js';
import type { ZooKeeperLookupOptions } from './zookeeper-installation.js';

export const ZOOKEEPER_USAGE = 'USAGE: zookeeper-server-start [-daemon] zookeeper.properties';

/** Keys ZooKeeper refuses to start without (when no dynamic config file is used). */
const REQUIRED_KEYS = ['dataDir', 'clientPort'] as const;

export interface ZooKeeperServerStartOptions extends ZooKeeperLookupOptions {
  /** Where `-daemon` writes the server's console output; default ./logs. */
  logDir?: string;
}

/** Checks the properties file; returns a message naming the problem, or null. */
export function checkZooKeeperProperties(file: string): string | null {
  if (!existsSync(file)) return `${file}: no such file`;
  let props: Record<string, string>;
  try {
    props = new Properties(readFileSync(file)).toObject();
  } catch (err) {
    return `${file}: cannot read it: ${err instanceof Error ? err.message : String(err)}`;
  }
  if (props.dynamicConfigFile !== undefined) return null;
  for (const key of REQUIRED_KEYS) {
    const v = props[key];
    if (v === undefined || v.trim() === '') return `${file}: ${key} is required`;
  }
  const port = Number(props.clientPort);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return `${file}: clientPort must be a port number (1-65535), got ${JSON.stringify(props.clientPort)}`;
  return null;
}

export async function zooKeeperServerStart(argv: string[], options: ZooKeeperServerStartOptions = {}): Promise<number> {
  const daemon = argv[0] === '-daemon';
  const rest = daemon ? argv.slice(1) : argv;
  if (rest.length === 1 && rest[0] === '--version') {
    console.log(versionLine());
    return 0;
  }
  if (rest.length === 1 && (rest[0] === '-h' || rest[0] === '--help')) {
    console.log(ZOOKEEPER_USAGE);
    return 0;
  }
  if (rest.length !== 1 || rest[0]!.startsWith('-')) {
    console.error(ZOOKEEPER_USAGE);
    return 1;
  }
  const file = rest[0]!;
  const problem = checkZooKeeperProperties(file);
  if (problem !== null) {
    console.error(`zookeeper-server-start: invalid configuration: ${problem}`);
    return 1;
  }
  const lookup = findZooKeeper(options);
  if (!lookup.found) {
    console.error(`zookeeper-server-start: ${lookup.message}`);
    return 1;
  }
  const args = zooKeeperServerArgs(lookup.installation, file);
  if (daemon) {
    const logDir = options.logDir ?? 'logs';
    mkdirSync(logDir, { recursive: true });
    const out = openSync(join(logDir, 'zookeeper.out'), 'a');
    try {
      const child = spawn(lookup.installation.java, args, { detached: true, stdio: ['ignore', out, out] });
      const spawned = await new Promise<boolean>((resolve) => {
        child.once('spawn', () => resolve(true));
        child.once('error', (err) => {
          console.error(`zookeeper-server-start: cannot run ${lookup.installation.java}: ${err.message}`);
          resolve(false);
        });
      });
      if (!spawned) return 1;
      child.unref();
      console.log(`ZooKeeper started in the background (pid ${child.pid}); its output goes to ${join(logDir, 'zookeeper.out')}`);
      return 0;
    } finally {
      closeSync(out);
    }
  }
  const child = spawn(lookup.installation.java, args, { stdio: 'inherit' });
  let forwarded: NodeJS.Signals | null = null;
  const forward = (signal: NodeJS.Signals): void => {
    forwarded = signal;
    child.kill(signal);
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  return new Promise<number>((resolve) => {
    child.once('error', (err) => {
      console.error(`zookeeper-server-start: cannot run ${lookup.installation.java}: ${err.message}. Is Java installed (JAVA_HOME or java on the PATH)?`);
      resolve(1);
    });
    child.once('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      // ZooKeeper stopped by the signal we passed on is a normal end (the JVM exits with
      // 128 + the signal's number when it shuts down on one).
      if (forwarded !== null && (signal === forwarded || code === 0 || code === 128 + osConstants.signals[forwarded])) resolve(0);
      else resolve(code ?? 1);
    });
  });
}
