/**
 * (a AND b) OR (a AND c) → a AND (b OR c), in filters and join conditions (Spark's
 * BooleanSimplification does the same), and then a join's `left = right` conjuncts become its
 * hash keys: a query that repeats a join key inside every branch of an OR (TPC-H Q19 as
 * written) is a hash join on that key, not a nested-loop join. A filter over an inner join
 * (or a cross join) gives the join its equalities the same way. When one branch is all common
 * conjuncts, the OR is true whenever they hold, and only they are kept.
 */
import { binary, conjunction, conjuncts, type Expr } from "../../../shared/plan/expr.ts";
import { splitJoinCondition } from "../../../shared/plan/join.ts";
import { schemaOf, type LogicalPlan } from "../../../shared/plan/logical.ts";
import { transformUp, type Rule } from "./rule.ts";


function disjuncts(e: Expr): Expr[] {
  return e.kind === "binary" && e.op === "or" ? [...disjuncts(e.left), ...disjuncts(e.right)] : [e];
}

/** (a AND b) OR (a AND c) → a AND (b OR c); undefined when the branches share no conjunct. */
function pullOut(or: Expr): Expr | undefined {
  const keyed = disjuncts(or).map((d) => new Map(conjuncts(d).map((c) => [JSON.stringify(c), c])));
  const common = [...keyed[0]!.entries()].filter(([k]) => keyed.every((m) => m.has(k)));
  if (common.length === 0) return undefined;
  const commonKeys = new Set(common.map(([k]) => k));
  const rests = keyed.map((m) => [...m.entries()].filter(([k]) => !commonKeys.has(k)).map(([, c]) => c));
  const parts = common.map(([, c]) => c);
  if (rests.some((r) => r.length === 0)) return conjunction(parts);
  return conjunction([...parts, rests.map(conjunction).reduce((a, b) => binary("or", a, b))]);
}

/** The condition with common conjuncts pulled out of each of its OR conjuncts (the same object when there are none). */
export function pullOutCommonConjuncts(condition: Expr): Expr {
  let changed = false;
  const parts = conjuncts(condition).flatMap((c) => {
    const pulled = c.kind === "binary" && c.op === "or" ? pullOut(c) : undefined;
    if (!pulled) return [c];
    changed = true;
    return conjuncts(pulled);
  });
  return changed ? conjunction(parts) : condition;
}

/** A join condition's `left = right` conjuncts added to its keys; the rest stays the condition. */
function withKeys(join: Extract<LogicalPlan, { kind: "join" }>, condition: Expr | null): Extract<LogicalPlan, { kind: "join" }> {
  if (condition === null) return join;
  // Names on one side only: a name both sides have cannot say which side it reads.
  const leftAll = new Set(schemaOf(join.left).fields.map((f) => f.name));
  const rightAll = new Set(schemaOf(join.right).fields.map((f) => f.name));
  const only = (names: Set<string>, other: Set<string>) => new Set([...names].filter((n) => !other.has(n)));
  const { leftKeys, rightKeys, rest } = splitJoinCondition(only(leftAll, rightAll), only(rightAll, leftAll), condition);
  return { ...join, leftKeys: [...join.leftKeys, ...leftKeys], rightKeys: [...join.rightKeys, ...rightKeys], condition: rest };
}

function rewrite(node: LogicalPlan): LogicalPlan | undefined {
  if (node.kind === "join" && node.condition) {
    const pulled = pullOutCommonConjuncts(node.condition);
    const keyed = withKeys(node, pulled);
    return keyed.leftKeys.length !== node.leftKeys.length || pulled !== node.condition ? keyed : undefined;
  }
  if (node.kind !== "filter") return undefined;
  const pulled = pullOutCommonConjuncts(node.condition);
  // Equalities across an inner join's two sides become its keys (both sides' names are distinct in its output).
  if (node.input.kind === "join" && node.input.how === "inner") {
    const join = node.input;
    const keyed = withKeys(join, join.condition ? binary("and", join.condition, pulled) : pulled);
    if (keyed.leftKeys.length > join.leftKeys.length) return keyed.condition === null ? keyed : { kind: "filter", input: { ...keyed, condition: null }, condition: keyed.condition };
  }
  return pulled !== node.condition ? { ...node, condition: pulled } : undefined;
}

export const pullOutCommonConjunctsRule: Rule = {
  name: "PullOutCommonConjuncts",
  rewrite: (plan) => transformUp(plan, rewrite),
};
