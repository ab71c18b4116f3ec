/**
 * df.summary(...statistics) and df.describe(...columns), as Spark's StatFunctions.summary
 * builds them: for each numeric or string column, count, mean, stddev, min, max, approximate
 * percentiles ("25%": percentile_approx with accuracy 10,000), count_distinct and
 * approx_count_distinct, all in one aggregation, each value cast to a string; a row per
 * statistic with its name in `summary`. A string column's mean, stddev and percentiles read
 * it as numbers (null where it is not one).
 */
import { alias, literal, type Expr } from "../../shared/plan/expr.ts";
import { schemaOf, type LogicalPlan, type UnresolvedPlan } from "../../shared/plan/logical.ts";
import { AnalysisError, resolveColumn } from "../../shared/plan/resolve.ts";
import { isNumeric, type Field } from "../../shared/plan/types.ts";

export const DESCRIBE_STATISTICS = ["count", "mean", "stddev", "min", "max"] as const;
export const SUMMARY_STATISTICS = ["count", "mean", "stddev", "min", "25%", "50%", "75%", "max"] as const;

type Summary = Extract<UnresolvedPlan, { kind: "summary" }>;

function statistic(name: string, field: Field): Expr {
  const c: Expr = { kind: "column", name: field.name };
  const asNumber: Expr = field.type === "string" ? { kind: "cast", expr: c, to: "double", mode: "try" } : c;
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(name);
  if (percent) {
    const p = Number(percent[1]) / 100;
    if (!(p >= 0 && p <= 1)) throw new AnalysisError(`summary: ${name} is not a percentile between 0% and 100%.`);
    return { kind: "agg", fn: "percentile_approx", arg: asNumber, args: [literal(p), literal(10_000)] };
  }
  switch (name.toLowerCase()) {
    case "count":
      return { kind: "agg", fn: "count", arg: c };
    case "mean":
      return { kind: "agg", fn: "avg", arg: asNumber };
    case "stddev":
      return { kind: "agg", fn: "stddev", arg: asNumber };
    case "min":
      return { kind: "agg", fn: "min", arg: c };
    case "max":
      return { kind: "agg", fn: "max", arg: c };
    case "count_distinct":
      return { kind: "agg", fn: "countDistinct", arg: c };
    case "approx_count_distinct":
      return { kind: "agg", fn: "approx_count_distinct", arg: c };
    default:
      throw new AnalysisError(`summary: ${JSON.stringify(name)} is not a statistic; use count, mean, stddev, min, max, count_distinct, approx_count_distinct or a percentile such as "75%".`);
  }
}

export function summary(input: LogicalPlan, p: Summary): UnresolvedPlan {
  const schema = schemaOf(input);
  const fields = (p.columns ? p.columns.map((name) => resolveColumn(schema, name)) : schema.fields).filter((f) => isNumeric(f.type) || f.type === "string");
  const statistics = p.statistics.length ? p.statistics : SUMMARY_STATISTICS;
  const name = (i: number, j: number) => `__sparkfn_stat_${i}_${j}`;
  const one: UnresolvedPlan = {
    kind: "aggregate",
    input: { kind: "analyzed", plan: input },
    groupBy: [],
    aggregates: statistics.flatMap((s, i) => fields.map((f, j) => alias(statistic(s, f), name(i, j)))),
  };
  const rows = statistics.map(
    (s, i): UnresolvedPlan => ({
      kind: "project",
      input: one,
      exprs: [alias(literal(s), "summary"), ...fields.map((f, j) => alias({ kind: "cast", expr: { kind: "column", name: name(i, j) }, to: "string" }, f.name))],
    }),
  );
  return rows.length === 1 ? rows[0]! : { kind: "unresolvedUnion", inputs: rows, byName: false };
}
