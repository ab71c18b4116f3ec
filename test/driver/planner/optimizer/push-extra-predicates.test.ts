/**
 * PushExtraPredicateThroughJoin on TPC-H Q07's shape, built by hand: nation twice (the second
 * renamed), its names compared in a disjunction above the join of both. Each nation scan
 * gets the disjunction of its own branch conditions, once; the disjunction stays above. A
 * disjunction with a branch that says nothing of a side derives nothing for it.
 */
import { describe, expect, it } from "vitest";
import { alias, binary, column, literal, type Expr } from "../../../../shared/plan/expr.ts";
import { filter, join, project, type LogicalPlan } from "../../../../shared/plan/logical.ts";
import { explainLogical } from "../../../../driver/planner/explain.ts";
import { parquetTable } from "../../../support/parquet-table.ts";
import { optimize } from "../../../../driver/planner/optimizer/index.ts";

const supplier = parquetTable("supplier", ["s_key", "s_nation"], 10_000);
const customer = parquetTable("customer", ["c_key", "c_nation"], 150_000);
const n1 = parquetTable("nation", ["n_key", "n_name"], 25);
const n2 = project(parquetTable("nation", ["n_key", "n_name"], 25), [alias(column("n_key"), "n_key#2"), alias(column("n_name"), "n_name#2")]);
// The names as codes (the helper's columns are longs): FRANCE 6, GERMANY 7.
const [FRANCE, GERMANY] = [6, 7];
const is = (c: string, v: number): Expr => binary("eq", column(c), literal(v));
const and = (a: Expr, b: Expr) => binary("and", a, b);
const or = (a: Expr, b: Expr) => binary("or", a, b);

const pairs = (which: Expr): LogicalPlan =>
  filter(
    join(join(join(supplier, n1, "inner", [column("s_nation")], [column("n_key")], null), customer, "inner", [], [], null), n2, "inner", [column("c_nation")], [column("n_key#2")], null),
    which,
  );
const scans = (plan: LogicalPlan) =>
  explainLogical(plan)
    .split("\n")
    .map((l) => l.trim().replace(/^\+- /, ""))
    .filter((l) => l.startsWith("Scan parquet 1 file(s) [n_key, n_name]"));

describe("a disjunction over two sides of a join", () => {
  it("filters each side by its own branches' conditions, and stays above", () => {
    const plan = optimize(pairs(or(and(is("n_name", FRANCE), is("n_name#2", GERMANY)), and(is("n_name", GERMANY), is("n_name#2", FRANCE)))));
    expect(scans(plan).sort()).toEqual([
      "Scan parquet 1 file(s) [n_key, n_name] PushedFilters: [((n_name = 6) OR (n_name = 7))]",
      "Scan parquet 1 file(s) [n_key, n_name] PushedFilters: [((n_name = 7) OR (n_name = 6))]",
    ]);
    expect(explainLogical(plan)).toMatch(/\(\(\(n_name = 6\) AND \(n_name#2 = 7\)\) OR \(\(n_name = 7\) AND \(n_name#2 = 6\)\)\)/);
  });

  it("derives nothing for a side one branch says nothing of", () => {
    const plan = optimize(pairs(or(and(is("n_name", FRANCE), is("n_name#2", GERMANY)), is("n_name", GERMANY))));
    expect(scans(plan).sort()).toEqual([
      "Scan parquet 1 file(s) [n_key, n_name]",
      "Scan parquet 1 file(s) [n_key, n_name] PushedFilters: [((n_name = 6) OR (n_name = 7))]",
    ]);
  });
});
