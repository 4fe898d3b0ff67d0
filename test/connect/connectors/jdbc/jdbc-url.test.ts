import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigException } from '../../../../src/connect/api/errors.js';
import { parseJdbcUrl, redactJdbcUrl } from '../../../../src/connect/connectors/jdbc/jdbc-url.js';

function rejects(url: string, fragment: RegExp): void {
  assert.throws(() => parseJdbcUrl(url), (err: unknown) => {
    assert.ok(err instanceof ConfigException, `ConfigException for ${url}`);
    assert.match(err.message, /connection\.url/);
    assert.match(err.message, fragment);
    return true;
  });
}

describe('parseJdbcUrl', () => {
  it('reads the guide\'s MySQL URL with the default port when none is given', () => {
    const u = parseJdbcUrl('jdbc:mysql://localhost:3306/mydb');
    assert.equal(u.subprotocol, 'mysql');
    assert.equal(u.dialect, 'mysql');
    assert.equal(u.host, 'localhost');
    assert.equal(u.port, 3306);
    assert.equal(u.database, 'mydb');
    assert.equal(u.user, undefined);
    assert.equal(u.ssl, 'disable');
    assert.deepEqual(u.ignoredHosts, []);
    assert.equal(parseJdbcUrl('jdbc:mysql://db.example.com/mydb').port, 3306);
  });

  it('reads MariaDB URLs, with and without a database, and parameters including user and password', () => {
    const u = parseJdbcUrl('jdbc:mariadb://10.0.0.5:3307/?user=root&password=p%40ss%26word&useSSL=false');
    assert.equal(u.subprotocol, 'mariadb');
    assert.equal(u.dialect, 'mysql');
    assert.equal(u.port, 3307);
    assert.equal(u.database, undefined);
    assert.equal(u.user, 'root');
    assert.equal(u.password, 'p@ss&word');
    assert.equal(u.params.useSSL, 'false');
    assert.equal(parseJdbcUrl('jdbc:mariadb://h').database, undefined);
  });

  it('reads Connector/J user:password@host', () => {
    const u = parseJdbcUrl('jdbc:mysql://app:s3cret@db:3306/shop');
    assert.equal(u.user, 'app');
    assert.equal(u.password, 's3cret');
    assert.equal(u.host, 'db');
    assert.equal(u.database, 'shop');
  });

  it('reads PostgreSQL URLs: default port 5432, sslmode, currentSchema, the short forms', () => {
    const u = parseJdbcUrl('jdbc:postgresql://pg.local/inventory?user=kafka&password=x&sslmode=require&currentSchema=app');
    assert.equal(u.dialect, 'postgresql');
    assert.equal(u.host, 'pg.local');
    assert.equal(u.port, 5432);
    assert.equal(u.database, 'inventory');
    assert.equal(u.user, 'kafka');
    assert.equal(u.password, 'x');
    assert.equal(u.ssl, 'require');
    assert.equal(u.currentSchema, 'app');
    assert.equal(parseJdbcUrl('jdbc:postgresql://h:5433/db?sslmode=verify-full').ssl, 'verify');
    assert.equal(parseJdbcUrl('jdbc:postgresql://h/db?sslmode=prefer').ssl, 'disable');
    const short = parseJdbcUrl('jdbc:postgresql:accounting');
    assert.deepEqual([short.host, short.port, short.database], ['localhost', 5432, 'accounting']);
    const none = parseJdbcUrl('jdbc:postgresql:/');
    assert.deepEqual([none.host, none.port, none.database], ['localhost', 5432, undefined]);
  });

  it('reads IPv6 hosts in brackets, with and without a port', () => {
    const a = parseJdbcUrl('jdbc:postgresql://[::1]:5740/accounting');
    assert.deepEqual([a.host, a.port, a.database], ['::1', 5740, 'accounting']);
    const b = parseJdbcUrl('jdbc:mysql://[fe80::1%25eth0]/db');
    assert.deepEqual([b.host, b.port], ['fe80::1%25eth0', 3306]);
    rejects('jdbc:mysql://::1:3306/db', /brackets/);
  });

  it('takes the first of several hosts and lists the others', () => {
    const u = parseJdbcUrl('jdbc:postgresql://host1:5432,host2:5433,[::1]/db?targetServerType=primary');
    assert.deepEqual([u.host, u.port], ['host1', 5432]);
    assert.deepEqual(u.ignoredHosts, ['host2:5433', '[::1]:5432']);
    const lb = parseJdbcUrl('jdbc:mysql:loadbalance://a:3306,b:3307/db');
    assert.deepEqual([lb.host, lb.port, lb.database, lb.ignoredHosts], ['a', 3306, 'db', ['b:3307']]);
  });

  it('maps MySQL TLS parameters', () => {
    assert.equal(parseJdbcUrl('jdbc:mysql://h/db?sslMode=REQUIRED').ssl, 'require');
    assert.equal(parseJdbcUrl('jdbc:mysql://h/db?sslMode=VERIFY_IDENTITY').ssl, 'verify');
    assert.equal(parseJdbcUrl('jdbc:mysql://h/db?useSSL=true').ssl, 'verify');
    assert.equal(parseJdbcUrl('jdbc:mysql://h/db?useSSL=true&verifyServerCertificate=false').ssl, 'require');
    assert.equal(parseJdbcUrl('jdbc:mysql://h/db?sslMode=DISABLED').ssl, 'disable');
  });

  it('rejects anything else with a ConfigException naming connection.url and the problem', () => {
    rejects('jdbc:oracle:thin:@localhost:1521:orcl', /jdbc:mysql:\/\/host:port\/database/);
    rejects('mysql://localhost/db', /expected a JDBC URL/);
    rejects('jdbc:sqlserver://localhost;databaseName=x', /expected a JDBC URL/);
    rejects('jdbc:mysql:localhost/db', /expected \/\//);
    rejects('jdbc:mysql://localhost:99999/db', /invalid port 99999/);
    rejects('jdbc:mysql://localhost:abc/db', /invalid port abc/);
    rejects('jdbc:postgresql://h/db?sslmode=sometimes', /unknown sslmode sometimes/);
    rejects('jdbc:postgresql://u:p@h/db', /URL parameters/);
    rejects('jdbc:mysql://address=(host=a)(port=1)/db', /address=/);
    rejects('', /expected a JDBC URL/);
  });

  it('never puts a password into the error message or the redacted URL', () => {
    assert.throws(() => parseJdbcUrl('jdbc:postgresql://h:0/db?password=hunter2'), (err: Error) => !err.message.includes('hunter2'));
    assert.equal(redactJdbcUrl('jdbc:mysql://h/db?user=a&password=hunter2&x=1'), 'jdbc:mysql://h/db?user=a&password=****&x=1');
    assert.equal(redactJdbcUrl('jdbc:mysql://a:hunter2@h/db'), 'jdbc:mysql://a:****@h/db');
  });
});
