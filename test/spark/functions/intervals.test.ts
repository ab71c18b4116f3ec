/**
 * Spark's ANSI interval types (shared/plan/intervals.ts, interval-arithmetic.ts,
 * functions/interval-functions.ts) against real Spark 4: literals of every field range,
 * timestamp and date arithmetic with day-time and year-month intervals (month ends, leap days,
 * daylight saving in a session zone), timestamp - timestamp and date - date, interval ±
 * interval, * and / by numbers (half-up rounding), unary minus, comparisons, casts to and from
 * strings, integers and other intervals, make_dt_interval, make_ym_interval, EXTRACT, overflow
 * and division by zero, nulls and negative intervals; with ANSI on and off (interval arithmetic
 * and casts fail alike in both); aggregates and grouping by an interval. A collected interval is
 * a number (microseconds, months); the oracle sends Spark's the same way.
 */
import { describe, it } from "vitest";
import { avg, col, count, expr, lit, make_dt_interval, make_ym_interval, max, min, sum, type Column } from "sparkfn";
import { useDifferential, useGroupedDifferential, type Check } from "../../support/spark-differential.ts";

const check = (sql: string, column: Column): Check => ({ sql, column });
/** The same SQL text on both sides (sparkfn's through expr()). */
const sql = (text: string): Check => ({ sql: text, column: expr(text) });
const us = (iso: string) => Date.parse(iso) * 1000;

const S = 1_000_000;
const H = 3600 * S;
const D = 24 * H;

/** Timestamps around month ends, a leap day, the 2024 spring-forward of Los Angeles and before the epoch; dates likewise; day-time intervals of every sign and size; counts and factors. */
const TABLE = {
  schema: "t TIMESTAMP, d DATE, i INTERVAL DAY TO SECOND, j INTERVAL DAY TO SECOND, n INT, x DOUBLE",
  rows: [
    [us("2024-01-31T10:00:00Z"), "2024-01-31", D + 2 * H + 3 * 60 * S + 4 * S, H, 2, 1.5],
    [us("2024-02-29T23:59:59.5Z"), "2024-02-29", -H, 36 * H, -3, -0.25],
    [us("2024-03-10T09:30:00Z"), "2023-03-31", 1.5 * S, -(D + 1), 7, 0.1],
    [us("1969-12-31T23:00:00Z"), "1970-01-01", 0, 0, 1, 2.5],
    [us("2023-12-31T23:59:59Z"), "2024-12-31", -(40 * D + 5), D, 4, 3],
    [null, null, null, null, null, null],
  ],
};

function arithmeticChecks(): Check[] {
  return [
    check("t + i", col("t").plus(col("i"))),
    check("t - i", col("t").minus(col("i"))),
    check("i + t", col("i").plus(col("t"))),
    check("d + i", col("d").plus(col("i"))),
    check("d - j", col("d").minus(col("j"))),
    check("t - CAST(d AS TIMESTAMP)", col("t").minus(col("d").cast("timestamp"))),
    check("d - DATE'2024-01-01'", col("d").minus(lit("2024-01-01").cast("date"))),
    check("i + j", col("i").plus(col("j"))),
    check("i - j", col("i").minus(col("j"))),
    check("i * n", col("i").multiply(col("n"))),
    check("n * i", col("n").multiply(col("i"))),
    check("i * x", col("i").multiply(col("x"))),
    check("i / n", col("i").divide(col("n"))),
    check("i / x", col("i").divide(col("x"))),
    check("-i", col("i").negate()),
    check("i < j", col("i").lt(col("j"))),
    check("i = j", col("i").equalTo(col("j"))),
    check("i <=> j", col("i").eqNullSafe(col("j"))),
    sql("t + interval '36' hour"),
    sql("t - interval 1 day 2 hours"),
    sql("d + interval '1' month"),
    sql("d - interval 1 year"),
    sql("d + interval '3' day"),
    sql("t + interval '1-1' year to month"),
    sql("t - interval '1' month"),
    sql("d + make_ym_interval(1, n)"),
    sql("t + make_ym_interval(0, n)"),
    sql("interval '1' day + interval '02' hour"),
    sql("interval '1' month * 1.5"),
    sql("interval '1' month / 3"),
    sql("make_ym_interval(n, 1) * 2"),
    sql("make_ym_interval(n, 1) - interval '3' year"),
    sql("-make_ym_interval(n, 5)"),
    sql("make_ym_interval(n, 0) > interval '2' year"),
  ];
}

function castChecks(): Check[] {
  return [
    check("CAST(i AS STRING)", col("i").cast("string")),
    check("CAST(i AS BIGINT)", col("i").cast("long")),
    check("CAST(CAST(i AS STRING) AS INTERVAL DAY TO SECOND)", col("i").cast("string").cast("interval day to second")),
    check("CAST(i AS INTERVAL HOUR)", col("i").cast("interval hour")),
    check("CAST(CAST(i AS INTERVAL MINUTE) AS STRING)", col("i").cast("interval minute").cast("string")),
    check("CAST(n AS INTERVAL DAY)", col("n").cast("interval day")),
    check("CAST(n AS INTERVAL YEAR TO MONTH)", col("n").cast("interval year to month")),
    check("CAST(make_ym_interval(n, 7) AS STRING)", make_ym_interval(col("n"), lit(7)).cast("string")),
    check("CAST(make_ym_interval(n, 7) AS INT)", make_ym_interval(col("n"), lit(7)).cast("int")),
    check("CAST(make_ym_interval(n, 7) AS INTERVAL YEAR)", make_ym_interval(col("n"), lit(7)).cast("interval year")),
    sql("CAST(interval '1 02:03:04' day to second AS STRING)"),
    sql("CAST(interval '3' day AS STRING)"),
    sql("CAST(interval 1 minute 1 second AS STRING)"),
    sql("CAST(interval 100 milliseconds AS STRING)"),
    sql("CAST(interval '-1-11' year to month AS STRING)"),
    sql("CAST('1 02:03:04' AS INTERVAL DAY TO SECOND)"),
    sql(`CAST("INTERVAL '-1 02:03' DAY TO MINUTE" AS INTERVAL DAY TO MINUTE)`),
    sql("CAST('1-2' AS INTERVAL YEAR TO MONTH)"),
    sql("CAST('bad' AS INTERVAL DAY)"),
    sql("TRY_CAST('bad' AS INTERVAL DAY)"),
    sql("CAST(interval '300' day AS TINYINT)"),
    sql("CAST(interval '1' day AS DOUBLE)"),
    check("CAST(i AS DECIMAL(20,3))", col("i").cast("decimal(20,3)")),
    check("CAST(i AS DECIMAL(10,0))", col("i").cast("decimal(10,0)")),
    check("CAST(CAST(i AS INTERVAL HOUR) AS DECIMAL(4,1))", col("i").cast("interval hour").cast("decimal(4,1)")),
    check("CAST(make_ym_interval(n, 7) AS DECIMAL(6,2))", make_ym_interval(col("n"), lit(7)).cast("decimal(6,2)")),
    sql("CAST(1.5 AS INTERVAL DAY)"),
    sql("CAST(-1.5 AS INTERVAL DAY TO SECOND)"),
    sql("CAST(1.0000005 AS INTERVAL SECOND)"),
    sql("CAST(2.5 AS INTERVAL MONTH)"),
    sql("CAST(1.5 AS INTERVAL YEAR)"),
    sql("CAST(CAST(x AS DECIMAL(10,2)) AS INTERVAL HOUR)"),
    sql("CAST(1.5D AS INTERVAL DAY)"),
    sql("CAST(array(i, j) AS STRING)"),
    sql("array(i, j)"),
    sql("element_at(array(i, j), 2)"),
  ];
}

function functionChecks(): Check[] {
  return [
    check("make_dt_interval(n, n, n, x)", make_dt_interval(col("n"), col("n"), col("n"), col("x"))),
    check("make_dt_interval(n)", make_dt_interval(col("n"))),
    check("make_ym_interval(n, n)", make_ym_interval(col("n"), col("n"))),
    check("make_ym_interval()", make_ym_interval()),
    sql("extract(DAY FROM i)"),
    sql("extract(HOUR FROM i)"),
    sql("extract(MINUTE FROM i)"),
    sql("extract(SECOND FROM i)"),
    sql("extract(YEAR FROM make_ym_interval(n, 7))"),
    sql("extract(MONTH FROM make_ym_interval(n, 7))"),
    sql("extract(DAY FROM CAST(i AS INTERVAL HOUR))"),
    sql("date_part('day', i)"),
    sql("date_part('MINUTE', i)"),
    sql("date_part('year', make_ym_interval(n, 7))"),
    sql("date_part('day', d)"),
    sql("extract(MONTH FROM d)"),
    sql("hour(i)"),
    sql("extract(DAY FROM make_ym_interval(n, 7))"),
  ];
}

function literalChecks(): Check[] {
  return [
    "interval '90' day", "interval 3 days", "INTERVAL '1 2:03:04' DAY TO SECOND", "interval 36 hour", "interval 1 day 2 hours", "interval '1.5' second", "interval 1 week",
    "interval -3 day", "interval '2:03:04.123456789' hour to second", "interval '03:04' minute to second", "interval 2 weeks 3 days", "interval 3 microseconds",
    "interval '1-2' year to month", "interval 1 year 2 months", "interval '2' year", "interval '5' month", "interval -'1-11' year to month",
    "-interval '1' day", "- interval '1-2' year to month",
  ].map(sql);
}

/** Results at the edges of a long of microseconds and an int of months, exactly representable (no rounding of doubles near 2^63). */
const EDGE_TABLE = { schema: "i INTERVAL DAY TO SECOND, n INT", rows: [[D, 1], [-4 * H, 0], [null, null]] };
function overflowChecks(): Check[] {
  return [
    sql("make_dt_interval(106751991, 4) + i"),
    sql("make_ym_interval(178956970, 7) + make_ym_interval(0, n)"),
    sql("make_dt_interval(106751992)"),
    sql("make_ym_interval(178956970, 8)"),
    sql("i / 0"),
    sql("make_ym_interval(1, n) / 0"),
  ];
}

describe.each([true, false])("intervals agree with Spark (ANSI %s)", (ansi) => {
  const spark = useDifferential(ansi ? undefined : { "spark.sql.ansi.enabled": "false" });

  it("arithmetic with timestamps, dates, intervals and numbers; comparisons", async () => {
    await spark.agree(TABLE, arithmeticChecks());
  });

  it("casts to and from strings, integers and intervals", async () => {
    await spark.agree(TABLE, castChecks());
  });

  it("make_dt_interval, make_ym_interval, EXTRACT", async () => {
    await spark.agree(TABLE, functionChecks());
  });

  it("overflow and division by zero fail in both modes", async () => {
    await spark.agree(EDGE_TABLE, overflowChecks());
  });
});

describe("interval literals agree with Spark", () => {
  const spark = useDifferential();
  it("every field range, unit lists, signs", async () => {
    await spark.agree({ schema: "k INT", rows: [[1]] }, literalChecks());
  });
});

describe("timestamp ± interval agrees with Spark in America/Los_Angeles (days and months move the wall clock, hours the instant)", () => {
  const spark = useDifferential({ "spark.sql.session.timeZone": "America/Los_Angeles" });
  it("across the spring-forward gap", async () => {
    await spark.agree(TABLE, [sql("t + interval '1' day"), sql("t + interval '1' month"), sql("d + interval '1' hour"), sql("t - CAST(d AS TIMESTAMP)"), sql("t + make_ym_interval(0, n)")]);
  });
});

describe("aggregates over intervals agree with Spark, grouped by an interval too (3 partitions, 2 shuffle partitions)", () => {
  const spark = useGroupedDifferential({ partitions: 3, shufflePartitions: 2 });
  const rows = TABLE.rows.map((r, i) => [i % 2, r[2]!, r[3]!]);
  const agg = (text: string, column: Column) => ({ sql: text, column });
  it("sum, avg (half up), min, max, count; an interval as the grouping key", async () => {
    const schema = "g INT, i INTERVAL DAY TO SECOND, j INTERVAL DAY TO SECOND";
    await spark.agree({ schema, rows, groupBy: ["g"] }, [agg("sum(i)", sum("i")), agg("avg(i)", avg("i")), agg("min(i)", min("i")), agg("max(j)", max("j")), agg("count(i)", count("i"))]);
    await spark.agree({ schema, rows: [...rows, [1, D, H], [0, D, null]], groupBy: ["i"] }, [agg("count(j)", count("j")), agg("max(g)", max("g"))]);
  });
});
