/**
 * DataFrame conveniences against real Spark 4 through PySpark's own methods (the oracle's
 * chain requests call df.na.fill, df.intersectAll... with the same arguments): the missing-value
 * functions, the set operations, pivot, unpivot, describe, summary, rollup, cube and groupingSets with grouping() and
 * grouping_id(), toDF, withColumns, withColumnsRenamed, crossJoin, isEmpty and tail. Both sides read the same rows in 3 input partitions. Results are compared column by
 * column (names and Spark's type names) and row by row as multisets (tail in order); a call
 * Spark refuses must be refused by sparkfn too.
 */
import { describe, expect, it } from "vitest";
import { col, count, grouping, grouping_id, lit, max, sum, upper } from "sparkfn";
import type { Value } from "../../../shared/plan/types.ts";
import { show } from "../../support/spark-differential.ts";
import { chainCase, expectSameRows, useChainDifferential, type ChainCase } from "../../support/chain-differential.ts";
import { DATAFRAME_DIFFERENCES } from "../known-differences.ts";
import { otherTable, pythonDict, type SparkValue } from "../../support/spark-oracle.ts";

const SCHEMA = "i INT, l BIGINT, d DOUBLE, s STRING, b BOOLEAN";

const ROWS: Value[][] = [
  [1, 10, 1.5, "a", true],
  [null, 20, NaN, "b", null],
  [2, null, null, null, false],
  [1, 10, 1.5, "a", true],
  [null, null, null, null, null],
  [3, 30, 2, "", true],
  [2, 20, NaN, "b", false],
  [1, 10, 1.5, "a", true],
  [null, null, null, null, null],
];

/** Overlaps ROWS: a row twice that ROWS has three times, the all-null row once, a NaN row, and rows ROWS lacks. */
const OTHER: Value[][] = [
  [1, 10, 1.5, "a", true],
  [9, 90, 9, "z", false],
  [null, null, null, null, null],
  [2, 20, NaN, "b", false],
  [1, 10, 1.5, "a", true],
  [3, 30, 2, "", false],
];

/** Two columns typed differently from ROWS' first two (bigint, string): compared by position, widened. */
const NARROW = { schema: "n BIGINT, t STRING", rows: [[1, "a"], [2, null], [null, null], [7, "b"]] as Value[][] };
const SMALL = { schema: "x INT", rows: [[100], [200]] as Value[][] };

type Case = ChainCase;
const c = chainCase;

const FILLS: Case[] = [
  c("fillna(0)", (df) => df.fillna(0), ["fillna", [0]]),
  c("fillna(1.5): ints get 1", (df) => df.fillna(1.5), ["fillna", [1.5]]),
  c('fillna("x")', (df) => df.fillna("x"), ["fillna", ["x"]]),
  c("fillna(true)", (df) => df.fillna(true), ["fillna", [true]]),
  c("fillna(-7, subset with a string column)", (df) => df.fillna(-7, ["i", "d", "s"]), ["fillna", [-7], { subset: ["i", "d", "s"] }]),
  c('fillna("q", "s")', (df) => df.fillna("q", "s"), ["fillna", ["q"], { subset: "s" }]),
  c("fillna per column", (df) => df.fillna({ i: 5, d: 0.5, s: "q", b: false }), ["fillna", [{ i: 5, d: 0.5, s: "q", b: false }]]),
  c("na.fill(9)", (df) => df.na.fill(9), ["na.fill", [9]]),
  c("fillna of a column that is not there", (df) => df.fillna({ nope: 1 }), ["fillna", [{ nope: 1 }]]),
];

const DROPS: Case[] = [
  c("dropna()", (df) => df.dropna(), ["dropna", []]),
  c('dropna("all")', (df) => df.dropna("all"), ["dropna", ["all"]]),
  c('dropna("any", 3)', (df) => df.dropna("any", 3), ["dropna", ["any", 3]]),
  c("dropna(thresh 5)", (df) => df.dropna("all", 5), ["dropna", ["all", 5]]),
  c("dropna(subset i, d)", (df) => df.dropna("any", null, ["i", "d"]), ["dropna", [], { subset: ["i", "d"] }]),
  c('na.drop("all", subset s)', (df) => df.na.drop("all", null, "s"), ["na.drop", ["all"], { subset: "s" }]),
  c("dropna of a column that is not there", (df) => df.dropna("any", null, ["nope"]), ["dropna", [], { subset: ["nope"] }]),
];

const REPLACES: Case[] = [
  c("replace(1, 100)", (df) => df.replace(1, 100), ["replace", [1, 100]]),
  c("replace([1, 2], [10, 20])", (df) => df.replace([1, 2], [10, 20]), ["replace", [[1, 2], [10, 20]]]),
  c("replace(1.5, 2.5)", (df) => df.replace(1.5, 2.5), ["replace", [1.5, 2.5]]),
  c('replace("a", "z")', (df) => df.replace("a", "z"), ["replace", ["a", "z"]]),
  c('replace(["a", "b"], "q")', (df) => df.replace(["a", "b"], "q"), ["replace", [["a", "b"], "q"]]),
  c("replace by an object", (df) => df.replace({ a: "x", "": "empty" }), ["replace", [{ a: "x", "": "empty" }]]),
  c("replace by a Map of numbers", (df) => df.replace(new Map([[10, 11], [20, 21]])), ["replace", [pythonDict([[10, 11], [20, 21]])]]),
  c("replace(10, 11, subset l)", (df) => df.replace(10, 11, ["l"]), ["replace", [10, 11], { subset: ["l"] }]),
  c('replace("a", null)', (df) => df.replace("a", null), ["replace", ["a", null]]),
  c("replace(NaN, 0)", (df) => df.replace(NaN, 0), ["replace", [NaN, 0]]),
  c("na.replace(3, 4)", (df) => df.na.replace(3, 4), ["na.replace", [3, 4]]),
];

const SETS: Case[] = [
  c("intersect", (df, t) => df.intersect(t.other!), ["intersect", [otherTable("other")]]),
  c("intersectAll", (df, t) => df.intersectAll(t.other!), ["intersectAll", [otherTable("other")]]),
  c("subtract", (df, t) => df.subtract(t.other!), ["subtract", [otherTable("other")]]),
  c("exceptAll", (df, t) => df.exceptAll(t.other!), ["exceptAll", [otherTable("other")]]),
  c("other.exceptAll(df)", (_, t) => t.other!.exceptAll(t.df!), ["$from", ["other"]], ["exceptAll", [otherTable("df")]]),
  c("other.intersectAll(df)", (_, t) => t.other!.intersectAll(t.df!), ["$from", ["other"]], ["intersectAll", [otherTable("df")]]),
  c("intersect widening by position", (df, t) => df.select("l", "s").intersect(t.narrow!), ["select", ["l", "s"]], ["intersect", [otherTable("narrow")]]),
  c("exceptAll widening by position", (df, t) => df.select("l", "s").exceptAll(t.narrow!), ["select", ["l", "s"]], ["exceptAll", [otherTable("narrow")]]),
  c("intersect with a different column count", (df, t) => df.intersect(t.narrow!), ["intersect", [otherTable("narrow")]]),
  c("crossJoin", (df, t) => df.crossJoin(t.small!), ["crossJoin", [otherTable("small")]]),
];

const RESHAPES: Case[] = [
  c("toDF", (df) => df.toDF("a", "b", "c", "e", "f"), ["toDF", ["a", "b", "c", "e", "f"]]),
  c("toDF with too few names", (df) => df.toDF("a", "b"), ["toDF", ["a", "b"]]),
  c("withColumns", (df) => df.withColumns({ x: col("i").plus(1), d: col("d").multiply(2), k: lit("k") }), ["withColumns", [{ x: { $expr: "i + 1" }, d: { $expr: "d * 2" }, k: { $expr: "'k'" } }]]),
  c("withColumnsRenamed", (df) => df.withColumnsRenamed({ i: "ii", s: "ss", nope: "yy" }), ["withColumnsRenamed", [{ i: "ii", s: "ss", nope: "yy" }]]),
  c("transform", (df) => df.transform((d, n: number) => d.filter(col("i").gt(n)), 1), ["filter", [{ $expr: "i > 1" }]]),
];

/** grouping() is Spark's tinyint; grouping_id() a bigint. */
const GROUPINGS: Case[] = [
  c(
    "rollup",
    (df) => df.rollup("s", "b").agg(sum("l"), count("*"), grouping("s"), grouping_id()),
    ["rollup", ["s", "b"]],
    ["agg", [{ $expr: "sum(l)" }, { $expr: "count(*)" }, { $expr: "grouping(s)" }, { $expr: "grouping_id()" }]],
  ),
  c("cube", (df) => df.cube("s", "b").agg(max("d"), grouping("b"), grouping_id("s", "b")), ["cube", ["s", "b"]], ["agg", [{ $expr: "max(d)" }, { $expr: "grouping(b)" }, { $expr: "grouping_id(s, b)" }]]),
  c("cube of one key", (df) => df.cube("b").agg(count("*")), ["cube", ["b"]], ["agg", [{ $expr: "count(*)" }]]),
  c(
    "groupingSets",
    (df) => df.groupingSets([["s", "b"], ["s"], []], "s", "b").agg(sum("i"), count("*")),
    ["groupingSets", [[["s", "b"], ["s"], []], "s", "b"]],
    ["agg", [{ $expr: "sum(i)" }, { $expr: "count(*)" }]],
  ),
  c("rollup of an expression", (df) => df.rollup(col("i").mod(2)).agg(count("*")), ["rollup", [{ $expr: "i % 2" }]], ["agg", [{ $expr: "count(*)" }]]),
  // Outside aggregates a key the set leaves out is null (upper(s) in the subtotals); sum(i) reads the input's i.
  c(
    "rollup with expressions over its keys",
    (df) => df.rollup("s", "i").agg(upper(col("s")), col("i").plus(1), sum("i"), count("*")),
    ["rollup", ["s", "i"]],
    ["agg", [{ $expr: "upper(s)" }, { $expr: "i + 1" }, { $expr: "sum(i)" }, { $expr: "count(*)" }]],
  ),
  c("grouping() outside rollup, cube and groupingSets", (df) => df.groupBy("s").agg(grouping("s")), ["groupBy", ["s"]], ["agg", [{ $expr: "grouping(s)" }]]),
  c("grouping() of a column that is not a key", (df) => df.rollup("s").agg(grouping("b").cast("int")), ["rollup", ["s"]], ["agg", [{ $expr: "cast(grouping(b) as int)" }]]),
];

const PIVOTS: Case[] = [
  // (Grouped by i, not b: s has the value "b", and collect() objects hold one column per name.)
  c("pivot, values found first", (df) => df.groupBy("i").pivot("s").agg(sum("l")), ["groupBy", ["i"]], ["pivot", ["s"]], ["agg", [{ $expr: "sum(l)" }]]),
  c(
    "pivot on given values, two aggregates",
    (df) => df.groupBy("s").pivot("i", [1, 2, 5]).agg(count("*"), max("d").alias("top")),
    ["groupBy", ["s"]],
    ["pivot", ["i", [1, 2, 5]]],
    ["agg", [{ $expr: "count(*)" }, { $expr: "max(d) AS top" }]],
  ),
  c("pivot without keys, count()", (df) => df.groupBy().pivot("b").count(), ["groupBy", []], ["pivot", ["b"]], ["count", []]),
  c("pivot on doubles, sum()", (df) => df.groupBy("b").pivot("d", [null, 1.5, 2]).sum("i"), ["groupBy", ["b"]], ["pivot", ["d", [null, 1.5, 2]]], ["sum", ["i"]]),
  c("pivot on an expression over aggregates", (df) => df.groupBy("s").pivot("b", [true, false]).agg(sum("l").divide(count("*"))), ["groupBy", ["s"]], ["pivot", ["b", [true, false]]], ["agg", [{ $expr: "sum(l) / count(*)" }]]),
];

const STATISTICS: Case[] = [
  c("unpivot numbers (widened to double)", (df) => df.unpivot("s", ["i", "l", "d"], "var", "val"), ["unpivot", ["s", ["i", "l", "d"], "var", "val"]]),
  c("unpivot one boolean column, two ids", (df) => df.unpivot(["i", "s"], ["b"], "var", "val"), ["unpivot", [["i", "s"], ["b"], "var", "val"]]),
  c("melt of every other column (types that do not meet)", (df) => df.melt("i", null, "k", "v"), ["melt", ["i", null, "k", "v"]]),
  c("melt of ints and longs", (df) => df.select("s", "i", "l").melt("s", null, "k", "v"), ["select", ["s", "i", "l"]], ["melt", ["s", null, "k", "v"]]),
  c("describe()", (df) => df.describe(), ["describe", []]),
  c("describe(i, s, b)", (df) => df.describe("i", "s", "b"), ["describe", ["i", "s", "b"]]),
  c("summary()", (df) => df.drop("s").summary(), ["drop", ["s"]], ["summary", []]),
  c("summary(count, min, 75%, count_distinct)", (df) => df.summary("count", "min", "75%", "count_distinct"), ["summary", ["count", "min", "75%", "count_distinct"]]),
];

const { frames, tables, oracle, sparkfnAnswer, sparkAnswer, agree } = useChainDifferential("spark-differential-dataframe", {
  df: { schema: SCHEMA, rows: ROWS },
  other: { schema: SCHEMA, rows: OTHER },
  narrow: NARROW,
  small: SMALL,
});

describe("DataFrame conveniences, against PySpark's own methods", () => {
  it("fills missing values (na.fill, fillna) as Spark does", () => agree(FILLS));
  it("drops rows with missing values (na.drop, dropna) as Spark does", () => agree(DROPS));
  it("replaces values (na.replace, replace) as Spark does", () => agree(REPLACES));
  it("intersects and subtracts, distinct and ALL, with nulls and NaN equal, and cross joins", () => agree(SETS));
  it("renames and adds columns (toDF, withColumns, withColumnsRenamed, transform)", () => agree(RESHAPES));
  it("aggregates by grouping sets (rollup, cube, groupingSets) with grouping() and grouping_id()", () => agree(GROUPINGS));
  it("pivots, on given values or on the column's distinct values", () => agree(PIVOTS));
  it("unpivots (unpivot, melt) and describes (describe, summary)", () => agree(STATISTICS));

  it(`differs where documented: ${DATAFRAME_DIFFERENCES.pivotOnNaN}`, async () => {
    const expected = await sparkAnswer([["groupBy", ["b"]], ["pivot", ["d"]], ["sum", ["i"]]]);
    const got = await sparkfnAnswer(frames.df!.groupBy("b").pivot("d").sum("i"));
    if (expected.kind !== "frame" || got.kind !== "frame") throw new Error("both sides should answer");
    expect(got.columns).toEqual(expected.columns);
    const nan = expected.columns.indexOf("NaN: bigint");
    expect(nan).toBeGreaterThan(0);
    const without = (rows: SparkValue[][]) => rows.map((r) => r.filter((_, c) => c !== nan));
    expectSameRows(without(expected.rows), without(got.rows), false, "the columns other than NaN");
    // Spark: no row in the NaN column; sparkfn: the b = false group's NaN row (i = 2).
    expect(expected.rows.map((r) => r[nan])).toEqual([null, null, null]);
    expect(got.rows.map((r) => [r[0], r[nan]]).sort((x, y) => show(x[0]).localeCompare(show(y[0])))).toEqual([[false, 2], [null, null], [true, null]]);
  });

  it("answers isEmpty and tail as Spark does", async () => {
    for (const [steps, df] of [
      [[["isEmpty", []]], frames.df!],
      [[["filter", [{ $expr: "i > 100" }]], ["isEmpty", []]], frames.df!.filter(col("i").gt(100))],
    ] as const) {
      const answer = await oracle().chain(tables, steps);
      expect(answer.kind).toBe("value");
      expect(await df.isEmpty()).toBe((answer as { value: SparkValue }).value);
    }
    for (const n of [0, 3, 20]) {
      const answer = await oracle().chain(tables, [["tail", [n]]]);
      if (answer.kind !== "rows") throw new Error(`tail(${n}) answered ${answer.kind}`);
      const rows = (await frames.df!.tail(n)).map((r) => ["i", "l", "d", "s", "b"].map((k) => r[k] as Value));
      expectSameRows(answer.rows.map((r) => [...r]), rows, true, `tail(${n})`);
    }
  });
});
