/**
 * The arithmetic operators (+ - * / %) against real Spark 4, with ANSI on (its default: a zero
 * divisor is DIVIDE_BY_ZERO or REMAINDER_BY_ZERO, an int or bigint result out of range is
 * ARITHMETIC_OVERFLOW) and off (legacy: null for a zero divisor, ints wrap), over ints near
 * 2^31, longs, doubles with NaN, ±Infinity and -0.0, and nulls.
 */
import { describe, it } from "vitest";
import { col, lit, type Column } from "sparkfn";
import { arithmeticChecks, useDifferential, type Check } from "../../support/spark-differential.ts";

const check = (sql: string, column: Column): Check => ({ sql, column });

const TABLE = {
  schema: "i INT, j INT, l BIGINT, m BIGINT, d DOUBLE, e DOUBLE",
  rows: [
    [2147483647, 1, 9007199254740991, 1, 1.5, 0],
    [-2147483648, -1, -9007199254740991, -1, -0.0, 0],
    [65536, 65536, 4611686018427387904, 2, NaN, 2],
    [7, 0, 7, 0, Infinity, -0.0],
    [-7, 3, -7, 3, -Infinity, NaN],
    [46341, 46341, 3037000500, 3037000500, 1e308, 10],
    [null, 2, null, 2, null, 1],
    [0, null, 0, null, 0, null],
  ],
};

const ops = arithmeticChecks;

const CHECKS: Check[] = [
  ...ops("i", "j"),
  ...ops("l", "m"),
  ...ops("d", "e"),
  ...ops("i", "l"),
  ...ops("i", "d"),
  check("i + 1", col("i").plus(1)),
  check("i / 0", col("i").divide(0)),
  check("d / 0.0D", col("d").divide(lit(0.0))),
];

describe("arithmetic agrees with Spark", () => {
  describe("with ANSI on (Spark 4's default)", () => {
    const spark = useDifferential();
    it("+ - * / % over ints, longs, doubles: overflow and zero divisors fail as Spark's do", async () => {
      await spark.agree(TABLE, CHECKS);
    });
  });

  describe("with spark.sql.ansi.enabled = false", () => {
    const spark = useDifferential({ "spark.sql.ansi.enabled": "false" });
    it("+ - * / %: zero divisors give null, ints wrap", async () => {
      // Longs wrap too in Spark; sparkfn's longs are doubles (a known difference), so they stay within 2^63 here.
      await spark.agree(TABLE, [...ops("i", "j"), ...ops("d", "e"), ...ops("i", "d"), check("i + 1", col("i").plus(1)), check("i / 0", col("i").divide(0))]);
    });
  });
});
