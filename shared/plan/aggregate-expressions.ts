/**
 * Aggregate expressions anywhere in agg() and select(), as Spark's analyzer allows them:
 * `sum(a) / sum(b)`, `round(avg(x), 2)`, `k + sum(x)` (k a groupBy key), literals. Each output
 * is split into the aggregate calls it contains and what is computed over their results:
 *
 *   groupBy(k).agg(sum(a) / sum(b), sum(a) + 1)
 *     →  Project [k, (`sum(a)#0` / `sum(b)#1`) AS "(sum(a) / sum(b))", (`sum(a)#0` + 1) AS "(sum(a) + 1)"]
 *        +- Aggregate [k] [sum(a) AS `sum(a)#0`, sum(b) AS `sum(b)#1`]
 *
 * The aggregate node computes each distinct aggregate call once (equal calls, compared by
 * structure, share one hidden column), so the executor and the partial/final aggregation see
 * only plain aggregate calls; the project on top computes the user's expressions under the
 * names Spark gives them. A column outside every aggregate must be a groupBy key (Spark's
 * MISSING_AGGREGATION, or MISSING_GROUP_BY without a groupBy); an aggregate inside an
 * aggregate's arguments is refused (NESTED_AGGREGATE_FUNCTION).
 */
import { children, column, containsAggregate, exprName, type Expr } from "./expr.ts";
import { AnalysisError, typeOf } from "./resolve.ts";
import type { Schema } from "./types.ts";

/** An aggregate's outputs, split into the aggregate node's calls and the project above it. */
export interface AggregateSplit {
  /** The distinct aggregate calls, each aliased to its hidden column name. */
  readonly aggregates: readonly Expr[];
  /** The user's expressions over the groupBy keys' and the hidden columns, each under its Spark name. */
  readonly outputs: readonly Expr[];
}

/** Which API asked: words the refusals. */
export type AggregateContext = "agg" | "select";

const unaliased = (e: Expr): Expr => (e.kind === "alias" ? e.expr : e);

/** A structural key: equal for equal expressions, whatever order their properties were written in. */
function structureKey(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(structureKey).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${JSON.stringify(k)}:${structureKey(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

function aggArgs(e: Extract<Expr, { kind: "agg" }>): Expr[] {
  return [...(e.arg ? [e.arg] : []), ...(e.args ?? [])];
}

/** Whether every output is a plain aggregate call (aliased or not) and no two are equal: the aggregate node takes them as they are. */
function plain(exprs: readonly Expr[]): boolean {
  const calls = exprs.map(unaliased);
  if (!calls.every((c) => c.kind === "agg")) return false;
  return new Set(calls.map(structureKey)).size === calls.length;
}

function refuseNested(where: AggregateContext, top: Expr, e: Expr): void {
  if (e.kind === "agg") {
    if (aggArgs(e).some(containsAggregate)) {
      throw new AnalysisError(
        `${where}: ${exprName(top)} nests an aggregate in an aggregate [NESTED_AGGREGATE_FUNCTION]: compute the inner aggregate in a first agg(), then aggregate its result in a second.`,
      );
    }
    return;
  }
  children(e).forEach((c) => refuseNested(where, top, c));
}

/** A column read outside every aggregate that no groupBy key covers, said as Spark's MISSING_AGGREGATION / MISSING_GROUP_BY with the fix. */
function notGrouped(where: AggregateContext, top: Expr, name: string, groupBy: readonly Expr[]): AnalysisError {
  const head = containsAggregate(top)
    ? `${where}: ${exprName(top)} reads column "${name}" outside its aggregate functions`
    : `${where}: ${exprName(top)} is not an aggregate function (such as sum, count, avg, min or max) nor inside one`;
  const why = groupBy.length
    ? `, and "${name}" is not a groupBy key (${groupBy.map(exprName).join(", ")}) [MISSING_AGGREGATION]. Add "${name}" to groupBy()`
    : `, and there is no groupBy [MISSING_GROUP_BY]. Group by it (df.groupBy("${name}").agg(...))`;
  return new AnalysisError(`${head}${why}, or wrap it in an aggregate such as first("${name}") or any_value("${name}") if any value of the group will do.`);
}

/**
 * Splits agg()'s (or an aggregating select()'s) expressions; null when every one is a plain,
 * distinct aggregate call, which the aggregate node computes as it is. Refuses, naming the
 * expression: an aggregate nested in another, a column neither grouped nor inside an
 * aggregate, and (through typeOf) unknown columns and wrong argument types.
 */
export function splitAggregates(groupBy: readonly Expr[], exprs: readonly Expr[], input: Schema, where: AggregateContext): AggregateSplit | null {
  for (const e of exprs) {
    refuseNested(where, e, e);
    typeOf(e, input);
  }
  if (plain(exprs)) return null;
  const keys = new Map(groupBy.map((g) => [structureKey(unaliased(g)), exprName(g)]));
  const hidden = new Map<string, { readonly call: Expr; readonly name: string }>();
  const taken = new Set(groupBy.map(exprName));
  const hiddenColumn = (call: Expr): Expr => {
    const key = structureKey(call);
    let entry = hidden.get(key);
    if (!entry) {
      let n = hidden.size;
      while (taken.has(`${exprName(call)}#${n}`)) n++;
      entry = { call, name: `${exprName(call)}#${n}` };
      taken.add(entry.name);
      hidden.set(key, entry);
    }
    return column(entry.name);
  };
  /** `e` over the aggregate node's output: calls and keys become its columns; other columns are refused. */
  const rewrite = (top: Expr, e: Expr): Expr => {
    if (e.kind === "agg") return hiddenColumn(e);
    const key = keys.get(structureKey(unaliased(e)));
    if (key !== undefined) return column(key);
    switch (e.kind) {
      case "column":
        throw notGrouped(where, top, e.name, groupBy);
      case "literal":
      case "rand":
      case "lambdaVar":
        return e;
      case "lambda":
        return { ...e, body: rewrite(top, e.body) };
      // An inner alias names nothing in the output (the outer expression keeps its own name).
      case "alias":
        return rewrite(top, e.expr);
      case "unary":
      case "cast":
        return { ...e, expr: rewrite(top, e.expr) };
      case "binary":
        return { ...e, left: rewrite(top, e.left), right: rewrite(top, e.right) };
      case "in":
        return { ...e, expr: rewrite(top, e.expr), values: e.values.map((v) => rewrite(top, v)) };
      case "caseWhen":
        return {
          ...e,
          branches: e.branches.map((b) => ({ when: rewrite(top, b.when), then: rewrite(top, b.then) })),
          otherwise: e.otherwise ? rewrite(top, e.otherwise) : null,
        };
      case "call":
      case "udf":
        return { ...e, args: e.args.map((a) => rewrite(top, a)) };
      case "window":
        throw new AnalysisError(`${where}: the window function ${exprName(e)} cannot be part of an aggregation; compute it with select() or withColumn(), then aggregate its column.`);
      case "generator":
        throw new AnalysisError(`${where}: the generator ${exprName(e)} cannot be part of an aggregation; explode with select() or withColumn() first, then aggregate its column.`);
    }
  };
  const outputs = exprs.map((e) => {
    const out = rewrite(e, unaliased(e));
    return out.kind === "column" && out.name === exprName(e) ? out : ({ kind: "alias", expr: out, name: exprName(e) } as const);
  });
  const aggregates = [...hidden.values()].map(({ call, name }): Expr => ({ kind: "alias", expr: call, name }));
  return { aggregates, outputs };
}

/**
 * withColumn(name, e) keeps one row per input row, so `e` cannot aggregate (Spark refuses it
 * as MISSING_GROUP_BY); the message says how to get the aggregate beside the rows.
 */
export function refuseAggregateInWithColumn(name: string, e: Expr): void {
  if (!containsAggregate(e)) return;
  throw new AnalysisError(
    `withColumn("${name}", ${exprName(e)}): an aggregate gives one value per group, not one per row [MISSING_GROUP_BY]. ` +
      `Compute it with agg() (df.agg(${exprName(e)}.alias("${name}")), or df.groupBy(...).agg(...) per group) and join it back to the rows, or select() it alone for one row.`,
  );
}
