import assert from 'node:assert/strict';
import { it } from 'node:test';
import { bootstrapServers, defineCliTool, integerFlag, keyValueFlags, UsageError, within } from '../../src/cli/tool-runner.js';
import { samsaVersion } from '../../src/common/samsa-version.js';

function capture(): { out: string[]; err: string[]; o: (s: string) => void; e: (s: string) => void } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, o: (s) => out.push(s), e: (s) => err.push(s) };
}

const echo = defineCliTool({
  name: 'echo-tool',
  usage: 'Echoes.\nUsage: echo-tool --word <w>\n  --word <String>   the word',
  options: { word: { type: 'string' }, fail: { type: 'string' } },
  async run(values, { out }) {
    if (values.fail === 'usage') throw new UsageError('--word is\nmissing');
    if (values.fail === 'runtime') throw new Error('the broker said no');
    if (values.word === undefined) throw new UsageError('Missing required argument "[word]"');
    out(values.word);
    return 0;
  },
});

it('a tool runs with its flags; --help and --version answer without running it', async () => {
  let c = capture();
  assert.equal(await echo(['--word', 'hi'], c.o, c.e), 0);
  assert.deepEqual(c.out, ['hi']);
  c = capture();
  assert.equal(await echo(['--help'], c.o, c.e), 0);
  assert.match(c.out[0]!, /^Echoes\.\nUsage: echo-tool[\s\S]*--word[\s\S]*--version[\s\S]*--verbose/);
  c = capture();
  assert.equal(await echo(['--version'], c.o, c.e), 0);
  assert.equal(c.out[0], `${samsaVersion()} (Samsa)`);
  assert.match(samsaVersion(), /^\d+\.\d+\.\d+/);
});

it('failures exit 1 with one line on stderr; a stack trace only with --verbose', async () => {
  let c = capture();
  assert.equal(await echo(['--nope'], c.o, c.e), 1);
  assert.equal(c.err.length, 1);
  assert.match(c.err[0]!, /^echo-tool: .*'--nope'.* \(see echo-tool --help\)$/);
  c = capture();
  assert.equal(await echo(['--fail', 'usage'], c.o, c.e), 1);
  assert.deepEqual(c.err, ['echo-tool: --word is missing (see echo-tool --help)']);
  c = capture();
  assert.equal(await echo([], c.o, c.e), 1);
  assert.match(c.err[0]!, /\[word\]/);
  c = capture();
  assert.equal(await echo(['--fail', 'runtime'], c.o, c.e), 1);
  assert.deepEqual(c.err, ['Error: the broker said no']);
  c = capture();
  assert.equal(await echo(['--fail', 'runtime', '--verbose'], c.o, c.e), 1);
  assert.equal(c.err[0], 'Error: the broker said no');
  assert.match(c.err[1]!, /^Error: the broker said no\n\s+at /);
});

it('flag value helpers check what they parse', async () => {
  assert.deepEqual(bootstrapServers({ 'bootstrap-server': 'a:1, b:2' }), ['a:1', 'b:2']);
  assert.deepEqual(bootstrapServers({ 'broker-list': 'localhost:9092' }), ['localhost:9092']);
  assert.throws(() => bootstrapServers({}), /bootstrap-server/);
  assert.throws(() => bootstrapServers({ 'bootstrap-server': 'localhost' }), /host:port/);
  assert.equal(integerFlag('5', '--n', { positive: true }), 5);
  assert.equal(integerFlag(undefined, '--n'), undefined);
  assert.equal(integerFlag('-3', '--shift', { min: -Infinity }), -3);
  assert.throws(() => integerFlag('0', '--n', { positive: true }), /--n must be a positive integer, got 0/);
  assert.throws(() => integerFlag('1.5', '--n'), /non-negative/);
  assert.deepEqual([...keyValueFlags(['a=1', 'b=x=y', 'a=2'], '--config')], [['a', '2'], ['b', 'x=y']]);
  assert.throws(() => keyValueFlags(['oops'], '--config'), /--config must be name=value, got oops/);
  assert.equal(await within(1000, 'slow', Promise.resolve(7)), 7);
  await assert.rejects(within(10, 'too slow', new Promise(() => {})), /too slow/);
});
