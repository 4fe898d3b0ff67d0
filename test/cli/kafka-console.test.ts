import assert from 'node:assert/strict';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { KafkaMessage } from '../../src/client/consumer/consumer-types.js';
import { Kafka } from '../../src/client/kafka.js';
import { lineReaderSettings, parseLine } from '../../src/cli/kafka-console-producer.js';
import { formatMessage, formatterSettings } from '../../src/cli/message-formatter.js';
import { startTestBroker, type TestBroker } from '../client/client-test-support.js';
import { finished, PACKAGE_ROOT, runBin, spawnBin, spawnCommand } from './cli-test-support.js';

describe('the console producer’s line format (Kafka’s LineMessageReader)', () => {
  const settings = (props: Record<string, string>) => lineReaderSettings(new Map(Object.entries(props)));

  it('a plain line is the value; parse.key splits at key.separator; parse.headers reads name:value pairs first', () => {
    assert.deepEqual(parseLine('hello\tworld', 1, settings({})), { value: 'hello\tworld' });
    assert.deepEqual(parseLine('k:v:w', 1, settings({ 'parse.key': 'true', 'key.separator': ':' })), { key: 'k', value: 'v:w' });
    assert.deepEqual(parseLine('a:1,b:2,a:3\tkey\tvalue', 1, settings({ 'parse.key': 'true', 'parse.headers': 'true' })), { key: 'key', value: 'value', headers: { a: ['1', '3'], b: '2' } });
    assert.deepEqual(parseLine('h=x|v', 1, settings({ 'parse.headers': 'true', 'headers.delimiter': '|', 'headers.key.separator': '=' })), { value: 'v', headers: { h: 'x' } });
    assert.deepEqual(parseLine('NULL\tNULL', 1, settings({ 'parse.key': 'true', 'null.marker': 'NULL' })), { key: null, value: null });
  });

  it('a line without its separator is an error naming the line, unless ignore.error', () => {
    assert.throws(() => parseLine('no-separator', 7, settings({ 'parse.key': 'true' })), /No key separator found on line number 7: 'no-separator'/);
    assert.throws(() => parseLine('x\tv', 2, settings({ 'parse.headers': 'true' })), /No header key separator found in pair 'x' on line number 2/);
    assert.deepEqual(parseLine('no-separator', 7, settings({ 'parse.key': 'true', 'ignore.error': 'true' })), { key: null, value: 'no-separator' });
    assert.throws(() => settings({ 'parse.key': 'yes' }), /parse.key must be true or false/);
  });
});

describe('the console consumer’s formatter (Kafka’s DefaultMessageFormatter)', () => {
  const message: KafkaMessage = { key: Buffer.from('k'), value: Buffer.from('v'), timestamp: '1700000000000', attributes: 0, offset: '42', headers: { h1: Buffer.from('a'), h2: [Buffer.from('b'), Buffer.from('c')] } };
  const format = (props: Record<string, string>, m = message) => formatMessage(3, m, formatterSettings(new Map(Object.entries(props)))).toString();

  it('prints the value by default, and each field asked for in Kafka’s order and separators', () => {
    assert.equal(format({}), 'v\n');
    assert.equal(format({ 'print.key': 'true', 'print.timestamp': 'true', 'print.partition': 'true', 'print.offset': 'true', 'print.headers': 'true' }), 'CreateTime:1700000000000\tPartition:3\tOffset:42\th1:a,h2:b,h2:c\tk\tv\n');
    assert.equal(format({ 'print.key': 'true', 'key.separator': ' => ', 'line.separator': ';', 'print.headers': 'true', 'headers.separator': '|', 'headers.key.separator': '=' }), 'h1=a|h2=b|h2=c => k => v;');
    assert.equal(format({ 'print.key': 'true', 'print.value': 'false' }), 'k\n');
    assert.equal(format({ 'print.key': 'true', 'print.headers': 'true', 'null.literal': '<null>' }, { ...message, key: null, headers: {} }), 'NO_HEADERS\t<null>\tv\n');
    assert.equal(format({ 'print.timestamp': 'true' }, { ...message, attributes: 0x08 }), 'LogAppendTime:1700000000000\tv\n');
  });

  it('refuses properties it does not know', () => {
    assert.throws(() => format({ 'print.keys': 'true' }), /print.keys is not a formatter property/);
  });
});

describe('kafka-console-producer and kafka-console-consumer as processes against a broker', () => {
  let tb: TestBroker;
  let kafka: Kafka;
  before(async () => {
    tb = await startTestBroker({ properties: { 'num.partitions': '1', 'group.initial.rebalance.delay.ms': '0' } });
    kafka = new Kafka({ clientId: 'console-test', brokers: [tb.bootstrap] });
  });
  after(async () => {
    await tb?.close();
  });

  it('round trip: keys and headers typed into the producer come out of the consumer exactly', async () => {
    const input = 'trace:1,lang:en\tuser-1\thello world\n\tuser-2\tsecond line\nsource:cli\tuser-3\t\n';
    const ok = await runBin('kafka-console-producer', ['--broker-list', tb.bootstrap, '--topic', 'round-trip', '--property', 'parse.key=true', '--property', 'parse.headers=true'], { input });
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout, '', 'no prompt when standard input is not a terminal');
    const consumed = await runBin('kafka-console-consumer', ['--bootstrap-server', tb.bootstrap, '--topic', 'round-trip', '--from-beginning', '--max-messages', '3', '--property', 'print.key=true', '--property', 'print.headers=true', '--property', 'print.offset=true', '--property', 'print.partition=true']);
    assert.equal(consumed.code, 0, consumed.stderr);
    assert.equal(consumed.stdout, 'Partition:0\tOffset:0\ttrace:1,lang:en\tuser-1\thello world\nPartition:0\tOffset:1\tNO_HEADERS\tuser-2\tsecond line\nPartition:0\tOffset:2\tsource:cli\tuser-3\t\n');
    assert.equal(consumed.stderr.trim(), 'Processed a total of 3 messages');
  });

  async function produceLines(topic: string, lines: string[], extra: string[] = []): Promise<void> {
    const r = await runBin('kafka-console-producer', ['--bootstrap-server', tb.bootstrap, '--topic', topic, ...extra], { input: lines.map((l) => `${l}\n`).join('') });
    assert.equal(r.code, 0, r.stderr);
  }

  async function committed(groupId: string, topic: string): Promise<string[]> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const [t] = await admin.fetchOffsets({ groupId, topics: [topic] });
      return t!.partitions.sort((a, b) => a.partition - b.partition).map((p) => p.offset);
    } finally {
      await admin.disconnect();
    }
  }

  it('--group commits what it printed: a second run of the group goes on where the first stopped; no --group commits nothing', async () => {
    await produceLines('grouped', ['a', 'b', 'c', 'd', 'e']);
    const first = await runBin('kafka-console-consumer', ['--bootstrap-server', tb.bootstrap, '--topic', 'grouped', '--group', 'g1', '--from-beginning', '--max-messages', '3']);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout, 'a\nb\nc\n');
    assert.deepEqual(await committed('g1', 'grouped'), ['3']);
    const second = await runBin('kafka-console-consumer', ['--bootstrap-server', tb.bootstrap, '--topic', 'grouped', '--group', 'g1', '--timeout-ms', '1500']);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.stdout, 'd\ne\n');
    assert.match(second.stderr, /terminating consumer process: no record within 1500 ms[\s\S]*Processed a total of 2 messages\n$/);
    assert.deepEqual(await committed('g1', 'grouped'), ['5']);
    const admin = kafka.admin();
    await admin.connect();
    const groupsBefore = (await admin.listGroups()).groups.map((g) => g.groupId);
    await admin.disconnect();
    const anonymous = await runBin('kafka-console-consumer', ['--bootstrap-server', tb.bootstrap, '--topic', 'grouped', '--from-beginning', '--max-messages', '5']);
    assert.equal(anonymous.stdout, 'a\nb\nc\nd\ne\n');
    await admin.connect();
    const fresh = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => !groupsBefore.includes(g));
    await admin.disconnect();
    assert.equal(fresh.length, 1);
    assert.match(fresh[0]!, /^console-consumer-\d+$/);
    assert.deepEqual(await committed(fresh[0]!, 'grouped'), ['-1'], 'the generated group committed nothing');
  });

  it('--partition with --offset reads one partition from that offset; --include takes a regular expression', async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'parted', numPartitions: 3 }, { topic: 'parted-2', numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
    await produceLines('parted', ['0:a', '1:b', '0:c', '2:d', '0:e'].map((l) => l.replace(':', '\t')), ['--property', 'parse.key=true']);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'parted', messages: [0, 1, 2, 3].map((i) => ({ value: `p1-${i}`, partition: 1 })) });
    await producer.send({ topic: 'parted-2', messages: [{ value: 'other' }] });
    await producer.disconnect();
    const one = await runBin('kafka-console-consumer', ['--bootstrap-server', tb.bootstrap, '--topic', 'parted', '--partition', '1', '--offset', '2', '--max-messages', '2', '--property', 'print.partition=true', '--property', 'print.offset=true']);
    assert.equal(one.code, 0, one.stderr);
    const lines = one.stdout.trim().split('\n');
    assert.equal(lines.length, 2);
    for (const l of lines) assert.match(l, /^Partition:1\tOffset:[2-4]\t/);
    assert.deepEqual(lines.map((l) => Number(/Offset:(\d+)/.exec(l)![1])), [2, 3]);
    const regex = await runBin('kafka-console-consumer', ['--bootstrap-server', tb.bootstrap, '--include', 'parted.*', '--from-beginning', '--max-messages', '10']);
    assert.equal(regex.code, 0, regex.stderr);
    assert.equal(regex.stdout.trim().split('\n').sort().join(','), 'a,b,c,d,e,other,p1-0,p1-1,p1-2,p1-3');
  });

  it('Ctrl-C (SIGINT) commits what was printed and exits 0 with the count line', async () => {
    await produceLines('interrupted', ['x1', 'x2', 'x3', 'x4']);
    const child = spawnBin('kafka-console-consumer', ['--bootstrap-server', tb.bootstrap, '--topic', 'interrupted', '--group', 'g-int', '--from-beginning']);
    const result = finished(child);
    let seen = '';
    child.stdout!.on('data', (d: Buffer) => (seen += d.toString()));
    while (seen.split('\n').length < 5) await once(child.stdout!, 'data');
    child.kill('SIGINT');
    const r = await result;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'x1\nx2\nx3\nx4\n');
    assert.equal(r.stderr.trim(), 'Processed a total of 4 messages');
    assert.deepEqual(await committed('g-int', 'interrupted'), ['4']);
  });

  it('usage errors and an unreachable broker: exit 1 with one line on stderr; --help and --version', async () => {
    const cases: Array<[string, string[], RegExp]> = [
      ['kafka-console-consumer', ['--bootstrap-server', tb.bootstrap], /^kafka-console-consumer: Exactly one of --include\/--topic is required\. \(see kafka-console-consumer --help\)$/],
      ['kafka-console-consumer', ['--bootstrap-server', tb.bootstrap, '--topic', 't', '--offset', '3'], /The partition is required when offset is specified/],
      ['kafka-console-consumer', ['--bootstrap-server', tb.bootstrap, '--topic', 't', '--partition', '0', '--group', 'g'], /group and partition cannot be specified together/],
      ['kafka-console-consumer', ['--bootstrap-server', tb.bootstrap, '--topic', 't', '--property', 'print.nothing=true'], /print.nothing is not a formatter property/],
      ['kafka-console-consumer', ['--topic', 't'], /Missing required argument "\[bootstrap-server\]"/],
      ['kafka-console-producer', ['--bootstrap-server', tb.bootstrap], /Missing required argument "\[topic\]"/],
      ['kafka-console-producer', ['--bootstrap-server', tb.bootstrap, '--topic', 't', '--request-required-acks', '2'], /--request-required-acks must be all, -1, 0 or 1/],
      ['kafka-console-producer', ['--bootstrap-server', tb.bootstrap, '--topic', 't', '--no-such-flag'], /no-such-flag/],
      ['kafka-console-producer', ['--bootstrap-server', '127.0.0.1:1', '--topic', 't'], /^Error: could not reach the cluster at 127\.0\.0\.1:1/],
    ];
    for (const [tool, args, expected] of cases) {
      const r = await runBin(tool, args, { input: 'line\n' });
      assert.equal(r.code, 1, `${tool} ${args.join(' ')}`);
      assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
      assert.match(r.stderr.trim(), expected);
    }
    const keyless = await runBin('kafka-console-producer', ['--bootstrap-server', tb.bootstrap, '--topic', 'keyless', '--property', 'parse.key=true'], { input: 'k\tv\nno key here\n' });
    assert.equal(keyless.code, 1);
    assert.match(keyless.stderr, /No key separator found on line number 2: 'no key here'/);
    const help = await runBin('kafka-console-consumer', ['--help']);
    assert.equal(help.code, 0);
    for (const flag of ['--bootstrap-server', '--topic', '--include', '--partition', '--offset', '--from-beginning', '--group', '--max-messages', '--timeout-ms', '--skip-message-on-error', '--consumer-property', '--consumer.config', '--isolation-level', '--property']) assert.ok(help.stdout.includes(flag), flag);
    const version = await runBin('kafka-console-producer', ['--version']);
    assert.match(version.stdout, /^\d+\.\d+\.\d+ \(Samsa\)\n$/);
  });

  it('--compression-codec without a value means gzip; acks=1 and --sync deliver every line', async () => {
    await produceLines('compressed', ['one', 'two'], ['--compression-codec']);
    await produceLines('compressed', ['three'], ['--compression-codec', 'zstd', '--request-required-acks', '1', '--sync']);
    const r = await runBin('kafka-console-consumer', ['--bootstrap-server', tb.bootstrap, '--topic', 'compressed', '--from-beginning', '--max-messages', '3']);
    assert.equal(r.stdout, 'one\ntwo\nthree\n');
  });

  it('on a terminal the producer prompts with > for each line (run under script(1) for a pseudo-terminal)', { skip: existsSync('/usr/bin/script') || process.env.CI === 'true' ? false : 'script(1) (bsdutils) is not installed' }, async () => {
    const bin = join(PACKAGE_ROOT, 'dist', 'src', 'bin', 'kafka-console-producer.cjs');
    const child = spawnCommand('script', ['-qec', `'${process.execPath}' '${bin}' --bootstrap-server ${tb.bootstrap} --topic on-a-tty`, '/dev/null']);
    const done = finished(child);
    let seen = '';
    child.stdout!.on('data', (d: Buffer) => (seen += d.toString()));
    while (!seen.startsWith('>')) await once(child.stdout!, 'data');
    child.stdin!.write('typed one\ntyped two\n');
    while ((seen.match(/>/g) ?? []).length < 3) await once(child.stdout!, 'data');
    child.stdin!.end('\u0004'); // Ctrl-D: end of input on the terminal
    const r = await done;
    assert.equal(r.code, 0, r.stdout);
    assert.equal((r.stdout.match(/>/g) ?? []).length, 3, 'one prompt before each line and one after the last');
    const consumed = await runBin('kafka-console-consumer', ['--bootstrap-server', tb.bootstrap, '--topic', 'on-a-tty', '--from-beginning', '--max-messages', '2']);
    assert.equal(consumed.stdout, 'typed one\ntyped two\n');
  });
});
