#!/usr/bin/env node
/**
 * kafka-topics --bootstrap-server host:port (--create | --delete | --alter | --list | --describe)
 * ...: see ../cli/kafka-topics.ts. The installed bin; runs the tool from the server bundle.
 */
import { runTool } from './server-bundle.cjs';

runTool(['kafka-topics', ...process.argv.slice(2)]);
