/**
 * Windows through the DataFrame API (driver/api/window.ts, driver/planner/windows.ts): the
 * Window builder, where window functions are allowed, the plan they become (a Window node
 * per distinct PARTITION BY / ORDER BY, under a Project; a hash exchange and a sort below each
 * physical Window), and answers on local[1] with 3 input partitions and 2 shuffle partitions
 * against plain-JS references (a top-3 per group, a running total, gaps between events).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { col, count, lag, lit, max, rank, row_number, SparkSession, sum, Window } from "sparkfn";
import { AnalysisError } from "../../../shared/plan/resolve.ts";
import { prng } from "../../support/prng.ts";

describe("Window", () => {
  it("has PySpark's bounds and builds immutable specs", () => {
    expect(Window.unboundedPreceding).toBe(-(2 ** 63));
    expect(Window.unboundedFollowing).toBe(2 ** 63);
    expect(Window.currentRow).toBe(0);
    const base = Window.partitionBy("g").orderBy(col("t").desc());
    const framed = base.rowsBetween(Window.unboundedPreceding, -1);
    expect(base.toSpec().frame).toBeNull();
    expect(framed.toSpec()).toEqual({
      partitionBy: [{ kind: "column", name: "g" }],
      orderBy: [{ expr: { kind: "column", name: "t" }, ascending: false, nullsFirst: false }],
      frame: { type: "rows", start: null, end: -1 },
    });
    expect(JSON.parse(JSON.stringify(base.rangeBetween(Window.currentRow, Window.unboundedFollowing).toSpec())).frame).toEqual({ type: "range", start: 0, end: null });
    expect(() => base.rowsBetween(0.5, 1)).toThrow(/whole number/);
  });

  it("over() takes window functions and aggregates only", () => {
    expect(() => col("x").over(Window.orderBy("x"))).toThrow(/not a window function or an aggregate/);
    expect(sum("x").over(Window.partitionBy("g")).expr.kind).toBe("window");
  });
});

describe("window functions on a session", () => {
  let spark: SparkSession;
  beforeAll(async () => {
    spark = await SparkSession.builder().appName("windows").master("local[1]").config("spark.default.parallelism", 3).config("spark.sql.shuffle.partitions", 2).getOrCreate();
    spark.sparkContext.setLogLevel("OFF");
  });
  afterAll(async () => {
    await spark?.stop();
  });

  const random = prng(99);
  const events = Array.from({ length: 300 }, (_, id) => [id, ["a", "b", "c", null][Math.floor(random() * 4)] ?? null, Math.floor(random() * 1000), Math.floor(random() * 50)]);
  const frame = () => spark.createDataFrame(events, "id INT, user STRING, t INT, amount INT");

  it("refuses window functions without a window or outside select/withColumn", async () => {
    const df = frame();
    await expect(df.select(row_number()).schema()).rejects.toThrow(/give it a window with \.over/);
    await expect(df.filter(row_number().over(Window.orderBy("t")).equalTo(1)).schema()).rejects.toBeInstanceOf(AnalysisError);
    await expect(df.groupBy("user").agg(sum(row_number().over(Window.orderBy("t")))).schema()).rejects.toBeInstanceOf(AnalysisError);
    await expect(df.select(rank().over(Window.partitionBy("user"))).schema()).rejects.toThrow(/needs an ordered window/);
  });

  it("plans one Window node per spec, over a hash exchange and a sort", async () => {
    const byUser = Window.partitionBy("user").orderBy("t");
    const df = frame().select(col("id"), row_number().over(byUser).alias("rn"), sum("amount").over(byUser).alias("total"), count("*").over(Window.partitionBy()).alias("n"));
    const text = await df.explain();
    expect(text).toContain("Window [rn, total] [user] [t ASC NULLS FIRST]");
    expect(text).toContain("Window [n] [] []");
    expect(text).toContain("hashpartitioning(user, 2)");
    expect(text).toContain("Sort [user ASC NULLS FIRST, t ASC NULLS FIRST]");
    expect(text).toContain("Exchange SinglePartition");
    expect((await df.schema()).fields.map((f) => [f.name, f.type])).toEqual([["id", "int"], ["rn", "int"], ["total", "long"], ["n", "long"]]);
  });

  it("shares the exchange of windows with the same PARTITION BY and another ORDER BY", async () => {
    const df = frame().select(col("id"), rank().over(Window.partitionBy("user").orderBy("t")).alias("a"), rank().over(Window.partitionBy("user").orderBy(col("amount").desc())).alias("b"));
    const text = await df.explain();
    expect(text.match(/Exchange hashpartitioning\(user, 2\)/g)).toHaveLength(1);
    expect(text).toContain("Sort [user ASC NULLS FIRST, amount DESC NULLS LAST]");
    const rows = await df.collect();
    for (const r of rows) {
      const e = events.find((x) => x[0] === r.id)!;
      const mine = events.filter((x) => x[1] === e[1]);
      expect([r.a, r.b]).toEqual([1 + mine.filter((x) => (x[2] as number) < (e[2] as number)).length, 1 + mine.filter((x) => (x[3] as number) > (e[3] as number)).length]);
    }
  });

  it("top 3 per group with row_number and a filter", async () => {
    const w = Window.partitionBy("user").orderBy(col("amount").desc(), "id");
    const rows = await frame().withColumn("rn", row_number().over(w)).filter(col("rn").leq(3)).select("user", "id", "rn").collect();
    const expected: [unknown, unknown, number][] = [];
    for (const user of ["a", "b", "c", null]) {
      const mine = events.filter((e) => e[1] === user).sort((x, y) => (y[3] as number) - (x[3] as number) || (x[0] as number) - (y[0] as number));
      mine.slice(0, 3).forEach((e, i) => expected.push([user, e[0], i + 1]));
    }
    const key = (r: readonly unknown[]) => JSON.stringify(r);
    expect(rows.map((r) => [r.user, r.id, r.rn]).map(key).sort()).toEqual(expected.map(key).sort());
  });

  it("a running total with ties as peers, the gap to the previous event, and an expression over windows", async () => {
    const w = Window.partitionBy("user").orderBy("t");
    const rows = await frame()
      .select(
        col("id"),
        sum("amount").over(w).alias("running"),
        col("t").minus(lag("t", 1, lit(0)).over(w.orderBy("t", "id"))).alias("gap"),
        max("amount").over(w.rowsBetween(-1, 1)).plus(1).alias("m"),
      )
      .collect();
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const e of events) {
      const mine = events.filter((x) => x[1] === e[1]);
      const running = mine.filter((x) => (x[2] as number) <= (e[2] as number)).reduce((s, x) => s + (x[3] as number), 0);
      const ordered = [...mine].sort((x, y) => (x[2] as number) - (y[2] as number) || (x[0] as number) - (y[0] as number));
      const i = ordered.indexOf(e);
      const gap = (e[2] as number) - (i > 0 ? (ordered[i - 1]![2] as number) : 0);
      const r = byId.get(e[0])!;
      expect([r.running, r.gap]).toEqual([running, gap]);
    }
    expect(rows.every((r) => typeof r.m === "number")).toBe(true);
  });
});
