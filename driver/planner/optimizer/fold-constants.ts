/**
 * Evaluates expressions whose inputs are all literals once, on the driver, with the same
 * semantics module the executors use: `lit(2).multiply(3)` becomes `6`.
 */
import { children, exprName, type Expr } from "../../../shared/plan/expr.ts";
import type { LogicalPlan } from "../../../shared/plan/logical.ts";
import { typeOf } from "../../../shared/plan/resolve.ts";
import { RUNTIME } from "../../../shared/plan/semantics.ts";
import { castValue } from "../../../shared/plan/casts.ts";
import { BadInputError } from "../../../shared/errors.ts";
import { isIntValue, type Scalar, type Value } from "../../../shared/plan/types.ts";
import { transformUp, type Rule } from "./rule.ts";

const EMPTY = { fields: [] };

function evaluate(expr: Expr): Value | undefined {
  const lit = (e: Expr) => (e.kind === "literal" ? e.value : undefined);
  switch (expr.kind) {
    case "binary": {
      const [l, r] = [lit(expr.left), lit(expr.right)];
      if (l === undefined || r === undefined) return undefined;
      // x / 0, x % 0 and an int or long out of range are left to run time, where ANSI fails and legacy wraps or nulls.
      if ((expr.op === "divide" || expr.op === "mod") && r === 0) return undefined;
      const value = (RUNTIME[expr.op] as (a: Value, b: Value) => Value)(l, r);
      const type = typeOf(expr, EMPTY).type;
      if (typeof value === "number" && ((type === "int" && !isIntValue(value)) || (type === "long" && Math.abs(value) >= 2 ** 63))) return undefined;
      // A double zero keeps its sign at run time (-0.0 * 2 is -0.0, as in Java); the helpers here drop it (ints have no -0).
      if (type === "double" && value === 0) return undefined;
      return value;
    }
    case "unary": {
      const v = lit(expr.expr);
      if (v === undefined || (expr.op === "negate" && v === 0 && typeOf(expr.expr, EMPTY).type === "double")) return undefined;
      return (RUNTIME[expr.op] as (a: Value) => Value)(v);
    }
    case "cast": {
      if (expr.expr.kind !== "literal") return undefined;
      try {
        return castValue(expr.expr.value, expr.expr.type, expr.to, expr.mode ?? "ansi");
      } catch (error) {
        // A value the cast cannot convert fails when the query runs, as in Spark, not while planning.
        if (error instanceof BadInputError) return undefined;
        throw error;
      }
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
