import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataException } from '../../../../src/connect/api/errors.js';
import { BigDecimal, fromTwosComplementBytes, twosComplementBytes } from '../../../../src/connect/api/data/big-decimal.js';
import { ConnectDate, Decimal, Time, Timestamp } from '../../../../src/connect/api/data/logical.js';
import { Schema } from '../../../../src/connect/api/data/schema.js';

describe('BigDecimal', () => {
  it('parses like new BigDecimal(String), keeping the scale', () => {
    for (const [text, unscaled, scale] of [['1.56', 156n, 2], ['-0.00', 0n, 2], ['1E+3', 1n, -3], ['12', 12n, 0], ['-1.5e-3', -15n, 4], ['.5', 5n, 1]] as const) {
      const d = BigDecimal.parse(text);
      assert.equal(d.unscaled, unscaled, text);
      assert.equal(d.scale, scale, text);
    }
    assert.throws(() => BigDecimal.parse('1.2.3'), SyntaxError);
  });

  it('parses plain decimals (read without a regular expression up to 15 digits) as Java does, at every length', () => {
    // Java's rule, spelled out: the digits without the point are the unscaled value, the count after the point the scale.
    const expected = (text: string): [bigint, number] => {
      const body = text.replace(/^[+-]/, '');
      const point = body.indexOf('.');
      const digits = body.replace('.', '');
      return [BigInt(digits) * (text.startsWith('-') ? -1n : 1n), point < 0 ? 0 : body.length - point - 1];
    };
    const texts = ['0', '-0', '+0', '5.', '.5', '-.5', '+.25', '007', '-00.0100', '12345.67', '-99999999.99', '999999999999999', '-999999999999999',
      '9999999999999999', '1234567890123456.7', '0.000000000000001', '0.0000000000000001', '-12345678901234.5', '123456789012345678901234567890.5'];
    for (let i = 0; i < 300; i++) {
      const int = String(Math.floor(Math.random() * 10 ** (i % 18)));
      const frac = String(Math.floor(Math.random() * 10 ** (i % 7))).padStart(i % 7, '0');
      texts.push(`${i % 3 === 0 ? '-' : i % 5 === 0 ? '+' : ''}${int}${i % 7 === 0 ? '' : `.${frac}`}`);
    }
    for (const text of texts) {
      const d = BigDecimal.parse(text);
      assert.deepEqual([d.unscaled, d.scale], expected(text), text);
    }
    for (const bad of ['', '.', '-', '+', '-.', '1.2.3', '1 ', ' 1', '1-', '--1', '1,5', '١']) assert.throws(() => BigDecimal.parse(bad), SyntaxError, JSON.stringify(bad));
  });

  it("prints like Java's BigDecimal.toString", () => {
    const cases: Array<[bigint, number, string]> = [
      [156n, 2, '1.56'], [-156n, 2, '-1.56'], [5n, 3, '0.005'], [123n, 0, '123'], [123n, -2, '1.23E+4'],
      [1n, 7, '1E-7'], [1n, 6, '0.000001'], [0n, 2, '0.00'], [-5n, 10, '-5E-10'],
    ];
    for (const [u, s, text] of cases) assert.equal(new BigDecimal(u, s).toString(), text);
    assert.equal(new BigDecimal(123n, -2).toPlainString(), '12300');
  });

  it('equals with scale, compareTo without', () => {
    assert.ok(!new BigDecimal(15n, 1).equals(new BigDecimal(150n, 2)));
    assert.equal(new BigDecimal(15n, 1).compareTo(new BigDecimal(150n, 2)), 0);
    assert.equal(new BigDecimal(-1n, 0).compareTo(new BigDecimal(1n, 5)), -1);
  });
});

describe('two’s-complement bytes (BigInteger.toByteArray)', () => {
  it('matches Java for known values', () => {
    // 156 -> {0, -100}: the expected bytes in Kafka's JsonConverterTest.decimalToJson.
    assert.deepEqual([...twosComplementBytes(156n)], [0x00, 0x9c]);
    assert.deepEqual([...twosComplementBytes(0n)], [0]);
    assert.deepEqual([...twosComplementBytes(-1n)], [0xff]);
    assert.deepEqual([...twosComplementBytes(127n)], [0x7f]);
    assert.deepEqual([...twosComplementBytes(128n)], [0x00, 0x80]);
    assert.deepEqual([...twosComplementBytes(-128n)], [0x80]);
    assert.deepEqual([...twosComplementBytes(-129n)], [0xff, 0x7f]);
  });

  it('round-trips', () => {
    for (const v of [0n, 1n, -1n, 255n, -256n, 2n ** 64n, -(2n ** 100n) + 3n, 123456789012345678901234567890n]) {
      assert.equal(fromTwosComplementBytes(twosComplementBytes(v)), v);
    }
    assert.throws(() => fromTwosComplementBytes(new Uint8Array(0)), /Zero length BigInteger/);
  });
});

describe('logical types', () => {
  it('Decimal schema carries the scale parameter and version 1', () => {
    const s = Decimal.schema(2);
    assert.equal(s.type, 'BYTES');
    assert.equal(s.name, 'org.apache.kafka.connect.data.Decimal');
    assert.equal(s.version, 1);
    assert.equal(s.parameters!.get('scale'), '2');
  });

  it('Decimal round-trips negative values and scales', () => {
    for (const [u, scale] of [[-12345n, 3], [-1n, 0], [99999999999999999999999n, 10], [5n, -2], [0n, 4]] as const) {
      const schema = Decimal.schema(scale);
      const v = new BigDecimal(u, scale);
      assert.ok(Decimal.toLogical(schema, Decimal.fromLogical(schema, v)).equals(v));
    }
  });

  it("Decimal rejects a mismatched scale and a missing scale parameter with Kafka's messages", () => {
    assert.throws(() => Decimal.fromLogical(Decimal.schema(2), new BigDecimal(1n, 3)), { message: 'BigDecimal has mismatching scale value for given Decimal schema' });
    assert.throws(() => Decimal.scale(Schema.BYTES_SCHEMA), { message: 'Invalid Decimal schema: scale parameter not found.' });
  });

  it('Date is whole days since the epoch, including before 1970', () => {
    assert.equal(ConnectDate.fromLogical(ConnectDate.SCHEMA, new Date(Date.UTC(1997, 4, 18))), 9999);
    assert.equal(ConnectDate.toLogical(ConnectDate.SCHEMA, 10000).toISOString(), '1997-05-19T00:00:00.000Z');
    assert.equal(ConnectDate.fromLogical(ConnectDate.SCHEMA, new Date(Date.UTC(1969, 11, 31))), -1);
    assert.throws(() => ConnectDate.fromLogical(ConnectDate.SCHEMA, new Date(1)), (e: unknown) => e instanceof DataException
      && e.message === 'Kafka Connect Date type should not have any time fields set to non-zero values.');
    assert.throws(() => ConnectDate.fromLogical(Schema.INT32_SCHEMA, new Date(0)), { message: 'Requested conversion of Date object but the schema does not match.' });
  });

  it('Time is milliseconds of the day', () => {
    assert.equal(Time.fromLogical(Time.SCHEMA, new Date(14400000)), 14400000);
    assert.equal(Time.toLogical(Time.SCHEMA, 14400000).getTime(), 14400000);
    assert.throws(() => Time.fromLogical(Time.SCHEMA, new Date(86400000)), { message: 'Kafka Connect Time type should not have any date fields set to non-zero values.' });
  });

  it('Timestamp is INT64 (bigint) milliseconds', () => {
    assert.equal(Timestamp.SCHEMA.type, 'INT64');
    assert.equal(Timestamp.fromLogical(Timestamp.SCHEMA, new Date(4000000000)), 4000000000n);
    assert.equal(Timestamp.toLogical(Timestamp.SCHEMA, 4000000000n).getTime(), 4000000000);
    assert.equal(Timestamp.fromLogical(Timestamp.SCHEMA, new Date(-5)), -5n);
  });
});
