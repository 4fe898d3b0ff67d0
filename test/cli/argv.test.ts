import assert from 'node:assert/strict';
import { it } from 'node:test';
import { attachDashValues, spreadListFlag } from '../../src/cli/argv.js';

it('attachDashValues joins a negative value to its flag; other arguments stay', () => {
  assert.deepEqual(attachDashValues(['--time', '-2', '--topic', 't', '--throughput', '-1', '--x', '-y'], ['--time', '--throughput']), ['--time=-2', '--topic', 't', '--throughput=-1', '--x', '-y']);
  assert.deepEqual(attachDashValues(['--time'], ['--time']), ['--time']);
});

it('spreadListFlag turns `--flag a b` into repeated --flag=; repeated flags work too', () => {
  assert.deepEqual(spreadListFlag(['--producer-props', 'a=1', 'b=2', '--topic', 't', '--producer-props', 'c=3'], '--producer-props'), ['--producer-props=a=1', '--producer-props=b=2', '--topic', 't', '--producer-props=c=3']);
  assert.deepEqual(spreadListFlag(['--producer-props'], '--producer-props'), ['--producer-props']);
});
