/**
 * DECIMAL(p, s) against real Spark 4, with ANSI on (its default) and off
 * (spark.sql.ansi.enabled = false, set on both sides): result types by Spark's DecimalPrecision
 * rules (allowPrecisionLoss: a result wider than 38 digits keeps its integral digits and at
 * least 6 fraction digits), + - * / % between decimals of different scales and with int,
 * bigint and double columns and literals (an int literal counts as the few digits it has),
 * comparisons, negation, round/bround/floor/ceil/abs, greatest/least/coalesce (whose common
 * type beyond 38 digits keeps the integral digits: decimal(38,0) beside decimal(38,18) is
 * decimal(38,0)), casts to and from strings, ints, bigints, doubles and booleans and between
 * decimals (HALF_UP rounding), a string beside a decimal (both become doubles), and
 * sum/avg/min/max/count through real partial merges. Edge values: nulls, zero, negatives,
 * values at the precision limit (99999999.99 in decimal(10,2), 38 nines in decimal(38,0)),
 * half-way roundings (x.xx5, negative too), results at the 38-digit cap, strings with spaces,
 * exponents, Unicode digits and garbage, NaN and ±Infinity (null, ANSI or not), ints and
 * bigints at their limits. ANSI on, overflow fails with NUMERIC_VALUE_OUT_OF_RANGE (a string
 * of more than 38 integral digits: NUMERIC_OUT_OF_SUPPORTED_RANGE; sums of decimals:
 * ARITHMETIC_OVERFLOW; casts to int or bigint: CAST_OVERFLOW), a zero divisor with
 * DIVIDE_BY_ZERO, a malformed string with CAST_INVALID_INPUT; with ANSI off each is null
 * (but a round() beyond 38 digits fails either way). Decimals travel as their plain text with
 * exactly s fraction digits ("12.30", "-0.05", "100"); a decimal cast to a string with ANSI
 * off is Java's BigDecimal.toString ("0E-18", "5E-18"). See test/support/spark-differential.ts.
 *
 * Left out on purpose: negating a decimal of more than 34 significant digits. Spark 4.0.1
 * negates through Scala's BigDecimal, whose default MathContext (34 digits, HALF_EVEN) rounds
 * the value: -x of 12345678901234567890123456789012345678 is -12345678901234567890123456789012350000,
 * and of 38 nines an overflow error even with ANSI off (abs of a negative one too); `0 - x` is exact.
 */
import { describe, it } from "vitest";
import { abs, approx_count_distinct, avg, bround, ceil, coalesce, col, count, floor, greatest, hash, least, lit, max, min, round, sum, sum_distinct, xxhash64, type Column } from "sparkfn";
import type { Value } from "../../../shared/plan/types.ts";
import { arithmeticChecks, useDifferential, useGroupedDifferential, type AggCheck, type Check, type GroupedTable, type Table } from "../../support/spark-differential.ts";

const check = (sql: string, column: Column): Check => ({ sql, column });

/** 38 nines: the largest decimal(38,0). */
const MAX38 = "9".repeat(38);
const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
const SAFE = Number.MAX_SAFE_INTEGER;

/**
 * decimal(10,2) columns a and b, decimal(5,3) c (another scale), and int, bigint, double and
 * string columns beside them. Values are written as strings (exact) and, in a few rows, as JS
 * numbers that hold the value exactly at the column's scale.
 */
const DEC: Table = {
  schema: "a DECIMAL(10,2), b DECIMAL(10,2), c DECIMAL(5,3), i INT, l BIGINT, d DOUBLE, s STRING",
  rows: [
    ["12.34", "0.50", "1.125", 7, 10, 1.5, "12.34"],
    ["-12.34", "3.00", "-0.005", -3, -2, -0.5, " 2.25 "],
    ["99999999.99", "99999999.99", "99.999", INT_MAX, SAFE, 1e10, "1e3"],
    ["-99999999.99", "0.01", "-99.999", INT_MIN, -SAFE, -0.001, "-0.005"],
    ["0.00", "0.00", "0.000", 0, 0, 0, "0"],
    ["2.25", "-2.25", "0.125", 2, 3, 2.675, "abc"],
    ["-2.25", "0.04", "-0.125", 5, 7, NaN, null],
    ["0.05", "-0.05", "0.005", 1, -1, Infinity, "-1.5"],
    [null, "1.00", null, null, null, null, null],
    [7, null, 2, 100, 4294967296, -Infinity, "1e-2"],
    ["1.45", "-1.45", "1.455", -1, 1, 1.005, "99999999.995"],
    ["-0.01", 0.3, "-1.455", 3, 1000000, 0.125, "  -7  "],
  ],
};

const ops = arithmeticChecks;

/** + - * / % between decimals, with ints, bigints and doubles (columns and literals). */
const arithmetic = (): Check[] => [
  ...ops("a", "b"),
  ...ops("a", "c"),
  ...ops("a", "i"),
  ...ops("c", "l"),
  check("i - a", col("i").minus(col("a"))),
  check("l / a", col("l").divide(col("a"))),
  check("a + d", col("a").plus(col("d"))),
  check("a * d", col("a").multiply(col("d"))),
  check("d / a", col("d").divide(col("a"))),
  // An int literal is decimal(1,0) here (its digits), not decimal(10,0): a + 1 is decimal(11,2).
  check("a + 1", col("a").plus(1)),
  check("a * 100", col("a").multiply(100)),
  check("a / 3", col("a").divide(3)),
  check("a / 0", col("a").divide(0)),
  check("a % 0", col("a").mod(0)),
  check("a - 2147483648", col("a").minus(lit(2147483648))),
  check("a + 1.5D", col("a").plus(lit(1.5))),
  check("CAST('1.5' AS DECIMAL(3,1)) * a", lit("1.5").cast("decimal(3,1)").multiply(col("a"))),
  check("c / CAST('0.3' AS DECIMAL(1,1))", col("c").divide(lit("0.3").cast("decimal(1,1)"))),
  check("-a", col("a").negate()),
  check("-c", col("c").negate()),
  // A string beside a decimal is a double in arithmetic (CAST_INVALID_INPUT for "abc" with ANSI on).
  check("a + s", col("a").plus(col("s"))),
];

const comparisons = (): Check[] => [
  check("a > b", col("a").gt(col("b"))),
  check("a = c", col("a").equalTo(col("c"))),
  check("a <= c", col("a").leq(col("c"))),
  check("a < i", col("a").lt(col("i"))),
  check("a >= l", col("a").geq(col("l"))),
  check("a = d", col("a").equalTo(col("d"))),
  check("a <=> b", col("a").eqNullSafe(col("b"))),
  check("c <=> a", col("c").eqNullSafe(col("a"))),
  check("a > 1", col("a").gt(1)),
  check("a = 12.34D", col("a").equalTo(lit(12.34))),
  // A string beside a decimal: both sides compare as doubles; coalesce is a double; greatest refuses the pair.
  check("a = s", col("a").equalTo(col("s"))),
  check("a < s", col("a").lt(col("s"))),
  check("coalesce(a, s)", coalesce(col("a"), col("s"))),
  check("greatest(a, s)", greatest(col("a"), col("s"))),
];

const functions = (): Check[] => [
  check("abs(a)", abs(col("a"))),
  check("abs(c)", abs(col("c"))),
  check("round(a)", round(col("a"))),
  check("round(a, 1)", round(col("a"), 1)),
  check("round(a, -1)", round(col("a"), -1)),
  check("round(a, 3)", round(col("a"), 3)),
  check("round(c, 2)", round(col("c"), 2)),
  check("bround(a, 1)", bround(col("a"), 1)),
  check("bround(c, 2)", bround(col("c"), 2)),
  check("floor(a)", floor(col("a"))),
  check("ceil(a)", ceil(col("a"))),
  check("floor(c)", floor(col("c"))),
  check("ceil(c)", ceil(col("c"))),
  check("greatest(a, b, c)", greatest(col("a"), col("b"), col("c"))),
  check("least(a, i)", least(col("a"), col("i"))),
  check("greatest(a, d)", greatest(col("a"), col("d"))),
  check("coalesce(a, b)", coalesce(col("a"), col("b"))),
  check("coalesce(c, a)", coalesce(col("c"), col("a"))),
  check("coalesce(a, l)", coalesce(col("a"), col("l"))),
  check("coalesce(a, d)", coalesce(col("a"), col("d"))),
  // Spark hashes a decimal of at most 18 digits as its unscaled long, a wider one as the bytes of its unscaled BigInteger.
  check("hash(a)", hash(col("a"))),
  check("hash(c, a)", hash(col("c"), col("a"))),
  check("xxhash64(a)", xxhash64(col("a"))),
  check("xxhash64(c)", xxhash64(col("c"))),
];

/** Casts from the DEC table's decimals to other types and between decimals; to decimals from its ints, bigints and doubles. */
const casts = (): Check[] => [
  ...(
    [
      ["STRING", "string"],
      ["INT", "int"],
      ["BIGINT", "bigint"],
      ["DOUBLE", "double"],
      ["BOOLEAN", "boolean"],
    ] as const
  ).map(([sql, name]) => check(`CAST(a AS ${sql})`, col("a").cast(name))),
  check("CAST(c AS STRING)", col("c").cast("string")),
  check("CAST(c AS INT)", col("c").cast("int")),
  check("CAST(c AS BOOLEAN)", col("c").cast("boolean")),
  ...["decimal(5,0)", "decimal(12,4)", "decimal(4,1)", "decimal(10,1)", "decimal(38,18)"].map((t) => check(`CAST(a AS ${t.toUpperCase()})`, col("a").cast(t))),
  check("CAST(c AS DECIMAL(3,2))", col("c").cast("decimal(3,2)")),
  check("CAST(c AS DECIMAL(2,0))", col("c").cast("decimal(2,0)")),
  check("CAST(i AS DECIMAL(5,0))", col("i").cast("decimal(5,0)")),
  check("CAST(i AS DECIMAL(10,0))", col("i").cast("decimal(10,0)")),
  check("CAST(i AS DECIMAL(12,2))", col("i").cast("decimal(12,2)")),
  check("CAST(l AS DECIMAL(5,0))", col("l").cast("decimal(5,0)")),
  check("CAST(l AS DECIMAL(20,0))", col("l").cast("decimal(20,0)")),
  check("CAST(l AS DECIMAL(18,2))", col("l").cast("decimal(18,2)")),
  // Spark reads a double's shortest text (Double.toString), then rounds it HALF_UP: 2.675 -> 2.68,
  // 1.005 -> 1.01. NaN and ±Infinity are null even with ANSI on.
  check("CAST(d AS DECIMAL(10,2))", col("d").cast("decimal(10,2)")),
  check("CAST(d AS DECIMAL(38,0))", col("d").cast("decimal(38,0)")),
  check("CAST(d AS DECIMAL(3,3))", col("d").cast("decimal(3,3)")),
  check("CAST(s AS DECIMAL(10,2))", col("s").cast("decimal(10,2)")),
];

/** Strings to decimals: spaces (Java's trim), signs, exponents, half-way digits, Unicode digits, overflow, garbage. */
const STRINGS: (string | null)[] = [
  null, "", " ", "0", "-0", "1", "+7", "-1.5", "1.", ".5", "-.5", ".", " 42 ", "\t12\n", "\u00a012", "\u300012", "１２", "1 2",
  "1e3", "1E-2", "1.5e3", "-2.5E+1", "1e", "5e-3", "1e-400", "1e8", "1e38", "1e400", "12.345", "-12.345", "12.3449", "0.005", "-0.005",
  "99999999.99", "99999999.995", "-99999999.995", "100000000", "NaN", "Infinity", "-Infinity", "abc", "12abc", "1.5d", "0x10", "1_000", "1,5", "1.2.3", "true",
  "0.0000000000000000000000000000000000000000001", "99999999999999999999999999999999999999", "-123456789012345678901234567890.12345678",
];
const STRING_TABLE: Table = { schema: "s STRING", rows: STRINGS.map((s) => [s]) };

const stringCasts = (): Check[] => [
  check("CAST(s AS DECIMAL(10,2))", col("s").cast("decimal(10,2)")),
  check("CAST(s AS DECIMAL(38,18))", col("s").cast("decimal(38,18)")),
  check("CAST(s AS DECIMAL(5,0))", col("s").cast("decimal(5,0)")),
  // DECIMAL alone is decimal(10,0).
  check("CAST(s AS DECIMAL)", col("s").cast("decimal")),
  check("CAST(CAST(s AS DECIMAL(38,8)) AS STRING)", col("s").cast("decimal(38,8)").cast("string")),
];

/**
 * With ANSI on, the same parses through TRY_CAST (null where the cast fails: no failing rows to
 * bisect, which made this the slowest check), and the failures themselves on a few strings, one
 * per error class: malformed, more than 38 integral digits, too many digits for the type.
 */
const stringTryCasts = (): Check[] => [
  check("TRY_CAST(s AS DECIMAL(10,2))", col("s").try_cast("decimal(10,2)")),
  check("TRY_CAST(s AS DECIMAL(38,18))", col("s").try_cast("decimal(38,18)")),
  check("TRY_CAST(s AS DECIMAL(5,0))", col("s").try_cast("decimal(5,0)")),
  check("CAST(TRY_CAST(s AS DECIMAL(38,8)) AS STRING)", col("s").try_cast("decimal(38,8)").cast("string")),
];
const FAILING_STRINGS: Table = { schema: "s STRING", rows: [["abc"], ["1e400"], ["99999999.995"], ["NaN"], ["12.5"], [null]] };

/**
 * Decimals at the 38-digit cap: x decimal(38,0), y decimal(38,18), u and v decimal(38,10),
 * p decimal(20,2), q decimal(10,3). Products and quotients of these lose precision (their
 * scale shrinks to keep the integral digits, down to 6) and round HALF_UP; what still does not
 * fit overflows.
 */
const WIDE: Table = {
  schema: "x DECIMAL(38,0), y DECIMAL(38,18), u DECIMAL(38,10), v DECIMAL(38,10), p DECIMAL(20,2), q DECIMAL(10,3)",
  rows: [
    [MAX38, "12345678901234567890.123456789012345678", "1.0000005", "1.0000005", "12345678901234567.89", "3.000"],
    [`-${MAX38}`, "-0.000000000000000001", "-1.0000005", "1.0000005", "-1.00", "-0.007"],
    ["1", "1.5", "0.0000000001", "-0.0000000001", "0.00", "0.000"],
    [null, "0", "9999999999.9999999999", "-9999999999.9999999999", "1", null],
    ["12345678901234567890", "99999999999999999999.999999999999999999", "1234567890123456789012345678.9012345678", "0.5", "999999999999999999.99", "9999999.999"],
    ["9999999999999999999999999999999999", "-0.5", "-1234567890.1234567890", "2.5", "0.05", "0.001"],
    ["-12345678901234567890123456789012", "0.000000000000000005", "0.0000005", "-1", "-0.05", "-2.000"],
    ["99999999999999999999999999999999999998", "-99999999999999999999.999999999999999999", "0.0000025", "0.2", "-999999999999999999.99", "-9999999.999"],
  ],
};

const wide = (): Check[] => [
  check("x + x", col("x").plus(col("x"))),
  check("x + 1", col("x").plus(1)),
  check("x - 1", col("x").minus(1)),
  check("0 - x", lit(0).minus(col("x"))),
  check("x * x", col("x").multiply(col("x"))),
  check("x / 3", col("x").divide(3)),
  check("x / y", col("x").divide(col("y"))),
  check("x % 7", col("x").mod(7)),
  check("x + y", col("x").plus(col("y"))),
  check("x + 1.5D", col("x").plus(lit(1.5))),
  check("y * y", col("y").multiply(col("y"))),
  check("y / y", col("y").divide(col("y"))),
  check("u + y", col("u").plus(col("y"))),
  check("u * v", col("u").multiply(col("v"))),
  check("u / v", col("u").divide(col("v"))),
  check("u % v", col("u").mod(col("v"))),
  check("p / q", col("p").divide(col("q"))),
  check("x / q", col("x").divide(col("q"))),
  check("y / q", col("y").divide(col("q"))),
  check("p * q", col("p").multiply(col("q"))),
  check("p % q", col("p").mod(col("q"))),
  check("greatest(p, q)", greatest(col("p"), col("q"))),
  check("coalesce(q, x)", coalesce(col("q"), col("x"))),
  check("round(y, 2)", round(col("y"), 2)),
  check("bround(y, 17)", bround(col("y"), 17)),
  check("round(x, -2)", round(col("x"), -2)),
  check("floor(y)", floor(col("y"))),
  check("ceil(y)", ceil(col("y"))),
  check("abs(p)", abs(col("p"))),
  check("-q", col("q").negate()),
  check("CAST(x AS STRING)", col("x").cast("string")),
  check("CAST(y AS STRING)", col("y").cast("string")),
  check("hash(x)", hash(col("x"))),
  check("hash(y)", hash(col("y"))),
  check("xxhash64(x)", xxhash64(col("x"))),
  check("xxhash64(y)", xxhash64(col("y"))),
  check("CAST(x AS DOUBLE)", col("x").cast("double")),
  check("CAST(y AS DOUBLE)", col("y").cast("double")),
  // With ANSI off, Spark wraps these as Java's BigDecimal.intValue/longValue do (longs beyond
  // 2^53 then compare as the nearest double: a known difference).
  check("CAST(x AS INT)", col("x").cast("int")),
  check("CAST(x AS BIGINT)", col("x").cast("bigint")),
  check("CAST(p AS BIGINT)", col("p").cast("bigint")),
  check("CAST(y AS DECIMAL(10,2))", col("y").cast("decimal(10,2)")),
  check("CAST(x AS DECIMAL(38,18))", col("x").cast("decimal(38,18)")),
  check("CAST(u AS DECIMAL(20,0))", col("u").cast("decimal(20,0)")),
];

/**
 * Two decimals meet in a comparison, greatest/least or coalesce at their wider type, and Spark 4
 * caps a wider type beyond 38 digits by keeping the integral digits (DecimalType.
 * boundedPreferIntegralDigits): decimal(38,0) beside decimal(38,18) is decimal(38,0), so the
 * fraction is rounded away (HALF_UP) before comparing: x = y holds for 1 and 1.4, and for 1 and 0.5.
 * Arithmetic keeps its own rule (x + y is decimal(38,6)).
 */
const WIDER: Table = {
  schema: "x DECIMAL(38,0), y DECIMAL(38,18), u DECIMAL(38,10), q DECIMAL(10,3), a DECIMAL(10,2)",
  rows: [
    ["1", "1.4", "1.4", "1.400", "1.40"],
    ["1", "0.5", "0.5000000001", "0.500", "0.50"],
    ["2", "1.000000000000000001", "1.0000000000", "2.000", "1.00"],
    ["-1", "-1.499999999999999999", "-1.5", "-1.499", "-0.50"],
    [MAX38, "0.5", "0.5", "0.500", "0.50"],
    [null, "0", null, "0.000", null],
  ],
};
const wider = (): Check[] => [
  check("x = y", col("x").equalTo(col("y"))),
  check("x < y", col("x").lt(col("y"))),
  check("x <=> y", col("x").eqNullSafe(col("y"))),
  check("y = u", col("y").equalTo(col("u"))),
  check("x = q", col("x").equalTo(col("q"))),
  check("q >= y", col("q").geq(col("y"))),
  check("x = a", col("x").equalTo(col("a"))),
  check("x = CAST('1.4' AS DECIMAL(2,1))", col("x").equalTo(lit("1.4").cast("decimal(2,1)"))),
  check("greatest(x, y)", greatest(col("x"), col("y"))),
  check("least(u, y)", least(col("u"), col("y"))),
  check("coalesce(y, x)", coalesce(col("y"), col("x"))),
  check("least(a, y)", least(col("a"), col("y"))),
  check("x - y", col("x").minus(col("y"))),
];

/** Negation and abs where Spark computes them exactly: at most 34 significant digits (see the header). */
const NEGATE: Table = {
  schema: "x DECIMAL(38,0), y DECIMAL(38,18)",
  rows: [
    ["9".repeat(34), "1234567890123456.123456789012345678"],
    [`-${"9".repeat(34)}`, "-1234567890123456.123456789012345678"],
    ["0", "0"],
    [null, null],
    ["-1", "-0.000000000000000001"],
  ],
};
const negations = (): Check[] => [
  check("-x", col("x").negate()),
  check("abs(x)", abs(col("x"))),
  check("-y", col("y").negate()),
  check("abs(y)", abs(col("y"))),
];

/** NUMERIC(p,s), DEC(p,s) and DECIMAL (= decimal(10,0)) in the schema. */
const ALIASES: Table = {
  schema: "n NUMERIC(12,4), e DEC(6,1), m DECIMAL",
  rows: [
    ["12345678.1234", "-99999.9", "9999999999"],
    ["-0.0005", "0.5", "-1"],
    [null, null, null],
  ],
};
const aliases = (): Check[] => [
  check("n", col("n")),
  check("e", col("e")),
  check("m", col("m")),
  check("n + e", col("n").plus(col("e"))),
  check("m * e", col("m").multiply(col("e"))),
  check("n / m", col("n").divide(col("m"))),
];

for (const [mode, conf] of [
  ["on", undefined],
  ["off", { "spark.sql.ansi.enabled": "false" }],
] as const) {
  describe(`decimals agree with Spark (ANSI ${mode})`, () => {
    const spark = useDifferential(conf);

    it("+ - * / % between decimals and with ints, bigints, doubles and literals: result types, HALF_UP, overflow, zero divisors", async () => {
      await spark.agree(DEC, arithmetic());
    });

    it("comparisons with decimals of other scales, ints, bigints, doubles and strings", async () => {
      await spark.agree(DEC, comparisons());
    });

    it("abs, round, bround, floor, ceil, greatest, least, coalesce", async () => {
      await spark.agree(DEC, functions());
    });

    it("casts from decimals to string, int, bigint, double, boolean and other decimals; from ints, bigints, doubles to decimals", async () => {
      await spark.agree(DEC, casts());
    });

    it("strings to decimals: spaces, exponents, half-way digits, garbage, overflow", async () => {
      if (mode === "off") await spark.agree(STRING_TABLE, stringCasts());
      else {
        await spark.agree(STRING_TABLE, stringTryCasts());
        await spark.agree(FAILING_STRINGS, stringCasts());
      }
    });

    it("decimals at the 38-digit cap: precision loss in * and /, overflow", async () => {
      await spark.agree(WIDE, wide());
    });

    it("comparisons, greatest, least, coalesce of decimals whose wider type passes 38 digits: the fraction is rounded away", async () => {
      await spark.agree(WIDER, wider());
    });

    it("negation and abs of wide decimals", async () => {
      await spark.agree(NEGATE, negations());
    });

    it("NUMERIC(p,s), DEC(p,s) and DECIMAL in a schema", async () => {
      await spark.agree(ALIASES, aliases());
    });
  });
}

// ---- aggregates ---------------------------------------------------------------------------

const AGG_SCHEMA = "g INT, a DECIMAL(10,2), x DECIMAL(38,0)";

/**
 * Groups of decimal(10,2) and decimal(38,0) values whose sums fit (averages below 10^34, so
 * avg's decimal(38,4) holds them): plain values, nulls, one row, only nulls, values at the
 * precision limit, averages exactly half-way at their last place (one 0.01 among 32 rows:
 * 0.0003125 -> 0.000313 in decimal(14,6), one 1 among 32: 0.03125 -> 0.0313 in decimal(38,4);
 * negative too), and a null key.
 */
function aggregateRows(): Value[][] {
  const rows: Value[][] = [];
  const add = (g: number | null, a: string | null, x: string | null) => rows.push([g, a, x]);
  add(1, "12.34", "1");
  add(1, "0.01", "2");
  add(1, null, null);
  add(1, "-5.00", "3");
  add(2, "99999999.99", "9".repeat(33));
  add(2, "99999999.99", "9".repeat(33));
  add(2, "99999999.99", `-${"9".repeat(33)}`);
  add(3, null, null);
  add(4, "0.01", "1");
  add(4, "0.01", "1");
  add(4, "0.02", "2");
  add(5, "-0.05", "-1");
  add(5, "0.00", "-1");
  add(5, "0.00", "0");
  add(6, "-99999999.99", "-12345678901234567890123456789012");
  for (let k = 0; k < 32; k++) add(7, k === 5 ? "0.01" : "0.00", k === 5 ? "1" : "0");
  for (let k = 0; k < 32; k++) add(8, k === 20 ? "-0.01" : "0.00", k === 20 ? "-1" : "0");
  add(null, "1.50", "15");
  add(null, "2.25", "-2");
  // Spread the groups over the partitions (a fixed interleaving: both sides see the same order).
  return rows.map((r, i) => ({ r, k: (i * 37) % rows.length })).sort((p, q) => p.k - q.k).map((p) => p.r);
}

const AGG_ROWS = aggregateRows();
const grouped = (rows: readonly (readonly Value[])[], groupBy: readonly string[] = ["g"]): GroupedTable => ({ schema: AGG_SCHEMA, rows, groupBy });
const agg = (sql: string, column: Column): AggCheck => ({ sql, column });

const AGGREGATES = (): AggCheck[] => [
  agg("sum(a)", sum("a")),
  agg("avg(a)", avg("a")),
  agg("min(a)", min("a")),
  agg("max(a)", max("a")),
  agg("count(a)", count("a")),
  agg("sum(x)", sum("x")),
  agg("avg(x)", avg("x")),
  agg("min(x)", min("x")),
  agg("max(x)", max("x")),
  // Exact over the distinct values, decimal(p + 10, s) as sum's.
  agg("sum(DISTINCT a)", sum_distinct("a")),
  agg("sum(DISTINCT x)", sum_distinct("x")),
  // HLL++ over Spark's xxhash64 of the decimal: the same registers, so the same estimate.
  agg("approx_count_distinct(a)", approx_count_distinct("a")),
  agg("approx_count_distinct(x)", approx_count_distinct("x")),
];

/** A group whose decimal(38,0) sum overflows (38 nines and 1) beside groups that fit. */
const OVERFLOWING_SUM: Value[][] = [
  [1, "1.00", MAX38],
  [2, "2.00", "5"],
  [1, "1.00", "1"],
  [2, "2.00", "-5"],
  [3, "3.00", "7"],
  [3, null, null],
];

/**
 * A group whose running sum passes 38 digits in its first input partition (38 nines twice)
 * though its total fits (a third row takes one back): Spark's sum buffer holds 38 digits, so
 * the sum overflows all the same (ARITHMETIC_OVERFLOW, null with ANSI off). The first three
 * rows are one partition of three (rows [0, n/3)).
 */
const OVERFLOWING_RUNNING_SUM: Value[][] = [
  [1, "1.00", MAX38],
  [1, "1.00", MAX38],
  [1, "1.00", `-${MAX38}`],
  [2, "2.00", "5"],
  [2, "2.00", "6"],
  [3, "3.00", "7"],
  [2, "2.00", "8"],
  [3, null, null],
  [3, "3.00", "9"],
];

/** An average of decimal(38,0) values at or beyond 10^34 does not fit avg's decimal(38,4). */
const OVERFLOWING_AVG: Value[][] = [
  [1, "1.00", "9".repeat(35)],
  [1, "1.00", "1"],
  [2, "2.00", "10"],
  [2, "2.00", "11"],
];

for (const [mode, conf] of [
  ["on", undefined],
  ["off", { "spark.sql.ansi.enabled": "false" }],
] as const) {
  describe(`decimal aggregates agree with Spark (ANSI ${mode}; 3 input partitions, 2 shuffle partitions)`, () => {
    const spark = useGroupedDifferential({ partitions: 3, shufflePartitions: 2, ...(conf ? { conf } : {}) });

    it("sum (decimal(p+10,s)), avg (decimal(p+4,s+4), HALF_UP), min, max, count by group", async () => {
      await spark.agree(grouped(AGG_ROWS), AGGREGATES());
    });

    it("global aggregates, over the table and over no rows", async () => {
      await spark.agree(grouped(AGG_ROWS, []), AGGREGATES());
      await spark.agree(grouped([], []), AGGREGATES());
    });

    it(`a sum of decimal(38,0) that overflows ${mode === "on" ? "fails with ARITHMETIC_OVERFLOW" : "is null"}, its avg too`, async () => {
      await spark.agree(grouped(OVERFLOWING_SUM), [agg("sum(x)", sum("x")), agg("avg(x)", avg("x")), agg("sum(a)", sum("a")), agg("sum(DISTINCT x)", sum_distinct("x"))]);
    });

    it("a running sum beyond 38 digits overflows though the total fits", async () => {
      await spark.agree(grouped(OVERFLOWING_RUNNING_SUM), [agg("sum(x)", sum("x")), agg("avg(x)", avg("x"))]);
    });

    it(`an average beyond decimal(38,4) ${mode === "on" ? "fails with NUMERIC_VALUE_OUT_OF_RANGE" : "is null"}`, async () => {
      await spark.agree(grouped(OVERFLOWING_AVG), [agg("avg(x)", avg("x")), agg("sum(x)", sum("x"))]);
    });
  });
}
