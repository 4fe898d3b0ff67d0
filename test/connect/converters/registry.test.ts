import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigException } from '../../../src/connect/api/errors.js';
import { Schema } from '../../../src/connect/api/data/schema.js';
import { ByteArrayConverter } from '../../../src/connect/converters/byte-array-converter.js';
import { JsonConverter } from '../../../src/connect/converters/json/json-converter.js';
import { converterSetting, defaultConverterRegistry, newConverters } from '../../../src/connect/converters/registry.js';
import { SimpleHeaderConverter } from '../../../src/connect/converters/simple-header-converter.js';
import { StringConverter } from '../../../src/connect/converters/string-converter.js';

describe('converter registry (Java class names from Kafka guides)', () => {
  const r = defaultConverterRegistry();

  it('maps the Java class names, simple names and pruned aliases', () => {
    assert.ok(r.newConverter('org.apache.kafka.connect.json.JsonConverter', 'value.converter') instanceof JsonConverter);
    assert.ok(r.newConverter('org.apache.kafka.connect.storage.StringConverter', 'key.converter') instanceof StringConverter);
    assert.ok(r.newConverter('org.apache.kafka.connect.converters.ByteArrayConverter', 'value.converter') instanceof ByteArrayConverter);
    assert.ok(r.newHeaderConverter('org.apache.kafka.connect.storage.SimpleHeaderConverter', 'header.converter') instanceof SimpleHeaderConverter);
    assert.ok(r.newConverter('JsonConverter', 'value.converter') instanceof JsonConverter);
    assert.ok(r.newConverter('Json', 'value.converter') instanceof JsonConverter);
    assert.equal(r.resolve('ByteArray'), 'org.apache.kafka.connect.converters.ByteArrayConverter');
    assert.ok(r.newHeaderConverter('org.apache.kafka.connect.json.JsonConverter', 'header.converter') instanceof JsonConverter);
  });

  it("rejects unknown classes and header-only converters as key/value converters", () => {
    assert.throws(() => r.newConverter('io.confluent.connect.avro.AvroConverter', 'value.converter'), (e: unknown) => e instanceof ConfigException
      && e.message === 'Invalid value io.confluent.connect.avro.AvroConverter for configuration value.converter: Class io.confluent.connect.avro.AvroConverter could not be found.');
    assert.throws(() => r.newConverter('org.apache.kafka.connect.storage.SimpleHeaderConverter', 'key.converter'), ConfigException);
  });
});

describe('key.converter / value.converter / header.converter resolution (Kafka prefix rules)', () => {
  const worker = {
    'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
    'key.converter.converter.encoding': 'ISO-8859-1',
    'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'value.converter.schemas.enable': 'false',
    'value.converterx': 'ignored',
    'bootstrap.servers': 'localhost:9092',
  };

  it('uses the worker settings, prefix stripped, with converter.type', () => {
    const s = converterSetting('value.converter', worker);
    assert.equal(s.source, 'worker');
    assert.equal(s.className, 'org.apache.kafka.connect.json.JsonConverter');
    assert.deepEqual(s.configs, { 'schemas.enable': 'false', 'converter.type': 'value' });
  });

  it("a connector's class wins and brings only the connector's own settings", () => {
    const s = converterSetting('value.converter', worker, { 'value.converter': 'org.apache.kafka.connect.json.JsonConverter', 'value.converter.decimal.format': 'NUMERIC' });
    assert.equal(s.source, 'connector');
    assert.deepEqual(s.configs, { 'decimal.format': 'NUMERIC', 'converter.type': 'value' }, 'the worker schemas.enable=false is not inherited');
    const w = converterSetting('value.converter', worker, { 'value.converter.schemas.enable': 'true' });
    assert.equal(w.source, 'worker', 'prefixed settings without a class do not switch to the connector');
    assert.deepEqual(w.configs, { 'schemas.enable': 'false', 'converter.type': 'value' });
  });

  it('header.converter defaults to SimpleHeaderConverter; key/value converters are required', () => {
    const h = converterSetting('header.converter', worker);
    assert.equal(h.source, 'default');
    assert.equal(h.className, 'org.apache.kafka.connect.storage.SimpleHeaderConverter');
    assert.throws(() => converterSetting('key.converter', {}), { message: 'Missing required configuration "key.converter" which has no default value.' });
  });

  it('newConverters builds configured converters that behave per their settings', () => {
    const { keyConverter, valueConverter, headerConverter } = newConverters(new Map(Object.entries(worker)), { 'key.converter': 'org.apache.kafka.connect.converters.ByteArrayConverter' });
    assert.ok(keyConverter instanceof ByteArrayConverter);
    assert.ok(headerConverter instanceof SimpleHeaderConverter);
    assert.equal(Buffer.from(valueConverter.fromConnectData('t', null, Schema.INT32_SCHEMA, 5)!).toString(), '5', 'schemas.enable=false reached the JsonConverter');
    const strings = newConverters(worker);
    assert.deepEqual([...strings.keyConverter.fromConnectData('t', null, null, 'é')!], [0xe9], 'converter.encoding reached the StringConverter');
  });
});
