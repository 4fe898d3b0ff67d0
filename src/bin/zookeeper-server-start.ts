#!/usr/bin/env node
/** zookeeper-server-start [-daemon] zookeeper.properties: see src/cli/zookeeper-server-start.ts. */
import { zooKeeperServerStart } from '../cli/zookeeper-server-start.js';

if (process.argv[1] !== undefined && /zookeeper-server-start(\.sh)?(\.js)?$/.test(process.argv[1])) {
  zooKeeperServerStart(process.argv.slice(2)).then((code) => process.exit(code));
}
