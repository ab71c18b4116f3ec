/**
 * Column references against real Spark 4 through PySpark's own methods: df.alias("t") with
 * col("t.x"), self-joins whose sides share every column name (left, inner, semi and anti),
 * `*` and `t.*`, the ambiguous reference Spark refuses, colRegex; and toJSON, dropDuplicates
 * and sample's argument checks. A self-join's output holds two columns of one name: collect()
 * gives objects (the later column's value under the name, as PySpark's Row.asDict()), so
 * those cases compare the column list, and the rows of a select that names each column.
 */
import { describe, expect, it } from "vitest";
import { col, lit, type DataFrame } from "sparkfn";
import type { Value } from "../../../shared/plan/types.ts";
import { chainCase as c, expectSameRows, useChainDifferential } from "../../support/chain-differential.ts";
import { colRegexOf, otherTable } from "../../support/spark-oracle.ts";

/** Employees and their managers (a manager id that no row has, a null manager, a cycle of one). */
const PEOPLE = {
  schema: "id INT, name STRING, manager INT, pay DOUBLE, dept STRING",
  rows: [
    [1, "ann", null, 10.5, "a"],
    [2, "bob", 1, 1e21, "a"],
    [3, "cat", 1, NaN, "b"],
    [4, "dan", 2, null, "b"],
    [5, "eve", 9, -0, null],
    [6, "fay", 6, 1, "a"],
    [7, "gus", 2, 2.25, "b"],
  ] as Value[][],
};

/** Rows with repeated keys whose other columns differ, for dropDuplicates. */
const REPEATS = {
  schema: "k INT, v STRING, n BIGINT",
  rows: [[1, "x", 1], [2, "y", 2], [1, "z", 3], [null, "w", 4], [2, "y", 2], [null, "u", 5], [3, null, null], [1, "x", 1]] as Value[][],
};

const d = useChainDifferential("spark-differential-references", { df: PEOPLE, repeats: REPEATS });

const selfJoin = (how: string) => (df: DataFrame) => df.alias("e").join(df.alias("m"), col("e.manager").equalTo(col("m.id")), how);
const sparkSelfJoin = (how: string) => ["join", [otherTable("df", "m"), { $expr: "e.manager = m.id" }, how]] as const;

const SELF_JOINS = ["inner", "left", "right", "full"].map((how) =>
  c(
    `a ${how} self-join, each side's columns picked by alias`,
    (df) => selfJoin(how)(df).select(col("e.name"), col("m.name").alias("boss"), col("m.pay"), col("e.id").plus(col("m.id")).alias("both")),
    ["alias", ["e"]],
    sparkSelfJoin(how),
    ["select", [{ $expr: "e.name" }, { $expr: "m.name AS boss" }, { $expr: "m.pay" }, { $expr: "e.id + m.id AS both" }]],
  ),
);

const REFERENCES = [
  ...SELF_JOINS,
  c(
    "a self-join then a filter and a sort on qualified columns",
    (df) => selfJoin("inner")(df).filter(col("m.dept").equalTo(col("e.dept"))).orderBy(col("e.id")).select(col("e.id"), col("m.id").alias("mid")),
    ["alias", ["e"]],
    sparkSelfJoin("inner"),
    ["filter", [{ $expr: "m.dept = e.dept" }]],
    ["orderBy", [{ $expr: "e.id" }]],
    ["select", [{ $expr: "e.id" }, { $expr: "m.id AS mid" }]],
  ),
  c("a semi self-join keeps the left side's names", (df) => df.alias("a").join(df.alias("b"), col("a.id").equalTo(col("b.manager")), "semi"), ["alias", ["a"]], ["join", [otherTable("df", "b"), { $expr: "a.id = b.manager" }, "semi"]]),
  c("an anti self-join", (df) => df.alias("a").join(df.alias("b"), col("a.id").equalTo(col("b.manager")), "left_anti").select("name"), ["alias", ["a"]], ["join", [otherTable("df", "b"), { $expr: "a.id = b.manager" }, "left_anti"]], ["select", ["name"]]),
  c("t.* picks one side of a self-join", (df) => selfJoin("left")(df).select("m.*"), ["alias", ["e"]], sparkSelfJoin("left"), ["select", ["m.*"]]),
  c("t.* beside a qualified column", (df) => selfJoin("inner")(df).select(col("e.*"), col("m.name").alias("boss")), ["alias", ["e"]], sparkSelfJoin("inner"), ["select", ["e.*", { $expr: "m.name AS boss" }]]),
  c("an unqualified name both sides have is ambiguous", (df) => selfJoin("inner")(df).select("name"), ["alias", ["e"]], sparkSelfJoin("inner"), ["select", ["name"]]),
  c("a name only one side has needs no qualifier", (df) => selfJoin("inner")(df.select("id", "manager", "name")).select(col("e.name"), lit(1).alias("one")), ["select", ["id", "manager", "name"]], ["alias", ["e"]], ["join", [{ $df: "df", alias: "m" }, { $expr: "e.manager = m.id" }, "inner"]], ["select", [{ $expr: "e.name" }, { $expr: "1 AS one" }]]),
  c("an alias that is not there", (df) => df.alias("t").select("u.name"), ["alias", ["t"]], ["select", ["u.name"]]),
  c("an alias's columns through a filter, withColumn and a projection", (df) => df.alias("t").filter(col("t.id").gt(2)).withColumn("x", col("t.pay").multiply(2)).select(col("t.id").plus(1), col("x"), col("t.name")), ["alias", ["t"]], ["filter", [{ $expr: "t.id > 2" }]], ["withColumn", ["x", { $expr: "t.pay * 2" }]], ["select", [{ $expr: "t.id + 1" }, { $expr: "x" }, { $expr: "t.name" }]]),
  c("select(*) with more columns", (df) => df.select("*", col("id").multiply(10).alias("ten")), ["select", ["*", { $expr: "id * 10 AS ten" }]]),
  c("a using-join of a table with itself", (df) => df.join(df, "id").select("id"), ["join", [otherTable("df"), "id"]], ["select", ["id"]]),
  c("a using-join of a table with itself: another shared column is ambiguous", (df) => df.join(df, "id").select("id", "dept"), ["join", [otherTable("df"), "id"]], ["select", ["id", "dept"]]),
  c("colRegex", (df) => df.select(df.colRegex("`(id|na.*)`")), ["select", [colRegexOf("`(id|na.*)`")]]),
  c("colRegex matching the whole name only", (df) => df.select(df.colRegex("`a`"), df.colRegex("`.*a.*`")), ["select", [colRegexOf("`a`"), colRegexOf("`.*a.*`")]]),
];

const DEDUPES = [
  c("dropDuplicates()", (_, t) => t.repeats!.dropDuplicates(), ["$from", ["repeats"]], ["dropDuplicates", []]),
  c("dropDuplicates(k, v)", (_, t) => t.repeats!.dropDuplicates(["k", "v"]), ["$from", ["repeats"]], ["dropDuplicates", [["k", "v"]]]),
  c("dropDuplicates of a column that is not there", (_, t) => t.repeats!.dropDuplicates(["nope"]), ["$from", ["repeats"]], ["dropDuplicates", [["nope"]]]),
];

const SAMPLE_CHECKS = [
  c("sample(false, 1.5) is refused", (df) => df.sample(false, 1.5, 1), ["sample", [false, 1.5, 1]]),
  c("sample(-0.1) is refused", (df) => df.sample(-0.1), ["sample", [-0.1]]),
  c("sample(1.0) keeps every row", (df) => df.sample(1.0, 3), ["sample", [{ $double: "1.0" }, 3]]),
  c("sample(0.0) keeps none", (df) => df.sample(0.0, 3), ["sample", [{ $double: "0.0" }, 3]]),
];

describe("column references and self-joins, against PySpark's own methods", () => {
  it("resolves alias-qualified columns, t.* and colRegex, and self-joins of every kind, as Spark does", () => d.agree(REFERENCES));

  it("names a self-join's columns as Spark does: both sides' names, twice", async () => {
    for (const how of ["inner", "left"]) {
      const expected = await d.sparkAnswer([["alias", ["e"]], sparkSelfJoin(how)]);
      const got = await d.sparkfnAnswer(selfJoin(how)(d.frames.df!));
      if (expected.kind !== "frame" || got.kind !== "frame") throw new Error("both sides should answer");
      expect(got.columns).toEqual(expected.columns);
      expect(got.rows.length).toBe(expected.rows.length);
    }
  });

  it("keeps dropDuplicates' first row of each key, as Spark does over ordered input", () => d.agree(DEDUPES));

  it("checks sample's fraction as Spark does, and keeps all or none at 1 and 0", () => d.agree(SAMPLE_CHECKS));

  it("writes toJSON's strings as Spark's JSON generator does (null fields out, doubles as Java prints them, NaN quoted)", async () => {
    const answer = await d.oracle().chain(d.tables, [["toJSON", []]]);
    if (answer.kind !== "rows") throw new Error(`toJSON answered ${answer.kind}`);
    const got = (await d.frames.df!.toJSON().collect()).map((s) => [s]);
    expectSameRows(answer.rows.map((r) => [...r]), got, true, "toJSON");
  });
});
