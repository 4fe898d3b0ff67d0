import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { ApiKey } from '../../../src/protocol/generated/index.js';
import type { ProduceRequest } from '../../../src/protocol/generated/index.js';
import { assertReencodesIdentically, assertRequestContent } from '../../../src/testkit/captured-request-check.js';
import { assertProducedRecords } from '../../../src/testkit/captured-records-check.js';
import { FrameCaptureServer } from '../../../src/testkit/frame-capture-server.js';
import { INTEROP_CODECS, INTEROP_PRODUCE_SPEC } from '../../../src/testkit/interop-produce-spec.js';
import type { InteropCodec } from '../../../src/testkit/interop-produce-spec.js';
import { runKafkajsProducer } from '../../../src/testkit/kafkajs-producer.js';
import { kcatVersion, runKcatProducer } from '../../../src/testkit/kcat-producer.js';

// Runs real producers against the capture server now, and holds what they send to the same
// standard as the committed fixtures: it decodes, and it re-encodes to the very same bytes.

const CLIENT_TIMEOUT_MS = 20_000;
const TEST_TIMEOUT_MS = 30_000;

const kcat = kcatVersion();
const inCi = process.env.CI === 'true';
// Outside CI a machine without kcat skips its tests; in CI (.ci/run installs kcat) it is a failure.
const kcatSkip: string | false = kcat === null && !inCi ? 'kcat is not installed (apt-get install -y kcat); skipped because CI is not "true"' : false;

interface LiveRun {
  codec: InteropCodec;
  idempotent: boolean;
}

const RUNS: LiveRun[] = [...INTEROP_CODECS.map((codec) => ({ codec, idempotent: false })), { codec: 'lz4', idempotent: true }];

function runName(run: LiveRun): string {
  return `${run.idempotent ? 'idempotent ' : ''}${run.codec}`;
}

/**
 * The checks every live run ends with: the server had no trouble, a Produce came, every frame
 * round-trips, and the records inside decode to what the client was given.
 */
function checkCapture(server: FrameCaptureServer, run: LiveRun, clientId: string, label: string): void {
  assert.deepEqual(server.problems, [], `${label}: capture server problems`);
  const frames = server.frames();
  const apis = new Set(frames.map((f) => f.apiKey));
  assert.ok(apis.has(ApiKey.ApiVersions), `${label}: no ApiVersions (${server.describeFrames()})`);
  assert.ok(apis.has(ApiKey.Metadata), `${label}: no Metadata (${server.describeFrames()})`);
  assert.ok(apis.has(ApiKey.Produce), `${label}: no Produce (${server.describeFrames()})`);
  assert.equal(apis.has(ApiKey.InitProducerId), run.idempotent, `${label}: InitProducerId only from the idempotent producer`);
  for (const frame of frames) {
    const frameLabel = `${label} frame ${frame.sequence}`;
    const decoded = assertReencodesIdentically(frame.frame, frameLabel);
    assertRequestContent(decoded, { spec: INTEROP_PRODUCE_SPEC, clientId, codec: run.codec, idempotent: run.idempotent, producerId: 1000n }, frameLabel);
    if (frame.apiKey === ApiKey.Produce) {
      assertProducedRecords(decoded.body as ProduceRequest, { spec: INTEROP_PRODUCE_SPEC, codec: run.codec, idempotent: run.idempotent, producerId: 1000n }, frameLabel);
    }
  }
}

describe('live capture: real producers against the frame capture server', () => {
  const servers: FrameCaptureServer[] = [];
  const kill = new AbortController();
  after(async () => {
    kill.abort();
    await Promise.all(servers.map((s) => s.close()));
  });

  async function startServer(): Promise<FrameCaptureServer> {
    const server = await FrameCaptureServer.start();
    servers.push(server);
    return server;
  }

  for (const run of RUNS) {
    test(`kcat produces (${runName(run)})`, { skip: kcatSkip, timeout: TEST_TIMEOUT_MS }, async () => {
      assert.ok(kcat !== null, 'kcat is not installed, and CI=true requires it (.ci/run installs it with apt-get)');
      const server = await startServer();
      const clientId = 'samsa-live-kcat';
      const result = await runKcatProducer({
        bootstrap: server.bootstrap, spec: INTEROP_PRODUCE_SPEC, codec: run.codec, idempotent: run.idempotent, clientId,
        timeoutMs: CLIENT_TIMEOUT_MS, signal: kill.signal,
      });
      assert.equal(result.timedOut, false, `kcat did not finish within ${CLIENT_TIMEOUT_MS} ms; got ${server.describeFrames()}; stderr: ${result.stderr}`);
      assert.equal(result.exitCode, 0, `kcat exited with ${result.exitCode ?? result.signal}; stderr: ${result.stderr}`);
      checkCapture(server, run, clientId, `kcat ${runName(run)}`);
    });
  }

  for (const run of RUNS) {
    test(`kafkajs produces (${runName(run)})`, { timeout: TEST_TIMEOUT_MS }, async () => {
      const server = await startServer();
      const clientId = 'samsa-live-kafkajs';
      await runKafkajsProducer({
        bootstrap: server.bootstrap, spec: INTEROP_PRODUCE_SPEC, codec: run.codec, idempotent: run.idempotent, clientId,
        timeoutMs: CLIENT_TIMEOUT_MS,
      });
      checkCapture(server, run, clientId, `kafkajs ${runName(run)}`);
    });
  }
});
