import assert from 'node:assert/strict';
import { it } from 'node:test';
import { MetadataCache } from '../../../src/client/cluster/metadata-cache.js';
import type { MetadataResponse } from '../../../src/protocol/generated/metadata.js';

function response(leader: number, leaderEpoch: number): MetadataResponse {
  return {
    brokers: [{ nodeId: 1, host: 'a', port: 1, rack: null }, { nodeId: 2, host: 'b', port: 2, rack: null }],
    clusterId: 'c',
    controllerId: 1,
    topics: [{ errorCode: 0, name: 't', topicId: 'x', isInternal: false, partitions: [{ errorCode: 0, partitionIndex: 0, leaderId: leader, leaderEpoch, replicaNodes: [1, 2], isrNodes: [1, 2], offlineReplicas: [] }] }],
  };
}

it('keeps a cached leader whose epoch is newer than the response (a lagging broker answered)', () => {
  const cache = new MetadataCache();
  cache.update(response(1, 5), 1);
  cache.update(response(2, 4), 2);
  assert.equal(cache.leaderFor('t', 0), 1);
  cache.update(response(2, 6), 3);
  assert.equal(cache.leaderFor('t', 0), 2);
  assert.equal(cache.stale, false);
});

it('a newer leader epoch seen in a response moves the leader at once and marks the cache stale', () => {
  const cache = new MetadataCache();
  cache.update(response(1, 5), 1);
  assert.equal(cache.observeLeader('t', 0, 2, 5), false, 'same epoch: nothing new');
  assert.equal(cache.stale, false);
  assert.equal(cache.observeLeader('t', 0, 2, 7), true);
  assert.equal(cache.leaderFor('t', 0), 2);
  assert.equal(cache.stale, true);
});

it('needs a refresh for unknown topics and past the max age', () => {
  const cache = new MetadataCache();
  assert.equal(cache.needsRefresh([], 0, 1000), true, 'never loaded');
  cache.update(response(1, 0), 1000);
  assert.equal(cache.needsRefresh(['t'], 1500, 1000), false);
  assert.equal(cache.needsRefresh(['u'], 1500, 1000), true);
  assert.equal(cache.needsRefresh(['t'], 2000, 1000), true);
});
