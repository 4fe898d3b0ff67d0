/**
 * Finds an installed Apache ZooKeeper server and says how to run it with Java. Samsa does not
 * ship ZooKeeper: cluster mode uses a real one. Looked for, in order:
 *
 * 1. `ZOOKEEPER_HOME`: an unpacked Apache ZooKeeper release (its `lib/*.jar`), on any OS;
 * 2. Debian/Ubuntu's `zookeeper` package (`/usr/share/java/zookeeper.jar`, whose manifest names
 *    its dependencies).
 *
 * Java is `$JAVA_HOME/bin/java` when JAVA_HOME is set, else `java` from the PATH.
 */
import { existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The main class of a ZooKeeper server (standalone or a member of an ensemble). */
export const ZOOKEEPER_SERVER_MAIN = 'org.apache.zookeeper.server.quorum.QuorumPeerMain';

const DEBIAN_JAR = '/usr/share/java/zookeeper.jar';
/** Debian's log4j configuration for the server (console logging when given to log4j). */
const DEBIAN_CONF_DIR = '/etc/zookeeper/conf';

export interface ZooKeeperInstallation {
  /** The Java executable. */
  java: string;
  /** The class path of the server. */
  classPath: string;
  /** Where it was found, for messages. */
  source: string;
}

export type ZooKeeperLookup = { found: true; installation: ZooKeeperInstallation } | { found: false; message: string };

export interface ZooKeeperLookupOptions {
  env?: NodeJS.ProcessEnv;
  /** Overrides the Debian jar path (tests). */
  debianJar?: string;
}

/** How to install ZooKeeper, for the message shown when it is missing. */
export const INSTALL_HINT =
  'Samsa runs a real Apache ZooKeeper (3.8) for cluster mode. Install it with `sudo apt-get install zookeeper` on Debian/Ubuntu, ' +
  'or download a binary release from https://zookeeper.apache.org/releases.html, unpack it and set ZOOKEEPER_HOME to its folder. ' +
  'ZooKeeper needs Java 11 or newer (set JAVA_HOME or put java on the PATH).';

export function findZooKeeper(options: ZooKeeperLookupOptions = {}): ZooKeeperLookup {
  const env = options.env ?? process.env;
  const java = env.JAVA_HOME !== undefined && env.JAVA_HOME !== '' ? join(env.JAVA_HOME, 'bin', process.platform === 'win32' ? 'java.exe' : 'java') : 'java';
  const home = env.ZOOKEEPER_HOME;
  if (home !== undefined && home !== '') {
    const lib = join(home, 'lib');
    const jars = existsSync(lib) ? readdirSync(lib).filter((f) => f.endsWith('.jar')) : [];
    if (!jars.some((j) => /^zookeeper-\d.*\.jar$/.test(j))) {
      return { found: false, message: `ZOOKEEPER_HOME is ${home}, but ${lib} holds no zookeeper-<version>.jar. ${INSTALL_HINT}` };
    }
    const conf = join(home, 'conf');
    const classPath = [conf, ...jars.map((j) => join(lib, j))].join(delimiter);
    return { found: true, installation: { java, classPath, source: `ZOOKEEPER_HOME (${home})` } };
  }
  const debianJar = options.debianJar ?? DEBIAN_JAR;
  if (existsSync(debianJar)) {
    const classPath = [DEBIAN_CONF_DIR, debianJar].join(delimiter);
    return { found: true, installation: { java, classPath, source: `Debian package (${debianJar})` } };
  }
  return { found: false, message: `ZooKeeper is not installed (no ZOOKEEPER_HOME, no ${debianJar}). ${INSTALL_HINT}` };
}

/** Java's arguments to run a ZooKeeper server with `configFile` (zoo.cfg / zookeeper.properties syntax). */
export function zooKeeperServerArgs(installation: ZooKeeperInstallation, configFile: string, heapMb = 256): string[] {
  return [`-Xmx${heapMb}m`, '-cp', installation.classPath, ZOOKEEPER_SERVER_MAIN, configFile];
}
