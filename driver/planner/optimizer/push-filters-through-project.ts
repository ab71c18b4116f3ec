/**
 * Filter(c, Project(columns)) → Project(columns, Filter(c', input)) when the projection only
 * picks and renames columns (c' reads the input's names): the filter then meets what lies
 * below, such as the joins a renaming projection sits on (a subquery's sides, separated by
 * driver/planner/references.ts), where its equalities become join keys.
 */
import { column, transformExpr, type Expr } from "../../../shared/plan/expr.ts";
import { transformUp, type Rule } from "./rule.ts";
import type { LogicalPlan } from "../../../shared/plan/logical.ts";

/** The input column an output column is, for a projection of columns and renamed columns (undefined for any other projection). */
export function renames(exprs: readonly Expr[]): Map<string, string> | undefined {
  const map = new Map<string, string>();
  for (const e of exprs) {
    if (e.kind === "column") map.set(e.name, e.name);
    else if (e.kind === "alias" && e.expr.kind === "column") map.set(e.name, e.expr.name);
    else return undefined;
  }
  return map;
}

function pushThrough(node: LogicalPlan): LogicalPlan | undefined {
  if (node.kind !== "filter" || node.input.kind !== "project") return undefined;
  const p = node.input;
  const map = renames(p.exprs);
  if (!map) return undefined;
  const condition = transformExpr(node.condition, (e) => (e.kind === "column" && map.has(e.name) ? column(map.get(e.name)!) : undefined));
  return { ...p, input: { kind: "filter", input: p.input, condition } };
}

export const pushFiltersThroughProject: Rule = {
  name: "PushFiltersThroughProject",
  rewrite: (plan) => transformUp(plan, pushThrough),
};
