/**
 * The aggregate functions (shared/plan/functions/aggregates.ts, executor-fn/operators/aggregate/)
 * against real Spark 4 (ANSI on): df.groupBy(g).agg(...) on sparkfn and
 * `SELECT g, <agg> FROM t GROUP BY g` on Spark, over the same rows cut into 3 input partitions
 * on both sides and aggregated through 2 shuffle partitions, so that every group's partial
 * states really merge. Groups hold nulls, NaN, ±Infinity, -0.0, one row, only nulls, large
 * values with a small spread (where a naive sum of squares cancels catastrophically), ties and
 * duplicates; see test/support/spark-differential.ts for what "agree" means.
 *
 * The moments (variance, stddev, skewness, kurtosis, corr, covariances) are computed with
 * Spark's own update and merge formulas in Spark's order of operations, and the rows meet in
 * the same order on both sides: they must be identical, with no ulp allowance.
 * collect_list and collect_set are compared sorted: Spark does not define collect_set's order
 * (its hash set's), nor collect_list's across partitions (the order partial states merge in).
 */
import { describe, expect, it } from "vitest";
import {
  any_value, bool_and, bool_or, collect_list, collect_set, corr, count_if, covar_pop, covar_samp, every, first, kurtosis, last, max_by, min_by,
  skewness, some, stddev, stddev_pop, stddev_samp, sum_distinct, var_pop, var_samp, variance, type Column,
} from "sparkfn";
import type { Value } from "../../../shared/plan/types.ts";
import { prng, shuffleInPlace } from "../../support/prng.ts";
import { useGroupedDifferential, type AggCheck, type GroupedTable } from "../../support/spark-differential.ts";

const SCHEMA = "g INT, x DOUBLE, y DOUBLE, i INT, l BIGINT, b BOOLEAN, s STRING";

/** Rows of the groups, in an order that spreads every group over the partitions. */
function table(): Value[][] {
  const random = prng(2024);
  const rows: Value[][] = [];
  const add = (g: number | null, x: number | null, y: number | null, i: number | null, l: number | null, b: boolean | null, s: string | null) => rows.push([g, x, y, i, l, b, s]);
  // 1: plain values, nulls among them.
  [[1.5, 2, 3, 10, true, "b"], [null, 1, null, null, null, null], [-2.25, 7.5, 1, -4, false, "a"], [4, null, 8, 12, true, "c"], [0.125, -3, -6, 20, true, "b"]].forEach(
    ([x, y, i, l, b, s]) => add(1, x as number | null, y as number | null, i as number | null, l as number | null, b as boolean | null, s as string | null),
  );
  // 2: one row.
  add(2, 3.5, 1.25, 7, 70, false, "only");
  // 3: only nulls.
  for (let k = 0; k < 3; k++) add(3, null, null, null, null, null, null);
  // 4: NaN among numbers.
  add(4, NaN, 1, 1, 1, true, "n1");
  add(4, 2, 2, 2, 2, true, "n2");
  add(4, 5, NaN, 3, 3, true, "n3");
  // 5: infinities.
  add(5, Infinity, 1, 1, 1, false, "i1");
  add(5, 1, 2, 2, 2, false, "i2");
  add(5, -Infinity, 3, 3, 3, null, "i3");
  // 6: -0.0 and 0.0, ties of the ordering (max_by/min_by keep the last of equal orderings).
  add(6, -0, 1, 5, 5, true, "z1");
  add(6, 0, 2, 5, 5, true, "z2");
  add(6, -0, 4, 1, 1, false, "z3");
  add(6, 0, 3, 1, 1, true, "z4");
  // 7: large values, small spread: a sum of squares loses everything, Welford's update does not
  // (longs stay below 2^53 in sums too: sparkfn's longs are exact only there).
  for (let k = 0; k < 12; k++) add(7, 1e9 + k * 0.1, 1e8 - k * 0.3 + (k % 3), 2 ** 30 + k, 2 ** 48 + k * 3, k % 4 !== 0, `big${k % 5}`);
  // 8: many random values and duplicates.
  for (let k = 0; k < 150; k++) {
    const x = random() < 0.05 ? null : Math.round((random() - 0.4) * 1e6) / 1e3;
    const y = random() < 0.05 ? null : (random() - 0.5) * 10 ** Math.floor(random() * 6 - 2);
    const i = random() < 0.05 ? null : Math.floor(random() * 40) - 20;
    add(8, x, y, i, i === null ? null : i * 1_000_003, random() < 0.1 ? null : random() < 0.6, random() < 0.05 ? null : `r${Math.floor(random() * 30)}`);
  }
  // A null key is a group too.
  add(null, 2, 4, 6, 8, true, "nk1");
  add(null, 3, 5, 7, 9, false, "nk2");
  // Spread the groups over the input partitions (a seeded shuffle: both sides see the same order).
  return shuffleInPlace(rows, random);
}

const ROWS = table();
const grouped = (rows: readonly (readonly Value[])[], groupBy: readonly string[] = ["g"]): GroupedTable => ({ schema: SCHEMA, rows, groupBy });
const check = (sql: string, column: Column, more: Partial<AggCheck> = {}): AggCheck => ({ sql, column, ...more });

const MOMENTS: AggCheck[] = (["x", "i", "l"] as const).flatMap((c) => [
  check(`stddev(${c})`, stddev(c)),
  check(`stddev_samp(${c})`, stddev_samp(c)),
  check(`stddev_pop(${c})`, stddev_pop(c)),
  check(`variance(${c})`, variance(c)),
  check(`var_samp(${c})`, var_samp(c)),
  check(`var_pop(${c})`, var_pop(c)),
  check(`skewness(${c})`, skewness(c)),
  check(`kurtosis(${c})`, kurtosis(c)),
]);

const COVARIANCES: AggCheck[] = [
  check("covar_samp(x, y)", covar_samp("x", "y")),
  check("covar_pop(x, y)", covar_pop("x", "y")),
  check("covar_pop(i, l)", covar_pop("i", "l")),
  check("covar_samp(y, i)", covar_samp("y", "i")),
];

const LOGICAL: AggCheck[] = [
  check("count_if(b)", count_if("b")),
  check("bool_and(b)", bool_and("b")),
  check("bool_or(b)", bool_or("b")),
  check("every(b)", every("b")),
  check("some(b)", some("b")),
];

/**
 * Order-dependent picks over fixed-width values: Spark aggregates these in a hash table (its
 * HashAggregate), which sees the rows in input order, and merges partial states in map order,
 * as sparkfn does. (Over strings Spark falls back to a SortAggregate, whose sort does not keep
 * the input order of equal keys: which string is "first" is then Spark's sort's choice, so
 * strings are picked below only where the order cannot matter.)
 */
const ORDERED_PICKS: AggCheck[] = [
  check("first(x)", first("x")),
  check("first(x, true)", first("x", true)),
  check("last(x)", last("x")),
  check("last(x, true)", last("x", true)),
  check("first(b)", first("b")),
  check("last(l, true)", last("l", true)),
  check("any_value(y)", any_value("y")),
  check("any_value(y, true)", any_value("y", true)),
  check("max_by(i, x)", max_by("i", "x")),
  check("min_by(i, x)", min_by("i", "x")),
  check("max_by(x, i)", max_by("x", "i")),
  check("min_by(l, i)", min_by("l", "i")),
  check("max_by(y, b)", max_by("y", "b")),
];

/** Strings picked by a unique extremum (no ties of x outside group 6, which these tables leave out). */
const STRING_PICKS: AggCheck[] = [
  check("max_by(s, x)", max_by("s", "x")),
  check("min_by(s, x)", min_by("s", "x")),
  check("max_by(x, s)", max_by("x", "s")),
];

const DISTINCT_AND_COLLECT: AggCheck[] = [
  check("sum(DISTINCT i)", sum_distinct("i")),
  check("sum(DISTINCT l)", sum_distinct("l")),
  check("collect_list(s)", collect_list("s"), { unordered: true }),
  check("collect_set(s)", collect_set("s"), { unordered: true }),
];

describe("aggregate functions agree with Spark (3 input partitions, 2 shuffle partitions)", () => {
  const spark = useGroupedDifferential({ partitions: 3, shufflePartitions: 2 });

  it("stddev, variance, skewness, kurtosis (samp and pop) of doubles, ints and longs, to the last bit", async () => {
    await spark.agree(grouped(ROWS), MOMENTS);
  });

  it("covar_samp, covar_pop; corr where no group divides by zero", async () => {
    await spark.agree(grouped(ROWS), COVARIANCES);
    // corr of a column whose values are all equal divides by zero: group 6's x is ±0.0.
    await spark.agree(grouped(ROWS.filter((r) => r[0] !== 6)), [check("corr(x, y)", corr("x", "y")), check("corr(i, y)", corr("i", "y")), check("corr(l, x)", corr("l", "x"))]);
  });

  it("corr over equal values is a DIVIDE_BY_ZERO error on both; skewness and kurtosis are null there", async () => {
    const constant = [[1, 2, 1, 1, 1, true, "a"], [1, 2, 5, 2, 2, true, "b"], [1, 2, 3, 3, 3, true, "c"], [2, 1, 1, 1, 1, true, "d"]];
    await spark.agree(grouped(constant), [check("corr(x, y)", corr("x", "y"))]);
    await spark.agree(grouped(constant), [check("skewness(x)", skewness("x")), check("kurtosis(x)", kurtosis("x")), check("corr(y, i)", corr("y", "i"))]);
  });

  it("count_if, bool_and, bool_or, every, some", async () => {
    await spark.agree(grouped(ROWS), LOGICAL);
  });

  it("first, last (ignorenulls), any_value, max_by, min_by (ties: the last of equal orderings)", async () => {
    await spark.agree(grouped(ROWS), ORDERED_PICKS);
    await spark.agree(grouped(ROWS.filter((r) => r[0] !== 6)), STRING_PICKS);
  });

  it("sum_distinct, collect_list, collect_set (compared sorted)", async () => {
    await spark.agree(grouped(ROWS), DISTINCT_AND_COLLECT);
  });

  it("global aggregates (no grouping), over the table and over no rows", async () => {
    const all = [...MOMENTS.slice(0, 8), ...COVARIANCES, ...LOGICAL, ...DISTINCT_AND_COLLECT, check("max_by(s, x)", max_by("s", "x")), check("min_by(s, i)", min_by("s", "i"))];
    await spark.agree(grouped(ROWS.filter((r) => r[0] !== 6), []), all);
    await spark.agree(grouped([], []), [...all, ...ORDERED_PICKS, ...STRING_PICKS, check("corr(x, y)", corr("x", "y"))]);
  });

  it("refuses what Spark refuses: count_if of an int, stddev of a boolean, max_by with a missing column", async () => {
    await spark.agree(grouped(ROWS), [check("count_if(i)", count_if("i")), check("stddev(b)", stddev("b")), check("max_by(s, nope)", max_by("s", "nope"))]);
  });

  it("implicit casts of string arguments (as Spark: to double, to boolean); collect_list and collect_set of numbers (array<int>, array<double>)", async () => {
    const report = await spark.agree(grouped(ROWS), [
      check("count_if(b)", count_if("b")),
      check("stddev(s)", stddev("s")),
      check("bool_or(s)", bool_or("s")),
      check("collect_list(i)", collect_list("i"), { unordered: true }),
      check("collect_set(x)", collect_set("x"), { unordered: true }),
    ]);
    expect([...report.known.values()].reduce((a, b) => a + b, 0)).toBe(0);
  });
});
