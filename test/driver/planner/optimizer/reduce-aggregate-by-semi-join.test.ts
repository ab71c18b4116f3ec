/**
 * EliminateOuterJoins and ReduceAggregateBySemiJoin on TPC-H Q17's shape, built by hand as
 * the SQL text's decorrelated subquery is: `lineitem ⋈ part(filtered)` left-joined with
 * `avg(l_quantity)` of lineitem grouped by part, under `l_quantity < 0.2 * avg`. The filter
 * rejects the padded rows (a null average), so the join is inner; the groups that can meet
 * a row are those of the filtered parts, so the aggregate reads lineitem semi-joined with
 * them. The expected plans are written out by hand; the answers of the rewritten TPC-H
 * queries are checked against DuckDB in test/bench/tpch.test.ts.
 */
import { describe, expect, it } from "vitest";
import { alias, binary, column, literal, type Expr } from "../../../../shared/plan/expr.ts";
import { aggregate, filter, join, project, type LogicalPlan } from "../../../../shared/plan/logical.ts";
import { explainLogical } from "../../../../driver/planner/explain.ts";
import { parquetTable } from "../../../support/parquet-table.ts";
import { optimize } from "../../../../driver/planner/optimizer/index.ts";

const table = parquetTable;

const lineitem = table("lineitem", ["l_partkey", "l_quantity", "l_price"], 6_000_000);
const lineitem2 = project(table("lineitem", ["l_partkey", "l_quantity", "l_price"], 6_000_000), [alias(column("l_partkey"), "l_partkey#2"), alias(column("l_quantity"), "l_quantity#2")]);
const part = filter(table("part", ["p_partkey", "p_brand"], 200_000), binary("eq", column("p_brand"), literal(23)));
const averages = aggregate(lineitem2, [alias(column("l_partkey#2"), "key")], [alias({ kind: "agg", fn: "avg", arg: column("l_quantity#2") }, "avg_quantity")]);
const lines = join(lineitem, part, "inner", [column("l_partkey")], [column("p_partkey")], null);

const q17 = (how: "left" | "inner", condition: Expr) =>
  aggregate(filter(join(lines, averages, how, [column("p_partkey")], [column("key")], null), condition), [], [alias({ kind: "agg", fn: "sum", arg: column("l_price") }, "total")]);
const planLines = (plan: LogicalPlan) => explainLogical(plan).split("\n").map((l) => l.trim().replace(/^\+- /, ""));

describe("a decorrelated aggregate subquery", () => {
  it("is an inner join when the filter above rejects its nulls, and aggregates only the rows of groups that can match", () => {
    const plan = optimize(q17("left", binary("lt", column("l_quantity"), binary("multiply", literal(0.2), column("avg_quantity")))));
    const text = planLines(plan);
    expect(text.filter((l) => l.startsWith("Join"))).toEqual(["Join inner [p_partkey = key]", "Join inner [l_partkey = p_partkey]", "Join semi [l_partkey = p_partkey]"]);
    // Below the aggregate: lineitem semi-joined with the filtered part's key (pushed below the renaming projection).
    expect(text.slice(text.indexOf("Aggregate [key] [avg_quantity]"))).toEqual([
      "Aggregate [key] [avg_quantity]",
      "Project [l_partkey#2, l_quantity#2]",
      "Join semi [l_partkey = p_partkey]",
      "Scan parquet 1 file(s) [l_partkey, l_quantity]",
      "Project [p_partkey]",
      "Scan parquet 1 file(s) [p_partkey, p_brand] PushedFilters: [(p_brand = 23)]",
    ]);
  });

  it("stays a left join under a filter that keeps padded rows", () => {
    const plan = optimize(q17("left", binary("or", binary("lt", column("l_quantity"), column("avg_quantity")), { kind: "unary", op: "isNull", expr: column("avg_quantity") })));
    const joins = planLines(plan).filter((l) => l.startsWith("Join"));
    expect(joins[0]).toBe("Join left [p_partkey = key]");
    // A left join keeps every group's rows to pad: no reduction below it.
    expect(joins.some((l) => l.startsWith("Join semi"))).toBe(false);
  });

  it("is not reduced when the other side's key comes from an unfiltered input, or the aggregate already joins the filtered one", () => {
    // Keyed by l_partkey of lineitem ⋈ part: the equality reaches the filtered part all the same.
    const byLineitem = join(lines, averages, "inner", [column("l_partkey")], [column("key")], null);
    expect(planLines(optimize(byLineitem)).some((l) => l.startsWith("Join semi"))).toBe(true);
    // Without part, lineitem's key has no filtered origin.
    const unfiltered = join(lineitem, averages, "inner", [column("l_partkey")], [column("key")], null);
    expect(planLines(optimize(unfiltered)).some((l) => l.startsWith("Join semi"))).toBe(false);
    // The DataFrame program's shape: the aggregate's input joins part already.
    const joined = aggregate(join(lineitem2, part, "inner", [column("l_partkey#2")], [column("p_partkey")], null), [alias(column("l_partkey#2"), "key")], [alias({ kind: "agg", fn: "avg", arg: column("l_quantity#2") }, "avg_quantity")]);
    const program = join(lines, joined, "inner", [column("p_partkey")], [column("key")], null);
    expect(planLines(optimize(program)).some((l) => l.startsWith("Join semi"))).toBe(false);
  });
});
