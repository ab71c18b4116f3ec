/**
 * PullOutCommonConjuncts: (a AND b) OR (a AND c) → a AND (b OR c), and a join's equalities
 * (in its condition, or in a filter over an inner join) become hash keys. In a job, TPC-H Q19's
 * shape (the join key repeated in every branch of an OR) runs as a hash join and gives the rows
 * a nested loop over the same data gives, computed here in plain JavaScript.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { col, lit, SparkSession } from "sparkfn";
import { pullOutCommonConjuncts } from "../../../../driver/planner/optimizer/pull-out-common-conjuncts.ts";
import { binary, column, exprName, literal, type Expr } from "../../../../shared/plan/expr.ts";
import { seededRandom } from "../../../../shared/random.ts";

const a = binary("eq", column("l_pk"), column("p_pk"));
const b = binary("gt", column("q"), literal(1));
const c = binary("lt", column("q"), literal(9));
const d = binary("eq", column("brand"), literal("X"));
const and = (...xs: Expr[]) => xs.reduce((x, y) => binary("and", x, y));
const or = (...xs: Expr[]) => xs.reduce((x, y) => binary("or", x, y));

describe("pulling common conjuncts out of an OR", () => {
  it("rewrites (a AND b) OR (a AND c) as a AND (b OR c), across three branches and in any order", () => {
    expect(exprName(pullOutCommonConjuncts(or(and(a, b), and(c, a))))).toBe(exprName(and(a, or(b, c))));
    expect(exprName(pullOutCommonConjuncts(or(and(a, b, d), and(d, c, a), and(a, d))))).toBe(exprName(and(a, d)));
    expect(exprName(pullOutCommonConjuncts(and(b, or(and(a, c), and(a, d)))))).toBe(exprName(and(b, a, or(c, d))));
  });

  it("keeps an OR whose branches share nothing, as the same object", () => {
    const e = or(and(a, b), and(c, d));
    expect(pullOutCommonConjuncts(e)).toBe(e);
    expect(pullOutCommonConjuncts(b)).toBe(b);
  });
});

describe("in a job", () => {
  let spark: SparkSession;
  beforeAll(async () => {
    spark = await SparkSession.builder().master("local[2]").config("spark.sql.autoBroadcastJoinThreshold", "-1").getOrCreate();
  });
  afterAll(() => spark.stop());

  const random = seededRandom(19);
  const lineitem = Array.from({ length: 400 }, (_, i) => ({ l_pk: Math.floor(random() * 50), qty: Math.floor(random() * 30), id: i }));
  const part = Array.from({ length: 50 }, (_, pk) => ({ p_pk: pk, brand: ["X", "Y", "Z"][pk % 3]!, size: pk % 7 }));
  const branches = [
    (l: (typeof lineitem)[number], p: (typeof part)[number]) => l.l_pk === p.p_pk && p.brand === "X" && l.qty >= 1 && l.qty <= 11 && p.size <= 5,
    (l: (typeof lineitem)[number], p: (typeof part)[number]) => l.l_pk === p.p_pk && p.brand === "Y" && l.qty >= 10 && l.qty <= 20 && p.size <= 3,
  ];
  const expected = lineitem.flatMap((l) => part.filter((p) => branches.some((f) => f(l, p))).map((p) => `${l.id}:${p.p_pk}`)).sort();

  const key = col("l_pk").equalTo(col("p_pk"));
  const condition = key
    .and(col("brand").equalTo(lit("X")))
    .and(col("qty").geq(1))
    .and(col("qty").leq(11))
    .and(col("size").leq(5))
    .or(key.and(col("brand").equalTo(lit("Y"))).and(col("qty").geq(10)).and(col("qty").leq(20)).and(col("size").leq(3)));

  it("plans TPC-H Q19's shape as a hash join on the repeated key, as a join condition or as a filter over a cross join", async () => {
    const l = spark.createDataFrame(lineitem, "l_pk INT, qty INT, id INT");
    const p = spark.createDataFrame(part, "p_pk INT, brand STRING, size INT");
    for (const df of [l.join(p, condition), l.crossJoin(p).filter(condition)]) {
      const plan = await df.explain();
      expect(plan).toMatch(/ShuffledHashJoin inner \[l_pk = p_pk\]/);
      expect(plan).not.toMatch(/NestedLoopJoin/);
      const rows = await df.select("id", "p_pk").collect();
      expect(rows.map((r) => `${r.id}:${r.p_pk}`).sort()).toEqual(expected);
    }
    expect(expected.length).toBeGreaterThan(10);
  });
});
