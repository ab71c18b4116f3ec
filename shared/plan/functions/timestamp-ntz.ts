/**
 * How users see a timestamp_ntz (Spark's TimestampNTZType: a wall clock without a time zone).
 * Rows carry it as the microseconds that wall clock would be in UTC (shared/plan/types.ts), so
 * the timestamp code reads it by running in UTC (time-zone.ts's UTC); users never see those
 * microseconds as an instant: collect() gives the wall clock as ISO 8601 local date-time text,
 * "YYYY-MM-DDTHH:mm:ss" with Spark's fraction when there is one (".5", ".123456"), the text
 * Temporal.PlainDateTime.from() reads and PySpark's naive datetime.isoformat() writes, never a
 * Date (which is an instant and would shift with the reader's zone).
 */
import { MICROS_PER_DAY, parseTimestampNtz, timestampText } from "./timestamps.ts";
import { UTC } from "./time-zone.ts";
import { BadInputError } from "../../errors.ts";

/** A timestamp_ntz as collect() gives it: "2024-03-10T02:30:00", "0001-01-01T00:00:00.000001". */
export function localDateTimeText(micros: number): string {
  return timestampText(micros, UTC).replace(" ", "T");
}

/**
 * A value a user gave for a timestamp_ntz column as rows carry it: a wall clock text as Spark's
 * cast reads it ("2024-03-10T02:30:00", "2024-03-10 02:30:00.5", "2024-03-10"), or a whole
 * number of microseconds of the wall clock as if UTC (as rows carry it); anything else (a Date,
 * which names an instant, not a wall clock) is left for the schema check to name.
 */
export function localDateTimeValue(v: unknown): unknown {
  if (typeof v !== "string") return v;
  try {
    return parseTimestampNtz(v);
  } catch (error) {
    if (error instanceof BadInputError) return v;
    throw error;
  }
}

/** The days since 1970-01-01 of a timestamp_ntz (its date: Spark's cast to date, with no zone). */
export const daysOfLocal = (micros: number): number => Math.floor(micros / MICROS_PER_DAY);
