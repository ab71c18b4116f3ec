/**
 * Partition pruning: a scan's pushed filters that read only partition columns are decided
 * per file from its folder values, before any task runs, and files that cannot match are
 * not read. Comparisons with literals, IN, IS [NOT] NULL, AND, OR and NOT are understood;
 * anything else counts as "may match" (the filter still runs on every row).
 */
import type { Expr } from "../../shared/plan/expr.ts";
import { compareValues } from "../../shared/plan/semantics.ts";
import type { Value } from "../../shared/plan/types.ts";

/** true, false, or null (SQL's unknown, which a filter treats as false), or undefined when not decidable. */
type Truth = boolean | null | undefined;

function valueOf(expr: Expr, row: ReadonlyMap<string, Value>): { value: Value } | undefined {
  if (expr.kind === "literal") return { value: expr.value };
  if (expr.kind === "column" && row.has(expr.name)) return { value: row.get(expr.name)! };
  return undefined;
}

function compare(op: string, a: Value, b: Value): Truth {
  if (a === null || b === null) return op === "eqNullSafe" ? a === b : null;
  const c = compareValues(a as Exclude<Value, null>, b as Exclude<Value, null>);
  switch (op) {
    case "eq":
    case "eqNullSafe":
      return c === 0;
    case "ne":
      return c !== 0;
    case "lt":
      return c < 0;
    case "le":
      return c <= 0;
    case "gt":
      return c > 0;
    case "ge":
      return c >= 0;
    default:
      return undefined;
  }
}

function evaluate(expr: Expr, row: ReadonlyMap<string, Value>): Truth {
  switch (expr.kind) {
    case "binary": {
      if (expr.op === "and" || expr.op === "or") {
        const [l, r] = [evaluate(expr.left, row), evaluate(expr.right, row)];
        if (expr.op === "and") return l === false || r === false ? false : l === undefined || r === undefined ? undefined : l === null || r === null ? null : true;
        return l === true || r === true ? true : l === undefined || r === undefined ? undefined : l === null || r === null ? null : false;
      }
      const [l, r] = [valueOf(expr.left, row), valueOf(expr.right, row)];
      return l && r ? compare(expr.op, l.value, r.value) : undefined;
    }
    case "unary": {
      if (expr.op === "not") {
        const v = evaluate(expr.expr, row);
        return v === undefined || v === null ? v : !v;
      }
      const v = valueOf(expr.expr, row);
      if (!v) return undefined;
      return expr.op === "isNull" ? v.value === null : expr.op === "isNotNull" ? v.value !== null : undefined;
    }
    case "in": {
      const v = valueOf(expr.expr, row);
      const options = expr.values.map((e) => valueOf(e, row));
      if (!v || options.some((o) => o === undefined)) return undefined;
      if (v.value === null) return null;
      return options.some((o) => compare("eq", v.value, o!.value) === true);
    }
    default:
      return undefined;
  }
}

/** Whether a file with these partition values may hold rows passing every filter. */
export function mayMatch(filters: readonly Expr[], partitionValues: ReadonlyMap<string, Value>): boolean {
  return filters.every((f) => {
    const truth = evaluate(f, partitionValues);
    return truth === undefined || truth === true;
  });
}
