/**
 * Spark's date functions (`date_add`, `add_months`, `datediff`, `last_day`, `next_day`,
 * `year`...`weekofyear`, `trunc`, `make_date`, `to_date`, `current_date`) on the date type: what each takes, what type it gives, and the one
 * definition of its values, as kernels over raw values ("YYYY-MM-DD" strings, ints). The
 * vector compiler (executor-fn/compile/vector-calls.ts) calls a kernel only when every
 * argument is non-null (null in, null out); a kernel's null is a null result (trunc to an
 * unknown level).
 *
 * ANSI mode and UTC, as Spark 4 by default: a string where a date is expected is cast as
 * Spark casts it (shared/plan/functions/calendar.ts; a malformed one is CAST_INVALID_INPUT),
 * an invalid make_date or next_day argument, an unparsable to_date text and a bad pattern are
 * errors with Spark's error class, never nulls. A timestamp argument is cast to its date in
 * the session time zone first, as Spark's implicit cast (the vector compiler does it); the
 * functions Spark defines on timestamps (date_format, months_between) are in
 * timestamp-functions.ts.
 */
import type { DataType, Scalar } from "../types.ts";
import { civilFromDays, dateValue, dayOfYear, daysFromCivil, daysInMonth, daysOf, isoDayOfWeek, isoText, isoWeek, SparkDateTimeError, toInt } from "./calendar.ts";
import { parseDate, parserOf } from "./date-patterns.ts";

/**
 * An argument's kind: `date` (a date, or a timestamp or string Spark casts to one), `int`,
 * `intOrLong` (a long is cast to int, CAST_OVERFLOW beyond it), `string`, `boolean`.
 */
export type DateArg = "date" | "int" | "intOrLong" | "string" | "boolean";
export type DateResult = "date" | "int" | "string" | "double";
export type DateKernel = (...xs: never[]) => string | number | null;

export interface DateFunction {
  /** The arguments' kinds, in order (how many may be given: SCALAR_FUNCTIONS in expr.ts). */
  readonly args: readonly DateArg[];
  readonly result: DateResult;
  /** The result may be null for non-null arguments. */
  readonly partial?: true;
  /**
   * The kernel for the arguments' types and literal values (undefined where an argument is
   * not a literal): to_date ignores its format for a date; a literal pattern is checked here,
   * once, so a bad one fails the query whatever the rows, as Spark's does.
   */
  readonly kernel: (types: readonly DataType[], literals: readonly (Scalar | undefined)[]) => DateKernel;
}

/** The days of a date argument: a date value, or a string cast as Spark casts it. */
const days = (d: string) => daysOf(d);
const field = (f: (n: number) => number): DateFunction => ({ args: ["date"], result: "int", kernel: () => ((d: string) => f(days(d))) as DateKernel });
const ymd = (d: string) => civilFromDays(days(d));

function addDays(fn: "date_add" | "date_sub", sign: 1 | -1): DateFunction {
  // Spark adds ints (wrapping past 2^31), then the date is out of any range a date value has.
  return { args: ["date", "int"], result: "date", kernel: () => ((d: string, n: number) => dateValue((days(d) + sign * n) | 0, () => `${fn}(${d}, ${n})`)) as DateKernel };
}

/** java.time's LocalDate.plusMonths: the same day, or the month's last day when it is shorter. */
export function addMonths(d: string, months: number): string {
  const [y, m, day] = ymd(d);
  const total = y * 12 + (m - 1) + toInt(months, "add_months");
  const year = Math.floor(total / 12);
  const month = total - year * 12 + 1;
  return dateValue(daysFromCivil(year, month, Math.min(day, daysInMonth(year, month))), () => `add_months(${d}, ${months})`);
}

/** Spark's day-of-week names for next_day: two letters, three, or the whole name, any case. */
const WEEKDAYS: Record<string, number> = { MO: 1, MON: 1, MONDAY: 1, TU: 2, TUE: 2, TUESDAY: 2, WE: 3, WED: 3, WEDNESDAY: 3, TH: 4, THU: 4, THURSDAY: 4, FR: 5, FRI: 5, FRIDAY: 5, SA: 6, SAT: 6, SATURDAY: 6, SU: 7, SUN: 7, SUNDAY: 7 };

function nextDay(d: string, dayOfWeek: string): string {
  const want = Object.hasOwn(WEEKDAYS, dayOfWeek.toUpperCase()) ? WEEKDAYS[dayOfWeek.toUpperCase()]! : undefined;
  if (want === undefined) {
    throw new SparkDateTimeError("ILLEGAL_DAY_OF_WEEK", `Illegal input for day of week: ${dayOfWeek}. Use a day's name, its first three letters or its first two (Mon, MO, Monday...).`);
  }
  const start = days(d);
  return dateValue(start + 1 + ((((want - isoDayOfWeek(start) - 1) % 7) + 7) % 7), () => `next_day(${d}, ${dayOfWeek})`);
}

/** trunc(date, level): the first day of its year, quarter, month or (Monday) week; null for another level. */
function trunc(d: string, level: string): string | null {
  const n = days(d);
  const [y, m] = civilFromDays(n);
  const first = (day: number) => dateValue(day, () => `trunc(${d}, ${level})`);
  switch (level.toUpperCase()) {
    case "YEAR":
    case "YYYY":
    case "YY":
      return first(daysFromCivil(y, 1, 1));
    case "QUARTER":
      return first(daysFromCivil(y, m - ((m - 1) % 3), 1));
    case "MONTH":
    case "MON":
    case "MM":
      return first(daysFromCivil(y, m, 1));
    case "WEEK":
      return first(n - isoDayOfWeek(n) + 1);
    default:
      return null;
  }
}

const MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** make_date(year, month, day), as java.time's LocalDate.of: an invalid field is DATETIME_FIELD_OUT_OF_BOUNDS. */
function makeDate(year: number, month: number, day: number): string {
  const [y, m, d] = [toInt(year, "make_date"), toInt(month, "make_date"), toInt(day, "make_date")];
  const bad = (why: string): never => {
    throw new SparkDateTimeError("DATETIME_FIELD_OUT_OF_BOUNDS", `${why}. Give make_date a valid year, month (1-12) and day of that month.`);
  };
  if (y < -999999999 || y > 999999999) bad(`Invalid value for Year (valid values -999999999 - 999999999): ${y}`);
  if (m < 1 || m > 12) bad(`Invalid value for MonthOfYear (valid values 1 - 12): ${m}`);
  if (d < 1 || d > 31) bad(`Invalid value for DayOfMonth (valid values 1 - 28/31): ${d}`);
  if (d > daysInMonth(y, m)) bad(m === 2 && d === 29 ? `Invalid date 'February 29' as '${y}' is not a leap year` : `Invalid date '${MONTH_NAMES[m - 1]!.toUpperCase()} ${d}'`);
  return dateValue(daysFromCivil(y, m, d), () => `make_date(${y}, ${m}, ${d})`);
}

/** Today in UTC (Spark's session time zone by default). */
function today(): string {
  const now = new Date();
  return isoText(now.getUTCFullYear(), now.getUTCMonth() + 1, now.getUTCDate());
}

export const DATE_FUNCTIONS = {
  current_date: { args: [], result: "date", kernel: () => today as DateKernel },
  date_add: addDays("date_add", 1),
  date_sub: addDays("date_sub", -1),
  add_months: { args: ["date", "intOrLong"], result: "date", kernel: () => addMonths as DateKernel },
  /** datediff(end, start): the days from start to end. */
  datediff: { args: ["date", "date"], result: "int", kernel: () => ((end: string, start: string) => days(end) - days(start)) as DateKernel },
  last_day: {
    args: ["date"],
    result: "date",
    kernel: () =>
      ((d: string) => {
        const [y, m] = ymd(d);
        return dateValue(daysFromCivil(y, m, daysInMonth(y, m)), () => `last_day(${d})`);
      }) as DateKernel,
  },
  next_day: { args: ["date", "string"], result: "date", kernel: () => nextDay as DateKernel },
  year: field((n) => civilFromDays(n)[0]),
  quarter: field((n) => Math.floor((civilFromDays(n)[1] - 1) / 3) + 1),
  month: field((n) => civilFromDays(n)[1]),
  dayofmonth: field((n) => civilFromDays(n)[2]),
  /** 1 = Sunday ... 7 = Saturday. */
  dayofweek: field((n) => (isoDayOfWeek(n) % 7) + 1),
  dayofyear: field(dayOfYear),
  /** The ISO-8601 week of the year (1-53; the first week has the year's first Thursday). */
  weekofyear: field(isoWeek),
  trunc: { args: ["date", "string"], result: "date", partial: true, kernel: () => trunc as DateKernel },
  make_date: { args: ["intOrLong", "intOrLong", "intOrLong"], result: "date", kernel: () => makeDate as DateKernel },
  /** to_date(str) casts as Spark; to_date(str, format) parses with the pattern; a date stays as it is (the format unused). */
  to_date: {
    args: ["date", "string"],
    result: "date",
    kernel: (types, literals) => {
      if (types[0] === "date") return ((d: string) => d) as DateKernel;
      if (types[0] === "string" && typeof literals[1] === "string") parserOf(literals[1]);
      return ((s: string, format?: string) =>
        format === undefined ? dateValue(days(s), () => `to_date('${s}')`) : dateValue(parseDate(s, format), () => `to_date('${s}', '${format}')`)) as DateKernel;
    },
  },
} as const satisfies Record<string, DateFunction>;

export type DateFn = keyof typeof DATE_FUNCTIONS;

export function isDateFn(fn: string): fn is DateFn {
  return Object.hasOwn(DATE_FUNCTIONS, fn);
}

/** Which argument types each kind takes (a NULL literal fits every kind). */
export const DATE_ARG_TYPES: Record<DateArg, readonly DataType[]> = {
  date: ["date", "string", "timestamp", "timestamp_ntz"],
  int: ["int"],
  intOrLong: ["int", "long"],
  string: ["string"],
  boolean: ["boolean"],
};

/** How to name an argument kind in an error, and how to fix a wrong one. */
export const DATE_ARG_HINTS: Record<DateArg, readonly [string, string]> = {
  date: ["a date (or a timestamp, or a date string)", 'Use cast("date") or to_date() to convert it.'],
  int: ["an int", 'Use cast("int") or a whole-number literal.'],
  intOrLong: ["an int", 'Use cast("int") or a whole-number literal.'],
  string: ["a string", 'Use lit("...") for a text value, or cast("string").'],
  boolean: ["a boolean", "Use lit(true) or lit(false)."],
};
