import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApiHandler, BrokerServices } from '../../src/broker/handlers/api-handler.js';
import type { ConnectionContext } from '../../src/broker/network/socket-server.js';
import { RequestDispatcher } from '../../src/broker/request-dispatcher.js';
import { silentLogger } from '../../src/logging/logger.js';
import { ApiKey } from '../../src/protocol/generated/api-table.js';
import { ErrorCode } from '../../src/protocol/generated/error-codes.js';
import { decodeResponse, encodeRequest } from '../../src/protocol/request-frame.js';

const connection: ConnectionContext = { connectionId: 'test', listenerName: 'PLAINTEXT', remoteAddress: '127.0.0.1', remotePort: 1, localPort: 2 };
const services = (): BrokerServices => ({}) as BrokerServices;

const failing = (apiKey: number): ApiHandler => ({
  apiKey: apiKey as never,
  minVersion: 0,
  maxVersion: 10,
  async handle() {
    throw new Error('boom');
  },
});

describe('RequestDispatcher', () => {
  it('answers UNKNOWN_SERVER_ERROR when a handler throws and the response has a top-level error code', async () => {
    const d = new RequestDispatcher([failing(ApiKey.InitProducerId)], services, silentLogger());
    const frame = encodeRequest({ apiKey: ApiKey.InitProducerId, apiVersion: 4, correlationId: 9, clientId: 'c', body: { transactionalId: null, transactionTimeoutMs: 1, producerId: -1n, producerEpoch: -1 } });
    const outcome = await d.handle(frame.subarray(4), connection);
    assert.equal(outcome.kind, 'response');
    const bytes = Buffer.concat((outcome as { chunks: Uint8Array[] }).chunks);
    const decoded = decodeResponse(ApiKey.InitProducerId, 4, bytes.subarray(4));
    assert.equal(decoded.correlationId, 9);
    assert.equal(decoded.body.errorCode, ErrorCode.UNKNOWN_SERVER_ERROR);
  });

  it('closes the connection when the failing API has no top-level error code', async () => {
    const d = new RequestDispatcher([failing(ApiKey.Metadata)], services, silentLogger());
    const frame = encodeRequest({ apiKey: ApiKey.Metadata, apiVersion: 1, correlationId: 1, clientId: 'c', body: { topics: null } });
    const outcome = await d.handle(frame.subarray(4), connection);
    assert.equal(outcome.kind, 'close');
  });

  it('closes on an API the registry lacks and on a version outside the handler range', async () => {
    const d = new RequestDispatcher([failing(ApiKey.Metadata)], services, silentLogger());
    const produce = encodeRequest({ apiKey: ApiKey.Produce, apiVersion: 9, correlationId: 1, clientId: 'c', body: { transactionalId: null, acks: 1, timeoutMs: 1, topicData: [] } });
    assert.equal((await d.handle(produce.subarray(4), connection)).kind, 'close');
    const tooNew = encodeRequest({ apiKey: ApiKey.Metadata, apiVersion: 11, correlationId: 1, clientId: 'c', body: { topics: null } });
    assert.equal((await d.handle(tooNew.subarray(4), connection)).kind, 'close');
  });
});
