/**
 * Filter(c, Join) → the parts of c that read only one side move below the join, onto that
 * side, where they cut rows before the shuffle. Only where it keeps the result the same:
 * an outer join's padded side must not be filtered before the join.
 */
import { conjunction, conjuncts, referencedColumns, type Expr } from "../../../shared/plan/expr.ts";
import { schemaOf, type LogicalPlan } from "../../../shared/plan/logical.ts";
import { transformUp, type Rule } from "./rule.ts";


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
    left: toLeft.length ? { kind: "filter", input: j.left, condition: conjunction(toLeft) } : j.left,
    right: toRight.length ? { kind: "filter", input: j.right, condition: conjunction(toRight) } : j.right,
  };
  return keep.length ? { kind: "filter", input: joined, condition: conjunction(keep) } : joined;
}

/**
 * A join condition's conjuncts that read one side only filter that side first, where that
 * keeps the result: the right side's for inner, left, semi and anti joins (a right row that
 * fails them can never match), the left side's for inner, right and semi joins. A subquery's
 * own predicates (`x NOT IN (SELECT s_suppkey FROM supplier WHERE s_comment LIKE ...)`, TPC-H
 * Q16) then cut the subquery's rows before the nested loop instead of inside it.
 */
function pushConditionDown(node: LogicalPlan): LogicalPlan | undefined {
  if (node.kind !== "join" || !node.condition) return undefined;
  const leftNames = new Set(schemaOf(node.left).fields.map((f) => f.name));
  const rightNames = new Set(schemaOf(node.right).fields.map((f) => f.name));
  const canLeft = node.how === "inner" || node.how === "right" || node.how === "semi";
  const canRight = node.how === "inner" || node.how === "left" || node.how === "semi" || node.how === "anti";
  const toLeft: Expr[] = [];
  const toRight: Expr[] = [];
  const keep: Expr[] = [];
  for (const c of conjuncts(node.condition)) {
    const refs = [...referencedColumns(c)];
    if (canLeft && refs.length > 0 && refs.every((n) => leftNames.has(n) && !rightNames.has(n))) toLeft.push(c);
    else if (canRight && refs.length > 0 && refs.every((n) => rightNames.has(n) && !leftNames.has(n))) toRight.push(c);
    else keep.push(c);
  }
  if (toLeft.length === 0 && toRight.length === 0) return undefined;
  return {
    ...node,
    left: toLeft.length ? { kind: "filter", input: node.left, condition: conjunction(toLeft) } : node.left,
    right: toRight.length ? { kind: "filter", input: node.right, condition: conjunction(toRight) } : node.right,
    condition: keep.length ? conjunction(keep) : null,
  };
}

export const pushFiltersBelowJoin: Rule = {
  name: "PushFiltersBelowJoin",
  rewrite: (plan) => transformUp(plan, (node) => pushDown(node) ?? pushConditionDown(node)),
};
