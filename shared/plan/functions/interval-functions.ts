/**
 * Spark's functions of ANSI intervals (a day-time interval is its microseconds, a year-month
 * interval its months: shared/plan/intervals.ts): make_dt_interval, make_ym_interval, and the
 * operations the analyzer rewrites interval arithmetic into (shared/plan/interval-arithmetic.ts),
 * as Spark's analyzer rewrites `ts + i` into TimeAdd, `i * 2` into MultiplyDTInterval...
 * Those internal functions are named `interval:...` (SQL cannot call them: driver/sql/functions.ts).
 *
 * Each entry gives its result type for the arguments' types (or why Spark refuses them) and
 * its kernel over raw non-null values (the vector compiler gives null for a null argument).
 * Interval arithmetic is exact in both ANSI modes, as Spark's (Math.addExact):
 * INTERVAL_ARITHMETIC_OVERFLOW beyond a long of microseconds or an int of months.
 */
import { SparkConditionError } from "../../errors.ts";
import { decimalOf, intervalOf, intervalType, isIntegral, widerInterval, type DataType, type Scalar } from "../types.ts";
import { MICROS_PER_HOUR, MICROS_PER_MINUTE } from "../intervals.ts";
import { addMonths } from "./dates.ts";
import { daysOf, dateValue, toInt } from "./calendar.ts";
import { checkedMicros, fromLocalKeepingOffset, localMicros, localParts, MICROS_PER_DAY, MICROS_PER_SECOND, startOfDay } from "./timestamps.ts";
import { timeZone, type TimeZone } from "./time-zone.ts";

/** Spark's interval errors (their classes name them). */
export class IntervalArithmeticError extends SparkConditionError<"INTERVAL_ARITHMETIC_OVERFLOW.WITH_SUGGESTION" | "INTERVAL_ARITHMETIC_OVERFLOW.WITHOUT_SUGGESTION" | "INTERVAL_DIVIDED_BY_ZERO" | "ARITHMETIC_OVERFLOW"> {
  override readonly name = "IntervalArithmeticError";
}

const TWO_63 = 2 ** 63;

export const overflow = (suggest?: string) =>
  new IntervalArithmeticError(
    suggest ? "INTERVAL_ARITHMETIC_OVERFLOW.WITH_SUGGESTION" : "INTERVAL_ARITHMETIC_OVERFLOW.WITHOUT_SUGGESTION",
    `Integer overflow while operating with intervals. ${suggest ? `Use \`${suggest}\` to tolerate overflow and return NULL instead.` : "Try devising appropriate values for the interval parameters."}`,
  );

/** A day-time result within a long of microseconds, a year-month one within an int of months; else `error`. */
export function checked(kind: "daytime" | "yearmonth", v: number, error: () => Error): number {
  const ok = kind === "daytime" ? v < TWO_63 && v >= -TWO_63 : v <= 2147483647 && v >= -2147483648;
  if (!ok || Number.isNaN(v)) throw error();
  return v + 0;
}

/** Java's long/int overflow of Math.multiplyExact and friends (no error class: Spark's ArithmeticException). */
const javaOverflow = (kind: "daytime" | "yearmonth") => () => new IntervalArithmeticError("ARITHMETIC_OVERFLOW", `${kind === "daytime" ? "long" : "integer"} overflow.`);

/** A number as the microseconds or months it multiplies or divides by: a decimal's unscaled value over its scale. */
function asNumber(t: DataType): (v: unknown) => number {
  const d = decimalOf(t);
  return d ? (v) => Number(v as bigint) / 10 ** d.scale : (v) => v as number;
}

/** Rounding half away from zero (Java's RoundingMode.HALF_UP on a long result). */
export const roundHalfUp = (x: number) => (x < 0 ? -Math.round(-x) : Math.round(x)) + 0;

export type IntervalKernel = (...xs: never[]) => Scalar | null;

export interface IntervalFunction {
  /** The result type for the argument types, or why Spark refuses them (a sentence). */
  readonly type: (args: readonly DataType[], literals: readonly (Scalar | undefined)[]) => DataType | { readonly refused: string };
  /** The kernel for the argument types in the session time zone. */
  readonly kernel: (args: readonly DataType[], zone: TimeZone, literals: readonly (Scalar | undefined)[]) => IntervalKernel;
}

const family = (t: DataType) => intervalOf(t)?.kind;
const isNumberType = (t: DataType) => isIntegral(t) || t === "float" || t === "double" || decimalOf(t) !== null;


/** Interval ± interval of one family. */
function addition(sign: 1 | -1): IntervalFunction {
  return {
    type: ([a, b]) => (family(a!) !== undefined && family(a!) === family(b!) ? widerInterval(a!, b!) : { refused: "both sides must be intervals of one kind (day-time or year-month)" }),
    kernel: ([a]) => {
      const kind = family(a!)!;
      const error = () => overflow(sign > 0 ? "try_add" : "try_subtract");
      return ((x: number, y: number) => checked(kind, x + sign * y, error)) as IntervalKernel;
    },
  };
}

/** Interval * number and interval / number: Spark's MultiplyDTInterval, DivideDTInterval and the year-month twins (HALF_UP for fractions). */
function scaling(op: "multiply" | "divide"): IntervalFunction {
  return {
    type: ([i, n]) => {
      const kind = family(i!);
      if (!kind || !isNumberType(n!)) return { refused: "an interval is multiplied or divided by a number" };
      return kind === "daytime" ? "interval day to second" : "interval year to month";
    },
    kernel: ([i, n]) => {
      const kind = family(i!)!;
      const num = asNumber(n!);
      const whole = isIntegral(n!);
      return ((x: number, v: unknown) => {
        const y = num(v);
        if (op === "divide") {
          if (y === 0) throw new IntervalArithmeticError("INTERVAL_DIVIDED_BY_ZERO", "Division by zero. Use `try_divide` to tolerate divisor being 0 and return NULL instead.");
          return checked(kind, roundHalfUp(x / y), javaOverflow(kind));
        }
        return checked(kind, whole ? x * y : roundHalfUp(x * y), javaOverflow(kind));
      }) as IntervalKernel;
    },
  };
}

/**
 * An interval added to a timestamp in the session zone, as Spark's timestampAddDayTime and
 * timestampAddMonths: whole days or months on the wall clock (keeping the offset where it
 * holds), the rest of a day-time interval's microseconds on the instant.
 */
function timestampPlus(kind: "daytime" | "yearmonth", zone: TimeZone): (ts: number, v: number) => number {
  const op = () => "a timestamp plus an interval";
  if (kind === "daytime") {
    return (ts, v) => {
      const days = Math.trunc(v / MICROS_PER_DAY);
      if (days === 0) return checkedMicros(ts + v, op);
      const local = localParts(ts, zone);
      return checkedMicros(fromLocalKeepingOffset(local.days + days, local.micros, ts, zone) + (v - days * MICROS_PER_DAY), op);
    };
  }
  return (ts, months) => {
    const { days, micros } = localParts(ts, zone);
    const shifted = addMonths(dateValue(days, () => "a timestamp's date"), months);
    return checkedMicros(fromLocalKeepingOffset(daysOf(shifted), micros, ts, zone), op);
  };
}

/**
 * A RANGE frame's bound: an order key's value (a date, or a timestamp in the session zone) moved
 * by an interval frame offset of type `t` (as Spark's frame bound `order + offset`).
 */
export function intervalFrameShift(t: DataType, zone: TimeZone = UTC): (v: string | number, offset: number) => string | number {
  const kind = intervalOf(t)!.kind;
  const plus = timestampPlus(kind, zone);
  return (v, offset) =>
    typeof v === "number" ? plus(v, offset) : kind === "yearmonth" ? addMonths(v, offset) : dateValue(daysOf(v) + Math.trunc(offset / MICROS_PER_DAY), () => `a frame bound of ${v}`);
}

const UTC = timeZone("UTC");

/** Whether a day-time type is whole days (`interval day`): a date plus it stays a date (Spark's date_add). */
const isDays = (t: DataType) => t === "interval day";

export const INTERVAL_FUNCTIONS = {
  make_dt_interval: {
    type: (args) => (args.every((t) => isNumberType(t) || t === "null") ? "interval day to second" : { refused: "make_dt_interval takes numbers (days, hours, mins, secs)" }),
    kernel: (args) => {
      const secs = asNumber(args[3] ?? "int");
      return ((d = 0, h = 0, m = 0, s: unknown = 0) => {
        const micros = d * MICROS_PER_DAY + h * MICROS_PER_HOUR + m * MICROS_PER_MINUTE + roundHalfUp(secs(s) * MICROS_PER_SECOND);
        return checked("daytime", micros, () => overflow());
      }) as IntervalKernel;
    },
  },
  make_ym_interval: {
    type: (args) => (args.every((t) => isIntegral(t) || t === "null") ? "interval year to month" : { refused: "make_ym_interval takes whole numbers (years, months)" }),
    kernel: () => ((y = 0, m = 0) => checked("yearmonth", toInt(y, "make_ym_interval") * 12 + toInt(m, "make_ym_interval"), () => overflow())) as IntervalKernel,
  },
  "interval:add": addition(1),
  "interval:subtract": addition(-1),
  "interval:multiply": scaling("multiply"),
  "interval:divide": scaling("divide"),
  /** timestamp + interval (TimeAdd, TimestampAddYMInterval). */
  "interval:timestampAdd": {
    type: ([ts, i]) => ((ts === "timestamp" || ts === "null") && family(i!) ? "timestamp" : { refused: "a timestamp plus an interval" }),
    kernel: ([, i], zone) => timestampPlus(family(i!)!, zone) as IntervalKernel,
  },
  /** date + interval: a date for a year-month interval (add_months) or whole days (date_add), else a timestamp from the date's midnight. */
  "interval:dateAdd": {
    type: ([d, i]) => (d === "date" && family(i!) ? (family(i!) === "yearmonth" || isDays(i!) ? "date" : "timestamp") : { refused: "a date plus an interval" }),
    kernel: ([, i], zone) => {
      if (family(i!) === "yearmonth") return addMonths as IntervalKernel;
      if (isDays(i!)) return ((d: string, v: number) => dateValue(daysOf(d) + Math.trunc(v / MICROS_PER_DAY), () => `date_add(${d}, ${v / MICROS_PER_DAY})`)) as IntervalKernel;
      const plus = timestampPlus("daytime", zone);
      return ((d: string, v: number) => plus(startOfDay(daysOf(d), zone), v)) as IntervalKernel;
    },
  },
  /** timestamp - timestamp, date - date (SubtractTimestamps, SubtractDates): a day-time interval; a date beside a timestamp is its midnight. */
  "interval:difference": {
    type: ([a, b]) => (a === "date" && b === "date" ? "interval day" : "interval day to second"),
    kernel: (types, zone) => {
      // The difference of the wall clocks in the session zone (Spark's subtractTimestamps), a date being its midnight.
      const micros = types.map((t) => (t === "date" ? (d: unknown) => daysOf(d as string) * MICROS_PER_DAY : (t: unknown) => localMicros(t as number, zone)));
      if (types[0] === "date" && types[1] === "date") return ((a: string, b: string) => (daysOf(a) - daysOf(b)) * MICROS_PER_DAY) as IntervalKernel;
      return ((a: unknown, b: unknown) => checked("daytime", micros[0]!(a) - micros[1]!(b), javaOverflow("daytime"))) as IntervalKernel;
    },
  },
  /** EXTRACT(field FROM interval), date_part: the field as Spark's (negative for a negative interval). */
  "interval:extract": {
    type: ([i], [, field]) => {
      const f = String(field).toLowerCase();
      const shape = intervalOf(i!);
      const names = shape?.kind === "daytime" ? ["day", "hour", "minute", "second"] : ["year", "month"];
      const at = names.indexOf(f);
      if (!shape || at < shape.start || at > shape.end) return { refused: `[INVALID_EXTRACT_FIELD] Cannot extract \`${String(field).toUpperCase()}\` from an ${i}` };
      return f === "second" ? "decimal(8,6)" : f === "day" || f === "year" ? "int" : "byte";
    },
    kernel: (_types, _zone, [, field]) => {
      const f = String(field).toLowerCase();
      const parts: Record<string, (v: number) => Scalar> = {
        day: (v) => Math.trunc(v / MICROS_PER_DAY) + 0,
        hour: (v) => Math.trunc(v / MICROS_PER_HOUR) % 24 + 0,
        minute: (v) => Math.trunc(v / MICROS_PER_MINUTE) % 60 + 0,
        // decimal(8,6): the unscaled microseconds of the minute.
        second: (v) => (v % MICROS_PER_MINUTE) + 0,
        year: (v) => Math.trunc(v / 12) + 0,
        month: (v) => (v % 12) + 0,
      };
      const part = parts[f]!;
      return (f === "second" ? (v: number) => BigInt(part(v) as number) : part) as IntervalKernel;
    },
  },
} as const satisfies Record<string, IntervalFunction>;

export type IntervalFn = keyof typeof INTERVAL_FUNCTIONS;

export function isIntervalFn(fn: string): fn is IntervalFn {
  return Object.hasOwn(INTERVAL_FUNCTIONS, fn);
}

/** The functions the analyzer writes and SQL cannot call. */
export const isInternalIntervalFn = (fn: string): boolean => fn.startsWith("interval:");
