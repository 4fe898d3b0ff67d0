import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Kafka } from '../../src/client/kafka.js';
import { DETAILED_HEADER, SUMMARY_HEADER, summaryRow } from '../../src/cli/kafka-consumer-perf-test.js';
import { startTestBroker } from '../client/client-test-support.js';
import type { TestBroker } from '../client/client-test-support.js';
import { PACKAGE_ROOT, runBin, runCommand, tempFile } from './cli-test-support.js';

const DATE = String.raw`\d{4}-\d\d-\d\d \d\d:\d\d:\d\d:\d{3}`;
const NUM = String.raw`-?(?:\d+\.\d{4}|NaN|-?Infinity)`;
/** Kafka's summary row with the MB and message counts given exactly. */
const summary = (mb: string, messages: number) => new RegExp(`^${DATE}, ${DATE}, ${mb.replace('.', '\\.')}, ${NUM}, ${messages}, ${NUM}, \\d+, -?\\d+, ${NUM}, ${NUM}$`);

it('the summary row has Kafka’s columns and formats', () => {
  const start = new Date(2024, 0, 2, 3, 4, 5, 6).getTime();
  assert.equal(summaryRow(start, start + 2000, 2 * 1024 * 1024, 1000, 500), '2024-01-02 03:04:05:006, 2024-01-02 03:04:07:006, 2.0000, 1.0000, 1000, 500.0000, 500, 1500, 1.3333, 666.6667');
});

describe('kafka-consumer-perf-test (the installed bin) against a broker', () => {
  let tb: TestBroker;
  let bootstrap: string[];
  const perf = (...args: string[]) => runBin('kafka-consumer-perf-test', [...bootstrap, ...args]);

  before(async () => {
    tb = await startTestBroker({ properties: { 'num.partitions': '2', 'group.initial.rebalance.delay.ms': '0' } });
    bootstrap = ['--bootstrap-server', tb.bootstrap];
    const kafka = new Kafka({ clientId: 'consumer-perf-test', brokers: [tb.bootstrap] });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'cp', numPartitions: 2 }] });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    // 500 records of 1024-byte values (no keys): 0.48828125 MB.
    const value = Buffer.alloc(1024, 'x');
    await producer.send({ topic: 'cp', messages: Array.from({ length: 500 }, (_, i) => ({ value, partition: i % 2 })) });
    await producer.disconnect();
  });
  after(async () => {
    await tb?.close();
  });

  it('consumes --messages messages and prints Kafka’s header and summary row', async () => {
    const r = await perf('--topic', 'cp', '--messages', '500', '--group', 'cp-all', '--timeout', '20000');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const [header, row, ...rest] = r.stdout.trimEnd().split('\n');
    assert.equal(header, SUMMARY_HEADER);
    assert.match(row!, summary('0.4883', 500));
    assert.deepEqual(rest, []);
  });

  it('stops at exactly --messages; --hide-header; --broker-list; --consumer.config; --print-metrics', async () => {
    const config = tempFile('consumer.properties', 'client.id=cp-client\nfetch.max.wait.ms=100\n');
    const r = await runBin('kafka-consumer-perf-test', ['--broker-list', tb.bootstrap, '--topic', 'cp', '--messages', '300', '--hide-header', '--consumer.config', config, '--print-metrics', '--timeout', '20000']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, summary('0.2930', 300));
    assert.equal(lines[1], '');
    assert.match(lines[2]!, /^Metric Name +Value$/);
    assert.ok(lines.some((l) => /^consumer-fetch-manager-metrics:records-consumed-total:\{client-id=cp-client\} +: 300\.000$/.test(l)), r.stdout);
  });

  it('--show-detailed-stats prints interval rows and no summary; --from-latest with nothing new times out with Kafka’s warning', async () => {
    const detailed = await perf('--topic', 'cp', '--messages', '500', '--show-detailed-stats', '--reporting-interval', '1', '--timeout', '20000');
    assert.equal(detailed.code, 0, detailed.stderr);
    const [header, ...rows] = detailed.stdout.trimEnd().split('\n');
    assert.equal(header, DETAILED_HEADER);
    assert.ok(rows.length >= 1, detailed.stdout);
    for (const row of rows) assert.match(row, new RegExp(`^${DATE}, 0, ${NUM}, ${NUM}, \\d+, ${NUM}, \\d+, -?\\d+, ${NUM}, ${NUM}$`));
    assert.ok(rows.every((row) => Number(row.split(', ')[4]) <= 500));
    const latest = await perf('--topic', 'cp', '--messages', '10', '--from-latest', '--timeout', '1500');
    assert.equal(latest.code, 0, latest.stderr);
    const lines = latest.stdout.trimEnd().split('\n');
    assert.deepEqual(lines.slice(0, 2), [SUMMARY_HEADER, 'WARNING: Exiting before consuming the expected number of messages: timeout (1500 ms) exceeded. You can use the --timeout option to increase the timeout.']);
    assert.match(lines[2]!, summary('0.0000', 0));
  });

  it('errors exit 1 with one line on stderr', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--messages', '1'], /Missing required argument "\[topic\]"/],
      [['--topic', 'cp'], /Missing required argument "\[messages\]"/],
      [['--topic', 'cp', '--messages', 'many'], /--messages must be a positive integer/],
      [['--topic', 'nope', '--messages', '1'], /^Error: Topic 'nope' does not exist$/],
    ];
    for (const [args, expected] of cases) {
      const r = await perf(...args);
      assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stdout, '', args.join(' '));
      assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
      assert.match(r.stderr.trimEnd(), expected);
    }
    const noBootstrap = await runBin('kafka-consumer-perf-test', ['--topic', 'cp', '--messages', '1']);
    assert.equal(noBootstrap.code, 1);
    assert.match(noBootstrap.stderr, /bootstrap-server/);
  });

  it('on a terminal a live progress line is rewritten in place (script(1) gives the tool a terminal)', { skip: existsSync('/usr/bin/script') || process.env.CI === 'true' ? false : 'script(1) (bsdutils) is not installed' }, async () => {
    const bin = join(PACKAGE_ROOT, 'dist', 'src', 'bin', 'kafka-consumer-perf-test.cjs');
    // More messages than the topic holds: the tool waits out --timeout after the last one, updating its line.
    const r = await runCommand('script', ['-qec', `'${process.execPath}' '${bin}' --bootstrap-server ${tb.bootstrap} --topic cp --messages 600 --group cp-tty --timeout 1000`, '/dev/null']);
    assert.equal(r.code, 0, r.stdout);
    const updates = r.stdout.match(/\r\x1b\[K\d+\/600 messages, [\d.]+ MB/g) ?? [];
    assert.ok(updates.length >= 2, `progress updates seen: ${JSON.stringify(r.stdout)}`);
    assert.ok(updates.some((u) => u.includes('500/600 messages')), 'the line shows the 500 records consumed');
  });
});
