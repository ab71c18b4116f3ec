/**
 * The proleptic Gregorian calendar as Spark 3+ counts it (java.time's LocalDate): dates as
 * days since 1970-01-01, Spark's string-to-date cast (ANSI: a malformed string is an error
 * naming it), and the run-time errors of the date functions, each with Spark's error class.
 *
 * sparkfn holds a date as its "YYYY-MM-DD" text (shared/plan/types.ts), so a date value is a
 * year in 1..9999. Spark holds days in an int and computes dates beyond that (date_add of
 * 9999-12-31 gives +10000-01-01, which PySpark itself cannot collect); a result sparkfn cannot
 * hold is a DATETIME_OVERFLOW error that names the operation. Within one function, days are
 * plain numbers, so year('0000-01-01') is 0 as in Spark: only a date *value* is range-checked.
 */
import { conditionMessage, SparkConditionError, UserError } from "../../errors.ts";
import { SparkArithmeticError } from "./math.ts";

/** A date function failed on a value (ANSI mode, as Spark 4); `errorClass` is Spark's error condition. */
export class SparkDateTimeError extends SparkConditionError<"CAST_INVALID_INPUT" | "DATETIME_OVERFLOW" | "DATETIME_FIELD_OUT_OF_BOUNDS" | "ILLEGAL_DAY_OF_WEEK" | "CANNOT_PARSE_TIMESTAMP" | "CAST_OVERFLOW"> {
  override readonly name = "SparkDateTimeError";
}

/** A datetime pattern Spark (or sparkfn) cannot use: the job must change the pattern. */
export class DateTimePatternError extends UserError {
  override readonly name = "DateTimePatternError";
  constructor(
    readonly errorClass: string,
    message: string,
  ) {
    super(conditionMessage(errorClass, message));
  }
}

/** The first and last days sparkfn holds as dates: 0001-01-01 and 9999-12-31. */
export const MIN_DAY = -719162;
export const MAX_DAY = 2932896;
const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

export const isLeapYear = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
export const daysInMonth = (y: number, m: number) => (m === 2 && isLeapYear(y) ? 29 : MONTH_DAYS[m - 1]!);

/** Days since 1970-01-01 of year y, month m (1-12), day d (Howard Hinnant's days_from_civil). */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  return era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468;
}

/** [year, month 1-12, day 1-31] of a day number (civil_from_days). */
export function civilFromDays(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

/** 1 (Monday) to 7 (Sunday), as java.time's DayOfWeek; 1970-01-01 was a Thursday. */
export const isoDayOfWeek = (days: number) => ((((days + 3) % 7) + 7) % 7) + 1;

/** 1-based day of the year. */
export const dayOfYear = (days: number) => days - daysFromCivil(civilFromDays(days)[0], 1, 1) + 1;

/** The ISO-8601 week (1-53) of the week-based year: weeks start on Monday, week 1 holds the year's first Thursday. */
export function isoWeek(days: number): number {
  const thursday = days - isoDayOfWeek(days) + 4;
  const year = civilFromDays(thursday)[0];
  return Math.floor((thursday - daysFromCivil(year, 1, 1)) / 7) + 1;
}

/** Spark's text of a date: "YYYY-MM-DD", years beyond 9999 with a "+", before 1 as "-YYYY" (or 0000). */
export function isoText(y: number, m: number, d: number): string {
  const year = y > 9999 ? `+${y}` : y < 0 ? `-${String(-y).padStart(4, "0")}` : String(y).padStart(4, "0");
  return `${year}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

/**
 * A day number as a date value, "YYYY-MM-DD". Beyond an int (Spark's LocalDate to days) is
 * Spark's ARITHMETIC_OVERFLOW; outside 0001-01-01..9999-12-31 a DATETIME_OVERFLOW naming `op`.
 */
export function dateValue(days: number, op: () => string): string {
  if (days < MIN_DAY || days > MAX_DAY) {
    if (days < INT_MIN || days > INT_MAX) throw new SparkArithmeticError("ARITHMETIC_OVERFLOW", `integer overflow in ${op()}: the result is beyond Spark's date range.`);
    const [y, m, d] = civilFromDays(days);
    throw new SparkDateTimeError(
      "DATETIME_OVERFLOW",
      `Datetime operation overflow: ${op()} is ${isoText(y, m, d)}, outside the dates sparkfn holds (0001-01-01 to 9999-12-31). Filter or clamp the input first.`,
    );
  }
  const [y, m, d] = civilFromDays(days);
  return isoText(y, m, d);
}

const digit = (c: number) => c >= 48 && c <= 57;

function malformed(s: string): never {
  throw new SparkDateTimeError(
    "CAST_INVALID_INPUT",
    `The value '${s}' of the type "STRING" cannot be cast to "DATE" because it is malformed. Correct the value as per the syntax (yyyy, yyyy-[m]m or yyyy-[m]m-[d]d, then optionally a space or T and anything), or change its target type. Use \`try_cast\` to tolerate malformed input and return NULL instead.`,
  );
}

/**
 * Spark's cast of a string to a date (DateTimeUtils.stringToDate), ANSI: the days of `s`, or
 * a CAST_INVALID_INPUT error naming it. Accepted, after trimming whitespace and control
 * characters: [+-]yyyy[y..] (4 to 7 digits), yyyy-[m]m, yyyy-[m]m-[d]d, and the last followed
 * by a space or "T" and anything. A date value ("YYYY-MM-DD") takes the short path.
 */
export function daysOf(s: string): number {
  if (s.length === 10 && s.charCodeAt(4) === 45 && s.charCodeAt(7) === 45) {
    let ok = true;
    for (const i of [0, 1, 2, 3, 5, 6, 8, 9]) ok &&= digit(s.charCodeAt(i));
    if (ok) {
      const y = Number(s.slice(0, 4));
      const m = Number(s.slice(5, 7));
      const d = Number(s.slice(8, 10));
      if (m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m)) return daysFromCivil(y, m, d);
      malformed(s);
    }
  }
  return castToDays(s);
}

function castToDays(s: string): number {
  let start = 0;
  let end = s.length;
  const blank = (c: number) => c <= 0x20 || c === 0x7f;
  while (start < end && blank(s.charCodeAt(start))) start++;
  while (end > start && blank(s.charCodeAt(end - 1))) end--;
  if (start === end) malformed(s);
  const segments = [1, 1, 1];
  let sign = 1;
  let i = 0;
  let value = 0;
  let digits = 0;
  let j = start;
  const c0 = s.charCodeAt(j);
  if (c0 === 45 || c0 === 43) {
    sign = c0 === 45 ? -1 : 1;
    j++;
  }
  const validDigits = (segment: number, n: number) => (segment === 0 ? n >= 4 && n <= 7 : n > 0 && n <= 2);
  for (; j < end; j++) {
    const c = s.charCodeAt(j);
    if (c === 32 || c === 84) break; // " " or "T" ends the date
    if (i < 2 && c === 45) {
      if (!validDigits(i, digits)) malformed(s);
      segments[i++] = value;
      value = 0;
      digits = 0;
    } else if (digit(c)) {
      value = value * 10 + (c - 48);
      digits++;
    } else malformed(s);
  }
  if (!validDigits(i, digits)) malformed(s);
  if (i < 2 && j < end) malformed(s); // yyyy and yyyy-[m]m must be the whole string
  segments[i] = value;
  const [y, m, d] = [sign * segments[0]!, segments[1]!, segments[2]!];
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) malformed(s);
  return daysFromCivil(y, m, d);
}

/** An int argument given as a long (add_months, make_date): Spark's ANSI cast, CAST_OVERFLOW beyond an int. */
export function toInt(n: number, fn: string): number {
  if (n < INT_MIN || n > INT_MAX) {
    throw new SparkDateTimeError("CAST_OVERFLOW", `The value ${n}L of the type "BIGINT" cannot be cast to "INT" due to an overflow (${fn}() takes an int). Use \`try_cast\` to tolerate overflow and return NULL instead.`);
  }
  return n;
}
