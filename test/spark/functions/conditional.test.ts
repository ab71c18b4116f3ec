/**
 * The comparison and null functions (greatest, least, coalesce, nvl, ifnull, nvl2, nullif,
 * isnan, nanvl) against real Spark 4: every column type sparkfn has, nulls in every place,
 * NaN, ±Infinity, -0.0 beside 0.0, strings in code point order (emoji, U+E000), dates; see
 * test/support/spark-differential.ts for what "agree" means (here: identical values).
 */
import { describe, expect, it } from "vitest";
import { coalesce, greatest, ifnull, isnan, least, lit, nanvl, nullif, nvl, nvl2, type Column } from "sparkfn";
import { useDifferential, type Check } from "../../support/spark-differential.ts";

const SCHEMA = "i INT, l BIGINT, d DOUBLE, e DOUBLE, s STRING, t STRING, b BOOLEAN, c BOOLEAN, dt DATE, du DATE";
const ROWS = [
  [1, 1, 1.5, 1.5, "a", "a", true, true, "2024-02-29", "2024-02-29"],
  [null, 2, NaN, NaN, null, "b", null, false, null, "1970-01-01"],
  [3, null, NaN, 2, "", null, false, null, "1970-01-01", null],
  [null, null, null, null, null, null, null, null, null, null],
  [-7, -7, -0, 0, "😀", "\ue000", true, false, "0001-01-01", "9999-12-31"],
  [0, 5, 0, -0, "B", "a", false, true, "2000-01-01", "1999-12-31"],
  [2147483647, 2 ** 40, Infinity, -Infinity, "abc", "abd", true, null, "2024-01-01", "2024-01-02"],
  [-2147483648, -(2 ** 53 - 1), -Infinity, NaN, "z", "zz", null, true, "1900-03-01", "1900-02-28"],
  [2, 2, 2, null, "same", "same", false, false, "2020-02-29", "2020-02-29"],
  [5, 4, 1e300, 5e-324, "a ", "a", true, true, null, null],
];

const check = (sql: string, column: Column): Check => ({ sql, column });
/** The same call over each pair of same-typed columns. */
const overPairs = (name: string, f: (a: string, b: string) => Column, pairs: readonly [string, string][]) => pairs.map(([a, b]) => check(`${name}(${a}, ${b})`, f(a, b)));
const SAME_TYPE_PAIRS: [string, string][] = [["i", "l"], ["l", "i"], ["i", "d"], ["d", "e"], ["e", "d"], ["s", "t"], ["b", "c"], ["dt", "du"]];

describe("comparison and null functions agree with Spark", () => {
  const spark = useDifferential();
  const table = { schema: SCHEMA, rows: ROWS };

  it("greatest and least: nulls skipped, NaN above everything, ties keep the first (-0.0 vs 0.0), code point order", async () => {
    await spark.agree(table, [
      ...overPairs("greatest", greatest, SAME_TYPE_PAIRS),
      ...overPairs("least", least, SAME_TYPE_PAIRS),
      check("greatest(i, l, d, e)", greatest("i", "l", "d", "e")),
      check("least(e, d, l, i)", least("e", "d", "l", "i")),
      check("greatest(i, NULL)", greatest("i", lit(null))),
      check("least(s, 'b', t)", least("s", lit("b"), "t")),
    ]);
  });

  it("coalesce, nvl and ifnull: the first non-null value, in the wider type", async () => {
    await spark.agree(table, [
      ...overPairs("coalesce", (a, b) => coalesce(a, b), SAME_TYPE_PAIRS),
      ...overPairs("nvl", nvl, SAME_TYPE_PAIRS),
      ...overPairs("ifnull", ifnull, [["l", "i"], ["s", "t"], ["dt", "du"], ["c", "b"]]),
      check("coalesce(d, e, i)", coalesce("d", "e", "i")),
      check("nvl(s, 'none')", nvl("s", lit("none"))),
      check("nvl(i, NULL)", nvl("i", lit(null))),
    ]);
  });

  it("nvl2 (any first argument), nullif (equal by value: 1 = 1.0, NaN = NaN, -0.0 = 0.0)", async () => {
    await spark.agree(table, [
      check("nvl2(i, s, t)", nvl2("i", "s", "t")),
      check("nvl2(s, d, e)", nvl2("s", "d", "e")),
      check("nvl2(d, i, l)", nvl2("d", "i", "l")),
      check("nvl2(b, b, c)", nvl2("b", "b", "c")),
      check("nvl2(dt, dt, du)", nvl2("dt", "dt", "du")),
      check("nvl2(e, i, d)", nvl2("e", "i", "d")),
      ...overPairs("nullif", nullif, SAME_TYPE_PAIRS),
      check("nullif(d, 0)", nullif("d", lit(0))),
      check("nullif(s, '')", nullif("s", lit(""))),
    ]);
  });

  it("isnan (false for null) and nanvl", async () => {
    await spark.agree(table, [
      check("isnan(d)", isnan("d")),
      check("isnan(e)", isnan("e")),
      check("isnan(i)", isnan("i")),
      check("isnan(l)", isnan("l")),
      check("isnan(NULL)", isnan(lit(null))),
      check("nanvl(d, e)", nanvl("d", "e")),
      check("nanvl(e, d)", nanvl("e", "d")),
      check("nanvl(d, i)", nanvl("d", "i")),
      check("nanvl(i, l)", nanvl("i", "l")),
      check("nanvl(e, NULL)", nanvl("e", lit(null))),
    ]);
  });

  it("refuses what Spark refuses: values of different types that Spark cannot compare", async () => {
    // Strings Spark can cast to numbers, so its side has values, not cast errors.
    const castable = { schema: SCHEMA, rows: [[1, 2, 2.5, 1, "7", "8", true, false, "2024-02-29", "2024-03-01"], [null, 2, NaN, 1, null, "8", null, false, null, null]] };
    await spark.agree(castable, [
      check("greatest(i, s)", greatest("i", "s")),
      check("least(b, d)", least("b", "d")),
      check("greatest(dt, i)", greatest("dt", "i")),
      check("nullif(b, i)", nullif("b", "i")),
      check("isnan(b)", isnan("b")),
      check("nanvl(dt, d)", nanvl("dt", "d")),
      check("coalesce(b, i)", coalesce("b", "i")),
      // Spark casts strings to numbers here, and so does sparkfn (shared/plan/coercion.ts).
      check("nvl(i, s)", nvl("i", "s")),
      check("nvl2(i, d, s)", nvl2("i", "d", "s")),
      check("isnan(s)", isnan("s")),
    ]);
  });

  it("covers every comparison and null function", () => {
    const missing = ["greatest", "least", "coalesce", "nvl", "ifnull", "nvl2", "nullif", "isnan", "nanvl"].filter((fn) => !spark.calls.has(fn));
    expect(missing).toEqual([]);
  });
});
