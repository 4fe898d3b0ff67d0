import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runsInToolThread, TOOL_THREAD_YOUNG_GENERATION_MB } from '../../src/bin/tool-thread.cjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const toolThread = join(root, 'dist', 'src', 'bin', 'tool-thread.cjs');
const dir = mkdtempSync(join(tmpdir(), 'samsa-tool-thread-'));

after(() => rmSync(dir, { recursive: true, force: true }));

describe('Kafka Connect bins in a thread with a larger young generation', () => {
  it('are the Connect tools only, from the main thread, unless the Node flags size the young generation or SAMSA_TOOL_THREAD=0', () => {
    assert.equal(runsInToolThread(['connect-standalone', 'w.properties'], [], {}, true), true);
    assert.equal(runsInToolThread(['connect-distributed', 'w.properties'], [], {}, true), true);
    assert.equal(runsInToolThread(['kafka-server-start', 'server.properties'], [], {}, true), false);
    assert.equal(runsInToolThread(['kafka-topics', '--list'], [], {}, true), false);
    assert.equal(runsInToolThread([], [], {}, true), false);
    assert.equal(runsInToolThread(['connect-standalone'], [], {}, false), false, 'already in a thread');
    assert.equal(runsInToolThread(['connect-standalone'], ['--max-semi-space-size=32'], {}, true), false);
    assert.equal(runsInToolThread(['connect-standalone'], ['--min-semi-space-size', '8'], {}, true), false);
    assert.equal(runsInToolThread(['connect-standalone'], [], { NODE_OPTIONS: '--enable-source-maps --max-semi-space-size=128' }, true), false);
    assert.equal(runsInToolThread(['connect-standalone'], [], { NODE_OPTIONS: '--enable-source-maps' }, true), true);
    assert.equal(runsInToolThread(['connect-standalone'], [], { SAMSA_TOOL_THREAD: '0' }, true), false);
  });

  it('runs the tool with that young generation; SIGTERM reaches the tool, and the process exits with the thread’s code and output', { timeout: 30_000 }, async () => {
    // A stand-in for the tool's thread: the launcher's signal forwarding, then a tool that reports
    // its limits, waits for SIGTERM and exits with 7.
    const entry = join(dir, 'entry.cjs');
    writeFileSync(entry, [
      "const { resourceLimits, workerData, isMainThread } = require('node:worker_threads');",
      `require(${JSON.stringify(toolThread)}).receiveForwardedSignals();`,
      "process.on('SIGTERM', (signal) => { console.log(`got ${signal}`); process.exit(7); });",
      'setInterval(() => {}, 1000);',
      'console.log(JSON.stringify({ isMainThread, argv: workerData.argv, youngMb: resourceLimits.maxYoungGenerationSizeMb }));',
    ].join('\n'));
    const launcher = join(dir, 'launch.cjs');
    writeFileSync(launcher, `require(${JSON.stringify(toolThread)}).runToolInThread(['connect-standalone', 'x.properties'], ${JSON.stringify(entry)});`);
    const child = spawn(process.execPath, [launcher], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    for (let i = 0; i < 500 && !out.includes('\n'); i++) await new Promise((r) => setTimeout(r, 20));
    const report = JSON.parse(out.split('\n')[0]!) as { isMainThread: boolean; argv: string[]; youngMb: number };
    assert.deepEqual(report, { isMainThread: false, argv: ['connect-standalone', 'x.properties'], youngMb: TOOL_THREAD_YOUNG_GENERATION_MB });
    child.kill('SIGTERM');
    assert.equal(await exited, 7, err);
    assert.match(out, /got SIGTERM/);
  });
});
