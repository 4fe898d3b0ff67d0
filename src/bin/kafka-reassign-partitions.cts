#!/usr/bin/env node
/**
 * kafka-reassign-partitions --bootstrap-server host:port (--generate | --execute | --verify |
 * --cancel | --list) ...: moves partitions between brokers (see ../cli/kafka-reassign-partitions.ts).
 * The installed bin; runs the tool from the server bundle.
 */
import { runTool } from './server-bundle.cjs';

runTool(['kafka-reassign-partitions', ...process.argv.slice(2)]);
