/**
 * Spark's timestamp_ntz (a wall clock without a time zone) against real Spark 4: its casts with
 * strings, dates and timestamps (the last two ways through the session time zone, over the
 * 2024 spring gap and fall overlap of Los Angeles and its 1883 local mean time), the numbers
 * Spark refuses, comparisons and coercion beside timestamps, dates and strings, the datetime
 * functions that take it (fields that must not shift with the session zone, and those that read
 * it as a timestamp in that zone), to_timestamp_ntz, make_timestamp_ntz, hashing, and
 * aggregates and grouping over it; in UTC and in two session time zones with daylight saving
 * or a half-hour offset, with ANSI on and off where they differ.
 */
import { describe, it } from "vitest";
import {
  coalesce, col, count, current_timestamp, expr, lag, localtimestamp, rank, row_number, Window, countDistinct, date_add, date_format, date_trunc, datediff, dayofmonth, first, from_utc_timestamp, hash, hour, lit, make_timestamp, make_timestamp_ntz, max, min, minute, month,
  months_between, second, to_date, to_timestamp, to_timestamp_ntz, to_utc_timestamp, unix_seconds, unix_timestamp, xxhash64, year,
  type Column,
} from "sparkfn";
import { TIMESTAMP_FUNCTIONS } from "../../../shared/plan/functions/timestamp-functions.ts";
import { useDifferential, useGroupedDifferential, type Check } from "../../support/spark-differential.ts";

const check = (sql: string, column: Column): Check => ({ sql, column });
/** A wall clock as sparkfn's and the oracle's timestamp_ntz value: its microseconds as if UTC. */
const wall = (iso: string) => Date.parse(`${iso}Z`) * 1000;

/**
 * Wall clocks: the Los Angeles 2024 gap (02:30 does not exist there) and overlap (01:30 twice),
 * year ends, fractions, before the epoch and 1883, and the ends of the range (read as a timestamp
 * in a zone, they may fall outside 0001..9999 UTC: a known difference).
 */
const WALLS = [
  wall("2024-03-10T02:30:00"), wall("2024-03-10T01:59:59") + 999_999, wall("2024-11-03T01:30:00"), wall("2024-11-03T00:30:00"), wall("2024-02-29T23:59:59.999"),
  wall("1969-12-31T23:59:59") + 500_000, wall("1970-01-01T00:00:00"), wall("1883-11-18T12:00:00"), wall("1900-03-01T12:34:56") + 123_456, wall("0001-01-02T12:00:00"),
  wall("9999-12-30T12:00:00"), wall("2023-12-31T23:30:00"), null, wall("0001-01-01T00:00:00"), wall("9999-12-31T23:00:00"),
];
/** Instants (microseconds since the epoch) for the timestamp column: the same DST edges as instants. */
const INSTANTS = [wall("2024-03-10T09:59:59"), wall("2024-03-10T10:00:00"), wall("2024-11-03T08:30:00"), wall("2024-11-03T09:30:00"), wall("2000-01-01T00:00:00"), null];
const DATES = ["2024-03-10", "2024-11-03", "1969-12-31", "0001-01-01", "9999-12-31", null];
const TABLE = {
  schema: "n TIMESTAMP_NTZ, m TIMESTAMP_NTZ, t TIMESTAMP, d DATE",
  rows: WALLS.map((n, i) => [n, WALLS[(i * 5 + 3) % WALLS.length]!, INSTANTS[i % INSTANTS.length]!, DATES[i % DATES.length]!]),
};
/** Texts where a timestamp_ntz is expected: Spark's syntax, zones in the text (ignored), a time alone and malformed text. */
const TEXTS = [
  "2024-03-10 02:30:00", "2024-03-07T12:34:56.123456789", " 2024-03-07 ", "2024-03", "2024", "2024-03-07 1:2:3", "2024-03-07T12:34:56Z", "2024-03-07 12:34:56+08:00",
  "2024-03-07 12:34:56 America/New_York", "2024-03-07 12:34:56-0530", "+2024-01-01", "12:34:56", "T12:34", "2024-02-30 10:00:00", "2024-03-07 24:00:00", "bad", "",
  "2024-03-07 12:34:56 Nowhere/City", null,
];
const TEXT_TABLE = { schema: "s STRING", rows: TEXTS.map((s) => [s]) };

function castChecks(): Check[] {
  return [
    check("CAST(n AS STRING)", col("n").cast("string")),
    check("CAST(n AS DATE)", col("n").cast("date")),
    check("CAST(n AS TIMESTAMP)", col("n").cast("timestamp")),
    check("CAST(t AS TIMESTAMP_NTZ)", col("t").cast("timestamp_ntz")),
    check("CAST(d AS TIMESTAMP_NTZ)", col("d").cast("timestamp_ntz")),
    check("CAST(CAST(n AS STRING) AS TIMESTAMP_NTZ)", col("n").cast("string").cast("timestamp_ntz")),
    check("CAST(CAST(n AS TIMESTAMP) AS TIMESTAMP_NTZ)", col("n").cast("timestamp").cast("timestamp_ntz")),
    check("CAST(n AS BIGINT)", col("n").cast("long")),
    check("CAST(n AS DOUBLE)", col("n").cast("double")),
    check("CAST(n AS BOOLEAN)", col("n").cast("boolean")),
    check("CAST(1 AS TIMESTAMP_NTZ)", lit(1).cast("timestamp_ntz")),
    check("n < m", col("n").lt(col("m"))),
    check("n = m", col("n").equalTo(col("m"))),
    check("n <=> m", col("n").eqNullSafe(col("m"))),
    check("n = t", col("n").equalTo(col("t"))),
    check("n < t", col("n").lt(col("t"))),
    check("n >= d", col("n").geq(col("d"))),
    check("n = d", col("n").equalTo(col("d"))),
    check("n > '2000-01-01'", col("n").gt(lit("2000-01-01"))),
    check("coalesce(n, t)", coalesce(col("n"), col("t"))),
    check("coalesce(n, d)", coalesce(col("n"), col("d"))),
    check("coalesce(n, '2024-03-10 02:30:00')", coalesce(col("n"), lit("2024-03-10 02:30:00"))),
    check("n IN ('2024-03-10 02:30:00', '1970-01-01')", col("n").isin("2024-03-10 02:30:00", "1970-01-01")),
    check("n IN (t, d)", col("n").isin(col("t"), col("d"))),
    check("CASE WHEN n > m THEN n ELSE d END", expr("CASE WHEN n > m THEN n ELSE d END")),
    check("hash(n)", hash("n")),
    check("hash(n, m)", hash("n", "m")),
    check("xxhash64(n)", xxhash64("n")),
  ];
}

function functionChecks(): Check[] {
  return [
    check("hour(n)", hour("n")),
    check("minute(n)", minute("n")),
    check("second(n)", second("n")),
    check("year(n)", year("n")),
    check("month(n)", month("n")),
    check("dayofmonth(n)", dayofmonth("n")),
    check("date_add(n, 1)", date_add("n", 1)),
    check("datediff(n, m)", datediff("n", "m")),
    check("to_date(n)", to_date("n")),
    check("months_between(n, m)", months_between("n", "m")),
    ...["YEAR", "MM", "week", "DAY", "hour", "second"].map((level) => check(`date_trunc('${level}', n)`, date_trunc(level, "n"))),
    check("date_format(n, 'yyyy-MM-dd HH:mm:ss.SSSSSS')", date_format("n", "yyyy-MM-dd HH:mm:ss.SSSSSS")),
    check("unix_timestamp(n)", unix_timestamp("n")),
    check("unix_seconds(n)", unix_seconds("n")),
    check("from_utc_timestamp(n, 'Asia/Tokyo')", from_utc_timestamp("n", "Asia/Tokyo")),
    check("to_utc_timestamp(n, 'America/Los_Angeles')", to_utc_timestamp("n", "America/Los_Angeles")),
    check("to_timestamp(n)", to_timestamp("n")),
    check("to_timestamp_ntz(n)", to_timestamp_ntz("n")),
    check("to_timestamp_ntz(t)", to_timestamp_ntz("t")),
    check("to_timestamp_ntz(d)", to_timestamp_ntz("d")),
  ];
}

/** timestamp_ntz as a window's order key and value: ordered by its wall clock, nulls first ascending. */
function windowChecks(): Check[] {
  const byN = Window.orderBy("n");
  const byDayDesc = Window.partitionBy("d").orderBy(col("n").desc());
  return [
    check("rank() OVER (ORDER BY n)", rank().over(byN)),
    check("lag(n) OVER (ORDER BY n)", lag("n").over(byN)),
    check("max(m) OVER (ORDER BY n)", max("m").over(byN)),
    check("row_number() OVER (PARTITION BY d ORDER BY n DESC)", row_number().over(byDayDesc)),
    check("min(n) OVER (PARTITION BY d)", min("n").over(Window.partitionBy("d"))),
  ];
}

function textChecks(): Check[] {
  return [
    check("CAST(s AS TIMESTAMP_NTZ)", col("s").cast("timestamp_ntz")),
    check("TRY_CAST(s AS TIMESTAMP_NTZ)", col("s").try_cast("timestamp_ntz")),
    check("to_timestamp_ntz(s)", to_timestamp_ntz("s")),
    check("to_timestamp_ntz(s, 'yyyy-MM-dd HH:mm:ss')", to_timestamp_ntz("s", "yyyy-MM-dd HH:mm:ss")),
  ];
}

function makeChecks(): Check[] {
  return [
    check("make_timestamp_ntz(y, mo, d, h, mi, s)", make_timestamp_ntz("y", "mo", "d", "h", "mi", "s")),
    check("hour(make_timestamp_ntz(y, mo, d, h, mi, s))", hour(make_timestamp_ntz("y", "mo", "d", "h", "mi", "s"))),
    check("TIMESTAMP_NTZ '2024-03-10 02:30:00.5'", expr("TIMESTAMP_NTZ '2024-03-10 02:30:00.5'")),
    check("TIMESTAMP_NTZ '2024-03-10 02:30:00' = TIMESTAMP '2024-03-10 02:30:00'", expr("TIMESTAMP_NTZ '2024-03-10 02:30:00' = TIMESTAMP '2024-03-10 02:30:00'")),
    // The clock: one instant per query, so localtimestamp() is current_timestamp()'s wall clock in the session time zone.
    check("localtimestamp() = to_timestamp_ntz(current_timestamp())", localtimestamp().equalTo(to_timestamp_ntz(current_timestamp()))),
  ];
}

describe.each(["UTC", "America/Los_Angeles", "Asia/Kolkata"])("timestamp_ntz agrees with Spark in the session time zone %s", (zone) => {
  const spark = useDifferential({ "spark.sql.session.timeZone": zone });

  it("casts with strings, dates and timestamps, refused numbers, comparisons and coercion, hashing", async () => {
    await spark.agree(TABLE, castChecks());
  });

  it("datetime functions: fields that keep the wall clock, and functions that read it in the session time zone", async () => {
    await spark.agree(TABLE, functionChecks());
  });

  it("window order keys and values", async () => {
    await spark.agree(TABLE, windowChecks());
  });

  it("strings to timestamp_ntz: zones in the text ignored, times alone and malformed text refused", async () => {
    await spark.agree(TEXT_TABLE, textChecks());
  });

  it("TIMESTAMP_NTZ literals and make_timestamp_ntz", async () => {
    const table = {
      schema: "y INT, mo INT, d INT, h INT, mi INT, s DOUBLE",
      rows: [[2024, 3, 10, 2, 30, 0], [2024, 2, 29, 23, 59, 59.999999], [2023, 2, 29, 0, 0, 0], [2024, 12, 31, 23, 59, 60], [2024, 1, 1, 24, 0, 0], [1, 1, 1, 0, 0, 0], [null, 1, 1, 0, 0, 0]],
    };
    await spark.agree(table, makeChecks());
  });
});

describe("timestamp_ntz casts with spark.sql.ansi.enabled = false agree with Spark", () => {
  const spark = useDifferential({ "spark.sql.ansi.enabled": "false", "spark.sql.session.timeZone": "America/Los_Angeles" });

  it("malformed text and invalid fields are null (casts, to_timestamp_ntz, make_timestamp_ntz), numbers and booleans are still refused, comparisons with strings", async () => {
    await spark.agree(TEXT_TABLE, [
      check("CAST(s AS TIMESTAMP_NTZ)", col("s").cast("timestamp_ntz")),
      check("CAST(CAST(s AS TIMESTAMP_NTZ) AS DATE)", col("s").cast("timestamp_ntz").cast("date")),
      // Text the parsers cannot read is null with ANSI off, for timestamps too.
      check("to_timestamp_ntz(s)", to_timestamp_ntz("s")),
      check("to_timestamp_ntz(s, 'yyyy-MM-dd HH:mm:ss')", to_timestamp_ntz("s", "yyyy-MM-dd HH:mm:ss")),
      check("to_timestamp(s)", to_timestamp("s")),
      check("unix_timestamp(s)", unix_timestamp("s")),
    ]);
    const fields = { schema: "y INT, mo INT, d INT, h INT, mi INT, s DOUBLE", rows: [[2024, 3, 10, 2, 30, 0], [2023, 2, 29, 0, 0, 0], [2024, 1, 1, 24, 0, 0], [2024, 1, 1, 0, 0, 60.5], [null, 1, 1, 0, 0, 0]] };
    await spark.agree(fields, [
      check("make_timestamp_ntz(y, mo, d, h, mi, s)", make_timestamp_ntz("y", "mo", "d", "h", "mi", "s")),
      check("make_timestamp(y, mo, d, h, mi, s)", make_timestamp("y", "mo", "d", "h", "mi", "s")),
    ]);
    await spark.agree(TABLE, [
      check("CAST(n AS BIGINT)", col("n").cast("long")),
      check("CAST(1 AS TIMESTAMP_NTZ)", lit(1).cast("timestamp_ntz")),
      check("CAST(true AS TIMESTAMP_NTZ)", lit(true).cast("timestamp_ntz")),
      check("CAST(n AS TIMESTAMP)", col("n").cast("timestamp")),
      check("n = t", col("n").equalTo(col("t"))),
      check("n > 'bad'", col("n").gt(lit("bad"))),
      check("coalesce(n, '2024-03-10 02:30:00')", coalesce(col("n"), lit("2024-03-10 02:30:00"))),
      check("n IN ('2024-03-10 02:30:00', 'bad')", col("n").isin("2024-03-10 02:30:00", "bad")),
    ]);
  });
});

describe("the timestamp_ntz differential tests", () => {
  it("cover every timestamp_ntz function", () => {
    const source = [castChecks(), functionChecks(), textChecks(), makeChecks()].flat().map((c) => c.sql).join(" ");
    const missing = Object.keys(TIMESTAMP_FUNCTIONS).filter((fn) => (fn.endsWith("_ntz") || fn === "localtimestamp") && !source.includes(`${fn}(`));
    if (missing.length > 0) throw new Error(`timestamp_ntz functions without a differential check: ${missing.join(", ")}`);
  });
});

describe("aggregates over timestamp_ntz agree with Spark, grouped by one too (3 partitions, 2 shuffle partitions)", () => {
  const spark = useGroupedDifferential({ partitions: 3, shufflePartitions: 2 });
  const rows = WALLS.map((n, i) => [i % 4, n, WALLS[(i * 7 + 1) % WALLS.length]!]);
  const agg = (sql: string, column: Column) => ({ sql, column });

  it("min, max, count, countDistinct, first; a timestamp_ntz as the grouping key", async () => {
    const schema = "g INT, n TIMESTAMP_NTZ, m TIMESTAMP_NTZ";
    await spark.agree({ schema, rows, groupBy: ["g"] }, [agg("min(n)", min("n")), agg("max(n)", max("n")), agg("count(n)", count("n")), agg("count(DISTINCT n)", countDistinct("n")), agg("max(m)", max("m"))]);
    await spark.agree({ schema, rows, groupBy: ["n"] }, [agg("count(m)", count("m")), agg("first(g)", first("g"))]);
  });
});
