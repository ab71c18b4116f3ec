/**
 * intersect, subtract (EXCEPT DISTINCT), intersectAll and exceptAll, as Spark defines them:
 * rows compared by position (the right side's columns take the left's names), two nulls
 * equal, the result named and typed as the left side.
 *
 * Both sides become one tagged union (`side` 1 for left rows, 0 for right rows). The distinct
 * forms group it by every column and keep a group by which sides it has; the ALL forms keep
 * each left row whose number among its equal left rows is within (intersectAll) or past
 * (exceptAll) the count of equal right rows (one window, ordered left rows first): min(l, r) and max(l - r, 0) copies, as Spark's
 * rewrite with replicated rows gives. Grouping and window partitioning both treat nulls as
 * equal keys, which is what makes the comparisons null-safe.
 */
import { alias, binary, column, literal, type Expr } from "../../shared/plan/expr.ts";
import { schemaOf, type LogicalPlan, type UnresolvedPlan } from "../../shared/plan/logical.ts";
import { AnalysisError } from "../../shared/plan/resolve.ts";

const SIDE = "__sparkfn_side";
const LEFT_ROWS = "__sparkfn_left_rows";
const ALL_ROWS = "__sparkfn_rows";
const NUMBER = "__sparkfn_number";
const RIGHT_ROWS = "__sparkfn_right_rows";

type SetOperation = Extract<UnresolvedPlan, { kind: "setOperation" }>;

const NAMES: Record<SetOperation["op"], Record<"true" | "false", string>> = {
  intersect: { false: "intersect", true: "intersectAll" },
  except: { false: "subtract", true: "exceptAll" },
};

export function setOperation(left: LogicalPlan, right: LogicalPlan, p: SetOperation): UnresolvedPlan {
  const what = NAMES[p.op][String(p.all) as "true" | "false"];
  const [ls, rs] = [schemaOf(left), schemaOf(right)];
  if (ls.fields.length !== rs.fields.length) {
    throw new AnalysisError(`${what}: this DataFrame has ${ls.fields.length} columns, the other ${rs.fields.length}; both must have the same number, compared by position.`);
  }
  const names = ls.fields.map((f) => f.name);
  const keys = names.map(column);
  const tagged: UnresolvedPlan = {
    kind: "unresolvedUnion",
    byName: false,
    inputs: [
      { kind: "project", input: { kind: "analyzed", plan: left }, exprs: [...keys, alias(literal(1), SIDE)] },
      { kind: "project", input: { kind: "analyzed", plan: right }, exprs: [...rs.fields.map((f, i) => alias(column(f.name), names[i]!)), alias(literal(0), SIDE)] },
    ],
  };
  const count = (arg: Expr | null): Expr => ({ kind: "agg", fn: arg ? "sum" : "count", arg });
  if (!p.all) {
    const grouped: UnresolvedPlan = { kind: "aggregate", input: tagged, groupBy: keys, aggregates: [alias(count(column(SIDE)), LEFT_ROWS), alias(count(null), ALL_ROWS)] };
    const hasLeft = binary("gt", column(LEFT_ROWS), literal(0));
    const rightRows = binary("subtract", column(ALL_ROWS), column(LEFT_ROWS));
    const keep = binary("and", hasLeft, p.op === "intersect" ? binary("gt", rightRows, literal(0)) : binary("eq", rightRows, literal(0)));
    return { kind: "project", input: { kind: "filter", input: grouped, condition: keep }, exprs: keys };
  }
  // One window (one exchange, one sort): left rows first, so a left row's row_number is its
  // number among its equal left rows; the right rows are counted over the whole partition.
  const leftFirst = [{ expr: column(SIDE), ascending: false, nullsFirst: false }];
  const numbered: UnresolvedPlan = {
    kind: "project",
    input: tagged,
    exprs: [
      ...keys,
      column(SIDE),
      alias({ kind: "window", fn: "row_number", args: [], spec: { partitionBy: keys, orderBy: leftFirst, frame: null } }, NUMBER),
      alias({ kind: "window", fn: "aggregate", args: [count(binary("subtract", literal(1), column(SIDE)))], spec: { partitionBy: keys, orderBy: leftFirst, frame: { type: "rows", start: null, end: null } } }, RIGHT_ROWS),
    ],
  };
  const within = p.op === "intersect" ? binary("le", column(NUMBER), column(RIGHT_ROWS)) : binary("gt", column(NUMBER), column(RIGHT_ROWS));
  return { kind: "project", input: { kind: "filter", input: numbered, condition: binary("and", binary("eq", column(SIDE), literal(1)), within) }, exprs: keys };
}
