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
import { DATE_FUNCTIONS } from "../../../shared/plan/functions/dates.ts";
import { decimalOf, fitsType, isDecimal, isNarrowIntegral, type Scalar, type Value } from "../../../shared/plan/types.ts";
import { arithmetic as decimalArithmetic, decimalParts, literalBox, literalOfBox, type DecimalOp } from "../../../shared/plan/decimal.ts";
import { transformUp, type Rule } from "./rule.ts";

const EMPTY = { fields: [] };

/** A literal under the aliases SQL's folded literals and current_date() carry inside expressions. */
const unwrap = (e: Expr): Expr => (e.kind === "alias" ? unwrap(e.expr) : e);

/** Date arithmetic on literals (SQL's `date '1998-12-01' - interval '90' day`): folded so that a scan's filter compares with a date. */
const DATE_ARITHMETIC = new Set(["date_add", "date_sub", "add_months"]);
const ARITHMETIC = new Set(["add", "subtract", "multiply", "divide", "mod"]);

function evaluate(expr: Expr): Value | undefined {
  // A literal's value as the executors hold it (a decimal's text as its unscaled bigint).
  const lit = (e: Expr): Value | undefined => {
    const u = unwrap(e);
    return u.kind === "literal" ? (literalBox(u.value, u.type) as Value) : undefined;
  };
  switch (expr.kind) {
    case "binary": {
      const [l, r] = [lit(expr.left), lit(expr.right)];
      if (l === undefined || r === undefined) return undefined;
      const [lt, rt] = [typeOf(expr.left, EMPTY).type, typeOf(expr.right, EMPTY).type];
      if (isDecimal(lt) || isDecimal(rt)) {
        const out = decimalOf(typeOf(expr, EMPTY).type);
        if (!ARITHMETIC.has(expr.op)) return (RUNTIME[expr.op] as (a: Value, b: Value) => Value)(l, r);
        if (!out || l === null || r === null) return undefined;
        // Exact, as the executors compute it; an overflow or a zero divisor is left to fail (or be null) at run time.
        try {
          return decimalArithmetic(expr.op as DecimalOp, l as bigint, decimalParts(lt), r as bigint, decimalParts(rt), out, expr.legacy !== true) ?? undefined;
        } catch (error) {
          if (error instanceof BadInputError) return undefined;
          throw error;
        }
      }
      // x / 0, x % 0 and an int or long out of range are left to run time, where ANSI fails and legacy wraps or nulls.
      if ((expr.op === "divide" || expr.op === "mod") && r === 0) return undefined;
      const value = (RUNTIME[expr.op] as (a: Value, b: Value) => Value)(l, r);
      const type = typeOf(expr, EMPTY).type;
      if (typeof value === "number" && ((isNarrowIntegral(type) && !fitsType(type, value)) || (type === "long" && Math.abs(value) >= 2 ** 63))) return undefined;
      // A double zero keeps its sign at run time (-0.0 * 2 is -0.0, as in Java); the helpers here drop it (ints have no -0).
      if ((type === "double" || type === "float") && value === 0) return undefined;
      // A float's result is rounded to a float, as the executors round it.
      return type === "float" && typeof value === "number" ? Math.fround(value) : value;
    }
    case "unary": {
      const v = lit(expr.expr);
      const inner = typeOf(expr.expr, EMPTY).type;
      if (v === undefined || (expr.op === "negate" && v === 0 && (inner === "double" || inner === "float"))) return undefined;
      // -(-128) of a byte is left to run time (ANSI fails, legacy wraps).
      if (expr.op === "negate" && typeof v === "number" && isNarrowIntegral(inner) && !fitsType(inner, -v)) return undefined;
      if (expr.op === "negate" && typeof v === "bigint") return -v;
      return (RUNTIME[expr.op] as (a: Value) => Value)(v);
    }
    case "call": {
      if (!DATE_ARITHMETIC.has(expr.fn)) return undefined;
      const args = expr.args.map(unwrap);
      const types = args.map((a) => typeOf(a, EMPTY).type);
      if (types[0] !== "date" || args.some((a) => a.kind !== "literal")) return undefined;
      const values = args.map(lit);
      if (values.some((v) => v === null)) return null;
      try {
        const fn = DATE_FUNCTIONS[expr.fn as "date_add"];
        return fn.kernel(types, values as Scalar[])(...(values as never[]));
      } catch (error) {
        // A date out of range fails when the query runs, as a cast does.
        if (error instanceof BadInputError) return undefined;
        throw error;
      }
    }
    case "cast": {
      const inner = unwrap(expr.expr);
      if (inner.kind !== "literal") return undefined;
      try {
        return castValue(literalBox(inner.value, inner.type) as Value, inner.type, expr.to, expr.mode ?? "ansi");
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
    case "alias": {
      // Inside an expression a literal's alias names nothing (a projection's own name is kept by keepName).
      const inner = fold(expr.expr);
      return inner.kind === "literal" ? inner : { ...expr, expr: inner };
    }
    case "unary":
    case "cast":
      folded = { ...expr, expr: fold(expr.expr) };
      break;
    case "call":
      if (!DATE_ARITHMETIC.has(expr.fn)) return expr;
      folded = { ...expr, args: expr.args.map(fold) };
      break;
    default:
      return expr;
  }
  if (!children(folded).every((c) => unwrap(c).kind === "literal")) return folded;
  const value = evaluate(folded);
  // Only scalars become literals (an array result stays an expression).
  if (value === undefined || Array.isArray(value)) return folded;
  const type = typeOf(folded, EMPTY).type;
  return { kind: "literal", value: literalOfBox(value, type) as Scalar, type };
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
  if (folded === original) return folded;
  if (original.kind === "alias") return folded.kind === "alias" ? folded : { kind: "alias", expr: folded, name: original.name };
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
