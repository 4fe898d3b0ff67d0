/**
 * The StandaloneHerder against an in-process broker with real files: connector lifecycle
 * (create, read, update, delete), statuses, pause/resume and stop (KIP-875) with offsets altered
 * and reset while stopped, restarts (KIP-745), validation, failures with traces, active topics.
 */
import assert from 'node:assert/strict';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { AlreadyExistsException, BadRequestException, NotFoundException } from '../../../src/connect/runtime/herder.js';
import { FRAMEWORK_OFFSETS_ALTERED_MESSAGE, FRAMEWORK_OFFSETS_RESET_MESSAGE, OFFSETS_ALTERED_MESSAGE, OFFSETS_RESET_MESSAGE } from '../../../src/connect/runtime/standalone-herder.js';
import { fileText, lines, sleep, testBehaviour, until, useHerderSuite } from './herder-test-support.js';

describe('StandaloneHerder', () => {
  const env = useHerderSuite('herder-test', 'samsa-herder-');

  const topicEnd = async (topic: string): Promise<bigint> => {
    const admin = env.kafka.admin();
    await admin.connect();
    try {
      return (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + BigInt(p.high), 0n);
    } finally {
      await admin.disconnect();
    }
  };

  it('creates, reads, updates and deletes connectors; statuses, task configs, active topics; Kafka’s not-found and already-exists errors', async () => {
    const { herder } = env.fx;
    const source = join(env.dir, 'crud.txt');
    const sink = join(env.dir, 'crud.sink.txt');
    const sink2 = join(env.dir, 'crud.sink2.txt');
    writeFileSync(source, lines(0, 5));
    const sourceConfig = { 'connector.class': 'FileStreamSource', file: source, topic: 'crud-lines' };
    const created = await herder.putConnectorConfig('crud-source', sourceConfig, { allowReplace: false });
    assert.equal(created.created, true);
    assert.deepEqual(created.info, { name: 'crud-source', config: { ...sourceConfig, name: 'crud-source' }, tasks: [{ connector: 'crud-source', task: 0 }], type: 'source' });
    const sinkCreated = await herder.putConnectorConfig('crud-sink', { name: 'crud-sink', 'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector', file: sink, topics: 'crud-lines' }, { allowReplace: false });
    assert.equal(sinkCreated.created, true);
    assert.equal(sinkCreated.info.type, 'sink');
    await until('5 lines in the sink', () => fileText(sink) === lines(0, 5));

    assert.deepEqual(await herder.connectors(), ['crud-sink', 'crud-source']);
    assert.deepEqual(await herder.connectorStatus('crud-source'), {
      name: 'crud-source', type: 'source',
      connector: { state: 'RUNNING', worker_id: 'test-worker:8083' },
      tasks: [{ id: 0, state: 'RUNNING', worker_id: 'test-worker:8083' }],
    });
    assert.deepEqual(await herder.taskStatus('crud-sink', 0), { id: 0, state: 'RUNNING', worker_id: 'test-worker:8083' });
    const tasks = await herder.taskConfigs('crud-source');
    assert.equal(tasks.length, 1);
    assert.deepEqual(tasks[0]!.id, { connector: 'crud-source', task: 0 });
    assert.equal(tasks[0]!.config['file'], source);
    assert.equal((await herder.connectorConfig('crud-sink'))['file'], sink);
    await until('active topics recorded', async () => (await herder.connectorActiveTopics('crud-sink')).length > 0);
    assert.deepEqual(await herder.connectorActiveTopics('crud-source'), ['crud-lines']);
    assert.deepEqual(await herder.connectorActiveTopics('crud-sink'), ['crud-lines']);
    await herder.resetConnectorActiveTopics('crud-source');
    assert.deepEqual(await herder.connectorActiveTopics('crud-source'), []);

    await assert.rejects(herder.putConnectorConfig('crud-source', sourceConfig, { allowReplace: false }), (e: unknown) => e instanceof AlreadyExistsException && e.message === 'Connector crud-source already exists');
    await assert.rejects(herder.connectorInfo('nope'), (e: unknown) => e instanceof NotFoundException && e.message === 'Connector nope not found');
    await assert.rejects(herder.connectorConfig('nope'), { message: 'Connector nope not found' });
    await assert.rejects(herder.deleteConnector('nope'), { message: 'Connector nope not found' });
    await assert.rejects(herder.taskStatus('crud-sink', 7), (e: unknown) => e instanceof NotFoundException && e.message === 'No status found for task crud-sink-7');

    // Replace: the sink restarts with the new file; new lines go there, from the committed offset on.
    const updated = await herder.putConnectorConfig('crud-sink', { name: 'crud-sink', 'connector.class': 'FileStreamSink', file: sink2, topics: 'crud-lines' }, { allowReplace: true });
    assert.equal(updated.created, false);
    assert.equal(updated.info.config['file'], sink2);
    appendFileSync(source, lines(5, 8));
    await until('the new lines in the second sink file', () => fileText(sink2).includes(lines(5, 8)));
    assert.equal(fileText(sink), lines(0, 5), 'the first file got nothing after the update');
    assert.equal((await herder.connectorStatus('crud-sink')).connector.state, 'RUNNING');

    // Delete: gone from the list and statuses; the source's offsets stay (as in Kafka).
    await herder.deleteConnector('crud-source');
    assert.deepEqual(await herder.connectors(), ['crud-sink']);
    await assert.rejects(herder.connectorStatus('crud-source'), NotFoundException);
    assert.deepEqual(env.fx.worker.offsetStore.connectorOffsets('crud-source'), [[{ filename: source }, { position: Buffer.byteLength(lines(0, 8)) }]]);
    await herder.deleteConnector('crud-sink');
    assert.deepEqual(await herder.connectors(), []);
  });

  it('pause stops the flow of lines and resume restarts it, for the source and for the sink', async () => {
    const { herder } = env.fx;
    const source = join(env.dir, 'pause.txt');
    const sink = join(env.dir, 'pause.sink.txt');
    writeFileSync(source, lines(0, 3));
    await herder.putConnectorConfig('pause-source', { 'connector.class': 'FileStreamSource', file: source, topic: 'pause-lines' }, { allowReplace: false });
    await herder.putConnectorConfig('pause-sink', { 'connector.class': 'FileStreamSink', file: sink, topics: 'pause-lines' }, { allowReplace: false });
    await until('the first lines', () => fileText(sink) === lines(0, 3));

    await herder.pauseConnector('pause-source');
    const paused = await herder.connectorStatus('pause-source');
    assert.deepEqual([paused.connector.state, paused.tasks.map((t) => t.state)], ['PAUSED', ['PAUSED']]);
    const endBefore = await topicEnd('pause-lines');
    appendFileSync(source, lines(3, 6));
    await sleep(2500); // the file source polls the file every second
    assert.equal(await topicEnd('pause-lines'), endBefore, 'a paused source produces nothing');
    await herder.resumeConnector('pause-source');
    assert.equal((await herder.connectorStatus('pause-source')).tasks[0]!.state, 'RUNNING');
    await until('the lines written while paused', () => fileText(sink) === lines(0, 6));

    await herder.pauseConnector('pause-sink');
    assert.equal((await herder.taskStatus('pause-sink', 0)).state, 'PAUSED');
    appendFileSync(source, lines(6, 9));
    await until('the new lines in the topic', async () => (await topicEnd('pause-lines')) === endBefore + 6n);
    await sleep(1500);
    assert.equal(fileText(sink), lines(0, 6), 'a paused sink writes nothing');
    await herder.resumeConnector('pause-sink');
    await until('the lines consumed after resume', () => fileText(sink) === lines(0, 9));
    await herder.deleteConnector('pause-source');
    await herder.deleteConnector('pause-sink');
  });

  it('stop (KIP-875): STOPPED with no tasks; offsets altered and reset only while stopped; resume continues from the altered offsets', async () => {
    const { herder } = env.fx;
    const source = join(env.dir, 'stop.txt');
    const sink = join(env.dir, 'stop.sink.txt');
    writeFileSync(source, lines(0, 4));
    await herder.putConnectorConfig('stop-source', { 'connector.class': 'FileStreamSource', file: source, topic: 'stop-lines' }, { allowReplace: false });
    await herder.putConnectorConfig('stop-sink', { 'connector.class': 'FileStreamSink', file: sink, topics: 'stop-lines' }, { allowReplace: false });
    await until('4 lines', () => fileText(sink) === lines(0, 4));

    await assert.rejects(herder.alterConnectorOffsets('stop-source', { offsets: [{ partition: { filename: source }, offset: { position: 0 } }] }), (e: unknown) => e instanceof BadRequestException
      && e.message === "Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/stop-source/stop' endpoint");
    await assert.rejects(herder.resetConnectorOffsets('stop-sink'), BadRequestException);

    await herder.stopConnector('stop-source');
    await herder.stopConnector('stop-sink');
    assert.deepEqual(await herder.connectorStatus('stop-source'), { name: 'stop-source', type: 'source', connector: { state: 'STOPPED', worker_id: 'test-worker:8083' }, tasks: [] });
    assert.deepEqual(await herder.taskConfigs('stop-source'), []);
    assert.deepEqual((await herder.connectorInfo('stop-sink')).tasks, []);

    // Source offsets: the file position after line 3; move it back to the start of line 2.
    assert.deepEqual(await herder.connectorOffsets('stop-source'), { offsets: [{ partition: { filename: source }, offset: { position: Buffer.byteLength(lines(0, 4)) } }] });
    assert.equal(await herder.alterConnectorOffsets('stop-source', { offsets: [{ partition: { filename: source }, offset: { position: Buffer.byteLength(lines(0, 2)) } }] }), OFFSETS_ALTERED_MESSAGE);
    // Sink offsets: the group's committed offset; move it to 3 (the sink re-reads the last record).
    assert.deepEqual(await herder.connectorOffsets('stop-sink'), { offsets: [{ partition: { kafka_topic: 'stop-lines', kafka_partition: 0 }, offset: { kafka_offset: 4 } }] });
    assert.equal(await herder.alterConnectorOffsets('stop-sink', { offsets: [{ partition: { kafka_topic: 'stop-lines', kafka_partition: 0 }, offset: { kafka_offset: 3 } }] }), OFFSETS_ALTERED_MESSAGE);
    assert.deepEqual(await herder.connectorOffsets('stop-sink'), { offsets: [{ partition: { kafka_topic: 'stop-lines', kafka_partition: 0 }, offset: { kafka_offset: 3 } }] });
    await assert.rejects(herder.alterConnectorOffsets('stop-sink', { offsets: [{ partition: { kafka_topic: 'stop-lines' }, offset: { kafka_offset: 3 } }] }), BadRequestException);

    await herder.resumeConnector('stop-sink');
    await herder.resumeConnector('stop-source');
    assert.equal((await herder.connectorStatus('stop-source')).connector.state, 'RUNNING');
    // sink: line 3 again (offset 3); source: lines 2 and 3 again (position), each then written once more.
    await until('the re-read lines', () => fileText(sink) === lines(0, 4) + lines(3, 4) + lines(2, 4));

    // Reset while stopped: the source forgets its position, the sink its group.
    await herder.stopConnector('stop-source');
    await herder.stopConnector('stop-sink');
    assert.equal(await herder.resetConnectorOffsets('stop-source'), OFFSETS_RESET_MESSAGE);
    assert.equal(await herder.resetConnectorOffsets('stop-sink'), OFFSETS_RESET_MESSAGE);
    assert.deepEqual(await herder.connectorOffsets('stop-source'), { offsets: [] });
    assert.deepEqual(await herder.connectorOffsets('stop-sink'), { offsets: [] });
    await herder.deleteConnector('stop-source');
    await herder.deleteConnector('stop-sink');
  });

  it('a failing task shows FAILED with its trace; restart with onlyFailed restarts only that task (RESTARTING), the connector keeps running', async () => {
    const { herder } = env.fx;
    testBehaviour.failPoll = true;
    await herder.putConnectorConfig('flaky', { 'connector.class': 'test.FlakySourceConnector', topic: 'flaky-out', 'tasks.max': '2' }, { allowReplace: false });
    await until('both tasks FAILED', async () => (await herder.connectorStatus('flaky')).tasks.every((t) => t.state === 'FAILED'));
    const failed = await herder.connectorStatus('flaky');
    assert.equal(failed.connector.state, 'RUNNING');
    assert.equal(failed.tasks.length, 2);
    assert.match(failed.tasks[0]!.trace!, /^Error: the flaky source broke\n\s+at /);

    testBehaviour.failPoll = false;
    const answer = await herder.restartConnector('flaky', { includeTasks: true, onlyFailed: true });
    assert.deepEqual(answer, {
      name: 'flaky', type: 'source',
      connector: { state: 'RUNNING', worker_id: 'test-worker:8083' },
      tasks: [{ id: 0, state: 'RESTARTING', worker_id: 'test-worker:8083' }, { id: 1, state: 'RESTARTING', worker_id: 'test-worker:8083' }],
    });
    const after = await herder.connectorStatus('flaky');
    assert.deepEqual(after.tasks.map((t) => [t.state, t.trace]), [['RUNNING', undefined], ['RUNNING', undefined]]);

    // Nothing failed now: onlyFailed restarts nothing; without it the connector (not its tasks) restarts.
    const none = await herder.restartConnector('flaky', { includeTasks: true, onlyFailed: true });
    assert.deepEqual([none.connector.state, none.tasks.map((t) => t.state)], ['RUNNING', ['RUNNING', 'RUNNING']]);
    const connectorOnly = await herder.restartConnector('flaky', { includeTasks: false, onlyFailed: false });
    assert.deepEqual([connectorOnly.connector.state, connectorOnly.tasks.map((t) => t.state)], ['RESTARTING', ['RUNNING', 'RUNNING']]);
    assert.equal((await herder.connectorStatus('flaky')).connector.state, 'RUNNING');

    await herder.restartTask('flaky', 1);
    assert.equal((await herder.taskStatus('flaky', 1)).state, 'RUNNING');
    await assert.rejects(herder.restartTask('flaky', 5), { message: 'Task flaky-5 not found' });
    await assert.rejects(herder.restartConnector('ghost', { includeTasks: false, onlyFailed: false }), { message: 'Unknown connector: ghost' });
    // KIP-875's connector hook: it may refuse offsets, and its answer picks Kafka's message.
    await herder.stopConnector('flaky');
    await assert.rejects(herder.alterConnectorOffsets('flaky', { offsets: [{ partition: { p: 1 }, offset: { n: -1 } }] }), (e: unknown) => e instanceof BadRequestException && /n must not be negative/.test(e.message));
    assert.equal(await herder.alterConnectorOffsets('flaky', { offsets: [{ partition: { p: 1 }, offset: { n: 5 } }] }), FRAMEWORK_OFFSETS_ALTERED_MESSAGE);
    assert.deepEqual(await herder.connectorOffsets('flaky'), { offsets: [{ partition: { p: 1 }, offset: { n: 5 } }] });
    assert.equal(await herder.resetConnectorOffsets('flaky'), FRAMEWORK_OFFSETS_RESET_MESSAGE);
    assert.deepEqual(await herder.connectorOffsets('flaky'), { offsets: [] });
    await herder.deleteConnector('flaky');
  });

  it('a connector whose start throws is created but FAILED with its trace; restarting it once fixed starts its tasks', async () => {
    const { herder } = env.fx;
    testBehaviour.failConnectorStart = true;
    testBehaviour.failPoll = false;
    try {
      const created = await herder.putConnectorConfig('refuses', { 'connector.class': 'test.FlakySourceConnector', topic: 'refuses-out' }, { allowReplace: false });
      assert.equal(created.created, true);
      const status = await herder.connectorStatus('refuses');
      assert.equal(status.connector.state, 'FAILED');
      assert.match(status.connector.trace!, /^Error: the connector refused to start\n/);
      assert.deepEqual(status.tasks, []);
    } finally {
      testBehaviour.failConnectorStart = false;
    }
    const answer = await herder.restartConnector('refuses', { includeTasks: true, onlyFailed: true });
    assert.equal(answer.connector.state, 'RESTARTING');
    const status = await herder.connectorStatus('refuses');
    assert.deepEqual([status.connector.state, status.tasks.map((t) => t.state)], ['RUNNING', ['RUNNING']]);
    await herder.deleteConnector('refuses');
  });

  it('validation names every bad key (Kafka’s message), and validateConnectorConfig reports them per key', async () => {
    const { herder } = env.fx;
    const bad = { 'connector.class': 'FileStreamSource', 'tasks.max': '0', 'errors.tolerance': 'some', 'batch.size': 'many' };
    await assert.rejects(herder.putConnectorConfig('bad', bad, { allowReplace: false }), (e: unknown) => {
      assert.ok(e instanceof BadRequestException);
      assert.equal(e.message, [
        'Connector configuration is invalid and contains the following 4 error(s):',
        'Invalid value 0 for configuration tasks.max: Value must be at least 1',
        'Invalid value some for configuration errors.tolerance: String must be one of: none, all',
        'Missing required configuration "topic" which has no default value.',
        'Invalid value many for configuration batch.size: Not a number of type INT',
        'You can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`',
      ].join('\n'));
      return true;
    });
    assert.deepEqual(await herder.connectors(), []);
    const infos = await herder.validateConnectorConfig('FileStreamSink', { 'connector.class': 'FileStreamSink', name: 'x', topics: 'a', 'topics.regex': 'b.*' });
    assert.equal(infos.error_count, 2);
    assert.equal(infos.name, 'FileStreamSink');
    const withErrors = infos.configs.filter((c) => c.value.errors.length > 0).map((c) => [c.definition.name, c.value.errors]);
    assert.deepEqual(withErrors, [
      ['topics', ['topics and topics.regex are mutually exclusive options, but both are set.']],
      ['topics.regex', ['topics and topics.regex are mutually exclusive options, but both are set.']],
    ]);
    const tasksMax = infos.configs.find((c) => c.definition.name === 'tasks.max')!;
    assert.deepEqual(tasksMax.definition, { name: 'tasks.max', type: 'INT', required: false, default_value: '1', importance: 'HIGH', documentation: 'Maximum number of tasks to use for this connector', group: 'Common', order: 3, width: 'NONE', display_name: 'tasks.max', dependents: [] });
    assert.deepEqual(tasksMax.value, { name: 'tasks.max', value: '1', recommended_values: [], errors: [], visible: true });
    await assert.rejects(herder.validateConnectorConfig('NoSuchConnector', {}), BadRequestException);
  });

  it('initial_state (KIP-980): a connector created PAUSED runs paused tasks; one created STOPPED has none until resumed', async () => {
    const { herder } = env.fx;
    testBehaviour.failPoll = false;
    const paused = await herder.putConnectorConfig('born-paused', { 'connector.class': 'test.FlakySourceConnector', topic: 'born-out' }, { allowReplace: false, initialState: 'PAUSED' });
    assert.equal(paused.info.tasks.length, 1);
    const p = await herder.connectorStatus('born-paused');
    assert.deepEqual([p.connector.state, p.tasks.map((t) => t.state)], ['PAUSED', ['PAUSED']]);
    const stopped = await herder.putConnectorConfig('born-stopped', { 'connector.class': 'test.FlakySourceConnector', topic: 'born-out' }, { allowReplace: false, initialState: 'STOPPED' });
    assert.deepEqual(stopped.info.tasks, []);
    const s = await herder.connectorStatus('born-stopped');
    assert.deepEqual([s.connector.state, s.tasks], ['STOPPED', []]);
    await herder.resumeConnector('born-stopped');
    const r = await herder.connectorStatus('born-stopped');
    assert.deepEqual([r.connector.state, r.tasks.map((t) => t.state)], ['RUNNING', ['RUNNING']]);
    assert.equal((await herder.taskConfigs('born-stopped')).length, 1);
    await herder.deleteConnector('born-paused');
    await herder.deleteConnector('born-stopped');
  });

  it('cluster id and plugins', async () => {
    const admin = env.kafka.admin();
    await admin.connect();
    const { clusterId } = await admin.describeCluster();
    await admin.disconnect();
    assert.equal(await env.fx.herder.kafkaClusterId(), clusterId);
    const plugins = env.fx.herder.connectorPlugins(true);
    assert.deepEqual(plugins.filter((p) => p.class.startsWith('org.apache')).map((p) => [p.class, p.type]), [
      ['org.apache.kafka.connect.file.FileStreamSinkConnector', 'sink'],
      ['org.apache.kafka.connect.file.FileStreamSourceConnector', 'source'],
    ]);
    const all = env.fx.herder.connectorPlugins(false);
    assert.ok(all.some((p) => p.class === 'org.apache.kafka.connect.json.JsonConverter' && p.type === 'converter'));
    assert.ok(all.some((p) => p.class === 'org.apache.kafka.connect.transforms.RegexRouter' && p.type === 'transformation'));
    assert.ok(all.some((p) => p.class === 'org.apache.kafka.connect.transforms.predicates.TopicNameMatches' && p.type === 'predicate'));
  });
});
