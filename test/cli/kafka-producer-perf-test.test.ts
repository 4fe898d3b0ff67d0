import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ProducerStats } from '../../src/cli/kafka-producer-perf-test.js';
import { startTestBroker } from '../client/client-test-support.js';
import type { TestBroker } from '../client/client-test-support.js';
import { PACKAGE_ROOT, runBin, runCommand, tempFile } from './cli-test-support.js';

const TOTAL = /^(\d+) records sent, \d+\.\d{6} records\/sec \(\d+\.\d{2} MB\/sec\), \d+\.\d{2} ms avg latency, \d+\.\d{2} ms max latency, \d+ ms 50th, \d+ ms 95th, \d+ ms 99th, \d+ ms 99\.9th\.$/;
const WINDOW = /^\d+ records sent, \d+\.\d records\/sec \(\d+\.\d{2} MB\/sec\), \d+\.\d ms avg latency, \d+\.\d ms max latency\.$/;

it('ProducerStats prints Kafka’s window and total lines', () => {
  const lines: string[] = [];
  const stats = new ProducerStats(4, 5000, (l) => lines.push(l), 0);
  stats.record(0, 10, 100, 1000);
  stats.record(1, 20, 100, 2000);
  stats.record(2, 30, 100, 5000);
  assert.deepEqual(lines, ['3 records sent, 0.6 records/sec (0.00 MB/sec), 20.0 ms avg latency, 30.0 ms max latency.']);
  stats.record(3, 40, 100, 6000);
  assert.equal(stats.totalLine(8000), '4 records sent, 0.500000 records/sec (0.00 MB/sec), 25.00 ms avg latency, 40.00 ms max latency, 30 ms 50th, 40 ms 95th, 40 ms 99th, 40 ms 99.9th.');
});

describe('kafka-producer-perf-test (the installed bin) against a broker', () => {
  let tb: TestBroker;
  const highWatermarks = async (topic: string) =>
    (await runBin('kafka-get-offsets', ['--bootstrap-server', tb.bootstrap, '--topic', topic])).stdout
      .trim()
      .split('\n')
      .reduce((sum, line) => sum + Number(line.split(':')[2]), 0);

  before(async () => {
    tb = await startTestBroker({ properties: { 'num.partitions': '2' } });
  });
  after(async () => {
    await tb?.close();
  });

  it('sends --num-records records of --record-size bytes and prints Kafka’s summary (space-separated --producer-props)', async () => {
    const r = await runBin('kafka-producer-perf-test', ['--topic', 'pp', '--num-records', '3000', '--record-size', '100', '--throughput', '-1', '--producer-props', `bootstrap.servers=${tb.bootstrap}`, 'acks=1', 'linger.ms=2']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const lines = r.stdout.trimEnd().split('\n');
    const total = TOTAL.exec(lines.at(-1)!);
    assert.ok(total !== null, r.stdout);
    assert.equal(total[1], '3000');
    for (const l of lines.slice(0, -1)) assert.match(l, WINDOW);
    assert.equal(await highWatermarks('pp'), 3000);
  });

  it('throttles with --throughput, reports windows at --reporting-interval, takes a payload file, repeated --producer-props and --print-metrics', async () => {
    const payloads = tempFile('payloads.txt', 'alpha\nbeta\ngamma\n');
    const config = tempFile('producer.properties', `bootstrap.servers=${tb.bootstrap}\n`);
    const r = await runBin('kafka-producer-perf-test', ['--topic', 'pp2', '--num-records', '60', '--payload-file', payloads, '--throughput', '40', '--producer.config', config, '--producer-props', 'acks=all', '--producer-props', 'linger.ms=0', '--reporting-interval', '500', '--print-metrics']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    const totalAt = lines.findIndex((l) => TOTAL.test(l));
    assert.ok(totalAt > 0, r.stdout);
    assert.equal(TOTAL.exec(lines[totalAt]!)![1], '60');
    assert.ok(lines.slice(0, totalAt).length >= 1, 'at 40 records/sec, 60 records take over a second: at least one window line');
    for (const l of lines.slice(0, totalAt)) assert.match(l, WINDOW);
    assert.deepEqual(lines.slice(totalAt + 1, totalAt + 3).map((l) => l.trim().split(/\s+/)[0]), ['', 'Metric']);
    assert.ok(lines.some((l) => /^producer-metrics:record-send-total:\{client-id=perf-producer-client\} +: 60\.000$/.test(l)), r.stdout);
    assert.equal(await highWatermarks('pp2'), 60);
  });

  it('errors exit 1 with one line on stderr', async () => {
    const b = ['--bootstrap-server', tb.bootstrap];
    const cases: Array<[string[], RegExp]> = [
      [[...b, '--num-records', '1', '--record-size', '1', '--throughput', '-1'], /Missing required argument "\[topic\]"/],
      [[...b, '--topic', 't', '--record-size', '1', '--throughput', '-1'], /Missing required argument "\[num-records\]"/],
      [[...b, '--topic', 't', '--num-records', '1', '--record-size', '1'], /Missing required argument "\[throughput\]"/],
      [[...b, '--topic', 't', '--num-records', '1', '--throughput', '-1'], /Either --record-size or --payload-file must be specified but not both/],
      [[...b, '--topic', 't', '--num-records', '1', '--record-size', '1', '--throughput', '0'], /--throughput must be/],
      [['--topic', 't', '--num-records', '1', '--record-size', '1', '--throughput', '-1'], /bootstrap-server/],
      [[...b, '--topic', 't', '--num-records', '1', '--record-size', '1', '--throughput', '-1', '--producer-props', 'acks'], /--producer-props must be name=value/],
      [[...b, '--topic', 'bad name!', '--num-records', '1', '--record-size', '1', '--throughput', '-1'], /^Error: 1 of 1 records were not sent: /],
    ];
    for (const [args, expected] of cases) {
      const r = await runBin('kafka-producer-perf-test', args);
      assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stdout, '', args.join(' '));
      assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
      assert.match(r.stderr.trimEnd(), expected);
    }
  });

  it('on a terminal a live progress line is rewritten in place (script(1) gives the tool a terminal); off a terminal there is none', { skip: existsSync('/usr/bin/script') || process.env.CI === 'true' ? false : 'script(1) (bsdutils) is not installed' }, async () => {
    const bin = join(PACKAGE_ROOT, 'dist', 'src', 'bin', 'kafka-producer-perf-test.cjs');
    const command = `'${process.execPath}' '${bin}' --topic pp-tty --num-records 300 --record-size 10 --throughput 200 --bootstrap-server ${tb.bootstrap}`;
    const r = await runCommand('script', ['-qec', command, '/dev/null']);
    assert.equal(r.code, 0, r.stdout);
    const updates = r.stdout.match(/\r\x1b\[K\d+\/300 records sent, [\d.]+ records\/sec/g) ?? [];
    assert.ok(updates.length >= 2, `progress updates seen: ${JSON.stringify(r.stdout)}`);
    assert.match(r.stdout, /300 records sent, [\d.]+ records\/sec \([\d.]+ MB\/sec\), [\d.]+ ms avg latency, [\d.]+ ms max latency, \d+ ms 50th/);
  });
});
