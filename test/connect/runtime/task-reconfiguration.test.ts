/**
 * ConnectorContext.requestTaskReconfiguration (a JDBC source that finds new tables calls it): the
 * herder asks the running connector for its task configs again and, when they changed, runs the
 * new set. Standalone restarts the tasks itself; in distributed mode the worker that runs the
 * connector writes the new task configs and the leader hands the tasks out.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConfigDef } from '../../../src/connect/api/config-def.js';
import { SourceConnector, SourceTask, type Task } from '../../../src/connect/api/connector.js';
import type { SourceRecord } from '../../../src/connect/api/data/connect-record.js';
import { defaultConnectorRegistry } from '../../../src/connect/connectors/registry.js';
import { startDistributedWorker, type Distributed } from '../../../src/connect/runtime/distributed.js';
import { MemoryStatusBackingStore } from '../../../src/connect/runtime/memory-status-store.js';
import { MemoryOffsetBackingStore } from '../../../src/connect/runtime/offset-store.js';
import { StandaloneHerder } from '../../../src/connect/runtime/standalone-herder.js';
import { Worker } from '../../../src/connect/runtime/worker.js';
import { silentLogger } from '../../../src/logging/logger.js';
import { startTestBroker, type TestBroker } from '../../client/client-test-support.js';
import { workerProps } from '../distributed/distributed-test-support.js';
import { until } from './herder-test-support.js';

/** How many shards the test connectors see, by connector name; each shard is one task. */
const shards = new Map<string, number>();
/** The running connectors, so that a test can make one ask for reconfiguration. */
const running = new Map<string, ShardedSourceConnector>();

class IdleTask extends SourceTask {
  version(): string {
    return '1';
  }
  start(): void {}
  async poll(): Promise<SourceRecord[] | null> {
    await new Promise((r) => setTimeout(r, 50));
    return null;
  }
  stop(): void {}
}

class ShardedSourceConnector extends SourceConnector {
  private name = '';
  version(): string {
    return '1';
  }
  start(props: Record<string, string>): void {
    this.name = props['name']!;
    running.set(this.name, this);
  }
  taskClass(): new () => Task {
    return IdleTask;
  }
  taskConfigs(maxTasks: number): Array<Record<string, string>> {
    return Array.from({ length: Math.min(maxTasks, shards.get(this.name) ?? 1) }, (_, i) => ({ shard: String(i) }));
  }
  stop(): void {
    if (running.get(this.name) === this) running.delete(this.name);
  }
  config(): ConfigDef {
    return new ConfigDef();
  }
  /** What a connector does when its source changed shape. */
  askForReconfiguration(): void {
    this.context?.requestTaskReconfiguration?.();
  }
}

const registry = () => defaultConnectorRegistry().register('test.ShardedSourceConnector', ShardedSourceConnector);

describe('requestTaskReconfiguration', () => {
  let broker: TestBroker;
  before(async () => {
    broker = await startTestBroker();
  });
  after(async () => {
    await broker.close();
  });

  it('standalone: the connector’s new task configs replace the old tasks', async () => {
    const worker = new Worker({
      workerConfig: { 'bootstrap.servers': broker.bootstrap, 'key.converter': 'StringConverter', 'value.converter': 'StringConverter', 'offset.storage.file.filename': 'unused' },
      offsetStore: new MemoryOffsetBackingStore(),
      statusStore: new MemoryStatusBackingStore(),
      logger: silentLogger(),
      workerId: 'standalone:8083',
      connectors: registry(),
    });
    const herder = new StandaloneHerder(worker, { logger: silentLogger() });
    await herder.start();
    try {
      shards.set('sharded', 1);
      await herder.putConnectorConfig('sharded', { name: 'sharded', 'connector.class': 'test.ShardedSourceConnector', 'tasks.max': '4' }, { allowReplace: false });
      assert.deepEqual((await herder.taskConfigs('sharded')).map((t) => t.config['shard']), ['0']);

      shards.set('sharded', 3);
      running.get('sharded')!.askForReconfiguration();
      await until('three tasks', async () => (await herder.taskConfigs('sharded')).length === 3);
      assert.deepEqual((await herder.taskConfigs('sharded')).map((t) => t.config['shard']), ['0', '1', '2']);
      await until('three running tasks', async () => {
        const s = await herder.connectorStatus('sharded');
        return s.tasks.length === 3 && s.tasks.every((t) => t.state === 'RUNNING');
      });
      assert.deepEqual(worker.taskIds('sharded').map((t) => t.task).sort(), [0, 1, 2]);

      // Unchanged configs: nothing restarts (the generation numbers stay).
      const before = (await herder.connectorStatus('sharded')).tasks.map((t) => t.state);
      running.get('sharded')!.askForReconfiguration();
      await new Promise((r) => setTimeout(r, 200));
      assert.deepEqual((await herder.connectorStatus('sharded')).tasks.map((t) => t.state), before);
      assert.equal((await herder.taskConfigs('sharded')).length, 3);
    } finally {
      await herder.stop();
    }
  });

  it('distributed: the owner writes the new task configs and the group runs every task', async () => {
    const workers: Distributed[] = [];
    try {
      for (let i = 0; i < 2; i++) workers.push(await startDistributedWorker(workerProps(broker.bootstrap, 'reconfigure'), silentLogger(), { connectors: registry() }));
      shards.set('dist-sharded', 1);
      const leader = workers.find((w) => w.herder.isLeader)!;
      await leader.herder.putConnectorConfig('dist-sharded', { name: 'dist-sharded', 'connector.class': 'test.ShardedSourceConnector', 'tasks.max': '4' }, { allowReplace: false });
      const taskCount = async (w: Distributed) => (await w.herder.taskConfigs('dist-sharded').catch(() => [])).length;
      await until('one task', async () => (await taskCount(workers[0]!)) === 1 && (await taskCount(workers[1]!)) === 1);

      shards.set('dist-sharded', 4);
      await until('the connector running somewhere', () => running.has('dist-sharded'));
      running.get('dist-sharded')!.askForReconfiguration();
      await until('four task configs on both workers', async () => (await taskCount(workers[0]!)) === 4 && (await taskCount(workers[1]!)) === 4);
      await until('four tasks running across the workers', () => workers.reduce((n, w) => n + w.worker.taskIds('dist-sharded').length, 0) === 4);
      // Every task runs exactly once, and the work is spread over both workers.
      assert.deepEqual(workers.flatMap((w) => w.worker.taskIds('dist-sharded').map((t) => t.task)).sort(), [0, 1, 2, 3]);
      await until('tasks on both workers', () => workers.every((w) => w.worker.taskIds('dist-sharded').length > 0));
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
    }
  });
});
