/**
 * Spark's EliminateOuterJoin: a filter above an outer join that no padded row can pass makes
 * the padding useless. Filter(c, left join) is an inner join when a conjunct of c is null
 * whenever the right side's columns are (`l_quantity < __sql_scalar` over TPC-H Q17's
 * decorrelated subquery); likewise a right join with the left side's columns, and a full
 * join becomes a left or right join (or inner, when both sides are rejected). Projections of
 * plain columns between the filter and the join are looked through. The inner join can then
 * be reordered with the joins around it and take the filter's equalities as keys.
 */
import { conjuncts, referencedColumns, type Expr } from "../../../shared/plan/expr.ts";
import type { JoinType } from "../../../shared/plan/join.ts";
import { schemaOf, withInputs, type LogicalPlan } from "../../../shared/plan/logical.ts";
import { transformUp, type Rule } from "./rule.ts";

/** Whether `e` is null whenever a leaf `isNull` accepts is: nulls propagate through it (arithmetic, comparisons, casts). */
export function nullWhenNull(e: Expr, isNull: (leaf: Expr) => boolean): boolean {
  if (isNull(e)) return true;
  switch (e.kind) {
    case "cast":
      return nullWhenNull(e.expr, isNull);
    case "unary":
      return e.op === "negate" && nullWhenNull(e.expr, isNull);
    case "binary":
      return e.op !== "and" && e.op !== "or" && e.op !== "eqNullSafe" && (nullWhenNull(e.left, isNull) || nullWhenNull(e.right, isNull));
    default:
      return false;
  }
}

/** Whether the conjunct is false or null for every row padded with nulls in `names`. */
function rejectsNulls(c: Expr, names: ReadonlySet<string>): boolean {
  const padded = (e: Expr) => e.kind === "column" && names.has(e.name);
  if (c.kind === "unary" && c.op === "isNotNull") return nullWhenNull(c.expr, padded);
  if (c.kind === "binary" && (c.op === "and" || c.op === "or")) return c.op === "and" ? rejectsNulls(c.left, names) || rejectsNulls(c.right, names) : rejectsNulls(c.left, names) && rejectsNulls(c.right, names);
  return c.kind === "binary" && ["eq", "ne", "lt", "le", "gt", "ge"].includes(c.op) && nullWhenNull(c, padded);
}

const isColumnProject = (p: LogicalPlan): p is Extract<LogicalPlan, { kind: "project" }> => p.kind === "project" && p.exprs.every((e) => e.kind === "column");

/** The join below column projections, with the projections rebuilt over a replacement. */
function outerJoinBelow(p: LogicalPlan): { join: Extract<LogicalPlan, { kind: "join" }>; rebuild: (j: LogicalPlan) => LogicalPlan } | undefined {
  if (p.kind === "join") return p.how === "left" || p.how === "right" || p.how === "full" ? { join: p, rebuild: (j) => j } : undefined;
  if (!isColumnProject(p)) return undefined;
  const below = outerJoinBelow(p.input);
  return below && { join: below.join, rebuild: (j) => withInputs(p, [below.rebuild(j)]) };
}

function eliminate(node: LogicalPlan): LogicalPlan | undefined {
  if (node.kind !== "filter") return undefined;
  const found = outerJoinBelow(node.input);
  if (!found) return undefined;
  const { join, rebuild } = found;
  const names = (p: LogicalPlan) => new Set(schemaOf(p).fields.map((f) => f.name));
  const conditions = conjuncts(node.condition).filter((c) => referencedColumns(c).size > 0);
  const [left, right] = [names(join.left), names(join.right)];
  const noLeft = conditions.some((c) => rejectsNulls(c, left));
  const noRight = conditions.some((c) => rejectsNulls(c, right));
  const how: JoinType =
    join.how === "left" ? (noRight ? "inner" : "left") : join.how === "right" ? (noLeft ? "inner" : "right") : noLeft && noRight ? "inner" : noRight ? "left" : noLeft ? "right" : "full";
  return how === join.how ? undefined : { ...node, input: rebuild({ ...join, how }) };
}

export const eliminateOuterJoins: Rule = {
  name: "EliminateOuterJoins",
  rewrite: (plan) => transformUp(plan, eliminate),
};
