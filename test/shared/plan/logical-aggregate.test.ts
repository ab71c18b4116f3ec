/** The aggregate plan's checks (shared/plan/logical.ts): only aggregates, and none inside another, in any argument. */
import { describe, expect, it } from "vitest";
import { aggregate } from "../../../shared/plan/logical.ts";
import type { Expr } from "../../../shared/plan/expr.ts";
import type { LogicalPlan } from "../../../shared/plan/logical.ts";

const input: LogicalPlan = { kind: "localRelation", schema: { fields: [{ name: "a", type: "double", nullable: true }, { name: "b", type: "double", nullable: true }] }, rows: [], numPartitions: 1 };
const col = (name: string): Expr => ({ kind: "column", name });
const agg = (fn: string, arg: Expr | null, args?: Expr[]): Expr => ({ kind: "agg", fn, arg, ...(args ? { args } : {}) }) as Expr;

describe("aggregate()", () => {
  it("refuses a plain expression, naming it and saying what an aggregate is", () => {
    expect(() => aggregate(input, [], [col("a")])).toThrow(/agg: a is not an aggregate function \(such as sum, count/);
  });

  it("refuses an aggregate inside an aggregate, in the first argument or a later one", () => {
    expect(() => aggregate(input, [], [agg("sum", agg("max", col("a")))])).toThrow(/nests an aggregate in an aggregate/);
    expect(() => aggregate(input, [], [agg("corr", col("a"), [agg("sum", col("b"))])])).toThrow(/nests an aggregate in an aggregate/);
    expect(aggregate(input, [], [agg("corr", col("a"), [col("b")])]).kind).toBe("aggregate");
  });
});
