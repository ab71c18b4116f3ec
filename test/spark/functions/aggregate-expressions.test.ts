/**
 * Aggregate expressions in agg() (shared/plan/aggregate-expressions.ts) against real Spark 4
 * (ANSI on): df.groupBy(g).agg(sum(a) / sum(b), round(avg(x), 2), g + sum(a), ...) on sparkfn
 * and `SELECT g, <expression> FROM t GROUP BY g` on Spark, over the same rows cut into 3 input
 * partitions and aggregated through 2 shuffle partitions. Groups hold nulls, one row, only
 * nulls, NaN and a null key; global aggregates run over the table and over no rows. Per
 * expression the result type and Spark's output column name must be equal, then each group's
 * value; see test/support/spark-differential.ts for what "agree" means.
 *
 * A zero divisor: Spark 4 (ANSI) fails the query with DIVIDE_BY_ZERO where sparkfn's `/`
 * gives null (a documented difference, test/spark/known-differences.ts); a null numerator over
 * a zero divisor is null on both.
 */
import { describe, expect, it } from "vitest";
import {
  abs, avg, coalesce, col, count, countDistinct, greatest, lit, max, min, round, stddev, sum, upper, when, type Column,
} from "sparkfn";
import type { Value } from "../../../shared/plan/types.ts";
import { prng, shuffleInPlace } from "../../support/prng.ts";
import { useGroupedDifferential, type AggCheck, type GroupedTable } from "../../support/spark-differential.ts";

const SCHEMA = "g INT, a INT, b INT, x DOUBLE, l BIGINT, s STRING";

/** Rows of the groups, shuffled so that every group spreads over the partitions. */
function table(): Value[][] {
  const random = prng(1515);
  const rows: Value[][] = [];
  // 1: plain values, nulls among them.
  rows.push([1, 3, 2, 1.5, 10, "b"], [1, null, 4, null, null, null], [1, -7, null, 2.25, -4, "a"], [1, 12, 1, -0.5, 7, "c"]);
  // 2: one row.
  rows.push([2, 5, 3, 3.75, 70, "only"]);
  // 3: only nulls.
  for (let k = 0; k < 3; k++) rows.push([3, null, null, null, null, null]);
  // 4: NaN and an infinity among doubles.
  rows.push([4, 1, 1, Number.NaN, 1, "n1"], [4, 2, 2, 2, 2, "n2"], [4, 3, 3, Number.POSITIVE_INFINITY, 3, "n3"]);
  // 5: many random values.
  for (let k = 0; k < 120; k++) {
    const maybe = (v: Value) => (random() < 0.08 ? null : v);
    rows.push([5, maybe(Math.floor(random() * 2000) - 1000), maybe(1 + Math.floor(random() * 50)), maybe((random() - 0.45) * 10 ** Math.floor(random() * 5 - 1)), maybe(Math.floor(random() * 1e9)), maybe(`r${Math.floor(random() * 20)}`)]);
  }
  // A null key is a group too.
  rows.push([null, 4, 5, 0.125, 8, "nk1"], [null, 6, 7, 0.375, 9, "nk2"]);
  return shuffleInPlace(rows, random);
}

const ROWS = table();
const grouped = (rows: readonly (readonly Value[])[], groupBy: readonly string[] = ["g"]): GroupedTable => ({ schema: SCHEMA, rows, groupBy });
const check = (sql: string, column: Column): AggCheck => ({ sql, column });

/** Expressions over aggregates (and literals) that read no column outside an aggregate. */
const EXPRESSIONS: AggCheck[] = [
  check("sum(a) / sum(b)", sum("a").divide(sum("b"))),
  check("round(avg(x), 2)", round(avg("x"), 2)),
  check("sum(a) + 1", sum("a").plus(1)),
  check("coalesce(max(x), 0)", coalesce(max("x"), lit(0))),
  check("coalesce(sum(a), 0)", coalesce(sum("a"), lit(0))),
  check("count(1) * 2", count(lit(1)).multiply(2)),
  check("sum(a)", sum("a")),
  check("sum(a) * sum(a)", sum("a").multiply(sum("a"))),
  check("sum(a) / count(*)", sum("a").divide(count("*"))),
  check("sum(x) / count(x)", sum("x").divide(count("x"))),
  check("avg(a) / avg(b)", avg("a").divide(avg("b"))),
  check("max(x) - min(x)", max("x").minus(min("x"))),
  check("round(sum(l) / 3, 1)", round(sum("l").divide(3), 1)),
  check("-sum(a)", sum("a").negate()),
  check("abs(min(a))", abs(min("a"))),
  check("greatest(max(a), max(b))", greatest(max("a"), max("b"))),
  check("stddev(x) * 2", stddev("x").multiply(2)),
  check("upper(max(s))", upper(max("s"))),
  check("sum(a) IS NULL", sum("a").isNull()),
  check("CASE WHEN sum(a) > 0 THEN 'up' ELSE 'down' END", when(sum("a").gt(0), "up").otherwise("down")),
  check("7", lit(7)),
  check("NULL", lit(null)),
];

/**
 * A distinct aggregate makes Spark plan the whole query differently (an Expand, then two
 * aggregations), which changes the order its double sums add in: it gets its own query.
 */
const DISTINCT: AggCheck[] = [check("count(DISTINCT a) + 1", countDistinct("a").plus(1)), check("count(DISTINCT s) * count(1)", countDistinct("s").multiply(count(lit(1))))];

/** Expressions that read the grouping column g outside an aggregate. */
const WITH_KEY: AggCheck[] = [check("g + sum(a)", col("g").plus(sum("a"))), check("g", col("g")), check("g * 10 + count(1)", col("g").multiply(10).plus(count(lit(1))))];

describe("aggregate expressions agree with Spark (3 input partitions, 2 shuffle partitions)", () => {
  const spark = useGroupedDifferential({ partitions: 3, shufflePartitions: 2 });

  it("expressions over aggregates per group: values, types and Spark's names", async () => {
    await spark.agree(grouped(ROWS), [...EXPRESSIONS, ...WITH_KEY]);
    await spark.agree(grouped(ROWS), DISTINCT);
  });

  it("global aggregates (no grouping) over the table and over no rows", async () => {
    await spark.agree(grouped(ROWS, []), EXPRESSIONS);
    await spark.agree(grouped([], []), EXPRESSIONS);
    await spark.agree(grouped([], []), DISTINCT);
  });

  it("refuses what Spark refuses: a column neither grouped nor aggregated, an aggregate in an aggregate", async () => {
    const refused = [check("a", col("a")), check("a + sum(b)", col("a").plus(sum("b"))), check("sum(max(a))", sum(max("a"))), check("sum(a) + max(nope)", sum("a").plus(max("nope")))];
    const report = await spark.agree(grouped(ROWS), refused);
    expect(report.compared).toBe(refused.length);
    const global = [check("sum(a) + b", sum("a").plus(col("b"))), check("g", col("g"))];
    expect((await spark.agree(grouped(ROWS, []), global)).compared).toBe(global.length);
  });

  it("a zero divisor with a null numerator is null on both", async () => {
    // Group 1: sum(b) = 0 and a only null; group 2 an ordinary divisor.
    const rows = [[1, null, 2, null, 1, "a"], [1, null, -2, null, 2, "b"], [2, 3, 4, 1.5, 3, "c"]];
    await spark.agree(grouped(rows), [check("sum(a) / sum(b)", sum("a").divide(sum("b"))), check("sum(x) / count(x)", sum("x").divide(count("x")))]);
  });

  it("a zero divisor fails the query on both (ANSI DIVIDE_BY_ZERO), whichever group divides by zero", async () => {
    const rows = [[1, 5, 2, 1.5, 1, "a"], [1, 1, -2, 2.5, 2, "b"], [2, 3, 4, -1.5, 3, "c"]];
    const report = await spark.agree(grouped(rows), [check("sum(a) / sum(b)", sum("a").divide(sum("b"))), check("sum(x) / sum(b)", sum("x").divide(sum("b"))), check("sum(a) + 1", sum("a").plus(1))]);
    expect(report.known.size).toBe(0);
  });
});
