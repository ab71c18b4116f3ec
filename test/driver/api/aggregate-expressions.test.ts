/**
 * Aggregate expressions in agg() and select() (shared/plan/aggregate-expressions.ts): the plan
 * they become (an aggregate of the distinct calls under a project of the user's expressions),
 * Spark's output names, the refusals; then answers on local[1] (3 input partitions, 2 shuffle
 * partitions) against a plain-JS reference over the same rows.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { avg, coalesce, col, count, countDistinct, first, lit, max, min, round, SparkSession, sum, when, type Column, type DataFrame } from "sparkfn";
import { aggregate, filter, project, schemaOf, sort, type LogicalPlan } from "../../../shared/plan/logical.ts";
import type { Expr } from "../../../shared/plan/expr.ts";
import { AnalysisError } from "../../../shared/plan/resolve.ts";
import { explainLogical } from "../../../driver/planner/explain.ts";
import type { Value } from "../../../shared/plan/types.ts";
import { prng } from "../../support/prng.ts";

const input: LogicalPlan = {
  kind: "localRelation",
  schema: {
    fields: [
      { name: "k", type: "int", nullable: true },
      { name: "a", type: "int", nullable: true },
      { name: "b", type: "int", nullable: true },
      { name: "x", type: "double", nullable: true },
    ],
  },
  rows: [],
  numPartitions: 1,
};
const e = (c: Column): Expr => c.expr;
const names = (plan: LogicalPlan) => schemaOf(plan).fields.map((f) => f.name);
const refusal = (build: () => unknown): string => {
  try {
    build();
  } catch (error) {
    expect(error).toBeInstanceOf(AnalysisError);
    return (error as Error).message;
  }
  throw new Error("expected an AnalysisError");
};

describe("agg() of aggregate expressions: the plan", () => {
  it("computes each distinct aggregate call once, under a project that gives Spark's names", () => {
    const plan = aggregate(input, [e(col("k"))], [e(sum("a").divide(sum("b"))), e(sum("a").plus(1)), e(sum("a")), e(round(avg("x"), 2)), e(count(lit(1)).multiply(2))]);
    expect(plan.kind).toBe("project");
    const node = (plan as Extract<LogicalPlan, { kind: "project" }>).input;
    expect(node.kind).toBe("aggregate");
    const calls = (node as Extract<LogicalPlan, { kind: "aggregate" }>).aggregates;
    // sum(a) three times, sum(b), avg(x), count(1): four calls, each once.
    expect(calls.map((c) => (c.kind === "alias" ? c.expr : c))).toEqual([e(sum("a")), e(sum("b")), e(avg("x")), e(count(lit(1)))]);
    expect(names(plan)).toEqual(["k", "(sum(a) / sum(b))", "(sum(a) + 1)", "sum(a)", "round(avg(x), 2)", "(count(1) * 2)"]);
    expect(schemaOf(plan).fields.map((f) => [f.type, f.nullable])).toEqual([["int", true], ["double", true], ["long", true], ["long", true], ["double", true], ["long", false]]);
  });

  it("keeps plain aggregate calls as one aggregate node, as before", () => {
    const plan = aggregate(input, [e(col("k"))], [e(sum("a")), e(max("x").alias("m"))]);
    expect(plan).toEqual({ kind: "aggregate", input, groupBy: [e(col("k"))], aggregates: [e(sum("a")), e(max("x").alias("m"))] });
  });

  it("computes the same call written twice once, and tells apart calls that differ only in an option", () => {
    const twice = aggregate(input, [], [e(sum("a")), e(sum("a").alias("again")), e(first("x")), e(first("x", true))]);
    expect(names(twice)).toEqual(["sum(a)", "again", "first(x)", "first(x)"]);
    const node = (twice as Extract<LogicalPlan, { kind: "project" }>).input as Extract<LogicalPlan, { kind: "aggregate" }>;
    expect(node.aggregates).toHaveLength(3);
    // Hidden names are distinct even where Spark's names are equal.
    expect(new Set(schemaOf(node).fields.map((f) => f.name)).size).toBe(3);
    // Equal by structure, whatever order the properties were written in.
    const reordered = { arg: { name: "a", kind: "column" }, fn: "sum", kind: "agg" } as unknown as Expr;
    const same = aggregate(input, [], [e(sum("a")), { kind: "binary", op: "add", left: reordered, right: e(lit(1)) }]);
    expect(((same as Extract<LogicalPlan, { kind: "project" }>).input as Extract<LogicalPlan, { kind: "aggregate" }>).aggregates).toHaveLength(1);
  });

  it("reads groupBy keys outside aggregates: a column key, an aliased key, an expression key", () => {
    expect(names(aggregate(input, [e(col("k"))], [e(col("k").plus(sum("a"))), e(col("k")), e(lit(7)), e(lit(null))]))).toEqual(["k", "(k + sum(a))", "k", "7", "NULL"]);
    expect(names(aggregate(input, [e(col("k").alias("kk"))], [e(col("k").plus(sum("a")))]))).toEqual(["kk", "(k + sum(a))"]);
    const byExpr = aggregate(input, [e(col("k").plus(1))], [e(col("k").plus(1).multiply(sum("a"))), e(sum("k"))]);
    expect(names(byExpr)).toEqual(["(k + 1)", "((k + 1) * sum(a))", "sum(k)"]);
  });

  it("gives hidden columns names no groupBy key has", () => {
    const plan = aggregate(input, [e(col("k").alias("sum(a)#0"))], [e(sum("a").plus(1))]);
    expect(names(plan)).toEqual(["sum(a)#0", "(sum(a) + 1)"]);
    const node = (plan as Extract<LogicalPlan, { kind: "project" }>).input;
    expect(new Set(names(node)).size).toBe(2);
  });

  it("shows the Aggregate under a Project in explain()", () => {
    const plan = aggregate(input, [e(col("k"))], [e(sum("a").divide(sum("b")))]);
    expect(explainLogical(plan)).toBe(["Project [k, (sum(a) / sum(b))]", "  +- Aggregate [k] [sum(a)#0, sum(b)#1]", "    +- LocalRelation [k, a, b, x] 0 row(s)"].join("\n"));
  });

  it("select() of aggregate expressions and literals is a global aggregate", () => {
    expect(project(input, [e(sum("a"))])).toEqual({ kind: "aggregate", input, groupBy: [], aggregates: [e(sum("a"))] });
    const plan = project(input, [e(sum("a").divide(count("*"))), e(lit(1))]);
    expect(plan.kind).toBe("project");
    expect(names(plan)).toEqual(["(sum(a) / count(1))", "1"]);
  });
});

describe("agg() and select() of aggregate expressions: the refusals", () => {
  it("a column neither grouped nor inside an aggregate, named with the fix (Spark's MISSING_AGGREGATION)", () => {
    const bare = refusal(() => aggregate(input, [e(col("k"))], [e(col("a"))]));
    expect(bare).toMatch(/^agg: a is not an aggregate function .* "a" is not a groupBy key \(k\) \[MISSING_AGGREGATION\]\. Add "a" to groupBy\(\), or wrap it in an aggregate such as first\("a"\)/);
    const inside = refusal(() => aggregate(input, [e(col("k"))], [e(col("a").plus(sum("b")))]));
    expect(inside).toMatch(/^agg: \(a \+ sum\(b\)\) reads column "a" outside its aggregate functions, and "a" is not a groupBy key \(k\) \[MISSING_AGGREGATION\]/);
    // The key is k + 1, not k.
    expect(refusal(() => aggregate(input, [e(col("k").plus(1))], [e(col("k").multiply(sum("a")))]))).toMatch(/reads column "k" outside .* not a groupBy key \(\(k \+ 1\)\)/);
  });

  it("a column without groupBy, in agg() or beside an aggregate in select() (Spark's MISSING_GROUP_BY)", () => {
    expect(refusal(() => aggregate(input, [], [e(sum("a").plus(col("b")))]))).toMatch(/^agg: \(sum\(a\) \+ b\) reads column "b" .* there is no groupBy \[MISSING_GROUP_BY\]\. Group by it \(df\.groupBy\("b"\)/);
    expect(refusal(() => project(input, [e(sum("a")), e(col("b"))]))).toMatch(/^select: b is not an aggregate function .* \[MISSING_GROUP_BY\]/);
  });

  it("an aggregate inside an aggregate's arguments", () => {
    expect(refusal(() => aggregate(input, [e(col("k"))], [e(sum("a").plus(sum(max("a"))))]))).toMatch(/^agg: \(sum\(a\) \+ sum\(max\(a\)\)\) nests an aggregate in an aggregate \[NESTED_AGGREGATE_FUNCTION\]/);
  });

  it("an aggregate where rows are kept (filter, orderBy) stays refused, saying where aggregates go", () => {
    expect(refusal(() => filter(input, e(sum("a").gt(1))))).toMatch(/^filter: aggregate \(sum\(a\) > 1\) is only allowed in agg\(\) and select\(\)/);
    expect(refusal(() => sort(input, [{ expr: e(sum("a")), ascending: true, nullsFirst: true }]))).toMatch(/^orderBy: aggregate sum\(a\) is only allowed in agg\(\) and select\(\)/);
  });

  it("unknown columns and wrong types, named in the user's terms", () => {
    expect(refusal(() => aggregate(input, [e(col("k"))], [e(sum("nope").plus(1))]))).toMatch(/Column "nope" does not exist/);
    expect(refusal(() => aggregate(input, [e(col("k"))], [e(sum("a").plus(lit("s")))]))).toMatch(/\(sum\(a\) \+ s\)/);
  });
});

// ---- answers --------------------------------------------------------------------------------

type Row = { k: number | null; a: number | null; b: number | null; x: number | null };

/** Groups with nulls among values, a group of only nulls, a null key; x in quarters (sums stay exact). */
function rows(): Row[] {
  const random = prng(15);
  const out: Row[] = [];
  const maybe = <T>(v: T, p = 0.15) => (random() < p ? null : v);
  for (let i = 0; i < 200; i++) {
    out.push({ k: maybe(Math.floor(random() * 6), 0.05), a: maybe(Math.floor(random() * 200) - 100), b: maybe(1 + Math.floor(random() * 9)), x: maybe(Math.floor(random() * 80 - 40) / 4) });
  }
  out.push({ k: 9, a: null, b: null, x: null }, { k: 9, a: null, b: null, x: null });
  return out;
}

/** Spark's round(x, 2) of a double: half up (away from zero) on its shortest decimal text. */
const round2 = (x: number) => Math.sign(x) * Math.round(Number(`${Math.abs(x)}e2`)) / 100;

interface Acc {
  sumA: number | null;
  sumB: number | null;
  sumX: number | null;
  nX: number;
  maxX: number | null;
  minA: number | null;
  rows: number;
  distinctA: Set<number>;
}

function accumulate(group: readonly Row[]): Acc {
  const acc: Acc = { sumA: null, sumB: null, sumX: null, nX: 0, maxX: null, minA: null, rows: group.length, distinctA: new Set() };
  for (const r of group) {
    if (r.a !== null) {
      acc.sumA = (acc.sumA ?? 0) + r.a;
      acc.minA = acc.minA === null ? r.a : Math.min(acc.minA, r.a);
      acc.distinctA.add(r.a);
    }
    if (r.b !== null) acc.sumB = (acc.sumB ?? 0) + r.b;
    if (r.x !== null) {
      acc.sumX = (acc.sumX ?? 0) + r.x;
      acc.nX++;
      acc.maxX = acc.maxX === null ? r.x : Math.max(acc.maxX, r.x);
    }
  }
  return acc;
}

/** The expressions under test, each with its value computed from a group's accumulators and key. */
const CASES: readonly { readonly column: Column; readonly name: string; readonly value: (g: Acc, k: number | null) => Value }[] = [
  { column: sum("a").divide(sum("b")), name: "(sum(a) / sum(b))", value: (g) => (g.sumA === null || g.sumB === null ? null : g.sumA / g.sumB) },
  { column: round(avg("x"), 2), name: "round(avg(x), 2)", value: (g) => (g.nX === 0 ? null : round2(g.sumX! / g.nX)) },
  { column: sum("a").plus(1), name: "(sum(a) + 1)", value: (g) => (g.sumA === null ? null : g.sumA + 1) },
  { column: coalesce(max("x"), lit(0)), name: "coalesce(max(x), 0)", value: (g) => g.maxX ?? 0 },
  { column: count(lit(1)).multiply(2), name: "(count(1) * 2)", value: (g) => g.rows * 2 },
  { column: sum("a"), name: "sum(a)", value: (g) => g.sumA },
  { column: sum("a").multiply(sum("a")).minus(min("a")), name: "((sum(a) * sum(a)) - min(a))", value: (g) => (g.sumA === null ? null : g.sumA * g.sumA - g.minA!) },
  { column: countDistinct("a").plus(count("*")), name: "(count(DISTINCT a) + count(1))", value: (g) => g.distinctA.size + g.rows },
  { column: when(sum("a").gt(0), "up").otherwise("down"), name: "CASE WHEN (sum(a) > 0) THEN up ELSE down END", value: (g) => (g.sumA !== null && g.sumA > 0 ? "up" : "down") },
  { column: lit(7), name: "7", value: () => 7 },
];

const KEYED = { column: col("k").plus(sum("a")), name: "(k + sum(a))", value: (g: Acc, k: number | null) => (k === null || g.sumA === null ? null : k + g.sumA) };

describe("agg() and select() of aggregate expressions: answers against a plain-JS reference (3 partitions, 2 shuffle partitions)", () => {
  let spark: SparkSession;
  let df: DataFrame;
  const data = rows();
  beforeAll(async () => {
    spark = await SparkSession.builder().appName("aggregate-expressions").master("local[1]").config("spark.default.parallelism", 3).config("spark.sql.shuffle.partitions", 2).getOrCreate();
    df = spark.createDataFrame(data.map((r) => [r.k, r.a, r.b, r.x]), "k INT, a INT, b INT, x DOUBLE");
  });
  afterAll(() => spark.stop());

  it("groupBy(k).agg(expressions) per group, with Spark's names", async () => {
    const cases = [...CASES, KEYED];
    const result = df.groupBy("k").agg(...cases.map((c) => c.column));
    expect(await result.columns()).toEqual(["k", ...cases.map((c) => c.name)]);
    const groups = new Map<number | null, Row[]>();
    for (const r of data) groups.set(r.k, [...(groups.get(r.k) ?? []), r]);
    const expected = [...groups].map(([k, group]) => {
      const acc = accumulate(group);
      return [k, ...cases.map((c) => c.value(acc, k))];
    });
    const actual = (await result.collect()).map((row) => ["k", ...cases.map((c) => c.name)].map((n) => row[n]!));
    const byKey = (r: readonly unknown[]) => (r[0] === null ? -1 : (r[0] as number));
    expect(actual.sort((p, q) => byKey(p) - byKey(q))).toEqual(expected.sort((p, q) => byKey(p) - byKey(q)));
  });

  it("df.agg and df.select of aggregate expressions: one row, over all rows and over none", async () => {
    const all = accumulate(data);
    for (const frame of [df, df.filter(col("k").gt(100))]) {
      const acc = frame === df ? all : accumulate([]);
      const expected = CASES.map((c) => c.value(acc, null));
      const viaAgg = await frame.agg(...CASES.map((c) => c.column)).collect();
      const viaSelect = await frame.select(...CASES.map((c) => c.column)).collect();
      for (const out of [viaAgg, viaSelect]) {
        expect(out).toHaveLength(1);
        expect(CASES.map((c) => out[0]![c.name])).toEqual(expected);
      }
    }
  });

  it("refuses a bare column beside an aggregate in select(), and an aggregate in withColumn()", async () => {
    await expect(df.select(sum("a"), col("b")).collect()).rejects.toThrow(/select: b is not an aggregate function .*\[MISSING_GROUP_BY\]/);
    await expect(df.groupBy("k").agg(col("a").plus(sum("b"))).collect()).rejects.toThrow(/reads column "a" outside .*\[MISSING_AGGREGATION\]/);
    expect(() => df.withColumn("s", sum("a").plus(1))).toThrow(/^withColumn\("s", \(sum\(a\) \+ 1\)\): an aggregate gives one value per group, not one per row \[MISSING_GROUP_BY\]\. Compute it with agg\(\)/);
  });
});
