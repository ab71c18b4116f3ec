/**
 * Evaluates expressions whose inputs are all literals once, on the driver, with the same
 * semantics module the executors use: `lit(2).multiply(3)` becomes `6`.
 */
import { children, exprName, type Expr } from "../../../shared/plan/expr.ts";
import type { LogicalPlan } from "../../../shared/plan/logical.ts";
import { typeOf } from "../../../shared/plan/resolve.ts";
import { RUNTIME } from "../../../shared/plan/semantics.ts";
import type { Scalar, Value } from "../../../shared/plan/types.ts";
import { transformUp, type Rule } from "./rule.ts";

const EMPTY = { fields: [] };

function evaluate(expr: Expr): Value | undefined {
  const lit = (e: Expr) => (e.kind === "literal" ? e.value : undefined);
  switch (expr.kind) {
    case "binary": {
      const [l, r] = [lit(expr.left), lit(expr.right)];
      return l === undefined || r === undefined ? undefined : (RUNTIME[expr.op] as (a: Value, b: Value) => Value)(l, r);
    }
    case "unary": {
      const v = lit(expr.expr);
      return v === undefined ? undefined : (RUNTIME[expr.op] as (a: Value) => Value)(v);
    }
    case "cast": {
      const v = lit(expr.expr);
      return v === undefined ? undefined : RUNTIME.cast(v, expr.to);
    }
    default:
      return undefined;
  }
}

function fold(expr: Expr): Expr {
  let folded: Expr = expr;
  switch (expr.kind) {
    case "binary":
      folded = { ...expr, left: fold(expr.left), right: fold(expr.right) };
      break;
    case "unary":
    case "cast":
    case "alias":
      folded = { ...expr, expr: fold(expr.expr) };
      break;
    default:
      return expr;
  }
  if (folded.kind === "alias" || !children(folded).every((c) => c.kind === "literal")) return folded;
  const value = evaluate(folded);
  // Only scalars become literals (an array result stays an expression).
  if (value === undefined || Array.isArray(value)) return folded;
  return { kind: "literal", value: value as Scalar, type: typeOf(folded, EMPTY).type };
}

function foldNode(node: LogicalPlan): LogicalPlan | undefined {
  switch (node.kind) {
    case "project":
      return { ...node, exprs: node.exprs.map((e) => (e.kind === "literal" || e.kind === "column" ? e : keepName(e, fold(e)))) };
    case "filter":
      return { ...node, condition: fold(node.condition) };
    default:
      return undefined;
  }
}

/** A folded projection keeps the column name the unfolded expression had. */
function keepName(original: Expr, folded: Expr): Expr {
  if (folded === original || original.kind === "alias") return folded;
  return folded.kind === "literal" ? { kind: "alias", expr: folded, name: exprName(original) } : folded;
}

export const foldConstants: Rule = {
  name: "ConstantFolding",
  rewrite: (plan) => {
    const before = JSON.stringify(plan);
    const out = transformUp(plan, foldNode).plan;
    return { plan: out, changed: JSON.stringify(out) !== before };
  },
};
