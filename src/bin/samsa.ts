#!/usr/bin/env node
/** `node dist/src/bin/samsa.js ...`: the same command as the installed bin, samsa.cjs. */
import './samsa.cjs';
