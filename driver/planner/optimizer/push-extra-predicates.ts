/**
 * Spark's PushExtraPredicateThroughJoin: a disjunction above an inner join that reads both
 * sides, each branch of which holds a condition on one side, implies the disjunction of those
 * conditions on that side, which can filter it before the join. TPC-H Q07's `(n1.n_name =
 * 'FRANCE' AND n2.n_name = 'GERMANY') OR (n1.n_name = 'GERMANY' AND n2.n_name = 'FRANCE')`
 * lets each nation scan keep FRANCE and GERMANY only. The disjunction itself stays where it
 * was; the derived filter goes onto the side (once: a side that a filter with it already
 * covers is left alone), and the other rules push it down to the scan.
 */
import { binary, conjunction, conjuncts, exprName, referencedColumns, type Expr } from "../../../shared/plan/expr.ts";
import { schemaOf, type LogicalPlan } from "../../../shared/plan/logical.ts";
import { transformUp, type Rule } from "./rule.ts";

const disjuncts = (e: Expr): Expr[] => (e.kind === "binary" && e.op === "or" ? [...disjuncts(e.left), ...disjuncts(e.right)] : [e]);

/** The disjunction of each branch's conditions on `names` alone, when every branch has one. */
function implied(or: Expr, names: ReadonlySet<string>): Expr | undefined {
  const parts: Expr[] = [];
  for (const branch of disjuncts(or)) {
    const own = conjuncts(branch).filter((c) => {
      const refs = [...referencedColumns(c)];
      return refs.length > 0 && refs.every((n) => names.has(n));
    });
    if (own.length === 0) return undefined;
    parts.push(conjunction(own));
  }
  return parts.reduce((a, b) => binary("or", a, b));
}

/** Whether the side's filters already say `e` (this rule's own, on an earlier pass, or one pushed from it). */
function says(side: LogicalPlan, e: Expr): boolean {
  const text = exprName(e);
  for (let p = side; ; p = p.input) {
    if (p.kind === "filter" && conjuncts(p.condition).some((c) => exprName(c) === text)) return true;
    if (p.kind === "scan") return p.pushedFilters.some((c) => conjuncts(c).some((x) => exprName(x) === text));
    if (p.kind !== "filter" && p.kind !== "project") return false;
  }
}

function derive(join: Extract<LogicalPlan, { kind: "join" }>, conditions: readonly Expr[]): Extract<LogicalPlan, { kind: "join" }> | undefined {
  if (join.how !== "inner") return undefined;
  const ors = conditions.filter((c) => c.kind === "binary" && c.op === "or");
  if (ors.length === 0) return undefined;
  const sides = [join.left, join.right].map((side) => {
    const names = new Set(schemaOf(side).fields.map((f) => f.name));
    const extra = ors.flatMap((or) => {
      // Only a disjunction that reads both sides: one on a single side is pushed as it is.
      if ([...referencedColumns(or)].every((n) => names.has(n))) return [];
      const e = implied(or, names);
      return e && !says(side, e) ? [e] : [];
    });
    return extra.length ? ({ kind: "filter", input: side, condition: conjunction(extra) } as LogicalPlan) : side;
  });
  return sides[0] === join.left && sides[1] === join.right ? undefined : { ...join, left: sides[0]!, right: sides[1]! };
}

export const pushExtraPredicates: Rule = {
  name: "PushExtraPredicateThroughJoin",
  rewrite: (plan) =>
    transformUp(plan, (node) => {
      if (node.kind === "filter" && node.input.kind === "join") {
        const join = derive(node.input, conjuncts(node.condition));
        return join && { ...node, input: join };
      }
      return node.kind === "join" && node.condition ? derive(node, conjuncts(node.condition)) : undefined;
    }),
};
