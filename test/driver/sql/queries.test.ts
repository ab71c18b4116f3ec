/**
 * spark.sql and temporary views on local[1]: answers checked against the same computation in
 * plain JavaScript; the catalog's errors (a view that exists, one that does not) name the fix;
 * SQL and the DataFrame API plan the same query the same way.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { col, count, SparkSession, sum } from "../../../driver/index.ts";

let spark: SparkSession;
const rows = Array.from({ length: 50 }, (_, i) => ({ id: i, k: ["a", "b", "c"][i % 3]!, v: i % 7 === 0 ? null : i * 1.5 }));
beforeAll(async () => {
  spark = await SparkSession.builder().appName("sql-queries").master("local[1]").getOrCreate();
  spark.createDataFrame(rows, "id INT, k STRING, v DOUBLE").createOrReplaceTempView("t");
});
afterAll(async () => {
  await spark?.stop();
});

describe("spark.sql", () => {
  it("aggregates, filters and orders as the same computation in JavaScript", async () => {
    const got = await spark.sql("SELECT k, sum(v) AS total, count(*) AS n FROM t WHERE id >= 10 GROUP BY k HAVING count(*) > 5 ORDER BY total DESC").collect();
    const groups = new Map<string, { total: number; n: number }>();
    for (const r of rows.filter((r) => r.id >= 10)) {
      const g = groups.get(r.k) ?? { total: 0, n: 0 };
      g.total += r.v ?? 0;
      g.n++;
      groups.set(r.k, g);
    }
    const want = [...groups].filter(([, g]) => g.n > 5).map(([k, g]) => ({ k, total: g.total, n: g.n })).sort((a, b) => b.total - a.total);
    expect(got).toEqual(want);
  });

  it("plans a query the same as the DataFrame API does", async () => {
    const print = console.log;
    console.log = () => undefined;
    try {
      const sqlPlan = await spark.sql("SELECT k, sum(v) AS total, count(*) AS n FROM t WHERE id > 3 GROUP BY k").explain();
      const apiPlan = await spark.table("t").filter(col("id").gt(3)).groupBy("k").agg(sum("v").alias("total"), count("*").alias("n")).explain();
      const physical = (text: string) => text.slice(text.indexOf("== Physical Plan =="));
      expect(physical(sqlPlan)).toEqual(physical(apiPlan));
    } finally {
      console.log = print;
    }
  });

  it("keeps temporary views: createTempView refuses a name in use, dropTempView and listTables", () => {
    const df = spark.range(3);
    df.createTempView("r3");
    expect(() => df.createTempView("R3")).toThrow(/TEMP_TABLE_OR_VIEW_ALREADY_EXISTS.*createOrReplaceTempView/);
    expect(spark.catalog.listTables().map((t) => t.name)).toEqual(["r3", "t"]);
    expect(spark.catalog.tableExists("R3")).toBe(true);
    expect(spark.catalog.dropTempView("r3")).toBe(true);
    expect(spark.catalog.dropTempView("r3")).toBe(false);
    expect(() => spark.sql("SELECT * FROM r3")).toThrow(/TABLE_OR_VIEW_NOT_FOUND.*`r3`.*Temporary views: t\./);
    expect(() => df.createTempView("bad name")).toThrow(/INVALID_IDENTIFIER/);
  });

  it("calls a UDF registered with spark.udf.register by name, in any case", async () => {
    spark.udf.register("label", (k: string | null, v: number | null) => `${k}:${v === null ? "none" : Math.round(v)}`, "string");
    const got = await spark.sql("SELECT id, LABEL(k, v) AS l FROM t WHERE id < 8 ORDER BY id").collect();
    expect(got).toEqual(rows.filter((r) => r.id < 8).map((r) => ({ id: r.id, l: `${r.k}:${r.v === null ? "none" : Math.round(r.v)}` })));
    expect(() => spark.sql("SELECT nosuch(k) FROM t")).toThrow(/UNRESOLVED_ROUTINE.*`nosuch`/);
  });

  it("broadcasts the relation a BROADCAST hint names, with the same answer", async () => {
    spark.createDataFrame([{ k: "a", label: "first" }, { k: "b", label: "second" }]).createOrReplaceTempView("labels");
    spark.conf.set("spark.sql.autoBroadcastJoinThreshold", "-1");
    const print = console.log;
    console.log = () => undefined;
    try {
      const plain = "SELECT t.id, l.label FROM t JOIN labels l ON t.k = l.k ORDER BY t.id";
      const hinted = "SELECT /*+ BROADCAST(l) */ t.id, l.label FROM t JOIN labels l ON t.k = l.k ORDER BY t.id";
      expect(await spark.sql(plain).explain()).not.toMatch(/BroadcastHashJoin/);
      expect(await spark.sql(hinted).explain()).toMatch(/BroadcastHashJoin/);
      const want = rows.filter((r) => r.k !== "c").map((r) => ({ id: r.id, label: r.k === "a" ? "first" : "second" }));
      expect(await spark.sql(hinted).collect()).toEqual(want);
      expect(await spark.sql(plain).collect()).toEqual(want);
    } finally {
      console.log = print;
      spark.conf.unset("spark.sql.autoBroadcastJoinThreshold");
    }
  });

  it("plans NOT IN (SELECT ...) as a null-aware broadcast hash join, a nested loop when nothing may be broadcast, with NOT IN's answers", async () => {
    spark.createDataFrame([{ n: 3 }, { n: 4 }, { n: 40 }], "n INT").createOrReplaceTempView("some");
    spark.createDataFrame([{ n: 3 }, { n: null }], "n INT").createOrReplaceTempView("with_null");
    spark.createDataFrame([], "n INT").createOrReplaceTempView("none");
    // NOT IN by its definition: the row stays when every comparison with a value is false (none true, none null).
    const values = { some: [3, 4, 40], with_null: [3, null], none: [] as (number | null)[] };
    const notIn = (vs: (number | null)[]) => rows.filter((r) => vs.every((n) => r.v !== null && n !== null && r.v !== n)).map((r) => ({ id: r.id }));
    const query = (view: string) => `SELECT id FROM t WHERE v NOT IN (SELECT n FROM ${view}) ORDER BY id`;
    const print = console.log;
    console.log = () => undefined;
    try {
      expect(await spark.sql(query("some")).explain()).toMatch(/BroadcastHashJoin anti BuildRight \[__sql_in_outer_\d+ = __sql_in_inner_\d+\] null-aware/);
      for (const view of ["some", "with_null", "none"] as const) expect(await spark.sql(query(view)).collect(), view).toEqual(notIn(values[view]));
      expect(notIn(values.none)).toHaveLength(rows.length);
      spark.conf.set("spark.sql.autoBroadcastJoinThreshold", "-1");
      expect(await spark.sql(query("some")).explain()).toMatch(/NestedLoopJoin anti \[\] coalesce/);
      for (const view of ["some", "with_null", "none"] as const) expect(await spark.sql(query(view)).collect(), view).toEqual(notIn(values[view]));
    } finally {
      console.log = print;
      spark.conf.unset("spark.sql.autoBroadcastJoinThreshold");
    }
  });

  it("fails a query whose scalar subquery has more than one row, in Spark's words; one row is its value, none null", async () => {
    await expect(spark.sql("SELECT id, (SELECT id FROM t WHERE id < 2) AS first FROM t").collect()).rejects.toThrow(
      /\[SCALAR_SUBQUERY_TOO_MANY_ROWS\] More than one row returned by a subquery used as an expression\. SQLSTATE: 21000/,
    );
    expect(await spark.sql("SELECT id, (SELECT k FROM t WHERE id = 4) AS k4, (SELECT k FROM t WHERE id < 0) AS none FROM t WHERE id < 2 ORDER BY id").collect()).toEqual([
      { id: 0, k4: "b", none: null },
      { id: 1, k4: "b", none: null },
    ]);
    await expect(spark.sql("SELECT raise_error('boom')").collect()).rejects.toThrow(/\[USER_RAISED_EXCEPTION\] boom SQLSTATE: P0001/);
  });

  it("reports a syntax error with its line and a caret", () => {
    expect(() => spark.sql("SELECT k,\n  FROM t")).toThrow(/PARSE_SYNTAX_ERROR.*at or near 'FROM'.*\(line 2, pos 2\)\n\n== SQL ==\nSELECT k,\n  FROM t\n--\^\^\^/s);
  });

  it("reads VALUES, GROUP BY an alias, FILTER on an aggregate and a named window, as the same computation in JavaScript", async () => {
    expect(await spark.sql("SELECT * FROM VALUES (1, 'x'), (2, null) AS pairs(n, s) ORDER BY n").collect()).toEqual([{ n: 1, s: "x" }, { n: 2, s: null }]);
    expect(await spark.sql("VALUES 3, 1").columns()).toEqual(["col1"]);
    const grouped = await spark.sql("SELECT id % 4 AS bucket, count(*) AS n, count(*) FILTER (WHERE v > 30) AS big FROM t GROUP BY bucket ORDER BY bucket").collect();
    expect(grouped).toEqual([0, 1, 2, 3].map((bucket) => {
      const members = rows.filter((r) => r.id % 4 === bucket);
      return { bucket, n: members.length, big: members.filter((r) => r.v !== null && r.v > 30).length };
    }));
    const windowed = await spark.sql("SELECT id, sum(v) OVER w AS running FROM t WHERE id < 12 WINDOW w AS (PARTITION BY k ORDER BY id) ORDER BY id").collect();
    expect(windowed).toEqual(rows.filter((r) => r.id < 12).map((r) => {
      const before = rows.filter((o) => o.id < 12 && o.k === r.k && o.id <= r.id && o.v !== null);
      return { id: r.id, running: before.length ? before.reduce((a, o) => a + o.v!, 0) : null };
    }));
    expect(() => spark.sql("SELECT sum(v) OVER w FROM t")).toThrow(/MISSING_WINDOW_SPECIFICATION.*Window specification w is not defined/);
  });
});
