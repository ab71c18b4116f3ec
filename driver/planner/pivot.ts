/**
 * groupBy(keys).pivot(column, values).agg(...), planned as Spark plans it: aggregate by the keys
 * and the pivot column first, then one row per key with a column per pivot value (and
 * aggregate) taking that value's aggregate, null where the key had no row with it (even for
 * count). Without values, the column's distinct values are found first with a query of their
 * own, sorted, at most spark.sql.pivotMaxValues (10,000), as Spark's pivot() does. Columns are
 * named as Spark names them: the value as text (null: "null"), and with several aggregates
 * `<value>_<aggregate's name>`.
 */
import { alias, binary, column, exprName, literal, type Expr } from "../../shared/plan/expr.ts";
import { schemaOf, type LogicalPlan, type UnresolvedPlan } from "../../shared/plan/logical.ts";
import { AnalysisError, typeOf } from "../../shared/plan/resolve.ts";
import type { DataType, Scalar, Value } from "../../shared/plan/types.ts";
import { castValue } from "../../shared/plan/casts.ts";

export const PIVOT_MAX_VALUES = 10_000;

const PIVOT = "__sparkfn_pivot";
const aggName = (j: number) => `__sparkfn_agg_${j}`;

type Pivot = Extract<UnresolvedPlan, { kind: "pivot" }>;

/** The type of a pivot value as given (a number: long when whole, else double; NaN is a double). */
const scalarType = (v: Exclude<Scalar, null>): DataType => (typeof v === "string" ? "string" : typeof v === "boolean" ? "boolean" : Number.isInteger(v) ? "long" : "double");

async function distinctValues(input: LogicalPlan, p: Pivot, run: ((plan: UnresolvedPlan) => Promise<Value[][]>) | undefined): Promise<readonly Scalar[]> {
  if (p.values) return p.values;
  if (!run) throw new AnalysisError(`pivot(${exprName(p.pivot)}): give the pivot values; this planner cannot run a query to find them.`);
  const distinct: UnresolvedPlan = { kind: "distinct", input: { kind: "project", input: { kind: "analyzed", plan: input }, exprs: [alias(p.pivot, PIVOT)] } };
  const rows = await run({ kind: "limit", input: { kind: "sort", input: distinct, orders: [{ expr: column(PIVOT), ascending: true, nullsFirst: true }] }, n: PIVOT_MAX_VALUES + 1 });
  if (rows.length > PIVOT_MAX_VALUES) {
    throw new AnalysisError(`pivot(${exprName(p.pivot)}): the column has more than ${PIVOT_MAX_VALUES} distinct values (spark.sql.pivotMaxValues); give the values to pivot on.`);
  }
  return rows.map((r) => r[0] as Scalar);
}

export async function pivot(input: LogicalPlan, p: Pivot, run?: (plan: UnresolvedPlan) => Promise<Value[][]>): Promise<UnresolvedPlan> {
  if (p.aggregates.length === 0) throw new AnalysisError("pivot().agg() needs at least one aggregate.");
  const type = typeOf(p.pivot, schemaOf(input)).type;
  const values = await distinctValues(input, p, run);
  const keyNames = p.keys.map(exprName);
  const first: UnresolvedPlan = {
    kind: "aggregate",
    input: { kind: "analyzed", plan: input },
    groupBy: [...p.keys, alias(p.pivot, PIVOT)],
    aggregates: p.aggregates.map((a, j) => alias(a, aggName(j))),
  };
  const single = p.aggregates.length === 1;
  const columns: Expr[] = [];
  for (const value of values) {
    // The value as the pivot column's type (Spark casts it), and as text for the column's name.
    const typed = value === null ? null : castValue(value, scalarType(value), type);
    // Named as Spark names it: a given value as written (2, not 2.0, on a double column), a found one as the column's type.
    const text = value === null ? "null" : String(p.values ? castValue(value, scalarType(value), "string") : castValue(typed, type, "string"));
    // NaN and the infinities are no literals: cast from their text, as Spark reads "NaN".
    const constant = typeof typed === "number" && !Number.isFinite(typed) ? literal(String(typed)) : literal(typed as Scalar);
    const match = binary("eqNullSafe", column(PIVOT), typed === null ? literal(null) : { kind: "cast", expr: constant, to: type });
    p.aggregates.forEach((a, j) => {
      const cell: Expr = { kind: "agg", fn: "first", arg: { kind: "caseWhen", branches: [{ when: match, then: column(aggName(j)) }], otherwise: null }, ignoreNulls: true };
      // Not alias(): the empty string is a value, and so a column name, here as in Spark.
      columns.push({ kind: "alias", expr: cell, name: single ? text : `${text}_${exprName(a)}` });
    });
  }
  return { kind: "aggregate", input: first, groupBy: keyNames.map(column), aggregates: columns };
}
