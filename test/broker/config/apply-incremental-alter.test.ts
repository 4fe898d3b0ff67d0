import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AlterConfigOpType, applyIncrementalAlter } from '../../../src/broker/config/apply-incremental-alter.js';
import { brokerConfigDefinitions } from '../../../src/broker/config/broker-config-definitions.js';

const { SET, DELETE, APPEND, SUBTRACT } = AlterConfigOpType;

describe('applyIncrementalAlter', () => {
  it('SET replaces, DELETE removes, the input is left alone', () => {
    const current = { 'retention.ms': '1000', 'segment.bytes': '2000' };
    const result = applyIncrementalAlter(current, [
      { name: 'retention.ms', op: SET, value: '5000' },
      { name: 'segment.bytes', op: DELETE, value: null },
      { name: 'max.message.bytes', op: DELETE, value: null },
      { name: 'min.insync.replicas', op: SET, value: '2' },
    ]);
    assert.deepEqual(result, { ok: true, configs: { 'retention.ms': '5000', 'min.insync.replicas': '2' } });
    assert.deepEqual(current, { 'retention.ms': '1000', 'segment.bytes': '2000' });
  });

  it('APPEND starts from the default when there is no override and skips items already there', () => {
    assert.deepEqual(applyIncrementalAlter({}, [{ name: 'cleanup.policy', op: APPEND, value: 'compact' }]), {
      ok: true,
      configs: { 'cleanup.policy': 'delete,compact' },
    });
    assert.deepEqual(applyIncrementalAlter({ 'cleanup.policy': 'compact' }, [{ name: 'cleanup.policy', op: APPEND, value: 'compact,delete' }]), {
      ok: true,
      configs: { 'cleanup.policy': 'compact,delete' },
    });
    assert.deepEqual(
      applyIncrementalAlter({}, [{ name: 'leader.replication.throttled.replicas', op: APPEND, value: '0:1,1:2' }]),
      { ok: true, configs: { 'leader.replication.throttled.replicas': '0:1,1:2' } },
    );
  });

  it('SUBTRACT removes items, down to the empty list', () => {
    assert.deepEqual(applyIncrementalAlter({ 'cleanup.policy': 'compact,delete' }, [{ name: 'cleanup.policy', op: SUBTRACT, value: 'delete' }]), {
      ok: true,
      configs: { 'cleanup.policy': 'compact' },
    });
    assert.deepEqual(applyIncrementalAlter({}, [{ name: 'cleanup.policy', op: SUBTRACT, value: 'delete' }]), {
      ok: true,
      configs: { 'cleanup.policy': '' },
    });
  });

  it('APPEND/SUBTRACT of a non-list or unknown key is INVALID_CONFIG', () => {
    assert.deepEqual(applyIncrementalAlter({}, [{ name: 'retention.ms', op: APPEND, value: '1' }]), {
      ok: false,
      error: 'INVALID_CONFIG',
      key: 'retention.ms',
      message: 'Config value append is not allowed for config key: retention.ms',
    });
    const subtract = applyIncrementalAlter({}, [{ name: 'segment.bytes', op: SUBTRACT, value: '1' }]);
    assert.equal(subtract.ok, false);
    if (!subtract.ok) assert.equal(subtract.message, 'Config value subtract is not allowed for config key: segment.bytes');
    const unknown = applyIncrementalAlter({}, [{ name: 'no.such', op: APPEND, value: 'x' }]);
    assert.equal(!unknown.ok && unknown.error, 'INVALID_CONFIG');
  });

  it('duplicate keys, unknown operations and null values are INVALID_REQUEST', () => {
    const dup = applyIncrementalAlter({}, [
      { name: 'retention.ms', op: SET, value: '1' },
      { name: 'retention.ms', op: DELETE, value: null },
    ]);
    assert.equal(!dup.ok && dup.error, 'INVALID_REQUEST');
    const bad = applyIncrementalAlter({}, [{ name: 'retention.ms', op: 7, value: '1' }]);
    assert.equal(!bad.ok && bad.error, 'INVALID_REQUEST');
    const nul = applyIncrementalAlter({}, [{ name: 'retention.ms', op: SET, value: null }]);
    assert.equal(!nul.ok && nul.error, 'INVALID_REQUEST');
  });

  it('works on broker keys with the broker table', () => {
    assert.deepEqual(
      applyIncrementalAlter({}, [{ name: 'log.cleanup.policy', op: APPEND, value: 'compact' }], brokerConfigDefinitions),
      { ok: true, configs: { 'log.cleanup.policy': 'delete,compact' } },
    );
  });
});
