#!/usr/bin/env node
/**
 * kafka-server-start [server.properties] [--override key=value]...: starts a broker (see
 * kafka-server-start-command.ts). Kept this small so that start-up loads the server bundle and
 * nothing else.
 */
import { runTool } from './server-bundle.js';

runTool(['kafka-server-start', ...process.argv.slice(2)]);
