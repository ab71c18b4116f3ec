/**
 * Spark's timestamp functions (`current_timestamp`, `to_timestamp`, `hour`, `minute`,
 * `second`, `date_trunc`, `date_format`, `months_between`, `unix_timestamp`, `from_unixtime`, `to_utc_timestamp`,
 * `from_utc_timestamp`, `make_timestamp`, `timestamp_seconds`/`millis`/`micros`,
 * `unix_seconds`/`millis`/`micros`): what each takes, what it gives, and the one definition
 * of its values, as kernels over raw values (a timestamp is its microseconds since the epoch,
 * shared/plan/functions/timestamps.ts). The vector compiler casts each argument to its kind's
 * type first (a date or a string where a timestamp is taken, as Spark's implicit casts do) and
 * calls the kernel only when every argument is non-null; a kernel's null is a null result.
 *
 * ANSI mode, as Spark 4 by default: an unparsable to_timestamp text, an invalid make_timestamp
 * field and an unknown zone are errors with Spark's error class, never nulls; with ANSI off the
 * `lenient` functions give null for the first two.
 */
import type { DataType, Scalar } from "../types.ts";
import { civilFromDays, daysFromCivil, daysInMonth, isoDayOfWeek, SparkDateTimeError, toInt } from "./calendar.ts";
import { offsetAt, timeZone, UTC, type TimeZone } from "./time-zone.ts";
import { checkedMicros, fromLocal, localMicros, localParts, microsOfLocalDay, MICROS_PER_DAY, MICROS_PER_SECOND, parseTimestamp, parseTimestampNtz } from "./timestamps.ts";
import { formatTimestamp, parseTimestampPattern, timestampFormatterOf, timestampParserOf } from "./timestamp-patterns.ts";

/**
 * An argument's kind: `timestamp` (a timestamp, or a timestamp_ntz, date or string Spark casts
 * to one), `instant` (the same but no timestamp_ntz: Spark refuses it there), `parsed` (a
 * timestamp, a timestamp_ntz or date cast to one, or a string the kernel parses itself),
 * `local` (the same for timestamp_ntz), `string`, `int` (an int, or a long cast to int),
 * `long` (an int or long), `double` (any number).
 */
export type TimestampArg = "timestamp" | "instant" | "parsed" | "local" | "string" | "int" | "long" | "double" | "boolean";
export type TimestampResult = "timestamp" | "timestamp_ntz" | "int" | "long" | "double" | "string";
export type TimestampKernel = (...xs: never[]) => string | number | null;

export interface TimestampFunction {
  readonly args: readonly TimestampArg[];
  readonly result: TimestampResult;
  /** The result may be null for non-null arguments. */
  readonly partial?: true;
  /** The kernel for the session time zone and the literal arguments (undefined where not a literal). */
  readonly kernel: (zone: TimeZone, literals: readonly (Scalar | undefined)[]) => TimestampKernel;
  /** Evaluated once per query, not per row (current_timestamp). */
  readonly nondeterministic?: true;
  /**
   * A timestamp_ntz argument is read as the wall clock it is (the kernel runs in UTC, where its
   * microseconds are that wall clock), not cast to a timestamp in the session time zone: hour,
   * minute, second and unix_timestamp, as Spark's.
   */
  readonly wallClock?: true;
  /** With ANSI off (the call's `legacy`), input it cannot read gives null instead of an error, as Spark's non-ANSI parsers and makers. */
  readonly lenient?: true;
}

/** Which argument types each kind takes, and the type the compiler casts them to. */
export const TIMESTAMP_ARG_TYPES: Record<TimestampArg, { readonly accepts: readonly DataType[]; readonly as: DataType }> = {
  timestamp: { accepts: ["timestamp", "timestamp_ntz", "date", "string"], as: "timestamp" },
  instant: { accepts: ["timestamp", "date", "string"], as: "timestamp" },
  parsed: { accepts: ["timestamp", "timestamp_ntz", "date", "string"], as: "timestamp" },
  local: { accepts: ["timestamp", "timestamp_ntz", "date", "string"], as: "timestamp_ntz" },
  string: { accepts: ["string"], as: "string" },
  int: { accepts: ["int", "long"], as: "int" },
  long: { accepts: ["int", "long"], as: "long" },
  double: { accepts: ["int", "long", "double"], as: "double" },
  boolean: { accepts: ["boolean"], as: "boolean" },
};

export const TIMESTAMP_ARG_HINTS: Record<TimestampArg, readonly [string, string]> = {
  timestamp: ["a timestamp (or a date, or a timestamp string)", 'Use cast("timestamp") or to_timestamp() to convert it.'],
  instant: ["a timestamp (not a timestamp_ntz)", 'Use cast("timestamp") to read a timestamp_ntz in the session time zone.'],
  parsed: ["a timestamp string (or a timestamp, or a date)", 'Use cast("string") to convert it.'],
  local: ["a timestamp string (or a timestamp, or a date)", 'Use cast("string") to convert it.'],
  string: ["a string", 'Use lit("...") for a text value, or cast("string").'],
  int: ["an int", 'Use cast("int") or a whole-number literal.'],
  long: ["a whole number", 'Use cast("long") or a whole-number literal.'],
  double: ["a number", 'Use cast("double").'],
  boolean: ["a boolean", "Use lit(true) or lit(false)."],
};

/** hour, minute, second: a field of the microseconds into the local day. */
const timeField = (unit: number, modulo: number): TimestampFunction => ({
  args: ["timestamp"],
  result: "int",
  wallClock: true,
  kernel: (zone) => ((us: number) => Math.floor(microsOfLocalDay(us, zone) / unit) % modulo) as TimestampKernel,
});

type Level = "year" | "quarter" | "month" | "week" | "day" | "hour" | "minute" | "second" | "millisecond" | "microsecond";

/** date_trunc's level names (any case); another gives null. */
const LEVELS: Record<string, Level> = {
  YEAR: "year", YYYY: "year", YY: "year", QUARTER: "quarter", MONTH: "month", MM: "month", MON: "month", WEEK: "week", DAY: "day", DD: "day",
  HOUR: "hour", MINUTE: "minute", SECOND: "second", MILLISECOND: "millisecond", MICROSECOND: "microsecond",
};
const levelOf = (text: string): Level | undefined => (Object.hasOwn(LEVELS, text.toUpperCase()) ? LEVELS[text.toUpperCase()] : undefined);

/** Units of the levels cut on the wall clock's time of day (microseconds). */
const TIME_UNITS: Partial<Record<Level, number>> = { hour: 3_600_000_000, minute: 60_000_000 };
/** Units of the levels cut on the instant itself. */
const INSTANT_UNITS: Partial<Record<Level, number>> = { second: MICROS_PER_SECOND, millisecond: 1000, microsecond: 1 };

/** The wall-clock start (days, microseconds into the day) of a date-level period. */
function truncateDays(level: Level, days: number): number {
  const [y, m] = civilFromDays(days);
  switch (level) {
    case "year":
      return daysFromCivil(y, 1, 1);
    case "quarter":
      return daysFromCivil(y, m - ((m - 1) % 3), 1);
    case "month":
      return daysFromCivil(y, m, 1);
    case "week":
      return days - isoDayOfWeek(days) + 1;
    default:
      return days;
  }
}

/**
 * date_trunc as Spark's DateTimeUtils.truncTimestamp: seconds and finer on the instant itself;
 * coarser levels on the wall clock, kept at the instant's own offset where that offset still
 * holds (java.time's ZonedDateTime.truncatedTo: 01:30 in a fall-back overlap stays in its hour).
 */
function truncate(level: Level, us: number, zone: TimeZone): number {
  const instantUnit = INSTANT_UNITS[level];
  if (instantUnit !== undefined) return us - (((us % instantUnit) + instantUnit) % instantUnit);
  const { days, micros } = localParts(us, zone);
  const timeUnit = TIME_UNITS[level];
  const [d, tod] = timeUnit !== undefined ? [days, Math.floor(micros / timeUnit) * timeUnit] : [truncateDays(level, days), 0];
  const offset = offsetAt(zone, Math.floor(us / 1000)) * 1000;
  const kept = d * MICROS_PER_DAY + tod - offset;
  return offsetAt(zone, Math.floor(kept / 1000)) * 1000 === offset ? kept : fromLocal(d, tod, zone);
}

function dateTrunc(zone: TimeZone, literal: Scalar | undefined): TimestampKernel {
  if (typeof literal === "string") {
    // A literal level (the usual case) is looked up once.
    const level = levelOf(literal);
    return (level === undefined ? () => null : (_: string, us: number) => truncate(level, us, zone)) as TimestampKernel;
  }
  return ((text: string, us: number) => {
    const level = levelOf(text);
    return level === undefined ? null : truncate(level, us, zone);
  }) as TimestampKernel;
}

const DEFAULT_PATTERN = "yyyy-MM-dd HH:mm:ss";

/** to_timestamp(s[, format]) and unix_timestamp's parse: Spark's cast without a format; with one, the pattern (CANNOT_PARSE_TIMESTAMP when the text does not match). */
function parserFor(zone: TimeZone, format: Scalar | undefined): (s: string, format?: string) => number {
  if (typeof format === "string") timestampParserOf(format); // a bad literal pattern fails the query at once
  return (s, f) => (f === undefined ? parseTimestamp(s, zone) : parseTimestampPattern(s, f, zone));
}

/** make_timestamp(year, month, day, hour, min, sec[, zone]): java.time's fields; sec may hold micros; 60 only as 60.000000 (the next minute). */
function makeTimestamp(zone: TimeZone): TimestampKernel {
  return ((y: number, mo: number, d: number, h: number, mi: number, sec: number, zoneId?: string) => {
    const fail = (why: string): never => {
      throw new SparkDateTimeError("DATETIME_FIELD_OUT_OF_BOUNDS", `${why}. Give make_timestamp a valid date and time (hour 0-23, minute 0-59, seconds 0-60 with at most 6 decimals).`);
    };
    const [year, month, day, hour, minute] = [toInt(y, "make_timestamp"), toInt(mo, "make_timestamp"), toInt(d, "make_timestamp"), toInt(h, "make_timestamp"), toInt(mi, "make_timestamp")];
    const micros = Math.round(sec * MICROS_PER_SECOND);
    if (!(micros >= 0 && micros <= 60 * MICROS_PER_SECOND)) fail(`Invalid value for SecondOfMinute (valid values 0 - 59): ${Math.trunc(sec)}`);
    if (micros === 60 * MICROS_PER_SECOND && sec !== 60) fail("The fraction of sec must be zero. Valid range is [0, 60]");
    if (month < 1 || month > 12) fail(`Invalid value for MonthOfYear (valid values 1 - 12): ${month}`);
    if (day < 1 || day > 31) fail(`Invalid value for DayOfMonth (valid values 1 - 28/31): ${day}`);
    if (day > daysInMonth(year, month)) fail(`Invalid date '${year}-${month}-${day}'`);
    if (hour < 0 || hour > 23) fail(`Invalid value for HourOfDay (valid values 0 - 23): ${hour}`);
    if (minute < 0 || minute > 59) fail(`Invalid value for MinuteOfHour (valid values 0 - 59): ${minute}`);
    const z = zoneId === undefined ? zone : timeZone(zoneId);
    const local = ((hour * 60 + minute) * 60) * MICROS_PER_SECOND + micros;
    return checkedMicros(fromLocal(daysFromCivil(year, month, day), local, z), () => `make_timestamp(${y}, ${mo}, ${d}, ${h}, ${mi}, ${sec})`);
  }) as TimestampKernel;
}

const floorDiv = (a: number, b: number) => Math.floor(a / b);

/**
 * months_between(ts1, ts2, roundOff) as Spark's DateTimeUtils.monthsBetween: whole months when
 * the days of month are equal or both are month ends, else the months plus the difference in
 * seconds over 31 days, rounded to 8 digits unless roundOff is false.
 */
function monthsBetween(zone: TimeZone): TimestampKernel {
  return ((a: number, b: number, roundOff = true) => {
    const [p1, p2] = [localParts(a, zone), localParts(b, zone)];
    const [y1, m1, d1] = civilFromDays(p1.days);
    const [y2, m2, d2] = civilFromDays(p2.days);
    const monthDiff = y1 * 12 + m1 - (y2 * 12 + m2);
    if (d1 === d2 || (d1 === daysInMonth(y1, m1) && d2 === daysInMonth(y2, m2))) return monthDiff;
    // Seconds since the day's start in the zone (its midnight instant, as Spark's daysToMicros).
    const secondsInDay = (us: number, days: number) => Math.trunc((us - fromLocal(days, 0, zone)) / MICROS_PER_SECOND);
    const secondsDiff = (d1 - d2) * 86400 + secondsInDay(a, p1.days) - secondsInDay(b, p2.days);
    const diff = monthDiff + secondsDiff / (31 * 86400);
    return roundOff ? Math.round(diff * 1e8) / 1e8 : diff;
  }) as TimestampKernel;
}

export const TIMESTAMP_FUNCTIONS = {
  current_timestamp: { args: [], result: "timestamp", nondeterministic: true, kernel: () => (() => Date.now() * 1000) as TimestampKernel },
  now: { args: [], result: "timestamp", nondeterministic: true, kernel: () => (() => Date.now() * 1000) as TimestampKernel },
  to_timestamp: {
    args: ["parsed", "string"],
    result: "timestamp",
    lenient: true,
    kernel: (zone, literals) => {
      const parse = parserFor(zone, literals[1]);
      return ((v: number | string, f?: string) => (typeof v === "number" ? v : parse(v, f))) as TimestampKernel;
    },
  },
  /** date_format(ts, pattern): its wall clock in the session time zone, in the pattern (a date is its midnight). */
  date_format: {
    args: ["timestamp", "string"],
    result: "string",
    kernel: (zone, literals) => {
      if (typeof literals[1] === "string") timestampFormatterOf(literals[1]);
      return ((us: number, f: string) => formatTimestamp(us, f, zone)) as TimestampKernel;
    },
  },
  months_between: { args: ["timestamp", "timestamp", "boolean"], result: "double", kernel: (zone) => monthsBetween(zone) },
  hour: timeField(3_600_000_000, 24),
  minute: timeField(60_000_000, 60),
  second: timeField(1_000_000, 60),
  /** date_trunc(level, ts): the start of its year, quarter, month, week, day, hour, minute, second or millisecond. */
  date_trunc: { args: ["string", "timestamp"], result: "timestamp", partial: true, kernel: (zone, literals) => dateTrunc(zone, literals[0]) },
  /** unix_timestamp([ts or text[, format]]): seconds since the epoch (now without arguments). */
  unix_timestamp: {
    args: ["parsed", "string"],
    result: "long",
    nondeterministic: true,
    wallClock: true,
    lenient: true,
    kernel: (zone, literals) => {
      const parse = parserFor(zone, literals[1] ?? DEFAULT_PATTERN);
      // Spark divides the microseconds (toward zero), where unix_seconds floors.
      return ((v?: number | string, f?: string) => Math.trunc((v === undefined ? Date.now() * 1000 : typeof v === "number" ? v : parse(v, f ?? DEFAULT_PATTERN)) / MICROS_PER_SECOND) + 0) as TimestampKernel;
    },
  },
  /** from_unixtime(seconds[, format]): the time as text in the session time zone. */
  from_unixtime: {
    args: ["long", "string"],
    result: "string",
    kernel: (zone, literals) => {
      if (typeof literals[1] === "string") timestampFormatterOf(literals[1]);
      return ((s: number, f?: string) => formatTimestamp(s * MICROS_PER_SECOND, f ?? DEFAULT_PATTERN, zone)) as TimestampKernel;
    },
  },
  /** from_utc_timestamp(ts, zone): the wall clock of ts in `zone`, read as UTC. */
  from_utc_timestamp: {
    args: ["timestamp", "string"],
    result: "timestamp",
    kernel: () =>
      ((us: number, id: string) => {
        const p = localParts(us, timeZone(id));
        return p.days * MICROS_PER_DAY + p.micros;
      }) as TimestampKernel,
  },
  /** to_utc_timestamp(ts, zone): the wall clock of ts in UTC, read in `zone`. */
  to_utc_timestamp: {
    args: ["timestamp", "string"],
    result: "timestamp",
    kernel: () =>
      ((us: number, id: string) => {
        const days = Math.floor(us / MICROS_PER_DAY);
        return fromLocal(days, us - days * MICROS_PER_DAY, timeZone(id));
      }) as TimestampKernel,
  },
  make_timestamp: { args: ["int", "int", "int", "int", "int", "double", "string"], result: "timestamp", lenient: true, kernel: (zone) => makeTimestamp(zone) },
  timestamp_seconds: {
    args: ["double"],
    result: "timestamp",
    kernel: () => ((s: number) => checkedMicros(Math.trunc(s * MICROS_PER_SECOND) + 0, () => `timestamp_seconds(${s})`)) as TimestampKernel,
  },
  timestamp_millis: { args: ["long"], result: "timestamp", kernel: () => ((ms: number) => checkedMicros(ms * 1000, () => `timestamp_millis(${ms})`)) as TimestampKernel },
  timestamp_micros: { args: ["long"], result: "timestamp", kernel: () => ((us: number) => checkedMicros(us, () => `timestamp_micros(${us})`)) as TimestampKernel },
  unix_seconds: { args: ["instant"], result: "long", kernel: () => ((us: number) => floorDiv(us, MICROS_PER_SECOND)) as TimestampKernel },
  unix_millis: { args: ["instant"], result: "long", kernel: () => ((us: number) => floorDiv(us, 1000)) as TimestampKernel },
  unix_micros: { args: ["instant"], result: "long", kernel: () => ((us: number) => us) as TimestampKernel },
  /** localtimestamp(): the session time zone's wall clock now (the optimizer makes it the query's one instant, cast). */
  localtimestamp: { args: [], result: "timestamp_ntz", nondeterministic: true, kernel: (zone) => (() => localMicros(Date.now() * 1000, zone)) as TimestampKernel },
  /** to_timestamp_ntz(s[, format]): the wall clock a text names (a zone in it ignored), or of a timestamp in the session time zone, or a date's midnight. */
  to_timestamp_ntz: {
    args: ["local", "string"],
    result: "timestamp_ntz",
    lenient: true,
    kernel: (_zone, literals) => {
      // With a format, the pattern's wall clock (read in UTC, where it is its microseconds).
      const parse = parserFor(UTC, literals[1]);
      return ((v: number | string, f?: string) => (typeof v === "number" ? v : f === undefined ? parseTimestampNtz(v) : parse(v, f))) as TimestampKernel;
    },
  },
  /** make_timestamp_ntz(year, month, day, hour, min, sec): make_timestamp's fields as a wall clock (in UTC, where microseconds are the wall clock). */
  make_timestamp_ntz: { args: ["int", "int", "int", "int", "int", "double"], result: "timestamp_ntz", lenient: true, kernel: () => makeTimestamp(UTC) },
} as const satisfies Record<string, TimestampFunction>;

export type TimestampFn = keyof typeof TIMESTAMP_FUNCTIONS;

export function isTimestampFn(fn: string): fn is TimestampFn {
  return Object.hasOwn(TIMESTAMP_FUNCTIONS, fn);
}

