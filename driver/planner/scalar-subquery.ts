/**
 * An aggregate scalar subquery, correlated or not, as Spark's optimizer rewrites it
 * (RewriteCorrelatedScalarSubquery): `x > (SELECT avg(y) FROM inner WHERE inner.k = outer.k
 * AND p)` becomes a left join of the outer rows with `inner WHERE p GROUP BY inner.k` on
 * outer.k = inner.k, and the subquery is that join's aggregate column. An outer row no inner
 * row matches gets the aggregate's value over no rows: null, or 0 for a count (Spark's
 * "count bug" handling). Without correlation the aggregate is one row, joined beside every
 * outer row.
 *
 * The subquery's own columns shadow the outer query's (a name both have is the subquery's),
 * as in Spark. Correlation is by equalities between an expression of the subquery's columns
 * and one of the outer query's, joined by AND in the WHERE; any other predicate that reads the
 * outer query is refused, as Spark refuses it under an aggregate.
 */
import { nullWhenNull } from "./optimizer/eliminate-outer-joins.ts";
import { alias, column, conjunction, conjuncts, exprName, literal, referencedColumns, transformExpr, type Expr } from "../../shared/plan/expr.ts";
import { aggregate, filter, join, project, schemaOf, type LogicalPlan } from "../../shared/plan/logical.ts";
import { readableNames } from "../../shared/plan/names.ts";
import { AnalysisError } from "../../shared/plan/resolve.ts";
import { coerce } from "../../shared/plan/coercion.ts";
import { resolveInnerFirst, resolveReferences, scopeOf, separateSharedNames } from "./references.ts";

export interface ScalarSubquery {
  /** The rows the subquery's value is added to. */
  readonly outer: LogicalPlan;
  /** The subquery's FROM (its relations joined). */
  readonly inner: LogicalPlan;
  readonly where: Expr | null;
  /** The subquery's one select item: an expression over aggregates of the inner rows. */
  readonly value: Expr;
  /** The output column that holds the value. */
  readonly name: string;
  readonly ansi: boolean;
}

const COUNTS = new Set(["count", "countDistinct", "count_if", "approx_count_distinct"]);

let keys = 0;

/** The outer rows with one more column, `name`: the subquery's value for each. */
export function scalarSubqueryJoin(s: ScalarSubquery): LogicalPlan {
  const [outer, inner] = separateSharedNames(s.outer, s.inner, [], true);
  const outerFields = schemaOf(outer).fields;
  const [outerNames, innerNames] = [new Set(outerFields.map((f) => f.name)), new Set(schemaOf(inner).fields.map((f) => f.name))];
  const both = { fields: [...outerFields, ...schemaOf(inner).fields] };
  const reads = (e: Expr, names: Set<string>) => [...referencedColumns(e)].some((n) => names.has(n));
  const innerOnly: Expr[] = [];
  const pairs: { outer: Expr; inner: Expr }[] = [];
  const condition = s.where ? coerce(resolveInnerFirst(s.where, outer, inner), both, { ansi: s.ansi }) : null;
  for (const c of condition ? conjuncts(condition) : []) {
    if (!reads(c, outerNames)) innerOnly.push(c);
    else if (c.kind === "binary" && c.op === "eq" && reads(c.left, innerNames) !== reads(c.right, innerNames) && reads(c.left, outerNames) !== reads(c.right, outerNames)) {
      const leftIsInner = reads(c.left, innerNames);
      const [i, o] = leftIsInner ? [c.left, c.right] : [c.right, c.left];
      if (reads(i, outerNames) || reads(o, innerNames)) throw refused(c);
      pairs.push({ outer: o, inner: i });
    } else throw refused(c);
  }
  const rows = innerOnly.length ? filter(inner, conjunction(innerOnly)) : inner;
  const keyNames = pairs.map(() => `__sql_subquery_key_${keys++}`);
  const value = coerce(resolveReferences(s.value, scopeOf(rows)), schemaOf(rows), { ansi: s.ansi });
  // The value over no rows: counts are 0, other aggregates null.
  const empty = transformExpr(value, (e) => (e.kind === "agg" ? (COUNTS.has(e.fn) ? { kind: "literal", value: 0, type: "long" } : literal(null)) : undefined));
  // Null over no rows (an aggregate other than a count, or arithmetic on one): the left join's null is the answer.
  const emptyIsNull = nullWhenNull(empty, (e) => e.kind === "literal" && e.value === null);
  const needsEmpty = !emptyIsNull && pairs.length > 0;
  const matched = `__sql_subquery_rows_${keys++}`;
  const aggregates = [alias(value, s.name), ...(needsEmpty ? [alias({ kind: "agg", fn: "count", arg: null }, matched)] : [])];
  const grouped = aggregate(rows, pairs.map((p, n) => alias(p.inner, keyNames[n]!)), aggregates);
  const joined = join(outer, grouped, pairs.length ? "left" : "inner", pairs.map((p) => p.outer), keyNames.map((n) => column(n)), null);
  const result: Expr = needsEmpty
    ? alias(coerce({ kind: "caseWhen", branches: [{ when: { kind: "unary", op: "isNull", expr: column(matched) }, then: empty }], otherwise: column(s.name) }, schemaOf(joined), { ansi: s.ansi }), s.name)
    : column(s.name);
  return project(joined, [...outerFields.map((f) => column(f.name)), result]);
}

function refused(c: Expr): AnalysisError {
  return new AnalysisError(
    `[UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY.CORRELATED_COLUMN_IS_NOT_ALLOWED_IN_PREDICATE] A scalar subquery's WHERE may read the outer query only in equalities (inner = outer) joined by AND; ${readableNames(exprName(c))} is not one. Rewrite it as a join.`,
  );
}
