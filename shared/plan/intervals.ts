/**
 * Spark's ANSI interval values as text, both ways: the one formatter (Spark's
 * IntervalUtils.toDayTimeIntervalString / toYearMonthIntervalString in ANSI style, which a cast
 * to string, a literal's column name and show() all use) and the one parser of interval strings
 * (SQL literals `INTERVAL '1 02:03:04' DAY TO SECOND`, casts of strings to intervals).
 *
 * A day-time interval's value is its microseconds (a JavaScript number: exact up to 2^53, about
 * 285 years, as long values); a year-month interval's value is its months (an int). The type
 * says which fields the value shows (`interval day` shows whole days); values keep every
 * microsecond (a cast to a narrower type truncates: casts.ts).
 */
import { DAY_TIME_FIELDS, intervalOf, YEAR_MONTH_FIELDS, type DataType, type IntervalShape } from "./types.ts";
import { MICROS_PER_DAY, MICROS_PER_SECOND } from "./functions/timestamps.ts";

export const MICROS_PER_MINUTE = 60 * MICROS_PER_SECOND;
export const MICROS_PER_HOUR = 60 * MICROS_PER_MINUTE;
/** Microseconds in one unit of each day-time field (DAY_TIME_FIELDS' order). */
export const DAY_TIME_UNITS = [MICROS_PER_DAY, MICROS_PER_HOUR, MICROS_PER_MINUTE, MICROS_PER_SECOND] as const;
/** Months in one unit of each year-month field (YEAR_MONTH_FIELDS' order). */
export const YEAR_MONTH_UNITS = [12, 1] as const;

/** Java's long range, in which Spark holds a day-time interval's microseconds. */
export const LONG_MAX = 2n ** 63n - 1n;
export const LONG_MIN = -(2n ** 63n);

/** An interval text that does not fit its type: Spark's condition and message. */
export class IntervalFormatError extends Error {
  override readonly name = "IntervalFormatError";
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/** Seconds (with microseconds) as Java's BigDecimal.valueOf(micros, 6).stripTrailingZeros.toPlainString, with a leading 0 under 10. */
function secondsText(micros: number): string {
  const whole = Math.floor(micros / MICROS_PER_SECOND);
  const fraction = micros - whole * MICROS_PER_SECOND;
  const digits = fraction === 0 ? "" : `.${String(fraction).padStart(6, "0").replace(/0+$/, "")}`;
  return `${whole < 10 ? "0" : ""}${whole}${digits}`;
}

function fieldsText(shape: IntervalShape): string {
  const names: readonly string[] = shape.kind === "daytime" ? DAY_TIME_FIELDS : YEAR_MONTH_FIELDS;
  const [from, to] = [names[shape.start]!.toUpperCase(), names[shape.end]!.toUpperCase()];
  return shape.start === shape.end ? from : `${from} TO ${to}`;
}

/** A day-time interval's text for its fields: `INTERVAL '1 02:03:04.5' DAY TO SECOND`, `INTERVAL '01' HOUR`. */
export function dayTimeText(micros: number, shape: IntervalShape): string {
  const sign = micros < 0 ? "-" : "";
  let rest = Math.abs(micros);
  const { start, end } = shape;
  let text: string;
  if (start === 3) text = secondsText(rest);
  else {
    const unit = DAY_TIME_UNITS[start]!;
    const lead = Math.floor(rest / unit);
    rest -= lead * unit;
    text = start === 0 ? String(lead) : pad2(lead);
  }
  if (start < 1 && end >= 1) {
    text += ` ${pad2(Math.floor(rest / MICROS_PER_HOUR))}`;
    rest %= MICROS_PER_HOUR;
  }
  if (start < 2 && end >= 2) {
    text += `:${pad2(Math.floor(rest / MICROS_PER_MINUTE))}`;
    rest %= MICROS_PER_MINUTE;
  }
  if (start < 3 && end >= 3) text += `:${secondsText(rest)}`;
  return `INTERVAL '${sign}${text}' ${fieldsText(shape)}`;
}

/** A year-month interval's text for its fields: `INTERVAL '1-2' YEAR TO MONTH`, `INTERVAL '-3' YEAR`, `INTERVAL '14' MONTH`. */
export function yearMonthText(months: number, shape: IntervalShape): string {
  const sign = months < 0 ? "-" : "";
  const abs = Math.abs(months);
  const year = `${sign}${Math.floor(abs / 12)}`;
  const body = shape.start !== shape.end ? `${year}-${abs % 12}` : shape.start === 0 ? year : String(months);
  return `INTERVAL '${body}' ${fieldsText(shape)}`;
}

/** An interval value of type `t` as Spark's cast to string writes it. */
export function intervalText(v: number, t: DataType): string {
  const shape = intervalOf(t)!;
  return shape.kind === "daytime" ? dayTimeText(v, shape) : yearMonthText(v, shape);
}

// ---- parsing ----

/** The digits of a fraction of a second (up to 9, Spark's nanoseconds) as microseconds, truncated. */
const fractionMicros = (digits: string | undefined) => (digits ? Number(digits.slice(0, 6).padEnd(6, "0")) : 0);

/** The pattern of a day-time text from field `start` to `end`: the leading field unbounded, the others of one or two digits. */
function dayTimePattern(start: number, end: number): RegExp {
  const parts: string[] = [];
  for (let f = start; f <= end; f++) {
    const digits = f === start ? "(\\d+)" : "(\\d{1,2})";
    const sep = f === start ? "" : f === 1 ? " " : ":";
    parts.push(f === 3 ? `${sep}${digits}(?:\\.(\\d{0,9}))?` : `${sep}${digits}`);
  }
  return new RegExp(`^([+-])?${parts.join("")}$`);
}

const BOUNDS = [Infinity, 23, 59, 59] as const;

/**
 * A day-time interval's microseconds from text of exactly its fields (`1 2:03:04.5` for DAY TO
 * SECOND, `-36` for HOUR), as Spark's literals and casts read it: a sign, the leading field
 * unbounded, hours 0-23, minutes and seconds 0-59 after it; beyond Java's long range, an error.
 */
export function parseDayTime(text: string, start: number, end: number): number {
  const m = dayTimePattern(start, end).exec(text.trim());
  if (!m) throw new IntervalFormatError(`Interval string does not match day-time format of ${fieldsText({ kind: "daytime", start, end })}: ${text}`);
  let micros = 0n;
  let at = 2;
  for (let f = start; f <= end; f++) {
    const n = BigInt(m[at++]!);
    if (f !== start && n > BigInt(BOUNDS[f]!)) throw new IntervalFormatError(`${DAY_TIME_FIELDS[f]} ${n} outside range [0, ${BOUNDS[f]}]`);
    micros += n * BigInt(DAY_TIME_UNITS[f]!);
  }
  if (end === 3) micros += BigInt(fractionMicros(m[at]));
  const signed = m[1] === "-" ? -micros : micros;
  if (signed > LONG_MAX || signed < LONG_MIN) throw new IntervalFormatError(`${DAY_TIME_FIELDS[start]} ${m[2]} outside range`);
  return Number(signed) + 0;
}

/** A year-month interval's months from text of exactly its fields (`1-2` for YEAR TO MONTH, `-3` for YEAR): months 0-11 after years; within an int. */
export function parseYearMonth(text: string, start: number, end: number): number {
  const m = (start === end ? /^([+-])?(\d+)$/ : /^([+-])?(\d+)-(\d{1,2})$/).exec(text.trim());
  if (!m) throw new IntervalFormatError(`Interval string does not match year-month format of ${fieldsText({ kind: "yearmonth", start, end })}: ${text}`);
  const lead = BigInt(m[2]!);
  const month = m[3] === undefined ? 0n : BigInt(m[3]);
  if (month > 11n) throw new IntervalFormatError(`month ${month} outside range [0, 11]`);
  const months = (start === 0 ? lead * 12n : lead) + month;
  const signed = m[1] === "-" ? -months : months;
  if (signed > 2147483647n || signed < -2147483648n) throw new IntervalFormatError(`${YEAR_MONTH_FIELDS[start]} ${m[2]} outside range`);
  return Number(signed) + 0;
}

const WRAPPED = /^INTERVAL\s+([+-])?'([^']*)'\s+(\w+)(?:\s+TO\s+(\w+))?$/i;

/**
 * A string cast to an interval type: the text of its fields (`1 02:03:04`), or the whole
 * literal (`INTERVAL '1 02:03:04' DAY TO SECOND`) naming the type's own fields; null when it
 * does not fit (the cast says how).
 */
export function parseIntervalString(s: string, t: DataType): number | null {
  const shape = intervalOf(t)!;
  let text = s.trim();
  const wrapped = WRAPPED.exec(text);
  if (wrapped) {
    const fields: readonly string[] = shape.kind === "daytime" ? DAY_TIME_FIELDS : YEAR_MONTH_FIELDS;
    const [from, to] = [wrapped[3]!.toLowerCase(), (wrapped[4] ?? wrapped[3]!).toLowerCase()];
    if (fields.indexOf(from) !== shape.start || fields.indexOf(to) !== shape.end) return null;
    const inner = wrapped[2]!.trim();
    text = wrapped[1] === "-" ? (inner.startsWith("-") ? inner.slice(1) : inner.startsWith("+") ? `-${inner.slice(1)}` : `-${inner}`) : inner;
  }
  try {
    return shape.kind === "daytime" ? parseDayTime(text, shape.start, shape.end) : parseYearMonth(text, shape.start, shape.end);
  } catch (error) {
    if (error instanceof IntervalFormatError) return null;
    throw error;
  }
}

// ---- conversions of the casts (shared/plan/casts.ts wires them) ----

/** One unit of a type's end field: what a number cast to or from the type counts (Spark's IntervalUtils.longToDayTimeInterval...). */
export function endUnit(t: DataType): number {
  const shape = intervalOf(t)!;
  return shape.kind === "daytime" ? DAY_TIME_UNITS[shape.end]! : YEAR_MONTH_UNITS[shape.end]!;
}

/** An interval as a whole number of its end field (truncated toward zero, as Java's division). */
export const intervalToWhole = (v: number, from: DataType): number => Math.trunc(v / endUnit(from)) + 0;

/** A whole number as an interval of its end field; undefined beyond a long of microseconds or an int of months. */
export function wholeToInterval(n: number, to: DataType): number | undefined {
  const v = n * endUnit(to);
  const limit = intervalOf(to)!.kind === "daytime" ? 2 ** 63 : 2 ** 31;
  return v < limit && v >= -limit ? v + 0 : undefined;
}

/** An interval cast to another of its kind: truncated to the target's end field (Spark's durationToMicros / months of whole years). */
export function intervalToInterval(v: number, to: DataType): number {
  const unit = endUnit(to);
  return unit === 1 ? v : v - (v % unit) + 0;
}

/** n / d rounded half away from zero (Java's RoundingMode.HALF_UP), in bigints. */
function divideHalfUp(n: bigint, d: bigint): bigint {
  const q = n / d;
  const r = n % d;
  return 2n * (r < 0n ? -r : r) >= d ? q + (n < 0n ? -1n : 1n) : q;
}

/** An interval as the unscaled value of a decimal of `scale` digits after the point: its end field's count, rounded half up. */
export const intervalToDecimal = (v: number, from: DataType, scale: number): bigint => divideHalfUp(BigInt(v) * 10n ** BigInt(scale), BigInt(endUnit(from)));

/** A decimal (unscaled, of `scale`) as an interval counting its end field, rounded half up to a microsecond or a month; undefined beyond the type's range. */
export function decimalToInterval(unscaled: bigint, scale: number, to: DataType): number | undefined {
  const v = divideHalfUp(unscaled * BigInt(endUnit(to)), 10n ** BigInt(scale));
  const limit = intervalOf(to)!.kind === "daytime" ? LONG_MAX : 2147483647n;
  return v <= limit && v >= -limit - 1n ? Number(v) + 0 : undefined;
}
