/**
 * Join(semi|anti, Join(inner, a, b), s) → the semi (or anti) join moves onto the inner join's
 * side its keys and condition read, as Spark's PushLeftSemiLeftAntiThroughJoin: `WHERE
 * o_orderkey IN (SELECT ...)` over customer ⋈ orders ⋈ lineitem (TPC-H Q18) then cuts orders
 * before the joins instead of filtering their output. Inner joins only (an outer join's padding
 * would change); an anti join only when it is keys alone (NOT IN's null handling is a condition
 * over the whole row and stays where it is). The output keeps its columns and their order.
 * A projection that only picks and renames columns (the SQL builder's, naming IN's value) is
 * passed as Spark's PushLeftSemiLeftAntiThroughProject does: the keys read the input's names.
 */
import { column, referencedColumns, transformExpr, type Expr } from "../../../shared/plan/expr.ts";
import { renames } from "./push-filters-through-project.ts";
import { schemaOf, type LogicalPlan } from "../../../shared/plan/logical.ts";
import { transformUp, type Rule } from "./rule.ts";

type Join = Extract<LogicalPlan, { kind: "join" }>;

/** The columns the semi join reads on its left: its left keys and its condition's left-side names. */
function leftReads(j: Join): Set<string> | undefined {
  const right = new Set(schemaOf(j.right).fields.map((f) => f.name));
  const names = new Set<string>();
  for (const k of j.leftKeys) for (const n of referencedColumns(k)) names.add(n);
  if (j.condition) for (const n of referencedColumns(j.condition)) if (!right.has(n)) names.add(n);
  return names.size > 0 ? names : undefined;
}

/** Join(semi, Project(renames, x), s) → Project(renames, Join(semi, x, s)) with the keys on x's names. */
function throughProject(node: Join): LogicalPlan | undefined {
  const p = node.left;
  if (p.kind !== "project") return undefined;
  const map = renames(p.exprs);
  if (!map) return undefined;
  const right = new Set(schemaOf(node.right).fields.map((f) => f.name));
  // Names are how columns are told apart: an input name the other side also has would be ambiguous below.
  if ([...map.values()].some((n) => right.has(n))) return undefined;
  const rename = (e: Expr) => transformExpr(e, (x) => (x.kind === "column" && !right.has(x.name) && map.has(x.name) ? column(map.get(x.name)!) : undefined));
  const pushed: Join = { ...node, left: p.input, leftKeys: node.leftKeys.map(rename), condition: node.condition ? rename(node.condition) : null };
  return { ...p, input: pushSemi(pushed) ?? pushed };
}

function pushSemi(node: LogicalPlan): LogicalPlan | undefined {
  if (node.kind !== "join" || !(node.how === "semi" || (node.how === "anti" && node.condition === null))) return undefined;
  if (node.left.kind === "project") return throughProject(node);
  const inner = node.left;
  if (inner.kind !== "join" || inner.how !== "inner") return undefined;
  const reads = leftReads(node);
  if (!reads) return undefined;
  const a = new Set(schemaOf(inner.left).fields.map((f) => f.name));
  const b = new Set(schemaOf(inner.right).fields.map((f) => f.name));
  const only = (side: Set<string>, other: Set<string>) => [...reads].every((n) => side.has(n) && !other.has(n));
  const semiOver = (input: LogicalPlan): LogicalPlan => {
    const pushed: Join = { ...node, left: input };
    return pushSemi(pushed) ?? pushed;
  };
  if (only(a, b)) return { ...inner, left: semiOver(inner.left) };
  if (only(b, a)) return { ...inner, right: semiOver(inner.right) };
  return undefined;
}

export const pushSemiJoinThroughJoin: Rule = {
  name: "PushLeftSemiLeftAntiThroughJoin",
  rewrite: (plan) => transformUp(plan, pushSemi),
};
