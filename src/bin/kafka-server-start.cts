#!/usr/bin/env node
/**
 * kafka-server-start [server.properties] [--override key=value]...: starts a broker (see
 * kafka-server-start-command.ts). The installed bin. CommonJS and this small so that start-up
 * loads the server bundle and nothing else (no ES module loader: see server-bundle.cts).
 */
import { runTool } from './server-bundle.cjs';

runTool(['kafka-server-start', ...process.argv.slice(2)]);
