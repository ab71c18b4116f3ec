/**
 * Row-count estimates of logical plans, for ordering joins: the rows a scan's files hold
 * (Parquet footers; unknown for text formats), an inline relation's rows, a range's ids,
 * times a guessed selectivity for each filter (without column statistics, the fixed guesses
 * of System R and PostgreSQL: an equality keeps 1/10, a range 1/3, a LIKE 1/4). A join of
 * keys keeps its larger input's rows (a foreign key finds one row), an aggregate its input's
 * (an upper bound) or one row without keys. Unknown (undefined) when any input is unknown or
 * the operator may multiply rows (a user function, a generator, a join without keys).
 */
import { conjuncts, type Expr } from "../../shared/plan/expr.ts";
import { schemaOf, type LogicalPlan, type PlanKind, type PlanOf } from "../../shared/plan/logical.ts";

type Estimators = { [K in PlanKind]: (plan: PlanOf<K>) => number | undefined };

const EQUALITY = 0.1;
const RANGE = 1 / 3;
const PATTERN = 0.25;
/** Any other condition (a function's result, a comparison of two columns of one input). */
const OTHER = 0.5;

const isLiteral = (e: Expr) => e.kind === "literal" || (e.kind === "cast" && e.expr.kind === "literal");

/** The fraction of rows a condition keeps (a guess from its shape). */
export function selectivity(condition: Expr): number {
  switch (condition.kind) {
    case "binary":
      switch (condition.op) {
        case "and":
          return selectivity(condition.left) * selectivity(condition.right);
        case "or": {
          const [a, b] = [selectivity(condition.left), selectivity(condition.right)];
          return a + b - a * b;
        }
        case "eq":
        case "eqNullSafe":
          return isLiteral(condition.left) || isLiteral(condition.right) ? EQUALITY : OTHER;
        case "ne":
          return 1 - EQUALITY;
        case "lt":
        case "le":
        case "gt":
        case "ge":
          return isLiteral(condition.left) || isLiteral(condition.right) ? RANGE : OTHER;
        default:
          return OTHER;
      }
    case "in":
      return Math.min(1, condition.values.length * EQUALITY);
    case "unary":
      if (condition.op === "not") return 1 - selectivity(condition.expr);
      if (condition.op === "isNotNull") return 1;
      return condition.op === "isNull" ? EQUALITY : OTHER;
    case "call":
      return /like/i.test(condition.fn) ? PATTERN : OTHER;
    case "literal":
      return condition.value === true ? 1 : 0;
    default:
      return OTHER;
  }
}

const filtered = (rows: number | undefined, conditions: readonly Expr[]) => (rows === undefined ? undefined : conditions.reduce((n, c) => n * selectivity(c), rows));

const ESTIMATE: Estimators = {
  scan: (p) => filtered(p.source.rowCount, p.pushedFilters),
  localRelation: (p) => p.rows.length,
  range: (p) => Math.max(0, Math.ceil((p.end - p.start) / p.step)),
  cachedRelation: () => undefined,
  project: (p) => estimateRows(p.input),
  filter: (p) => filtered(estimateRows(p.input), conjuncts(p.condition)),
  aggregate: (p) => (p.groupBy.length === 0 ? 1 : estimateRows(p.input)),
  sort: (p) => estimateRows(p.input),
  limit: (p) => {
    const rows = estimateRows(p.input);
    return rows === undefined ? p.n : Math.min(rows, p.n);
  },
  offset: (p) => {
    const rows = estimateRows(p.input);
    return rows === undefined ? undefined : Math.max(0, rows - p.n);
  },
  repartition: (p) => estimateRows(p.input),
  coalesce: (p) => estimateRows(p.input),
  hint: (p) => estimateRows(p.input),
  mapPartitions: () => undefined,
  combineByKey: (p) => estimateRows(p.input),
  union: (p) => {
    const all = p.inputs.map(estimateRows);
    return all.some((n) => n === undefined) ? undefined : all.reduce<number>((a, b) => a + b!, 0);
  },
  join: (p) => {
    const [left, right] = [estimateRows(p.left), estimateRows(p.right)];
    if (left === undefined || (right === undefined && p.how !== "semi" && p.how !== "anti")) return undefined;
    if (p.how === "semi" || p.how === "anti" || p.how === "left") return left;
    if (p.leftKeys.length === 0) return undefined;
    const rows = p.how === "full" ? left + right! : p.how === "right" ? right! : Math.max(left, right!);
    return p.condition ? rows * selectivity(p.condition) : rows;
  },
  window: (p) => estimateRows(p.input),
  generate: () => undefined,
};

export function estimateRows(plan: LogicalPlan): number | undefined {
  return (ESTIMATE[plan.kind] as (p: LogicalPlan) => number | undefined)(plan);
}

/**
 * A bound on the distinct values of column `name` in the plan's output: an integer column's
 * footer range (max - min + 1), never more than the plan's estimated rows; the rows when
 * nothing better is known. Followed through renames and the side of a join that has it.
 */
export function estimateDistinct(plan: LogicalPlan, name: string): number | undefined {
  const rows = estimateRows(plan);
  if (rows === undefined) return undefined;
  const below = (input: LogicalPlan, inner = name) => Math.min(rows, estimateDistinct(input, inner) ?? rows);
  switch (plan.kind) {
    case "scan":
      return Math.min(rows, plan.source.distinctAtMost?.[name] ?? rows);
    case "filter":
    case "sort":
    case "limit":
    case "offset":
    case "hint":
    case "repartition":
    case "coalesce":
      return below(plan.input);
    case "project": {
      const e = plan.exprs.find((x) => (x.kind === "column" && x.name === name) || (x.kind === "alias" && x.name === name));
      const source = e?.kind === "alias" ? e.expr : e;
      return source?.kind === "column" ? below(plan.input, source.name) : rows;
    }
    case "aggregate":
      return plan.groupBy.some((g) => g.kind === "column" && g.name === name) ? below(plan.input) : rows;
    case "join": {
      const side = [plan.left, plan.right].find((p) => schemaOf(p).fields.some((f) => f.name === name));
      return side ? below(side) : rows;
    }
    default:
      return rows;
  }
}
