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
 * as in Spark. Correlation by equalities between an expression of the subquery's columns and
 * one of the outer query's, joined by AND in the WHERE, groups by the subquery's side. Any
 * other correlated predicate (`inner.k > outer.k`) goes through the outer query's domain, as
 * Spark's DecorrelateInnerQuery: the distinct values of the outer columns the predicates read,
 * joined with the inner rows on those predicates, grouped by those values, and joined back to
 * the outer rows on them (null-safe: a null outer value has its own group).
 */
import { nullWhenNull } from "./optimizer/eliminate-outer-joins.ts";
import { alias, binary, column, conjunction, conjuncts, exprName, literal, referencedColumns, transformExpr, type Expr } from "../../shared/plan/expr.ts";
import { aggregate, filter, join, project, schemaOf, type LogicalPlan } from "../../shared/plan/logical.ts";
import { coerce, type CoercionOptions } from "../../shared/plan/coercion.ts";
import { splitJoinCondition } from "../../shared/plan/join.ts";
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
  /** The session's coercion settings (ANSI, map key policy). */
  readonly coercion: CoercionOptions;
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
  const correlated: Expr[] = [];
  let byDomain = false;
  const condition = s.where ? coerce(resolveInnerFirst(s.where, outer, inner), both, s.coercion) : null;
  for (const c of condition ? conjuncts(condition) : []) {
    if (!reads(c, outerNames)) {
      innerOnly.push(c);
      continue;
    }
    correlated.push(c);
    if (c.kind === "binary" && c.op === "eq" && reads(c.left, innerNames) !== reads(c.right, innerNames) && reads(c.left, outerNames) !== reads(c.right, outerNames)) {
      const [i, o] = reads(c.left, innerNames) ? [c.left, c.right] : [c.right, c.left];
      if (!reads(i, outerNames) && !reads(o, innerNames)) {
        pairs.push({ outer: o, inner: i });
        continue;
      }
    }
    byDomain = true;
  }
  const rows = innerOnly.length ? filter(inner, conjunction(innerOnly)) : inner;
  const keyNames = pairs.map(() => `__sql_subquery_key_${keys++}`);
  const value = coerce(resolveReferences(s.value, scopeOf(rows)), schemaOf(rows), s.coercion);
  // The value over no rows: counts are 0, other aggregates null.
  const empty = transformExpr(value, (e) => (e.kind === "agg" ? (COUNTS.has(e.fn) ? { kind: "literal", value: 0, type: "long" } : literal(null)) : undefined));
  // Null over no rows (an aggregate other than a count, or arithmetic on one): the left join's null is the answer.
  const emptyIsNull = nullWhenNull(empty, (e) => e.kind === "literal" && e.value === null);
  const needsEmpty = !emptyIsNull && correlated.length > 0;
  const matched = `__sql_subquery_rows_${keys++}`;
  const aggregates = [alias(value, s.name), ...(needsEmpty ? [alias({ kind: "agg", fn: "count", arg: null }, matched)] : [])];
  const joined = byDomain
    ? domainJoin(outer, rows, correlated, outerNames, aggregates)
    : join(outer, aggregate(rows, pairs.map((p, n) => alias(p.inner, keyNames[n]!)), aggregates), pairs.length ? "left" : "inner", pairs.map((p) => p.outer), keyNames.map((n) => column(n)), null);
  const result: Expr = needsEmpty
    ? alias(coerce({ kind: "caseWhen", branches: [{ when: { kind: "unary", op: "isNull", expr: column(matched) }, then: empty }], otherwise: column(s.name) }, schemaOf(joined), s.coercion), s.name)
    : column(s.name);
  return project(joined, [...outerFields.map((f) => column(f.name)), result]);
}

/**
 * The outer rows left-joined with the subquery's aggregates per value of the outer columns the
 * correlated predicates read: those values once each (the domain), joined with the inner rows
 * on the predicates, grouped by the values, and matched back null-safely.
 */
function domainJoin(outer: LogicalPlan, rows: LogicalPlan, correlated: readonly Expr[], outerNames: ReadonlySet<string>, aggregates: readonly Expr[]): LogicalPlan {
  const read = [...new Set(correlated.flatMap((c) => [...referencedColumns(c)].filter((n) => outerNames.has(n))))];
  const domainNames = new Map(read.map((n) => [n, `__sql_subquery_domain_${keys++}`]));
  const domain = aggregate(outer, read.map((n) => alias(column(n), domainNames.get(n)!)), []);
  const onDomain = correlated.map((c) => transformExpr(c, (e) => (e.kind === "column" && domainNames.has(e.name) ? column(domainNames.get(e.name)!) : undefined)));
  // Equalities among the predicates are hash keys of the domain's join with the inner rows.
  const on = splitJoinCondition(new Set(domainNames.values()), new Set(schemaOf(rows).fields.map((f) => f.name)), conjunction(onDomain));
  const grouped = aggregate(join(domain, rows, "inner", on.leftKeys, on.rightKeys, on.rest), read.map((n) => column(domainNames.get(n)!)), aggregates);
  return join(outer, grouped, "left", [], [], conjunction(read.map((n) => binary("eqNullSafe", column(n), column(domainNames.get(n)!)))));
}
