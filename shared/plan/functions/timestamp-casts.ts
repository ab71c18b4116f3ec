/**
 * Casts to and from timestamps, as Spark 4 does them with ANSI on (the default): the one
 * definition, used by the vector compiler (executor-fn/compile/vector-expression.ts) and by
 * the analyzer, which refuses the pairs Spark refuses. Each kernel takes a raw non-null value
 * (a timestamp is its microseconds, a date its "YYYY-MM-DD" text) and needs the session time
 * zone where a wall clock is involved.
 *
 * Numbers are seconds since the epoch both ways (a timestamp to a long or an int is floored to
 * whole seconds); Spark 4 with ANSI on refuses booleans either way, at analysis.
 *
 * timestamp_ntz (a wall clock, its microseconds as if UTC) casts with strings and dates without
 * a zone and with timestamps through the session time zone; Spark refuses every other pair in
 * any mode (CAST_WITHOUT_SUGGESTION).
 */
import type { DataType } from "../types.ts";
import { daysOf, SparkDateTimeError } from "./calendar.ts";
import { checkedMicros, dateFromDays, daysOfTimestamp, fromLocal, localMicros, MICROS_PER_DAY, MICROS_PER_SECOND, parseTimestamp, parseTimestampNtz, startOfDay, timestampText } from "./timestamps.ts";
import { INT_MAX, INT_MIN, INTEGRAL_RANGES } from "../types.ts";
import { UTC, type TimeZone } from "./time-zone.ts";
import { daysOfLocal } from "./timestamp-ntz.ts";
import type { CastMode } from "../casts.ts";
import { javaDoubleText } from "../java-number-text.ts";
import { BadInputError } from "../../errors.ts";

export type TimestampCastKernel = (v: never) => string | number;

/** Casts into timestamp, by source type. */
const TO_TIMESTAMP: Partial<Record<DataType, (zone: TimeZone) => TimestampCastKernel>> = {
  string: (zone) => ((s: string) => parseTimestamp(s, zone)) as TimestampCastKernel,
  date: (zone) => ((d: string) => startOfDay(daysOf(d), zone)) as TimestampCastKernel,
  byte: () => secondsToTimestamp as TimestampCastKernel,
  short: () => secondsToTimestamp as TimestampCastKernel,
  int: () => secondsToTimestamp as TimestampCastKernel,
  long: () => secondsToTimestamp as TimestampCastKernel,
  float: () => fractionalSeconds("FLOAT"),
  double: () => fractionalSeconds("DOUBLE"),
};

/** Seconds since the epoch with a fraction (a double, or a float's double value) as a timestamp. */
function fractionalSeconds(type: string): TimestampCastKernel {
  return ((d: number) => {
    if (!Number.isFinite(d)) {
      throw new SparkDateTimeError("CAST_INVALID_INPUT", `The value ${d} of the type "${type}" cannot be cast to "TIMESTAMP" because it is malformed. Filter NaN and infinities out first, or use \`try_cast\` to return NULL instead.`);
    }
    // Spark multiplies by 10^6 in doubles and takes the long: beyond the long range that overflows, as it says.
    const micros = d * MICROS_PER_SECOND;
    if (Math.abs(micros) >= 2 ** 63) {
      throw new SparkDateTimeError("CAST_OVERFLOW", `The value ${javaDoubleText(micros)}D of the type "DOUBLE" cannot be cast to "BIGINT" due to an overflow. Use \`try_cast\` to tolerate overflow and return NULL instead.`);
    }
    return checkedMicros(Math.trunc(d * MICROS_PER_SECOND) + 0, () => `CAST(${d} AS TIMESTAMP)`);
  }) as TimestampCastKernel;
}

/** Seconds since the epoch (an int or a long) as a timestamp. */
function secondsToTimestamp(seconds: number): number {
  return checkedMicros(seconds * MICROS_PER_SECOND, () => `CAST(${seconds} AS TIMESTAMP)`);
}

/** Whole seconds since the epoch of a timestamp (Spark's floorDiv of its microseconds). */
const wholeSeconds = (us: number) => Math.floor(us / MICROS_PER_SECOND);

/** Casts out of timestamp, by target type. */
const FROM_TIMESTAMP: Partial<Record<DataType, (zone: TimeZone) => TimestampCastKernel>> = {
  string: (zone) => ((us: number) => timestampText(us, zone)) as TimestampCastKernel,
  date: (zone) => ((us: number) => dateFromDays(daysOfTimestamp(us, zone))) as TimestampCastKernel,
  long: () => wholeSeconds as TimestampCastKernel,
  double: () => ((us: number) => us / MICROS_PER_SECOND) as TimestampCastKernel,
  float: () => ((us: number) => Math.fround(us / MICROS_PER_SECOND)) as TimestampCastKernel,
  int: () => narrowSeconds("INT", INT_MIN, INT_MAX, (s) => `${s}L`),
  short: (zone) => narrowSeconds("SMALLINT", ...INTEGRAL_RANGES.short, timestampLiteral(zone)),
  byte: (zone) => narrowSeconds("TINYINT", ...INTEGRAL_RANGES.byte, timestampLiteral(zone)),
};

/** Spark names a timestamp that does not fit a tinyint or smallint by its text in the session zone (TIMESTAMP '1970-01-01 00:02:08'). */
const timestampLiteral = (zone: TimeZone) => (_s: number, us: number) => `TIMESTAMP '${timestampText(us, zone)}'`;

/** A timestamp's whole seconds in a narrower integral type: an overflow names the value as Spark does. */
function narrowSeconds(type: string, min: number, max: number, shown: (seconds: number, us: number) => string): TimestampCastKernel {
  return ((us: number) => {
    const s = wholeSeconds(us);
    if (s < min || s > max) {
      throw new SparkDateTimeError("CAST_OVERFLOW", `The value ${shown(s, us)} of the type "TIMESTAMP" cannot be cast to "${type}" due to an overflow. Use \`try_cast\` to tolerate overflow and return NULL instead.`);
    }
    return s;
  }) as TimestampCastKernel;
}

/**
 * Casts into timestamp_ntz, by source type: the wall clock of a text (a zone in it ignored), of
 * a date's midnight, of a timestamp in the session time zone. Spark has no numbers either way.
 */
const TO_NTZ: Partial<Record<DataType, (zone: TimeZone) => TimestampCastKernel>> = {
  string: () => parseTimestampNtz as TimestampCastKernel,
  date: () => ((d: string) => daysOf(d) * MICROS_PER_DAY) as TimestampCastKernel,
  timestamp: (zone) => ((us: number) => checkedMicros(localMicros(us, zone), () => `CAST(${us} AS TIMESTAMP_NTZ)`)) as TimestampCastKernel,
};

/** Casts out of timestamp_ntz, by target type: its text and date as they read (no zone), the instant of its wall clock in the session time zone. */
const FROM_NTZ: Partial<Record<DataType, (zone: TimeZone) => TimestampCastKernel>> = {
  string: () => ((us: number) => timestampText(us, UTC)) as TimestampCastKernel,
  date: () => ((us: number) => dateFromDays(daysOfLocal(us))) as TimestampCastKernel,
  timestamp: (zone) => ((us: number) => checkedMicros(fromLocal(daysOfLocal(us), us - daysOfLocal(us) * MICROS_PER_DAY, zone), () => `CAST(${us} AS TIMESTAMP)`)) as TimestampCastKernel,
};

const isTimestampType = (t: DataType): t is "timestamp" | "timestamp_ntz" => t === "timestamp" || t === "timestamp_ntz";

/** Whether a cast involves a timestamp or a timestamp_ntz (and is therefore defined here). */
export const isTimestampCast = (from: DataType, to: DataType): boolean => (isTimestampType(from) || isTimestampType(to)) && from !== to;

/** The kernel maker of a pair (a cast to timestamp_ntz first: it alone takes a timestamp), or undefined when Spark refuses it. */
function castMaker(from: DataType, to: DataType): ((zone: TimeZone) => TimestampCastKernel) | undefined {
  if (to === "timestamp_ntz") return TO_NTZ[from];
  if (from === "timestamp_ntz") return FROM_NTZ[to];
  return to === "timestamp" ? TO_TIMESTAMP[from] : FROM_TIMESTAMP[to];
}

/**
 * Why Spark refuses the cast at analysis (its DATATYPE_MISMATCH.CAST_WITH_CONF_SUGGESTION
 * wording; CAST_WITHOUT_SUGGESTION for timestamp_ntz, which no setting allows), or undefined
 * when it is allowed.
 */
export function timestampCastRefusal(from: DataType, to: DataType): string | undefined {
  if (from === "null" || from === to) return undefined;
  if (castMaker(from, to)) return undefined;
  const upper = (t: DataType) => ({ long: "BIGINT", int: "INT", byte: "TINYINT", short: "SMALLINT" } as Partial<Record<DataType, string>>)[t] ?? t.toUpperCase();
  if (from === "timestamp_ntz" || to === "timestamp_ntz") return `[DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION] cannot cast "${upper(from)}" to "${upper(to)}".`;
  return `[DATATYPE_MISMATCH.CAST_WITH_CONF_SUGGESTION] cannot cast "${upper(from)}" to "${upper(to)}" with ANSI mode on.`;
}

/**
 * The kernel of an allowed timestamp cast in a zone (timestampCastRefusal said it is allowed).
 * In `try` and `legacy` mode (try_cast; spark.sql.ansi.enabled = false) a value the ANSI cast
 * refuses gives null instead.
 */
export function timestampCast(from: DataType, to: DataType, zone: TimeZone, mode: CastMode = "ansi"): (v: never) => string | number | null {
  const make = castMaker(from, to);
  if (!make) throw new SparkDateTimeError("CAST_INVALID_INPUT", timestampCastRefusal(from, to) ?? `cannot cast ${from} to ${to}`);
  const kernel = make(zone);
  return mode === "ansi" ? kernel : nullOnBadInput(kernel);
}

/** A kernel that gives null where `kernel` refuses its input (a BadInputError: Spark's malformed-value classes), as try_cast and ANSI-off Spark do. */
export function nullOnBadInput<A extends never[], R>(kernel: (...xs: A) => R): (...xs: A) => R | null {
  return (...xs: A) => {
    try {
      return kernel(...xs);
    } catch (error) {
      if (error instanceof BadInputError) return null;
      throw error;
    }
  };
}
