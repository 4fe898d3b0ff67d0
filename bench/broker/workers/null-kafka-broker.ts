/**
 * A "null Kafka broker", to find the C producer's own ceiling: it speaks just enough of the Kafka
 * protocol for a producer (ApiVersions, Metadata, Produce) and acknowledges every Produce request
 * at once without checking, storing or even decoding its record batches past the request's
 * structure. Every topic asked for has one partition, led by this process (node 0). Whatever a
 * producer reaches against it is what the producer itself can do on this machine: the ceiling of
 * any broker's figure with that producer.
 *
 * Usage: node dist/bench/broker/workers/null-kafka-broker.js '{"port":0}'; prints
 * `{"type":"ready","port":N}` once listening and runs until SIGTERM.
 */
import { createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { FrameReader } from '../../../src/net/frame-reader.js';
import { provideAllCodecs } from '../../../src/protocol/generated/api-table.js';
import { decodeRequest, encodeResponse } from '../../../src/protocol/request-frame.js';
import { codecApiVersions } from '../../../src/protocol/supported-api-versions.js';
import type { ApiVersionsResponse, MetadataRequest, MetadataResponse, ProduceRequest, ProduceResponse } from '../../../src/protocol/generated/index.js';
import { emit, workerParams } from '../worker-io.js';

const API_VERSIONS = 18;
const METADATA = 3;
const PRODUCE = 0;
const HOST = '127.0.0.1';

/** The three APIs, at the versions the codec supports (v3+ of Produce: record batches only). */
const ADVERTISED = codecApiVersions()
  .filter((v) => v.apiKey === API_VERSIONS || v.apiKey === METADATA || v.apiKey === PRODUCE)
  .map((v) => ({ apiKey: v.apiKey, minVersion: v.apiKey === PRODUCE ? 3 : v.minVersion, maxVersion: v.maxVersion }));

/** The next base offset per topic (batches are never read, so each request counts as one record). */
const nextOffset = new Map<string, bigint>();

function answer(frame: Buffer, port: number): Buffer | null {
  const { header, body } = decodeRequest(frame);
  const key = header.requestApiKey;
  const version = header.requestApiVersion;
  const correlationId = header.correlationId;
  if (key === API_VERSIONS) {
    const response: ApiVersionsResponse = { errorCode: 0, apiKeys: ADVERTISED, throttleTimeMs: 0 };
    return encodeResponse(API_VERSIONS, Math.min(version, 3), correlationId, response);
  }
  if (key === METADATA) {
    const req = body as MetadataRequest;
    const names = (req.topics ?? []).map((t) => t.name).filter((n): n is string => n !== null && n !== undefined);
    const response: MetadataResponse = {
      brokers: [{ nodeId: 0, host: HOST, port, rack: null }],
      clusterId: 'null-kafka-broker',
      controllerId: 0,
      topics: names.map((name) => ({
        errorCode: 0,
        name,
        isInternal: false,
        partitions: [{ errorCode: 0, partitionIndex: 0, leaderId: 0, leaderEpoch: 0, replicaNodes: [0], isrNodes: [0], offlineReplicas: [] }],
      })),
    };
    return encodeResponse(METADATA, version, correlationId, response);
  }
  if (key === PRODUCE) {
    const req = body as ProduceRequest;
    const response: ProduceResponse = {
      responses: req.topicData.map((t) => ({
        name: t.name,
        partitionResponses: t.partitionData.map((p) => {
          const base = nextOffset.get(t.name) ?? 0n;
          nextOffset.set(t.name, base + 1n);
          return { index: p.index, errorCode: 0, baseOffset: base, logAppendTimeMs: -1n, logStartOffset: 0n, recordErrors: [], errorMessage: null };
        }),
      })),
      throttleTimeMs: 0,
    };
    return req.acks === 0 ? null : encodeResponse(PRODUCE, version, correlationId, response);
  }
  throw new Error(`API key ${key} is not served by the null Kafka broker`);
}

function serve(socket: Socket, port: number): void {
  const reader = new FrameReader({ maxFrameBytes: 200 * 1024 * 1024 });
  socket.setNoDelay(true);
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk: Buffer) => {
    if (reader.push(chunk) !== undefined) {
      socket.destroy();
      return;
    }
    for (let frame = reader.nextFrame(); frame !== null; frame = reader.nextFrame()) {
      let out: Buffer | null;
      try {
        out = answer(frame, port);
      } catch (err) {
        process.stderr.write(`null Kafka broker: ${(err as Error).message}; closing the connection\n`);
        socket.destroy();
        return;
      }
      if (out !== null) socket.write(out);
    }
  });
}

// A broker: it decodes whatever a client sends (the API table provides every codec).
provideAllCodecs();
const params = workerParams<{ port: number }>();
let listeningPort = 0;
const server = createServer((socket) => serve(socket, listeningPort));
server.listen(params.port, HOST, () => {
  listeningPort = (server.address() as AddressInfo).port;
  emit({ type: 'ready', port: listeningPort });
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
