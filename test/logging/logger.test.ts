import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

const loggerModule = pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'logging', 'logger.js')).href;

describe('createLogger', () => {
  it('writes JSON lines to stdout (file descriptor 1), flushed even when the process exits at once', () => {
    const script = `import { createLogger } from ${JSON.stringify(loggerModule)};
const log = createLogger({ name: 'probe' });
log.info({ n: 1 }, 'first');
log.child({ component: 'c' }).warn('second');
log.debug('not at info');
process.exit(3);`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, SAMSA_LOG_LEVEL: 'info' } });
    assert.equal(r.status, 3, r.stderr);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    // Sorted: pino's asynchronous destination writes what is still buffered at exit synchronously,
    // which may land before a write already under way (as with pino's default destination).
    assert.deepStrictEqual(
      lines.map((l) => [l.name, l.level, l.msg, l.n ?? l.component]).sort((a, b) => Number(a[1]) - Number(b[1])),
      [
        ['probe', 30, 'first', 1],
        ['probe', 40, 'second', 'c'],
      ],
    );
  });
});
