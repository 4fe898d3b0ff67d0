import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ApiKey } from '../../../src/protocol/generated/index.js';
import type { ProduceRequest } from '../../../src/protocol/generated/index.js';
import { decodeRequest } from '../../../src/protocol/request-frame.js';
import { readCaptureIndex } from '../../../src/testkit/capture-index.js';
import { assertProducedRecords } from '../../../src/testkit/captured-records-check.js';

const capturesDir = fileURLToPath(new URL('../../../../test/fixtures/captures/', import.meta.url));
const index = readCaptureIndex(capturesDir);

describe('record batches inside captured Produce requests (protocol/records)', () => {
  for (const entry of index.frames.filter((f) => f.apiKey === ApiKey.Produce)) {
    test(`${entry.file}: ${entry.codec} batch holds the keys, values and headers the client sent`, () => {
      const run = index.runs.find((r) => r.client === entry.client && r.run === entry.run)!;
      const body = decodeRequest(readFileSync(join(capturesDir, entry.file))).body as ProduceRequest;
      assertProducedRecords(body, { spec: index.spec, codec: run.codec, idempotent: run.idempotent, producerId: 1000n }, entry.file);
    });
  }
});
