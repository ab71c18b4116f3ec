/**
 * Window expressions out of a projection (Spark's ExtractWindowExpressions): every window
 * function of select()/withColumn() becomes a column of a logical `window` node, one node per
 * distinct (PARTITION BY, ORDER BY), chained over the input; the projection on top reads those
 * columns. Anywhere else (filter, groupBy, agg, orderBy) a window function is refused.
 */
import { alias, column, containsWindow, exprName, transformExpr, type Expr, type ExprOf } from "../../shared/plan/expr.ts";
import { project, schemaOf, type LogicalPlan } from "../../shared/plan/logical.ts";
import { AnalysisError, typeOf } from "../../shared/plan/resolve.ts";

const unaliased = (e: Expr) => (e.kind === "alias" ? e.expr : e);

/** `project(input, exprs)`, with the window functions among `exprs` computed by window nodes below it. */
export function projectWithWindows(input: LogicalPlan, exprs: readonly Expr[]): LogicalPlan {
  if (!exprs.some(containsWindow)) return project(input, exprs);
  const schema = schemaOf(input);
  const taken = new Set([...schema.fields.map((f) => f.name), ...exprs.map(exprName)]);
  /** Per window spec (PARTITION BY, ORDER BY): its functions, named. */
  const specs = new Map<string, { spec: NonNullable<ExprOf<"window">["spec"]>; functions: Expr[] }>();
  const named = new Map<string, string>();
  const hidden = (w: ExprOf<"window">, preferred: string | undefined): string => {
    typeOf(w, schema); // refuses a window function without .over(), a wrong frame, a bad argument
    const key = JSON.stringify(w);
    const known = named.get(key);
    if (known !== undefined) return known;
    let name = preferred ?? exprName(w);
    for (let n = 0; preferred === undefined && taken.has(name); n++) name = `${exprName(w)}#${n}`;
    taken.add(name);
    named.set(key, name);
    const spec = w.spec!;
    const specKey = JSON.stringify([spec.partitionBy, spec.orderBy]);
    const entry = specs.get(specKey) ?? { spec, functions: [] };
    entry.functions.push(alias(w, name));
    specs.set(specKey, entry);
    return name;
  };
  const outputs = exprs.map((e) => {
    const inner = unaliased(e);
    // A top-level window function is the window node's column of the output's own name.
    if (inner.kind === "window" && !schema.fields.some((f) => f.name === exprName(e))) return column(hidden(inner, exprName(e)));
    const replaced = transformExpr(inner, (node) => (node.kind === "window" ? column(hidden(node, undefined)) : undefined));
    return exprName(replaced) === exprName(e) ? replaced : alias(replaced, exprName(e));
  });
  let plan = input;
  // Specs of the same PARTITION BY next to each other: the second reuses the first's exchange;
  // among them the longest ORDER BY first, so that a spec whose order is a prefix of the one
  // before reuses its sort too (the physical planner's window rule).
  const ordered = [...specs.values()].sort(
    (a, b) => compareText(JSON.stringify(a.spec.partitionBy), JSON.stringify(b.spec.partitionBy)) || b.spec.orderBy.length - a.spec.orderBy.length || compareText(JSON.stringify(a.spec.orderBy), JSON.stringify(b.spec.orderBy)),
  );
  for (const { spec, functions } of ordered) {
    plan = { kind: "window", input: plan, partitionBy: spec.partitionBy, orderBy: spec.orderBy, functions };
    schemaOf(plan);
  }
  return project(plan, outputs);
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Refuses window functions where only select() and withColumn() take them. */
export function refuseWindows(exprs: readonly Expr[], where: string): void {
  const found = exprs.find(containsWindow);
  if (found !== undefined) {
    throw new AnalysisError(`${where}: the window function in ${exprName(found)} is only allowed in select() and withColumn(); compute it there, then use its column.`);
  }
}
