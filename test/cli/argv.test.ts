import assert from 'node:assert/strict';
import { it } from 'node:test';
import { normalizeArgv } from '../../src/cli/argv.js';

it('negative values are joined to their flag; other arguments stay', () => {
  assert.deepEqual(normalizeArgv(['--time', '-2', '--topic', 't', '--throughput', '-1', '--x', '-y'], { negativeValues: ['--time', '--throughput'] }), ['--time=-2', '--topic', 't', '--throughput=-1', '--x', '-y']);
  assert.deepEqual(normalizeArgv(['--time'], { negativeValues: ['--time'] }), ['--time']);
  assert.deepEqual(normalizeArgv(['--shift-by', '-5', '--to-offset', '3'], { negativeValues: ['--shift-by', '--to-offset'] }), ['--shift-by=-5', '--to-offset', '3']);
});

it('a flag with an optional value gets its default when the value is left out', () => {
  const forms = { optionalValues: { '--state': '', '--compression-codec': 'gzip' } };
  assert.deepEqual(normalizeArgv(['--describe', '--state', '--group', 'g'], forms), ['--describe', '--state=', '--group', 'g']);
  assert.deepEqual(normalizeArgv(['--list', '--state', 'stable,empty'], forms), ['--list', '--state', 'stable,empty']);
  assert.deepEqual(normalizeArgv(['--list', '--state'], forms), ['--list', '--state=']);
  assert.deepEqual(normalizeArgv(['--topic', 't', '--compression-codec'], forms), ['--topic', 't', '--compression-codec=gzip']);
  assert.deepEqual(normalizeArgv(['--compression-codec', 'lz4'], forms), ['--compression-codec', 'lz4']);
});

it('argparse lists become repeated flags; repeating the flag works too; nothing after -- changes', () => {
  const forms = { lists: ['--producer-props'] };
  assert.deepEqual(normalizeArgv(['--producer-props', 'a=1', 'b=2', '--topic', 't', '--producer-props', 'c=3'], forms), ['--producer-props=a=1', '--producer-props=b=2', '--topic', 't', '--producer-props=c=3']);
  assert.deepEqual(normalizeArgv(['--producer-props'], forms), ['--producer-props']);
  assert.deepEqual(normalizeArgv(['--', '--producer-props', 'x'], forms), ['--', '--producer-props', 'x']);
});
