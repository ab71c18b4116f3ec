/**
 * Where sparkfn knowingly gives another answer than Spark 4 (the differential tests in
 * test/spark/ accept a disagreement only when an entry here explains it). Each entry says
 * why; keep the list short, and remove an entry when sparkfn adopts Spark's behaviour.
 */
import type { SparkValue } from "../support/spark-oracle.ts";
import { SparkFailure, SparkLong, SparkOther } from "../support/spark-oracle.ts";
import type { Value } from "../../shared/plan/types.ts";
import { javaRegex } from "../../shared/plan/functions/regex.ts";

/** One way the two sides differed on one check. */
export interface Disagreement {
  /** The check's Spark SQL text. */
  readonly sql: string;
  /**
   * `refused`: one side refused the expression at analysis (the other gives its result type);
   * `type`: the result types differ (Spark's simpleString names on both sides);
   * `value`: the values differ on `row` (a SparkFailure for a failure on that row; for a
   * grouped aggregate, `row` is the group's key values);
   * `name`: an aggregate's output column names differ (grouped checks).
   */
  readonly what: "refused" | "type" | "value" | "name";
  readonly row: readonly Value[] | null;
  readonly spark: SparkValue;
  readonly sparkfn: SparkValue;
}

export interface KnownDifference {
  readonly reason: string;
  readonly explains: (d: Disagreement) => boolean;
}

export const KNOWN_DIFFERENCES: readonly KnownDifference[] = [
  {
    reason:
      "a timestamp_ntz at the ends of 0001..9999 read as a timestamp in the session time zone (a cast, or the implicit one of date_trunc, date_format, comparisons with timestamps...) can fall outside 0001-01-01..9999-12-31 UTC: Spark's timestamps reach further and it computes on; sparkfn holds timestamps in that range only (shared/plan/functions/timestamps.ts) and fails with [DATETIME_OVERFLOW] naming the cast (null with ANSI off)",
    explains: (d) =>
      d.what === "value" &&
      (d.row ?? []).some((v) => v === -62135596800000000 || v === 253402297200000000) &&
      ((d.sparkfn instanceof SparkFailure && d.sparkfn.errorClass === "DATETIME_OVERFLOW" && /CAST\((-62135596800000000|253402297200000000) AS TIMESTAMP\)/.test(d.sparkfn.message)) ||
        (d.sparkfn === null && d.spark !== null && /\bn\b/.test(d.sql))),
  },
  {
    reason:
      "negative zero: sparkfn's computed doubles never carry -0.0 (JSON, the lambda master's wire format, cannot hold it, so both masters agree; see shared/plan/semantics.ts); Spark gives -0.0",
    explains: (d) => d.what === "value" && Object.is(d.spark, -0) && Object.is(d.sparkfn, 0),
  },
  {
    reason:
      "longs beyond 2^53: sparkfn's longs are doubles (shared/batch/vector.ts), so floor/ceil of a double beyond the long range give the nearest double (2^63) where Spark saturates to 9223372036854775807, and xxhash64 (computed exactly in 64 bits) gives the double nearest to Spark's hash",
    explains: (d) => d.what === "value" && d.spark instanceof SparkLong && d.spark.nearest === d.sparkfn,
  },
  {
    reason:
      "a number of seconds beyond the long range of microseconds cast to a timestamp with ANSI off: Spark saturates to Long.MaxValue microseconds (a timestamp in the year 294247, which PySpark returns as that long); sparkfn holds timestamps from 0001 to 9999 only and gives null, as for any timestamp it cannot hold",
    explains: (d) => d.what === "value" && d.spark instanceof SparkLong && Math.abs(d.spark.nearest) >= 2 ** 63 - 1024 && d.sparkfn === null && /AS TIMESTAMP\)$/.test(d.sql),
  },
  {
    reason:
      "doubles as strings: Spark runs on Java 17, whose Double.toString sometimes prints more digits than the shortest that reads back (4.9E-324, 9.999999999999999E22 for 1.0E23; JDK-4511638, fixed in Java 19); sparkfn prints the shortest (shared/plan/casts.ts), the same double",
    explains: (d) =>
      d.what === "value" && typeof d.spark === "string" && typeof d.sparkfn === "string" && d.spark !== d.sparkfn && /AS STRING\)/.test(d.sql) && /E-?\d+$/.test(d.spark) && Number(d.spark) === Number(d.sparkfn),
  },
  {
    reason:
      "empty regular-expression matches inside a character beyond U+FFFF: Java matches between the two UTF-16 halves of an emoji, and Spark then writes each lone half as '?'; sparkfn's patterns run on code points (shared/plan/functions/regex.ts) and keep the character whole",
    explains: (d) =>
      d.what === "value" &&
      (d.row ?? []).some((v) => typeof v === "string" && /[\u{10000}-\u{10ffff}]/u.test(v)) &&
      matchesEmpty(/^regexp_(?:replace|extract_all)\(s, '((?:[^'\\]|\\.)*)'/.exec(d.sql)?.[1]),
  },
  {
    reason:
      "an invalid regular expression: Spark fails the whole query with Java's PatternSyntaxException, which has no error class (and so fails on a null row too); sparkfn fails the rows it evaluates with [INVALID_PARAMETER_VALUE.PATTERN], naming the pattern",
    explains: (d) =>
      d.what === "value" &&
      d.spark instanceof SparkFailure &&
      d.spark.errorClass === "Py4JJavaError" &&
      (d.sparkfn === null || (d.sparkfn instanceof SparkFailure && d.sparkfn.errorClass === "INVALID_PARAMETER_VALUE.PATTERN")),
  },
  {
    reason:
      "dates before 0001-01-01 or after 9999-12-31: Spark computes them (date_add('9999-12-31', 1) is +10000-01-01) but PySpark cannot collect them (Python's date: ValueError); sparkfn holds dates as YYYY-MM-DD text and fails with [DATETIME_OVERFLOW] naming the operation (shared/plan/functions/calendar.ts)",
    explains: (d) =>
      d.what === "value" &&
      d.spark instanceof SparkFailure &&
      d.spark.errorClass === "ValueError" &&
      /year -?\d+ is out of range|ordinal must be >= 1/.test(d.spark.message) &&
      d.sparkfn instanceof SparkFailure &&
      d.sparkfn.errorClass === "DATETIME_OVERFLOW",
  },

  {
    reason:
      "datetime pattern errors Spark leaves to java.time (an unknown letter such as T or b, an unterminated quote) have no Spark error class (IllegalArgumentException); sparkfn names them [INVALID_DATETIME_PATTERN]",
    explains: (d) =>
      d.what === "value" && d.spark instanceof SparkFailure && d.spark.errorClass === "IllegalArgumentException" && d.sparkfn instanceof SparkFailure && d.sparkfn.errorClass === "INVALID_DATETIME_PATTERN",
  },
  {
    reason:
      "datetime pattern letters sparkfn does not implement yet (time zones z Z X x O V v, F, g, optional sections [ ]): sparkfn refuses them with [UNSUPPORTED_DATETIME_PATTERN] naming the letter (shared/plan/functions/date-patterns.ts)",
    explains: (d) => d.what === "value" && d.sparkfn instanceof SparkFailure && d.sparkfn.errorClass === "UNSUPPORTED_DATETIME_PATTERN",
  },
  {
    reason:
      "bytes that are not UTF-8 cast to a string: Spark's strings are UTF-8 bytes it never checks, so CAST(CAST(b AS STRING) AS BINARY) gives b back (the optimizer even drops the pair); sparkfn's strings are Unicode text, so the cast to string reads each malformed sequence as U+FFFD (as Spark does when it shows or collects such a string) and the bytes back are that text's UTF-8",
    explains: (d) => {
      if (d.what !== "value" || !/AS STRING\)/.test(d.sql) || !(d.spark instanceof SparkOther) || !(d.sparkfn instanceof SparkOther) || d.spark.tag !== "$binary") return false;
      const spark = Buffer.from(String(d.spark.value), "base64");
      const strictlyUtf8 = (() => {
        try {
          new TextDecoder("utf-8", { fatal: true }).decode(spark);
          return true;
        } catch {
          return false;
        }
      })();
      return !strictlyUtf8 && Buffer.from(new TextDecoder().decode(spark), "utf8").toString("base64") === d.sparkfn.value;
    },
  },

  {
    reason:
      "format_string's failures (a conversion that does not fit its argument, a missing argument, an unknown conversion, a bad code point) are java.util.Formatter's exceptions, which have no Spark error class: Spark fails the query with the Java exception; sparkfn fails the row with the same words (shared/plan/functions/format-string.ts)",
    explains: (d) =>
      d.what === "value" &&
      /^format_string\(/.test(d.sql) &&
      d.spark instanceof SparkFailure &&
      d.spark.errorClass === "Py4JJavaError" &&
      d.sparkfn instanceof SparkFailure &&
      d.spark.message.includes(d.sparkfn.message.replace(/^.*?: /, "")),
  },
  {
    reason:
      "array_sort's comparator returning null when one of the two elements it compares is null: Spark means to fail with [COMPARATOR_RETURNS_NULL] but builds that message with the null element's toString() and fails with a NullPointerException instead (no error class); sparkfn fails with COMPARATOR_RETURNS_NULL, naming the two elements",
    explains: (d) =>
      d.what === "value" &&
      /^array_sort\(/.test(d.sql) &&
      d.spark instanceof SparkFailure &&
      d.spark.errorClass === "Py4JJavaError" &&
      d.spark.message.includes("java.lang.NullPointerException") &&
      d.sparkfn instanceof SparkFailure &&
      d.sparkfn.errorClass === "COMPARATOR_RETURNS_NULL" &&
      /comparison between NULL and|and NULL\./.test(d.sparkfn.message),
  },
];

/** Whether a Java pattern, written as a Spark SQL literal's body, matches the empty string. */
function matchesEmpty(sqlBody: string | undefined): boolean {
  if (sqlBody === undefined) return false;
  const pattern = sqlBody.replace(/\\(.)/g, "$1");
  const re = javaRegex(pattern);
  re.lastIndex = 0;
  return re.exec("")?.[0] === "";
}

/**
 * DataFrame-level differences (test/spark/dataframe/), each checked by the test that names it:
 * the test asserts the difference itself, so it fails if either side changes.
 */
export const DATAFRAME_DIFFERENCES = {
  pivotOnNaN:
    "pivot() on a double column holding NaN: sparkfn's NaN column takes the rows whose value is NaN, as its groupBy does and as Spark's groupBy does " +
    "(NaN = NaN in Spark); Spark 4.0.1's pivot leaves that column null (its PivotFirst looks the value up without NaN normalization)",
} as const;
