/**
 * An inner join with a grouped aggregate on one side keeps only the groups whose key the
 * other side has; when the other side's key equals a column of a filtered input (a scan
 * with pushed filters, directly or through the equalities of its inner joins), the
 * aggregate's input is first semi-joined with that input's column, so the rows of groups
 * that cannot match are never aggregated. This is Spark's runtime-filter semi-join reduction
 * (InjectRuntimeFilter) decided at planning: TPC-H Q17's correlated `avg(l_quantity)` over
 * lineitem grouped by part is computed for the parts Brand#23 in MED BOX only, as a
 * DataFrame program that joins part before grouping does. The filtered input must be
 * estimated smaller than the aggregate's input, and not already be joined into it (its
 * column is not among the input's).
 */
import { column, type Expr } from "../../../shared/plan/expr.ts";
import { inputsOf, join, project, schemaOf, withInputs, type LogicalPlan } from "../../../shared/plan/logical.ts";
import { estimateRows } from "../row-count.ts";
import { transformUp, type Rule } from "./rule.ts";

type Aggregate = Extract<LogicalPlan, { kind: "aggregate" }>;

const names = (p: LogicalPlan) => new Set(schemaOf(p).fields.map((f) => f.name));
const columnName = (e: Expr) => (e.kind === "column" ? e.name : undefined);

/**
 * The aggregate below projections that pass column `name` through (as it is or renamed), the
 * name it has at the aggregate, and how to put a new aggregate in its place.
 */
function aggregateBelow(p: LogicalPlan, name: string): { agg: Aggregate; name: string; rebuild: (a: LogicalPlan) => LogicalPlan } | undefined {
  if (p.kind === "aggregate") return { agg: p, name, rebuild: (a) => a };
  if (p.kind !== "project") return undefined;
  const e = p.exprs.find((x) => (x.kind === "column" || x.kind === "alias") && x.name === name);
  const source = e?.kind === "alias" ? e.expr : e;
  if (source?.kind !== "column") return undefined;
  const below = aggregateBelow(p.input, source.name);
  return below && { ...below, rebuild: (a) => withInputs(p, [below.rebuild(a)]) };
}

/** The input column a grouping output `name` is (`k` or `c AS k`), if it is one. */
function groupingColumn(agg: Aggregate, name: string): string | undefined {
  for (const g of agg.groupBy) {
    if (g.kind === "column" && g.name === name) return name;
    if (g.kind === "alias" && g.name === name && g.expr.kind === "column") return g.expr.name;
  }
  return undefined;
}

/** Names equal to `name` in a tree of inner joins (their keys), and `name` itself. */
function equalNames(plan: LogicalPlan, name: string): Set<string> {
  const pairs: [string, string][] = [];
  const collect = (p: LogicalPlan): void => {
    if (p.kind === "join" && p.how === "inner") p.leftKeys.forEach((k, i) => {
      const [a, b] = [columnName(k), columnName(p.rightKeys[i]!)];
      if (a && b) pairs.push([a, b]);
    });
    if ((p.kind === "join" && p.how === "inner") || p.kind === "filter" || p.kind === "project") inputsOf(p).forEach(collect);
  };
  collect(plan);
  const found = new Set([name]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [a, b] of pairs) if (found.has(a) !== found.has(b)) (found.add(a), found.add(b), (grew = true));
  }
  return found;
}

/** The filtered input (a scan with pushed filters, or a filter over a scan) column `name` comes from. */
function filteredOrigin(plan: LogicalPlan, name: string): LogicalPlan | undefined {
  if (plan.kind === "scan") return plan.pushedFilters.length ? plan : undefined;
  if (plan.kind === "filter" && plan.input.kind === "scan") return plan;
  if (plan.kind === "filter" || (plan.kind === "project" && plan.exprs.some((e) => e.kind === "column" && e.name === name))) return filteredOrigin(plan.input, name);
  if (plan.kind === "join" && plan.how === "inner") {
    const side = [plan.left, plan.right].find((s) => names(s).has(name));
    return side && filteredOrigin(side, name);
  }
  return undefined;
}

/** Whether a semi join on `name` already reduces the input (this rule's own on an earlier pass, wherever later rules moved it). */
function reducedBy(plan: LogicalPlan, name: string): boolean {
  return (plan.kind === "join" && plan.how === "semi" && plan.rightKeys.some((k) => columnName(k) === name)) || inputsOf(plan).some((p) => reducedBy(p, name));
}

/** The aggregate side's replacement, its input semi-joined with the other side's filtered input, if one fits. */
function reduce(aggSide: LogicalPlan, aggKeys: readonly Expr[], other: LogicalPlan, otherKeys: readonly Expr[]): LogicalPlan | undefined {
  for (let i = 0; i < aggKeys.length; i++) {
    const [a, o] = [columnName(aggKeys[i]!), columnName(otherKeys[i]!)];
    const found = a && o ? aggregateBelow(aggSide, a) : undefined;
    const grouped = found && groupingColumn(found.agg, found.name);
    if (!found || !grouped) continue;
    const { agg, rebuild } = found;
    const [inputRows, inputNames] = [estimateRows(agg.input), names(agg.input)];
    for (const name of equalNames(other, o!)) {
      const origin = filteredOrigin(other, name);
      const rows = origin && estimateRows(origin);
      if (!origin || rows === undefined || inputRows === undefined || rows >= inputRows) continue;
      // Already joined into the input (its columns are there), or already reducing it.
      if (inputNames.has(name) || reducedBy(agg.input, name)) continue;
      return rebuild({ ...agg, input: join(agg.input, project(origin, [column(name)]), "semi", [column(grouped)], [column(name)], null) });
    }
  }
  return undefined;
}

export const reduceAggregateBySemiJoin: Rule = {
  name: "ReduceAggregateBySemiJoin",
  rewrite: (plan) =>
    transformUp(plan, (node) => {
      if (node.kind !== "join" || node.how !== "inner" || node.leftKeys.length === 0) return undefined;
      const right = reduce(node.right, node.rightKeys, node.left, node.leftKeys);
      if (right) return { ...node, right };
      const left = reduce(node.left, node.leftKeys, node.right, node.rightKeys);
      return left ? { ...node, left } : undefined;
    }),
};
