/**
 * The math functions (shared/plan/functions/math.ts) against real Spark 4 (ANSI on): edge
 * values (nulls, NaN, ±Infinity, -0.0, subnormals, the largest doubles, ints near 2^31,
 * longs near 2^53, halves at every scale) and seeded random doubles, through sparkfn's API
 * and through Spark SQL; see test/support/spark-differential.ts for what "agree" means.
 * Transcendental functions may differ by 1 ulp (Spark calls java.lang.Math, whose JIT
 * intrinsics differ from V8's fdlibm ports at times: exp, pow, sin, cos, tan, cosh, atan2 did
 * here); everything else must be identical, hypot and cbrt too (fdlibm's, ported).
 */
import { describe, expect, it } from "vitest";
import {
  abs, acos, asin, atan, atan2, bround, cbrt, ceil, col, cos, cosh, degrees, exp, floor, hypot, lit, ln, log, log10, log2, pmod, pow, radians, round,
  signum, sin, sinh, sqrt, tan, tanh, type Column,
} from "sparkfn";
import { MATH_FUNCTIONS } from "../../../shared/plan/functions/math.ts";
import { prng } from "../../support/prng.ts";
import { useDifferential, type Check } from "../../support/spark-differential.ts";

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
const SAFE = Number.MAX_SAFE_INTEGER;

const EDGE_DOUBLES = [
  null, NaN, Infinity, -Infinity, -0, 0, 1, -1, 0.5, -0.5, 1.5, 2.5, -2.5, 0.125, -0.125, 0.375, 2.675, -2.675, 1.005, 0.1, 0.7, 1 / 3, Math.PI, Math.E,
  1e-7, 1.5e-7, 0.0049, -0.0051, 1e-300, 5e-324, -5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, -1.7976931348623157e308, 1e15 + 0.5,
  4503599627370495.5, 2 ** 52, 2 ** 53, 1e16, 1e20, 123456789.125, 2147483647.5, -2147483648.5, 9.223372036854776e18, -9.3e18, 1e300, 12345.678, 710, -745.5,
];

/** Doubles with few decimals (where half-way cases live), wide magnitudes, and plain random ones. */
function randomDoubles(n: number, seed: number): number[] {
  const random = prng(seed);
  return Array.from({ length: n }, (_, i) => {
    const sign = random() < 0.5 ? -1 : 1;
    switch (i % 4) {
      case 0:
        return (sign * Math.floor(random() * 100_000)) / 1000; // three decimals: 12.345
      case 1:
        return sign * (Math.floor(random() * 2000) + 0.5) / 10 ** Math.floor(random() * 5); // x.5 at some place
      case 2:
        return sign * random() * 10 ** Math.floor(random() * 40 - 20);
      default:
        return sign * random() * 10;
    }
  });
}

const doubles = (values: readonly (number | null)[]) => ({ schema: "d DOUBLE", rows: values.map((v) => [v]) });
const exact = (sql: string, column: Column): Check => ({ sql, column });
const approx = (sql: string, column: Column): Check => ({ sql, column, ulps: 1 });

/** Exact functions of one double: rounding at many scales, floor/ceil, abs, sqrt, signum, angle units. */
const EXACT_DOUBLE_CHECKS: Check[] = [
  exact("abs(d)", abs("d")),
  exact("round(d)", round("d")),
  ...[1, 2, 3, -1, -2, 10, 400, -400].map((s) => exact(`round(d, ${s})`, round("d", s))),
  exact("bround(d)", bround("d")),
  ...[1, 2, 3, -1, -2, 400].map((s) => exact(`bround(d, ${s})`, bround("d", s))),
  exact("floor(d)", floor("d")),
  exact("ceil(d)", ceil("d")),
  exact("sqrt(d)", sqrt("d")),
  exact("signum(d)", signum("d")),
  exact("degrees(d)", degrees("d")),
  exact("radians(d)", radians("d")),
  exact("cbrt(d)", cbrt("d")),
];

const TRANSCENDENTAL_CHECKS: Check[] = [
  approx("exp(d)", exp("d")),
  approx("ln(d)", ln("d")),
  approx("log(d)", log("d")),
  approx("log10(d)", log10("d")),
  approx("log2(d)", log2("d")),
  approx("log(10, d)", log(10, "d")),
  approx("pow(d, 2)", pow("d", 2)),
  approx("pow(2, d)", pow(2, "d")),
  ...(["sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh"] as const).map((name) =>
    approx(`${name}(d)`, { sin, cos, tan, asin, acos, atan, sinh, cosh, tanh }[name]("d")),
  ),
];

describe("math functions agree with Spark", () => {
  const spark = useDifferential();

  it("one double: rounding (half up and half even, every scale), floor, ceil, abs, sqrt, cbrt, signum, degrees, radians", async () => {
    await spark.agree(doubles([...EDGE_DOUBLES, ...randomDoubles(300, 11)]), EXACT_DOUBLE_CHECKS);
  });

  it("one double: logarithms, exp, pow and trigonometry (1 ulp)", async () => {
    await spark.agree(doubles([...EDGE_DOUBLES, ...randomDoubles(200, 12), 0.99999, -0.99999, 1 + 1e-15]), TRANSCENDENTAL_CHECKS);
  });

  it("two doubles: pow, atan2, hypot, log(base, x), pmod over every pair of edge values", async () => {
    const values = [null, NaN, Infinity, -Infinity, -0, 0, 1, -1, 0.5, 2, -2.5, 3, 1e-300, 1e300, 10];
    const pairs = values.flatMap((a) => values.map((b) => [a, b]));
    await spark.agree({ schema: "a DOUBLE, b DOUBLE", rows: pairs }, [
      approx("pow(a, b)", pow("a", "b")),
      approx("atan2(a, b)", atan2("a", "b")),
      exact("hypot(a, b)", hypot("a", "b")),
      approx("log(a, b)", log("a", "b")),
    ]);
    // hypot is fdlibm's, as java.lang.StrictMath's: identical at every scale, subnormals included.
    const random = prng(13);
    const scaled = Array.from({ length: 120 }, (_, i) => [random() * 10 ** ((i % 12) * 55 - 330), random() * 10 ** (((i * 7) % 12) * 55 - 330)]);
    const extremes = [[1e-300, 1e-300], [1e-310, 3e-310], [5e-324, 5e-324], [2.2250738585072014e-308, 3e-308], [1e200, 1e-200], [1.7976931348623157e308, 1.7976931348623157e308], [-2.5, 3]];
    await spark.agree({ schema: "a DOUBLE, b DOUBLE", rows: [...extremes, ...scaled] }, [exact("hypot(a, b)", hypot("a", "b"))]);
    // pmod by zero is an error (below): here every divisor is non-zero.
    const divisors = pairs.filter(([, b]) => b !== 0);
    await spark.agree({ schema: "a DOUBLE, b DOUBLE", rows: divisors }, [exact("pmod(a, b)", pmod("a", "b"))]);
  });

  it("ints: abs, round/bround to negative scales, floor, ceil (long), signum, sqrt and pmod near 2^31", async () => {
    // Without the values whose rounding overflows (the ANSI errors test has those).
    const ints = [null, 0, 1, -1, 5, -5, 15, 25, -15, -25, 14, 45, 1000000005, -1000000005, 2147483640, -2147483640, INT_MIN + 4, 2147483644, 999999999, 1500000000];
    await spark.agree({ schema: "i INT", rows: ints.map((v) => [v]) }, [
      exact("abs(i)", abs("i")),
      exact("round(i)", round("i")),
      ...[2, -1, -2, -9, -10, -400, 400].map((s) => exact(`round(i, ${s})`, round("i", s))),
      ...[-1, -9].map((s) => exact(`bround(i, ${s})`, bround("i", s))),
      exact("floor(i)", floor("i")),
      exact("ceil(i)", ceil("i")),
      exact("signum(i)", signum("i")),
      exact("sqrt(i)", sqrt("i")),
      exact("pmod(i, 7)", pmod("i", 7)),
      exact("pmod(i, -7)", pmod("i", -7)),
      exact("pmod(i, 2147483647)", pmod("i", INT_MAX)),
    ]);
    // Java's int arithmetic wraps inside pmod: pmod(-1, -2147483648) = 2147483647.
    await spark.agree({ schema: "i INT, j INT", rows: [[-1, INT_MIN], [INT_MAX, INT_MIN], [INT_MIN, -1], [INT_MIN, INT_MAX], [-7, 3], [7, -3], [-7, -3], [null, 3]] }, [
      exact("pmod(i, j)", pmod("i", "j")),
    ]);
  });

  it("longs up to 2^53: abs, round/bround, floor, ceil, signum, pmod", async () => {
    const longs = [null, 0, 1, -1, 15, -15, 25, -25, 2 ** 31, -(2 ** 31) - 1, SAFE, -SAFE, 1e15 + 5, 123456789012345, 2 ** 52 + 5];
    await spark.agree({ schema: "l BIGINT", rows: longs.map((v) => [v]) }, [
      exact("abs(l)", abs("l")),
      ...[0, 3, -1, -15, -22, -23].map((s) => exact(`round(l, ${s})`, round("l", s))),
      exact("bround(l, -1)", bround("l", -1)),
      exact("floor(l)", floor("l")),
      exact("ceil(l)", ceil("l")),
      exact("signum(l)", signum("l")),
      exact("pmod(l, 7)", pmod("l", 7)),
      exact("pmod(l, -10)", pmod("l", -10)),
    ]);
  });

  it("mixed argument types and literals: result types widen as in Spark", async () => {
    const rows = [[3, 10, 2.5], [-7, -4, -0.5], [null, 5, 1], [INT_MAX, SAFE, 1e10], [1, null, NaN]];
    await spark.agree({ schema: "i INT, l BIGINT, d DOUBLE", rows }, [
      exact("pmod(i, l)", pmod("i", "l")),
      exact("pmod(l, i)", pmod("l", "i")),
      exact("pmod(i, d)", pmod("i", "d")),
      exact("pmod(d, 2.5D)", pmod("d", 2.5)),
      approx("pow(i, l)", pow("i", "l")),
      approx("pow(d, 0.5D)", pow("d", 0.5)),
      approx("atan2(i, d)", atan2("i", "d")),
      approx("atan2(1, d)", atan2(1, "d")),
      approx("hypot(i, l)", hypot("i", "l")),
      approx("log(2, l)", log(2, "l")),
      approx("log(i, l)", log("i", "l")),
      exact("abs(l)", abs("l")),
      exact("round(d, 1)", round("d", 1)),
      exact("floor(i)", floor("i")),
      exact("abs(i + l)", abs(col("i").plus(col("l")))),
      exact("sqrt(abs(d) + 1)", sqrt(abs("d").plus(1))),
      exact("round(NULL, 2)", round(lit(null), 2)),
      exact("abs(NULL)", abs(lit(null))),
    ]);
  });

  it("ANSI errors: abs and round overflow an int, pmod by zero (ints, longs, doubles)", async () => {
    await spark.agree({ schema: "i INT", rows: [[INT_MIN], [INT_MAX], [null], [-5]] }, [exact("abs(i)", abs("i"))]);
    await spark.agree({ schema: "i INT", rows: [[INT_MAX], [2147483645], [2147483644], [INT_MIN], [-2147483645], [-2147483644]] }, [
      exact("round(i, -1)", round("i", -1)),
      exact("bround(i, -1)", bround("i", -1)),
    ]);
    await spark.agree({ schema: "i INT, l BIGINT, d DOUBLE", rows: [[0, 0, 0], [3, 5, -0], [null, null, null]] }, [
      exact("pmod(7, i)", pmod(7, "i")),
      exact("pmod(7, l)", pmod(7, "l")),
      exact("pmod(7.5D, d)", pmod(7.5, "d")),
    ]);
  });

  it("refuses what Spark refuses: booleans and strings are not numbers", async () => {
    await spark.agree({ schema: "b BOOLEAN, s STRING, d DATE", rows: [[true, "1.5", "2024-02-29"]] }, [
      exact("abs(b)", abs("b")),
      exact("round(d)", round("d")),
      exact("sqrt(b)", sqrt("b")),
      exact("pmod(b, 2)", pmod("b", 2)),
      exact("sqrt(s)", sqrt("s")), // Spark casts the string to a double, and so does sparkfn (shared/plan/coercion.ts)
    ]);
  });

  it("covers every math function", () => {
    const missing = Object.keys(MATH_FUNCTIONS).filter((fn) => !spark.calls.has(fn));
    expect(missing).toEqual([]);
  });
});
