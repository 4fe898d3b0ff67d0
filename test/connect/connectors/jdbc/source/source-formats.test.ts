/**
 * The JDBC source's formats without a database: Confluent's offset maps (timestamp millis and
 * nanos-of-second, incrementing), partition maps, the `tables` task setting, and
 * ConnectorUtils.groupPartitions.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { groupPartitions } from '../../../../../src/connect/connectors/jdbc/source/group-partitions.js';
import { offsetFromMap, offsetToMap, partitionForProtocolV0, partitionForProtocolV1 } from '../../../../../src/connect/connectors/jdbc/source/source-offsets.js';
import { formatTableList, parseTableList } from '../../../../../src/connect/connectors/jdbc/source/table-id-list.js';

describe('JDBC source formats', () => {
  it('writes offsets as Confluent: timestamp = epoch millis, timestamp_nanos = nanos of the second', () => {
    // 2024-01-15 08:30:00.250123 UTC
    const micros = BigInt(Date.UTC(2024, 0, 15, 8, 30, 0, 250)) * 1000n + 123n;
    assert.deepEqual(offsetToMap({ incrementing: 42n, timestampMicros: micros }), { incrementing: 42, timestamp: Date.UTC(2024, 0, 15, 8, 30, 0, 250), timestamp_nanos: 250_123_000 });
    assert.deepEqual(offsetFromMap({ incrementing: 42, timestamp: Date.UTC(2024, 0, 15, 8, 30, 0, 250), timestamp_nanos: 250_123_000 }), { incrementing: 42n, timestampMicros: micros });
    // Before 1970 the nanos still count up from the start of the second.
    const early = -1_500_000n; // 1969-12-31 23:59:58.5
    assert.deepEqual(offsetToMap({ incrementing: null, timestampMicros: early }), { timestamp: -1500, timestamp_nanos: 500_000_000 });
    assert.deepEqual(offsetFromMap(offsetToMap({ incrementing: null, timestampMicros: early })), { incrementing: null, timestampMicros: early });
    assert.deepEqual(offsetFromMap({ timestamp: 1000 }), { incrementing: null, timestampMicros: 1_000_000n });
    assert.deepEqual(offsetFromMap(null), { incrementing: null, timestampMicros: null });
    assert.deepEqual(offsetToMap({ incrementing: 9223372036854775807n, timestampMicros: null }), { incrementing: 9223372036854775807n });
    assert.throws(() => offsetFromMap({ incrementing: 'x' }), /not an integer/);
  });

  it('names partitions by protocol 1 (qualified, with "protocol":"1") and protocol 0 (table name only)', () => {
    assert.deepEqual(partitionForProtocolV1({ catalog: 'mydb', name: 'users' }), { table: 'mydb.users', protocol: '1' });
    assert.deepEqual(partitionForProtocolV1({ catalog: 'srcdb', schema: 'public', name: 'users' }), { table: 'public.users', protocol: '1' });
    assert.deepEqual(partitionForProtocolV0({ catalog: 'mydb', name: 'users' }), { table: 'users' });
  });

  it('writes and reads the tables task setting with the dialect\'s quotes', () => {
    const mysql = [{ catalog: 'my db', name: 'a`b' }, { catalog: 'mydb', name: 'c,d' }];
    assert.equal(formatTableList('mysql', mysql), '`my db`.`a``b`,`mydb`.`c,d`');
    assert.deepEqual(parseTableList('mysql', formatTableList('mysql', mysql)), mysql);
    const pg = [{ schema: 'public', name: 'Users' }, { schema: 's"x', name: 'y' }];
    assert.equal(formatTableList('postgresql', pg), '"public"."Users","s""x"."y"');
    assert.deepEqual(parseTableList('postgresql', formatTableList('postgresql', pg)), pg);
    assert.deepEqual(parseTableList('postgresql', 'plain, other.t'), [{ name: 'plain' }, { schema: 'other', name: 't' }]);
    assert.deepEqual(parseTableList('mysql', ''), []);
  });

  it('groups tables over tasks as ConnectorUtils.groupPartitions', () => {
    assert.deepEqual(groupPartitions([1, 2, 3, 4, 5], 2), [[1, 2, 3], [4, 5]]);
    assert.deepEqual(groupPartitions([1, 2, 3, 4, 5], 3), [[1, 2], [3, 4], [5]]);
    assert.deepEqual(groupPartitions([1, 2], 2), [[1], [2]]);
    assert.throws(() => groupPartitions([1], 0), RangeError);
  });
});
