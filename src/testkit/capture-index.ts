import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InteropCodec, InteropProduceSpec } from './interop-produce-spec.js';

/** The shape of test/fixtures/captures/index.json. */
export type CaptureClient = 'kcat' | 'kafkajs';

export interface CaptureRun {
  client: CaptureClient;
  /** Short name used in file names: the codec, or `idempotent-<codec>`. */
  run: string;
  codec: InteropCodec;
  idempotent: boolean;
  clientId: string;
  /** How the client was invoked (the port shown as PORT). */
  command: string;
}

export interface CaptureIndexEntry {
  file: string;
  client: CaptureClient;
  run: string;
  /** Position of the frame among the frames of its run (0-based). */
  sequence: number;
  connectionId: number;
  apiKey: number;
  apiName: string;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
  /** Produce only: the codec in the attributes of the batch(es) sent; null for other APIs. */
  codec: string | null;
  bytes: number;
  sha256: string;
}

export interface CaptureIndex {
  generatedBy: string;
  capturedAt: string;
  clients: { kcat: { kcat: string; librdkafka: string }; kafkajs: { kafkajs: string }; node: string };
  spec: InteropProduceSpec;
  runs: CaptureRun[];
  frames: CaptureIndexEntry[];
}

/** Reads `index.json` of a captures directory (see scripts/capture-client-frames.ts). */
export function readCaptureIndex(dir: string): CaptureIndex {
  return JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as CaptureIndex;
}
