/**
 * Shared pieces of the StandaloneHerder tests: a herder over an in-process broker with the
 * FileStream connectors (plus test connectors), file helpers and polling waits.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { Kafka } from '../../../src/client/kafka.js';
import { silentLogger } from '../../../src/logging/logger.js';
import { ConfigDef } from '../../../src/connect/api/config-def.js';
import { SourceConnector, SourceTask, type Task } from '../../../src/connect/api/connector.js';
import { SourceRecord } from '../../../src/connect/api/data/connect-record.js';
import { Schema } from '../../../src/connect/api/data/schema.js';
import { defaultConnectorRegistry } from '../../../src/connect/connectors/registry.js';
import { MemoryStatusBackingStore } from '../../../src/connect/runtime/memory-status-store.js';
import { MemoryOffsetBackingStore } from '../../../src/connect/runtime/offset-store.js';
import { StandaloneHerder } from '../../../src/connect/runtime/standalone-herder.js';
import { Worker } from '../../../src/connect/runtime/worker.js';
import { startTestBroker, type TestBroker } from '../../client/client-test-support.js';

/** What the test connectors do; tests flip these. */
export const testBehaviour = { failPoll: true, failConnectorStart: false, polls: 0 };

/** A source task that fails its poll while `testBehaviour.failPoll`, else produces one record per poll to `topic`. */
class FlakySourceTask extends SourceTask {
  private topic = '';
  version(): string {
    return '1';
  }
  start(props: Record<string, string>): void {
    this.topic = props['topic']!;
  }
  async poll(): Promise<SourceRecord[] | null> {
    await new Promise((r) => setTimeout(r, 50));
    if (testBehaviour.failPoll) throw new Error('the flaky source broke');
    testBehaviour.polls++;
    return [new SourceRecord({ sourcePartition: null, sourceOffset: null, topic: this.topic, valueSchema: Schema.STRING_SCHEMA, value: `poll ${testBehaviour.polls}` })];
  }
  stop(): void {}
}

class FlakySourceConnector extends SourceConnector {
  private props: Record<string, string> = {};
  version(): string {
    return '1.0-test';
  }
  start(props: Record<string, string>): void {
    if (testBehaviour.failConnectorStart) throw new Error('the connector refused to start');
    this.props = { ...props };
  }
  taskClass(): new () => Task {
    return FlakySourceTask;
  }
  taskConfigs(maxTasks: number): Array<Record<string, string>> {
    return Array.from({ length: maxTasks }, () => ({ topic: this.props['topic']! }));
  }
  stop(): void {}
  config(): ConfigDef {
    return new ConfigDef().define('topic', 'STRING', { importance: 'HIGH', documentation: 'where to write' });
  }
  /** KIP-875's hook: refuses a negative `n`; says its offsets are also kept elsewhere (false). */
  alterOffsets(_config: Record<string, string>, offsets: Array<{ offset: Record<string, unknown> | null }>): boolean {
    if (offsets.some((o) => o.offset !== null && Number(o.offset['n']) < 0)) throw new Error('n must not be negative');
    return false;
  }
}

export function testRegistry() {
  return defaultConnectorRegistry().register('test.FlakySourceConnector', FlakySourceConnector);
}

export interface HerderFixture {
  herder: StandaloneHerder;
  worker: Worker;
  stop(): Promise<void>;
}

export async function startHerder(bootstrap: string, workerId = 'test-worker:8083'): Promise<HerderFixture> {
  const worker = new Worker({
    workerConfig: {
      'bootstrap.servers': bootstrap,
      'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'offset.storage.file.filename': 'unused',
      'offset.flush.interval.ms': '200',
    },
    offsetStore: new MemoryOffsetBackingStore(),
    statusStore: new MemoryStatusBackingStore(),
    logger: silentLogger(),
    workerId,
    connectors: testRegistry(),
  });
  const herder = new StandaloneHerder(worker, { logger: silentLogger() });
  await herder.start();
  return { herder, worker, stop: () => herder.stop() };
}

/** What one herder suite shares: a broker, a client of it, a temp directory and a started standalone herder. */
export interface HerderSuite {
  broker: TestBroker;
  kafka: Kafka;
  dir: string;
  fx: HerderFixture;
}

/**
 * Registers the suite's before/after hooks: before the tests, starts an in-process broker, a client
 * named clientId, a temp directory named after dirPrefix and a herder on the broker; after them, stops
 * the herder and the broker and removes the directory. The fields are set once the before hook has run.
 */
export function useHerderSuite(clientId: string, dirPrefix: string): HerderSuite {
  const suite = {} as HerderSuite;
  before(async () => {
    suite.broker = await startTestBroker();
    suite.kafka = new Kafka({ clientId, brokers: [suite.broker.bootstrap] });
    suite.dir = mkdtempSync(join(tmpdir(), dirPrefix));
    suite.fx = await startHerder(suite.broker.bootstrap);
  });
  after(async () => {
    await suite.fx.stop();
    await suite.broker.close();
    rmSync(suite.dir, { recursive: true, force: true });
  });
  return suite;
}

export { fileText, lines, sleep, until } from '../connect-test-support.js';
