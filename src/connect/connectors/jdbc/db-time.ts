/**
 * Temporal text as DbConnection returns it, turned into numbers and back, with the time zone
 * explicit (`db.timezone`, default UTC, as Confluent's connectors read and write zone-less
 * DATETIME/timestamp columns in that zone). Microsecond precision throughout (bigint epoch
 * microseconds), so nothing is lost before a connector decides to round to Connect's millisecond
 * Timestamp. Zone offsets come from the platform's IANA data (Intl); a wall-clock time that
 * falls into a daylight-saving gap is moved forward by the gap, one in an overlap takes the
 * earlier offset, as java.time's ZonedDateTime.of does.
 */
import { ConfigException, DataException } from '../../api/errors.js';

export const DEFAULT_DB_TIMEZONE = 'UTC';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
      era: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Checks `db.timezone` (an IANA zone id such as `UTC`, `Europe/Paris`, or `+02:00`-style `Etc/GMT-2`); ConfigException otherwise. */
export function validateTimeZone(timeZone: string, key = 'db.timezone'): string {
  try {
    formatter(timeZone);
    return timeZone;
  } catch {
    throw new ConfigException(`Invalid value ${timeZone} for configuration ${key}: Invalid time zone identifier`);
  }
}

/** The zone's offset from UTC at `epochMillis`, in milliseconds. */
export function zoneOffsetMillis(epochMillis: number, timeZone: string): number {
  if (timeZone === 'UTC' || timeZone === 'Etc/UTC' || timeZone === 'Z') return 0;
  const parts = formatter(timeZone).formatToParts(new Date(epochMillis));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)!.value);
  let year = get('year');
  if (parts.find((p) => p.type === 'era')?.value === 'BC') year = 1 - year;
  const wall = utcMillis(year, get('month'), get('day'), get('hour'), get('minute'), get('second'));
  return wall - Math.floor(epochMillis / 1000) * 1000;
}

const DATE_TIME = /^(-?\d{4,})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(?:\s*(Z|[+-]\d{2}(?::?\d{2}(?::?\d{2})?)?))?$/;

/** MySQL's zero dates (`0000-00-00`, `2024-00-10`) have no instant. */
function checkDate(text: string, month: number, day: number): void {
  if (month < 1 || month > 12 || day < 1 || day > 31) throw new DataException(`Cannot read ${JSON.stringify(text)} as a date: month or day out of range (a zero date?)`);
}

function utcMillis(year: number, month: number, day: number, hour: number, minute: number, second: number): number {
  const d = new Date(Date.UTC(2000, month - 1, day, hour, minute, second));
  d.setUTCFullYear(year);
  return d.getTime();
}

function offsetMillis(text: string): number {
  if (text === 'Z') return 0;
  const sign = text.startsWith('-') ? -1 : 1;
  const digits = text.slice(1).replace(/:/g, '');
  const h = Number(digits.slice(0, 2));
  const m = Number(digits.slice(2, 4) || '0');
  const s = Number(digits.slice(4, 6) || '0');
  return sign * ((h * 60 + m) * 60 + s) * 1000;
}

/**
 * `YYYY-MM-DD[ HH:MM[:SS[.ffffff]]][offset]` as epoch microseconds. An offset in the text (PostgreSQL
 * timestamptz: `+00`, `+05:30`) wins; zone-less text is read as wall-clock time in `timeZone`.
 * PostgreSQL's `infinity`, BC dates and anything else unreadable are a DataException.
 */
export function wallClockToEpochMicros(text: string, timeZone: string = DEFAULT_DB_TIMEZONE): bigint {
  const fast = plainUtcDateTimeMicros(text, timeZone);
  if (fast !== undefined) return fast;
  const m = DATE_TIME.exec(text.trim());
  if (m === null) throw new DataException(`Cannot read ${JSON.stringify(text)} as a date/time`);
  const [, y, mo, d, h, mi, s, frac, offset] = m;
  checkDate(text, Number(mo), Number(d));
  const wallMillis = utcMillis(Number(y), Number(mo), Number(d), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0));
  const micros = BigInt((frac ?? '').padEnd(6, '0').slice(0, 6) || '0');
  let instantMillis: number;
  if (offset !== undefined) {
    instantMillis = wallMillis - offsetMillis(offset);
  } else {
    instantMillis = wallToInstantMillis(wallMillis, timeZone);
  }
  if (!Number.isFinite(instantMillis)) throw new DataException(`Cannot read ${JSON.stringify(text)} as a date/time`);
  return BigInt(instantMillis) * 1000n + micros;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The digits of `text` from `start` to `end` as a number; -1 when any is not a digit. */
function digitsAt(text: string, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) {
    const d = text.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** The microseconds past the second of the text plainUtcSecondMillis last read. */
let plainFractionMicros = 0;

/**
 * The usual case of wallClockToEpochMicros, read without a regular expression: MySQL's
 * `YYYY-MM-DD HH:MM:SS[.f{1,6}]` (years 1000-9999, valid month and day) in UTC, as the epoch
 * milliseconds of its whole second, its fraction left in `plainFractionMicros`; undefined for
 * anything else, which the general path reads.
 */
function plainUtcSecondMillis(text: string, timeZone: string): number | undefined {
  if (timeZone !== 'UTC' && timeZone !== 'Etc/UTC' && timeZone !== 'Z') return undefined;
  const length = text.length;
  if (length < 19 || length === 20 || length > 26 || text.charCodeAt(4) !== 0x2d || text.charCodeAt(7) !== 0x2d || text.charCodeAt(10) !== 0x20
    || text.charCodeAt(13) !== 0x3a || text.charCodeAt(16) !== 0x3a || (length > 19 && text.charCodeAt(19) !== 0x2e)) return undefined;
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 7);
  const day = digitsAt(text, 8, 10);
  const hour = digitsAt(text, 11, 13);
  const minute = digitsAt(text, 14, 16);
  const second = digitsAt(text, 17, 19);
  const fraction = length > 19 ? digitsAt(text, 20, length) : 0;
  if (year < 1000 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || fraction < 0) return undefined;
  // Days past the month's end roll over differently on the general path (which computes in year 2000 first).
  if (day > (month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : MONTH_DAYS[month - 1]!)) return undefined;
  plainFractionMicros = length > 19 ? fraction * 10 ** (26 - length) : 0;
  return (((daysFromCivil(year, month, day) * 24 + hour) * 60 + minute) * 60 + second) * 1000;
}

/** Days from 1970-01-01 to a valid proleptic Gregorian date (Howard Hinnant's days_from_civil; exact integer arithmetic). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function plainUtcDateTimeMicros(text: string, timeZone: string): bigint | undefined {
  const millis = plainUtcSecondMillis(text, timeZone);
  return millis === undefined ? undefined : BigInt(millis) * 1000n + BigInt(plainFractionMicros);
}

/**
 * wallClockToEpochMicros rounded down to the millisecond, as a number (what a Connect Timestamp
 * keeps); the usual UTC text is read without BigInt arithmetic.
 */
export function wallClockToEpochMillis(text: string, timeZone: string = DEFAULT_DB_TIMEZONE): number {
  const secondMillis = plainUtcSecondMillis(text, timeZone);
  if (secondMillis !== undefined) return secondMillis + Math.floor(plainFractionMicros / 1000);
  const micros = wallClockToEpochMicros(text, timeZone);
  const q = micros / 1000n;
  return Number(micros % 1000n < 0n ? q - 1n : q);
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

const DAY_MS = 86_400_000;

/** The instant of wall-clock time `wallMillis` (wall fields encoded as if UTC) in `timeZone`. */
function wallToInstantMillis(wallMillis: number, timeZone: string): number {
  const before = zoneOffsetMillis(wallMillis - DAY_MS, timeZone);
  const after = zoneOffsetMillis(wallMillis + DAY_MS, timeZone);
  const early = wallMillis - before;
  if (before === after) return early;
  const late = wallMillis - after;
  const earlyValid = zoneOffsetMillis(early, timeZone) === before;
  const lateValid = zoneOffsetMillis(late, timeZone) === after;
  if (earlyValid && lateValid) return Math.min(early, late); // overlap: the earlier offset
  if (earlyValid) return early;
  if (lateValid) return late;
  return early; // gap: moved forward by the gap's length
}

/** An instant as wall-clock text in `timeZone`: `YYYY-MM-DD HH:MM:SS[.f…]` with `fractionDigits` (0-6) digits. */
export function epochMicrosToWallClock(epochMicros: bigint, timeZone: string = DEFAULT_DB_TIMEZONE, fractionDigits = 6): string {
  const millis = Number(epochMicros / 1000n) - (epochMicros % 1000n < 0n ? 1 : 0);
  const subMicros = ((epochMicros % 1_000_000n) + 1_000_000n) % 1_000_000n;
  const wall = new Date(Math.floor(millis / 1000) * 1000 + zoneOffsetMillis(millis, timeZone));
  const year = wall.getUTCFullYear();
  if (year < 1 || year > 9999) throw new DataException(`Instant ${epochMicros} µs is outside years 0001-9999`);
  let text = `${pad(year, 4)}-${pad(wall.getUTCMonth() + 1)}-${pad(wall.getUTCDate())} ${pad(wall.getUTCHours())}:${pad(wall.getUTCMinutes())}:${pad(wall.getUTCSeconds())}`;
  if (fractionDigits > 0) text += `.${String(subMicros).padStart(6, '0').slice(0, Math.min(fractionDigits, 6))}`;
  return text;
}

const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
/** The day utcWallClockMillis formatted last: its first millisecond and its `YYYY-MM-DD ` text. */
let formattedDayStart = Number.NaN;
let formattedDayText = '';

/**
 * An instant (integer epoch milliseconds) as UTC wall-clock text `YYYY-MM-DD HH:MM:SS.mmm`, what
 * `toISOString()` gives with the `T` and `Z` dropped; undefined outside years 0001-9999. The
 * date part of the last day formatted is kept, so runs of instants on one day cost some integer
 * arithmetic and a concatenation each.
 */
export function utcWallClockMillis(epochMillis: number): string | undefined {
  const dayStart = Math.floor(epochMillis / DAY_MS) * DAY_MS;
  if (dayStart !== formattedDayStart) {
    const day = new Date(dayStart);
    const year = day.getUTCFullYear();
    if (!(year >= 1 && year <= 9999)) return undefined;
    formattedDayText = `${day.toISOString().slice(0, 10)} `;
    formattedDayStart = dayStart;
  }
  let rest = epochMillis - dayStart;
  const millis = rest % 1000;
  rest = (rest - millis) / 1000;
  const seconds = rest % 60;
  rest = (rest - seconds) / 60;
  const minutes = rest % 60;
  return `${formattedDayText}${TWO_DIGITS[(rest - minutes) / 60]!}:${TWO_DIGITS[minutes]!}:${TWO_DIGITS[seconds]!}.${THREE_DIGITS[millis]!}`;
}

/** `YYYY-MM-DD` as days since 1970-01-01 (Connect's Date). */
export function dateToEpochDays(text: string): number {
  const m = /^(-?\d{4,})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (m === null) throw new DataException(`Cannot read ${JSON.stringify(text)} as a date`);
  checkDate(text, Number(m[2]), Number(m[3]));
  return Math.round(utcMillis(Number(m[1]), Number(m[2]), Number(m[3]), 0, 0, 0) / 86_400_000);
}

/** Days since 1970-01-01 as `YYYY-MM-DD`. */
export function epochDaysToDate(days: number): string {
  const d = new Date(days * 86_400_000);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/**
 * `[-]HH:MM:SS[.ffffff]` (MySQL TIME may be negative or beyond 24 h; PostgreSQL timetz may carry
 * an offset, which is ignored: the wall-clock time is returned) as microseconds.
 */
export function timeToMicros(text: string): bigint {
  const m = /^(-)?(\d{2,3}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:[+-]\d{2}(?::?\d{2})?)?$/.exec(text.trim());
  if (m === null) throw new DataException(`Cannot read ${JSON.stringify(text)} as a time`);
  const [, sign, h, mi, s, frac] = m;
  const micros = ((BigInt(h!) * 60n + BigInt(mi!)) * 60n + BigInt(s ?? '0')) * 1_000_000n + BigInt((frac ?? '').padEnd(6, '0').slice(0, 6) || '0');
  return sign === '-' ? -micros : micros;
}

/** Microseconds since midnight as `HH:MM:SS[.f…]`. */
export function microsToTime(micros: bigint, fractionDigits = 6): string {
  const negative = micros < 0n;
  const abs = negative ? -micros : micros;
  const seconds = abs / 1_000_000n;
  const frac = abs % 1_000_000n;
  let text = `${negative ? '-' : ''}${pad(Number(seconds / 3600n))}:${pad(Number((seconds / 60n) % 60n))}:${pad(Number(seconds % 60n))}`;
  if (fractionDigits > 0) text += `.${String(frac).padStart(6, '0').slice(0, Math.min(fractionDigits, 6))}`;
  return text;
}
