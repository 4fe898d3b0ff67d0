import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KafkaClientStateError, KafkaConnectionError } from '../../../src/client/client-errors.js';
import { Cluster, isMetadataError } from '../../../src/client/cluster/cluster.js';
import { withRetry } from '../../../src/client/retry.js';
import { ApiKey } from '../../../src/protocol/generated/api-table.js';
import { startFakeBroker, startTestBroker } from '../client-test-support.js';
import type { TestBroker } from '../client-test-support.js';

describe('Cluster', () => {
  let tb: TestBroker;
  let deadPort: number;
  before(async () => {
    tb = await startTestBroker({ properties: { 'num.partitions': '3' } });
    const fake = await startFakeBroker(() => undefined);
    deadPort = fake.port;
    await fake.close();
  });
  after(async () => {
    await tb?.close();
  });

  it('bootstraps past unreachable brokers and loads the metadata of its target topics', async () => {
    const cluster = new Cluster({ clientId: 'c', brokers: [`127.0.0.1:${deadPort}`, tb.bootstrap, `127.0.0.1:${deadPort}`] });
    cluster.addTargetTopics(['auto-created']);
    await cluster.connect();
    try {
      // Kafka's rule: the Metadata request that creates a topic answers LEADER_NOT_AVAILABLE.
      assert.equal(cluster.metadata.partitionCount('auto-created'), undefined);
      await cluster.refreshMetadata();
      assert.equal(cluster.metadata.brokers.size, 1);
      assert.equal(cluster.metadata.partitionCount('auto-created'), 3);
      assert.equal(cluster.leaderFor('auto-created', 2), tb.broker.nodeId);
      assert.equal(cluster.leaderFor('auto-created', 3), undefined);
    } finally {
      await cluster.disconnect();
    }
  });

  it('takes the bootstrap list from a function (KafkaJS allows async discovery), and rejects a malformed address', async () => {
    let asked = 0;
    const cluster = new Cluster({ clientId: 'c', brokers: async () => { asked++; return [tb.bootstrap]; } });
    await cluster.connect();
    try {
      assert.ok(asked >= 1);
      assert.equal(cluster.metadata.brokers.size, 1);
    } finally {
      await cluster.disconnect();
    }
    const bad = new Cluster({ clientId: 'c', brokers: ['no-port-here'] });
    await assert.rejects(bad.connect(), (e: unknown) => e instanceof KafkaClientStateError && /host:port/.test(e.message));
    await bad.disconnect();
  });

  it('refuses requests before connect and after disconnect', async () => {
    const cluster = new Cluster({ clientId: 'c', brokers: [tb.bootstrap] });
    await assert.rejects(cluster.requestAny(ApiKey.Metadata, { topics: [] }), KafkaClientStateError);
    await cluster.connect();
    await cluster.disconnect();
    await assert.rejects(cluster.requestAny(ApiKey.Metadata, { topics: [] }), KafkaClientStateError);
  });

  it('refreshes metadata older than metadataMaxAge, and when marked stale, but not otherwise', async () => {
    const cluster = new Cluster({ clientId: 'c', brokers: [tb.bootstrap], metadataMaxAge: 150 });
    await cluster.connect();
    try {
      const first = cluster.metadata.updatedAt;
      await cluster.refreshMetadataIfNecessary();
      assert.equal(cluster.metadata.updatedAt, first, 'fresh metadata is not fetched again');
      await new Promise((r) => setTimeout(r, 170));
      await cluster.refreshMetadataIfNecessary();
      const second = cluster.metadata.updatedAt;
      assert.ok(second > first, 'metadata past its max age is refreshed');
      cluster.markStale();
      await new Promise((r) => setTimeout(r, 2));
      await cluster.refreshMetadataIfNecessary();
      assert.ok(cluster.metadata.updatedAt > second, 'stale metadata is refreshed');
      // A topic not yet in the cache triggers a refresh that includes it.
      await cluster.refreshMetadataIfNecessary(['late-topic']);
      assert.equal(cluster.metadata.partitionCount('late-topic'), undefined, 'created by this request: LEADER_NOT_AVAILABLE');
      await cluster.refreshMetadataIfNecessary(['late-topic']);
      assert.equal(cluster.metadata.partitionCount('late-topic'), 3);
    } finally {
      await cluster.disconnect();
    }
  });

  it('openConnectionTo gives an open connection only (none before connect, for an unknown node, or after disconnect); a request on it is written before request() returns', async () => {
    const cluster = new Cluster({ clientId: 'c', brokers: [tb.bootstrap] });
    assert.equal(cluster.openConnectionTo(tb.broker.nodeId), undefined, 'before connect');
    await cluster.connect();
    try {
      assert.equal(cluster.needsMetadataRefresh(), false, 'fresh after connect');
      assert.equal(cluster.openConnectionTo(9999), undefined, 'unknown node');
      await cluster.request(tb.broker.nodeId, ApiKey.Metadata, { topics: [] });
      const open = cluster.openConnectionTo(tb.broker.nodeId)!;
      assert.ok(open.isConnected);
      const before = open.inFlightCount;
      const pending = open.request(ApiKey.Metadata, { topics: [] });
      assert.equal(open.inFlightCount, before + 1, 'in flight at once');
      await pending;
      cluster.markStale();
      assert.equal(cluster.needsMetadataRefresh(), true, 'stale');
    } finally {
      await cluster.disconnect();
    }
    assert.equal(cluster.openConnectionTo(tb.broker.nodeId), undefined, 'after disconnect');
  });

  it('refreshes metadata in the background once it is older than metadataMaxAge', async () => {
    const cluster = new Cluster({ clientId: 'c', brokers: [tb.bootstrap], metadataMaxAge: 100 });
    await cluster.connect();
    try {
      const first = cluster.metadata.updatedAt;
      await new Promise((r) => setTimeout(r, 350));
      assert.ok(cluster.metadata.updatedAt > first, 'refreshed without being asked');
    } finally {
      await cluster.disconnect();
    }
  });

  it('coalesces concurrent refreshes into one Metadata request', async () => {
    const cluster = new Cluster({ clientId: 'c', brokers: [tb.bootstrap] });
    await cluster.connect();
    try {
      const a = cluster.refreshMetadata();
      const b = cluster.refreshMetadata();
      assert.equal(a, b);
      await a;
    } finally {
      await cluster.disconnect();
    }
  });

  it('reconnects after a broker restart, with backoff between failed attempts', async () => {
    const cluster = new Cluster({ clientId: 'c', brokers: [tb.bootstrap], reconnectBackoffMs: 100, reconnectBackoffMaxMs: 400 });
    await cluster.connect();
    try {
      const nodeId = tb.broker.nodeId;
      await cluster.request(nodeId, ApiKey.Metadata, { topics: [] });
      await tb.stop();
      await assert.rejects(cluster.request(nodeId, ApiKey.Metadata, { topics: [] }), (e: unknown) => e instanceof KafkaConnectionError && isMetadataError(e));
      // The next attempt waits for the backoff before dialing again (~100 ms +-20%).
      const t0 = Date.now();
      await assert.rejects(cluster.connectionTo(nodeId), KafkaConnectionError);
      assert.ok(Date.now() - t0 >= 70, `waited ${Date.now() - t0} ms before reconnecting`);
      const restarting = (async () => {
        await new Promise((r) => setTimeout(r, 150));
        await tb.restart();
      })();
      const response = await withRetry(() => cluster.request(nodeId, ApiKey.Metadata, { topics: [] }), { initialRetryTime: 50, retries: 20, maxRetryTime: 10_000 });
      await restarting;
      assert.equal(response.brokers[0]!.nodeId, nodeId);
      assert.equal(cluster.metadata.stale, true, 'a lost connection marks the metadata stale');
    } finally {
      await cluster.disconnect();
    }
  });

  it('finds a group coordinator', async () => {
    const cluster = new Cluster({ clientId: 'c', brokers: [tb.bootstrap] });
    await cluster.connect();
    try {
      assert.equal(await cluster.coordinatorFor('some-group'), tb.broker.nodeId);
    } finally {
      await cluster.disconnect();
    }
  });
});
