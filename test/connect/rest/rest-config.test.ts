/**
 * Worker properties → the REST server's placement, with Kafka's precedence and defaults, and the
 * server it starts: `listeners` over `rest.host.name`/`rest.port`, advertised host/port, https
 * and bad values refused naming the key.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hostname } from 'node:os';
import { silentLogger } from '../../../src/logging/logger.js';
import { parseListener, restServerPlacement } from '../../../src/connect/rest/rest-config.js';
import { startRestServer } from '../../../src/connect/rest/rest-server.js';
import { failingHerder } from './rest-test-herder.js';
import { http } from './rest-test-support.js';

describe('REST server placement from worker properties', () => {
  it('defaults to http://:8083', () => {
    assert.deepEqual(restServerPlacement({}), { listeners: ['http://:8083'] });
  });

  it('uses the legacy rest.host.name / rest.port only when listeners is not set', () => {
    assert.deepEqual(restServerPlacement({ 'rest.host.name': 'connect-1', 'rest.port': '9000' }), { listeners: ['http://connect-1:9000'] });
    assert.deepEqual(restServerPlacement({ listeners: 'http://0.0.0.0:8084', 'rest.host.name': 'connect-1', 'rest.port': '9000' }), { listeners: ['http://0.0.0.0:8084'] });
  });

  it('reads the advertised host and port', () => {
    assert.deepEqual(restServerPlacement({ listeners: 'HTTP://localhost:8083', 'rest.advertised.host.name': 'connect.example', 'rest.advertised.port': '80', 'rest.advertised.listener': 'http' }), {
      listeners: ['HTTP://localhost:8083'],
      advertisedHost: 'connect.example',
      advertisedPort: 80,
    });
  });

  it('refuses https, other protocols and malformed values, naming the key', () => {
    assert.throws(() => restServerPlacement({ listeners: 'https://localhost:8443' }), { name: 'ConfigException', message: /listeners: TLS \(https\) listeners are not supported yet/ });
    assert.throws(() => restServerPlacement({ 'rest.advertised.listener': 'https' }), { name: 'ConfigException', message: /rest\.advertised\.listener: TLS/ });
    assert.throws(() => restServerPlacement({ listeners: 'ftp://localhost:21' }), { name: 'ConfigException', message: /configuration listeners/ });
    assert.throws(() => restServerPlacement({ listeners: 'localhost:8083' }), { name: 'ConfigException', message: /configuration listeners/ });
    assert.throws(() => restServerPlacement({ listeners: 'http://localhost:70000' }), { name: 'ConfigException', message: /configuration listeners/ });
    assert.throws(() => restServerPlacement({ 'rest.port': 'eighty' }), { name: 'ConfigException', message: /configuration rest\.port/ });
    assert.throws(() => restServerPlacement({ 'rest.advertised.port': '-1' }), { name: 'ConfigException', message: /configuration rest\.advertised\.port/ });
    assert.throws(() => restServerPlacement({ 'rest.advertised.listener': 'gopher' }), { name: 'ConfigException', message: /configuration rest\.advertised\.listener/ });
  });

  it('parses IPv6 and wildcard listeners', () => {
    assert.deepEqual(parseListener('http://[::1]:8083'), { protocol: 'http', host: '::1', port: 8083 });
    assert.deepEqual(parseListener('http://:0/'), { protocol: 'http', host: '', port: 0 });
  });

  it('the server advertises rest.advertised.* or, on every interface, this machine\'s name', async () => {
    const herder = failingHerder(() => new Error('unused'));
    const advertised = await startRestServer({ herder, ...restServerPlacement({ listeners: 'http://127.0.0.1:0', 'rest.advertised.host.name': 'connect.example', 'rest.advertised.port': '8090' }), logger: silentLogger(), version: 'v', commit: 'c' });
    try {
      assert.equal(advertised.url, 'http://connect.example:8090/');
      assert.equal((await http(`http://127.0.0.1:${advertised.port}`, 'GET', '/no/such')).status, 404);
    } finally {
      await advertised.close();
    }
    const wildcard = await startRestServer({ herder, ...restServerPlacement({ listeners: 'http://:0' }), logger: silentLogger(), version: 'v', commit: 'c' });
    try {
      assert.equal(wildcard.url, `http://${hostname()}:${wildcard.port}/`);
    } finally {
      await wildcard.close();
    }
    await assert.rejects(startRestServer({ herder, listeners: ['https://127.0.0.1:0'], logger: silentLogger(), version: 'v', commit: 'c' }), { name: 'ConfigException' });
  });
});
