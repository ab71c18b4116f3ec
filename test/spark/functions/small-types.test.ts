/**
 * tinyint (byte), smallint (short) and float against real Spark 4, with ANSI mode on (its
 * default) and off: casts to and from every other type (ranges, wrapping, saturation, Java's
 * Float.toString, strings that do and do not parse), arithmetic in each type (overflow fails
 * with BINARY_ARITHMETIC_OVERFLOW or wraps; a float result rounds to a float), the types two
 * numbers meet at (with ANSI on a float beside an integer is a double), comparisons, IN,
 * coalesce/greatest/CASE, the math functions that keep their argument's type (abs, round,
 * bround) and those that do not, hashing, SQL's 1Y, 1S and 1.5F literals, and grouped
 * aggregates (sum is a bigint or a double, avg a double, min and max keep the type). See
 * test/support/spark-differential.ts for what "agree" means (identical values and types).
 *
 * Most checks are written once, as SQL text that both sides parse (sparkfn through expr());
 * the DataFrame API's spellings (cast("tinyint"), col.plus) are checked beside them.
 */
import { describe, it } from "vitest";
import { avg, col, count, expr, max, min, sum, type Column } from "sparkfn";
import type { Value } from "../../../shared/plan/types.ts";
import { useDifferential, useGroupedDifferential, type AggCheck, type Check } from "../../support/spark-differential.ts";

const f = Math.fround;
const BYTES = [null, 0, 1, -1, 127, -128, 100, -100, 42, 64, -64];
const SHORTS = [null, 0, 1, -1, 32767, -32768, 300, -300, 200, 181, -182, 16384];
const FLOATS = [
  null, 0, -0, f(1.1), -1.5, f(3.4e38), NaN, Infinity, -Infinity, f(1.4e-45), f(16777217), f(0.1), 2.5, f(1e10), f(123456789), 9999999, 1e7, f(0.001),
  f(0.0009999), f(8.589973e9), -129.5, 127.9, f(2.5e9), f(1.17549435e-38), 33554436, f(1e-5), 100, f(-32768.7),
];
const INTS = [null, 0, 1, -1, 2147483647, -2147483648, 128, -129, 16777217, 300];
const LONGS = [null, 0, 1, -1, 2 ** 40, -(2 ** 40), 32768, -32769, 9007199254740991];
const DOUBLES = [null, 0, -0, 300.7, 1e10, -129.5, 1e40, 1e-50, 0.1, NaN, Infinity, 3.4028236e38, 127.5, -128.5, 5e-324];
const STRINGS = [null, "127", "128", "-128", " 12 ", "1.9", "0x10", "32768", "-32768", "1.5f", "1e40", "abc", "NaN", "3.4028236e38", "1.1", "", "-0", "\t7\n", "+5", "Infinity", "１２"];
const DECIMALS = [null, "0.00", "1.50", "-128.99", "127.49", "32767.00", "12345678.91", "-0.05"];
const longest = Math.max(BYTES.length, SHORTS.length, FLOATS.length, INTS.length, LONGS.length, DOUBLES.length, STRINGS.length, DECIMALS.length);
const pick = <T,>(values: readonly T[], k: number) => values[k % values.length]!;
const TABLE = {
  schema: "b TINYINT, s SMALLINT, f FLOAT, i INT, l BIGINT, d DOUBLE, t STRING, dec DECIMAL(10,2)",
  rows: Array.from({ length: longest }, (_, k): Value[] => [
    pick(BYTES, k),
    pick(SHORTS, k),
    pick(FLOATS, k),
    pick(INTS, k),
    pick(LONGS, k),
    pick(DOUBLES, k),
    pick(STRINGS, k),
    pick(DECIMALS, k),
  ]),
};

const sql = (text: string): Check => ({ sql: text, column: expr(text) });
const check = (text: string, column: Column): Check => ({ sql: text, column });

const TARGETS = ["TINYINT", "SMALLINT", "INT", "BIGINT", "FLOAT", "DOUBLE", "STRING", "BOOLEAN", "DECIMAL(10,2)", "DECIMAL(3,1)", "DATE", "TIMESTAMP"];

/** try_cast where a cast can fail (the narrower types); elsewhere it is the cast. */
const MAY_FAIL = new Set(["TINYINT", "SMALLINT", "INT", "BIGINT", "DECIMAL(3,1)", "TIMESTAMP"]);
const castsFrom = (c: string): Check[] => TARGETS.flatMap((t) => [sql(`CAST(${c} AS ${t})`), ...(MAY_FAIL.has(t) ? [sql(`TRY_CAST(${c} AS ${t})`)] : [])]);

const castsTo = (t: string): Check[] => ["i", "l", "d", "t", "dec", "b", "s", "f"].map((c) => sql(`CAST(${c} AS ${t})`));

const ARITHMETIC: Check[] = [
  ...["b", "s", "f"].flatMap((c) => ["+", "-", "*", "/", "%"].map((op) => sql(`${c} ${op} ${c}`))),
  ...["-b", "-s", "-f", "b + s", "s - b", "b * i", "s + l", "b + d", "f + i", "f * l", "f - b", "s / f", "f + d", "f + dec", "b + dec", "s * dec", "b + t", "s * t", "f + t", "i + f"].map(sql),
  ...["b div 3Y", "pmod(b, 3Y)", "pmod(s, -7S)", "b % 3", "f % 1.5F", "1Y + 1Y", "127Y + b", "1.5F * f", "100S * s", "-b + 0Y"].map(sql),
  // The DataFrame API's spelling of a few (the SQL is what Spark runs).
  check("s + b", col("s").plus(col("b"))),
  check("f * b", col("f").multiply(col("b"))),
  check("s * -1", col("s").multiply(-1)),
];

const COMPARISONS: Check[] = [
  ..."b = s|b < i|s >= l|f = d|f < i|f = 1.1|f = 1.1F|b = t|s < t|f = t|f > b|f <=> d|b IN (1, 127, 1000)|f IN (1.1F, 2.5, 0)|s IN (300S, -1)|NOT (b > 0)".split("|").map(sql),
  ..."coalesce(b, s)|coalesce(f, i)|coalesce(f, l)|coalesce(b, 1000)|greatest(b, s)|greatest(f, i)|least(f, d)|greatest(b, 1)|CASE WHEN b > 0 THEN f ELSE i END|CASE WHEN b > 0 THEN b ELSE s END|nvl(f, 0)|nvl2(b, s, 1Y)|nullif(b, 1)".split("|").map(sql),
];

const FUNCTIONS: Check[] = [
  ..."abs(b)|abs(s)|abs(f)|round(f, 1)|bround(f, 1)|round(f)|round(b, -1)|round(s, -2)|bround(s, -1)|floor(f)|ceil(f)|floor(b)|ceil(s)|sqrt(f)|signum(b)|signum(f)|isnan(f)|nanvl(f, 1.0F)|hash(b)|hash(s)|hash(f)|hash(b, s, f)|xxhash64(b)|xxhash64(s)|concat(b, s, f)|length(f)|sha2(CAST(b AS STRING), 256)".split(
    "|",
  ).map(sql),
  check("CAST(i AS TINYINT)", col("i").cast("tinyint")),
  check("CAST(t AS TINYINT)", col("t").cast("byte")),
  check("CAST(d AS SMALLINT)", col("d").cast("smallint")),
  check("CAST(t AS FLOAT)", col("t").cast("float")),
];

for (const [mode, conf] of [
  ["on", undefined],
  ["off", { "spark.sql.ansi.enabled": "false" }],
] as const) {
  describe(`tinyint, smallint and float agree with Spark (ANSI ${mode})`, () => {
    const spark = useDifferential(conf);

    it("casts from them to every type, as cast (and try_cast where a cast can fail)", async () => {
      await spark.agree(TABLE, [...castsFrom("b"), ...castsFrom("s"), ...castsFrom("f")]);
    });

    it("casts to them from every type", async () => {
      await spark.agree(TABLE, [...castsTo("TINYINT"), ...castsTo("SMALLINT"), ...castsTo("FLOAT")]);
    });

    it("arithmetic in each type and across types (overflow, wrapping, float rounding, the types they meet at)", async () => {
      await spark.agree(TABLE, ARITHMETIC);
    });

    it("comparisons, IN, coalesce, greatest, least and CASE", async () => {
      await spark.agree(TABLE, COMPARISONS);
    });

    it("math functions, hashing and text", async () => {
      await spark.agree(TABLE, FUNCTIONS);
    });
  });
}

const agg = (text: string, column: Column): AggCheck => ({ sql: text, column });
const AGG_ROWS: Value[][] = Array.from({ length: 24 }, (_, k) => [k % 3, pick(BYTES, k), pick(SHORTS, k), k % 7 === 3 ? null : f(k * 1.1)]);

describe("aggregates of tinyint, smallint and float agree with Spark (3 input partitions, 2 shuffle partitions)", () => {
  const spark = useGroupedDifferential({ partitions: 3, shufflePartitions: 2 });
  it("sum (bigint, double), avg (double), min and max (their own type), count", async () => {
    await spark.agree({ schema: "g INT, b TINYINT, s SMALLINT, f FLOAT", rows: AGG_ROWS, groupBy: ["g"] }, [
      agg("sum(b)", sum("b")),
      agg("sum(s)", sum("s")),
      agg("avg(b)", avg("b")),
      agg("min(b)", min("b")),
      agg("max(s)", max("s")),
      agg("min(f)", min("f")),
      agg("max(f)", max("f")),
      agg("count(f)", count("f")),
      // Summed as doubles; partial sums merge in an order of their own on each side.
      { sql: "sum(f)", column: sum("f"), ulps: 4 },
      { sql: "avg(f)", column: avg("f"), ulps: 4 },
    ]);
  });
});
