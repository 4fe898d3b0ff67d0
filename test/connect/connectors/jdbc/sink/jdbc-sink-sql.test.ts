/**
 * The JDBC sink without a database: the SQL each dialect writes (CREATE TABLE with types, keys,
 * NOT NULL and defaults; ALTER TABLE; insert, upsert, update, delete, multi-row), bind parameters
 * for Connect values, FieldsMetadata per pk.mode with Confluent's errors, the configuration's
 * defaults and validation, and the plugin registry's names for the connector.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BigDecimal } from '../../../../../src/connect/api/data/big-decimal.js';
import { ConnectDate, Decimal, Time, Timestamp } from '../../../../../src/connect/api/data/logical.js';
import { Schema } from '../../../../../src/connect/api/data/schema.js';
import { SchemaBuilder } from '../../../../../src/connect/api/data/schema-builder.js';
import { ConfigException, ConnectException } from '../../../../../src/connect/api/errors.js';
import { defaultConnectorRegistry } from '../../../../../src/connect/connectors/registry.js';
import { extractFieldsMetadata, type SinkRecordField } from '../../../../../src/connect/connectors/jdbc/sink/fields-metadata.js';
import { JdbcSinkConfig } from '../../../../../src/connect/connectors/jdbc/sink/jdbc-sink-config.js';
import { JdbcSinkConnector } from '../../../../../src/connect/connectors/jdbc/sink/jdbc-sink-connector.js';
import { MySqlSinkDialect } from '../../../../../src/connect/connectors/jdbc/sink/mysql-sink-dialect.js';
import { PostgresSinkDialect } from '../../../../../src/connect/connectors/jdbc/sink/postgres-sink-dialect.js';

const mysql = new MySqlSinkDialect('always', 'UTC');
const pg = new PostgresSinkDialect('always', 'UTC');
const f = (name: string, schema: Schema, isPrimaryKey = false): SinkRecordField => ({ name, schema, isPrimaryKey });

describe('JDBC sink SQL', () => {
  const fields = [
    f('id', Schema.INT64_SCHEMA, true),
    f('code', Schema.STRING_SCHEMA, true),
    f('name', Schema.OPTIONAL_STRING_SCHEMA),
    f('status', SchemaBuilder.string().defaultValue("it's new").build()),
    f('price', Decimal.builder(3).optional().build()),
    f('flag', SchemaBuilder.bool().defaultValue(true).build()),
    f('born', ConnectDate.builder().optional().build()),
    f('at', Time.builder().optional().build()),
    f('seen', Timestamp.builder().optional().build()),
    f('blob', Schema.OPTIONAL_BYTES_SCHEMA),
    f('tiny', Schema.INT8_SCHEMA), f('small', Schema.INT16_SCHEMA), f('int', Schema.INT32_SCHEMA),
    f('real', Schema.FLOAT32_SCHEMA), f('double', Schema.FLOAT64_SCHEMA),
  ];

  it('CREATE TABLE for MySQL/MariaDB', () => {
    assert.equal(mysql.buildCreateTable({ name: 'orders' }, fields), [
      'CREATE TABLE `orders` (',
      '`id` BIGINT NOT NULL,',
      '`code` VARCHAR(256) NOT NULL,',
      '`name` TEXT NULL,',
      "`status` TEXT DEFAULT 'it''s new' NOT NULL,",
      '`price` DECIMAL(65,3) NULL,',
      '`flag` TINYINT DEFAULT 1 NOT NULL,',
      '`born` DATE NULL,',
      '`at` TIME(3) NULL,',
      '`seen` DATETIME(3) NULL,',
      '`blob` BLOB NULL,',
      '`tiny` TINYINT NOT NULL,',
      '`small` SMALLINT NOT NULL,',
      '`int` INT NOT NULL,',
      '`real` FLOAT NOT NULL,',
      '`double` DOUBLE NOT NULL,',
      'PRIMARY KEY(`id`,`code`))',
    ].join('\n'));
  });

  it('CREATE TABLE for PostgreSQL', () => {
    assert.equal(pg.buildCreateTable({ schema: 'app', name: 'orders' }, fields), [
      'CREATE TABLE "app"."orders" (',
      '"id" BIGINT NOT NULL,',
      '"code" TEXT NOT NULL,',
      '"name" TEXT NULL,',
      `"status" TEXT DEFAULT 'it''s new' NOT NULL,`,
      '"price" DECIMAL NULL,',
      '"flag" BOOLEAN DEFAULT TRUE NOT NULL,',
      '"born" DATE NULL,',
      '"at" TIME NULL,',
      '"seen" TIMESTAMP NULL,',
      '"blob" BYTEA NULL,',
      '"tiny" SMALLINT NOT NULL,',
      '"small" SMALLINT NOT NULL,',
      '"int" INT NOT NULL,',
      '"real" REAL NOT NULL,',
      '"double" DOUBLE PRECISION NOT NULL,',
      'PRIMARY KEY("id","code"))',
    ].join('\n'));
  });

  it('ALTER TABLE adds every missing column in one statement', () => {
    const added = [f('email', Schema.OPTIONAL_STRING_SCHEMA), f('visits', SchemaBuilder.int32().defaultValue(0).build())];
    assert.deepEqual(mysql.buildAlterTable({ name: 'users' }, added), ['ALTER TABLE `users` ADD `email` TEXT NULL,\nADD `visits` INT DEFAULT 0 NOT NULL']);
    assert.deepEqual(pg.buildAlterTable({ name: 'users' }, added), ['ALTER TABLE "users" ADD "email" TEXT NULL,\nADD "visits" INT DEFAULT 0 NOT NULL']);
  });

  it('insert, upsert, update and delete statements', () => {
    const t = { name: 'users' };
    assert.equal(mysql.buildInsert(t, ['id'], ['name', 'qty'], 2), 'INSERT INTO `users`(`id`,`name`,`qty`) VALUES(?,?,?),(?,?,?)');
    assert.equal(pg.buildInsert(t, ['id'], ['name', 'qty'], 2), 'INSERT INTO "users"("id","name","qty") VALUES($1,$2,$3),($4,$5,$6)');
    assert.equal(mysql.buildUpsert(t, ['id'], ['name', 'qty'], 1), 'insert into `users`(`id`,`name`,`qty`) values(?,?,?) on duplicate key update `name`=VALUES(`name`),`qty`=VALUES(`qty`)');
    assert.equal(mysql.buildUpsert(t, ['id'], [], 1), 'insert into `users`(`id`) values(?) on duplicate key update `id`=VALUES(`id`)');
    assert.equal(pg.buildUpsert(t, ['id'], ['name', 'qty'], 2), 'INSERT INTO "users" ("id","name","qty") VALUES ($1,$2,$3),($4,$5,$6) ON CONFLICT ("id") DO UPDATE SET "name"=EXCLUDED."name","qty"=EXCLUDED."qty"');
    assert.equal(pg.buildUpsert(t, ['a', 'b'], [], 1), 'INSERT INTO "users" ("a","b") VALUES ($1,$2) ON CONFLICT ("a","b") DO NOTHING');
    assert.equal(mysql.buildUpdate(t, ['id'], ['name', 'qty']), 'UPDATE `users` SET `name` = ?, `qty` = ? WHERE `id` = ?');
    assert.equal(pg.buildUpdate(t, ['a', 'b'], ['name']), 'UPDATE "users" SET "name" = $1 WHERE "a" = $2 AND "b" = $3');
    assert.equal(mysql.buildDelete(t, ['id'], 1), 'DELETE FROM `users` WHERE `id` = ?');
    assert.equal(pg.buildDelete(t, ['id'], 3), 'DELETE FROM "users" WHERE "id" IN ($1,$2,$3)');
    assert.equal(pg.buildDelete(t, ['a', 'b'], 2), 'DELETE FROM "users" WHERE ("a","b") IN (($1,$2),($3,$4))');
    assert.equal(new PostgresSinkDialect('never', 'UTC').buildInsert(t, ['id'], [], 1), 'INSERT INTO users(id) VALUES($1)');
    assert.deepEqual(mysql.parseTableId('db.t'), { catalog: 'db', name: 't' });
    assert.deepEqual(pg.parseTableId('s.t'), { schema: 's', name: 't' });
  });

  it('binds Connect values exactly, temporal ones in db.timezone; nested types are refused', () => {
    assert.equal(mysql.bindParameter(Decimal.schema(2), BigDecimal.parse('-12345678901234567890.05')), '-12345678901234567890.05');
    assert.equal(mysql.bindParameter(Schema.INT64_SCHEMA, -9223372036854775808n), -9223372036854775808n);
    assert.equal(mysql.bindParameter(ConnectDate.SCHEMA, new Date(Date.UTC(1900, 0, 1))), '1900-01-01');
    assert.equal(mysql.bindParameter(Timestamp.SCHEMA, new Date(Date.UTC(2024, 2, 31, 0, 30))), '2024-03-31 00:30:00.000');
    const paris = new PostgresSinkDialect('always', 'Europe/Paris');
    assert.equal(paris.bindParameter(Timestamp.SCHEMA, new Date(Date.UTC(2024, 2, 31, 0, 30))), '2024-03-31 01:30:00.000+01:00');
    assert.equal(paris.bindParameter(Timestamp.SCHEMA, new Date(Date.UTC(2024, 2, 31, 1, 30))), '2024-03-31 03:30:00.000+02:00');
    assert.equal(new MySqlSinkDialect('always', 'America/New_York').bindParameter(Time.SCHEMA, new Date(Date.UTC(1970, 0, 1, 3, 0, 0, 5))), '22:00:00.005');
    assert.ok(Buffer.isBuffer(pg.bindParameter(Schema.BYTES_SCHEMA, new Uint8Array([1, 2]))));
    assert.equal(pg.bindParameter(Schema.OPTIONAL_STRING_SCHEMA, null), null);
    const nested = SchemaBuilder.struct().field('a', Schema.INT32_SCHEMA).build();
    assert.throws(() => pg.bindParameter(nested, {}), new ConnectException('Unsupported source data type: STRUCT'));
    assert.throws(() => mysql.sqlType(f('tags', SchemaBuilder.array(Schema.STRING_SCHEMA).build())), new ConnectException("tags (ARRAY) type doesn't have a mapping to the SQL database column type"));
    assert.throws(() => pg.sqlType(f('m', SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.STRING_SCHEMA).build())), /\(MAP\) type doesn't have a mapping/);
  });
});

describe('FieldsMetadata', () => {
  const value = SchemaBuilder.struct().field('id', Schema.INT32_SCHEMA).field('name', Schema.STRING_SCHEMA).field('secret', Schema.STRING_SCHEMA).build();
  const keyStruct = SchemaBuilder.struct().field('id', Schema.INT32_SCHEMA).field('region', Schema.STRING_SCHEMA).build();

  it('per pk.mode, with fields.whitelist applying to the non-key columns', () => {
    const none = extractFieldsMetadata('t', 'none', [], new Set(['name']), null, value);
    assert.deepEqual([none.keyFieldNames, none.nonKeyFieldNames, [...none.allFields.keys()]], [[], ['name'], ['name']]);
    const kafka = extractFieldsMetadata('t', 'kafka', [], new Set(), null, value);
    assert.deepEqual([...kafka.allFields.keys()], ['__connect_topic', '__connect_partition', '__connect_offset', 'id', 'name', 'secret']);
    assert.deepEqual([...kafka.allFields.values()].slice(0, 3).map((x) => x.schema.type), ['STRING', 'INT32', 'INT64']);
    const rk = extractFieldsMetadata('t', 'record_key', [], new Set(), keyStruct, value);
    assert.deepEqual([rk.keyFieldNames, rk.nonKeyFieldNames, [...rk.allFields.keys()]], [['id', 'region'], ['name', 'secret'], ['id', 'name', 'secret', 'region']]);
    const rv = extractFieldsMetadata('t', 'record_value', ['id'], new Set(), null, value);
    assert.deepEqual([rv.keyFieldNames, rv.nonKeyFieldNames], [['id'], ['name', 'secret']]);
  });

  it('Confluent\'s errors', () => {
    assert.throws(() => extractFieldsMetadata('t', 'record_key', [], new Set(), Schema.INT64_SCHEMA, value), new ConnectException('Need exactly one PK column defined since the key schema for records is a primitive type, defined columns are: []'));
    assert.throws(() => extractFieldsMetadata('t', 'record_key', [], new Set(), null, value), new ConnectException("PK mode for table 't' is RECORD_KEY, but record key schema is missing"));
    assert.throws(() => extractFieldsMetadata('t', 'record_value', ['nope'], new Set(), null, value), new ConnectException("PK mode for table 't' is RECORD_VALUE with configured PK fields [nope], but record value schema does not contain field: nope"));
    assert.throws(() => extractFieldsMetadata('t', 'kafka', ['a'], new Set(), null, value), new ConnectException("PK mode for table 't' is KAFKA so there should either be no field names defined for defaults [__connect_topic, __connect_partition, __connect_offset] to be applicable, or exactly 3, defined fields are: [a]"));
    assert.throws(() => extractFieldsMetadata('t', 'none', [], new Set(), null, Schema.STRING_SCHEMA), new ConnectException('Value schema must be of type Struct'));
  });
});

describe('JdbcSinkConfig and JdbcSinkConnector', () => {
  const base = { name: 'sink', 'connection.url': 'jdbc:mysql://localhost:3306/db' };

  it('Confluent\'s defaults', () => {
    const c = new JdbcSinkConfig(base);
    assert.deepEqual(
      [c.tableNameFormat, c.insertMode, c.pkMode, c.pkFields, c.batchSize, c.maxRetries, c.retryBackoffMs, c.autoCreate, c.autoEvolve, c.deleteEnabled, c.timeZone, c.quoteIdentifiers, c.tableTypes, c.connectionAttempts, c.connectionBackoffMs],
      ['${topic}', 'insert', 'none', [], 3000, 10, 3000, false, false, false, 'UTC', 'always', ['TABLE'], 3, 10000],
    );
    assert.equal(new JdbcSinkConfig({ ...base, 'insert.mode': 'UPSERT', 'pk.mode': 'RECORD_KEY' }).insertMode, 'upsert');
  });

  it('validation messages', () => {
    assert.throws(() => new JdbcSinkConfig({ ...base, 'delete.enabled': 'true' }), new ConfigException("Primary key mode must be 'record_key' when delete support is enabled"));
    assert.throws(() => new JdbcSinkConfig({ ...base, 'insert.mode': 'merge' }), new ConfigException('Invalid value merge for configuration insert.mode: Invalid enumerator'));
    assert.throws(() => new JdbcSinkConfig({ ...base, 'db.timezone': 'Mars/Olympus' }), /Invalid value Mars\/Olympus for configuration db.timezone/);
    assert.throws(() => new JdbcSinkConfig({ name: 'x' }), new ConfigException('Missing required configuration "connection.url" which has no default value.'));
    const errors = new JdbcSinkConnector().validate({ ...base, 'delete.enabled': 'true', 'pk.mode': 'record_value' }).configValues.filter((v) => v.errorMessages.length > 0);
    assert.deepEqual(errors.map((v) => [v.name, v.errorMessages]), [
      ['delete.enabled', ['Deletes are only supported for pk.mode record_key']],
      ['pk.mode', ['Deletes are only supported for pk.mode record_key']],
    ]);
  });

  it('is registered under Confluent\'s class name and its aliases', () => {
    const registry = defaultConnectorRegistry();
    for (const name of ['io.confluent.connect.jdbc.JdbcSinkConnector', 'JdbcSinkConnector', 'JdbcSink']) {
      assert.ok(registry.newConnector(name) instanceof JdbcSinkConnector, name);
    }
  });
});
