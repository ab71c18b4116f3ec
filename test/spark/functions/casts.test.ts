/**
 * cast() and try_cast() between the types sparkfn has, and Spark's implicit coercion, against
 * real Spark 4, with ANSI mode on (its default) and off (spark.sql.ansi.enabled = false, set on
 * both sides): strings to numbers, booleans and dates (spaces, control characters, signs,
 * exponents, fractions, hex, out of range, Unicode digits and spaces, not numbers at all),
 * numbers to ints and longs (fractions, the int and long boundaries, NaN and infinities), to
 * strings (Java's formatting of doubles), booleans and numbers both ways, dates to strings, the
 * pairs Spark refuses at analysis, and a string beside numbers, booleans and dates in
 * arithmetic, comparisons, IN, math functions, coalesce/nvl/nvl2/nullif/CASE and logic. Invalid
 * values must fail with Spark's error class. See test/support/spark-differential.ts.
 */
import { describe, it } from "vitest";
import { abs, ceil, coalesce, col, concat, length, upper, exp, floor, greatest, isnan, lit, log, nanvl, not, nullif, nvl, nvl2, pmod, pow, round, split, sqrt, try_cast, when, type Column } from "sparkfn";
import { useDifferential, type Check } from "../../support/spark-differential.ts";

const STRINGS = [
  null, "", " ", "0", "1", "-1", "+7", "-0", "00012", " 42 ", "\t12\n", "\u0001 12\u007f", "\u00a012", "\u300012", "１２", "١٢", "1 2", "+", "-",
  "1.5", "-1.5", "1.", ".5", "-.5", ".", "1e3", "1E-2", "1.5e3", "1e", "1.5d", "1.5F", "0x10", "1_000", "2147483647", "2147483648", "-2147483648", "-2147483649",
  "2147483647.9", "9007199254740993", "9223372036854775807", "9223372036854775808", "-9223372036854775808", "1e400", "-1e400",
  "NaN", "nan", "-nan", "Infinity", "-Infinity", "inf", "+inf", "INF", "infinity", "Infinityx", "abc", "12abc",
  "true", "FALSE", " t ", "no", "Y", "yes", "\ttrue", "\u3000true", "2", "0.0",
  "2024-02-29", "2023-02-29", "2024-2-9", " 2024-01-01 ", "\u00012024-01-01", "\u30002024-01-01", "2024-01-01T10:00:00", "2024-01-01 garbage", "2024-01-01garbage", "2024-01-01T",
  "2024", "2024-1", "2024-", "2024-01-", "2024-13-01", "2024-00-10", "2024-01-32", "2024-001-01", "24-01-01", "02024-01-01", "+2024-01-01", "0001-01-01", "9999-12-31",
  "10000-01-01", "0000-01-01", "-0001-01-01",
];
const STRING_TABLE = { schema: "s STRING", rows: STRINGS.map((s) => [s]) };

const DOUBLES = [
  null, 0, -0, 1.5, -1.5, 2.5, -0.5, 0.1, 1e-3, 1e-4, 1e-7, 100, 1e6, 9999999, 1e7, 12345678.9, 123456789.125, 1e10, -1e10, 1e21, 1e20, 4.9e-324, 1.7976931348623157e308,
  0.30000000000000004, 2147483647, 2147483647.9, 2147483648, -2147483648.9, -2147483649, 9007199254740992, 9.2233720368547758e18, -9.2233720368547758e18, 1e19,
  NaN, Infinity, -Infinity,
];
const LONGS = [null, 0, 1, -1, 2147483647, 2147483648, -2147483648, -2147483649, 4294967297, 1e12, -1e12, 9007199254740992, -9007199254740992];
const INTS = [null, 0, 1, -1, 2147483647, -2147483648, 42];
const BOOLEANS = [null, true, false];
const DATES = [null, "2024-02-29", "0001-01-01", "9999-12-31", "1970-01-01"];
const longest = Math.max(DOUBLES.length, LONGS.length, INTS.length);
const pick = <T,>(values: readonly T[], k: number) => values[k % values.length]!;
const VALUE_TABLE = {
  schema: "d DOUBLE, l BIGINT, i INT, b BOOLEAN, dt DATE, s STRING",
  rows: Array.from({ length: longest }, (_, k) => [pick(DOUBLES, k), pick(LONGS, k), pick(INTS, k), pick(BOOLEANS, k), pick(DATES, k), k % 5 === 0 ? null : `a,${k},b`]),
};

/** Spark's SQL names and sparkfn's names of the types. */
const TYPES = [
  ["STRING", "string"],
  ["INT", "int"],
  ["BIGINT", "long"],
  ["DOUBLE", "double"],
  ["BOOLEAN", "boolean"],
  ["DATE", "date"],
] as const;
const COLUMNS = ["d", "l", "i", "b", "dt"] as const;

const check = (sql: string, column: Column): Check => ({ sql, column });
const casts = (c: string, tryCast = false): Check[] =>
  TYPES.map(([sql, name]) => check(`${tryCast ? "TRY_CAST" : "CAST"}(${c} AS ${sql})`, tryCast ? try_cast(c, name) : col(c).cast(name)));

/** A string beside numbers, booleans and dates: columns of each type, strings that do and do not convert. */
const COERCION_TABLE = {
  schema: "i INT, l BIGINT, d DOUBLE, b BOOLEAN, dt DATE, s STRING, f STRING, bs STRING, ds STRING",
  rows: [
    [1, 2, 2.5, true, "2024-01-02", "10", "1.5", "true", "2024-01-02"],
    [-3, 2147483648, -0.5, false, "2024-02-29", " 7 ", "-2", "no", "2024-02-29 10:00"],
    [null, null, null, null, null, null, null, null, null],
    [7, -1, 1e300, true, "1970-01-01", "-3", "1e2", " T ", "1970-1-1"],
    [0, 0, NaN, false, "9999-12-31", "abc", "NaN", "maybe", "someday"],
  ],
};

const coercions = (): Check[] => [
  check("i + s", col("i").plus(col("s"))),
  check("s + i", col("s").plus(col("i"))),
  check("l - s", col("l").minus(col("s"))),
  check("d * s", col("d").multiply(col("s"))),
  check("s / i", col("s").divide(col("i"))),
  check("i % s", col("i").mod(col("s"))),
  check("d + f", col("d").plus(col("f"))),
  check("i + f", col("i").plus(col("f"))),
  check("s + s", col("s").plus(col("s"))),
  check("-s", col("s").negate()),
  check("i = s", col("i").equalTo(col("s"))),
  check("i < f", col("i").lt(col("f"))),
  check("d > f", col("d").gt(col("f"))),
  check("l >= s", col("l").geq(col("s"))),
  check("s <=> i", col("s").eqNullSafe(col("i"))),
  check("b = bs", col("b").equalTo(col("bs"))),
  check("dt = ds", col("dt").equalTo(col("ds"))),
  check("dt < ds", col("dt").lt(col("ds"))),
  check("s = s", col("s").equalTo(col("s"))),
  check("i = b", col("i").equalTo(col("b"))),
  check("i IN (s, 3)", col("i").isin(col("s"), 3)),
  check("d IN (f, 2.5D)", col("d").isin(col("f"), 2.5)),
  check("sqrt(s)", sqrt(col("s"))),
  check("abs(f)", abs(col("f"))),
  check("round(f, 1)", round(col("f"), 1)),
  check("floor(f)", floor(col("f"))),
  check("ceil(s)", ceil(col("s"))),
  check("pow(s, 2)", pow(col("s"), lit(2))),
  check("exp(f)", exp(col("f"))),
  check("log(s)", log(col("s"))),
  check("pmod(s, i)", pmod(col("s"), col("i"))),
  check("isnan(f)", isnan(col("f"))),
  check("nanvl(f, 1.5D)", nanvl(col("f"), lit(1.5))),
  check("coalesce(i, s)", coalesce(col("i"), col("s"))),
  check("coalesce(s, i)", coalesce(col("s"), col("i"))),
  check("coalesce(d, f)", coalesce(col("d"), col("f"))),
  check("coalesce(b, bs)", coalesce(col("b"), col("bs"))),
  check("coalesce(dt, ds)", coalesce(col("dt"), col("ds"))),
  check("coalesce(i, b)", coalesce(col("i"), col("b"))),
  check("nvl(l, s)", nvl(col("l"), col("s"))),
  check("nvl2(i, s, 2)", nvl2(col("i"), col("s"), lit(2))),
  check("nullif(i, s)", nullif(col("i"), col("s"))),
  check("nullif(s, i)", nullif(col("s"), col("i"))),
  check("greatest(i, s)", greatest(col("i"), col("s"))),
  check("CASE WHEN b THEN i ELSE s END", when(col("b"), col("i")).otherwise(col("s"))),
  check("CASE WHEN b THEN s ELSE d END", when(col("b"), col("s")).otherwise(col("d"))),
  check("CASE WHEN b THEN dt ELSE ds END", when(col("b"), col("dt")).otherwise(col("ds"))),
  check("CASE WHEN b THEN b ELSE bs END", when(col("b"), col("b")).otherwise(col("bs"))),
  check("NOT bs", not(col("bs"))),
  check("bs AND b", col("bs").and(col("b"))),
  check("concat(i, s)", concat(col("i"), col("s"))),
  check("concat(d, b, dt)", concat(col("d"), col("b"), col("dt"))),
  check("upper(b)", upper(col("b"))),
  check("length(d)", length(col("d"))),
  check("i + l", col("i").plus(col("l"))),
  check("i + d", col("i").plus(col("d"))),
];

for (const [mode, conf] of [
  ["on", undefined],
  ["off", { "spark.sql.ansi.enabled": "false" }],
] as const) {
  describe(`casts agree with Spark (ANSI ${mode})`, () => {
    const spark = useDifferential(conf);

    it("strings to every type, with cast and try_cast", async () => {
      await spark.agree(STRING_TABLE, [...casts("s"), ...casts("s", true)]);
    });

    it("doubles, longs, ints, booleans and dates to every type (Spark's refusals included)", async () => {
      await spark.agree(VALUE_TABLE, [...COLUMNS.flatMap((c) => casts(c)), ...COLUMNS.flatMap((c) => casts(c, true))]);
    });

    it("arrays of strings to strings, and the casts Spark refuses for them", async () => {
      await spark.agree(VALUE_TABLE, [
        check("CAST(split(s, ',') AS STRING)", split(col("s"), ",").cast("string")),
        check("CAST(split(s, ',') AS INT)", split(col("s"), ",").cast("int")),
        check("CAST(split(s, ',') AS DATE)", split(col("s"), ",").cast("date")),
      ]);
    });

    it("implicit coercion of strings beside numbers, booleans and dates", async () => {
      await spark.agree(COERCION_TABLE, coercions());
    });
  });
}
