/**
 * The timestamp type and its functions (shared/plan/functions/timestamp*.ts, time-zone.ts)
 * against real Spark 4 (ANSI on): casts between timestamps and strings, dates and numbers,
 * Spark's timestamp text syntax (zones named in the text, 'T', missing fields, fractions past
 * six digits, malformed text), the hour/minute/second fields, date_trunc, date_format and
 * to_timestamp with patterns, unix time, zone conversions, make_timestamp; in UTC and in two
 * session time zones with daylight saving (America/Los_Angeles: the 2024 spring gap and fall
 * overlap, and its 1883 local mean time) and a half-hour offset (Asia/Kolkata).
 */
import { describe, it } from "vitest";
import {
  col, count, countDistinct, date_add, first, hash, max, min, xxhash64, date_format, date_trunc, datediff, dayofmonth, from_unixtime, from_utc_timestamp, hour, lit, make_timestamp, minute, month, months_between,
  second, timestamp_micros, timestamp_millis, timestamp_seconds, to_date, to_timestamp, to_utc_timestamp, unix_micros, unix_millis, unix_seconds, unix_timestamp, year,
  type Column,
} from "sparkfn";
import { TIMESTAMP_FUNCTIONS } from "../../../shared/plan/functions/timestamp-functions.ts";
import { useDifferential, useGroupedDifferential, type Check } from "../../support/spark-differential.ts";

const check = (sql: string, column: Column): Check => ({ sql, column });
const us = (iso: string) => Date.parse(iso) * 1000;

/** Instants (microseconds): DST edges of Los Angeles, year ends, fractions, the far past and future, before the epoch. */
const INSTANTS = [
  us("2024-03-10T09:59:59Z"), us("2024-03-10T10:00:00Z"), us("2024-11-03T08:30:00Z"), us("2024-11-03T09:30:00Z"), us("2024-02-29T23:59:59.999Z") + 999,
  us("1969-12-31T23:59:59Z") + 500_000, us("1970-01-01T00:00:00Z"), us("2000-01-01T00:00:00Z"), us("1883-11-18T12:00:00Z"), us("1900-03-01T12:34:56Z") + 123_456,
  us("2038-01-19T03:14:08Z"), us("0001-01-02T00:00:00Z"), us("9999-12-31T12:00:00Z"), us("2023-12-31T23:30:00Z"), null,
];
const TS_TABLE = { schema: "t TIMESTAMP, u TIMESTAMP", rows: INSTANTS.map((t, i) => [t, INSTANTS[(i * 4 + 3) % INSTANTS.length]!]) };
/** Strings where a timestamp is expected: Spark's cast syntax, valid and malformed. */
const TEXTS = [
  "2024-03-07 12:34:56", "2024-03-07T12:34:56.123456789", " 2024-03-07 ", "2024-03", "2024", "2024-03-07 1:2:3", "2024-03-07 12:34", "2024-03-07T12:34:56Z",
  "2024-03-07 12:34:56+08:00", "2024-03-07 12:34:56 America/New_York", "2024-03-07 12:34:56 UTC", "2024-03-07 12:34:56 GMT+8", "2024-03-07 12:34:56-0530",
  "2024-03-10 02:30:00", "2024-11-03 01:30:00", "+2024-01-01", "2024-02-30 10:00:00", "2024-03-07 24:00:00", "bad", "", "2024-03-07 12:34:56 Nowhere/City", null,
];
const TEXT_TABLE = { schema: "s STRING", rows: TEXTS.map((s) => [s]) };
/** The malformed texts: they fail the same way in every zone, so only the UTC run reads them (each failing row costs a rerun). */
const MALFORMED = new Set(["2024-02-30 10:00:00", "2024-03-07 24:00:00", "bad", "", "2024-03-07 12:34:56 Nowhere/City"]);
const ZONED_TEXT_TABLE = { schema: "s STRING", rows: TEXTS.filter((s) => s === null || !MALFORMED.has(s)).map((s) => [s]) };
const NUMBERS = { schema: "l BIGINT, d DOUBLE, i INT", rows: [[0, 0.5, 0], [1700000000, -1.25, 86400], [-1, 1e10, -2147483648], [253402300799, 1709814896.123456, 2147483647], [null, null, null]] };

function castChecks(): Check[] {
  return [
    check("CAST(t AS STRING)", col("t").cast("string")),
    check("CAST(t AS DATE)", col("t").cast("date")),
    check("CAST(t AS BIGINT)", col("t").cast("long")),
    check("CAST(t AS DOUBLE)", col("t").cast("double")),
    check("CAST(CAST(t AS DATE) AS TIMESTAMP)", col("t").cast("date").cast("timestamp")),
    check("CAST(CAST(t AS STRING) AS TIMESTAMP)", col("t").cast("string").cast("timestamp")),
    check("t < u", col("t").lt(col("u"))),
    check("t = u", col("t").equalTo(col("u"))),
    check("t <=> u", col("t").eqNullSafe(col("u"))),
    check("hash(t)", hash("t")),
    check("hash(t, u)", hash("t", "u")),
    check("xxhash64(t)", xxhash64("t")),
  ];
}

function fieldChecks(): Check[] {
  return [
    check("hour(t)", hour("t")),
    check("minute(t)", minute("t")),
    check("second(t)", second("t")),
    check("year(t)", year("t")),
    check("month(t)", month("t")),
    check("dayofmonth(t)", dayofmonth("t")),
    check("date_add(t, 1)", date_add("t", 1)),
    check("datediff(t, u)", datediff("t", "u")),
    check("to_date(t)", to_date("t")),
    check("months_between(t, u)", months_between("t", "u")),
    check("months_between(t, u, false)", months_between("t", "u", false)),
    ...["YEAR", "quarter", "MM", "week", "DAY", "hour", "MINUTE", "second", "millisecond", "microsecond", "decade"].map((level) =>
      check(`date_trunc('${level}', t)`, date_trunc(level, "t")),
    ),
    check("date_format(t, 'yyyy-MM-dd HH:mm:ss.SSSSSS')", date_format("t", "yyyy-MM-dd HH:mm:ss.SSSSSS")),
    check("date_format(t, 'EEE, d MMM yyyy h:mm a')", date_format("t", "EEE, d MMM yyyy h:mm a")),
    check("date_format(t, 'kk KK hh HH SSS D')", date_format("t", "kk KK hh HH SSS D")),
    check("unix_timestamp(t)", unix_timestamp("t")),
    check("unix_seconds(t)", unix_seconds("t")),
    check("unix_millis(t)", unix_millis("t")),
    check("unix_micros(t)", unix_micros("t")),
    check("from_utc_timestamp(t, 'Asia/Tokyo')", from_utc_timestamp("t", "Asia/Tokyo")),
    check("to_utc_timestamp(t, 'America/Los_Angeles')", to_utc_timestamp("t", "America/Los_Angeles")),
    check("from_utc_timestamp(t, '+05:30')", from_utc_timestamp("t", "+05:30")),
  ];
}

function textChecks(): Check[] {
  return [
    check("CAST(s AS TIMESTAMP)", col("s").cast("timestamp")),
    check("TRY_CAST(s AS TIMESTAMP)", col("s").try_cast("timestamp")),
    check("to_timestamp(s)", to_timestamp("s")),
    check("hour(s)", hour("s")),
    check("unix_timestamp(s)", unix_timestamp("s")),
    check("to_timestamp(s, 'yyyy-MM-dd HH:mm:ss')", to_timestamp("s", "yyyy-MM-dd HH:mm:ss")),
    check("date_format(s, 'yyyy/MM/dd HH:mm')", date_format("s", "yyyy/MM/dd HH:mm")),
  ];
}

function numberChecks(): Check[] {
  return [
    check("CAST(l AS TIMESTAMP)", col("l").cast("timestamp")),
    check("CAST(i AS TIMESTAMP)", col("i").cast("timestamp")),
    check("CAST(d AS TIMESTAMP)", col("d").cast("timestamp")),
    check("CAST(CAST(l AS TIMESTAMP) AS INT)", col("l").cast("timestamp").cast("int")),
    check("CAST(true AS TIMESTAMP)", lit(true).cast("timestamp")),
    check("timestamp_seconds(l)", timestamp_seconds("l")),
    check("timestamp_seconds(d)", timestamp_seconds("d")),
    check("timestamp_millis(l)", timestamp_millis("l")),
    check("timestamp_micros(l)", timestamp_micros("l")),
    check("from_unixtime(l)", from_unixtime("l")),
    check("from_unixtime(l, 'dd/MM/yyyy HH:mm:ss')", from_unixtime("l", "dd/MM/yyyy HH:mm:ss")),
  ];
}

function clockChecks(): Check[] {
  return [
    check("to_timestamp(s, 'dd/MM/yyyy h:mm a')", to_timestamp("s", "dd/MM/yyyy h:mm a")),
    check("unix_timestamp(s, 'dd/MM/yyyy h:mm a')", unix_timestamp("s", "dd/MM/yyyy h:mm a")),
  ];
}

function fractionChecks(): Check[] {
  return [
    check("to_timestamp(s, 'yyyy-MM-dd HH:mm:ss.SSSSSS')", to_timestamp("s", "yyyy-MM-dd HH:mm:ss.SSSSSS")),
    check("to_timestamp(s, 'yyyyMMdd HHmm')", to_timestamp("s", "yyyyMMdd HHmm")),
    check("to_timestamp(s, 'yyyy-MM-dd')", to_timestamp("s", "yyyy-MM-dd")),
  ];
}

function makeChecks(): Check[] {
  return [
    check("make_timestamp(y, mo, d, h, mi, s)", make_timestamp("y", "mo", "d", "h", "mi", "s")),
    check("make_timestamp(y, mo, d, h, mi, s, 'America/Los_Angeles')", make_timestamp("y", "mo", "d", "h", "mi", "s", lit("America/Los_Angeles"))),
  ];
}

describe.each(["UTC", "America/Los_Angeles", "Asia/Kolkata"])("timestamps agree with Spark in the session time zone %s", (zone) => {
  const spark = useDifferential({ "spark.sql.session.timeZone": zone });

  it("casts to and from timestamps and comparisons", async () => {
    await spark.agree(TS_TABLE, castChecks());
  });

  it("hour, minute, second, date functions on timestamps, date_trunc, date_format, unix time, zone conversions", async () => {
    await spark.agree(TS_TABLE, fieldChecks());
  });

  it("strings cast to timestamps: Spark's syntax, zones in the text, gaps and overlaps, malformed text", async () => {
    await spark.agree(zone === "UTC" ? TEXT_TABLE : ZONED_TEXT_TABLE, textChecks());
  });
});

describe("timestamp functions agree with Spark (UTC)", () => {
  const spark = useDifferential();

  it("numbers to timestamps and back; booleans refused", async () => {
    await spark.agree(NUMBERS, numberChecks());
  });

  it("to_timestamp with patterns: 12-hour clocks, fractions, missing fields, text that does not match", async () => {
    const table = {
      schema: "s STRING",
      rows: [["07/03/2024 1:02 PM"], ["07/03/2024 12:00 AM"], ["07/03/2024 12:30 PM"], ["31/12/1999 11:59 pm"], ["7/3/2024 1:02 PM"], ["07/03/2024 13:02 PM"], [null]],
    };
    await spark.agree(table, clockChecks());
    const fractions = { schema: "s STRING", rows: [["2024-03-07 12:34:56.1"], ["2024-03-07 12:34:56.123456"], ["2024-03-07 12:34:56"], ["20240307 1234"], [null]] };
    await spark.agree(fractions, fractionChecks());
  });

  it("make_timestamp: fields, seconds with microseconds, 60 seconds, a zone argument, invalid fields", async () => {
    const table = {
      schema: "y INT, mo INT, d INT, h INT, mi INT, s DOUBLE",
      rows: [[2024, 3, 10, 2, 30, 0], [2024, 2, 29, 23, 59, 59.999999], [2023, 2, 29, 0, 0, 0], [2024, 12, 31, 23, 59, 60], [2024, 1, 1, 24, 0, 0], [2024, 13, 1, 0, 0, 0], [1, 1, 1, 0, 0, 0], [null, 1, 1, 0, 0, 0]],
    };
    await spark.agree(table, makeChecks());
  });
});

describe("timestamp casts with spark.sql.ansi.enabled = false agree with Spark (legacy: null where ANSI fails)", () => {
  const spark = useDifferential({ "spark.sql.ansi.enabled": "false" });

  it("strings, numbers and timestamps cast in legacy mode", async () => {
    await spark.agree(TEXT_TABLE, [check("CAST(s AS TIMESTAMP)", col("s").cast("timestamp")), check("CAST(CAST(s AS TIMESTAMP) AS DATE)", col("s").cast("timestamp").cast("date"))]);
    await spark.agree(NUMBERS, [check("CAST(d AS TIMESTAMP)", col("d").cast("timestamp")), check("CAST(CAST(l AS TIMESTAMP) AS INT)", col("l").cast("timestamp").cast("int"))]);
  });
});

describe("aggregates over timestamps agree with Spark, grouped by a timestamp too (3 partitions, 2 shuffle partitions)", () => {
  const spark = useGroupedDifferential({ partitions: 3, shufflePartitions: 2 });
  const rows = INSTANTS.map((t, i) => [i % 4, t, INSTANTS[(i * 7 + 1) % INSTANTS.length]!]);
  const agg = (sql: string, column: Column) => ({ sql, column });

  it("min, max, count, countDistinct, first over timestamps; a timestamp as the grouping key", async () => {
    const checks = [agg("min(t)", min("t")), agg("max(t)", max("t")), agg("count(t)", count("t")), agg("count(DISTINCT t)", countDistinct("t")), agg("max(u)", max("u"))];
    await spark.agree({ schema: "g INT, t TIMESTAMP, u TIMESTAMP", rows, groupBy: ["g"] }, checks);
    await spark.agree({ schema: "g INT, t TIMESTAMP, u TIMESTAMP", rows, groupBy: ["t"] }, [agg("count(u)", count("u")), agg("first(g)", first("g"))]);
  });
});

describe("the timestamp-function differential tests", () => {
  it("cover every timestamp function but the clock (current_timestamp, now) and timestamp_ntz's (timestamp-ntz.test.ts)", () => {
    const source = [castChecks(), fieldChecks(), textChecks(), numberChecks(), clockChecks(), fractionChecks(), makeChecks()].flat().map((c) => c.sql).join(" ");
    const ntz = new Set(["localtimestamp", "to_timestamp_ntz", "make_timestamp_ntz"]);
    const missing = Object.keys(TIMESTAMP_FUNCTIONS).filter((fn) => fn !== "current_timestamp" && fn !== "now" && !ntz.has(fn) && !source.includes(`${fn}(`));
    if (missing.length > 0) throw new Error(`timestamp functions without a differential check: ${missing.join(", ")}`);
  });
});
