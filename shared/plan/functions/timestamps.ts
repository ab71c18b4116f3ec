/**
 * Spark's timestamp type: an instant, held as microseconds since 1970-01-01T00:00:00Z, shown
 * and parsed in a time zone (the session's, `spark.sql.session.timeZone`, unless the text
 * names one). sparkfn holds the microseconds in a JavaScript number (shared/batch/vector.ts
 * keeps them in Float64Array): exact to the microsecond for 1684-2255, exact to the second
 * over Spark's whole range 0001..9999; a value from a file that a number cannot hold exactly
 * is refused with an error naming it, as longs beyond 2^53 are.
 *
 * This module is the one home of the rules that turn text into timestamps and back (Spark's
 * DateTimeUtils.stringToTimestamp and its cast to string) and of timestamp-to-date.
 */
import { civilFromDays, dateValue, daysFromCivil, daysInMonth, isoText, MAX_DAY, MIN_DAY, SparkDateTimeError } from "./calendar.ts";
import { localToUtc, offsetAt, timeZone, TimeZoneError, type TimeZone } from "./time-zone.ts";

export const MICROS_PER_SECOND = 1_000_000;
export const MICROS_PER_DAY = 86_400_000_000;

/** The timestamps sparkfn holds: from MIN_MICROS (0001-01-01T00:00:00Z) to before END_MICROS (10000-01-01T00:00:00Z). */
export const MIN_MICROS = MIN_DAY * MICROS_PER_DAY;
export const END_MICROS = (MAX_DAY + 1) * MICROS_PER_DAY;

/** The wall clock of an instant in a zone: days since 1970-01-01 and microseconds into that day. */
export function localParts(micros: number, zone: TimeZone): { days: number; micros: number } {
  const local = localMicros(micros, zone);
  const days = Math.floor(local / MICROS_PER_DAY);
  return { days, micros: local - days * MICROS_PER_DAY };
}

/** The wall clock of an instant in a zone, as microseconds from 1970-01-01 as if it were UTC. */
export function localMicros(micros: number, zone: TimeZone): number {
  return micros + (zone.kind === "fixed" ? zone.offsetMs : zone.offsetAt(Math.floor(micros / 1000))) * 1000;
}

/** Microseconds into the local day of an instant (no allocation: the hour, minute and second fields). */
export function microsOfLocalDay(micros: number, zone: TimeZone): number {
  const local = localMicros(micros, zone);
  return local - Math.floor(local / MICROS_PER_DAY) * MICROS_PER_DAY;
}

/** The instant of a wall-clock time (days since 1970-01-01, microseconds into the day) in a zone. */
export function fromLocal(days: number, microsOfDay: number, zone: TimeZone): number {
  const localMicros = days * MICROS_PER_DAY + microsOfDay;
  const wholeMs = Math.floor(localMicros / 1000);
  return localToUtc(zone, wholeMs) * 1000 + (localMicros - wholeMs * 1000);
}

/**
 * The instant of a wall-clock time reached from the instant `from` (java.time's ZonedDateTime
 * plusDays/plusMonths): at `from`'s own offset where that offset still holds there, else as
 * fromLocal resolves it (a gap moves forward).
 */
export function fromLocalKeepingOffset(days: number, microsOfDay: number, from: number, zone: TimeZone): number {
  const offset = localMicros(from, zone) - from;
  const kept = days * MICROS_PER_DAY + microsOfDay - offset;
  return localMicros(kept, zone) - kept === offset ? kept : fromLocal(days, microsOfDay, zone);
}

/** The date (days) of an instant in a zone: Spark's cast of a timestamp to a date. */
export function daysOfTimestamp(micros: number, zone: TimeZone): number {
  return localParts(micros, zone).days;
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/** Microseconds into a day as "HH:mm:ss" plus Spark's fraction (trailing zeros dropped: ".5", ".123456"). */
export function timeText(microsOfDay: number): string {
  const seconds = Math.floor(microsOfDay / MICROS_PER_SECOND);
  const fraction = microsOfDay - seconds * MICROS_PER_SECOND;
  const text = `${pad2(Math.floor(seconds / 3600))}:${pad2(Math.floor(seconds / 60) % 60)}:${pad2(seconds % 60)}`;
  return fraction === 0 ? text : `${text}.${String(fraction).padStart(6, "0").replace(/0+$/, "")}`;
}

/** Spark's cast of a timestamp to a string: "yyyy-MM-dd HH:mm:ss[.ffffff]" in `zone`. */
export function timestampText(micros: number, zone: TimeZone): string {
  const { days, micros: tod } = localParts(micros, zone);
  const [y, m, d] = civilFromDays(days);
  return `${isoText(y, m, d)} ${timeText(tod)}`;
}

function malformed(s: string, target = "TIMESTAMP"): never {
  throw new SparkDateTimeError(
    "CAST_INVALID_INPUT",
    `The value '${s}' of the type "STRING" cannot be cast to "${target}" because it is malformed. Correct the value as per the syntax ([+-]yyyy[-[m]m[-[d]d]], then optionally a space or T and [h]h:[m]m:[s]s[.ffffff] and a zone such as Z, +08:00 or Europe/Paris), or change its target type. Use \`try_cast\` to tolerate malformed input and return NULL instead.`,
  );
}

const isDigit = (c: number) => c >= 48 && c <= 57;

/** Two digits at i of s, or -1. */
function twoDigits(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * The common case without the general parser: "yyyy-MM-dd HH:mm:ss" (or with a "T"), and
 * ".f" to ".ffffff" after it, nothing else: its wall clock in microseconds from 1970-01-01
 * (as if UTC), or null for any other text (the general parser decides).
 */
function canonicalLocalMicros(s: string): number | null {
  const n = s.length;
  if (n < 19 || n > 26 || n === 20) return null;
  const y = twoDigits(s, 0) * 100 + twoDigits(s, 2);
  const [mo, d, h, mi, sec] = [twoDigits(s, 5), twoDigits(s, 8), twoDigits(s, 11), twoDigits(s, 14), twoDigits(s, 17)];
  if (y < 0 || twoDigits(s, 0) < 0 || twoDigits(s, 2) < 0 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return null;
  const sep = s.charCodeAt(10);
  if ((sep !== 32 && sep !== 84) || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59 || d > daysInMonth(y, mo)) return null;
  let fraction = 0;
  if (n > 19) {
    if (s.charCodeAt(19) !== 46) return null;
    for (let i = 20; i < 26; i++) {
      const c = i < n ? s.charCodeAt(i) - 48 : 0;
      if (c < 0 || c > 9) return null;
      fraction = fraction * 10 + c;
    }
  }
  return daysFromCivil(y, mo, d) * MICROS_PER_DAY + ((h * 60 + mi) * 60 + sec) * MICROS_PER_SECOND + fraction;
}
const blank = (c: number) => c <= 0x20 || c === 0x7f;

/**
 * Spark's DateTimeUtils.parseTimestampString: the fields of a timestamp text and the zone it
 * names (undefined: none), or null when it is malformed. Segments: year, month, day, hour,
 * minute, second, microseconds (more than six digits are cut), then a zone.
 */
/** Spark's isValidDigits: a segment's digit count (years 4 to 6, fractions any, a zone's up to 2, the rest 1 or 2). */
const valid = (segment: number, n: number) =>
  segment === 6 || (segment === 0 && n >= 4 && n <= 6) || (segment === 7 && n <= 2) || (segment !== 0 && segment !== 6 && segment !== 7 && n > 0 && n <= 2);

function parseFields(s: string): { fields: number[]; zone: string | undefined; justTime: boolean } | null {
  let j = 0;
  let end = s.length;
  while (j < end && blank(s.charCodeAt(j))) j++;
  while (end > j && blank(s.charCodeAt(end - 1))) end--;
  if (j === end) return null;
  const seg = [1, 1, 1, 0, 0, 0, 0, 0, 0];
  let i = 0;
  let value = 0;
  let digits = 0;
  let fractionDigits = 0;
  let justTime = false;
  let sign = 0;
  let zone: string | undefined;
  const start = j;
  const c0 = s.charCodeAt(j);
  if (c0 === 45 || c0 === 43) {
    sign = c0 === 45 ? -1 : 1;
    j++;
  }
  const next = (): boolean => {
    if (!valid(i, digits)) return false;
    seg[i] = value;
    value = 0;
    digits = 0;
    i++;
    return true;
  };
  for (; j < end; j++) {
    const c = s.charCodeAt(j);
    if (isDigit(c)) {
      if (i === 6) fractionDigits++;
      if (i !== 6 || digits < 6) value = value * 10 + (c - 48);
      digits++;
      continue;
    }
    if (j === start && c === 84) {
      justTime = true;
      i += 3;
    } else if (i < 2) {
      if (c === 45) {
        if (!next()) return null;
      } else if (i === 0 && c === 58 && sign === 0) {
        justTime = true;
        if (!valid(3, digits)) return null;
        seg[3] = value;
        value = 0;
        digits = 0;
        i = 4;
      } else return null;
    } else if (i === 2) {
      if (c !== 32 && c !== 84) return null;
      if (!next()) return null;
    } else if (i === 3 || i === 4) {
      if (c !== 58) return null;
      if (!next()) return null;
    } else if (i === 5 || i === 6) {
      if (c === 46 && i === 5) {
        if (!next()) return null;
      } else {
        if (!next()) return null;
        zone = s.slice(j, end);
        j = end - 1;
        if (i === 6) i++;
      }
    } else {
      if (!(i < seg.length && (c === 58 || c === 32))) return null;
      if (!next()) return null;
    }
  }
  if (!valid(i, digits)) return null;
  seg[i] = value;
  for (; fractionDigits < 6; fractionDigits++) seg[6]! *= 10;
  if (sign !== 0) seg[0]! *= sign;
  return { fields: seg, zone, justTime };
}

/** The zone a timestamp text names: "" (a trailing space) is UTC; Spark trims nothing else. */
function namedZone(text: string, s: string): TimeZone {
  const id = text.trim() === "" ? "UTC" : text.startsWith(" ") ? text.slice(1) : text;
  try {
    return timeZone(id);
  } catch (e) {
    if (e instanceof TimeZoneError) malformed(s);
    throw e;
  }
}

/**
 * Spark's cast of a string to a timestamp (ANSI: a malformed string is CAST_INVALID_INPUT):
 * the microseconds of `s`, read in `zone` unless it names its own.
 */
export function parseTimestamp(s: string, zone: TimeZone, now: () => number = Date.now): number {
  const fast = canonicalLocalMicros(s);
  if (fast !== null) return checkedMicros(fromLocal(Math.floor(fast / MICROS_PER_DAY), fast - Math.floor(fast / MICROS_PER_DAY) * MICROS_PER_DAY, zone), () => `CAST('${s}' AS TIMESTAMP)`);
  const parsed = parseFields(s);
  if (parsed === null) malformed(s);
  const z = parsed.zone === undefined ? zone : namedZone(parsed.zone, s);
  const { days, micros } = wallClockOf(s, parsed, "TIMESTAMP", () => localParts(now() * 1000, z).days);
  return checkedMicros(fromLocal(days, micros, z), () => `CAST('${s}' AS TIMESTAMP)`);
}

/** The wall clock parsed fields name (a time alone is on `today`), or CAST_INVALID_INPUT naming `target` when a field is out of range. */
function wallClockOf(s: string, parsed: NonNullable<ReturnType<typeof parseFields>>, target: string, today: () => number): { days: number; micros: number } {
  const { fields, justTime } = parsed;
  const [h, min, sec, us] = [fields[3]!, fields[4]!, fields[5]!, fields[6]!];
  if (h > 23 || min > 59 || sec > 59) malformed(s, target);
  let days: number;
  if (justTime) days = today();
  else {
    const [y, m, d] = [fields[0]!, fields[1]!, fields[2]!];
    if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) malformed(s, target);
    days = daysFromCivil(y, m, d);
  }
  return { days, micros: ((h * 60 + min) * 60 + sec) * MICROS_PER_SECOND + us };
}

/**
 * Spark's cast of a string to a timestamp_ntz (DateTimeUtils.stringToTimestampWithoutTimeZone):
 * the wall clock the text names, as microseconds from 1970-01-01 as if UTC. A zone in the text
 * is checked and then ignored (malformed when `allowZone` is false, as CSV and JSON readers
 * have it); a time without a date is malformed.
 */
export function parseTimestampNtz(s: string, allowZone = true): number {
  const fast = canonicalLocalMicros(s);
  if (fast !== null) return fast;
  const parsed = parseFields(s);
  if (parsed === null || parsed.justTime || (parsed.zone !== undefined && !allowZone)) malformed(s, "TIMESTAMP_NTZ");
  if (parsed.zone !== undefined) namedZone(parsed.zone, s);
  const { days, micros } = wallClockOf(s, parsed, "TIMESTAMP_NTZ", () => 0);
  return checkedMicros(days * MICROS_PER_DAY + micros, () => `CAST('${s}' AS TIMESTAMP_NTZ)`);
}

/** A timestamp value, or DATETIME_OVERFLOW naming the operation when it is outside 0001..9999. */
export function checkedMicros(micros: number, op: () => string): number {
  if (!(micros >= MIN_MICROS && micros < END_MICROS)) {
    throw new SparkDateTimeError(
      "DATETIME_OVERFLOW",
      `Datetime operation overflow: ${op()} is outside the timestamps sparkfn holds (0001-01-01 00:00:00 to 9999-12-31 23:59:59.999999 UTC). Filter or clamp the input first.`,
    );
  }
  return micros;
}

/** The instant of midnight of a date in a zone: Spark's cast of a date to a timestamp. */
export function startOfDay(days: number, zone: TimeZone): number {
  return fromLocal(days, 0, zone);
}

/** Whether a number is a timestamp value sparkfn holds exactly (a whole number of microseconds in range). */
export function isTimestampValue(v: unknown): v is number {
  return typeof v === "number" && Number.isInteger(v) && v >= MIN_MICROS && v < END_MICROS;
}

/** A JavaScript Date's instant as microseconds (what createDataFrame and lit() take). */
export const microsOfDate = (d: Date): number => d.getTime() * 1000;

/** The Date of a timestamp, as collect() returns it (milliseconds: a Date holds no finer time). */
export const dateOfMicros = (micros: number): Date => new Date(Math.floor(micros / 1000));

/** A date value ("YYYY-MM-DD") from days, for the timestamp-to-date cast (DATETIME_OVERFLOW beyond 0001..9999). */
export function dateFromDays(days: number): string {
  return dateValue(days, () => `the date ${isoText(...civilFromDays(days))} of a timestamp`);
}
