/**
 * Arrays and structs as keys, against real Spark 4 through PySpark's own methods: groupBy,
 * distinct, countDistinct, joins (inner and left), window partitions, min/max, comparisons and
 * orderBy over arrays and structs with null, empty and shorter arrays, null elements and
 * fields, NaN and -0.0 elements (Spark normalizes them in keys: -0.0 groups with 0.0, NaN with NaN).
 * Spark orders arrays element by element (a shorter prefix first, nulls first ascending) and
 * structs field by field.
 */
import { describe, expect, it } from "vitest";
import { col, count, countDistinct, expr, max, min, row_number, struct, Window, type DataFrame } from "sparkfn";
import type { Value } from "../../../shared/plan/types.ts";
import { chainCase as c, expectSameRows, useChainDifferential } from "../../support/chain-differential.ts";
import { otherTable } from "../../support/spark-oracle.ts";

const KEYS = {
  schema: "id INT, a ARRAY<INT>, d ARRAY<DOUBLE>, s STRUCT<x: INT, y: STRING>",
  rows: [
    [1, [1, 2], [0, 1.5], [1, "a"]],
    [2, [1], [-0, 1.5], [1, null]],
    [3, [1, 2], [NaN], [1, "a"]],
    [4, null, [NaN], null],
    [5, [], [], [null, "b"]],
    [6, [null, 1], [null], [null, null]],
    [7, [1, null], [2.5, -0], [2, "a"]],
    [8, [2], [2.5, 0], [1, "b"]],
    [9, [1, 2, 0], null, [1, "a"]],
    [10, [null, 1], [-0], [null, null]],
  ] as Value[][],
};

const OTHER = {
  schema: "b ARRAY<INT>, t STRUCT<x: INT, y: STRING>, w STRING",
  rows: [
    [[1, 2], [1, "a"], "p"],
    [[null, 1], [null, null], "q"],
    [[], [1, null], "r"],
    [null, null, "s"],
    [[2], [2, "a"], "t"],
  ] as Value[][],
};

const d = useChainDifferential("spark-differential-nested-keys", { df: KEYS, other: OTHER });

const GROUPING = [
  c("groupBy an array", (df) => df.groupBy("a").count(), ["groupBy", ["a"]], ["count", []]),
  c("groupBy an array of doubles (-0.0 with 0.0, NaN with NaN)", (df) => df.groupBy("d").count(), ["groupBy", ["d"]], ["count", []]),
  c("groupBy a struct", (df) => df.groupBy("s").agg(count("*").alias("n"), min("id").alias("first")), ["groupBy", ["s"]], ["agg", [{ $expr: "count(*) AS n" }, { $expr: "min(id) AS first" }]]),
  c("groupBy a struct built of columns", (df) => df.groupBy(struct("id", "a").alias("k")).count().select(col("k.id")), ["groupBy", [{ $expr: "struct(id, a) AS k" }]], ["count", []], ["select", [{ $expr: "k.id" }]]),
  c("distinct arrays and structs", (df) => df.select("a", "s").distinct(), ["select", ["a", "s"]], ["distinct", []]),
  c("countDistinct of an array", (df) => df.agg(countDistinct("a").alias("n")), ["agg", [{ $expr: "count(DISTINCT a) AS n" }]]),
  c("min and max of arrays and structs", (df) => df.agg(min("a").alias("lo"), max("a").alias("hi"), min("s").alias("slo"), max("s").alias("shi"), max("d").alias("dhi")),
    ["agg", [{ $expr: "min(a) AS lo" }, { $expr: "max(a) AS hi" }, { $expr: "min(s) AS slo" }, { $expr: "max(s) AS shi" }, { $expr: "max(d) AS dhi" }]]),
  c("comparisons of arrays and structs", (df) => df.select("id", expr("a < array(1, 2)").alias("lt"), expr("s >= named_struct('x', 1, 'y', 'a')").alias("ge"), expr("a = array(1, 2)").alias("eq"), expr("d = array(0D, 1.5D)").alias("deq")),
    ["select", ["id", { $expr: "a < array(1, 2) AS lt" }, { $expr: "s >= named_struct('x', 1, 'y', 'a') AS ge" }, { $expr: "a = array(1, 2) AS eq" }, { $expr: "d = array(0D, 1.5D) AS deq" }]]),
  c("row_number over a window partitioned by an array", (df) => df.select("id", row_number().over(Window.partitionBy("a").orderBy("id")).alias("r")),
    ["select", ["id", { $expr: "row_number() OVER (PARTITION BY a ORDER BY id) AS r" }]]),
];

const JOINS = [
  c("inner join on arrays", (df, t) => df.join(t.other!, col("a").equalTo(col("b"))).select("id", "w"), ["join", [otherTable("other"), { $expr: "a = b" }, "inner"]], ["select", ["id", "w"]]),
  c("left join on arrays", (df, t) => df.join(t.other!, col("a").equalTo(col("b")), "left").select("id", "w"), ["join", [otherTable("other"), { $expr: "a = b" }, "left"]], ["select", ["id", "w"]]),
  c("inner join on structs (null fields are equal)", (df, t) => df.join(t.other!, col("s").equalTo(col("t"))).select("id", "w"), ["join", [otherTable("other"), { $expr: "s = t" }, "inner"]], ["select", ["id", "w"]]),
  c("null-safe join on structs", (df, t) => df.join(t.other!, col("s").eqNullSafe(col("t"))).select("id", "w"), ["join", [otherTable("other"), { $expr: "s <=> t" }, "inner"]], ["select", ["id", "w"]]),
  c("semi join on arrays", (df, t) => df.join(t.other!, col("a").equalTo(col("b")), "left_semi").select("id"), ["join", [otherTable("other"), { $expr: "a = b" }, "left_semi"]], ["select", ["id"]]),
];

/** Sorts: the rows' order must be Spark's (ties broken by id); Spark's side as PySpark's orderBy(cols, ascending=[...]). */
type Order = [name: string, sparkfn: (df: DataFrame) => DataFrame, spark: readonly { readonly $expr: string }[], ascending: readonly boolean[], shown: string];
const ORDERS: Order[] = [
  ["orderBy an array ascending (nulls first)", (df) => df.orderBy("a", "id"), [{ $expr: "a" }], [true], "a"],
  ["orderBy an array descending (nulls last)", (df) => df.orderBy(col("a").desc(), "id"), [{ $expr: "a" }], [false], "a"],
  ["orderBy an array of doubles", (df) => df.orderBy("d", "id"), [{ $expr: "d" }], [true], "d"],
  ["orderBy a struct, nulls last", (df) => df.orderBy(col("s").isNull(), "s", "id"), [{ $expr: "s IS NULL" }, { $expr: "s" }], [true, true], "s"],
  ["orderBy a struct descending", (df) => df.orderBy(col("s").desc(), "id"), [{ $expr: "s" }], [false], "s"],
];

describe("arrays and structs as keys agree with Spark", () => {
  it("groupBy, distinct, countDistinct, min/max, comparisons and window partitions", () => d.agree(GROUPING));
  it("inner, left, null-safe and semi joins on array and struct keys", () => d.agree(JOINS));
  it("orderBy arrays and structs, ascending and descending, in Spark's order", async () => {
    for (const [name, sparkfn, keys, ascending, shown] of ORDERS) {
      const steps = [["orderBy", [...keys, "id"], { ascending: [...ascending, true] }], ["select", ["id", shown]]] as const;
      const [expected, got] = await Promise.all([d.sparkAnswer(steps as never), d.sparkfnAnswer(sparkfn(d.frames.df!).select("id", shown))]);
      if (expected.kind !== "frame" || got.kind !== "frame") throw new Error(`${name}: a side refused (Spark ${expected.kind}, sparkfn ${got.kind})`);
      expect(got.columns, name).toEqual(expected.columns);
      expectSameRows(expected.rows, got.rows, true, name);
    }
  });
});
