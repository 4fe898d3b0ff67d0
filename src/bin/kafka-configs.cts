#!/usr/bin/env node
/**
 * kafka-configs --bootstrap-server host:port (--describe | --alter) --entity-type (topics | brokers) ...: see ../cli/kafka-configs.ts. The installed bin; runs the tool from the server bundle.
 */
import { runTool } from './server-bundle.cjs';

runTool(['kafka-configs', ...process.argv.slice(2)]);
