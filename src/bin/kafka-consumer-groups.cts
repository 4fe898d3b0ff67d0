#!/usr/bin/env node
/**
 * kafka-consumer-groups --bootstrap-server host:port (--list | --describe | --delete |
 * --reset-offsets | --delete-offsets) ...: see ../cli/kafka-consumer-groups.ts. The installed bin;
 * runs the tool from the server bundle.
 */
import { runTool } from './server-bundle.cjs';

runTool(['kafka-consumer-groups', ...process.argv.slice(2)]);
