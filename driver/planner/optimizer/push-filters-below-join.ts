/**
 * Filter(c, Join) → the parts of c that read only one side move below the join, onto that
 * side, where they cut rows before the shuffle. Only where it keeps the result the same:
 * an outer join's padded side must not be filtered before the join.
 */
import { binary, conjuncts, referencedColumns, type Expr } from "../../../shared/plan/expr.ts";
import { schemaOf, type LogicalPlan } from "../../../shared/plan/logical.ts";
import { transformUp, type Rule } from "./rule.ts";

const and = (parts: readonly Expr[]) => parts.reduce((a, b) => binary("and", a, b));

function pushDown(node: LogicalPlan): LogicalPlan | undefined {
  if (node.kind !== "filter" || node.input.kind !== "join") return undefined;
  const j = node.input;
  const leftNames = new Set(schemaOf(j.left).fields.map((f) => f.name));
  const rightNames = new Set(schemaOf(j.right).fields.map((f) => f.name));
  const canLeft = j.how === "inner" || j.how === "left" || j.how === "semi" || j.how === "anti";
  const canRight = j.how === "inner" || j.how === "right";
  const toLeft: Expr[] = [];
  const toRight: Expr[] = [];
  const keep: Expr[] = [];
  for (const c of conjuncts(node.condition)) {
    const refs = [...referencedColumns(c)];
    if (canLeft && refs.length > 0 && refs.every((n) => leftNames.has(n))) toLeft.push(c);
    else if (canRight && refs.length > 0 && refs.every((n) => rightNames.has(n))) toRight.push(c);
    else keep.push(c);
  }
  if (toLeft.length === 0 && toRight.length === 0) return undefined;
  const joined: LogicalPlan = {
    ...j,
    left: toLeft.length ? { kind: "filter", input: j.left, condition: and(toLeft) } : j.left,
    right: toRight.length ? { kind: "filter", input: j.right, condition: and(toRight) } : j.right,
  };
  return keep.length ? { kind: "filter", input: joined, condition: and(keep) } : joined;
}

export const pushFiltersBelowJoin: Rule = {
  name: "PushFiltersBelowJoin",
  rewrite: (plan) => transformUp(plan, pushDown),
};
