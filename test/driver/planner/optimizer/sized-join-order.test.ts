/**
 * ReorderJoins by estimated sizes, on plans built by hand over Parquet scans whose footers'
 * row counts and integer ranges are given: a star schema (a fact table and three dimension
 * tables, one of them filtered) written in two orders plans one left-deep chain from the fact
 * table, the dimensions after it from the smallest join result up; a key that is not a
 * dimension's key (a low-cardinality column shared by two tables) is not joined before the
 * key that is; the expected orders are worked out in the comments from the estimates of
 * driver/planner/row-count.ts. The physical plan broadcasts the dimensions under the
 * threshold.
 */
import { describe, expect, it } from "vitest";
import { binary, column, literal, type Expr } from "../../../../shared/plan/expr.ts";
import { filter, join, type LogicalPlan } from "../../../../shared/plan/logical.ts";
import { explainLogical, explainStages } from "../../../../driver/planner/explain.ts";
import { parquetTable } from "../../../support/parquet-table.ts";
import { optimize } from "../../../../driver/planner/optimizer/index.ts";
import { planStages } from "../../../../driver/planner/physical-planner.ts";
import { estimateDistinct, estimateRows, selectivity } from "../../../../driver/planner/row-count.ts";

const table = parquetTable;

const eq = (a: string, b: string): Expr => binary("eq", column(a), column(b));
const inner = (l: LogicalPlan, r: LogicalPlan, on: Expr | null = null) => join(l, r, "inner", [], [], on);

// sales: 1,000,000 rows; product 10,000 (keys 1..10,000); store 100 (keys 1..100, region 1..5); day 365, filtered to 1/3.
const sales = table("sales", ["s_product", "s_store", "s_day", "s_amount"], 1_000_000, 40_000_000, { s_product: 10_000, s_store: 100, s_day: 365 });
const product = table("product", ["p_key", "p_brand"], 10_000, 400_000, { p_key: 10_000 });
const store = table("store", ["st_key", "st_region"], 100, 4_000, { st_key: 100, st_region: 5 });
const day = table("day", ["d_key", "d_year"], 365, 8_000, { d_key: 365 });
const recentDays = filter(day, binary("gt", column("d_year"), literal(1997)));

const joinLines = (plan: LogicalPlan) =>
  explainLogical(plan)
    .split("\n")
    .map((l) => l.trim().replace(/^\+- /, ""))
    .filter((l) => /^(Join|Scan)/.test(l))
    .map((l) => l.replace(/ PushedFilters.*$/, "").replace(/^Scan parquet 1 file\(s\) /, "Scan "));

describe("estimates", () => {
  it("guesses selectivities from a condition's shape and bounds distinct values by footer ranges and rows", () => {
    expect(selectivity(binary("eq", column("a"), literal(1)))).toBeCloseTo(0.1);
    expect(selectivity(binary("and", binary("gt", column("a"), literal(1)), binary("eq", column("b"), literal(2))))).toBeCloseTo(1 / 30);
    expect(selectivity(binary("or", binary("eq", column("a"), literal(1)), binary("eq", column("a"), literal(2))))).toBeCloseTo(0.19);
    expect(estimateRows(recentDays)).toBeCloseTo(365 / 3);
    expect(estimateRows(join(sales, product, "inner", [column("s_product")], [column("p_key")], null))).toBe(1_000_000);
    // The range bounds the distinct values; the filtered rows bound them too.
    expect(estimateDistinct(store, "st_region")).toBe(5);
    expect(estimateDistinct(recentDays, "d_key")).toBeCloseTo(365 / 3);
    expect(estimateDistinct(product, "p_brand")).toBe(10_000);
  });
});

describe("joins ordered by estimated sizes", () => {
  // Written from the smallest table out, as a comma join would list them.
  const written = filter(
    inner(inner(inner(store, recentDays, null), product, null), sales, null),
    binary("and", binary("and", eq("s_store", "st_key"), eq("s_day", "d_key")), eq("s_product", "p_key")),
  );
  // The same query as a DataFrame program would chain it, from the fact table.
  const chained = inner(inner(inner(sales, product, eq("s_product", "p_key")), store, eq("s_store", "st_key")), recentDays, eq("s_day", "d_key"));

  // From sales (the largest), each join's estimate is 1,000,000 × rows / max(distinct keys):
  // day 1,000,000 × 121.7 / 365 = 333,333; store 1,000,000 × 100 / 100 = 1,000,000; product the same.
  // day first (fewest rows out); then store (100 rows) before product (10,000 rows) on the tie.
  const expected = [
    "Join inner [s_product = p_key]",
    "Join inner [s_store = st_key]",
    "Join inner [s_day = d_key]",
    "Scan [s_product, s_store, s_day, s_amount]",
    "Scan [d_key, d_year]",
    "Scan [st_key, st_region]",
    "Scan [p_key, p_brand]",
  ];

  it("plans one left-deep chain from the fact table, the smallest join result next", () => {
    expect(joinLines(optimize(written))).toEqual(expected);
  });

  it("reaches the same plan from the order a program wrote", () => {
    expect(joinLines(optimize(chained))).toEqual(expected);
  });

  it("broadcasts the dimensions under the threshold and streams the fact table", () => {
    const stages = explainStages(planStages(optimize(written), { shufflePartitions: 4, autoBroadcastJoinThreshold: 1_000_000 }));
    expect(stages.match(/BroadcastHashJoin inner BuildRight/g)?.length).toBe(3);
    expect(stages).not.toMatch(/ShuffledHashJoin/);
  });

  it("does not join on a shared low-cardinality column before the key that joins a dimension", () => {
    // customer (50,000 rows, region 1..5) meets sales by its key and store by region: joining
    // customer to sales ⋈ store on region alone would give 1,000,000 × 50,000 / 5 rows.
    const customer = table("customer", ["c_key", "c_region"], 50_000, 2_000_000, { c_key: 50_000, c_region: 5 });
    const sales2 = table("sales2", ["x_customer", "x_store", "x_amount"], 1_000_000, 40_000_000, { x_customer: 50_000, x_store: 100 });
    const plan = filter(
      inner(inner(store, customer, null), sales2, null),
      binary("and", binary("and", eq("x_store", "st_key"), eq("c_region", "st_region")), eq("x_customer", "c_key")),
    );
    // From sales2: store gives 1,000,000 × 100 / 100, customer 1,000,000 × 50,000 / 50,000: a tie, store is smaller.
    // Then customer joins on both keys (its key, and the region as a condition of the same join).
    expect(joinLines(optimize(plan))).toEqual([
      "Join inner [x_customer = c_key, st_region = c_region]",
      "Join inner [x_store = st_key]",
      "Scan [x_customer, x_store, x_amount]",
      "Scan [st_key, st_region]",
      "Scan [c_key, c_region]",
    ]);
  });

  it("keeps a written order when an input's size is unknown and every join has keys", () => {
    const csv: LogicalPlan = { ...sales, source: { ...(sales as Extract<LogicalPlan, { kind: "scan" }>).source, format: "csv", rowCount: undefined } } as LogicalPlan;
    const plan = inner(inner(csv, store, eq("s_store", "st_key")), product, eq("s_product", "p_key"));
    expect(joinLines(optimize(plan)).slice(0, 2)).toEqual(["Join inner [s_product = p_key]", "Join inner [s_store = st_key]"]);
    expect(estimateRows(csv)).toBeUndefined();
  });
});
