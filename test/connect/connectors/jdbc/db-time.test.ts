import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigException, DataException } from '../../../../src/connect/api/errors.js';
import {
  dateToEpochDays,
  epochDaysToDate,
  epochMicrosToWallClock,
  microsToTime,
  timeToMicros,
  validateTimeZone,
  wallClockToEpochMicros,
} from '../../../../src/connect/connectors/jdbc/db-time.js';

const micros = (iso: string): bigint => BigInt(Date.parse(iso)) * 1000n;

describe('db-time: temporal text with an explicit time zone', () => {
  it('reads zone-less text in UTC by default, keeping microseconds', () => {
    assert.equal(wallClockToEpochMicros('2024-02-29 23:59:59.123456'), micros('2024-02-29T23:59:59Z') + 123_456n);
    assert.equal(wallClockToEpochMicros('1970-01-01 00:00:00'), 0n);
    assert.equal(wallClockToEpochMicros('1969-12-31 23:59:59.999999'), -1n);
    assert.equal(wallClockToEpochMicros('2024-01-15'), micros('2024-01-15T00:00:00Z'));
  });

  it('reads zone-less text in db.timezone, across daylight-saving changes', () => {
    assert.equal(wallClockToEpochMicros('2024-07-01 12:00:00', 'Europe/Paris'), micros('2024-07-01T10:00:00Z'));
    assert.equal(wallClockToEpochMicros('2024-01-01 12:00:00', 'Europe/Paris'), micros('2024-01-01T11:00:00Z'));
    assert.equal(wallClockToEpochMicros('2024-01-01 12:00:00', 'America/New_York'), micros('2024-01-01T17:00:00Z'));
    // 2024-03-31 02:30 does not exist in Paris (clocks jump 02:00 -> 03:00): moved forward to 03:30 CEST.
    assert.equal(wallClockToEpochMicros('2024-03-31 02:30:00', 'Europe/Paris'), micros('2024-03-31T01:30:00Z'));
    // 2024-10-27 02:30 happens twice in Paris: the earlier (CEST, +02:00).
    assert.equal(wallClockToEpochMicros('2024-10-27 02:30:00', 'Europe/Paris'), micros('2024-10-27T00:30:00Z'));
    assert.equal(wallClockToEpochMicros('2024-10-27 03:30:00', 'Europe/Paris'), micros('2024-10-27T02:30:00Z'));
  });

  it('uses the offset in the text when there is one (PostgreSQL timestamptz)', () => {
    assert.equal(wallClockToEpochMicros('2024-06-30 12:00:00.000001+00', 'Europe/Paris'), micros('2024-06-30T12:00:00Z') + 1n);
    assert.equal(wallClockToEpochMicros('2024-06-30 17:30:00+05:30'), micros('2024-06-30T12:00:00Z'));
    assert.equal(wallClockToEpochMicros('2024-06-30 08:00:00-04'), micros('2024-06-30T12:00:00Z'));
  });

  it('writes instants as wall-clock text in a zone', () => {
    const t = micros('2024-07-01T10:00:00Z') + 250_001n;
    assert.equal(epochMicrosToWallClock(t), '2024-07-01 10:00:00.250001');
    assert.equal(epochMicrosToWallClock(t, 'Europe/Paris'), '2024-07-01 12:00:00.250001');
    assert.equal(epochMicrosToWallClock(t, 'UTC', 3), '2024-07-01 10:00:00.250');
    assert.equal(epochMicrosToWallClock(t, 'UTC', 0), '2024-07-01 10:00:00');
    assert.equal(epochMicrosToWallClock(-1n), '1969-12-31 23:59:59.999999');
    for (const zone of ['UTC', 'Europe/Paris', 'Asia/Kolkata', 'America/Los_Angeles']) {
      for (const text of ['2000-02-29 00:00:00.000000', '2024-10-27 00:59:59.999999', '1950-06-15 13:14:15.161718']) {
        assert.equal(epochMicrosToWallClock(wallClockToEpochMicros(text, zone), zone), text, `${text} in ${zone}`);
      }
    }
  });

  it('converts dates and times of day', () => {
    assert.equal(dateToEpochDays('1970-01-01'), 0);
    assert.equal(dateToEpochDays('2024-02-29'), 19_782);
    assert.equal(dateToEpochDays('1969-12-31'), -1);
    assert.equal(epochDaysToDate(19_782), '2024-02-29');
    assert.equal(epochDaysToDate(-1), '1969-12-31');
    assert.equal(timeToMicros('23:59:59.999999'), 86_399_999_999n);
    assert.equal(timeToMicros('00:00:01'), 1_000_000n);
    assert.equal(timeToMicros('-838:59:59.000000'), -3_020_399_000_000n);
    assert.equal(timeToMicros('12:00:00+02'), 43_200_000_000n);
    assert.equal(microsToTime(86_399_999_999n), '23:59:59.999999');
    assert.equal(microsToTime(-3_020_399_000_000n, 0), '-838:59:59');
  });

  it('rejects unreadable values and zones', () => {
    for (const text of ['infinity', '2024-13-01', '0000-00-00 00:00:00', 'yesterday']) {
      assert.throws(() => wallClockToEpochMicros(text), DataException, text);
    }
    assert.throws(() => dateToEpochDays('0000-00-00'), DataException);
    assert.throws(() => timeToMicros('noon'), DataException);
    assert.equal(validateTimeZone('Europe/Paris'), 'Europe/Paris');
    assert.throws(() => validateTimeZone('Mars/Olympus'), (err: unknown) => err instanceof ConfigException && /db\.timezone/.test(err.message));
  });
});
