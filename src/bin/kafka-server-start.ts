#!/usr/bin/env node
/**
 * `node dist/src/bin/kafka-server-start.js ...`: the same command as the installed bin,
 * kafka-server-start.cjs, which starts a little sooner (a CommonJS main module needs no ES module
 * loader).
 */
import './kafka-server-start.cjs';
