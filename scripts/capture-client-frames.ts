/**
 * Captures the request frames that real Kafka clients send, as byte fixtures for the codec tests.
 *
 *   npm run build && node dist/scripts/capture-client-frames.js [--out DIR]
 *
 * Starts a FrameCaptureServer per run, points a real producer at it (kcat from the system, kafkajs
 * from node_modules), and writes every request frame it received to DIR (default
 * test/fixtures/captures/): one `.bin` per frame (the bytes after the 4-byte size prefix), an
 * `index.json` describing them, and a README.md saying how they were made. Needs `kcat` on the PATH.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { API_DEFINITIONS, ApiKey } from '../src/protocol/generated/index.js';
import type { ProduceRequest } from '../src/protocol/generated/index.js';
import { decodeRequest } from '../src/protocol/request-frame.js';
import { FrameCaptureServer, brokerApiVersions } from '../src/testkit/frame-capture-server.js';
import type { CapturedFrame } from '../src/testkit/frame-capture-server.js';
import type { CaptureIndex, CaptureIndexEntry, CaptureRun } from '../src/testkit/capture-index.js';
import { INTEROP_CODECS, INTEROP_PRODUCE_SPEC } from '../src/testkit/interop-produce-spec.js';
import type { InteropCodec } from '../src/testkit/interop-produce-spec.js';
import { kafkajsVersion, runKafkajsProducer } from '../src/testkit/kafkajs-producer.js';
import { kcatProduceArgs, kcatVersion, runKcatProducer } from '../src/testkit/kcat-producer.js';
import { summarizeRecordBatches } from '../src/testkit/record-batch-summary.js';

const KCAT_CLIENT_ID = 'samsa-capture-kcat';
const KAFKAJS_CLIENT_ID = 'samsa-capture-kafkajs';

function kebab(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

function shellQuote(arg: string): string {
  if (arg === '\t') return "$'\\t'";
  return /^[A-Za-z0-9_./:=,@+-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The frame with its correlation id zeroed, to spot requests that are the same apart from it. */
function identityKey(frame: Buffer): string {
  const copy = Buffer.from(frame);
  copy.writeInt32BE(0, 4);
  return copy.toString('hex');
}

async function captureRun(run: CaptureRun): Promise<CapturedFrame[]> {
  const server = await FrameCaptureServer.start();
  try {
    if (run.client === 'kcat') {
      const result = await runKcatProducer({
        bootstrap: server.bootstrap, spec: INTEROP_PRODUCE_SPEC, codec: run.codec, idempotent: run.idempotent, clientId: run.clientId,
      });
      if (result.exitCode !== 0) {
        throw new Error(`kcat ${run.run} exited with ${result.exitCode ?? result.signal}${result.timedOut ? ' (timed out)' : ''}: ${result.stderr}`);
      }
    } else {
      await runKafkajsProducer({
        bootstrap: server.bootstrap, spec: INTEROP_PRODUCE_SPEC, codec: run.codec, idempotent: run.idempotent, clientId: run.clientId,
      });
    }
    if (server.problems.length > 0) throw new Error(`${run.client} ${run.run}: ${server.problems.map((p) => p.message).join('; ')}`);
    if (!server.frames().some((f) => f.apiKey === ApiKey.Produce)) throw new Error(`${run.client} ${run.run}: no Produce arrived (${server.describeFrames()})`);
    return [...server.frames()];
  } finally {
    await server.close();
  }
}

function plannedRuns(): CaptureRun[] {
  const runs: CaptureRun[] = [];
  const kcat = (codec: InteropCodec, idempotent: boolean): void => {
    const args = kcatProduceArgs({ bootstrap: '127.0.0.1:PORT', spec: INTEROP_PRODUCE_SPEC, codec, idempotent, clientId: KCAT_CLIENT_ID });
    runs.push({
      client: 'kcat', run: idempotent ? `idempotent-${codec}` : codec, codec, idempotent, clientId: KCAT_CLIENT_ID,
      command: `kcat ${args.map(shellQuote).join(' ')} < MESSAGES`,
    });
  };
  const kafkajs = (codec: InteropCodec, idempotent: boolean): void => {
    const codecType = { none: 'None', gzip: 'GZIP', snappy: 'Snappy', lz4: 'LZ4', zstd: 'ZSTD' }[codec];
    runs.push({
      client: 'kafkajs', run: idempotent ? `idempotent-${codec}` : codec, codec, idempotent, clientId: KAFKAJS_CLIENT_ID,
      command:
        `kafka = new Kafka({ clientId: '${KAFKAJS_CLIENT_ID}', brokers: ['127.0.0.1:PORT'] }); ` +
        `producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner${idempotent ? ', idempotent: true, maxInFlightRequests: 1, retry: { retries: 1 }' : ''} }); ` +
        `await producer.connect(); await producer.send({ topic, acks: -1, compression: CompressionTypes.${codecType}, messages }); await producer.disconnect()`,
    });
  };
  for (const codec of INTEROP_CODECS) kcat(codec, false);
  kcat('zstd', true);
  for (const codec of INTEROP_CODECS) kafkajs(codec, false);
  kafkajs('gzip', true);
  return runs;
}

function readmeText(index: CaptureIndex, outDirShown: string): string {
  const spec = index.spec;
  const lines: string[] = [];
  lines.push('# Request frames captured from real Kafka clients');
  lines.push('');
  lines.push('Generated by `scripts/capture-client-frames.ts`; do not edit by hand. Regenerate with');
  lines.push('');
  lines.push('```');
  lines.push('npm run build && node dist/scripts/capture-client-frames.js');
  lines.push('```');
  lines.push('');
  lines.push(`Captured on ${index.capturedAt} (the capturing machine's clock) with:`);
  lines.push('');
  lines.push(`* kcat ${index.clients.kcat.kcat} (librdkafka ${index.clients.kcat.librdkafka}), Debian bookworm package \`kcat\``);
  lines.push(`* kafkajs ${index.clients.kafkajs.kafkajs} (npm devDependency), on Node ${index.clients.node}`);
  lines.push('');
  lines.push('## How');
  lines.push('');
  lines.push('For every run the script starts `FrameCaptureServer` (`src/testkit/frame-capture-server.ts`) on');
  lines.push('127.0.0.1 and an OS-chosen port. The server plays a one-node broker with the project\'s codec: it');
  lines.push('answers ApiVersions (every API a KRaft broker built from the same schemas lists for the `broker`');
  lines.push('listener, over its stable range), Metadata (itself as node 1, leader of partition 0 of each topic');
  lines.push('asked for), InitProducerId (producer id 1000, epoch 0) and Produce (no error, offsets from 0), and');
  lines.push('keeps every request frame. The client then produces:');
  lines.push('');
  lines.push(`* topic \`${spec.topic}\`, acks -1, one batch of ${spec.messages.length} records:`);
  for (const m of spec.messages) lines.push(`  * key \`${m.key}\`, value \`${m.value}\``);
  lines.push(`* headers on every record: ${spec.headers.map(([k, v]) => `\`${k}=${v}\``).join(', ')}`);
  lines.push('');
  lines.push('The values are long and repetitive because librdkafka sends a batch uncompressed when');
  lines.push('compression would not make it smaller.');
  lines.push('');
  lines.push('Runs. PORT is the capture server\'s port; MESSAGES is the text kcat reads from its standard');
  lines.push('input: one line per record, the key, a tab, the value (`key-1<TAB>value-1 samsa ...`).');
  lines.push('');
  for (const run of index.runs) lines.push(`* ${run.client} \`${run.run}\`: \`${run.command}\``);
  lines.push('');
  lines.push('kafkajs ships only gzip. For snappy, lz4 and zstd the script registers small codec adapters');
  lines.push('(`src/testkit/kafkajs-producer.ts`) over the compression packages the project already depends on');
  lines.push('(`snappy` raw format, `lz4-napi` LZ4 frame format, `@toondepauw/node-zstd`); kafkajs still builds');
  lines.push('the batch around the compressed bytes. kcat\'s compression is librdkafka\'s own.');
  lines.push('');
  lines.push('## Files');
  lines.push('');
  lines.push('Each `.bin` is one request frame exactly as received, without the 4-byte size prefix. Names are');
  lines.push('`<client>-<run>-<position in the run>-<api>-v<version>.bin`. A non-Produce frame that is');
  lines.push('byte-identical (apart from the correlation id) to one already kept for the same client is not');
  lines.push('written again, so ApiVersions and Metadata mostly come from the first run. `index.json` lists');
  lines.push('every file with its client, run, API key and version, correlation id, client id, the codec found');
  lines.push('in the batch attributes (Produce only), size and SHA-256, plus the produce spec and the runs.');
  lines.push('');
  lines.push('| file | API | version | codec | bytes |');
  lines.push('|---|---|---:|---|---:|');
  for (const f of index.frames) lines.push(`| \`${f.file}\` | ${f.apiName} | ${f.apiVersion} | ${f.codec ?? ''} | ${f.bytes} |`);
  lines.push('');
  lines.push(`Advertised by the capture server: ${brokerApiVersions().length} API keys.`);
  lines.push(`Directory: \`${outDirShown}\`.`);
  lines.push('');
  return lines.join('\n');
}

async function main(): Promise<void> {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const repoRoot = resolve(here, '..', '..');
  const outArg = process.argv.indexOf('--out');
  const outDir = outArg >= 0 && process.argv[outArg + 1] !== undefined ? resolve(process.argv[outArg + 1]!) : join(repoRoot, 'test', 'fixtures', 'captures');

  const kcat = kcatVersion();
  if (kcat === null) throw new Error('kcat is not installed (apt-get install -y kcat)');

  const runs = plannedRuns();
  const captured: Array<{ run: CaptureRun; frames: CapturedFrame[] }> = [];
  for (const run of runs) {
    process.stderr.write(`capturing ${run.client} ${run.run} ... `);
    const frames = await captureRun(run);
    process.stderr.write(`${frames.map((f) => `${API_DEFINITIONS[f.apiKey]!.name} v${f.apiVersion}`).join(', ')}\n`);
    captured.push({ run, frames });
  }

  mkdirSync(outDir, { recursive: true });
  for (const name of readdirSync(outDir)) {
    if (name.endsWith('.bin') || name === 'index.json' || name === 'README.md') rmSync(join(outDir, name));
  }

  const entries: CaptureIndexEntry[] = [];
  const seen = new Set<string>();
  for (const { run, frames } of captured) {
    frames.forEach((frame, position) => {
      const def = API_DEFINITIONS[frame.apiKey]!;
      let codec: string | null = null;
      if (frame.apiKey === ApiKey.Produce) {
        const body = decodeRequest(frame.frame).body as ProduceRequest;
        const codecs = new Set(body.topicData.flatMap((t) => t.partitionData.flatMap((p) => summarizeRecordBatches(p.records).map((b) => b.codec))));
        codec = [...codecs].join(',');
        if (codec !== run.codec) throw new Error(`${run.client} ${run.run}: Produce carried codec ${codec}, expected ${run.codec}`);
      } else {
        const key = `${run.client}:${identityKey(frame.frame)}`;
        if (seen.has(key)) return;
        seen.add(key);
      }
      const file = `${run.client}-${run.run}-${String(position).padStart(2, '0')}-${kebab(def.name)}-v${frame.apiVersion}.bin`;
      writeFileSync(join(outDir, file), frame.frame);
      entries.push({
        file,
        client: run.client,
        run: run.run,
        sequence: position,
        connectionId: frame.connectionId,
        apiKey: frame.apiKey,
        apiName: def.name,
        apiVersion: frame.apiVersion,
        correlationId: frame.correlationId,
        clientId: frame.clientId,
        codec,
        bytes: frame.frame.length,
        sha256: createHash('sha256').update(frame.frame).digest('hex'),
      });
    });
  }

  const index: CaptureIndex = {
    generatedBy: 'scripts/capture-client-frames.ts',
    capturedAt: new Date().toISOString(),
    clients: { kcat: { kcat: kcat.kcat, librdkafka: kcat.librdkafka }, kafkajs: { kafkajs: kafkajsVersion() }, node: process.versions.node },
    spec: INTEROP_PRODUCE_SPEC,
    runs,
    frames: entries,
  };
  writeFileSync(join(outDir, 'index.json'), `${JSON.stringify(index, null, 2)}\n`);
  writeFileSync(join(outDir, 'README.md'), readmeText(index, relative(repoRoot, outDir) || '.'));
  process.stderr.write(`wrote ${entries.length} frames to ${outDir}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
