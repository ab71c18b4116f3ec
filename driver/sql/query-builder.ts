/**
 * A parsed query (ast.ts) as DataFrame operations, the way Spark's analyzer places them: FROM
 * (joins; a comma list is a cross join, whose WHERE equalities the optimizer turns into join
 * keys), WHERE, GROUP BY with its aggregates (HAVING and ORDER BY may use aggregates the select
 * list lacks: they are computed as hidden columns and dropped), the select list, DISTINCT,
 * ORDER BY (over the select list's names, its ordinals, or the input's columns) and LIMIT;
 * set operations by position; CTEs as views visible to the query that follows them.
 */
import { alias, binary, call, column, conjuncts, containsAggregate, exprName, literal, referencedColumns, transformExpr, type Expr } from "../../shared/plan/expr.ts";
import type { SortOrder, UnresolvedPlan } from "../../shared/plan/logical.ts";
import { Column, SortOrderColumn } from "../api/column.ts";
import type { DataFrame } from "../api/dataframe.ts";
import { SUBQUERY_PREFIX, type Query, type QueryBody, type Relation, type SelectCore, type Subquery } from "./ast.ts";
import { SqlFunctionError } from "./functions.ts";

export interface SqlScope {
  /** A view by name (CTEs first, then the session's temporary views). */
  table(name: string): DataFrame;
  /** One row and no columns (a SELECT without FROM). */
  oneRow(): DataFrame;
  /** The subqueries the query's expressions hold placeholders of. */
  readonly subqueries: ReadonlyMap<string, Subquery>;
  /** A DataFrame of a plan the builder makes itself (a subquery's join). */
  frame(plan: UnresolvedPlan): DataFrame;
  /** Relations the enclosing SELECT's hint broadcasts (lower case). */
  readonly broadcast?: ReadonlySet<string>;
}

/** A semi or anti join for a subquery: the condition reads the subquery's columns before the outer query's. */
function subqueryJoin(scope: SqlScope, outer: DataFrame, inner: DataFrame, condition: Expr, how: string): DataFrame {
  return scope.frame({ kind: "unresolvedJoin", left: outer.plan, right: inner.plan, how, on: condition, innerFirst: true });
}

const unaliased = (e: Expr): Expr => (e.kind === "alias" ? e.expr : e);
const same = (a: Expr, b: Expr) => JSON.stringify(a) === JSON.stringify(b);
const sortColumn = (o: SortOrder) => new SortOrderColumn(o.expr, o.ascending, o.nullsFirst);

export function buildQuery(query: Query, outer: SqlScope): DataFrame {
  const views = new Map<string, DataFrame>();
  const scope: SqlScope = {
    table: (name) => views.get(name.toLowerCase()) ?? outer.table(name),
    oneRow: () => outer.oneRow(),
    subqueries: outer.subqueries,
    frame: (plan) => outer.frame(plan),
  };
  for (const cte of query.ctes) views.set(cte.name.toLowerCase(), buildQuery(cte.query, scope));
  let df = query.body.kind === "select" ? selectCore(query.body, scope, query.orderBy) : body(query.body, scope);
  if (query.body.kind !== "select" && query.orderBy.length) {
    // Over a set operation, ORDER BY reads its output: the first query's column names (or positions).
    const items = firstItems(query.body);
    df = df.orderBy(...query.orderBy.map((o) => sortColumn(byOrdinal(o, items))));
  }
  return query.limit === null ? df : df.limit(query.limit);
}

/** The select list that names a set operation's columns: its first query's. */
function firstItems(b: QueryBody): readonly Expr[] | null {
  if (b.kind === "select") return b.items;
  if (b.kind === "setOperation") return firstItems(b.left);
  return firstItems(b.query.body);
}

function body(b: QueryBody, scope: SqlScope): DataFrame {
  switch (b.kind) {
    case "select":
      return selectCore(b, scope, []);
    case "nested":
      return buildQuery(b.query, scope);
    case "setOperation": {
      const [l, r] = [body(b.left, scope), body(b.right, scope)];
      if (b.op === "union") return b.all ? l.union(r) : l.union(r).distinct();
      if (b.op === "intersect") return b.all ? l.intersectAll(r) : l.intersect(r);
      return b.all ? l.exceptAll(r) : l.subtract(r);
    }
  }
}

function relation(r: Relation, scope: SqlScope): DataFrame {
  switch (r.kind) {
    case "table": {
      // A table's columns are qualified by its alias, else by its name (t.x), as in Spark.
      const qualifier = r.alias ?? r.name.split(".").at(-1)!;
      const df = scope.table(r.name).alias(qualifier);
      // A BROADCAST(t) hint names the relation by its alias or its table name.
      return scope.broadcast?.has(qualifier.toLowerCase()) || scope.broadcast?.has(r.name.toLowerCase()) ? df.hint("broadcast") : df;
    }
    case "subquery": {
      const df = buildQuery(r.query, scope);
      return r.alias ? df.alias(r.alias) : df;
    }
    case "join": {
      const [l, rr] = [relation(r.left, scope), relation(r.right, scope)];
      if (r.using) return l.join(rr, [...r.using], r.how);
      if (r.on) return l.join(rr, new Column(r.on), r.how);
      if (r.how === "inner" || r.how === "cross") return l.crossJoin(rr);
      throw new SqlFunctionError(`A ${r.how} join needs ON or USING: add the join condition.`);
    }
  }
}

/** ORDER BY 2: the second select item's output (null items: left as written). */
function byOrdinal(o: SortOrder, items: readonly Expr[] | null): SortOrder {
  const e = o.expr;
  if (items && e.kind === "literal" && e.type === "int" && typeof e.value === "number") {
    const item = items[e.value - 1];
    if (!item) throw new SqlFunctionError(`[ORDER_BY_POS_OUT_OF_RANGE] ORDER BY position ${e.value} is not in select list (valid range is [1, ${items.length}]).`);
    return { ...o, expr: column(exprName(item)) };
  }
  return o;
}

/**
 * An expression over the select list's outputs where it can be: an item's alias or an
 * expression equal to an item's (sum(x) when the list has sum(x) AS total) reads that output.
 */
function overOutputs(e: Expr, items: readonly Expr[]): Expr {
  return transformExpr(e, (node) => {
    const item = items.find((i) => i.kind === "alias" && (same(i.expr, node) || (node.kind === "column" && node.name.toLowerCase() === i.name.toLowerCase())));
    if (item) return column(exprName(item));
    return undefined;
  });
}

function selectCore(original: SelectCore, scope: SqlScope, orderBy: readonly SortOrder[]): DataFrame {
  const hinted: SqlScope = original.broadcast.length ? { ...scope, broadcast: new Set([...(scope.broadcast ?? []), ...original.broadcast]) } : scope;
  let df = original.from.length ? original.from.map((r) => relation(r, hinted)).reduce((a, b) => a.crossJoin(b)) : scope.oneRow();
  const joined = withSubqueries(df, original, scope);
  df = joined.df;
  const core = joined.core;
  if (core.where) df = df.filter(new Column(core.where));
  if (joined.dropAfterWhere.length) df = df.drop(...joined.dropAfterWhere);
  const items = core.items;
  const orders = orderBy.map((o) => byOrdinal(o, items));
  const aggregating = core.groupBy !== null || core.having !== null || items.some(containsAggregate);
  if (aggregating) return aggregateCore(df, core, orders);
  const names = items.map(exprName);
  const starred = items.some((i) => i.kind === "column" && (i.name === "*" || i.name.endsWith(".*")));
  const sorts = orders.map((o) => ({ ...o, expr: overOutputs(o.expr, items) }));
  // Columns the ORDER BY reads that the select list does not output: selected hidden, then dropped.
  const known = new Set(names.map((n) => n.toLowerCase()));
  const hidden = starred || core.distinct ? [] : [...new Set(sorts.flatMap((o) => [...referencedColumns(o.expr)]))].filter((n) => !known.has(n.toLowerCase()));
  df = df.select(...[...items, ...hidden.map(column)].map((e) => new Column(e)));
  if (core.distinct) df = df.distinct();
  if (sorts.length) df = df.orderBy(...sorts.map(sortColumn));
  return hidden.length ? df.select(...names.map((n) => new Column(column(n)))) : df;
}

function aggregateCore(input: DataFrame, core: SelectCore, orders: readonly SortOrder[]): DataFrame {
  const items = core.items;
  const keys = (core.groupBy ?? []).map((k) => {
    // GROUP BY 1: the first select item's expression.
    if (k.kind === "literal" && k.type === "int" && typeof k.value === "number") {
      const item = items[k.value - 1];
      if (!item) throw new SqlFunctionError(`[GROUP_BY_POS_OUT_OF_RANGE] GROUP BY position ${k.value} is not in select list (valid range is [1, ${items.length}]).`);
      return unaliased(item);
    }
    return k;
  });
  // Names are case-insensitive (GROUP BY CATEGORY keys select Category).
  const isKey = (e: Expr) => keys.some((k) => same(k, e) || (k.kind === "column" && e.kind === "column" && k.name.toLowerCase() === e.name.toLowerCase()));
  // Aggregates HAVING or ORDER BY use that no select item computes: hidden outputs.
  const hidden: Expr[] = [];
  const withHidden = (e: Expr): Expr =>
    transformExpr(overOutputs(e, items), (node) => {
      if (node.kind !== "agg") return undefined;
      const item = items.find((i) => same(unaliased(i), node));
      if (item) return column(exprName(item));
      const name = `__sql_aggregate_${hidden.length}`;
      hidden.push(alias(node, name));
      return column(name);
    });
  const having = core.having ? withHidden(core.having) : null;
  const sorts = orders.map((o) => ({ ...o, expr: withHidden(o.expr) }));
  // The aggregate outputs the keys itself; select items that are keys are read from there.
  const computed = items.filter((i) => !isKey(i));
  const aggregates = [...computed, ...hidden].map((e) => new Column(e));
  let df = keys.length ? input.groupBy(...keys.map((k) => new Column(k))).agg(...aggregates) : input.agg(...aggregates);
  if (having) df = df.filter(new Column(having));
  if (sorts.length) df = df.orderBy(...sorts.map(sortColumn));
  df = df.select(...items.map((i) => new Column(column(exprName(i)))));
  return core.distinct ? df.distinct() : df;
}

const isPlaceholder = (e: Expr): e is Extract<Expr, { kind: "column" }> => e.kind === "column" && e.name.startsWith(SUBQUERY_PREFIX);
const holdsPlaceholder = (e: Expr): boolean => [...referencedColumns(e)].some((n) => n.startsWith(SUBQUERY_PREFIX));

/** A subquery that is a plain SELECT ... FROM ... [WHERE ...]: its WHERE can become a join condition (correlated or not). */
function plainSelect(q: Query): SelectCore | null {
  const b = q.body;
  if (q.ctes.length || q.orderBy.length || q.limit !== null || b.kind !== "select") return null;
  if (b.distinct || b.groupBy !== null || b.having !== null || b.items.some(containsAggregate) || b.from.length === 0) return null;
  return b;
}

let hiddenSubqueries = 0;

/**
 * The subqueries of a select core, as Spark's optimizer rewrites them: a WHERE conjunct
 * EXISTS (q) / NOT EXISTS (q) is a semi / anti join with q's FROM on q's WHERE (which may read
 * the outer query's columns: a correlated subquery), x IN (q) a semi join on x = q's column
 * (and q's WHERE), x NOT IN (q) an anti join that also drops x when the comparison is null
 * (NOT IN's null semantics); an uncorrelated scalar subquery, anywhere, is joined as its one
 * row's value. What is left is the core with placeholders replaced.
 */
function withSubqueries(input: DataFrame, core: SelectCore, scope: SqlScope): { df: DataFrame; core: SelectCore; dropAfterWhere: readonly string[] } {
  const all = [core.where, core.having, ...core.items, ...(core.groupBy ?? [])].filter((e): e is Expr => e !== null);
  if (!all.some(holdsPlaceholder)) return { df: input, core, dropAfterWhere: [] };
  let df = input;
  const kept: Expr[] = [];
  for (const c of core.where ? conjuncts(core.where) : []) {
    const negated = c.kind === "unary" && c.op === "not";
    const inner = negated ? c.expr : c;
    const sub = isPlaceholder(inner) ? scope.subqueries.get(inner.name) : undefined;
    if (!sub || sub.kind === "scalar") {
      kept.push(c);
      continue;
    }
    const plain = plainSelect(sub.query);
    const how = negated ? "left_anti" : "left_semi";
    if (sub.kind === "exists") {
      if (plain) {
        const from = plain.from.map((r) => relation(r, scope)).reduce((a, b) => a.crossJoin(b));
        df = subqueryJoin(scope, df, from, plain.where ?? literal(true), how);
      } else df = subqueryJoin(scope, df, buildQuery(sub.query, scope), literal(true), how);
      continue;
    }
    // x [NOT] IN (SELECT c ...): x (the outer query's) and c (the subquery's) under names of their own, compared.
    const n = hiddenSubqueries++;
    const [outerValue, innerValue] = [`__sql_in_outer_${n}`, `__sql_in_inner_${n}`];
    const item = plain?.items.length === 1 ? unaliased(plain.items[0]!) : null;
    const single = item && !(item.kind === "column" && item.name.endsWith("*")) ? plain : null;
    const subquery = single
      ? single.from.map((r) => relation(r, scope)).reduce((a, b) => a.crossJoin(b)).select(new Column(column("*")), new Column(alias(item!, innerValue)))
      : buildQuery(sub.query, scope).toDF(innerValue);
    const matches = binary("eq", column(outerValue), column(innerValue));
    // NOT IN: a row goes when any comparison is true or null (a null-aware anti join).
    const test = negated ? call("coalesce", [matches, literal(true)]) : matches;
    const withValue = df.select(new Column(column("*")), new Column(alias(sub.value, outerValue)));
    df = subqueryJoin(scope, withValue, subquery, single?.where ? binary("and", test, single.where) : test, how).drop(outerValue);
  }
  // Uncorrelated scalar subqueries: one row each, joined beside every row.
  const scalars = new Map<string, string>();
  const replace = (e: Expr): Expr =>
    transformExpr(e, (node) => {
      if (!isPlaceholder(node)) return undefined;
      const sub = scope.subqueries.get(node.name)!;
      if (sub.kind !== "scalar") throw new SqlFunctionError("EXISTS and IN (SELECT ...) are supported as conditions of a WHERE clause joined by AND (not under OR, not in the select list) for now.");
      let name = scalars.get(node.name);
      if (!name) {
        name = `__sql_scalar_${hiddenSubqueries++}`;
        scalars.set(node.name, name);
        df = df.crossJoin(buildQuery(sub.query, scope).toDF(name));
      }
      return column(name);
    });
  const where = kept.length ? kept.map(replace).reduce((a, b) => binary("and", a, b)) : null;
  const whereOnly = [...scalars.values()];
  const rest = {
    ...core,
    where,
    having: core.having ? replace(core.having) : null,
    items: core.items.map((i) => (holdsPlaceholder(i) ? (i.kind === "alias" ? alias(replace(i.expr), i.name) : alias(replace(i), exprName(i))) : i)),
    groupBy: core.groupBy ? core.groupBy.map(replace) : null,
  };
  // A scalar only the WHERE reads goes once the WHERE has run, so that * does not show it.
  const read = new Set([rest.having, ...rest.items, ...(rest.groupBy ?? [])].flatMap((e) => (e ? [...referencedColumns(e)] : [])));
  return { df, core: rest, dropAfterWhere: whereOnly.filter((n) => !read.has(n)) };
}
